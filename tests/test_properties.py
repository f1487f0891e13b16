"""Property tests (hypothesis, derandomized so CI is reproducible).

- responsibilities lie in [0, 1] and each row sums to 1;
- EM never lowers the log-likelihood (lesson 6), with ``reg_covar = 0`` so the
  M-step is the exact maximiser of the Q-function;
- the fit does not depend on the order of the samples;
- translating the data translates the means and changes nothing else.
"""

import warnings

import numpy as np
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import gmmlib
from gmmlib.mixture import ConvergenceWarning, GaussianMixture

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]
FAST = settings(derandomize=True, max_examples=25, deadline=None, database=None)


def mixture_data(seed, n, d, K):
    """Data from K well-spread Gaussian clusters (no exact ties, no collapse)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, K, size=n)
    centres = rng.normal(scale=5.0, size=(K, d))
    scales = rng.uniform(0.5, 2.0, size=(K, d))
    return centres[labels] + rng.normal(size=(n, d)) * scales[labels]


def initial_params(X, K, covariance_type, seed):
    rng = np.random.default_rng(seed)
    d = X.shape[1]
    precisions = {
        "full": np.stack([np.eye(d)] * K),
        "tied": np.eye(d),
        "diag": np.ones((K, d)),
        "spherical": np.ones(K),
    }[covariance_type]
    return dict(
        weights_init=rng.dirichlet(np.full(K, 3.0)),
        means_init=X[rng.choice(len(X), K, replace=False)],
        precisions_init=precisions / X.var(axis=0).mean(),  # invariant to translation
    )


problems = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 2**32 - 1),
        "n": st.integers(30, 120),
        "d": st.integers(1, 4),
        "K": st.integers(1, 4),
        "covariance_type": st.sampled_from(COVARIANCE_TYPES),
    }
)


def fit(X, problem, max_iter=15, reg_covar=1e-6, init=None):
    if init is None:
        init = initial_params(X, problem["K"], problem["covariance_type"], problem["seed"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning with tol=0
        return GaussianMixture(
            problem["K"], covariance_type=problem["covariance_type"], max_iter=max_iter,
            tol=0, reg_covar=reg_covar, **init,
        ).fit(X)


@FAST
@given(problems)
def test_responsibilities_are_distributions(problem):
    X = mixture_data(problem["seed"], problem["n"], problem["d"], problem["K"])
    resp = fit(X, problem, max_iter=3).predict_proba(X * 3.0)  # also far from the fit
    assert resp.shape == (problem["n"], problem["K"])
    assert np.all((resp >= 0) & (resp <= 1))
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=1e-12)


@FAST
@given(
    hnp.arrays(np.float64, (8, 2), elements=st.floats(-1e3, 1e3)),
    st.floats(1e-3, 1e3),
)
def test_core_e_step_rows_are_distributions(X, scale):
    params = gmmlib.GMMParams([0.3, 0.7], [[0.0, 0.0], [10.0, -5.0]], [scale * np.eye(2)] * 2)
    resp = gmmlib.e_step(X, params)
    assert np.all((resp >= 0) & (resp <= 1)) and np.isfinite(resp).all()
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=1e-12)


@FAST
@given(problems)
def test_em_never_lowers_the_log_likelihood(problem):
    X = mixture_data(problem["seed"], 4 * problem["n"], problem["d"], problem["K"])
    try:
        bounds = np.array(fit(X, problem, max_iter=25, reg_covar=0.0).lower_bounds_)
    except ValueError as exc:  # a component collapsed: legitimate without reg_covar
        assert "not positive definite" in str(exc)
        reject()
    assert np.all(np.diff(bounds) >= -1e-10 * np.abs(bounds[1:])), np.diff(bounds).min()


@FAST
@given(problems, st.randoms(use_true_random=False))
def test_fit_does_not_depend_on_sample_order(problem, random):
    X = mixture_data(problem["seed"], problem["n"], problem["d"], problem["K"])
    permutation = np.array(random.sample(range(len(X)), len(X)))
    init = initial_params(X, problem["K"], problem["covariance_type"], problem["seed"])
    a = fit(X, problem, init=init)
    b = fit(X[permutation], problem, init=init)
    for name in ("weights_", "means_", "covariances_"):
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), rtol=1e-7, atol=1e-9)
    assert b.lower_bound_ == a.lower_bound_ or abs(b.lower_bound_ - a.lower_bound_) < 1e-9
    np.testing.assert_allclose(b.score_samples(X[permutation]), a.score_samples(X)[permutation], rtol=1e-9)


@FAST
@given(problems, hnp.arrays(np.float64, 4, elements=st.floats(-1e3, 1e3)))
def test_means_are_equivariant_to_translation(problem, shift):
    X = mixture_data(problem["seed"], problem["n"], problem["d"], problem["K"])
    t = shift[: problem["d"]]
    a = fit(X, problem)
    init = initial_params(X, problem["K"], problem["covariance_type"], problem["seed"])
    b = fit(X + t, problem, init={**init, "means_init": init["means_init"] + t})
    np.testing.assert_allclose(b.means_, a.means_ + t, rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(b.covariances_, a.covariances_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(b.weights_, a.weights_, rtol=1e-7, atol=1e-9)


@settings(derandomize=True, max_examples=150, deadline=None, database=None)
@given(
    problems,
    st.floats(-150.0, 150.0),  # the data's scale is 10**exponent
    st.sampled_from([1e-6, 0.0]),
    st.sampled_from(["kmeans", "random", "random_from_data", "k-means++"]),
)
def test_a_fit_is_finite_or_a_value_error_at_any_scale(problem, exponent, reg_covar, init_params):
    """Issue 13: never a NaN model. A fit over data scaled 1e-150 .. 1e150 either
    raises ValueError or gives finite parameters and responsibilities that sum to 1."""
    X = mixture_data(problem["seed"], problem["n"], problem["d"], problem["K"]) * 10.0**exponent
    gm = GaussianMixture(problem["K"], covariance_type=problem["covariance_type"], max_iter=20,
                         reg_covar=reg_covar, init_params=init_params, random_state=problem["seed"] % 2**32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # not a RuntimeWarning: those stay errors
        try:
            gm.fit(X)
        except ValueError:
            return
    for name in ("weights_", "means_", "covariances_", "precisions_", "precisions_cholesky_"):
        assert np.isfinite(getattr(gm, name)).all(), name
    assert np.isfinite(gm.lower_bound_)
    resp = gm.predict_proba(X)
    assert np.all((resp >= 0) & (resp <= 1))
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=1e-12)
    assert np.isfinite(gm.score_samples(X)).all()
