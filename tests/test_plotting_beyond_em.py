"""Tests for gmm_lib.plotting's chapter-7 helpers: traces and strip comparisons."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gmm_lib.plotting import plot_strip_comparison, plot_traces  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_plot_traces_draws_one_line_per_trace_with_its_x_values():
    fig, ax = plt.subplots()
    lines = plot_traces({"EM": [1.0, 2.0, 2.5], "online": ([0, 10, 20, 30], [0.5, 1.0, 0.8, 2.0])},
                        ax=ax, reference=2.6, shade_from=1.0)
    assert len(lines) == 2
    np.testing.assert_array_equal(lines[0].get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(lines[1].get_xdata(), [0, 10, 20, 30])
    np.testing.assert_array_equal(lines[1].get_ydata(), [0.5, 1.0, 0.8, 2.0])
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels[:2] == ["EM", "online"] and "reference" in labels and "averaged" in labels
    # a decreasing trace is not flagged (no extra marker lines)
    assert len(ax.lines) == 3  # two traces and the reference


def test_plot_traces_rejects_bad_input():
    with pytest.raises(ValueError, match="non-empty dict"):
        plot_traces({})
    with pytest.raises(ValueError, match="same length"):
        plot_traces({"a": ([0, 1], [1.0])})
    with pytest.raises(ValueError, match="NaN"):
        plot_traces({"a": [1.0, np.nan]})
    with pytest.raises(ValueError, match="positive"):
        plot_traces({"a": [1.0, 0.0]}, yscale="log")
    with pytest.raises(ValueError, match="yscale"):
        plot_traces({"a": [1.0]}, yscale="symlog")


def test_plot_traces_log_scale():
    fig, ax = plt.subplots()
    plot_traces({"gap": [1.0, 0.1, 0.01]}, ax=ax, yscale="log")
    assert ax.get_yscale() == "log"


def test_plot_strip_comparison_counts_the_values_at_the_best():
    fig, ax = plt.subplots()
    groups = {"kmeans": [-10.0, -10.001, -12.0], "random": [-15.0, -15.0], "data": [-10.0]}
    artists = plot_strip_comparison(groups, ax=ax, tolerance=0.01)
    np.testing.assert_array_equal(artists.reached, [2, 0, 1])
    assert len(artists.points) == 3
    np.testing.assert_allclose(artists.points[1].get_offsets()[:, 1], [-15.0, -15.0])
    offsets = artists.points[0].get_offsets()[:, 0]
    assert np.all(np.abs(offsets - 1) <= 0.12)
    ticks = [label.get_text() for label in ax.get_xticklabels()]
    assert ticks[0] == "kmeans\n2/3 at best"
    # the same figure twice: the jitter has a fixed seed
    again = plot_strip_comparison(groups, ax=plt.subplots()[1], tolerance=0.01)
    np.testing.assert_array_equal(again.points[0].get_offsets(), artists.points[0].get_offsets())


def test_plot_strip_comparison_lower_is_better():
    artists = plot_strip_comparison({"a": [3.0, 1.0], "b": [1.0, 1.0]}, tolerance=0.0,
                                    higher_is_better=False)
    np.testing.assert_array_equal(artists.reached, [1, 2])


def test_plot_strip_comparison_rejects_bad_input():
    with pytest.raises(ValueError, match="non-empty dict"):
        plot_strip_comparison([1.0, 2.0])
    with pytest.raises(ValueError, match="tolerance"):
        plot_strip_comparison({"a": [1.0]}, tolerance=-1.0)
