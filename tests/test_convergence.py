"""The convergence measurements of lesson 10 (gmmlib.examples.beyond) against references.

References: a geometric sequence (ratios known exactly); the Jacobian of the EM
map by finite differences (the measured rate of the log-likelihood must be the
square of its largest eigenvalue); scikit-learn's ``GaussianMixture`` and its
per-sample stopping rule; ``sklearn.metrics.cluster.contingency_matrix``.
"""

import numpy as np
import pytest
from sklearn.metrics.cluster import contingency_matrix
from sklearn.mixture import GaussianMixture

import gmmlib
from gmmlib.examples import beyond


def test_improvement_ratios_of_a_geometric_sequence_are_its_rate():
    t = np.arange(12)
    lls = -100.0 - 7.0 * 0.6**t  # l* - l_t = 7 r^t
    np.testing.assert_allclose(beyond.improvement_ratios(lls), 0.6, rtol=1e-9)
    with pytest.raises(ValueError, match="at least 3 values"):
        beyond.improvement_ratios([1.0, 2.0])


def test_sweep_data_differ_only_by_the_separation():
    a, b = beyond.two_gaussians_1d(2.0), beyond.two_gaussians_1d(5.0)
    shift = (b - a)[:, 0] / 3.0  # (z - 1/2) * 3
    np.testing.assert_allclose(np.abs(shift), 0.5, rtol=1e-12)
    assert a.shape == (beyond.SWEEP_N, 1)


def test_iterations_grow_and_the_rate_tends_to_one_as_the_components_overlap():
    sweep = beyond.separation_sweep()
    assert sweep["converged"].all()
    assert np.all(np.diff(sweep["iterations"]) < 0)
    assert np.all(np.diff(sweep["rates"]) < 0)
    assert sweep["rates"][0] > 0.98 and sweep["rates"][-1] < 0.05


@pytest.mark.parametrize("separation", [3.0, 4.0])
def test_measured_rate_is_the_square_of_the_em_maps_largest_eigenvalue(separation):
    """l* - l_t is quadratic in the parameter error, which shrinks by lambda per step."""
    sweep = beyond.separation_sweep()
    measured = sweep["rates"][list(sweep["separations"]).index(separation)]
    np.testing.assert_allclose(measured, beyond.parameter_rate(separation) ** 2, rtol=2e-3)


@pytest.mark.parametrize("separation", [2.0, 3.0, 4.0])
def test_em_maps_jacobian_is_the_fraction_of_missing_information(separation):
    """Dempster-Laird-Rubin / Meng-Rubin: J = 1 - I_c^{-1} I_o at the maximum.

    I_o here is a finite-difference Hessian of a scipy.stats likelihood and I_c a
    closed form, so neither side uses the EM map the Jacobian differentiates.
    """
    X = beyond.two_gaussians_1d(separation)
    J = beyond.em_map_jacobian(X, beyond.converged_run(separation).params)
    fraction = beyond.missing_information_fraction(separation)
    np.testing.assert_allclose(fraction, J, atol=2e-5)
    top = np.max(np.abs(np.linalg.eigvals(fraction)))
    np.testing.assert_allclose(top, beyond.parameter_rate(separation), rtol=1e-6)


def test_em_map_jacobian_of_a_linear_direction():
    # At a fixed point, M(theta* + e) - theta* = J e + O(e^2): check J against one longer step.
    X = beyond.two_gaussians_1d(4.0)
    fixed = gmmlib.em(X, beyond.separation_run(4.0).params, tol=1e-12, max_iter=2000).params
    J = beyond.em_map_jacobian(X, fixed)
    v = beyond._as_vector(fixed)
    e = 1e-4 * np.array([0.0, 1.0, -1.0, 0.5, 0.5])
    moved = gmmlib.m_step(X, gmmlib.e_step(X, beyond._from_vector(v + e)))
    np.testing.assert_allclose(beyond._as_vector(moved) - v, J @ e, atol=1e-7)


@pytest.mark.parametrize("tol", [1e-3, 1e-4])
def test_scikit_learns_rule_is_lesson_5s_rule_with_tol_times_n_one_iteration_late(tol):
    X = beyond.two_gaussians_1d(3.0)
    start = beyond.two_gaussians_start(X)
    gm = GaussianMixture(2, tol=tol, reg_covar=0.0, weights_init=start.weights, means_init=start.means,
                         precisions_init=1 / start.covariances, max_iter=1000).fit(X)
    ours = gmmlib.em(X, start, tol=tol * len(X), max_iter=1000)
    T = len(ours.log_likelihoods) - 1
    assert gm.n_iter_ == T + 1  # sklearn's bound lags: it is log p of the parameters before its last M-step
    np.testing.assert_allclose(gm.lower_bound_ * len(X), ours.log_likelihoods[-1], rtol=1e-10)


def test_contingency_and_majority_agreement():
    labels = np.array([3, 3, 3, 5, 5, 7, 7, 7])
    clusters = np.array([0, 0, 1, 1, 1, 2, 2, 0])
    table, values = beyond.contingency(labels, clusters, 3)
    np.testing.assert_array_equal(table, contingency_matrix(labels, clusters))
    np.testing.assert_array_equal(values, [3, 5, 7])
    assert beyond.majority_agreement(table) == 6 / 8  # cluster 0 -> 3 (2), 1 -> 5 (2), 2 -> 7 (2)


def test_digits_fit_is_the_best_of_its_starts_and_beats_one_component():
    runs = beyond.digits_starts()
    best = beyond.digits_em()
    assert best.log_likelihoods[-1] == max(r.log_likelihoods[-1] for r in runs)
    assert all(r.converged for r in runs)
    X, _ = beyond.binary_digits()
    p = X.mean(axis=0)  # K = 1: independent pixels, the maximum-likelihood product of Bernoullis
    with np.errstate(divide="ignore", invalid="ignore"):
        one = np.nansum(X * np.log(p) + (1 - X) * np.log(1 - p))
    assert best.log_likelihoods[-1] > one + 1000
    summary = beyond.digits_clusters()
    assert summary["table"].sum() == len(X) and summary["agreement"] > 0.8


def test_lesson_10_plotting_functions_draw_and_refuse_bad_shapes():
    import matplotlib.pyplot as plt

    from gmmlib import plotting

    fig = plotting.plot_bernoulli_prototypes(np.eye(64)[:3], np.full((2, 64), 0.5))
    assert len([ax for ax in fig.axes if ax.images]) == 5  # 3 examples + 2 means
    plt.close(fig)
    with pytest.raises(ValueError, match="same D"):
        plotting.plot_bernoulli_prototypes(np.ones((2, 63)), np.ones((2, 64)))
    fig = plotting.plot_improvements({"a": [-10.0, -5.0, -4.0, -3.9, -3.9]})
    x, y = fig.axes[0].lines[0].get_data()
    np.testing.assert_array_equal(x, [1, 2, 3])  # the zero improvement is not drawn on a log scale
    np.testing.assert_allclose(y, [5.0, 1.0, 0.1])
    plt.close(fig)
    with pytest.raises(ValueError, match="one shape"):
        plotting.plot_separation_sweep([1.0, 2.0], [3, 4], [0.5])
