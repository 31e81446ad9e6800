"""Trusted checks of ex05_singularities (singularities and identifiability).

The cases repeat the inputs of the notebook's visible and hidden test cells;
the reference answers come from ``gmm_lib``, computed in the verifier's
process.  Keep them in step with
source/ex05_singularities/ex05_singularities.ipynb.
"""

import numpy as np

from gmm_lib import labels, mixture, regularization
from gmm_lib.datasets import load_old_faithful

from ..spec import Check, Mismatch, Question, as_float_array, assert_close

NOTEBOOK = "ex05_singularities"
PROTECTED_NAMES = ("names_used_by", "assert_does_not_call", "assert_close",
                   "SINGULARITY_FORBIDDEN")
_LOG_SUM_EXP = frozenset({"logsumexp", "logaddexp", "logaddexp2"})
FITTED_LOG_LIKELIHOOD = -1034.02  # the two-component fit of the waiting times, as the question states


def namespace():
    return {"X_faithful": load_old_faithful()}


QUESTIONS = {
    "a": Question("a_answer", _LOG_SUM_EXP),
    "b": Question("b_answer", _LOG_SUM_EXP),
    "c": Question("c_answer", frozenset({"m_step", "GaussianMixture"})),
    "d": Question("d_answer", frozenset({"degeneracy_report", "smallest_variances",
                                         "component_eigenvalues"})),
    "e": Question("e_answer", frozenset({"linear_sum_assignment", "permute_parameters"})),
}


# (a) the log-likelihood of a component pinned on x[0] ---------------------------------

def reference_collapse(x, sigmas, pin_weight=0.1):
    """ln p of the broad component plus the one of std sigma on x[0], for every sigma.

    ``gmm_lib.mixture.log_likelihood`` down to sigma = 1e-100 (variance
    1e-200, still a normal double); below that nothing but the needle's peak
    changes in double precision, so each of the t points equal to x[0] gains
    exactly ln(1e-100 / sigma).
    """
    x = np.asarray(x, dtype=float)
    ties = np.sum(x == x[0])
    values = []
    for sigma in np.asarray(sigmas, dtype=float):
        floor = max(sigma, 1e-100)
        value = mixture.log_likelihood(
            x[:, None], [1 - pin_weight, pin_weight], [[x.mean()], [x[0]]],
            [x.var(), floor**2], "spherical")
        values.append(value + ties * np.log(floor / sigma))
    return np.array(values)


def _compare_collapse(rtol):
    def compare(actual, x, sigmas, *pin_weight):
        assert_close(actual, reference_collapse(x, sigmas, *pin_weight),
                     f"collapse_log_likelihood on {len(x)} points", rtol=rtol)
    return compare


_SMALL = np.array([2.0, 2.0, 5.0, -1.0, 3.0, 7.0])


def _a_hidden():
    rng = np.random.default_rng(5101)
    outlier = np.concatenate([[0.25, 0.25, 0.25], rng.standard_normal(1996), [1e4]])
    around_1e6 = 1e6 + rng.standard_normal(50)
    around_1e6[1] = around_1e6[0]
    waiting = load_old_faithful()[:, 1]
    waiting_83_first = np.concatenate([waiting[waiting == 83.0], waiting[waiting != 83.0]])
    sigmas = np.logspace(0, -300, 7)
    return [(outlier, sigmas, 0.1), (around_1e6, sigmas, 0.5), (waiting_83_first, sigmas, 0.1)]


# (b) the needle that beats the fit of Old Faithful -------------------------------------

def reference_sigma_star():
    """sigma at which the needle on 78 minutes reaches the fitted ln p (bisection on ln sigma)."""
    waiting = load_old_faithful()[:, 1]
    values, counts = np.unique(waiting, return_counts=True)
    pin = values[np.argmax(counts)]

    def excess(log_sigma):
        return mixture.log_likelihood(
            waiting[:, None], [0.9, 0.1], [[waiting.mean()], [pin]],
            [waiting.var(), np.exp(2 * log_sigma)], "spherical") - FITTED_LOG_LIKELIHOOD

    low, high = np.log(1e-6), np.log(0.1)
    for _ in range(80):
        middle = 0.5 * (low + high)
        low, high = (middle, high) if excess(middle) > 0 else (low, middle)
    return float(np.exp(low))


def _scalar(actual, what):
    value = as_float_array(actual, what)
    if value.shape != ():
        raise Mismatch(f"{what}: expected one number, got shape {value.shape}")
    if not np.isfinite(value):
        raise Mismatch(f"{what}: not a finite number")
    return float(value)


def _plausible_sigma_star(actual):
    value = _scalar(actual, "faithful_sigma_star")
    if not 1e-6 < value < 0.1:
        raise Mismatch(f"faithful_sigma_star = {value:.3g}: not between 1e-6 and 0.1")


def _sigma_star(actual):
    value = _scalar(actual, "faithful_sigma_star")
    assert_close(value, reference_sigma_star(), "faithful_sigma_star", rtol=2e-3)


# (c) the regularised covariance M-step -------------------------------------------------

def _compare_covariances(actual, X, responsibilities, reg_covar):
    expected = mixture.m_step(X, responsibilities, "full", reg_covar)[2]
    assert_close(actual, expected, "regularized_covariances", rtol=1e-7, atol=1e-10)


def _c_visible():
    X = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0], [5.0, 5.0], [5.0, 5.0]])
    responsibilities = np.array([[0.8, 0.0, 0.2], [0.5, 0.0, 0.5], [0.5, 0.0, 0.5],
                                 [0.2, 0.0, 0.8], [0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    return [(X, responsibilities, 0.01)]


def _c_hidden():
    rng = np.random.default_rng(5301)
    far = 1e6 + rng.standard_normal((200, 3)) * [1.0, 0.1, 3.0]
    steps = rng.uniform(-3, 3, size=40)
    line = np.column_stack([steps, 2.0 * steps - 1.0])
    five = rng.standard_normal((300, 5)) @ rng.standard_normal((5, 5))
    cases = []
    for X, n_components, reg_covar in [(far, 4, 1e-6), (line, 2, 1e-3), (line, 2, 0.0),
                                       (five, 4, 1e-6)]:
        cases.append((X, rng.dirichlet(np.ones(n_components), size=len(X)), reg_covar))
    return cases


# (d) spotting a collapsing component ---------------------------------------------------

def reference_collapsing(covariances, reg_covar, floor_factor=2.0, condition_tol=1e-5):
    """The floor and flat-direction rules of gmm_lib.selection.degeneracy_report."""
    smallest = regularization.smallest_variances(covariances)
    largest = np.linalg.eigvalsh(covariances)[:, -1]
    return np.flatnonzero((smallest <= floor_factor * reg_covar)
                          | (smallest < condition_tol * largest))


def _compare_collapsing(actual, covariances, reg_covar):
    expected = reference_collapsing(covariances, reg_covar)
    if isinstance(actual, np.ndarray) and actual.dtype.kind not in "iu" and actual.size:
        if not np.array_equal(actual, np.round(actual)):
            raise Mismatch("collapsing_components: expected integer indices")
    array = as_float_array(actual, "collapsing_components")
    if array.shape != expected.shape or not np.array_equal(array, expected):
        raise Mismatch(f"collapsing_components: expected {expected.tolist()}, got "
                       f"{array.tolist() if array.size < 20 else array.shape}")


def _d_visible():
    angle = np.pi / 3
    u = np.array([np.cos(angle), np.sin(angle)])
    v = np.array([-np.sin(angle), np.cos(angle)])
    covariances = np.array([
        [[2.0, 0.5], [0.5, 1.0]],
        30.0 * np.outer(u, u) + 1.5e-3 * np.outer(v, v),
        0.01 * np.eye(2),
        4e4 * np.outer(u, u) + 0.1 * np.outer(v, v),
    ])
    return [(covariances, 1e-3), (covariances[[0, 2]], 1e-3)]


def _d_hidden():
    rng = np.random.default_rng(5401)

    def rotated(eigenvalues):
        q, _ = np.linalg.qr(rng.standard_normal((len(eigenvalues), len(eigenvalues))))
        return (q * eigenvalues) @ q.T

    ten = np.array([
        rotated(rng.uniform(0.5, 2.0, 10)),
        rotated(np.full(10, 0.01)),
        rotated(np.r_[1.5e-6, rng.uniform(0.5, 2.0, 9)]),
        rotated(np.r_[5e-3, rng.uniform(0.5, 2.0, 8), 1e3]),
        rotated(np.r_[2e-2, rng.uniform(0.5, 2.0, 8), 1e3]),
    ])
    large = np.array([rotated(np.array([1e6, 5.0])), rotated(np.array([1e6, 20.0])),
                      rotated(np.array([3e6, 2e6]))])
    single = np.array([[[1.0, 1.0], [1.0, 1.0]]]) + 1e-6 * np.eye(2)
    return [(ten, 1e-6), (large, 1e-6), (large[1:], 1e-6), (single, 1e-6),
            (ten[[0, 1, 4]], 1e-6), (ten, 0.02)]


# (e) aligning the components of two fits -----------------------------------------------

def _compare_alignment(actual, reference_means, means):
    n_components = len(means)
    actual = np.asarray(actual) if isinstance(actual, (list, np.ndarray)) else None
    if actual is None or actual.dtype.kind not in "iu":
        raise Mismatch("align_components: expected an array of integer indices")
    if actual.shape != (n_components,) or sorted(actual.tolist()) != list(range(n_components)):
        raise Mismatch(f"align_components: {actual.tolist()} is not a permutation of "
                       f"0..{n_components - 1}")
    best = labels.align_components(reference_means, means)

    def cost(permutation):
        return float(np.sum((reference_means - means[permutation]) ** 2))

    if cost(actual) > cost(best) + 1e-12 * (1.0 + cost(best)):
        raise Mismatch(f"align_components: total squared distance {cost(actual):.6g}, the best "
                       f"matching ({best.tolist()}) has {cost(best):.6g}")


def _e_visible():
    reference = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]])
    means = np.array([[0.1, 5.2], [-0.1, 0.1], [4.9, -0.2]])
    return [(reference, means), (np.array([[0.0], [1.0]]), np.array([[0.6], [-5.0]]))]


def _e_hidden():
    rng = np.random.default_rng(5501)
    five = rng.normal(0.0, 5.0, size=(5, 3))
    six = rng.normal(0.0, 2.0, size=(6, 2))
    close = 1e6 + 0.01 * rng.standard_normal((4, 2))
    return [
        (five, five[rng.permutation(5)] + 0.3 * rng.standard_normal((5, 3))),
        (six, six[rng.permutation(6)] + 1.0 * rng.standard_normal((6, 2))),
        (close, close[rng.permutation(4)] + 0.001 * rng.standard_normal((4, 2))),
        (np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([[0.6], [-5.0], [2.9], [2.05]])),
        (np.array([[0.0, 0.0], [0.0, 0.0], [3.0, 3.0]]),
         np.array([[3.0, 3.1], [0.1, 0.0], [0.0, 0.1]])),
        (np.array([[7.0, -1.0]]), np.array([[6.0, 0.0]])),
    ]


CHECKS = {
    "a_visible": Check("a", _compare_collapse(1e-7), function="collapse_log_likelihood", cases=[
        (_SMALL, np.array([1.0, 0.01])),
        (_SMALL, np.array([1e-200])),
    ]),
    "a_hidden": Check("a", _compare_collapse(1e-9), function="collapse_log_likelihood",
                      cases=_a_hidden()),
    "b_visible": Check("b", _plausible_sigma_star, variable="faithful_sigma_star"),
    "b_hidden": Check("b", _sigma_star, variable="faithful_sigma_star"),
    "c_visible": Check("c", _compare_covariances, function="regularized_covariances",
                       cases=_c_visible()),
    "c_hidden": Check("c", _compare_covariances, function="regularized_covariances",
                      cases=_c_hidden()),
    "d_visible": Check("d", _compare_collapsing, function="collapsing_components",
                       cases=_d_visible()),
    "d_hidden": Check("d", _compare_collapsing, function="collapsing_components",
                      cases=_d_hidden()),
    "e_visible": Check("e", _compare_alignment, function="align_components", cases=_e_visible()),
    "e_hidden": Check("e", _compare_alignment, function="align_components", cases=_e_hidden()),
}
