"""Lecture figures of lesson 8: many starts, local optima.

Registered in :data:`gmmlib.figures.REGISTRY`; the runs come from
:mod:`gmmlib.examples.starts` (computed once per session) and are drawn by
:mod:`gmmlib.plotting`.
"""

from .. import plotting
from ..examples import starts as examples
from . import register

_L08 = "08_initialisation.ipynb"


@register(
    "starts-log-likelihoods", lesson=_L08, function="plot_start_outcomes",
    caption="Where EM ends: the final mean log-likelihood per sample of 50 seeded starts "
            "for each of scikit-learn's four init_params, on standardised Old Faithful with "
            "K = 2 and K = 3 and on the synthetic six-cluster set with K = 6 (full "
            "covariances, tol = 1e-5). Runs that end at the same value are stacked side by "
            "side; the dashed line is the best value found in the panel and the percentages "
            "are the shares of starts within 1e-3 of it.",
    alt="Three panels of dot columns, one column per start method (kmeans, k-means++, "
        "random, random_from_data), with the final mean log-likelihood per sample on the "
        "vertical axis. Old Faithful, K = 2: almost every run of every method sits on the "
        "dashed best line at -1.417; 'random' has a row of 7 runs at the one-Gaussian value "
        "near -2.004 and 'random_from_data' one run near -1.987 (shares 100%, 100%, 86%, 98%). "
        "Old Faithful, K = 3: most runs of every method end on a wide row near -1.377, below "
        "the best at -1.359, which only 6% to 16% reach. Synthetic, K = 6: kmeans (64%) and "
        "k-means++ (50%) often reach the best value -4.335, random (2%) and random_from_data "
        "(8%) rarely, with the other runs spread over several rows below it.",
)
def _starts_log_likelihoods():
    faithful = examples.faithful_starts()
    synthetic = examples.synthetic_starts()
    panels = [(f"Old Faithful, K = {K}", {m: faithful[K, m].log_likelihoods for m in examples.INIT_METHODS})
              for K in examples.FAITHFUL_KS]
    panels.append((f"synthetic, K = {examples.SYNTHETIC_K}",
                   {m: synthetic[m].log_likelihoods for m in examples.INIT_METHODS}))
    return plotting.plot_start_outcomes(panels, tol=examples.OPTIMUM_TOL)


@register(
    "starts-synthetic-optima", lesson=_L08, function="plot_fits_side_by_side",
    caption="The synthetic six-cluster set (six round clusters on a 3 x 2 grid, 120 to 20 "
            "points) with two EM fits from k-means starts: the best optimum found (left), "
            "one ellipse per cluster, and the most frequent worse optimum (right), where "
            "the smallest cluster (upper right) shares one component with the cluster below "
            "it and the largest cluster (lower left) is split between two components. "
            "Ellipses at 1 and 2 standard deviations.",
    alt="Two square scatter plots of the same 360 points in six round clusters arranged "
        "in two rows of three. Left, the best fit: six pairs of ellipses, one centred on "
        "each cluster. Right, a local optimum: one pair of ellipses stretched vertically over "
        "the two right-hand clusters, and two smaller pairs sharing the largest cluster at "
        "the lower left.",
)
def _starts_synthetic_optima():
    optima = examples.synthetic_optima()
    X, _ = examples.synthetic_blobs()
    titles = [f"best found: mean log-lik {optima['best_value']:.3f}",
              f"local optimum: {optima['local_value']:.3f}"]
    return plotting.plot_fits_side_by_side(X, [optima["best"], optima["local"]], titles)


@register(
    "starts-n-init-tradeoff", lesson=_L08, function="plot_n_init_tradeoff",
    caption="What n_init buys and costs on the synthetic six-cluster set: for n_init = 1, 2, 3, "
            "5, 10 and 20, the probability that the best of n starts reaches the best optimum "
            "found, 1 - (1 - p)^n with p the share measured over 50 starts (lines), and the "
            "same probability counted over all groups of n of the 50 recorded starts (open "
            "markers), against the expected cost, n times the mean EM iterations per start "
            "(logarithmic axis).",
    alt="Four rising curves against cost on a logarithmic axis from about 40 to 3000 EM "
        "iterations. kmeans (p = 0.64) and k-means++ (p = 0.50) start at 0.64 and 0.50 for one "
        "start of about 38 iterations and pass 0.99 within a few hundred iterations. "
        "random_from_data (p = 0.08) starts at 0.08 for 66 iterations and reaches about 0.81 "
        "at 20 starts (about 1300 iterations). random (p = 0.02) starts at 0.02 for 157 "
        "iterations and reaches only about 0.33 at 20 starts (over 3000 iterations). The open "
        "markers lie on or just above each curve.",
)
def _starts_n_init_tradeoff():
    return plotting.plot_n_init_tradeoff(examples.n_init_tradeoff(),
                                         title=f"synthetic set, K = {examples.SYNTHETIC_K}")
