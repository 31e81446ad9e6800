"""Trusted checks of ex06_model_selection (choosing K and the covariance structure).

The cases repeat the inputs of the notebook's visible and hidden test cells;
the reference answers come from ``gmm_lib``, computed in the verifier's
process.  Keep them in step with
source/ex06_model_selection/ex06_model_selection.ipynb.

Question (d) asks for choices ``(K, covariance_type)``.  The worker cannot
send strings back, so the answer cell ends with a given line that collects
the answers in ``faithful_selection`` with each covariance type replaced by
its column index in ``COVARIANCE_TYPES``.
"""

import numpy as np

from gmm_lib import mixture, selection
from gmm_lib.datasets import load_old_faithful

from ..spec import Check, Mismatch, Question, as_float_array, assert_close, unpack

NOTEBOOK = "ex06_model_selection"
PROTECTED_NAMES = ("names_used_by", "assert_does_not_call", "assert_close", "is_close_to",
                   "SELECTION_FORBIDDEN")
COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
N_COMPONENTS = np.arange(1, 6)
_SELECTION = frozenset({"n_parameters", "bic_score", "aic_score", "mclust_bic", "select_model",
                        "reselect", "cross_validated_log_likelihood", "score_samples",
                        "GaussianMixture", "logsumexp", "logaddexp", "softmax",
                        "multivariate_normal", "responsibilities_from_log"})
_ANSWERS = _SELECTION - {"n_parameters"}  # the student's own (a) is called n_parameters


# The setup cell's table, stored there (and here) to 6 decimals: the maximised total
# log-likelihoods of the chapter's grid,
#   selection.select_model(load_old_faithful(), N_COMPONENTS, COVARIANCE_TYPES,
#                          n_init=10, random_state=0).table("log_likelihood")
FAITHFUL_LOG_LIKELIHOODS = np.array([
    [-1289.796745, -1289.796745, -1516.705827, -2003.952037],
    [-1130.264066, -1140.186760, -1147.806353, -1709.529330],
    [-1119.799177, -1126.990708, -1127.022912, -1637.459073],
    [-1115.443236, -1122.865388, -1119.046621, -1569.535408],
    [-1103.639826, -1125.699846, -1106.373852, -1511.404471],
])


def namespace():
    return {
        "X_faithful": load_old_faithful(),
        "N_COMPONENTS": N_COMPONENTS.copy(),
        "COVARIANCE_TYPES": list(COVARIANCE_TYPES),
        "faithful_log_likelihoods": FAITHFUL_LOG_LIKELIHOODS.copy(),
    }


QUESTIONS = {
    "a": Question("a_answer", _ANSWERS),
    "b": Question("b_answer", _ANSWERS),
    "c": Question("c_answer", _ANSWERS),
    "d": Question("d_answer", _ANSWERS),
    "e": Question("e_answer", _ANSWERS | {"inv", "pinv", "det"}),
}


# --------------------------------------------------------------------------- (a)

def _compare_count(actual, n_components, n_features, covariance_type):
    what = f"n_parameters({n_components}, {n_features}, {covariance_type!r})"
    if isinstance(actual, bool) or not isinstance(actual, int):
        raise Mismatch(f"{what}: expected an integer, got {type(actual).__name__}")
    expected = mixture.n_parameters(n_components, n_features, covariance_type)
    if actual != expected:
        raise Mismatch(f"{what}: expected {expected}, got {actual}")


# --------------------------------------------------------------------------- (b)

def _compare_criteria(actual, log_likelihood, n_params, n_samples):
    bic, aic = unpack(actual, 2, "information_criteria")
    assert_close(bic, selection.bic_score(log_likelihood, n_params, n_samples), "BIC",
                 rtol=1e-12)
    assert_close(aic, selection.aic_score(log_likelihood, n_params), "AIC", rtol=1e-12)


def _b_hidden():
    rng = np.random.default_rng(2601)
    return [
        (-1e5 * (1.0 + rng.random((5, 4))), rng.integers(10, 5000, size=(5, 4)), 10**6),
        (-123456.789, 4321, 10**7),
        (np.array([3.25, -0.5]), np.array([1, 2]), 2),
    ]


# --------------------------------------------------------------------------- (c)

def reference_probabilities(bics):
    """exp(-BIC/2) normalised over all entries, by gmm_lib's log-sum-exp normalisation."""
    bics = np.asarray(bics, dtype=float)
    log_terms = -0.5 * bics.reshape(1, -1)
    return mixture.responsibilities_from_log(log_terms)[0][0].reshape(bics.shape)


def _compare_probabilities(actual, bics):
    assert_close(actual, reference_probabilities(bics), "model_probabilities",
                 rtol=1e-9, atol=1e-12)


def _faithful_tables():
    counts = np.array([[mixture.n_parameters(int(k), 2, t) for t in COVARIANCE_TYPES]
                       for k in N_COMPONENTS])
    log_likelihoods = FAITHFUL_LOG_LIKELIHOODS
    n_samples = len(load_old_faithful())
    return (selection.bic_score(log_likelihoods, counts, n_samples),
            selection.aic_score(log_likelihoods, counts))


def _c_visible():
    return [(np.array([10.0, 12.0, 20.0]),), (_faithful_tables()[0],)]


def _c_hidden():
    rng = np.random.default_rng(2701)
    return [
        (2e5 + np.concatenate([[3000.0], 40.0 * rng.random(9)]),),
        (1e6 + 5000.0 * rng.random((6, 4)),),
        (np.array([[2.5e5, 2.5e5 + 10.0], [2.5e5, 2.5e5 + 1e4]]),),
        (np.array([123456.7]),),
    ]


# --------------------------------------------------------------------------- (d)

def _unpack_selection(actual):
    (bic, aic, bic_k, bic_column, aic_k, aic_column, probability) = unpack(
        actual, 7, "faithful_selection")
    for name, value, allowed in [("bic_choice K", bic_k, range(1, 6)),
                                 ("bic_choice covariance type", bic_column, range(4)),
                                 ("aic_choice K", aic_k, range(1, 6)),
                                 ("aic_choice covariance type", aic_column, range(4))]:
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            raise Mismatch(f"{name}: expected an integer in {allowed}, got {value!r}")
    probability = as_float_array(probability, "bic_choice_probability")
    if probability.shape != () or not 0.0 < float(probability) <= 1.0:
        raise Mismatch("bic_choice_probability: not one number in (0, 1]")
    return bic, aic, (bic_k, bic_column), (aic_k, aic_column), float(probability)


def _faithful_visible(actual):
    bic, aic, _, _, _ = _unpack_selection(actual)
    expected_bic, expected_aic = _faithful_tables()
    assert_close(bic, expected_bic, "faithful_bic", rtol=1e-9)
    assert_close(aic, expected_aic, "faithful_aic", rtol=1e-9)


def _chosen(table):
    row, column = np.unravel_index(np.argmin(table), table.shape)
    return (int(N_COMPONENTS[row]), int(column)), (row, column)


def _faithful_hidden(actual):
    _, _, bic_choice, aic_choice, probability = _unpack_selection(actual)
    expected_bic, expected_aic = _faithful_tables()
    (bic_expected, bic_cell), (aic_expected, _) = _chosen(expected_bic), _chosen(expected_aic)
    if bic_choice != bic_expected:
        raise Mismatch(f"bic_choice: expected (K, column) {bic_expected}, got {bic_choice}")
    if aic_choice != aic_expected:
        raise Mismatch(f"aic_choice: expected (K, column) {aic_expected}, got {aic_choice}")
    assert_close(probability, reference_probabilities(expected_bic)[bic_cell],
                 "bic_choice_probability", rtol=1e-6)


# --------------------------------------------------------------------------- (e)

def reference_held_out(X, folds, fold_parameters):
    """CV_F: every held-out ln p(x_n) under its fold's fit, averaged over the N samples."""
    return sum(mixture.log_likelihood(X[np.asarray(fold)], *parameters)
               for fold, parameters in zip(folds, fold_parameters)) / len(X)


def _held_out(rtol):
    def compare(actual, X, folds, fold_parameters):
        value = as_float_array(actual, "held_out_log_likelihood")
        if value.shape != ():
            raise Mismatch(f"held_out_log_likelihood: expected one number, got shape {value.shape}")
        assert_close(value, reference_held_out(X, folds, fold_parameters),
                     "held_out_log_likelihood", rtol=rtol)
    return compare


def _e_visible():
    X_small = np.array([[0.0, 0.0], [1.0, 0.5], [-0.5, 1.0], [2.0, -1.0], [0.5, 0.5], [1.5, 1.0]])
    folds_small = [np.array([0]), np.array([1, 2, 3, 4, 5])]
    parameters_small = [
        (np.array([1.0]), np.array([[1.0, 0.5]]), np.array([[[1.0, 0.2], [0.2, 0.5]]])),
        (np.array([0.4, 0.6]), np.array([[0.0, 0.0], [1.0, 1.0]]),
         np.array([np.eye(2), [[2.0, -0.3], [-0.3, 1.0]]])),
    ]
    X = load_old_faithful()
    cv = selection.cross_validated_log_likelihood(X, 2, "full", n_folds=5, random_state=0)
    parameters = [(m.weights_, m.means_, m.covariances_) for m in cv.models]
    return [(X_small, folds_small, parameters_small), (X, list(cv.folds), parameters)]


def _e_hidden():
    rng = np.random.default_rng(2801)

    def random_fit(n_components, n_features, scale):
        A = rng.standard_normal((n_components, n_features, n_features))
        covariances = scale * (A @ np.transpose(A, (0, 2, 1)) / n_features
                               + 0.1 * np.eye(n_features))
        return (rng.dirichlet(np.ones(n_components)),
                rng.standard_normal((n_components, n_features)), covariances)

    X_far = np.vstack([0.1 * rng.standard_normal((10, 2)), 30.0 + rng.standard_normal((10, 2))])
    far = (X_far, [np.arange(0, 20, 2), np.arange(1, 20, 2)],
           [random_fit(3, 2, 0.01), random_fit(3, 2, 0.01)])
    X_large = rng.standard_normal((10_000, 5)) * np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    large = (X_large, np.split(rng.permutation(10_000), [5000, 8000]),
             [random_fit(4, 5, 3.0) for _ in range(3)])
    angle = np.pi / 5
    direction = np.array([np.cos(angle), np.sin(angle)])
    normal = np.array([-np.sin(angle), np.cos(angle)])
    thin = 1.0 * np.outer(direction, direction) + 1e-8 * np.outer(normal, normal)
    X_thin = (np.outer(rng.standard_normal(20), direction)
              + np.outer(1e-4 * rng.standard_normal(20), normal))
    thin_case = (X_thin, [np.array([3]), np.array([0, 7]), np.setdiff1d(np.arange(20), [0, 3, 7])],
                 [(np.array([0.5, 0.5]), np.zeros((2, 2)), np.array([thin, np.eye(2)]))] * 3)
    return [far, large, thin_case]


CHECKS = {
    "a_visible": Check("a", _compare_count, function="n_parameters", cases=[
        (k, d, t) for k, d in [(3, 2), (4, 3)] for t in COVARIANCE_TYPES]),
    "a_hidden": Check("a", _compare_count, function="n_parameters", cases=[
        (k, d, t) for k in (1, 2, 7, 20) for d in (1, 5, 64, 300) for t in COVARIANCE_TYPES]),
    "b_visible": Check("b", _compare_criteria, function="information_criteria", cases=[
        (-1130.264, 11, 272),
        (np.array([[-1289.797, -1289.797], [-1130.264, -1140.187]]),
         np.array([[5, 5], [11, 8]]), 272),
    ]),
    "b_hidden": Check("b", _compare_criteria, function="information_criteria",
                      cases=_b_hidden()),
    "c_visible": Check("c", _compare_probabilities, function="model_probabilities",
                       cases=_c_visible()),
    "c_hidden": Check("c", _compare_probabilities, function="model_probabilities",
                      cases=_c_hidden()),
    "d_visible": Check("d", _faithful_visible, variable="faithful_selection"),
    "d_hidden": Check("d", _faithful_hidden, variable="faithful_selection"),
    "e_visible": Check("e", _held_out(1e-7), function="held_out_log_likelihood",
                       cases=_e_visible()),
    "e_hidden": Check("e", _held_out(1e-6), function="held_out_log_likelihood",
                      cases=_e_hidden()),
}
