"""Fused, chunked EM: the fast and memory-light engine behind ``GaussianMixture``.

This module computes exactly what the teaching path of :mod:`gmm_lib.mixture`
computes (E-step, then M-step, scikit-learn's stopping rule) but organised
for speed and memory:

* **One pass over X per iteration.**  The data are read in chunks of a few
  hundred to a few thousand rows.  For each chunk the log-densities under all
  K components are computed, normalised with an in-place log-sum-exp into
  responsibilities, and immediately folded into the *sufficient statistics*
  of the M-step::

      R_k = sum_n r_nk,    a_k = sum_n r_nk (x_n - m_k),
      S_k = sum_n r_nk (x_n - m_k)(x_n - m_k)^T   (or its diagonal, ...)

  where ``m_k`` are the means entering the iteration.  The same sweep thus
  gives the log-likelihood of the current parameters (the lower bound of
  this iteration) and everything needed for the next ones.  No (N, K)
  array is ever created, so a fit needs memory for a chunk, not for N.

* **Centred sums.**  Second moments are accumulated around the current
  means (or, where noted, around the data mean) and corrected exactly
  afterwards with the new means ``mu_k = m_k + d_k``::

      sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T = S_k - a_k d_k^T - d_k a_k^T + R_k d_k d_k^T.

  The naive "E[x x^T] - mu mu^T" loses digits on data far from the origin;
  the centred form does not.

* **Few, large BLAS calls.**  'full' whitens each chunk with one triangular
  multiply per component (``dtrmm``: half the flops of a general product)
  and accumulates ``S_k`` with one ``dsyrk`` (again half the flops) or, for
  few features where it is faster in practice, one ``dgemm``; rows whose
  responsibility underflowed to exactly 0 are skipped.  'tied' whitens each
  chunk once for all components and accumulates the pooled scatter as a
  per-point scatter plus a K x K "who is shared with whom" matrix.  'diag'
  and 'spherical' turn each step into a single matrix product by expanding
  the square around the data mean.

* **Accuracy guards.**  Where a shortcut would cost digits -- a component
  far from the data mean compared with its own spread -- 'tied' whitens that
  component directly, and 'diag'/'spherical' recompute its log-densities
  from ``x - m_k`` on the rows where it can matter and take its sums around
  ``m_k`` over the rows it owns (a tight component owns few).  The result
  equals the teaching path to ~1e-13 on ordinary data and stays within
  1e-10 on awkward data (see ``tests/test_fast.py``).

The functions follow the contract in ``notes/mixture_interface.md``:
:func:`fit_em`, :func:`parameters_from_labels`,
:func:`parameters_from_random_responsibilities`, :func:`score_samples_chunked`
and :func:`predict_chunked`.  They trust their inputs: validation happens in
:class:`gmm_lib.mixture.GaussianMixture`.

Elementwise work runs on chunks in transposed layout, ``(n_features, rows)``,
so that numpy loops along long contiguous rows instead of the short feature
axis; arrays that only feed BLAS may stay row-major (BLAS reads either).
"""

import time

import numpy as np
from scipy.linalg import blas

from ._covariance import (
    covariances_from_precisions_cholesky,
    log_det_precisions_cholesky,
    precisions_cholesky_from_covariances,
)
from ._validation import check_random_state

__all__ = [
    "default_chunk_size",
    "fit_em",
    "parameters_from_labels",
    "parameters_from_random_responsibilities",
    "score_samples_chunked",
    "predict_chunked",
]

# scikit-learn adds 10 machine epsilons to every N_k so that an empty
# component has a finite mean; we do the same so the numbers agree.
_TEN_EPS = 10 * np.finfo(np.float64).eps
_LOG_2PI = np.log(2.0 * np.pi)

# 'diag' and 'spherical' expand ||x - m||^2 around the data mean, which
# multiplies rounding errors by (roughly) the squared distance of a
# component from the data mean in units of its own standard deviation.
# A component whose factor exceeds this (errors ~ 1e4 * 1.1e-16 ~ 1e-12,
# relative) is "centred": its log-densities are recomputed directly from
# x - m_k on the rows where it can matter, and its sums are taken around
# m_k over the rows it owns.  The other components keep the fast expansion.
_EXPANSION_LIMIT = 1e4

# A centred component is recomputed on the rows where its (approximate)
# log-density plus an error bound comes within this of the row's largest:
# elsewhere its responsibility is below exp(-50) ~ 2e-22 of the winner's.
_SCREEN_MARGIN = 50.0

# Rows per chunk: large enough that the per-call overhead of numpy and BLAS
# is amortised, small enough that a chunk's temporaries stay in cache.  The
# budgets (float64 values per chunk) were tuned by measurement on the course
# machine (1 MiB L2, 32 MiB L3): per-component BLAS calls ('full') like big
# chunks; elementwise (K, D, rows) blocks ('tied') and the single products of
# the expanded kernels ('diag', 'spherical') like L2-sized ones.
_CHUNK_BUDGETS = {"full": 2**18, "tied": 2**18, "expanded": 2**16}
_MIN_CHUNK, _MAX_CHUNK = 256, 16384
_MAX_CHUNK_FULL = 8192

# In the 'full' M-step, a component whose responsibilities underflowed to
# exactly 0.0 for most rows of a chunk gets its scatter from the other rows
# only (the skipped rows contribute exactly nothing).
_SPARSE_FRACTION = 0.5

# Up to this many features a general product (dgemm) computes a weighted
# scatter faster than the symmetric rank-k update (dsyrk), despite doing
# twice the flops (measured).
_GEMM_SCATTER_MAX_FEATURES = 14

# 'tied' whitens (x - c) once for all components, c the data mean; that costs
# eps * (Mahalanobis distance of m_k from c) in the whitened differences, so
# components further than this are whitened directly (one product each).
_TIED_SHIFT_LIMIT = 100.0


###############################################################################
# Chunking


def default_chunk_size(covariance_type, n_features, n_components, n_centred=0):
    """Rows per chunk for the kernels of ``covariance_type`` (see ``_CHUNK_BUDGETS``).

    Parameters
    ----------
    covariance_type : {'full', 'tied', 'diag', 'spherical'}
    n_features : int
    n_components : int
    n_centred : int, default=0
        For 'diag'/'spherical': how many components are centred (their
        accurate recomputations gather (D, rows) blocks).

    Returns
    -------
    chunk_size : int
    """
    K, D = n_components, n_features
    if covariance_type == "full":
        kernel, per_row = "full", 2 * D + 2 * K
    elif covariance_type == "tied":
        kernel, per_row = "tied", K * D + 3 * D + 2 * K
    else:
        kernel, per_row = "expanded", 3 * D + 1 + 2 * K + 2 * min(n_centred, 1) * D
    rows = _CHUNK_BUDGETS[kernel] // per_row
    largest = _MAX_CHUNK_FULL if kernel == "full" else _MAX_CHUNK
    return int(min(max(rows, _MIN_CHUNK), largest))


def _chunks(n_samples, chunk_size):
    """Consecutive row slices of at most ``chunk_size`` rows, of (nearly) equal sizes."""
    n_chunks = -(-n_samples // chunk_size)
    rows = -(-n_samples // max(n_chunks, 1))
    for start in range(0, n_samples, rows):
        yield slice(start, min(start + rows, n_samples))


def _transposed(X_rows):
    """A chunk copied into C-contiguous (n_features, rows) layout."""
    return np.ascontiguousarray(X_rows.T)


def _shifted_transposed(X_rows, shift, row_major=False):
    """``(X_rows - shift).T`` as a (n_features, rows) array or view.

    With ``row_major`` the chunk is shifted in its own layout and the
    transposed view returned: cheaper when the result only feeds BLAS,
    which reads either layout without copying.
    """
    if row_major:
        return (X_rows - shift).T
    shifted = np.empty((X_rows.shape[1], X_rows.shape[0]))
    np.subtract(X_rows.T, shift[:, np.newaxis], out=shifted)
    return shifted


###############################################################################
# E-step of one chunk: weighted log-probabilities, shape (K, rows)


def _log_weights(weights):
    """``log pi_k``; a zero weight gives ``-inf`` (that component is off), silently."""
    with np.errstate(divide="ignore"):
        return np.log(weights)


def _expansion_factors(means, precisions_cholesky, covariance_type, center):
    """Squared Mahalanobis distance of each component mean from ``center``, plus D.

    It bounds how much expanding the square around ``center`` amplifies
    rounding errors ('diag' and 'spherical' only).

    Returns
    -------
    factors : ndarray of shape (K,)
    """
    shifted = means - center
    precisions = precisions_cholesky**2
    if covariance_type == "diag":
        distances = np.sum(precisions * shifted**2, axis=1)
    else:
        distances = precisions * np.sum(shifted**2, axis=1)
    return distances + means.shape[1]


def _prepare_model(weights, means, precisions_cholesky, covariance_type, center, centred=None):
    """Per-iteration constants of the E-step kernels.

    Parameters
    ----------
    weights : ndarray of shape (K,)
    means : ndarray of shape (K, D)
    precisions_cholesky : ndarray
        In the layout of ``covariance_type``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}
    center : ndarray of shape (D,)
        Reference point (the data mean) for the kernels that shift the data.
    centred : ndarray of bool of shape (K,) or None
        'diag'/'spherical': the components computed with centred sums
        instead of the expansion around ``center`` (None: none of them).

    Returns
    -------
    model : dict
    """
    n_components, n_features = means.shape
    log_det = log_det_precisions_cholesky(precisions_cholesky, covariance_type, n_features)
    constant = _log_weights(weights) + log_det - 0.5 * n_features * _LOG_2PI
    model = {"covariance_type": covariance_type, "means": means, "center": center,
             "constant": constant[:, np.newaxis]}
    if covariance_type == "full":
        model["factors"] = [np.asfortranarray(U) for U in precisions_cholesky]
    elif covariance_type == "tied":
        # y = U^T (x - c) - U^T (m_k - c): whiten the chunk once for all k.  That
        # costs eps * ||U^T (m_k - c)|| in y, so components further than
        # _TIED_SHIFT_LIMIT (Mahalanobis) from the data mean are whitened directly.
        model["factor_t"] = np.ascontiguousarray(precisions_cholesky.T)
        whitened_means = (means - center) @ precisions_cholesky
        distances = np.sqrt(np.sum(whitened_means**2, axis=1))
        model["near"] = np.flatnonzero(distances <= _TIED_SHIFT_LIMIT)
        model["far"] = np.flatnonzero(distances > _TIED_SHIFT_LIMIT)
        model["whitened_means"] = whitened_means[model["near"], :, np.newaxis]
    else:
        # const - 0.5 sum_d p_d (x~_d - m~_d)^2
        #   = [const - 0.5 sum_d p_d m~_d^2, -0.5 p, p m~] . [1, x~^2, x~]   ('diag'),
        # with one -0.5 p ||x~||^2 term for 'spherical' (p the same for every d).
        scale = precisions_cholesky if covariance_type == "diag" else precisions_cholesky[:, None]
        precisions = np.broadcast_to(scale**2, (n_components, n_features))
        shifted = means - center
        weighted = precisions * shifted
        squares = precisions if covariance_type == "diag" else precisions[:, :1]
        offset = constant - 0.5 * np.sum(weighted * shifted, axis=1)
        model["theta"] = np.hstack([offset[:, np.newaxis], -0.5 * squares, weighted])
        centred_components = np.flatnonzero(centred) if centred is not None else np.arange(0)
        model["centred"] = centred_components
        if centred_components.size:
            # Rounding error of theta . features is at most about
            # (2 D + 3) eps sum_i |theta_i features_i|, and
            # p |m~ x~| <= p (m~^2 + x~^2) / 2, so this bounds it linearly in features.
            rows = centred_components
            gamma = (2 * n_features + 3) * np.finfo(np.float64).eps
            magnitude = np.abs(offset[rows]) + np.sum(weighted[rows] * shifted[rows], axis=1)
            model["error_theta"] = gamma * np.hstack(
                [magnitude[:, np.newaxis], squares[rows], np.zeros((rows.size, n_features))])
            model["centred_precisions"] = precisions[rows]
    return model


def _log_prob_full(X_rows, model):
    """Full covariances: ``||(x - m_k) U_k||^2`` with one triangular product per k.

    Returns the weighted log-probabilities (K, rows) and the transposed chunk.
    """
    XT = _transposed(X_rows)
    means = model["means"]
    log_prob = np.empty((means.shape[0], XT.shape[1]))
    work = np.empty_like(XT)
    for k, factor in enumerate(model["factors"]):
        np.subtract(XT, means[k][:, np.newaxis], out=work)
        # work.T is the Fortran-ordered (rows, D) matrix x - m_k; in place: (x - m_k) U_k
        blas.dtrmm(1.0, factor, work.T, side=1, lower=0, overwrite_b=1)
        np.einsum("dn,dn->n", work, work, out=log_prob[k])
    log_prob *= -0.5
    log_prob += model["constant"]
    return log_prob, XT


def _log_prob_tied(X_rows, model):
    """Tied covariance: whiten the shifted chunk once, then one difference per k.

    Returns the weighted log-probabilities (K, rows) and the chunk itself.
    """
    n_rows, n_features = X_rows.shape
    means, near = model["means"], model["near"]
    log_prob = np.empty((means.shape[0], n_rows))
    if near.size:
        shifted = _shifted_transposed(X_rows, model["center"], row_major=n_features >= 8)
        whitened = model["factor_t"] @ shifted  # U^T (x - c), shape (D, rows)
        differences = whitened[np.newaxis] - model["whitened_means"]
        np.multiply(differences, differences, out=differences)
        log_prob[near] = differences.sum(axis=1)
    for k in model["far"]:
        whitened = model["factor_t"] @ (X_rows - means[k]).T
        np.einsum("dn,dn->n", whitened, whitened, out=log_prob[k])
    log_prob *= -0.5
    log_prob += model["constant"]
    return log_prob, X_rows


def _expanded_features(XT, model):
    """Stacked ``[1 ; x~^2 ; x~]`` ('diag') or ``[1 ; ||x~||^2 ; x~]`` ('spherical').

    ``x~ = x - center``, from the transposed chunk ``XT`` (D, rows).  The row
    of ones makes the matrix products also carry the constant of the E-step
    and the sums ``R_k`` of the M-step.

    Returns
    -------
    features : ndarray of shape (1 + D + D, rows) or (1 + 1 + D, rows)
    """
    n_features, n_rows = XT.shape
    n_squares = n_features if model["covariance_type"] == "diag" else 1
    features = np.empty((1 + n_squares + n_features, n_rows))
    features[0] = 1.0
    shifted = features[1 + n_squares:]
    np.subtract(XT, model["center"][:, np.newaxis], out=shifted)
    if n_squares == 1:
        np.einsum("dn,dn->n", shifted, shifted, out=features[1])
    else:
        np.multiply(shifted, shifted, out=features[1:1 + n_squares])
    return features


def _log_prob_separable(X_rows, model):
    """'diag'/'spherical': expanded square for all components, exact rows where needed.

    One matrix product gives every component's log-density by expanding the
    square around the data mean; then, for the centred components, the rows
    where they can matter are recomputed directly from ``x - m_k``.

    Returns the weighted log-probabilities (K, rows) and the work arrays
    ``(features, XT)`` the M-step reuses.
    """
    XT = _transposed(X_rows)
    features = _expanded_features(XT, model)
    log_prob = model["theta"] @ features
    centred = model["centred"]
    if centred.size:
        error = model["error_theta"] @ features
        lower = log_prob.copy()
        lower[centred] -= error
        floor = lower.max(axis=0) - _SCREEN_MARGIN  # the true row maximum is above floor + margin
        for index, k in enumerate(centred):
            rows = np.flatnonzero(log_prob[k] + error[index] > floor)
            if rows.size:
                differences = np.take(XT, rows, axis=1)
                differences -= model["means"][k][:, np.newaxis]
                differences *= differences
                log_prob[k, rows] = (
                    model["constant"][k] - 0.5 * (model["centred_precisions"][index] @ differences))
    return log_prob, (features, XT)


def _weighted_log_prob(X_rows, model):
    """Weighted log-probabilities (K, rows) of one chunk, and reusable work arrays."""
    covariance_type = model["covariance_type"]
    if covariance_type == "full":
        return _log_prob_full(X_rows, model)
    if covariance_type == "tied":
        return _log_prob_tied(X_rows, model)
    return _log_prob_separable(X_rows, model)


def _normalise_in_place(log_prob):
    """Turn weighted log-probabilities (K, rows) into responsibilities, in place.

    Returns ``log p(x_n)`` for the rows (the log-sum-exp over components).
    """
    largest = log_prob.max(axis=0)
    log_prob -= largest
    np.exp(log_prob, out=log_prob)
    total = log_prob.sum(axis=0)
    log_prob /= total
    np.log(total, out=total)
    total += largest
    return total


###############################################################################
# M-step statistics of one chunk


def _new_moments(covariance_type, reference_means, center, centred=None):
    """Zeroed accumulators for the sufficient statistics around ``reference_means``.

    ``centred`` ('diag'/'spherical'): boolean mask of the components whose
    sums are taken around their reference means (over the rows they own);
    the others are summed around ``center`` in one product.
    """
    n_components, n_features = reference_means.shape
    moments = {
        "covariance_type": covariance_type,
        "reference": reference_means,
        "center": center,
        "resp_sum": np.zeros(n_components),
    }
    if covariance_type == "full":
        moments["first"] = np.zeros((n_components, n_features))
        # Each second[k].T is Fortran-ordered, so BLAS accumulates into it in place.
        moments["second"] = np.zeros((n_components, n_features, n_features))
    elif covariance_type == "tied":
        moments["weighted_sum"] = np.zeros((n_components, n_features))
        moments["point_scatter"] = np.zeros((n_features, n_features), order="F")
        moments["sharing"] = np.zeros((n_components, n_components), order="F")
    else:
        moments["centred_components"] = (
            np.flatnonzero(centred) if centred is not None else np.arange(0))
        n_squares = n_features if covariance_type == "diag" else 1
        # Rows: [sum r ; sum r x~^2 (or ||x~||^2) ; sum r x~], one column per component.
        moments["expanded"] = np.zeros((1 + n_squares + n_features, n_components))
        moments["first"] = np.zeros((n_components, n_features))
        moments["second"] = np.zeros((n_components, n_features))
    return moments


def _add_full(moments, XT, resp):
    """Full: ``a_k += sum r (x - m_k)`` and ``S_k += sum r (x - m_k)(x - m_k)^T``.

    The scatter is one BLAS call per component: ``dsyrk`` on ``sqrt(r) (x - m_k)``
    (half the flops) for many features, ``dgemm`` of ``r (x - m_k)`` with
    ``x - m_k`` (faster in practice) for few.  Rows whose responsibility for
    component k is exactly zero contribute nothing; when they are the
    majority they are dropped first.
    """
    reference = moments["reference"]
    first, second = moments["first"], moments["second"]
    n_features, n_rows = XT.shape
    use_syrk = n_features > _GEMM_SCATTER_MAX_FEATURES
    factors = np.sqrt(resp) if use_syrk else resp
    # For dgemm, a row of ones under x - m_k makes the product also give sum r (x - m_k).
    extended_rows = np.empty((n_features + 1, n_rows))
    extended_rows[n_features] = 1.0
    weighted_rows = np.empty_like(XT)
    for k in range(reference.shape[0]):
        factor = factors[k]
        if np.count_nonzero(factor) < _SPARSE_FRACTION * n_rows:
            active = np.flatnonzero(factor)
            if active.size == 0:
                continue
            factor = factor[active]
            extended = np.ones((n_features + 1, active.size))
            np.subtract(np.take(XT, active, axis=1), reference[k][:, np.newaxis],
                        out=extended[:n_features])
            weighted = np.empty((n_features, active.size))
        else:
            extended, weighted = extended_rows, weighted_rows
            np.subtract(XT, reference[k][:, np.newaxis], out=extended[:n_features])
        centred = extended[:n_features]
        if use_syrk:
            centred *= factor
            first[k] += centred @ factor
            # second[k].T is Fortran-ordered: BLAS accumulates into it in place.
            blas.dsyrk(1.0, centred.T, beta=1.0, c=second[k].T, trans=1, lower=0,
                       overwrite_c=1)
        else:
            np.multiply(centred, factor, out=weighted)
            # [r (x - m)] [x - m ; 1]^T = [sum r (x-m)(x-m)^T | sum r (x - m)]
            product = weighted @ extended.T
            second[k] += product[:, :n_features]
            first[k] += product[:, n_features]


def _add_tied(moments, X_rows, resp):
    """Tied: pooled scatter = per-point scatter + spread of the means each point mixes.

    With ``xbar_n = sum_k r_nk m_k`` (rows of ``resp`` sum to one)::

        sum_k r_nk (x_n - m_k)(x_n - m_k)^T
            = (x_n - xbar_n)(x_n - xbar_n)^T
              + 1/2 sum_jk r_nj r_nk (m_j - m_k)(m_j - m_k)^T,

    so a chunk costs one dsyrk on ``x - xbar`` and a K x K product ``r r^T``,
    whatever K, and every term is a sum of squares (no cancellation).  For a
    point owned by one component, ``x - xbar`` is exactly ``x - m_k``.
    """
    moments["weighted_sum"] += resp @ X_rows
    deviations = X_rows - resp.T @ moments["reference"]
    # deviations.T is a Fortran-ordered (D, rows) view: dsyrk gives deviations^T deviations.
    blas.dsyrk(1.0, deviations.T, beta=1.0, c=moments["point_scatter"], trans=0, lower=0,
               overwrite_c=1)
    # (K, rows) C-ordered is (rows, K) Fortran-ordered: dsyrk gives resp resp^T.
    blas.dsyrk(1.0, resp.T, beta=1.0, c=moments["sharing"], trans=1, lower=0, overwrite_c=1)


def _add_separable(moments, work, resp):
    """'diag'/'spherical': the sums of one chunk.

    ``sum r [1, x~^2, x~]`` in one product for every component; for the
    centred ones, sums around m_k over the rows with r > 0 as well.
    """
    features, XT = work
    moments["expanded"] += features @ resp.T
    reference = moments["reference"]
    for k in moments["centred_components"]:
        rows = np.flatnonzero(resp[k])
        if not rows.size:
            continue
        weights = resp[k, rows]
        differences = np.take(XT, rows, axis=1)
        differences -= reference[k][:, np.newaxis]
        moments["first"][k] += differences @ weights
        differences *= differences
        moments["second"][k] += differences @ weights


def _add_moments(moments, work, resp):
    """Fold one chunk's responsibilities (K, rows) into the accumulators."""
    covariance_type = moments["covariance_type"]
    if covariance_type == "full":
        moments["resp_sum"] += resp.sum(axis=1)
        _add_full(moments, work, resp)
    elif covariance_type == "tied":
        moments["resp_sum"] += resp.sum(axis=1)
        _add_tied(moments, work, resp)
    else:
        _add_separable(moments, work, resp)


def _symmetrise_upper(matrix):
    """Copy the upper triangle of a square matrix into its lower triangle, in place."""
    lower = np.tril_indices(matrix.shape[0], -1)
    matrix[lower] = matrix.T[lower]
    return matrix


def _finish_moments(moments):
    """Statistics ``(R, a, S)`` around the reference means.

    Returns
    -------
    resp_sum : ndarray of shape (K,)
        ``R_k = sum_n r_nk``.
    first : ndarray of shape (K, D)
        ``a_k = sum_n r_nk (x_n - m_k)``.
    second : ndarray
        ``sum_n r_nk (x_n - m_k)(x_n - m_k)^T`` per component (full, (K, D, D));
        summed over components (tied, (D, D)); its diagonal (diag, (K, D));
        its trace (spherical, (K,)).
    magnitude : ndarray or None
        'diag'/'spherical' (shaped like ``second``): the size of the terms
        whose difference gave ``second`` -- 0 for the centred components --
        to detect a loss of accuracy by cancellation.
    """
    covariance_type = moments["covariance_type"]
    reference = moments["reference"]
    resp_sum = moments["resp_sum"]
    magnitude = None
    if covariance_type == "full":
        first = moments["first"]
        # BLAS filled (at least) the upper triangle of second[k].T, the lower one of second[k].
        second = np.ascontiguousarray(np.swapaxes(moments["second"], 1, 2))
        for matrix in second:
            _symmetrise_upper(matrix)
    elif covariance_type == "tied":
        first = moments["weighted_sum"] - resp_sum[:, np.newaxis] * reference
        second = _symmetrise_upper(np.array(moments["point_scatter"]))
        sharing = _symmetrise_upper(np.array(moments["sharing"]))
        gaps = reference[:, np.newaxis, :] - reference[np.newaxis, :, :]
        second += 0.5 * np.einsum("jk,jkd,jke->de", sharing, gaps, gaps)
    else:
        # sum r (x - m)^2 = sum r x~^2 - 2 m~ sum r x~ + R m~^2, x~ = x - c, m~ = m - c
        n_features = reference.shape[1]
        sums = moments["expanded"]
        shifted = reference - moments["center"]
        resp_sum = sums[0]
        shifted_sum = sums[-n_features:].T
        squares = sums[1:-n_features].T
        first = shifted_sum - resp_sum[:, np.newaxis] * shifted
        cross = shifted * shifted_sum
        offset = resp_sum[:, np.newaxis] * shifted**2
        if covariance_type == "spherical":
            squares, cross, offset = squares[:, 0], cross.sum(axis=1), offset.sum(axis=1)
        second = squares - 2.0 * cross + offset
        magnitude = squares + 2.0 * np.abs(cross) + offset
        centred = moments["centred_components"]
        if centred.size:  # the centred sums replace the expanded ones
            first[centred] = moments["first"][centred]
            second[centred] = (moments["second"][centred] if covariance_type == "diag"
                               else moments["second"][centred].sum(axis=1))
            magnitude[centred] = 0.0
    return resp_sum, first, second, magnitude


###############################################################################
# M-step from the statistics


def _parameters_from_moments(resp_sum, first, second, reference, covariance_type, reg_covar):
    """Weights, means and covariances from statistics around ``reference``.

    Mirrors the teaching M-step (and scikit-learn's): ``N_k = R_k + 10 eps``,
    ``mu_k = sum_n r_nk x_n / N_k``, ``Sigma_k = sum_n r_nk (x_n - mu_k)(x_n -
    mu_k)^T / N_k + reg_covar I`` (pooled over k and divided by ``sum_k N_k``
    for 'tied'; its diagonal for 'diag'; the mean of that for 'spherical').

    Returns
    -------
    n_k : ndarray of shape (K,)
    means : ndarray of shape (K, D)
    covariances : ndarray
    """
    n_k = resp_sum + _TEN_EPS
    # mu_k - m_k = (a_k + R_k m_k) / N_k - m_k = (a_k - 10 eps m_k) / N_k
    shift = (first - _TEN_EPS * reference) / n_k[:, np.newaxis]
    means = reference + shift
    n_features = reference.shape[1]
    if covariance_type in ("full", "tied"):
        cross = np.einsum("ki,kj->kij", first, shift)
        correction = np.einsum("k,ki,kj->kij", resp_sum, shift, shift) - cross
        correction -= np.swapaxes(cross, 1, 2)
        if covariance_type == "full":
            covariances = (second + correction) / n_k[:, np.newaxis, np.newaxis]
        else:
            covariances = (second + correction.sum(axis=0)) / n_k.sum()
        covariances[..., np.arange(n_features), np.arange(n_features)] += reg_covar
    elif covariance_type == "diag":
        scatter = second - 2.0 * first * shift + resp_sum[:, np.newaxis] * shift**2
        covariances = scatter / n_k[:, np.newaxis] + reg_covar
    else:
        scatter = (second - 2.0 * np.sum(first * shift, axis=1)
                   + resp_sum * np.sum(shift**2, axis=1))
        covariances = scatter / (n_k * n_features) + reg_covar
    return n_k, means, covariances


###############################################################################
# The fused pass and the EM loop


def _data_mean(X, chunk_size):
    """Column means of X, accumulated chunk by chunk."""
    total = np.zeros(X.shape[1])
    for rows in _chunks(X.shape[0], chunk_size):
        total += X[rows].sum(axis=0)
    return total / X.shape[0]


def _fused_pass(X, weights, means, precisions_cholesky, covariance_type, center, centred,
                chunk_size):
    """One sweep over X: E-step of the given parameters and M-step statistics.

    Returns
    -------
    log_likelihood : float
        Total ``sum_n ln p(x_n)`` of the parameters given.
    statistics : tuple
        ``(R, a, S, magnitude)`` from :func:`_finish_moments`.
    """
    model = _prepare_model(weights, means, precisions_cholesky, covariance_type, center, centred)
    moments = _new_moments(covariance_type, means, center, centred)
    log_likelihood = 0.0
    for rows in _chunks(X.shape[0], chunk_size):
        log_prob, work = _weighted_log_prob(X[rows], model)
        log_likelihood += float(_normalise_in_place(log_prob).sum())
        _add_moments(moments, work, log_prob)
    return log_likelihood, _finish_moments(moments)


def _is_separable(covariance_type):
    """'diag' and 'spherical' (diagonal covariances) have the expanded kernels."""
    return covariance_type in ("diag", "spherical")


def _cancellation_factors(magnitude, n_k, covariances, n_features):
    """Per component: how much larger the cancelled terms were than the result.

    ``n_k * covariance`` is the centred scatter plus ``n_k * reg_covar`` (times
    ``n_features`` for 'spherical', whose scatter is summed over features).

    Returns
    -------
    factors : ndarray of shape (K,)
    """
    if covariances.ndim == 2:  # diag: the worst feature of each component
        scale = n_k[:, np.newaxis] * covariances
    else:  # spherical
        scale = (n_k * n_features) * covariances
    ratios = magnitude / np.maximum(scale, np.finfo(np.float64).tiny)
    return ratios.max(axis=1) if ratios.ndim == 2 else ratios


def _em_step(X, weights, means, precisions_cholesky, covariance_type, reg_covar, center,
             state):
    """One EM iteration; returns the log-likelihood of the parameters entering it.

    ``state`` holds the chunk size and, for 'diag'/'spherical', the mask of
    components computed with centred sums.  A component joins it, for the
    rest of the fit, as soon as expanding around the data mean would cost it
    accuracy: before the sweep if its mean is far from the data mean in units
    of its spread, after it (and the sweep is redone) if its variances came
    out of a cancellation.
    """
    n_components, n_features = means.shape
    centred = None
    if _is_separable(covariance_type):
        if state.get("centred") is None:
            state["centred"] = np.zeros(n_components, dtype=bool)
        centred = state["centred"]
        centred |= _expansion_factors(means, precisions_cholesky, covariance_type,
                                      center) > _EXPANSION_LIMIT
    while True:
        chunk_size = state["chunk_size"] or default_chunk_size(
            covariance_type, n_features, n_components,
            0 if centred is None else int(centred.sum()))
        log_likelihood, (resp_sum, first, second, magnitude) = _fused_pass(
            X, weights, means, precisions_cholesky, covariance_type, center, centred,
            chunk_size)
        n_k, new_means, covariances = _parameters_from_moments(
            resp_sum, first, second, means, covariance_type, reg_covar)
        if centred is None:
            break
        inaccurate = _cancellation_factors(magnitude, n_k, covariances,
                                           n_features) > _EXPANSION_LIMIT
        if not np.any(inaccurate & ~centred):
            break
        centred |= inaccurate  # redo this iteration with those components centred
    return log_likelihood, n_k / n_k.sum(), new_means, covariances


def _snapshot(weights, means, covariances, log_likelihood=None):
    return {
        "weights": np.array(weights, dtype=np.float64),
        "means": np.array(means, dtype=np.float64),
        "covariances": np.array(covariances, dtype=np.float64),
        "log_likelihood": log_likelihood,
    }


def fit_em(X, weights, means, precisions_cholesky, covariance_type, reg_covar, tol, max_iter,
           record_history=False, verbose=0, chunk_size=None):
    """Run EM from the given parameters with the fused, chunked sweep.

    Iteration ``t`` computes, in one pass over X, the mean log-likelihood of
    the parameters entering it (the lower bound ``L_t``) and the statistics
    of the M-step, then updates the parameters.  It stops after the first
    iteration with ``|L_t - L_{t-1}| < tol`` (``L_0 = -inf``) or after
    ``max_iter`` iterations -- scikit-learn's rule.  The numbers equal those
    of :func:`gmm_lib.mixture.run_em` to rounding.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    weights : ndarray of shape (n_components,)
    means : ndarray of shape (n_components, n_features)
    precisions_cholesky : ndarray
        Initial precision Cholesky factors in the layout of ``covariance_type``
        (see :mod:`gmm_lib._covariance`).
    covariance_type : {'full', 'tied', 'diag', 'spherical'}
    reg_covar : float
        Added to the diagonal of the covariances (to the variances for
        'diag' and 'spherical').
    tol : float
        Threshold on the change of the lower bound.
    max_iter : int
        Maximum number of iterations (0 returns the initial parameters).
    record_history : bool, default=False
        Keep theta_0, ..., theta_T and their total log-likelihoods.
    verbose : int, default=0
        1: print one line per iteration; 2: with the time it took.
    chunk_size : int or None, default=None
        Rows per chunk; None picks a cache-friendly size
        (:func:`default_chunk_size`).  The result does not depend on it
        beyond rounding.

    Returns
    -------
    result : dict
        ``weights``, ``means``, ``covariances``, ``precisions_cholesky``
        (final parameters), ``lower_bounds`` (list of float), ``n_iter``,
        ``converged``, ``history`` (None unless ``record_history``).

    Raises
    ------
    ValueError
        If a covariance stops being positive-definite (a collapsed component).
    """
    X = np.asarray(X, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    means = np.asarray(means, dtype=np.float64)
    precisions_cholesky = np.asarray(precisions_cholesky, dtype=np.float64)
    n_samples = X.shape[0]
    state = {"chunk_size": None if chunk_size is None else int(chunk_size), "centred": None}
    center = _data_mean(X, state["chunk_size"] or _MAX_CHUNK)

    covariances = covariances_from_precisions_cholesky(precisions_cholesky, covariance_type)
    history = [_snapshot(weights, means, covariances)] if record_history else None
    lower_bound = -np.inf
    lower_bounds = []
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        started = time.perf_counter()
        previous_lower_bound = lower_bound
        total, weights, means, covariances = _em_step(
            X, weights, means, precisions_cholesky, covariance_type, reg_covar, center, state)
        precisions_cholesky = precisions_cholesky_from_covariances(covariances, covariance_type)
        lower_bound = total / n_samples
        lower_bounds.append(lower_bound)
        if record_history:
            history[-1]["log_likelihood"] = total
            history.append(_snapshot(weights, means, covariances))
        change = lower_bound - previous_lower_bound
        if verbose:
            line = f"  Iteration {n_iter}\t lower bound {lower_bound:.6f}\t change {change:.3g}"
            if verbose >= 2:
                line += f"\t {time.perf_counter() - started:.3f}s"
            print(line)
        if abs(change) < tol:
            converged = True
            break
    if record_history:
        history[-1]["log_likelihood"] = _total_log_likelihood(
            X, weights, means, precisions_cholesky, covariance_type, center,
            state["chunk_size"])
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


###############################################################################
# Memory-light helpers for initialisation, scoring and prediction


def _parameters_from_weighted_chunks(X, chunks_of_resp, covariance_type, reg_covar,
                                     reference_means, center):
    """M-step from responsibilities produced chunk by chunk (never all at once).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    chunks_of_resp : iterable of (slice, ndarray of shape (K, rows))
        Row slices of X and the responsibilities of those rows.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}
    reg_covar : float
    reference_means : ndarray of shape (K, D)
        Points to centre the sums on; close to the resulting means.
    center : ndarray of shape (D,)

    Returns
    -------
    weights, means, covariances
        Weights are ``N_k / N`` (``N_k`` with its ``10 eps``), as in
        scikit-learn's initialisation.
    """
    # 'diag'/'spherical': every component is centred (summed around its
    # reference mean, which is close to its final mean), so nothing cancels.
    every_component = np.ones(reference_means.shape[0], dtype=bool)
    moments = _new_moments(covariance_type, reference_means, center, every_component)
    model = {"covariance_type": covariance_type, "center": center}
    for rows, resp in chunks_of_resp:
        X_rows = X[rows]
        if covariance_type == "full":
            work = _transposed(X_rows)
        elif covariance_type == "tied":
            work = X_rows
        else:
            XT = _transposed(X_rows)
            work = (_expanded_features(XT, model), XT)
        _add_moments(moments, work, resp)
    resp_sum, first, second, _ = _finish_moments(moments)
    n_k, means, covariances = _parameters_from_moments(
        resp_sum, first, second, reference_means, covariance_type, reg_covar)
    return n_k / X.shape[0], means, covariances


def _one_hot_chunks(labels, n_components, chunk_size):
    components = np.arange(n_components)[:, np.newaxis]
    for rows in _chunks(labels.shape[0], chunk_size):
        yield rows, (labels[rows] == components).astype(np.float64)


def parameters_from_labels(X, labels, n_components, covariance_type, reg_covar, chunk_size=None):
    """M-step for hard (one-hot) responsibilities, without building them.

    Used to initialise a mixture from k-means labels.  Equals the teaching
    M-step on the one-hot (N, K) responsibilities; a component with no
    sample gets mean 0 and covariance ``reg_covar I`` (as in scikit-learn).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,)
        Integers in ``[0, n_components)``.
    n_components : int
    covariance_type : {'full', 'tied', 'diag', 'spherical'}
    reg_covar : float
    chunk_size : int or None, default=None

    Returns
    -------
    weights : ndarray of shape (n_components,)
        ``N_k / N`` with ``N_k`` the class size plus ``10 eps`` (scikit-learn's
        initialisation; they sum to one up to ``10 K eps / N``).
    means : ndarray of shape (n_components, n_features)
    covariances : ndarray
        In the layout of ``covariance_type``.
    """
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(labels)
    n_samples, n_features = X.shape
    chunk_size = chunk_size or default_chunk_size(covariance_type, n_features, n_components,
                                                  n_centred=n_components)
    # First pass: the class means, so that the second moments are centred.
    counts = np.bincount(labels, minlength=n_components).astype(np.float64)
    sums = np.zeros((n_components, n_features))
    for rows, resp in _one_hot_chunks(labels, n_components, chunk_size):
        sums += resp @ X[rows]
    reference = sums / np.maximum(counts, 1.0)[:, np.newaxis]
    center = _data_mean(X, chunk_size)
    return _parameters_from_weighted_chunks(
        X, _one_hot_chunks(labels, n_components, chunk_size), covariance_type, reg_covar,
        reference, center)


def _random_resp_chunks(n_samples, n_components, random_state, chunk_size):
    for rows in _chunks(n_samples, chunk_size):
        resp = random_state.uniform(size=(rows.stop - rows.start, n_components))
        resp /= resp.sum(axis=1)[:, np.newaxis]
        yield rows, np.ascontiguousarray(resp.T)


def parameters_from_random_responsibilities(X, n_components, covariance_type, reg_covar,
                                            random_state, chunk_size=None):
    """M-step for uniform random responsibilities (scikit-learn's 'random' init).

    The (N, K) matrix ``random_state.uniform(size=(N, K))``, normalised per
    row, is drawn chunk by chunk in the same order, so the numbers are those
    of scikit-learn's single draw, but only one chunk exists at a time.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    n_components : int
    covariance_type : {'full', 'tied', 'diag', 'spherical'}
    reg_covar : float
    random_state : None, int or numpy.random.RandomState
    chunk_size : int or None, default=None

    Returns
    -------
    weights, means, covariances
        As :func:`parameters_from_labels`.
    """
    X = np.asarray(X, dtype=np.float64)
    random_state = check_random_state(random_state)
    n_samples, n_features = X.shape
    chunk_size = chunk_size or default_chunk_size(covariance_type, n_features, n_components,
                                                  n_centred=n_components)
    center = _data_mean(X, chunk_size)
    # Random responsibilities put every mean next to the data mean, so the
    # data mean is an accurate reference for the second moments.
    reference = np.tile(center, (n_components, 1))
    return _parameters_from_weighted_chunks(
        X, _random_resp_chunks(n_samples, n_components, random_state, chunk_size),
        covariance_type, reg_covar, reference, center)


def _scoring_model(X, weights, means, precisions_cholesky, covariance_type, center=None):
    """E-step constants for scoring; the expansion is used only where it is accurate."""
    if center is None:
        center = _data_mean(X, _MAX_CHUNK)
    centred = None
    if _is_separable(covariance_type):
        centred = _expansion_factors(means, precisions_cholesky, covariance_type,
                                     center) > _EXPANSION_LIMIT
    return _prepare_model(weights, means, precisions_cholesky, covariance_type, center, centred)


def _scoring_chunk_size(model, n_features, n_components, chunk_size):
    n_centred = model["centred"].size if _is_separable(model["covariance_type"]) else 0
    return chunk_size or default_chunk_size(model["covariance_type"], n_features, n_components,
                                            n_centred)


def _total_log_likelihood(X, weights, means, precisions_cholesky, covariance_type, center,
                          chunk_size=None):
    """``sum_n ln p(x_n)`` without storing the (N,) values."""
    model = _scoring_model(X, weights, means, precisions_cholesky, covariance_type, center)
    chunk_size = _scoring_chunk_size(model, X.shape[1], means.shape[0], chunk_size)
    total = 0.0
    for rows in _chunks(X.shape[0], chunk_size):
        log_prob, _ = _weighted_log_prob(X[rows], model)
        total += float(_normalise_in_place(log_prob).sum())
    return total


def score_samples_chunked(X, weights, means, precisions_cholesky, covariance_type,
                          chunk_size=None):
    """Log-density ``ln p(x_n) = ln sum_k pi_k N(x_n | mu_k, Sigma_k)`` of each sample.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    weights : ndarray of shape (n_components,)
    means : ndarray of shape (n_components, n_features)
    precisions_cholesky : ndarray
    covariance_type : {'full', 'tied', 'diag', 'spherical'}
    chunk_size : int or None, default=None

    Returns
    -------
    log_prob : ndarray of shape (n_samples,)
    """
    X = np.asarray(X, dtype=np.float64)
    model = _scoring_model(X, weights, means, precisions_cholesky, covariance_type)
    chunk_size = _scoring_chunk_size(model, X.shape[1], means.shape[0], chunk_size)
    log_prob_norm = np.empty(X.shape[0])
    for rows in _chunks(X.shape[0], chunk_size):
        log_prob, _ = _weighted_log_prob(X[rows], model)
        log_prob_norm[rows] = _normalise_in_place(log_prob)
    return log_prob_norm


def predict_chunked(X, weights, means, precisions_cholesky, covariance_type, chunk_size=None):
    """Most probable component of each sample (argmax of the responsibilities).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    weights : ndarray of shape (n_components,)
    means : ndarray of shape (n_components, n_features)
    precisions_cholesky : ndarray
    covariance_type : {'full', 'tied', 'diag', 'spherical'}
    chunk_size : int or None, default=None

    Returns
    -------
    labels : ndarray of shape (n_samples,), dtype int64
    """
    X = np.asarray(X, dtype=np.float64)
    model = _scoring_model(X, weights, means, precisions_cholesky, covariance_type)
    chunk_size = _scoring_chunk_size(model, X.shape[1], means.shape[0], chunk_size)
    labels = np.empty(X.shape[0], dtype=np.int64)
    for rows in _chunks(X.shape[0], chunk_size):
        log_prob, _ = _weighted_log_prob(X[rows], model)
        labels[rows] = np.argmax(log_prob, axis=0)
    return labels
