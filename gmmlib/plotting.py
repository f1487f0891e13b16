r"""Plotting helpers for the lessons and the lecture figures.

Every function returns a :class:`matplotlib.figure.Figure` drawn with the
course's fixed style (:data:`STYLE`, applied locally with
:func:`matplotlib.rc_context`, never globally): matplotlib's bundled DejaVu
fonts, the colour-blind-safe Okabe-Ito palette (:data:`PALETTE`), a distinct
marker per component as well as a colour (:data:`MARKERS`), labelled axes with
units, and sizes meant for 16:9 slides.

Building blocks:

- :func:`ellipse_points` / :func:`covariance_ellipse`: the set of points at
  Mahalanobis radius ``r`` from a mean,
  :math:`(x-\mu)^\top \Sigma^{-1} (x-\mu) = r^2`, drawn from the
  eigen-decomposition of :math:`\Sigma` (a singular covariance gives a line
  segment);
- :func:`density_contours`: contours of a mixture density;
- :func:`logistic_weights`: the linear log-odds of a two-component mixture
  with a shared covariance (lesson 3).

The figures of the course are registered in :mod:`gmmlib.figures`.
"""

import contextlib
import functools

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib import patheffects
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from .core import GMMParams, e_step, logsumexp, weighted_log_prob

__all__ = [
    "OKABE_ITO",
    "PALETTE",
    "MARKERS",
    "LINESTYLES",
    "SEQUENTIAL_CMAP",
    "SEED_FEATURES",
    "FAITHFUL_FEATURES",
    "STYLE",
    "style_context",
    "component_style",
    "responsibility_cmap",
    "ellipse_points",
    "covariance_ellipse",
    "density_contours",
    "logistic_weights",
    "params_from_estimator",
    "plot_data_with_gaussians",
    "plot_density_with_point",
    "plot_responsibilities",
    "plot_logistic_estep",
    "plot_covariance_comparison",
    "plot_log_likelihood",
    "plot_em_progression",
    "plot_information_criteria",
    "plot_kmeans_vs_gmm",
    "plot_density_uncertainty",
    "plot_samples",
    "plot_lower_bound",
    "plot_responsibility_hardening",
    "plot_start_outcomes",
    "plot_fits_side_by_side",
    "plot_n_init_tradeoff",
    "plot_mstep_objectives",
    "plot_criteria_panels",
]

#: The Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008):
#: distinguishable with every common form of colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

#: Component colours, in order (yellow, the weakest on white, comes late).
PALETTE = tuple(
    OKABE_ITO[name]
    for name in (
        "blue", "vermillion", "bluish green", "reddish purple",
        "orange", "sky blue", "black", "yellow",
    )
)

#: Component markers, in the order of :data:`PALETTE` (shape tells the
#: components apart in grey-scale print too).
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

#: Line styles for series that are not components (e.g. covariance types).
LINESTYLES = ("-", "--", "-.", ":")

#: Sequential colour map for densities and probabilities: perceptually
#: uniform and readable with colour-vision deficiency.
SEQUENTIAL_CMAP = "cividis"

#: Neutral colour for data that are not assigned to a component.
DATA_COLOR = "#595959"

#: Axis labels (with units) of the seed's six people and of Old Faithful.
SEED_FEATURES = ("height (cm)", "weight (kg)")
FAITHFUL_FEATURES = ("eruption duration (min)", "waiting time (min)")

#: The course's plotting style, applied locally by every function.
STYLE = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # matplotlib's bundled font
    "mathtext.fontset": "dejavusans",
    "text.usetex": False,
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 10,
    "legend.framealpha": 0.9,
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.grid": True,
    "grid.color": "#d9d9d9",
    "grid.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.unicode_minus": True,
    "axes.formatter.use_locale": False,
    "lines.linewidth": 2.0,
    "lines.markersize": 7,
    "image.cmap": SEQUENTIAL_CMAP,
    "figure.facecolor": "white",
    "figure.constrained_layout.use": True,
    "savefig.facecolor": "white",
    "savefig.dpi": 200,
    "pdf.fonttype": 42,  # TrueType subsets (Type 3 breaks on mathtext glyphs in mpl 3.11)
    "ps.fonttype": 42,
    "svg.fonttype": "path",
    "svg.hashsalt": "gmmlib-course-figures",
}

#: Slide-friendly figure sizes (inches), 16:9-ish.
SIZE_ONE = (8.0, 4.8)
SIZE_TWO = (12.0, 4.8)


@contextlib.contextmanager
def style_context():
    """Apply matplotlib's defaults plus :data:`STYLE`, for the ``with`` block only.

    Starting from the defaults (not from the user's ``matplotlibrc`` or
    settings made elsewhere) makes the figures the same on every machine;
    ``matplotlib.rc_context`` restores the caller's settings afterwards.
    """
    with mpl.rc_context():
        mpl.rcdefaults()  # keeps the backend (matplotlib never resets it here)
        mpl.rcParams.update(STYLE)
        yield


def _styled(func):
    """Run a plotting function under :data:`STYLE`, then lay the figure out
    once inside the style, so that ticks and grid lines created lazily take
    the course style even when the figure is shown or saved outside it."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with style_context():
            fig = func(*args, **kwargs)
            if kwargs.get("ax") is None:  # drawing into a caller's axes: the caller lays out
                fig.draw_without_rendering()
        return fig

    return wrapper


def component_style(c):
    """Colour and marker of component ``c`` (cycling through the palette)."""
    return PALETTE[c % len(PALETTE)], MARKERS[c % len(MARKERS)]


def responsibility_cmap(first=0, second=1):
    """Colour map of a responsibility r of component ``first`` against ``second``.

    From the colour of ``second`` (r = 0) through white (r = 1/2) to the colour
    of ``first`` (r = 1): a region is shaded in the colour of the markers of the
    component that is responsible for it.
    """
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list(
        f"responsibility-{first}-{second}",
        [component_style(second)[0], "#FFFFFF", component_style(first)[0]])


# ---------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------


def _check_2d_gaussian(mean, cov):
    mean = np.asarray(mean, dtype=float)
    cov = np.asarray(cov, dtype=float)
    if mean.shape != (2,) or cov.shape != (2, 2):
        raise ValueError(
            f"mean and cov must have shapes (2,) and (2, 2) for a plane "
            f"ellipse; received {mean.shape} and {cov.shape}. Plot two "
            f"features at a time (e.g. cov[np.ix_(idx, idx)])."
        )
    if not (np.isfinite(mean).all() and np.isfinite(cov).all()):
        raise ValueError("mean and cov must be finite; received NaN or inf values.")
    if not np.allclose(cov, cov.T, rtol=1e-10, atol=1e-12 * np.abs(cov).max()):
        raise ValueError(f"cov must be symmetric; received {cov.tolist()}.")
    return mean, (cov + cov.T) / 2


def ellipse_points(mean, cov, radius=2.0, n_points=181):
    r"""Points at Mahalanobis radius ``radius`` from ``mean``.

    The ellipse is the set

    .. math:: \{x : (x-\mu)^\top \Sigma^{-1} (x-\mu) = r^2\}.

    With the eigen-decomposition :math:`\Sigma = V \Lambda V^\top`
    (orthonormal eigenvectors in the columns of :math:`V`, eigenvalues
    :math:`\lambda_j \ge 0`) it is traced by

    .. math:: x(t) = \mu + r\, V \Lambda^{1/2} (\cos t, \sin t)^\top,
              \qquad 0 \le t \le 2\pi,

    because then :math:`(x-\mu)^\top \Sigma^{-1} (x-\mu) = r^2(\cos^2 t +
    \sin^2 t) = r^2`. The semi-axes point along the eigenvectors and have
    lengths :math:`r\sqrt{\lambda_j}`. A singular covariance (an eigenvalue 0,
    as after the seed's first M-step) gives an ellipse of zero width: the
    line segment :math:`\mu \pm r\sqrt{\lambda_{\max}}\, v_{\max}`.

    Parameters
    ----------
    mean : array-like of shape (2,)
    cov : array-like of shape (2, 2)
        Symmetric positive semi-definite.
    radius : float, default 2.0
        Mahalanobis radius ``r`` (``r = 1``: "one standard deviation").
    n_points : int, default 181

    Returns
    -------
    points : ndarray of shape (n_points, 2)
        Closed curve (first point == last point).
    """
    mean, cov = _check_2d_gaussian(mean, cov)
    if not np.isfinite(radius) or radius <= 0:
        raise ValueError(f"radius must be a positive number; received {radius!r}.")
    eigenvalues, eigenvectors = np.linalg.eigh(cov)
    scale = max(abs(eigenvalues).max(), np.finfo(float).tiny)
    if eigenvalues.min() < -1e-10 * scale:
        raise ValueError(
            f"cov must be positive semi-definite; it has eigenvalue "
            f"{eigenvalues.min():.3g} < 0. A covariance estimate never has "
            f"one: check how it was computed."
        )
    eigenvalues = np.clip(eigenvalues, 0.0, None)  # rounding: -1e-15 -> 0
    t = np.linspace(0.0, 2.0 * np.pi, n_points)
    circle = np.stack([np.cos(t), np.sin(t)])  # shape (2, n_points)
    return mean + radius * ((eigenvectors * np.sqrt(eigenvalues)) @ circle).T


def covariance_ellipse(ax, mean, cov, radius=2, n_points=181, **kw):
    r"""Draw the ellipse :math:`(x-\mu)^\top \Sigma^{-1} (x-\mu) = r^2` on ``ax``.

    See :func:`ellipse_points` for the construction from the
    eigen-decomposition; a singular ``cov`` is drawn as a line segment.
    Extra keywords go to :meth:`matplotlib.axes.Axes.plot`.

    Returns
    -------
    matplotlib.lines.Line2D
        Its data (``line.get_xydata()``) are the ellipse's points.
    """
    points = ellipse_points(mean, cov, radius=radius, n_points=n_points)
    (line,) = ax.plot(points[:, 0], points[:, 1], **kw)
    return line


def _mixture_density(params, points):
    r""":math:`p(x) = \sum_c \pi_c \mathcal{N}(x \mid \mu_c, \Sigma_c)` at ``points``."""
    return np.exp(logsumexp(weighted_log_prob(points, params), axis=1))


def _grid(xlim, ylim, n_grid):
    xs = np.linspace(*xlim, n_grid)
    ys = np.linspace(*ylim, n_grid)
    xx, yy = np.meshgrid(xs, ys)
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def density_contours(ax, params, *, xlim=None, ylim=None, n_grid=200, levels=8,
                     filled=False, **kw):
    r"""Contours of the mixture density on ``ax``.

    .. math:: p(x) = \sum_{c=1}^{K} \pi_c \, \mathcal{N}(x \mid \mu_c, \Sigma_c)

    evaluated on an ``n_grid`` x ``n_grid`` grid spanning ``xlim`` x ``ylim``
    (default: the current axes limits). Every covariance must be positive
    definite. Extra keywords go to ``ax.contour`` / ``ax.contourf``.

    Returns
    -------
    matplotlib.contour.QuadContourSet
    """
    xlim = ax.get_xlim() if xlim is None else xlim
    ylim = ax.get_ylim() if ylim is None else ylim
    xx, yy, points = _grid(xlim, ylim, n_grid)
    density = _mixture_density(params, points).reshape(xx.shape)
    draw = ax.contourf if filled else ax.contour
    kw.setdefault("cmap", SEQUENTIAL_CMAP)
    return draw(xx, yy, density, levels=levels, **kw)


def logistic_weights(params):
    r"""Linear log-odds of a two-component mixture with a shared covariance.

    With :math:`\Sigma_1 = \Sigma_2 = \Sigma` the quadratic terms cancel in

    .. math::

        a(x) = \log\frac{\pi_1 \mathcal{N}(x \mid \mu_1, \Sigma)}
                        {\pi_2 \mathcal{N}(x \mid \mu_2, \Sigma)} = w^\top x + b,
        \quad w = \Sigma^{-1}(\mu_1 - \mu_2),
        \quad b = -\tfrac12 \mu_1^\top \Sigma^{-1} \mu_1
                  + \tfrac12 \mu_2^\top \Sigma^{-1} \mu_2 + \log\frac{\pi_1}{\pi_2},

    so the responsibility of component 1 is the logistic function
    :math:`r_1(x) = \sigma(a(x)) = 1 / (1 + e^{-a(x)})` and the decision line
    :math:`r_1 = 1/2` is :math:`w^\top x + b = 0`.

    Parameters
    ----------
    params : GMMParams
        Two components with equal covariances.

    Returns
    -------
    w : ndarray of shape (d,)
    b : float
    """
    if params.n_components != 2:
        raise ValueError(
            f"params must have 2 components for a logistic E-step; received "
            f"{params.n_components}."
        )
    cov = params.covariances[0]
    if not np.allclose(cov, params.covariances[1]):
        raise ValueError(
            "the two covariances must be equal for the log-odds to be linear; "
            f"received {params.covariances[0].tolist()} and "
            f"{params.covariances[1].tolist()}."
        )
    mu1, mu2 = params.means
    w = np.linalg.solve(cov, mu1 - mu2)
    b = (-0.5 * mu1 @ np.linalg.solve(cov, mu1) + 0.5 * mu2 @ np.linalg.solve(cov, mu2)
         + np.log(params.weights[0] / params.weights[1]))
    return w, float(b)


def params_from_estimator(gm):
    """:class:`GMMParams` with full covariances from a fitted ``GaussianMixture``.

    Handles every ``covariance_type``: 'full' (K, d, d), 'tied' (d, d),
    'diag' (K, d) and 'spherical' (K,).
    """
    covariances = np.asarray(gm.covariances_, dtype=float)
    K, d = np.shape(gm.means_)
    kind = gm.covariance_type
    if kind == "full":
        full = covariances
    elif kind == "tied":
        full = np.broadcast_to(covariances, (K, d, d))
    elif kind == "diag":
        full = np.stack([np.diag(v) for v in covariances])
    elif kind == "spherical":
        full = np.stack([v * np.eye(d) for v in covariances])
    else:
        raise ValueError(f"unknown covariance_type {kind!r}.")
    return GMMParams(gm.weights_, gm.means_, full)


# ---------------------------------------------------------------------------
# Pieces shared by the figures
# ---------------------------------------------------------------------------


def _label_axes(ax, feature_names):
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])


def _label_offset(point, means, near):
    """Offset (points) of a point's label: up-right, unless a component mean lies
    within ``near`` of the point (but not on it) -- then away from that mean, so
    the label does not sit on the mean's marker."""
    if means is None or len(means) == 0:
        return (6, 6), "left", "bottom"
    diff = point - np.asarray(means, dtype=float)
    dist = np.sqrt((diff**2).sum(axis=1))
    k = int(np.argmin(dist))
    if not (0 < dist[k] <= near):
        return (6, 6), "left", "bottom"
    sx, sy = np.where(diff[k] < 0, -1, 1)
    return ((8 * sx, 8 * sy), "right" if sx < 0 else "left", "top" if sy < 0 else "bottom")


def _annotate_points(ax, X, labels, means=None, near=None):
    """Bold point labels with a white outline (readable on shading); labels of
    points close to a component mean move away from the mean's marker."""
    X = np.asarray(X, dtype=float)
    if near is None:
        near = 0.1 * max(float(np.ptp(X, axis=0).max()), 1e-12)
    for point, label in zip(X, labels):
        offset, ha, va = _label_offset(point, means, near)
        ax.annotate(str(label), point, xytext=offset, textcoords="offset points",
                    ha=ha, va=va, fontsize=11, fontweight="bold", zorder=6,
                    path_effects=[patheffects.withStroke(linewidth=3, foreground="white")])


def _scatter_by_component(ax, X, assignments, names, **kw):
    """One scatter per component: its colour *and* its marker."""
    for c in np.unique(assignments):
        colour, marker = component_style(int(c))
        mask = assignments == c
        ax.scatter(X[mask, 0], X[mask, 1], color=colour, marker=marker,
                   edgecolor="white", linewidth=0.5, label=f"{names[int(c)]} (assigned)", **kw)


MUTED_COLOR = "#a6a6a6"


def _component_look(c, highlight):
    """Colour, marker and line width of component ``c``; with a ``highlight``
    the other components are muted grey so the highlighted ones stand out."""
    if not highlight:
        return (*component_style(c), 1.8)
    if c in highlight:
        return PALETTE[1], "s", 3.5
    return MUTED_COLOR, "o", 1.2


def _draw_components(ax, params, names, radii, highlight=()):
    """Means (large marker) and ellipses at the Mahalanobis ``radii``."""
    styles = ("-", "--", ":", "-.")
    for c in range(params.n_components):
        colour, marker, width = _component_look(c, highlight)
        for j, radius in enumerate(radii):
            covariance_ellipse(ax, params.means[c], params.covariances[c], radius=radius,
                               color=colour, linestyle=styles[j % len(styles)], linewidth=width,
                               zorder=4 if c in highlight else 2)
        ax.plot(*params.means[c], marker=marker, markersize=13 if c in highlight or not highlight
                else 8, color=colour, markeredgecolor="black", linestyle="none",
                zorder=5 if c in highlight else 2)


def _component_legend(ax, params, names, radii, with_data=None, loc="best", highlight=()):
    handles = []
    if with_data is not None:
        handles.append(Line2D([], [], color=DATA_COLOR, marker="o", linestyle="none", label=with_data))
    shown = range(params.n_components)
    if highlight:
        shown = [*highlight, next(c for c in range(params.n_components) if c not in highlight)]
    for c in shown:
        colour, marker, _ = _component_look(c, highlight)
        label = (f"{names[c]}: mean, ellipses" if not highlight or c in highlight
                 else "other components")
        handles.append(Line2D([], [], color=colour, marker=marker, markersize=10,
                              markeredgecolor="black", label=label))
    styles = ("-", "--", ":", "-.")
    for j, radius in enumerate(radii):
        handles.append(Line2D([], [], color="black", linestyle=styles[j % len(styles)],
                              linewidth=1.5, label=f"Mahalanobis radius {radius:g}"))
    ax.legend(handles=handles, loc=loc)


def _default_names(names, K, prefix="component"):
    return tuple(names) if names is not None else tuple(f"{prefix} {c + 1}" for c in range(K))


def _blend(resp):
    """Point colours: the responsibility-weighted mix of the component colours."""
    colours = np.array([to_rgb(component_style(c)[0]) for c in range(resp.shape[1])])
    return np.clip(resp @ colours, 0, 1)


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


@_styled
def plot_data_with_gaussians(X, params, *, labels=None, component_names=None, radii=(1, 2),
                             ax=None, assignments=None, highlight=(),
                             feature_names=SEED_FEATURES, title=None, equal_aspect=True,
                             legend_loc="best", adjustable="datalim"):
    r"""Scatter of the data with each Gaussian drawn as ellipses.

    Component :math:`c` is drawn as its mean and the ellipses
    :math:`(x-\mu_c)^\top \Sigma_c^{-1} (x-\mu_c) = r^2` for ``r`` in
    ``radii`` (see :func:`ellipse_points`).

    Parameters
    ----------
    X : array-like of shape (n, 2)
    params : GMMParams or None
        ``None`` plots the data only.
    labels : sequence of str, optional
        Names written next to the points (e.g. the seed's ``A``-``F``).
    component_names : sequence of str, optional
    radii : sequence of float, default (1, 2)
    ax : matplotlib Axes, optional
        Draw into an existing axes (its figure is returned).
    assignments : array-like of shape (n,), optional
        Hard component labels: points get their component's colour and marker.
    highlight : sequence of int
        Components drawn thick in vermillion, the others muted grey (e.g. to
        show a collapsed component).
    feature_names : (str, str)
        Axis labels with units.
    title : str, optional
    equal_aspect : bool, default True
        One unit on both axes has the same length (ellipses look right).
    adjustable : {'datalim', 'box'}
        How the equal aspect is reached ('box' for axes with shared limits).

    Returns
    -------
    matplotlib.figure.Figure
    """
    X = np.asarray(X, dtype=float)
    fig, ax = plt.subplots(figsize=SIZE_ONE) if ax is None else (ax.figure, ax)
    if assignments is None:
        ax.scatter(X[:, 0], X[:, 1], color=DATA_COLOR, s=30, alpha=0.8, zorder=3)
    else:
        K = params.n_components if params is not None else int(np.max(assignments)) + 1
        _scatter_by_component(ax, X, np.asarray(assignments),
                              _default_names(component_names, K), s=30, zorder=3)
    if labels is not None:
        _annotate_points(ax, X, labels, means=None if params is None else params.means)
    if params is not None:
        names = _default_names(component_names, params.n_components)
        _draw_components(ax, params, names, radii, highlight=tuple(highlight))
        _component_legend(ax, params, names, radii, highlight=tuple(highlight),
                          with_data="data" if assignments is None else None, loc=legend_loc)
    _label_axes(ax, feature_names)
    if equal_aspect:
        ax.set_aspect("equal", adjustable=adjustable)
    if title is not None:
        ax.set_title(title)
    return fig


@_styled
def plot_density_with_point(mean, cov, point, *, point_label=None, feature_names=SEED_FEATURES,
                            n_sd=3.5, n_grid=241):
    r"""Filled contours of one Gaussian density and a point on it.

    .. math:: \mathcal{N}(x \mid \mu, \Sigma) = \frac{1}{(2\pi)^{d/2}|\Sigma|^{1/2}}
              \exp\left(-\tfrac12 (x-\mu)^\top \Sigma^{-1} (x-\mu)\right)

    The point is drawn with the ellipse through it, i.e. at its own
    Mahalanobis radius :math:`r = \sqrt{(x-\mu)^\top \Sigma^{-1}(x-\mu)}`:
    every point of that ellipse has the same density.

    Parameters
    ----------
    mean : array-like of shape (2,)
    cov : array-like of shape (2, 2), positive definite
    point : array-like of shape (2,)
    point_label : str, optional
    feature_names : (str, str)
    n_sd : float
        Half-width of the plotted window in standard deviations.

    Returns
    -------
    matplotlib.figure.Figure
    """
    mean, cov = _check_2d_gaussian(mean, cov)
    point = np.asarray(point, dtype=float)
    params = GMMParams([1.0], [mean], [cov])
    sd = np.sqrt(np.diag(cov))
    xlim = (mean[0] - n_sd * sd[0], mean[0] + n_sd * sd[0])
    ylim = (mean[1] - n_sd * sd[1], mean[1] + n_sd * sd[1])
    fig, ax = plt.subplots(figsize=(8.0, 6.0))
    filled = density_contours(ax, params, xlim=xlim, ylim=ylim, n_grid=n_grid, levels=12,
                              filled=True)
    fig.colorbar(filled, ax=ax, label=r"density $\mathcal{N}(x \mid \mu, \Sigma)$ (1/(cm$\cdot$kg))"
                 if feature_names == SEED_FEATURES else r"density $\mathcal{N}(x \mid \mu, \Sigma)$")
    diff = point - mean
    mahalanobis_sq = float(diff @ np.linalg.solve(cov, diff))
    density = float(_mixture_density(params, point[np.newaxis])[0])
    name = point_label if point_label is not None else "x"
    if mahalanobis_sq > 0:
        covariance_ellipse(ax, mean, cov, radius=np.sqrt(mahalanobis_sq), color="white",
                           linestyle="--", linewidth=1.5,
                           label=f"same density as {name} (radius {np.sqrt(mahalanobis_sq):.3g})")
    colour, marker = component_style(1)
    ax.plot(*mean, marker="X", markersize=12, color="white", markeredgecolor="black",
            linestyle="none", label=r"mean $\mu$")
    ax.plot(*point, marker=marker, markersize=11, color=colour, markeredgecolor="white",
            linestyle="none",
            label=f"{name}: $(x-\\mu)^T\\Sigma^{{-1}}(x-\\mu)$ = {mahalanobis_sq:.3g}, "
                  f"density {density:.3g}")
    ax.annotate(name, point, xytext=(8, -14), textcoords="offset points", color="white",
                fontsize=13, fontweight="bold")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_aspect("equal")
    ax.grid(False)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    _label_axes(ax, feature_names)
    ax.legend(loc="upper right", fontsize=9)
    return fig


@_styled
def plot_responsibilities(X, resp, params=None, *, labels=None, component_names=None,
                          feature_names=SEED_FEATURES, radii=(1,)):
    r"""The responsibilities :math:`r_{ic}`: per point in the plane and as bars.

    Left: the data, each point coloured by the responsibility-weighted mix of
    the component colours, :math:`\sum_c r_{ic}\,\mathrm{colour}_c`, and marked
    with the shape of its most responsible component; the Gaussians of
    ``params`` as ellipses. Right: one stacked bar per point,
    :math:`\sum_c r_{ic} = 1`, labelled with :math:`r_{i1}`.

    Parameters
    ----------
    X : array-like of shape (n, 2)
    resp : array-like of shape (n, K)
    params : GMMParams, optional
    labels : sequence of str, optional
        Point names (bar labels); default ``1..n``.
    component_names : sequence of str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    X = np.asarray(X, dtype=float)
    resp = np.asarray(resp, dtype=float)
    n, K = resp.shape
    names = _default_names(component_names, K)
    labels = [str(i + 1) for i in range(n)] if labels is None else [str(s) for s in labels]
    fig, (ax, bars) = plt.subplots(1, 2, figsize=SIZE_TWO, width_ratios=(1.25, 1))
    best = resp.argmax(axis=1)
    colours = _blend(resp)
    for c in range(K):
        mask = best == c
        ax.scatter(X[mask, 0], X[mask, 1], color=colours[mask], marker=component_style(c)[1],
                   s=90, edgecolor="black", zorder=3, label=f"most responsible: {names[c]}")
    _annotate_points(ax, X, labels, means=None if params is None else params.means)
    if params is not None:
        _draw_components(ax, params, names, radii)
    _label_axes(ax, feature_names)
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="upper left")
    ax.set_title("point colour: responsibility-weighted mix", fontsize=11)
    left = np.zeros(n)
    positions = np.arange(n)[::-1]
    hatches = ("", "//", "..", "xx", "\\\\", "++", "oo", "--")
    for c in range(K):
        bars.barh(positions, resp[:, c], left=left, color=component_style(c)[0],
                  hatch=hatches[c % len(hatches)], edgecolor="white", label=names[c])
        left += resp[:, c]
    for y, value in zip(positions, resp[:, 0]):
        bars.text(1.02, y, f"{value:.7f}" if value >= 1e-3 else f"{value:.3g}", va="center",
                  fontsize=10)
    bars.set_yticks(positions, labels)
    bars.set_xlim(0, 1.22)
    bars.set_xticks([0, 0.25, 0.5, 0.75, 1])
    bars.set_xlabel(r"responsibility $r_{ic}$ (rows sum to 1)")
    bars.set_title(f"value: responsibility of {names[0]}", fontsize=11)
    bars.grid(False)
    bars.legend(loc="lower right", bbox_to_anchor=(1.0, 1.06), ncols=K, fontsize=9)
    return fig


@_styled
def plot_logistic_estep(X, params, *, labels=None, component_names=None,
                        feature_names=SEED_FEATURES, n_grid=241):
    r"""The E-step of two Gaussians with a shared covariance is logistic.

    Left: the data, the regions shaded by :math:`r_1(x) = \sigma(w^\top x + b)`
    (see :func:`logistic_weights`), the decision line :math:`r_1 = 1/2` and the
    lines :math:`r_1 = 0.1, 0.9`. Right: the logistic curve
    :math:`\sigma(a) = 1/(1+e^{-a})` against the log-odds :math:`a`, with each
    point placed at its log-odds :math:`\log(\pi_1 \mathcal{N}_1 / \pi_2
    \mathcal{N}_2)` and its responsibility from :func:`gmmlib.e_step`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    X = np.asarray(X, dtype=float)
    w, b = logistic_weights(params)
    names = _default_names(component_names, 2)
    labels = [str(i + 1) for i in range(len(X))] if labels is None else [str(s) for s in labels]
    fig, (ax, curve) = plt.subplots(1, 2, figsize=SIZE_TWO)
    span = np.ptp(X, axis=0).max() / 2 + 10
    centre = X.mean(axis=0)
    xlim, ylim = (centre[0] - span, centre[0] + span), (centre[1] - span, centre[1] + span)
    xx, yy, grid = _grid(xlim, ylim, n_grid)
    log_odds = (grid @ w + b).reshape(xx.shape)
    shade = ax.contourf(xx, yy, 1 / (1 + np.exp(-np.clip(log_odds, -50, 50))),
                        levels=np.linspace(0, 1, 11), cmap=responsibility_cmap(0, 1), alpha=0.55)
    fig.colorbar(shade, ax=ax, label=f"$r_1(x)$: responsibility of {names[0]}")
    ax.contour(xx, yy, log_odds, levels=[-np.log(9), 0, np.log(9)], colors="black",
               linestyles=[":", "-", ":"], linewidths=[1.2, 2.2, 1.2])
    resp = e_step(X, params)
    _scatter_by_component(ax, X, resp.argmax(axis=1), names, s=70, zorder=3)
    _annotate_points(ax, X, labels, means=params.means)
    _draw_components(ax, params, names, radii=(1,))
    ax.plot([], [], color="black", label="decision line $r_1 = 1/2$")
    ax.plot([], [], color="black", linestyle=":", label="$r_1 = 0.1$ and $0.9$")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_aspect("equal")
    _label_axes(ax, feature_names)
    ax.legend(loc="upper left", fontsize=9)
    wlp = weighted_log_prob(X, params)
    point_odds = wlp[:, 0] - wlp[:, 1]
    limit = max(10.0, np.abs(point_odds).max() * 1.1)
    a = np.linspace(-limit, limit, 801)
    curve.plot(a, 1 / (1 + np.exp(-a)), color="black", linewidth=1.5,
               label=r"$\sigma(a) = 1/(1+e^{-a})$")
    for c in range(2):
        colour, marker = component_style(c)
        mask = resp.argmax(axis=1) == c
        curve.plot(point_odds[mask], resp[mask, 0], marker=marker, color=colour,
                   markeredgecolor="black", markersize=10, linestyle="none", label=names[c])
    for x, y, label in zip(point_odds, resp[:, 0], labels):
        curve.annotate(label, (x, y), xytext=(0, -16 if y > 0.5 else 10), ha="center",
                       textcoords="offset points", fontweight="bold")
    curve.set_xlabel(r"log-odds $a = \log\,\pi_1\mathcal{N}_1 - \log\,\pi_2\mathcal{N}_2 = w^T x + b$")
    curve.set_ylabel(f"$r_1$: responsibility of {names[0]}")
    curve.set_ylim(-0.08, 1.08)
    curve.legend(loc="center left", bbox_to_anchor=(0.0, 0.75))
    return fig



def _check_one_title_per_panel(params_list, titles):
    """Raise ValueError unless there is one title per parameter set (one per panel)."""
    if len(params_list) != len(titles):
        raise ValueError(
            f"params_list and titles must have the same length; received "
            f"{len(params_list)} and {len(titles)}."
        )

@_styled
def plot_covariance_comparison(X, params_list, titles, *, labels=None, component_names=None,
                               feature_names=SEED_FEATURES, radii=(1, 2)):
    r"""Side-by-side panels of the same data with different parameters.

    Each panel shows the Gaussians of one :class:`GMMParams` as ellipses
    (a singular covariance as a segment, see :func:`ellipse_points`) and
    the determinant :math:`|\Sigma_c|` of each component.

    Parameters
    ----------
    X : array-like of shape (n, 2)
    params_list : sequence of GMMParams
    titles : sequence of str, same length

    Returns
    -------
    matplotlib.figure.Figure
    """
    _check_one_title_per_panel(params_list, titles)
    X = np.asarray(X, dtype=float)
    n = len(params_list)
    fig, axes = plt.subplots(1, n, figsize=(max(6.0, 5.2 * n), 5.2), sharex=True, sharey=True,
                             squeeze=False)
    for ax, params, title in zip(axes[0], params_list, titles):
        names = _default_names(component_names, params.n_components)
        plot_data_with_gaussians(X, params, labels=labels, component_names=names, radii=radii,
                                 ax=ax, feature_names=feature_names, title=title,
                                 legend_loc="lower right", adjustable="box")
        dets = [np.linalg.det(cov) for cov in params.covariances]
        text = "\n".join(f"|Σ| {name} = {det:.4g}" for name, det in zip(names, dets))
        ax.text(0.03, 0.97, text, transform=ax.transAxes, va="top", fontsize=10,
                bbox=dict(facecolor="white", edgecolor="#bbbbbb"))
    for ax in axes[0][1:]:
        ax.set_ylabel("")
    return fig


@_styled
def plot_log_likelihood(log_likelihoods, *, ylabel=r"log-likelihood $\log p(X \mid \theta)$",
                        xlabel="EM iteration", title=None, start=0, legend_title=None):
    r"""The log-likelihood after each EM iteration.

    .. math:: \log p(X \mid \theta^{(t)}) = \sum_{i=1}^{n} \log \sum_{c=1}^{K}
              \pi_c^{(t)} \mathcal{N}(x_i \mid \mu_c^{(t)}, \Sigma_c^{(t)})

    EM never lowers it (lesson 6); the last value is written at the end of
    each curve.

    Parameters
    ----------
    log_likelihoods : sequence of float, or mapping of label to sequence
        ``log_likelihoods[t]`` after ``t + start`` iterations; a mapping
        draws one labelled curve per entry (e.g. one per ``reg_covar``).
    ylabel, xlabel, title, legend_title : str
    start : int
        Iteration number of the first value.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if hasattr(log_likelihoods, "items"):
        curves = [(str(label), values) for label, values in log_likelihoods.items()]
    else:
        curves = [(None, log_likelihoods)]
    fig, ax = plt.subplots(figsize=SIZE_ONE)
    for j, (label, values) in enumerate(curves):
        values = np.asarray(values, dtype=float)
        iterations = np.arange(start, start + len(values))
        colour, marker = component_style(j)
        ax.plot(iterations, values, color=colour, marker=marker, markersize=6,
                linestyle=LINESTYLES[j % len(LINESTYLES)], label=label)
        ax.annotate(f"{values[-1]:.6g}", (iterations[-1], values[-1]), xytext=(0, 8),
                    textcoords="offset points", ha="right", color=colour)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if curves[0][0] is not None:
        ax.legend(title=legend_title, loc="lower right")
    if title is not None:
        ax.set_title(title)
    return fig


@_styled
def plot_em_progression(X, params_history, iterations, *,
                        feature_names=("eruption duration (standardised)",
                                       "waiting time (standardised)"),
                        radii=(1, 2), ncols=None):
    r"""EM on the plane, one panel per iteration (as in Bishop, PRML fig. 9.8).

    Panel ``t`` shows the parameters after ``t`` EM iterations,
    ``params_history[t]``, as ellipses, and each point coloured by its
    responsibilities under those parameters (the mix of the component
    colours, :math:`\sum_c r_{ic}\,\mathrm{colour}_c`) and marked with its most
    responsible component's shape.

    Parameters
    ----------
    X : array-like of shape (n, 2)
    params_history : sequence of GMMParams
        ``params_history[t]`` after ``t`` iterations (``gmmlib.em(...).history``).
    iterations : sequence of int
        Which iterations to show.
    radii : sequence of float
        Mahalanobis radii of the ellipses (solid, dashed, ...), explained in a legend.
    ncols : int, optional
        Panels per row (default: all in one row); more panels wrap onto more rows.

    Returns
    -------
    matplotlib.figure.Figure
    """
    X = np.asarray(X, dtype=float)
    iterations = list(iterations)
    if max(iterations) >= len(params_history):
        raise ValueError(
            f"iterations asks for iteration {max(iterations)}, but params_history has "
            f"only {len(params_history)} entries (iterations 0..{len(params_history) - 1}). "
            f"Run EM for more iterations (e.g. em(..., max_iter={max(iterations)}, tol=0))."
        )
    n = len(iterations)
    ncols = n if ncols is None else ncols
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 3.6 * nrows + 0.5), sharex=True,
                             sharey=True, squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    for ax, t in zip(axes.ravel(), iterations):
        params = params_history[t]
        resp = e_step(X, params)
        colours = _blend(resp)
        best = resp.argmax(axis=1)
        for c in range(params.n_components):
            mask = best == c
            ax.scatter(X[mask, 0], X[mask, 1], color=colours[mask],
                       marker=component_style(c)[1], s=14, edgecolor="none", zorder=2)
        for c in range(params.n_components):
            for j, radius in enumerate(radii):
                covariance_ellipse(ax, params.means[c], params.covariances[c], radius=radius,
                                   color=component_style(c)[0], linewidth=2.0 if j == 0 else 1.2,
                                   linestyle=("-", "--")[j % 2], zorder=3)
        ax.set_title("initial guess" if t == 0 else
                     f"after {t} iteration{'s' if t != 1 else ''}", fontsize=14)
        ax.set_aspect("equal", adjustable="box")
    for ax in axes[-1]:
        ax.set_xlabel(feature_names[0])
    for ax in axes[:, 0]:
        ax.set_ylabel(feature_names[1])
    handles = [Line2D([], [], color="0.3", linewidth=2.0 if j == 0 else 1.2, linestyle=("-", "--")[j % 2],
                      label=f"ellipse at {radius:g} standard deviation{'s' if radius != 1 else ''}")
               for j, radius in enumerate(radii)]
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=12, frameon=False)
    return fig


def _table_columns(table):
    columns = {}
    for key in ("covariance_type", "n_components", "bic", "aic"):
        try:
            columns[key] = np.asarray(table[key])
        except (KeyError, IndexError, TypeError):
            raise ValueError(
                f"table must map {key!r} to a sequence (columns covariance_type, "
                f"n_components, bic, aic); received {type(table).__name__} without it."
            ) from None
    return columns


@_styled
def plot_information_criteria(table):
    r"""BIC and AIC against the number of components, per covariance type.

    .. math:: \mathrm{BIC} = -2 \log \hat L + p \log n, \qquad
              \mathrm{AIC} = -2 \log \hat L + 2 p

    (:math:`p` free parameters, :math:`n` samples; lower is better). The
    best model of each criterion is starred.

    Parameters
    ----------
    table : mapping of column name to sequence
        Columns ``covariance_type``, ``n_components``, ``bic``, ``aic`` (one
        row per fit; a ``dict`` of lists or a pandas ``DataFrame``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    columns = _table_columns(table)
    kinds = list(dict.fromkeys(columns["covariance_type"].tolist()))
    fig, axes = plt.subplots(1, 2, figsize=SIZE_TWO, sharex=True)
    for ax, criterion in zip(axes, ("bic", "aic")):
        for j, kind in enumerate(kinds):
            mask = columns["covariance_type"] == kind
            order = np.argsort(columns["n_components"][mask])
            ks = columns["n_components"][mask][order]
            values = columns[criterion][mask][order]
            colour, marker = component_style(j)
            ax.plot(ks, values, color=colour, marker=marker, linestyle=LINESTYLES[j % 4],
                    label=kind)
        best = int(np.argmin(columns[criterion]))
        k_best, kind_best = columns["n_components"][best], columns["covariance_type"][best]
        ax.plot(k_best, columns[criterion][best], marker="*", markersize=22, color="none",
                markeredgecolor="black", markeredgewidth=1.5, linestyle="none",
                label=f"lowest: K = {k_best}, {kind_best}")
        ax.set_xlabel("number of components K")
        ax.set_ylabel(f"{criterion.upper()} (lower is better)")
        ax.set_title(criterion.upper())
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(title="covariance type")
    return fig


def _centroids(X, labels, K):
    return np.array([X[labels == c].mean(axis=0) for c in range(K)])


@_styled
def plot_kmeans_vs_gmm(X, kmeans_labels, gmm, *, feature_names=FAITHFUL_FEATURES, radii=(1, 2)):
    r"""k-means clusters next to a Gaussian mixture's clusters.

    Left: the k-means partition (hard assignments, nearest centroid in
    Euclidean distance; the boundary is the perpendicular bisector of the
    centroids) with its centroids. Right: the GMM's most responsible
    component :math:`\arg\max_c r_{ic}` with each Gaussian drawn as ellipses;
    points whose two labels differ are ringed. Components are matched to
    k-means clusters by nearest centroid so colours correspond.

    Parameters
    ----------
    X : array-like of shape (n, 2)
    kmeans_labels : array-like of int, shape (n,)
    gmm : fitted ``gmmlib.GaussianMixture`` (or scikit-learn's)

    Returns
    -------
    matplotlib.figure.Figure
    """
    X = np.asarray(X, dtype=float)
    kmeans_labels = np.asarray(kmeans_labels)
    params = params_from_estimator(gmm)
    K = params.n_components
    centroids = _centroids(X, kmeans_labels, K)
    # component c of the mixture gets the colour of the k-means cluster nearest to its mean
    match = np.array([np.argmin(((centroids - m) ** 2).sum(axis=1)) for m in params.means])
    if len(set(match.tolist())) == K:
        order = np.argsort(match)
        params = GMMParams(params.weights[order], params.means[order],
                           params.covariances[order])
    gmm_labels = e_step(X, params).argmax(axis=1)
    names = [f"cluster {c + 1}" for c in range(K)]
    fig, (left, right) = plt.subplots(1, 2, figsize=SIZE_TWO, sharex=True, sharey=True)
    _scatter_by_component(left, X, kmeans_labels, names, s=22, zorder=2)
    for c in range(K):
        colour, marker = component_style(c)
        left.plot(*centroids[c], marker=marker, markersize=14, color=colour,
                  markeredgecolor="black", linestyle="none",
                  label="centroids" if c == 0 else None)
    left.set_title(f"k-means, K = {K}")
    left.legend(loc="upper left")
    _scatter_by_component(right, X, gmm_labels, names, s=22, zorder=2)
    differ = gmm_labels != kmeans_labels
    right.scatter(X[differ, 0], X[differ, 1], s=120, facecolor="none", edgecolor="black",
                  linewidth=1.2, zorder=4, label=f"label differs from k-means ({int(differ.sum())})")
    _draw_components(right, params, names, radii)
    right.set_title(f"Gaussian mixture, K = {K}, covariance '{gmm.covariance_type}'")
    right.legend(loc="upper left")
    for ax in (left, right):
        _label_axes(ax, feature_names)
    right.set_ylabel("")
    return fig


@_styled
def plot_density_uncertainty(X, params, uncertainty, *, feature_names=FAITHFUL_FEATURES,
                             xlim=None, ylim=None, levels=8, n_grid=200):
    r"""Contours of a fitted mixture density, with points coloured by uncertainty.

    .. math:: p(x) = \sum_c \pi_c \mathcal{N}(x \mid \mu_c, \Sigma_c), \qquad
              u_i = 1 - \max_c r_{ic}

    Parameters
    ----------
    X : array-like of shape (n, 2)
    params : GMMParams
        E.g. :func:`params_from_estimator` of a fitted ``GaussianMixture``.
    uncertainty : array-like of shape (n,)
        One minus the largest responsibility of each point (0: certain).
    xlim, ylim : (float, float), optional
        Window of the contours (default: the data's range plus 10 %).

    Returns
    -------
    matplotlib.figure.Figure
    """
    X = np.asarray(X, dtype=float)
    uncertainty = np.asarray(uncertainty, dtype=float)
    if uncertainty.shape != (len(X),):
        raise ValueError(f"uncertainty must have shape ({len(X)},), one value per point; "
                         f"received shape {uncertainty.shape}.")
    pad = 0.1 * np.ptp(X, axis=0)
    xlim = (X[:, 0].min() - pad[0], X[:, 0].max() + pad[0]) if xlim is None else xlim
    ylim = (X[:, 1].min() - pad[1], X[:, 1].max() + pad[1]) if ylim is None else ylim
    fig, ax = plt.subplots(figsize=SIZE_ONE)
    density_contours(ax, params, xlim=xlim, ylim=ylim, n_grid=n_grid, levels=levels,
                     cmap=None, colors=DATA_COLOR, linewidths=1.0)
    order = np.argsort(uncertainty, kind="stable")  # the uncertain points on top
    points = ax.scatter(X[order, 0], X[order, 1], c=uncertainty[order], cmap=SEQUENTIAL_CMAP,
                        s=30, edgecolor="black", linewidth=0.4, zorder=3)
    fig.colorbar(points, ax=ax, label=r"uncertainty $1 - \max_c\, r_{ic}$")
    ax.plot([], [], color=DATA_COLOR, linewidth=1.0, label="contours of the density $p(x)$")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    _label_axes(ax, feature_names)
    ax.legend(loc="upper left")
    return fig


@_styled
def plot_samples(X, samples, *, feature_names=FAITHFUL_FEATURES, data_label="data",
                 sample_label="samples from the fitted mixture"):
    """The data and samples drawn from a fitted model, on the same axes.

    Parameters
    ----------
    X : array-like of shape (n, 2)
    samples : array-like of shape (m, 2)

    Returns
    -------
    matplotlib.figure.Figure
    """
    X = np.asarray(X, dtype=float)
    samples = np.asarray(samples, dtype=float)
    fig, ax = plt.subplots(figsize=SIZE_ONE)
    ax.scatter(X[:, 0], X[:, 1], s=30, color=DATA_COLOR, alpha=0.6, marker="o",
               label=f"{data_label} ({len(X)})", zorder=2)
    ax.scatter(samples[:, 0], samples[:, 1], s=30, color=PALETTE[1], marker="x",
               linewidth=1.2, label=f"{sample_label} ({len(samples)})", zorder=3)
    _label_axes(ax, feature_names)
    ax.legend(loc="upper left")
    return fig


# ---------------------------------------------------------------------------
# Lesson 6: why EM works (the lower bound, k-means as a limit)
# ---------------------------------------------------------------------------


@_styled
def plot_lower_bound(alphas, log_p, bound_old, bound_new, *, old_label=r"$\theta^{(t)}$",
                     new_label=r"$\theta^{(t+1)}$"):
    r"""The log-likelihood and two EM lower bounds along one EM step (Bishop, PRML fig. 9.14).

    On a line :math:`\theta(\alpha)` through the old parameters
    (:math:`\alpha = 0`) and the M-step's new ones (:math:`\alpha = 1`):
    :math:`\log p(X \mid \theta(\alpha))` (solid), the bound
    :math:`\mathcal{L}(q^{(t)}, \theta(\alpha))` of the E-step at
    :math:`\theta^{(t)}` (dashed), which touches it at :math:`\alpha = 0` and
    peaks at :math:`\alpha = 1`, and the next E-step's bound
    :math:`\mathcal{L}(q^{(t+1)}, \theta(\alpha))` (dash-dotted), touching at
    :math:`\alpha = 1`. The gain of the step is split into the rise of the
    bound (M-step) and the gap KL that the next E-step closes.

    Parameters
    ----------
    alphas : array-like of shape (m,)
        Must contain 0 and 1.
    log_p, bound_old, bound_new : array-like of shape (m,)
    old_label, new_label : str
        Tick labels at 0 and 1.

    Returns
    -------
    matplotlib.figure.Figure
    """
    alphas = np.asarray(alphas, dtype=float)
    curves = [np.asarray(v, dtype=float) for v in (log_p, bound_old, bound_new)]
    if any(c.shape != alphas.shape for c in curves):
        raise ValueError(f"log_p, bound_old and bound_new must have the shape of alphas, "
                         f"{alphas.shape}; received {[c.shape for c in curves]}.")
    at = {}
    for a in (0.0, 1.0):
        hits = np.flatnonzero(np.isclose(alphas, a))
        if hits.size == 0:
            raise ValueError(f"alphas must contain {a:g} (the old and the new parameters); "
                             f"received {alphas.min():g}..{alphas.max():g} without it.")
        at[a] = hits[0]
    log_p, bound_old, bound_new = curves
    fig, ax = plt.subplots(figsize=SIZE_ONE)
    ax.plot(alphas, log_p, color=OKABE_ITO["black"], linestyle="-",
            label=r"$\log p(X \mid \theta)$")
    ax.plot(alphas, bound_old, color=PALETTE[0], linestyle="--",
            label=r"$\mathcal{L}(q^{(t)}, \theta)$: bound after the E-step at " + old_label)
    ax.plot(alphas, bound_new, color=PALETTE[1], linestyle="-.",
            label=r"$\mathcal{L}(q^{(t+1)}, \theta)$: next E-step's bound")
    i0, i1 = at[0.0], at[1.0]
    ax.plot([0], [log_p[i0]], "o", color=PALETTE[0], markersize=8, zorder=4)
    ax.plot([1], [bound_old[i1]], "s", color=PALETTE[0], markersize=8, zorder=4)
    ax.plot([1], [log_p[i1]], "o", color=PALETTE[1], markersize=8, zorder=4)
    ax.annotate("", xy=(1, log_p[i1]), xytext=(1, bound_old[i1]),
                arrowprops=dict(arrowstyle="->", color=DATA_COLOR, lw=1.5))
    ax.annotate("M-step: maximum\nof the dashed bound", (1, bound_old[i1]), xytext=(0, -14),
                textcoords="offset points", ha="center", va="top", fontsize=11)
    ax.annotate("E-step: bound\ntouches log p", (0, log_p[i0]), xytext=(-12, 40),
                textcoords="offset points", ha="right", va="bottom", fontsize=11,
                arrowprops=dict(arrowstyle="-", color=DATA_COLOR, lw=1))
    ax.annotate(f"gap (KL) {log_p[i1] - bound_old[i1]:.2f}", (1, (log_p[i1] + bound_old[i1]) / 2),
                xytext=(8, 0), textcoords="offset points", ha="left", va="center", fontsize=11)
    for a in (0.0, 1.0):
        ax.axvline(a, color="#999999", linestyle=":", linewidth=1.2, zorder=1)
    ax.set_xticks([0, 1])
    ax.set_xticklabels([old_label, new_label])
    ax.set_xlabel(r"parameters on the line $\theta(\alpha) = (1-\alpha)\,\theta^{(t)} "
                  r"+ \alpha\,\theta^{(t+1)}$")
    ax.set_ylabel("log-likelihood and lower bounds")
    ax.legend(loc="lower center", fontsize=10)
    return fig


@_styled
def plot_responsibility_hardening(sigmas, resp, nearest, *, labels=None, component=0,
                                  component_names=None):
    r"""Responsibilities of each sample as the shared round covariance :math:`\sigma^2 I` shrinks.

    One line per sample: its responsibility :math:`r_{ic}` for ``component``
    against :math:`\sigma` (log scale, decreasing to the right). As
    :math:`\sigma \to 0` every line ends at 0 or 1, the k-means assignment to
    the nearest mean; lines are coloured by that assignment.

    Parameters
    ----------
    sigmas : array-like of shape (m,)
    resp : array-like of shape (m, n, K)
        Responsibilities at each :math:`\sigma`.
    nearest : array-like of int, shape (n,)
        Index of each sample's nearest mean (the k-means assignment).
    labels : sequence of str, optional
        Sample names, written at the left end of each line.
    component : int
        The column of ``resp`` that is drawn.
    component_names : sequence of str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    sigmas = np.asarray(sigmas, dtype=float)
    resp = np.asarray(resp, dtype=float)
    nearest = np.asarray(nearest)
    if resp.ndim != 3 or resp.shape[0] != sigmas.size or resp.shape[1] != nearest.size:
        raise ValueError(f"resp must have shape (len(sigmas), n, K) = ({sigmas.size}, "
                         f"{nearest.size}, K); received {resp.shape}.")
    K = resp.shape[2]
    names = _default_names(component_names, K)
    fig, ax = plt.subplots(figsize=SIZE_ONE)
    for i in range(resp.shape[1]):
        colour, marker = component_style(int(nearest[i]))
        ax.plot(sigmas, resp[:, i, component], color=colour, marker=marker, markersize=5,
                linestyle=LINESTYLES[i % len(LINESTYLES)], linewidth=1.8)
    if labels is not None:  # at the sigma where the lines of a group are furthest apart
        def closest_pair(values):
            gaps = [np.min(np.diff(np.sort(values[nearest == c]))) for c in range(K)
                    if np.sum(nearest == c) > 1]
            return min(gaps, default=0.0)

        j = int(np.argmax([closest_pair(r[:, component]) for r in resp]))
        for i in range(resp.shape[1]):
            ax.annotate(labels[i], (sigmas[j], resp[j, i, component]), xytext=(6, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=11,
                        color=component_style(int(nearest[i]))[0], fontweight="bold")
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.set_xlim(sigmas.max() * 1.1, sigmas.min() / 1.1)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel(r"shared standard deviation $\sigma$ (covariance $\sigma^2 I$), shrinking $\rightarrow$")
    ax.set_ylabel(f"responsibility of {names[component]}")
    handles = [Line2D([], [], color=component_style(c)[0], marker=component_style(c)[1],
                      label=f"nearest mean: {names[c]}") for c in range(K)]
    ax.legend(handles=handles, loc="center right", title="k-means assignment")
    return fig


# ---------------------------------------------------------------------------
# Lesson 10: EM beyond Gaussians, and how fast it converges
# ---------------------------------------------------------------------------


@_styled
def plot_bernoulli_prototypes(examples, means, *, image_shape=(8, 8), example_titles=None,
                              mean_titles=None):
    r"""Binary example images (top row) and a Bernoulli mixture's mean images (bottom row).

    As Bishop's Figure 9.10: each component's :math:`\mu_k` is drawn as a grey
    image, pixel *d* as dark as :math:`\mu_{kd} = p(x_d = 1 \mid z = k)`.

    Parameters
    ----------
    examples : array-like of shape (m, D), entries 0 or 1
    means : array-like of shape (K, D), entries in [0, 1]
    image_shape : tuple of int
        ``(rows, columns)`` with rows * columns = D.
    example_titles, mean_titles : sequence of str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    examples = np.asarray(examples, dtype=float)
    means = np.asarray(means, dtype=float)
    if examples.ndim != 2 or means.ndim != 2 or examples.shape[1] != means.shape[1] \
            or np.prod(image_shape) != means.shape[1]:
        raise ValueError(f"examples (m, D) and means (K, D) need the same D = prod(image_shape) = "
                         f"{int(np.prod(image_shape))}; received {examples.shape} and {means.shape}.")
    columns = max(len(examples), len(means))
    fig, axes = plt.subplots(2, columns, figsize=(1.7 * columns, 4.2), squeeze=False)
    for row, (images, titles) in enumerate(((examples, example_titles), (means, mean_titles))):
        for j, ax in enumerate(axes[row]):
            ax.axis("off")
            if j < len(images):
                ax.imshow(images[j].reshape(image_shape), cmap="gray_r", vmin=0, vmax=1,
                          interpolation="nearest")
                if titles is not None:
                    ax.set_title(titles[j], fontsize=10)
    return fig


@_styled
def plot_improvements(runs, *, xlabel="EM iteration t", max_iter=None):
    r"""The improvement :math:`\ell_{t} - \ell_{t-1}` of the log-likelihood per iteration, log scale.

    Linear convergence (:math:`\ell^\ast - \ell_t \approx C r^t`) draws a
    straight line of slope :math:`\log_{10} r` per iteration.

    Parameters
    ----------
    runs : mapping of label to sequence of float
        Log-likelihoods :math:`\ell_0, \ell_1, \dots` of each run.
    max_iter : int, optional
        Last iteration drawn.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=SIZE_ONE)
    for j, (label, values) in enumerate(runs.items()):
        steps = np.diff(np.asarray(values, dtype=float))
        t = np.arange(1, steps.size + 1)
        keep = steps > 0
        if max_iter is not None:
            keep &= t <= max_iter
        colour, marker = component_style(j)
        ax.plot(t[keep], steps[keep], color=colour, marker=marker, markersize=4,
                linestyle=LINESTYLES[j % len(LINESTYLES)], label=str(label))
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(r"improvement $\ell_t - \ell_{t-1}$")
    ax.legend(loc="upper right")
    return fig


@_styled
def plot_separation_sweep(separations, iterations, rates):
    """Iterations to converge (left) and the measured rate r (right) against the separation.

    Parameters
    ----------
    separations, iterations, rates : array-like of shape (m,)

    Returns
    -------
    matplotlib.figure.Figure
    """
    separations = np.asarray(separations, dtype=float)
    iterations = np.asarray(iterations, dtype=float)
    rates = np.asarray(rates, dtype=float)
    if not separations.shape == iterations.shape == rates.shape:
        raise ValueError(f"separations, iterations and rates need one shape; received "
                         f"{separations.shape}, {iterations.shape}, {rates.shape}.")
    fig, (left, right) = plt.subplots(1, 2, figsize=SIZE_TWO)
    left.plot(separations, iterations, color=PALETTE[0], marker=MARKERS[0])
    for s, it in zip(separations, iterations):
        left.annotate(f"{it:.0f}", (s, it), xytext=(6, 4), textcoords="offset points")
    left.set_yscale("log")
    left.set_xlabel(r"separation $|\mu_2 - \mu_1| / \sigma$")
    left.set_ylabel("EM iterations until the rise < tol")
    right.plot(separations, rates, color=PALETTE[1], marker=MARKERS[1])
    for s, r in zip(separations, rates):
        right.annotate(f"{r:.3f}", (s, r), xytext=(6, 4), textcoords="offset points")
    right.set_ylim(0, 1.05)
    right.set_xlabel(r"separation $|\mu_2 - \mu_1| / \sigma$")
    right.set_ylabel(r"rate $r$ (ratio of successive improvements)")
    return fig


def _stacked_offsets(values, resolution, step):
    """Horizontal offsets that stack equal values (to ``resolution``) side by side."""
    keys = np.round(np.asarray(values, dtype=float) / resolution).astype(np.int64)
    offsets = np.zeros(len(keys))
    for key in np.unique(keys):
        where = np.flatnonzero(keys == key)
        offsets[where] = (np.arange(len(where)) - (len(where) - 1) / 2) * step
    return offsets


@_styled
def plot_start_outcomes(panels, *, tol, resolution=1e-4, ylabel="final mean log-likelihood per sample"):
    r"""Where EM ended from many starts: one column of dots per start method.

    Each dot is one run's final mean log-likelihood per sample
    :math:`\ell_s = \frac1n \log p(X \mid \hat\theta_s)`; runs that end at the
    same value (to ``resolution``) are stacked side by side, so a wide row is a
    frequent optimum. The dashed line is the best value found in the panel,
    :math:`\ell^\ast`, and the share of runs with
    :math:`\ell_s \ge \ell^\ast - \text{tol}` is written above each column.

    Parameters
    ----------
    panels : sequence of (str, mapping of str to array-like)
        ``(title, {method: final values})``, one panel each.
    tol : float
        Tolerance for "reached the best value".
    resolution : float
        Values closer than this are drawn as one row.
    ylabel : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    panels = list(panels)
    if not panels:
        raise ValueError("panels must contain at least one (title, {method: values}) pair; received none.")
    fig, axes = plt.subplots(1, len(panels), figsize=(4.4 * len(panels) + 1.2, 5.0), squeeze=False)
    for ax, (title, outcomes) in zip(axes[0], panels):
        methods = list(outcomes)
        values = [np.asarray(outcomes[m], dtype=float) for m in methods]
        best = max(v.max() for v in values)
        for j, (method, v) in enumerate(zip(methods, values)):
            colour, marker = component_style(j)
            x = j + _stacked_offsets(v, resolution, 0.7 / max(len(v), 1))
            ax.plot(x, v, linestyle="none", marker=marker, markersize=4, color=colour, alpha=0.8)
            share = np.mean(v >= best - tol)
            ax.annotate(f"{100 * share:.0f}%", (j, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(0, -14), textcoords="offset points", ha="center", color=colour,
                        fontweight="bold")
        ax.axhline(best, color="black", linestyle="--", linewidth=1)
        low = min(v.min() for v in values)
        span = max(best - low, 10 * tol)
        ax.set_ylim(low - 0.08 * span, best + 0.2 * span)
        ax.set_xticks(range(len(methods)), methods, rotation=20)
        ax.set_xlim(-0.6, len(methods) - 0.4)
        ax.set_title(title)
    axes[0][0].set_ylabel(ylabel)
    return fig


@_styled
def plot_fits_side_by_side(X, params_list, titles, *, feature_names=("$x_1$", "$x_2$"), radii=(1, 2)):
    """Panels of the same data, each with the ellipses of one fit, without legends.

    For fits with many components (where :func:`plot_covariance_comparison`'s
    legend and determinant box would cover the data): each component is drawn
    in its own colour as its mean and the ellipses of ``radii`` (see
    :func:`plot_data_with_gaussians`).

    Parameters
    ----------
    X : array-like of shape (n, 2)
    params_list : sequence of GMMParams
    titles : sequence of str, same length
    feature_names : (str, str)
    radii : sequence of float

    Returns
    -------
    matplotlib.figure.Figure
    """
    _check_one_title_per_panel(params_list, titles)
    n = len(params_list)
    fig, axes = plt.subplots(1, n, figsize=(max(6.0, 5.6 * n), 4.6), sharex=True, sharey=True,
                             squeeze=False)
    for ax, params, title in zip(axes[0], params_list, titles):
        plot_data_with_gaussians(X, params, radii=radii, ax=ax, feature_names=feature_names,
                                 title=title, adjustable="box")
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    for ax in axes[0][1:]:
        ax.set_ylabel("")
    return fig


@_styled
def plot_n_init_tradeoff(tradeoff, *, title=None):
    r"""What ``n_init`` buys against what it costs, one curve per start method.

    For ``n_init = n``: the probability :math:`1 - (1 - p)^n` that the best of
    :math:`n` starts reaches the best optimum (line), its measured counterpart
    from recorded starts (open markers), against the expected cost, :math:`n`
    times the mean EM iterations per start (logarithmic axis). Each point is
    labelled with its :math:`n`.

    Parameters
    ----------
    tradeoff : mapping of str to mapping
        ``{method: {"n", "iterations", "formula", "measured", "p"}}`` (arrays over n),
        as :func:`gmmlib.examples.starts.n_init_tradeoff` returns.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not tradeoff:
        raise ValueError("tradeoff must contain at least one method; received none.")
    fig, ax = plt.subplots(figsize=(11.5, 4.8))
    for j, (method, row) in enumerate(tradeoff.items()):
        colour, marker = component_style(j)
        cost = np.asarray(row["iterations"], dtype=float)
        ax.plot(cost, row["formula"], color=colour, marker=marker, linestyle=LINESTYLES[j % 4],
                label=f"{method} (p = {row['p']:.2f})")
        ax.plot(cost, row["measured"], color=colour, marker=marker, markerfacecolor="white",
                linestyle="none", markersize=9)
        offset = (4, -12) if j % 2 == 0 else (-14, 5)  # kmeans and k-means++ share costs: label apart
        for n, x, y in zip(row["n"], cost, row["formula"]):
            ax.annotate(f"{n}", (x, y), xytext=offset, textcoords="offset points", color=colour,
                        fontsize=9)
    ax.set_xscale("log")
    ax.set_ylim(-0.03, 1.05)
    ax.set_xlabel("expected cost: n_init x mean EM iterations per start")
    ax.set_ylabel("P(best of n_init starts reaches the best optimum)")
    ax.legend(title="init_params\n(line: 1 - (1 - p)^n;\nopen: recorded starts)", loc="center left",
              bbox_to_anchor=(1.02, 0.5))
    if title is not None:
        ax.set_title(title)
    return fig


@_styled
def plot_mstep_objectives(panels):
    r"""Objectives of the M-step, each against one parameter, with the maximum at the update.

    One panel per objective: the curve, a dashed vertical line at the
    M-step's update and a marker on the curve there, labelled with the value.

    Parameters
    ----------
    panels : sequence of (grid, values, update, xlabel, title)
        ``grid`` and ``values`` of the same shape ``(m,)``; ``update`` inside
        the grid; ``xlabel`` and ``title`` are text.

    Returns
    -------
    matplotlib.figure.Figure
    """
    panels = list(panels)
    if not panels:
        raise ValueError("panels must contain at least one (grid, values, update, xlabel, title); "
                         "received none.")
    fig, axes = plt.subplots(1, len(panels), figsize=(4.4 * len(panels), 4.4), squeeze=False)
    for ax, (grid, values, update, xlabel, title) in zip(axes[0], panels):
        grid, values = np.asarray(grid, dtype=float), np.asarray(values, dtype=float)
        if grid.shape != values.shape or grid.ndim != 1:
            raise ValueError(f"{title}: grid and values must be 1-D of the same shape; received "
                             f"{grid.shape} and {values.shape}.")
        if not grid.min() <= update <= grid.max():
            raise ValueError(f"{title}: the update {update:g} must lie in the grid "
                             f"{grid.min():g}..{grid.max():g}.")
        at = float(np.interp(update, grid, values))
        ax.plot(grid, values, color=OKABE_ITO["black"], linewidth=1.8)
        ax.axvline(update, color=PALETTE[0], linestyle="--", linewidth=1.4)
        ax.plot([update], [at], "o", color=PALETTE[0], markeredgecolor="black", markersize=9, zorder=3)
        ax.annotate(f"update {update:.4g}", (update, at), xytext=(0, -22), textcoords="offset points",
                    ha="center", va="top", fontsize=11,
                    bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none", alpha=0.8))
        ax.set_xlabel(xlabel)
        ax.set_title(title)
    axes[0][0].set_ylabel("part of $Q(\\theta, \\theta^{(t)})$")
    return fig


# ---------------------------------------------------------------------------
# Lesson 9: model choice
# ---------------------------------------------------------------------------


@_styled
def plot_criteria_panels(tables, columns, titles, *, ylabels=None, best=None, ncols=2):
    r"""Model-choice criteria against the number of components, one panel per criterion.

    Each panel draws one column of one table (BIC, AIC, ICL: lower is better;
    a held-out log-likelihood: higher is better) with one line per covariance
    type, in the styles of :func:`plot_information_criteria`, and stars the
    best model of the panel.

    Parameters
    ----------
    tables : sequence of mapping
        One table per panel, with columns ``covariance_type``, ``n_components``
        and the panel's column (a ``dict`` of lists or a pandas ``DataFrame``).
    columns, titles : sequence of str
        The column drawn in each panel, and the panel's title.
    ylabels : sequence of str, optional
        Default: the column name.
    best : sequence of {'min', 'max'}, optional
        Which value is the best in each panel (default 'min').
    ncols : int
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure
    """
    n = len(tables)
    if not (len(columns) == len(titles) == n) or n == 0:
        raise ValueError(f"tables, columns and titles must have the same positive length; "
                         f"received {n}, {len(columns)} and {len(titles)}.")
    ylabels = list(ylabels) if ylabels is not None else list(columns)
    best = list(best) if best is not None else ["min"] * n
    if any(b not in ("min", "max") for b in best):
        raise ValueError(f"best must hold 'min' or 'max' for each panel; received {best}.")
    data = []  # all checked before a figure exists, so a bad table leaves no open figure
    for table, column in zip(tables, columns):
        try:
            data.append((np.asarray(table["covariance_type"]), np.asarray(table["n_components"]),
                         np.asarray(table[column], dtype=float)))
        except (KeyError, IndexError, TypeError):
            raise ValueError(f"each table must have columns covariance_type, n_components and "
                             f"{column!r}; received {type(table).__name__} without them.") from None
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.0 * ncols, 4.6 * nrows), squeeze=False)
    for ax, (kinds_col, ks_col, values_col), title, ylabel, rule in zip(axes.flat, data, titles,
                                                                        ylabels, best):
        for j, kind in enumerate(dict.fromkeys(kinds_col.tolist())):
            mask = kinds_col == kind
            order = np.argsort(ks_col[mask])
            colour, marker = component_style(j)
            ax.plot(ks_col[mask][order], values_col[mask][order], color=colour, marker=marker,
                    markersize=5, linestyle=LINESTYLES[j % 4], label=kind)
        i = int(np.argmin(values_col) if rule == "min" else np.argmax(values_col))
        ax.plot(ks_col[i], values_col[i], marker="*", markersize=20, color="none",
                markeredgecolor="black", markeredgewidth=1.5, linestyle="none",
                label=f"{'lowest' if rule == 'min' else 'highest'}: K = {ks_col[i]}, {kinds_col[i]}")
        ax.set_xlabel("number of components K")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(title="covariance type", fontsize=9)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    return fig
