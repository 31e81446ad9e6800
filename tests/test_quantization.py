"""Tests for gmm_lib.quantization: images as pixel arrays, palettes, errors and maps."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose

from gmm_lib import GaussianMixture, KMeans
from gmm_lib.kmeans import distortion
from gmm_lib.quantization import (
    compression_ratio,
    downsample_image,
    image_to_pixels,
    pixels_to_image,
    psnr,
    quantization_error,
    quantize,
    responsibility_maps,
    soft_quantize,
    uncertainty_map,
)


def tiny_image(seed=0, height=6, width=5):
    return np.random.RandomState(seed).randint(0, 256, size=(height, width, 3)).astype(np.uint8)


def test_pixels_round_trip_and_scaling():
    image = tiny_image()
    pixels = image_to_pixels(image)
    assert pixels.shape == (30, 3)
    assert pixels.dtype == np.float64
    assert_allclose(pixels[1 * 5 + 2], image[1, 2] / 255.0)  # row-major order
    assert_allclose(pixels_to_image(pixels, image.shape), image / 255.0)
    assert_allclose(pixels_to_image(pixels, image.shape[:2]), image / 255.0)
    # uint16 images are scaled by their own maximum; float images are kept.
    assert_allclose(image_to_pixels(np.full((1, 1, 3), 65535, dtype=np.uint16)), 1.0)
    assert_allclose(image_to_pixels(image / 255.0), pixels)


def test_pixels_to_image_clips_out_of_range_colours():
    out = pixels_to_image([[-0.2, 0.5, 1.3]], (1, 1))
    assert_allclose(out, [[[0.0, 0.5, 1.0]]])


def test_downsample_averages_blocks_and_drops_the_remainder():
    image = np.arange(5 * 4 * 3, dtype=float).reshape(5, 4, 3) / 100.0
    small = downsample_image(image, 2)
    assert small.shape == (2, 2, 3)
    assert_allclose(small[0, 0], image[:2, :2].mean(axis=(0, 1)))
    assert_allclose(small[1, 1], image[2:4, 2:4].mean(axis=(0, 1)))
    assert_allclose(downsample_image(image, 1), image)


def test_quantize_uses_the_palette_and_the_error_is_the_kmeans_distortion_per_pixel():
    pixels = image_to_pixels(tiny_image(1, 10, 10))
    model = KMeans(n_clusters=4, random_state=0).fit(pixels)
    quantized = quantize(pixels, model.cluster_centers_, model.labels_)
    assert_allclose(quantized, model.cluster_centers_[model.labels_])
    error = quantization_error(pixels, quantized)
    assert error == pytest.approx(distortion(pixels, model.cluster_centers_, model.labels_) / 100)
    assert psnr(pixels, quantized) == pytest.approx(10 * np.log10(3 / error))
    assert psnr(pixels, pixels) == math.inf
    assert psnr(pixels * 255, quantized * 255, peak=255) == pytest.approx(psnr(pixels, quantized))


@settings(max_examples=40, deadline=None)
@given(
    responsibilities=arrays(np.float64, (7, 3), elements=st.floats(0.01, 1.0)),
    palette=arrays(np.float64, (3, 3), elements=st.floats(0.0, 1.0)),
    colour=arrays(np.float64, (3,), elements=st.floats(0.0, 1.0)),
)
def test_soft_colour_minimises_the_expected_squared_distance(responsibilities, palette, colour):
    responsibilities = responsibilities / responsibilities.sum(axis=1, keepdims=True)
    soft = soft_quantize(responsibilities, palette)
    assert_allclose(soft, responsibilities @ palette)
    for n in range(7):
        def expected(c):
            return np.sum(responsibilities[n] * np.sum((c - palette) ** 2, axis=1))
        spread = expected(soft[n])
        assert expected(colour) >= spread - 1e-12
        # the decomposition of the proposition: E||c - mu||^2 = ||c - soft||^2 + spread
        assert expected(colour) == pytest.approx(np.sum((colour - soft[n]) ** 2) + spread, abs=1e-12)


def test_soft_quantisation_of_a_fitted_mixture_lowers_the_hard_error():
    pixels = image_to_pixels(tiny_image(2, 12, 12))
    model = GaussianMixture(n_components=3, random_state=0).fit(pixels)
    gamma = model.predict_proba(pixels)
    hard = quantization_error(pixels, quantize(pixels, model.means_, np.argmax(gamma, axis=1)))
    soft = quantization_error(pixels, soft_quantize(gamma, model.means_))
    assert soft <= hard + 1e-12


def test_compression_ratio_counts_index_and_palette_bits():
    assert compression_ratio(1000, 4) == pytest.approx(24000 / (1000 * 2 + 4 * 24))
    assert compression_ratio(1000, 5) == pytest.approx(24000 / (1000 * 3 + 5 * 24))
    assert compression_ratio(10, 1) == pytest.approx(240 / 24)  # no index bits needed
    assert compression_ratio(1000, 2, n_channels=1, bits_per_channel=16) == pytest.approx(
        16000 / (1000 + 32))
    ratios = [compression_ratio(10**6, k) for k in (2, 4, 16, 256)]
    assert ratios == sorted(ratios, reverse=True)


def test_responsibility_and_uncertainty_maps():
    gamma = np.array([[1.0, 0.0], [0.5, 0.5], [0.9, 0.1], [0.0, 1.0], [0.2, 0.8], [0.5, 0.5]])
    maps = responsibility_maps(gamma, (2, 3, 3))
    assert maps.shape == (2, 2, 3)
    assert_allclose(maps[0], [[1.0, 0.5, 0.9], [0.0, 0.2, 0.5]])
    entropy = uncertainty_map(gamma, (2, 3))
    assert entropy[0, 0] == 0.0 and entropy[1, 0] == 0.0  # certain pixels, with 0 ln 0 = 0
    assert entropy[0, 1] == pytest.approx(np.log(2))       # the maximum, ln K
    assert entropy[0, 2] == pytest.approx(-(0.9 * np.log(0.9) + 0.1 * np.log(0.1)))
    margin = uncertainty_map(gamma, (2, 3), kind="max")
    assert_allclose(margin, [[0.0, 0.5, 0.1], [0.0, 0.2, 0.5]])


@settings(max_examples=30, deadline=None)
@given(raw=arrays(np.float64, (8, 4), elements=st.floats(0.0, 1.0)))
def test_entropy_lies_between_zero_and_ln_k(raw):
    gamma = raw + 1e-3
    gamma = gamma / gamma.sum(axis=1, keepdims=True)
    entropy = uncertainty_map(gamma, (2, 4))
    assert np.all(entropy >= 0.0)
    assert np.all(entropy <= np.log(4) + 1e-12)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: image_to_pixels(np.zeros((4, 4))), "3-D"),
        (lambda: image_to_pixels(np.full((2, 2, 3), 1.5)), r"\[0, 1\]"),
        (lambda: image_to_pixels(np.full((2, 2, 3), 300)), "outside"),
        (lambda: image_to_pixels(np.full((2, 2, 3), np.nan)), "NaN"),
        (lambda: image_to_pixels(np.array([[["a", "b", "c"]]])), "numbers"),
        (lambda: pixels_to_image(np.zeros((6, 3)), (2, 2)), "4 pixels"),
        (lambda: downsample_image(np.zeros((4, 4, 3)), 5), "larger than the image"),
        (lambda: downsample_image(np.zeros((4, 4, 3)), 0), "at least 1"),
        (lambda: quantize(np.zeros((3, 3)), np.zeros((2, 3)), [0, 1, 2]), "indices into the palette"),
        (lambda: quantize(np.zeros((3, 3)), np.zeros((2, 3)), [0, 1]), "one per pixel"),
        (lambda: quantize(np.zeros((3, 3)), np.zeros((2, 2)), [0, 1, 0]), "feature"),
        (lambda: soft_quantize([[0.5, 0.6]], np.zeros((2, 3))), "sum"),
        (lambda: soft_quantize([[0.5, 0.5]], np.zeros((3, 3))), "must match"),
        (lambda: quantization_error(np.zeros((3, 3)), np.zeros((2, 3))), "shape"),
        (lambda: psnr(np.zeros((3, 3)), np.ones((3, 3)), peak=0), "positive"),
        (lambda: compression_ratio(100, 0), "at least 1"),
        (lambda: uncertainty_map([[1.0, 0.0]], (1, 1), kind="variance"), "kind"),
        (lambda: responsibility_maps([[1.0, 0.0]], (2, 2)), "pixels"),
    ],
)
def test_bad_input_gives_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
