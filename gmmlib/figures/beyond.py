"""Lecture figures of lesson 10: EM beyond Gaussians, and how fast it converges.

Registered in :data:`gmmlib.figures.REGISTRY`; the data come from
:mod:`gmmlib.examples.beyond` and are drawn by :mod:`gmmlib.plotting`.
"""

import numpy as np

from .. import plotting
from ..examples import beyond as examples
from . import register

_L10 = "10_beyond_gaussians.ipynb"

#: The separations whose improvement curves ``em-improvements`` draws.
IMPROVEMENT_SEPARATIONS = (2.0, 3.0, 4.0, 6.0)


@register(
    "digits-bernoulli-prototypes", lesson=_L10, function="plot_bernoulli_prototypes",
    caption="Top: one binarised 8 x 8 image of each digit 0-4 (a pixel is on when its grey "
            "level exceeds 7 of 16). Bottom: the five mean images mu_k of a mixture of five "
            "Bernoulli distributions fitted by EM to all 901 such images without their labels "
            "(best of five seeded starts), ordered by the digit most frequent in each "
            "component; pixel d is as dark as mu_kd = p(pixel on | component k).",
    alt="Two rows of five small square images. The top row shows blocky black-and-white "
        "digits 0, 1, 2, 3 and 4. The bottom row shows grey, blurred versions: a ring for 0, "
        "a vertical stroke for 1, a 2 with a flat base, a 3 with two bays, and a 4 with its "
        "open top. Each is titled with its weight pi_k and its majority digit.",
)
def _digits_prototypes():
    X, labels = examples.binary_digits()
    summary = examples.digits_clusters()
    params = examples.digits_em().params
    first = [int(np.flatnonzero(labels == digit)[0]) for digit in examples.DIGITS]
    order = summary["order"]
    return plotting.plot_bernoulli_prototypes(
        X[first], params.means[order],
        example_titles=[f"a {digit}" for digit in examples.DIGITS],
        mean_titles=[f"pi = {params.weights[k]:.2f}\nmostly {summary['majority'][k]}" for k in order])


@register(
    "em-improvements", lesson=_L10, function="plot_improvements",
    caption="EM on 500 draws of a 1-D mixture of two unit-variance Gaussians whose means are "
            "2, 3, 4 or 6 standard deviations apart (the same seeded labels and noise for "
            "each). The rise of the log-likelihood per iteration on a log scale: after a few "
            "iterations each curve is a straight line, the signature of linear convergence; "
            "the more the components overlap, the flatter the line (rate r closer to 1).",
    alt="Four curves of the improvement per iteration, on a logarithmic vertical axis from "
        "about 1e-7 to 100, against the iteration up to about 370. Each falls along a "
        "straight line. The curve for separation 6 drops to 1e-6 within about 10 "
        "iterations, separation 4 within about 30 and separation 3 within about 100; the "
        "curve for separation 2 drops to about 1e-4 within about 30 iterations and then falls "
        "slowly, reaching 1e-6 after about 370.",
)
def _em_improvements():
    runs = {f"separation {s:g}": examples.separation_run(s).log_likelihoods
            for s in IMPROVEMENT_SEPARATIONS}
    return plotting.plot_improvements(runs)


@register(
    "em-separation-sweep", lesson=_L10, function="plot_separation_sweep",
    caption="The same 1-D data for separations from 2 to 6 standard deviations, EM from a "
            "start at the quartiles with lesson 5's stopping rule (the total log-likelihood "
            "rises by less than 1e-6). Left: iterations needed (log scale). Right: the measured "
            "rate r, the median of the last five ratios of successive improvements. As the "
            "components overlap, r approaches 1 and the iterations grow quickly.",
    alt="Two panels against the separation from 2 to 6. Left, on a logarithmic axis, the "
        "number of iterations falls from several hundred at separation 2 to about 10 at "
        "separation 6. Right, the rate falls from about 0.99 at separation 2 through about "
        "0.87 at 3 and 0.54 at 4 to nearly 0 at 6.",
)
def _em_separation_sweep():
    sweep = examples.separation_sweep()
    return plotting.plot_separation_sweep(sweep["separations"], sweep["iterations"], sweep["rates"])
