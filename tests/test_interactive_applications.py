"""Tests for the chapter-8 explorers and animations: colour quantisation and anomaly thresholds."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gmm_lib import GaussianMixture, KMeans  # noqa: E402
from gmm_lib.anomaly import detection_table, threshold_from_scores  # noqa: E402
from gmm_lib.interactive import (  # noqa: E402
    FigureExplorer,
    JSAnimation,
    animate_anomaly_threshold,
    animate_quantization,
    anomaly_threshold_explorer,
    quantization_explorer,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def two_colour_image():
    """A 12 x 10 image: left half reddish, right half bluish, with a little noise."""
    rng = np.random.RandomState(0)
    image = np.zeros((12, 10, 3))
    image[:, :5] = [0.8, 0.2, 0.1]
    image[:, 5:] = [0.1, 0.3, 0.9]
    return np.clip(image + 0.03 * rng.randn(12, 10, 3), 0.0, 1.0)


def detector_data():
    rng = np.random.RandomState(1)
    train, calibration = rng.randn(150, 2), rng.randn(80, 2)
    X_test = np.vstack([rng.randn(60, 2), rng.randn(20, 2) * 0.5 + [4.0, 4.0]])
    is_anomaly = np.repeat([False, True], [60, 20])
    model = GaussianMixture(n_components=2, random_state=0).fit(train)
    return model, calibration, X_test, is_anomaly


def test_quantization_explorer_shows_both_methods_for_the_chosen_k():
    image = two_colour_image()
    explorer = quantization_explorer(image, max_colors=4)
    assert isinstance(explorer, FigureExplorer)
    assert repr(explorer) == "quantization_explorer(n_colors=4)"
    assert bytes(explorer.image.value).startswith(PNG_SIGNATURE)
    artists = explorer.update(n_colors=2)
    # With two colours both methods recover the two halves.
    kmeans_image = artists.kmeans.get_array()
    assert kmeans_image.shape == (12, 10, 3)
    assert np.unique(kmeans_image.reshape(-1, 3), axis=0).shape[0] == 2
    left, right = kmeans_image[0, 0], kmeans_image[0, -1]
    assert left[0] > 0.6 and right[2] > 0.6
    pixels = image.reshape(-1, 3)
    reference = KMeans(n_clusters=2, random_state=explorer.fits.seed).fit(pixels)
    assert np.allclose(np.sort(np.unique(kmeans_image.reshape(-1, 3), axis=0), axis=0),
                       np.sort(reference.cluster_centers_, axis=0))
    assert set(explorer.fits.cache) == {2, 4}  # each K is fitted once, when first shown
    assert artists.uncertainty.get_array().shape == (12, 10)


def test_quantization_animation_has_one_frame_per_k():
    animation = animate_quantization(two_colour_image(), n_colors=(1, 2, 3), name="q_test")
    assert isinstance(animation, JSAnimation)
    assert animation.n_frames == 3
    assert all(frame.startswith(PNG_SIGNATURE) for frame in animation.frames())
    assert "_anim_imgq_test" in animation.html and "<link" not in animation.html


def test_anomaly_explorer_uses_the_calibrated_threshold():
    model, calibration, X_test, is_anomaly = detector_data()
    explorer = anomaly_threshold_explorer(model, calibration, X_test, is_anomaly)
    assert repr(explorer) == "anomaly_threshold_explorer(rate=0.05)"
    artists = explorer.update(rate=0.1)
    tau = threshold_from_scores(model.score_samples(calibration), 0.1)
    assert artists.threshold.get_xdata()[0] == pytest.approx(tau)
    table = detection_table(model.score_samples(X_test), is_anomaly, [tau])
    caught = len(artists.detections.true_positives.get_offsets())
    assert caught == table.true_positives[0]
    assert artists.level is not None


def test_anomaly_animation_frames_follow_the_rates():
    model, calibration, X_test, is_anomaly = detector_data()
    animation = animate_anomaly_threshold(model, calibration, X_test, is_anomaly,
                                          rates=(0.05, 0.2), name="anomaly_test")
    assert animation.n_frames == 2
    assert all(frame.startswith(PNG_SIGNATURE) for frame in animation.frames())


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: quantization_explorer(np.zeros((4, 4))), "RGB image"),
        (lambda: quantization_explorer(np.zeros((2, 2, 3)), max_colors=5), "n_samples"),
        (lambda: animate_quantization(np.zeros((4, 4, 3)), n_colors=()), "at least one"),
        (lambda: anomaly_threshold_explorer(GaussianMixture(), np.zeros((3, 2)), np.zeros((3, 2)),
                                            [0, 1, 0]), "fitted"),
        (lambda: anomaly_threshold_explorer(detector_data()[0], np.zeros((3, 2)), np.zeros((3, 2)),
                                            [0, 0, 0]), "both anomalies and normal"),
        (lambda: animate_anomaly_threshold(*detector_data(), rates=(0.0,)), "strictly between"),
    ],
)
def test_bad_input_gives_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
