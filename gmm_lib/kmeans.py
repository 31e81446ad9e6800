r"""k-means clustering: the algorithm of chapter 2, step by step and fast.

k-means looks for ``K`` centres :math:`\mu_k` and a hard assignment
:math:`r_{nk} \in \{0, 1\}` of every sample to one centre that minimise the
*distortion*

.. math::

    J = \sum_{n=1}^{N} \sum_{k=1}^{K} r_{nk} \, \lVert x_n - \mu_k \rVert^2 .

Lloyd's algorithm alternates two steps, each of which can only lower ``J``:

* the **assignment step** (:func:`assign_clusters`) minimises ``J`` over
  ``r`` with the centres fixed: every sample goes to its nearest centre;
* the **update step** (:func:`update_centers`) minimises ``J`` over the
  centres with ``r`` fixed: setting :math:`\partial J / \partial \mu_k = 0`
  gives the mean of the samples assigned to cluster ``k``.

The module has two layers:

* small, plainly written public functions, one per idea, which the course
  reads and runs (:func:`squared_distances`, :func:`assign_clusters`,
  :func:`relocate_empty_clusters`, :func:`update_centers`,
  :func:`distortion`, :func:`one_hot`, :func:`kmeans_plusplus`,
  :func:`lloyd`);
* the estimator :class:`KMeans`, with scikit-learn's interface, whose
  ``fit`` runs the same algorithm through private, chunked, vectorised
  functions (``_lloyd_fast``).  Both layers give the same answer, and
  ``KMeans`` reproduces ``sklearn.cluster.KMeans(algorithm="lloyd")`` from
  the same initial centres: same labels, same number of iterations and the
  same centres and inertia up to rounding.

Only numpy is used.
"""

import warnings
from typing import NamedTuple

import numpy as np

from .exceptions import ConvergenceWarning, NotFittedError
from ._validation import (
    check_array,
    check_n_components,
    check_n_features,
    check_non_negative_float,
    check_positive_int,
    check_random_state,
)

__all__ = [
    "ConvergenceWarning",
    "KMeans",
    "LloydResult",
    "NotFittedError",
    "assign_clusters",
    "distortion",
    "kmeans_plusplus",
    "lloyd",
    "one_hot",
    "relocate_empty_clusters",
    "squared_distances",
    "update_centers",
]

# The fast path works on chunks of about this many floats (rows x columns),
# small enough to stay in cache: beyond X, its memory is a few chunks, O(K D)
# and O(N) labels, never O(N K) or O(N D).
_FLOATS_PER_CHUNK = 2**17
_MIN_CHUNK_ROWS = 256
# The matrix products of the assignment step read at most about this many
# floats of X at a time (half of a typical L2 cache).
_FLOATS_PER_PRODUCT = 2**16


# ---------------------------------------------------------------------------
# Teaching steps
# ---------------------------------------------------------------------------


def _squared_norms(X):
    """Squared Euclidean norm of every row of ``X``, shape (n_rows,)."""
    return np.einsum("ij,ij->i", X, X)


def _check_labels(labels, n_samples, n_clusters):
    """Return ``labels`` as an int array of shape (n_samples,) with values in [0, K)."""
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(
            f"labels must be a 1-D array of cluster indices, but it has "
            f"{labels.ndim} dimension(s) with shape {labels.shape}."
        )
    if labels.shape[0] != n_samples:
        raise ValueError(
            f"labels has {labels.shape[0]} entries but X has {n_samples} "
            f"samples: there must be exactly one label per sample."
        )
    if labels.size and labels.dtype.kind not in "iu":
        if labels.dtype.kind == "f" and np.all(np.isfinite(labels)) and np.all(
            labels == np.round(labels)
        ):
            labels = labels.astype(np.intp)
        else:
            raise ValueError(
                f"labels must be integers (cluster indices), got dtype {labels.dtype}."
            )
    labels = labels.astype(np.intp, copy=False)
    if labels.size and (labels.min() < 0 or labels.max() >= n_clusters):
        raise ValueError(
            f"labels must lie in [0, n_clusters - 1] = [0, {n_clusters - 1}], "
            f"but the range is [{labels.min()}, {labels.max()}]."
        )
    return labels


def _check_centers(centers, n_features, name="centers"):
    """Return ``centers`` as a finite (K, D) float array matching ``n_features``."""
    centers = check_array(centers, name=name, ndim=2)
    if centers.shape[1] != n_features:
        raise ValueError(
            f"{name} has {centers.shape[1]} feature(s) but X has {n_features}: "
            f"{name} must have shape (n_clusters, n_features) = "
            f"({centers.shape[0]}, {n_features})."
        )
    return centers


def squared_distances(X, centers):
    r"""Squared Euclidean distance from every sample to every centre.

    Uses the expansion
    :math:`\lVert x - \mu \rVert^2 = \lVert x \rVert^2 - 2 x^T \mu + \lVert \mu \rVert^2`,
    whose middle term is a single matrix product.  Rounding can make the
    expansion very slightly negative for a sample that sits on a centre;
    such values are clipped to 0.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The samples :math:`x_n`.
    centers : array-like of shape (n_clusters, n_features)
        The centres :math:`\mu_k`.

    Returns
    -------
    distances : ndarray of shape (n_samples, n_clusters)
        ``distances[n, k]`` is :math:`\lVert x_n - \mu_k \rVert^2`.
    """
    X = check_array(X)
    centers = _check_centers(centers, X.shape[1])
    distances = -2.0 * (X @ centers.T)
    distances += _squared_norms(centers)[np.newaxis, :]
    distances += _squared_norms(X)[:, np.newaxis]
    np.maximum(distances, 0.0, out=distances)
    return distances


def assign_clusters(X, centers):
    r"""Assignment step: send every sample to its nearest centre.

    With the centres fixed, ``J`` is a sum of independent terms, one per
    sample, and each is smallest when :math:`r_{nk} = 1` for the nearest
    centre.  Since :math:`\lVert x_n \rVert^2` is the same for every
    centre, it is enough to minimise :math:`\lVert \mu_k \rVert^2 - 2 x_n^T \mu_k`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    centers : array-like of shape (n_clusters, n_features)

    Returns
    -------
    labels : ndarray of shape (n_samples,), dtype int
        Index of the nearest centre of each sample.  Ties go to the lowest
        index.
    """
    X = check_array(X)
    centers = _check_centers(centers, X.shape[1])
    scores = -2.0 * (X @ centers.T) + _squared_norms(centers)
    return np.argmin(scores, axis=1)  # argmin returns the first minimum


def _cluster_sums_and_counts(X, labels, n_clusters):
    """Sum and number of the samples of each cluster, shapes (K, D) and (K,)."""
    sums = np.zeros((n_clusters, X.shape[1]))
    np.add.at(sums, labels, X)  # adds the samples one by one, in order
    counts = np.bincount(labels, minlength=n_clusters).astype(np.float64)
    return sums, counts


def _means_from_sums(sums, counts):
    """Cluster means; an empty cluster gets the mean of the most populated one."""
    # Multiplying by the reciprocal (as scikit-learn does) keeps the teaching
    # functions, the fast path and scikit-learn bit-for-bit identical.
    nonempty = counts > 0
    if nonempty.all():
        return sums * (1.0 / counts)[:, np.newaxis]
    centers = np.empty_like(sums)
    centers[nonempty] = sums[nonempty] * (1.0 / counts[nonempty])[:, np.newaxis]
    centers[~nonempty] = centers[np.argmax(counts)]
    return centers


def _farthest_samples_for_empty_clusters(X, labels, counts, centers, shift=None):
    """scikit-learn's relocation rule: (empty clusters, the samples they take).

    The n_empty samples farthest from their centre, farthest first; nothing
    when there is no empty cluster or every sample sits on its centre.
    ``shift`` (optional): the centres are those of the samples ``x - shift``.
    """
    empty_clusters = np.flatnonzero(counts == 0)
    if empty_clusters.size == 0:
        return empty_clusters, empty_clusters
    distances = np.empty(X.shape[0])
    rows = _chunk_rows(X.shape[0], X.shape[1])
    for start in range(0, X.shape[0], rows):
        stop = min(start + rows, X.shape[0])
        block = X[start:stop] if shift is None else X[start:stop] - shift
        residuals = block - centers[labels[start:stop]]
        distances[start:stop] = (residuals**2).sum(axis=1)
    if distances.max() == 0.0:
        # Fewer distinct points than clusters: moving a point would not lower J.
        return empty_clusters[:0], empty_clusters[:0]
    n_empty = empty_clusters.size
    farthest = np.argpartition(distances, -n_empty)[-n_empty:][::-1]
    return empty_clusters, farthest


def _relocate_sums(X, labels, centers, sums, counts, shift=None):
    """Apply the relocation to cluster sums and counts (in place).

    Each relocated sample is taken out of its cluster (subtracted from its
    sum) and becomes the only member of an empty cluster.  Returns the
    relocated samples and their new clusters.  ``shift`` (optional): the
    sums and centres are those of the samples ``x - shift``.
    """
    empty_clusters, farthest = _farthest_samples_for_empty_clusters(
        X, labels, counts, centers, shift
    )
    for cluster, sample in zip(empty_clusters, farthest):
        old_cluster = labels[sample]
        value = X[sample] if shift is None else X[sample] - shift
        sums[old_cluster] -= value
        counts[old_cluster] -= 1.0
        sums[cluster] = value
        counts[cluster] = 1.0
    return farthest, empty_clusters


def _relocate_empty_clusters(X, labels, n_clusters, centers):
    # Trusts its inputs; see relocate_empty_clusters.
    counts = np.bincount(labels, minlength=n_clusters)
    empty_clusters, farthest = _farthest_samples_for_empty_clusters(X, labels, counts, centers)
    labels = labels.copy()
    labels[farthest] = empty_clusters
    return labels


def relocate_empty_clusters(X, labels, n_clusters, centers):
    """Give every empty cluster the sample that is farthest from its centre.

    A cluster that received no sample in the assignment step has no mean.
    Following scikit-learn, each empty cluster takes over one of the samples
    that are farthest from the centre they were assigned to (the farthest
    goes to the empty cluster with the lowest index, the second farthest to
    the next one, ...).  Moving such a sample into a cluster of its own
    lowers ``J``: its own term drops to 0 and its old cluster can only fit
    the remaining samples better.  If every sample coincides with its centre
    (fewer distinct points than clusters), nothing is moved.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
        Labels from the assignment step.
    n_clusters : int
    centers : array-like of shape (n_clusters, n_features)
        The centres the labels were computed from.

    Returns
    -------
    labels : ndarray of shape (n_samples,), dtype int
        A copy of ``labels`` in which the relocated samples carry the index of
        the cluster they now form.
    """
    X = check_array(X)
    n_clusters = check_positive_int(n_clusters, "n_clusters")
    labels = _check_labels(labels, X.shape[0], n_clusters)
    centers = _check_centers(centers, X.shape[1])
    if centers.shape[0] != n_clusters:
        raise ValueError(
            f"centers has {centers.shape[0]} rows but n_clusters={n_clusters}."
        )
    return _relocate_empty_clusters(X, labels, n_clusters, centers)


def update_centers(X, labels, n_clusters, previous_centers=None, return_labels=False):
    r"""Update step: move every centre to the mean of its cluster.

    With the assignment fixed, :math:`\partial J / \partial \mu_k =
    -2 \sum_n r_{nk} (x_n - \mu_k) = 0` gives
    :math:`\mu_k = \sum_n r_{nk} x_n / \sum_n r_{nk}`.

    Empty clusters (no sample assigned) are handled in two stages:

    1. :func:`relocate_empty_clusters` gives each empty cluster one of the
       samples farthest from their centre (scikit-learn's rule).  The
       distances are measured to ``previous_centers`` (the centres the labels
       came from); when ``previous_centers`` is None they are measured to the
       means of the non-empty clusters instead.
    2. A cluster that is still empty (only when every sample already sits on
       its centre) is placed on the mean of the most populated cluster
       (lowest index on ties), so the result is always finite.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
        Cluster index of every sample, in ``[0, n_clusters)``.
    n_clusters : int
    previous_centers : array-like of shape (n_clusters, n_features), optional
        Centres the labels were assigned with; used only to relocate empty
        clusters.
    return_labels : bool, default=False
        If True, also return the labels actually averaged (after relocation).

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features)
    labels : ndarray of shape (n_samples,), dtype int
        Only if ``return_labels`` is True.
    """
    X = check_array(X)
    n_clusters = check_positive_int(n_clusters, "n_clusters")
    labels = _check_labels(labels, X.shape[0], n_clusters)
    # sum_n r_nk x_n and N_k = sum_n r_nk for every cluster
    sums, counts = _cluster_sums_and_counts(X, labels, n_clusters)
    if previous_centers is None:
        reference = _means_from_sums(sums, counts)
    else:
        reference = _check_centers(previous_centers, X.shape[1], "previous_centers")
        if reference.shape[0] != n_clusters:
            raise ValueError(
                f"previous_centers has {reference.shape[0]} rows but "
                f"n_clusters={n_clusters}."
            )
    # empty clusters take over far samples (sums and counts are updated) ...
    moved, new_clusters = _relocate_sums(X, labels, reference, sums, counts)
    # ... then mu_k = sum_n r_nk x_n / N_k
    centers = _means_from_sums(sums, counts)
    if return_labels:
        labels = labels.copy()
        labels[moved] = new_clusters
        return centers, labels
    return centers


def distortion(X, centers, labels):
    r"""The k-means objective :math:`J = \sum_n \lVert x_n - \mu_{\mathrm{label}_n} \rVert^2`.

    scikit-learn calls this number the *inertia*.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    centers : array-like of shape (n_clusters, n_features)
    labels : array-like of shape (n_samples,)

    Returns
    -------
    distortion : float
    """
    X = check_array(X)
    centers = _check_centers(centers, X.shape[1])
    labels = _check_labels(labels, X.shape[0], centers.shape[0])
    residuals = X - centers[labels]
    return float(np.einsum("nd,nd->", residuals, residuals))


def one_hot(labels, n_clusters):
    """The assignment matrix :math:`r_{nk}` (1 if sample n is in cluster k, else 0).

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
    n_clusters : int

    Returns
    -------
    responsibilities : ndarray of shape (n_samples, n_clusters)
        Hard responsibilities: each row has a single 1.
    """
    n_clusters = check_positive_int(n_clusters, "n_clusters")
    labels = np.asarray(labels)
    labels = _check_labels(labels, labels.shape[0] if labels.ndim else -1, n_clusters)
    responsibilities = np.zeros((labels.shape[0], n_clusters))
    responsibilities[np.arange(labels.shape[0]), labels] = 1.0
    return responsibilities


def _candidate_distance_chunks(candidates, X, x_squared_norms, shift=None, only=None):
    """Squared distances from candidates to the samples, chunk by chunk.

    Yields ``(start, stop, distances)`` with ``distances`` of shape
    (n_candidates, stop - start), computed as scikit-learn does (one product,
    then ``-2 x.c + ||c||^2 + ||x||^2`` clipped at 0), in a buffer that is
    reused for the next chunk.  With ``shift``, the samples are ``x - shift``
    (and ``x_squared_norms`` their squared norms).  With ``only`` = i, the
    product is still taken with every candidate (so that row i is the same
    to the last bit) but only row i is finished and yielded, shape
    (1, stop - start).
    """
    n_candidates = candidates.shape[0]
    n_samples, n_features = X.shape
    candidate_norms = _squared_norms(candidates)[:, np.newaxis]
    rows = _chunk_rows(n_samples, n_features + n_candidates)
    products = np.empty(n_candidates * rows)
    shifted = _Shifter(shift)
    for start in range(0, n_samples, rows):
        stop = min(start + rows, n_samples)
        block = shifted(X[start:stop])
        distances = products[: n_candidates * (stop - start)].reshape(n_candidates, -1)
        np.matmul(candidates, block.T, out=distances)
        norms = candidate_norms
        if only is not None:
            distances, norms = distances[only : only + 1], norms[only : only + 1]
        distances *= -2.0
        distances += norms
        distances += x_squared_norms[start:stop]
        np.maximum(distances, 0.0, out=distances)
        yield start, stop, distances


def _kmeans_plusplus(
    X, n_clusters, random_state, n_local_trials=None, x_squared_norms=None, shift=None
):
    # Trusts its inputs; see kmeans_plusplus.  The random draws are made in
    # the same order, and the arithmetic done the same way, as in
    # scikit-learn, so that the same seed picks the same samples.  With
    # ``shift`` (KMeans.fit passes the data mean, as scikit-learn centres the
    # data), it works on the samples x - shift without forming them, and
    # returns shifted centres; ``x_squared_norms`` are then ||x - shift||^2.
    #
    # Memory: the N-vectors ||x||^2 and D(x)^2 (plus a transient cumulative
    # sum), never an (n_local_trials, N) block: each step makes two chunked
    # passes over X, one for the potentials of the candidates and one to
    # update D(x)^2 with the chosen one.
    n_samples, n_features = X.shape
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))
    if x_squared_norms is None:
        x_squared_norms = _squared_norms(X) if shift is None else _shifted_squared_norms(X, shift)

    def samples(index):
        return X[index] if shift is None else X[index] - shift

    centers = np.empty((n_clusters, n_features))
    indices = np.full(n_clusters, -1, dtype=np.intp)

    # First centre: a sample drawn uniformly at random.
    first = random_state.choice(n_samples, p=np.full(n_samples, 1.0 / n_samples))
    centers[0] = samples(first)
    indices[0] = first
    closest_dist_sq = np.empty(n_samples)  # D(x)^2
    potential = 0.0  # current J of the chosen centres
    for start, stop, distances in _candidate_distance_chunks(
        centers[[0]], X, x_squared_norms, shift
    ):
        closest_dist_sq[start:stop] = distances[0]
        potential += distances[0] @ np.ones(stop - start)

    for c in range(1, n_clusters):
        # Draw candidates with probability proportional to D(x)^2, the
        # squared distance to the nearest centre chosen so far.
        thresholds = random_state.uniform(size=n_local_trials) * potential
        candidate_ids = np.searchsorted(np.cumsum(closest_dist_sq), thresholds)
        np.clip(candidate_ids, None, n_samples - 1, out=candidate_ids)

        # Keep the candidate that lowers J the most (greedy k-means++).
        candidates = samples(candidate_ids)
        candidate_potentials = np.zeros(n_local_trials)
        for start, stop, distances in _candidate_distance_chunks(
            candidates, X, x_squared_norms, shift
        ):
            np.minimum(closest_dist_sq[start:stop], distances, out=distances)
            candidate_potentials += (distances @ np.ones((stop - start, 1))).ravel()
        best = np.argmin(candidate_potentials)
        potential = candidate_potentials[best]
        for start, stop, distances in _candidate_distance_chunks(
            candidates, X, x_squared_norms, shift, only=best
        ):
            np.minimum(closest_dist_sq[start:stop], distances[0], out=closest_dist_sq[start:stop])
        centers[c] = candidates[best]
        indices[c] = candidate_ids[best]
    return centers, indices


def kmeans_plusplus(X, n_clusters, random_state=None, n_local_trials=None):
    """Choose initial centres with greedy k-means++ (Arthur & Vassilvitskii, 2007).

    The first centre is a sample drawn uniformly at random.  Each next
    centre is drawn with probability proportional to :math:`D(x)^2`, the
    squared distance from a sample to its nearest centre chosen so far, so
    that far-away regions are likely to get a centre.  The greedy variant
    (scikit-learn's) draws ``n_local_trials`` candidates at each step and
    keeps the one that lowers the distortion most.

    With the same integer ``random_state`` this returns the same indices as
    ``sklearn.cluster.kmeans_plusplus``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_clusters : int
        Number of centres K, ``1 <= K <= n_samples``.
    random_state : None, int or numpy.random.RandomState
    n_local_trials : int, optional
        Candidates per step; default ``2 + int(log(K))``.

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features)
        The chosen samples.
    indices : ndarray of shape (n_clusters,), dtype int
        Their row indices in ``X``: ``X[indices] == centers``.
    """
    X = check_array(X)
    n_clusters = check_n_components(n_clusters, X.shape[0], name="n_clusters")
    if n_local_trials is not None:
        n_local_trials = check_positive_int(n_local_trials, "n_local_trials")
    random_state = check_random_state(random_state)
    return _kmeans_plusplus(X, n_clusters, random_state, n_local_trials)


class LloydResult(NamedTuple):
    """What :func:`lloyd` returns (a named tuple, so it can also be unpacked)."""

    centers: np.ndarray
    """(n_clusters, n_features) final centres."""
    labels: np.ndarray
    """(n_samples,) index of the nearest final centre of every sample."""
    distortion_history: np.ndarray
    """(n_iter,) J after each iteration (assignment + update)."""
    n_iter: int
    """Number of iterations run."""
    converged: bool
    """Whether a stopping rule fired before ``max_iter``."""


def _check_lloyd_arguments(X, initial_centers, max_iter, tol):
    X = check_array(X)
    centers = _check_centers(initial_centers, X.shape[1], "initial_centers")
    check_n_components(centers.shape[0], X.shape[0], name="n_clusters")
    max_iter = check_positive_int(max_iter, "max_iter")
    tol = check_non_negative_float(tol, "tol")
    return X, centers, max_iter, tol


def lloyd(X, initial_centers, max_iter=300, tol=1e-4):
    r"""Lloyd's algorithm: alternate assignment and update steps until nothing moves.

    Each iteration runs :func:`assign_clusters` with the current centres,
    then :func:`update_centers`.  The loop stops when

    * the labels are the same as in the previous iteration ("strict
      convergence": the centres cannot move any more), or
    * the centres moved by at most ``tol`` in total,
      :math:`\sum_k \lVert \mu_k^{new} - \mu_k^{old} \rVert^2 \le`
      ``tol``, or
    * ``max_iter`` iterations have run.

    If the loop did not stop on unchanged labels, a last assignment step
    makes the returned labels those of the returned centres.  These are
    scikit-learn's rules; note that :class:`KMeans` rescales its ``tol`` by
    the data's variance before calling the loop, while here ``tol`` is used
    as given.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    initial_centers : array-like of shape (n_clusters, n_features)
    max_iter : int, default=300
    tol : float, default=1e-4
        Absolute tolerance on the total squared shift of the centres.

    Returns
    -------
    result : LloydResult
        ``(centers, labels, distortion_history, n_iter, converged)``.
        ``distortion_history[i]`` is J after iteration ``i``: the labels of
        its assignment step (with relocated samples counted in their new
        cluster) and the centres of its update step.  It never increases.
    """
    X, centers, max_iter, tol = _check_lloyd_arguments(X, initial_centers, max_iter, tol)
    n_clusters = centers.shape[0]
    previous_labels = None
    history = []
    converged = strict_convergence = False
    for iteration in range(max_iter):
        labels = assign_clusters(X, centers)
        new_centers, members = update_centers(
            X, labels, n_clusters, previous_centers=centers, return_labels=True
        )
        history.append(distortion(X, new_centers, members))
        shift = float(((new_centers - centers) ** 2).sum())
        centers = new_centers
        if previous_labels is not None and np.array_equal(labels, previous_labels):
            converged = strict_convergence = True
            break
        if shift <= tol:
            converged = True
            break
        previous_labels = labels
    if not strict_convergence:
        labels = assign_clusters(X, centers)
    return LloydResult(centers, labels, np.array(history), iteration + 1, converged)


# ---------------------------------------------------------------------------
# Fast path: the same algorithm, vectorised and chunked
# ---------------------------------------------------------------------------


def _chunk_rows(n_samples, width, multiple=1):
    """Rows per chunk so that a chunk of ``width`` floats per row stays in cache.

    Rounded to a multiple of ``multiple`` rows (unless the data is smaller).
    The last chunk never has a single row: BLAS computes a product with one
    sample through another kernel, whose rounding can differ in the last bit
    from the products of the other chunks.
    """
    rows = max(_MIN_CHUNK_ROWS, _FLOATS_PER_CHUNK // width)
    rows = min(multiple * max(1, round(rows / multiple)), n_samples)
    while rows < n_samples and n_samples % rows == 1:
        rows += 1
    return rows


def _assignment_rows(n_samples, n_features, n_clusters):
    """Rows per chunk of the assignment step.

    Sized for the (K, rows) score blocks, which take most of the work: a
    block and its transpose fill about ``_FLOATS_PER_CHUNK`` floats.  The
    rows of X are read a part at a time (see :func:`_piece_rows`), and a
    chunk holds a whole number of parts when the products are split.
    """
    multiple = 1
    if not _scores_cluster_major(n_features, n_clusters):
        multiple = _product_rows(n_features)
    return _chunk_rows(n_samples, 2 * n_clusters, multiple)


def _product_rows(n_features):
    """Rows of X per matrix product of the assignment step.

    BLAS is markedly slower on wide data once the rows it reads no longer
    fit in the L2 cache, so wide chunks are multiplied a part at a time.
    """
    return max(_MIN_CHUNK_ROWS, _FLOATS_PER_PRODUCT // n_features)


def _piece_rows(n_samples, n_features, n_clusters):
    """Rows of X handled at a time outside the products (shifts, sums, residuals).

    At most a chunk and at most a product, so that the buffers holding
    rows of X take at most a few times ``_FLOATS_PER_PRODUCT`` floats.
    """
    rows = _assignment_rows(n_samples, n_features, n_clusters)
    return min(rows, _product_rows(n_features))


def _label_dtype(n_clusters):
    """Smallest unsigned integer type that holds 0, ..., n_clusters.

    The value ``n_clusters`` itself means "no cluster yet".
    """
    return np.min_scalar_type(n_clusters)


def _scores_cluster_major(n_features, n_clusters):
    """Whether one product should give the score block directly as (K, rows).

    The nearest centre is found on a (K, rows) block.  For narrow data the
    product ``(-2 mu) @ chunk.T`` gives that layout fastest; for wide data
    BLAS is faster computing ``chunk @ (-2 mu).T``, of shape (rows, K),
    which is then transposed.  (Measured with OpenBLAS.)
    """
    return n_features <= n_clusters


def _repeat_rows(row, n_rows):
    """``n_rows`` copies of ``row`` stacked, by doubling (much faster than np.tile)."""
    stacked = np.empty((n_rows, row.shape[0]))
    stacked[:1] = row
    filled = 1
    while filled < n_rows:
        step = min(filled, n_rows - filled)
        stacked[filled : filled + step] = stacked[:step]
        filled += step
    return stacked


class _Shifter:
    """Subtract a fixed point from chunks of samples, into a reused buffer.

    ``shifter(block)`` is ``block - shift`` (``block`` itself if ``shift``
    is None) for a C-contiguous block; ``shifter(block, out=block)`` shifts
    in place.  The subtraction runs over the flattened block and a
    flattened, tiled copy of ``shift``: much faster than broadcasting along
    short rows, with the same result.  The buffers grow to the largest
    block seen.
    """

    def __init__(self, shift):
        self.shift = shift
        self._tiled_shift = self._buffer = np.empty(0)

    def __call__(self, block, out=None):
        if self.shift is None:
            return block
        size = block.size
        if self._tiled_shift.size < size:
            self._tiled_shift = _repeat_rows(self.shift, block.shape[0]).reshape(-1)
        if out is None:
            if self._buffer.size < size:
                self._buffer = np.empty(size)
            out = self._buffer[:size].reshape(block.shape)
        np.subtract(block.reshape(-1), self._tiled_shift[:size], out=out.reshape(-1))
        return out


def _score_weights(centers, shift=None):
    r"""Weights of the assignment scores, ``scores = (-2 mu) x + bias``.

    The score of centre k, :math:`\lVert \mu_k \rVert^2 - 2 (x - s)^T \mu_k`
    (``s`` = ``shift``), orders the centres as the squared distance to
    :math:`x - s` does.  Written :math:`-2 x^T \mu_k + (\lVert \mu_k \rVert^2
    + 2 s^T \mu_k)`, it needs no shifted copy of the data.

    Returns
    -------
    minus_twice_centers : ndarray of shape (n_clusters, n_features)
    minus_twice_centers_t : ndarray of shape (n_features, n_clusters)
        Its transpose, C-contiguous.
    bias : ndarray of shape (n_clusters, 1)
    """
    minus_twice_centers = -2.0 * centers
    bias = _squared_norms(centers)
    if shift is not None:
        bias -= minus_twice_centers @ shift
    return minus_twice_centers, np.ascontiguousarray(minus_twice_centers.T), bias[:, np.newaxis]


class _ChunkViews(NamedTuple):
    """Buffers of one chunk of the assignment step (see _AssignmentWorkspace)."""

    scores: np.ndarray  # (K, rows)
    scores_t: np.ndarray  # (rows, K), or None if the scores come cluster-major
    is_nearest: np.ndarray  # (K, rows) bool
    ranks: np.ndarray  # (K, rows)
    nearest_score: np.ndarray  # (rows,)
    top_rank: np.ndarray  # (rows,)
    moved: np.ndarray  # (rows,) bool


class _AssignmentWorkspace:
    """Buffers for the chunked assignment step, allocated once per fit.

    Re-allocating them for every chunk and iteration costs page faults that
    dominate on small data sets.  Their size is a few chunks: O(rows K),
    whatever the number of samples.
    """

    def __init__(self, rows, n_features, n_clusters):
        self.rows = rows
        self.product_rows = _product_rows(n_features)
        self.n_clusters = n_clusters
        self.cluster_major = _scores_cluster_major(n_features, n_clusters)
        label_dtype = _label_dtype(n_clusters)
        # Rank K - k for centre k: among the nearest centres of a sample, the
        # largest rank belongs to the lowest index.
        self.cluster_ranks = (n_clusters - np.arange(n_clusters)).astype(label_dtype)
        self.cluster_ranks = self.cluster_ranks[:, np.newaxis]
        size = rows * n_clusters
        self._scores = np.empty(size)
        self.scratch_scores = self._scores  # free once the labels are known
        self._scores_t = None if self.cluster_major else np.empty(size)
        self._is_nearest = np.empty(size, dtype=bool)
        self._ranks = np.empty(size, dtype=label_dtype)
        self._nearest_score = np.empty(rows)
        self._top_rank = np.empty(rows, dtype=label_dtype)
        self._moved = np.empty(rows, dtype=bool)
        self._full_chunk = self._last_chunk = self._views(rows)

    def _views(self, n_rows):
        n_clusters = self.n_clusters
        size = n_clusters * n_rows
        return _ChunkViews(
            self._scores[:size].reshape(n_clusters, n_rows),
            None if self._scores_t is None else self._scores_t[:size].reshape(n_rows, n_clusters),
            self._is_nearest[:size].reshape(n_clusters, n_rows),
            self._ranks[:size].reshape(n_clusters, n_rows),
            self._nearest_score[:n_rows],
            self._top_rank[:n_rows],
            self._moved[:n_rows],
        )

    def views(self, n_rows):
        """Contiguous views of the buffers for a chunk of ``n_rows`` samples."""
        if n_rows == self.rows:
            return self._full_chunk
        if n_rows != self._last_chunk.nearest_score.shape[0]:  # the short last chunk
            self._last_chunk = self._views(n_rows)
        return self._last_chunk


def _nearest_centers(block, weights, workspace, views, labels):
    """Assignment step for one chunk of samples, written into ``labels``.

    Same labels as :func:`assign_clusters`: ties go to the lowest index.
    The scores are laid out (n_clusters, rows), so that finding the nearest
    centre takes a few whole-row operations instead of one small ``argmin``
    per sample: the lowest score, a boolean "is nearest" mask, and the
    lowest index where the mask is set (through the ranks K - k).

    Parameters
    ----------
    block : ndarray of shape (rows, n_features)
    weights : tuple
        ``_score_weights(centers, shift)``.
    workspace : _AssignmentWorkspace
    views : _ChunkViews
        ``workspace.views(rows)``.
    labels : ndarray of shape (rows,), int
        Output.
    """
    minus_twice_centers, minus_twice_centers_t, bias = weights
    scores = views.scores
    if views.scores_t is None:
        np.matmul(minus_twice_centers, block.T, out=scores)
    else:
        first, n_rows = 0, block.shape[0]
        while first < n_rows:  # a part at a time, never a single row alone
            stop = first + workspace.product_rows
            stop = n_rows if n_rows - stop <= 1 else stop
            np.matmul(block[first:stop], minus_twice_centers_t, out=views.scores_t[first:stop])
            first = stop
        np.copyto(scores, views.scores_t.T)
    np.add(scores, bias, out=scores)
    np.minimum.reduce(scores, axis=0, out=views.nearest_score)
    np.equal(scores, views.nearest_score, out=views.is_nearest)
    np.multiply(views.is_nearest, workspace.cluster_ranks, out=views.ranks)
    np.maximum.reduce(views.ranks, axis=0, out=views.top_rank)
    np.subtract(workspace.n_clusters, views.top_rank, out=labels, casting="unsafe")


def _move_samples(samples, old_labels, new_labels, sums, counts, cluster_index):
    """Update cluster sums and sizes (in place) for samples that changed cluster.

    Each sample is subtracted from the sum of its old cluster and added to
    the sum of its new one, through one small product with the matrix
    :math:`r_{kn}^{new} - r_{kn}^{old}` (entries -1, 0, 1).  An old label
    ``n_clusters`` (no cluster yet) subtracts nothing.
    """
    transfer = np.subtract(
        new_labels == cluster_index, old_labels == cluster_index, dtype=np.float64
    )
    sums += transfer @ samples
    counts += transfer.sum(axis=1)


class _MovedSamples:
    """Samples that changed cluster, gathered while their chunk is in cache.

    They are kept with their index, then shifted (``shifter``, a
    :class:`_Shifter`) and moved between the cluster sums
    (:func:`_move_samples`) in batches of one to two pieces of ``rows``
    samples, so that few small products are needed.  ``samples`` (two
    pieces) is also scratch space for the first and the last pass.
    """

    def __init__(self, rows, n_features, n_clusters, shifter):
        self.rows = rows
        self.capacity = 2 * rows
        self.shifted = shifter
        self.samples = np.empty((self.capacity, n_features))
        self.indices = np.empty(self.capacity, dtype=np.intp)
        self.cluster_index = np.arange(n_clusters)[:, np.newaxis]
        self.size = 0

    def add_chunk(self, block, labels, one_hot, sums, counts):
        """Add a whole chunk to the sums and sizes of the clusters ``labels``.

        For the first pass, when no sample has a cluster yet: products with
        the one-hot matrix :math:`r_{kn}`, a piece at a time (written into
        ``one_hot``, a flat scratch buffer of at least K * rows floats).
        """
        n_clusters = self.cluster_index.shape[0]
        for first in range(0, block.shape[0], self.rows):
            piece = block[first : first + self.rows]
            size = piece.shape[0]
            piece = self.shifted(piece, out=self.samples[:size])
            piece_one_hot = one_hot[: n_clusters * size].reshape(n_clusters, size)
            np.equal(labels[first : first + size], self.cluster_index, out=piece_one_hot,
                     casting="unsafe")
            sums += piece_one_hot @ piece
            counts += piece_one_hot.sum(axis=1)

    def add(self, block, moved, start, old_labels, new_labels, sums, counts):
        """Keep the rows ``moved`` of a chunk starting at sample ``start``.

        The batch is moved first whenever it would overflow; ``old_labels``
        and ``new_labels`` are the labels of all the samples.
        """
        for first in range(0, moved.size, self.rows):
            part = moved[first : first + self.rows]
            if self.size + part.size > self.capacity:
                self.flush(old_labels, new_labels, sums, counts)
            stop = self.size + part.size
            np.take(block, part, axis=0, out=self.samples[self.size : stop], mode="clip")
            np.add(part, start, out=self.indices[self.size : stop])
            self.size = stop

    def flush(self, old_labels, new_labels, sums, counts):
        """Move the kept samples to their new clusters (sums and counts in place)."""
        if self.size:
            samples, indices = self.samples[: self.size], self.indices[: self.size]
            _move_samples(
                self.shifted(samples, out=samples), old_labels[indices], new_labels[indices],
                sums, counts, self.cluster_index,
            )
            self.size = 0


def _lloyd_pass(
    X, centers, shift, labels, new_labels, sums, counts, workspace, moved_samples,
    first_pass=False,
):
    """One Lloyd iteration on the data: assignment step and new cluster sums and sizes.

    Works chunk by chunk, and while a chunk is in cache it both finds the
    nearest centres (:func:`_nearest_centers`) and picks out the samples
    whose label changed.  Only those update the cluster sums and sizes
    (:class:`_MovedSamples`): after the first iterations few samples change
    cluster, and the update step costs little.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    centers : ndarray of shape (n_clusters, n_features)
        In the shifted coordinates.
    shift : ndarray of shape (n_features,) or None
    labels : ndarray of shape (n_samples,), dtype ``_label_dtype(K)``
        The previous labels (``n_clusters`` for "none yet").
    new_labels : ndarray of shape (n_samples,), same dtype
        Output: the nearest centre of every sample.
    sums : ndarray of shape (n_clusters, n_features)
    counts : ndarray of shape (n_clusters,)
        Sums (of ``x - shift``) and sizes of the clusters of ``labels``;
        updated in place to those of ``new_labels``.
    workspace : _AssignmentWorkspace
    moved_samples : _MovedSamples
    first_pass : bool
        True for the first iteration: no sample has a cluster yet, ``sums``
        and ``counts`` are zero.

    Returns
    -------
    n_moved : int
        Number of samples whose label changed.
    """
    n_samples = X.shape[0]
    weights = _score_weights(centers, shift)
    n_moved = 0
    for start in range(0, n_samples, workspace.rows):
        stop = min(start + workspace.rows, n_samples)
        views = workspace.views(stop - start)
        block, old, new = X[start:stop], labels[start:stop], new_labels[start:stop]
        _nearest_centers(block, weights, workspace, views, new)
        if first_pass:  # nothing to compare with: every sample joins a cluster
            moved_samples.add_chunk(block, new, workspace.scratch_scores, sums, counts)
            continue
        np.not_equal(old, new, out=views.moved)
        moved = views.moved.nonzero()[0]
        if moved.size:
            n_moved += moved.size
            moved_samples.add(block, moved, start, labels, new_labels, sums, counts)
    moved_samples.flush(labels, new_labels, sums, counts)
    return n_samples if first_pass else n_moved


def _assign_chunked(
    X, centers, labels, shift=None, assign=True, with_distortion=False, point=None,
    workspace=None, shifter=None, scratch=None,
):
    r"""Assignment step written into ``labels`` chunk by chunk, and optionally J.

    Never holds more than one chunk of the (n_samples, n_clusters) score
    matrix, and never a copy of ``X``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    centers : ndarray of shape (n_clusters, n_features)
        In the coordinates ``x - shift``.
    labels : ndarray of shape (n_samples,), int
        Output (input only, if ``assign`` is False).
    shift : ndarray of shape (n_features,), optional
    assign : bool
        If False, keep ``labels`` and only compute the distortion.
    with_distortion : bool
        Also return the distortion of the labels, from exact residuals
        computed while each chunk is in cache, and the scatter
        :math:`\sum_n \lVert x_n - s - p \rVert^2` (``s`` = ``shift``,
        ``p`` = ``point``, the origin if None).
    point : ndarray of shape (n_features,), optional
    workspace : _AssignmentWorkspace, optional
    shifter : _Shifter, optional
        ``_Shifter(shift)``.
    scratch : ndarray of shape (2 * piece_rows, n_features), optional
        Buffers to reuse; made here if not given (see :func:`_piece_rows`).

    Returns
    -------
    (distortion, scatter) : tuple of float
        Only if ``with_distortion``.
    """
    n_samples, n_features = X.shape
    n_clusters = centers.shape[0]
    if workspace is None:
        rows = _assignment_rows(n_samples, n_features, n_clusters)
        workspace = _AssignmentWorkspace(rows, n_features, n_clusters)
    weights = _score_weights(centers, shift)
    if with_distortion:
        shifted = _Shifter(shift) if shifter is None else shifter
        centred = _Shifter(point)
        piece_rows = _piece_rows(n_samples, n_features, n_clusters)
        if scratch is None:
            scratch = np.empty((2 * piece_rows, n_features))
    distortion = scatter = 0.0
    for start in range(0, n_samples, workspace.rows):
        stop = min(start + workspace.rows, n_samples)
        if assign:
            views = workspace.views(stop - start)
            _nearest_centers(X[start:stop], weights, workspace, views, labels[start:stop])
        if not with_distortion:
            continue
        for first in range(start, stop, piece_rows):  # exact residuals, a piece at a time
            last = min(first + piece_rows, stop)
            block = shifted(X[first:last], out=scratch[: last - first])
            residuals = scratch[piece_rows : piece_rows + last - first]
            np.take(centers, labels[first:last], axis=0, out=residuals, mode="clip")
            np.subtract(block, residuals, out=residuals)
            distortion += np.dot(residuals.reshape(-1), residuals.reshape(-1))
            block = centred(block)
            scatter += np.dot(block.reshape(-1), block.reshape(-1))
    if with_distortion:
        return float(distortion), float(scatter)
    return None


def _lloyd_fast(X, initial_centers, max_iter, tol, shift=None):
    r"""Same iterations, stopping rules and results as :func:`lloyd`, one pass per iteration.

    Trusts its inputs.  ``X`` is read in place, never copied: each iteration
    is a single pass over it, chunk by chunk (:func:`_lloyd_pass`), and the
    memory used is a few chunks plus O(N) small integers (the labels),
    never O(N D) or O(N K).

    ``shift`` is None or the mean of ``X``.  With the mean, the algorithm
    runs on the centred samples :math:`x - m` (as scikit-learn does: the
    distance expansion then loses fewer digits) without forming them:
    ``initial_centers`` and the returned centres are centred.

    Returns a :class:`LloydResult` plus the final distortion (inertia).

    The distortion after each iteration comes without another pass over the
    data, from the cluster sizes :math:`N_k` and means :math:`\mu_k`:

    .. math:: J = \sum_n \lVert x_n - m \rVert^2 - \sum_k N_k \lVert \mu_k - m \rVert^2,

    (exact when each centre is the mean of its cluster), taken around the
    data mean :math:`m` so that the subtraction loses few digits.  The first
    sum is a constant, obtained in the final pass over the data together
    with the inertia.
    """
    n_samples, n_features = X.shape
    n_clusters = initial_centers.shape[0]
    data_mean = None if shift is not None else X.mean(axis=0)
    workspace = _AssignmentWorkspace(
        _assignment_rows(n_samples, n_features, n_clusters), n_features, n_clusters
    )
    shifter = _Shifter(shift)
    moved_samples = _MovedSamples(
        _piece_rows(n_samples, n_features, n_clusters), n_features, n_clusters, shifter
    )

    centers = np.array(initial_centers, dtype=np.float64, copy=True)
    labels = np.full(n_samples, n_clusters, dtype=_label_dtype(n_clusters))  # none yet
    new_labels = np.empty_like(labels)
    sums = np.zeros((n_clusters, n_features))  # sum_n r_nk x_n of the current labels
    counts = np.zeros(n_clusters)  # N_k
    explained = []  # sum_k N_k ||mu_k - m||^2 after each iteration
    converged = strict_convergence = False
    for iteration in range(max_iter):
        n_moved = _lloyd_pass(
            X, centers, shift, labels, new_labels, sums, counts, workspace, moved_samples,
            first_pass=iteration == 0,
        )
        labels, new_labels = new_labels, labels
        new_sums, new_counts = sums, counts
        if not counts.all():
            # Relocation changes the sums of this iteration only: it works on copies.
            new_sums, new_counts = sums.copy(), counts.copy()
            _relocate_sums(X, labels, centers, new_sums, new_counts, shift=shift)
        new_centers = _means_from_sums(new_sums, new_counts)
        offsets = new_centers if data_mean is None else new_centers - data_mean
        explained.append(np.einsum("k,kd,kd->", new_counts, offsets, offsets))
        center_shift = float(((new_centers - centers) ** 2).sum())
        centers = new_centers
        if n_moved == 0:
            converged = strict_convergence = True
            break
        if center_shift <= tol:
            converged = True
            break
    inertia, total_scatter = _assign_chunked(
        X, centers, labels, shift, assign=not strict_convergence, with_distortion=True,
        point=data_mean, workspace=workspace, shifter=shifter, scratch=moved_samples.samples,
    )
    history = np.maximum(total_scatter - np.array(explained), 0.0)
    result = LloydResult(centers, labels.astype(np.intp), history, iteration + 1, converged)
    return result, inertia


def _mean_feature_variance(X, X_mean):
    """Mean over the features of their variances, in one chunked pass (no copy of X)."""
    n_samples, n_features = X.shape
    rows = _chunk_rows(n_samples, n_features)
    shifted = _Shifter(X_mean)
    sum_of_squares = np.zeros(n_features)
    for start in range(0, n_samples, rows):
        stop = min(start + rows, n_samples)
        deviations = shifted(X[start:stop])
        sum_of_squares += np.einsum("nd,nd->d", deviations, deviations)
    return float(np.mean(sum_of_squares / n_samples))


def _shifted_squared_norms(X, shift):
    r""":math:`\lVert x_n - s \rVert^2` for every sample, shape (n_samples,), chunked."""
    n_samples, n_features = X.shape
    rows = _chunk_rows(n_samples, n_features)
    shifted = _Shifter(shift)
    norms = np.empty(n_samples)
    for start in range(0, n_samples, rows):
        stop = min(start + rows, n_samples)
        norms[start:stop] = _squared_norms(shifted(X[start:stop]))
    return norms


def _same_partition(labels, other_labels, n_clusters):
    """True if ``other_labels`` is a function of ``labels`` (scikit-learn's test)."""
    pairs = np.unique(labels.astype(np.int64) * n_clusters + other_labels)
    return pairs.size == np.unique(labels).size


# ---------------------------------------------------------------------------
# Estimator
# ---------------------------------------------------------------------------


class KMeans:
    """k-means clustering with scikit-learn's interface (Lloyd's algorithm).

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters K.
    init : {'k-means++', 'random'} or array-like, default='k-means++'
        How to choose the initial centres: greedy k-means++
        (:func:`kmeans_plusplus`), K distinct samples drawn at random, or
        the given centres, an array of shape (n_clusters, n_features).
    n_init : 'auto' or int, default='auto'
        Number of runs from different initial centres; the run with the
        lowest inertia is kept.  'auto' means 1 for 'k-means++' and for an
        array, 10 for 'random' (scikit-learn's meaning).  With an array
        ``init`` only one run is made.
    max_iter : int, default=300
        Maximum number of iterations of each run.
    tol : float, default=1e-4
        Tolerance on the total squared shift of the centres, *relative to the
        data*: the loop stops when the shift is at most ``tol`` times the
        mean variance of the features of X.
    random_state : None, int or numpy.random.RandomState
        Seed for the initialisation; the same int gives the same draws as
        scikit-learn.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,)
        Index of the nearest final centre of every training sample.
    inertia_ : float
        Final distortion J on the training data.
    n_iter_ : int
        Iterations of the kept run.
    n_features_in_ : int
    distortion_history_ : ndarray of shape (n_iter_,)
        J after every iteration of the kept run (non-increasing).

    Notes
    -----
    Matches ``sklearn.cluster.KMeans(algorithm="lloyd")``: the data are
    centred before fitting, the stopping rules and the final re-assignment
    are those of :func:`lloyd`, empty clusters are relocated to the samples
    farthest from their centres, and among ``n_init`` runs a later run
    replaces the best so far only if its inertia is lower and its partition
    differs.  One deliberate difference: a cluster that stays empty (fewer
    distinct points than clusters) is placed on the *mean* of the most
    populated cluster; scikit-learn 1.9 can place it on that cluster's
    un-normalised sum.

    ``fit`` runs the vectorised, chunked loop ``_lloyd_fast``, which gives
    the same answer as :func:`lloyd`, reading ``X`` in place: a C-ordered
    float64 ``X`` is never copied (a Fortran-ordered or float32 ``X`` is
    converted once, to a C-ordered float64 copy).  Beyond ``X``, a fit needs
    a few chunk-sized buffers (a few MB), O(K D), and a few vectors of N
    numbers (the labels; for the initialisation, the sampling probabilities
    or the squared distances of k-means++); never an (N, K) or an (N, D)
    array.  Each Lloyd iteration is a single pass over
    ``X``; the cluster sums are updated for the samples that changed
    cluster only.  The centred data (see above) are never formed either:
    the mean is subtracted chunk by chunk.  Results agree with
    scikit-learn up to rounding (summation order): same labels and number
    of iterations, centres and inertia equal to about 1e-15 relative (a
    sample at an exact tie, as in data with duplicated points, may be
    assigned differently).
    """

    def __init__(
        self,
        n_clusters=8,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        random_state=None,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def __repr__(self):
        return (
            f"KMeans(n_clusters={self.n_clusters!r}, init="
            f"{self.init if isinstance(self.init, str) else 'array'!r}, "
            f"n_init={self.n_init!r}, max_iter={self.max_iter!r}, "
            f"tol={self.tol!r}, random_state={self.random_state!r})"
        )

    # -- validation -------------------------------------------------------

    def _check_parameters(self, X):
        n_samples, n_features = X.shape
        n_clusters = check_n_components(self.n_clusters, n_samples, name="n_clusters")
        max_iter = check_positive_int(self.max_iter, "max_iter")
        tol = check_non_negative_float(self.tol, "tol")
        init = self.init
        if isinstance(init, str):
            if init not in ("k-means++", "random"):
                raise ValueError(
                    f"init must be 'k-means++', 'random' or an array of shape "
                    f"(n_clusters, n_features); got {init!r}."
                )
        else:
            init = check_array(init, name="init", ndim=2)
            if init.shape != (n_clusters, n_features):
                raise ValueError(
                    f"The init array must have shape (n_clusters, n_features) = "
                    f"({n_clusters}, {n_features}), but has shape {init.shape}."
                )
        if isinstance(self.n_init, str):
            if self.n_init != "auto":
                raise ValueError(
                    f"n_init must be 'auto' or a positive integer, got {self.n_init!r}."
                )
            n_init = 10 if isinstance(init, str) and init == "random" else 1
        else:
            n_init = check_positive_int(self.n_init, "n_init")
        if not isinstance(init, str) and n_init != 1:
            warnings.warn(
                f"Explicit initial centres were given: running k-means once "
                f"instead of n_init={n_init} times.",
                UserWarning,
                stacklevel=3,
            )
            n_init = 1
        return n_clusters, init, n_init, max_iter, tol

    def _check_is_fitted(self):
        if not hasattr(self, "cluster_centers_"):
            raise NotFittedError(
                "This KMeans instance is not fitted yet: call fit(X) before "
                "using predict, transform or score."
            )

    # -- fitting ----------------------------------------------------------

    def _initial_centers(self, X, init, n_clusters, random_state, x_squared_norms, X_mean):
        # Centres of the centred samples x - X_mean (which are never formed).
        if isinstance(init, str) and init == "k-means++":
            centers, _ = _kmeans_plusplus(
                X, n_clusters, random_state, x_squared_norms=x_squared_norms, shift=X_mean
            )
            return centers
        if isinstance(init, str) and init == "random":
            n_samples = X.shape[0]
            seeds = random_state.choice(
                n_samples,
                size=n_clusters,
                replace=False,
                p=np.full(n_samples, 1.0 / n_samples),
            )
            return X[seeds] - X_mean
        return init

    def fit(self, X, y=None):
        """Compute the k-means clustering of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
            Present for compatibility with scikit-learn.

        Returns
        -------
        self : KMeans
        """
        X = check_array(X)  # no copy of a C-ordered float64 array
        n_clusters, init, n_init, max_iter, tol = self._check_parameters(X)
        random_state = check_random_state(self.random_state)
        X_mean = X.mean(axis=0)
        # scikit-learn's tolerance: tol times the mean variance of the features.
        scaled_tol = _mean_feature_variance(X, X_mean) * tol if tol != 0 else 0.0

        # Work on the centred data x - X_mean (as scikit-learn does: the
        # distances computed through the expansion ||x||^2 - 2 x.mu + ||mu||^2
        # are then more accurate), without forming it: the centres are
        # centred, and the private helpers subtract X_mean chunk by chunk.
        if not isinstance(init, str):
            init = init - X_mean
        x_squared_norms = None
        if isinstance(init, str) and init == "k-means++":
            x_squared_norms = _shifted_squared_norms(X, X_mean)

        best = best_inertia = None
        for _ in range(n_init):
            centers = self._initial_centers(
                X, init, n_clusters, random_state, x_squared_norms, X_mean
            )
            result, inertia = _lloyd_fast(X, centers, max_iter, scaled_tol, shift=X_mean)
            if best is None or (
                inertia < best_inertia
                and not _same_partition(result.labels, best.labels, n_clusters)
            ):
                best, best_inertia = result, inertia

        n_distinct = np.count_nonzero(np.bincount(best.labels, minlength=n_clusters))
        if n_distinct < n_clusters:
            warnings.warn(
                f"Number of distinct clusters ({n_distinct}) found smaller than "
                f"n_clusters ({n_clusters}). Possibly due to duplicate points in X.",
                ConvergenceWarning,
                stacklevel=2,
            )

        self.cluster_centers_ = best.centers + X_mean
        self.labels_ = best.labels
        self.inertia_ = best_inertia
        self.n_iter_ = best.n_iter
        self.distortion_history_ = best.distortion_history
        self.n_features_in_ = X.shape[1]
        return self

    # -- using a fitted model ---------------------------------------------

    def _check_test_data(self, X):
        self._check_is_fitted()
        X = check_array(X)
        check_n_features(X, self.n_features_in_)
        return X

    def _assign(self, X, labels, with_inertia=False):
        distortions = _assign_chunked(
            X, self.cluster_centers_, labels, with_distortion=with_inertia
        )
        return distortions[0] if with_inertia else None

    def predict(self, X):
        """Index of the nearest fitted centre of every sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,), dtype int
        """
        X = self._check_test_data(X)
        labels = np.empty(X.shape[0], dtype=np.intp)
        self._assign(X, labels)
        return labels

    def fit_predict(self, X, y=None):
        """Fit, then return the labels of the training samples (``labels_``)."""
        return self.fit(X).labels_

    def transform(self, X):
        """Euclidean distance from every sample to every fitted centre.

        Returns
        -------
        distances : ndarray of shape (n_samples, n_clusters)
        """
        X = self._check_test_data(X)
        return np.sqrt(squared_distances(X, self.cluster_centers_))

    def fit_transform(self, X, y=None):
        """Fit, then return :meth:`transform` of the training samples."""
        return self.fit(X).transform(X)

    def score(self, X, y=None):
        """Opposite of the distortion of ``X`` under the fitted centres (higher is better)."""
        X = self._check_test_data(X)
        labels = np.empty(X.shape[0], dtype=np.intp)
        return -self._assign(X, labels, with_inertia=True)
