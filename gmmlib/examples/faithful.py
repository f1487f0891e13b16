"""Old Faithful: the worked runs of lesson 7, for its lecture figures.

The data are :func:`gmmlib.datasets.old_faithful` (minutes). Lesson 7 makes
these fits in plain sight (``gmmlib.em`` from the poor start, ``GaussianMixture``
calls, the grid of 36 fits); the lecture figures of :mod:`gmmlib.figures.faithful`
draw the same runs from here, each computed once per session.
``tests/test_faithful_examples.py`` compares them with the numbers the lesson
prints, so the two cannot drift apart.
"""

import functools

import numpy as np

from .. import datasets
from .._kmeans import kmeans
from ..core import GMMParams, em
from ..mixture import GaussianMixture, collapsed_components
from ..selection import information_criteria_table
from .model_choice import FIT_SETTINGS

__all__ = [
    "RANDOM_STATE",
    "FAITHFUL_POOR_START",
    "FAITHFUL_EM_SETTINGS",
    "COLLAPSED_FIT",
    "GRID_FIT_SETTINGS",
    "N_SAMPLES",
    "faithful_em",
    "faithful_chosen_fit",
    "faithful_criteria",
    "faithful_kmeans_labels",
    "faithful_uncertainty",
    "faithful_samples",
    "faithful_collapsed_fit",
]

#: Seed of the lesson's fits (the estimator's ``random_state``).
RANDOM_STATE = 0

#: The deliberately poor start of the Old Faithful EM progression (standardised
#: data): means on the wrong diagonal, where there are no eruptions.
FAITHFUL_POOR_START = GMMParams(
    weights=[0.5, 0.5],
    means=[[-1.5, 1.0], [1.5, -1.0]],
    covariances=[0.5 * np.eye(2), 0.5 * np.eye(2)],
)

#: Stopping rule of lesson 7's EM run from the poor start (the figures use the
#: same run): stop when the log-likelihood changes by less than ``tol``.
FAITHFUL_EM_SETTINGS = {"max_iter": 100, "tol": 1e-6}

#: A fit of Old Faithful in which a component collapses (found by searching
#: ``random_state`` for K = 10, full covariances; see :func:`faithful_collapsed_fit`).
COLLAPSED_FIT = {"n_components": 10, "covariance_type": "full", "random_state": 5}

#: Stopping rule of every fit of lesson 7's 36-model grid: lesson 9's
#: :data:`gmmlib.examples.model_choice.FIT_SETTINGS` (EM to convergence, tol 1e-6,
#: max_iter 3000), so both lessons make the same fits. The estimator's default
#: tol = 1e-3 stops the three-component tied fit after 7 iterations, 14
#: log-likelihood units below its maximum, and BIC then picks another model.
GRID_FIT_SETTINGS = {key: value for key, value in FIT_SETTINGS.items() if key != "random_state"}

#: Number of samples drawn from the chosen fit (lesson 7).
N_SAMPLES = 2000


@functools.lru_cache(maxsize=None)
def faithful_em():
    """EM on standardised Old Faithful from :data:`FAITHFUL_POOR_START`, run to
    convergence with :data:`FAITHFUL_EM_SETTINGS` (lesson 7 runs the same call)."""
    Z = datasets.standardise(datasets.old_faithful())
    return em(Z, FAITHFUL_POOR_START, **FAITHFUL_EM_SETTINGS)


@functools.lru_cache(maxsize=None)
def faithful_chosen_fit():
    """The two-group model lesson 7 continues with (BIC's second choice, 7.9 above three
    tied components): ``GaussianMixture(2, 'full', random_state=0)`` on Old Faithful in
    minutes."""
    return GaussianMixture(n_components=2, covariance_type="full",
                           random_state=RANDOM_STATE).fit(datasets.old_faithful())


@functools.lru_cache(maxsize=None)
def faithful_criteria():
    """BIC/AIC table and fitted models of lesson 7's grid (K = 1..9, four covariance types),
    every fit run to convergence with :data:`GRID_FIT_SETTINGS` and ``random_state``
    :data:`RANDOM_STATE`.

    Returns
    -------
    table, models
        As :func:`gmmlib.selection.information_criteria_table` with ``return_models=True``.
    """
    return information_criteria_table(datasets.old_faithful(), random_state=RANDOM_STATE,
                                      return_models=True, fit_params=GRID_FIT_SETTINGS)


def faithful_kmeans_labels():
    """k-means labels (two clusters, seeded by :data:`RANDOM_STATE`) of Old Faithful, shape (272,)."""
    labels, _ = kmeans(datasets.old_faithful(), 2, np.random.RandomState(RANDOM_STATE))
    return labels


def faithful_uncertainty():
    r"""Uncertainty :math:`1 - \max_c r_{ic}` of each eruption under the chosen fit, shape (272,)."""
    return 1 - faithful_chosen_fit().predict_proba(datasets.old_faithful()).max(axis=1)


def faithful_samples():
    """:data:`N_SAMPLES` samples of the chosen fit (``gm.sample``, grouped by component)."""
    samples, _ = faithful_chosen_fit().sample(N_SAMPLES)
    return samples


@functools.lru_cache(maxsize=None)
def faithful_collapsed_fit():
    """A fit of Old Faithful with a component collapsed onto one waiting time.

    :data:`COLLAPSED_FIT` first; should a change of the estimator make that
    fit regular, ``random_state`` 0, 1, ... are tried (K = 10 and 12, full
    covariances) until :func:`gmmlib.mixture.collapsed_components` flags one.

    Returns
    -------
    gm : fitted GaussianMixture
    collapsed : list of int
    """
    X = datasets.old_faithful()
    settings = [COLLAPSED_FIT] + [
        {"n_components": K, "covariance_type": "full", "random_state": seed}
        for K in (10, 12) for seed in range(20)
    ]
    for kwargs in settings:
        gm = GaussianMixture(**kwargs).fit(X)
        collapsed = list(collapsed_components(gm, X))
        if collapsed:
            return gm, collapsed
    raise RuntimeError(
        "no Old Faithful fit with a collapsed component was found; update "
        "COLLAPSED_FIT in gmmlib/examples/faithful.py."
    )
