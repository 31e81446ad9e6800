"""Gaussian mixture models fitted by expectation-maximisation (EM).

The module has two layers.

*The teaching path* -- small functions, one idea each, that chapters 3-5
build the EM algorithm from:

* :func:`weighted_log_probabilities` -- ``log pi_k + log N(x_n | mu_k, Sigma_k)``,
* :func:`responsibilities_from_log` -- normalise those with log-sum-exp,
* :func:`e_step` -- responsibilities ``gamma(z_nk)`` and the log-likelihood,
* :func:`n_effective` -- the effective number of points ``N_k`` per component,
* :func:`m_step` -- re-estimate weights, means and covariances,
* :func:`log_likelihood` -- ``ln p(X | theta) = sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k)``,
* :func:`run_em` -- the plain loop alternating the two steps.

*The estimator* :class:`GaussianMixture`, with scikit-learn's constructor,
attributes and numbers.  It fits with the memory-light fast path of
:mod:`gmm_lib._fast`, which gives the same numbers as :func:`run_em`.

Covariances use scikit-learn's four layouts, see :mod:`gmm_lib._covariance`.
"""

import inspect
import math
import types
import warnings

import numpy as np
from scipy.special import logsumexp

from . import _covariance, _fast
from .exceptions import ConvergenceWarning, NotFittedError
from ._validation import (
    check_array,
    check_covariance_parameter,
    check_covariance_type,
    check_means,
    check_n_components,
    check_n_features,
    check_non_negative_float,
    check_positive_int,
    check_random_state,
    check_responsibilities,
    check_weights,
)
from .kmeans import KMeans, kmeans_plusplus

__all__ = [
    "ConvergenceWarning",
    "NotFittedError",
    "GaussianMixture",
    "weighted_log_probabilities",
    "responsibilities_from_log",
    "n_effective",
    "e_step",
    "m_step",
    "log_likelihood",
    "run_em",
    "n_parameters",
]

INIT_PARAMS = ("kmeans", "k-means++", "random", "random_from_data")


###############################################################################
# Private helpers: validation of the teaching functions' arguments


def _check_mixture_parameters(X, weights, means, covariances, covariance_type):
    """Validate data and mixture parameters together (public boundary helper)."""
    check_covariance_type(covariance_type)
    X = check_array(X, name="X")
    means = check_array(means, name="means")
    n_components = means.shape[0]
    means = check_means(means, n_components, X.shape[1])
    weights = check_weights(weights, n_components)
    covariances = check_covariance_parameter(
        covariances, covariance_type, n_components, X.shape[1]
    )
    return X, weights, means, covariances


def _check_init_params(init_params):
    if init_params not in INIT_PARAMS:
        raise ValueError(
            f"Invalid value for init_params: {init_params!r}. It must be one of "
            f"{', '.join(repr(p) for p in INIT_PARAMS)}."
        )
    return init_params


###############################################################################
# The teaching path


def _log_weights(weights):
    """``log pi_k``; a zero weight gives ``-inf`` (that component is switched off)."""
    with np.errstate(divide="ignore"):
        return np.log(weights)


def _weighted_log_probabilities(X, weights, means, precisions_cholesky, covariance_type):
    log_densities = _covariance.estimate_log_gaussian_prob(
        X, means, precisions_cholesky, covariance_type
    )
    return log_densities + _log_weights(weights)


def weighted_log_probabilities(X, weights, means, covariances, covariance_type="full"):
    """Log of each component's share of the density at each point.

    ``log pi_k + log N(x_n | mu_k, Sigma_k)`` for every sample ``n`` and
    component ``k``: the logarithm of the numerator of the responsibility.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    weights : array-like of shape (n_components,)
        Mixing weights ``pi_k``, summing to one.
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        full: (n_components, n_features, n_features); tied: (n_features,
        n_features); diag: (n_components, n_features); spherical: (n_components,).
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    weighted_log_prob : ndarray of shape (n_samples, n_components)
    """
    X, weights, means, covariances = _check_mixture_parameters(
        X, weights, means, covariances, covariance_type
    )
    precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
        covariances, covariance_type
    )
    return _weighted_log_probabilities(X, weights, means, precisions_cholesky, covariance_type)


def _responsibilities_from_log(weighted_log_prob):
    log_norm = logsumexp(weighted_log_prob, axis=1)
    responsibilities = np.exp(weighted_log_prob - log_norm[:, np.newaxis])
    return responsibilities, log_norm


def responsibilities_from_log(weighted_log_prob):
    """Normalise weighted log-probabilities into responsibilities.

    ``gamma(z_nk) = exp(a_nk - log sum_j exp(a_nj))`` with ``a_nk = log pi_k +
    log N(x_n | mu_k, Sigma_k)``.  The log-sum-exp subtracts the largest term
    of each row before exponentiating, so nothing overflows or underflows to
    a 0/0 even when every density is tiny.

    Parameters
    ----------
    weighted_log_prob : array-like of shape (n_samples, n_components)

    Returns
    -------
    responsibilities : ndarray of shape (n_samples, n_components)
        Rows are non-negative and sum to one.
    log_norm : ndarray of shape (n_samples,)
        ``ln p(x_n) = log sum_k exp(a_nk)``.
    """
    weighted_log_prob = np.asarray(weighted_log_prob, dtype=np.float64)
    if weighted_log_prob.ndim != 2:
        raise ValueError(
            "weighted_log_prob must be a 2-D array of shape (n_samples, "
            f"n_components), but it has shape {weighted_log_prob.shape}."
        )
    if np.isnan(weighted_log_prob).any() or np.isposinf(weighted_log_prob).any():
        raise ValueError("weighted_log_prob contains NaN or +inf values.")
    if np.isneginf(weighted_log_prob).all(axis=1).any():
        raise ValueError(
            "Some row of weighted_log_prob is -inf for every component: that "
            "point has zero probability under the model and cannot be assigned."
        )
    return _responsibilities_from_log(weighted_log_prob)


def n_effective(responsibilities):
    """Effective number of points of each component, ``N_k = sum_n gamma(z_nk)``.

    Parameters
    ----------
    responsibilities : array-like of shape (n_samples, n_components)

    Returns
    -------
    n_k : ndarray of shape (n_components,)
    """
    responsibilities = check_responsibilities(responsibilities)
    return responsibilities.sum(axis=0)


def _e_step(X, weights, means, precisions_cholesky, covariance_type):
    weighted_log_prob = _weighted_log_probabilities(
        X, weights, means, precisions_cholesky, covariance_type
    )
    responsibilities, log_norm = _responsibilities_from_log(weighted_log_prob)
    return responsibilities, float(log_norm.sum())


def e_step(X, weights, means, covariances, covariance_type="full"):
    """E-step: responsibilities of the components for every point.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        In the layout of ``covariance_type`` (see :func:`weighted_log_probabilities`).
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    responsibilities : ndarray of shape (n_samples, n_components)
        ``gamma(z_nk) = pi_k N(x_n | mu_k, Sigma_k) / sum_j pi_j N(x_n | mu_j, Sigma_j)``.
    log_likelihood : float
        Total ``ln p(X | theta) = sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k)``
        of the parameters given (those entering the step).
    """
    X, weights, means, covariances = _check_mixture_parameters(
        X, weights, means, covariances, covariance_type
    )
    precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
        covariances, covariance_type
    )
    return _e_step(X, weights, means, precisions_cholesky, covariance_type)


def _weighted_scatter(X, responsibilities, n_k, means):
    """Per-component weighted scatter ``sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T / N_k``."""
    n_components, n_features = means.shape
    scatter = np.empty((n_components, n_features, n_features))
    for k in range(n_components):
        centred = X - means[k]
        scatter[k] = (responsibilities[:, k] * centred.T) @ centred / n_k[k]
    return scatter


def _weighted_variances(X, responsibilities, n_k, means):
    """Per-component weighted variance of each feature, shape (K, D)."""
    n_components, n_features = means.shape
    variances = np.empty((n_components, n_features))
    for k in range(n_components):
        centred = X - means[k]
        variances[k] = responsibilities[:, k] @ (centred * centred) / n_k[k]
    return variances


def _gaussian_parameters(X, responsibilities, covariance_type, reg_covar):
    """``N_k``, means and regularised covariances from responsibilities.

    ``N_k`` gets ``10 * eps`` added (as scikit-learn does) so that a component
    with no points gives a finite mean instead of 0 / 0.
    """
    n_k = responsibilities.sum(axis=0) + 10 * np.finfo(np.float64).eps
    means = responsibilities.T @ X / n_k[:, np.newaxis]
    if covariance_type == "full":
        covariances = _weighted_scatter(X, responsibilities, n_k, means)
        covariances += reg_covar * np.eye(X.shape[1])
    elif covariance_type == "tied":
        # The shared covariance: every component's scatter, weighted by N_k.
        scatter = _weighted_scatter(X, responsibilities, n_k, means)
        covariances = np.tensordot(n_k, scatter, axes=1) / n_k.sum()
        covariances += reg_covar * np.eye(X.shape[1])
    elif covariance_type == "diag":
        covariances = _weighted_variances(X, responsibilities, n_k, means) + reg_covar
    else:
        # spherical: one variance per component, the mean of its feature variances.
        covariances = (_weighted_variances(X, responsibilities, n_k, means) + reg_covar).mean(
            axis=1
        )
    return n_k, means, covariances


def _m_step(X, responsibilities, covariance_type, reg_covar):
    n_k, means, covariances = _gaussian_parameters(
        X, responsibilities, covariance_type, reg_covar
    )
    weights = n_k / n_k.sum()
    return weights, means, covariances


def m_step(X, responsibilities, covariance_type="full", reg_covar=1e-6):
    """M-step: the parameters that maximise the expected complete log-likelihood.

    With ``N_k = sum_n gamma(z_nk)``:
    ``pi_k = N_k / N``, ``mu_k = sum_n gamma(z_nk) x_n / N_k`` and
    ``Sigma_k = sum_n gamma(z_nk) (x_n - mu_k)(x_n - mu_k)^T / N_k``,
    constrained to the covariance type (one shared matrix for 'tied', its
    diagonal for 'diag', a multiple of the identity for 'spherical').

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    responsibilities : array-like of shape (n_samples, n_components)
        Rows non-negative and summing to one.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    reg_covar : float, default=1e-6
        Added to the diagonal of every covariance matrix (to every variance
        for 'diag' and 'spherical') so that it stays positive-definite.

    Returns
    -------
    weights : ndarray of shape (n_components,)
    means : ndarray of shape (n_components, n_features)
    covariances : ndarray
        full: (K, D, D); tied: (D, D); diag: (K, D); spherical: (K,).
    """
    check_covariance_type(covariance_type)
    reg_covar = check_non_negative_float(reg_covar, "reg_covar")
    X = check_array(X, name="X")
    responsibilities = check_responsibilities(responsibilities, X.shape[0])
    return _m_step(X, responsibilities, covariance_type, reg_covar)


def log_likelihood(X, weights, means, covariances, covariance_type="full"):
    """Total log-likelihood ``ln p(X | theta) = sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k)``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        In the layout of ``covariance_type``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    log_likelihood : float
    """
    weighted_log_prob = weighted_log_probabilities(
        X, weights, means, covariances, covariance_type
    )
    return float(logsumexp(weighted_log_prob, axis=1).sum())


def _snapshot(weights, means, covariances, log_likelihood_value=None):
    return {
        "weights": weights.copy(),
        "means": means.copy(),
        "covariances": covariances.copy(),
        "log_likelihood": log_likelihood_value,
    }


def _run_em(
    X,
    weights,
    means,
    covariances,
    precisions_cholesky,
    covariance_type,
    reg_covar,
    tol,
    max_iter,
    record_history,
):
    """The EM loop on validated inputs (see :func:`run_em`)."""
    n_samples = X.shape[0]
    history = [_snapshot(weights, means, covariances)] if record_history else None
    lower_bound = -np.inf
    lower_bounds = []
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        previous_lower_bound = lower_bound
        responsibilities, total = _e_step(
            X, weights, means, precisions_cholesky, covariance_type
        )
        lower_bound = total / n_samples
        lower_bounds.append(lower_bound)
        if record_history:
            history[-1]["log_likelihood"] = total  # of the parameters entering this step
        weights, means, covariances = _m_step(X, responsibilities, covariance_type, reg_covar)
        precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
            covariances, covariance_type
        )
        if record_history:
            history.append(_snapshot(weights, means, covariances))
        if abs(lower_bound - previous_lower_bound) < tol:
            converged = True
            break
    if record_history:
        # One extra E-step: the log-likelihood of the final parameters.
        history[-1]["log_likelihood"] = float(
            logsumexp(
                _weighted_log_probabilities(
                    X, weights, means, precisions_cholesky, covariance_type
                ),
                axis=1,
            ).sum()
        )
    return {
        "weights": weights,
        "means": means,
        "covariances": covariances,
        "precisions_cholesky": precisions_cholesky,
        "lower_bounds": lower_bounds,
        "n_iter": n_iter,
        "converged": converged,
        "history": history,
    }


def run_em(
    X,
    weights,
    means,
    covariances,
    covariance_type="full",
    reg_covar=1e-6,
    tol=1e-3,
    max_iter=100,
    record_history=False,
):
    """Run EM from the given parameters: E-step, M-step, repeat.

    Iteration ``t`` computes the responsibilities of the current parameters
    (E-step), whose mean log-likelihood per sample is the lower bound
    ``L_t``, then re-estimates the parameters (M-step).  It stops after the
    M-step of the first iteration with ``|L_t - L_{t-1}| < tol``
    (``L_0 = -inf``), or after ``max_iter`` iterations: scikit-learn's rule.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        Initial covariances in the layout of ``covariance_type``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    reg_covar : float, default=1e-6
    tol : float, default=1e-3
        Threshold on the change of the mean log-likelihood per sample.
    max_iter : int, default=100
    record_history : bool, default=False
        Keep the parameters after every M-step and their log-likelihoods.

    Returns
    -------
    result : dict
        ``weights``, ``means``, ``covariances``, ``precisions_cholesky`` (final
        parameters); ``lower_bounds`` (list, one per iteration); ``n_iter``;
        ``converged``; ``history``: None, or the list of dicts
        ``{"weights", "means", "covariances", "log_likelihood"}`` for
        theta_0, ..., theta_T with their TOTAL log-likelihoods (non-decreasing).
    """
    X, weights, means, covariances = _check_mixture_parameters(
        X, weights, means, covariances, covariance_type
    )
    check_n_components(means.shape[0], X.shape[0])
    reg_covar = check_non_negative_float(reg_covar, "reg_covar")
    tol = check_non_negative_float(tol, "tol")
    max_iter = check_positive_int(max_iter, "max_iter", minimum=0)
    precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
        covariances, covariance_type
    )
    return _run_em(
        X,
        weights,
        means,
        covariances,
        precisions_cholesky,
        covariance_type,
        reg_covar,
        tol,
        max_iter,
        bool(record_history),
    )


def n_parameters(n_components, n_features, covariance_type="full"):
    """Number of free parameters of a Gaussian mixture.

    ``K - 1`` weights (they sum to one), ``K D`` mean coordinates and the
    covariance entries: ``K D (D + 1) / 2`` (full), ``D (D + 1) / 2`` (tied),
    ``K D`` (diag) or ``K`` (spherical).

    Parameters
    ----------
    n_components : int
    n_features : int
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    n_parameters : int
    """
    n_components = check_positive_int(n_components, "n_components")
    n_features = check_positive_int(n_features, "n_features")
    check_covariance_type(covariance_type)
    covariance_parameters = {
        "full": n_components * n_features * (n_features + 1) // 2,
        "tied": n_features * (n_features + 1) // 2,
        "diag": n_components * n_features,
        "spherical": n_components,
    }[covariance_type]
    return covariance_parameters + n_components * n_features + n_components - 1


###############################################################################
# The two engines: the fast path (gmm_lib._fast) and the teaching path.
# Both expose the functions of the mixture_interface contract.


def _chunk_slices(n_samples, n_components, max_elements=2**17):
    """Row slices small enough that a (rows, K) block has <= max_elements entries."""
    rows = max(1, max_elements // max(1, n_components))
    for start in range(0, n_samples, rows):
        yield slice(start, min(start + rows, n_samples))


def _teaching_fit_em(
    X,
    weights,
    means,
    precisions_cholesky,
    covariance_type,
    reg_covar,
    tol,
    max_iter,
    record_history=False,
    verbose=0,
    chunk_size=None,
):
    covariances = _covariance.covariances_from_precisions_cholesky(
        precisions_cholesky, covariance_type
    )
    return _run_em(
        X,
        weights,
        means,
        covariances,
        precisions_cholesky,
        covariance_type,
        reg_covar,
        tol,
        max_iter,
        record_history,
    )


def _teaching_parameters_from_labels(X, labels, n_components, covariance_type, reg_covar):
    responsibilities = np.zeros((X.shape[0], n_components))
    responsibilities[np.arange(X.shape[0]), labels] = 1.0
    n_k, means, covariances = _gaussian_parameters(
        X, responsibilities, covariance_type, reg_covar
    )
    return n_k / X.shape[0], means, covariances


def _teaching_parameters_from_random_responsibilities(
    X, n_components, covariance_type, reg_covar, random_state, chunk_size=None
):
    responsibilities = random_state.uniform(size=(X.shape[0], n_components))
    responsibilities /= responsibilities.sum(axis=1)[:, np.newaxis]
    n_k, means, covariances = _gaussian_parameters(
        X, responsibilities, covariance_type, reg_covar
    )
    return n_k / X.shape[0], means, covariances


def _teaching_score_samples_chunked(
    X, weights, means, precisions_cholesky, covariance_type, chunk_size=None
):
    log_prob = np.empty(X.shape[0])
    for rows in _chunk_slices(X.shape[0], means.shape[0]):
        weighted = _weighted_log_probabilities(
            X[rows], weights, means, precisions_cholesky, covariance_type
        )
        log_prob[rows] = logsumexp(weighted, axis=1)
    return log_prob


def _teaching_predict_chunked(
    X, weights, means, precisions_cholesky, covariance_type, chunk_size=None
):
    labels = np.empty(X.shape[0], dtype=np.int64)
    for rows in _chunk_slices(X.shape[0], means.shape[0]):
        weighted = _weighted_log_probabilities(
            X[rows], weights, means, precisions_cholesky, covariance_type
        )
        labels[rows] = np.argmax(weighted, axis=1)
    return labels


_teaching_engine = types.SimpleNamespace(
    fit_em=_teaching_fit_em,
    parameters_from_labels=_teaching_parameters_from_labels,
    parameters_from_random_responsibilities=_teaching_parameters_from_random_responsibilities,
    score_samples_chunked=_teaching_score_samples_chunked,
    predict_chunked=_teaching_predict_chunked,
)

# Private switch: GaussianMixture runs on the fast path; tests set it to False
# to check that the teaching path gives the same model.
_USE_FAST = True


def _engine():
    """The one place where GaussianMixture's numerical engine is chosen."""
    if _USE_FAST:
        return _fast
    return _teaching_engine


def _parameters_from_chosen_samples(X, indices, covariance_type, reg_covar):
    """Initial parameters when component k starts from the single sample ``indices[k]``.

    This is scikit-learn's initialisation for 'random_from_data' and
    'k-means++': responsibilities one-hot on the K chosen rows and zero on
    every other row, fed to its M-step formulas.  Those rows do not sum to
    one, so scikit-learn's 'tied' formula ``(X^T X - sum_k N_k mu_k mu_k^T) /
    sum_k N_k`` -- which assumes they do -- gives a broad starting covariance
    (the second moment of all the data over K) instead of ``reg_covar * I``;
    we use the same formulas so both libraries start from the same point.
    """
    n_samples, n_features = X.shape
    n_components = len(indices)
    n_k = np.full(n_components, 1.0 + 10 * np.finfo(np.float64).eps)
    chosen = X[indices]
    means = chosen / n_k[:, np.newaxis]
    if covariance_type == "full":
        centred = chosen - means
        covariances = np.einsum("ki,kj->kij", centred, centred) / n_k[:, np.newaxis, np.newaxis]
        covariances += reg_covar * np.eye(n_features)
    elif covariance_type == "tied":
        covariances = (X.T @ X - (n_k * means.T) @ means) / n_k.sum()
        covariances += reg_covar * np.eye(n_features)
    else:
        variances = chosen**2 / n_k[:, np.newaxis] - means**2 + reg_covar
        covariances = variances if covariance_type == "diag" else variances.mean(axis=1)
    return n_k / n_samples, means, covariances


###############################################################################
# The estimator


def _check_fitted(estimator):
    if not hasattr(estimator, "precisions_cholesky_"):
        raise NotFittedError(
            f"This {type(estimator).__name__} instance is not fitted yet. Call "
            "'fit' with appropriate arguments before using this method."
        )


class GaussianMixture:
    """Gaussian mixture model fitted by EM (scikit-learn compatible).

    ``p(x) = sum_k pi_k N(x | mu_k, Sigma_k)``.  Constructor arguments,
    defaults, attributes and results follow
    ``sklearn.mixture.GaussianMixture`` (1.9); ``record_history`` is ours.

    Parameters
    ----------
    n_components : int, default=1
        Number of components K.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    tol : float, default=1e-3
        EM stops when the mean log-likelihood per sample changes by less.
    reg_covar : float, default=1e-6
        Added to the diagonal of the covariances to keep them positive-definite.
    max_iter : int, default=100
        Maximum number of EM iterations per initialisation.
    n_init : int, default=1
        Number of initialisations; the one with the best final lower bound is kept.
    init_params : {'kmeans', 'k-means++', 'random', 'random_from_data'}, default='kmeans'
        How the initial responsibilities are chosen: k-means labels, k-means++
        seeds, uniform random responsibilities, or K random data points.
    weights_init : array-like of shape (n_components,), default=None
    means_init : array-like of shape (n_components, n_features), default=None
    precisions_init : array-like, default=None
        Initial precisions (inverse covariances) in the layout of ``covariance_type``.
    random_state : None, int or numpy.random.RandomState, default=None
    warm_start : bool, default=False
        If True, each ``fit`` continues from the previous solution (n_init ignored).
    verbose : int, default=0
    verbose_interval : int, default=10
    record_history : bool, default=False
        Keep the parameters after each EM iteration in ``history_``.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
    means_ : ndarray of shape (n_components, n_features)
    covariances_ : ndarray
        full: (K, D, D); tied: (D, D); diag: (K, D); spherical: (K,).
    precisions_ : ndarray, same shape as ``covariances_``
    precisions_cholesky_ : ndarray, same shape as ``covariances_``
    converged_ : bool
    n_iter_ : int
    lower_bound_ : float
        Mean log-likelihood per sample of the best initialisation's last E-step.
    lower_bounds_ : list of float
        The lower bound at every iteration of the best initialisation.
    n_features_in_ : int
    history_ : list of dict or None
        With ``record_history=True``: theta_0, ..., theta_T as dicts
        ``{"weights", "means", "covariances", "log_likelihood"}`` (total).
    """

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        weights_init=None,
        means_init=None,
        precisions_init=None,
        random_state=None,
        warm_start=False,
        verbose=0,
        verbose_interval=10,
        record_history=False,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval
        self.record_history = record_history

    # -- scikit-learn style parameter handling ---------------------------------

    @classmethod
    def _param_names(cls):
        signature = inspect.signature(cls.__init__)
        return sorted(name for name in signature.parameters if name != "self")

    def get_params(self, deep=True):
        """Constructor arguments as a dict (for cloning and grid searches)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        """Set constructor arguments; returns ``self``."""
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for {type(self).__name__}; valid "
                    f"parameters are {', '.join(valid)}."
                )
            setattr(self, name, value)
        return self

    def __repr__(self):
        defaults = {
            name: parameter.default
            for name, parameter in inspect.signature(type(self).__init__).parameters.items()
            if name != "self"
        }
        changed = []
        for name, default in defaults.items():
            value = getattr(self, name)
            if isinstance(value, np.ndarray) or isinstance(default, np.ndarray):
                if value is not default:
                    changed.append(f"{name}=array(...)")
            elif value != default:
                changed.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(changed)})"

    # -- validation --------------------------------------------------------------

    def _check_parameters(self, X):
        """Validate the constructor arguments against the data; return the inits."""
        n_samples, n_features = X.shape
        n_components = check_n_components(self.n_components, n_samples)
        check_covariance_type(self.covariance_type)
        _check_init_params(self.init_params)
        check_non_negative_float(self.tol, "tol")
        check_non_negative_float(self.reg_covar, "reg_covar")
        check_positive_int(self.max_iter, "max_iter", minimum=0)
        check_positive_int(self.n_init, "n_init")
        check_positive_int(self.verbose_interval, "verbose_interval")
        weights_init = means_init = precisions_init = None
        if self.weights_init is not None:
            weights_init = check_weights(self.weights_init, n_components, name="weights_init")
        if self.means_init is not None:
            means_init = check_means(
                self.means_init, n_components, n_features, name="means_init"
            )
        if self.precisions_init is not None:
            precisions_init = check_covariance_parameter(
                self.precisions_init,
                self.covariance_type,
                n_components,
                n_features,
                name="precisions_init",
            )
        return weights_init, means_init, precisions_init

    def _check_X_fitted(self, X):
        _check_fitted(self)
        X = check_array(X, name="X")
        check_n_features(X, self.n_features_in_)
        return X

    # -- initialisation ----------------------------------------------------------

    def _initial_parameters(self, X, random_state, weights_init, means_init, precisions_init):
        """Initial (weights, means, covariances, precisions_cholesky), like scikit-learn."""
        n_components = self.n_components
        covariance_type = self.covariance_type
        engine = _engine()
        weights = means = covariances = None
        if weights_init is None or means_init is None or precisions_init is None:
            if self.init_params == "kmeans":
                labels = (
                    KMeans(n_clusters=n_components, n_init=1, random_state=random_state)
                    .fit(X)
                    .labels_
                )
                weights, means, covariances = engine.parameters_from_labels(
                    X, labels, n_components, covariance_type, self.reg_covar
                )
            elif self.init_params == "random":
                weights, means, covariances = engine.parameters_from_random_responsibilities(
                    X, n_components, covariance_type, self.reg_covar, random_state
                )
            elif self.init_params == "random_from_data":
                indices = random_state.choice(X.shape[0], size=n_components, replace=False)
                weights, means, covariances = _parameters_from_chosen_samples(
                    X, indices, covariance_type, self.reg_covar
                )
            else:  # 'k-means++'
                _, indices = kmeans_plusplus(X, n_components, random_state=random_state)
                weights, means, covariances = _parameters_from_chosen_samples(
                    X, indices, covariance_type, self.reg_covar
                )
        if weights_init is not None:
            weights = weights_init.copy()
        if means_init is not None:
            means = means_init.copy()
        if precisions_init is None:
            precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
                covariances, covariance_type
            )
        else:
            precisions_cholesky = _covariance.precisions_cholesky_from_precisions(
                precisions_init, covariance_type
            )
            covariances = _covariance.covariances_from_precisions_cholesky(
                precisions_cholesky, covariance_type
            )
        return weights, means, covariances, precisions_cholesky

    # -- fitting -------------------------------------------------------------------

    def _run_one(self, X, parameters, previous_lower_bound):
        """EM from ``parameters``; ``previous_lower_bound`` is -inf except on warm starts."""
        weights, means, covariances, precisions_cholesky = parameters
        engine = _engine()
        if self.max_iter == 0:
            history = None
            if self.record_history:
                total = float(
                    engine.score_samples_chunked(
                        X, weights, means, precisions_cholesky, self.covariance_type
                    ).sum()
                )
                history = [_snapshot(weights, means, covariances, total)]
            return {
                "weights": weights,
                "means": means,
                "covariances": covariances,
                "precisions_cholesky": precisions_cholesky,
                "lower_bounds": [],
                "n_iter": 0,
                "converged": False,
                "history": history,
            }
        max_iter = self.max_iter
        converged_at_once = False
        if np.isfinite(previous_lower_bound):
            # Warm start: scikit-learn compares the first lower bound with the
            # previous fit's, so EM may stop after a single iteration.
            first = float(
                np.mean(
                    engine.score_samples_chunked(
                        X, weights, means, precisions_cholesky, self.covariance_type
                    )
                )
            )
            if abs(first - previous_lower_bound) < self.tol:
                max_iter, converged_at_once = 1, True
        result = engine.fit_em(
            X,
            weights,
            means,
            precisions_cholesky,
            self.covariance_type,
            self.reg_covar,
            self.tol,
            max_iter,
            record_history=bool(self.record_history),
        )
        if converged_at_once:
            result = dict(result, converged=True)
        return result

    def _print_progress(self, init, result):
        if not self.verbose:
            return
        print(f"Initialization {init}")
        previous = -np.inf
        for n_iter, lower_bound in enumerate(result["lower_bounds"], start=1):
            if n_iter % self.verbose_interval == 0:
                if self.verbose >= 2:
                    print(f"  Iteration {n_iter}\t ll change {lower_bound - previous:.5f}")
                else:
                    print(f"  Iteration {n_iter}")
            previous = lower_bound
        status = "converged" if result["converged"] else "did not converge"
        if self.verbose >= 2 and result["lower_bounds"]:
            print(f"Initialization {status}. lower bound {result['lower_bounds'][-1]:.5f}.")
        else:
            print(f"Initialization {status}.")

    def fit(self, X, y=None):
        """Estimate the parameters with EM (``n_init`` starts, the best one kept).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self : GaussianMixture
        """
        self.fit_predict(X, y)
        return self

    def fit_predict(self, X, y=None):
        """Fit the model and return the most probable component of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        X = check_array(X, name="X", min_samples=2)
        inits = self._check_parameters(X)
        do_init = not (self.warm_start and hasattr(self, "converged_"))
        n_init = self.n_init if do_init else 1
        random_state = check_random_state(self.random_state)

        best = None
        max_lower_bound = -np.inf
        for init in range(n_init):
            if do_init:
                parameters = self._initial_parameters(X, random_state, *inits)
                previous_lower_bound = -np.inf
            else:
                parameters = (
                    self.weights_,
                    self.means_,
                    self.covariances_,
                    self.precisions_cholesky_,
                )
                previous_lower_bound = self.lower_bound_
            result = self._run_one(X, parameters, previous_lower_bound)
            self._print_progress(init, result)
            if self.max_iter == 0:
                best = result
                continue
            lower_bound = result["lower_bounds"][-1]
            if best is None or lower_bound > max_lower_bound:
                max_lower_bound = lower_bound
                best = result

        converged = bool(best["converged"])
        if not converged and self.max_iter > 0:
            warnings.warn(
                "Best performing initialization did not converge. Try different "
                "init parameters, or increase max_iter, tol, or check for "
                "degenerate data.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self._set_fitted(best, X.shape[1])
        self.converged_ = converged
        self.n_iter_ = int(best["n_iter"])
        self.lower_bound_ = float(max_lower_bound)
        self.lower_bounds_ = [float(value) for value in best["lower_bounds"]]
        self.history_ = best["history"] if self.record_history else None
        # A final E-step, so that fit_predict(X) always equals fit(X).predict(X).
        return _engine().predict_chunked(
            X, self.weights_, self.means_, self.precisions_cholesky_, self.covariance_type
        )

    def _set_fitted(self, result, n_features):
        self.weights_ = np.asarray(result["weights"], dtype=np.float64)
        self.means_ = np.asarray(result["means"], dtype=np.float64)
        self.covariances_ = np.asarray(result["covariances"], dtype=np.float64)
        self.precisions_cholesky_ = np.asarray(result["precisions_cholesky"], dtype=np.float64)
        self.precisions_ = _covariance.precisions_from_cholesky(
            self.precisions_cholesky_, self.covariance_type
        )
        self.n_features_in_ = n_features

    # -- using a fitted model -------------------------------------------------------

    def score_samples(self, X):
        """Log-density ``ln p(x_n)`` of each sample under the fitted mixture.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        log_prob : ndarray of shape (n_samples,)
        """
        X = self._check_X_fitted(X)
        return _engine().score_samples_chunked(
            X, self.weights_, self.means_, self.precisions_cholesky_, self.covariance_type
        )

    def score(self, X, y=None):
        """Mean log-likelihood per sample, ``ln p(X | theta) / N``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        score : float
        """
        return float(np.mean(self.score_samples(X)))

    def predict(self, X):
        """Most probable component of each sample (argmax of the responsibilities).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        X = self._check_X_fitted(X)
        return _engine().predict_chunked(
            X, self.weights_, self.means_, self.precisions_cholesky_, self.covariance_type
        )

    def predict_proba(self, X):
        """Responsibilities ``gamma(z_nk)`` of the fitted components for each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        responsibilities : ndarray of shape (n_samples, n_components)
        """
        X = self._check_X_fitted(X)
        responsibilities, _ = _e_step(
            X, self.weights_, self.means_, self.precisions_cholesky_, self.covariance_type
        )
        return responsibilities

    def sample(self, n_samples=1):
        """Draw samples from the fitted mixture, grouped by component.

        The number of samples of each component is drawn from a multinomial
        with the mixing weights; then each component's samples are drawn
        from its Gaussian.  Uses ``random_state`` like scikit-learn, so an
        int seed gives the same draws in both libraries.

        Parameters
        ----------
        n_samples : int, default=1

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        labels : ndarray of shape (n_samples,)
            The component each sample was drawn from (sorted).
        """
        _check_fitted(self)
        n_samples = check_positive_int(n_samples, "n_samples")
        rng = check_random_state(self.random_state)
        n_features = self.means_.shape[1]
        counts = rng.multinomial(n_samples, self.weights_)
        blocks = []
        for k, count in enumerate(counts):
            if self.covariance_type in ("full", "tied"):
                covariance = (
                    self.covariances_[k] if self.covariance_type == "full" else self.covariances_
                )
                blocks.append(rng.multivariate_normal(self.means_[k], covariance, int(count)))
            else:
                standard = rng.standard_normal(size=(count, n_features))
                blocks.append(self.means_[k] + standard * np.sqrt(self.covariances_[k]))
        X = np.vstack(blocks)
        labels = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        return X, labels

    def _n_parameters(self):
        return n_parameters(self.n_components, self.means_.shape[1], self.covariance_type)

    def bic(self, X):
        """Bayesian information criterion: ``-2 ln p(X | theta) + p ln N`` (lower is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        bic : float
        """
        X = self._check_X_fitted(X)
        return -2 * self.score(X) * X.shape[0] + self._n_parameters() * math.log(X.shape[0])

    def aic(self, X):
        """Akaike information criterion: ``-2 ln p(X | theta) + 2 p`` (lower is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        aic : float
        """
        X = self._check_X_fitted(X)
        return -2 * self.score(X) * X.shape[0] + 2 * self._n_parameters()
