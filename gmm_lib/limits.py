r"""k-means as a limit of EM: mixtures whose covariances are all fixed at ``variance * I``.

If every component has the same, *fixed* covariance :math:`\varepsilon
\mathbf{I}`, the responsibilities are

.. math::

    \gamma(z_{nk}) = \frac{\pi_k \exp(-\lVert \mathbf{x}_n - \mu_k \rVert^2 / 2\varepsilon)}
    {\sum_j \pi_j \exp(-\lVert \mathbf{x}_n - \mu_j \rVert^2 / 2\varepsilon)},

and as :math:`\varepsilon \to 0` they tend to hard assignments to the nearest
mean, while the M-step for the means stays the weighted average
:math:`\mu_k = \sum_n \gamma(z_{nk}) \mathbf{x}_n / N_k`: EM becomes
Lloyd's algorithm.  :func:`em_fixed_variance` runs this restricted EM so
that the limit can be watched numerically.  (The E-step alone, for a given
:math:`\varepsilon`, is :func:`gmm_lib.mixture.e_step` with
``covariance_type='spherical'`` and ``covariances = np.full(K, variance)``.)
"""

from collections import namedtuple

import numpy as np

from ._validation import (
    check_array,
    check_means,
    check_n_components,
    check_non_negative_float,
    check_positive_int,
    check_weights,
)
from .mixture import _e_step

__all__ = ["FixedVarianceEMResult", "em_fixed_variance"]

FixedVarianceEMResult = namedtuple(
    "FixedVarianceEMResult",
    ["weights", "means", "responsibilities", "log_likelihoods", "n_iter", "converged"],
)
FixedVarianceEMResult.__doc__ = """\
Result of :func:`em_fixed_variance`.

Attributes
----------
weights : ndarray of shape (n_components,)
    Final mixing weights (the initial ones if ``update_weights=False``).
means : ndarray of shape (n_components, n_features)
    Final means.
responsibilities : ndarray of shape (n_samples, n_components)
    Responsibilities under the final parameters.
log_likelihoods : ndarray of shape (n_iter,)
    Total ``ln p(X | theta)`` of the parameters entering each iteration's
    E-step; never decreases (this is EM for the restricted model).
n_iter : int
    Number of iterations (E-step + M-step) run.
converged : bool
    Whether the means stopped moving (shift at most ``tol``) before ``max_iter``.
"""


def _check_variance(variance):
    variance = check_non_negative_float(variance, "variance")
    if variance == 0.0:
        raise ValueError(
            "variance must be strictly positive: it is the fixed variance epsilon of "
            "every component (take it small, e.g. 1e-3, to approach k-means)."
        )
    return variance


def em_fixed_variance(
    X, means, variance, weights=None, update_weights=True, tol=1e-8, max_iter=300
):
    r"""EM for a Gaussian mixture whose covariances are all fixed at ``variance * I``.

    Only the means (and, if ``update_weights``, the mixing weights) are
    re-estimated.  Iteration ``t``:

    * E-step: :math:`\gamma(z_{nk}) \propto \pi_k \exp(-\lVert \mathbf{x}_n
      - \mu_k\rVert^2 / 2\varepsilon)`, normalised over ``k`` with log-sum-exp
      (so a tiny ``variance`` does not underflow);
    * M-step: :math:`N_k = \sum_n \gamma(z_{nk})`,
      :math:`\mu_k = \sum_n \gamma(z_{nk}) \mathbf{x}_n / N_k` and
      :math:`\pi_k = N_k / N`.

    The loop stops when no mean moves by more than ``tol`` in any coordinate
    (``max_k,d |mu_kd^new - mu_kd^old| <= tol``) or after ``max_iter``
    iterations.  The tolerance is on the means rather than on the
    log-likelihood because the log-likelihood scales like ``1 / variance``:
    a fixed threshold on it would mean very different things for different
    ``variance``.

    A component that receives no responsibility at all keeps a weight of
    about ``1e-15 / N`` and its mean becomes ``0`` divided by a tiny number;
    to avoid that, start from means that each have some nearby data (e.g.
    k-means++ seeds).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    means : array-like of shape (n_components, n_features)
        Initial means.
    variance : float
        The fixed variance :math:`\varepsilon > 0` of every component.
    weights : array-like of shape (n_components,), optional
        Initial mixing weights; uniform by default.
    update_weights : bool, default=True
        Re-estimate the weights in the M-step (``False`` keeps them fixed).
    tol : float, default=1e-8
        Threshold on the largest change of a mean coordinate.
    max_iter : int, default=300

    Returns
    -------
    result : FixedVarianceEMResult
        ``(weights, means, responsibilities, log_likelihoods, n_iter, converged)``.
    """
    X = check_array(X, name="X")
    means = check_array(means, name="means")
    n_components = check_n_components(means.shape[0], X.shape[0])
    means = check_means(means, n_components, X.shape[1])
    if weights is None:
        weights = np.full(n_components, 1.0 / n_components)
    else:
        weights = check_weights(weights, n_components)
    variance = _check_variance(variance)
    tol = check_non_negative_float(tol, "tol")
    max_iter = check_positive_int(max_iter, "max_iter")

    # Spherical layout: the precision Cholesky factor of variance * I is 1 / sqrt(variance).
    precisions_cholesky = np.full(n_components, 1.0 / np.sqrt(variance))
    log_likelihoods = []
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        responsibilities, total = _e_step(X, weights, means, precisions_cholesky, "spherical")
        log_likelihoods.append(total)
        n_k = responsibilities.sum(axis=0) + 10 * np.finfo(np.float64).eps
        new_means = responsibilities.T @ X / n_k[:, np.newaxis]
        if update_weights:
            weights = n_k / n_k.sum()
        shift = float(np.max(np.abs(new_means - means)))
        means = new_means
        if shift <= tol:
            converged = True
            break
    responsibilities, _ = _e_step(X, weights, means, precisions_cholesky, "spherical")
    return FixedVarianceEMResult(
        weights=weights,
        means=means,
        responsibilities=responsibilities,
        log_likelihoods=np.array(log_likelihoods),
        n_iter=n_iter,
        converged=converged,
    )
