"""gmmlib.core against independent references.

References: ``scipy.stats.multivariate_normal`` and ``scipy.special.logsumexp``;
NumPy's weighted covariance (``np.cov(..., aweights=...)``); 50-digit mpmath
arithmetic for the seed's responsibilities; and the seed document's hand
values (``../shared/seeds/000_*.txt``).
"""

import mpmath
import numpy as np
import pytest
from scipy import special, stats

import gmmlib
from gmmlib import datasets

RNG_SEED = 20240607


def random_spd(rng, d):
    """A random symmetric positive-definite matrix with moderate conditioning."""
    A = rng.normal(size=(d, d))
    return A @ A.T + d * np.eye(d)


def random_params(rng, K, d):
    weights = rng.dirichlet(np.ones(K))
    means = rng.normal(scale=3.0, size=(K, d))
    covariances = np.stack([random_spd(rng, d) for _ in range(K)])
    return gmmlib.GMMParams(weights, means, covariances)


# --------------------------------------------------------------------------
# densities


@pytest.mark.parametrize("d", range(1, 11))
def test_mvn_logpdf_matches_scipy(d):
    rng = np.random.default_rng(RNG_SEED + d)
    mean = rng.normal(size=d)
    cov = random_spd(rng, d)
    X = rng.normal(scale=4.0, size=(50, d))
    expected = stats.multivariate_normal(mean, cov).logpdf(X).reshape(50)
    np.testing.assert_allclose(gmmlib.mvn_logpdf(X, mean, cov), expected, rtol=1e-12)
    np.testing.assert_allclose(
        gmmlib.mvn_pdf(X, mean, cov),
        stats.multivariate_normal(mean, cov).pdf(X).reshape(50),
        rtol=1e-11,
    )


def test_mvn_logpdf_far_tail_is_finite():
    # a density of 1e-300 and far below must stay a finite log-density
    logpdf = gmmlib.mvn_logpdf([[100.0, 100.0]], [0.0, 0.0], np.eye(2))
    expected = stats.multivariate_normal([0, 0], np.eye(2)).logpdf([100, 100])
    np.testing.assert_allclose(logpdf, [expected], rtol=1e-13)
    assert np.isfinite(logpdf).all()


def test_logsumexp_matches_scipy():
    rng = np.random.default_rng(RNG_SEED)
    a = rng.normal(scale=300.0, size=(20, 5))
    a[3, 2] = -np.inf
    np.testing.assert_allclose(gmmlib.logsumexp(a, axis=1), special.logsumexp(a, axis=1), rtol=1e-14)
    np.testing.assert_allclose(gmmlib.logsumexp(a, axis=0), special.logsumexp(a, axis=0), rtol=1e-14)
    np.testing.assert_allclose(gmmlib.logsumexp(a), special.logsumexp(a), rtol=1e-14)
    assert gmmlib.logsumexp([-1000.0, -1000.0]) == pytest.approx(-1000 + np.log(2), rel=1e-15)


# --------------------------------------------------------------------------
# E-step, M-step, log-likelihood on random mixtures


@pytest.mark.parametrize("d", [1, 2, 5, 10])
def test_weighted_log_prob_and_e_step_match_scipy(d):
    rng = np.random.default_rng(RNG_SEED + 100 + d)
    K = 3
    params = random_params(rng, K, d)
    X = rng.normal(scale=4.0, size=(40, d))
    expected = np.column_stack(
        [
            np.log(params.weights[c])
            + stats.multivariate_normal(params.means[c], params.covariances[c]).logpdf(X).reshape(-1)
            for c in range(K)
        ]
    )
    np.testing.assert_allclose(gmmlib.weighted_log_prob(X, params), expected, rtol=1e-12)
    expected_resp = np.exp(expected - special.logsumexp(expected, axis=1, keepdims=True))
    resp = gmmlib.e_step(X, params)
    np.testing.assert_allclose(resp, expected_resp, rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=1e-14)
    np.testing.assert_allclose(
        gmmlib.log_likelihood(X, params), special.logsumexp(expected, axis=1).sum(), rtol=1e-12
    )


@pytest.mark.parametrize("d", [1, 3, 6])
def test_m_step_matches_numpy_weighted_statistics(d):
    rng = np.random.default_rng(RNG_SEED + 200 + d)
    n, K = 60, 4
    X = rng.normal(size=(n, d)) * 5 + 10
    resp = rng.dirichlet(np.ones(K), size=n)
    params = gmmlib.m_step(X, resp, reg_covar=1e-3)
    for c in range(K):
        r = resp[:, c]
        assert params.weights[c] == pytest.approx(r.sum() / n, rel=1e-13)
        np.testing.assert_allclose(params.means[c], np.average(X, axis=0, weights=r), rtol=1e-12)
        expected_cov = np.atleast_2d(np.cov(X.T, aweights=r, bias=True)) + 1e-3 * np.eye(d)
        np.testing.assert_allclose(params.covariances[c], expected_cov, rtol=1e-10)


def test_inputs_are_not_modified():
    rng = np.random.default_rng(RNG_SEED)
    X = rng.normal(size=(30, 2))
    resp = rng.dirichlet(np.ones(2), size=30)
    X0, resp0 = X.copy(), resp.copy()
    params = gmmlib.m_step(X, resp)
    gmmlib.e_step(X, params)
    gmmlib.em(X, params, max_iter=3, reg_covar=1e-6)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(resp, resp0)


# --------------------------------------------------------------------------
# The seed's worked example, number by number


@pytest.fixture
def seed():
    return datasets.seed_people(), datasets.seed_initial_params()


def test_seed_normaliser_is_62_83(seed):
    _, params = seed
    # N(mu | mu, Sigma) = 1 / ((2 pi)^{d/2} |Sigma|^{1/2}) = 1 / (2 pi * 10)
    normaliser = 1.0 / gmmlib.mvn_pdf([params.means[0]], params.means[0], params.covariances[0])[0]
    assert f"{normaliser:.2f}" == "62.83"


def test_seed_density_of_A(seed):
    X, params = seed
    women, men = (gmmlib.mvn_pdf(X[:1], params.means[c], params.covariances[c])[0] for c in (0, 1))
    assert f"{women:.3g}" == "0.0107"
    # exact: exp(-62.5) / (20 pi) = 1.14397e-29
    assert f"{men:.4g}" == "1.144e-29"
    assert men == pytest.approx(float(mpmath.exp(-62.5) / (20 * mpmath.pi)), rel=1e-12)
    # the seed's 1.15e-29 comes from rounding exp(-62.5) to 7.2e-28 first (ERRATA)
    assert f"{7.2e-28 / 62.83:.3g}" == "1.15e-29"


def exact_seed_responsibilities():
    """The seed's E-step in 50-digit arithmetic (independent of gmmlib)."""
    mpmath.mp.dps = 50
    X = [(160, 55), (165, 60), (170, 65), (180, 75), (185, 80), (190, 85)]
    means = [(162, 57), (185, 80)]
    resp = []
    for x in X:
        # equal weights and equal covariances 10 I: only the quadratic forms differ
        dens = [mpmath.exp(-mpmath.mpf((x[0] - m[0]) ** 2 + (x[1] - m[1]) ** 2) / 20) for m in means]
        resp.append([float(p / sum(dens)) for p in dens])
    return np.array(resp)


def test_seed_responsibility_table(seed):
    X, params = seed
    resp = gmmlib.e_step(X, params)
    np.testing.assert_allclose(resp, exact_seed_responsibilities(), rtol=1e-12, atol=0)
    # the seed's table: A, B, C are women, D, E, F are men
    np.testing.assert_array_equal(np.round(resp), [[1, 0]] * 3 + [[0, 1]] * 3)
    # r(A, men) is tiny but not 0 (and not NaN)
    r_A_men = resp[0, 1]
    assert r_A_men > 0
    assert f"{r_A_men:.3g}" == "1.07e-27"


def test_seed_m_step(seed):
    X, params = seed
    new = gmmlib.m_step(X, gmmlib.e_step(X, params))
    m = new.weights * len(X)
    np.testing.assert_allclose(m, [3, 3], rtol=1e-6)
    np.testing.assert_allclose(new.weights, [0.5, 0.5], rtol=1e-6)
    np.testing.assert_allclose(new.means, [[165, 60], [185, 80]], rtol=1e-8)
    np.testing.assert_allclose(new.covariances, [16.67 * np.ones((2, 2))] * 2, atol=0.005)
    # with the seed's rounded (0/1) responsibilities the values are exact
    hard = gmmlib.m_step(X, np.array([[1, 0]] * 3 + [[0, 1]] * 3))
    np.testing.assert_array_equal(hard.weights, [0.5, 0.5])
    np.testing.assert_array_equal(hard.means, [[165, 60], [185, 80]])
    np.testing.assert_allclose(hard.covariances, [np.full((2, 2), 50 / 3)] * 2, rtol=1e-15)


def test_seed_singular_covariance_gives_clear_error(seed):
    X, params = seed
    singular = gmmlib.m_step(X, gmmlib.e_step(X, params))
    with pytest.raises(ValueError, match=r"component 0.*not positive definite") as info:
        gmmlib.e_step(X, singular)
    message = str(info.value)
    assert "reg_covar" in message and "fewer components" in message and "rescale" in message


def test_seed_regularised_em_runs(seed):
    X, params = seed
    result = gmmlib.em(X, params, max_iter=50, reg_covar=1e-3)
    assert np.isfinite(result.log_likelihoods).all()
    assert result.n_iter == len(result.log_likelihoods) - 1 >= 1
    assert result.history[-1] is result.params


# --------------------------------------------------------------------------
# EM never lowers the log-likelihood


def test_em_is_monotone_on_old_faithful():
    X = datasets.old_faithful()
    start = gmmlib.GMMParams(
        [0.3, 0.3, 0.4],
        [[2.0, 50.0], [3.5, 70.0], [4.5, 85.0]],
        [np.diag([0.5, 30.0])] * 3,
    )
    result = gmmlib.em(X, start, max_iter=60, tol=0.0, reg_covar=1e-6)
    ll = np.array(result.log_likelihoods)
    assert len(ll) == 61
    assert np.all(np.diff(ll) >= -1e-9 * np.abs(ll[1:])), np.diff(ll).min()
    assert ll[-1] > ll[0] + 100


def test_em_is_monotone_on_random_mixtures():
    rng = np.random.default_rng(RNG_SEED + 300)
    for d in (1, 3):
        X = rng.normal(size=(80, d)) + rng.integers(0, 3, size=(80, 1)) * 4
        start = random_params(rng, 3, d)
        ll = np.array(gmmlib.em(X, start, max_iter=30, tol=0.0, reg_covar=1e-6).log_likelihoods)
        assert np.all(np.diff(ll) >= -1e-9 * np.abs(ll[1:]))


# --------------------------------------------------------------------------
# the estimator runs the same maths (issue 12: one home for the EM maths)


@pytest.mark.parametrize("engine", ["plain", "fast"])
@pytest.mark.parametrize("reg_covar", [0.0, 1e-3])
def test_one_estimator_iteration_is_one_e_step_and_m_step(engine, reg_covar, monkeypatch):
    """GaussianMixture(max_iter=1) from given parameters equals one e_step + m_step
    of the lesson functions (which module docstrings promise)."""
    import warnings

    from gmmlib.mixture import GaussianMixture

    X = datasets.old_faithful()
    params = gmmlib.GMMParams(
        [0.3, 0.3, 0.4], [[2.0, 50.0], [3.5, 70.0], [4.5, 85.0]], [np.diag([0.5, 30.0])] * 3
    )
    expected = gmmlib.m_step(X, gmmlib.e_step(X, params), reg_covar=reg_covar)
    monkeypatch.setattr(GaussianMixture, "_engine", engine)
    gm = GaussianMixture(3, max_iter=1, tol=0.0, reg_covar=reg_covar, weights_init=params.weights,
                         means_init=params.means, precisions_init=np.linalg.inv(params.covariances))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: one iteration, tol=0
        gm.fit(X)
    np.testing.assert_allclose(gm.weights_, expected.weights, rtol=1e-12)
    np.testing.assert_allclose(gm.means_, expected.means, rtol=1e-12)
    np.testing.assert_allclose(gm.covariances_, expected.covariances, rtol=1e-10)
    # the lower bound of that iteration is the log-likelihood of the starting parameters
    assert gm.lower_bound_ == pytest.approx(gmmlib.log_likelihood(X, params) / len(X), rel=1e-12)


def test_core_and_estimator_share_one_logsumexp_and_log_2pi():
    from gmmlib import _fast, _gaussian, core, mixture

    assert core.logsumexp is gmmlib.logsumexp is _gaussian.logsumexp
    assert core.LOG_2PI is _gaussian.LOG_2PI and _fast.LOG_2PI is _gaussian.LOG_2PI
    # the estimator module keeps no copy of its own (it had an unused LOG_2PI)
    assert getattr(mixture, "LOG_2PI", _gaussian.LOG_2PI) is _gaussian.LOG_2PI
    assert mixture.COVARIANCE_TYPES == tuple(_gaussian.COVARIANCE_TYPES)


@pytest.mark.parametrize("d", [1, 3, 6])
def test_mvn_logpdf_agrees_with_the_estimators_precision_form(d):
    # mvn_logpdf solves with L (Sigma = L L^T); the estimator multiplies by U = L^{-T}
    from gmmlib import _gaussian

    rng = np.random.default_rng(RNG_SEED + 400 + d)
    X = rng.normal(size=(50, d)) * 3
    mean, cov = rng.normal(size=d), random_spd(rng, d)
    U = np.linalg.cholesky(np.linalg.inv(cov)[::-1, ::-1])[::-1, ::-1]  # Lambda = U U^T
    ours = _gaussian.log_gaussian_prob(_gaussian.FULL, X, mean[np.newaxis], U[np.newaxis])[:, 0]
    np.testing.assert_allclose(ours, gmmlib.mvn_logpdf(X, mean, cov), rtol=1e-12)
    np.testing.assert_allclose(ours, stats.multivariate_normal(mean, cov).logpdf(X).reshape(-1), rtol=1e-12)
