"""Trusted checks of ex04_em (chapter 4, the EM algorithm).

The cases repeat the inputs of the notebook's visible and hidden test cells;
the reference answers come from ``gmm_lib.mixture`` (``m_step``,
``log_likelihood`` and ``run_em``, all with ``reg_covar=0.0``), computed in
the verifier's process.  Keep them in step with
source/ex04_em/ex04_em.ipynb.
"""

import functools

import numpy as np

from gmm_lib import mixture
from gmm_lib.datasets import load_old_faithful

from ..spec import Check, Mismatch, Question, as_float_array, assert_close, unpack

NOTEBOOK = "ex04_em"
PROTECTED_NAMES = ("names_used_by", "assert_does_not_call", "assert_close", "EM_FORBIDDEN")
_EM = frozenset({"m_step", "log_likelihood", "run_em", "GaussianMixture", "logsumexp",
                 "logaddexp", "logaddexp2", "multivariate_normal"})

# The start of question (d), as in the notebook's setup cell (minutes).
FAITHFUL_WEIGHTS0 = np.array([0.5, 0.5])
FAITHFUL_MEANS0 = np.array([[2.0, 75.0], [4.5, 60.0]])
FAITHFUL_COVARIANCES0 = np.array([np.diag([1.0, 100.0]), np.diag([1.0, 100.0])])
FAITHFUL_N_ITER = 50


def namespace():
    return {
        "X_faithful": load_old_faithful(),
        "faithful_weights0": FAITHFUL_WEIGHTS0.copy(),
        "faithful_means0": FAITHFUL_MEANS0.copy(),
        "faithful_covariances0": FAITHFUL_COVARIANCES0.copy(),
    }


QUESTIONS = {
    "a": Question("a_answer", _EM - {"m_step"}),
    "b": Question("b_answer", _EM - {"log_likelihood"}),
    "c": Question("c_answer", _EM - {"m_step", "log_likelihood"}),
    "d": Question("d_answer", _EM - {"m_step", "log_likelihood", "run_em"}),
}


# ---------------------------------------------------------------------------
# comparisons


def _compare_m_step(actual, X, responsibilities):
    parts = unpack(actual, 3, "m_step")
    expected = mixture.m_step(X, responsibilities, reg_covar=0.0)
    for name, value, reference in zip(("weights", "means", "covariances"), parts, expected):
        assert_close(value, reference, f"m_step {name}")


def _compare_log_likelihood(actual, X, weights, means, covariances):
    value = as_float_array(actual, "log_likelihood")
    if value.shape != ():
        raise Mismatch(f"log_likelihood: expected one number, got shape {value.shape}")
    # The nearly singular case (condition number 1e9) is compared to 1e-6, the others to 1e-7.
    rtol = 1e-6 if max(np.linalg.cond(c) for c in covariances) > 1e6 else 1e-7
    expected = mixture.log_likelihood(X, weights, means, covariances)
    assert_close(value, expected, "log_likelihood", rtol=rtol)


def _reference_run(X, weights, means, covariances, n_iter):
    return mixture.run_em(X, weights, means, covariances, reg_covar=0.0, tol=0.0,
                          max_iter=n_iter, record_history=True)


def _compare_run_em(actual, X, weights0, means0, covariances0, n_iter, history_rtol):
    weights, means, covariances, history = unpack(actual, 4, "run_em")
    history = as_float_array(history, "history")
    if history.shape != (n_iter + 1,):
        raise Mismatch(f"history: expected n_iter + 1 = {n_iter + 1} values, got shape "
                       f"{history.shape}")
    if not np.all(np.isfinite(history)):
        raise Mismatch("history: contains nan or inf")
    if np.any(np.diff(history) < -1e-9 * abs(history[0])):
        raise Mismatch("history: ln p(X | theta) decreased")
    reference = _reference_run(X, weights0, means0, covariances0, n_iter)
    expected_history = [step["log_likelihood"] for step in reference["history"]]
    assert_close(history, expected_history, "history", rtol=history_rtol)
    assert_close(weights, reference["weights"], "final weights")
    assert_close(means, reference["means"], "final means")
    assert_close(covariances, reference["covariances"], "final covariances")


def _faithful_pair(actual):
    pair = unpack(actual, 2, "faithful_result")
    values = [as_float_array(value, "faithful_result") for value in pair]
    if any(value.shape != () for value in values):
        raise Mismatch("faithful_result: both entries must be single numbers")
    return float(values[0]), float(values[1])


def _plausible_faithful(actual):
    log_likelihood_value, long_weight = _faithful_pair(actual)
    start = mixture.log_likelihood(load_old_faithful(), FAITHFUL_WEIGHTS0, FAITHFUL_MEANS0,
                                   FAITHFUL_COVARIANCES0)
    if not np.isfinite(log_likelihood_value):
        raise Mismatch("faithful_log_likelihood: not a finite number")
    if -10.0 < log_likelihood_value < 0.0:
        raise Mismatch("faithful_log_likelihood: a mean per eruption, not the total")
    if log_likelihood_value < start - 1e-9 * abs(start):
        raise Mismatch("faithful_log_likelihood: below the log-likelihood of the start")
    if not 0.0 < long_weight < 1.0:
        raise Mismatch("faithful_long_weight: not a mixing weight")


def _faithful_values(actual):
    log_likelihood_value, long_weight = _faithful_pair(actual)
    fit = _reference_run(load_old_faithful(), FAITHFUL_WEIGHTS0, FAITHFUL_MEANS0,
                         FAITHFUL_COVARIANCES0, FAITHFUL_N_ITER)
    assert_close(log_likelihood_value, fit["history"][-1]["log_likelihood"],
                 "faithful_log_likelihood", rtol=1e-9)
    assert_close(long_weight, fit["weights"][np.argmax(fit["means"][:, 0])],
                 "faithful_long_weight", rtol=1e-7)


# ---------------------------------------------------------------------------
# inputs: the same code as the test cells


def _a_visible():
    X = np.array([[1.0, 2.0], [2.0, 3.5], [3.0, 2.5], [6.0, 8.0], [7.0, 9.5], [8.0, 8.5],
                  [4.0, 6.0]])
    responsibilities = np.array([[0.8, 0.1, 0.1], [0.7, 0.2, 0.1], [0.6, 0.3, 0.1],
                                 [0.1, 0.8, 0.1], [0.1, 0.6, 0.3], [0.05, 0.9, 0.05],
                                 [0.2, 0.2, 0.6]])
    return [(X, responsibilities)]


def _soft_responsibilities(rng, n_samples, n_components):
    logits = 2.0 * rng.standard_normal((n_samples, n_components))
    table = np.exp(logits - logits.max(axis=1, keepdims=True))
    return table / table.sum(axis=1, keepdims=True)


def _a_hidden():
    rng = np.random.default_rng(4101)
    X_far = 1e6 + rng.standard_normal((200, 3)) * [1.0, 2.0, 0.5]
    r_far = _soft_responsibilities(rng, 200, 3)
    X_tiny = rng.standard_normal((150, 2))
    r_tiny = _soft_responsibilities(rng, 150, 4)
    r_tiny[:, 2] *= 1e-7
    r_tiny /= r_tiny.sum(axis=1, keepdims=True)
    X_ten = rng.standard_normal((300, 10)) @ rng.standard_normal((10, 10)) + 5.0
    r_ten = _soft_responsibilities(rng, 300, 3)
    return [(X_far, r_far), (X_tiny, r_tiny), (X_ten, r_ten)]


def _b_visible():
    X = np.array([[0.0, 0.0], [1.0, 1.5], [4.0, 4.0], [5.0, 3.0], [2.5, 2.0]])
    weights = np.array([0.4, 0.6])
    means = np.array([[0.5, 0.5], [4.5, 3.5]])
    covariances = np.array([[[1.0, 0.3], [0.3, 0.8]], [[0.6, -0.2], [-0.2, 1.2]]])
    return [(X, weights, means, covariances),
            (np.array([[60.0, -40.0]]), weights, means, covariances)]


def _b_hidden():
    rng = np.random.default_rng(4201)
    angle = 0.4
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    nearly_singular = rotation @ np.diag([1.0, 1e-9]) @ rotation.T
    on_the_line = (rng.standard_normal((10, 1)) * [[1.0, 1e-5]]) @ rotation.T
    return [
        (45.0 * rng.standard_normal((20, 2)), np.array([0.3, 0.7]),
         np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([np.eye(2), [[2.0, 0.5], [0.5, 1.0]]])),
        (np.vstack([0.5 * rng.standard_normal((10, 2)), on_the_line]), np.array([0.5, 0.5]),
         np.zeros((2, 2)), np.array([0.25 * np.eye(2), nearly_singular])),
        (3.0 * rng.standard_normal((50, 10)), np.array([0.2, 0.3, 0.5]),
         rng.standard_normal((3, 10)),
         np.array([scale * np.eye(10) for scale in (0.01, 0.02, 0.05)])),
    ]


def _c_visible():
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal([0.0, 0.0], 0.7, size=(15, 2)),
                   rng.normal([3.0, 2.0], 0.7, size=(15, 2))])
    return [(X, np.array([0.5, 0.5]), np.array([[1.0, 2.0], [2.0, 0.0]]),
             np.array([np.eye(2), np.eye(2)]), 10)]


def _c_hidden():
    rng = np.random.default_rng(4301)
    shapes = [np.array([[1.0, 0.0], [0.6, 0.8]]), np.array([[0.7, 0.0], [0.0, 1.4]]),
              np.array([[1.2, 0.0], [-0.3, 0.7]])]
    centres = [np.array([0.0, 0.0]), np.array([2.5, 0.5]), np.array([0.5, 3.0])]
    X_three = np.vstack([rng.standard_normal((size, 2)) @ shape.T + centre
                         for size, shape, centre in zip((120, 100, 80), shapes, centres)])
    rng.shuffle(X_three)
    X_five = rng.standard_normal((120, 5))
    X_five[:50] += 2.0
    return [
        (X_three, np.full(3, 1.0 / 3.0), X_three[:3].copy(), np.array(3 * [np.eye(2)]), 100),
        (X_five, np.array([0.5, 0.5]), X_five[[0, 100]].copy(), np.array(2 * [np.eye(5)]), 40),
    ]


CHECKS = {
    "a_visible": Check("a", _compare_m_step, function="m_step", cases=_a_visible()),
    "a_hidden": Check("a", _compare_m_step, function="m_step", cases=_a_hidden()),
    "b_visible": Check("b", _compare_log_likelihood, function="log_likelihood",
                       cases=_b_visible()),
    "b_hidden": Check("b", _compare_log_likelihood, function="log_likelihood",
                      cases=_b_hidden()),
    "c_visible": Check("c", functools.partial(_compare_run_em, history_rtol=1e-7),
                       function="run_em", cases=_c_visible()),
    "c_hidden": Check("c", functools.partial(_compare_run_em, history_rtol=1e-9),
                      function="run_em", cases=_c_hidden()),
    "d_visible": Check("d", _plausible_faithful, variable="faithful_result"),
    "d_hidden": Check("d", _faithful_values, variable="faithful_result"),
}
