"""Trusted checks of ex01_gaussian (the Gaussian).

The cases repeat the inputs of the notebook's visible and hidden test cells;
the reference answers come from ``gmm_lib``, computed in the verifier's
process.  Keep them in step with source/ex01_gaussian/ex01_gaussian.ipynb.
"""

import numpy as np

from gmm_lib import gaussian
from gmm_lib.datasets import load_old_faithful

from ..spec import Check, Mismatch, Question, as_float_array, assert_close, unpack

NOTEBOOK = "ex01_gaussian"
PROTECTED_NAMES = ("names_used_by", "assert_does_not_call", "assert_close")


def namespace():
    return {"X_faithful": load_old_faithful()}


QUESTIONS = {
    "a": Question("a_answer", frozenset({"norm", "logpdf", "pdf"})),
    "b": Question("b_answer", frozenset(
        {"inv", "pinv", "det", "slogdet", "multivariate_normal", "logpdf"})),
    "c": Question("c_answer", frozenset({"fit_gaussian"})),
    "d": Question("d_answer", frozenset({"mahalanobis", "inv", "pinv"})),
}


def _univariate(rtol=1e-7):
    def compare(actual, x, mean, variance):
        assert_close(actual, gaussian.univariate_log_density(x, mean, variance),
                     f"univariate_log_density(x, {mean}, {variance})", rtol=rtol)
    return compare


def _multivariate(rtol):
    def compare(actual, X, mean, covariance):
        assert_close(actual, gaussian.log_density(X, mean, covariance),
                     f"log_density on a {X.shape} sample", rtol=rtol)
    return compare


def _fit(rtol, atol):
    def compare(actual, X):
        mean, covariance = unpack(actual, 2, "fit_gaussian")
        expected_mean, expected_covariance = gaussian.fit_gaussian(X)
        assert_close(mean, expected_mean, "mean", rtol=rtol, atol=atol)
        assert_close(covariance, expected_covariance, "covariance", rtol=rtol, atol=atol)
    return compare


def _hidden_b_cases():
    rng = np.random.default_rng(1201)
    angle = np.pi / 6
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    nearly_singular = rotation @ np.diag([1.0, 1e-8]) @ rotation.T
    return [
        (0.1 * rng.standard_normal((3, 200)), np.zeros(200), 0.01 * np.eye(200)),
        (np.array([[40.0, 0.0], [0.0, -45.0], [30.0, 30.0]]), np.zeros(2),
         np.array([[1.0, 0.5], [0.5, 2.0]])),
        (np.array([[1.0, 0.0], [-2.0, 1e-4]]) @ rotation.T, np.zeros(2), nearly_singular),
    ]


def _hidden_c_cases():
    rng = np.random.default_rng(1301)
    return [
        (1e8 + rng.standard_normal((50, 3)),),
        (rng.standard_normal((7, 5)) * [1, 10, 100, 0.1, 1],),
        (np.array([[1.0, 2.0, 3.0]]),),
    ]


def _faithful_distance(actual):
    value = as_float_array(actual, "faithful_distance")
    if value.shape != ():
        raise Mismatch(f"faithful_distance: expected one number, got shape {value.shape}")
    X = load_old_faithful()
    mean, covariance = gaussian.fit_gaussian(X)
    expected = gaussian.mahalanobis(X[:1], mean, covariance)[0]
    assert_close(value, expected, "faithful_distance", rtol=1e-6)


def _plausible_distance(actual):
    value = as_float_array(actual, "faithful_distance")
    if value.shape != () or not 0.0 < float(value) < 10.0:
        raise Mismatch("faithful_distance: not a number between 0 and 10")


_VISIBLE_B = (np.array([[0.0, 0.0], [1.0, 2.0], [-1.0, 0.5]]), np.array([0.0, 1.0]),
              np.array([[2.0, 0.3], [0.3, 1.0]]))

CHECKS = {
    "a_visible": Check("a", _univariate(), function="univariate_log_density", cases=[
        (np.array([0.0, 1.0, -2.0]), 0.0, 1.0),
        (np.array([0.0, 1.0, -2.0]), 1.0, 4.0),
    ]),
    "a_hidden": Check("a", _univariate(), function="univariate_log_density", cases=[
        (np.array([40.0, -40.0, 0.5]), 0.0, 1.0),
        (np.array([1.0, 2.0, 3.0]), 2.0, 1e-4),
        (1e6 + np.array([0.0, 1.0, -3.0]), 1e6, 0.25),
    ]),
    "b_visible": Check("b", _multivariate(1e-7), function="log_density", cases=[
        _VISIBLE_B,
        (_VISIBLE_B[0][:1], _VISIBLE_B[1], _VISIBLE_B[2]),
    ]),
    "b_hidden": Check("b", _multivariate(1e-6), function="log_density", cases=_hidden_b_cases()),
    "c_visible": Check("c", _fit(1e-7, 1e-10), function="fit_gaussian", cases=[
        (np.array([[1.0, 2.0], [2.0, 0.0], [4.0, 1.0], [5.0, 5.0]]),),
    ]),
    "c_hidden": Check("c", _fit(1e-6, 1e-9), function="fit_gaussian", cases=_hidden_c_cases()),
    "d_visible": Check("d", _plausible_distance, variable="faithful_distance"),
    "d_hidden": Check("d", _faithful_distance, variable="faithful_distance"),
}
