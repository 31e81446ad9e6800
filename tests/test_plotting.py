"""Tests for gmm_lib.plotting: the artists drawn must have the right geometry and colours."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.colors import to_rgba_array  # noqa: E402
from matplotlib.contour import QuadContourSet  # noqa: E402
from matplotlib.patches import Ellipse  # noqa: E402
from numpy.testing import assert_allclose, assert_array_equal  # noqa: E402
from scipy import stats  # noqa: E402

from gmm_lib import gaussian, plotting  # noqa: E402
from gmm_lib.plotting import (  # noqa: E402
    OKABE_ITO,
    component_colors,
    mixture_log_density_grid,
    plot_clusters,
    plot_covariance_ellipse,
    plot_density_contours,
    plot_gaussian_2d,
    plot_history,
    plot_mixture,
    plot_responsibilities,
    plot_univariate_mixture,
    responsibility_colors,
    wrong_direction_steps,
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


def rotation(degrees):
    theta = np.radians(degrees)
    return np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])


def random_spd_2d(rng):
    r = rotation(rng.uniform(-180, 180))
    return r @ np.diag(10.0 ** rng.uniform(-1.5, 1.5, size=2)) @ r.T


def three_component_mixture():
    weights = np.array([0.5, 0.3, 0.2])
    means = np.array([[0.0, 0.0], [4.0, 1.0], [-2.0, 3.0]])
    full = np.array(
        [
            [[1.0, 0.3], [0.3, 0.5]],
            [[0.4, -0.1], [-0.1, 0.8]],
            [[2.0, 0.0], [0.0, 0.3]],
        ]
    )
    return weights, means, full


def covariances_in_layout(full, covariance_type):
    """Covariances of the three_component_mixture in any of the four layouts."""
    return {
        "full": full,
        "tied": full[0],
        "diag": np.array([np.diag(c) for c in full]),
        "spherical": np.array([np.trace(c) / 2 for c in full]),
    }[covariance_type]


# ---------------------------------------------------------------------------
# Ellipses
# ---------------------------------------------------------------------------


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n_std=st.floats(0.2, 4.0))
def test_ellipse_patch_has_the_covariance_geometry(seed, n_std):
    rng = np.random.RandomState(seed)
    covariance = random_spd_2d(rng)
    mean = rng.uniform(-5, 5, size=2)
    _, ax = plt.subplots()
    patch = plot_covariance_ellipse(mean, covariance, ax=ax, n_std=n_std)
    eigenvalues = np.linalg.eigvalsh(covariance)
    assert isinstance(patch, Ellipse) and patch in ax.patches
    assert patch.width == pytest.approx(2 * n_std * np.sqrt(eigenvalues[1]))
    assert patch.height == pytest.approx(2 * n_std * np.sqrt(eigenvalues[0]))
    assert patch.angle == pytest.approx(gaussian.covariance_ellipse(covariance).angle)
    assert_allclose(patch.center, mean)
    # Matplotlib's drawing of the patch lies on the Mahalanobis contour: the
    # patch transform maps the unit circle onto the ellipse.
    t = np.linspace(0, 2 * np.pi, 40)
    boundary = patch.get_patch_transform().transform(np.column_stack([np.cos(t), np.sin(t)]))
    centered = boundary - mean
    quadratic = np.einsum("nd,de,ne->n", centered, np.linalg.inv(covariance), centered)
    assert_allclose(quadratic, n_std**2, rtol=1e-8)
    plt.close("all")


def test_ellipse_of_a_rotated_matrix_and_its_style(ax):
    covariance = rotation(30.0) @ np.diag([9.0, 1.0]) @ rotation(30.0).T
    patch = plot_covariance_ellipse([1.0, 2.0], covariance, ax=ax, n_std=1.0, color="red")
    assert (patch.width, patch.height) == pytest.approx((6.0, 2.0))
    assert patch.angle == pytest.approx(30.0)
    assert_allclose(patch.get_edgecolor(), to_rgba_array("red")[0])
    assert patch.get_facecolor()[3] == 0.0  # unfilled by default


def test_ax_none_draws_on_the_current_axes():
    patch = plot_covariance_ellipse([0.0, 0.0], np.eye(2))
    assert patch in plt.gca().patches


# ---------------------------------------------------------------------------
# Colours
# ---------------------------------------------------------------------------


def test_one_hot_responsibilities_give_exactly_the_palette_colours():
    palette = to_rgba_array(OKABE_ITO[:3])
    responsibilities = np.eye(3)[[0, 2, 1, 1]]
    assert_array_equal(responsibility_colors(responsibilities), palette[[0, 2, 1, 1]])


def test_a_fifty_fifty_point_gets_the_average_colour():
    custom = ["red", "blue", "green"]
    colors = responsibility_colors([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5]], palette=custom)
    rgba = to_rgba_array(custom)
    assert_allclose(colors[0], (rgba[0] + rgba[1]) / 2)
    assert_allclose(colors[1], (rgba[1] + rgba[2]) / 2)


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    n_components=st.integers(1, 10),
    n_samples=st.integers(1, 30),
)
def test_responsibility_colours_are_convex_combinations(seed, n_components, n_samples):
    rng = np.random.RandomState(seed)
    responsibilities = rng.dirichlet(np.full(n_components, 0.5), size=n_samples)
    colors = responsibility_colors(responsibilities)
    palette = component_colors(n_components)
    assert colors.shape == (n_samples, 4)
    assert_allclose(colors, responsibilities @ palette, atol=1e-12)
    assert np.all(colors >= palette.min(axis=0) - 1e-12)
    assert np.all(colors <= palette.max(axis=0) + 1e-12)
    assert_allclose(colors[:, 3], 1.0)  # every palette colour is opaque


def test_default_palette_repeats_after_eight_components():
    colors = component_colors(10)
    assert_array_equal(colors[8:], colors[:2])
    assert len({tuple(c) for c in colors[:8]}) == 8


# ---------------------------------------------------------------------------
# expand_covariances (lives in gaussian, re-exported here)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_expand_covariances_every_layout(covariance_type):
    assert plotting.expand_covariances is gaussian.expand_covariances
    _, _, full = three_component_mixture()
    given_values = covariances_in_layout(full, covariance_type)
    result = plotting.expand_covariances(given_values, covariance_type, 3, 2)
    assert result.shape == (3, 2, 2)
    for k in range(3):
        if covariance_type == "full":
            expected = full[k]
        elif covariance_type == "tied":
            expected = full[0]
        elif covariance_type == "diag":
            expected = np.diag(np.diag(full[k]))
        else:
            expected = np.trace(full[k]) / 2 * np.eye(2)
        assert_array_equal(result[k], expected)


# ---------------------------------------------------------------------------
# Mixture densities
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_mixture_density_grid_integrates_to_one(covariance_type):
    weights, means, full = three_component_mixture()
    covariances = covariances_in_layout(full, covariance_type)
    xx, yy, log_density = mixture_log_density_grid(
        weights, means, covariances, covariance_type, xlim=(-12, 14), ylim=(-10, 13), n_grid=200
    )
    assert xx.shape == yy.shape == log_density.shape == (200, 200)
    dx, dy = xx[0, 1] - xx[0, 0], yy[1, 0] - yy[0, 0]
    riemann_sum = np.exp(log_density).sum() * dx * dy
    assert abs(riemann_sum - 1.0) < 1e-2


def test_mixture_density_grid_matches_scipy_pointwise():
    weights, means, full = three_component_mixture()
    xx, yy, log_density = mixture_log_density_grid(
        weights, means, full, "full", xlim=(-3, 5), ylim=(-2, 4), n_grid=7
    )
    points = np.column_stack([xx.ravel(), yy.ravel()])
    expected = sum(
        w * stats.multivariate_normal(m, c).pdf(points) for w, m, c in zip(weights, means, full)
    )
    assert_allclose(np.exp(log_density).ravel(), expected, rtol=1e-10)


def test_zero_weight_component_is_harmless():
    weights = np.array([1.0, 0.0])
    means = np.array([[0.0, 0.0], [3.0, 3.0]])
    _, _, log_density = mixture_log_density_grid(
        weights, means, np.ones(2), "spherical", xlim=(-1, 1), ylim=(-1, 1), n_grid=5
    )
    assert_allclose(log_density[2, 2], stats.multivariate_normal([0, 0], np.eye(2)).logpdf([0, 0]))


@pytest.mark.parametrize("filled, log_scale", [(False, False), (True, False), (False, True)])
def test_density_contours(ax, filled, log_scale):
    weights, means, full = three_component_mixture()
    contours = plot_density_contours(
        weights, means, full, ax=ax, levels=6, n_grid=50, filled=filled, log_scale=log_scale
    )
    assert isinstance(contours, QuadContourSet)
    assert contours.filled == filled
    if filled:
        # The lowest band (density near zero, far from the data) is unpainted.
        assert contours.levels.min() > 0.0
    elif not log_scale:
        assert contours.levels.min() >= 0.0  # densities are non-negative
    else:
        assert contours.levels.min() < 0.0  # log-densities of the tails
    # The default box holds 3.5 marginal standard deviations of every component.
    assert ax.get_xlim()[0] <= -2.0 - 3.5 * np.sqrt(2.0) + 1e-9


# ---------------------------------------------------------------------------
# Mixtures, clusters, responsibilities
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n_std", [1.0, (1.0, 2.0), (0.5, 1.0, 2.0)])
@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_plot_mixture_draws_one_ellipse_per_component_and_radius(ax, covariance_type, n_std):
    weights, means, full = three_component_mixture()
    covariances = covariances_in_layout(full, covariance_type)
    X = gaussian.sample_gaussian(means[0], full[0], 30, random_state=0)
    artists = plot_mixture(X, weights, means, covariances, covariance_type, ax=ax, n_std=n_std)
    radii = np.atleast_1d(n_std)
    assert len(artists.ellipses) == 3 * len(radii)
    assert sum(isinstance(p, Ellipse) for p in ax.patches) == 3 * len(radii)
    expanded = gaussian.expand_covariances(covariances, covariance_type, 3, 2)
    for index, patch in enumerate(artists.ellipses):
        k, radius = divmod(index, len(radii))
        expected = gaussian.covariance_ellipse(expanded[k], n_std=radii[radius])
        assert patch.width == pytest.approx(2 * expected.semi_major)
        assert patch.height == pytest.approx(2 * expected.semi_minor)
        assert_allclose(patch.center, means[k])
    assert_allclose(artists.centers.get_offsets(), means)
    assert_allclose(artists.scatter.get_offsets(), X)


def test_plot_mixture_opacity_follows_the_weights(ax):
    weights, means, full = three_component_mixture()
    artists = plot_mixture(None, weights, means, full, ax=ax, n_std=1.0)
    assert artists.scatter is None
    alphas = [patch.get_alpha() for patch in artists.ellipses]
    assert alphas[0] == pytest.approx(1.0)  # the heaviest component is opaque
    assert alphas[0] > alphas[1] > alphas[2] > 0.0


def test_plot_mixture_colours_points(ax):
    weights, means, full = three_component_mixture()
    X = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 1.0]])
    responsibilities = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.5, 0.5, 0.0]])
    by_responsibility = plot_mixture(X, weights, means, full, ax=ax, responsibilities=responsibilities)
    expected = responsibility_colors(responsibilities)
    assert_allclose(by_responsibility.scatter.get_facecolors()[:, :3], expected[:, :3])
    by_label = plot_mixture(X, weights, means, full, ax=ax, labels=[2, 1, 0])
    assert_allclose(by_label.scatter.get_facecolors()[:, :3], component_colors(3)[[2, 1, 0], :3])
    grey = plot_mixture(X, weights, means, full, ax=ax)
    facecolors = grey.scatter.get_facecolors()
    assert np.all(facecolors[:, 0] == facecolors[:, 1])  # neutral grey: r = g = b
    assert np.all(facecolors[:, 1] == facecolors[:, 2])


def test_plot_responsibilities_blend_and_diverging_map(ax):
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    responsibilities = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    blended = plot_responsibilities(X, responsibilities, ax=ax)
    assert_allclose(blended.get_facecolors(), responsibility_colors(responsibilities))
    mapped = plot_responsibilities(X, responsibilities, ax=ax, cmap="coolwarm")
    assert_allclose(mapped.get_array(), responsibilities[:, 1])
    assert mapped.get_clim() == (0.0, 1.0)
    with pytest.raises(ValueError, match="exactly 2 components"):
        plot_responsibilities(X, np.full((3, 3), 1 / 3), ax=ax, cmap="coolwarm")


def test_plot_clusters_colours_by_label_and_marks_centres(ax):
    X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0]])
    centers = np.array([[0.05, 0.0], [5.0, 5.0]])
    artists = plot_clusters(X, [0, 0, 1], centers=centers, ax=ax)
    palette = component_colors(2)
    assert_allclose(artists.scatter.get_facecolors()[:, :3], palette[[0, 0, 1], :3])
    assert_allclose(artists.centers.get_offsets(), centers)
    assert_allclose(artists.centers.get_facecolors()[:, :3], palette[:, :3])
    assert artists.centers.get_sizes()[0] > artists.scatter.get_sizes()[0]
    assert plot_clusters(X, [0, 1, 2], ax=ax).centers is None


# ---------------------------------------------------------------------------
# Histories
# ---------------------------------------------------------------------------


def marked_points(ax):
    marks = [line for line in ax.lines if line.get_label() == "wrong-direction step"]
    assert len(marks) <= 1
    return marks[0] if marks else None


def test_plot_history_marks_exactly_the_decreasing_steps(ax):
    values = np.array([-10.0, -5.0, -6.0, -3.0, -3.0, -3.5, -1.0])
    line = plot_history(values, ax=ax)
    assert_allclose(line.get_xdata(), np.arange(7))
    assert_allclose(line.get_ydata(), values)
    marks = marked_points(ax)
    assert_array_equal(marks.get_xdata(), [2, 5])  # the two decreases; the tie is fine
    assert_allclose(marks.get_ydata(), [-6.0, -3.5])
    assert ax.get_ylabel() == "log-likelihood" and ax.get_xlabel() == "iteration"


def test_plot_history_for_a_distortion_marks_increases(ax):
    values = [100.0, 50.0, 60.0, 40.0, 40.0]
    plot_history(values, ax=ax, ylabel="distortion", direction="decrease", first_iteration=1)
    marks = marked_points(ax)
    assert_array_equal(marks.get_xdata(), [3])  # values[2] = 60 > 50, at iteration 3
    assert ax.get_ylabel() == "distortion"


def test_plot_history_without_wrong_steps_or_marks(ax):
    plot_history([1.0, 2.0, 3.0], ax=ax)
    assert marked_points(ax) is None
    plot_history([3.0, 2.0, 1.0], ax=ax, mark_decreases=False)
    assert marked_points(ax) is None


@SETTINGS
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=40))
def test_wrong_direction_steps_are_exactly_the_decreases(values):
    steps = wrong_direction_steps(values, direction="increase")
    expected = [i for i in range(1, len(values)) if values[i] < values[i - 1]]
    assert steps.tolist() == expected
    increases = wrong_direction_steps(values, direction="decrease")
    assert increases.tolist() == [i for i in range(1, len(values)) if values[i] > values[i - 1]]


def test_wrong_direction_tolerance_ignores_rounding_noise():
    values = [1.0, 2.0, 2.0 - 1e-13, 1.5]
    assert wrong_direction_steps(values).tolist() == [2, 3]
    assert wrong_direction_steps(values, tolerance=1e-10).tolist() == [3]


# ---------------------------------------------------------------------------
# 1-D mixtures and single 2-D Gaussians
# ---------------------------------------------------------------------------


def test_plot_univariate_mixture(ax):
    rng = np.random.RandomState(0)
    x = np.concatenate([rng.normal(-2, 0.5, 300), rng.normal(3, 1.0, 700)])
    weights, means, variances = [0.3, 0.7], [-2.0, 3.0], [0.25, 1.0]
    artists = plot_univariate_mixture(x, weights, means, variances, ax=ax, bins=25)
    heights = np.array([bar.get_height() for bar in artists.histogram])
    widths = np.array([bar.get_width() for bar in artists.histogram])
    assert len(heights) == 25
    assert np.sum(heights * widths) == pytest.approx(1.0)  # density=True
    grid, mixture = artists.mixture.get_data()
    expected = 0.3 * stats.norm(-2, 0.5).pdf(grid) + 0.7 * stats.norm(3, 1.0).pdf(grid)
    assert_allclose(mixture, expected, rtol=1e-10)
    assert len(artists.components) == 2
    assert_allclose(sum(line.get_ydata() for line in artists.components), mixture, rtol=1e-10)
    assert np.trapezoid(mixture, grid) == pytest.approx(1.0, abs=1e-2)
    bare = plot_univariate_mixture(x, weights, means, variances, ax=ax, show_components=False)
    assert bare.components == []


def test_plot_gaussian_2d_axes_and_ellipses(ax):
    mean = np.array([1.0, -1.0])
    covariance = rotation(30.0) @ np.diag([4.0, 1.0]) @ rotation(30.0).T
    samples = gaussian.sample_gaussian(mean, covariance, 100, random_state=0)
    artists = plot_gaussian_2d(mean, covariance, samples=samples, ax=ax)
    assert len(artists.ellipses) == 3
    assert [p.width for p in artists.ellipses] == pytest.approx([4.0, 8.0, 12.0])
    assert_allclose(artists.scatter.get_offsets(), samples)
    major, minor = (np.array(arrow.xy) - mean for arrow in artists.arrows)
    assert_allclose(major, 2.0 * np.array([np.cos(np.radians(30)), np.sin(np.radians(30))]) * np.sign(major[0]))
    assert np.linalg.norm(minor) == pytest.approx(1.0)
    assert major @ minor == pytest.approx(0.0, abs=1e-12)
    assert_allclose([arrow.xyann for arrow in artists.arrows], [mean, mean])
    assert ax.get_aspect() == 1.0


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------

WEIGHTS, MEANS, FULL = three_component_mixture()

BAD_INPUTS = [
    (lambda: plot_covariance_ellipse([0.0, 0.0, 0.0], np.eye(2)), r"mean must have shape \(2,\)"),
    (lambda: plot_covariance_ellipse([0.0, 0.0], np.eye(3)), "2 x 2"),
    (lambda: plot_covariance_ellipse([0.0, 0.0], np.eye(2), n_std=-1.0), "n_std"),
    (lambda: responsibility_colors([[0.7, 0.7]]), "sum to one"),
    (lambda: responsibility_colors([[1.5, -0.5]]), r"\[0, 1\]"),
    (lambda: responsibility_colors([[0.5, 0.5]], palette=["red"]), "palette has 1 colour"),
    (lambda: responsibility_colors([[0.5, 0.5]], palette=["not-a-colour", "red"]), "palette"),
    (lambda: plot_mixture(np.ones((4, 3)), WEIGHTS, MEANS, FULL), "exactly 2 features"),
    (lambda: plot_mixture(None, [0.5, 0.6, 0.2], MEANS, FULL), "sum to one"),
    (lambda: plot_mixture(None, WEIGHTS, MEANS, FULL, "round"), "covariance_type"),
    (lambda: plot_mixture(None, WEIGHTS, MEANS, FULL[0], "full"), "must have shape"),
    (lambda: plot_mixture(np.ones((2, 2)), WEIGHTS, MEANS, FULL, labels=[0, 3]), r"0\.\.2"),
    (lambda: plot_mixture(np.ones((2, 2)), WEIGHTS, MEANS, FULL, labels=[0.5, 1]), "integers"),
    (lambda: plot_mixture(np.ones((2, 2)), WEIGHTS, MEANS, FULL, responsibilities=np.eye(2)), "3 columns"),
    (lambda: plot_mixture(None, WEIGHTS, MEANS, FULL, n_std=()), "n_std"),
    (lambda: plot_mixture(None, WEIGHTS, np.ones((3, 3)), FULL), r"\(n_components, 2\)"),
    (lambda: mixture_log_density_grid(WEIGHTS, MEANS, FULL, "full", (1, 0), (0, 1)), "low < high"),
    (lambda: mixture_log_density_grid(WEIGHTS, MEANS, FULL, "full", (0, 1), (0, 1), n_grid=1), "n_grid"),
    (lambda: plot_clusters(np.ones((3, 2)), [0, 1]), "one entry per point"),
    (lambda: plot_clusters(np.ones((2, 2)), [0, -1]), "non-negative"),
    (lambda: plot_history([1.0, np.nan]), "NaN"),
    (lambda: plot_history([1.0, 2.0], direction="up"), "direction"),
    (lambda: wrong_direction_steps([1.0, 2.0], tolerance=-1.0), "tolerance"),
    (lambda: plot_univariate_mixture([1.0, 2.0], [1.0], [0.0], [-1.0]), "standard deviation"),
    (lambda: plot_univariate_mixture([1.0, 2.0], [0.5, 0.5], [0.0, 1.0], [1.0]), r"variances must have shape \(2,\)"),
    (lambda: plot_gaussian_2d([0.0, 0.0], np.eye(2), samples=np.ones(4)), "samples must be a 2-D array"),
]


@pytest.mark.parametrize("call, message", BAD_INPUTS, ids=[m for _, m in BAD_INPUTS])
def test_bad_input_raises_a_readable_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_module_exports_what_it_documents():
    for name in plotting.__all__:
        assert hasattr(plotting, name)
