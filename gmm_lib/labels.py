r"""Label switching: the K! relabellings of a mixture, and how to undo them.

The mixture density :math:`p(\mathbf{x}) = \sum_k \pi_k \mathcal{N}(\mathbf{x}
\mid \boldsymbol\mu_k, \boldsymbol\Sigma_k)` is a *sum*, so renaming the
components (applying a permutation to the index ``k`` of the weights, means
and covariances together) gives the same density and the same
log-likelihood.  Two EM runs that find the same maximum may therefore list
its components in different orders.  Before component ``k`` of one run is
compared with component ``k`` of another -- or, worse, before parameters of
several runs are averaged -- the components must be matched.

* :func:`align_components` finds the permutation that best matches the means
  of a fit to reference means (an assignment problem, solved exactly by
  :func:`scipy.optimize.linear_sum_assignment`);
* :func:`permute_parameters` applies a permutation to weights, means and
  covariances in any of the four covariance layouts;
* :func:`relabel` renames hard labels (e.g. ``predict`` output) accordingly;
* :func:`two_means_log_likelihood_grid` evaluates the log-likelihood of a
  two-component 1-D mixture over a grid of ``(mu_1, mu_2)`` -- the surface
  whose mirror symmetry about ``mu_1 = mu_2`` *is* label switching.

:func:`gmm_lib.metrics.match_labels` solves the related problem of matching
two *clusterings* (label vectors); here the components are matched through
their parameters, which works even when no hard labels are available.
"""

import numpy as np
from scipy.optimize import linear_sum_assignment

from ._validation import check_array, check_covariance_type, check_weights

__all__ = [
    "align_components",
    "permute_parameters",
    "relabel",
    "two_means_log_likelihood_grid",
]


def _check_permutation(permutation, n_components=None):
    """Return ``permutation`` as an int array holding each of 0..K-1 exactly once."""
    array = np.asarray(permutation)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            "permutation must be a non-empty 1-D array of component indices, but it "
            f"has shape {array.shape}."
        )
    if array.dtype.kind not in "iu":
        raise ValueError(
            f"permutation must hold integer component indices, got dtype {array.dtype}."
        )
    if n_components is not None and array.size != n_components:
        raise ValueError(
            f"permutation must have one entry per component ({n_components}), but it "
            f"has {array.size}."
        )
    if not np.array_equal(np.sort(array), np.arange(array.size)):
        raise ValueError(
            "permutation must contain each of 0, 1, ..., K-1 exactly once (a "
            f"reordering of the components), got {array.tolist()}."
        )
    return array.astype(np.intp)


def align_components(reference_means, means):
    """The reordering of ``means`` that best matches ``reference_means``.

    Among the K! one-to-one matchings of the components, the one with the
    smallest total squared distance ``sum_j ||reference_means[j] -
    means[permutation[j]]||^2`` is found exactly (Hungarian algorithm,
    :func:`scipy.optimize.linear_sum_assignment`).  Distances are Euclidean,
    so features on very different scales should be standardised first (or
    the means passed in standardised units).

    Parameters
    ----------
    reference_means : array-like of shape (n_components, n_features)
        The means that fix the names, e.g. those of a first EM run.
    means : array-like of shape (n_components, n_features)
        The means of the fit to rename.

    Returns
    -------
    permutation : ndarray of shape (n_components,), dtype int
        ``means[permutation]`` lists the components in the reference order:
        component ``permutation[j]`` of the fit is matched to reference
        component ``j``.  Use :func:`permute_parameters` to reorder a whole
        fit and :func:`relabel` for its hard labels.

    Examples
    --------
    >>> import numpy as np
    >>> align_components(np.array([[0.0], [5.0]]), np.array([[5.1], [-0.2]])).tolist()
    [1, 0]
    """
    reference_means = check_array(reference_means, name="reference_means", ndim=2)
    means = check_array(means, name="means", ndim=2)
    if means.shape != reference_means.shape:
        raise ValueError(
            "means and reference_means must have the same shape (n_components, "
            f"n_features), but they have shapes {means.shape} and "
            f"{reference_means.shape}."
        )
    difference = reference_means[:, np.newaxis, :] - means[np.newaxis, :, :]
    cost = np.einsum("jkd,jkd->jk", difference, difference)
    rows, columns = linear_sum_assignment(cost)
    permutation = np.empty(means.shape[0], dtype=np.intp)
    permutation[rows] = columns
    return permutation


def permute_parameters(weights, means, covariances, permutation, covariance_type="full"):
    """Reorder the components of a mixture: component ``permutation[j]`` becomes ``j``.

    The density and the log-likelihood do not change; only the names of the
    components do.

    Parameters
    ----------
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        full: (K, D, D); tied: (D, D) (shared, returned unchanged); diag:
        (K, D); spherical: (K,).
    permutation : array-like of int, shape (n_components,)
        A reordering of ``0..K-1``, e.g. from :func:`align_components`.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    weights, means, covariances : ndarray
        New arrays ``weights[permutation]``, ``means[permutation]`` and the
        covariances reordered likewise (a copy for 'tied').
    """
    check_covariance_type(covariance_type)
    means = check_array(means, name="means", ndim=2)
    n_components = means.shape[0]
    weights = check_array(weights, name="weights", ndim=1)
    if weights.shape != (n_components,):
        raise ValueError(
            f"weights must have shape ({n_components},), one per component (means has "
            f"{n_components} rows), but has shape {weights.shape}."
        )
    expected_ndim = {"full": 3, "tied": 2, "diag": 2, "spherical": 1}[covariance_type]
    covariances = check_array(covariances, name="covariances", ndim=expected_ndim)
    if covariance_type != "tied" and covariances.shape[0] != n_components:
        raise ValueError(
            f"covariances must have one entry per component ({n_components}) for "
            f"covariance_type={covariance_type!r}, but has shape {covariances.shape}."
        )
    permutation = _check_permutation(permutation, n_components)
    if covariance_type == "tied":
        covariances = covariances.copy()
    else:
        covariances = covariances[permutation]
    return weights[permutation], means[permutation], covariances


def relabel(labels, permutation):
    """Hard labels renamed consistently with :func:`permute_parameters`.

    A point labelled ``permutation[j]`` (its component in the original order)
    gets the label ``j`` (the same component in the new order).

    Parameters
    ----------
    labels : array-like of int, shape (n_samples,)
        Component indices in ``0..K-1``.
    permutation : array-like of int, shape (n_components,)

    Returns
    -------
    new_labels : ndarray of shape (n_samples,), dtype int
    """
    permutation = _check_permutation(permutation)
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(
            "labels must be a 1-D array of integer component indices, got shape "
            f"{labels.shape} and dtype {labels.dtype}."
        )
    if labels.size and (labels.min() < 0 or labels.max() >= permutation.size):
        raise ValueError(
            f"labels must lie in 0..{permutation.size - 1} (one per component of the "
            f"permutation), but range over [{labels.min()}, {labels.max()}]."
        )
    inverse = np.empty_like(permutation)
    inverse[permutation] = np.arange(permutation.size)
    return inverse[labels]


def _check_pair(values, name):
    values = check_array(values, name=name, ndim=1)
    if values.shape != (2,):
        raise ValueError(f"{name} must hold exactly two numbers (one per component), got {values.shape}.")
    return values


def two_means_log_likelihood_grid(x, mu1_values, mu2_values, weights=(0.5, 0.5), variances=(1.0, 1.0)):
    """Log-likelihood of a two-component 1-D mixture over a grid of its two means.

    ``surface[j, i] = sum_n ln(pi_1 N(x_n | mu1_values[i], s_1) + pi_2 N(x_n |
    mu2_values[j], s_2))``, the weights and variances held fixed.  With equal
    weights and equal variances the surface is symmetric under swapping the
    two means, i.e. about the diagonal ``mu_1 = mu_2``.  Each entry equals
    :func:`gmm_lib.mixture.log_likelihood` of the same parameters; the grid
    is computed in one vectorised pass (``np.logaddexp``, no overflow).

    Parameters
    ----------
    x : array-like of shape (n_samples,) or (n_samples, 1)
        One-dimensional data.
    mu1_values : array-like of shape (G1,)
        Values of the first mean (the horizontal axis of a contour plot).
    mu2_values : array-like of shape (G2,)
        Values of the second mean (the vertical axis).
    weights : array-like of shape (2,), default=(0.5, 0.5)
    variances : array-like of shape (2,), default=(1.0, 1.0)
        Variances ``sigma_k^2`` (not standard deviations), positive.

    Returns
    -------
    surface : ndarray of shape (G2, G1)
        Rows follow ``mu2_values`` and columns ``mu1_values``, as
        ``matplotlib``'s ``contour(mu1_values, mu2_values, surface)`` expects.
    """
    x = check_array(x, name="x", ndim=(1, 2))
    if x.ndim == 2:
        if x.shape[1] != 1:
            raise ValueError(
                f"x must be one-dimensional data, shape (n_samples,) or (n_samples, 1), "
                f"but has shape {x.shape}."
            )
        x = x[:, 0]
    if x.size == 0:
        raise ValueError("x is empty: at least one sample is needed.")
    mu1_values = check_array(mu1_values, name="mu1_values", ndim=1)
    mu2_values = check_array(mu2_values, name="mu2_values", ndim=1)
    weights = check_weights(_check_pair(weights, "weights"), 2)
    variances = _check_pair(variances, "variances")
    if np.any(variances <= 0.0):
        raise ValueError(
            f"variances must be strictly positive (they are sigma_k^2), got {variances.tolist()}."
        )
    with np.errstate(divide="ignore"):  # a zero weight is a legitimate -inf
        log_weights = np.log(weights)

    def weighted_log_density(values, k):
        squared = (x[:, np.newaxis] - values[np.newaxis, :]) ** 2
        return log_weights[k] - 0.5 * (np.log(2.0 * np.pi * variances[k]) + squared / variances[k])

    first = weighted_log_density(mu1_values, 0)   # (N, G1)
    second = weighted_log_density(mu2_values, 1)  # (N, G2)
    surface = np.empty((mu2_values.size, mu1_values.size))
    for j in range(mu2_values.size):
        surface[j] = np.logaddexp(first, second[:, j : j + 1]).sum(axis=0)
    return surface
