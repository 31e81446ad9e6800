"""Tests for gmm_lib.plotting.plot_bound_decomposition (chapter 4)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from gmm_lib.bounds import em_bound_trace
from gmm_lib.datasets import load_old_faithful
from gmm_lib.gaussian import standardize
from gmm_lib.plotting import BoundArtists, plot_bound_decomposition


@pytest.fixture
def ax():
    figure, axes = plt.subplots()
    yield axes
    plt.close(figure)


@pytest.fixture(scope="module")
def trace():
    Z, _, _ = standardize(load_old_faithful())
    means = np.array([[-1.5, 1.0], [1.5, -1.0]])
    return em_bound_trace(Z, [0.5, 0.5], means, np.array([np.eye(2), np.eye(2)]), n_iter=4)


def test_draws_both_curves_and_the_gaps(ax, trace):
    artists = plot_bound_decomposition(trace.log_likelihoods, trace.lower_bounds, ax=ax)
    assert isinstance(artists, BoundArtists)
    np.testing.assert_allclose(artists.log_likelihood.get_ydata(), trace.log_likelihoods)
    np.testing.assert_allclose(artists.lower_bound.get_ydata(), trace.lower_bounds)
    segments = artists.gaps.get_segments()
    assert len(segments) == 8
    lengths = np.array([segment[1, 1] - segment[0, 1] for segment in segments])
    np.testing.assert_allclose(lengths, trace.kls, atol=1e-9)
    assert [label.get_text() for label in ax.get_xticklabels()] == [
        "E1", "M1", "E2", "M2", "E3", "M3", "E4", "M4"
    ]
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "ln p(X | θ)" in legend and "L(q, θ)" in legend


def test_custom_labels(ax):
    plot_bound_decomposition([-3.0, -2.0], [-3.0, -2.5], ax=ax, labels=["start", "end"])
    assert [label.get_text() for label in ax.get_xticklabels()] == ["start", "end"]


def test_first_iteration_shifts_the_default_labels(ax):
    plot_bound_decomposition([-3.0, -2.0, -2.0], [-3.0, -2.5, -2.0], ax=ax, first_iteration=3)
    assert [label.get_text() for label in ax.get_xticklabels()] == ["E3", "M3", "E4"]


def test_rejects_bad_input(ax):
    with pytest.raises(ValueError, match="same length"):
        plot_bound_decomposition([-3.0, -2.0], [-3.0], ax=ax)
    with pytest.raises(ValueError, match="never exceed"):
        plot_bound_decomposition([-3.0, -2.0], [-3.0, -1.0], ax=ax)
    with pytest.raises(ValueError, match="one entry per half-step"):
        plot_bound_decomposition([-3.0, -2.0], [-3.0, -2.5], ax=ax, labels=["a"])
    with pytest.raises(ValueError, match="NaN"):
        plot_bound_decomposition([np.nan, -2.0], [-3.0, -2.5], ax=ax)
    with pytest.raises(ValueError, match="first_iteration"):
        plot_bound_decomposition([-3.0, -2.0], [-3.0, -2.5], ax=ax, first_iteration=-1)
