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
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Circle, Ellipse
from matplotlib.ticker import MaxNLocator
from scipy.optimize import brentq
from scipy.special import logsumexp

from ._validation import (
    check_array,
    check_non_negative_float,
    check_positive_int,
    check_responsibilities,
    check_weights,
)
from .gaussian import (
    _check_covariance_2d,
    _check_positive_n_std,
    _check_real_scalar,
    _check_variance,
    _ellipse_from_valid,
    ellipsoid_radius,
    expand_covariances,
    log_density,
    mahalanobis,
    probability_inside_ellipsoid,
    univariate_log_density,
)

__all__ = [
    "OKABE_ITO",
    "component_colors",
    "expand_covariances",
    "mixture_log_density_grid",
    "plot_cluster_comparison",
    "plot_bound_decomposition",
    "plot_clusters",
    "plot_covariance_ellipse",
    "plot_density_contours",
    "plot_elbow",
    "plot_gaussian_2d",
    "plot_history",
    "plot_mahalanobis_cdf",
    "plot_mahalanobis_contours",
    "plot_mixture",
    "plot_responsibilities",
    "plot_restart_distribution",
    "plot_univariate_fit",
    "plot_univariate_gaussians",
    "plot_univariate_log_likelihood",
    "plot_univariate_mixture",
    "plot_univariate_responsibilities",
    "plot_uncertain_points",
    "plot_decision_boundary",
    "plot_voronoi_regions",
    "responsibility_colors",
    "wrong_direction_steps",
    # chapter 5: singularities and identifiability
    "plot_log_likelihood_surface",
    "plot_log_likelihood_vs_scale",
    "plot_pinned_mixture_1d",
    "plot_restart_log_likelihoods",
    "plot_smallest_variance_history",
    # chapter 8: applications
    "plot_class_regions",
    "plot_detections",
    "plot_ecdf",
    "plot_image",
    "plot_image_map",
    "plot_log_density_level",
    "plot_marginal_histograms",
    "plot_palette",
    "plot_point_sets",
    "plot_precision_recall_curve",
    "plot_roc_curve",
    "plot_score_histograms",
    # chapter 6: model selection
    "plot_criterion_grid",
    "plot_mixture_panels",    # chapter 7: beyond plain EM
    "plot_strip_comparison",
    "plot_traces",
    # appendix: reproducing the textbooks
    "plot_error_decay",
    "plot_estimate_traces",
    "plot_univariate_mixtures",
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
    responsibilities = check_responsibilities(responsibilities)
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
# Single Gaussians: parameters, likelihood, Mahalanobis distance (chapter 1)
# ---------------------------------------------------------------------------

UnivariateFitArtists = namedtuple("UnivariateFitArtists", ["histogram", "fitted", "truth"])
UnivariateFitArtists.__doc__ = """\
Artists drawn by :func:`plot_univariate_fit`.

Attributes
----------
histogram : BarContainer
    The density-normalised histogram of the data.
fitted : Line2D
    The fitted density ``N(x | mean, variance)``.
truth : Line2D or None
    The density that generated the data, if it was given.
"""

LogLikelihoodArtists = namedtuple(
    "LogLikelihoodArtists",
    ["contours", "maximum", "means", "variances", "relative_log_likelihood"],
)
LogLikelihoodArtists.__doc__ = """\
Artists and grid drawn by :func:`plot_univariate_log_likelihood`.

Attributes
----------
contours : matplotlib.contour.QuadContourSet
maximum : Line2D
    The marker at the maximum-likelihood estimate.
means : ndarray of shape (n_grid,)
    The grid of means (x-axis).
variances : ndarray of shape (n_grid,)
    The grid of variances (y-axis).
relative_log_likelihood : ndarray of shape (n_grid, n_grid)
    ``ln p(x | mu, sigma^2) - max``; row ``i`` is ``variances[i]``, column
    ``j`` is ``means[j]``.
"""

MahalanobisArtists = namedtuple(
    "MahalanobisArtists", ["samples", "points", "ellipses", "circles", "distances"]
)
MahalanobisArtists.__doc__ = """\
Artists drawn by :func:`plot_mahalanobis_contours`.

Attributes
----------
samples : PathCollection or None
    The background samples, if given.
points : list of Line2D
    One marker per point.
ellipses : list of matplotlib.patches.Ellipse or None
    The contour of constant Mahalanobis distance through each point (None
    for a point at the mean).
circles : list of matplotlib.patches.Circle or None
    The circle of constant Euclidean distance through each point (None for a
    point at the mean).
distances : ndarray of shape (M, 2)
    Column 0 the Mahalanobis, column 1 the Euclidean distance of each point.
"""

MahalanobisCDFArtists = namedtuple(
    "MahalanobisCDFArtists", ["empirical", "theoretical", "references"]
)
MahalanobisCDFArtists.__doc__ = """\
Artists drawn by :func:`plot_mahalanobis_cdf`.

Attributes
----------
empirical : Line2D
    The empirical distribution function of the distances (a step curve).
theoretical : Line2D
    ``P(Delta <= r)`` for a Gaussian in ``n_features`` dimensions.
references : list of Line2D
    The same curve for each of ``reference_dimensions`` (dashed).
"""


def _check_gaussian_curves(means, variances):
    """Means and variances as 1-D arrays of equal length (scalars broadcast)."""
    means = np.atleast_1d(check_array(means, name="means", ndim=(0, 1)))
    variances = np.atleast_1d(check_array(variances, name="variances", ndim=(0, 1)))
    if means.shape != variances.shape:
        if means.size == 1:
            means = np.full(variances.shape, means[0])
        elif variances.size == 1:
            variances = np.full(means.shape, variances[0])
        else:
            raise ValueError(
                f"means and variances must have the same length (one pair per "
                f"curve), got {means.size} and {variances.size}."
            )
    for i, variance in enumerate(variances):
        _check_variance(variance, name=f"variances[{i}]")
    return means, variances


def _gaussian_curves_range(means, variances, n_std=4.0):
    stds = np.sqrt(variances)
    return float((means - n_std * stds).min()), float((means + n_std * stds).max())


def plot_univariate_gaussians(means, variances, ax=None, x_range=None, shade_std=False,
                              n_points=400, palette=None):
    """Draw the densities ``N(x | mu_i, sigma_i^2)`` of several univariate Gaussians.

    Each curve is labelled with its mean and variance and a legend is drawn,
    so that a figure comparing parameters is a single call.

    Parameters
    ----------
    means : float or array-like of shape (M,)
    variances : float or array-like of shape (M,)
        Variances ``sigma_i^2`` (not standard deviations), strictly positive.
        A scalar is repeated for every mean (and vice versa).
    ax : matplotlib Axes, optional
    x_range : pair of float, optional
        ``(low, high)``; by default 4 standard deviations around every curve.
    shade_std : bool, default=False
        Shade the band ``mu_i +- sigma_i`` under each curve (it holds 68.3% of
        the mass).
    n_points : int, default=400
        Number of grid points (at least 2).
    palette : sequence of matplotlib colours, optional

    Returns
    -------
    lines : list of Line2D
        One per curve, in the order given.
    """
    means, variances = _check_gaussian_curves(means, variances)
    low, high = _gaussian_curves_range(means, variances) if x_range is None else _check_limits(
        x_range, "x_range")
    n_points = check_positive_int(n_points, "n_points", minimum=2)
    colors = _palette_rgba(means.size, palette)
    ax = _get_ax(ax)
    grid = np.linspace(low, high, n_points)
    lines = []
    for mean, variance, color in zip(means, variances, colors):
        values = np.exp(univariate_log_density(grid, mean, variance))
        (line,) = ax.plot(grid, values, color=color, linewidth=2.0,
                          label=f"μ = {mean:g}, σ² = {variance:g}")
        if shade_std:
            std = np.sqrt(variance)
            inside = (grid >= mean - std) & (grid <= mean + std)
            ax.fill_between(grid, 0.0, values, where=inside, color=color, alpha=0.18,
                            linewidth=0)
        lines.append(line)
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    ax.set_ylim(bottom=0.0)
    ax.legend(fontsize=9)
    return lines


def plot_univariate_fit(x, mean, variance, ax=None, bins=30, true_mean=None, true_variance=None):
    """Histogram of 1-D data with a fitted Gaussian density (and optionally the true one).

    Parameters
    ----------
    x : array-like of shape (N,)
    mean : float
        The fitted mean (e.g. from :func:`gmm_lib.gaussian.fit_univariate_gaussian`).
    variance : float
        The fitted variance (not standard deviation).
    ax : matplotlib Axes, optional
    bins : int or sequence, default=30
        Passed to ``ax.hist`` (drawn with ``density=True``).
    true_mean, true_variance : float, optional
        Parameters of the Gaussian that generated the data, drawn dashed.
        Give both or neither.

    Returns
    -------
    artists : UnivariateFitArtists
        ``(histogram, fitted, truth)``.
    """
    x = check_array(x, name="x", ndim=1)
    mean = _check_real_scalar(mean, "mean")
    variance = _check_variance(variance)
    if (true_mean is None) != (true_variance is None):
        raise ValueError("Give both true_mean and true_variance, or neither.")
    means = [mean]
    variances = [variance]
    if true_mean is not None:
        true_mean = _check_real_scalar(true_mean, "true_mean")
        true_variance = _check_variance(true_variance, name="true_variance")
        means.append(true_mean)
        variances.append(true_variance)
    low, high = _gaussian_curves_range(np.array(means), np.array(variances), n_std=3.5)
    grid = np.linspace(min(low, x.min()), max(high, x.max()), 500)
    ax = _get_ax(ax)
    _, _, histogram = ax.hist(x, bins=bins, density=True, color=NEUTRAL_COLOR, alpha=0.35,
                              label=f"data (N = {x.size})")
    (fitted,) = ax.plot(grid, np.exp(univariate_log_density(grid, mean, variance)),
                        color=OKABE_ITO[0], linewidth=2.0,
                        label=f"fitted: μ = {mean:.3g}, σ² = {variance:.3g}")
    truth = None
    if true_mean is not None:
        (truth,) = ax.plot(grid, np.exp(univariate_log_density(grid, true_mean, true_variance)),
                           color="black", linewidth=1.5, linestyle="--",
                           label=f"truth: μ = {true_mean:.3g}, σ² = {true_variance:.3g}")
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    ax.legend(fontsize=9)
    return UnivariateFitArtists(histogram, fitted, truth)


def plot_univariate_log_likelihood(x, ax=None, mean_range=None, variance_range=None,
                                   levels=(-32.0, -16.0, -8.0, -4.0, -2.0, -1.0, -0.5),
                                   n_grid=200):
    """Contours of the log-likelihood of a 1-D sample over the mean and the variance.

    Draws ``ln p(x | mu, sigma^2) - max`` for ``ln p(x | mu, sigma^2) =
    sum_n ln N(x_n | mu, sigma^2)``, so that the contour labels read as "how
    much lower than at the maximum", and marks the maximum-likelihood estimate
    ``(x_bar, sigma^2_ML)``.  The grid values use the sufficient statistics:
    ``sum_n (x_n - mu)^2 = N (sigma^2_ML + (x_bar - mu)^2)``.

    Parameters
    ----------
    x : array-like of shape (N,)
        At least two distinct values (otherwise there is no maximum: the
        likelihood grows without bound as the variance shrinks to 0).
    ax : matplotlib Axes, optional
    mean_range : pair of float, optional
        By default ``x_bar +- 6 sigma_ML / sqrt(N)``.
    variance_range : pair of float, optional
        Positive; by default ``sigma^2_ML * exp(+-6 / sqrt(N / 2))``.
    levels : sequence of float, default=(-32, -16, -8, -4, -2, -1, -0.5)
        Increasing negative levels of the relative log-likelihood.
    n_grid : int, default=200
        Grid points along each axis (at least 2).

    Returns
    -------
    artists : LogLikelihoodArtists
        ``(contours, maximum, means, variances, relative_log_likelihood)``.
    """
    x = check_array(x, name="x", ndim=1, min_samples=2)
    n_samples = x.size
    mean_ml = float(x.mean())
    variance_ml = float(np.mean((x - mean_ml) ** 2))
    if variance_ml <= 1e-12 * max(1.0, mean_ml**2):
        raise ValueError(
            "All values of x are (nearly) equal: the log-likelihood grows without "
            "bound as the variance shrinks to 0, so it has no maximum to draw."
        )
    levels = check_array(levels, name="levels", ndim=1)
    if np.any(np.diff(levels) <= 0) or levels.max() >= 0:
        raise ValueError(
            "levels must be increasing and negative (they are log-likelihoods "
            "relative to the maximum, which is 0)."
        )
    n_grid = check_positive_int(n_grid, "n_grid", minimum=2)
    half_width = 6.0 * np.sqrt(variance_ml / n_samples)
    m_low, m_high = ((mean_ml - half_width, mean_ml + half_width) if mean_range is None
                     else _check_limits(mean_range, "mean_range"))
    spread = np.exp(6.0 / np.sqrt(n_samples / 2.0))
    v_low, v_high = ((variance_ml / spread, variance_ml * spread) if variance_range is None
                     else _check_limits(variance_range, "variance_range"))
    if v_low <= 0.0:
        raise ValueError(f"variance_range must be positive, got low = {v_low}.")
    means = np.linspace(m_low, m_high, n_grid)
    variances = np.linspace(v_low, v_high, n_grid)
    mu, var = np.meshgrid(means, variances)
    log_likelihood = -0.5 * n_samples * (
        np.log(2.0 * np.pi * var) + (variance_ml + (mean_ml - mu) ** 2) / var
    )
    maximum_value = -0.5 * n_samples * (np.log(2.0 * np.pi * variance_ml) + 1.0)
    relative = log_likelihood - maximum_value
    ax = _get_ax(ax)
    contours = ax.contour(mu, var, relative, levels=levels, cmap=_CONTOUR_LINE_CMAP)
    ax.clabel(contours, fontsize=8, fmt="%g")
    (maximum,) = ax.plot([mean_ml], [variance_ml], linestyle="none", marker="X",
                         markersize=11, color=WARNING_COLOR, markeredgecolor="white",
                         label="maximum (x̄, σ²_ML)")
    ax.set_xlabel("mean μ")
    ax.set_ylabel("variance σ²")
    ax.legend(fontsize=9, loc="upper right")
    return LogLikelihoodArtists(contours, maximum, means, variances, relative)


def plot_mahalanobis_contours(mean, covariance, points, ax=None, samples=None, palette=None):
    """Compare Mahalanobis and Euclidean distance from the mean of a 2-D Gaussian.

    For each point, draws the ellipse of constant Mahalanobis distance through
    it (solid: a contour of the density) and the circle of constant Euclidean
    distance through it (dotted), in the point's colour; the legend gives both
    distances.  Points on the same circle can lie on very different
    ellipses, i.e. have very different densities.

    Parameters
    ----------
    mean : array-like of shape (2,)
    covariance : array-like of shape (2, 2)
        Symmetric positive-definite.
    points : array-like of shape (M, 2)
    ax : matplotlib Axes, optional
    samples : array-like of shape (N, 2), optional
        Background samples, drawn in grey.
    palette : sequence of matplotlib colours, optional

    Returns
    -------
    artists : MahalanobisArtists
        ``(samples, points, ellipses, circles, distances)``.
    """
    mean = _check_mean_2d(mean)
    covariance = _check_covariance_2d(covariance)
    points = _check_points_2d(points, name="points")
    if samples is not None:
        samples = _check_points_2d(samples, name="samples")
    colors = _palette_rgba(points.shape[0], palette)
    mahalanobis_distances = mahalanobis(points, mean, covariance)
    euclidean_distances = np.linalg.norm(points - mean, axis=1)
    ax = _get_ax(ax)
    scatter = None
    if samples is not None:
        scatter = ax.scatter(samples[:, 0], samples[:, 1], s=8, color=NEUTRAL_COLOR,
                             alpha=0.35, linewidths=0)
    markers, ellipses, circles = [], [], []
    for point, delta, radius, color in zip(points, mahalanobis_distances,
                                           euclidean_distances, colors):
        ellipse = circle = None
        if radius > 0.0:
            ellipse = _ellipse_patch(mean, covariance, float(delta), edgecolor=color,
                                     linewidth=2.0)
            circle = Circle(tuple(mean), float(radius), facecolor="none", edgecolor=color,
                            linewidth=1.5, linestyle=":")
            ax.add_patch(ellipse)
            ax.add_patch(circle)
        (marker,) = ax.plot(*point, linestyle="none", marker="o", markersize=9, color=color,
                            markeredgecolor="black",
                            label=f"Δ = {delta:.2f},  ‖x − μ‖ = {radius:.2f}")
        markers.append(marker)
        ellipses.append(ellipse)
        circles.append(circle)
    ax.plot(*mean, marker="+", color="black", markersize=12, linestyle="none")
    ax.set_aspect("equal", adjustable="datalim")
    ax.autoscale_view()
    ax.legend(fontsize=9, loc="lower right")
    distances = np.column_stack([mahalanobis_distances, euclidean_distances])
    return MahalanobisArtists(scatter, markers, ellipses, circles, distances)


def plot_mahalanobis_cdf(distances, n_features=2, ax=None, reference_dimensions=()):
    """Empirical distribution of Mahalanobis distances against the Gaussian prediction.

    If the data really are Gaussian (with the mean and covariance used to
    compute ``distances``), the fraction of points with ``Delta <= r`` follows
    ``P(chi2_D <= r^2)`` (:func:`gmm_lib.gaussian.probability_inside_ellipsoid`),
    which in two dimensions is ``1 - exp(-r^2 / 2)``.  A gap between the two
    curves is a goodness-of-fit diagnostic that works in any dimension.

    Parameters
    ----------
    distances : array-like of shape (N,)
        Mahalanobis distances (not squared), e.g. from
        :func:`gmm_lib.gaussian.mahalanobis`.
    n_features : int, default=2
        The dimension ``D`` of the data.
    ax : matplotlib Axes, optional
    reference_dimensions : sequence of int, default=()
        Also draw the prediction for these dimensions (dashed), for comparison.

    Returns
    -------
    artists : MahalanobisCDFArtists
        ``(empirical, theoretical, references)``.
    """
    distances = check_array(distances, name="distances", ndim=1)
    if distances.min() < 0.0:
        raise ValueError(
            "distances must be >= 0 (Mahalanobis distances, not signed values), "
            f"got minimum {distances.min()}."
        )
    n_features = check_positive_int(n_features, "n_features")
    references = [check_positive_int(d, "reference_dimensions") for d in reference_dimensions]
    largest = max([n_features, *references])
    r_max = max(float(distances.max()), ellipsoid_radius(0.999, largest))
    grid = np.linspace(0.0, r_max, 400)
    ax = _get_ax(ax)
    sorted_distances = np.sort(distances)
    fractions = np.arange(1, distances.size + 1) / distances.size
    (empirical,) = ax.step(np.concatenate([[0.0], sorted_distances, [r_max]]),
                           np.concatenate([[0.0], fractions, [1.0]]), where="post",
                           color=OKABE_ITO[0], linewidth=4.0, alpha=0.6,
                           label=f"data (N = {distances.size})")
    formula = "1 − exp(−r²/2)" if n_features == 2 else f"P(χ²_{n_features} ≤ r²)"
    (theoretical,) = ax.plot(grid, probability_inside_ellipsoid(grid, n_features),
                             color="black", linewidth=1.5,
                             label=f"Gaussian, D = {n_features}: {formula}")
    reference_lines = []
    for dimension, color in zip(references, _palette_rgba(len(references) + 1)[1:]):
        (line,) = ax.plot(grid, probability_inside_ellipsoid(grid, dimension), color=color,
                          linewidth=1.5, linestyle="--", label=f"Gaussian, D = {dimension}")
        reference_lines.append(line)
    ax.set_xlim(0.0, r_max)
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel("Mahalanobis radius r")
    ax.set_ylabel("fraction with Δ ≤ r")
    ax.legend(fontsize=9, loc="lower right")
    return MahalanobisCDFArtists(empirical, theoretical, reference_lines)


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
            responsibilities = check_responsibilities(
                responsibilities, X.shape[0], n_components, sample="point"
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
    responsibilities = check_responsibilities(responsibilities, X.shape[0], sample="point")
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


# ---------------------------------------------------------------------------
# k-means pictures (chapter 2)
# ---------------------------------------------------------------------------

VoronoiArtists = namedtuple("VoronoiArtists", ["regions", "boundaries"])
VoronoiArtists.__doc__ = """\
Artists drawn by :func:`plot_voronoi_regions`.

Attributes
----------
regions : matplotlib.image.AxesImage
    The shaded nearest-centre regions.
boundaries : list of matplotlib.contour.QuadContourSet
    The boundary lines (empty for a single centre).
"""

ComparisonArtists = namedtuple(
    "ComparisonArtists", ["reference", "clusters", "mismatches", "mapping"]
)
ComparisonArtists.__doc__ = """\
Artists drawn by :func:`plot_cluster_comparison`.

Attributes
----------
reference : ClusterArtists
    The left panel (reference labels).
clusters : ClusterArtists
    The right panel (the clustering, renamed to match the reference).
mismatches : PathCollection or None
    Circles around the points whose matched label differs from the reference.
mapping : ndarray of int
    Cluster ``k`` of ``labels`` is drawn in the colour of reference cluster
    ``mapping[k]`` (see :func:`gmm_lib.metrics.match_labels`).
"""


def _nearest_center_gaps(points, centers):
    """For every centre k, ``d_k(x) - min_{j != k} d_j(x)`` on ``points``, shape (P, K).

    ``d_k(x) = ||x - mu_k||^2``.  The differences of squared distances are
    affine in ``x``: ``d_k - d_j = ||mu_k||^2 - ||mu_j||^2 - 2 x^T (mu_k - mu_j)``;
    computing them this way keeps the zero level (the boundary) exact.
    """
    scores = np.einsum("kd,kd->k", centers, centers)[np.newaxis, :] - 2.0 * points @ centers.T
    n_centers = centers.shape[0]
    gaps = np.full_like(scores, -np.inf)  # a lone centre is nearest everywhere
    for k in range(n_centers if n_centers > 1 else 0):
        others = np.delete(scores, k, axis=1)
        gaps[:, k] = scores[:, k] - others.min(axis=1)
    return scores, gaps


def plot_voronoi_regions(
    centers,
    ax=None,
    xlim=None,
    ylim=None,
    n_grid=400,
    palette=None,
    alpha=0.15,
    boundary_color="black",
    linewidth=1.0,
):
    """Shade the region of the plane nearest to each centre and draw the boundaries.

    The regions are what the k-means assignment step does to any point: a
    point in region ``k`` is assigned to centre ``k`` (ties to the lowest
    index).  The boundary between two neighbouring centres is a piece of
    their perpendicular bisector, so every region is a convex polygon (a
    Voronoi cell).

    Parameters
    ----------
    centers : array-like of shape (K, 2)
    ax : matplotlib Axes, optional
    xlim, ylim : pair of float, optional
        The part of the plane to cover; by default the current limits of
        ``ax`` (draw the data first), which are kept.
    n_grid : int, default=400
        Grid points along each axis (at least 2) for the shading.
    palette : sequence of matplotlib colours, optional
        Region ``k`` gets colour ``k``, as in :func:`plot_clusters`.
    alpha : float, default=0.15
        Opacity of the shading.
    boundary_color : matplotlib colour, default='black'
    linewidth : float, default=1.0
        Width of the boundary lines (0 draws none).

    Returns
    -------
    artists : VoronoiArtists
        ``(regions, boundaries)``.
    """
    centers = _check_points_2d(centers, name="centers")
    n_centers = centers.shape[0]
    ax = _get_ax(ax)
    x_low, x_high = _check_limits(ax.get_xlim() if xlim is None else xlim, "xlim")
    y_low, y_high = _check_limits(ax.get_ylim() if ylim is None else ylim, "ylim")
    n_grid = check_positive_int(n_grid, "n_grid", minimum=2)
    alpha = check_non_negative_float(alpha, "alpha")
    if alpha > 1.0:
        raise ValueError(f"alpha is an opacity in [0, 1], got {alpha}.")
    linewidth = check_non_negative_float(linewidth, "linewidth")
    colors = _palette_rgba(n_centers, palette)

    xx, yy = np.meshgrid(np.linspace(x_low, x_high, n_grid), np.linspace(y_low, y_high, n_grid))
    points = np.column_stack([xx.ravel(), yy.ravel()])
    scores, gaps = _nearest_center_gaps(points, centers)
    nearest = np.argmin(scores, axis=1).reshape(xx.shape)
    regions = ax.imshow(
        nearest, origin="lower", extent=(x_low, x_high, y_low, y_high),
        cmap=ListedColormap(colors), vmin=-0.5, vmax=n_centers - 0.5,
        alpha=alpha, interpolation="nearest", aspect="auto", zorder=0,
    )
    boundaries = []
    if linewidth > 0:
        # Every boundary separates two regions, at least one of which has an
        # index below K - 1, so the zero level of gaps[:, :K-1] draws them all.
        for k in range(n_centers - 1):
            gap = gaps[:, k].reshape(xx.shape)
            if gap.min() < 0.0 < gap.max():
                boundaries.append(ax.contour(
                    xx, yy, gap, levels=[0.0], colors=[boundary_color],
                    linewidths=linewidth, zorder=1,
                ))
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)
    return VoronoiArtists(regions, boundaries)


def plot_cluster_comparison(
    X,
    reference_labels,
    labels,
    centers=None,
    axes=None,
    titles=("reference", "clustering"),
    mark_mismatches=True,
    palette=None,
):
    """Two panels: a reference labelling (e.g. the truth) and a clustering, in matching colours.

    Cluster names are arbitrary, so the clusters of ``labels`` are first
    renamed to agree as much as possible with the reference
    (:func:`gmm_lib.metrics.match_labels`); matched clusters then share a
    colour.  Points on which the two still disagree are circled.

    Parameters
    ----------
    X : array-like of shape (N, 2)
    reference_labels : array-like of shape (N,)
    labels : array-like of shape (N,)
    centers : array-like of shape (n_clusters, 2), optional
        Centres of the clusters of ``labels`` (row ``k`` for label ``k``);
        drawn in the matched colours.
    axes : pair of matplotlib Axes, optional
        By default a new figure with two side-by-side panels of equal scale.
    titles : pair of str, default=("reference", "clustering")
    mark_mismatches : bool, default=True
    palette : sequence of matplotlib colours, optional

    Returns
    -------
    artists : ComparisonArtists
    """
    from .metrics import match_labels  # numpy/scipy only; imported here to keep this module light

    X = _check_points_2d(X)
    reference_labels = _check_labels(reference_labels, X.shape[0])
    labels = _check_labels(labels, X.shape[0])
    if centers is not None:
        centers = _check_points_2d(centers, name="centers")
        if labels.max() >= centers.shape[0]:
            raise ValueError(
                f"labels go up to {labels.max()} but only {centers.shape[0]} "
                f"centre(s) were given (row k of centers is the centre of label k)."
            )
    if len(titles) != 2:
        raise ValueError(f"titles must be a pair of strings, got {titles!r}.")
    matched, mapping = match_labels(reference_labels, labels, return_mapping=True)
    if centers is not None and centers.shape[0] > mapping.size:
        # Centres of trailing clusters that received no sample: give them
        # colours no matched cluster uses.
        taken = set(mapping.tolist())
        spare = [i for i in range(mapping.size + centers.shape[0]) if i not in taken]
        mapping = np.concatenate([mapping, spare[: centers.shape[0] - mapping.size]])
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9.0, 4.0), sharex=True, sharey=True,
                               layout="constrained")
    if len(axes) != 2:
        raise ValueError("axes must be a pair of matplotlib Axes (left, right).")
    left, right = axes
    n_colors = int(max(reference_labels.max(), mapping.max())) + 1
    colors = _palette_rgba(n_colors, palette)
    reference = plot_clusters(X, reference_labels, ax=left, palette=colors)
    clusters = plot_clusters(X, matched, ax=right, palette=colors)
    if centers is not None:
        star = right.scatter(
            centers[:, 0], centers[:, 1], s=220, c=colors[mapping], marker="*",
            edgecolors="black", linewidths=1.2, zorder=3,
        )
        clusters = ClusterArtists(clusters.scatter, star)
    mismatches = None
    wrong = matched != reference_labels
    if mark_mismatches and wrong.any():
        mismatches = right.scatter(
            X[wrong, 0], X[wrong, 1], s=60, facecolors="none", edgecolors="black",
            linewidths=0.9, zorder=2, label="disagrees with reference",
        )
    left.set_title(titles[0])
    right.set_title(titles[1])
    return ComparisonArtists(reference, clusters, mismatches, mapping)


def plot_restart_distribution(
    final_values,
    ax=None,
    bins=30,
    xlabel="final distortion J",
    mark_best=True,
):
    """Histograms of the final objective reached by many restarts, one per method.

    Each restart of a local method (Lloyd's algorithm, EM) ends at some
    fixed point; the spread of the final values shows how often a method
    stops at a poor one.

    Parameters
    ----------
    final_values : array-like of shape (R,) or dict of str to array-like
        The final value of every restart; a dict compares several methods
        (e.g. ``{"random": ..., "k-means++": ...}``), each drawn in its own
        colour with the same bins.
    ax : matplotlib Axes, optional
    bins : int, default=30
        Number of common bins spanning all the values.
    xlabel : str, default="final distortion J"
    mark_best : bool, default=True
        Draw a dashed vertical line at the smallest value over all restarts
        (the best fixed point found).

    Returns
    -------
    histograms : list of matplotlib.patches.Polygon lists
        One entry per method, as returned by ``ax.hist``.
    """
    if isinstance(final_values, dict):
        if not final_values:
            raise ValueError("final_values is an empty dict: give at least one method.")
        groups = {str(name): check_array(values, name=f"final_values[{name!r}]", ndim=1)
                  for name, values in final_values.items()}
    else:
        groups = {"": check_array(final_values, name="final_values", ndim=1)}
    bins = check_positive_int(bins, "bins")
    ax = _get_ax(ax)
    every = np.concatenate(list(groups.values()))
    low, high = float(every.min()), float(every.max())
    if high - low <= 1e-12 * max(1.0, abs(high)):
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, bins + 1)
    histograms = []
    for index, (name, values) in enumerate(groups.items()):
        color = OKABE_ITO[index % len(OKABE_ITO)]
        _, _, patches = ax.hist(
            values, bins=edges, histtype="stepfilled", alpha=0.35, color=color,
            edgecolor=color, linewidth=1.5, label=name or None,
        )
        histograms.append(patches)
    if mark_best:
        ax.axvline(every.min(), color="black", linestyle="--", linewidth=1.0,
                   label="best found")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("number of restarts")
    if len(groups) > 1 or mark_best:
        ax.legend(frameon=False)
    return histograms


def plot_elbow(n_clusters, values, ax=None, ylabel="distortion J", mark=None, **kwargs):
    """Plot an objective against the number of clusters K (the "elbow" plot).

    Parameters
    ----------
    n_clusters : array-like of int, shape (M,)
        The values of K, increasing.
    values : array-like of shape (M,)
        E.g. the best distortion found for each K.
    ax : matplotlib Axes, optional
    ylabel : str, default="distortion J"
    mark : int, optional
        A value of K to circle (e.g. the number of clusters that generated
        the data).
    **kwargs
        Passed to ``ax.plot`` for the main line.

    Returns
    -------
    line : matplotlib.lines.Line2D
    """
    n_clusters = check_array(n_clusters, name="n_clusters", ndim=1)
    values = check_array(values, name="values", ndim=1)
    if n_clusters.shape != values.shape:
        raise ValueError(
            f"n_clusters and values must have the same length, got "
            f"{n_clusters.shape[0]} and {values.shape[0]}."
        )
    if np.any(n_clusters != np.round(n_clusters)) or n_clusters.min() < 1:
        raise ValueError("n_clusters must hold positive integers (the values of K).")
    if np.any(np.diff(n_clusters) <= 0):
        raise ValueError("n_clusters must be strictly increasing.")
    ax = _get_ax(ax)
    style = {"color": OKABE_ITO[0], "marker": "o", "markersize": 5, "linewidth": 1.5}
    style.update(kwargs)
    (line,) = ax.plot(n_clusters, values, **style)
    if mark is not None:
        mark = check_positive_int(mark, "mark")
        where = np.flatnonzero(n_clusters == mark)
        if where.size == 0:
            raise ValueError(f"mark={mark} is not one of the values of n_clusters.")
        ax.plot(n_clusters[where], values[where], linestyle="none", marker="o",
                markersize=13, markerfacecolor="none", markeredgecolor=WARNING_COLOR,
                markeredgewidth=2.0)
    ax.set_xlabel("number of clusters K")
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return line


# ---------------------------------------------------------------------------
# The evidence lower bound along EM (chapter 4)
# ---------------------------------------------------------------------------

BoundArtists = namedtuple("BoundArtists", ["log_likelihood", "lower_bound", "gaps"])
BoundArtists.__doc__ = """\
Artists drawn by :func:`plot_bound_decomposition`.

Attributes
----------
log_likelihood : Line2D
    ``ln p(X | theta)`` after every half-step.
lower_bound : Line2D
    ``L(q, theta)`` after every half-step.
gaps : LineCollection
    One vertical segment per half-step, from ``L`` up to ``ln p``: its
    length is ``KL(q || p(Z | X, theta))``.
"""


def plot_bound_decomposition(log_likelihoods, lower_bounds, ax=None, labels=None,
                             first_iteration=1):
    """The log-likelihood, the evidence lower bound and the KL gap after every half-step of EM.

    Half-step ``i`` is drawn at ``x = i``: the log-likelihood
    ``ln p(X | theta)`` (circles), the lower bound ``L(q, theta)`` (squares)
    and a vertical segment between them whose length is the KL divergence.
    An E-step closes the gap (the segment vanishes); an M-step raises the
    bound and opens the gap again.

    Parameters
    ----------
    log_likelihoods : array-like of shape (T,)
        E.g. ``trace.log_likelihoods`` of :func:`gmm_lib.bounds.em_bound_trace`.
    lower_bounds : array-like of shape (T,)
        ``L(q, theta)`` at the same half-steps; never above ``log_likelihoods``.
    ax : matplotlib Axes, optional
    labels : sequence of str, optional
        Tick label of every half-step; by default ``'E1', 'M1', 'E2', ...``
        (half-steps alternate, starting with an E-step).
    first_iteration : int, default=1
        Iteration of the first half-step for the default labels, e.g. 3 for
        ``trace.log_likelihoods[4:]`` (labels ``'E3', 'M3', ...``).

    Returns
    -------
    artists : BoundArtists
        ``(log_likelihood, lower_bound, gaps)``.
    """
    log_likelihoods = check_array(log_likelihoods, name="log_likelihoods", ndim=1)
    lower_bounds = check_array(lower_bounds, name="lower_bounds", ndim=1)
    n_steps = log_likelihoods.shape[0]
    if lower_bounds.shape != log_likelihoods.shape:
        raise ValueError(
            f"log_likelihoods and lower_bounds must have the same length (one value "
            f"per half-step), got {n_steps} and {lower_bounds.shape[0]}."
        )
    scale = max(1.0, float(np.abs(log_likelihoods).max()))
    worst = float(np.max(lower_bounds - log_likelihoods))
    if worst > 1e-9 * scale:
        raise ValueError(
            "lower_bounds must never exceed log_likelihoods (L(q, theta) <= ln p(X | "
            f"theta) for every q), but one is larger by {worst:.3g}."
        )
    first_iteration = check_positive_int(first_iteration, "first_iteration", minimum=0)
    if labels is None:
        labels = [f"{'EM'[i % 2]}{i // 2 + first_iteration}" for i in range(n_steps)]
    else:
        labels = [str(label) for label in labels]
        if len(labels) != n_steps:
            raise ValueError(
                f"labels must have one entry per half-step ({n_steps}), got {len(labels)}."
            )
    ax = _get_ax(ax)
    steps = np.arange(n_steps)
    gaps = ax.vlines(
        steps, lower_bounds, log_likelihoods, colors=WARNING_COLOR, linewidths=3.0,
        alpha=0.6, label="gap = KL(q ‖ p(Z | X, θ))",
    )
    (log_likelihood_line,) = ax.plot(
        steps, log_likelihoods, color=OKABE_ITO[0], marker="o", markersize=5, linewidth=1.5,
        label="ln p(X | θ)",
    )
    (lower_bound_line,) = ax.plot(
        steps, lower_bounds, color=OKABE_ITO[1], marker="s", markersize=4, linewidth=1.2,
        linestyle="--", label="L(q, θ)",
    )
    ax.set_xticks(steps)
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_xlabel("half-step (E = expectation, M = maximisation)")
    ax.set_ylabel("nats")
    ax.legend(loc="lower right")
    return BoundArtists(log_likelihood_line, lower_bound_line, gaps)


# ---------------------------------------------------------------------------
# Responsibilities and decision boundaries (chapter 3, mixtures)
# ---------------------------------------------------------------------------

UnivariateResponsibilityArtists = namedtuple(
    "UnivariateResponsibilityArtists",
    ["curves", "uncertain", "boundary_lines", "boundary_points"],
)
UnivariateResponsibilityArtists.__doc__ = """\
Artists drawn by :func:`plot_univariate_responsibilities`.

Attributes
----------
curves : list of Line2D
    ``gamma_k(x)`` for every component ``k``, in the component's colour.
uncertain : PolyCollection or None
    The shaded set where no component has responsibility ``>= threshold``
    (None if no threshold was given).
boundary_lines : list of Line2D
    A vertical dotted line at every boundary point.
boundary_points : ndarray of shape (n_boundaries,)
    The points ``x`` (sorted) where the most responsible component changes,
    i.e. where the two leading weighted densities are equal.
"""


def _check_univariate_parameters(weights, means, variances):
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
    return weights, means, variances


def _check_threshold(threshold):
    threshold = check_non_negative_float(threshold, "threshold")
    if not 0.0 < threshold <= 1.0:
        raise ValueError(
            f"threshold is a responsibility and must lie in (0, 1], got {threshold}."
        )
    return threshold


def _univariate_weighted_log_prob(x, weights, means, variances):
    """``ln pi_k + ln N(x | mu_k, sigma_k^2)``, shape (len(x), K)."""
    with np.errstate(divide="ignore"):  # a zero weight is a legitimate -inf
        log_weights = np.log(weights)
    return np.column_stack(
        [log_weights[k] + univariate_log_density(x, means[k], variances[k])
         for k in range(len(weights))]
    )


def _univariate_boundaries(grid, weighted, weights, means, variances):
    """Points where the leading component changes, refined by root finding."""
    leader = np.argmax(weighted, axis=1)
    points = []
    for i in np.flatnonzero(leader[1:] != leader[:-1]):
        j, k = leader[i], leader[i + 1]

        def gap(x, j=j, k=k):
            values = _univariate_weighted_log_prob(np.array([x]), weights, means, variances)[0]
            return values[j] - values[k]

        points.append(brentq(gap, grid[i], grid[i + 1], xtol=1e-12))
    return np.array(points, dtype=np.float64)


def plot_univariate_responsibilities(
    weights, means, variances, ax=None, x_range=None, threshold=None, n_grid=1000
):
    """Responsibilities of a 1-D mixture as functions of ``x``.

    ``gamma_k(x) = pi_k N(x | mu_k, sigma_k^2) / sum_j pi_j N(x | mu_j, sigma_j^2)``
    is computed in log space (log-sum-exp), so the curves stay exact far in
    the tails, where every density underflows.  The points where the most
    responsible component changes (the decision boundary of the hard
    assignment) are found by root finding and drawn as dotted vertical lines.

    Parameters
    ----------
    weights : array-like of shape (K,)
    means : array-like of shape (K,)
    variances : array-like of shape (K,)
        Variances ``sigma_k^2`` (not standard deviations).
    ax : matplotlib Axes, optional
    x_range : pair of float, optional
        Interval to draw; by default every ``mu_k +- 4 sigma_k``.
    threshold : float in (0, 1], optional
        Shade the ``x`` where the largest responsibility is below it (the
        points no component clearly claims).
    n_grid : int, default=1000
        Grid points (at least 2).

    Returns
    -------
    artists : UnivariateResponsibilityArtists
        ``(curves, uncertain, boundary_lines, boundary_points)``.
    """
    weights, means, variances = _check_univariate_parameters(weights, means, variances)
    if x_range is None:
        stds = np.sqrt(variances)
        x_range = ((means - 4.0 * stds).min(), (means + 4.0 * stds).max())
    low, high = _check_limits(x_range, "x_range")
    if threshold is not None:
        threshold = _check_threshold(threshold)
    n_grid = check_positive_int(n_grid, "n_grid", minimum=2)
    ax = _get_ax(ax)

    grid = np.linspace(low, high, n_grid)
    weighted = _univariate_weighted_log_prob(grid, weights, means, variances)
    responsibilities = np.exp(weighted - logsumexp(weighted, axis=1)[:, np.newaxis])
    colors = _palette_rgba(len(weights))
    curves = []
    for k in range(len(weights)):
        (line,) = ax.plot(grid, responsibilities[:, k], color=colors[k], linewidth=2.0,
                          label=f"component {k}")
        curves.append(line)
    ax.axhline(0.5, color=NEUTRAL_COLOR, linewidth=0.8, linestyle=":")
    uncertain = None
    if threshold is not None:
        uncertain = ax.fill_between(
            grid, 0.0, 1.0, where=responsibilities.max(axis=1) < threshold,
            color=NEUTRAL_COLOR, alpha=0.25, linewidth=0,
            transform=ax.get_xaxis_transform(), label=f"largest γ < {threshold:g}",
        )
    boundary_points = _univariate_boundaries(grid, weighted, weights, means, variances)
    boundary_lines = [
        ax.axvline(point, color="black", linewidth=1.0, linestyle="--")
        for point in boundary_points
    ]
    ax.set_xlim(low, high)
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("x")
    ax.set_ylabel("responsibility")
    return UnivariateResponsibilityArtists(curves, uncertain, boundary_lines, boundary_points)


def plot_uncertain_points(X, responsibilities, threshold=0.6, ax=None, **kwargs):
    """Ring the points that no component clearly claims.

    A point is *uncertain* when its largest responsibility is below
    ``threshold``: for two components and ``threshold=0.6``, both
    responsibilities lie between 0.4 and 0.6.

    Parameters
    ----------
    X : array-like of shape (N, 2)
    responsibilities : array-like of shape (N, K)
    threshold : float in (0, 1], default=0.6
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``ax.scatter`` (e.g. ``s``, ``edgecolors``, ``label``).

    Returns
    -------
    rings : matplotlib.collections.PathCollection
        One ring per uncertain point (``len(rings.get_offsets())`` counts
        them; it may be zero).
    """
    X = _check_points_2d(X)
    responsibilities = check_responsibilities(responsibilities, X.shape[0], sample="point")
    threshold = _check_threshold(threshold)
    ax = _get_ax(ax)
    uncertain = responsibilities.max(axis=1) < threshold
    style = {"s": 70, "facecolors": "none", "edgecolors": "black", "linewidths": 1.0,
             "zorder": 3, "label": f"largest γ < {threshold:g}"}
    style.update(kwargs)
    return ax.scatter(X[uncertain, 0], X[uncertain, 1], **style)


def plot_decision_boundary(
    weights,
    means,
    covariances,
    covariance_type="full",
    ax=None,
    xlim=None,
    ylim=None,
    n_grid=300,
    color="black",
    linewidth=1.5,
    linestyle="solid",
):
    """Draw where a 2-D mixture's most responsible component changes.

    Between components ``j`` and ``k`` the boundary is the set where
    ``ln pi_j + ln N(x | mu_j, Sigma_j) = ln pi_k + ln N(x | mu_k, Sigma_k)``
    and these two lead all others.  It is a conic (quadratic curve) in
    general and a straight line when ``Sigma_j = Sigma_k`` (e.g.
    ``covariance_type='tied'``).  The log-ratio is evaluated on a grid and
    its zero level drawn, restricted to where ``j`` and ``k`` are the two
    leading components, so only the real boundaries appear.

    Parameters
    ----------
    weights : array-like of shape (K,)
    means : array-like of shape (K, 2)
    covariances : array-like
        In the layout of ``covariance_type``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    ax : matplotlib Axes, optional
    xlim, ylim : pair of float, optional
        Part of the plane to cover; by default the current limits of ``ax``
        (draw the data first), which are kept.
    n_grid : int, default=300
        Grid points along each axis (at least 2).
    color : matplotlib colour, default='black'
    linewidth : float, default=1.5
    linestyle : str, default='solid'

    Returns
    -------
    boundaries : list of matplotlib.contour.QuadContourSet
        One per pair of components that share a boundary in the window.
    """
    weights, means, full = _check_mixture_2d(weights, means, covariances, covariance_type)
    n_grid = check_positive_int(n_grid, "n_grid", minimum=2)
    linewidth = check_non_negative_float(linewidth, "linewidth")
    ax = _get_ax(ax)
    x_low, x_high = _check_limits(ax.get_xlim() if xlim is None else xlim, "xlim")
    y_low, y_high = _check_limits(ax.get_ylim() if ylim is None else ylim, "ylim")

    xx, yy = np.meshgrid(np.linspace(x_low, x_high, n_grid), np.linspace(y_low, y_high, n_grid))
    points = np.column_stack([xx.ravel(), yy.ravel()])
    with np.errstate(divide="ignore"):  # a zero weight is a legitimate -inf
        log_weights = np.log(weights)
    weighted = np.column_stack(
        [log_weights[k] + log_density(points, means[k], full[k]) for k in range(len(weights))]
    )
    boundaries = []
    if len(weights) < 2:
        return boundaries
    order = np.argsort(weighted, axis=1)
    first, second = order[:, -1], order[:, -2]
    for j in range(len(weights)):
        for k in range(j + 1, len(weights)):
            leading = ((first == j) & (second == k)) | ((first == k) & (second == j))
            if not leading.any():
                continue
            with np.errstate(invalid="ignore"):
                gap = weighted[:, j] - weighted[:, k]
            gap = np.ma.masked_where(~leading | ~np.isfinite(gap), gap).reshape(xx.shape)
            if gap.count() == 0 or not (gap.min() < 0.0 < gap.max()):
                continue
            boundaries.append(ax.contour(
                xx, yy, gap, levels=[0.0], colors=[color], linewidths=linewidth,
                linestyles=linestyle, zorder=2,
            ))
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)
    return boundaries


# ---------------------------------------------------------------------------
# Singularities and identifiability (chapter 5)
# ---------------------------------------------------------------------------

PinnedMixtureArtists = namedtuple(
    "PinnedMixtureArtists", ["histogram", "mixture", "components", "peak"]
)
PinnedMixtureArtists.__doc__ = """\
Artists drawn by :func:`plot_pinned_mixture_1d`.

Attributes
----------
histogram : BarContainer
    The data, one bar per resolution step (tied values show as tall bars).
mixture : Line2D
    The mixture density, evaluated on a grid refined around every mean so
    that a narrow spike is drawn at its true height.
components : list of Line2D
    The weighted components ``pi_k N(x | mu_k, sigma_k^2)``.
peak : matplotlib.text.Annotation or None
    The label giving the height of a spike that leaves the axes (None if
    the whole density fits).
"""

LikelihoodSurfaceArtists = namedtuple(
    "LikelihoodSurfaceArtists", ["contours", "diagonal", "maxima", "saddle"]
)
LikelihoodSurfaceArtists.__doc__ = """\
Artists drawn by :func:`plot_log_likelihood_surface`.

Attributes
----------
contours : QuadContourSet
    Filled contours of the log-likelihood.
diagonal : Line2D
    The line ``mu_1 = mu_2`` (both components identical).
maxima : PathCollection
    The grid's local maxima (stars); with label switching they come in
    mirror pairs.
saddle : PathCollection or None
    The highest point of the diagonal (a cross), when both axes use the same
    grid; None otherwise.
"""


def _refined_grid(low, high, means, stds, n_grid=600):
    """A regular grid plus dense points within 8 standard deviations of each mean."""
    pieces = [np.linspace(low, high, n_grid)]
    for mean, std in zip(means, stds):
        pieces.append(mean + std * np.linspace(-8.0, 8.0, 161))
    grid = np.unique(np.concatenate(pieces))
    return grid[(grid >= low) & (grid <= high)]


def plot_pinned_mixture_1d(x, weights, means, variances, ax=None, resolution=None,
                           peak_factor=1.8):
    """A 1-D mixture density over data with ties, drawn so that a spike is visible.

    The data are shown as a density histogram with one bar per
    ``resolution`` step (for values recorded to whole minutes, one bar per
    minute), so tied values appear as tall bars.  The mixture and its
    weighted components are evaluated on a grid refined around every mean:
    a component of tiny variance is drawn as the needle it is instead of
    being missed between grid points.  If a spike rises above
    ``peak_factor`` times the histogram, the axes stop there and a label
    gives the spike's height.

    Parameters
    ----------
    x : array-like of shape (N,) or (N, 1)
    weights : array-like of shape (K,)
    means : array-like of shape (K,)
    variances : array-like of shape (K,)
        Variances ``sigma_k^2``, positive.
    ax : matplotlib Axes, optional
    resolution : float, optional
        Width of the histogram bars; by default the smallest gap between
        distinct data values (the recording resolution), but at least 1/60
        of the data range.
    peak_factor : float, default=1.8
        Height of the axes relative to the tallest bar or smooth density.

    Returns
    -------
    artists : PinnedMixtureArtists
    """
    x = check_array(x, name="x", ndim=(1, 2))
    if x.ndim == 2:
        if x.shape[1] != 1:
            raise ValueError(f"x must be one-dimensional data, but has shape {x.shape}.")
        x = x[:, 0]
    means = check_array(means, name="means", ndim=1)
    n_components = means.shape[0]
    weights = check_weights(weights, n_components)
    variances = check_array(variances, name="variances", ndim=1)
    if variances.shape != (n_components,):
        raise ValueError(
            f"variances must have shape ({n_components},), one per component, but has "
            f"shape {variances.shape}."
        )
    for k, variance in enumerate(variances):
        _check_variance(variance, name=f"variances[{k}]")
    peak_factor = check_non_negative_float(peak_factor, "peak_factor")
    ax = _get_ax(ax)

    span = max(float(x.max() - x.min()), 1e-9)
    if resolution is None:
        gaps = np.diff(np.unique(x))
        resolution = max(float(gaps.min()) if gaps.size else span, span / 60.0)
    else:
        resolution = check_non_negative_float(resolution, "resolution")
        if resolution <= 0.0:
            raise ValueError("resolution must be positive.")
    edges = np.arange(x.min() - resolution / 2, x.max() + resolution, resolution)
    _, _, histogram = ax.hist(x, bins=edges, density=True, color=NEUTRAL_COLOR, alpha=0.35,
                              label="data")
    stds = np.sqrt(variances)
    low, high = edges[0] - 0.05 * span, edges[-1] + 0.05 * span
    grid = _refined_grid(low, high, means, stds)
    with np.errstate(divide="ignore"):  # a zero weight is a legitimate -inf
        log_weights = np.log(weights)
    weighted = np.column_stack(
        [log_weights[k] + univariate_log_density(grid, means[k], variances[k])
         for k in range(n_components)]
    )
    density = np.exp(logsumexp(weighted, axis=1))
    colors = _palette_rgba(n_components)
    components = []
    for k in range(n_components):
        (line,) = ax.plot(grid, np.exp(weighted[:, k]), color=colors[k], linewidth=1.3,
                          linestyle="--", label=f"component {k}")
        components.append(line)
    (mixture,) = ax.plot(grid, density, color="black", linewidth=1.8, label="mixture density")
    bar_top = max((patch.get_height() for patch in histogram), default=0.0)
    # The smooth part: the density away from any spike narrower than a bar.
    narrow = stds < resolution / 2
    smooth = density.copy()
    for k in np.flatnonzero(narrow):
        smooth[np.abs(grid - means[k]) < 4 * resolution] = np.nan
    smooth_top = float(np.nanmax(smooth)) if np.isfinite(smooth).any() else 0.0
    top = peak_factor * max(bar_top, smooth_top, 1e-12)
    peak = None
    if density.max() > top:
        where = grid[np.argmax(density)]
        ax.set_ylim(0.0, top)
        peak = ax.annotate(
            f"spike height {density.max():.3g}", xy=(where, top), xytext=(8, -14),
            textcoords="offset points", fontsize=9, ha="left", va="top",
            arrowprops={"arrowstyle": "->", "color": "black", "linewidth": 0.8},
        )
    else:
        ax.set_ylim(0.0, max(top, 1.05 * density.max()))
    ax.set_xlim(low, high)
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    return PinnedMixtureArtists(histogram, mixture, components, peak)


def plot_log_likelihood_vs_scale(scales, curves, ax=None, ylim=None, xlabel="σ"):
    """Log-likelihood against the scale of a shrinking component (log axis, shrinking to the right).

    Parameters
    ----------
    scales : array-like of shape (S,)
        Positive values, e.g. the standard deviation σ of a component pinned
        on a data point.
    curves : dict of str to array-like of shape (S,)
        ``ln p(X | theta(σ))`` for each situation to compare, by label.
    ax : matplotlib Axes, optional
    ylim : pair of float, optional
        Vertical limits; curves plunging below the lower one leave the axes
        (useful when one of them tends to minus infinity).
    xlabel : str, default="σ"

    Returns
    -------
    lines : list of matplotlib.lines.Line2D
        One per curve, in the order of ``curves``.
    """
    scales = check_array(scales, name="scales", ndim=1)
    if np.any(scales <= 0.0):
        raise ValueError("scales must be positive (they are drawn on a logarithmic axis).")
    if not isinstance(curves, dict) or not curves:
        raise ValueError("curves must be a non-empty dict of label -> values.")
    checked = {}
    for label, values in curves.items():
        values = check_array(values, name=f"curves[{label!r}]", ndim=1)
        if values.shape != scales.shape:
            raise ValueError(
                f"curves[{label!r}] must have one value per scale ({scales.shape[0]}), "
                f"but has shape {values.shape}."
            )
        checked[str(label)] = values
    ax = _get_ax(ax)
    markers = ["o", "s", "^", "D", "v", "P"]
    lines = []
    for index, (label, values) in enumerate(checked.items()):
        (line,) = ax.plot(scales, values, color=OKABE_ITO[index % len(OKABE_ITO)],
                          marker=markers[index % len(markers)], markersize=3.5, linewidth=1.6,
                          label=label)
        lines.append(line)
    ax.set_xscale("log")
    if not ax.xaxis_inverted():
        ax.invert_xaxis()
    if ylim is not None:
        low, high = (float(v) for v in ylim)
        if not low < high:
            raise ValueError(f"ylim must be (low, high) with low < high, got {ylim!r}.")
        ax.set_ylim(low, high)
    ax.set_xlabel(f"{xlabel} (shrinking →)")
    ax.set_ylabel("ln p(X | θ)")
    ax.legend(frameon=False, fontsize=9)
    return lines


def plot_smallest_variance_history(history, covariance_type="full", ax=None, floor=None):
    """The smallest covariance eigenvalue of every component along an EM run (log scale).

    A collapsing component shows as a line plunging by orders of magnitude
    until it hits the ``reg_covar`` floor (or zero).

    Parameters
    ----------
    history : list of dict
        Snapshots with key ``'covariances'`` in the layout of
        ``covariance_type``, e.g. ``GaussianMixture(record_history=True)``'s
        ``history_`` or ``run_em(..., record_history=True)['history']``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    ax : matplotlib Axes, optional
    floor : float, optional
        Drawn as a dotted horizontal line labelled "reg_covar floor".

    Returns
    -------
    lines : list of matplotlib.lines.Line2D
        One per component (one for 'tied').
    """
    if isinstance(history, dict) or not isinstance(history, (list, tuple)) or not history:
        raise ValueError("history must be a non-empty list of dicts with key 'covariances'.")
    smallest = []
    for t, snapshot in enumerate(history):
        if not isinstance(snapshot, dict) or "covariances" not in snapshot:
            raise ValueError(f"history[{t}] must be a dict with key 'covariances'.")
        covariances = np.asarray(snapshot["covariances"], dtype=np.float64)
        if covariance_type == "tied":
            n_components, n_features = 1, covariances.shape[-1]
        elif covariance_type == "spherical":
            n_components, n_features = covariances.shape[0], 1
        else:
            n_components, n_features = covariances.shape[0], covariances.shape[-1]
        full = expand_covariances(covariances, covariance_type, n_components, n_features)
        smallest.append(np.linalg.eigvalsh(full)[:, 0])
    smallest = np.array(smallest)
    ax = _get_ax(ax)
    iterations = np.arange(smallest.shape[0])
    lines = []
    for k in range(smallest.shape[1]):
        (line,) = ax.plot(iterations, smallest[:, k], color=OKABE_ITO[k % len(OKABE_ITO)],
                          marker="o", markersize=3.5, linewidth=1.5,
                          label="shared" if covariance_type == "tied" else f"component {k}")
        lines.append(line)
    if floor is not None:
        floor = check_non_negative_float(floor, "floor")
        if floor > 0.0:
            ax.axhline(floor, color=WARNING_COLOR, linestyle=":", linewidth=1.2,
                       label="reg_covar floor")
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("smallest variance (eigenvalue of Σ_k)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(frameon=False, fontsize=9)
    return lines


def _grid_local_maxima(surface):
    """(row, column) indices of the strict local maxima of a 2-D array (8 neighbours)."""
    padded = np.pad(surface, 1, mode="constant", constant_values=-np.inf)
    centre = padded[1:-1, 1:-1]
    is_max = np.ones(surface.shape, dtype=bool)
    rows, columns = surface.shape
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di == 0 and dj == 0:
                continue
            neighbour = padded[1 + di: 1 + di + rows, 1 + dj: 1 + dj + columns]
            is_max &= centre > neighbour
    return np.argwhere(is_max)


def plot_log_likelihood_surface(mu1_values, mu2_values, surface, ax=None, depth=None,
                                n_levels=20, cmap="viridis"):
    """Filled contours of a log-likelihood over two means, with its symmetric structure marked.

    Draws the surface (e.g. from
    :func:`gmm_lib.labels.two_means_log_likelihood_grid`), the diagonal
    ``mu_1 = mu_2`` on which the two components coincide, every local
    maximum of the grid (stars) and, when both axes use the same grid, the
    highest point of the diagonal (a cross): the saddle between the mirror
    maxima.

    Parameters
    ----------
    mu1_values : array-like of shape (G1,)
    mu2_values : array-like of shape (G2,)
    surface : array-like of shape (G2, G1)
    ax : matplotlib Axes, optional
    depth : float, optional
        Show only the top ``depth`` units below the maximum (lower values are
        drawn in the lowest colour).  By default the range from the maximum
        down to twice the drop to the saddle (or to the 10th percentile when
        there is no diagonal).
    n_levels : int, default=20
    cmap : str, default='viridis'

    Returns
    -------
    artists : LikelihoodSurfaceArtists
    """
    mu1_values = check_array(mu1_values, name="mu1_values", ndim=1)
    mu2_values = check_array(mu2_values, name="mu2_values", ndim=1)
    surface = check_array(surface, name="surface", ndim=2)
    if surface.shape != (mu2_values.size, mu1_values.size):
        raise ValueError(
            f"surface must have shape (len(mu2_values), len(mu1_values)) = "
            f"({mu2_values.size}, {mu1_values.size}), but has shape {surface.shape}."
        )
    n_levels = check_positive_int(n_levels, "n_levels", minimum=2)
    ax = _get_ax(ax)
    top = float(surface.max())
    same_grid = mu1_values.shape == mu2_values.shape and np.allclose(mu1_values, mu2_values)
    diagonal_values = np.diag(surface) if same_grid else None
    if depth is None:
        if same_grid and top - diagonal_values.max() > 0.0:
            depth = 2.0 * (top - diagonal_values.max())
        else:
            depth = max(top - float(np.percentile(surface, 10)), 1e-9)
    else:
        depth = check_non_negative_float(depth, "depth")
        if depth <= 0.0:
            raise ValueError("depth must be positive.")
    levels = np.linspace(top - depth, top, n_levels + 1)
    shown = np.maximum(surface, top - depth)
    contours = ax.contourf(mu1_values, mu2_values, shown, levels=levels, cmap=cmap)
    ax.contour(mu1_values, mu2_values, shown, levels=levels[1::2], colors="white",
               linewidths=0.4, alpha=0.6)
    low = max(mu1_values.min(), mu2_values.min())
    high = min(mu1_values.max(), mu2_values.max())
    (diagonal,) = ax.plot([low, high], [low, high], color="white", linestyle="--",
                          linewidth=1.2, label="μ₁ = μ₂")
    peaks = _grid_local_maxima(surface)
    maxima = ax.scatter(mu1_values[peaks[:, 1]], mu2_values[peaks[:, 0]], marker="*", s=200,
                        color=OKABE_ITO[1], edgecolors="black", linewidths=0.8, zorder=3,
                        label="local maxima")
    saddle = None
    if same_grid:
        i = int(np.argmax(diagonal_values))
        saddle = ax.scatter([mu1_values[i]], [mu2_values[i]], marker="X", s=110,
                            color=OKABE_ITO[3], edgecolors="black", linewidths=0.8, zorder=3,
                            label="best point with μ₁ = μ₂")
    ax.set_xlabel("μ₁")
    ax.set_ylabel("μ₂")
    ax.set_aspect("equal", adjustable="box")
    colorbar = ax.figure.colorbar(contours, ax=ax, shrink=0.85)
    colorbar.set_label("ln p(X | θ)")
    ax.legend(loc="upper left", fontsize=8, framealpha=0.85)
    return LikelihoodSurfaceArtists(contours, diagonal, maxima, saddle)


def plot_restart_log_likelihoods(log_likelihoods, ax=None, tolerance=1e-2, degenerate=None,
                                 bins=30):
    """Histogram of the final log-likelihoods of many EM restarts.

    Parameters
    ----------
    log_likelihoods : array-like of shape (R,)
        Final ``ln p(X | theta)`` of every restart.
    ax : matplotlib Axes, optional
    tolerance : float, default=1e-2
        Restarts within ``tolerance`` of the best (non-degenerate) value count
        as reaching it; the count is shown in the legend.
    degenerate : array-like of bool, shape (R,), optional
        Restarts flagged as collapsed (e.g. by
        :func:`gmm_lib.selection.degeneracy_report`): drawn separately in
        the warning colour and ignored when finding the best value.
    bins : int, default=30

    Returns
    -------
    histograms : list
        The patches of ``ax.hist``: healthy restarts first, then the
        degenerate ones if any.
    """
    values = check_array(log_likelihoods, name="log_likelihoods", ndim=1)
    tolerance = check_non_negative_float(tolerance, "tolerance")
    bins = check_positive_int(bins, "bins")
    if degenerate is None:
        flags = np.zeros(values.shape, dtype=bool)
    else:
        flags = np.asarray(degenerate, dtype=bool)
        if flags.shape != values.shape:
            raise ValueError(
                f"degenerate must have one flag per restart ({values.shape[0]}), but has "
                f"shape {flags.shape}."
            )
    if flags.all():
        raise ValueError("Every restart is flagged as degenerate: there is no best value to show.")
    ax = _get_ax(ax)
    healthy = values[~flags]
    best = float(healthy.max())
    low, high = float(values.min()), float(values.max())
    if high - low <= 1e-12 * max(1.0, abs(high)):
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, bins + 1)
    histograms = []
    _, _, patches = ax.hist(healthy, bins=edges, color=OKABE_ITO[0], alpha=0.75,
                            edgecolor="white", label="restarts")
    histograms.append(patches)
    if flags.any():
        _, _, patches = ax.hist(values[flags], bins=edges, color=WARNING_COLOR, alpha=0.75,
                                edgecolor="white", label="flagged degenerate")
        histograms.append(patches)
    reached = int(np.sum(healthy >= best - tolerance))
    ax.axvline(best, color="black", linestyle="--", linewidth=1.0,
               label=f"best: {reached} of {values.size} restarts")
    ax.set_xlabel("final ln p(X | θ)")
    ax.set_ylabel("number of restarts")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(frameon=False, fontsize=9)
    return histograms


# ---------------------------------------------------------------------------
# Model selection (chapter 6)
# ---------------------------------------------------------------------------

CriterionArtists = namedtuple("CriterionArtists", ["lines", "degenerate", "best"])
CriterionArtists.__doc__ = """\
Artists drawn by :func:`plot_criterion_grid`.

Attributes
----------
lines : list of Line2D (or ErrorbarContainer when ``errors`` are given)
    One per column of ``values``, through its non-degenerate entries.
degenerate : PathCollection or None
    The crosses marking degenerate entries (None if there are none).
best : Line2D or None
    The ring around the ``best`` entry.
"""

MixturePanels = namedtuple("MixturePanels", ["figure", "axes", "mixtures"])
MixturePanels.__doc__ = """\
What :func:`plot_mixture_panels` draws.

Attributes
----------
figure : matplotlib Figure
axes : ndarray of Axes, shape (n_panels,)
    The panels in the order of ``mixtures`` (unused grid cells are hidden).
mixtures : list of MixtureArtists or None
    What :func:`plot_mixture` drew in each panel (None for a failed fit).
"""


def plot_criterion_grid(n_components, values, labels, ax=None, ylabel="BIC (lower is better)",
                        degenerate=None, best=None, errors=None, ylim=None):
    """Plot a model-selection criterion against K, one line per column.

    Typically the columns are covariance types and ``values`` is
    :meth:`gmm_lib.selection.ModelSelection.table`.

    Parameters
    ----------
    n_components : array-like of int, shape (M,)
        The values of K, strictly increasing.
    values : array-like of shape (M, C) or (M,)
        The criterion; NaN for a failed fit (left out).
    labels : sequence of str, length C
        Legend label of each column.
    ax : matplotlib Axes, optional
    ylabel : str, default="BIC (lower is better)"
    degenerate : array-like of bool, shape (M, C), optional
        Entries to mark with a black cross and leave out of the lines (e.g. :meth:`~gmm_lib.selection.ModelSelection.mask`).
    best : pair (K, label), optional
        The chosen model, ringed in black.
    errors : array-like of shape (M, C), optional
        Half-lengths of error bars (e.g. standard errors of a cross-validated
        score).
    ylim : pair of float, optional
        Vertical range, to zoom on the competitive candidates when some are
        far worse.

    Returns
    -------
    artists : CriterionArtists
    """
    ks = check_array(n_components, name="n_components", ndim=1)
    if np.any(ks != np.round(ks)) or ks.min() < 1 or np.any(np.diff(ks) <= 0):
        raise ValueError("n_components must hold strictly increasing positive integers (K).")
    values = np.array(values, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, np.newaxis]
    if values.ndim != 2 or values.shape[0] != ks.shape[0]:
        raise ValueError(
            f"values must have one row per value of K ({ks.shape[0]}), but has shape "
            f"{values.shape}."
        )
    if np.isinf(values).any():
        raise ValueError("values must be finite numbers (use NaN for a failed fit).")
    labels = [str(label) for label in labels]
    if len(labels) != values.shape[1]:
        raise ValueError(
            f"labels must name each of the {values.shape[1]} column(s) of values, got "
            f"{len(labels)} label(s)."
        )
    flags = np.zeros(values.shape, dtype=bool)
    if degenerate is not None:
        flags = np.asarray(degenerate, dtype=bool)
        if flags.shape != values.shape:
            raise ValueError(
                f"degenerate must have the shape of values {values.shape}, got {flags.shape}."
            )
    if errors is not None:
        errors = check_array(errors, name="errors", ndim=(1, 2))
        if errors.size != values.size or np.any(errors < 0):
            raise ValueError(
                f"errors must be non-negative half-lengths, one per entry of values "
                f"{values.shape}; got shape {errors.shape}."
            )
        errors = errors.reshape(values.shape)
    ax = _get_ax(ax)
    colors = _palette_rgba(values.shape[1])
    markers = ("o", "s", "^", "D", "v", "P", "*", "X")
    lines = []
    for c, label in enumerate(labels):
        healthy = np.where(flags[:, c], np.nan, values[:, c])
        style = dict(color=colors[c], marker=markers[c % len(markers)], markersize=5,
                     linewidth=1.5, label=label)
        if errors is None:
            (line,) = ax.plot(ks, healthy, **style)
        else:
            line = ax.errorbar(ks, healthy, yerr=errors[:, c], capsize=3, **style)
        lines.append(line)
    crosses = None
    if flags.any():
        rows, cols = np.nonzero(flags & np.isfinite(values))
        crosses = ax.scatter(ks[rows], values[rows, cols], marker="x", s=60,
                             color="black", linewidths=2.0, zorder=4,
                             label="degenerate fit")
    ring = None
    if best is not None:
        best_k, best_label = best
        if best_label not in labels or best_k not in ks:
            raise ValueError(f"best={best!r} is not one of the plotted (K, label) pairs.")
        i, c = int(np.flatnonzero(ks == best_k)[0]), labels.index(best_label)
        (ring,) = ax.plot([best_k], [values[i, c]], linestyle="none", marker="o",
                          markersize=14, markerfacecolor="none", markeredgecolor="black",
                          markeredgewidth=2.0, label=f"chosen: K = {best_k}, {best_label}")
    ax.set_xlabel("number of components K")
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if ylim is not None:
        ax.set_ylim(*_check_limits(ylim, "ylim"))
    ax.legend(frameon=False, fontsize=8)
    return CriterionArtists(lines, crosses, ring)


def _mixture_parameters(mixture):
    """(weights, means, covariances, covariance_type) of a fitted model or a 4-tuple."""
    if hasattr(mixture, "weights_"):
        return (mixture.weights_, mixture.means_, mixture.covariances_,
                mixture.covariance_type)
    if isinstance(mixture, tuple) and len(mixture) == 4:
        return mixture
    raise ValueError(
        "Each mixture must be a fitted GaussianMixture (with weights_, means_, "
        "covariances_) or a tuple (weights, means, covariances, covariance_type)."
    )


def plot_mixture_panels(X, mixtures, titles=None, ncols=4, panel_size=(3.0, 2.7)):
    """Small multiples: the same data with a different fitted mixture in each panel.

    Each panel is :func:`plot_mixture` with the points coloured by their
    responsibilities under that panel's mixture; all panels share their axes,
    framed on the data (with a small margin) rather than on the ellipses, so
    the fits can be compared at a glance even when one component is very
    wide.

    Parameters
    ----------
    X : array-like of shape (N, 2)
    mixtures : sequence
        Fitted :class:`~gmm_lib.mixture.GaussianMixture` objects, or tuples
        ``(weights, means, covariances, covariance_type)``; None draws an
        empty panel marked "fit failed".
    titles : sequence of str, optional
        One per panel.
    ncols : int, default=4
        Panels per row.
    panel_size : pair of float, default=(3.0, 2.7)
        Width and height of one panel in inches.

    Returns
    -------
    panels : MixturePanels
        ``(figure, axes, mixtures)``.
    """
    from .mixture import e_step  # plotting depends on the numerics, not the reverse

    X = _check_points_2d(X)
    mixtures = list(mixtures)
    if not mixtures:
        raise ValueError("mixtures is empty: give at least one fitted mixture.")
    if titles is not None:
        titles = [str(title) for title in titles]
        if len(titles) != len(mixtures):
            raise ValueError(
                f"titles must have one entry per mixture ({len(mixtures)}), got {len(titles)}."
            )
    ncols = min(check_positive_int(ncols, "ncols"), len(mixtures))
    nrows = -(-len(mixtures) // ncols)
    width, height = (float(v) for v in panel_size)
    figure, grid = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows),
                                sharex=True, sharey=True, squeeze=False,
                                layout="constrained")
    axes = grid.ravel()
    drawn = []
    for index, mixture in enumerate(mixtures):
        ax = axes[index]
        if mixture is None:
            ax.scatter(X[:, 0], X[:, 1], s=10, color=NEUTRAL_COLOR, alpha=0.5, linewidths=0)
            ax.text(0.5, 0.5, "fit failed", transform=ax.transAxes, ha="center",
                    color=WARNING_COLOR)
            drawn.append(None)
        else:
            weights, means, covariances, covariance_type = _mixture_parameters(mixture)
            responsibilities, _ = e_step(X, weights, means, covariances, covariance_type)
            drawn.append(plot_mixture(X, weights, means, covariances, covariance_type, ax=ax,
                                      responsibilities=responsibilities))
        if titles is not None:
            ax.set_title(titles[index], fontsize=9)
    low, high = X.min(axis=0), X.max(axis=0)
    margin = 0.08 * np.maximum(high - low, 1e-9)
    axes[0].set_xlim(low[0] - margin[0], high[0] + margin[0])  # shared by every panel
    axes[0].set_ylim(low[1] - margin[1], high[1] + margin[1])
    for ax in axes[len(mixtures):]:
        ax.set_visible(False)
    return MixturePanels(figure, axes[: len(mixtures)], drawn)


# ---------------------------------------------------------------------------
# Applications (chapter 8): images, anomaly detection, generation, classification
# ---------------------------------------------------------------------------

ScoreHistogramArtists = namedtuple("ScoreHistogramArtists", ["histograms", "thresholds"])
ScoreHistogramArtists.__doc__ = """\
Artists drawn by :func:`plot_score_histograms`.

Attributes
----------
histograms : list of list of Patch
    One histogram per group, in the order given.
thresholds : list of Line2D
    One vertical line per threshold.
"""

DetectionArtists = namedtuple(
    "DetectionArtists", ["true_negatives", "false_positives", "false_negatives", "true_positives"]
)
DetectionArtists.__doc__ = """\
Artists drawn by :func:`plot_detections`, one scatter per outcome (None if empty).

Attributes
----------
true_negatives : PathCollection or None
    Normal points left alone (small grey dots).
false_positives : PathCollection or None
    Normal points flagged (orange squares).
false_negatives : PathCollection or None
    Anomalies missed (open vermillion triangles).
true_positives : PathCollection or None
    Anomalies flagged (filled vermillion triangles).
"""

ClassRegionArtists = namedtuple("ClassRegionArtists", ["regions", "boundary", "scatter"])
ClassRegionArtists.__doc__ = """\
Artists drawn by :func:`plot_class_regions`.

Attributes
----------
regions : AxesImage
    The plane painted in pale class colours by predicted class.
boundary : QuadContourSet or None
    Lines where the predicted class changes (None if one class fills the window).
scatter : list of PathCollection
    One scatter per class of ``y`` (empty if no data were given).
"""


def _check_image_array(image, name="image"):
    raw = np.asarray(image)
    if raw.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be an array of numbers, got dtype {raw.dtype}.")
    arr = check_array(raw, name=name, ndim=(2, 3))
    if arr.ndim == 3 and arr.shape[2] not in (3, 4):
        raise ValueError(
            f"{name} must be (H, W) or an RGB(A) image (H, W, 3 or 4), got shape {arr.shape}."
        )
    if raw.dtype.kind == "f" and arr.ndim == 3 and (arr.min() < 0.0 or arr.max() > 1.0):
        raise ValueError(
            f"a float colour {name} must lie in [0, 1], but its range is "
            f"[{arr.min():.4g}, {arr.max():.4g}]."
        )
    return raw if raw.dtype.kind in "iu" else arr


def plot_image(image, ax=None, title=None):
    """Show an RGB image without axes ticks (pixels square, no smoothing).

    Parameters
    ----------
    image : array-like of shape (H, W, 3)
        uint8 values or floats in [0, 1] (e.g. from
        :func:`gmm_lib.quantization.pixels_to_image`).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    image : matplotlib.image.AxesImage
    """
    image = _check_image_array(image)
    if image.ndim != 3:
        raise ValueError(f"image must be a colour image (H, W, 3), got shape {image.shape}; "
                         f"use plot_image_map for a single-channel map.")
    ax = _get_ax(ax)
    artist = ax.imshow(image, interpolation="nearest")
    ax.set_axis_off()
    if title is not None:
        ax.set_title(title)
    return artist


def plot_palette(colors, ax=None, fractions=None):
    """Draw a palette as a strip of colour swatches.

    Parameters
    ----------
    colors : array-like of shape (K, 3)
        RGB colours in [0, 1] (k-means centres or mixture means of pixels;
        values slightly outside are clipped).
    ax : matplotlib Axes, optional
    fractions : array-like of shape (K,), optional
        Share of the pixels using each colour; swatch widths are then
        proportional to it and the swatches are labelled with percentages.

    Returns
    -------
    swatches : matplotlib.container.BarContainer
    """
    colors = check_array(colors, name="colors", ndim=2)
    if colors.shape[1] != 3:
        raise ValueError(f"colors must have shape (K, 3) (RGB rows), got {colors.shape}.")
    n_colors = colors.shape[0]
    if fractions is None:
        widths = np.full(n_colors, 1.0 / n_colors)
    else:
        widths = check_array(fractions, name="fractions", ndim=1)
        if widths.shape != (n_colors,) or widths.min() < 0.0 or widths.sum() <= 0.0:
            raise ValueError(
                f"fractions must be {n_colors} non-negative numbers, one per colour, "
                f"with a positive sum."
            )
        widths = widths / widths.sum()
    lefts = np.concatenate([[0.0], np.cumsum(widths)[:-1]])
    ax = _get_ax(ax)
    swatches = ax.barh(0.0, widths, left=lefts, height=1.0, color=np.clip(colors, 0.0, 1.0),
                       edgecolor="white", linewidth=1.0)
    if fractions is not None:
        for left, width, color in zip(lefts, widths, np.clip(colors, 0.0, 1.0)):
            if width >= 0.04:
                luminance = 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2]
                ax.text(left + width / 2, 0.0, f"{100 * width:.0f}%", ha="center",
                        va="center", fontsize=8, color="black" if luminance > 0.5 else "white")
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(-0.5, 0.5)
    ax.set_axis_off()
    return swatches


def plot_image_map(values, ax=None, cmap="viridis", vmin=None, vmax=None, colorbar=True,
                   label=None):
    """Show a per-pixel quantity (a responsibility or uncertainty map) as an image.

    Parameters
    ----------
    values : array-like of shape (H, W)
    ax : matplotlib Axes, optional
    cmap : str or Colormap, default='viridis'
        A sequential, colour-blind-safe map by default.
    vmin, vmax : float, optional
        Colour scale limits (e.g. 0 and 1 for responsibilities).
    colorbar : bool, default=True
    label : str, optional
        The colour bar's label.

    Returns
    -------
    image : matplotlib.image.AxesImage
    """
    values = check_array(values, name="values", ndim=2)
    ax = _get_ax(ax)
    artist = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_axis_off()
    if colorbar:
        if isinstance(ax.figure.get_layout_engine(), ConstrainedLayoutEngine):
            bar = ax.figure.colorbar(artist, ax=ax, shrink=0.9)
        else:
            # An inset colour bar leaves the axes' position alone, whatever the layout.
            bar = ax.figure.colorbar(artist, cax=ax.inset_axes([1.03, 0.0, 0.045, 1.0]))
        if label is not None:
            bar.set_label(label)
    return artist


def _check_score_groups(groups, name="scores"):
    if not isinstance(groups, dict) or not groups:
        raise ValueError(f"{name} must be a non-empty dict mapping a label to an array.")
    return {str(label): check_array(values, name=f"{name}[{label!r}]", ndim=1)
            for label, values in groups.items()}


def plot_score_histograms(scores, thresholds=None, ax=None, bins=30, clip=None):
    """Histograms of anomaly scores (log-densities) of several groups, with thresholds.

    Parameters
    ----------
    scores : dict of str to array-like of shape (n_i,)
        E.g. ``{"benign (test)": s_normal, "malignant": s_anomalous}``; the
        histograms are density-normalised so that groups of different sizes
        compare.
    thresholds : dict of str to float, optional
        Vertical lines, e.g. ``{"α = 5%": tau}``.  Points left of a line are
        flagged.
    ax : matplotlib Axes, optional
    bins : int, default=30
        Number of bins spanning all the scores.
    clip : pair of float, optional
        ``(low, high)``: scores outside are drawn in the first or last bin,
        so that a few extreme scores do not squash the rest (the x label
        says so).

    Returns
    -------
    artists : ScoreHistogramArtists
    """
    groups = _check_score_groups(scores)
    bins = check_positive_int(bins, "bins")
    if clip is not None:
        clip_low, clip_high = _check_limits(clip, "clip")
        groups = {label: np.clip(values, clip_low, clip_high) for label, values in groups.items()}
    lines_spec = {} if thresholds is None else dict(thresholds)
    every = np.concatenate(list(groups.values()))
    low, high = float(every.min()), float(every.max())
    if high - low <= 1e-12 * max(1.0, abs(high)):
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, bins + 1)
    ax = _get_ax(ax)
    colors = [OKABE_ITO[0], OKABE_ITO[3], OKABE_ITO[2], OKABE_ITO[5]]
    histograms = []
    for i, (label, values) in enumerate(groups.items()):
        _, _, patches = ax.hist(values, bins=edges, density=True, alpha=0.55,
                                color=colors[i % len(colors)], edgecolor="white", label=label)
        histograms.append(list(patches))
    lines = []
    styles = ["--", ":", "-.", (0, (5, 1))]
    for i, (label, value) in enumerate(lines_spec.items()):
        value = float(value)
        if not np.isfinite(value):
            continue
        lines.append(ax.axvline(value, color="black", linestyle=styles[i % len(styles)],
                                linewidth=1.3, label=str(label)))
    xlabel = "score ln p(x)  (lower = more unusual)"
    if clip is not None:
        xlabel = f"score ln p(x), clipped to [{clip_low:.3g}, {clip_high:.3g}]"
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density")
    ax.legend(frameon=False, fontsize=8)
    return ScoreHistogramArtists(histograms, lines)


def _check_curve(x, y, x_name, y_name):
    x = check_array(x, name=x_name, ndim=1)
    y = check_array(np.nan_to_num(np.asarray(y, dtype=float), nan=-1.0), name=y_name, ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"{x_name} and {y_name} must have the same length, got "
                         f"{x.shape[0]} and {y.shape[0]}.")
    y = np.where(y < 0.0, np.nan, y)  # NaN (undefined) stays a gap in the curve
    return x, y


def _mark_points(ax, marks, mark_labels):
    if marks is None:
        return None
    marks = np.asarray(marks, dtype=np.float64)
    if marks.ndim != 2 or marks.shape[1] != 2:
        raise ValueError(f"marks must have shape (M, 2) of (x, y) points, got {marks.shape}.")
    if mark_labels is not None and len(mark_labels) != marks.shape[0]:
        raise ValueError("mark_labels must have one label per mark.")
    shown = np.isfinite(marks).all(axis=1)  # an undefined precision (NaN) is not drawn
    artist = ax.scatter(marks[shown, 0], marks[shown, 1], s=45, color=WARNING_COLOR, zorder=3,
                        edgecolors="black", linewidths=0.6)
    if mark_labels is not None:
        for (x, y), text in zip(marks[shown], np.asarray(mark_labels, dtype=object)[shown]):
            ax.annotate(str(text), (x, y), xytext=(6, -10), textcoords="offset points",
                        fontsize=8)
    return artist


def plot_roc_curve(false_positive_rate, recall, ax=None, marks=None, mark_labels=None,
                   label=None, **kwargs):
    """Recall (true-positive rate) against false-positive rate: the ROC curve.

    Parameters
    ----------
    false_positive_rate, recall : array-like of shape (T,)
        E.g. the fields of :func:`gmm_lib.anomaly.detection_curve`.
    ax : matplotlib Axes, optional
    marks : array-like of shape (M, 2), optional
        (false-positive rate, recall) points to highlight, e.g. the chosen
        thresholds.
    mark_labels : sequence of str, optional
    label : str, optional
        Legend label of the curve.
    **kwargs
        Passed to ``ax.plot``.

    Returns
    -------
    line : matplotlib.lines.Line2D
    """
    fpr, tpr = _check_curve(false_positive_rate, recall, "false_positive_rate", "recall")
    ax = _get_ax(ax)
    style = {"color": OKABE_ITO[0], "linewidth": 1.8, "drawstyle": "steps-post"}
    style.update(kwargs)
    (line,) = ax.plot(np.concatenate([[0.0], fpr]), np.concatenate([[0.0], tpr]),
                      label=label, **style)
    ax.plot([0, 1], [0, 1], color=NEUTRAL_COLOR, linestyle=":", linewidth=1.0)
    _mark_points(ax, marks, mark_labels)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("false-positive rate (normal points flagged)")
    ax.set_ylabel("recall (anomalies flagged)")
    if label is not None:
        ax.legend(frameon=False, fontsize=8, loc="lower right")
    return line


def plot_precision_recall_curve(recall, precision, ax=None, marks=None, mark_labels=None,
                                label=None, **kwargs):
    """Precision against recall: the precision-recall curve.

    Parameters
    ----------
    recall, precision : array-like of shape (T,)
        E.g. the fields of :func:`gmm_lib.anomaly.detection_curve`; NaN
        precisions (nothing flagged) are left out.
    ax : matplotlib Axes, optional
    marks : array-like of shape (M, 2), optional
        (recall, precision) points to highlight.
    mark_labels : sequence of str, optional
    label : str, optional
    **kwargs
        Passed to ``ax.plot``.

    Returns
    -------
    line : matplotlib.lines.Line2D
    """
    tpr, precision = _check_curve(recall, precision, "recall", "precision")
    keep = np.isfinite(precision)
    ax = _get_ax(ax)
    style = {"color": OKABE_ITO[0], "linewidth": 1.8}
    style.update(kwargs)
    (line,) = ax.plot(tpr[keep], precision[keep], label=label, **style)
    _mark_points(ax, marks, mark_labels)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("recall (anomalies flagged)")
    ax.set_ylabel("precision (flagged that are anomalies)")
    if label is not None:
        ax.legend(frameon=False, fontsize=8, loc="lower left")
    return line


def plot_log_density_level(weights, means, covariances, covariance_type="full", level=0.0,
                           ax=None, xlim=None, ylim=None, n_grid=200, **kwargs):
    """Draw the curve ``ln p(x) = level`` of a 2-D mixture (e.g. an anomaly threshold).

    Points outside the curve have ``ln p(x) < level``: the region an anomaly
    detector with threshold ``level`` flags.

    Parameters
    ----------
    weights, means, covariances, covariance_type
        The mixture, as in :func:`mixture_log_density_grid`.
    level : float
    ax : matplotlib Axes, optional
    xlim, ylim : pair of float, optional
        By default the current limits of ``ax`` (draw the data first).
    n_grid : int, default=200
    **kwargs
        Passed to ``ax.contour`` (default: a thick black dashed line).

    Returns
    -------
    contour : matplotlib.contour.QuadContourSet
    """
    level = _check_real_scalar(level, "level")
    ax = _get_ax(ax)
    xlim = ax.get_xlim() if xlim is None else xlim
    ylim = ax.get_ylim() if ylim is None else ylim
    xx, yy, values = mixture_log_density_grid(weights, means, covariances, covariance_type,
                                              xlim, ylim, n_grid=n_grid)
    style = {"colors": "black", "linewidths": 2.0, "linestyles": "dashed"}
    style.update(kwargs)
    contour = ax.contour(xx, yy, values, levels=[level], **style)
    ax.set_xlim(*_check_limits(xlim, "xlim"))
    ax.set_ylim(*_check_limits(ylim, "ylim"))
    return contour


def plot_detections(X, is_anomaly, flagged, ax=None):
    """Scatter labelled points by detection outcome: hits, misses and false alarms.

    Parameters
    ----------
    X : array-like of shape (N, 2)
    is_anomaly : array-like of bool, shape (N,)
        The truth.
    flagged : array-like of bool, shape (N,)
        The detector's decision (e.g. :func:`gmm_lib.anomaly.flag_anomalies`).
    ax : matplotlib Axes, optional

    Returns
    -------
    artists : DetectionArtists
        With legend labels giving the count of each outcome.
    """
    X = _check_points_2d(X)
    truth = _check_flags(is_anomaly, X.shape[0], "is_anomaly")
    flags = _check_flags(flagged, X.shape[0], "flagged")
    ax = _get_ax(ax)
    specs = [
        ("true_negatives", ~truth & ~flags, "normal, not flagged",
         dict(s=12, color=NEUTRAL_COLOR, alpha=0.6, linewidths=0)),
        ("false_positives", ~truth & flags, "normal, flagged (false alarm)",
         dict(s=36, marker="s", color=OKABE_ITO[1], edgecolors="black", linewidths=0.6)),
        ("false_negatives", truth & ~flags, "anomaly, missed",
         dict(s=36, marker="^", facecolors="none", edgecolors=WARNING_COLOR, linewidths=1.2)),
        ("true_positives", truth & flags, "anomaly, flagged",
         dict(s=36, marker="^", color=WARNING_COLOR, linewidths=0)),
    ]
    artists = {}
    for key, mask, text, style in specs:
        artists[key] = None
        if mask.any():
            artists[key] = ax.scatter(X[mask, 0], X[mask, 1], label=f"{text}: {mask.sum()}",
                                      zorder=3, **style)
    ax.legend(frameon=False, fontsize=8)
    return DetectionArtists(**artists)


def _check_flags(values, n_samples, name):
    values = np.asarray(values)
    if values.shape != (n_samples,):
        raise ValueError(f"{name} must have shape ({n_samples},), got {values.shape}.")
    if values.dtype.kind != "b":
        if values.dtype.kind in "iuf" and np.isin(values, (0, 1)).all():
            values = values.astype(bool)
        else:
            raise ValueError(f"{name} must hold booleans or 0/1 values.")
    return values


def plot_class_regions(classifier, X=None, y=None, ax=None, xlim=None, ylim=None, n_grid=200,
                       palette=None):
    """Paint the plane by a fitted 2-D classifier's prediction, with the data on top.

    Parameters
    ----------
    classifier : fitted classifier
        Anything with ``predict`` (on (M, 2) arrays) and ``classes_``, e.g.
        :class:`gmm_lib.classification.MixtureClassifier`.
    X : array-like of shape (N, 2), optional
    y : array-like of shape (N,), optional
        Class labels of ``X`` (values from ``classifier.classes_``); points
        are coloured by them.
    ax : matplotlib Axes, optional
    xlim, ylim : pair of float, optional
        The window; by default the data's range with a margin (or the axes'
        current limits if no data are given).
    n_grid : int, default=200
    palette : sequence of matplotlib colours, optional
        One per class.

    Returns
    -------
    artists : ClassRegionArtists
    """
    classes = getattr(classifier, "classes_", None)
    if classes is None or not hasattr(classifier, "predict"):
        raise ValueError("classifier must be fitted and have predict and classes_.")
    classes = np.asarray(classes)
    n_grid = check_positive_int(n_grid, "n_grid", minimum=2)
    ax = _get_ax(ax)
    if X is not None:
        X = _check_points_2d(X)
        if y is None or np.asarray(y).shape != (X.shape[0],):
            raise ValueError("y must give the class of every point of X (shape (N,)).")
        y = np.asarray(y)
        unknown = ~np.isin(y, classes)
        if unknown.any():
            raise ValueError(f"y contains labels that are not in classifier.classes_, e.g. "
                             f"{y[unknown][0]!r}.")
        low, high = X.min(axis=0), X.max(axis=0)
        span = np.maximum(high - low, 1e-9)
        default_x = (low[0] - 0.06 * span[0], high[0] + 0.06 * span[0])
        default_y = (low[1] - 0.06 * span[1], high[1] + 0.06 * span[1])
    else:
        default_x, default_y = ax.get_xlim(), ax.get_ylim()
    x_low, x_high = _check_limits(default_x if xlim is None else xlim, "xlim")
    y_low, y_high = _check_limits(default_y if ylim is None else ylim, "ylim")
    xx, yy = np.meshgrid(np.linspace(x_low, x_high, n_grid), np.linspace(y_low, y_high, n_grid))
    predicted = np.asarray(classifier.predict(np.column_stack([xx.ravel(), yy.ravel()])))
    index = np.searchsorted(classes, predicted).reshape(xx.shape)
    colors = _palette_rgba(len(classes), palette)
    pale = colors.copy()
    pale[:, :3] = 1.0 - 0.28 * (1.0 - colors[:, :3])  # 28% of the colour on white
    regions = ax.imshow(pale[index], origin="lower", extent=(x_low, x_high, y_low, y_high),
                        aspect="auto", interpolation="nearest", zorder=0)
    boundary = None
    if np.unique(index).size > 1:
        boundary = ax.contour(xx, yy, index.astype(float),
                              levels=np.arange(len(classes) - 1) + 0.5,
                              colors="black", linewidths=1.0, zorder=1)
    scatter = []
    if X is not None:
        markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
        for c, label in enumerate(classes):
            mask = y == label
            if mask.any():
                scatter.append(ax.scatter(X[mask, 0], X[mask, 1], s=14, color=colors[c],
                                          marker=markers[c % len(markers)], linewidths=0.3,
                                          edgecolors="white", label=f"class {label}", zorder=2))
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)
    return ClassRegionArtists(regions, boundary, scatter)


def plot_point_sets(point_sets, ax=None, palette=None):
    """Scatter several labelled 2-D point sets in distinct colours and markers.

    Parameters
    ----------
    point_sets : dict of str to array-like of shape (n_i, 2)
        E.g. ``{"training": X_train, "held out": X_test, "generated": X_new}``.
    ax : matplotlib Axes, optional
    palette : sequence of matplotlib colours, optional

    Returns
    -------
    scatters : list of matplotlib.collections.PathCollection
    """
    if not isinstance(point_sets, dict) or not point_sets:
        raise ValueError("point_sets must be a non-empty dict mapping a label to (n, 2) points.")
    sets = {str(k): _check_points_2d(v, name=f"point_sets[{k!r}]") for k, v in point_sets.items()}
    colors = _palette_rgba(len(sets), palette)
    markers = ["o", "^", "s", "D", "v", "P"]
    ax = _get_ax(ax)
    scatters = []
    for i, (label, points) in enumerate(sets.items()):
        scatters.append(ax.scatter(points[:, 0], points[:, 1], s=16, color=colors[i],
                                   marker=markers[i % len(markers)], alpha=0.7, linewidths=0,
                                   label=f"{label} ({points.shape[0]})"))
    ax.legend(frameon=False, fontsize=8)
    return scatters


def plot_marginal_histograms(point_sets, axes, feature_names=None, bins=20):
    """Overlaid, density-normalised histograms of every feature, one panel per feature.

    Parameters
    ----------
    point_sets : dict of str to array-like of shape (n_i, D)
        The samples to compare, e.g. held-out data and generated data.
    axes : sequence of D matplotlib Axes
    feature_names : sequence of D str, optional
        Axis labels.
    bins : int, default=20
        Common bins spanning every set, per feature.

    Returns
    -------
    histograms : list of list of Patch lists
        ``histograms[d][i]`` is set ``i``'s histogram of feature ``d``.
    """
    if not isinstance(point_sets, dict) or not point_sets:
        raise ValueError("point_sets must be a non-empty dict mapping a label to (n, D) arrays.")
    sets = {str(k): check_array(v, name=f"point_sets[{k!r}]") for k, v in point_sets.items()}
    n_features = next(iter(sets.values())).shape[1]
    if any(v.shape[1] != n_features for v in sets.values()):
        raise ValueError("every point set must have the same number of features.")
    axes = list(np.ravel(axes))
    if len(axes) != n_features:
        raise ValueError(f"axes must hold one Axes per feature ({n_features}), got {len(axes)}.")
    if feature_names is not None and len(feature_names) != n_features:
        raise ValueError(f"feature_names must have {n_features} entries.")
    bins = check_positive_int(bins, "bins")
    colors = _palette_rgba(len(sets))
    histograms = []
    for d, ax in enumerate(axes):
        column = np.concatenate([v[:, d] for v in sets.values()])
        edges = np.linspace(column.min(), column.max() + 1e-12, bins + 1)
        panel = []
        for i, (label, values) in enumerate(sets.items()):
            _, _, patches = ax.hist(values[:, d], bins=edges, density=True, histtype="step",
                                    linewidth=1.8, color=colors[i], label=label)
            panel.append(patches)
        ax.set_xlabel(feature_names[d] if feature_names is not None else f"feature {d}")
        ax.set_ylabel("density")
        histograms.append(panel)
    axes[0].legend(frameon=False, fontsize=8)
    return histograms


def plot_ecdf(samples, ax=None, xlabel=None):
    """Empirical distribution functions of several samples of one quantity.

    Parameters
    ----------
    samples : dict of str to array-like of shape (n_i,)
        E.g. nearest-neighbour distances of generated and of held-out points.
    ax : matplotlib Axes, optional
    xlabel : str, optional

    Returns
    -------
    lines : list of matplotlib.lines.Line2D
    """
    groups = _check_score_groups(samples, name="samples")
    colors = _palette_rgba(len(groups))
    styles = ["-", "--", "-.", ":"]
    ax = _get_ax(ax)
    lines = []
    for i, (label, values) in enumerate(groups.items()):
        ordered = np.sort(values)
        heights = np.arange(1, ordered.size + 1) / ordered.size
        (line,) = ax.step(np.concatenate([[ordered[0]], ordered]),
                          np.concatenate([[0.0], heights]), where="post", color=colors[i],
                          linestyle=styles[i % len(styles)], linewidth=1.8,
                          label=f"{label} (median {np.median(values):.3g})")
        lines.append(line)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("fraction of points ≤ value")
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    return lines


# ---------------------------------------------------------------------------
# Chapter 7: beyond plain EM
# ---------------------------------------------------------------------------


def _check_trace_groups(traces):
    if not isinstance(traces, dict) or not traces:
        raise ValueError(
            "traces must be a non-empty dict of name -> values (or name -> (x, values))."
        )
    groups = {}
    for name, trace in traces.items():
        if isinstance(trace, tuple) and len(trace) == 2:
            x = check_array(trace[0], name=f"traces[{name!r}][0]", ndim=1)
            y = check_array(trace[1], name=f"traces[{name!r}][1]", ndim=1)
            if x.shape != y.shape:
                raise ValueError(
                    f"traces[{name!r}]: x and values must have the same length, got "
                    f"{x.shape[0]} and {y.shape[0]}."
                )
        else:
            y = check_array(trace, name=f"traces[{name!r}]", ndim=1)
            x = np.arange(y.shape[0], dtype=np.float64)
        groups[str(name)] = (x, y)
    return groups


def plot_traces(traces, ax=None, xlabel="iteration", ylabel="ln p(X | θ)", reference=None,
                reference_label="reference", shade_from=None, markers=True, yscale="linear"):
    """Several per-iteration traces on one axes, e.g. EM, hard EM and stochastic EM.

    Unlike :func:`plot_history` nothing is flagged: a trace that goes down
    (stochastic EM's log-likelihood, an online estimate) is not a bug here.

    Parameters
    ----------
    traces : dict of str to array-like of shape (T,) or to (x, values)
        One line per entry, in the palette's order; plain arrays are drawn
        against 0, 1, ..., T-1.
    ax : matplotlib Axes, optional
    xlabel, ylabel : str
    reference : float, optional
        A horizontal dashed line (e.g. the log-likelihood EM converges to).
    reference_label : str, default="reference"
    shade_from : float, optional
        Shade the region ``x >= shade_from`` (e.g. the iterations averaged
        after a burn-in).
    markers : bool, default=True
        Small markers on every value (turn off for long traces).
    yscale : {'linear', 'log'}, default='linear'
        ``'log'`` for distances to an optimum, where linear convergence is
        a straight line (every value must then be positive).

    Returns
    -------
    lines : list of matplotlib.lines.Line2D
        One per trace, in order.
    """
    groups = _check_trace_groups(traces)
    if yscale not in ("linear", "log"):
        raise ValueError(f"yscale must be 'linear' or 'log', got {yscale!r}.")
    if yscale == "log" and any(np.any(y <= 0) for _, y in groups.values()):
        raise ValueError("yscale='log' needs positive values in every trace.")
    if reference is not None:
        reference = _check_real_scalar(reference, "reference")
    if shade_from is not None:
        shade_from = _check_real_scalar(shade_from, "shade_from")
    ax = _get_ax(ax)
    lines = []
    for index, (name, (x, y)) in enumerate(groups.items()):
        style = {"color": OKABE_ITO[index % len(OKABE_ITO)], "linewidth": 1.6, "label": name}
        if markers:
            style.update(marker="o", markersize=3)
        (line,) = ax.plot(x, y, **style)
        lines.append(line)
    if reference is not None:
        ax.axhline(reference, color="black", linestyle="--", linewidth=1.0,
                   label=reference_label)
    if shade_from is not None:
        high = max(float(x.max()) for x, _ in groups.values())
        ax.axvspan(shade_from, high, color=NEUTRAL_COLOR, alpha=0.12, linewidth=0,
                   label="averaged")
    ax.set_yscale(yscale)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize=8)
    return lines


StripArtists = namedtuple("StripArtists", ["boxes", "points", "reached"])
StripArtists.__doc__ = """\
Artists drawn by :func:`plot_strip_comparison`.

Attributes
----------
boxes : dict
    What ``ax.boxplot`` returned.
points : list of matplotlib.collections.PathCollection
    The jittered points, one collection per group.
reached : ndarray of int
    For every group, how many values lie within ``tolerance`` of the best
    value over all groups.
"""


def plot_strip_comparison(groups, ax=None, ylabel="final ln p(X | θ)", tolerance=None,
                          higher_is_better=True, jitter=0.12):
    """Box plots with every value on top (a strip plot), one column per group.

    Made to compare the final objective of many restarts of several methods
    (e.g. the four initialisations of ``GaussianMixture``): the box shows the
    quartiles, the points every restart, jittered sideways (with a fixed
    seed, so the picture is reproducible).

    Parameters
    ----------
    groups : dict of str to array-like of shape (R,)
        The values of every group (restarts may differ in number).
    ax : matplotlib Axes, optional
    ylabel : str, default="final ln p(X | θ)"
    tolerance : float, optional
        If given, a dashed line marks the best value over all groups and
        every tick label gets the count of values within ``tolerance`` of it.
    higher_is_better : bool, default=True
        Whether the best value is the largest (a log-likelihood) or the
        smallest (a distortion, a BIC).
    jitter : float, default=0.12
        Half-width of the sideways spread of the points.

    Returns
    -------
    artists : StripArtists
        ``(boxes, points, reached)``.
    """
    if not isinstance(groups, dict) or not groups:
        raise ValueError("groups must be a non-empty dict of name -> values.")
    values = {str(name): check_array(v, name=f"groups[{name!r}]", ndim=1)
              for name, v in groups.items()}
    if tolerance is not None:
        tolerance = check_non_negative_float(tolerance, "tolerance")
    jitter = check_non_negative_float(jitter, "jitter")
    ax = _get_ax(ax)
    names = list(values)
    positions = np.arange(1, len(names) + 1)
    boxes = ax.boxplot([values[name] for name in names], positions=positions, widths=0.5,
                       showfliers=False, medianprops={"color": "black"})
    rng = np.random.RandomState(0)
    points = []
    for index, name in enumerate(names):
        offsets = rng.uniform(-jitter, jitter, size=values[name].shape[0])
        points.append(ax.scatter(positions[index] + offsets, values[name], s=14, alpha=0.7,
                                 color=OKABE_ITO[index % len(OKABE_ITO)], linewidths=0,
                                 zorder=3))
    every = np.concatenate(list(values.values()))
    best = float(every.max() if higher_is_better else every.min())
    if tolerance is None:
        reached = np.array([], dtype=int)
        tick_labels = names
    else:
        gap = (lambda v: best - v) if higher_is_better else (lambda v: v - best)
        reached = np.array([int(np.sum(gap(values[name]) <= tolerance)) for name in names])
        tick_labels = [f"{name}\n{count}/{values[name].shape[0]} at best"
                       for name, count in zip(names, reached)]
        ax.axhline(best, color="black", linestyle="--", linewidth=1.0, label="best found")
        ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.set_xticks(positions, tick_labels)
    ax.set_ylabel(ylabel)
    return StripArtists(boxes, points, reached)


# ---------------------------------------------------------------------------
# Appendix: reproducing the textbooks
# ---------------------------------------------------------------------------

_COMPARISON_LINESTYLES = ("-", "--", ":", "-.")

UnivariateComparisonArtists = namedtuple(
    "UnivariateComparisonArtists", ["histogram", "rug", "lines"]
)
UnivariateComparisonArtists.__doc__ = """\
Artists drawn by :func:`plot_univariate_mixtures`.

Attributes
----------
histogram : matplotlib.container.BarContainer or None
    The density histogram of the data (None when ``bins=0``).
rug : matplotlib.collections.LineCollection or None
    One tick per data point under the curves (None when ``rug=False``).
lines : list of matplotlib.lines.Line2D
    One density curve per mixture, in the order given.
"""


def _check_univariate_mixture_entry(name, entry):
    if not isinstance(entry, (tuple, list)) or len(entry) != 3:
        raise ValueError(
            f"mixtures[{name!r}] must be a tuple (weights, means, variances), "
            f"got {type(entry).__name__}."
        )
    weights, means, variances = _check_univariate_parameters(*entry)
    return weights, means, variances


def plot_univariate_mixtures(x, mixtures, ax=None, bins=10, rug=True, grid_range=None):
    """Histogram and rug of 1-D data with the densities of several univariate mixtures.

    Made to compare fits of the same data, e.g. a converged maximum-likelihood
    fit with the rounded numbers printed in a book, or the starting mixture
    of EM with the mixture after one iteration.

    Parameters
    ----------
    x : array-like of shape (N,)
    mixtures : dict of str to (weights, means, variances)
        One curve ``p(x) = sum_k pi_k N(x | mu_k, sigma_k^2)`` per entry, the
        first solid black, the others coloured and dashed; ``variances`` are
        the sigma_k^2, not standard deviations.  The key is the legend label.
    ax : matplotlib Axes, optional
    bins : int or sequence, default=10
        Passed to ``ax.hist`` (``density=True``); 0 draws no histogram.
    rug : bool, default=True
        Mark every data point with a short vertical tick at the bottom.
    grid_range : (float, float), optional
        Interval of the curves; by default the data and three standard
        deviations around every mean.

    Returns
    -------
    artists : UnivariateComparisonArtists
        ``(histogram, rug, lines)``.
    """
    x = check_array(x, name="x", ndim=1)
    if not isinstance(mixtures, dict) or not mixtures:
        raise ValueError(
            "mixtures must be a non-empty dict of label -> (weights, means, variances)."
        )
    checked = {str(name): _check_univariate_mixture_entry(name, entry)
               for name, entry in mixtures.items()}
    if grid_range is None:
        low = min([x.min()] + [(m - 3.0 * np.sqrt(v)).min() for _, m, v in checked.values()])
        high = max([x.max()] + [(m + 3.0 * np.sqrt(v)).max() for _, m, v in checked.values()])
    else:
        low, high = _check_limits(grid_range, "grid_range")
    ax = _get_ax(ax)
    histogram = None
    if not (isinstance(bins, (int, np.integer)) and not isinstance(bins, bool) and bins == 0):
        _, _, histogram = ax.hist(x, bins=bins, density=True, color=NEUTRAL_COLOR, alpha=0.3,
                                  label="data")
    grid = np.linspace(low, high, 600)
    lines = []
    for index, (name, (weights, means, variances)) in enumerate(checked.items()):
        weighted = _univariate_weighted_log_prob(grid, weights, means, variances)
        color = "black" if index == 0 else OKABE_ITO[(index - 1) % len(OKABE_ITO)]
        style = _COMPARISON_LINESTYLES[index % len(_COMPARISON_LINESTYLES)]
        (line,) = ax.plot(grid, np.exp(logsumexp(weighted, axis=1)), color=color,
                          linestyle=style, linewidth=2.0 if index == 0 else 1.7, label=name)
        lines.append(line)
    rug_artist = None
    if rug:
        rug_artist = ax.plot(x, np.zeros_like(x), linestyle="none", marker="|", markersize=14,
                             color="black", label="_nolegend_")[0]
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    ax.set_ylim(bottom=0.0)
    ax.legend(frameon=False, fontsize=8)
    return UnivariateComparisonArtists(histogram, rug_artist, lines)


EstimateTraceArtists = namedtuple("EstimateTraceArtists", ["axes", "lines", "references", "bands"])
EstimateTraceArtists.__doc__ = """\
Artists drawn by :func:`plot_estimate_traces`.

Attributes
----------
axes : list of matplotlib Axes
    One panel per trace, in order.
lines : dict of str to list of matplotlib.lines.Line2D
    The iterates of every panel (one line per column of its trace).
references : dict of str to list of matplotlib.lines.Line2D
    The dashed fixed-point lines of every panel that has one.
bands : dict of str to list of matplotlib.patches.Polygon
    The shaded "rounds to the printed value" bands of every panel that has one.
"""


def _as_trace(values, name):
    trace = check_array(values, name=f"traces[{name!r}]", ndim=(1, 2))
    return trace[:, np.newaxis] if trace.ndim == 1 else trace


def _as_levels(values, n_columns, what, name):
    levels = np.atleast_1d(check_array(values, name=f"{what}[{name!r}]", ndim=(0, 1), min_samples=0))
    if levels.shape not in ((n_columns,), (1,)):
        raise ValueError(
            f"{what}[{name!r}] must be one value, or one value per line of traces[{name!r}] "
            f"({n_columns}), got shape {levels.shape}."
        )
    return levels


def _check_trace_mapping(mapping, what, names):
    mapping = {} if mapping is None else mapping
    if not isinstance(mapping, dict):
        raise ValueError(f"{what} must be a dict keyed by the names of traces.")
    mapping = {str(key): value for key, value in mapping.items()}
    unknown = set(mapping) - set(names)
    if unknown:
        raise ValueError(
            f"{what} has keys {sorted(unknown)} that are not traces; traces are {sorted(names)}."
        )
    return mapping


def plot_estimate_traces(traces, axes=None, fixed_point=None, printed=None, decimals=None,
                         first_iteration=0, panel_size=(3.0, 2.6), band_label="rounds to printed",
                         column_labels=None, ylim=None):
    """The estimates of an iterative fit against the iteration, one panel per quantity.

    Each panel shows the iterates theta_t of one quantity (one line per
    component when the trace has several columns), optionally the value it
    converges to (dashed) and, for a number printed in a book with ``d``
    decimals, the band ``printed +- 0.5 10^-d`` of values that round to it
    (shaded): an iterate inside the band agrees with the printed digits.

    Parameters
    ----------
    traces : dict of str to array-like of shape (T,) or (T, K)
        The iterates; the key is the panel title.
    axes : sequence of matplotlib Axes, optional
        One per trace; by default a new figure with one row of panels.
    fixed_point : dict of str to float or array-like of shape (K,), optional
        Limits of the traces, drawn as dashed horizontal lines (black for a
        single line, else in the colour of each line).
    printed : dict of str to float or array-like of shape (K,), optional
        Printed values; ``decimals`` must then give their number of decimals.
        One value for a panel with several lines draws one grey band shared
        by all of them (e.g. deviations from the printed values, all 0).
    decimals : dict of str to int, optional
        Decimals of every printed value (the band's half-width is
        ``0.5 * 10**-decimals``).
    first_iteration : int, default=0
        Iteration number of the first row of every trace.
    panel_size : (float, float), default=(3.0, 2.6)
        Size of one panel when the figure is created here.
    band_label : str, default="rounds to printed"
        Legend label of the shaded bands.
    column_labels : dict of str to sequence of str, optional
        Legend labels of the lines of a panel (one per column).
    ylim : (float, float), optional
        Vertical limits of every panel, e.g. to zoom in on the bands.

    Returns
    -------
    artists : EstimateTraceArtists
        ``(axes, lines, references, bands)``.
    """
    if not isinstance(traces, dict) or not traces:
        raise ValueError("traces must be a non-empty dict of name -> iterates.")
    checked = {str(name): _as_trace(values, name) for name, values in traces.items()}
    fixed_point = _check_trace_mapping(fixed_point, "fixed_point", checked)
    printed = _check_trace_mapping(printed, "printed", checked)
    decimals = _check_trace_mapping(decimals, "decimals", checked)
    column_labels = _check_trace_mapping(column_labels, "column_labels", checked)
    missing = set(printed) - set(decimals)
    if missing:
        raise ValueError(
            f"printed values {sorted(missing)} need their number of decimals in `decimals`."
        )
    for name, labels in column_labels.items():
        if isinstance(labels, str) or len(labels) != checked[name].shape[1]:
            raise ValueError(
                f"column_labels[{name!r}] must be a sequence of {checked[name].shape[1]} "
                f"labels, one per line."
            )
    if ylim is not None:
        ylim = _check_limits(ylim, "ylim")
    first_iteration = check_positive_int(first_iteration, "first_iteration", minimum=0)
    if axes is None:
        n_panels = len(checked)
        _, axes = plt.subplots(1, n_panels, figsize=(panel_size[0] * n_panels, panel_size[1]),
                               squeeze=False)
        axes = list(axes[0])
    else:
        axes = list(np.ravel(axes))
        if len(axes) != len(checked):
            raise ValueError(f"axes must hold {len(checked)} Axes, one per trace; got {len(axes)}.")
    lines, references, bands = {}, {}, {}
    for ax, (name, trace) in zip(axes, checked.items()):
        n_columns = trace.shape[1]
        iterations = np.arange(trace.shape[0]) + first_iteration
        colors = [OKABE_ITO[k % len(OKABE_ITO)] for k in range(n_columns)]
        if name in printed:
            places = check_positive_int(decimals[name], f"decimals[{name!r}]", minimum=0)
            half_width = 0.5 * 10.0 ** (-places)
            values = _as_levels(printed[name], n_columns, "printed", name)
            band_colors = colors if values.size == n_columns else [NEUTRAL_COLOR]
            bands[name] = [
                ax.axhspan(value - half_width, value + half_width, color=color,
                           alpha=0.18 if values.size == n_columns else 0.3, linewidth=0,
                           label=str(band_label) if k == 0 else "_nolegend_")
                for k, (value, color) in enumerate(zip(values, band_colors))
            ]
        if name in fixed_point:
            values = _as_levels(fixed_point[name], n_columns, "fixed_point", name)
            line_colors = ["black"] if n_columns == 1 or values.size == 1 else colors
            references[name] = [
                ax.axhline(value, color=color, linestyle="--", linewidth=1.0,
                           label="fixed point" if k == 0 else "_nolegend_")
                for k, (value, color) in enumerate(zip(values, line_colors))
            ]
        labels = column_labels.get(name)
        lines[name] = [
            ax.plot(iterations, trace[:, k], color=colors[k], marker="o", markersize=2.5,
                    linewidth=1.4,
                    label=(str(labels[k]) if labels is not None
                           else ("iterates" if k == 0 else "_nolegend_")))[0]
            for k in range(n_columns)
        ]
        ax.set_title(name)
        ax.set_xlabel("iteration")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if ylim is not None:
            ax.set_ylim(*ylim)
    axes[0].legend(frameon=False, fontsize=7)
    return EstimateTraceArtists(axes, lines, references, bands)


def plot_error_decay(errors, ax=None, rate=None, thresholds=None, first_iteration=0,
                     ylabel="distance to the fixed point"):
    """Errors of an iteration on a logarithmic axis, where linear convergence is a straight line.

    Parameters
    ----------
    errors : dict of str to array-like of shape (T,)
        Non-negative errors per iteration (e.g. ``max_j |theta_t,j - theta_hat_j|``);
        zeros are not drawn (a log axis cannot show them).
    ax : matplotlib Axes, optional
    rate : float, optional
        A rate ``0 < rho < 1``: draws the line ``c rho^t`` of linear
        convergence through the last positive error of the first trace
        (where the iteration is closest to its asymptotic regime).
    thresholds : dict of str to float, optional
        Horizontal dotted lines, e.g. the half-width of the last printed digit.
    first_iteration : int, default=0
    ylabel : str

    Returns
    -------
    lines : list of matplotlib.lines.Line2D
        One per error trace, in order.
    """
    if not isinstance(errors, dict) or not errors:
        raise ValueError("errors must be a non-empty dict of name -> errors per iteration.")
    checked = {}
    for name, values in errors.items():
        values = check_array(values, name=f"errors[{name!r}]", ndim=1)
        if np.any(values < 0.0):
            raise ValueError(f"errors[{name!r}] must be non-negative (distances).")
        checked[str(name)] = values
    if rate is not None:
        rate = _check_real_scalar(rate, "rate")
        if not 0.0 < rate < 1.0:
            raise ValueError(f"rate must lie strictly between 0 and 1, got {rate}.")
    thresholds = {} if thresholds is None else thresholds
    if not isinstance(thresholds, dict):
        raise ValueError("thresholds must be a dict of label -> positive level.")
    levels = {}
    for label, level in thresholds.items():
        level = _check_real_scalar(level, f"thresholds[{label!r}]")
        if level <= 0.0:
            raise ValueError(f"thresholds[{label!r}] must be positive, got {level}.")
        levels[str(label)] = level
    first_iteration = check_positive_int(first_iteration, "first_iteration", minimum=0)
    ax = _get_ax(ax)
    lines = []
    for index, (name, values) in enumerate(checked.items()):
        iterations = np.arange(values.shape[0]) + first_iteration
        shown = values > 0.0
        (line,) = ax.plot(iterations[shown], values[shown], color=OKABE_ITO[index % len(OKABE_ITO)],
                          marker="o", markersize=2.5, linewidth=1.4, label=name)
        lines.append(line)
    if rate is not None:
        values = next(iter(checked.values()))
        positive = np.flatnonzero(values > 0.0)
        anchor = positive[-1] if positive.size else 0
        level = values[anchor] if positive.size else 1.0
        iterations = np.arange(values.shape[0])
        ax.plot(iterations + first_iteration, level * rate ** (iterations - anchor),
                color="black", linestyle="--", linewidth=1.0, label=f"∝ ρ^t, ρ = {rate:.3f}")
    for index, (label, level) in enumerate(levels.items()):
        ax.axhline(level, color=NEUTRAL_COLOR, linestyle=":", linewidth=1.2, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(frameon=False, fontsize=8)
    return lines
