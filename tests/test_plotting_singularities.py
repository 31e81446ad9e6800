"""Tests for the chapter-5 plotting helpers: needles, scale curves, histories, surfaces, restarts."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402
from scipy import stats  # noqa: E402

from gmm_lib.labels import two_means_log_likelihood_grid  # noqa: E402
from gmm_lib.mixture import run_em  # noqa: E402
from gmm_lib.plotting import (  # noqa: E402
    plot_log_likelihood_surface,
    plot_log_likelihood_vs_scale,
    plot_pinned_mixture_1d,
    plot_restart_log_likelihoods,
    plot_smallest_variance_history,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def ax():
    _, axes = plt.subplots()
    return axes


WHOLE_NUMBERS = np.array([50, 51, 51, 52, 60, 60, 60, 61, 70, 71, 71, 72], dtype=float)


###############################################################################
# plot_pinned_mixture_1d


def test_pinned_mixture_draws_the_needle_at_its_true_height(ax):
    sigma = 1e-3
    weights, means, variances = np.array([0.9, 0.1]), np.array([60.0, 60.0]), np.array([64.0, sigma**2])
    artists = plot_pinned_mixture_1d(WHOLE_NUMBERS, weights, means, variances, ax=ax)
    peak = 0.1 / (np.sqrt(2 * np.pi) * sigma) + 0.9 / np.sqrt(2 * np.pi * 64.0)
    assert artists.mixture.get_ydata().max() == pytest.approx(peak, rel=1e-9)
    # The axes stop well below the needle and a label gives its height.
    assert ax.get_ylim()[1] < peak / 10
    assert artists.peak is not None and f"{peak:.3g}" in artists.peak.get_text()
    # One histogram bar per recorded value (resolution 1).
    widths = {round(patch.get_width(), 9) for patch in artists.histogram}
    assert widths == {1.0}
    assert len(artists.components) == 2


def test_pinned_mixture_without_needle_has_no_label(ax):
    artists = plot_pinned_mixture_1d(WHOLE_NUMBERS, [0.5, 0.5], [52.0, 70.0], [4.0, 4.0], ax=ax)
    assert artists.peak is None
    assert ax.get_ylim()[1] >= artists.mixture.get_ydata().max()
    # The drawn curve is the mixture density, and its components add up to it.
    x, y = artists.mixture.get_xdata(), artists.mixture.get_ydata()
    expected = 0.5 * stats.norm.pdf(x, 52.0, 2.0) + 0.5 * stats.norm.pdf(x, 70.0, 2.0)
    assert_allclose(y, expected, rtol=1e-10)
    assert_allclose(sum(line.get_ydata() for line in artists.components), y, rtol=1e-10)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(variances=[1.0, 0.0]), "strictly positive"),
        (dict(variances=[1.0]), "one per component"),
        (dict(weights=[0.5, 0.6]), "sum to one"),
        (dict(x=np.zeros((3, 2))), "one-dimensional"),
        (dict(resolution=0.0), "positive"),
    ],
)
def test_pinned_mixture_validation(ax, kwargs, message):
    arguments = dict(x=WHOLE_NUMBERS, weights=[0.5, 0.5], means=[50.0, 60.0],
                     variances=[1.0, 1.0], ax=ax)
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        plot_pinned_mixture_1d(**arguments)


###############################################################################
# plot_log_likelihood_vs_scale


def test_scale_curves_are_drawn_on_a_reversed_log_axis(ax):
    sigmas = np.logspace(0, -3, 7)
    curves = {"a": -np.log(sigmas), "b": -2 * np.log(sigmas)}
    lines = plot_log_likelihood_vs_scale(sigmas, curves, ax=ax, ylim=(-1.0, 20.0))
    assert [line.get_label() for line in lines] == ["a", "b"]
    assert_allclose(lines[1].get_ydata(), curves["b"])
    assert ax.get_xscale() == "log" and ax.xaxis_inverted()
    assert ax.get_ylim() == (-1.0, 20.0)
    # Calling twice on the same axes keeps it inverted (it is not flipped back).
    plot_log_likelihood_vs_scale(sigmas, {"c": curves["a"]}, ax=ax)
    assert ax.xaxis_inverted()


@pytest.mark.parametrize(
    "scales, curves, message",
    [
        ([1.0, 0.0], {"a": [1.0, 2.0]}, "positive"),
        ([1.0, 0.1], {}, "non-empty dict"),
        ([1.0, 0.1], {"a": [1.0]}, "one value per scale"),
        ([1.0, 0.1], [1.0, 2.0], "non-empty dict"),
    ],
)
def test_scale_curves_validation(ax, scales, curves, message):
    with pytest.raises(ValueError, match=message):
        plot_log_likelihood_vs_scale(scales, curves, ax=ax)
    with pytest.raises(ValueError, match="low < high"):
        plot_log_likelihood_vs_scale([1.0, 0.1], {"a": [0.0, 1.0]}, ax=ax, ylim=(2.0, 1.0))


###############################################################################
# plot_smallest_variance_history


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_smallest_variance_history_follows_the_eigenvalues(ax, covariance_type):
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(0, 1, size=(30, 2)), rng.normal(5, 1, size=(30, 2))])
    full = np.stack([np.eye(2), np.eye(2)])
    covariances = {
        "full": full, "tied": np.eye(2), "diag": np.ones((2, 2)), "spherical": np.ones(2)
    }[covariance_type]
    result = run_em(X, [0.5, 0.5], [[0.0, 0.0], [5.0, 5.0]], covariances, covariance_type,
                    max_iter=5, record_history=True)
    lines = plot_smallest_variance_history(result["history"], covariance_type, ax=ax, floor=1e-6)
    expected_lines = 1 if covariance_type == "tied" else 2
    assert len(lines) == expected_lines
    assert ax.get_yscale() == "log"
    last = result["history"][-1]["covariances"]
    if covariance_type == "full":
        expected = np.linalg.eigvalsh(last)[:, 0]
    elif covariance_type == "tied":
        expected = np.linalg.eigvalsh(last)[:1]
    elif covariance_type == "diag":
        expected = last.min(axis=1)
    else:
        expected = last
    assert_allclose([line.get_ydata()[-1] for line in lines], expected, rtol=1e-12)
    assert any(line.get_label() == "reg_covar floor" for line in ax.get_lines())


def test_smallest_variance_history_validation(ax):
    with pytest.raises(ValueError, match="non-empty list"):
        plot_smallest_variance_history([], ax=ax)
    with pytest.raises(ValueError, match="key 'covariances'"):
        plot_smallest_variance_history([{"means": 1}], ax=ax)


###############################################################################
# plot_log_likelihood_surface


def test_surface_marks_the_mirror_maxima_and_the_saddle(ax):
    rng = np.random.RandomState(1)
    x = np.concatenate([rng.normal(-3, 1, 60), rng.normal(3, 1, 60)])
    grid = np.linspace(-6, 6, 61)
    surface = two_means_log_likelihood_grid(x, grid, grid, variances=(1.0, 1.0))
    artists = plot_log_likelihood_surface(grid, grid, surface, ax=ax)
    maxima = artists.maxima.get_offsets()
    # The global maxima come as a mirror pair (mu1, mu2) and (mu2, mu1).
    top = {tuple(np.round(point, 6)) for point in maxima}
    for a, b in top:
        assert (b, a) in top
    assert len(top) >= 2
    saddle = artists.saddle.get_offsets()[0]
    assert saddle[0] == saddle[1]
    assert abs(saddle[0] - x.mean()) <= grid[1] - grid[0]
    assert_allclose(artists.diagonal.get_xdata(), artists.diagonal.get_ydata())


def test_surface_on_different_grids_has_no_saddle(ax):
    x = np.array([-1.0, 0.0, 1.0, 5.0])
    surface = two_means_log_likelihood_grid(x, np.linspace(-2, 2, 9), np.linspace(3, 7, 5))
    artists = plot_log_likelihood_surface(np.linspace(-2, 2, 9), np.linspace(3, 7, 5), surface,
                                          ax=ax, depth=50.0)
    assert artists.saddle is None
    with pytest.raises(ValueError, match="must have shape"):
        plot_log_likelihood_surface(np.linspace(-2, 2, 9), np.linspace(3, 7, 5), surface.T, ax=ax)
    with pytest.raises(ValueError, match="depth must be positive"):
        plot_log_likelihood_surface(np.linspace(-2, 2, 9), np.linspace(3, 7, 5), surface, ax=ax,
                                    depth=0.0)


###############################################################################
# plot_restart_log_likelihoods


def test_restart_histogram_counts_the_best_and_separates_degenerate_runs(ax):
    values = np.array([-100.0, -100.001, -120.0, -90.0, -100.0])
    flags = np.array([False, False, False, True, False])
    histograms = plot_restart_log_likelihoods(values, ax=ax, degenerate=flags, tolerance=0.01)
    assert len(histograms) == 2
    healthy_counts = sum(patch.get_height() for patch in histograms[0])
    flagged_counts = sum(patch.get_height() for patch in histograms[1])
    assert (healthy_counts, flagged_counts) == (4, 1)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "best: 3 of 5 restarts" in labels
    best_line = [line for line in ax.get_lines() if line.get_label().startswith("best")][0]
    assert best_line.get_xdata()[0] == -100.0  # the flagged -90 is not "best"


def test_restart_histogram_validation(ax):
    with pytest.raises(ValueError, match="one flag per restart"):
        plot_restart_log_likelihoods([1.0, 2.0], ax=ax, degenerate=[True])
    with pytest.raises(ValueError, match="Every restart"):
        plot_restart_log_likelihoods([1.0, 2.0], ax=ax, degenerate=[True, True])
    histograms = plot_restart_log_likelihoods([3.0, 3.0, 3.0], ax=ax)
    assert sum(patch.get_height() for patch in histograms[0]) == 3
