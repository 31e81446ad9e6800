"""Covariance parametrisations shared by the teaching path and the fast path.

A mixture's covariances are stored in one of four layouts (scikit-learn's):

============  ==========================  ===================================
type          covariances shape           meaning
============  ==========================  ===================================
full          (K, D, D)                   one general matrix per component
tied          (D, D)                      one general matrix shared by all
diag          (K, D)                      one diagonal (variances) per comp.
spherical     (K,)                        one variance per component
============  ==========================  ===================================

Densities are never computed from an explicit inverse or determinant.  For a
covariance ``Sigma = L L^T`` (Cholesky) the *precision Cholesky factor* is
``U = L^{-T}``, an upper-triangular matrix with ``U U^T = Sigma^{-1}``; then

    (x - mu)^T Sigma^{-1} (x - mu) = || (x - mu)^T U ||^2,
    log det Sigma^{-1}              = 2 sum_d log U_dd,

which are both stable.  The functions below convert between the layouts.
"""

import numpy as np
from scipy import linalg

from ._validation import COLLAPSE_ADVICE


def precisions_cholesky_from_covariances(covariances, covariance_type):
    """Precision Cholesky factors of covariances in any of the four layouts.

    Parameters
    ----------
    covariances : ndarray
        full: (K, D, D); tied: (D, D); diag: (K, D); spherical: (K,).
    covariance_type : {'full', 'tied', 'diag', 'spherical'}

    Returns
    -------
    precisions_cholesky : ndarray, same shape as ``covariances``
        Upper-triangular ``U`` with ``U @ U.T = inv(covariance)`` for full and
        tied; ``1 / sqrt(variance)`` for diag and spherical.

    Raises
    ------
    ValueError
        If a covariance is not positive-definite (a collapsed component).
    """
    if covariance_type in ("full", "tied"):
        matrices = covariances[np.newaxis] if covariance_type == "tied" else covariances
        n_features = matrices.shape[-1]
        result = np.empty_like(matrices)
        identity = np.eye(n_features)
        for k, matrix in enumerate(matrices):
            try:
                lower = linalg.cholesky(matrix, lower=True, check_finite=False)
            except linalg.LinAlgError:
                raise ValueError(COLLAPSE_ADVICE) from None
            result[k] = linalg.solve_triangular(
                lower, identity, lower=True, check_finite=False
            ).T
        return result[0] if covariance_type == "tied" else result
    if np.any(np.less_equal(covariances, 0.0)):
        raise ValueError(COLLAPSE_ADVICE)
    return 1.0 / np.sqrt(covariances)


def precisions_cholesky_from_precisions(precisions, covariance_type):
    """Precision Cholesky factors from precision matrices (any layout).

    For full/tied, the upper factor ``U`` with ``U U^T = P`` is obtained by
    flipping the lower Cholesky factor of the row- and column-reversed ``P``.
    """
    if covariance_type in ("full", "tied"):
        matrices = precisions[np.newaxis] if covariance_type == "tied" else precisions
        result = np.empty_like(matrices)
        for k, matrix in enumerate(matrices):
            try:
                lower = linalg.cholesky(matrix[::-1, ::-1], lower=True, check_finite=False)
            except linalg.LinAlgError:
                raise ValueError(
                    "The initial precisions must be symmetric positive-definite."
                ) from None
            result[k] = lower[::-1, ::-1]
        return result[0] if covariance_type == "tied" else result
    return np.sqrt(precisions)


def precisions_from_cholesky(precisions_cholesky, covariance_type):
    """Precision matrices (or precisions) ``U U^T`` from their Cholesky factors."""
    if covariance_type == "full":
        return np.einsum("kij,klj->kil", precisions_cholesky, precisions_cholesky)
    if covariance_type == "tied":
        return precisions_cholesky @ precisions_cholesky.T
    return precisions_cholesky**2


def covariances_from_precisions_cholesky(precisions_cholesky, covariance_type):
    """Covariances from precision Cholesky factors: ``inv(U U^T) = U^{-T} U^{-1}``."""
    if covariance_type in ("full", "tied"):
        factors = (
            precisions_cholesky[np.newaxis] if covariance_type == "tied" else precisions_cholesky
        )
        result = np.empty_like(factors)
        identity = np.eye(factors.shape[-1])
        for k, upper in enumerate(factors):
            inverse = linalg.solve_triangular(upper, identity, lower=False, check_finite=False)
            result[k] = inverse.T @ inverse
        return result[0] if covariance_type == "tied" else result
    return 1.0 / precisions_cholesky**2


def log_det_precisions_cholesky(precisions_cholesky, covariance_type, n_features):
    """``log det`` of each precision Cholesky factor, shape (K,) or scalar for tied.

    Equals ``-0.5 log det Sigma_k``: the normalising term of the Gaussian.
    """
    if covariance_type == "full":
        n_components = precisions_cholesky.shape[0]
        diagonals = precisions_cholesky.reshape(n_components, -1)[:, :: n_features + 1]
        return np.sum(np.log(diagonals), axis=1)
    if covariance_type == "tied":
        return np.sum(np.log(np.diag(precisions_cholesky)))
    if covariance_type == "diag":
        return np.sum(np.log(precisions_cholesky), axis=1)
    return n_features * np.log(precisions_cholesky)


def estimate_log_gaussian_prob(X, means, precisions_cholesky, covariance_type):
    """Log-density of every sample under every component, ``log N(x_n | mu_k, Sigma_k)``.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    means : ndarray of shape (K, D)
    precisions_cholesky : ndarray
        Layout as returned by :func:`precisions_cholesky_from_covariances`.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}

    Returns
    -------
    log_prob : ndarray of shape (N, K)
    """
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    log_det = log_det_precisions_cholesky(precisions_cholesky, covariance_type, n_features)
    if covariance_type == "full":
        squared = np.empty((n_samples, n_components))
        for k in range(n_components):
            y = (X - means[k]) @ precisions_cholesky[k]
            squared[:, k] = np.einsum("ij,ij->i", y, y)
    elif covariance_type == "tied":
        squared = np.empty((n_samples, n_components))
        for k in range(n_components):
            y = (X - means[k]) @ precisions_cholesky
            squared[:, k] = np.einsum("ij,ij->i", y, y)
    else:
        # diag and spherical: scale each coordinate by its precision factor.
        scales = (
            precisions_cholesky
            if covariance_type == "diag"
            else np.repeat(precisions_cholesky[:, np.newaxis], n_features, axis=1)
        )
        squared = np.empty((n_samples, n_components))
        for k in range(n_components):
            y = (X - means[k]) * scales[k]
            squared[:, k] = np.einsum("ij,ij->i", y, y)
    return -0.5 * (n_features * np.log(2.0 * np.pi) + squared) + log_det
