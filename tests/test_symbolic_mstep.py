"""Lessons 3-4 step by step: the Q-function from the joint, the precision matrix, readable forms,
and that the derived M-step updates are maxima (not only stationary points).

References: SymPy's exact algebra, the definition of Q evaluated by brute force with gmmlib's
complete-data log-likelihood, and scipy's normal density at perturbed parameters.
"""

import itertools

import numpy as np
import pytest
import sympy as sp
from scipy import stats

import gmmlib
import gmmlib.elbo
from gmmlib import symbolic as S

# --- the Q-function: E[log p(X, Z)] over all labelings = the responsibility-weighted sum ---------


@pytest.mark.parametrize("n_points, n_components", [(1, 1), (1, 3), (2, 2), (3, 2), (2, 3)])
def test_expectation_over_all_labelings_is_the_weighted_sum(n_points, n_components):
    q = S.complete_data_expectation(n_points, n_components)
    assert len(q["labelings"]) == n_components**n_points
    assert sp.cancel(sp.Add(*q["posterior"]) - 1) == 0
    assert sp.cancel(q["expectation"] - q["weighted_sum"]) == 0


def test_posterior_of_a_labeling_factorises_into_responsibilities():
    q = S.complete_data_expectation(3, 2)
    for z, posterior in zip(q["labelings"], q["posterior"]):
        product = sp.Mul(*[q["resp"][i, c] for i, c in enumerate(z)])
        assert sp.cancel(posterior - product) == 0


def test_expectation_of_an_indicator_is_the_responsibility():
    q = S.complete_data_expectation(3, 2)
    e_z21 = sp.Add(*[p for z, p in zip(q["labelings"], q["posterior"]) if z[1] == 0])
    p = q["joint"]
    assert sp.cancel(e_z21 - p[1, 0] / (p[1, 0] + p[1, 1])) == 0


def test_identity_on_the_seed_matches_gmmlib_q_function_by_brute_force():
    """Q(theta1, theta0) from gmmlib.elbo equals the definition evaluated over all 2^6 labelings."""
    X = gmmlib.datasets.seed_people()
    X_noisy = X + np.random.default_rng(0).normal(scale=1.0, size=X.shape)
    params0 = gmmlib.datasets.seed_initial_params()
    resp0 = gmmlib.e_step(X_noisy, params0)
    params1 = gmmlib.m_step(X_noisy, resp0)
    log_joint0 = gmmlib.weighted_log_prob(X_noisy, params0)  # log p(x_i, z_i = c | theta0)
    labelings = list(itertools.product(range(2), repeat=6))
    log_p_XZ0 = np.array([log_joint0[np.arange(6), z].sum() for z in labelings])
    posterior = np.exp(log_p_XZ0 - np.logaddexp.reduce(log_p_XZ0))
    log_p_XZ1 = [gmmlib.elbo.complete_data_log_likelihood(X_noisy, np.array(z), params1) for z in labelings]
    brute_force = float(posterior @ log_p_XZ1)
    assert brute_force == pytest.approx(gmmlib.elbo.q_function(X_noisy, resp0, params1), rel=1e-12)

    q = S.complete_data_expectation(6, 2)
    values = {q["joint"][i, c]: np.exp(log_joint0[i, c]) for i in range(6) for c in range(2)}
    log_joint1 = gmmlib.weighted_log_prob(X_noisy, params1)
    values.update({q["log_joint"][i, c]: log_joint1[i, c] for i in range(6) for c in range(2)})
    assert float(q["weighted_sum"].subs(values)) == pytest.approx(brute_force, rel=1e-12)


@pytest.mark.parametrize("n_points, n_components, match", [
    (0, 2, "n_points must be a positive integer"),
    (2, True, "n_components must be a positive integer"),
    (2.0, 2, "n_points must be a positive integer"),
    (13, 2, "at most 4096 labelings"),
])
def test_complete_data_expectation_rejects_bad_sizes(n_points, n_components, match):
    with pytest.raises(ValueError, match=match):
        S.complete_data_expectation(n_points, n_components)


# --- the precision matrix ---------------------------------------------------------------------


def test_log_density_with_the_precision_is_the_log_density():
    x, mu = S.point_symbols(), S.mean_symbols()
    for cov in (sp.Matrix([[16, 6], [6, 9]]), sp.diag(S.Sigma_hh, S.Sigma_ww)):
        with_precision = S.log_mvn_density_precision(x, mu, cov.inv())
        reference = S.log_mvn_density_2d(x, mu, cov)
        assert sp.simplify(sp.expand_log(with_precision - reference, force=True)) == 0
    point, mean, cov = np.array([1.0, -2.0]), np.array([0.5, 0.3]), np.array([[2.0, 0.7], [0.7, 1.0]])
    value = S.log_mvn_density_precision(sp.Matrix(point), sp.Matrix(mean), sp.Matrix(np.linalg.inv(cov)))
    assert float(value) == pytest.approx(stats.multivariate_normal(mean, cov).logpdf(point), rel=1e-12)
    Lam = S.precision_symbols()
    assert Lam == Lam.T and [v.is_positive for v in Lam.diagonal()] == [True, True]


def test_derivative_of_half_log_det_precision_is_half_the_covariance():
    """The reason the covariance equations are linear: d log|Lambda| / dLambda = Lambda^-1 = Sigma."""
    Lam, cov = S.precision_symbols(), S.covariance_symbols()
    as_sigma = dict(zip((S.lambda_hh, S.lambda_hw, S.lambda_ww), [cov.inv()[k] for k in (0, 1, 3)]))
    gradient = [sp.cancel(sp.diff(sp.log(Lam.det()), v).subs(as_sigma))
                for v in (S.lambda_hh, S.lambda_hw, S.lambda_ww)]
    assert gradient == [S.Sigma_hh, 2 * S.Sigma_hw, S.Sigma_ww]


# --- readable forms ----------------------------------------------------------------------------


def test_deviation_form_of_the_derived_covariance_is_the_scatter_matrix():
    X3, r3 = S.sample_symbols(3)
    mu = S.mean_symbols()
    derived = S.derive_covariance(X3, r3)
    scatter = S.weighted_scatter(X3, r3, mu)
    for j, k in [(0, 0), (0, 1), (1, 1)]:
        readable = S.deviation_form(derived[j, k], X3, mu)
        assert readable == scatter[j, k]  # the same form, not only the same value
        assert sp.cancel(readable - derived[j, k]) == 0
    assert "x_{1h} - \\mu_{h}" in S.latex(S.deviation_form(derived[0, 1], X3, mu))


def test_deviation_form_collects_in_the_unknowns():
    X2, r2 = S.sample_symbols(2)
    mu = S.mean_symbols()
    scatter_hh = sp.expand(sum(r2[i] * (X2[i, 0] - mu[0]) ** 2 for i in range(2)))
    equation = S.Sigma_hh * (r2[0] + r2[1]) - scatter_hh
    readable = S.deviation_form(equation, X2, mu, unknowns=[S.Sigma_hh])
    assert readable.coeff(S.Sigma_hh) == r2[0] + r2[1]
    assert sp.expand(readable - equation) == 0
    assert S.latex(readable).count("\\left(x_{") == 2


def test_deviation_form_rejects_numeric_data():
    with pytest.raises(ValueError, match="X must be an \\(n, 2\\) matrix of symbols"):
        S.deviation_form(S.mu_h, sp.Matrix([[160, 55]]), S.mean_symbols())


# --- the stationary points are maxima (numerically, against scipy) ----------------------------


def _weighted_log_lik(X, r, mean, cov):
    return float(np.sum(r * stats.multivariate_normal(mean, cov).logpdf(X)))


def test_derived_mean_and_covariance_beat_every_perturbation():
    rng = np.random.default_rng(16)
    X = np.round(rng.normal(size=(7, 2)) @ np.array([[2.0, 0.5], [0.0, 1.0]]), 2)
    r = np.round(rng.uniform(0.05, 1, 7), 2)
    X_sym, r_sym = (sp.Matrix(a).applyfunc(sp.nsimplify) for a in (X, r))  # exact rationals
    mean = np.array(S.derive_mean(X_sym, r_sym), dtype=float).ravel()
    cov = np.array(S.derive_covariance(X_sym, r_sym, S.derive_mean(X_sym, r_sym)), dtype=float)
    best = _weighted_log_lik(X, r, mean, cov)
    for _ in range(200):
        step = rng.normal(scale=0.3, size=(2, 2))
        other_cov = cov + (step + step.T) / 2
        if np.linalg.eigvalsh(other_cov).min() <= 0:
            continue
        assert _weighted_log_lik(X, r, mean + rng.normal(scale=0.3, size=2), other_cov) < best


def test_derived_weights_beat_every_other_point_of_the_simplex():
    nk = [2.5, 1.0, 3.5]
    solution = S.derive_weights(nk)
    weights = np.array([float(solution[p]) for p in sp.symbols("pi_1:4", positive=True)])
    best = np.sum(np.array(nk) * np.log(weights))
    others = np.random.default_rng(16).dirichlet([1, 1, 1], size=500)
    assert np.all(np.log(others) @ np.array(nk) < best)
