"""Bad input gets a ValueError that names the parameter and what was wrong.

Expected message fragments are written out by hand (never rebuilt from the
code's own expressions). Every test also checks that the caller's arrays are
left untouched.
"""

import copy
import warnings

import numpy as np
import pytest

import gmmlib
from gmmlib import datasets
from gmmlib.mixture import GaussianMixture

X_GOOD = np.array([[0.0, 1.0], [1.0, 0.5], [2.0, 2.5], [3.0, 1.0], [4.0, 3.0], [5.0, 2.0]])


def fit(X=X_GOOD, **kwargs):
    return GaussianMixture(**{"n_components": 2, "random_state": 0, **kwargs}).fit(X)


def with_nan():
    X = X_GOOD.copy()
    X[2, 1] = np.nan
    return X


def with_inf():
    X = X_GOOD.copy()
    X[4, 0] = -np.inf
    return X


# --------------------------------------------------------------------------
# X


@pytest.mark.parametrize(
    "X, match",
    [
        (
            with_nan(),
            r"X must contain only finite numbers; received 1 non-finite value\(s\) \(NaN\), the first at"
            r" index \(2, 1\)",
        ),
        (with_inf(), r"X must contain only finite numbers; .*\(inf\), the first at index \(4, 0\)"),
        (
            np.arange(6.0),
            r"X must be a 2-D array .*received an array with 1 dimension\(s\).*reshape\(-1, 1\)",
        ),
        (
            np.zeros((2, 3, 2)),
            r"X must be a 2-D array .*received an array with 3 dimension\(s\), shape \(2, 3, 2\)",
        ),
        (
            np.zeros((0, 2)),
            r"X must have at least one sample and one feature; received an empty array of shape \(0, 2\)",
        ),
        (np.zeros((4, 0)), r"X must have at least one sample and one feature"),
        ([[1.0, 2.0], [3.0]], r"X must be an array of numbers; it could not be converted"),
        ([["a", "b"], ["c", "d"]], r"X must contain real numbers; received an array of dtype <U1"),
        (
            np.array([[1, None], [2, 3]], dtype=object),
            r"X must contain real numbers; received an array of dtype object",
        ),
        (
            np.array([[1 + 2j, 0], [0, 1]]),
            r"X must contain real numbers; received an array of dtype complex128",
        ),
        (X_GOOD[:1], r"X must have at least 2 samples; received 1"),
    ],
    ids=["nan", "inf", "1-D", "3-D", "no rows", "no columns", "ragged", "strings", "object", "complex",
         "one row"],
)
def test_bad_X_in_fit(X, match):
    snapshot = copy.deepcopy(X)
    with pytest.raises(ValueError, match=match):
        fit(X)
    if isinstance(X, np.ndarray):  # never modified (NaN compares equal here)
        np.testing.assert_array_equal(X, snapshot)
    else:
        assert X == snapshot


def test_fewer_samples_than_components():
    with pytest.raises(ValueError, match=r"X has 6 samples but n_components=7.*n_samples >= n_components"):
        fit(n_components=7)


def test_bad_X_in_predict_and_score():
    gm = fit()
    with pytest.raises(ValueError, match=r"X has 3 feature\(s\), but this GaussianMixture was fitted with 2"):
        gm.predict(np.zeros((4, 3)))
    for method in (gm.predict, gm.predict_proba, gm.score, gm.score_samples, gm.bic, gm.aic):
        with pytest.raises(ValueError, match=r"X must contain only finite numbers"):
            method(with_nan())
    with pytest.raises(ValueError, match=r"n_samples must be an integer >= 1; received 0"):
        gm.sample(0)


def test_bad_X_in_core_functions():
    params = datasets.seed_initial_params()
    with pytest.raises(ValueError, match=r"X must contain only finite numbers.*\(NaN\)"):
        gmmlib.e_step(with_nan(), params)
    with pytest.raises(ValueError, match=r"X must be a 2-D array"):
        gmmlib.mvn_logpdf(np.array([160.0, 55.0]), [162, 57], np.eye(2))
    with pytest.raises(ValueError, match=r"X has 3 feature\(s\) but params describe 2-dimensional"):
        gmmlib.log_likelihood(np.zeros((2, 3)), params)
    with pytest.raises(ValueError, match=r"params must be a gmmlib.GMMParams; received dict"):
        gmmlib.e_step(X_GOOD, {"weights": [1.0]})


# --------------------------------------------------------------------------
# hyper-parameters


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_components=0), r"n_components must be an integer >= 1; received 0"),
        (dict(n_components=-2), r"n_components must be an integer >= 1; received -2"),
        (dict(n_components=2.5), r"n_components must be an integer >= 1; received 2.5 of type float"),
        (dict(n_components=True), r"n_components must be an integer >= 1; received True of type bool"),
        (
            dict(covariance_type="ful"),
            r"covariance_type must be one of 'full', 'tied', 'diag', 'spherical'; received 'ful'",
        ),
        (
            dict(init_params="k-means"),
            r"init_params must be one of 'kmeans', 'k-means\+\+', 'random', 'random_from_data'; received"
            r" 'k-means'",
        ),
        (dict(tol=-1.0), r"tol must be >= 0; received -1.0"),
        (dict(reg_covar=-1e-6), r"reg_covar must be >= 0; received -1e-06"),
        (dict(reg_covar=np.nan), r"reg_covar must be a finite real number >= 0; received nan"),
        (dict(max_iter=-1), r"max_iter must be an integer >= 0; received -1"),
        (dict(n_init=0), r"n_init must be an integer >= 1; received 0"),
        (dict(verbose=-1), r"verbose must be an integer >= 0; received -1"),
        (dict(warm_start="yes"), r"warm_start must be True or False; received 'yes'"),
        (
            dict(random_state="seed"),
            r"random_state must be None, an int or a numpy.random.RandomState; received 'seed'",
        ),
    ],
)
def test_bad_hyper_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        fit(**kwargs)


# --------------------------------------------------------------------------
# initial parameters


SPD = np.array([[2.0, 0.5], [0.5, 1.0]])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(weights_init=[0.2, 0.3, 0.5]), r"weights_init must have shape \(2,\); received shape \(3,\)"),
        (dict(weights_init=[0.5, 0.6]), r"weights_init must sum to 1; received a sum of 1.1"),
        (dict(weights_init=[1.5, -0.5]), r"weights_init must be non-negative; received minimum -0.5"),
        (dict(weights_init=[np.nan, 0.5]), r"weights_init must contain only finite numbers"),
        (
            dict(means_init=[[0.0, 0.0]]),
            r"means_init must have shape \(n_components, n_features\) = \(2, 2\); received shape \(1, 2\)",
        ),
        (
            dict(means_init=[[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]),
            r"means_init must have shape .* received shape \(2, 3\)",
        ),
        (dict(means_init=[[0.0, np.inf], [1.0, 1.0]]), r"means_init must contain only finite numbers"),
        (dict(means_init=[["a", "b"], ["c", "d"]]), r"means_init must contain real numbers"),
        (
            dict(precisions_init=np.stack([SPD] * 3)),
            r"precisions_init must have shape \(2, 2, 2\) for covariance_type='full'.*received shape \(3,"
            r" 2, 2\)",
        ),
        (
            dict(precisions_init=SPD),
            r"precisions_init must have shape \(2, 2, 2\) for covariance_type='full'",
        ),
        (
            dict(precisions_init=np.stack([SPD, [[1.0, 2.0], [2.0, 1.0]]])),
            r"precisions_init\[1\] must be positive definite .*smallest eigenvalue -1",
        ),
        (
            dict(precisions_init=np.stack([SPD, [[1.0, 0.3], [0.0, 1.0]]])),
            r"precisions_init\[1\] must be symmetric",
        ),
        (
            dict(covariance_type="tied", precisions_init=np.stack([SPD] * 2)),
            r"precisions_init must have shape \(2, 2\) for covariance_type='tied'",
        ),
        (dict(covariance_type="tied", precisions_init=-SPD), r"precisions_init must be positive definite"),
        (
            dict(covariance_type="diag", precisions_init=[1.0, 2.0]),
            r"precisions_init must have shape \(2, 2\) for covariance_type='diag'",
        ),
        (
            dict(covariance_type="diag", precisions_init=[[1.0, 2.0], [0.0, 1.0]]),
            r"precisions_init must be positive for covariance_type='diag'; received 0 \(component 1\)",
        ),
        (
            dict(covariance_type="spherical", precisions_init=[1.0, -2.0]),
            r"precisions_init must be positive for covariance_type='spherical'; received -2 \(component 1\)",
        ),
        (
            dict(covariance_type="spherical", precisions_init=[[1.0], [2.0]]),
            r"precisions_init must have shape \(2,\) for covariance_type='spherical'",
        ),
    ],
)
def test_bad_initial_parameters(kwargs, match):
    originals = {k: np.array(v, copy=True) for k, v in kwargs.items() if k.endswith("_init")}
    with pytest.raises(ValueError, match=match):
        fit(**kwargs)
    for name, original in originals.items():  # never modified
        np.testing.assert_array_equal(np.asarray(kwargs[name]), original)


def test_bad_params_in_core_functions():
    with pytest.raises(ValueError, match=r"weights must sum to 1; received a sum of 0.9"):
        gmmlib.GMMParams([0.4, 0.5], [[0, 0], [1, 1]], [np.eye(2)] * 2)
    with pytest.raises(ValueError, match=r"weights must be non-negative; received minimum -0.5"):
        gmmlib.GMMParams([1.5, -0.5], [[0, 0], [1, 1]], [np.eye(2)] * 2)
    with pytest.raises(
        ValueError, match=r"covariances must have shape \(K, d, d\) = \(2, 2, 2\); received shape \(2, 2\)",
    ):
        gmmlib.GMMParams([0.5, 0.5], [[0, 0], [1, 1]], np.eye(2))
    with pytest.raises(ValueError, match=r"covariances\[1\] must be symmetric"):
        gmmlib.GMMParams([0.5, 0.5], [[0, 0], [1, 1]], [np.eye(2), [[1.0, 0.5], [0.0, 1.0]]])
    with pytest.raises(ValueError, match=r"cov is not positive definite \(smallest eigenvalue -1"):
        gmmlib.mvn_logpdf([[0.0, 0.0]], [0.0, 0.0], [[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match=r"each row of resp must sum to 1.*row 1 sums to 0.5"):
        gmmlib.m_step(X_GOOD[:2], [[1.0, 0.0], [0.25, 0.25]])
    with pytest.raises(ValueError, match=r"reg_covar must be >= 0; received -1"):
        gmmlib.m_step(X_GOOD[:2], [[1.0, 0.0], [0.0, 1.0]], reg_covar=-1)


# --------------------------------------------------------------------------
# collapse during EM: a ValueError naming the component, why and what to do


def test_seed_collapse_in_estimator_names_component_and_cures():
    X = datasets.seed_people()
    seed = datasets.seed_initial_params()
    gm = GaussianMixture(
        2, reg_covar=0.0, weights_init=seed.weights, means_init=seed.means,
        precisions_init=np.linalg.inv(seed.covariances),
    )
    # both components collapse onto the line of the seed's collinear people; which one
    # the Cholesky factorisation trips over first is a matter of rounding
    with pytest.raises(
        ValueError,
        match=r"component [01] \(covariance_type='full'\) has a covariance that is not positive"
              r" definite",
    ) as info:
        gm.fit(X)
    message = str(info.value)
    for cure in ("increase reg_covar", "decrease n_components", "rescale"):
        assert cure in message
    assert "EM iteration 1" in message


def test_collapse_of_diag_variance_names_component():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [0.0, 2.0], [5.0, 0.0], [6.0, 1.0], [7.0, 2.0]])
    gm = GaussianMixture(
        2, covariance_type="diag", reg_covar=0.0, means_init=[[0.0, 1.0], [6.0, 1.0]],
        weights_init=[0.5, 0.5], precisions_init=[[100.0, 1.0], [100.0, 1.0]],
    )
    with pytest.raises(ValueError, match=r"component 0 \(covariance_type='diag'\).*variance 0"):
        gm.fit(X)


# --------------------------------------------------------------------------
# caller's arrays are never modified


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_arrays_are_not_modified(covariance_type):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2)) + 100.0  # not centred: the fit must not centre it in place
    X.setflags(write=False)  # any write would raise
    precisions = {
        "full": np.stack([np.eye(2)] * 2),
        "tied": np.eye(2),
        "diag": np.ones((2, 2)),
        "spherical": np.ones(2),
    }[covariance_type]
    init = dict(weights_init=np.array([0.3, 0.7]), means_init=X[:2].copy(), precisions_init=precisions)
    copies = {k: v.copy() for k, v in init.items()}
    gm = GaussianMixture(2, covariance_type=covariance_type, **init).fit(X)
    gm.predict_proba(X), gm.score_samples(X), gm.bic(X), gm.sample(5)
    for name, value in init.items():
        np.testing.assert_array_equal(value, copies[name])
        assert getattr(gm, name) is value  # the parameters themselves are kept as given
    # fitted attributes do not share memory with the inputs
    assert not np.shares_memory(gm.means_, X) and not np.shares_memory(gm.means_, init["means_init"])


def test_finite_check_sees_a_single_nan_in_a_large_array_and_accepts_huge_values():
    # the check sums the rows (NaN and inf propagate); a NaN deep in the data, past
    # several chunks of that sum, is still found, and finite values whose sum
    # overflows are still accepted
    from gmmlib._validation import check_X, column_sums

    rng = np.random.default_rng(0)
    X = rng.normal(size=(10_001, 3))
    np.testing.assert_allclose(column_sums(X), X.sum(axis=0), rtol=1e-12)
    for bad in (np.nan, np.inf, -np.inf):
        X_bad = X.copy()
        X_bad[9_999, 2] = bad
        with pytest.raises(ValueError, match=r"non-finite value\(s\) .*the first at index \(9999, 2\)"):
            check_X(X_bad)
    huge = np.full((5, 2), 1e308)  # finite, but the column sums overflow to inf
    assert not np.isfinite(column_sums(huge)).any()
    np.testing.assert_array_equal(check_X(huge), huge)


@pytest.mark.parametrize("weights", [[np.inf, -np.inf], [np.nan, 1.0]], ids=["inf-inf", "nan"])
def test_non_finite_weights_give_the_value_error_not_a_runtime_warning(weights):
    # the finite check sums the values; inf - inf must not surface as a RuntimeWarning
    # (pytest turns warnings into errors here)
    from gmmlib._validation import check_weights

    with pytest.raises(ValueError, match=r"weights must contain only finite numbers"):
        check_weights(weights, 2)


# --------------------------------------------------------------------------
# issue 13: defects a peer test suite found (each test failed before its fix)


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
@pytest.mark.parametrize("scale, reg_covar", [(1e200, 1e-6), (1e160, 1e-6), (1e-160, 0.0)])
def test_defect_1_no_silent_nan_model(covariance_type, scale, reg_covar):
    # before: all-NaN means, NaN score, predict all 0, only RuntimeWarnings
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(50, 2)), rng.normal(size=(50, 2)) + 5]) * scale
    gm = GaussianMixture(2, covariance_type=covariance_type, reg_covar=reg_covar, random_state=0)
    try:
        gm.fit(X)
    except ValueError as error:
        assert "Rescale your data" in str(error)
        return
    for name in ("weights_", "means_", "covariances_", "precisions_", "precisions_cholesky_"):
        assert np.isfinite(getattr(gm, name)).all(), name
    np.testing.assert_allclose(gm.predict_proba(X).sum(axis=1), 1.0)


def test_defect_1_nan_responsibilities_of_a_fitted_model_raise():
    # a point no component can explain in float64 has log-density -inf (density 0),
    # honestly; its responsibilities 0/0 cannot be given: a ValueError, not NaN
    gm = fit()
    X_far = np.array([[1e200, 0.0], [-1e200, 0.0]])
    assert (gm.score_samples(X_far) == -np.inf).all()
    for method in (gm.predict_proba, gm.predict):
        with pytest.raises(ValueError, match="Rescale your data"):
            method(X_far)


def test_responsibilities_of_one_far_sample_name_it_and_its_distance():
    # before: "EM failed: ... (largest |x - mean| in X is 0)" -- predict_proba runs no
    # EM, and a single row's distance from its own mean is 0; the message must name
    # the sample and its distance from the fitted model
    gm = fit()
    for method in (gm.predict_proba, gm.predict):
        with pytest.raises(ValueError) as error:
            method(np.array([[1.0, 1.0], [1e200, 0.0]]))
        message = str(error.value)
        assert "EM failed" not in message and "is 0)" not in message
        assert "sample 1 of X" in message and "1e+200" in message
        assert "Rescale your data" in message


def as_matrix(X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)  # np.matrix is discouraged
        return np.matrix(X)


@pytest.mark.parametrize(
    "make, match",
    [
        (as_matrix, None),  # accepted, as a plain array
        (np.ma.masked_array, None),  # nothing masked: accepted
        (lambda X: np.ma.masked_array(X, mask=X > 4.5), r"X is a masked array with 1 masked entry.*filled"),
    ],
    ids=["matrix", "masked-nothing", "masked"],
)
def test_defect_4_matrix_and_masked_X(make, match):
    X = make(X_GOOD)
    if match is None:
        gm = fit(X)
        np.testing.assert_allclose(gm.means_, fit(X_GOOD).means_)
        np.testing.assert_allclose(gm.predict_proba(X), fit(X_GOOD).predict_proba(X_GOOD))
    else:
        with pytest.raises(ValueError, match=match):
            fit(X)


def test_defect_4_sparse_X_says_toarray():
    from scipy import sparse

    for X in (sparse.csr_matrix(X_GOOD), sparse.csr_array(X_GOOD)):
        with pytest.raises(ValueError, match=r"X is a SciPy sparse csr_(matrix|array).*X\.toarray\(\)"):
            fit(X)


@pytest.mark.parametrize("seed", [-1, 2**32, np.int64(-5)])
def test_defect_4_negative_random_state(seed):
    with pytest.raises(ValueError, match=r"random_state must be an int between 0 and 2\*\*32 - 1"):
        fit(random_state=seed)


def test_defect_4_warm_start_after_changing_covariance_type_or_n_components():
    gm = fit(warm_start=True)
    gm.set_params(covariance_type="diag")
    with pytest.raises(
        ValueError, match=r"warm_start=True continues the previous fit, which has covariance_type='full'",
    ):
        gm.fit(X_GOOD)
    gm.set_params(covariance_type="full", n_components=3)
    with pytest.raises(ValueError, match=r"which has n_components=2; now n_components=3.*warm_start=False"):
        gm.fit(X_GOOD)
    gm.set_params(warm_start=False).fit(X_GOOD)  # the fix the message names
    assert gm.weights_.shape == (3,)


def test_defect_4_warm_start_after_a_failed_first_fit():
    gm = GaussianMixture(2, warm_start=True, reg_covar=0.0, random_state=0)
    with pytest.raises(ValueError, match="not positive definite"):
        gm.fit(np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0], [1.0, 1.0]]))  # collapses
    gm.set_params(reg_covar=1e-6).fit(X_GOOD)  # before: AttributeError 'weights_'
    assert gm.converged_


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(max_iter=-1), r"max_iter must be an integer >= 0; received -1"),
        (dict(max_iter=1.5), r"max_iter must be an integer >= 0; received 1.5 of type float"),
        (dict(tol=np.nan), r"tol must be a finite real number >= 0; received nan"),
        (dict(tol=-1), r"tol must be >= 0; received -1"),
        (dict(tol="1e-6"), r"tol must be a finite real number >= 0; received '1e-6'"),
        (dict(reg_covar="1e-6"), r"reg_covar must be a finite real number >= 0; received '1e-6'"),
        (dict(reg_covar=True), r"reg_covar must be a finite real number >= 0; received True"),
    ],
)
def test_defect_5_em_arguments(kwargs, match):
    X = datasets.seed_people()
    with pytest.raises(ValueError, match=match):
        gmmlib.em(X, datasets.seed_initial_params(), **kwargs)


@pytest.mark.parametrize("reg_covar", ["1e-6", True, np.nan, -1.0])
def test_defect_5_m_step_reg_covar(reg_covar):
    with pytest.raises(ValueError, match=r"reg_covar must be"):
        gmmlib.m_step(X_GOOD[:2], [[1.0, 0.0], [0.0, 1.0]], reg_covar=reg_covar)


def test_defect_5_huge_X_in_lesson_functions_says_rescale():
    X = X_GOOD * 1e155
    resp = np.tile([0.5, 0.5], (len(X), 1))
    with pytest.raises(ValueError, match=r"Rescale your data") as info:
        gmmlib.m_step(X, resp)
    assert "covariances[0]" not in str(info.value)  # the user passed no covariances
    params = gmmlib.GMMParams([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], [np.eye(2)] * 2)
    with pytest.raises(ValueError, match=r"Rescale your data"):
        gmmlib.em(X, params)
    with pytest.raises(ValueError, match=r"Rescale your data"):  # before: [[nan, nan]]
        gmmlib.e_step([[1e200, 0.0]], params)


def test_defect_5_logsumexp_of_nothing_is_minus_infinity_as_scipy():
    from scipy.special import logsumexp as scipy_logsumexp

    assert gmmlib.logsumexp([]) == scipy_logsumexp([]) == -np.inf
    np.testing.assert_array_equal(gmmlib.logsumexp(np.zeros((3, 0)), axis=1),
                                  scipy_logsumexp(np.zeros((3, 0)), axis=1))
