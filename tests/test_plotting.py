"""Tests of gmmlib.plotting: the arrays behind the figures, against independent
references (matrix inverses, SciPy densities, the seed's hand values)."""

from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from scipy.stats import multivariate_normal

import gmmlib
from gmmlib import datasets, plotting


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _random_spd(rng, d=2):
    A = rng.normal(size=(d, d))
    return A @ A.T + 0.1 * np.eye(d)


# --- ellipses --------------------------------------------------------------


@pytest.mark.parametrize("radius", [0.5, 1.0, 2.0, 3.3])
def test_ellipse_points_satisfy_the_mahalanobis_equation(radius):
    rng = np.random.default_rng(7)
    for _ in range(5):
        mean, cov = rng.normal(size=2) * 10, _random_spd(rng)
        points = plotting.ellipse_points(mean, cov, radius=radius)
        diff = points - mean
        mahalanobis_sq = np.einsum("ij,jk,ik->i", diff, np.linalg.inv(cov), diff)
        np.testing.assert_allclose(mahalanobis_sq, radius**2, rtol=1e-9)


def test_ellipse_of_the_seed_initial_gaussian_is_a_circle_of_radius_r_sqrt10():
    # Sigma = 10 I: every point is at Euclidean distance r * sqrt(10) from the mean
    points = plotting.ellipse_points([162, 57], 10 * np.eye(2), radius=2)
    np.testing.assert_allclose(np.linalg.norm(points - [162, 57], axis=1), 2 * np.sqrt(10))


def test_ellipse_spans_the_whole_curve():
    # extremes of the ellipse along a direction u are mu . u +- r sqrt(u^T Sigma u)
    rng = np.random.default_rng(3)
    mean, cov, r = np.array([1.0, -2.0]), _random_spd(rng), 1.5
    points = plotting.ellipse_points(mean, cov, radius=r, n_points=4001)
    for u in (np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([0.6, 0.8])):
        projections = points @ u
        half = r * np.sqrt(u @ cov @ u)
        np.testing.assert_allclose(projections.max(), mean @ u + half, rtol=1e-5)
        np.testing.assert_allclose(projections.min(), mean @ u - half, rtol=1e-5)


def test_singular_covariance_gives_a_segment_on_the_data_line():
    X = datasets.seed_people()
    resp = gmmlib.e_step(X, datasets.seed_initial_params())
    params = gmmlib.m_step(X, resp)  # the seed's singular covariances
    np.testing.assert_allclose(params.covariances[0], np.full((2, 2), 50 / 3))
    for c, r in ((0, 1.0), (1, 2.0)):
        points = plotting.ellipse_points(params.means[c], params.covariances[c], radius=r)
        # every point lies on weight = height - 105, like the data
        np.testing.assert_allclose(points[:, 1] - points[:, 0], -105.0, atol=1e-9)
        # half-length along each axis: r * sqrt(Sigma_11) = r * sqrt(50/3)
        offsets = points[:, 0] - params.means[c][0]
        np.testing.assert_allclose([offsets.max(), -offsets.min()], r * np.sqrt(50 / 3), rtol=1e-6)


def test_covariance_ellipse_draws_the_points_and_passes_style_keywords():
    fig, ax = plt.subplots()
    line = plotting.covariance_ellipse(ax, [0, 0], [[4.0, 1.0], [1.0, 2.0]], radius=2,
                                       color="#123456", linestyle="--")
    np.testing.assert_allclose(line.get_xydata(),
                               plotting.ellipse_points([0, 0], [[4.0, 1.0], [1.0, 2.0]], 2))
    assert line.get_color() == "#123456" and line.get_linestyle() == "--"


@pytest.mark.parametrize(
    "mean, cov, radius, match",
    [
        ([0, 0], [[1.0, 0.0], [0.0, -1.0]], 1, "positive semi-definite"),
        ([0, 0], [[1.0, 0.5], [0.0, 1.0]], 1, "symmetric"),
        ([0, 0, 0], np.eye(3), 1, "shapes"),
        ([0, 0], np.eye(2), 0, "radius"),
    ],
)
def test_ellipse_rejects_bad_input_with_a_clear_message(mean, cov, radius, match):
    with pytest.raises(ValueError, match=match):
        plotting.ellipse_points(mean, cov, radius=radius)


# --- densities and the logistic E-step ---------------------------------------


def test_mixture_density_matches_scipy():
    rng = np.random.default_rng(0)
    params = gmmlib.GMMParams([0.3, 0.7], rng.normal(size=(2, 2)),
                              [_random_spd(rng), _random_spd(rng)])
    points = rng.normal(size=(50, 2))
    expected = sum(w * multivariate_normal(m, c).pdf(points)
                   for w, m, c in zip(params.weights, params.means, params.covariances))
    np.testing.assert_allclose(plotting._mixture_density(params, points), expected, rtol=1e-10)


def test_density_contours_levels_cover_the_density():
    fig, ax = plt.subplots()
    params = datasets.seed_initial_params()
    # grid step 0.25 (201 points over 50 units) puts both means on the grid
    contours = plotting.density_contours(ax, params, xlim=(150, 200), ylim=(45, 95), n_grid=201)
    peak = 0.5 / (2 * np.pi * 10)  # pi_c N(mu_c | mu_c, 10 I); the other component adds ~1e-16
    np.testing.assert_allclose([contours.zmin, contours.zmax], [0.0, peak], rtol=1e-9, atol=1e-30)


def test_logistic_weights_are_the_seed_log_odds():
    w, b = plotting.logistic_weights(datasets.seed_initial_params())
    # w = Sigma^-1 (mu_w - mu_m) = 0.1 [-23, -23];  b = (|mu_m|^2 - |mu_w|^2) / 20
    np.testing.assert_allclose(w, [-2.3, -2.3])
    np.testing.assert_allclose(b, (185**2 + 80**2 - 162**2 - 57**2) / 20)
    X = datasets.seed_people()
    resp = gmmlib.e_step(X, datasets.seed_initial_params())
    a = X @ w + b
    np.testing.assert_allclose(a[0], 62.1)  # person A, by hand
    np.testing.assert_allclose(1 / (1 + np.exp(-a)), resp[:, 0], rtol=1e-12)
    np.testing.assert_allclose(resp[0, 1], np.exp(-62.1) / (1 + np.exp(-62.1)), rtol=1e-9)


def test_logistic_weights_need_equal_covariances():
    params = gmmlib.GMMParams([0.5, 0.5], [[0, 0], [1, 1]], [np.eye(2), 2 * np.eye(2)])
    with pytest.raises(ValueError, match="equal"):
        plotting.logistic_weights(params)


def test_params_from_estimator_matches_scikit_learn_precisions():
    from sklearn.mixture import GaussianMixture

    X = datasets.old_faithful()
    for kind in ("full", "tied", "diag", "spherical"):
        gm = GaussianMixture(2, covariance_type=kind, random_state=0).fit(X)
        params = plotting.params_from_estimator(gm)
        precisions = np.broadcast_to(gm.precisions_, (2, 2, 2)) if kind == "tied" else gm.precisions_
        for c in range(2):
            expected = {"full": lambda p: p, "tied": lambda p: p, "diag": np.diag,
                        "spherical": lambda p: p * np.eye(2)}[kind](precisions[c])
            np.testing.assert_allclose(np.linalg.inv(params.covariances[c]), expected, rtol=1e-8)


# --- style ------------------------------------------------------------------


def test_palette_is_okabe_ito_and_markers_are_distinct():
    okabe_ito = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2",
                 "#D55E00", "#CC79A7"}  # Okabe & Ito (2008), "Color Universal Design"
    assert set(plotting.PALETTE) == okabe_ito and len(plotting.PALETTE) == 8
    assert len(set(plotting.MARKERS)) == len(plotting.MARKERS) == len(plotting.PALETTE)
    assert list(plotting.STYLE["axes.prop_cycle"].by_key()["color"]) == list(plotting.PALETTE)
    assert plotting.SEQUENTIAL_CMAP in ("cividis", "viridis")


def test_style_is_local_and_uses_the_bundled_font():
    before = dict(mpl.rcParams)
    fig = plotting.plot_log_likelihood([-3.0, -2.0, -1.5])
    assert dict(mpl.rcParams) == before  # nothing leaked into the global settings
    with plotting.style_context():
        path = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert Path(path).name == "DejaVuSans.ttf"
    assert Path(mpl.get_data_path()) in Path(path).parents  # matplotlib's own copy
    label = fig.axes[0].xaxis.label
    assert label.get_fontsize() == plotting.STYLE["axes.labelsize"]
    tick = fig.axes[0].xaxis.get_major_ticks()[0]
    assert tick.label1.get_fontsize() == plotting.STYLE["xtick.labelsize"]


def test_style_ignores_global_settings():
    with mpl.rc_context({"lines.linewidth": 9.0, "font.size": 30}):
        fig = plotting.plot_log_likelihood([-3.0, -2.0])
    assert fig.axes[0].lines[0].get_linewidth() == plotting.STYLE["lines.linewidth"]


# --- the figure functions -------------------------------------------------------


def _axis_labels(fig):
    return [(ax.get_xlabel(), ax.get_ylabel()) for ax in fig.axes if ax.get_xlabel()]


def test_seed_figures_have_units_and_a_marker_per_component():
    X, params = datasets.seed_people(), datasets.seed_initial_params()
    fig = plotting.plot_data_with_gaussians(X, params, labels=datasets.PEOPLE,
                                            component_names=datasets.COMPONENTS)
    assert isinstance(fig, Figure)
    assert _axis_labels(fig) == [("height (cm)", "weight (kg)")]
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "women: mean, ellipses" in legend and "men: mean, ellipses" in legend
    mean_markers = [line.get_marker() for line in ax.lines if len(line.get_xdata()) == 1]
    assert mean_markers == list(plotting.MARKERS[:2])
    # 2 components x 2 radii ellipses, each on the Mahalanobis equation
    ellipses = [line for line in ax.lines if len(line.get_xdata()) > 1]
    assert len(ellipses) == 4
    assert sorted(t.get_text() for t in ax.texts) == list("ABCDEF")


def test_responsibility_bars_are_the_e_step():
    X, params = datasets.seed_people(), datasets.seed_initial_params()
    resp = gmmlib.e_step(X, params)
    fig = plotting.plot_responsibilities(X, resp, params, labels=datasets.PEOPLE,
                                         component_names=datasets.COMPONENTS)
    bars = fig.axes[1]
    widths = np.array([patch.get_width() for patch in bars.patches]).reshape(2, 6)
    np.testing.assert_allclose(widths.T, resp, atol=1e-12)  # stacked: 1 + 1e-27 is 1
    assert "0.9999999" in [t.get_text() for t in bars.texts]  # person C, at the seed's rounding


def test_logistic_figure_places_points_on_the_sigmoid():
    X, params = datasets.seed_people(), datasets.seed_initial_params()
    fig = plotting.plot_logistic_estep(X, params, labels=datasets.PEOPLE)
    curve = fig.axes[-1]
    for line in curve.lines[1:]:
        a, r = line.get_xdata(), line.get_ydata()
        np.testing.assert_allclose(r, 1 / (1 + np.exp(-a)), atol=1e-12)


def test_logistic_figure_shades_each_side_in_its_components_colour():
    """Issue 16.21: the region where the women's component is responsible has the women's
    marker colour (blue), the men's region the men's (orange-red), not a sequential map."""
    from matplotlib.colors import to_rgb

    X, params = datasets.seed_people(), datasets.seed_initial_params()
    fig = plotting.plot_logistic_estep(X, params, labels=datasets.PEOPLE)
    shade = fig.axes[0].collections[0]  # the contourf of r_1
    cmap = shade.get_cmap()
    women, men = (to_rgb(plotting.component_style(c)[0]) for c in (0, 1))
    np.testing.assert_allclose(cmap(1.0)[:3], women, atol=1e-2)
    np.testing.assert_allclose(cmap(0.0)[:3], men, atol=1e-2)
    np.testing.assert_allclose(cmap(0.5)[:3], (1, 1, 1), atol=1e-2)
    resp = gmmlib.e_step(X, params)
    for (x, y), r in zip(X, resp[:, 0]):  # each person's region: the colour of its component
        colour = np.array(cmap(shade.norm(r))[:3])
        target = women if r > 0.5 else men
        assert np.linalg.norm(colour - target) < np.linalg.norm(colour - (men if r > 0.5 else women))


def test_mstep_objectives_figure_marks_the_updates_and_checks_its_input():
    grid = np.linspace(-2, 2, 41)
    fig = plotting.plot_mstep_objectives([(grid, -grid**2, 0.0, "x", "parabola"),
                                          (grid, -(grid - 1) ** 2, 1.0, "x", "shifted")])
    assert [ax.get_title() for ax in fig.axes] == ["parabola", "shifted"]
    for ax, update in zip(fig.axes, (0.0, 1.0)):
        dots = [ln for ln in ax.lines if ln.get_marker() == "o"]
        assert len(dots) == 1 and dots[0].get_xdata()[0] == update and dots[0].get_ydata()[0] == 0.0
        assert any(t.get_text() == f"update {update:.4g}" for t in ax.texts)
    with pytest.raises(ValueError, match="must lie in the grid"):
        plotting.plot_mstep_objectives([(grid, -grid**2, 5.0, "x", "outside")])
    with pytest.raises(ValueError, match="same shape"):
        plotting.plot_mstep_objectives([(grid, grid[:-1], 0.0, "x", "short")])
    with pytest.raises(ValueError, match="at least one"):
        plotting.plot_mstep_objectives([])


def test_information_criteria_star_marks_the_minimum():
    table = {
        "covariance_type": ["full"] * 3 + ["diag"] * 3,
        "n_components": [1, 2, 3] * 2,
        "bic": [10.0, 7.0, 8.0, 9.0, 6.5, 7.5],
        "aic": [9.0, 5.0, 4.0, 8.0, 6.0, 4.5],
    }
    fig = plotting.plot_information_criteria(table)
    stars = [next(line for line in ax.lines if line.get_marker() == "*") for ax in fig.axes[:2]]
    assert (stars[0].get_xdata()[0], stars[0].get_ydata()[0]) == (2, 6.5)
    assert (stars[1].get_xdata()[0], stars[1].get_ydata()[0]) == (3, 4.0)
    assert fig.axes[0].get_ylabel().startswith("BIC")
    with pytest.raises(ValueError, match="bic"):
        plotting.plot_information_criteria({"covariance_type": [], "n_components": []})


def test_em_progression_needs_the_iterations_it_shows():
    X = datasets.seed_people()
    history = [datasets.seed_initial_params()]
    with pytest.raises(ValueError, match="iteration 2"):
        plotting.plot_em_progression(X, history, [0, 2])


def test_em_progression_panels_show_the_history():
    X = datasets.seed_people()
    result = gmmlib.em(X, datasets.seed_initial_params(), max_iter=3, reg_covar=1.0, tol=0.0)
    fig = plotting.plot_em_progression(X, result.history, [0, 2], feature_names=plotting.SEED_FEATURES)
    assert [ax.get_title() for ax in fig.axes] == ["initial guess", "after 2 iterations"]
    first_ellipse = fig.axes[1].lines[0].get_xydata()
    diff = first_ellipse - result.history[2].means[0]
    mahalanobis_sq = np.einsum("ij,jk,ik->i", diff, np.linalg.inv(result.history[2].covariances[0]), diff)
    np.testing.assert_allclose(mahalanobis_sq, 1.0, rtol=1e-9)


def test_log_likelihood_curves():
    fig = plotting.plot_log_likelihood({"a": [-5.0, -3.0, -2.5], "b": [-4.0, -1.0]}, start=0)
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [-4.0, -1.0])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]


def _label_boxes(fig, ax):
    """Point labels (bold annotations) and their display-space boxes."""
    renderer = fig.canvas.get_renderer()
    return {t.get_text(): t.get_window_extent(renderer) for t in ax.texts
            if t.get_text() in datasets.PEOPLE}


@pytest.mark.parametrize("draw", [
    lambda X, p: plotting.plot_data_with_gaussians(X, p, labels=datasets.PEOPLE),
    lambda X, p: plotting.plot_responsibilities(X, gmmlib.e_step(X, p), p, labels=datasets.PEOPLE),
    lambda X, p: plotting.plot_logistic_estep(X, p, labels=datasets.PEOPLE),
])
def test_point_labels_do_not_cover_a_nearby_mean_marker(draw):
    X, params = datasets.seed_people(), datasets.seed_initial_params()
    fig = draw(X, params)
    ax = fig.axes[0]
    boxes = _label_boxes(fig, ax)
    assert sorted(boxes) == list(datasets.PEOPLE)
    women_mean = ax.transData.transform(params.means[0])
    assert not boxes["A"].contains(*women_mean), "label A sits on the women's mean marker"
    # A (2 cm and 2 kg below-left of the mean) is labelled below-left of its point
    a = ax.transData.transform(X[0])
    assert boxes["A"].x1 < a[0] and boxes["A"].y1 < a[1]
    # B, far enough from the mean, keeps the default up-right label
    b = ax.transData.transform(X[1])
    assert boxes["B"].x0 > b[0] and boxes["B"].y0 > b[1]


def test_density_uncertainty_figure_colours_points_by_uncertainty():
    gm = gmmlib.GaussianMixture(n_components=2, random_state=0).fit(datasets.old_faithful())
    X = datasets.old_faithful()
    uncertainty = 1 - gm.predict_proba(X).max(axis=1)
    fig = plotting.plot_density_uncertainty(X, plotting.params_from_estimator(gm), uncertainty)
    ax = fig.axes[0]
    (points,) = ax.collections[-1:]
    np.testing.assert_allclose(np.sort(points.get_array()), np.sort(uncertainty))
    assert ax.get_xlabel() == "eruption duration (min)" and ax.get_ylabel() == "waiting time (min)"
    with pytest.raises(ValueError, match="uncertainty must have shape"):
        plotting.plot_density_uncertainty(X, plotting.params_from_estimator(gm), uncertainty[:5])


def test_samples_figure_draws_data_and_samples():
    X = datasets.old_faithful()
    samples = np.random.default_rng(0).normal(size=(30, 2)) + X.mean(axis=0)
    fig = plotting.plot_samples(X, samples)
    offsets = [c.get_offsets() for c in fig.axes[0].collections]
    np.testing.assert_array_equal(offsets[0], X)
    np.testing.assert_array_equal(offsets[1], samples)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["data (272)", "samples from the fitted mixture (30)"]


def test_plot_lower_bound_draws_three_curves_and_checks_its_input():
    alphas = np.linspace(-1, 2, 31)
    fig = plotting.plot_lower_bound(alphas, -alphas**2, -alphas**2 - 1, -alphas**2 - 2)
    assert isinstance(fig, Figure) and len(fig.axes[0].get_lines()) >= 3
    plt.close(fig)
    with pytest.raises(ValueError, match="alphas must contain 0"):
        plotting.plot_lower_bound(alphas + 0.05, alphas, alphas, alphas)
    with pytest.raises(ValueError, match="must have the shape of alphas"):
        plotting.plot_lower_bound(alphas, alphas[:3], alphas, alphas)


def test_plot_responsibility_hardening_checks_shapes():
    sigmas = np.array([10.0, 1.0])
    resp = np.array([[[0.6, 0.4], [0.4, 0.6]], [[1.0, 0.0], [0.0, 1.0]]])
    fig = plotting.plot_responsibility_hardening(sigmas, resp, [0, 1], labels=["A", "B"])
    assert [t.get_text() for t in fig.axes[0].texts] == ["A", "B"]
    plt.close(fig)
    with pytest.raises(ValueError, match="resp must have shape"):
        plotting.plot_responsibility_hardening(sigmas, resp[:, :1], [0, 1])


@pytest.mark.parametrize("draw", [plotting.plot_covariance_comparison, plotting.plot_fits_side_by_side])
def test_side_by_side_panels_need_one_title_per_parameter_set(draw):
    X = datasets.seed_people()
    params = datasets.seed_initial_params()
    with pytest.raises(ValueError, match="same length; received 2 and 1"):
        draw(X, [params, params], ["only one title"])
    assert plt.get_fignums() == []
