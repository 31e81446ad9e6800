"""Plotting helpers for the chapters: Gaussians, mixtures, responsibilities, histories.

Every function draws on a matplotlib ``Axes`` (``ax=None`` means the current
axes, ``plt.gca()``) and **returns the artists it draws**, so that a figure
can be adjusted afterwards and tests can check what was drawn.

Colours come from the Okabe-Ito palette, which stays distinguishable for the
common forms of colour blindness; component ``k`` always gets colour ``k``
(the palette repeats after 8 components).  Continuous quantities use
sequential colormaps (viridis, YlGnBu).

This is the only module of :mod:`gmm_lib` (with :mod:`gmm_lib.interactive`)
that imports matplotlib; the numerical modules do not depend on it.
"""

from collections import namedtuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap, to_rgba_array
from matplotlib.patches import Ellipse
from matplotlib.ticker import MaxNLocator
from scipy.special import logsumexp

from ._validation import (
    check_array,
    check_non_negative_float,
    check_positive_int,
    check_weights,
)
from .gaussian import (
    _check_covariance_2d,
    _check_positive_n_std,
    _check_variance,
    _ellipse_from_valid,
    expand_covariances,
    log_density,
    univariate_log_density,
)

__all__ = [
    "OKABE_ITO",
    "component_colors",
    "expand_covariances",
    "mixture_log_density_grid",
    "plot_clusters",
    "plot_covariance_ellipse",
    "plot_density_contours",
    "plot_gaussian_2d",
    "plot_history",
    "plot_mixture",
    "plot_responsibilities",
    "plot_univariate_mixture",
    "responsibility_colors",
    "wrong_direction_steps",
]

#: Okabe & Ito's colour-blind-safe palette, ordered for contrast on white.
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#000000",  # black
)

#: Colour of points that are not assigned to any component.
NEUTRAL_COLOR = "#7f7f7f"

#: Colour used to flag something that should not happen (e.g. a decreasing
#: log-likelihood).
WARNING_COLOR = "#D55E00"

#: viridis without its last (pale yellow) 15%, so contour lines show on white.
_CONTOUR_LINE_CMAP = ListedColormap(plt.get_cmap("viridis")(np.linspace(0.0, 0.85, 256)), name="viridis_dark")

MixtureArtists = namedtuple("MixtureArtists", ["scatter", "ellipses", "centers"])
MixtureArtists.__doc__ = """\
Artists drawn by :func:`plot_mixture`.

Attributes
----------
scatter : PathCollection or None
    The data points (None if no data was given).
ellipses : list of matplotlib.patches.Ellipse
    ``K * len(n_std)`` ellipses, component by component.
centers : PathCollection
    One marker per component mean.
"""

ClusterArtists = namedtuple("ClusterArtists", ["scatter", "centers"])
ClusterArtists.__doc__ = """\
Artists drawn by :func:`plot_clusters`: the points and the centres (or None)."""

UnivariateMixtureArtists = namedtuple(
    "UnivariateMixtureArtists", ["histogram", "mixture", "components"]
)
UnivariateMixtureArtists.__doc__ = """\
Artists drawn by :func:`plot_univariate_mixture`.

Attributes
----------
histogram : BarContainer
    The density-normalised histogram of the data.
mixture : Line2D
    The mixture density ``p(x) = sum_k pi_k N(x | mu_k, sigma_k^2)``.
components : list of Line2D
    The weighted components ``pi_k N(x | mu_k, sigma_k^2)`` (empty if not shown).
"""

Gaussian2DArtists = namedtuple("Gaussian2DArtists", ["scatter", "ellipses", "arrows"])
Gaussian2DArtists.__doc__ = """\
Artists drawn by :func:`plot_gaussian_2d`.

Attributes
----------
scatter : PathCollection or None
    The samples (None if none were given).
ellipses : list of matplotlib.patches.Ellipse
    One per value of ``n_std``.
arrows : list of matplotlib.text.Annotation
    The two principal axes, major first; arrow ``i`` goes from the mean to
    ``mean + sqrt(lambda_i) v_i``.
"""


# ---------------------------------------------------------------------------
# Private helpers
# ---------------------------------------------------------------------------


def _get_ax(ax):
    return plt.gca() if ax is None else ax


def _check_points_2d(X, name="X"):
    X = check_array(X, name=name, ndim=2)
    if X.shape[1] != 2:
        raise ValueError(
            f"{name} must have exactly 2 features (columns) to be drawn in the "
            f"plane, but has {X.shape[1]}. Select two of them, e.g. {name}[:, [0, 1]]."
        )
    return X


def _check_mean_2d(mean, name="mean"):
    mean = check_array(mean, name=name, ndim=1)
    if mean.shape != (2,):
        raise ValueError(f"{name} must have shape (2,), but has shape {mean.shape}.")
    return mean


def _check_mixture_2d(weights, means, covariances, covariance_type):
    """Validate 2-D mixture parameters; return weights, means, full covariances."""
    means = check_array(means, name="means", ndim=2)
    n_components, n_features = means.shape
    if n_features != 2:
        raise ValueError(
            f"means must have shape (n_components, 2) to be drawn in the plane, "
            f"but has shape {means.shape}."
        )
    weights = check_weights(weights, n_components)
    full = expand_covariances(covariances, covariance_type, n_components, n_features)
    return weights, means, full


def _check_responsibilities(responsibilities, n_samples=None, n_components=None):
    """Validate an (N, K) matrix of responsibilities whose rows sum to one."""
    responsibilities = check_array(responsibilities, name="responsibilities", ndim=2)
    if n_samples is not None and responsibilities.shape[0] != n_samples:
        raise ValueError(
            f"responsibilities must have one row per point: expected "
            f"{n_samples} rows, got {responsibilities.shape[0]}."
        )
    if n_components is not None and responsibilities.shape[1] != n_components:
        raise ValueError(
            f"responsibilities must have one column per component: expected "
            f"{n_components} columns, got {responsibilities.shape[1]}."
        )
    if responsibilities.min() < -1e-9 or responsibilities.max() > 1.0 + 1e-9:
        raise ValueError(
            f"responsibilities are probabilities and must lie in [0, 1], but "
            f"the range is [{responsibilities.min():.6g}, {responsibilities.max():.6g}]."
        )
    row_sums = responsibilities.sum(axis=1)
    bad = np.flatnonzero(np.abs(row_sums - 1.0) > 1e-6)
    if bad.size:
        raise ValueError(
            f"each row of responsibilities must sum to one (the point's "
            f"posterior over components), but row {bad[0]} sums to "
            f"{row_sums[bad[0]]:.6g} ({bad.size} bad row(s) in total)."
        )
    return responsibilities


def _check_labels(labels, n_samples, n_components=None):
    """Validate non-negative integer labels of length N (less than K if given)."""
    labels = check_array(labels, name="labels", ndim=1)
    if labels.shape[0] != n_samples:
        raise ValueError(
            f"labels must have one entry per point: expected {n_samples}, got "
            f"{labels.shape[0]}."
        )
    if np.any(labels != np.round(labels)) or labels.min() < 0:
        raise ValueError("labels must be non-negative integers (cluster indices 0, 1, ...).")
    labels = labels.astype(np.intp)
    if n_components is not None and labels.max() >= n_components:
        raise ValueError(
            f"labels must be in 0..{n_components - 1} (one per component), but "
            f"the largest label is {labels.max()}."
        )
    return labels


def _palette_rgba(n_colors, palette=None):
    """(n_colors, 4) RGBA array; the default palette repeats, a custom one must be long enough."""
    if palette is None:
        base = to_rgba_array(OKABE_ITO)
        return base[np.arange(n_colors) % len(base)]
    try:
        colors = to_rgba_array(palette)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"palette must be a sequence of matplotlib colours ({exc})."
        ) from None
    if len(colors) < n_colors:
        raise ValueError(
            f"palette has {len(colors)} colour(s) but {n_colors} are needed "
            f"(one per component)."
        )
    return colors[:n_colors]


def _as_n_std_tuple(n_std):
    values = np.atleast_1d(np.asarray(n_std, dtype=object))
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"n_std must be a number or a non-empty sequence of numbers, got {n_std!r}.")
    return tuple(_check_positive_n_std(value) for value in values)


def _check_limits(limits, name):
    limits = check_array(limits, name=name, ndim=1)
    if limits.shape != (2,) or not limits[0] < limits[1]:
        raise ValueError(f"{name} must be a pair (low, high) with low < high, got {limits.tolist()}.")
    return float(limits[0]), float(limits[1])


def _ellipse_patch(mean, covariance, n_std, **kwargs):
    ellipse = _ellipse_from_valid(covariance, n_std)
    if "color" in kwargs and "edgecolor" not in kwargs and "facecolor" not in kwargs:
        kwargs["edgecolor"] = kwargs.pop("color")
    style = {"facecolor": "none", "edgecolor": OKABE_ITO[0], "linewidth": 2.0}
    style.update(kwargs)
    return Ellipse(
        xy=tuple(mean),
        width=2.0 * ellipse.semi_major,
        height=2.0 * ellipse.semi_minor,
        angle=ellipse.angle,
        **style,
    )


# ---------------------------------------------------------------------------
# Colours
# ---------------------------------------------------------------------------


def component_colors(n_components, palette=None):
    """The RGBA colour of each component.

    Parameters
    ----------
    n_components : int
    palette : sequence of matplotlib colours, optional
        Defaults to :data:`OKABE_ITO` (repeated if ``n_components > 8``).  A
        custom palette must have at least ``n_components`` colours.

    Returns
    -------
    colors : ndarray of shape (n_components, 4)
    """
    n_components = check_positive_int(n_components, "n_components")
    return _palette_rgba(n_components, palette)


def responsibility_colors(responsibilities, palette=None):
    """Colour each point by the responsibility-weighted mix of component colours.

    Point ``n`` gets ``sum_k r_nk c_k``: a point owned by one component has
    exactly that component's colour, and a point split 50/50 between two
    components has the average of their colours.  The blend makes uncertain
    points visible at a glance.

    Parameters
    ----------
    responsibilities : array-like of shape (N, K)
        Non-negative, each row summing to one.
    palette : sequence of matplotlib colours, optional
        Component colours; see :func:`component_colors`.

    Returns
    -------
    colors : ndarray of shape (N, 4)
        RGBA rows, each a convex combination of the palette colours.
    """
    responsibilities = _check_responsibilities(responsibilities)
    colors = _palette_rgba(responsibilities.shape[1], palette)
    return np.clip(responsibilities @ colors, 0.0, 1.0)


# ---------------------------------------------------------------------------
# Single Gaussians
# ---------------------------------------------------------------------------


def plot_covariance_ellipse(mean, covariance, ax=None, n_std=2.0, **kwargs):
    """Draw the ``n_std`` contour ellipse of a 2-D Gaussian.

    The ellipse contains the points at Mahalanobis distance ``n_std`` from
    ``mean``; its geometry comes from :func:`gmm_lib.gaussian.covariance_ellipse`.

    Parameters
    ----------
    mean : array-like of shape (2,)
    covariance : array-like of shape (2, 2)
        Symmetric positive-definite.
    ax : matplotlib Axes, optional
    n_std : float, default=2.0
    **kwargs
        Passed to :class:`matplotlib.patches.Ellipse` (e.g. ``edgecolor``,
        ``linestyle``, ``alpha``, ``label``).  ``color`` sets the edge colour.
        The default is an unfilled ellipse.

    Returns
    -------
    ellipse : matplotlib.patches.Ellipse
        ``width = 2 * semi_major``, ``height = 2 * semi_minor`` and ``angle``
        in degrees.
    """
    mean = _check_mean_2d(mean)
    covariance = _check_covariance_2d(covariance)
    n_std = _check_positive_n_std(n_std)
    ax = _get_ax(ax)
    patch = _ellipse_patch(mean, covariance, n_std, **kwargs)
    ax.add_patch(patch)
    return patch


def plot_gaussian_2d(mean, covariance, samples=None, ax=None, n_std=(1, 2, 3)):
    """Picture of a 2-D Gaussian: samples, contour ellipses and principal axes.

    The arrows start at the mean and point along the eigenvectors ``v_i`` of
    the covariance, with length ``sqrt(lambda_i)`` (one standard deviation
    along that direction).  The axes get an equal aspect ratio so that the
    geometry (right angles, circles) is not distorted.

    Parameters
    ----------
    mean : array-like of shape (2,)
    covariance : array-like of shape (2, 2)
    samples : array-like of shape (N, 2), optional
        Points to scatter, for instance from :func:`gmm_lib.gaussian.sample_gaussian`.
    ax : matplotlib Axes, optional
    n_std : float or sequence of float, default=(1, 2, 3)
        Mahalanobis radii of the ellipses.

    Returns
    -------
    artists : Gaussian2DArtists
        ``(scatter, ellipses, arrows)``.
    """
    mean = _check_mean_2d(mean)
    covariance = _check_covariance_2d(covariance)
    radii = _as_n_std_tuple(n_std)
    if samples is not None:
        samples = _check_points_2d(samples, name="samples")
    ax = _get_ax(ax)

    scatter = None
    if samples is not None:
        scatter = ax.scatter(
            samples[:, 0], samples[:, 1], s=8, color=NEUTRAL_COLOR, alpha=0.4,
            linewidths=0, label="samples",
        )
    ellipses = []
    for radius in radii:
        patch = _ellipse_patch(
            mean, covariance, radius, edgecolor=OKABE_ITO[0], linewidth=1.5,
            label=f"{radius:g} std",
        )
        ax.add_patch(patch)
        ellipses.append(patch)

    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    order = np.argsort(eigenvalues)[::-1]  # major axis first
    arrows = []
    for index, color in zip(order, (OKABE_ITO[3], OKABE_ITO[2])):
        tip = mean + np.sqrt(eigenvalues[index]) * eigenvectors[:, index]
        arrows.append(
            ax.annotate(
                "", xy=tuple(tip), xytext=tuple(mean),
                arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 2.0,
                            "shrinkA": 0, "shrinkB": 0},
            )
        )
    ax.plot(*mean, marker="+", color="black", markersize=10, linestyle="none")
    ax.set_aspect("equal", adjustable="datalim")
    ax.autoscale_view()
    return Gaussian2DArtists(scatter, ellipses, arrows)


# ---------------------------------------------------------------------------
# Mixtures
# ---------------------------------------------------------------------------


def plot_mixture(
    X,
    weights,
    means,
    covariances,
    covariance_type="full",
    ax=None,
    responsibilities=None,
    labels=None,
    n_std=(1.0, 2.0),
    palette=None,
):
    """Data and a 2-D Gaussian mixture: points, component ellipses and centres.

    Points are coloured by ``responsibilities`` if given (a blend of component
    colours, see :func:`responsibility_colors`), else by ``labels``, else grey.
    Each component ``k`` gets ``len(n_std)`` ellipses in its colour; their
    opacity grows with the mixing weight ``pi_k`` (the heaviest component is
    opaque), so components that carry little mass fade out.

    Parameters
    ----------
    X : array-like of shape (N, 2) or None
        The data; None draws only the mixture.
    weights : array-like of shape (K,)
    means : array-like of shape (K, 2)
    covariances : array-like
        In scikit-learn's layout for ``covariance_type`` (see
        :func:`gmm_lib.gaussian.expand_covariances`).
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    ax : matplotlib Axes, optional
    responsibilities : array-like of shape (N, K), optional
    labels : array-like of shape (N,), optional
        Integer component indices in ``0..K-1``.
    n_std : float or sequence of float, default=(1.0, 2.0)
        Mahalanobis radii of the ellipses drawn for every component.
    palette : sequence of matplotlib colours, optional

    Returns
    -------
    artists : MixtureArtists
        ``(scatter, ellipses, centers)``; ``len(ellipses) == K * len(n_std)``.
    """
    weights, means, full = _check_mixture_2d(weights, means, covariances, covariance_type)
    n_components = means.shape[0]
    radii = _as_n_std_tuple(n_std)
    colors = _palette_rgba(n_components, palette)
    if X is not None:
        X = _check_points_2d(X)
        if responsibilities is not None:
            responsibilities = _check_responsibilities(
                responsibilities, X.shape[0], n_components
            )
            point_colors = np.clip(responsibilities @ colors, 0.0, 1.0)
        elif labels is not None:
            point_colors = colors[_check_labels(labels, X.shape[0], n_components)]
        else:
            point_colors = to_rgba_array([NEUTRAL_COLOR] * X.shape[0])
    ax = _get_ax(ax)

    scatter = None
    if X is not None:
        scatter = ax.scatter(X[:, 0], X[:, 1], s=14, c=point_colors, alpha=0.7, linewidths=0)
    opacities = 0.25 + 0.75 * weights / weights.max()
    ellipses = []
    for k in range(n_components):
        for radius in radii:
            patch = _ellipse_patch(
                means[k], full[k], radius, edgecolor=colors[k],
                alpha=float(opacities[k]), linewidth=2.0,
            )
            ax.add_patch(patch)
            ellipses.append(patch)
    centers = ax.scatter(
        means[:, 0], means[:, 1], s=160, c=colors, marker="X",
        edgecolors="white", linewidths=1.5, zorder=3,
    )
    ax.autoscale_view()
    return MixtureArtists(scatter, ellipses, centers)


def mixture_log_density_grid(weights, means, covariances, covariance_type, xlim, ylim, n_grid=200):
    """Log-density of a 2-D mixture on a regular grid.

    ``ln p(x) = ln sum_k pi_k N(x | mu_k, Sigma_k)``, computed as a
    ``logsumexp`` of ``ln pi_k + ln N(x | mu_k, Sigma_k)`` so that nothing
    underflows.

    Parameters
    ----------
    weights : array-like of shape (K,)
    means : array-like of shape (K, 2)
    covariances : array-like
        In the layout of ``covariance_type``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}
    xlim, ylim : pair of float
        ``(low, high)`` range of each axis (the grid includes both ends).
    n_grid : int, default=200
        Number of grid points along each axis (at least 2).

    Returns
    -------
    xx, yy : ndarray of shape (n_grid, n_grid)
        Grid coordinates as returned by ``np.meshgrid`` (``xx`` varies along
        columns, ``yy`` along rows), ready for ``ax.contour(xx, yy, ...)``.
    log_density : ndarray of shape (n_grid, n_grid)
    """
    weights, means, full = _check_mixture_2d(weights, means, covariances, covariance_type)
    x_low, x_high = _check_limits(xlim, "xlim")
    y_low, y_high = _check_limits(ylim, "ylim")
    n_grid = check_positive_int(n_grid, "n_grid", minimum=2)
    xx, yy = np.meshgrid(np.linspace(x_low, x_high, n_grid), np.linspace(y_low, y_high, n_grid))
    points = np.column_stack([xx.ravel(), yy.ravel()])
    with np.errstate(divide="ignore"):  # a zero weight is a legitimate -inf
        log_weights = np.log(weights)
    weighted = np.column_stack(
        [log_weights[k] + log_density(points, means[k], full[k]) for k in range(len(weights))]
    )
    return xx, yy, logsumexp(weighted, axis=1).reshape(xx.shape)


def _default_limits(means, full, n_std=3.5):
    """A box holding every component's ``n_std`` marginal range."""
    spreads = n_std * np.sqrt(np.diagonal(full, axis1=1, axis2=2))  # (K, 2)
    low = (means - spreads).min(axis=0)
    high = (means + spreads).max(axis=0)
    return (low[0], high[0]), (low[1], high[1])


def plot_density_contours(
    weights,
    means,
    covariances,
    covariance_type="full",
    ax=None,
    xlim=None,
    ylim=None,
    levels=10,
    n_grid=200,
    filled=False,
    log_scale=False,
    **kwargs,
):
    """Contours of the density of a 2-D mixture.

    Parameters
    ----------
    weights, means, covariances, covariance_type
        The mixture, as in :func:`mixture_log_density_grid`.
    ax : matplotlib Axes, optional
    xlim, ylim : pair of float, optional
        Range of the grid.  By default a box holding 3.5 marginal standard
        deviations around every component.  Pass ``ax.get_xlim()`` to cover
        what is already drawn.
    levels : int or sequence of float, default=10
        Number of contour levels, or the levels themselves.  When ``filled``
        and given as a number, the lowest band (the near-zero density far
        from every component) is left unpainted.
    n_grid : int, default=200
    filled : bool, default=False
        ``contourf`` instead of ``contour``.
    log_scale : bool, default=False
        Contour ``ln p(x)`` instead of ``p(x)``: shows the tails, where the
        density itself is too flat to see.
    **kwargs
        Passed to ``ax.contour`` / ``ax.contourf``.  The default colormaps are
        colour-blind-safe sequential maps: viridis without its palest yellow
        for lines (so that every line shows on white), and ``'YlGnBu'`` for
        filled contours (pale where the density is low).

    Returns
    -------
    contours : matplotlib.contour.QuadContourSet
    """
    weights, means, full = _check_mixture_2d(weights, means, covariances, covariance_type)
    default_x, default_y = _default_limits(means, full)
    xlim = default_x if xlim is None else xlim
    ylim = default_y if ylim is None else ylim
    xx, yy, values = mixture_log_density_grid(
        weights, means, full, "full", xlim, ylim, n_grid=n_grid
    )
    if not log_scale:
        values = np.exp(values)
    ax = _get_ax(ax)
    style = {"cmap": "YlGnBu" if filled else _CONTOUR_LINE_CMAP}
    style.update(kwargs)
    if not filled:
        return ax.contour(xx, yy, values, levels=levels, **style)
    if np.ndim(levels) == 0:
        # Choose the levels as contourf would, then drop the lowest one, so
        # that the (near-)zero density far from the data is left unpainted
        # instead of covering the axes with the darkest colour.
        count = check_positive_int(levels, "levels")
        ticks = MaxNLocator(count + 1).tick_values(values.min(), values.max())
        levels = ticks[ticks > values.min()]
    return ax.contourf(xx, yy, values, levels=levels, **style)


def plot_responsibilities(X, responsibilities, ax=None, palette=None, cmap=None, **kwargs):
    """Scatter the data coloured by the responsibilities of the components.

    By default each point's colour is the responsibility-weighted blend of
    the component colours (:func:`responsibility_colors`).  For two
    components, ``cmap`` (e.g. ``'coolwarm'``, a diverging colormap) instead
    maps ``r_n1`` (the responsibility of the second component, index 1)
    from 0 to 1, so that ``fig.colorbar(artist)`` can show the scale.

    Parameters
    ----------
    X : array-like of shape (N, 2)
    responsibilities : array-like of shape (N, K)
    ax : matplotlib Axes, optional
    palette : sequence of matplotlib colours, optional
    cmap : str or Colormap, optional
        Only for ``K == 2``.
    **kwargs
        Passed to ``ax.scatter``.

    Returns
    -------
    scatter : matplotlib.collections.PathCollection
    """
    X = _check_points_2d(X)
    responsibilities = _check_responsibilities(responsibilities, n_samples=X.shape[0])
    n_components = responsibilities.shape[1]
    ax = _get_ax(ax)
    style = {"s": 14, "linewidths": 0}
    style.update(kwargs)
    if cmap is not None:
        if n_components != 2:
            raise ValueError(
                f"cmap colours points by the responsibility of the second "
                f"component, so it needs exactly 2 components, not {n_components}. "
                f"Leave cmap=None to blend the component colours."
            )
        return ax.scatter(
            X[:, 0], X[:, 1], c=responsibilities[:, 1], cmap=cmap, vmin=0.0, vmax=1.0, **style
        )
    colors = np.clip(responsibilities @ _palette_rgba(n_components, palette), 0.0, 1.0)
    return ax.scatter(X[:, 0], X[:, 1], c=colors, **style)


def plot_clusters(X, labels, centers=None, ax=None, palette=None):
    """Scatter a hard clustering (e.g. k-means): one colour per cluster, centres as large markers.

    Parameters
    ----------
    X : array-like of shape (N, 2)
    labels : array-like of shape (N,)
        Integer cluster indices ``0..K-1``.
    centers : array-like of shape (K, 2), optional
        The cluster centres; centre ``k`` gets the colour of cluster ``k``.
    ax : matplotlib Axes, optional
    palette : sequence of matplotlib colours, optional

    Returns
    -------
    artists : ClusterArtists
        ``(scatter, centers)``; ``centers`` is None if no centres were given.
    """
    X = _check_points_2d(X)
    if centers is not None:
        centers = _check_points_2d(centers, name="centers")
        labels = _check_labels(labels, X.shape[0], n_components=centers.shape[0])
        n_clusters = centers.shape[0]
    else:
        labels = _check_labels(labels, X.shape[0])
        n_clusters = int(labels.max()) + 1
    colors = _palette_rgba(n_clusters, palette)
    ax = _get_ax(ax)
    scatter = ax.scatter(X[:, 0], X[:, 1], s=14, c=colors[labels], alpha=0.8, linewidths=0)
    center_artist = None
    if centers is not None:
        center_artist = ax.scatter(
            centers[:, 0], centers[:, 1], s=220, c=colors, marker="*",
            edgecolors="black", linewidths=1.2, zorder=3,
        )
    return ClusterArtists(scatter, center_artist)


def plot_univariate_mixture(x, weights, means, variances, ax=None, bins=30, show_components=True):
    """Histogram of 1-D data with a univariate mixture density on top.

    Parameters
    ----------
    x : array-like of shape (N,)
    weights : array-like of shape (K,)
    means : array-like of shape (K,)
    variances : array-like of shape (K,)
        Variances ``sigma_k^2`` (not standard deviations).
    ax : matplotlib Axes, optional
    bins : int or sequence, default=30
        Passed to ``ax.hist`` (drawn with ``density=True`` so that it is
        comparable with the pdf).
    show_components : bool, default=True
        Also draw the weighted components ``pi_k N(x | mu_k, sigma_k^2)``,
        whose sum is the mixture density.

    Returns
    -------
    artists : UnivariateMixtureArtists
        ``(histogram, mixture, components)``.
    """
    x = check_array(x, name="x", ndim=1)
    means = check_array(means, name="means", ndim=1)
    n_components = means.shape[0]
    weights = check_weights(weights, n_components)
    variances = check_array(variances, name="variances", ndim=1)
    if variances.shape != (n_components,):
        raise ValueError(
            f"variances must have shape ({n_components},), one per component, "
            f"but has shape {variances.shape}."
        )
    for k, variance in enumerate(variances):
        _check_variance(variance, name=f"variances[{k}]")
    ax = _get_ax(ax)

    stds = np.sqrt(variances)
    low = min(x.min(), (means - 3.0 * stds).min())
    high = max(x.max(), (means + 3.0 * stds).max())
    grid = np.linspace(low, high, 500)
    with np.errstate(divide="ignore"):  # a zero weight is a legitimate -inf
        log_weights = np.log(weights)
    weighted = np.column_stack(
        [log_weights[k] + univariate_log_density(grid, means[k], variances[k])
         for k in range(n_components)]
    )
    _, _, histogram = ax.hist(
        x, bins=bins, density=True, color=NEUTRAL_COLOR, alpha=0.35, label="data"
    )
    (mixture,) = ax.plot(grid, np.exp(logsumexp(weighted, axis=1)), color="black",
                         linewidth=2.0, label="mixture density")
    components = []
    if show_components:
        colors = _palette_rgba(n_components)
        for k in range(n_components):
            (line,) = ax.plot(grid, np.exp(weighted[:, k]), color=colors[k], linewidth=1.5,
                              linestyle="--", label=f"component {k}")
            components.append(line)
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    return UnivariateMixtureArtists(histogram, mixture, components)


# ---------------------------------------------------------------------------
# Convergence histories
# ---------------------------------------------------------------------------


def _check_direction(direction):
    if direction not in ("increase", "decrease"):
        raise ValueError(
            f"direction must be 'increase' (e.g. a log-likelihood under EM) or "
            f"'decrease' (e.g. the k-means distortion), got {direction!r}."
        )
    return direction


def wrong_direction_steps(values, direction="increase", tolerance=0.0):
    """Indices ``i`` where ``values[i]`` moved the wrong way from ``values[i - 1]``.

    EM never decreases the log-likelihood and k-means never increases the
    distortion, so such a step signals a bug (or rounding at convergence).

    Parameters
    ----------
    values : array-like of shape (T,)
    direction : {'increase', 'decrease'}, default='increase'
        The direction the values are supposed to go.
    tolerance : float, default=0.0
        Ignore wrong-way steps no larger than this (e.g. ``1e-10`` to ignore
        rounding noise).

    Returns
    -------
    indices : ndarray of int
        The indices (in ``1..T-1``) of the points reached by a wrong-way step.
    """
    values = check_array(values, name="values", ndim=1)
    _check_direction(direction)
    tolerance = check_non_negative_float(tolerance, "tolerance")
    steps = np.diff(values)
    wrong = steps < -tolerance if direction == "increase" else steps > tolerance
    return np.flatnonzero(wrong) + 1


def plot_history(
    values,
    ax=None,
    ylabel="log-likelihood",
    xlabel="iteration",
    mark_decreases=True,
    direction="increase",
    tolerance=0.0,
    first_iteration=0,
    **kwargs,
):
    """Plot a quantity per iteration and flag any step that goes the wrong way.

    Parameters
    ----------
    values : array-like of shape (T,)
        E.g. the log-likelihood after each EM iteration, or the distortion
        after each k-means iteration.
    ax : matplotlib Axes, optional
    ylabel, xlabel : str
    mark_decreases : bool, default=True
        Circle (in vermillion) every point reached by a wrong-way step, as
        found by :func:`wrong_direction_steps`: a decrease when
        ``direction='increase'``, an increase when ``direction='decrease'``.
        The marks are a separate line labelled ``'wrong-direction step'``.
    direction : {'increase', 'decrease'}, default='increase'
        ``'increase'`` for a log-likelihood, ``'decrease'`` for a distortion.
    tolerance : float, default=0.0
        Wrong-way steps no larger than this are not marked.
    first_iteration : int, default=0
        Iteration number of ``values[0]``.
    **kwargs
        Passed to ``ax.plot`` for the main line.

    Returns
    -------
    line : matplotlib.lines.Line2D
        The history itself.
    """
    values = check_array(values, name="values", ndim=1)
    wrong = wrong_direction_steps(values, direction=direction, tolerance=tolerance)
    first_iteration = check_positive_int(first_iteration, "first_iteration", minimum=0)
    iterations = np.arange(values.shape[0]) + first_iteration
    ax = _get_ax(ax)
    style = {"color": OKABE_ITO[0], "marker": "o", "markersize": 4, "linewidth": 1.5}
    style.update(kwargs)
    (line,) = ax.plot(iterations, values, **style)
    if mark_decreases and wrong.size:
        ax.plot(
            iterations[wrong], values[wrong], linestyle="none", marker="o", markersize=11,
            markerfacecolor="none", markeredgecolor=WARNING_COLOR, markeredgewidth=2.0,
            label="wrong-direction step",
        )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return line
