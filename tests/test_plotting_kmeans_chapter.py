"""Tests for the k-means pictures of gmm_lib.plotting (chapter 2)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.colors import to_rgba_array  # noqa: E402
from numpy.testing import assert_allclose, assert_array_equal  # noqa: E402

from gmm_lib.kmeans import assign_clusters  # noqa: E402
from gmm_lib.plotting import (  # noqa: E402
    OKABE_ITO,
    plot_cluster_comparison,
    plot_elbow,
    plot_restart_distribution,
    plot_voronoi_regions,
)

SETTINGS = settings(max_examples=30, deadline=None)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def new_ax(xlim=(-5.0, 5.0), ylim=(-4.0, 6.0)):
    _, ax = plt.subplots()
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    return ax


# -- plot_voronoi_regions ------------------------------------------------------


@SETTINGS
@given(st.integers(0, 10_000), st.integers(1, 5))
def test_voronoi_shading_is_the_assignment_step_on_the_grid(seed, n_centers):
    rng = np.random.RandomState(seed)
    centers = rng.uniform(-4, 4, size=(n_centers, 2))
    ax = new_ax()
    artists = plot_voronoi_regions(centers, ax=ax, n_grid=41)
    xx, yy = np.meshgrid(np.linspace(-5, 5, 41), np.linspace(-4, 6, 41))
    expected = assign_clusters(np.column_stack([xx.ravel(), yy.ravel()]), centers)
    assert_array_equal(np.asarray(artists.regions.get_array()).ravel(), expected)
    assert artists.regions.get_extent() == [-5.0, 5.0, -4.0, 6.0]
    # The axes limits are kept.
    assert ax.get_xlim() == (-5.0, 5.0) and ax.get_ylim() == (-4.0, 6.0)
    if n_centers == 1:
        assert artists.boundaries == []
    plt.close(ax.figure)


def test_voronoi_boundary_of_two_centres_is_their_perpendicular_bisector():
    centers = np.array([[-2.0, 1.0], [2.0, 3.0]])
    ax = new_ax()
    artists = plot_voronoi_regions(centers, ax=ax, n_grid=101)
    assert len(artists.boundaries) == 1
    vertices = np.vstack([p.vertices for p in artists.boundaries[0].get_paths()])
    assert vertices.shape[0] > 10
    midpoint = centers.mean(axis=0)
    normal = centers[1] - centers[0]
    # Every vertex is on the bisector: (x - midpoint) . (mu_1 - mu_0) = 0.
    assert_allclose((vertices - midpoint) @ normal, 0.0, atol=1e-9)
    # Equidistant from both centres.
    distances = np.linalg.norm(vertices[:, None, :] - centers[None], axis=2)
    assert_allclose(distances[:, 0], distances[:, 1], atol=1e-9)


def test_voronoi_colours_follow_the_palette_and_limits_can_be_given():
    centers = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 3.0]])
    _, ax = plt.subplots()
    artists = plot_voronoi_regions(centers, ax=ax, xlim=(-1, 4), ylim=(-2, 5), alpha=0.3)
    cmap = artists.regions.get_cmap()
    assert_allclose(cmap(np.arange(3)), to_rgba_array(OKABE_ITO[:3]))
    assert artists.regions.get_alpha() == 0.3
    assert ax.get_xlim() == (-1.0, 4.0)
    assert len(artists.boundaries) >= 2


def test_voronoi_with_coincident_centres_draws_without_warnings():
    centers = np.array([[1.0, 1.0], [1.0, 1.0]])
    artists = plot_voronoi_regions(centers, ax=new_ax(), n_grid=11)
    # Ties go to the lowest index: everything belongs to centre 0.
    assert np.all(np.asarray(artists.regions.get_array()) == 0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"centers": [[0.0, 0.0, 0.0]]}, "2 features"),
        ({"centers": [[np.nan, 0.0]]}, "NaN"),
        ({"centers": [[0.0, 0.0]], "xlim": (1, 0)}, "low < high"),
        ({"centers": [[0.0, 0.0]], "n_grid": 1}, "at least 2"),
        ({"centers": [[0.0, 0.0]], "alpha": 1.5}, "opacity"),
        ({"centers": [[0.0, 0.0]], "linewidth": -1.0}, "linewidth"),
    ],
)
def test_voronoi_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot_voronoi_regions(ax=new_ax(), **kwargs)


# -- plot_cluster_comparison ---------------------------------------------------


def two_groups():
    X = np.array([[0.0, 0.0], [0.2, 0.1], [0.1, 0.3], [5.0, 5.0], [5.2, 4.9], [4.8, 5.1]])
    truth = np.array([0, 0, 0, 1, 1, 1])
    return X, truth


def test_comparison_renames_clusters_to_match_the_reference():
    X, truth = two_groups()
    labels = np.array([1, 1, 1, 0, 0, 0])  # same partition, swapped names
    centers = np.array([[5.0, 5.0], [0.1, 0.1]])
    artists = plot_cluster_comparison(X, truth, labels, centers, titles=("truth", "k-means"))
    assert_array_equal(artists.mapping, [1, 0])
    left = artists.reference.scatter.get_facecolors()
    right = artists.clusters.scatter.get_facecolors()
    assert_allclose(left, right)  # same colours point by point
    assert artists.mismatches is None
    # Centre 0 (of label 0, the group at (5, 5)) is drawn in reference colour 1.
    star_colors = artists.clusters.centers.get_facecolors()
    assert_allclose(star_colors[0][:3], to_rgba_array(OKABE_ITO[1])[0][:3])
    figure = plt.gcf()
    assert [ax.get_title() for ax in figure.axes] == ["truth", "k-means"]


def test_comparison_circles_exactly_the_disagreeing_points():
    X, truth = two_groups()
    labels = np.array([0, 0, 1, 1, 1, 1])
    _, axes = plt.subplots(1, 2)
    artists = plot_cluster_comparison(X, truth, labels, axes=axes)
    assert_allclose(artists.mismatches.get_offsets(), X[[2]])


def test_comparison_with_more_centres_than_used_labels():
    X, truth = two_groups()
    labels = np.array([0, 0, 0, 1, 1, 1])
    centers = np.array([[0.1, 0.1], [5.0, 5.0], [9.0, 9.0]])  # centre 2 has no point
    artists = plot_cluster_comparison(X, truth, labels, centers)
    assert artists.clusters.centers.get_offsets().shape == (3, 2)
    assert sorted(artists.mapping.tolist()) == [0, 1, 2]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"labels": [0, 0, 0, 1, 1]}, "one entry per point"),
        ({"labels": [0, 0, 0, 1, 1, 2], "centers": [[0.0, 0.0], [1.0, 1.0]]}, "centre"),
        ({"titles": ("only one",)}, "pair"),
    ],
)
def test_comparison_bad_input(kwargs, message):
    X, truth = two_groups()
    arguments = {"labels": truth}
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        plot_cluster_comparison(X, truth, **arguments)


# -- plot_restart_distribution -------------------------------------------------


def test_restart_distribution_shares_bins_and_marks_the_best():
    _, ax = plt.subplots()
    values = {"random": [5.0, 7.0, 9.0, 5.0], "k-means++": [5.0, 5.0, 6.0, 5.0]}
    histograms = plot_restart_distribution(values, ax=ax, bins=4)
    assert len(histograms) == 2
    best = [line for line in ax.get_lines() if line.get_label() == "best found"]
    assert len(best) == 1 and best[0].get_xdata()[0] == 5.0
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["random", "k-means++", "best found"]
    # Heights: counts in the common bins [5, 6), [6, 7), [7, 8), [8, 9].
    heights = [np.histogram(v, bins=np.linspace(5, 9, 5))[0] for v in values.values()]
    assert_array_equal(heights[0], [2, 0, 1, 1])
    assert_array_equal(heights[1], [3, 1, 0, 0])
    assert ax.get_ylabel() == "number of restarts"


def test_restart_distribution_of_identical_values_and_a_plain_array():
    _, ax = plt.subplots()
    histograms = plot_restart_distribution(np.full(10, 3.0), ax=ax, mark_best=False)
    assert len(histograms) == 1
    assert ax.get_legend() is None


@pytest.mark.parametrize(
    "values, message", [({}, "empty"), ([[1.0, 2.0]], "1-D"), ([1.0, np.inf], "infinite")]
)
def test_restart_distribution_bad_input(values, message):
    with pytest.raises(ValueError, match=message):
        plot_restart_distribution(values)


# -- plot_elbow ----------------------------------------------------------------


def test_elbow_plots_the_values_and_circles_the_mark():
    _, ax = plt.subplots()
    line = plot_elbow([1, 2, 3, 4], [10.0, 4.0, 1.0, 0.8], ax=ax, mark=3)
    assert_array_equal(line.get_xdata(), [1, 2, 3, 4])
    assert_array_equal(line.get_ydata(), [10.0, 4.0, 1.0, 0.8])
    marks = ax.get_lines()[1]
    assert marks.get_xdata()[0] == 3 and marks.get_ydata()[0] == 1.0
    assert ax.get_xlabel() == "number of clusters K"


@pytest.mark.parametrize(
    "n_clusters, values, mark, message",
    [
        ([1, 2], [1.0], None, "same length"),
        ([0, 1], [1.0, 2.0], None, "positive integers"),
        ([1.5, 2], [1.0, 2.0], None, "positive integers"),
        ([2, 1], [1.0, 2.0], None, "increasing"),
        ([1, 2], [1.0, 2.0], 5, "not one of"),
    ],
)
def test_elbow_bad_input(n_clusters, values, mark, message):
    with pytest.raises(ValueError, match=message):
        plot_elbow(n_clusters, values, mark=mark)
