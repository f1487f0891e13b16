"""Lecture figures of Old Faithful (lesson 7).

Registered in :data:`gmmlib.figures.REGISTRY`; each builder takes its data from
:mod:`gmmlib.datasets` and :mod:`gmmlib.examples.faithful` and draws it with
:mod:`gmmlib.plotting`.
"""

import numpy as np

from .. import datasets, plotting
from ..examples import faithful as examples
from . import register

#: Iterations shown in the EM-progression panels (Bishop, PRML fig. 9.8); the
#: last panel shows the converged run (see ``FAITHFUL_EM_SETTINGS``). With it,
#: six panels in two rows of three, readable on a slide.
FAITHFUL_PANELS = (0, 1, 2, 5, 10)

#: How many of the chosen fit's samples the samples figure plots.
N_SAMPLES_SHOWN = 300

_L07 = "07_old_faithful.ipynb"


def _headroom(fig, fraction=0.12):
    """Raise the top of the (only) axes by ``fraction`` of its span, so the end-value label
    that :func:`gmmlib.plotting.plot_log_likelihood` writes above a rising curve stays clear
    of the frame and the title."""
    ax = fig.axes[0]
    bottom, top = ax.get_ylim()
    ax.set_ylim(bottom, top + fraction * (top - bottom))
    return fig


@register(
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


@register(
    "faithful-em-progression", lesson=_L07, function="plot_em_progression",
    caption="EM on standardised Old Faithful data from a deliberately poor start (means on "
            "the wrong diagonal, covariance 0.5 I), after 0, 1, 2, 5 and 10 iterations and at "
            "convergence (16 iterations, log-likelihood change below 1e-6), in the spirit of "
            "Bishop's PRML Figure 9.8. Points are coloured by their responsibilities; each "
            "Gaussian is drawn at 1 (solid) and 2 (dashed) standard deviations.",
    alt="Six square panels of the standardised data in two rows of three, with a legend "
        "below: solid ellipses at 1 standard deviation, dashed at 2. In the first panel, two "
        "circles sit on the empty diagonal from upper left to lower right and the points "
        "are coloured blue or orange-red by the nearer circle. Over the following panels "
        "the two Gaussians move onto the two clouds of points, first as long tilted "
        "ellipses that each stretch over both clouds, then shrinking onto one cloud each; "
        "after 10 iterations and in the last panel, at convergence after 16 iterations, one "
        "covers the lower-left cloud and one the upper-right cloud, with the points "
        "coloured accordingly.",
)
def _faithful_em_progression():
    result = examples.faithful_em()
    return plotting.plot_em_progression(datasets.standardise(datasets.old_faithful()), result.history,
                                        (*FAITHFUL_PANELS, result.n_iter), ncols=3)


@register(
    "faithful-log-likelihood", lesson=_L07, function="plot_log_likelihood",
    caption="Log-likelihood of the standardised Old Faithful data per EM iteration, from "
            "the poor start of the progression figure: a big jump in the first iteration, "
            "then a steady rise until it converges after 16 iterations; it never decreases.",
    alt="Line plot of log-likelihood against EM iteration, iterations 0 to 16. It starts "
        "at -1542.4 at iteration 0, jumps to -520.0 after one iteration, and then rises "
        "slowly until it levels off at -385.46 from about iteration 10 on.",
)
def _faithful_log_likelihood():
    return _headroom(plotting.plot_log_likelihood(
        examples.faithful_em().log_likelihoods, title="EM on Old Faithful (standardised), poor start",
        ylabel=r"log-likelihood $\log p(X \mid \theta)$ (standardised X)"))


@register(
    "faithful-lower-bounds", lesson=_L07, function="plot_log_likelihood",
    caption="The estimator's own record of EM: lower_bounds_ of the two-component fit "
            "(GaussianMixture, 2 full components, k-means start, random_state 0), the mean "
            "log-likelihood per eruption computed in the E-step of each iteration. From the "
            "k-means start it rises for 4 iterations until it changes by less than tol = "
            "0.001; lower_bound_ is the last value.",
    alt="Line plot of the mean log-likelihood per sample against EM iteration 1 to 4 for "
        "the two-component fit in minutes. It rises from -4.204 at iteration 1 to -4.160, "
        "-4.1555 and finally -4.1554, flattening out: a monotone curve.",
)
def _faithful_lower_bounds():
    gm = examples.faithful_chosen_fit()
    return _headroom(plotting.plot_log_likelihood(
        gm.lower_bounds_, start=1, title="GaussianMixture(2, 'full') on Old Faithful: lower_bounds_",
        ylabel="mean log-likelihood per sample"))


@register(
    "faithful-information-criteria", lesson=_L07, function="plot_information_criteria",
    caption="BIC and AIC of Gaussian mixtures fitted to Old Faithful (minutes) for K = 1 to "
            "9 and the four covariance types, every fit run to convergence (tol 1e-6, "
            "max_iter 3000, random_state 0, as in lesson 9); lower is better, and the star "
            "marks each criterion's choice: BIC 2314.3 for three tied components, 7.9 below "
            "two full ones (2322.2); AIC 2259.6 for five diagonal ones.",
    alt="Two line plots side by side, BIC on the left and AIC on the right, against the "
        "number of components from 1 to 9, with one line per covariance type (full, tied, "
        "diag, spherical), each with its own colour, marker and dash pattern. All lines "
        "drop steeply from K = 1 to K = 2 except the spherical one, which stays far above "
        "the others and keeps falling up to K = 9. A star marks the lowest value of each "
        "criterion: BIC at K = 3 with tied covariances, just below full covariances at "
        "K = 2, and AIC at K = 5 with diagonal ones.",
)
def _faithful_information_criteria():
    table, _ = examples.faithful_criteria()
    return plotting.plot_information_criteria(table)


@register(
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
    return plotting.plot_kmeans_vs_gmm(datasets.old_faithful(), examples.faithful_kmeans_labels(),
                                       examples.faithful_chosen_fit())


@register(
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
    params = plotting.params_from_estimator(examples.faithful_chosen_fit())
    return plotting.plot_density_uncertainty(datasets.old_faithful(), params,
                                             examples.faithful_uncertainty(),
                                             xlim=(1.3, 5.5), ylim=(40, 100))


@register(
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
    samples = examples.faithful_samples()
    shown = np.random.default_rng(examples.RANDOM_STATE).choice(  # samples come grouped
        len(samples), size=N_SAMPLES_SHOWN, replace=False)
    return plotting.plot_samples(datasets.old_faithful(), samples[np.sort(shown)])


@register(
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
    gm, collapsed = examples.faithful_collapsed_fit()
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
