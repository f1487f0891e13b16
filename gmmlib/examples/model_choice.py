"""Covariance structures, scaling and model choice on Old Faithful: the runs of lesson 9.

Every fit here uses :data:`FIT_SETTINGS`: EM run to convergence (``tol`` on the
mean log-likelihood per sample 1e-6 instead of the estimator's 1e-3, which
stops the slow three-component tied fit 14 log-likelihood units short of its
maximum), one k-means start with ``random_state = 0`` (lesson 8 is about the
starts). Each computation runs once per session (cached).
"""

import functools
import warnings

import numpy as np

from .. import datasets
from ..mixture import GaussianMixture
from ..selection import (
    COVARIANCE_TYPES,
    cross_validated_log_likelihood,
    icl,
    information_criteria_table,
)

__all__ = [
    "RANDOM_STATE",
    "FIT_SETTINGS",
    "N_COMPONENTS_RANGE",
    "SPHERICAL_MINUTES_RANGE",
    "N_SPLITS",
    "SHOWCASE_K",
    "MCLUST_FAITHFUL",
    "faithful_scaled",
    "covariance_type_fits",
    "criteria_grid",
    "spherical_minutes_bic",
    "COLLAPSED_VARIANCE",
    "spherical_minutes_collapsed",
    "cv_grid",
    "bic_by_scale",
    "mclust_comparison_fit",
    "MCLUST_TOL",
    "MCLUST_LIKE_ITERATIONS",
    "mclust_like_stop",
]

#: Seed of every fit's k-means start and of the cross-validation folds.
RANDOM_STATE = 0

#: Settings of every fit of lesson 9 (besides ``n_components`` and ``covariance_type``).
FIT_SETTINGS = {"tol": 1e-6, "max_iter": 3000, "random_state": RANDOM_STATE}

#: The grid of numbers of components for every covariance type.
N_COMPONENTS_RANGE = tuple(range(1, 10))

#: The longer grid of spherical components on the data in minutes, whose BIC
#: falls until K = 46 (from K = 19 on, with components collapsed onto single
#: eruptions: see :func:`spherical_minutes_collapsed`).
SPHERICAL_MINUTES_RANGE = tuple(range(1, 51))

#: A spherical component with a variance below this (min², a standard deviation
#: of 0.01 min) has collapsed onto one eruption or a few identical records: its
#: variance is the estimator's floor ``reg_covar`` (1e-6), not a property of the data.
COLLAPSED_VARIANCE = 1e-4

#: Number of cross-validation folds.
N_SPLITS = 5

#: Number of components of the side-by-side figure of the covariance types.
SHOWCASE_K = 2

#: R's mclust on the same data, ``summary(Mclust(faithful))`` (mclust vignette,
#: "Clustering"): the model it chooses, EEE (scikit-learn's tied) with 3 components.
#: ``bic`` and ``icl`` are in mclust's sign (higher is better).
MCLUST_FAITHFUL = {"model": "EEE", "n_components": 3, "log_likelihood": -1126.326, "df": 11,
                   "bic": -2314.316, "icl": -2357.824, "sizes": (40, 97, 135)}

#: mclust's stopping rule for EM (``emControl()$tol[1]``): stop after the first
#: iteration t whose log-likelihood :math:`L_t` satisfies
#: :math:`|L_t - L_{t-1}| / (1 + |L_t|) < 10^{-5}`, a change of about 0.011 here.
MCLUST_TOL = 1e-5

#: Iterations after which that rule stops EM (from our k-means start) on the tied
#: K = 3 model: 40, still 0.044 below the maximum (see :func:`mclust_like_stop`).
MCLUST_LIKE_ITERATIONS = 40

_SCALES = ("minutes", "standardised")


def faithful_scaled(scale):
    """Old Faithful in ``"minutes"`` (as recorded) or ``"standardised"`` (z-scores)."""
    if scale not in _SCALES:
        raise ValueError(f"scale must be one of {_SCALES}; received {scale!r}.")
    X = datasets.old_faithful()
    return X if scale == "minutes" else datasets.standardise(X)


@functools.lru_cache(maxsize=None)
def covariance_type_fits(scale="standardised"):
    """The four covariance types with :data:`SHOWCASE_K` components: ``{type: fitted model}``."""
    X = faithful_scaled(scale)
    return {kind: GaussianMixture(SHOWCASE_K, covariance_type=kind, **FIT_SETTINGS).fit(X)
            for kind in COVARIANCE_TYPES}


@functools.lru_cache(maxsize=None)
def criteria_grid(scale):
    """BIC, AIC and ICL of every type and K in :data:`N_COMPONENTS_RANGE`.

    Returns
    -------
    table : dict of lists
        Columns ``covariance_type``, ``n_components``, ``n_parameters``,
        ``log_likelihood``, ``bic``, ``aic``, ``icl`` (MAP assignments, as mclust).
    """
    X = faithful_scaled(scale)
    settings = {k: v for k, v in FIT_SETTINGS.items() if k != "random_state"}
    table, models = information_criteria_table(
        X, N_COMPONENTS_RANGE, random_state=RANDOM_STATE, return_models=True,
        fit_params=settings)
    table["n_parameters"], table["log_likelihood"], table["icl"] = [], [], []
    for kind, K in zip(table["covariance_type"], table["n_components"]):
        gm = models[kind, K]
        table["n_parameters"].append(gm._n_parameters())
        table["log_likelihood"].append(float(np.sum(gm.score_samples(X))))
        table["icl"].append(icl(gm, X))
    return table


@functools.lru_cache(maxsize=None)
def _spherical_minutes_fits():
    X = faithful_scaled("minutes")
    return tuple(GaussianMixture(K, covariance_type="spherical", **FIT_SETTINGS).fit(X)
                 for K in SPHERICAL_MINUTES_RANGE)


def spherical_minutes_bic():
    """BIC of spherical fits to the data in minutes, K in :data:`SPHERICAL_MINUTES_RANGE`."""
    X = faithful_scaled("minutes")
    return np.array([gm.bic(X) for gm in _spherical_minutes_fits()])


def spherical_minutes_collapsed():
    """Number of collapsed components of each fit of :func:`spherical_minutes_bic`.

    A component is collapsed when its variance is below :data:`COLLAPSED_VARIANCE`:
    it sits on one point (or on identical records), where the likelihood is
    unbounded (lesson 5) and only ``reg_covar`` keeps it finite.

    Returns
    -------
    ndarray of int, shape (len(SPHERICAL_MINUTES_RANGE),)
    """
    return np.array([int(np.sum(gm.covariances_ < COLLAPSED_VARIANCE))
                     for gm in _spherical_minutes_fits()])


@functools.lru_cache(maxsize=None)
def cv_grid(scale="standardised"):
    """Held-out log-likelihood (:data:`N_SPLITS`-fold) of every type and K in the grid."""
    settings = {k: v for k, v in FIT_SETTINGS.items() if k != "random_state"}
    return cross_validated_log_likelihood(faithful_scaled(scale), N_COMPONENTS_RANGE,
                                          n_splits=N_SPLITS, random_state=RANDOM_STATE,
                                          fit_params=settings)


def bic_by_scale():
    """BIC of every type in minutes (spherical up to K = 50) and standardised: two tables.

    Returns
    -------
    minutes, standardised : dict of lists
        Columns ``covariance_type``, ``n_components``, ``bic``.
    """
    tables = []
    for scale in _SCALES:
        grid = criteria_grid(scale)
        rows = [i for i, kind in enumerate(grid["covariance_type"])
                if not (scale == "minutes" and kind == "spherical")]
        table = {key: [grid[key][i] for i in rows] for key in ("covariance_type", "n_components", "bic")}
        if scale == "minutes":
            table["covariance_type"] += ["spherical"] * len(SPHERICAL_MINUTES_RANGE)
            table["n_components"] += list(SPHERICAL_MINUTES_RANGE)
            table["bic"] += [float(b) for b in spherical_minutes_bic()]
        tables.append(table)
    return tuple(tables)


@functools.lru_cache(maxsize=None)
def mclust_comparison_fit():
    """The model mclust chooses (tied = EEE, K = 3), fitted to the data in minutes."""
    return GaussianMixture(3, covariance_type="tied", **FIT_SETTINGS).fit(faithful_scaled("minutes"))


@functools.lru_cache(maxsize=None)
def mclust_like_stop():
    r"""The tied K = 3 fit (data in minutes) stopped by mclust's rule, not converged.

    EM from the k-means start runs with no stopping rule; the log-likelihood
    :math:`L_t = n \times` ``lower_bounds_[t]`` after :math:`t` M-steps gives the first
    :math:`t` with :math:`|L_t - L_{t-1}| / (1 + |L_t|) <` :data:`MCLUST_TOL`, and the
    fit is rerun with ``max_iter = t``.

    Returns
    -------
    GaussianMixture
        Fitted, with ``n_iter_`` the iteration where mclust's rule stops.
    """
    X = faithful_scaled("minutes")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # stopped on purpose: the ConvergenceWarning is expected
        trace = GaussianMixture(3, covariance_type="tied", tol=0.0, max_iter=200,
                                random_state=RANDOM_STATE).fit(X).lower_bounds_
        L = len(X) * np.asarray(trace)
        stop = int(np.flatnonzero(np.abs(np.diff(L)) / (1 + np.abs(L[1:])) < MCLUST_TOL)[0]) + 1
        return GaussianMixture(3, covariance_type="tied", tol=0.0, max_iter=stop,
                               random_state=RANDOM_STATE).fit(X)
