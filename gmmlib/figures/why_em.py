"""Lecture figures of lesson 6, why EM works: the lower bound and the k-means limit.

Registered in :data:`gmmlib.figures.REGISTRY`; the data come from
:mod:`gmmlib.examples.seed` (its lesson-6 section) and are drawn by
:mod:`gmmlib.plotting`.
"""

import numpy as np

from .. import datasets, plotting
from ..examples import seed as examples
from . import register

_L06 = "06_why_em_works.ipynb"

#: Positions on the line through theta^(t) (0) and theta^(t+1) (1) drawn in
#: ``em-lower-bound``; beyond 1.3 a covariance stops being positive definite.
LOWER_BOUND_ALPHAS = np.round(np.linspace(-0.8, 1.3, 85), 6)

#: The shared standard deviations of ``responsibilities-hardening`` (cm / kg).
HARDENING_SIGMAS = np.geomspace(40.0, 1.0, 41)


@register(
    "em-lower-bound", lesson=_L06, function="plot_lower_bound",
    caption="One EM step on the noisy six people (lesson 6's poor start, iteration 5 to 6), "
            "drawn on the line through the old parameters theta^(t) and the M-step's new ones "
            "theta^(t+1). The E-step's bound L(q^(t), theta) touches log p(X | theta) at "
            "theta^(t) (same value and slope); the M-step moves to the bound's maximum at "
            "theta^(t+1), where log p lies higher by the KL gap; the next E-step's bound "
            "touches there. log p keeps rising beyond theta^(t+1): EM does not jump to the "
            "maximum of log p, it climbs.",
    alt="Three curves against a horizontal axis from somewhat before theta(t) to somewhat "
        "after theta(t+1). A solid black curve, the log-likelihood, rises from about -27.5 "
        "to -24.3 at theta(t+1) and peaks at about -23.9 just after it. A dashed blue "
        "curve, the bound after the E-step at theta(t), lies below it and touches it at "
        "theta(t) at -26.6; it peaks exactly at theta(t+1) at -25.3 and then falls. An "
        "arrow at theta(t+1) spans the gap of 0.94 between the dashed peak and the solid "
        "curve. A dash-dotted orange-red curve, the next bound, lies below the solid curve "
        "and touches it at theta(t+1).",
)
def _em_lower_bound():
    curves = examples.lower_bound_along_step(LOWER_BOUND_ALPHAS)
    t = examples.LOWER_BOUND_STEP
    return plotting.plot_lower_bound(curves["alphas"], curves["log_p"], curves["bound_old"],
                                     curves["bound_new"], old_label=rf"$\theta^{{({t})}}$",
                                     new_label=rf"$\theta^{{({t + 1})}}$")


@register(
    "responsibilities-hardening", lesson=_L06, function="plot_responsibility_hardening",
    caption="Responsibilities of the first component for the noisy six people, with equal "
            "weights, the fixed means [170, 65] and [180, 75] and one shared round covariance "
            "sigma^2 I. For large sigma every person is shared between the components; as "
            "sigma shrinks (to the right) each responsibility goes to 0 or 1, the k-means "
            "assignment to the nearest mean. C, nearest to the boundary, hardens last.",
    alt="Six lines against sigma on a logarithmic axis that runs from 30 on the left to 0.5 "
        "on the right. At sigma 30 all six responsibilities lie between about 0.4 and 0.6. "
        "Moving right, the lines of A, B and C (blue circles, nearest mean: component 1) "
        "rise to 1, and those of D, E and F (orange-red squares) fall to 0; C's line reaches "
        "1 last.",
)
def _responsibilities_hardening():
    sigmas = HARDENING_SIGMAS
    resp = examples.hardening(sigmas)
    X, means = examples.seed_noisy_people(), np.asarray(examples.KMEANS_LIMIT_MEANS)
    nearest = np.argmin(((X[:, None, :] - means) ** 2).sum(axis=2), axis=1)
    return plotting.plot_responsibility_hardening(
        sigmas, resp, nearest, labels=datasets.PEOPLE,
        component_names=["component 1", "component 2"])
