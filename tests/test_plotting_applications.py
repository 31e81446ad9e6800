"""Tests for the chapter-8 plotting helpers: images, palettes, detections, curves, classes, samples."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

from gmm_lib import GaussianMixture  # noqa: E402
from gmm_lib.anomaly import detection_curve  # noqa: E402
from gmm_lib.classification import MixtureClassifier  # noqa: E402
from gmm_lib.plotting import (  # noqa: E402
    mixture_log_density_grid,
    plot_class_regions,
    plot_detections,
    plot_ecdf,
    plot_image,
    plot_image_map,
    plot_log_density_level,
    plot_marginal_histograms,
    plot_palette,
    plot_point_sets,
    plot_precision_recall_curve,
    plot_roc_curve,
    plot_score_histograms,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def ax():
    _, axes = plt.subplots()
    return axes


def test_plot_image_and_image_map(ax):
    image = np.random.RandomState(0).rand(4, 5, 3)
    artist = plot_image(image, ax=ax, title="picture")
    assert_allclose(artist.get_array(), image)
    assert ax.get_title() == "picture" and not ax.axison
    _, other = plt.subplots(layout="constrained")
    values = np.arange(20.0).reshape(4, 5)
    shown = plot_image_map(values, ax=other, vmin=0, vmax=20, label="entropy")
    assert_allclose(shown.get_array(), values)
    assert shown.get_clim() == (0, 20)
    assert len(other.figure.axes) == 2  # the colour bar
    _, plain = plt.subplots()
    plot_image_map(values, ax=plain, colorbar=False)
    assert len(plain.figure.axes) == 1


def test_plot_palette_widths_follow_the_fractions(ax):
    colors = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    bars = plot_palette(colors, ax=ax, fractions=[2, 1, 1])
    assert_allclose([b.get_width() for b in bars], [0.5, 0.25, 0.25])
    assert_allclose([b.get_x() for b in bars], [0.0, 0.5, 0.75])
    assert_allclose(bars[2].get_facecolor()[:3], [0.0, 0.0, 1.0])
    assert [t.get_text() for t in ax.texts] == ["50%", "25%", "25%"]


def test_score_histograms_clip_and_mark_thresholds(ax):
    artists = plot_score_histograms({"normal": [-1.0, -2.0, -1.5], "anomalous": [-50.0, -3.0]},
                                    {"τ": -2.5, "never": -np.inf}, ax=ax, clip=(-10, 0), bins=10)
    assert len(artists.histograms) == 2
    assert len(artists.thresholds) == 1 and artists.thresholds[0].get_xdata()[0] == -2.5
    edges = [patch.get_x() for patch in artists.histograms[1]]
    assert min(edges) == pytest.approx(-10.0)  # -50 was piled into the first bin
    assert "clipped" in ax.get_xlabel()


def test_roc_and_precision_recall_curves(ax):
    scores = np.array([-9.0, -8.0, -3.0, -2.0, -1.0, -5.0])
    labels = np.array([1, 1, 0, 0, 0, 1], dtype=bool)
    curve = detection_curve(scores, labels)
    line = plot_roc_curve(curve.false_positive_rate, curve.recall, ax=ax,
                          marks=[[0.0, 1.0]], mark_labels=["τ"])
    assert_allclose(line.get_xdata()[1:], curve.false_positive_rate)
    assert [t.get_text() for t in ax.texts] == ["τ"]
    _, other = plt.subplots()
    pr = plot_precision_recall_curve(curve.recall, curve.precision, ax=other,
                                     marks=[[0.5, np.nan], [1.0, 1.0]], mark_labels=["a", "b"])
    assert np.all(np.isfinite(pr.get_ydata()))
    assert [t.get_text() for t in other.texts] == ["b"]  # the undefined mark is skipped


def test_log_density_level_is_the_threshold_curve(ax):
    rng = np.random.RandomState(0)
    model = GaussianMixture(n_components=2, random_state=0).fit(np.vstack([rng.randn(50, 2),
                                                                           rng.randn(50, 2) + 5]))
    level = float(np.quantile(model.score_samples(rng.randn(50, 2)), 0.1))
    contour = plot_log_density_level(model.weights_, model.means_, model.covariances_, level=level,
                                     ax=ax, xlim=(-4, 9), ylim=(-4, 9), n_grid=120)
    points = np.vstack(contour.allsegs[0])
    assert points.shape[0] > 10
    assert_allclose(model.score_samples(points), level, atol=0.05)
    assert ax.get_xlim() == (-4.0, 9.0)


def test_detections_split_points_by_outcome(ax):
    X = np.arange(12.0).reshape(6, 2)
    truth = np.array([0, 0, 1, 1, 0, 1], dtype=bool)
    flagged = np.array([0, 1, 1, 0, 0, 1], dtype=bool)
    artists = plot_detections(X, truth, flagged, ax=ax)
    assert len(artists.true_negatives.get_offsets()) == 2
    assert len(artists.false_positives.get_offsets()) == 1
    assert len(artists.false_negatives.get_offsets()) == 1
    assert len(artists.true_positives.get_offsets()) == 2
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "anomaly, flagged: 2" in labels
    none_missed = plot_detections(X, truth, truth, ax=ax)
    assert none_missed.false_negatives is None


def test_class_regions_paint_the_prediction(ax):
    rng = np.random.RandomState(1)
    X = np.vstack([rng.randn(40, 2), rng.randn(40, 2) + [6.0, 0.0]])
    y = np.repeat(["left", "right"], 40)
    clf = MixtureClassifier(random_state=0).fit(X, y)
    artists = plot_class_regions(clf, X, y, ax=ax, n_grid=50)
    image = artists.regions.get_array()
    assert image.shape == (50, 50, 4)
    assert not np.allclose(image[25, 0], image[25, -1])  # left and right regions differ
    assert artists.boundary is not None and len(artists.scatter) == 2
    with pytest.raises(ValueError, match="classes_"):
        plot_class_regions(clf, X, np.repeat(["up", "down"], 40), ax=ax)
    with pytest.raises(ValueError, match="fitted"):
        plot_class_regions(MixtureClassifier(), X, y, ax=ax)


def test_point_sets_marginals_and_ecdf(ax):
    rng = np.random.RandomState(2)
    sets = {"real": rng.randn(30, 2), "generated": rng.randn(50, 2)}
    scatters = plot_point_sets(sets, ax=ax)
    assert [len(s.get_offsets()) for s in scatters] == [30, 50]
    _, axes = plt.subplots(1, 2)
    histograms = plot_marginal_histograms(sets, axes, feature_names=["a", "b"], bins=8)
    assert len(histograms) == 2 and len(histograms[0]) == 2
    assert axes[1].get_xlabel() == "b"
    with pytest.raises(ValueError, match="one Axes per feature"):
        plot_marginal_histograms(sets, axes[:1])
    _, other = plt.subplots()
    lines = plot_ecdf({"d": [3.0, 1.0, 2.0]}, ax=other, xlabel="distance")
    assert_allclose(lines[0].get_ydata(), [0.0, 1 / 3, 2 / 3, 1.0])
    assert_allclose(lines[0].get_xdata(), [1.0, 1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda ax: plot_image(np.zeros((3, 3)), ax=ax), "colour image"),
        (lambda ax: plot_image(np.full((2, 2, 3), 2.0), ax=ax), r"\[0, 1\]"),
        (lambda ax: plot_palette(np.zeros((3, 2)), ax=ax), r"\(K, 3\)"),
        (lambda ax: plot_palette(np.zeros((2, 3)), ax=ax, fractions=[1.0]), "one per colour"),
        (lambda ax: plot_score_histograms([1.0, 2.0], ax=ax), "dict"),
        (lambda ax: plot_roc_curve([0.0, 1.0], [1.0], ax=ax), "same length"),
        (lambda ax: plot_roc_curve([0.0], [1.0], ax=ax, marks=[1.0, 2.0]), r"\(M, 2\)"),
        (lambda ax: plot_detections(np.zeros((2, 2)), [True], [False, True], ax=ax), "shape"),
        (lambda ax: plot_detections(np.zeros((2, 2)), [2, 0], [0, 1], ax=ax), "booleans"),
        (lambda ax: plot_point_sets({"a": np.zeros((3, 3))}, ax=ax), "2 features"),
        (lambda ax: plot_ecdf({}, ax=ax), "non-empty"),
        (lambda ax: plot_log_density_level([1.0], [[0.0, 0.0]], [np.eye(2)], level="low", ax=ax),
         "level"),
    ],
)
def test_bad_input_gives_a_clear_error(ax, call, message):
    with pytest.raises(ValueError, match=message):
        call(ax)


def test_the_grid_helper_agrees_with_the_threshold_curve_function(ax):
    # plot_log_density_level contours exactly the grid of mixture_log_density_grid
    weights, means, covariances = [1.0], [[0.0, 0.0]], [np.eye(2)]
    xx, yy, values = mixture_log_density_grid(weights, means, covariances, "full", (-3, 3), (-3, 3), 60)
    contour = plot_log_density_level(weights, means, covariances, level=-3.0, ax=ax,
                                     xlim=(-3, 3), ylim=(-3, 3), n_grid=60)
    radius = np.linalg.norm(np.vstack(contour.allsegs[0]), axis=1)
    # ln N(x | 0, I) = -ln(2 pi) - r^2 / 2 = -3  =>  r^2 = 2 (3 - ln 2 pi)
    assert_allclose(radius, np.sqrt(2 * (3 - np.log(2 * np.pi))), atol=0.02)
    assert values.shape == (60, 60)
