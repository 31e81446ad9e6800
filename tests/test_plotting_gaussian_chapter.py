"""Tests for the chapter-1 additions to gmm_lib.plotting.

plot_univariate_gaussians, plot_univariate_fit, plot_univariate_log_likelihood,
plot_mahalanobis_contours and plot_mahalanobis_cdf: what they draw must be the
mathematics they claim to draw.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.contour import QuadContourSet  # noqa: E402
from matplotlib.patches import Circle, Ellipse  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

from gmm_lib.gaussian import (  # noqa: E402
    fit_univariate_gaussian,
    mahalanobis,
    probability_inside_ellipsoid,
    sample_gaussian,
    univariate_log_density,
)
from gmm_lib.plotting import (  # noqa: E402
    OKABE_ITO,
    plot_mahalanobis_cdf,
    plot_mahalanobis_contours,
    plot_univariate_fit,
    plot_univariate_gaussians,
    plot_univariate_log_likelihood,
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


# ---------------------------------------------------------------------------
# plot_univariate_gaussians
# ---------------------------------------------------------------------------


@SETTINGS
@given(mean=st.floats(-50, 50), log_variance=st.floats(-4, 4))
def test_each_curve_is_a_normalised_density_peaking_at_its_mean(mean, log_variance):
    _, ax = plt.subplots()
    variance = float(np.exp(log_variance))
    (line,) = plot_univariate_gaussians(mean, variance, ax=ax, n_points=4001)
    x, y = line.get_data()
    assert_allclose(np.trapezoid(y, x), 1.0, atol=1e-3)  # 4 std either side: 0.99994
    assert_allclose(x[np.argmax(y)], mean, atol=8 * np.sqrt(variance) / 4000 + 1e-9)
    assert_allclose(y.max(), 1 / np.sqrt(2 * np.pi * variance), rtol=1e-5)
    plt.close("all")


def test_curves_are_labelled_coloured_and_broadcast(ax):
    lines = plot_univariate_gaussians([-2.0, 0.0, 2.0], 1.0, ax=ax)
    assert [line.get_label() for line in lines] == [
        "μ = -2, σ² = 1", "μ = 0, σ² = 1", "μ = 2, σ² = 1"]
    for k, line in enumerate(lines):
        assert_allclose(to_rgba(line.get_color()), to_rgba(OKABE_ITO[k]))
    assert ax.get_legend() is not None
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "density"
    x, y = lines[1].get_data()
    assert_allclose(y, np.exp(univariate_log_density(x, 0.0, 1.0)))


def test_shading_covers_plus_minus_one_std(ax):
    plot_univariate_gaussians(0.0, [0.25, 4.0], ax=ax, shade_std=True, x_range=(-10, 10))
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2
    for band, std in zip(bands, (0.5, 2.0)):
        xs = band.get_paths()[0].vertices[:, 0]
        assert xs.min() >= -std - 1e-9 and xs.max() <= std + 1e-9
        assert xs.min() < -0.9 * std and xs.max() > 0.9 * std


def test_univariate_gaussians_validation(ax):
    with pytest.raises(ValueError, match="standard deviation"):
        plot_univariate_gaussians(0.0, -1.0, ax=ax)
    with pytest.raises(ValueError, match="same length"):
        plot_univariate_gaussians([0.0, 1.0], [1.0, 2.0, 3.0], ax=ax)
    with pytest.raises(ValueError, match="low < high"):
        plot_univariate_gaussians(0.0, 1.0, ax=ax, x_range=(1.0, -1.0))


# ---------------------------------------------------------------------------
# plot_univariate_fit
# ---------------------------------------------------------------------------


def test_fit_draws_histogram_fitted_and_true_density(ax):
    x = sample_gaussian([5.0], [[4.0]], n_samples=200, random_state=0).ravel()
    mean, variance = fit_univariate_gaussian(x)
    artists = plot_univariate_fit(x, mean, variance, ax=ax, bins=15, true_mean=5.0,
                                  true_variance=4.0)
    heights = np.array([patch.get_height() for patch in artists.histogram])
    widths = np.array([patch.get_width() for patch in artists.histogram])
    assert_allclose(np.sum(heights * widths), 1.0)  # a density histogram
    grid, fitted = artists.fitted.get_data()
    assert_allclose(fitted, np.exp(univariate_log_density(grid, mean, variance)))
    _, truth = artists.truth.get_data()
    assert_allclose(truth, np.exp(univariate_log_density(grid, 5.0, 4.0)))
    assert grid.min() <= x.min() and grid.max() >= x.max()


def test_fit_without_truth_and_validation(ax):
    x = np.array([0.0, 1.0, 3.0])
    assert plot_univariate_fit(x, 1.0, 1.0, ax=ax).truth is None
    with pytest.raises(ValueError, match="both"):
        plot_univariate_fit(x, 1.0, 1.0, ax=ax, true_mean=0.0)
    with pytest.raises(ValueError, match="strictly positive"):
        plot_univariate_fit(x, 1.0, 0.0, ax=ax)
    with pytest.raises(ValueError, match="1-D"):
        plot_univariate_fit(x[:, None], 1.0, 1.0, ax=ax)


# ---------------------------------------------------------------------------
# plot_univariate_log_likelihood
# ---------------------------------------------------------------------------


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n_samples=st.integers(2, 80))
def test_log_likelihood_grid_is_the_sum_of_log_densities(seed, n_samples):
    rng = np.random.RandomState(seed)
    x = rng.normal(rng.uniform(-5, 5), rng.uniform(0.5, 3), size=n_samples)
    _, ax = plt.subplots()
    art = plot_univariate_log_likelihood(x, ax=ax, n_grid=15)
    mean_ml, variance_ml = fit_univariate_gaussian(x)
    maximum = univariate_log_density(x, mean_ml, variance_ml).sum()
    for i, j in [(0, 0), (7, 3), (14, 14), (3, 11)]:
        direct = univariate_log_density(x, art.means[j], art.variances[i]).sum()
        assert_allclose(art.relative_log_likelihood[i, j], direct - maximum,
                        rtol=1e-9, atol=1e-9 * abs(maximum))
    assert art.relative_log_likelihood.max() <= 1e-9 * max(1.0, abs(maximum))
    assert_allclose(art.maximum.get_data(), ([mean_ml], [variance_ml]))
    plt.close("all")


def test_log_likelihood_contours_and_ranges(ax):
    x = np.array([1.0, 2.0, 4.0, 7.0])
    art = plot_univariate_log_likelihood(x, ax=ax, mean_range=(0, 8), variance_range=(1, 20),
                                         levels=(-8, -2, -1), n_grid=50)
    assert isinstance(art.contours, QuadContourSet)
    assert_allclose(art.contours.levels, [-8, -2, -1])
    assert_allclose([art.means[0], art.means[-1]], [0, 8])
    assert_allclose([art.variances[0], art.variances[-1]], [1, 20])
    assert ax.get_xlabel() == "mean μ" and ax.get_ylabel() == "variance σ²"


def test_log_likelihood_validation(ax):
    with pytest.raises(ValueError, match="no maximum"):
        plot_univariate_log_likelihood([2.0, 2.0, 2.0], ax=ax)
    with pytest.raises(ValueError, match="at least 2"):
        plot_univariate_log_likelihood([2.0], ax=ax)
    with pytest.raises(ValueError, match="negative"):
        plot_univariate_log_likelihood([1.0, 2.0], ax=ax, levels=(-1, 0.5))
    with pytest.raises(ValueError, match="positive"):
        plot_univariate_log_likelihood([1.0, 2.0], ax=ax, variance_range=(-1, 2))


# ---------------------------------------------------------------------------
# plot_mahalanobis_contours
# ---------------------------------------------------------------------------


def rotation(degrees):
    theta = np.radians(degrees)
    return np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])


@SETTINGS
@given(angle=st.floats(-90, 90), log_eigs=st.tuples(st.floats(-1, 1), st.floats(-1, 1)),
       seed=st.integers(0, 1000))
def test_ellipse_and_circle_pass_through_each_point(angle, log_eigs, seed):
    covariance = rotation(angle) @ np.diag(np.exp(log_eigs)) @ rotation(angle).T
    covariance = 0.5 * (covariance + covariance.T)
    mean = np.array([0.5, -1.0])
    points = mean + np.random.RandomState(seed).normal(scale=2.0, size=(3, 2))
    _, ax = plt.subplots()
    art = plot_mahalanobis_contours(mean, covariance, points, ax=ax)
    deltas = mahalanobis(points, mean, covariance)
    assert_allclose(art.distances[:, 0], deltas, rtol=1e-10)
    assert_allclose(art.distances[:, 1], np.linalg.norm(points - mean, axis=1), rtol=1e-10)
    eigenvalues = np.linalg.eigvalsh(covariance)
    for ellipse, circle, delta, radius in zip(art.ellipses, art.circles, deltas,
                                               art.distances[:, 1]):
        assert isinstance(ellipse, Ellipse) and isinstance(circle, Circle)
        assert_allclose(ellipse.width, 2 * delta * np.sqrt(eigenvalues[1]), rtol=1e-8)
        assert_allclose(ellipse.height, 2 * delta * np.sqrt(eigenvalues[0]), rtol=1e-8)
        assert_allclose(circle.radius, radius, rtol=1e-12)
    for point, ellipse in zip(points, art.ellipses):
        # in the patch's own coordinates the ellipse is the unit circle
        inside_coordinates = ellipse.get_patch_transform().inverted().transform(point[None])
        assert_allclose(np.linalg.norm(inside_coordinates), 1.0, rtol=1e-8)
    plt.close("all")


def test_mahalanobis_contours_identity_samples_and_mean(ax):
    points = np.array([[1.0, 0.0], [0.0, 0.0]])
    samples = np.zeros((5, 2))
    art = plot_mahalanobis_contours([0.0, 0.0], np.eye(2), points, ax=ax, samples=samples)
    assert_allclose(art.distances[0], [1.0, 1.0])  # identity: the ellipse is the circle
    assert_allclose(art.ellipses[0].width, 2.0)
    assert art.ellipses[1] is None and art.circles[1] is None  # a point at the mean
    assert art.samples.get_offsets().shape == (5, 2)
    assert art.points[0].get_label() == "Δ = 1.00,  ‖x − μ‖ = 1.00"


def test_mahalanobis_contours_validation(ax):
    with pytest.raises(ValueError, match="2 features"):
        plot_mahalanobis_contours([0, 0], np.eye(2), [[1.0, 2.0, 3.0]], ax=ax)
    with pytest.raises(ValueError, match="positive-definite"):
        plot_mahalanobis_contours([0, 0], [[1.0, 2.0], [2.0, 1.0]], [[1.0, 2.0]], ax=ax)
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        plot_mahalanobis_contours([0, 0, 0], np.eye(2), [[1.0, 2.0]], ax=ax)


# ---------------------------------------------------------------------------
# plot_mahalanobis_cdf
# ---------------------------------------------------------------------------


def test_cdf_curves(ax):
    distances = np.array([0.5, 1.0, 1.0, 2.0])
    art = plot_mahalanobis_cdf(distances, n_features=2, ax=ax, reference_dimensions=(1, 5))
    x, y = art.empirical.get_data()
    assert y[0] == 0.0 and y[-1] == 1.0
    assert np.all(np.diff(y) >= 0) and np.all(np.diff(x) >= 0)
    # the fraction with Delta <= 1 is 3/4 (the step is drawn after each point)
    assert_allclose(y[np.searchsorted(x, 1.0, side="right") - 1], 0.75)
    grid, theory = art.theoretical.get_data()
    assert_allclose(theory, 1 - np.exp(-grid**2 / 2), atol=1e-12)
    assert len(art.references) == 2
    grid5, theory5 = art.references[1].get_data()
    assert_allclose(theory5, probability_inside_ellipsoid(grid5, 5))
    assert "1 − exp(−r²/2)" in art.theoretical.get_label()


def test_cdf_of_gaussian_samples_follows_the_theory(ax):
    mean = np.array([1.0, 2.0, 3.0])
    covariance = np.diag([1.0, 4.0, 0.25])
    X = sample_gaussian(mean, covariance, n_samples=20_000, random_state=0)
    art = plot_mahalanobis_cdf(mahalanobis(X, mean, covariance), n_features=3, ax=ax)
    x, y = art.empirical.get_data()
    inner = slice(1, -1)
    gap = np.abs(y[inner] - probability_inside_ellipsoid(x[inner], 3)).max()
    assert gap < 0.015  # Kolmogorov-Smirnov distance; 1.36 / sqrt(N) = 0.0096 at 5%


def test_cdf_validation(ax):
    with pytest.raises(ValueError, match=">= 0"):
        plot_mahalanobis_cdf([-1.0, 1.0], ax=ax)
    with pytest.raises(ValueError, match="at least 1"):
        plot_mahalanobis_cdf([1.0], n_features=0, ax=ax)
    with pytest.raises(ValueError, match="reference_dimensions"):
        plot_mahalanobis_cdf([1.0], ax=ax, reference_dimensions=(0,))
