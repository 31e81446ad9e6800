"""Trusted checks of ex02_kmeans (k-means).

The cases repeat the inputs of the notebook's visible and hidden test cells;
the reference answers come from ``gmm_lib``, computed in the verifier's
process.  Keep them in step with source/ex02_kmeans/ex02_kmeans.ipynb.
"""

import numpy as np

from gmm_lib import gaussian, kmeans
from gmm_lib.datasets import load_old_faithful

from ..spec import (Check, Mismatch, Question, as_float_array, assert_close,
                    assert_equal_labels, unpack)

NOTEBOOK = "ex02_kmeans"
PROTECTED_NAMES = ("names_used_by", "assert_does_not_call", "assert_close", "KMEANS_FORBIDDEN")
_KMEANS = frozenset({"assign_clusters", "update_centers", "distortion", "lloyd", "KMeans",
                     "kmeans", "cdist", "vq"})


def namespace():
    return {"X_faithful": load_old_faithful()}


QUESTIONS = {
    "a": Question("a_answer", _KMEANS - {"assign_clusters"}),
    "b": Question("b_answer", _KMEANS - {"update_centers"}),
    "c": Question("c_answer", _KMEANS - {"distortion"}),
    "d": Question("d_answer", frozenset({"lloyd", "KMeans", "kmeans", "kmeans2"})),
    "e": Question("e_answer", frozenset({"lloyd", "KMeans", "kmeans", "kmeans2", "standardize"})),
}


def reference_update(X, labels, previous):
    """The exercise's update step: cluster means, empty clusters keep their centre."""
    one_hot = kmeans.one_hot(labels, len(previous))
    counts = one_hot.sum(axis=0)
    sums = one_hot.T @ X
    safe = np.where(counts > 0, counts, 1.0)[:, np.newaxis]
    return np.where(counts[:, np.newaxis] > 0, sums / safe, previous)


def _compare_assign(actual, X, centers):
    assert_equal_labels(actual, kmeans.assign_clusters(X, centers), "assign_clusters")


def _compare_update(actual, X, labels, previous):
    assert_close(actual, reference_update(X, labels, previous), "update_centers", rtol=1e-9)


def _compare_distortion(actual, X, centers, labels):
    assert_close(actual, kmeans.distortion(X, centers, labels), "distortion", rtol=1e-9)


def _compare_lloyd(actual, X, initial):
    centers, labels, history = unpack(actual, 3, "run_lloyd")
    history = as_float_array(history, "history")
    if history.ndim != 1 or history.size == 0:
        raise Mismatch("history: expected a non-empty 1-D list of J values")
    if np.any(np.diff(history) > 1e-9 * abs(history[0])):
        raise Mismatch("history: J increased")
    reference = kmeans.lloyd(X, initial, tol=0.0)
    assert_close(centers, reference.centers, "final centres", rtol=1e-9)
    assert_equal_labels(labels, reference.labels, "final labels")
    assert_close(history[-1], reference.distortion_history[-1], "final J", rtol=1e-9)


def _faithful_distortion(actual):
    value = as_float_array(actual, "faithful_distortion")
    if value.shape != ():
        raise Mismatch("faithful_distortion: expected one number")
    Z = gaussian.standardize(load_old_faithful())[0]
    expected = kmeans.lloyd(Z, Z[:2], tol=0.0).distortion_history[-1]
    assert_close(value, expected, "faithful_distortion", rtol=1e-6)


def _plausible_distortion(actual):
    value = as_float_array(actual, "faithful_distortion")
    if value.shape != () or not 0.0 < float(value) < 2 * 272:
        raise Mismatch("faithful_distortion: not a number between 0 and 2N")


def _a_hidden():
    rng = np.random.default_rng(2101)
    grid_points = rng.integers(-5, 6, size=(200, 3)).astype(float)
    return [
        (grid_points, rng.integers(-5, 6, size=(5, 3)).astype(float)),
        (rng.standard_normal((50, 4)), np.zeros((1, 4))),
        (1e3 * rng.standard_normal((300, 2)), 1e3 * rng.standard_normal((7, 2))),
    ]


def _b_hidden():
    rng = np.random.default_rng(2201)
    X = rng.standard_normal((100, 3)) * [1.0, 5.0, 0.1] + [0.0, 50.0, -3.0]
    labels = rng.integers(0, 6, size=100)
    labels[labels == 3] = 0
    labels[labels == 5] = 1
    previous = rng.standard_normal((6, 3))
    return [(X, labels, previous), (X[:1], np.array([2]), previous[:4]),
            (1e6 + X, labels, 1e6 + previous)]


def _c_hidden():
    rng = np.random.default_rng(2301)
    X = 1e3 * rng.standard_normal((500, 4))
    centers = 1e3 * rng.standard_normal((6, 4))
    labels = rng.integers(0, 6, size=500)
    return [(X, centers, labels), (X[:3], centers, np.array([5, 5, 0]))]


def _d_visible():
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal(center, 0.6, size=(10, 2)) for center in ([0, 0], [4, 0], [2, 3])])
    return [(X, X[[0, 1, 2]])]


def _d_hidden():
    rng = np.random.default_rng(5)
    X = np.vstack([rng.normal(center, 1.0, size=(60, 2))
                   for center in ([0, 0], [4, 0], [0, 4], [4, 4])])
    rng.shuffle(X)
    return [(X, X[:4]), (X, X[[0, 4, 6]])]


_TWO_GROUPS = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0], [12.0, 14.0], [11.0, 12.0]])

CHECKS = {
    "a_visible": Check("a", _compare_assign, function="assign_clusters", cases=[
        (np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [6.0, 5.0], [2.5, 2.5], [3.0, 2.5]]),
         np.array([[0.0, 0.0], [6.0, 5.0]])),
    ]),
    "a_hidden": Check("a", _compare_assign, function="assign_clusters", cases=_a_hidden()),
    "b_visible": Check("b", _compare_update, function="update_centers", cases=[
        (_TWO_GROUPS, np.array([0, 0, 1, 1, 1]),
         np.array([[1.0, 1.0], [9.0, 9.0], [-5.0, 3.0]])),
    ]),
    "b_hidden": Check("b", _compare_update, function="update_centers", cases=_b_hidden()),
    "c_visible": Check("c", _compare_distortion, function="distortion", cases=[
        (_TWO_GROUPS, np.array([[1.0, 0.0], [11.0, 12.0]]), np.array([0, 0, 1, 1, 1])),
    ]),
    "c_hidden": Check("c", _compare_distortion, function="distortion", cases=_c_hidden()),
    "d_visible": Check("d", _compare_lloyd, function="run_lloyd", cases=_d_visible()),
    "d_hidden": Check("d", _compare_lloyd, function="run_lloyd", cases=_d_hidden()),
    "e_visible": Check("e", _plausible_distortion, variable="faithful_distortion"),
    "e_hidden": Check("e", _faithful_distortion, variable="faithful_distortion"),
}
