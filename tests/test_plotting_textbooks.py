"""Tests for the appendix plotting helpers: mixture comparisons, estimate traces, error decay."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402
from scipy import integrate, stats  # noqa: E402

from gmm_lib.plotting import (  # noqa: E402
    plot_error_decay,
    plot_estimate_traces,
    plot_univariate_mixtures,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def ax():
    _, axes = plt.subplots()
    return axes


def band_limits(band):
    """Lower and upper edge of an ``axhspan`` (a Rectangle or, in older matplotlib, a Polygon)."""
    if hasattr(band, "get_height"):
        return band.get_y(), band.get_y() + band.get_height()
    heights = np.asarray(band.get_xy())[:, 1]
    return heights.min(), heights.max()


X = np.array([-0.39, 0.12, 0.94, 1.67, 3.72, 4.28, 4.92, 5.53])
FIT = ([0.5, 0.5], [1.0, 4.6], [0.8, 0.8])


###############################################################################
# plot_univariate_mixtures


def test_univariate_mixtures_draws_the_densities(ax):
    artists = plot_univariate_mixtures(X, {"fit": FIT, "other": ([0.3, 0.7], [0.0, 5.0],
                                                                  [1.0, 0.5])}, ax=ax)
    assert [line.get_label() for line in artists.lines] == ["fit", "other"]
    assert artists.lines[0].get_linestyle() == "-" and artists.lines[1].get_linestyle() == "--"
    grid, density = artists.lines[0].get_data()
    expected = 0.5 * stats.norm.pdf(grid, 1.0, np.sqrt(0.8)) + 0.5 * stats.norm.pdf(grid, 4.6, np.sqrt(0.8))
    assert_allclose(density, expected, rtol=1e-10)
    assert_allclose(integrate.trapezoid(density, grid), 1.0, atol=2e-3)   # 3 sd either side
    assert artists.histogram is not None and artists.rug is not None
    assert_allclose(artists.rug.get_xdata(), X)
    assert ax.get_ylim()[0] == 0.0


def test_univariate_mixtures_without_histogram_or_rug_and_with_range(ax):
    artists = plot_univariate_mixtures(X, {"fit": FIT}, ax=ax, bins=0, rug=False,
                                       grid_range=(-6, 13))
    assert artists.histogram is None and artists.rug is None
    grid = artists.lines[0].get_xdata()
    assert grid[0] == -6 and grid[-1] == 13


@pytest.mark.parametrize(
    "mixtures, match",
    [
        ({}, "non-empty dict"),
        ([FIT], "non-empty dict"),
        ({"fit": ([0.5, 0.5], [1.0, 4.6])}, "tuple \\(weights, means, variances\\)"),
        ({"fit": ([0.5, 0.5], [1.0, 4.6], [0.8])}, "one per component"),
        ({"fit": ([0.5, 0.5], [1.0, 4.6], [0.8, -1.0])}, "variances\\[1\\]"),
        ({"fit": ([0.5, 0.6], [1.0, 4.6], [0.8, 0.8])}, "weights"),
    ],
)
def test_univariate_mixtures_rejects_bad_mixtures(ax, mixtures, match):
    with pytest.raises(ValueError, match=match):
        plot_univariate_mixtures(X, mixtures, ax=ax)


def test_univariate_mixtures_rejects_bad_data_and_range(ax):
    with pytest.raises(ValueError, match="x"):
        plot_univariate_mixtures(np.array([1.0, np.nan]), {"fit": FIT}, ax=ax)
    with pytest.raises(ValueError, match="grid_range"):
        plot_univariate_mixtures(X, {"fit": FIT}, ax=ax, grid_range=(3, 1))


###############################################################################
# plot_estimate_traces


def test_estimate_traces_bands_fixed_points_and_lines():
    trace = np.array([3.0, 4.0, 4.5, 4.6, 4.65])
    two = np.column_stack([trace, trace / 2])
    artists = plot_estimate_traces(
        {"mu": trace, "pair": two},
        fixed_point={"mu": 4.656, "pair": [4.656, 2.328]},
        printed={"mu": 4.62}, decimals={"mu": 2}, first_iteration=10,
        column_labels={"pair": ["a", "b"]}, ylim=(0, 6),
    )
    assert len(artists.axes) == 2 and artists.axes[0].get_title() == "mu"
    x, values = artists.lines["mu"][0].get_data()
    assert_allclose(x, np.arange(10, 15)) and assert_allclose(values, trace)
    (band,) = artists.bands["mu"]
    assert_allclose(band_limits(band), [4.615, 4.625])
    assert [line.get_ydata()[0] for line in artists.references["pair"]] == [4.656, 2.328]
    assert artists.references["mu"][0].get_color() == "black"
    assert [line.get_label() for line in artists.lines["pair"]] == ["a", "b"]
    assert "pair" not in artists.bands
    assert artists.axes[1].get_ylim() == (0.0, 6.0)


def test_estimate_traces_shared_band_on_given_axes():
    _, axes = plt.subplots(1, 1)
    deviations = np.array([[-9.0, 8.0], [-1.0, 1.0], [0.2, -0.3], [3.0, -5.0]])
    artists = plot_estimate_traces({"dev": deviations}, axes=[axes], printed={"dev": 0.0},
                                   decimals={"dev": 0}, band_label="rounds")
    (band,) = artists.bands["dev"]                       # one grey band for both lines
    assert band.get_label() == "rounds"
    assert_allclose(band_limits(band), [-0.5, 0.5])
    assert artists.axes == [axes]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(traces={}), "non-empty dict"),
        (dict(traces={"a": [1.0, 2.0]}, fixed_point={"b": 1.0}), "not traces"),
        (dict(traces={"a": [1.0, 2.0]}, printed={"a": 1.0}), "decimals"),
        (dict(traces={"a": [[1.0, 2.0], [1.0, 2.0]]}, fixed_point={"a": [1.0, 2.0, 3.0]}),
         "one value per line"),
        (dict(traces={"a": [[1.0, 2.0], [1.0, 2.0]]}, column_labels={"a": ["x"]}),
         "2 labels"),
        (dict(traces={"a": [1.0, np.inf]}), "infinite"),
        (dict(traces={"a": [1.0, 2.0]}, printed={"a": 1.0}, decimals={"a": -1}), "decimals"),
        (dict(traces={"a": [1.0, 2.0]}, ylim=(2, 1)), "ylim"),
        (dict(traces={"a": [1.0, 2.0]}, fixed_point=[1.0]), "dict"),
    ],
)
def test_estimate_traces_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_estimate_traces(**kwargs)


def test_estimate_traces_wrong_number_of_axes():
    _, axes = plt.subplots(1, 2)
    with pytest.raises(ValueError, match="one per trace"):
        plot_estimate_traces({"a": [1.0, 2.0]}, axes=axes)


###############################################################################
# plot_error_decay


def test_error_decay_log_axis_rate_line_and_thresholds(ax):
    errors = 3.0 * 0.5 ** np.arange(12)
    errors[-1] = 0.0                                      # not drawable on a log axis
    lines = plot_error_decay({"error": errors, "gap": errors**2}, ax=ax, rate=0.5,
                             thresholds={"h": 0.005})
    assert ax.get_yscale() == "log"
    x, y = lines[0].get_data()
    assert_allclose(x, np.arange(11)) and np.all(y > 0)
    rate_line = next(line for line in ax.get_lines() if line.get_linestyle() == "--")
    # the rate line passes through the last positive error of the first trace
    assert_allclose(rate_line.get_ydata(), errors[10] * 0.5 ** (np.arange(12) - 10))
    assert_allclose(rate_line.get_ydata()[:11], errors[:11])
    dotted = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert len(dotted) == 1 and dotted[0].get_ydata()[0] == 0.005


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(errors={}), "non-empty dict"),
        (dict(errors={"e": [1.0, -0.1]}), "non-negative"),
        (dict(errors={"e": [1.0, 0.1]}, rate=1.0), "strictly between 0 and 1"),
        (dict(errors={"e": [1.0, 0.1]}, thresholds={"h": 0.0}), "positive"),
        (dict(errors={"e": [1.0, 0.1]}, thresholds=[0.1]), "dict"),
    ],
)
def test_error_decay_rejects_bad_input(ax, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_error_decay(ax=ax, **kwargs)
