"""Lecture figures of the seed's six people (lessons 1-5).

Registered in :data:`gmmlib.figures.REGISTRY`; each builder takes its data from
:mod:`gmmlib.datasets` and :mod:`gmmlib.examples.seed` and draws it with
:mod:`gmmlib.plotting`.
"""

from .. import datasets, plotting
from ..examples import seed as examples
from . import register

#: How the figures name the people and the components.
SEED_LESSON_NAMES = dict(labels=datasets.PEOPLE, component_names=datasets.COMPONENTS)

_L01 = "01_data_and_initialisation.ipynb"
_L02 = "02_multivariate_normal.ipynb"
_L03 = "03_e_step.ipynb"
_L04 = "04_m_step.ipynb"
_L05 = "05_em_loop.ipynb"


@register(
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


@register(
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


@register(
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
    return plotting.plot_responsibilities(datasets.seed_people(), examples.seed_first_e_step(),
                                          datasets.seed_initial_params(), **SEED_LESSON_NAMES)


@register(
    "seed-logistic-estep", lesson=_L03, function="plot_logistic_estep",
    caption="With equal covariances the log-odds is linear, a(x) = w^T x + b, so the "
            "responsibility of the women's component is the logistic function sigma(a): a "
            "straight decision line in the plane, and points far from it get "
            "responsibilities of almost exactly 0 or 1.",
    alt="Two panels. Left: the height-weight plane shaded by the responsibility of the "
        "women's component, blue (the women's colour) on the women's side, orange (the men's "
        "colour) on the men's side and white along a straight solid decision line "
        "running from upper left to lower right between C and D, and two dotted lines "
        "close to it where the responsibility is 0.1 and 0.9; A, B, C lie on the women's "
        "side and D, E, F on the men's. Right: an S-shaped logistic curve against the "
        "log-odds; the six people sit on its flat ends, A, B, C at 1 and D, E, F at 0. "
        "A's label is set below and to the left of A, clear of the women's mean marker.",
)
def _seed_logistic_estep():
    return plotting.plot_logistic_estep(datasets.seed_people(), datasets.seed_initial_params(),
                                        **SEED_LESSON_NAMES)


@register(
    "seed-mstep-objectives", lesson=_L04, function="plot_mstep_objectives",
    caption="The M-step maximises Q with the responsibilities of the first E-step held fixed. "
            "Each panel is one part of Q against one parameter, the others at their updates: "
            "the weights' part m_1 log pi + m_2 log(1 - pi), and the women's part "
            "sum_i r_i log N(x_ih | mu, sigma^2) of the heights against the mean and against "
            "the variance. Each maximum is at the M-step's update: pi = m_1 / n = 0.5, "
            "mu = 165 cm, sigma^2 = 16.67 cm^2.",
    alt="Three panels of a curve with its peak marked by a dashed vertical line and a dot. "
        "Left: a concave curve against the women's weight from 0 to 1, peaking at 0.5 and "
        "falling steeply towards both ends. Middle: a downward parabola against the women's "
        "mean height from 150 to 180 cm, peaking at 165. Right: a curve against the variance "
        "of the height from 2 to 100 cm^2 that rises steeply, peaks at 16.67 and then falls "
        "slowly.",
)
def _seed_mstep_objectives():
    objectives = examples.seed_mstep_objectives()
    labels = {"weight": (r"weight of the women $\pi$ (men: $1 - \pi$)", "weights"),
              "mean": (r"women's mean height $\mu$ (cm)", "mean (height)"),
              "variance": (r"women's variance of the height $\sigma^2$ (cm$^2$)", "variance (height)")}
    return plotting.plot_mstep_objectives(
        [(*objectives[name], *labels[name]) for name in ("weight", "mean", "variance")])


@register(
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
        datasets.seed_people(), [datasets.seed_initial_params(), examples.seed_first_m_step(0.0)],
        ["initial guess", "after the first M-step (singular)"], **SEED_LESSON_NAMES)


@register(
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
        datasets.seed_people(), [examples.seed_first_m_step(r) for r in reg_covars],
        [f"reg_covar = {r:g}" for r in reg_covars], **SEED_LESSON_NAMES)


@register(
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
    curves = {f"reg_covar = {r:g}": examples.seed_em(r).log_likelihoods
              for r in examples.SEED_REG_COVARS}
    return plotting.plot_log_likelihood(curves, legend_title="seed data",
                                        title="EM on the six people")


@register(
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
        examples.seed_noisy_em().log_likelihoods, title="EM on the noisy six people (reg_covar = 0)")
