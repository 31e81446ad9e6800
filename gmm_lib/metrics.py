r"""Comparing two clusterings of the same points.

A clustering is a vector of integer labels, one per sample.  The numbers
themselves mean nothing: two runs of k-means (or of EM) that find exactly
the same groups may call them ``0, 1, 2`` and ``2, 0, 1``.  Comparing two
clusterings therefore needs either a *matching* of their labels or a score
that ignores the names altogether:

* :func:`contingency_matrix` counts the samples in every pair of clusters;
* :func:`match_labels` renames the clusters of one clustering so that they
  agree as much as possible with another (the assignment problem, solved
  exactly by :func:`scipy.optimize.linear_sum_assignment`);
* :func:`mismatch_fraction` is the fraction of samples on which two
  clusterings still disagree after that matching;
* :func:`adjusted_rand_index` scores the agreement of the two partitions
  over all *pairs* of samples, corrected for chance (1 for identical
  partitions, about 0 for unrelated ones), and needs no matching.

Only numpy and scipy are used.
"""

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = [
    "adjusted_rand_index",
    "contingency_matrix",
    "match_labels",
    "mismatch_fraction",
]


def _check_label_vector(labels, name):
    """Return ``labels`` as a 1-D array of non-negative integers (dtype intp)."""
    array = np.asarray(labels)
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D array of cluster indices (one per sample), "
            f"but it has {array.ndim} dimension(s) with shape {array.shape}."
        )
    if array.size == 0:
        raise ValueError(f"{name} is empty: a clustering needs at least one sample.")
    if array.dtype.kind == "b" or array.dtype.kind not in "iuf":
        raise ValueError(
            f"{name} must hold integer cluster indices 0, 1, 2, ..., got dtype {array.dtype}."
        )
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
            raise ValueError(
                f"{name} must hold integer cluster indices 0, 1, 2, ...; it "
                f"contains non-integer or non-finite values."
            )
    if array.min() < 0:
        raise ValueError(
            f"{name} must hold non-negative cluster indices, but its smallest "
            f"entry is {array.min()}."
        )
    return array.astype(np.intp)


def _check_label_pair(labels_a, labels_b, name_a, name_b):
    labels_a = _check_label_vector(labels_a, name_a)
    labels_b = _check_label_vector(labels_b, name_b)
    if labels_a.shape != labels_b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must label the same samples, but they have "
            f"{labels_a.shape[0]} and {labels_b.shape[0]} entries."
        )
    return labels_a, labels_b


def _contingency(labels_a, labels_b):
    # Trusts its inputs; see contingency_matrix.
    shape = (int(labels_a.max()) + 1, int(labels_b.max()) + 1)
    table = np.zeros(shape, dtype=np.int64)
    np.add.at(table, (labels_a, labels_b), 1)
    return table


def contingency_matrix(labels_a, labels_b):
    """Count the samples shared by every pair of clusters.

    Parameters
    ----------
    labels_a : array-like of shape (n_samples,)
        Non-negative integer labels of the first clustering.
    labels_b : array-like of shape (n_samples,)
        Labels of the second clustering, for the same samples.

    Returns
    -------
    table : ndarray of shape (max(labels_a) + 1, max(labels_b) + 1), dtype int64
        ``table[i, j]`` is the number of samples with ``labels_a == i`` and
        ``labels_b == j``.  Rows and columns of unused labels are zero.
    """
    labels_a, labels_b = _check_label_pair(labels_a, labels_b, "labels_a", "labels_b")
    return _contingency(labels_a, labels_b)


def _matching(reference_labels, labels):
    # Trusts its inputs.  mapping[old] = new, a permutation of 0..M-1 with
    # M = max(#reference labels, #labels).
    table = _contingency(reference_labels, labels)
    size = max(table.shape)
    square = np.zeros((size, size), dtype=np.int64)
    square[: table.shape[0], : table.shape[1]] = table
    # Maximise the samples on the diagonal: rows are reference clusters,
    # columns the clusters to rename; row_ind is 0..size-1 in order.
    reference_ids, cluster_ids = linear_sum_assignment(square, maximize=True)
    mapping = np.empty(size, dtype=np.intp)
    mapping[cluster_ids] = reference_ids
    return mapping[: table.shape[1]]


def match_labels(reference_labels, labels, return_mapping=False):
    """Rename the clusters of ``labels`` to agree as much as possible with a reference.

    Among all one-to-one renamings of the clusters, the one that maximises
    the number of samples carrying the same label in both clusterings is
    found exactly (Hungarian algorithm on the contingency table).  Clusters
    of ``labels`` that have no partner in the reference (when ``labels``
    uses more clusters) get the unused indices.

    Parameters
    ----------
    reference_labels : array-like of shape (n_samples,)
        E.g. the true labels of a simulated data set, or the labels of a
        first run.
    labels : array-like of shape (n_samples,)
        The clustering to rename.

    Returns
    -------
    matched_labels : ndarray of shape (n_samples,), dtype int
        ``mapping[labels]``: the same partition as ``labels``, renamed.
    mapping : ndarray of shape (max(labels) + 1,), dtype int
        Only if ``return_mapping`` is True.  Cluster ``k`` of ``labels`` is
        called ``mapping[k]`` after matching; reorder centres accordingly
        with ``new_centers[mapping] = centers``.
    """
    reference_labels, labels = _check_label_pair(
        reference_labels, labels, "reference_labels", "labels"
    )
    mapping = _matching(reference_labels, labels)
    matched = mapping[labels]
    if return_mapping:
        return matched, mapping
    return matched


def mismatch_fraction(reference_labels, labels):
    """Fraction of samples whose cluster disagrees with the reference after matching.

    The clusters of ``labels`` are first renamed with :func:`match_labels`,
    so a clustering that finds the reference groups under other names
    scores 0.

    Parameters
    ----------
    reference_labels : array-like of shape (n_samples,)
    labels : array-like of shape (n_samples,)

    Returns
    -------
    fraction : float
        In ``[0, 1)``.
    """
    reference_labels, labels = _check_label_pair(
        reference_labels, labels, "reference_labels", "labels"
    )
    matched = _matching(reference_labels, labels)[labels]
    return float(np.mean(matched != reference_labels))


def _pairs(counts):
    """Number of unordered pairs, n (n - 1) / 2, in floating point."""
    counts = counts.astype(np.float64)
    return counts * (counts - 1.0) / 2.0


def adjusted_rand_index(labels_a, labels_b):
    r"""Agreement of two partitions over all pairs of samples, corrected for chance.

    With the contingency table :math:`n_{ij}`, its row sums :math:`a_i` and
    column sums :math:`b_j`, the index is

    .. math::

        \mathrm{ARI} = \frac{\sum_{ij} \binom{n_{ij}}{2} - E}
                            {\tfrac12 \left[\sum_i \binom{a_i}{2} + \sum_j \binom{b_j}{2}\right] - E},
        \qquad
        E = \frac{\sum_i \binom{a_i}{2} \sum_j \binom{b_j}{2}}{\binom{N}{2}},

    where :math:`E` is the expected number of agreeing pairs if the labels
    were shuffled.  It is symmetric, does not depend on the names of the
    clusters, equals 1 for identical partitions and is close to 0 (it can be
    negative) for unrelated ones.  As scikit-learn does, the degenerate case
    where the denominator vanishes (both clusterings put every sample in one
    cluster, or every sample in its own cluster) scores 1.

    Parameters
    ----------
    labels_a : array-like of shape (n_samples,)
    labels_b : array-like of shape (n_samples,)

    Returns
    -------
    ari : float
    """
    labels_a, labels_b = _check_label_pair(labels_a, labels_b, "labels_a", "labels_b")
    table = _contingency(labels_a, labels_b)
    n_samples = labels_a.shape[0]
    pairs_together = _pairs(table).sum()
    pairs_a = _pairs(table.sum(axis=1)).sum()
    pairs_b = _pairs(table.sum(axis=0)).sum()
    total_pairs = n_samples * (n_samples - 1.0) / 2.0
    expected = pairs_a * pairs_b / total_pairs if total_pairs > 0 else 0.0
    maximum = 0.5 * (pairs_a + pairs_b)
    denominator = maximum - expected
    if denominator == 0.0:
        return 1.0
    return float((pairs_together - expected) / denominator)
