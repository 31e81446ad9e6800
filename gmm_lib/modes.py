"""Modes (local maxima) of a Gaussian mixture density.

The number of modes of ``p(x) = sum_k pi_k N(x | mu_k, Sigma_k)`` is not the
number of components ``K``: two overlapping components can merge into a
single hill, and in two or more dimensions ``K`` components can even make
more than ``K`` hills.  :func:`find_modes` locates the modes numerically.

Method.  With ``P_k = Sigma_k^{-1}`` and ``g_k(x) = P_k (mu_k - x)`` (the
gradient of ``ln N(x | mu_k, Sigma_k)``), the gradient and the Hessian of
``ln p`` are

    grad ln p(x)   = sum_k gamma_k(x) g_k(x),
    hess ln p(x)   = sum_k gamma_k(x) (g_k g_k^T - P_k) - grad grad^T,

where ``gamma_k(x) = pi_k N(x | mu_k, Sigma_k) / p(x)`` are the
responsibilities.  From every starting point ``ln p`` is maximised by a
quasi-Newton method (BFGS) with this gradient; a limit point counts as a
mode when the gradient vanishes and the Hessian is negative definite (a
saddle or a flat ridge is rejected).  Limits closer than ``merge_tol`` are
merged.  The search is local: a mode is found only if some start lies in
its basin, so pass many starts (e.g. a grid) to look for every mode.
"""

from collections import namedtuple

import numpy as np
from scipy.optimize import minimize

from . import _covariance
from ._validation import (
    check_array,
    check_covariance_parameter,
    check_covariance_type,
    check_means,
    check_non_negative_float,
    check_positive_int,
    check_weights,
)
from .gaussian import expand_covariances

__all__ = ["ModeSearch", "find_modes"]

ModeSearch = namedtuple("ModeSearch", ["modes", "log_density", "hessian_eigenvalues"])
ModeSearch.__doc__ = """\
Result of :func:`find_modes`, modes sorted by decreasing density.

Attributes
----------
modes : ndarray of shape (n_modes, n_features)
    The local maxima of the mixture density.
log_density : ndarray of shape (n_modes,)
    ``ln p`` at each mode.
hessian_eigenvalues : ndarray of shape (n_modes, n_features)
    Eigenvalues of the Hessian of ``ln p`` at each mode (all negative; the
    closest to zero tells how flat the hill is in its flattest direction).
"""


def _check_mixture(weights, means, covariances, covariance_type):
    check_covariance_type(covariance_type)
    means = check_array(means, name="means", ndim=2)
    n_components, n_features = means.shape
    means = check_means(means, n_components, n_features)
    weights = check_weights(weights, n_components)
    covariances = check_covariance_parameter(
        covariances, covariance_type, n_components, n_features
    )
    return weights, means, covariances


class _LogDensity:
    """``ln p``, its gradient and Hessian at single points (validated inputs)."""

    def __init__(self, weights, means, covariances, covariance_type):
        n_components, n_features = means.shape
        full = expand_covariances(covariances, covariance_type, n_components, n_features)
        self.means = means
        self.covariance_type = covariance_type
        self.precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
            covariances, covariance_type
        )
        self.precisions = _covariance.precisions_from_cholesky(
            _covariance.precisions_cholesky_from_covariances(full, "full"), "full"
        )
        with np.errstate(divide="ignore"):  # a zero weight switches a component off
            self.log_weights = np.log(weights)

    def _terms(self, x):
        weighted = _covariance.estimate_log_gaussian_prob(
            x[np.newaxis], self.means, self.precisions_cholesky, self.covariance_type
        )[0] + self.log_weights
        # log-sum-exp by hand (scipy's has a large per-call overhead for one point)
        largest = weighted.max()
        shifted = np.exp(weighted - largest)
        log_p = largest + np.log(shifted.sum())
        gamma = shifted / shifted.sum()
        per_component = np.einsum("kij,kj->ki", self.precisions, self.means - x)  # g_k
        gradient = gamma @ per_component
        return log_p, gamma, per_component, gradient

    def value_and_gradient(self, x):
        log_p, _, _, gradient = self._terms(x)
        return log_p, gradient

    def hessian(self, x):
        _, gamma, per_component, gradient = self._terms(x)
        outer = np.einsum("ki,kj->kij", per_component, per_component)
        return np.tensordot(gamma, outer - self.precisions, axes=1) - np.outer(gradient, gradient)


def find_modes(
    weights,
    means,
    covariances,
    covariance_type="full",
    starts=None,
    merge_tol=1e-4,
    gradient_tol=1e-6,
    max_iter=500,
):
    """Local maxima of a Gaussian mixture density, by hill climbing from many starts.

    Parameters
    ----------
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        In the layout of ``covariance_type``: full (K, D, D), tied (D, D),
        diag (K, D), spherical (K,).
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    starts : array-like of shape (n_starts, n_features), optional
        Where the climbs begin.  Default: the component means, which finds
        every mode a component "owns" but can miss a mode between
        components; pass a grid covering the means to search thoroughly.
    merge_tol : float, default=1e-4
        Limits closer than ``merge_tol`` times the largest component
        standard deviation are the same mode.
    gradient_tol : float, default=1e-6
        A limit counts as a critical point when the gradient of ``ln p``
        (scaled by the largest standard deviation) is smaller than this.
    max_iter : int, default=500
        Iterations of each climb.

    Returns
    -------
    result : ModeSearch
        ``(modes, log_density, hessian_eigenvalues)``, the modes sorted by
        decreasing density (equal heights, to 9 decimals of ``ln p``, by
        increasing coordinates).

    Examples
    --------
    Two equal unit-variance components 1.6 apart make a single hill:

    >>> find_modes([0.5, 0.5], [[-0.8], [0.8]], [[[1.0]], [[1.0]]]).modes.round(6).tolist()
    [[0.0]]
    """
    weights, means, covariances = _check_mixture(weights, means, covariances, covariance_type)
    n_features = means.shape[1]
    if starts is None:
        starts = means
    else:
        starts = check_array(starts, name="starts", ndim=2)
        if starts.shape[1] != n_features:
            raise ValueError(
                f"starts must have shape (n_starts, {n_features}), one point per "
                f"row in the mixture's {n_features} dimension(s), but has shape "
                f"{starts.shape}."
            )
    merge_tol = check_non_negative_float(merge_tol, "merge_tol")
    gradient_tol = check_non_negative_float(gradient_tol, "gradient_tol")
    max_iter = check_positive_int(max_iter, "max_iter")

    density = _LogDensity(weights, means, covariances, covariance_type)
    full = expand_covariances(covariances, covariance_type, *means.shape)
    scale = float(np.sqrt(max(np.linalg.eigvalsh(matrix).max() for matrix in full)))

    def negative(x):
        value, gradient = density.value_and_gradient(x)
        return -value, -gradient

    found, values, curvatures = [], [], []
    for start in starts:
        result = minimize(
            negative, start, jac=True, method="BFGS",
            options={"gtol": 0.1 * gradient_tol / scale, "maxiter": max_iter},
        )
        x = result.x
        # Polish with Newton steps where the Hessian is negative definite:
        # BFGS may stop early on a very flat hill.
        for _ in range(20):
            log_p, gradient = density.value_and_gradient(x)
            hessian = density.hessian(x)
            if np.linalg.eigvalsh(hessian).max() >= 0.0:
                break
            step = np.linalg.solve(hessian, -gradient)
            x = x + step
            if np.linalg.norm(step) <= 1e-12 * scale:
                break
        log_p, gradient = density.value_and_gradient(x)
        eigenvalues = np.linalg.eigvalsh(density.hessian(x))
        if np.linalg.norm(gradient) * scale > gradient_tol or eigenvalues.max() >= 0.0:
            continue  # not a maximum (a saddle, a ridge, or the climb did not finish)
        if any(np.linalg.norm(x - mode) <= merge_tol * scale for mode in found):
            continue
        found.append(x)
        values.append(log_p)
        curvatures.append(eigenvalues)
    modes = np.array(found).reshape(-1, n_features)
    values = np.array(values, dtype=np.float64)
    # Decreasing density; modes of equal height (symmetric mixtures) in
    # increasing coordinate order, so the order does not hang on rounding.
    heights = np.round(values, 9)
    order = np.lexsort(tuple(np.round(modes[:, ::-1], 9).T) + (-heights,))
    modes = modes[order]
    return ModeSearch(
        modes,
        values[order],
        np.array(curvatures).reshape(-1, n_features)[order],
    )
