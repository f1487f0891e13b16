"""The registry of lecture figures, and ``python -m gmmlib figures``.

Every figure of the course is registered here with its name, the lesson that
shows it, the :mod:`gmmlib.plotting` function that draws it, a caption and
alt text. A *builder* (a function of no arguments) computes the data with
``gmmlib`` and calls the plotting function, so a lesson (``show(name)``) and
the files in ``figures/`` (``save(name, folder)``) never differ.

``python -m gmmlib figures`` (``make figures``) regenerates every figure into
``figures/`` as PNG (200 dpi, for slides) and PDF (for LaTeX notes), and the
index ``figures/README.md``. The files are byte-stable: no dates, no software
versions, a fixed SVG hash salt, matplotlib's bundled DejaVu fonts and the
fixed style of :data:`gmmlib.plotting.STYLE`; each file is written atomically.
(On another CPU the last printed digit of a PDF coordinate can differ, ~1e-6
pt; ``tests/test_figures.py`` allows for that and nothing more.)
"""

import argparse
import base64
import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import matplotlib.pyplot as plt
import numpy as np

from . import datasets, plotting
from .core import GMMParams, e_step, em, m_step
from .tools._paths import atomic_write_bytes

__all__ = [
    "FigureSpec",
    "REGISTRY",
    "names",
    "get",
    "build",
    "show",
    "render",
    "save",
    "index_markdown",
    "write_index",
    "information_criteria_table",
    "standardise",
    "seed_noisy_people",
    "seed_noisy_em",
    "faithful_em",
    "faithful_chosen_fit",
    "main",
]

#: Resolution of the PNG files (dots per inch).
PNG_DPI = 200

#: File formats written by :func:`save`, in order.
FORMATS = ("png", "pdf")

#: Metadata written into the files: nothing that changes between runs or
#: between machines (no dates, no software versions).
_METADATA = {
    "png": {"Software": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None, "ModDate": None},
    "svg": {"Creator": None, "Date": None},
}


@dataclass(frozen=True)
class FigureSpec:
    """One registered lecture figure.

    Attributes
    ----------
    name : str
        File stem in ``figures/`` and the argument of :func:`show`.
    lesson : str
        Notebook that shows it, e.g. ``"01_data_and_initialisation.ipynb"``.
    function : str
        The :mod:`gmmlib.plotting` function that draws it.
    builder : callable
        No arguments; computes the data and returns the Figure.
    caption : str
    alt : str
        Alt text: what the figure shows, for readers who cannot see it.
    """

    name: str
    lesson: str
    function: str
    builder: Callable
    caption: str
    alt: str


#: Registered figures by name, in registration (lesson) order.
REGISTRY = {}


def _register(name, *, lesson, function, caption, alt):
    def decorator(builder):
        if name in REGISTRY:
            raise ValueError(f"figure {name!r} is registered twice.")
        REGISTRY[name] = FigureSpec(name, lesson, f"gmmlib.plotting.{function}", builder,
                                    " ".join(caption.split()), " ".join(alt.split()))
        return builder

    return decorator


def names():
    """Names of the registered figures, in lesson order."""
    return list(REGISTRY)


def get(name):
    """The :class:`FigureSpec` called ``name`` (``ValueError`` listing the names if unknown)."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"no lecture figure called {name!r}; registered figures are: "
            f"{', '.join(REGISTRY)}. Register new figures in gmmlib/figures.py."
        ) from None


def build(name):
    """Build the figure ``name`` under the course style; returns the Figure."""
    with plotting.style_context():
        return get(name).builder()


# ---------------------------------------------------------------------------
# Data behind the figures (cached within one run)
# ---------------------------------------------------------------------------

SEED_LESSON_NAMES = dict(labels=datasets.PEOPLE, component_names=datasets.COMPONENTS)

#: reg_covar values of the lesson-5 figures.
SEED_REG_COVARS = (1.0, 0.1, 0.01)

#: The deliberately poor start of the Old Faithful EM progression (standardised
#: data): means on the wrong diagonal, where there are no eruptions.
FAITHFUL_POOR_START = GMMParams(
    weights=[0.5, 0.5],
    means=[[-1.5, 1.0], [1.5, -1.0]],
    covariances=[0.5 * np.eye(2), 0.5 * np.eye(2)],
)

#: Iterations shown in the EM-progression panels (Bishop, PRML fig. 9.8); the
#: last panel shows the converged run (see :data:`FAITHFUL_EM_SETTINGS`).
FAITHFUL_PANELS = (0, 1, 2, 5)

#: Stopping rule of lesson 7's EM run from the poor start (the figures use the
#: same run): stop when the log-likelihood changes by less than ``tol``.
FAITHFUL_EM_SETTINGS = {"max_iter": 100, "tol": 1e-6}

#: Seed of the measurement noise of lesson 5's "noisy six people".
NOISY_SEED = 0

#: The model-choice grid of lesson 7.
COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
N_COMPONENTS_RANGE = tuple(range(1, 10))
RANDOM_STATE = 0


def seed_first_m_step(reg_covar=0.0):
    """The seed's parameters after one EM iteration from its initial guess."""
    X = datasets.seed_people()
    resp = e_step(X, datasets.seed_initial_params())
    return m_step(X, resp, reg_covar=reg_covar)


def standardise(X):
    r"""Standardised data :math:`z_{ij} = (x_{ij} - \bar x_j) / s_j` (``s``: population sd)."""
    X = np.asarray(X, dtype=float)
    return (X - X.mean(axis=0)) / X.std(axis=0)


def seed_noisy_people(seed=NOISY_SEED, scale=1.0):
    """The six people plus N(0, scale^2) measurement noise (lesson 5, "Cure 2").

    The noise is the first draw of ``numpy.random.default_rng(seed)``, as in
    lesson 5, so the data are no longer exactly on a line.
    """
    X = datasets.seed_people()
    return X + np.random.default_rng(seed).normal(scale=scale, size=X.shape)


@functools.lru_cache(maxsize=None)
def seed_noisy_em():
    """EM on :func:`seed_noisy_people` from the seed's start, ``reg_covar = 0``."""
    return em(seed_noisy_people(), datasets.seed_initial_params(), reg_covar=0.0,
              max_iter=100, tol=1e-6)


@functools.lru_cache(maxsize=None)
def faithful_em():
    """EM on standardised Old Faithful from :data:`FAITHFUL_POOR_START`, run to
    convergence with :data:`FAITHFUL_EM_SETTINGS` (lesson 7 runs the same call)."""
    Z = standardise(datasets.old_faithful())
    return em(Z, FAITHFUL_POOR_START, **FAITHFUL_EM_SETTINGS)


@functools.lru_cache(maxsize=None)
def faithful_chosen_fit():
    """The model lesson 7 chooses: ``GaussianMixture(2, 'full', random_state=0)`` on
    Old Faithful in minutes."""
    from .mixture import GaussianMixture

    return GaussianMixture(n_components=2, covariance_type="full",
                           random_state=RANDOM_STATE).fit(datasets.old_faithful())


#: Number of samples drawn from the chosen fit (lesson 7), and how many are plotted.
N_SAMPLES, N_SAMPLES_SHOWN = 2000, 300


def information_criteria_table(X, n_components_range=N_COMPONENTS_RANGE,
                               covariance_types=COVARIANCE_TYPES, random_state=RANDOM_STATE,
                               return_models=False):
    r"""BIC and AIC of :class:`gmmlib.GaussianMixture` fits for a grid of models.

    .. math:: \mathrm{BIC} = -2 \log \hat L + p \log n, \qquad
              \mathrm{AIC} = -2 \log \hat L + 2 p

    Parameters
    ----------
    X : array-like of shape (n, d)
    n_components_range : sequence of int
    covariance_types : sequence of str
    random_state : int
    return_models : bool
        Also return the fitted estimators, keyed by ``(covariance_type, K)``.

    Returns
    -------
    table : dict of lists
        Columns ``covariance_type``, ``n_components``, ``bic``, ``aic``
        (one row per fit; ``pandas.DataFrame(table)`` makes a data frame).
    models : dict, only if ``return_models``
    """
    from .mixture import GaussianMixture

    table = {"covariance_type": [], "n_components": [], "bic": [], "aic": []}
    models = {}
    for kind in covariance_types:
        for K in n_components_range:
            gm = GaussianMixture(n_components=K, covariance_type=kind,
                                 random_state=random_state).fit(X)
            table["covariance_type"].append(kind)
            table["n_components"].append(K)
            table["bic"].append(float(gm.bic(X)))
            table["aic"].append(float(gm.aic(X)))
            models[kind, K] = gm
    return (table, models) if return_models else table


@functools.lru_cache(maxsize=None)
def _faithful_criteria():
    return information_criteria_table(datasets.old_faithful(), return_models=True)


#: A fit of Old Faithful in which a component collapses (found by searching
#: ``random_state`` for K = 10, full covariances; see :func:`faithful_collapsed_fit`).
COLLAPSED_FIT = {"n_components": 10, "covariance_type": "full", "random_state": 5}


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
    from .mixture import GaussianMixture, collapsed_components

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
        "COLLAPSED_FIT in gmmlib/figures.py."
    )


# ---------------------------------------------------------------------------
# The figures, in lesson order
# ---------------------------------------------------------------------------

_L01 = "01_data_and_initialisation.ipynb"
_L02 = "02_multivariate_normal.ipynb"
_L03 = "03_e_step.ipynb"
_L05 = "05_em_loop.ipynb"
_L07 = "07_old_faithful.ipynb"


@_register(
    "seed-data-initial", lesson=_L01, function="plot_data_with_gaussians",
    caption="The seed's six people and the two initial Gaussians (women: mean [162, 57], "
            "men: mean [185, 80], both with covariance 10 I and weight 0.5), drawn as "
            "ellipses at Mahalanobis radius 1 and 2.",
    alt="Scatter plot of weight in kilograms against height in centimetres for six people "
        "A to F, who lie on a straight rising line from (160, 55) to (190, 85). Two sets of "
        "concentric circles mark the initial Gaussians: a blue one centred at (162, 57) next "
        "to A and B, and an orange-red one centred at (185, 80) on E.",
)
def _seed_data_initial():
    return plotting.plot_data_with_gaussians(
        datasets.seed_people(), datasets.seed_initial_params(), **SEED_LESSON_NAMES,
        title="The six people and the initial clusters")


@_register(
    "seed-density-women-A", lesson=_L02, function="plot_density_with_point",
    caption="The density of the initial 'women' component, N(x | [162, 57], 10 I), with "
            "person A = (160, 55): the quadratic form is 0.8 and the density 0.0107. Every "
            "point on the dashed circle through A has the same density.",
    alt="Filled contour plot of a round two-dimensional Gaussian bump centred at height "
        "162 cm and weight 57 kg, bright in the middle and dark at the edges. Person A is "
        "marked just below and to the left of the centre, on a dashed circle of radius 0.89 "
        "standard units; the legend gives the quadratic form 0.8 and the density 0.0107.",
)
def _seed_density_women_a():
    params = datasets.seed_initial_params()
    return plotting.plot_density_with_point(
        params.means[0], params.covariances[0], datasets.seed_people()[0], point_label="A")


@_register(
    "seed-responsibilities", lesson=_L03, function="plot_responsibilities",
    caption="Responsibilities of the first E-step: A, B and C belong to the women's "
            "component (C with 0.9999999), D, E and F to the men's; each row sums to 1.",
    alt="Two panels. Left: the six people in the height-weight plane, A, B and C drawn as "
        "blue circles (most responsible component: women, responsibility near 1), D, E and "
        "F as orange-red squares (men), with the two initial Gaussians as circles of the "
        "same colours around the women's mean near A and the men's mean on E. Right: one horizontal bar per "
        "person split into the women's and men's shares: A, B and C are entirely women, "
        "D, E and F entirely men.",
)
def _seed_responsibilities():
    X, params = datasets.seed_people(), datasets.seed_initial_params()
    return plotting.plot_responsibilities(X, e_step(X, params), params, **SEED_LESSON_NAMES)


@_register(
    "seed-logistic-estep", lesson=_L03, function="plot_logistic_estep",
    caption="With equal covariances the log-odds is linear, a(x) = w^T x + b, so the "
            "responsibility of the women's component is the logistic function sigma(a): a "
            "straight decision line in the plane, and points far from it get "
            "responsibilities of almost exactly 0 or 1.",
    alt="Two panels. Left: the height-weight plane shaded from dark to bright by the "
        "responsibility of the women's component, with a straight solid decision line "
        "running from upper left to lower right between C and D, and two dotted lines "
        "close to it where the responsibility is 0.1 and 0.9; A, B, C lie on the women's "
        "side and D, E, F on the men's. Right: an S-shaped logistic curve against the "
        "log-odds; the six people sit on its flat ends, A, B, C at 1 and D, E, F at 0. "
        "A's label is set below and to the left of A, clear of the women's mean marker.",
)
def _seed_logistic_estep():
    return plotting.plot_logistic_estep(datasets.seed_people(), datasets.seed_initial_params(),
                                        **SEED_LESSON_NAMES)


@_register(
    "seed-degenerate-covariances", lesson=_L05, function="plot_covariance_comparison",
    caption="Left: the initial Gaussians. Right: after the first M-step both covariances "
            "are [[16.67, 16.67], [16.67, 16.67]], singular (determinant 0) because the six "
            "points lie on the line weight = height - 105; their 'ellipses' are line "
            "segments and the second E-step cannot evaluate the densities.",
    alt="Two panels of the six people on their rising line. Left: two pairs of circles, "
        "the initial Gaussians. Right: the new means [165, 60] and [185, 80], each with "
        "its 'ellipses' flattened into line segments lying exactly on the data line; boxes "
        "report determinant 0 for both components.",
)
def _seed_degenerate():
    return plotting.plot_covariance_comparison(
        datasets.seed_people(), [datasets.seed_initial_params(), seed_first_m_step(0.0)],
        ["initial guess", "after the first M-step (singular)"], **SEED_LESSON_NAMES)


@_register(
    "seed-regularised-covariances", lesson=_L05, function="plot_covariance_comparison",
    caption="The first M-step with reg_covar I added to each covariance: reg_covar = 0 "
            "gives singular covariances (segments), 1 and 10 give thin and wider ellipses "
            "with positive determinants, so the densities can be evaluated again.",
    alt="Three panels of the six people on their rising line with the two Gaussians after "
        "the first M-step. Left, reg_covar 0: the ellipses are line segments on the data "
        "line. Middle, reg_covar 1: narrow ellipses along the line. Right, reg_covar 10: "
        "wider ellipses. Boxes give the determinants: 0, then 34.3, then 433.",
)
def _seed_regularised():
    reg_covars = (0.0, 1.0, 10.0)
    return plotting.plot_covariance_comparison(
        datasets.seed_people(), [seed_first_m_step(r) for r in reg_covars],
        [f"reg_covar = {r:g}" for r in reg_covars], **SEED_LESSON_NAMES)


@_register(
    "seed-log-likelihood", lesson=_L05, function="plot_log_likelihood",
    caption="Log-likelihood of the six people per EM iteration from the seed's start, for "
            "three values of reg_covar. EM converges after one iteration (later changes are "
            "below 0.001), and the smaller reg_covar, the higher the log-likelihood: with "
            "reg_covar -> 0 it grows without bound, the GMM singularity.",
    alt="Line plot of log-likelihood against EM iteration, three curves. All start at "
        "-41.7 at iteration 0, jump after one iteration and then stay flat: at -28.7 for "
        "reg_covar 1, at -21.8 for reg_covar 0.1 and at -14.9 for reg_covar 0.01.",
)
def _seed_log_likelihood():
    X, start = datasets.seed_people(), datasets.seed_initial_params()
    curves = {f"reg_covar = {r:g}": em(X, start, reg_covar=r, max_iter=100, tol=1e-6).log_likelihoods
              for r in SEED_REG_COVARS}
    return plotting.plot_log_likelihood(curves, legend_title="seed data",
                                        title="EM on the six people")


@_register(
    "noisy-log-likelihood", lesson=_L05, function="plot_log_likelihood",
    caption="EM on the six people with about 1 cm / 1 kg of measurement noise, from the "
            "seed's start, without regularisation (reg_covar = 0): the covariances stay "
            "positive definite and the log-likelihood never decreases; it converges after "
            "two iterations (change below 1e-6).",
    alt="Line plot of log-likelihood against EM iteration, iterations 0 to 2. It starts at "
        "-40.67 at iteration 0, rises to -22.527 after one iteration and stays at -22.527 "
        "after the second: a monotone curve that levels off at once.",
)
def _noisy_log_likelihood():
    return plotting.plot_log_likelihood(
        seed_noisy_em().log_likelihoods, title="EM on the noisy six people (reg_covar = 0)")


@_register(
    "faithful-data", lesson=_L07, function="plot_data_with_gaussians",
    caption="Old Faithful: 272 eruptions, eruption duration against the waiting time to "
            "the next eruption. Two groups stand out: short eruptions after short waits "
            "and long eruptions after long waits.",
    alt="Scatter plot of waiting time in minutes (about 43 to 96) against eruption "
        "duration in minutes (about 1.6 to 5.1). The points form two clouds: a smaller one "
        "around 2 minutes and 55 minutes, and a larger one around 4.3 minutes and 80 "
        "minutes, both stretched along a rising diagonal.",
)
def _faithful_data():
    return plotting.plot_data_with_gaussians(
        datasets.old_faithful(), None, feature_names=plotting.FAITHFUL_FEATURES,
        equal_aspect=False, title="Old Faithful eruptions (n = 272)")


@_register(
    "faithful-em-progression", lesson=_L07, function="plot_em_progression",
    caption="EM on standardised Old Faithful data from a deliberately poor start (means on "
            "the wrong diagonal, covariance 0.5 I), after 0, 1, 2 and 5 iterations and at "
            "convergence (16 iterations, log-likelihood change below 1e-6), in the spirit of "
            "Bishop's PRML Figure 9.8. Points are coloured by their responsibilities.",
    alt="Five square panels side by side of the standardised data. In the first, two "
        "circles sit on the empty diagonal from upper left to lower right and the points "
        "are coloured blue or orange-red by the nearer circle. Over the following panels "
        "the two Gaussians move onto the two clouds of points and stretch into tilted "
        "ellipses; in the last panel, at convergence after 16 iterations, one covers the "
        "lower-left cloud and one the upper-right cloud, with the points coloured "
        "accordingly.",
)
def _faithful_em_progression():
    result = faithful_em()
    return plotting.plot_em_progression(standardise(datasets.old_faithful()), result.history,
                                        (*FAITHFUL_PANELS, result.n_iter))


@_register(
    "faithful-log-likelihood", lesson=_L07, function="plot_log_likelihood",
    caption="Log-likelihood of the standardised Old Faithful data per EM iteration, from "
            "the poor start of the progression figure: a big jump in the first iteration, "
            "then a steady rise until it converges after 16 iterations; it never decreases.",
    alt="Line plot of log-likelihood against EM iteration, iterations 0 to 16. It starts "
        "at -1542.4 at iteration 0, jumps to -520.0 after one iteration, and then rises "
        "slowly until it levels off at -385.46 from about iteration 10 on.",
)
def _faithful_log_likelihood():
    return plotting.plot_log_likelihood(
        faithful_em().log_likelihoods, title="EM on Old Faithful (standardised), poor start",
        ylabel=r"log-likelihood $\log p(X \mid \theta)$ (standardised X)")


@_register(
    "faithful-lower-bounds", lesson=_L07, function="plot_log_likelihood",
    caption="The estimator's own record of EM: lower_bounds_ of the chosen fit "
            "(GaussianMixture, 2 full components, k-means start, random_state 0), the mean "
            "log-likelihood per eruption computed in the E-step of each iteration. From the "
            "k-means start it rises for 4 iterations until it changes by less than tol = "
            "0.001; lower_bound_ is the last value.",
    alt="Line plot of the mean log-likelihood per sample against EM iteration 1 to 4 for "
        "the two-component fit in minutes. It rises from -4.204 at iteration 1 to -4.160, "
        "-4.1555 and finally -4.1554, flattening out: a monotone curve.",
)
def _faithful_lower_bounds():
    gm = faithful_chosen_fit()
    return plotting.plot_log_likelihood(
        gm.lower_bounds_, start=1, title="GaussianMixture(2, 'full') on Old Faithful: lower_bounds_",
        ylabel="mean log-likelihood per sample")


@_register(
    "faithful-information-criteria", lesson=_L07, function="plot_information_criteria",
    caption="BIC and AIC of Gaussian mixtures fitted to Old Faithful (minutes) for K = 1 to "
            "9 and the four covariance types; lower is better, and the star marks each "
            "criterion's choice.",
    alt="Two line plots side by side, BIC on the left and AIC on the right, against the "
        "number of components from 1 to 9, with one line per covariance type (full, tied, "
        "diag, spherical), each with its own colour, marker and dash pattern. All lines "
        "drop steeply from K = 1 to K = 2 except the spherical one, which stays far above "
        "the others and keeps falling up to K = 9. A star marks the lowest value of each "
        "criterion: BIC at K = 2 with full covariances, AIC at K = 5 with diagonal ones.",
)
def _faithful_information_criteria():
    table, _ = _faithful_criteria()
    return plotting.plot_information_criteria(table)


@_register(
    "faithful-kmeans-vs-gmm", lesson=_L07, function="plot_kmeans_vs_gmm",
    caption="Two clusters of Old Faithful (minutes): k-means (left, nearest centroid in "
            "Euclidean distance, so the waiting time dominates) and a full-covariance "
            "Gaussian mixture (right, tilted ellipses). Ringed points get different labels.",
    alt="Two scatter plots of waiting time against eruption duration. Left: points "
        "coloured by k-means cluster, blue circles for the long-eruption cloud (upper "
        "right) and orange-red squares for the short one (lower left), with the two "
        "centroids as large markers. The k-means split is nearly horizontal: a few long "
        "eruptions with waits of 64 to 66 minutes are orange-red squares. Right: the same "
        "points coloured by the Gaussian mixture, with two tilted ellipses per component; "
        "five points are ringed where the two methods disagree: four between the clouds "
        "that the mixture gives to the long-eruption cluster and one short eruption after "
        "a 71-minute wait that it gives to the short one.",
)
def _faithful_kmeans_vs_gmm():
    from ._kmeans import kmeans
    from .mixture import GaussianMixture

    X = datasets.old_faithful()
    labels, _ = kmeans(X, 2, np.random.RandomState(RANDOM_STATE))
    return plotting.plot_kmeans_vs_gmm(X, labels, faithful_chosen_fit())


@_register(
    "faithful-density-uncertainty", lesson=_L07, function="plot_density_uncertainty",
    caption="The fitted two-component density of Old Faithful (contours) with each "
            "eruption coloured by its uncertainty 1 - max_c r_ic: almost every point is "
            "assigned with near certainty; the uncertain ones lie between the two clouds.",
    alt="Scatter plot of waiting time against eruption duration with grey contour lines of "
        "the fitted density, two nested sets of tilted ovals around the two clouds. Points "
        "are coloured on a dark-blue to yellow scale by uncertainty, from 0 to 0.2: all "
        "are dark blue (below 0.02) except one bright yellow point between the clouds, at "
        "2.9 minutes and 63 minutes, whose uncertainty is 0.2.",
)
def _faithful_density_uncertainty():
    gm, X = faithful_chosen_fit(), datasets.old_faithful()
    uncertainty = 1 - gm.predict_proba(X).max(axis=1)
    return plotting.plot_density_uncertainty(X, plotting.params_from_estimator(gm), uncertainty,
                                             xlim=(1.3, 5.5), ylim=(40, 100))


@_register(
    "faithful-samples", lesson=_L07, function="plot_samples",
    caption="A generative check: 300 of 2000 samples drawn from the fitted two-component "
            "mixture (gm.sample, seeded by random_state 0) on top of the 272 eruptions. The "
            "synthetic eruptions fall in the same two tilted clouds.",
    alt="Scatter plot of waiting time against eruption duration: the 272 real eruptions "
        "as grey circles and 300 samples as orange-red crosses. The crosses cover the same "
        "two clouds, short eruptions after short waits and long eruptions after long waits, "
        "and almost none fall in the gap between them; a few lie slightly beyond the range "
        "of the data, the lowest at a waiting time of about 33 minutes.",
)
def _faithful_samples():
    samples, _ = faithful_chosen_fit().sample(N_SAMPLES)
    shown = np.random.default_rng(RANDOM_STATE).choice(N_SAMPLES, size=N_SAMPLES_SHOWN,
                                                       replace=False)  # samples come grouped
    return plotting.plot_samples(datasets.old_faithful(), samples[np.sort(shown)])


@_register(
    "faithful-collapsed-component", lesson=_L07, function="plot_data_with_gaussians",
    caption="A spurious maximum: in this 10-component full-covariance fit of Old Faithful "
            "one component (thick line) sits on a single waiting time, because the waiting times are "
            "whole minutes; its variance in that direction is at the reg_covar floor, so "
            "its density and the likelihood spike. It is not a real cluster.",
    alt="Scatter plot of waiting time against eruption duration with the ellipses of a "
        "10-component Gaussian mixture, nine of them in light grey. The collapsed one, "
        "drawn thick in orange-red, is flattened into a horizontal line segment at a "
        "single waiting time in the upper cloud, through the points that share exactly "
        "that waiting time.",
)
def _faithful_collapsed_component():
    gm, collapsed = faithful_collapsed_fit()
    X = datasets.old_faithful()
    params = plotting.params_from_estimator(gm)
    c = collapsed[0]
    names = [f"component {k + 1}" + (" (collapsed)" if k in collapsed else "")
             for k in range(params.n_components)]
    return plotting.plot_data_with_gaussians(
        X, params, component_names=names, radii=(2,), highlight=tuple(collapsed),
        feature_names=plotting.FAITHFUL_FEATURES, equal_aspect=False,
        title=f"K = {gm.n_components}, full covariances: component {c + 1} has variance "
              f"{params.covariances[c][1, 1]:.1g} min² in waiting time")


# ---------------------------------------------------------------------------
# Showing (notebooks) and saving (figures/)
# ---------------------------------------------------------------------------


def caption_markdown(name):
    """The Markdown shown under a figure in a lesson: name, caption, alt text."""
    spec = get(name)
    return f"**Figure `{spec.name}`.** {spec.caption}\n\n*Alt text:* {spec.alt}"


def show(name, dpi=None):
    """Show a registered figure in a notebook, with its caption and alt text.

    The figure is displayed as a PNG whose output metadata carries the alt
    text (the reading edition puts it on the ``<img>``), then the caption and
    the alt text are displayed as Markdown (JupyterLab does not read the
    metadata, so the description stays visible). Nothing in the output depends
    on memory addresses or timings, so nbval can compare it.

    Parameters
    ----------
    name : str
    dpi : float, optional
        Resolution of the inline image (default: the figure's, 100). A smaller
        value keeps notebooks with many figures small; the files in
        ``figures/`` are always :data:`PNG_DPI`.
    """
    from IPython.display import Markdown, display

    spec = get(name)
    with plotting.style_context():
        fig = spec.builder()
        png = render(fig, "png", dpi=dpi or fig.dpi, bbox_inches="tight")  # as inline
    plt.close(fig)
    bundle = {  # the text is what a viewer without images shows
        "image/png": base64.b64encode(png).decode("ascii"),
        "text/plain": f"[Figure {name}: {spec.alt}]",
    }
    display(bundle, metadata={"image/png": {"alt": spec.alt}}, raw=True)
    display(Markdown(caption_markdown(name)))


def render(fig, fmt, dpi=PNG_DPI, bbox_inches=None):
    """The bytes of ``fig`` in format ``fmt`` ('png', 'pdf' or 'svg'), byte-stable.

    ``dpi`` and ``bbox_inches`` are passed to ``savefig``: the files in
    ``figures/`` use the defaults, :func:`show` the inline backend's
    resolution and tight bounding box.
    """
    if fmt not in _METADATA:
        raise ValueError(f"fmt must be one of {sorted(_METADATA)}; received {fmt!r}.")
    buffer = io.BytesIO()
    with plotting.style_context():
        fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches=bbox_inches, metadata=_METADATA[fmt])
    return buffer.getvalue()


def save(name, folder):
    """Write ``folder/<name>.png`` and ``.pdf``; returns their paths.

    Both files are rendered in memory first and each is then written
    atomically, so an error or an interrupted run leaves the previous files.
    """
    folder = Path(folder)
    fig = build(name)
    try:
        # The layout was computed once while building; freeze it, so that the
        # PNG and the PDF (and every later run) share the same positions.
        fig.set_layout_engine("none")
        data = {fmt: render(fig, fmt) for fmt in FORMATS}
    finally:
        plt.close(fig)
    paths = []
    for fmt in FORMATS:
        path = folder / f"{name}.{fmt}"
        atomic_write_bytes(path, data[fmt])
        paths.append(path)
    return paths


def index_markdown():
    """The text of ``figures/README.md``, generated from the registry."""
    lines = [
        "# Lecture figures",
        "",
        "<!-- Generated by `python -m gmmlib figures` (`make figures`) from the registry in",
        "     gmmlib/figures.py. Do not edit by hand: change the registry and regenerate. -->",
        "",
        f"Each figure is a PNG ({PNG_DPI} dpi, for slides) and a PDF (for LaTeX notes), made "
        "by a function of `gmmlib.plotting` from data computed with `gmmlib`. A lesson shows "
        "the same figure with `gmmlib.figures.show(name)`. Regenerate all of them with "
        "`make figures`, or one with `make figures ONLY=name`; a test fails when the files "
        "here differ from a fresh run.",
        "",
        "| figure | files | function | lesson |",
        "|---|---|---|---|",
    ]
    for spec in REGISTRY.values():
        lines.append(
            f"| [`{spec.name}`](#{spec.name}) | [png]({spec.name}.png), [pdf]({spec.name}.pdf) "
            f"| `{spec.function}` | [{spec.lesson}](../notebooks/{spec.lesson}) |"
        )
    for spec in REGISTRY.values():
        lines += [
            "",
            f"## {spec.name}",
            "",
            f"![{spec.alt}]({spec.name}.png)",
            "",
            f"- **Files:** [`{spec.name}.png`]({spec.name}.png), [`{spec.name}.pdf`]({spec.name}.pdf)",
            f"- **Function:** `{spec.function}` (builder `gmmlib.figures.{spec.builder.__name__}`)",
            f"- **Lesson:** [`notebooks/{spec.lesson}`](../notebooks/{spec.lesson})",
            f"- **Caption:** {spec.caption}",
            f"- **Alt text:** {spec.alt}",
        ]
    return "\n".join(lines) + "\n"


def write_index(folder):
    """Write ``folder/README.md`` (atomically); returns its path."""
    path = Path(folder) / "README.md"
    atomic_write_bytes(path, index_markdown().encode("utf-8"))
    return path


def _display_path(path):
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main(argv=None):
    """``python -m gmmlib figures [--only NAME] [--outdir DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m gmmlib figures",
        description="Regenerate the lecture figures (PNG and PDF) and figures/README.md.",
    )
    parser.add_argument("--only", metavar="NAME", action="append",
                        help="regenerate only this figure (repeatable); one of: "
                             + ", ".join(REGISTRY))
    parser.add_argument("--outdir", metavar="DIR", type=Path, default=None,
                        help="output folder (default: figures/ of the course checkout)")
    args = parser.parse_args(argv)
    if args.outdir is None:
        from .tools._paths import course_root

        args.outdir = course_root() / "figures"
    selected = args.only or names()
    unknown = [name for name in selected if name not in REGISTRY]
    if unknown:
        parser.error(f"unknown figure(s) {', '.join(unknown)}; choose from {', '.join(REGISTRY)}")
    for name in selected:
        paths = save(name, args.outdir)
        print(f"{name}: " + ", ".join(_display_path(p) for p in paths), flush=True)
    print(f"index: {_display_path(write_index(args.outdir))}")
    return 0
