"""gmmlib.GaussianMixture inside scikit-learn's tools (issue 13).

- scikit-learn's own estimator checks (``parametrize_with_checks``), for every
  covariance type, each check its own test;
- Pipeline, GridSearchCV, cross_val_score, cross_validate, clone,
  check_is_fitted;
- its NotFittedError and ConvergenceWarning are caught and filtered as
  scikit-learn's;
- float32 in, float32 out, with the float64 results (to float32's precision);
- verbose / verbose_interval print what scikit-learn prints.

gmmlib never imports scikit-learn itself (it stays an optional dependency):
the last test checks that in a fresh interpreter.
"""

import contextlib
import io
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn import exceptions as sk_exceptions
from sklearn.base import clone
from sklearn.mixture import GaussianMixture as SkGaussianMixture
from sklearn.model_selection import GridSearchCV, cross_val_score, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks
from sklearn.utils.validation import check_is_fitted

from gmmlib import datasets
from gmmlib.mixture import ConvergenceWarning, GaussianMixture, NotFittedError

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]

with warnings.catch_warnings():
    # "does not inherit from sklearn.base.BaseEstimator": on purpose (gmmlib does not
    # import scikit-learn); the checks below are what that warning is about.
    warnings.filterwarnings("ignore", message=".*does not inherit from", category=UserWarning)
    _ESTIMATOR_CHECKS = parametrize_with_checks(
        [GaussianMixture(covariance_type=t) for t in COVARIANCE_TYPES]
    )


@_ESTIMATOR_CHECKS
@pytest.mark.filterwarnings("ignore:Estimator GaussianMixture does not inherit")
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def old_faithful_standardised():
    X = datasets.old_faithful()
    return (X - X.mean(axis=0)) / X.std(axis=0)


def test_pipeline():
    X = datasets.old_faithful()
    pipeline = make_pipeline(StandardScaler(), GaussianMixture(2, random_state=0)).fit(X)
    reference = make_pipeline(StandardScaler(), SkGaussianMixture(2, random_state=0)).fit(X)
    np.testing.assert_allclose(pipeline.score_samples(X), reference.score_samples(X), rtol=1e-6)
    assert pipeline.predict(X).shape == (len(X),)


def test_grid_search_and_cross_validation():
    X = old_faithful_standardised()
    grid = {"n_components": [1, 2], "covariance_type": ["full", "diag"]}  # K = 3: other optima
    ours = GridSearchCV(GaussianMixture(random_state=0), grid, cv=3).fit(X)
    theirs = GridSearchCV(SkGaussianMixture(random_state=0), grid, cv=3).fit(X)
    assert ours.best_params_ == theirs.best_params_
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"],
                               theirs.cv_results_["mean_test_score"], rtol=1e-6)
    to_the_optimum = dict(n_components=2, random_state=0, tol=1e-10, max_iter=1000)
    scores = cross_val_score(GaussianMixture(**to_the_optimum), X, cv=4)
    reference = cross_val_score(SkGaussianMixture(**to_the_optimum), X, cv=4)
    np.testing.assert_allclose(scores, reference, rtol=1e-6)
    results = cross_validate(GaussianMixture(**to_the_optimum), X, cv=4, return_estimator=True)
    np.testing.assert_allclose(results["test_score"], reference, rtol=1e-6)
    assert all(isinstance(e, GaussianMixture) for e in results["estimator"])


def test_clone_and_check_is_fitted():
    gm = GaussianMixture(3, covariance_type="tied", reg_covar=1e-4, random_state=5)
    copy = clone(gm)
    assert copy is not gm and copy.get_params() == gm.get_params()
    with pytest.raises(sk_exceptions.NotFittedError):
        check_is_fitted(copy)
    copy.fit(old_faithful_standardised())
    check_is_fitted(copy)
    assert not hasattr(gm, "means_")  # clone made a fresh, unfitted estimator


def test_not_fitted_error_is_sklearns():
    with pytest.raises(sk_exceptions.NotFittedError, match="not fitted yet") as info:
        GaussianMixture(2).predict(np.zeros((3, 2)))
    assert isinstance(info.value, NotFittedError)  # and still gmmlib's
    assert isinstance(info.value, ValueError) and isinstance(info.value, AttributeError)


def test_the_sklearn_flavoured_error_pickles():
    import pickle

    with pytest.raises(NotFittedError) as info:
        GaussianMixture(2).predict(np.zeros((3, 2)))
    again = pickle.loads(pickle.dumps(info.value))  # as a joblib worker would send it back
    assert type(again) is type(info.value) and str(again) == str(info.value)
    assert isinstance(again, sk_exceptions.NotFittedError)


def test_convergence_warning_is_sklearns():
    X = old_faithful_standardised()
    with pytest.warns(sk_exceptions.ConvergenceWarning) as record:
        GaussianMixture(2, max_iter=2, random_state=0).fit(X)
    assert issubclass(record[0].category, ConvergenceWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=sk_exceptions.ConvergenceWarning)
        GaussianMixture(2, max_iter=2, random_state=0).fit(X)  # silenced by scikit-learn's filter


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_float32_stays_float32(covariance_type):
    X64 = old_faithful_standardised()
    X32 = X64.astype(np.float32)
    start = GaussianMixture(3, covariance_type=covariance_type, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start.fit(X64)
    kwargs = dict(n_components=3, covariance_type=covariance_type, weights_init=start.weights_,
                  means_init=start.means_, precisions_init=start.precisions_, tol=1e-10, max_iter=500)
    ours = GaussianMixture(**kwargs).fit(X32)
    reference = GaussianMixture(**kwargs).fit(X32.astype(np.float64))
    theirs = SkGaussianMixture(**kwargs).fit(X32)
    # scikit-learn's dtypes: float32 from its own initialisation (with float64 *_init
    # some come back float64; gmmlib's are float32 whenever X is)
    theirs_default = SkGaussianMixture(3, covariance_type=covariance_type, random_state=0).fit(X32)
    ours_default = GaussianMixture(3, covariance_type=covariance_type, random_state=0).fit(X32)
    for name in ("weights_", "means_", "covariances_", "precisions_", "precisions_cholesky_"):
        assert getattr(ours_default, name).dtype == getattr(theirs_default, name).dtype == np.float32
        value = getattr(ours, name)
        assert value.dtype == np.float32, name
        np.testing.assert_allclose(value, getattr(reference, name), rtol=1e-6, atol=1e-7)
        # the arithmetic is float64 throughout, scikit-learn's float32 arithmetic is not
        np.testing.assert_allclose(value, getattr(theirs, name), rtol=1e-3, atol=1e-3)
    for method in ("score_samples", "predict_proba"):
        out = getattr(ours, method)(X32)
        assert out.dtype == getattr(theirs_default, method)(X32).dtype == np.float32, method
        np.testing.assert_allclose(out, getattr(reference, method)(X32), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(ours.predict(X32), reference.predict(X32))


def verbose_output(estimator, X):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator.fit(X)
    return re.sub(r"\d+\.\d+s", "<time>", buffer.getvalue())  # times differ


@pytest.mark.parametrize("verbose", [True, 1, 2])
@pytest.mark.parametrize("verbose_interval", [1, 3, 10])
def test_verbose_output_as_sklearn(verbose, verbose_interval):
    X = old_faithful_standardised()
    kwargs = dict(n_components=2, n_init=2, max_iter=7, random_state=0, verbose=verbose,
                  verbose_interval=verbose_interval)
    ours = verbose_output(GaussianMixture(**kwargs), X)
    theirs = verbose_output(SkGaussianMixture(**kwargs), X)
    # the same lines; the lower bounds and changes printed agree to their 5 decimals
    assert ours == theirs
    assert ours.count("Initialization") == 4


def test_importing_gmmlib_does_not_import_sklearn():
    code = ("import sys, gmmlib, gmmlib.mixture; gmmlib.GaussianMixture(2).fit([[0.], [1.], [5.], [6.]]); "
            "print('sklearn' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
