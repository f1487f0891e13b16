"""Exact tests of gmmlib.symbolic against SymPy's own algebra, scipy and the seed's hand values."""

import numpy as np
import pytest
import sympy as sp
from scipy import stats

import gmmlib
from gmmlib import symbolic as S

SEED_X = sp.Matrix([[160, 55], [165, 60], [170, 65], [180, 75], [185, 80], [190, 85]])
MU_WOMEN, MU_MEN = sp.Matrix([162, 57]), sp.Matrix([185, 80])
SIGMA_0 = 10 * sp.eye(2)


# --- lesson 2: density, determinant, inverse ---------------------------------------------


def test_det_2x2_equals_sympy_det():
    M = S.generic_matrix_2x2()
    assert sp.expand(S.det_2x2(M) - M.det()) == 0
    assert S.det_2x2(SIGMA_0) == 100


def test_adjugate_inverse_is_the_inverse():
    M = S.generic_matrix_2x2()
    inv = S.adjugate_inverse_2x2(M)
    assert (inv - M.inv()).applyfunc(sp.cancel) == sp.zeros(2, 2)
    assert (M * inv).applyfunc(sp.simplify) == sp.eye(2)
    assert S.adjugate_inverse_2x2(SIGMA_0) == sp.eye(2) / 10


def test_adjugate_inverse_rejects_singular_matrix():
    with pytest.raises(ValueError, match="determinant"):
        S.adjugate_inverse_2x2(sp.Matrix([[50, 50], [50, 50]]) / 3)


def test_quadratic_form_matches_matrix_product_and_seed():
    x, mu, cov = S.point_symbols(), S.mean_symbols(), S.covariance_symbols()
    reference = ((x - mu).T * cov.inv() * (x - mu))[0, 0]
    assert sp.simplify(S.quadratic_form(x, mu, cov) - reference) == 0
    seed_form = (S.x_h - S.mu_h) ** 2 / 10 + (S.x_w - S.mu_w) ** 2 / 10
    assert S.quadratic_form(x, mu, SIGMA_0) == seed_form
    assert S.quadratic_form(SEED_X[0, :].T, MU_WOMEN, SIGMA_0) == sp.Rational(4, 5)
    assert S.quadratic_form(SEED_X[0, :].T, MU_MEN, SIGMA_0) == 125


def test_normaliser_is_20_pi_for_the_seed():
    assert S.normaliser(SIGMA_0) == 20 * sp.pi
    assert float(S.normaliser(SIGMA_0)) == pytest.approx(62.83, abs=5e-3)


def test_seed_densities_of_person_A():
    women = S.mvn_density_2d(SEED_X[0, :].T, MU_WOMEN, SIGMA_0)
    men = S.mvn_density_2d(SEED_X[0, :].T, MU_MEN, SIGMA_0)
    assert women == sp.exp(sp.Rational(-2, 5)) / (20 * sp.pi)
    assert float(women) == pytest.approx(0.0107, rel=5e-3)
    assert men == sp.exp(sp.Rational(-125, 2)) / (20 * sp.pi)
    assert float(men) == pytest.approx(1.144e-29, rel=1e-3)  # the seed's 1.15e-29 is rounded


def test_general_density_reduces_to_the_2d_one():
    density, d = S.mvn_density_general()
    assert sorted(map(str, density.free_symbols)) == ["Sigma", "d", "mu", "x"]
    expected = r"\frac{e^{- \frac{1}{2} \left(x - \mu\right)^{T} \Sigma^{-1} \left(x - \mu\right)}}"
    assert S.latex(density).startswith(expected)
    norm_2d = density.args[0].subs(d, 2)  # 1 / ((2 pi)^{d/2} |Sigma|^{1/2}) at d = 2
    det = sp.Determinant(sp.MatrixSymbol("Sigma", 2, 2))
    assert sp.simplify(norm_2d * sp.sqrt(det) - 1 / (2 * sp.pi)) == 0


@pytest.mark.parametrize("cov", [SIGMA_0, sp.diag(S.Sigma_hh, S.Sigma_ww)])
def test_density_integrates_to_one(cov):
    assert S.integrate_density_2d(MU_WOMEN, cov) == 1


def test_lambdified_density_equals_gmmlib_and_scipy():
    rng = np.random.default_rng(0)
    mean, cov = np.array([162.0, 57.0]), np.array([[16.0, 6.0], [6.0, 9.0]])
    density = S.mvn_density_2d(cov=sp.Matrix(cov.astype(int)), mu=sp.Matrix(mean.astype(int)))
    f = sp.lambdify((S.x_h, S.x_w), density, "numpy")
    X = rng.normal(mean, 4.0, size=(20, 2))
    ours = f(X[:, 0], X[:, 1])
    np.testing.assert_allclose(ours, gmmlib.mvn_pdf(X, mean, cov), rtol=1e-12)
    np.testing.assert_allclose(ours, stats.multivariate_normal(mean, cov).pdf(X), rtol=1e-12)


def test_log_density_is_log_of_density():
    x, mu, cov = S.point_symbols(), S.mean_symbols(), S.covariance_symbols()
    difference = S.log_mvn_density_2d(x, mu, cov) - sp.log(S.mvn_density_2d(x, mu, cov))
    assert sp.simplify(sp.expand_log(difference, force=True)) == 0


# --- lesson 3: E-step ----------------------------------------------------------------------


def test_bayes_rule_sums_to_one_for_two_components():
    p1, N1, N2 = sp.symbols("p_1 N_1 N_2", positive=True)
    r1 = S.responsibility_two(p1, N1, 1 - p1, N2)
    r2 = S.responsibility_two(1 - p1, N2, p1, N1)
    assert sp.simplify(r1 + r2) == 1
    general = S.bayes_responsibility()
    i, c, K = (sp.Symbol(n, integer=True, positive=True) for n in "icK")
    pi, N = sp.IndexedBase("pi", positive=True), sp.IndexedBase(r"\mathcal{N}", positive=True)
    at_two = general.subs({K: 2, c: 1}).doit()
    assert sp.simplify(at_two - S.responsibility_two(pi[1], N[i, 1], pi[2], N[i, 2])) == 0


def test_log_odds_is_linear_in_x_for_equal_covariances():
    nu = sp.Matrix(sp.symbols("nu_h nu_w", real=True))
    lo = S.log_odds(S.mean_symbols(), nu, S.covariance_symbols())
    x = [S.x_h, S.x_w]
    for a in x:
        for b in x:
            assert sp.simplify(sp.diff(lo, a, b)) == 0
    gradient = sp.Matrix([sp.diff(lo, a) for a in x])
    expected = S.covariance_symbols().inv() * (S.mean_symbols() - nu)  # w = Sigma^-1 (mu_1 - mu_2)
    assert (gradient - expected).applyfunc(sp.simplify) == sp.zeros(2, 1)


def test_log_odds_is_quadratic_for_unequal_covariances():
    # the cancellation needs equal covariances: a different Sigma_2 leaves x_h^2 terms
    x = S.point_symbols()
    lo = (S.log_mvn_density_2d(x, MU_WOMEN, SIGMA_0) - S.log_mvn_density_2d(x, MU_MEN, 2 * SIGMA_0))
    assert sp.diff(lo, S.x_h, 2) != 0


def test_logistic_responsibility_of_A_matches_gmmlib_e_step():
    lo = S.log_odds(MU_WOMEN, MU_MEN, SIGMA_0, sp.S.Half, sp.S.Half)
    lo_A = lo.subs({S.x_h: 160, S.x_w: 55})
    assert lo_A == sp.Rational(621, 10)
    r_men = 1 - S.logistic_responsibility(lo_A)
    resp = gmmlib.e_step(np.asarray(SEED_X, dtype=float), gmmlib.datasets.seed_initial_params())
    np.testing.assert_allclose(float(r_men), resp[0, 1], rtol=1e-9)
    assert float(r_men) == pytest.approx(1.07e-27, rel=5e-3)


def test_decision_line_passes_between_the_means():
    lo = S.log_odds(MU_WOMEN, MU_MEN, SIGMA_0, sp.S.Half, sp.S.Half)
    line = S.decision_line(lo)
    assert line == 242 - S.x_h
    midpoint = (MU_WOMEN + MU_MEN) / 2
    assert line.subs(S.x_h, midpoint[0]) == midpoint[1]
    with pytest.raises(ValueError, match="linear in x_w"):
        S.decision_line(S.x_h - 3)


# --- lesson 4: Q-function and M-step derivations -------------------------------------------


def test_q_function_equals_weighted_log_likelihood_numerically():
    X = np.asarray(SEED_X, dtype=float)
    params = gmmlib.datasets.seed_initial_params()
    resp = np.array([[0.9, 0.1], [0.7, 0.3], [0.6, 0.4], [0.2, 0.8], [0.1, 0.9], [0.3, 0.7]])
    q = S.q_function(SEED_X, sp.Matrix(resp), [sp.S.Half, sp.S.Half],
                     [MU_WOMEN, MU_MEN], [SIGMA_0, SIGMA_0])
    reference = np.sum(resp * gmmlib.weighted_log_prob(X, params))
    assert float(q) == pytest.approx(reference, rel=1e-12)


def test_derived_weights_are_counts_over_total():
    nk = sp.symbols("m_1:4", positive=True)
    solution = S.derive_weights(nk)
    pis = sp.symbols("pi_1:4", positive=True)
    for k in range(3):
        assert sp.simplify(solution[pis[k]] - nk[k] / sum(nk)) == 0
    assert S.derive_weights([3, 3])[pis[0]] == sp.S.Half


def test_derived_mean_is_weighted_mean():
    X, r = S.sample_symbols(3)
    mu = S.derive_mean(X, r)
    m = r[0] + r[1] + r[2]
    expected = sp.Matrix([sum(r[i] * X[i, j] for i in range(3)) / m for j in range(2)])
    assert (mu - expected).applyfunc(sp.cancel) == sp.zeros(2, 1)
    assert (S.weighted_mean(X, r) - expected).applyfunc(sp.simplify) == sp.zeros(2, 1)


def test_derived_mean_on_the_seed_is_165_60():
    r = sp.Matrix([1, 1, 1, 0, 0, 0])
    assert S.derive_mean(SEED_X, r, cov=SIGMA_0) == sp.Matrix([165, 60])
    assert S.derive_mean(SEED_X, sp.ones(6, 1) - r) == sp.Matrix([185, 80])


def test_derived_covariance_is_weighted_scatter_matrix():
    X, r = S.sample_symbols(3)
    cov = S.derive_covariance(X, r)
    mu, m = S.mean_symbols(), r[0] + r[1] + r[2]
    expected = sp.zeros(2, 2)
    for i in range(3):
        d = X[i, :].T - mu
        expected += r[i] * d * d.T
    assert (cov - expected / m).applyfunc(sp.cancel) == sp.zeros(2, 2)
    assert (S.weighted_scatter(X, r, mu) - expected / m).applyfunc(sp.cancel) == sp.zeros(2, 2)


def test_derived_covariance_on_the_seed_is_50_thirds():
    women = S.derive_covariance(SEED_X, sp.Matrix([1, 1, 1, 0, 0, 0]), sp.Matrix([165, 60]))
    assert women == sp.ones(2, 2) * sp.Rational(50, 3)
    assert S.det_2x2(women) == 0  # collinear data: singular (lesson 5)


def test_derived_updates_match_gmmlib_m_step_for_soft_responsibilities():
    rng = np.random.default_rng(1)
    X = rng.integers(150, 200, size=(5, 2))
    r = rng.integers(1, 10, size=5)
    Xs, rs = sp.Matrix(X.tolist()), sp.Matrix(r.tolist())
    mu = S.derive_mean(Xs, rs)
    cov = S.derive_covariance(Xs, rs, mu)
    resp = np.column_stack([r / 10, 1 - r / 10])
    params = gmmlib.m_step(X.astype(float), resp)
    mu_soft = S.derive_mean(Xs, rs / 10)
    np.testing.assert_allclose(np.array(mu_soft, dtype=float).ravel(), params.means[0], rtol=1e-12)
    np.testing.assert_allclose(np.array(cov, dtype=float), params.covariances[0], rtol=1e-10)


def test_exponential_family_form_is_the_fast_paths_design():
    """The coefficients derived in lesson 2 are the weights the estimator's fast E-step
    multiplies the feature block by (gmmlib._fast.Design), for random 3-D components."""
    import numpy as np

    from gmmlib import _fast
    from gmmlib.mixture import _compute_precision_cholesky

    rng = np.random.default_rng(4)
    K, d = 2, 3
    means = rng.normal(size=(K, d))
    A = rng.normal(size=(K, d, d))
    covariances = A @ np.transpose(A, (0, 2, 1)) + np.eye(d)
    weights = np.array([0.3, 0.7])
    design = _fast.Design("full", weights, means, _compute_precision_cholesky(covariances, "full"))
    x = sp.Matrix(sp.symbols("x_1:4", real=True))
    for k in range(K):
        mu = sp.Matrix(means[k])
        features, coefficients, constant = S.exponential_family_form(
            x, mu, sp.Matrix(covariances[k]))
        assert features[d:] == [x[j] * x[m] for j, m in zip(*np.triu_indices(d))]
        np.testing.assert_allclose([float(c) for c in coefficients], design.W[:, k], rtol=1e-10)
        assert float(constant) == pytest.approx(design.const[k] - np.log(weights[k]), rel=1e-10)
        # and the linear form is the log-density at a random point
        point = rng.normal(size=d)
        linear = constant + sum(c * f for c, f in zip(coefficients, features))
        value = float(linear.subs(dict(zip(x, point))))
        reference = gmmlib.mvn_logpdf(point[None, :], means[k], covariances[k])[0]
        assert value == pytest.approx(reference, rel=1e-10)


# --- lesson 6: the ELBO identity, exactly ------------------------------------------------


@pytest.mark.parametrize("n_points", [1, 2, 3])
def test_symbolic_identity_is_exactly_zero(n_points):
    assert S.elbo_identity(n_points) == 0


def test_symbolic_elbo_is_q_function_plus_entropy():
    m = S.mixture_1d(2)
    residual = sp.expand_log(m["q_function"] + m["entropy"] - m["elbo"], force=True)
    assert sp.expand(residual) == 0


def test_symbolic_kl_vanishes_at_the_posterior():
    m = S.mixture_1d(2)
    at_posterior = {qc: pc for qi, pi in zip(m["q"], m["posterior"]) for qc, pc in zip(qi, pi)}
    assert sp.simplify(m["kl"].subs(at_posterior)) == 0


def test_symbolic_mixture_rejects_bad_n_points():
    with pytest.raises(ValueError, match="n_points must be an integer >= 1; received 0"):
        S.mixture_1d(0)
