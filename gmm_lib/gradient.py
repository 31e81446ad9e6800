r"""Fitting a Gaussian mixture by gradient ascent on the log-likelihood.

EM is not the only way to climb :math:`\ln p(\mathbf{X} \mid \theta)`: any
gradient method can, once the constraints are taken care of.  The weights
must be positive and sum to one, and every covariance must be symmetric
positive-definite.  Both constraints disappear under a change of variables:

* **weights through softmax logits** -- :math:`\pi_k = e^{\alpha_k} / \sum_j
  e^{\alpha_j}` is a valid weight vector for every
  :math:`\boldsymbol\alpha \in \mathbb{R}^K` (adding a constant to all
  :math:`\alpha_k` changes nothing: one flat direction);
* **covariances through Cholesky factors** -- every upper-triangular
  :math:`\mathbf{U}_k` with a positive diagonal defines a precision matrix
  :math:`\boldsymbol\Sigma_k^{-1} = \mathbf{U}_k \mathbf{U}_k^\top`
  (scikit-learn's ``precisions_cholesky_``), and every SPD matrix has exactly
  one such factor; storing the logarithm of the diagonal makes all its
  entries free real numbers.

The free parameters are packed into one vector
(:func:`parameters_to_vector`, :func:`vector_to_parameters`): the K logits,
the K D mean coordinates, then the factors -- for ``'full'`` the
``D (D + 1) / 2`` upper-triangular entries of each :math:`\mathbf{U}_k`,
row by row, with the diagonal entries as logarithms; for ``'tied'`` those
of the one shared factor; for ``'diag'`` the K D log precision square roots
(``1 / sigma``); for ``'spherical'`` the K log ``1 / sigma``.

:func:`log_likelihood_gradient` returns the total log-likelihood and its
exact gradient in these coordinates (checked against
:func:`finite_difference_gradient` by the tests); :func:`fit_gradient`
maximises it by plain gradient ascent or by
``scipy.optimize.minimize(method="L-BFGS-B")`` on the negative mean
log-likelihood.
"""

import numbers

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

from . import _covariance
from ._validation import (
    check_array,
    check_covariance_type,
    check_n_components,
    check_n_features,
    check_non_negative_float,
    check_positive_int,
)
from .mixture import _check_mixture_parameters, _responsibilities_from_log, _snapshot

__all__ = [
    "n_vector_parameters",
    "parameters_to_vector",
    "vector_to_parameters",
    "log_likelihood_gradient",
    "finite_difference_gradient",
    "fit_gradient",
]

METHODS = ("L-BFGS-B", "ascent")


###############################################################################
# The change of variables


def _n_factor_parameters(n_components, n_features, covariance_type):
    triangle = n_features * (n_features + 1) // 2
    return {
        "full": n_components * triangle,
        "tied": triangle,
        "diag": n_components * n_features,
        "spherical": n_components,
    }[covariance_type]


def n_vector_parameters(n_components, n_features, covariance_type="full"):
    """Length of the unconstrained parameter vector.

    ``K`` logits + ``K D`` means + the Cholesky-factor entries (see the
    module docstring).  It is one more than
    :func:`gmm_lib.mixture.n_parameters`: the logits carry one redundant
    degree of freedom.

    Parameters
    ----------
    n_components : int
    n_features : int
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    n : int
    """
    n_components = check_positive_int(n_components, "n_components")
    n_features = check_positive_int(n_features, "n_features")
    check_covariance_type(covariance_type)
    return (n_components + n_components * n_features
            + _n_factor_parameters(n_components, n_features, covariance_type))


def _factors_to_entries(precisions_cholesky, covariance_type, n_features):
    """Free entries of the precision Cholesky factors (log on the diagonal)."""
    if covariance_type in ("diag", "spherical"):
        return np.log(precisions_cholesky).ravel()
    factors = precisions_cholesky[np.newaxis] if covariance_type == "tied" else precisions_cholesky
    rows, cols = np.triu_indices(n_features)
    entries = factors[:, rows, cols].copy()
    diagonal = rows == cols
    entries[:, diagonal] = np.log(entries[:, diagonal])
    return entries.ravel()


def _entries_to_factors(entries, n_components, n_features, covariance_type):
    """Precision Cholesky factors from their free entries, and the log-diagonals.

    Returns ``(factors, log_diagonals)``: factors in the layout of
    :mod:`gmm_lib._covariance`; log_diagonals of shape (K_factors, D) for
    full/tied/diag, (K,) for spherical.  An entry so large that its
    exponential overflows gives an infinite factor (the caller checks).
    """
    with np.errstate(over="ignore"):
        if covariance_type in ("diag", "spherical"):
            shape = (n_components, n_features) if covariance_type == "diag" else (n_components,)
            log_diagonals = entries.reshape(shape)
            return np.exp(log_diagonals), log_diagonals
        n_factors = 1 if covariance_type == "tied" else n_components
        rows, cols = np.triu_indices(n_features)
        values = entries.reshape(n_factors, -1)
        diagonal = rows == cols
        factors = np.zeros((n_factors, n_features, n_features))
        factors[:, rows[~diagonal], cols[~diagonal]] = values[:, ~diagonal]
        log_diagonals = values[:, diagonal]
        factors[:, np.arange(n_features), np.arange(n_features)] = np.exp(log_diagonals)
    if covariance_type == "tied":
        return factors[0], log_diagonals[0]
    return factors, log_diagonals


def _split_vector(vector, n_components, n_features, covariance_type):
    logits = vector[:n_components]
    means = vector[n_components:n_components * (1 + n_features)].reshape(n_components, n_features)
    factors, log_diagonals = _entries_to_factors(
        vector[n_components * (1 + n_features):], n_components, n_features, covariance_type
    )
    return logits, means, factors, log_diagonals


def _pack(weights, means, precisions_cholesky, covariance_type):
    log_weights = np.log(weights)
    logits = log_weights - log_weights.mean()
    return np.concatenate([
        logits, means.ravel(),
        _factors_to_entries(precisions_cholesky, covariance_type, means.shape[1]),
    ])


def _check_positive_weights(weights):
    if np.any(weights <= 0.0):
        raise ValueError(
            "Every weight must be strictly positive to be written as softmax logits "
            f"(ln 0 = -inf), got {weights.tolist()}; drop the empty components first."
        )
    return weights


def parameters_to_vector(weights, means, covariances, covariance_type="full"):
    r"""Pack mixture parameters into the unconstrained vector of the gradient methods.

    Logits :math:`\alpha_k = \ln \pi_k - \frac1K \sum_j \ln \pi_j` (the
    representative with zero mean), the means, and the entries of the
    precision Cholesky factors with their diagonals as logarithms.

    Parameters
    ----------
    weights : array-like of shape (n_components,)
        Strictly positive, summing to one.
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        In the layout of ``covariance_type``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    vector : ndarray of shape (n_vector_parameters(K, D, covariance_type),)
    """
    means_array = check_array(means, name="means")
    _, weights, means, covariances = _check_mixture_parameters(
        means_array, weights, means_array, covariances, covariance_type
    )
    _check_positive_weights(weights)
    precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
        covariances, covariance_type
    )
    return _pack(weights, means, precisions_cholesky, covariance_type)


def _check_vector(vector, n_components, n_features, covariance_type):
    n_components = check_positive_int(n_components, "n_components")
    n_features = check_positive_int(n_features, "n_features")
    check_covariance_type(covariance_type)
    vector = check_array(vector, name="vector", ndim=1)
    expected = n_vector_parameters(n_components, n_features, covariance_type)
    if vector.shape != (expected,):
        raise ValueError(
            f"vector must have {expected} entries for K={n_components}, D={n_features} and "
            f"covariance_type={covariance_type!r}, but has {vector.shape[0]}."
        )
    return vector, n_components, n_features


def _weights_from_logits(logits):
    log_weights = logits - logsumexp(logits)
    return np.exp(log_weights), log_weights


def vector_to_parameters(vector, n_components, n_features, covariance_type="full"):
    """Unpack the unconstrained vector into weights, means and covariances.

    Every vector of the right length gives valid parameters: positive weights
    summing to one and symmetric positive-definite covariances.

    Parameters
    ----------
    vector : array-like of shape (n_vector_parameters(K, D, covariance_type),)
    n_components : int
    n_features : int
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    weights : ndarray of shape (n_components,)
    means : ndarray of shape (n_components, n_features)
    covariances : ndarray
        In the layout of ``covariance_type``.
    """
    vector, n_components, n_features = _check_vector(
        vector, n_components, n_features, covariance_type
    )
    logits, means, factors, _ = _split_vector(vector, n_components, n_features, covariance_type)
    if not np.all(np.isfinite(factors)):
        raise ValueError(
            "vector has a log-diagonal entry so large that the precision overflows."
        )
    weights, _ = _weights_from_logits(logits)
    return weights, means.copy(), _covariance.covariances_from_precisions_cholesky(
        factors, covariance_type
    )


###############################################################################
# The log-likelihood and its gradient


def _whitened(X, means, factors, covariance_type):
    """``y_nk = (x_n - mu_k)^T U_k`` (full/tied) or ``(x_n - mu_k) * u_k``, shape (K, N, D)."""
    n_components = means.shape[0]
    differences = X[np.newaxis] - means[:, np.newaxis]
    if covariance_type == "full":
        return differences, np.einsum("knd,kde->kne", differences, factors)
    if covariance_type == "tied":
        return differences, differences @ factors
    scales = factors if covariance_type == "diag" else np.repeat(
        factors[:, np.newaxis], X.shape[1], axis=1)
    return differences, differences * scales.reshape(n_components, 1, -1)


def _log_det_terms(log_diagonals, covariance_type, n_components, n_features):
    """``ln det U_k`` for every component, shape (K,)."""
    if covariance_type in ("full", "diag"):
        return log_diagonals.sum(axis=1)
    if covariance_type == "tied":
        return np.full(n_components, log_diagonals.sum())
    return n_features * log_diagonals


def _log_likelihood_gradient(X, vector, n_components, covariance_type):
    """Total log-likelihood and its gradient; (-inf, nan) if the vector overflows."""
    n_samples, n_features = X.shape
    logits, means, factors, log_diagonals = _split_vector(
        vector, n_components, n_features, covariance_type
    )
    if not np.all(np.isfinite(factors)):
        return -np.inf, np.full(vector.shape, np.nan)
    weights, log_weights = _weights_from_logits(logits)
    with np.errstate(over="ignore", invalid="ignore"):
        differences, whitened = _whitened(X, means, factors, covariance_type)
        squared = np.einsum("knd,knd->nk", whitened, whitened)
    if not np.all(np.isfinite(squared)):
        return -np.inf, np.full(vector.shape, np.nan)
    log_det = _log_det_terms(log_diagonals, covariance_type, n_components, n_features)
    weighted = log_weights + log_det - 0.5 * (n_features * np.log(2.0 * np.pi) + squared)
    responsibilities, log_norm = _responsibilities_from_log(weighted)
    total = float(log_norm.sum())
    n_k = responsibilities.sum(axis=0)

    # d/d alpha_k = N_k - N pi_k
    gradient_logits = n_k - n_samples * weights
    # d/d mu_k = sum_n gamma_nk Sigma_k^{-1} (x_n - mu_k) = U_k (sum_n gamma_nk y_nk)
    weighted_whitened = np.einsum("nk,knd->kd", responsibilities, whitened)
    if covariance_type == "full":
        gradient_means = np.einsum("kde,ke->kd", factors, weighted_whitened)
    elif covariance_type == "tied":
        gradient_means = weighted_whitened @ factors.T
    else:
        scales = factors if covariance_type == "diag" else factors[:, np.newaxis]
        gradient_means = weighted_whitened * scales
    # d/d U_k = N_k diag(1 / U_dd) - sum_n gamma_nk (x_n - mu_k) y_nk^T, upper triangle;
    # on the diagonal, chain rule for the log: U_dd * d/dU_dd.
    if covariance_type in ("full", "tied"):
        scatter = np.einsum("nk,kni,knj->kij", responsibilities, differences, whitened)
        if covariance_type == "tied":
            scatter, counts = scatter.sum(axis=0)[np.newaxis], np.array([n_samples], float)
            diagonal_factors = np.diag(factors)[np.newaxis]
        else:
            counts = n_k
            diagonal_factors = np.diagonal(factors, axis1=1, axis2=2)
        rows, cols = np.triu_indices(n_features)
        gradient_factors = -scatter[:, rows, cols]
        on_diagonal = rows == cols
        gradient_factors[:, on_diagonal] = (
            counts[:, np.newaxis] - diagonal_factors * np.diagonal(scatter, axis1=1, axis2=2)
        )
    else:
        per_feature = np.einsum("nk,knd->kd", responsibilities, whitened * whitened)
        if covariance_type == "diag":
            gradient_factors = n_k[:, np.newaxis] - per_feature
        else:
            gradient_factors = n_features * n_k - per_feature.sum(axis=1)
    gradient = np.concatenate([gradient_logits, gradient_means.ravel(), gradient_factors.ravel()])
    return total, gradient


def _check_gradient_inputs(X, vector, n_components, covariance_type):
    X = check_array(X, name="X")
    vector, n_components, _ = _check_vector(vector, n_components, X.shape[1], covariance_type)
    return X, vector, n_components


def log_likelihood_gradient(X, vector, n_components, covariance_type="full"):
    r"""Total log-likelihood and its exact gradient in the unconstrained coordinates.

    With :math:`\gamma(z_{nk})` the responsibilities, :math:`N_k = \sum_n
    \gamma(z_{nk})`, :math:`\mathbf{d}_{nk} = \mathbf{x}_n - \mu_k` and
    :math:`\mathbf{y}_{nk} = \mathbf{U}_k^\top \mathbf{d}_{nk}`:

    * :math:`\partial / \partial \alpha_k = N_k - N \pi_k`;
    * :math:`\partial / \partial \mu_k = \sum_n \gamma(z_{nk})\,
      \boldsymbol\Sigma_k^{-1} \mathbf{d}_{nk} = \mathbf{U}_k \sum_n
      \gamma(z_{nk}) \mathbf{y}_{nk}`;
    * :math:`\partial / \partial \mathbf{U}_k = N_k\,
      \mathrm{diag}(1/U_{k,dd}) - \sum_n \gamma(z_{nk}) \mathbf{d}_{nk}
      \mathbf{y}_{nk}^\top` on the upper triangle, times :math:`U_{k,dd}`
      on the diagonal (whose entries are stored as logarithms); the
      tied, diagonal and spherical layouts follow by summing over k,
      keeping the diagonal, or taking the trace.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    vector : array-like of shape (n_vector_parameters(K, D, covariance_type),)
    n_components : int
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    log_likelihood : float
        ``ln p(X | theta)`` (total); ``-inf`` if a precision overflows.
    gradient : ndarray, same shape as ``vector``
        (NaN where the log-likelihood is ``-inf``.)
    """
    X, vector, n_components = _check_gradient_inputs(X, vector, n_components, covariance_type)
    return _log_likelihood_gradient(X, vector, n_components, covariance_type)


def finite_difference_gradient(X, vector, n_components, covariance_type="full", step=1e-5):
    """Central finite differences of the total log-likelihood, coordinate by coordinate.

    ``(f(v + h e_i) - f(v - h e_i)) / (2 h)``: slow (two evaluations per
    coordinate) and accurate to about ``h^2`` plus rounding, which is what
    makes it a check of :func:`log_likelihood_gradient`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    vector : array-like of shape (n_vector_parameters(K, D, covariance_type),)
    n_components : int
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    step : float, default=1e-5

    Returns
    -------
    gradient : ndarray, same shape as ``vector``
    """
    X, vector, n_components = _check_gradient_inputs(X, vector, n_components, covariance_type)
    step = check_non_negative_float(step, "step")
    if step == 0.0:
        raise ValueError("step must be strictly positive.")
    gradient = np.empty_like(vector)
    for i in range(vector.shape[0]):
        forward, backward = vector.copy(), vector.copy()
        forward[i] += step
        backward[i] -= step
        plus, _ = _log_likelihood_gradient(X, forward, n_components, covariance_type)
        minus, _ = _log_likelihood_gradient(X, backward, n_components, covariance_type)
        gradient[i] = (plus - minus) / (2.0 * step)
    return gradient


###############################################################################
# Fitting


def _result(X, vector, n_components, covariance_type, log_likelihoods, n_iter, n_evaluations,
            converged, message, history):
    n_features = X.shape[1]
    logits, means, factors, _ = _split_vector(vector, n_components, n_features, covariance_type)
    weights, _ = _weights_from_logits(logits)
    return {
        "weights": weights,
        "means": means.copy(),
        "covariances": _covariance.covariances_from_precisions_cholesky(factors, covariance_type),
        "precisions_cholesky": factors,
        "vector": vector,
        "log_likelihoods": np.array(log_likelihoods),
        "n_iter": n_iter,
        "n_evaluations": n_evaluations,
        "converged": converged,
        "message": message,
        "history": history,
    }


def _record(history, X, vector, n_components, covariance_type, total):
    if history is not None:
        weights, means, covariances = vector_to_parameters(
            vector, n_components, X.shape[1], covariance_type
        )
        snapshot = _snapshot(weights, means, covariances, total)
        history.append(snapshot)


def _gradient_ascent(X, vector, n_components, covariance_type, learning_rate, tol, max_iter,
                     history):
    n_samples = X.shape[0]
    total, gradient = _log_likelihood_gradient(X, vector, n_components, covariance_type)
    n_evaluations = 1
    log_likelihoods = [total]
    _record(history, X, vector, n_components, covariance_type, total)
    converged, message = False, "reached max_iter"
    n_iter = 0
    while n_iter < max_iter:
        # A step on the mean log-likelihood; halve the rate until it does not go down.
        while True:
            candidate = vector + learning_rate * gradient / n_samples
            new_total, new_gradient = _log_likelihood_gradient(
                X, candidate, n_components, covariance_type
            )
            n_evaluations += 1
            if np.isfinite(new_total) and new_total >= total:
                break
            learning_rate *= 0.5
            if learning_rate < 1e-14:
                message = "no step size increases the log-likelihood"
                break
        if message.startswith("no step"):
            break
        n_iter += 1
        previous, total, vector, gradient = total, new_total, candidate, new_gradient
        log_likelihoods.append(total)
        _record(history, X, vector, n_components, covariance_type, total)
        if (total - previous) / n_samples < tol:
            converged, message = True, "change of the mean log-likelihood below tol"
            break
    return vector, log_likelihoods, n_iter, n_evaluations, converged, message


def _lbfgs(X, vector, n_components, covariance_type, tol, max_iter, history):
    n_samples = X.shape[0]
    counter = {"evaluations": 0}

    def objective(v):
        counter["evaluations"] += 1
        total, gradient = _log_likelihood_gradient(X, v, n_components, covariance_type)
        if not np.isfinite(total):
            return np.inf, np.zeros_like(v)
        return -total / n_samples, -gradient / n_samples

    first, _ = _log_likelihood_gradient(X, vector, n_components, covariance_type)
    log_likelihoods = [first]
    _record(history, X, vector, n_components, covariance_type, first)

    def callback(intermediate_result):
        total = -intermediate_result.fun * n_samples
        log_likelihoods.append(total)
        _record(history, X, intermediate_result.x, n_components, covariance_type, total)

    result = minimize(objective, vector, jac=True, method="L-BFGS-B", callback=callback,
                      options={"maxiter": max_iter, "ftol": tol, "gtol": 1e-10 * max(1.0, tol)})
    return (result.x, log_likelihoods, int(result.nit), counter["evaluations"] + 1,
            bool(result.success), str(result.message))


def fit_gradient(
    X,
    weights,
    means,
    covariances,
    covariance_type="full",
    method="L-BFGS-B",
    learning_rate=1.0,
    tol=1e-8,
    max_iter=1000,
    record_history=False,
):
    r"""Maximise the log-likelihood by a gradient method in unconstrained coordinates.

    The parameters are packed with :func:`parameters_to_vector`; the
    objective is the mean log-likelihood per point
    :math:`\ell(\mathbf{v}) = \ln p(\mathbf{X} \mid \theta(\mathbf{v})) / N`,
    with the exact gradient of :func:`log_likelihood_gradient`.

    * ``method="ascent"``: plain gradient ascent
      :math:`\mathbf{v} \leftarrow \mathbf{v} + \eta \nabla \ell(\mathbf{v})`
      with a fixed rate :math:`\eta`, halved (for good) whenever a step
      would lower :math:`\ell`.  Stops when :math:`\ell` rises by less than
      ``tol`` in a step.
    * ``method="L-BFGS-B"``: ``scipy.optimize.minimize`` on :math:`-\ell`
      (limited-memory quasi-Newton with a line search), with
      ``ftol=tol``.

    Unlike EM there is no ``reg_covar``: nothing keeps a component from
    collapsing onto a few points if the optimiser heads there.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    weights : array-like of shape (n_components,)
        Strictly positive initial weights.
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        Initial covariances in the layout of ``covariance_type``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    method : {'L-BFGS-B', 'ascent'}, default='L-BFGS-B'
    learning_rate : float, default=1.0
        Initial :math:`\eta` of ``'ascent'`` (ignored by L-BFGS-B).
    tol : float, default=1e-8
    max_iter : int, default=1000
    record_history : bool, default=False
        Keep the parameters of every iterate with their log-likelihoods.

    Returns
    -------
    result : dict
        ``weights``, ``means``, ``covariances``, ``precisions_cholesky``
        (final parameters); ``vector`` (final unconstrained vector);
        ``log_likelihoods`` (ndarray: total ``ln p(X | theta)`` of the start
        and of every iterate, non-decreasing for ``'ascent'``); ``n_iter``
        (iterations); ``n_evaluations`` (evaluations of the log-likelihood
        and its gradient, the cost that compares with EM's iterations);
        ``converged``; ``message``; ``history`` (None, or dicts as in
        :func:`gmm_lib.mixture.run_em`).
    """
    X, weights, means, covariances = _check_mixture_parameters(
        X, weights, means, covariances, covariance_type
    )
    check_n_components(means.shape[0], X.shape[0])
    check_n_features(X, means.shape[1])
    _check_positive_weights(weights)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}.")
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real) or not (
        np.isfinite(learning_rate) and learning_rate > 0
    ):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}.")
    tol = check_non_negative_float(tol, "tol")
    max_iter = check_positive_int(max_iter, "max_iter")
    n_components = means.shape[0]
    precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
        covariances, covariance_type
    )
    vector = _pack(weights, means, precisions_cholesky, covariance_type)
    history = [] if record_history else None
    if method == "ascent":
        outcome = _gradient_ascent(X, vector, n_components, covariance_type,
                                   float(learning_rate), tol, max_iter, history)
    else:
        outcome = _lbfgs(X, vector, n_components, covariance_type, tol, max_iter, history)
    return _result(X, outcome[0], n_components, covariance_type, *outcome[1:], history)
