"""Many starts, one answer? The experiments of lesson 8.

Lesson 8 runs EM from many seeded starts with each of the four ways
scikit-learn's ``GaussianMixture`` (and :class:`gmmlib.GaussianMixture`) can
start it (``init_params``), on standardised Old Faithful and on a harder
synthetic set, and measures where the runs end: the final mean log-likelihood
per sample, the number of iterations, whether they reached the best value
found. The lecture figures of :mod:`gmmlib.figures.starts` draw the same runs
(each experiment is computed once per session).

The settings are fixed here, so the lesson, the figures and the tests agree:
:data:`N_STARTS` starts per method, seeds ``0 .. N_STARTS - 1``, the stopping
rule :data:`STARTS_SETTINGS` (tighter than the estimator's default, so that a
run stops *at* a local maximum rather than on its way there) and the tolerance
:data:`OPTIMUM_TOL` within which a run counts as having reached the best value.
"""

import functools
import math
import warnings
from dataclasses import dataclass

import numpy as np

from .. import datasets
from ..core import GMMParams
from ..mixture import GaussianMixture

__all__ = [
    "INIT_METHODS",
    "N_STARTS",
    "STARTS_SETTINGS",
    "OPTIMUM_TOL",
    "FAITHFUL_KS",
    "SYNTHETIC_K",
    "SYNTHETIC_SEED",
    "SYNTHETIC_SPACING",
    "SYNTHETIC_SIZES",
    "StartsResult",
    "synthetic_blobs",
    "run_starts",
    "faithful_starts",
    "synthetic_starts",
    "default_tol_random_starts",
    "continue_stalled_runs",
    "symmetric_start",
    "trajectory",
    "best_value",
    "synthetic_optima",
    "share_reaching_best",
    "prob_at_least_one",
    "prob_at_least_one_in_subsets",
    "N_INIT_GRID",
    "n_init_tradeoff",
]

#: The four ways to start EM, as ``init_params`` of ``GaussianMixture``.
INIT_METHODS = ("kmeans", "k-means++", "random", "random_from_data")

#: Starts per method and setting (seeds ``0 .. N_STARTS - 1``).
N_STARTS = 50

#: Stopping rule of the experiments: stop when the mean log-likelihood per
#: sample changes by less than ``tol`` (the estimator's default is 1e-3).
STARTS_SETTINGS = {"tol": 1e-5, "max_iter": 500}

#: A run reaches the best value found when its final mean log-likelihood per
#: sample is within this tolerance of the best (0.27 in total on Old Faithful).
OPTIMUM_TOL = 1e-3

#: Numbers of components fitted to standardised Old Faithful.
FAITHFUL_KS = (2, 3)

#: The synthetic set: six round clusters (standard deviation 1) on a 3 x 2 grid
#: with spacing :data:`SYNTHETIC_SPACING`, of unequal sizes, seeded.
SYNTHETIC_K = 6
SYNTHETIC_SEED = 0
SYNTHETIC_SPACING = 4.5
SYNTHETIC_SIZES = (120, 90, 60, 40, 30, 20)


@dataclass(frozen=True)
class StartsResult:
    """Where EM ended from each of many starts (one method, one data set, one K).

    Attributes
    ----------
    method : str
        ``init_params`` of the runs.
    log_likelihoods : ndarray of shape (n_starts,)
        Final mean log-likelihood per sample, ``GaussianMixture.score(X)``.
    n_iter : ndarray of shape (n_starts,)
        EM iterations of each run.
    converged : ndarray of shape (n_starts,)
        Whether each run met the stopping rule before ``max_iter``.
    params : tuple of GMMParams
        The fitted parameters of each run (components in the order EM left them).
    """

    method: str
    log_likelihoods: np.ndarray
    n_iter: np.ndarray
    converged: np.ndarray
    params: tuple


def synthetic_blobs(seed=SYNTHETIC_SEED, spacing=SYNTHETIC_SPACING, sizes=SYNTHETIC_SIZES):
    """The harder data set of lesson 8: six round clusters of unequal sizes.

    Cluster ``c`` has centre ``spacing * (c % 3, c // 3)`` and covariance
    ``I``; it has ``sizes[c]`` points.

    Returns
    -------
    X : ndarray of shape (sum(sizes), 2)
    labels : ndarray of shape (sum(sizes),)
        The cluster each point was drawn from.
    """
    rng = np.random.default_rng(seed)
    centres = spacing * np.array([[c % 3, c // 3] for c in range(len(sizes))], dtype=float)
    X = np.concatenate([rng.normal(centre, 1.0, (m, 2)) for centre, m in zip(centres, sizes)])
    labels = np.repeat(np.arange(len(sizes)), sizes)
    return X, labels


def run_starts(X, n_components, init_params, n_starts=N_STARTS, **settings):
    """Fit ``GaussianMixture`` from ``n_starts`` seeded starts of one kind.

    Run ``s`` is ``GaussianMixture(n_components, init_params=init_params,
    random_state=s, **settings)`` (full covariances) for ``s = 0 .. n_starts - 1``.
    Runs that hit ``max_iter`` are recorded as not converged (no warning).

    Parameters
    ----------
    X : array-like of shape (n, d)
    n_components : int
    init_params : {'kmeans', 'k-means++', 'random', 'random_from_data'}
    n_starts : int
    **settings
        Passed to ``GaussianMixture`` (default :data:`STARTS_SETTINGS`).

    Returns
    -------
    StartsResult
    """
    if init_params not in INIT_METHODS:
        raise ValueError(f"init_params must be one of {INIT_METHODS}; received {init_params!r}.")
    if int(n_starts) != n_starts or n_starts < 1:
        raise ValueError(f"n_starts must be a positive integer; received {n_starts!r}.")
    X = np.asarray(X, dtype=float)
    settings = {**STARTS_SETTINGS, **settings}
    lls, iters, converged, params = [], [], [], []
    for seed in range(int(n_starts)):
        gm = GaussianMixture(n_components, init_params=init_params, random_state=seed, **settings)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # non-convergence is recorded in `converged`
            gm.fit(X)
        lls.append(gm.score(X))
        iters.append(gm.n_iter_)
        converged.append(gm.converged_)
        params.append(GMMParams(gm.weights_, gm.means_, gm.covariances_))
    return StartsResult(init_params, np.array(lls), np.array(iters), np.array(converged), tuple(params))


@functools.lru_cache(maxsize=None)
def faithful_starts():
    """The runs on standardised Old Faithful: ``{(K, method): StartsResult}``
    for K in :data:`FAITHFUL_KS` and every method of :data:`INIT_METHODS`."""
    Z = datasets.standardise(datasets.old_faithful())
    return {(K, method): run_starts(Z, K, method) for K in FAITHFUL_KS for method in INIT_METHODS}


@functools.lru_cache(maxsize=None)
def synthetic_starts():
    """The runs on :func:`synthetic_blobs` with K = :data:`SYNTHETIC_K`:
    ``{method: StartsResult}``."""
    X, _ = synthetic_blobs()
    return {method: run_starts(X, SYNTHETIC_K, method) for method in INIT_METHODS}


@functools.lru_cache(maxsize=None)
def default_tol_random_starts():
    """'random' starts on standardised Old Faithful, K = 2, with the estimator's
    default stopping rule (``tol=1e-3``, ``max_iter=100``): a StartsResult."""
    Z = datasets.standardise(datasets.old_faithful())
    return run_starts(Z, 2, "random", tol=1e-3, max_iter=100)


def continue_stalled_runs(result, X, below, max_iter=1000, tol=1e-10):
    """Continue EM from where the runs of ``result`` that ended below ``below`` stopped.

    Each such run restarts from its own final parameters (``weights_init``,
    ``means_init``, ``precisions_init``) with a much tighter stopping rule. A
    run that stopped *at* a maximum stays there; a run that stopped next to a
    saddle point climbs away from it.

    Parameters
    ----------
    result : StartsResult
        Runs on ``X``.
    X : array-like of shape (n, d)
    below : float
        Continue the runs whose final mean log-likelihood per sample is below this.
    max_iter, tol : int, float
        Stopping rule of the continued runs.

    Returns
    -------
    dict
        ``seeds`` (ndarray of int), ``stopped`` (their final values in ``result``),
        ``continued`` (final values after continuing), ``n_iter`` (iterations of
        the continued runs), ``spread`` (for each stalled run, the largest
        distance between its two components' means, K = 2 or more).
    """
    X = np.asarray(X, dtype=float)
    seeds = np.flatnonzero(result.log_likelihoods < below)
    continued, iters, spread = [], [], []
    for s in seeds:
        p = result.params[s]
        gm = GaussianMixture(len(p.weights), weights_init=p.weights, means_init=p.means,
                             precisions_init=np.linalg.inv(p.covariances), tol=tol, max_iter=max_iter)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gm.fit(X)
        continued.append(gm.score(X))
        iters.append(gm.n_iter_)
        spread.append(np.max(np.linalg.norm(p.means[:, None] - p.means[None], axis=2)))
    return {"seeds": seeds, "stopped": result.log_likelihoods[seeds], "continued": np.array(continued),
            "n_iter": np.array(iters), "spread": np.array(spread)}


def symmetric_start(X, n_components=2, n_iter=50):
    """EM started exactly at the symmetric point: every component the one-Gaussian fit.

    Weights ``1/K``, every mean the data mean, every covariance the data's
    (maximum-likelihood) covariance. Every responsibility is then ``1/K`` and
    the M-step returns the same parameters: the point is a fixed point of EM,
    a stationary point of the likelihood.

    Returns
    -------
    dict
        ``value``: the mean log-likelihood per sample after ``n_iter`` EM
        iterations; ``means``: the final means, shape ``(K, d)``.
    """
    X = np.asarray(X, dtype=float)
    K = int(n_components)
    centre, cov = X.mean(axis=0), np.cov(X.T, bias=True).reshape(X.shape[1], X.shape[1])
    gm = GaussianMixture(K, weights_init=np.full(K, 1 / K), means_init=np.tile(centre, (K, 1)),
                         precisions_init=np.tile(np.linalg.inv(cov), (K, 1, 1)), tol=0, max_iter=n_iter)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tol=0 never "converges"
        gm.fit(X)
    return {"value": float(gm.score(X)), "means": gm.means_}


def trajectory(X, n_components, init_params, seed, iterations):
    """The mean log-likelihood per sample of one seeded run after given numbers of EM iterations.

    Run ``GaussianMixture(n_components, init_params=init_params,
    random_state=seed, max_iter=k, tol=0)`` for each ``k`` in ``iterations``
    (the same start each time, so the values trace one run).

    Returns
    -------
    ndarray of shape (len(iterations),)
    """
    X = np.asarray(X, dtype=float)
    values = []
    for k in iterations:
        if int(k) != k or k < 1:
            raise ValueError(f"iterations must be positive integers; received {k!r}.")
        gm = GaussianMixture(n_components, init_params=init_params, random_state=seed, max_iter=int(k), tol=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tol=0 never "converges"
            gm.fit(X)
        values.append(gm.score(X))
    return np.array(values)


def best_value(results):
    """The best final mean log-likelihood per sample over several StartsResults."""
    return float(max(np.max(r.log_likelihoods) for r in results))


def synthetic_optima(method="kmeans"):
    """The best optimum found on the synthetic set and the most frequent worse one.

    Among the runs of ``method`` in :func:`synthetic_starts`, the run that
    reached the best value of all methods, and the first run that ended at the
    most frequent value below it (values grouped within :data:`OPTIMUM_TOL`).

    Returns
    -------
    dict
        ``best``, ``local``: GMMParams; ``best_value``, ``local_value``: float;
        ``local_count``: how many runs of ``method`` ended there;
        ``best_seed``, ``local_seed``: their seeds.
    """
    runs = synthetic_starts()
    best = best_value(runs.values())
    r = runs[method]
    values = r.log_likelihoods
    reached = values >= best - OPTIMUM_TOL
    if not reached.any():
        raise ValueError(f"no {method!r} run reached the best value; choose another method.")
    worse = np.flatnonzero(~reached)
    keys = np.round(values[worse] / OPTIMUM_TOL).astype(np.int64)
    uniq, counts = np.unique(keys, return_counts=True)
    frequent = uniq[np.argmax(counts)]
    local_seed = int(worse[np.flatnonzero(keys == frequent)[0]])
    best_seed = int(np.flatnonzero(reached)[0])
    return {"best": r.params[best_seed], "local": r.params[local_seed],
            "best_value": float(values[best_seed]), "local_value": float(values[local_seed]),
            "local_count": int(counts.max()), "best_seed": best_seed, "local_seed": local_seed}


def share_reaching_best(log_likelihoods, best, tol=OPTIMUM_TOL):
    r"""Share of runs whose final value is within ``tol`` of ``best``.

    .. math:: \hat p = \frac{1}{S}\,\#\{s : \ell_s \ge \ell^\ast - \text{tol}\}

    Parameters
    ----------
    log_likelihoods : array-like of shape (S,)
        Final mean log-likelihood per sample of each run.
    best : float
        The best value found (over all methods), :math:`\ell^\ast`.
    tol : float

    Returns
    -------
    float
    """
    values = np.asarray(log_likelihoods, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"log_likelihoods must be a non-empty 1-D array; received shape {values.shape}.")
    if np.any(values > best + tol):
        raise ValueError(f"best ({best}) must be the largest value: some log_likelihoods exceed it by "
                         f"more than tol ({values.max()}). Pass the maximum over all runs.")
    return float(np.mean(values >= best - tol))


def prob_at_least_one(p, n):
    r"""Probability that at least one of ``n`` independent starts succeeds.

    .. math:: P(\text{at least one of } n) = 1 - (1 - p)^n

    ``GaussianMixture(n_init=n)`` keeps the best of ``n`` starts, so this is the
    probability that it returns the best optimum when one start reaches it with
    probability ``p``.

    Parameters
    ----------
    p : float or array-like, in [0, 1]
    n : int or array-like of int >= 0

    Returns
    -------
    float or ndarray
    """
    p_arr = np.asarray(p, dtype=float)
    if np.any((p_arr < 0) | (p_arr > 1)) or not np.all(np.isfinite(p_arr)):
        raise ValueError(f"p must be a probability in [0, 1]; received {p!r}.")
    if np.any(np.asarray(n) < 0):
        raise ValueError(f"n must be a number of starts >= 0; received {n!r}.")
    return 1.0 - (1.0 - p_arr) ** np.asarray(n)


def prob_at_least_one_in_subsets(n_success, n_total, n):
    r"""Share of all ``n``-subsets of ``n_total`` recorded starts that contain at
    least one of the ``n_success`` successful ones (sampling without replacement).

    .. math:: 1 - \binom{S - s}{n} \Big/ \binom{S}{n}

    It is what ``n_init = n`` would have given, averaged over every way of
    grouping the recorded starts: the measured counterpart of
    :func:`prob_at_least_one` with ``p = s / S``.

    Parameters
    ----------
    n_success, n_total, n : int
        ``0 <= n_success <= n_total`` and ``1 <= n <= n_total``.

    Returns
    -------
    float
    """
    if not 0 <= n_success <= n_total or not 1 <= n <= n_total:
        raise ValueError(f"need 0 <= n_success <= n_total and 1 <= n <= n_total; received "
                         f"n_success={n_success}, n_total={n_total}, n={n}.")
    return 1.0 - math.comb(n_total - n_success, n) / math.comb(n_total, n)


#: Values of ``n_init`` drawn in the trade-off figure.
N_INIT_GRID = (1, 2, 3, 5, 10, 20)


def n_init_tradeoff(results=None, ns=N_INIT_GRID):
    r"""What ``n_init = n`` buys and costs, per method, from recorded runs.

    For each method: the probability :math:`1 - (1 - p)^n` that the best of
    ``n`` starts reaches the best value found (:func:`prob_at_least_one`, with
    ``p`` the measured share), its measured counterpart over the recorded
    starts (:func:`prob_at_least_one_in_subsets`), and the expected cost,
    ``n`` times the mean number of EM iterations per start.

    Parameters
    ----------
    results : mapping of method to StartsResult, optional
        Default: :func:`synthetic_starts`.
    ns : sequence of int

    Returns
    -------
    dict
        ``{method: {"n", "iterations", "formula", "measured", "p"}}``, arrays over ``ns``.
    """
    results = synthetic_starts() if results is None else results
    best = best_value(results.values())
    out = {}
    for method, r in results.items():
        total = len(r.log_likelihoods)
        hits = int(np.sum(r.log_likelihoods >= best - OPTIMUM_TOL))
        ns_arr = np.asarray(ns)
        out[method] = {
            "n": ns_arr,
            "iterations": ns_arr * r.n_iter.mean(),
            "formula": prob_at_least_one(hits / total, ns_arr),
            "measured": np.array([prob_at_least_one_in_subsets(hits, total, n) if n <= total else np.nan
                                  for n in ns_arr]),
            "p": hits / total,
        }
    return out
