"""Trusted checks of ex03_mixtures (mixtures and latent variables).

The cases repeat the inputs of the notebook's visible and hidden test cells;
the reference answers come from ``gmm_lib``, computed in the verifier's
process.  Keep them in step with source/ex03_mixtures/ex03_mixtures.ipynb.
"""

import numpy as np

from gmm_lib import datasets, gaussian, mixture
from gmm_lib.datasets import load_old_faithful

from ..spec import Check, Mismatch, Question, as_float_array, assert_close, unpack

NOTEBOOK = "ex03_mixtures"
PROTECTED_NAMES = ("names_used_by", "assert_does_not_call", "assert_close", "MIXTURE_FORBIDDEN")
_MIXTURE = frozenset({"logsumexp", "softmax", "log_softmax", "responsibilities_from_log",
                      "e_step", "GaussianMixture", "score_samples", "predict_proba",
                      "multivariate_normal", "logpdf", "inv", "pinv", "det", "slogdet"})

# The setup cell's two-component mixture for Old Faithful (rounded GaussianMixture fit).
FAITHFUL_WEIGHTS = np.array([0.356, 0.644])
FAITHFUL_MEANS = np.array([[2.037, 54.48], [4.290, 79.97]])
FAITHFUL_COVARIANCES = np.array([[[0.0693, 0.4363], [0.4363, 33.70]],
                                 [[0.1698, 0.9387], [0.9387, 36.02]]])


def namespace():
    return {"X_faithful": load_old_faithful(), "faithful_weights": FAITHFUL_WEIGHTS,
            "faithful_means": FAITHFUL_MEANS, "faithful_covariances": FAITHFUL_COVARIANCES}


QUESTIONS = {
    "a": Question("a_answer", _MIXTURE),
    "b": Question("b_answer", _MIXTURE),
    "c": Question("c_answer", _MIXTURE),
    "d": Question("d_answer", _MIXTURE),
}


def reference_log_sum_exp(A, axis):
    """``ln sum exp`` along ``axis`` (0 or 1) of a 2-D array, from gmm_lib's row normaliser."""
    A = np.asarray(A, dtype=float)
    return mixture.responsibilities_from_log(A if axis == 1 else A.T)[1]


def reference_summary(X, weights, means, covariances):
    gamma, total = mixture.e_step(X, weights, means, covariances)
    return total, int(np.sum(gamma.max(axis=1) < 0.9))


def _log_sum_exp(rtol):
    def compare(actual, A, axis):
        assert_close(actual, reference_log_sum_exp(A, axis),
                     f"log_sum_exp of a {np.shape(A)} array along axis {axis}", rtol=rtol)
    return compare


def _weighted(rtol):
    def compare(actual, X, weights, means, covariances):
        assert_close(actual, mixture.weighted_log_probabilities(X, weights, means, covariances),
                     f"weighted_log_probabilities, X {X.shape}, K = {len(weights)}", rtol=rtol)
    return compare


def _responsibilities(rtol, atol):
    def compare(actual, X, weights, means, covariances):
        expected = mixture.e_step(X, weights, means, covariances)[0]
        what = f"responsibilities, X {X.shape}, K = {len(weights)}"
        assert_close(actual, expected, what, rtol=rtol, atol=atol)
        assert_close(np.sum(as_float_array(actual, what), axis=1), np.ones(len(X)),
                     "row sums of the responsibilities", rtol=1e-9, atol=1e-9)
    return compare


def _count(actual, what):
    value = as_float_array(actual, what)
    if value.shape != () or not np.isfinite(value) or float(value) != int(value):
        raise Mismatch(f"{what}: expected a whole number")
    return int(value)


def _summary(actual, X, weights, means, covariances):
    total, n_uncertain = unpack(actual, 2, "mixture_summary")
    expected_total, expected_n = reference_summary(X, weights, means, covariances)
    assert_close(total, expected_total, f"log_likelihood of {len(X)} points", rtol=1e-9)
    if _count(n_uncertain, "n_uncertain") != expected_n:
        raise Mismatch(f"n_uncertain: expected {expected_n}, got {int(n_uncertain)}")


def _plausible_summary(actual, X, weights, means, covariances):
    total, n_uncertain = unpack(actual, 2, "mixture_summary")
    total = as_float_array(total, "log_likelihood")
    if total.shape != () or not np.isfinite(total):
        raise Mismatch("log_likelihood: expected one finite number")
    peak = sum(w / (2 * np.pi * np.exp(0.5 * gaussian.log_determinant(c)))
               for w, c in zip(weights, covariances))
    if float(total) > len(X) * np.log(peak):
        raise Mismatch("log_likelihood: above the largest value the parameters allow")
    single_mean, single_covariance = gaussian.fit_gaussian(X)
    if float(total) <= gaussian.log_density(X, single_mean, single_covariance).sum():
        raise Mismatch("log_likelihood: not above the single Gaussian's")
    if not 0 <= _count(n_uncertain, "n_uncertain") < len(X) / 2:
        raise Mismatch("n_uncertain: not between 0 and N/2")


_SMALL = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [-1.0, 0.5, -2.0]])


def _a_visible():
    return [
        (_SMALL, 1),
        (_SMALL, 0),
        (np.array([[-1000.0, -1000.0, -1000.0], [-1000.0, -1001.0, -1003.0]]), 1),
        (np.array([[1000.0, 1000.0], [710.0, 700.0]]), 1),
    ]


def _a_hidden():
    mixed_scales = np.array([
        [-1000.0, -1001.0, -1002.5, -1000.5],
        [-1e5, -1e5 + 2.0, -1e5 - 1.0, -1e5],
        [0.0, -np.inf, -3.0, -np.inf],
        [5.0, -np.inf, -np.inf, -np.inf],
        [1e3, -1e3, 0.0, 999.0],
        [700.0, 710.0, 705.0, 709.0],
    ])
    rng = np.random.default_rng(3101)
    scattered = rng.normal(-500.0, 300.0, size=(200, 6))
    return [
        (mixed_scales, 1),
        (mixed_scales.T.copy(), 0),
        (scattered, 1),
        (scattered[:, :1].copy(), 1),
        (rng.normal(0.0, 1e4, size=(5, 50)), 0),
    ]


_TWO_D = (np.array([0.4, 0.6]), np.array([[0.0, 0.0], [3.0, 1.0]]),
          np.array([[[0.6, 0.25], [0.25, 0.4]], [[2.0, -0.6], [-0.6, 1.2]]]))
_TWO_BUMPS = (np.array([0.3, 0.7]), np.array([[-2.0], [1.5]]), np.array([[[0.25]], [[1.0]]]))


def _b_visible():
    X = np.array([[0.0, 0.0], [3.0, 1.0], [1.5, 0.5], [-1.0, 2.0]])
    return [(X, *_TWO_D), (X[:1].copy(), *_TWO_D)]


def _ill_conditioned_covariance(rng, n_features, condition):
    rotation, _ = np.linalg.qr(rng.standard_normal((n_features, n_features)))
    eigenvalues = np.logspace(0.0, -np.log10(condition), n_features)
    covariance = (rotation * eigenvalues) @ rotation.T
    return 0.5 * (covariance + covariance.T)


def _b_hidden():
    rng = np.random.default_rng(3201)
    covariances = np.stack([_ill_conditioned_covariance(rng, 20, 1e8) for _ in range(3)])
    means = rng.standard_normal((3, 20))
    X = means[0] + rng.standard_normal((40, 20)) @ np.linalg.cholesky(covariances[0]).T
    return [
        (X, np.array([0.2, 0.5, 0.3]), means, covariances),
        (np.array([[40.0, -40.0], [1e3, 0.0], [0.0, 0.0]]), np.array([0.7, 0.3]),
         np.array([[0.0, 1.0], [2.0, 0.0]]),
         np.array([[[1.0, 0.5], [0.5, 2.0]], [[0.5, 0.0], [0.0, 0.5]]])),
        (np.array([[-2.0], [0.0], [1e-3], [5.0], [60.0]]), np.array([0.25, 0.5, 0.25]),
         np.array([[-2.0], [0.0], [3.0]]), np.array([[[0.25]], [[1e-6]], [[4.0]]])),
    ]


def _c_visible():
    return [
        (np.array([[-3.0], [-1.0], [0.0], [2.0]]), *_TWO_BUMPS),
        (np.array([[0.0, 0.0], [1.5, 0.5], [1.2, 1.0], [6.0, -2.0]]), *_TWO_D),
    ]


def _c_hidden():
    rng = np.random.default_rng(3301)
    rotation, _ = np.linalg.qr(rng.standard_normal((20, 20)))
    covariances = np.stack([(rotation * np.logspace(0.0, -4.0, 20)) @ rotation.T,
                            np.eye(20), 0.5 * np.eye(20)])
    covariances = 0.5 * (covariances + np.transpose(covariances, (0, 2, 1)))
    means = 0.5 * rng.standard_normal((3, 20))
    return [
        (np.array([[50.0], [-40.0], [1e3], [-1.0]]), *_TWO_BUMPS),
        (np.array([[40.0, 40.0], [-60.0, 30.0], [1.0, 0.5]]), *_TWO_D),
        (rng.standard_normal((30, 20)), np.array([0.3, 0.3, 0.4]), means, covariances),
    ]


def _faithful_case():
    return (load_old_faithful(), FAITHFUL_WEIGHTS, FAITHFUL_MEANS, FAITHFUL_COVARIANCES)


def _d_hidden():
    soft = datasets.sample_mixture(
        400, [0.4, 0.6], [[0.0, 0.0], [3.0, 1.0]],
        [[[0.6, 0.25], [0.25, 0.4]], [[2.0, -0.6], [-0.6, 1.2]]], random_state=3401)
    with_outliers = np.vstack([load_old_faithful(), [[15.0, 500.0], [0.5, 5.0], [3.0, 67.0]]])
    return [
        _faithful_case(),
        (with_outliers, FAITHFUL_WEIGHTS, FAITHFUL_MEANS, FAITHFUL_COVARIANCES),
        (soft.X, soft.weights, soft.means, soft.covariances),
    ]


CHECKS = {
    "a_visible": Check("a", _log_sum_exp(1e-7), function="log_sum_exp", cases=_a_visible()),
    "a_hidden": Check("a", _log_sum_exp(1e-9), function="log_sum_exp", cases=_a_hidden()),
    "b_visible": Check("b", _weighted(1e-7), function="weighted_log_probabilities",
                       cases=_b_visible()),
    "b_hidden": Check("b", _weighted(1e-7), function="weighted_log_probabilities",
                      cases=_b_hidden()),
    "c_visible": Check("c", _responsibilities(1e-7, 1e-10), function="responsibilities",
                       cases=_c_visible()),
    "c_hidden": Check("c", _responsibilities(1e-6, 1e-9), function="responsibilities",
                      cases=_c_hidden()),
    "d_visible": Check("d", _plausible_summary, function="mixture_summary",
                       cases=[_faithful_case()]),
    "d_hidden": Check("d", _summary, function="mixture_summary", cases=_d_hidden()),
}
