"""Tests for the chapter-3 plotting helpers: responsibilities, uncertain points, boundaries."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402
from scipy import stats  # noqa: E402
from scipy.special import expit  # noqa: E402

from gmm_lib.mixture import e_step  # noqa: E402
from gmm_lib.plotting import (  # noqa: E402
    component_colors,
    plot_decision_boundary,
    plot_uncertain_points,
    plot_univariate_responsibilities,
)

SETTINGS = settings(max_examples=30, deadline=None)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def ax():
    _, axes = plt.subplots()
    return axes


def contour_vertices(contour_sets):
    """All vertices of the drawn zero-level lines, shape (M, 2)."""
    pieces = [path.vertices for cs in contour_sets for path in cs.get_paths() if len(path.vertices)]
    return np.vstack(pieces) if pieces else np.empty((0, 2))


# ---------------------------------------------------------------------------
# plot_univariate_responsibilities
# ---------------------------------------------------------------------------

TWO_BUMPS = dict(weights=[0.3, 0.7], means=[-2.0, 1.5], variances=[0.25, 1.0])


def test_two_bumps_curves_are_the_posterior_and_sum_to_one(ax):
    artists = plot_univariate_responsibilities(**TWO_BUMPS, ax=ax, x_range=(-8, 6))
    x = artists.curves[0].get_xdata()
    first = 0.3 * stats.norm.pdf(x, -2.0, 0.5)
    second = 0.7 * stats.norm.pdf(x, 1.5, 1.0)
    assert_allclose(artists.curves[0].get_ydata(), first / (first + second), rtol=1e-9)
    total = artists.curves[0].get_ydata() + artists.curves[1].get_ydata()
    assert_allclose(total, 1.0, rtol=1e-12)
    colors = component_colors(2)
    for k, line in enumerate(artists.curves):
        assert_allclose(matplotlib.colors.to_rgba(line.get_color()), colors[k])
    assert artists.uncertain is None
    assert ax.get_xlim() == (-8.0, 6.0)


def test_two_bumps_boundaries_are_the_roots_of_the_quadratic(ax):
    # ln(0.3/0.7) - ln(0.5) - 2 (x + 2)^2 + (x - 1.5)^2 / 2 = 0
    constant = np.log(0.3 / 0.7) - np.log(0.5)
    roots = np.sort(np.roots([-1.5, -9.5, -8.0 + 1.125 + constant]))
    artists = plot_univariate_responsibilities(**TWO_BUMPS, ax=ax, x_range=(-8, 6))
    assert_allclose(artists.boundary_points, roots, atol=1e-9)
    assert [line.get_xdata()[0] for line in artists.boundary_lines] == list(artists.boundary_points)


def test_responsibilities_stay_exact_far_in_the_tails(ax):
    artists = plot_univariate_responsibilities(**TWO_BUMPS, ax=ax, x_range=(-60, 60))
    gamma = artists.curves[0].get_ydata()
    assert np.all(np.isfinite(gamma))
    # Far left, the wider component wins again (gamma_1 -> 0); the naive ratio is 0/0 there.
    assert gamma[0] < 1e-100 and gamma[-1] < 1e-100


@SETTINGS
@given(
    pi=st.floats(0.05, 0.95),
    mu1=st.floats(-3, 0),
    gap=st.floats(0.5, 4),
    variance=st.floats(0.2, 3),
)
def test_equal_variances_give_a_logistic_curve_and_one_boundary(pi, mu1, gap, variance):
    mu2 = mu1 + gap
    fig, ax = plt.subplots()
    x_range = (mu1 - 6, mu2 + 6)
    artists = plot_univariate_responsibilities([pi, 1 - pi], [mu1, mu2], [variance, variance],
                                               ax=ax, x_range=x_range, n_grid=400)
    x = artists.curves[0].get_xdata()
    w = (mu1 - mu2) / variance
    w0 = (mu2**2 - mu1**2) / (2 * variance) + np.log(pi / (1 - pi))
    assert_allclose(artists.curves[0].get_ydata(), expit(w * x + w0), rtol=1e-9, atol=1e-300)
    midpoint = (mu1 + mu2) / 2 + variance * np.log(pi / (1 - pi)) / (mu2 - mu1)
    if x_range[0] < midpoint < x_range[1]:
        assert_allclose(artists.boundary_points, [midpoint], atol=1e-9)
    plt.close(fig)


def test_threshold_shades_exactly_the_uncertain_points(ax):
    artists = plot_univariate_responsibilities(**TWO_BUMPS, ax=ax, x_range=(-8, 6), threshold=0.6)
    assert artists.uncertain is not None
    x = artists.curves[0].get_xdata()
    gamma = artists.curves[0].get_ydata()
    uncertain = np.maximum(gamma, 1 - gamma) < 0.6
    # The shaded polygons cover the uncertain grid points and nothing far from them.
    vertices = np.vstack([path.vertices for path in artists.uncertain.get_paths()])
    assert vertices[:, 0].min() >= x[uncertain].min() - 1e-9
    assert vertices[:, 0].max() <= x[uncertain].max() + 1e-9
    assert uncertain.sum() > 0


def test_three_components_have_a_boundary_between_each_pair_of_neighbours(ax):
    artists = plot_univariate_responsibilities([1 / 3] * 3, [-4.0, 0.0, 4.0], [1.0] * 3,
                                               ax=ax, x_range=(-8, 8))
    assert len(artists.curves) == 3
    assert_allclose(artists.boundary_points, [-2.0, 2.0], atol=1e-9)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(weights=[0.5, 0.6]), "sum to one"),
        (dict(variances=[1.0]), "variances must have shape"),
        (dict(variances=[1.0, -1.0]), "variance"),
        (dict(threshold=1.5), "threshold"),
        (dict(threshold=0.0), "threshold"),
        (dict(x_range=(3.0, 1.0)), "x_range"),
        (dict(n_grid=1), "n_grid"),
    ],
)
def test_univariate_responsibilities_validation(ax, kwargs, message):
    arguments = dict(weights=[0.5, 0.5], means=[0.0, 2.0], variances=[1.0, 1.0], ax=ax)
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        plot_univariate_responsibilities(**arguments)


# ---------------------------------------------------------------------------
# plot_uncertain_points
# ---------------------------------------------------------------------------


@SETTINGS
@given(seed=st.integers(0, 10_000), threshold=st.floats(0.34, 1.0))
def test_uncertain_points_are_those_below_the_threshold(seed, threshold):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((60, 2))
    responsibilities = rng.dirichlet(np.ones(3), size=60)
    fig, ax = plt.subplots()
    rings = plot_uncertain_points(X, responsibilities, threshold=threshold, ax=ax)
    expected = X[responsibilities.max(axis=1) < threshold]
    assert_allclose(np.asarray(rings.get_offsets()).reshape(-1, 2), expected)
    plt.close(fig)


def test_uncertain_points_validation(ax):
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="sum to one"):
        plot_uncertain_points(X, np.full((3, 2), 0.3), ax=ax)
    with pytest.raises(ValueError, match="threshold"):
        plot_uncertain_points(X, np.full((3, 2), 0.5), threshold=2.0, ax=ax)
    with pytest.raises(ValueError, match="exactly 2 features"):
        plot_uncertain_points(np.zeros((3, 3)), np.full((3, 2), 0.5), ax=ax)


# ---------------------------------------------------------------------------
# plot_decision_boundary
# ---------------------------------------------------------------------------


def test_shared_covariance_boundary_is_the_analytic_line(ax):
    covariance = np.array([[1.5, 0.6], [0.6, 0.8]])
    means = np.array([[-1.0, 0.0], [2.0, 1.0]])
    weights = np.array([0.3, 0.7])
    boundaries = plot_decision_boundary(weights, means, covariance, "tied", ax=ax,
                                        xlim=(-5, 5), ylim=(-5, 5), n_grid=101)
    assert len(boundaries) == 1
    vertices = contour_vertices(boundaries)
    precision = np.linalg.inv(covariance)
    w = precision @ (means[0] - means[1])
    w0 = (-0.5 * means[0] @ precision @ means[0] + 0.5 * means[1] @ precision @ means[1]
          + np.log(weights[0] / weights[1]))
    # Linear interpolation of an affine function is exact: the vertices lie on the line.
    assert_allclose(vertices @ w + w0, 0.0, atol=1e-9)
    assert ax.get_xlim() == (-5.0, 5.0) and ax.get_ylim() == (-5.0, 5.0)


def test_full_covariance_boundary_has_equal_responsibilities(ax):
    weights = np.array([0.5, 0.5])
    means = np.array([[0.0, 0.0], [2.5, 0.5]])
    covariances = np.stack([np.diag([0.3, 0.3]), np.array([[2.0, 0.8], [0.8, 1.5]])])
    boundaries = plot_decision_boundary(weights, means, covariances, ax=ax,
                                        xlim=(-4, 6), ylim=(-4, 5), n_grid=400)
    vertices = contour_vertices(boundaries)
    assert len(vertices) > 50
    responsibilities, _ = e_step(vertices, weights, means, covariances)
    assert_allclose(responsibilities[:, 0], 0.5, atol=0.02)
    # Different covariances: the narrow component's region is a closed curve around it.
    assert vertices[:, 0].min() < means[0, 0] < vertices[:, 0].max()
    assert vertices[:, 1].min() < means[0, 1] < vertices[:, 1].max()


def test_three_components_only_leading_pairs_are_drawn(ax):
    weights = np.full(3, 1 / 3)
    means = np.array([[-3.0, 0.0], [3.0, 0.0], [0.0, 4.0]])
    boundaries = plot_decision_boundary(weights, means, np.ones(3), "spherical", ax=ax,
                                        xlim=(-8, 8), ylim=(-6, 9), n_grid=200)
    assert len(boundaries) == 3
    vertices = contour_vertices(boundaries)
    responsibilities, _ = e_step(vertices, weights, means, np.ones(3), "spherical")
    top_two = np.sort(responsibilities, axis=1)[:, -2:]
    # On a boundary the two leading components tie (up to the grid's resolution).
    assert_allclose(top_two[:, 0], top_two[:, 1], atol=0.05)


def test_no_boundary_in_the_window_and_single_component(ax):
    means = np.array([[0.0, 0.0], [10.0, 0.0]])
    assert plot_decision_boundary([0.5, 0.5], means, np.ones(2), "spherical", ax=ax,
                                  xlim=(-2, 2), ylim=(-2, 2)) == []
    assert plot_decision_boundary([1.0], means[:1], np.ones(1), "spherical", ax=ax,
                                  xlim=(-2, 2), ylim=(-2, 2)) == []


def test_default_window_is_the_current_axes(ax):
    ax.set_xlim(-3, 3)
    ax.set_ylim(-1, 1)
    plot_decision_boundary([0.5, 0.5], [[-1.0, 0.0], [1.0, 0.0]], np.ones(2), "spherical", ax=ax)
    assert ax.get_xlim() == (-3.0, 3.0) and ax.get_ylim() == (-1.0, 1.0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(weights=[0.2, 0.2]), "sum to one"),
        (dict(means=[[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]), "drawn in the plane"),
        (dict(covariance_type="box"), "covariance_type"),
        (dict(xlim=(2.0, -2.0)), "xlim"),
        (dict(n_grid=1), "n_grid"),
    ],
)
def test_decision_boundary_validation(ax, kwargs, message):
    arguments = dict(weights=[0.5, 0.5], means=[[0.0, 0.0], [1.0, 1.0]],
                     covariances=np.ones(2), covariance_type="spherical", ax=ax,
                     xlim=(-2, 2), ylim=(-2, 2))
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        plot_decision_boundary(**arguments)
