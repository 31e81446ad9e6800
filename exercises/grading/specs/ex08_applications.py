"""Trusted checks of ex08_applications (applications of mixtures).

The cases repeat the inputs of the notebook's visible and hidden test cells;
the reference answers come from ``gmm_lib``, computed in the verifier's
process.  Keep them in step with source/ex08_applications/ex08_applications.ipynb
(including the rounded Old Faithful mixture of its setup cell).
"""

import math

import numpy as np

from gmm_lib import anomaly, kmeans, mixture, quantization
from gmm_lib.datasets import load_old_faithful

from ..spec import (Check, Mismatch, Question, as_float_array, assert_close,
                    assert_equal_labels, unpack)

NOTEBOOK = "ex08_applications"
PROTECTED_NAMES = ("names_used_by", "assert_does_not_call", "assert_close",
                   "APPLICATIONS_FORBIDDEN")
_FORBIDDEN = frozenset({
    "assign_clusters", "quantize", "psnr", "quantization_error", "cdist", "vq", "KMeans",
    "GaussianMixture", "MixtureClassifier", "score_samples", "log_likelihood",
    "weighted_log_probabilities", "responsibilities_from_log", "estimate_log_gaussian_prob",
    "multivariate_normal", "logpdf", "logsumexp", "logaddexp", "softmax",
    "threshold_from_scores", "flag_anomalies", "predict_proba", "predict_log_proba",
})

# The mixture of the notebook's setup cell (EM fit to Old Faithful, rounded).
FAITHFUL_WEIGHTS = np.array([0.3559, 0.6441])
FAITHFUL_MEANS = np.array([[2.0365, 54.48], [4.2898, 79.97]])
FAITHFUL_COVARIANCES = np.array([[[0.06927, 0.4363], [0.4363, 33.70]],
                                 [[0.1698, 0.9387], [0.9387, 36.02]]])


def namespace():
    return {"X_faithful": load_old_faithful(), "faithful_weights": FAITHFUL_WEIGHTS,
            "faithful_means": FAITHFUL_MEANS, "faithful_covariances": FAITHFUL_COVARIANCES}


QUESTIONS = {
    "a": Question("a_answer", _FORBIDDEN - {"quantize"}),
    "b": Question("b_answer", _FORBIDDEN - {"psnr"}),
    "c": Question("c_answer", _FORBIDDEN),
    "d": Question("d_answer", _FORBIDDEN - {"threshold_from_scores"}),
    "e": Question("e_answer", _FORBIDDEN),
    "f": Question("f_answer", _FORBIDDEN - {"threshold_from_scores"}),
}


# -- references ------------------------------------------------------------------

def reference_quantize(pixels, palette):
    return quantization.quantize(pixels, palette, kmeans.assign_clusters(pixels, palette))


def reference_log_density(X, weights, means, covariances):
    weighted = mixture.weighted_log_probabilities(X, weights, means, covariances)
    return mixture.responsibilities_from_log(weighted)[1]


def reference_posteriors(log_densities, priors):
    with np.errstate(divide="ignore"):  # a zero prior is a legitimate -inf
        joint = np.asarray(log_densities, dtype=float) + np.log(priors)
    return mixture.responsibilities_from_log(joint)[0], np.argmax(joint, axis=1)


def reference_flagged():
    scores = reference_log_density(load_old_faithful(), FAITHFUL_WEIGHTS, FAITHFUL_MEANS,
                                   FAITHFUL_COVARIANCES)
    tau = anomaly.threshold_from_scores(scores, 0.02)
    return scores, tau, np.flatnonzero(anomaly.flag_anomalies(scores, tau))


# -- comparisons -----------------------------------------------------------------

def _one_number(actual, what):
    value = as_float_array(actual, what)
    if value.shape != ():
        raise Mismatch(f"{what}: expected one number, got shape {value.shape}")
    return float(value)


def _compare_quantize(actual, pixels, palette):
    assert_close(actual, reference_quantize(pixels, palette), "quantize", rtol=0.0, atol=0.0)


def _compare_psnr(actual, *args):
    expected = quantization.psnr(*args)
    value = _one_number(actual, "psnr")
    if math.isinf(expected):
        if value != math.inf:
            raise Mismatch(f"psnr of identical images: expected inf, got {value}")
        return
    assert_close(value, expected, "psnr", rtol=1e-9)


def _compare_log_density(actual, X, weights, means, covariances):
    assert_close(actual, reference_log_density(X, weights, means, covariances),
                 "mixture_log_density", rtol=1e-6, atol=1e-8)


def _compare_threshold(actual, scores, alpha):
    expected = anomaly.threshold_from_scores(scores, alpha)
    value = _one_number(actual, "threshold_from_scores")
    if math.isinf(expected):
        if value != expected:
            raise Mismatch(f"threshold at alpha = {alpha} with {len(scores)} scores: "
                           f"expected -inf, got {value}")
        return
    assert_close(value, expected, f"threshold of {len(scores)} scores at alpha = {alpha}",
                 rtol=1e-12, atol=0.0)


def _compare_posteriors(actual, log_densities, priors):
    posteriors, predicted = unpack(actual, 2, "class_posteriors")
    expected_posteriors, expected_predicted = reference_posteriors(log_densities, priors)
    assert_close(posteriors, expected_posteriors, "posteriors", atol=1e-12)
    assert_equal_labels(predicted, expected_predicted, "predicted classes")


def _faithful_scores(actual):
    assert_close(actual, reference_flagged()[0], "faithful_scores", rtol=1e-6)


def _faithful_flagged(actual):
    assert_equal_labels(actual, reference_flagged()[2], "faithful_flagged")


# -- the cases of the test cells ---------------------------------------------------

def _a_hidden():
    rng = np.random.default_rng(8101)
    levels = [0.0, 100.0, 200.0]
    grid_palette = np.array([[r, g, b] for r in levels for g in levels for b in levels])
    eight_bit = rng.integers(0, 256, size=(1000, 3)).astype(float)
    return [(eight_bit, grid_palette), (rng.random((2000, 3)), rng.random((16, 3))),
            (eight_bit[:5], grid_palette[13:14])]


_B_ORIGINAL = np.array([[0.2, 0.4, 0.6], [0.8, 0.8, 0.8]])
_B_QUANTIZED = np.array([[0.3, 0.4, 0.6], [0.8, 0.6, 0.8]])


def _b_hidden():
    rng = np.random.default_rng(8201)
    photo = rng.integers(0, 256, size=(500, 3)).astype(np.uint8)
    posterised = (photo // 64 * 64 + 32).astype(np.uint8)
    return [(photo, posterised, 255), (photo, photo.copy(), 255),
            (photo[:, :1] / 255.0, posterised[:, :1] / 255.0),
            (rng.random((300, 3)), rng.random((300, 3)), 1.0)]


def _covariance(rng, n_features):
    A = rng.standard_normal((n_features, n_features))
    return A @ A.T / n_features + 0.3 * np.eye(n_features)


def _c_hidden():
    rng = np.random.default_rng(8301)
    weights = np.array([0.2, 0.5, 0.3])
    means = rng.normal(0.0, 3.0, size=(3, 2))
    covariances = np.array([_covariance(rng, 2) for _ in range(3)])
    far = rng.uniform(-60.0, 60.0, size=(200, 2))
    angle = np.pi / 5
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    thin = rotation @ np.diag([4.0, 1e-6]) @ rotation.T
    thin_X = np.vstack([(rng.standard_normal((30, 2)) * [2.0, 1e-3]) @ rotation.T,
                        rng.standard_normal((10, 2))])
    # the argument order of the notebook: X, then a mean and a covariance drawn after it
    five_X = rng.standard_normal((50, 5))
    five_mean = rng.standard_normal((1, 5))
    five_covariance = _covariance(rng, 5)[np.newaxis]
    return [
        (far, weights, means, covariances),
        (five_X, np.array([1.0]), five_mean, five_covariance),
        (thin_X, np.array([0.5, 0.5]), np.array([[0.0, 0.0], [3.0, 3.0]]),
         np.array([thin, np.eye(2)])),
        (far + 1e6, weights, means + 1e6, covariances),
    ]


def _d_hidden():
    rng = np.random.default_rng(8401)
    ties = rng.permutation(np.repeat([-3.0, -2.0, -1.0], 4))
    return [(ties, 0.25), (rng.normal(-1000.0, 3.0, size=499), 0.05),
            (rng.standard_normal(99), 0.29), (rng.standard_normal(19), 0.05),
            (rng.standard_normal(18), 0.05), (rng.standard_normal(10000), 0.01)]


_D_SCORES = np.array([-3.2, -1.5, -7.9, -2.2, -0.4, -5.1, -2.8, -1.1, -4.0])
_E_LOG_DENSITIES = np.array([[-2.0, -3.0], [-4.0, -1.0], [-1.5, -1.0]])
_E_PRIORS = np.array([0.75, 0.25])


def _e_hidden():
    rng = np.random.default_rng(8501)
    levels = rng.choice([-1000.0, 0.0, 800.0], size=(150, 1))
    first = (rng.normal(-1000.0, 20.0, size=(200, 4)), rng.dirichlet(np.ones(4)))
    second = (rng.normal(800.0, 20.0, size=(50, 3)), np.array([0.2, 0.3, 0.5]))
    third = (levels + rng.normal(0.0, 5.0, size=(150, 3)), np.array([0.5, 0.25, 0.25]))
    return [first, second, third,
            (np.array([[-5.0, -5.0, -1.0], [-2.0, -2.0, -9.0], [-700.0, -1300.0, -1000.0]]),
             np.array([0.5, 0.5, 0.0]))]


CHECKS = {
    "a_visible": Check("a", _compare_quantize, function="quantize", cases=[
        (np.array([[0.9, 0.1, 0.1], [0.2, 0.1, 0.1], [0.6, 0.6, 0.7],
                   [0.5, 0.5, 0.5], [0.8, 0.3, 0.2], [0.1, 0.2, 0.0]]),
         np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [1.0, 0.0, 0.0]])),
    ]),
    "a_hidden": Check("a", _compare_quantize, function="quantize", cases=_a_hidden()),
    "b_visible": Check("b", _compare_psnr, function="psnr", cases=[
        (_B_ORIGINAL, _B_QUANTIZED), (255 * _B_ORIGINAL, 255 * _B_QUANTIZED, 255),
        (_B_ORIGINAL, _B_ORIGINAL),
    ]),
    "b_hidden": Check("b", _compare_psnr, function="psnr", cases=_b_hidden()),
    "c_visible": Check("c", _compare_log_density, function="mixture_log_density", cases=[
        (np.array([[2.0, 54.0], [4.4, 81.0], [3.2, 68.0], [15.0, 330.0]]),
         FAITHFUL_WEIGHTS, FAITHFUL_MEANS, FAITHFUL_COVARIANCES),
    ]),
    "c_hidden": Check("c", _compare_log_density, function="mixture_log_density",
                      cases=_c_hidden()),
    "d_visible": Check("d", _compare_threshold, function="threshold_from_scores", cases=[
        (_D_SCORES, 0.2), (_D_SCORES, 0.05),
    ]),
    "d_hidden": Check("d", _compare_threshold, function="threshold_from_scores",
                      cases=_d_hidden()),
    "e_visible": Check("e", _compare_posteriors, function="class_posteriors", cases=[
        (_E_LOG_DENSITIES, _E_PRIORS), (_E_LOG_DENSITIES - 1000.0, _E_PRIORS),
    ]),
    "e_hidden": Check("e", _compare_posteriors, function="class_posteriors", cases=_e_hidden()),
    "f_visible": Check("f", _faithful_scores, variable="faithful_scores"),
    "f_hidden": Check("f", _faithful_flagged, variable="faithful_flagged"),
}
