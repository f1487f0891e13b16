"""Lecture figures of lesson 9: covariance structures, scaling and model choice.

Registered in :data:`gmmlib.figures.REGISTRY`; the data come from
:mod:`gmmlib.examples.model_choice` and are drawn by :mod:`gmmlib.plotting`.
"""

from .. import plotting
from ..examples import model_choice as examples
from ..selection import MCLUST_NAMES
from . import register

_L09 = "09_model_choice.ipynb"

_STANDARDISED_FEATURES = ("eruption duration (standardised)", "waiting time (standardised)")


@register(
    "faithful-covariance-types", lesson=_L09, function="plot_covariance_comparison",
    caption="The four covariance types of scikit-learn, each a two-component mixture fitted "
            "to the standardised Old Faithful data, with the mclust name of the same model and "
            "its number of free parameters p: full (VVV, p = 11), tied (EEE, p = 8), diag "
            "(VVI, p = 9), spherical (VII, p = 7). The ellipses are 1 and 2 standard "
            "deviations; the boxes give the determinant of each covariance.",
    alt="Four square scatter plots side by side of the same standardised data, two clouds "
        "along a rising diagonal, each with the ellipses of two Gaussians. Full: two tilted "
        "ellipses of different sizes, one on each cloud. Tied: two tilted ellipses of the same "
        "size and tilt. Diag: two axis-parallel ellipses, which cannot follow the tilt. "
        "Spherical: two circles of different sizes.",
)
def _faithful_covariance_types():
    fits = examples.covariance_type_fits()
    X = examples.faithful_scaled("standardised")
    return plotting.plot_covariance_comparison(
        X, [plotting.params_from_estimator(gm) for gm in fits.values()],
        [f"{kind} ({MCLUST_NAMES[kind]}), p = {gm._n_parameters()}" for kind, gm in fits.items()],
        feature_names=_STANDARDISED_FEATURES)


@register(
    "faithful-bic-units", lesson=_L09, function="plot_criteria_panels",
    caption="BIC of the four covariance types on Old Faithful in minutes (left) and "
            "standardised (right). In minutes the spherical model needs one variance for a "
            "duration (within-group variance about 0.1 min²) and a waiting time (about 35 "
            "min²): its BIC keeps falling until K = 46, by then with three components collapsed "
            "onto single eruptions (the first at K = 19). Standardised, spherical components are "
            "reasonable and their BIC is lowest at K = 4. Full, tied and diagonal covariances "
            "adapt to the units; their BIC only shifts by a constant. Both panels prefer "
            "three tied components.",
    alt="Two line plots of BIC against the number of components, one line per covariance "
        "type. Left, data in minutes, K from 1 to 50: the full, tied and diag lines drop "
        "from about 2600-3060 at K = 1 to about 2315-2345 at K = 2 or 3 and rise slowly to K "
        "= 9; the spherical line starts at 4025, falls slowly and unevenly, stays far above "
        "the others and reaches its lowest value, 2688, at K = 46. A star marks the lowest "
        "BIC, tied K = 3. Right, standardised data, K from 1 to 9: all four lines drop "
        "sharply from K = 1 to K = 2 and stay between about 825 and 920; the star marks tied "
        "K = 3 at 824.7.",
)
def _faithful_bic_units():
    minutes, standardised = examples.bic_by_scale()
    return plotting.plot_criteria_panels(
        [minutes, standardised], ["bic", "bic"],
        ["data in minutes", "standardised data"],
        ylabels=["BIC (lower is better)"] * 2)


@register(
    "faithful-model-choice", lesson=_L09, function="plot_criteria_panels",
    caption="Four ways to choose the model on standardised Old Faithful: BIC, AIC and ICL "
            "(lower is better) and the held-out log-likelihood of 5-fold cross-validation "
            "(higher is better), for K = 1 to 9 and the four covariance types. BIC prefers "
            "three tied components, ICL two full ones, AIC and cross-validation larger models.",
    alt="Four line plots in a two-by-two grid, each against the number of components 1 to 9 "
        "with one line per covariance type and a star at the best model. BIC (top left): "
        "lowest at tied K = 3. AIC (top right): the lines flatten after K = 2 and the lowest "
        "is diag K = 6. ICL (bottom left): every line is lowest at K = 2 and rises steeply "
        "after it; the star is at full K = 2. Cross-validation (bottom right): the lines rise "
        "sharply to K = 2 and then stay nearly flat; the highest is tied K = 4.",
)
def _faithful_model_choice():
    grid = examples.criteria_grid("standardised")
    cv = examples.cv_grid()
    return plotting.plot_criteria_panels(
        [grid, grid, grid, cv], ["bic", "aic", "icl", "cv"],
        ["BIC", "AIC", "ICL (MAP assignments)", f"{examples.N_SPLITS}-fold cross-validation"],
        ylabels=["BIC (lower is better)", "AIC (lower is better)", "ICL (lower is better)",
                 "held-out log-likelihood (higher is better)"],
        best=["min", "min", "min", "max"])
