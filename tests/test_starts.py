"""Tests of gmmlib.examples.starts (lesson 8) against independent references:
SciPy's multivariate normal, scikit-learn's GaussianMixture, brute-force enumeration
and simulation."""

import itertools
import math
import warnings

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal
from sklearn.mixture import GaussianMixture as SklearnGaussianMixture

import gmmlib
from gmmlib import datasets
from gmmlib.examples import starts


def _scipy_log_likelihood(X, weights, means, covariances):
    """log p(X | theta) = sum_i log sum_c pi_c N(x_i | mu_c, Sigma_c), with SciPy's densities."""
    log_joint = np.column_stack([np.log(w) + multivariate_normal(m, S).logpdf(X)
                                 for w, m, S in zip(weights, means, covariances)])
    return float(logsumexp(log_joint, axis=1).sum())


def _random_params(rng, K, d):
    weights = rng.dirichlet(np.ones(K))
    means = rng.normal(0, 3, (K, d))
    A = rng.normal(size=(K, d, d))
    covariances = A @ np.swapaxes(A, 1, 2) + 0.5 * np.eye(d)
    return weights, means, covariances


@pytest.mark.parametrize("K", [2, 3, 4])
def test_every_relabelling_has_the_same_likelihood(K):
    rng = np.random.default_rng(80 + K)
    weights, means, covariances = _random_params(rng, K, 2)
    X = rng.normal(0, 3, (40, 2))
    values = [_scipy_log_likelihood(X, weights[list(p)], means[list(p)], covariances[list(p)])
              for p in itertools.permutations(range(K))]
    assert len(values) == math.factorial(K)
    np.testing.assert_allclose(values, values[0], rtol=1e-12)
    np.testing.assert_allclose(gmmlib.log_likelihood(X, gmmlib.GMMParams(weights, means, covariances)),
                               values[0], rtol=1e-10)


def test_the_seed_swapped_has_the_seed_likelihood():
    X = datasets.seed_people()
    p = datasets.seed_initial_params()
    ours = _scipy_log_likelihood(X, p.weights, p.means, p.covariances)
    swapped = _scipy_log_likelihood(X, p.weights[::-1], p.means[::-1], p.covariances[::-1])
    np.testing.assert_allclose([ours, swapped], -41.7017, atol=1e-4)  # the lessons' value


def test_a_relabelling_is_not_the_same_parameters():
    """Identifiability only up to permutation: the swap changes the parameter vector."""
    p = datasets.seed_initial_params()
    assert not np.allclose(p.means, p.means[::-1])


@pytest.mark.parametrize("method", ["random", "random_from_data"])
def test_runs_match_scikit_learn_from_the_same_seeds(method):
    """'random' and 'random_from_data' draw the same starts as scikit-learn for the same
    random_state, so the runs must end at the same values after the same iterations."""
    Z = datasets.standardise(datasets.old_faithful())
    ours = starts.run_starts(Z, 2, method, n_starts=4)
    for seed in range(4):
        sk = SklearnGaussianMixture(2, init_params=method, random_state=seed, **starts.STARTS_SETTINGS).fit(Z)
        np.testing.assert_allclose(ours.log_likelihoods[seed], sk.score(Z), rtol=1e-9)
        assert ours.n_iter[seed] == sk.n_iter_


def test_scikit_learn_finds_the_same_best_values():
    """scikit-learn's estimator, with restarts, reaches the best values the lesson reports
    and none better (within the lesson's tolerance)."""
    Z = datasets.standardise(datasets.old_faithful())
    faithful = starts.faithful_starts()
    for K in starts.FAITHFUL_KS:
        best = starts.best_value(faithful[K, m] for m in starts.INIT_METHODS)
        sk = SklearnGaussianMixture(K, n_init=15, init_params="k-means++", random_state=1,
                                    **starts.STARTS_SETTINGS).fit(Z)
        assert abs(sk.score(Z) - best) < starts.OPTIMUM_TOL, (K, sk.score(Z), best)
    np.testing.assert_allclose(starts.best_value(faithful[2, m] for m in starts.INIT_METHODS), -1.41713,
                               atol=1e-5)
    X, _ = starts.synthetic_blobs()
    sk = SklearnGaussianMixture(starts.SYNTHETIC_K, n_init=5, random_state=0, **starts.STARTS_SETTINGS).fit(X)
    assert abs(sk.score(X) - starts.best_value(starts.synthetic_starts().values())) < starts.OPTIMUM_TOL


def test_the_local_optimum_is_a_fixed_point_of_scikit_learns_em():
    """Started at the lesson's 'local optimum', scikit-learn's EM (with a 1000 times tighter
    tol) stays there, within the lesson's tolerance: it is a stationary point, not a run
    stopped on its way up to the best; and it is worse than the best."""
    X, _ = starts.synthetic_blobs()
    optima = starts.synthetic_optima()
    local = optima["local"]
    sk = SklearnGaussianMixture(starts.SYNTHETIC_K, weights_init=local.weights, means_init=local.means,
                                precisions_init=np.linalg.inv(local.covariances), tol=1e-8,
                                max_iter=2000).fit(X)
    assert abs(sk.score(X) - optima["local_value"]) < starts.OPTIMUM_TOL
    assert optima["best_value"] - optima["local_value"] > 10 * starts.OPTIMUM_TOL


def test_prob_at_least_one_against_a_simulation():
    rng = np.random.default_rng(808)
    for p, n in [(0.08, 5), (0.5, 3), (0.02, 20)]:
        trials = 200_000
        successes = rng.random((trials, n)) < p
        simulated = successes.any(axis=1).mean()
        formula = starts.prob_at_least_one(p, n)
        se = math.sqrt(formula * (1 - formula) / trials)
        assert abs(simulated - formula) < 4 * se, (p, n, simulated, formula)
    assert starts.prob_at_least_one(1.0, 1) == 1.0 and starts.prob_at_least_one(0.3, 0) == 0.0


def test_subsets_formula_against_enumeration():
    for total, s, n in [(8, 3, 3), (10, 1, 4), (9, 0, 2), (7, 7, 1)]:
        good = set(range(s))
        combos = list(itertools.combinations(range(total), n))
        enumerated = np.mean([bool(good.intersection(c)) for c in combos])
        np.testing.assert_allclose(starts.prob_at_least_one_in_subsets(s, total, n), enumerated, rtol=1e-12)


def test_share_reaching_best_by_hand():
    values = [-1.0, -1.0005, -1.2, -1.3]
    assert starts.share_reaching_best(values, -1.0) == 0.5
    assert starts.share_reaching_best(values, -1.0, tol=0.25) == 0.75
    with pytest.raises(ValueError, match="best"):
        starts.share_reaching_best(values, -1.5)
    with pytest.raises(ValueError, match="log_likelihoods"):
        starts.share_reaching_best([], -1.0)


def test_synthetic_blobs():
    X, labels = starts.synthetic_blobs()
    assert X.shape == (sum(starts.SYNTHETIC_SIZES), 2)
    np.testing.assert_array_equal(np.bincount(labels), starts.SYNTHETIC_SIZES)
    centres = starts.SYNTHETIC_SPACING * np.array([[c % 3, c // 3] for c in range(6)])
    for c in range(6):
        spread = 3 / math.sqrt(starts.SYNTHETIC_SIZES[c])  # 3 standard errors
        np.testing.assert_allclose(X[labels == c].mean(axis=0), centres[c], atol=spread)
    np.testing.assert_array_equal(starts.synthetic_blobs()[0], X)  # seeded


def test_results_are_complete():
    for (K, method), r in starts.faithful_starts().items():
        assert r.method == method and r.log_likelihoods.shape == (starts.N_STARTS,)
        assert r.converged.all() and len(r.params) == starts.N_STARTS
        assert all(p.n_components == K for p in r.params)


def test_clear_errors():
    Z = datasets.standardise(datasets.old_faithful())
    with pytest.raises(ValueError, match="init_params must be one of"):
        starts.run_starts(Z, 2, "kmeans++")
    with pytest.raises(ValueError, match="n_starts"):
        starts.run_starts(Z, 2, "kmeans", n_starts=0)
    with pytest.raises(ValueError, match="p must be a probability"):
        starts.prob_at_least_one(1.5, 3)
    with pytest.raises(ValueError, match="n must be"):
        starts.prob_at_least_one(0.5, -1)
    with pytest.raises(ValueError, match="n_success"):
        starts.prob_at_least_one_in_subsets(5, 4, 1)


def test_no_warnings_from_the_runs():
    Z = datasets.standardise(datasets.old_faithful())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = starts.run_starts(Z, 3, "random", n_starts=2, max_iter=3)
    assert not r.converged.any()


def test_stalled_random_runs_leave_a_saddle_point():
    """The 'random' K = 2 runs that ended near the one-Gaussian value were not at a maximum:
    scikit-learn, continued from where they stopped, reaches the best fit; started exactly
    at the symmetric point, scikit-learn's EM never moves (a stationary point)."""
    Z = datasets.standardise(datasets.old_faithful())
    runs = starts.faithful_starts()[2, "random"]
    stalled = starts.continue_stalled_runs(runs, Z, below=-1.9)
    assert len(stalled["seeds"]) == 7
    best = starts.best_value(starts.faithful_starts()[2, m] for m in starts.INIT_METHODS)
    for s in stalled["seeds"][:3]:
        p = runs.params[s]
        sk = SklearnGaussianMixture(2, weights_init=p.weights, means_init=p.means,
                                    precisions_init=np.linalg.inv(p.covariances), tol=1e-10,
                                    max_iter=1000).fit(Z)
        assert abs(sk.score(Z) - best) < 1e-6
    np.testing.assert_allclose(stalled["continued"], best, atol=1e-6)
    symmetric = starts.symmetric_start(Z, n_iter=20)
    one = SklearnGaussianMixture(1).fit(Z).score(Z)
    np.testing.assert_allclose(symmetric["value"], one, atol=1e-9)
    assert np.abs(symmetric["means"] - Z.mean(axis=0)).max() < 1e-9  # both means stayed at the data mean
    cov = np.cov(Z.T, bias=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tol=0 never "converges"
        sk = SklearnGaussianMixture(2, weights_init=[0.5, 0.5], means_init=np.tile(Z.mean(axis=0), (2, 1)),
                                    precisions_init=np.tile(np.linalg.inv(cov), (2, 1, 1)), tol=0,
                                    max_iter=20).fit(Z)
    np.testing.assert_allclose(sk.score(Z), one, atol=1e-9)
