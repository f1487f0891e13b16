"""gmmlib.missing against independent references.

References: ``scipy.stats.multivariate_normal`` on the observed coordinates (the
marginal), NumPy's maximum-likelihood covariance for complete data, the
conditional normal computed from the precision matrix, and a direct numerical
maximisation of the observed-data log-likelihood with ``scipy.optimize``.
"""

import numpy as np
import pytest
from scipy import optimize, stats

from gmmlib import missing

RNG_SEED = 20261208


def random_data(rng, n=60, d=3, share=0.3):
    A = rng.normal(size=(d, d))
    cov = A @ A.T + np.eye(d)
    X = rng.multivariate_normal(rng.normal(size=d), cov, size=n)
    holes = rng.random((n, d)) < share
    holes[holes.all(axis=1), 0] = False  # keep one observed entry per row
    X[holes] = np.nan
    return X, cov


def test_observed_log_likelihood_is_the_sum_of_scipy_marginals():
    rng = np.random.default_rng(RNG_SEED)
    X, cov = random_data(rng)
    mean = rng.normal(size=3)
    expected = sum(stats.multivariate_normal(mean[~np.isnan(x)], cov[np.ix_(~np.isnan(x), ~np.isnan(x))])
                   .logpdf(x[~np.isnan(x)]) for x in X)
    np.testing.assert_allclose(missing.observed_log_likelihood(X, mean, cov), expected, rtol=1e-12)


def test_e_step_is_the_conditional_normal_from_the_precision_matrix():
    rng = np.random.default_rng(RNG_SEED + 1)
    X, cov = random_data(rng, n=20)
    mean = rng.normal(size=3)
    filled, correction = missing.e_step(X, mean, cov)
    precision = np.linalg.inv(cov)
    expected_correction = np.zeros((3, 3))
    for x, f in zip(X, filled):
        m, o = np.isnan(x), ~np.isnan(x)
        if not m.any():
            np.testing.assert_array_equal(f, x)
            continue
        # conditional of a normal via the precision: Cov = P_mm^-1, mean = mu_m - P_mm^-1 P_mo (x_o - mu_o)
        cond_cov = np.linalg.inv(precision[np.ix_(m, m)])
        np.testing.assert_allclose(f[m], mean[m] - cond_cov @ precision[np.ix_(m, o)] @ (x[o] - mean[o]),
                                   rtol=1e-10)
        expected_correction[np.ix_(m, m)] += cond_cov
    np.testing.assert_allclose(correction, expected_correction, rtol=1e-10, atol=1e-12)


def test_without_missing_entries_one_step_is_the_ml_fit():
    rng = np.random.default_rng(RNG_SEED + 2)
    X = rng.normal(size=(40, 3))
    result = missing.em(X, max_iter=1)
    np.testing.assert_allclose(result.mean, X.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(result.cov, np.cov(X.T, bias=True), rtol=1e-12)


def test_em_is_monotone_and_reaches_the_direct_maximum():
    rng = np.random.default_rng(RNG_SEED + 3)
    X, _ = random_data(rng, n=50, d=2, share=0.35)
    result = missing.em(X, tol=1e-12, max_iter=5000)
    assert result.converged
    assert np.all(np.diff(result.log_likelihoods) > -1e-9)

    def negative(theta):  # mean, then a Cholesky factor with log-diagonal
        L = np.array([[np.exp(theta[2]), 0.0], [theta[3], np.exp(theta[4])]])
        return -missing.observed_log_likelihood(X, theta[:2], L @ L.T)

    L0 = np.linalg.cholesky(np.diag(np.nanvar(X, axis=0)))
    start = np.r_[np.nanmean(X, axis=0), np.log(L0[0, 0]), 0.0, np.log(L0[1, 1])]
    best = optimize.minimize(negative, start, method="BFGS", options={"gtol": 1e-9})
    L = np.array([[np.exp(best.x[2]), 0.0], [best.x[3], np.exp(best.x[4])]])
    np.testing.assert_allclose(result.mean, best.x[:2], atol=1e-4)
    np.testing.assert_allclose(result.cov, L @ L.T, atol=1e-4)
    assert result.log_likelihoods[-1] >= -best.fun - 1e-8


@pytest.mark.parametrize("call, match", [
    (lambda: missing.e_step([[np.nan, np.nan], [1.0, 2.0]], [0, 0], np.eye(2)), "row 0 .* no observed entry"),
    (lambda: missing.e_step([[np.inf, 1.0]], [0, 0], np.eye(2)), "not contain inf"),
    (lambda: missing.e_step([1.0, 2.0], [0, 0], np.eye(2)), "2-D array"),
    (lambda: missing.m_step([[np.nan, 1.0]], np.zeros((2, 2))), "without NaN"),
    (lambda: missing.m_step([[0.0, 1.0]], np.zeros((3, 3))), "correction must have shape"),
])
def test_bad_input_raises_a_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_mar_example_complete_cases_are_biased_em_is_not():
    from gmmlib.examples import beyond

    X_missing, X = beyond.faithful_with_missing()
    complete = X_missing[~np.isnan(X_missing).any(axis=1)]
    result = missing.em(X_missing)
    assert abs(complete[:, 1].mean() - X[:, 1].mean()) > 4  # long eruptions lost their waiting times
    assert abs(result.mean[1] - X[:, 1].mean()) < 0.5
