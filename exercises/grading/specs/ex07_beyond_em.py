"""Trusted checks of ex07_beyond_em (beyond plain EM).

The cases repeat the inputs of the notebook's visible and hidden test cells
(the hidden cells contain the ``_*_hidden_cases`` and ``_reference_*``
functions of this module verbatim); the reference answers come from
``gmm_lib``, computed in the verifier's process.  Keep them in step with
source/ex07_beyond_em/ex07_beyond_em.ipynb.
"""

import numpy as np

import gmm_lib
import gmm_lib.em_variants
import gmm_lib.gradient
import gmm_lib.mixture
import gmm_lib.online
from gmm_lib.datasets import load_old_faithful

from ..spec import Check, Mismatch, Question, as_float_array, assert_close, unpack

NOTEBOOK = "ex07_beyond_em"
PROTECTED_NAMES = ("names_used_by", "assert_does_not_call", "assert_close", "BEYOND_EM_FORBIDDEN")
_FORBIDDEN = frozenset({
    "run_em", "run_hard_em", "run_stochastic_em", "sample_assignments", "online_em",
    "minibatch_kmeans", "MiniBatchKMeans", "log_likelihood_gradient",
    "finite_difference_gradient", "fit_gradient", "logsumexp", "multivariate_normal",
    "GaussianMixture",
})
FAITHFUL_START = (np.array([0.5, 0.5]), np.array([[-1.5, 1.0], [1.5, -1.0]]),
                  np.array([np.eye(2), np.eye(2)]))


def _faithful():
    """The setup cell's variables: standardised Old Faithful, the poor start, EM's fit."""
    X_faithful = load_old_faithful()
    Z_faithful = gmm_lib.gaussian.standardize(X_faithful)[0]
    fit = gmm_lib.mixture.run_em(Z_faithful, *FAITHFUL_START, reg_covar=0.0, tol=1e-10,
                                 max_iter=1000)
    return X_faithful, Z_faithful, (fit["weights"], fit["means"], fit["covariances"])


def namespace():
    X_faithful, Z_faithful, faithful_fit = _faithful()
    return {"X_faithful": X_faithful, "Z_faithful": Z_faithful,
            "faithful_start": list(FAITHFUL_START), "faithful_fit": list(faithful_fit)}


QUESTIONS = {
    "a": Question("a_answer", _FORBIDDEN),
    "b": Question("b_answer", _FORBIDDEN),
    "c": Question("c_answer", _FORBIDDEN),
    "d": Question("d_answer", _FORBIDDEN),
    "e": Question("e_answer", _FORBIDDEN),
}


###############################################################################
# References (also pasted, verbatim, into the notebook's hidden test cells)


def _reference_classification_step(weighted_log_prob):
    responsibilities = gmm_lib.mixture.responsibilities_from_log(weighted_log_prob)[0]
    labels = gmm_lib.em_variants.classification_step(responsibilities)
    return gmm_lib.kmeans.one_hot(labels, weighted_log_prob.shape[1])


def _reference_online_update(statistics, X_chunk, responsibilities, step_size):
    chunk = gmm_lib.online.sufficient_statistics(X_chunk, responsibilities)  # averages, shift 0
    return [(1.0 - step_size) * old + step_size * new
            for old, new in zip(statistics, (chunk.counts, chunk.sums, chunk.squares))]


def _reference_minibatch_step(centers, counts, X_chunk):
    result = gmm_lib.online.minibatch_kmeans([X_chunk], centers, initial_counts=counts)
    return result.centers, result.counts


def _reference_mean_gradient(X, weights, means, covariances):
    n_components, n_features = np.shape(means)
    vector = gmm_lib.gradient.parameters_to_vector(weights, means, covariances)
    gradient = gmm_lib.gradient.log_likelihood_gradient(X, vector, n_components)[1]
    # the vector holds K logits, then the K x D means, then the Cholesky factors
    return gradient[n_components:n_components * (1 + n_features)].reshape(n_components, n_features)


###############################################################################
# Inputs of the hidden test cells (also pasted, verbatim, into the notebook)


def _a_hidden_cases():
    rng = np.random.default_rng(7101)
    far = -1000.0 + rng.normal(0.0, 3.0, size=(40, 4))  # exp underflows to 0 everywhere
    ties = rng.integers(-3, 1, size=(60, 3)).astype(float)  # many exact ties
    zero_weight = rng.normal(0.0, 2.0, size=(30, 3))
    zero_weight[:, 0] = -np.inf  # component 0 has weight 0: ln pi_0 = -inf
    return [(far,), (ties,), (zero_weight,), (rng.normal(size=(5, 1)),)]


def _b_hidden_cases():
    rng = np.random.default_rng(7201)

    def case(n_chunk, n_components, n_features, offset, step_size, hard=False):
        X_chunk = offset + rng.standard_normal((n_chunk, n_features))
        if hard:
            responsibilities = np.eye(n_components)[rng.integers(0, n_components, n_chunk)]
        else:
            responsibilities = rng.dirichlet(np.ones(n_components), size=n_chunk)
        s0 = rng.dirichlet(np.ones(n_components))
        centres = offset + rng.standard_normal((n_components, n_features))
        s1 = s0[:, np.newaxis] * centres
        S2 = s0[:, np.newaxis, np.newaxis] * (
            np.eye(n_features) + np.einsum("ki,kj->kij", centres, centres))
        return ((s0, s1, S2), X_chunk, responsibilities, step_size)

    return [
        case(50, 3, 2, 0.0, 0.3),
        case(1, 2, 3, 0.0, 1.0),  # one point, rho = 1: the chunk replaces the old statistics
        case(40, 2, 2, 1e6, 0.05),  # data around 10^6: second moments around 10^12
        case(30, 1, 2, 5.0, 0.6),  # K = 1
        case(25, 4, 3, -2.0, 0.5, hard=True),  # one-hot responsibilities
    ]


def _c_hidden_cases():
    rng = np.random.default_rng(7301)
    grid = rng.integers(-3, 4, size=(120, 2)).astype(float)  # exact ties between centres
    grid_centers = np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 0.0], [0.0, 40.0]])  # the last gets none
    return [
        (2.0 * rng.standard_normal((4, 2)), rng.integers(0, 50, 4).astype(float),
         2.0 * rng.standard_normal((200, 2))),
        (grid_centers, np.zeros(4), grid),
        (1e6 + 3.0 * rng.standard_normal((3, 3)), np.array([10.0, 0.0, 1e3]),
         1e6 + rng.standard_normal((150, 3))),
        (rng.standard_normal((2, 2)), np.array([1e9, 1e9]), rng.standard_normal((100, 2))),
    ]


def _d_hidden_cases():
    rng = np.random.default_rng(7401)
    X = rng.standard_normal((80, 2)) * [1.0, 2.0] + [0.5, 0.0]
    factors = rng.standard_normal((3, 2, 2))
    generic = (X, np.array([0.2, 0.5, 0.3]), rng.standard_normal((3, 2)),
               factors @ np.swapaxes(factors, 1, 2) + 0.3 * np.eye(2))
    # a nearly singular component (condition number 2e6) whose points lie on its line,
    # and one point so far from everything that every ln pi_k N(x | ...) is below -1000
    t = rng.uniform(-2.0, 2.0, size=40)
    on_line = np.column_stack([t, t]) + 1e-4 * rng.standard_normal((40, 2))
    X = np.vstack([on_line, [3.0, -3.0] + rng.standard_normal((30, 2)), [[40.0, -30.0]]])
    nearly_singular = (X, np.array([0.5, 0.5]), np.array([[3.0, -3.0], [0.1, 0.1]]),
                       np.array([np.eye(2), [[1.0, 1.0 - 1e-6], [1.0 - 1e-6, 1.0]]]))
    single = (rng.standard_normal((20, 3)), np.array([1.0]), np.ones((1, 3)),
              np.array([np.diag([1.0, 2.0, 0.5])]))
    one_d = (np.array([[-1.0], [0.0], [2.0], [60.0]]), np.array([0.7, 0.3]),
             np.array([[0.0], [1.0]]), np.array([[[1.0]], [[0.5]]]))
    return [generic, nearly_singular, single, one_d]


###############################################################################
# Visible inputs


_A_VISIBLE = np.array([
    [-1.2, -0.3, -4.0],
    [-2.0, -2.0, -5.0],
    [-9.0, -7.5, -7.0],
    [-0.1, -3.0, -2.5],
])

_B_VISIBLE = (
    (np.array([0.8, 0.2]), np.array([[0.4, 0.0], [0.2, 0.2]]),
     np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.5, 0.1], [0.1, 0.5]]])),
    np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]]),
    np.array([[1.0, 0.0], [0.5, 0.5], [0.5, 0.5], [0.0, 1.0]]),
    0.25,
)

_C_VISIBLE = (
    np.array([[0.0, 0.0], [10.0, 0.0], [5.0, 5.0]]),
    np.array([3.0, 0.0, 0.0]),
    np.array([[1.0, 0.0], [-1.0, 0.0], [2.0, 0.0], [11.0, 0.0], [9.0, 1.0]]),
)

_D_VISIBLE = (
    np.array([[0.0, 0.0], [1.0, 0.5], [3.0, 3.0], [4.0, 2.5], [2.0, 1.5]]),
    np.array([0.6, 0.4]),
    np.array([[0.5, 0.0], [3.0, 2.5]]),
    np.array([[[1.0, 0.3], [0.3, 0.5]], [[0.8, 0.0], [0.0, 0.4]]]),
)


###############################################################################
# Comparisons


def _compare_classification(actual, weighted_log_prob):
    assert_close(actual, _reference_classification_step(weighted_log_prob),
                 "classification_step", rtol=0.0, atol=0.0)


def _compare_online(actual, statistics, X_chunk, responsibilities, step_size):
    parts = unpack(actual, 3, "online_update")
    expected = _reference_online_update(statistics, X_chunk, responsibilities, step_size)
    for name, part, reference in zip(("s0", "s1", "S2"), parts, expected):
        assert_close(part, reference, f"online_update: {name}", rtol=1e-9)


def _compare_minibatch(actual, centers, counts, X_chunk):
    new_centers, new_counts = unpack(actual, 2, "minibatch_step")
    expected_centers, expected_counts = _reference_minibatch_step(centers, counts, X_chunk)
    assert_close(new_centers, expected_centers, "minibatch_step: centres", rtol=1e-9)
    assert_close(new_counts, expected_counts, "minibatch_step: counts", rtol=0.0, atol=0.0)


def _compare_gradient(actual, X, weights, means, covariances):
    expected = _reference_mean_gradient(X, weights, means, covariances)
    assert_close(actual, expected, "mean_gradient", rtol=1e-6,
                 atol=1e-9 * max(1.0, float(np.abs(expected).max())))


def _faithful_norms():
    _, Z_faithful, faithful_fit = _faithful()
    return (float(np.linalg.norm(_reference_mean_gradient(Z_faithful, *FAITHFUL_START))),
            float(np.linalg.norm(_reference_mean_gradient(Z_faithful, *faithful_fit))))


def _two_numbers(actual):
    values = as_float_array(actual, "gradient_norms")
    if values.shape != (2,):
        raise Mismatch(f"gradient_norms: expected two numbers, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise Mismatch("gradient_norms: contains nan or inf")
    return values


def _plausible_norms(actual):
    at_start, at_fit = _two_numbers(actual)
    if not (at_start > 10.0 and 0.0 <= at_fit < 1e-3 * at_start):
        raise Mismatch("gradient_norms: not a large norm at the start and a tiny one at the fit")


def _faithful_values(actual):
    values = _two_numbers(actual)
    expected = np.array(_faithful_norms())
    assert_close(values[0], expected[0], "gradient norm at the start", rtol=1e-6)
    assert_close(values[1], expected[1], "gradient norm at EM's fit", rtol=1e-4, atol=1e-9)


CHECKS = {
    "a_visible": Check("a", _compare_classification, function="classification_step",
                       cases=[(_A_VISIBLE,)]),
    "a_hidden": Check("a", _compare_classification, function="classification_step",
                      cases=_a_hidden_cases()),
    "b_visible": Check("b", _compare_online, function="online_update", cases=[_B_VISIBLE]),
    "b_hidden": Check("b", _compare_online, function="online_update", cases=_b_hidden_cases()),
    "c_visible": Check("c", _compare_minibatch, function="minibatch_step", cases=[_C_VISIBLE]),
    "c_hidden": Check("c", _compare_minibatch, function="minibatch_step",
                      cases=_c_hidden_cases()),
    "d_visible": Check("d", _compare_gradient, function="mean_gradient", cases=[_D_VISIBLE]),
    "d_hidden": Check("d", _compare_gradient, function="mean_gradient", cases=_d_hidden_cases()),
    "e_visible": Check("e", _plausible_norms, variable="gradient_norms"),
    "e_hidden": Check("e", _faithful_values, variable="gradient_norms"),
}
