"""EM beyond Gaussians, and how fast it converges: the worked runs of lesson 10.

- a mixture of Bernoulli distributions on binarised handwritten digits
  (scikit-learn's bundled ``load_digits``: 8 x 8 images, no download), fitted
  with :mod:`gmmlib.bernoulli`;
- the speed of EM: the ratio of successive improvements of the log-likelihood
  on a seeded 1-D two-Gaussian mixture, and how the number of iterations grows
  as the two components overlap (a separation sweep), with
  :func:`gmmlib.core.em`;
- the stopping rules of :func:`gmmlib.core.em` (change of the total
  log-likelihood) and of scikit-learn (change of the per-sample mean).

The lecture figures of :mod:`gmmlib.figures.beyond` draw these runs.
"""

import functools
import warnings

import numpy as np

from .. import bernoulli
from ..core import GMMParams, em

__all__ = [
    "DIGITS",
    "PIXEL_THRESHOLD",
    "DIGITS_K",
    "DIGITS_SEEDS",
    "DIGITS_EM_SETTINGS",
    "binary_digits",
    "digits_starts",
    "digits_em",
    "contingency",
    "majority_agreement",
    "digits_clusters",
    "improvement_ratios",
    "SWEEP_N",
    "SWEEP_SEED",
    "SWEEP_SEPARATIONS",
    "SWEEP_EM_SETTINGS",
    "two_gaussians_1d",
    "two_gaussians_start",
    "separation_run",
    "separation_sweep",
    "em_map_jacobian",
    "converged_run",
    "parameter_rate",
    "missing_information_fraction",
    "remaining_gap",
    "TIMING_SHAPE",
    "TIMING_ITERATIONS",
    "timing_data",
    "fast_path_timing",
    "MISSING_SEED",
    "MISSING_PROBABILITIES",
    "faithful_with_missing",
]

#: The digits of ``load_digits`` used in lesson 10.
DIGITS = (0, 1, 2, 3, 4)

#: A pixel is "on" when its grey level (0-16) exceeds this.
PIXEL_THRESHOLD = 7

#: Number of components of the digits fit, and the seeds of its starts (the best is kept).
DIGITS_K = 5
DIGITS_SEEDS = (0, 1, 2, 3, 4)

#: Stopping rule and pseudo-count of the digits fit (maximum likelihood: alpha = 0).
DIGITS_EM_SETTINGS = {"max_iter": 500, "tol": 1e-6, "alpha": 0.0}


@functools.lru_cache(maxsize=None)
def binary_digits(digits=DIGITS, threshold=PIXEL_THRESHOLD):
    """Binarised 8 x 8 digits from ``sklearn.datasets.load_digits`` (bundled, no download).

    Returns
    -------
    X : ndarray of shape (n, 64), entries 0.0 or 1.0
        One row per image, pixels row by row; 1 where the grey level > ``threshold``.
    labels : ndarray of shape (n,)
        The true digit of each image (not used by EM).
    """
    from sklearn.datasets import load_digits

    images, labels = load_digits(return_X_y=True)
    keep = np.isin(labels, digits)
    X = (images[keep] > threshold).astype(float)
    X.setflags(write=False)
    labels = labels[keep]
    labels.setflags(write=False)
    return X, labels


@functools.lru_cache(maxsize=None)
def digits_starts(n_components=DIGITS_K, seeds=DIGITS_SEEDS):
    """EM for a Bernoulli mixture on :func:`binary_digits`, one run per seed.

    Each run starts from :func:`gmmlib.bernoulli.random_params` with that seed
    and uses :data:`DIGITS_EM_SETTINGS`; returns the list of
    :class:`gmmlib.bernoulli.BernoulliEMResult`, in the order of ``seeds``.
    """
    X, _ = binary_digits()
    return [bernoulli.em(X, bernoulli.random_params(n_components, X.shape[1], seed=seed),
                         **DIGITS_EM_SETTINGS) for seed in seeds]


def digits_em(n_components=DIGITS_K, seeds=DIGITS_SEEDS):
    """The run of :func:`digits_starts` with the highest final log-likelihood."""
    runs = digits_starts(n_components, seeds)
    return max(runs, key=lambda run: run.log_likelihoods[-1])


def contingency(labels, clusters, n_clusters):
    """Counts of (true label, cluster) pairs: rows are the sorted labels, columns the clusters.

    Returns
    -------
    table : ndarray of shape (n_labels, n_clusters), int
    label_values : ndarray of shape (n_labels,)
    """
    label_values = np.unique(labels)
    table = np.zeros((label_values.size, n_clusters), dtype=int)
    np.add.at(table, (np.searchsorted(label_values, labels), clusters), 1)
    return table, label_values


def majority_agreement(table):
    """Share of samples whose cluster's most frequent label is their own label.

    ``table`` is a :func:`contingency` table (labels x clusters): each cluster
    votes for its majority label, and the count of that label in it is correct.
    """
    table = np.asarray(table)
    return float(table.max(axis=0).sum() / table.sum())


def improvement_ratios(log_likelihoods):
    r"""Ratios of successive improvements :math:`(\ell_{t+1} - \ell_t) / (\ell_t - \ell_{t-1})`.

    For a linearly converging sequence they tend to the rate :math:`r \in (0, 1)`:
    each iteration removes the same fraction :math:`1 - r` of the remaining gap.

    Parameters
    ----------
    log_likelihoods : sequence of float, length T + 1

    Returns
    -------
    ndarray of shape (T - 1,)
    """
    steps = np.diff(np.asarray(log_likelihoods, dtype=float))
    if steps.size < 2:
        raise ValueError(
            f"log_likelihoods needs at least 3 values for one ratio; received {steps.size + 1}."
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        return steps[1:] / steps[:-1]


# ---------------------------------------------------------------------------
# The separation sweep: a seeded 1-D mixture of two unit-variance Gaussians
# ---------------------------------------------------------------------------

#: Sample size and seed of the 1-D two-Gaussian data of the convergence section.
SWEEP_N = 500
SWEEP_SEED = 10

#: Distances between the two true means, in units of the (common) standard deviation.
SWEEP_SEPARATIONS = (2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0)

#: Stopping rule of the sweep: lesson 5's absolute change of the total log-likelihood.
SWEEP_EM_SETTINGS = {"max_iter": 2000, "tol": 1e-6}


def two_gaussians_1d(separation, n=SWEEP_N, seed=SWEEP_SEED):
    """n draws, shape (n, 1), from 0.5 N(-separation/2, 1) + 0.5 N(+separation/2, 1).

    The same labels and standard-normal noise for every separation (one seed),
    so the sweep changes only the distance between the groups.
    """
    rng = np.random.default_rng(seed)
    z = rng.integers(0, 2, size=n)
    noise = rng.standard_normal(n)
    return ((z - 0.5) * separation + noise)[:, np.newaxis]


def two_gaussians_start(X):
    """A symmetric, data-based start: equal weights, means at the quartiles, variance of X."""
    x = X[:, 0]
    means = np.percentile(x, [25, 75])[:, np.newaxis]
    return GMMParams([0.5, 0.5], means, np.full((2, 1, 1), x.var()))


@functools.lru_cache(maxsize=None)
def separation_run(separation):
    """EM (:func:`gmmlib.core.em`, :data:`SWEEP_EM_SETTINGS`) on :func:`two_gaussians_1d`."""
    X = two_gaussians_1d(separation)
    return em(X, two_gaussians_start(X), **SWEEP_EM_SETTINGS)


def _tail_rate(log_likelihoods, skip=5):
    """The rate r: the median improvement ratio over the last part of the run.

    Ratios of improvements below ~1e-9 are rounding noise, so the window ends
    where the improvements are still above 1e-7.
    """
    steps = np.diff(log_likelihoods)
    usable = np.flatnonzero(steps > 1e-7)
    last = usable[-1] if usable.size else 0
    ratios = improvement_ratios(log_likelihoods[: last + 2])
    return float(np.median(ratios[-skip:])) if ratios.size else float("nan")


@functools.lru_cache(maxsize=None)
def separation_sweep(separations=SWEEP_SEPARATIONS):
    """Iterations and convergence rate of :func:`separation_run` for each separation.

    Returns
    -------
    dict
        ``separations``, ``iterations`` (int array) and ``rates`` (the median of
        the last five improvement ratios with improvements above 1e-7).
    """
    runs = [separation_run(s) for s in separations]
    return {
        "separations": np.array(separations, dtype=float),
        "iterations": np.array([len(r.log_likelihoods) - 1 for r in runs]),
        "rates": np.array([_tail_rate(r.log_likelihoods) for r in runs]),
        "converged": np.array([r.converged for r in runs]),
    }


def digits_clusters():
    """The best digits fit, summarised against the true labels.

    Returns
    -------
    dict
        ``resp`` (n, K), ``clusters`` (each image's most responsible component),
        ``table`` (:func:`contingency`, digits x components), ``majority`` (each
        component's most frequent digit), ``order`` (components sorted by that
        digit) and ``agreement`` (:func:`majority_agreement`).
    """
    X, labels = binary_digits()
    run = digits_em()
    resp = bernoulli.e_step(X, run.params)
    clusters = resp.argmax(axis=1)
    table, label_values = contingency(labels, clusters, run.params.n_components)
    majority = label_values[table.argmax(axis=0)]
    return {"resp": resp, "clusters": clusters, "table": table, "majority": majority,
            "order": np.argsort(majority, kind="stable"), "agreement": majority_agreement(table)}


def _as_vector(params):
    """(pi_1, mu_1, mu_2, sigma_1^2, sigma_2^2) of a 1-D two-component mixture."""
    return np.r_[params.weights[0], params.means[:, 0], params.covariances[:, 0, 0]]


def _from_vector(v):
    return GMMParams([v[0], 1 - v[0]], v[1:3, np.newaxis], v[3:5, np.newaxis, np.newaxis])


def em_map_jacobian(X, params, h=1e-6):
    r"""Jacobian of the EM map :math:`\theta \mapsto M(\theta)` (one E-step and one M-step).

    For a 1-D mixture of two Gaussians, in the free parameters
    :math:`\theta = (\pi_1, \mu_1, \mu_2, \sigma_1^2, \sigma_2^2)`, by central
    differences with step ``h``. Near a fixed point
    :math:`\theta^\ast = M(\theta^\ast)` the error obeys
    :math:`\theta^{(t+1)} - \theta^\ast \approx J\,(\theta^{(t)} - \theta^\ast)`,
    so its largest eigenvalue :math:`\lambda` (in absolute value) is the rate at
    which the *parameters* converge.

    Returns
    -------
    ndarray of shape (5, 5)
    """
    from ..core import e_step, m_step

    v = _as_vector(params)

    def em_map(u):
        return _as_vector(m_step(X, e_step(X, _from_vector(u))))

    return np.column_stack([(em_map(v + h * e) - em_map(v - h * e)) / (2 * h) for e in np.eye(v.size)])


@functools.lru_cache(maxsize=None)
def converged_run(separation, tol=1e-11):
    """:func:`separation_run` continued until the log-likelihood rises by less than ``tol``.

    Its last parameters are (almost exactly) the fixed point, and its last
    log-likelihood the limit the stopping rule of the sweep approximates.
    """
    X = two_gaussians_1d(separation)
    return em(X, separation_run(separation).params, max_iter=5000, tol=tol)


def parameter_rate(separation):
    """The largest |eigenvalue| of :func:`em_map_jacobian` at the fixed point of :func:`converged_run`."""
    X = two_gaussians_1d(separation)
    jacobian = em_map_jacobian(X, converged_run(separation).params)
    return float(np.max(np.abs(np.linalg.eigvals(jacobian))))


def missing_information_fraction(separation, h=1e-4):
    r"""The fraction of missing information :math:`I_c^{-1} I_m` at the fixed point, from the likelihood.

    Dempster, Laird and Rubin (1977, Sec. 3) and Meng and Rubin (1991): at a
    maximum the Jacobian of the EM map is
    :math:`J = I_c^{-1} I_m = \mathbb{1} - I_c^{-1} I_o`, where :math:`I_o` is
    the observed-data information (minus the Hessian of the log-likelihood
    :math:`\ell`), :math:`I_c` the complete-data information averaged over the
    labels given the data, and :math:`I_m = I_c - I_o` the information the
    labels would have added. Computed without the EM map: :math:`I_o` by
    central second differences (step ``h``) of :math:`\ell`, written with
    ``scipy.stats.norm``; :math:`I_c` in closed form, diagonal at the fixed point
    in :math:`(\pi_1, \mu_1, \mu_2, \sigma_1^2, \sigma_2^2)`:
    :math:`\operatorname{diag}(N_1/\pi_1^2 + N_2/\pi_2^2,\ N_1/\sigma_1^2,\
    N_2/\sigma_2^2,\ N_1/(2\sigma_1^4),\ N_2/(2\sigma_2^4))` with
    :math:`N_k = \sum_n r_{nk}`.

    Returns
    -------
    ndarray of shape (5, 5)
        :math:`\mathbb{1} - I_c^{-1} I_o`; its largest eigenvalue is
        :func:`parameter_rate`'s :math:`\lambda`.
    """
    from scipy import stats
    from scipy.special import logsumexp

    X = two_gaussians_1d(separation)[:, 0]
    v = _as_vector(converged_run(separation).params)

    def loglik(u):
        pi1, m1, m2, s1, s2 = u
        return logsumexp([np.log(pi1) + stats.norm.logpdf(X, m1, np.sqrt(s1)),
                          np.log(1 - pi1) + stats.norm.logpdf(X, m2, np.sqrt(s2))], axis=0).sum()

    steps = h * np.maximum(np.abs(v), 1.0) * np.eye(v.size)
    hessian = np.array([[(loglik(v + a + b) - loglik(v + a - b) - loglik(v - a + b) + loglik(v - a - b))
                         / (4 * a.sum() * b.sum()) for b in steps] for a in steps])
    pi1, m1, m2, s1, s2 = v
    joint = np.column_stack([pi1 * stats.norm.pdf(X, m1, np.sqrt(s1)),
                             (1 - pi1) * stats.norm.pdf(X, m2, np.sqrt(s2))])
    n1, n2 = (joint / joint.sum(axis=1, keepdims=True)).sum(axis=0)
    complete_info = np.diag([n1 / pi1**2 + n2 / (1 - pi1) ** 2, n1 / s1, n2 / s2,
                             n1 / (2 * s1**2), n2 / (2 * s2**2)])
    return np.eye(v.size) - np.linalg.solve(complete_info, -hessian)


def remaining_gap(separation):
    r"""How far below its limit the sweep's run stopped, measured and predicted.

    With a linear rate :math:`r` the improvements after the last one,
    :math:`\Delta`, add up to :math:`\Delta (r + r^2 + \dots) = \Delta\, r / (1 - r)`.

    Returns
    -------
    dict
        ``last_step`` (the last improvement, below tol), ``rate`` (the sweep's
        measured rate), ``predicted`` (:math:`\Delta r / (1 - r)`) and
        ``actual`` (:func:`converged_run`'s final log-likelihood minus the sweep's).
    """
    lls = separation_run(separation).log_likelihoods
    rate = _tail_rate(lls)
    last_step = lls[-1] - lls[-2]
    return {"last_step": last_step, "rate": rate, "predicted": last_step * rate / (1 - rate),
            "actual": converged_run(separation).log_likelihoods[-1] - lls[-1]}


#: Shape and settings of the appendix's timing: n samples in d dimensions, K components,
#: a fixed number of EM iterations (tol = 0) from the same start in both libraries.
TIMING_SHAPE = {"n": 50_000, "d": 2, "K": 3}
TIMING_ITERATIONS = 10
TIMING_SEED = 2


def timing_data(n=TIMING_SHAPE["n"], d=TIMING_SHAPE["d"], K=TIMING_SHAPE["K"], seed=TIMING_SEED):
    """n draws from K well-separated round Gaussians in d dimensions, and a start near them."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=5.0, size=(K, d))
    X = centres[rng.integers(0, K, size=n)] + rng.standard_normal((n, d))
    start = GMMParams(np.full(K, 1 / K), centres + 0.5, np.stack([np.eye(d) * 2.0] * K))
    return X, start


def fast_path_timing(repeats=2):
    """Fit :class:`gmmlib.GaussianMixture` and scikit-learn's from the same start; best times.

    Both run :data:`TIMING_ITERATIONS` iterations (``tol = 0``) on
    :func:`timing_data`; the fits alternate, so a load spike hits both.

    Returns
    -------
    dict
        ``gmmlib_seconds``, ``sklearn_seconds`` (the best of ``repeats``) and
        the two fits' ``lower_bounds`` (mean log-likelihood per sample).
    """
    import time

    from sklearn.mixture import GaussianMixture as SklearnMixture

    from ..mixture import GaussianMixture

    X, start = timing_data()
    settings = dict(n_components=len(start.weights), tol=0.0, max_iter=TIMING_ITERATIONS,
                    weights_init=start.weights, means_init=start.means,
                    precisions_init=np.linalg.inv(start.covariances))
    times = {"gmmlib": [], "sklearn": []}
    bounds = {}
    for _ in range(repeats):
        for name, cls in (("gmmlib", GaussianMixture), ("sklearn", SklearnMixture)):
            model = cls(**settings)
            tic = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "did not converge": tol = 0 on purpose
                model.fit(X)
            times[name].append(time.perf_counter() - tic)
            bounds[name] = float(model.lower_bound_)
    return {"gmmlib_seconds": min(times["gmmlib"]), "sklearn_seconds": min(times["sklearn"]),
            "lower_bounds": bounds}


# ---------------------------------------------------------------------------
# Missing entries: Old Faithful with waiting times missing at random (MAR)
# ---------------------------------------------------------------------------

#: Seed and rule of the missing waiting times: an eruption longer than 3.5 min loses its
#: waiting time with probability 0.6, a shorter one with probability 0.1.
MISSING_SEED = 7
MISSING_PROBABILITIES = {"long": 0.6, "short": 0.1}


def faithful_with_missing(seed=MISSING_SEED):
    """Old Faithful with some waiting times set to NaN, more often after long eruptions.

    Whether a waiting time is missing depends only on the (observed) duration:
    missing *at random* (MAR), the condition under which EM on the observed
    data is consistent. Returns ``(X_missing, X_full)``.
    """
    from ..datasets import old_faithful

    X = old_faithful()
    rng = np.random.default_rng(seed)
    p = np.where(X[:, 0] > 3.5, MISSING_PROBABILITIES["long"], MISSING_PROBABILITIES["short"])
    X_missing = X.copy()
    X_missing[rng.random(len(X)) < p, 1] = np.nan
    return X_missing, X
