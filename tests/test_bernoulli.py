"""gmmlib.bernoulli against independent references.

References: ``scipy.stats.bernoulli.logpmf`` for the component log-probabilities;
a brute-force likelihood that sums p(X, Z) over all K^n latent assignments of a
tiny problem; the monotone-likelihood property of EM (lesson 6); a
finite-difference check that the M-step maximises the Q-function (and its
MAP version with the Beta prior); scikit-learn's bundled digits for the data.
"""

import itertools

import numpy as np
import pytest
from scipy import special, stats

from gmmlib import bernoulli
from gmmlib.bernoulli import BernoulliParams

RNG_SEED = 20261207


def random_problem(rng, n, D, K):
    X = (rng.random((n, D)) < 0.4).astype(float)
    params = BernoulliParams(rng.dirichlet(np.ones(K)), rng.uniform(0.1, 0.9, (K, D)))
    return X, params


def test_log_bernoulli_matches_scipy():
    rng = np.random.default_rng(RNG_SEED)
    X, params = random_problem(rng, 12, 7, 3)
    expected = np.array([[stats.bernoulli.logpmf(x, mu).sum() for mu in params.means] for x in X])
    np.testing.assert_allclose(bernoulli.log_bernoulli(X, params.means), expected, rtol=1e-12)


def test_log_bernoulli_of_impossible_pixels_is_minus_infinity_not_nan():
    X = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])
    means = np.array([[0.0, 0.5], [0.5, 1.0]])  # x_1 = 1 impossible for k = 0, x_2 = 0 for k = 1
    got = bernoulli.log_bernoulli(X, means)
    expected = np.array([[stats.bernoulli.logpmf(x, mu).sum() for mu in means] for x in X])
    np.testing.assert_array_equal(got, expected)  # scipy gives -inf too
    assert np.isneginf(got[0, 0]) and np.isneginf(got[1, 1]) and not np.isnan(got).any()


def brute_force_log_likelihood(X, params):
    """log sum over all K^n assignments z of prod_n pi_{z_n} p(x_n | mu_{z_n}), by enumeration."""
    terms = []
    for z in itertools.product(range(params.n_components), repeat=len(X)):
        log_joint = 0.0
        for x, k in zip(X, z):
            log_joint += np.log(params.weights[k]) + stats.bernoulli.logpmf(x, params.means[k]).sum()
        terms.append(log_joint)
    return special.logsumexp(terms)


def test_log_likelihood_equals_the_sum_over_all_latent_assignments():
    rng = np.random.default_rng(RNG_SEED + 1)
    X, params = random_problem(rng, 5, 4, 3)  # 3^5 = 243 assignments
    np.testing.assert_allclose(bernoulli.log_likelihood(X, params), brute_force_log_likelihood(X, params),
                               rtol=1e-12)


def test_responsibilities_are_the_posterior_of_the_brute_force_joint():
    rng = np.random.default_rng(RNG_SEED + 2)
    X, params = random_problem(rng, 4, 3, 2)
    # p(z_0 = k | X) by enumeration over all assignments
    weights = {}
    for z in itertools.product(range(2), repeat=len(X)):
        joint = np.prod([params.weights[k] * np.exp(stats.bernoulli.logpmf(x, params.means[k]).sum())
                         for x, k in zip(X, z)])
        weights[z] = joint
    total = sum(weights.values())
    posterior_first = [sum(w for z, w in weights.items() if z[0] == k) / total for k in range(2)]
    np.testing.assert_allclose(bernoulli.e_step(X, params)[0], posterior_first, rtol=1e-12)


def q_function(X, resp, params, alpha=0.0):
    """Q(theta, theta_old) = sum_nk r_nk [log pi_k + log p(x_n | mu_k)], plus the log prior."""
    return float(np.sum(resp * bernoulli.weighted_log_prob(X, params))) + bernoulli.log_prior(params, alpha)


@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_m_step_maximises_q_by_finite_differences(alpha):
    rng = np.random.default_rng(RNG_SEED + 3)
    X, old = random_problem(rng, 40, 6, 3)
    resp = bernoulli.e_step(X, old)
    new = bernoulli.m_step(X, resp, alpha=alpha)
    best = q_function(X, resp, new, alpha)
    h = 1e-5
    for k, d in itertools.product(range(3), range(6)):  # gradient in every mu_kd is 0 ...
        up, down = new.means.copy(), new.means.copy()
        up[k, d] += h
        down[k, d] -= h
        grad = (q_function(X, resp, BernoulliParams(new.weights, up), alpha)
                - q_function(X, resp, BernoulliParams(new.weights, down), alpha)) / (2 * h)
        assert abs(grad) < 1e-5, (k, d, grad)
    for _ in range(20):  # ... and every nearby feasible point (weights on the simplex) is lower
        weights = np.abs(new.weights + rng.normal(scale=1e-3, size=3))
        means = np.clip(new.means + rng.normal(scale=1e-3, size=new.means.shape), 1e-6, 1 - 1e-6)
        assert q_function(X, resp, BernoulliParams(weights / weights.sum(), means), alpha) < best


def test_m_step_is_the_weighted_average_image():
    rng = np.random.default_rng(RNG_SEED + 4)
    X, params = random_problem(rng, 30, 5, 2)
    resp = bernoulli.e_step(X, params)
    new = bernoulli.m_step(X, resp)
    for k in range(2):
        np.testing.assert_allclose(new.means[k], np.average(X, axis=0, weights=resp[:, k]), rtol=1e-12)
    np.testing.assert_allclose(new.weights, resp.mean(axis=0), rtol=1e-12)
    smoothed = bernoulli.m_step(X, resp, alpha=1.0)  # Laplace's rule: (count + 1) / (N_k + 2)
    np.testing.assert_allclose(smoothed.means, (resp.T @ X + 1) / (resp.sum(axis=0)[:, None] + 2))


@pytest.mark.parametrize("alpha", [0.0, 0.1])
def test_em_never_lowers_its_objective_on_digits(alpha):
    from gmmlib.examples import beyond

    X, _ = beyond.binary_digits()
    run = bernoulli.em(X[:300], bernoulli.random_params(4, 64, seed=1), max_iter=60, tol=0, alpha=alpha)
    assert run.n_iter == 60 and not run.converged
    assert np.all(np.diff(run.objectives) >= -1e-9 * abs(run.objectives[-1]))
    if alpha == 0:
        assert run.objectives == run.log_likelihoods
    else:
        assert np.all(run.params.means > 0) and np.all(run.params.means < 1)


def test_em_stops_on_the_absolute_change():
    rng = np.random.default_rng(RNG_SEED + 5)
    X, params = random_problem(rng, 60, 8, 2)
    run = bernoulli.em(X, params, tol=1e-3)
    assert run.converged
    steps = np.abs(np.diff(run.objectives))
    assert steps[-1] < 1e-3 and np.all(steps[:-1] >= 1e-3)


@pytest.mark.parametrize("call, match", [
    (lambda: bernoulli.log_bernoulli([[0, 2]], [[0.5, 0.5]]), "only 0 and 1"),
    (lambda: bernoulli.log_bernoulli([0, 1], [[0.5, 0.5]]), "2-D array"),
    (lambda: BernoulliParams([0.5, 0.5], [[0.5, 1.5], [0.2, 0.2]]), "probabilities in \\[0, 1\\]"),
    (lambda: BernoulliParams([0.6, 0.6], [[0.5], [0.2]]), "sum to 1"),
    (lambda: BernoulliParams([1.0], [[0.5], [0.2]]), "shape \\(K, D\\)"),
    (lambda: bernoulli.e_step([[1.0, 0.0]], BernoulliParams([1.0], [[0.0, 0.5]])), "probability 0 under"),
    (lambda: bernoulli.e_step([[1.0, 0.0, 1.0]], BernoulliParams([1.0], [[0.5, 0.5]])), "pixel"),
    (lambda: bernoulli.m_step([[1.0], [0.0]], [[1.0, 0.0], [1.0, 0.0]]), "N_k = 0"),
    (lambda: bernoulli.m_step([[1.0], [0.0]], [[1.0], [1.0]], alpha=-1), "alpha must be"),
    (lambda: bernoulli.random_params(2, 3, seed=0, low=0.0), "0 < low < high < 1"),
    (lambda: bernoulli.em([[1.0]], BernoulliParams([1.0], [[0.5]]), max_iter=-1), "max_iter"),
])
def test_bad_input_raises_a_value_error_that_says_what_is_wrong(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_digits_are_binary_and_bundled():
    from gmmlib.examples import beyond

    X, labels = beyond.binary_digits()
    assert X.shape == (901, 64) and set(np.unique(X)) == {0.0, 1.0}
    np.testing.assert_array_equal(np.bincount(labels), [178, 182, 177, 183, 181])
