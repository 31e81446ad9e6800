"""Colour quantisation and image segmentation with k-means and Gaussian mixtures.

An RGB image of height H and width W is, for clustering, a cloud of
``N = H W`` points in the colour cube ``[0, 1]^3``: one row per pixel, the
pixel's position forgotten.  Clustering the colours gives

* a **palette** (codebook) of K colours -- the k-means centres or the
  mixture means -- and a label per pixel: replacing every pixel by its
  palette colour is *colour quantisation* (vector quantisation, Lloyd 1982),
  and the label image is a *segmentation*;
* with a mixture, **responsibilities** ``gamma(z_nk)`` per pixel: one soft
  segmentation map per component, and an *uncertainty map* showing the
  pixels no component clearly claims.

The functions here convert between images and pixel arrays, apply a
palette, measure the error, and reshape per-pixel quantities into maps.
Fitting is done by :class:`gmm_lib.KMeans` and
:class:`gmm_lib.GaussianMixture`.
"""

import math

import numpy as np

from ._validation import (
    check_array,
    check_n_features,
    check_positive_int,
    check_responsibilities,
)

__all__ = [
    "image_to_pixels",
    "pixels_to_image",
    "downsample_image",
    "quantize",
    "soft_quantize",
    "quantization_error",
    "psnr",
    "compression_ratio",
    "responsibility_maps",
    "uncertainty_map",
]


def _check_image(image, name="image"):
    """A (H, W, C) numeric image as float64 (values untouched)."""
    raw = np.asarray(image)
    if raw.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be an array of numbers, got dtype {raw.dtype}.")
    arr = check_array(raw, name=name, ndim=3)
    if arr.shape[0] < 1 or arr.shape[1] < 1 or arr.shape[2] < 1:
        raise ValueError(f"{name} has an empty axis (shape {arr.shape}).")
    return raw.dtype, arr


def _unit_scale(dtype, arr, name="image"):
    """Scale integer images to [0, 1]; check float images already are."""
    if dtype.kind in "iu":
        top = np.iinfo(dtype).max if dtype.kind == "u" else 255  # signed: 8-bit values
        if arr.min() < 0 or arr.max() > top:
            raise ValueError(f"{name} has integer values outside [0, {top}].")
        return arr / float(top)
    if arr.min() < 0.0 or arr.max() > 1.0:
        raise ValueError(
            f"{name} has float values in [{arr.min():.4g}, {arr.max():.4g}]; float images "
            f"must lie in [0, 1] (divide 8-bit values by 255)."
        )
    return arr


def _check_image_shape(image_shape, n_pixels=None):
    try:
        shape = tuple(int(s) for s in image_shape)
    except (TypeError, ValueError):
        raise ValueError(f"image_shape must be a tuple of ints, got {image_shape!r}.") from None
    if len(shape) < 2 or any(s < 1 for s in shape):
        raise ValueError(
            f"image_shape must be (height, width) or (height, width, channels) with "
            f"positive entries, got {image_shape!r}."
        )
    if n_pixels is not None and shape[0] * shape[1] != n_pixels:
        raise ValueError(
            f"image_shape {shape} has {shape[0] * shape[1]} pixels, but there are "
            f"{n_pixels} rows; use the shape of the image the pixels came from."
        )
    return shape


def image_to_pixels(image):
    """The pixels of an image as rows of colour values in [0, 1].

    Parameters
    ----------
    image : array-like of shape (H, W, C)
        An unsigned-integer image, scaled by its type's maximum (255 for
        uint8); a signed-integer image, taken as 8-bit values in [0, 255];
        or a float image already in [0, 1].

    Returns
    -------
    pixels : ndarray of shape (H * W, C)
        Row ``i * W + j`` is pixel ``(i, j)`` (row-major order).
    """
    dtype, arr = _check_image(image)
    arr = _unit_scale(dtype, arr)
    return arr.reshape(-1, arr.shape[2]).astype(np.float64, copy=True)


def pixels_to_image(pixels, image_shape):
    """Fold rows of colours back into an image, clipped to [0, 1].

    Parameters
    ----------
    pixels : array-like of shape (H * W, C)
    image_shape : tuple
        ``(H, W)`` or ``(H, W, C)``.

    Returns
    -------
    image : ndarray of shape (H, W, C)
        Float image, ready for ``plt.imshow``.
    """
    pixels = check_array(pixels, name="pixels")
    shape = _check_image_shape(image_shape, pixels.shape[0])
    if len(shape) == 3 and shape[2] != pixels.shape[1]:
        raise ValueError(
            f"image_shape has {shape[2]} channels but pixels have {pixels.shape[1]} columns."
        )
    return np.clip(pixels, 0.0, 1.0).reshape(shape[0], shape[1], pixels.shape[1])


def downsample_image(image, factor):
    """Shrink an image by averaging ``factor x factor`` blocks of pixels.

    Block averaging (rather than keeping every ``factor``-th pixel) avoids
    aliasing; rows and columns left over at the bottom and right edges are
    dropped.

    Parameters
    ----------
    image : array-like of shape (H, W, C)
        Integer image (scaled to [0, 1] as in :func:`image_to_pixels`) or
        float image in [0, 1].
    factor : int
        At least 1 and at most ``min(H, W)``.

    Returns
    -------
    small : ndarray of shape (H // factor, W // factor, C)
        Float image in [0, 1].
    """
    dtype, arr = _check_image(image)
    arr = _unit_scale(dtype, arr)
    factor = check_positive_int(factor, "factor")
    height, width, channels = arr.shape
    if factor > min(height, width):
        raise ValueError(
            f"factor={factor} is larger than the image ({height} x {width} pixels)."
        )
    h, w = height // factor, width // factor
    blocks = arr[: h * factor, : w * factor].reshape(h, factor, w, factor, channels)
    return blocks.mean(axis=(1, 3))


def quantize(pixels, palette, labels):
    """Replace every pixel by its palette colour: ``palette[labels[n]]``.

    Parameters
    ----------
    pixels : array-like of shape (N, C)
        Only used to check shapes (the result does not depend on it).
    palette : array-like of shape (K, C)
        The K colours: k-means centres or mixture means.
    labels : array-like of shape (N,)
        Integer palette index of every pixel (``KMeans.labels_``,
        ``GaussianMixture.predict``).

    Returns
    -------
    quantized : ndarray of shape (N, C)
    """
    pixels = check_array(pixels, name="pixels")
    palette = check_array(palette, name="palette")
    check_n_features(palette, pixels.shape[1], name="palette")
    labels = np.asarray(labels)
    if labels.shape != (pixels.shape[0],):
        raise ValueError(
            f"labels must have shape ({pixels.shape[0]},), one per pixel, but has "
            f"shape {labels.shape}."
        )
    if labels.size and (labels.dtype.kind not in "iu" or labels.min() < 0
                        or labels.max() >= palette.shape[0]):
        raise ValueError(
            f"labels must be integers in [0, {palette.shape[0] - 1}] (indices into the "
            f"palette of {palette.shape[0]} colours)."
        )
    return palette[labels]


def soft_quantize(responsibilities, palette):
    """The posterior-mean colour of every pixel, ``sum_k gamma(z_nk) mu_k``.

    Among all colours ``c``, this one minimises the expected squared distance
    ``sum_k gamma(z_nk) ||c - mu_k||^2`` to the palette colour of the pixel's
    (unknown) component.  A pixel claimed by one component gets that
    component's colour; an uncertain pixel gets a blend.

    Parameters
    ----------
    responsibilities : array-like of shape (N, K)
        Rows are probabilities (non-negative, summing to one).
    palette : array-like of shape (K, C)

    Returns
    -------
    colours : ndarray of shape (N, C)
    """
    responsibilities = check_responsibilities(responsibilities, sample="pixel")
    palette = check_array(palette, name="palette")
    if palette.shape[0] != responsibilities.shape[1]:
        raise ValueError(
            f"palette has {palette.shape[0]} colours but responsibilities have "
            f"{responsibilities.shape[1]} columns; they must match."
        )
    return responsibilities @ palette


def quantization_error(pixels, quantized):
    """Mean squared colour error per pixel, ``J / N = (1/N) sum_n ||x_n - q_n||^2``.

    With ``q_n`` the nearest palette colour this is the k-means distortion
    ``J`` divided by the number of pixels.

    Parameters
    ----------
    pixels : array-like of shape (N, C)
    quantized : array-like of shape (N, C)

    Returns
    -------
    error : float
    """
    pixels = check_array(pixels, name="pixels")
    quantized = check_array(quantized, name="quantized")
    if quantized.shape != pixels.shape:
        raise ValueError(
            f"quantized must have the shape of pixels {pixels.shape}, got {quantized.shape}."
        )
    return float(np.mean(np.sum((pixels - quantized) ** 2, axis=1)))


def psnr(pixels, quantized, peak=1.0):
    """Peak signal-to-noise ratio in decibels, ``10 log10(peak^2 / MSE)``.

    MSE here is the mean over pixels *and channels* (the image-processing
    convention), i.e. :func:`quantization_error` divided by C.  Higher is
    better; identical images give ``inf``.

    Parameters
    ----------
    pixels : array-like of shape (N, C)
    quantized : array-like of shape (N, C)
    peak : float, default=1.0
        The largest possible value (1 for images in [0, 1], 255 for 8 bits).

    Returns
    -------
    psnr : float
    """
    error = quantization_error(pixels, quantized)
    peak = float(check_array([peak], name="peak", ndim=1)[0])
    if peak <= 0.0:
        raise ValueError(f"peak must be positive, got {peak}.")
    mse = error / np.asarray(pixels).shape[1]
    if mse == 0.0:
        return math.inf
    return float(10.0 * math.log10(peak**2 / mse))


def compression_ratio(n_pixels, n_colors, n_channels=3, bits_per_channel=8):
    """Bits of the original image divided by bits of its quantised version.

    The original stores ``n_channels * bits_per_channel`` bits per pixel; the
    quantised image stores a palette index of ``ceil(log2 K)`` bits per pixel
    plus the palette itself, ``K * n_channels * bits_per_channel`` bits.
    (An entropy coder would do better; this is the plain fixed-length code.)

    Parameters
    ----------
    n_pixels : int
    n_colors : int
        Palette size K (at least 1; one colour needs no index bits).
    n_channels : int, default=3
    bits_per_channel : int, default=8

    Returns
    -------
    ratio : float
    """
    n_pixels = check_positive_int(n_pixels, "n_pixels")
    n_colors = check_positive_int(n_colors, "n_colors")
    n_channels = check_positive_int(n_channels, "n_channels")
    bits_per_channel = check_positive_int(bits_per_channel, "bits_per_channel")
    original = n_pixels * n_channels * bits_per_channel
    index_bits = math.ceil(math.log2(n_colors)) if n_colors > 1 else 0
    compressed = n_pixels * index_bits + n_colors * n_channels * bits_per_channel
    return original / compressed


def responsibility_maps(responsibilities, image_shape):
    """One soft segmentation map per component: ``gamma(z_nk)`` laid out as the image.

    Parameters
    ----------
    responsibilities : array-like of shape (H * W, K)
    image_shape : tuple
        ``(H, W)`` or ``(H, W, C)`` of the image the pixels came from.

    Returns
    -------
    maps : ndarray of shape (K, H, W)
        ``maps[k, i, j]`` is the responsibility of component k for pixel (i, j).
    """
    responsibilities = check_array(responsibilities, name="responsibilities")
    shape = _check_image_shape(image_shape, responsibilities.shape[0])
    responsibilities = check_responsibilities(responsibilities, sample="pixel")
    return responsibilities.T.reshape(-1, shape[0], shape[1]).copy()


def uncertainty_map(responsibilities, image_shape, kind="entropy"):
    """How unsure the mixture is about each pixel's component, as an image.

    Parameters
    ----------
    responsibilities : array-like of shape (H * W, K)
    image_shape : tuple
        ``(H, W)`` or ``(H, W, C)``.
    kind : {'entropy', 'max'}, default='entropy'
        'entropy': ``-sum_k gamma(z_nk) ln gamma(z_nk)`` in nats, between 0
        (one component is certain) and ``ln K`` (all equally likely), with
        ``0 ln 0 = 0``.  'max': ``1 - max_k gamma(z_nk)``, between 0 and
        ``1 - 1/K``, the probability that the hard label is wrong under the
        model.

    Returns
    -------
    uncertainty : ndarray of shape (H, W)
    """
    responsibilities = check_array(responsibilities, name="responsibilities")
    shape = _check_image_shape(image_shape, responsibilities.shape[0])
    responsibilities = check_responsibilities(responsibilities, sample="pixel")
    if kind == "entropy":
        positive = responsibilities > 0.0
        logs = np.log(np.where(positive, responsibilities, 1.0))
        values = -np.sum(responsibilities * logs, axis=1)
        values = np.maximum(values, 0.0)  # -0.0 and rounding below zero
    elif kind == "max":
        values = 1.0 - responsibilities.max(axis=1)
    else:
        raise ValueError(f"kind must be 'entropy' or 'max', got {kind!r}.")
    return values.reshape(shape[0], shape[1])
