"""Tests of gmmlib.elbo against independent references.

References: SymPy (the exact identity, and the symbolic ELBO lambdified),
SciPy (``multivariate_normal.logpdf``, ``stats.entropy`` as the KL divergence),
scikit-learn (``GaussianMixture.score``) and the seed's numbers.
"""

import numpy as np
import pytest
import sympy as sp
from scipy import stats
from sklearn.mixture import GaussianMixture

import gmmlib
from gmmlib import elbo as E
from gmmlib import symbolic as S


def _random_problem(seed, n=12, d=2, K=3):
    """Random data, parameters (SPD covariances) and a random distribution q."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * 3
    A = rng.normal(size=(K, d, d))
    covariances = A @ A.transpose(0, 2, 1) + np.eye(d)
    weights = rng.dirichlet(np.ones(K))
    params = gmmlib.GMMParams(weights, rng.normal(size=(K, d)) * 2, covariances)
    q = rng.dirichlet(np.ones(K), size=n)
    return X, params, q


def _scipy_log_joint(X, params):
    """log pi_c + log N(x_i | mu_c, Sigma_c) with SciPy, shape (n, K)."""
    return np.column_stack([
        np.log(params.weights[c])
        + stats.multivariate_normal(params.means[c], params.covariances[c]).logpdf(X)
        for c in range(params.n_components)
    ])


# --- the SymPy twin (gmmlib.symbolic.mixture_1d) --------------------------------


def test_symbolic_elbo_lambdified_equals_numeric_elbo():
    """The SymPy formula and the NumPy code agree on a 1-D mixture."""
    m = S.mixture_1d(3)
    rng = np.random.default_rng(7)
    x = rng.normal(size=3) * 2
    q1 = rng.uniform(0.05, 0.95, size=3)
    values = {
        **dict(zip(m["x"], x)),
        **{qi[0]: v for qi, v in zip(m["q"], q1)},
        **{qi[1]: 1 - v for qi, v in zip(m["q"], q1)},
        m["pi"][0]: 0.3, m["pi"][1]: 0.7,
        m["mu"][0]: -1.0, m["mu"][1]: 1.5,
        m["sigma"][0]: 0.8, m["sigma"][1]: 1.7,
    }
    params = gmmlib.GMMParams([0.3, 0.7], [[-1.0], [1.5]], [[[0.8**2]], [[1.7**2]]])
    resp = np.column_stack([q1, 1 - q1])
    X = x.reshape(-1, 1)
    for key, numeric in [
        ("elbo", E.elbo(X, resp, params)),
        ("log_p", gmmlib.log_likelihood(X, params)),
        ("q_function", E.q_function(X, resp, params)),
        ("kl", E.kl_divergence(resp, gmmlib.e_step(X, params))),
    ]:
        symbolic = float(m[key].subs(values).evalf(30))
        np.testing.assert_allclose(numeric, symbolic, rtol=1e-12, err_msg=key)


# --- numeric identity and KL ----------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_log_likelihood_equals_elbo_plus_kl(seed):
    X, params, q = _random_problem(seed)
    posterior = gmmlib.e_step(X, params)
    reference = np.sum(np.log(np.sum(np.exp(_scipy_log_joint(X, params)), axis=1)))
    np.testing.assert_allclose(
        E.elbo(X, q, params) + E.kl_divergence(q, posterior), reference, rtol=1e-10
    )
    np.testing.assert_allclose(gmmlib.log_likelihood(X, params), reference, rtol=1e-10)


@pytest.mark.parametrize("seed", range(5))
def test_elbo_is_a_lower_bound_tight_at_the_posterior(seed):
    X, params, q = _random_problem(seed)
    log_p = gmmlib.log_likelihood(X, params)
    assert E.elbo(X, q, params) < log_p - 1e-6
    np.testing.assert_allclose(E.elbo(X, gmmlib.e_step(X, params), params), log_p, rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_kl_matches_scipy_entropy_and_is_nonnegative(seed):
    _, _, q = _random_problem(seed)
    rng = np.random.default_rng(100 + seed)
    p = rng.dirichlet(np.ones(q.shape[1]), size=q.shape[0])
    reference = sum(stats.entropy(qi, pi) for qi, pi in zip(q, p))  # KL(q_i || p_i)
    kl = E.kl_divergence(q, p)
    np.testing.assert_allclose(kl, reference, rtol=1e-12)
    assert kl > 0
    assert E.kl_divergence(p, p) == 0.0


def test_kl_handles_zeros_and_infinities():
    q = np.array([[1.0, 0.0], [0.5, 0.5]])
    p = np.array([[0.5, 0.5], [0.5, 0.5]])
    np.testing.assert_allclose(E.kl_divergence(q, p), np.log(2), rtol=1e-15)
    assert E.kl_divergence(p, q) == np.inf  # p puts mass where q has none


def test_q_function_and_complete_data_against_scipy():
    X, params, q = _random_problem(3)
    log_joint = _scipy_log_joint(X, params)
    np.testing.assert_allclose(E.q_function(X, q, params), np.sum(q * log_joint), rtol=1e-12)
    z = np.argmax(q, axis=1)
    np.testing.assert_allclose(
        E.complete_data_log_likelihood(X, z, params),
        np.sum(log_joint[np.arange(len(z)), z]),
        rtol=1e-12,
    )
    # A one-hot q has zero entropy: its ELBO is the complete-data log-likelihood.
    one_hot = np.eye(params.n_components)[z]
    np.testing.assert_allclose(
        E.elbo(X, one_hot, params), E.complete_data_log_likelihood(X, z, params), rtol=1e-12
    )


def test_elbo_at_posterior_equals_sklearn_log_likelihood():
    X = gmmlib.datasets.old_faithful()
    gm = GaussianMixture(2, covariance_type="full", random_state=0).fit(X)
    params = gmmlib.GMMParams(gm.weights_, gm.means_, gm.covariances_)
    resp = gmmlib.e_step(X, params)
    np.testing.assert_allclose(E.elbo(X, resp, params), gm.score(X) * len(X), rtol=1e-10)
    np.testing.assert_allclose(resp, gm.predict_proba(X), atol=1e-10)


def test_seed_elbo_at_initial_parameters():
    """At the seed's initial parameters the posterior is nearly one-hot
    (r_A,women = 1 - 1.07e-27), so the ELBO equals log p = -41.70 (hand value
    from the seed's densities: sum_i log(0.5 N(x_i | women) + 0.5 N(x_i | men)))."""
    X = gmmlib.datasets.seed_people()
    params = gmmlib.datasets.seed_initial_params()
    resp = gmmlib.e_step(X, params)
    # By hand: A and E sit at squared distance 0.8 and 0 from their means, etc.
    sq = np.array([0.8, 1.8, 12.8, 5.0, 0.0, 5.0])
    hand = np.sum(np.log(0.5 / (20 * np.pi)) - sq / 2)
    np.testing.assert_allclose(E.elbo(X, resp, params), hand, rtol=1e-8)
    half = np.full_like(resp, 0.5)
    assert E.elbo(X, half, params) < hand


# --- EM monotonicity through the ELBO -------------------------------------


def test_em_steps_raise_the_elbo_and_the_log_likelihood():
    rng = np.random.default_rng(0)
    X = gmmlib.datasets.seed_people() + rng.normal(scale=1.0, size=(6, 2))
    result = gmmlib.em(X, gmmlib.datasets.seed_initial_params(), max_iter=10, tol=0)
    for old, new in zip(result.history[:-1], result.history[1:]):
        resp = gmmlib.e_step(X, old)  # E-step: ELBO(q, old) = log p(old)
        np.testing.assert_allclose(E.elbo(X, resp, old), gmmlib.log_likelihood(X, old))
        assert E.elbo(X, resp, new) >= E.elbo(X, resp, old) - 1e-9  # M-step raises it
        assert gmmlib.log_likelihood(X, new) >= E.elbo(X, resp, new) - 1e-9  # bound


# --- errors ----------------------------------------------------------------


def test_errors_name_the_parameter():
    X, params, q = _random_problem(0)
    with pytest.raises(ValueError, match=r"resp must have one column per component: shape \(12, 3\)"):
        E.elbo(X, q[:, :2] / q[:, :2].sum(axis=1, keepdims=True), params)
    with pytest.raises(ValueError, match="posterior must have the shape of resp"):
        E.kl_divergence(q, np.full((12, 2), 0.5))
    with pytest.raises(ValueError, match="z must hold labels in 0..2; received values from 0 to 3"):
        E.complete_data_log_likelihood(X, np.arange(12) % 4, params)
    with pytest.raises(ValueError, match=r"z must be an integer array of shape \(12,\)"):
        E.complete_data_log_likelihood(X, np.zeros(12), params)


def test_swapped_arguments_are_explained():
    """The order is (X, resp, params) for every function here, as in L(q, theta)."""
    X, params, q = _random_problem(0)
    for function in (E.q_function, E.elbo):
        with pytest.raises(ValueError, match=r"the arguments are \(X, resp, params\).*Swap"):
            function(X, params, q)


def test_numeric_and_symbolic_q_function_take_the_same_arguments():
    """gmmlib.elbo.q_function(X, resp, params) equals the SymPy
    gmmlib.symbolic.q_function(X, resp, weights, means, covariances) of lesson 4."""
    X, params, q = _random_problem(5, n=4, K=2)
    rational = lambda a: sp.Matrix(a).applyfunc(sp.nsimplify)  # noqa: E731
    exact = S.q_function(rational(X), rational(q), [sp.nsimplify(w) for w in params.weights],
                         [rational(m) for m in params.means],
                         [rational(c) for c in params.covariances])
    np.testing.assert_allclose(E.q_function(X, q, params), float(exact.evalf(30)), rtol=1e-12)


# ---------------------------------------------------------------------------
# Lesson 6: the identity for any mixture (symbolic.elbo_terms), the lower bound
# along one EM step and the k-means limit (examples.seed)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("K, n", [(2, 1), (3, 1), (5, 1), (2, 2), (4, 2)])
def test_general_identity_is_exactly_zero(K, n):
    assert S.elbo_identity_general(K, n_points=n) == 0


def test_general_identity_fails_with_the_kl_reversed():
    """The check can fail: KL(p || q) in place of KL(q || p) leaves a residual."""
    t = S.elbo_terms(3)
    reversed_kl = sum(t["posterior"][0, c] * sp.log(t["posterior"][0, c] / t["q"][0, c]) for c in range(3))
    residual = sp.expand_log(t["elbo"] + reversed_kl - t["log_p"], force=True)
    residual = sp.expand(residual.subs(t["normalise_q"]))
    assert residual != 0


def test_elbo_terms_with_gaussian_densities_equals_numeric_elbo_and_kl():
    """N_ic from scipy.stats, q random: SymPy's expressions agree with gmmlib.elbo."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(4, 2))
    params = gmmlib.GMMParams([0.2, 0.5, 0.3], rng.normal(size=(3, 2)), [np.eye(2) * v for v in (0.5, 1, 2)])
    q = rng.dirichlet([1, 1, 1], size=4)
    t = S.elbo_terms(3, n_points=4)
    components = list(zip(params.means, params.covariances))
    dens = np.array([[stats.multivariate_normal(m, cov).pdf(x) for m, cov in components] for x in X])
    values = {t["N"][i, c]: dens[i, c] for i in range(4) for c in range(3)}
    values |= {t["q"][i, c]: q[i, c] for i in range(4) for c in range(3)}
    values |= {t["pi"][c]: params.weights[c] for c in range(3)}
    posterior = E.kl_divergence(q, gmmlib.e_step(X, params))
    np.testing.assert_allclose(float(t["elbo"].subs(values)), E.elbo(X, q, params), rtol=1e-10)
    np.testing.assert_allclose(float(t["kl"].subs(values)), posterior, rtol=1e-9)
    np.testing.assert_allclose(float(t["log_p"].subs(values)), gmmlib.log_likelihood(X, params), rtol=1e-12)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_elbo_terms_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match="n_components must be a positive integer"):
        S.elbo_terms(bad)


def test_lower_bound_touches_log_p_at_the_old_parameters_and_peaks_at_the_new():
    from gmmlib.examples import seed as ex

    alphas = np.round(np.linspace(-0.8, 1.3, 211), 6)
    curves = ex.lower_bound_along_step(alphas)
    i0, i1 = np.flatnonzero(alphas == 0.0)[0], np.flatnonzero(alphas == 1.0)[0]
    assert np.all(curves["bound_old"] <= curves["log_p"] + 1e-9)  # a lower bound everywhere
    assert np.all(curves["bound_new"] <= curves["log_p"] + 1e-9)
    np.testing.assert_allclose(curves["bound_old"][i0], curves["log_p"][i0], rtol=1e-12)  # touches at 0
    np.testing.assert_allclose(curves["bound_new"][i1], curves["log_p"][i1], rtol=1e-12)  # and at 1
    # tangent at 0: equal one-sided slopes (the gap KL has zero gradient at its minimum)
    h = alphas[i0 + 1] - alphas[i0]
    slope_p = (curves["log_p"][i0 + 1] - curves["log_p"][i0 - 1]) / (2 * h)
    slope_b = (curves["bound_old"][i0 + 1] - curves["bound_old"][i0 - 1]) / (2 * h)
    np.testing.assert_allclose(slope_b, slope_p, rtol=1e-3)
    assert np.argmax(curves["bound_old"]) == i1  # the M-step maximises the bound
    assert curves["log_p"][i1] > curves["bound_old"][i1] + 0.5  # the gap KL(q5 || p6) ~ 0.94


def test_lower_bound_step_is_checked():
    from gmmlib.examples import seed as ex

    with pytest.raises(ValueError, match="step must be in 0..8"):
        ex.lower_bound_along_step([0.0, 1.0], step=9)


def test_interpolated_parameters_end_at_old_and_new():
    from gmmlib.examples import seed as ex

    run = ex.why_em_run()
    for alpha, expected in ((0.0, run.history[2]), (1.0, run.history[3])):
        p = ex.interpolate_params(run.history[2], run.history[3], alpha)
        np.testing.assert_allclose(p.means, expected.means)
        np.testing.assert_allclose(p.covariances, expected.covariances)


def test_responsibilities_harden_to_the_nearest_mean():
    from gmmlib.examples import seed as ex

    X, means = ex.seed_noisy_people(), np.array(ex.KMEANS_LIMIT_MEANS)
    nearest = np.argmin(np.linalg.norm(X[:, None, :] - means, axis=2), axis=1)
    soft, hard = ex.hardening([1000.0, 0.05])
    np.testing.assert_allclose(soft, 0.5, atol=1e-3)
    np.testing.assert_allclose(hard, np.eye(2)[nearest], atol=1e-12)


def test_collapsing_run_ends_on_two_people_with_a_singular_scatter():
    from gmmlib.examples import seed as ex

    out = ex.seed_noisy_collapse()
    assert out["error"] is not None and "not positive definite" in out["error"]
    assert np.all(np.diff(out["log_likelihoods"]) > 0)
    small = int(np.argmin(out["nk"][-1]))
    np.testing.assert_allclose(out["nk"][-1][small], 2.0, atol=1e-6)
    # two points always lie on a line: their scatter matrix is singular (NumPy, not gmmlib)
    two = ex.seed_noisy_people()[:2]
    assert abs(np.linalg.det(np.cov(two.T, bias=True))) < 1e-9
