r"""Online (mini-batch) EM and mini-batch k-means: fitting a stream of chunks.

Batch EM and Lloyd's algorithm read every point at every iteration.  When
the data do not fit in memory, or keep arriving, both can instead learn from
one chunk (mini-batch) at a time, and then forget it.

*Online EM* (Cappé & Moulines 2009).  For a Gaussian mixture the M-step is
a function of three averaged *sufficient statistics*
(:func:`sufficient_statistics`): the share of the points
:math:`s_{0k} = \frac1N \sum_n \gamma(z_{nk})`, the first moments
:math:`s_{1k} = \frac1N \sum_n \gamma(z_{nk}) \mathbf{x}_n` and the second
moments :math:`s_{2k} = \frac1N \sum_n \gamma(z_{nk}) \mathbf{x}_n
\mathbf{x}_n^\top`; :func:`parameters_from_statistics` turns them into
weights, means and covariances.  Online EM keeps a running estimate
:math:`\mathbf{s}` and, for each chunk ``t``, computes the chunk's statistics
under the current parameters and moves towards them by a step
:math:`\rho_t \in (0, 1]`:

.. math::

    \mathbf{s}_t = (1 - \rho_t)\, \mathbf{s}_{t-1} + \rho_t\, \bar{\mathbf{s}}(\text{chunk}_t;
    \theta_{t-1}), \qquad \theta_t = \bar\theta(\mathbf{s}_t).

With a single chunk holding all the data and :math:`\rho_t = 1` this is batch
EM, step for step.  With :math:`\rho_t = t^{-\kappa}`,
:math:`\frac12 < \kappa \le 1` (:func:`power_step_sizes`) it is a
Robbins-Monro stochastic approximation whose fixed points are those of EM.
:func:`online_em` consumes any iterable of chunks -- a generator reading a
file, or :func:`mixture_stream` -- so the data are never held in memory.

*Mini-batch k-means* (Sculley 2010).  :func:`minibatch_kmeans` assigns each
chunk's points to their nearest centre (:func:`gmm_lib.kmeans.assign_clusters`)
and moves each centre to the running mean of all the points ever assigned
to it: with ``v_k`` points so far and ``m`` new ones of sum ``S``, the centre
becomes ``(v_k mu_k + S) / (v_k + m)``, a step of size ``1 / v_k`` per point.
"""

from collections import namedtuple
import numbers

import numpy as np

from . import _covariance
from ._validation import (
    check_array,
    check_covariance_type,
    check_non_negative_float,
    check_positive_int,
    check_random_state,
    check_responsibilities,
    covariance_shape,
)
from .datasets import sample_mixture
from .kmeans import _check_centers, _cluster_sums_and_counts, assign_clusters
from .mixture import _check_mixture_parameters, _e_step, _snapshot

__all__ = [
    "SufficientStatistics",
    "MiniBatchKMeansResult",
    "sufficient_statistics",
    "statistics_from_parameters",
    "parameters_from_statistics",
    "power_step_sizes",
    "iterate_chunks",
    "mixture_stream",
    "online_em",
    "minibatch_kmeans",
]

SufficientStatistics = namedtuple("SufficientStatistics", ["counts", "sums", "squares", "shift"])
SufficientStatistics.__doc__ = """\
Averaged sufficient statistics of a Gaussian mixture (see :func:`sufficient_statistics`).

The points enter shifted by ``shift`` (a fixed reference point, e.g. the
mean of the first chunk), which keeps ``squares - sums sums^T / counts``
free of cancellation when the data sit far from the origin.

Attributes
----------
counts : ndarray of shape (n_components,)
    ``s_0k = mean_n gamma(z_nk)``, the share of the points of component k.
sums : ndarray of shape (n_components, n_features)
    ``s_1k = mean_n gamma(z_nk) (x_n - shift)``.
squares : ndarray
    Second moments in the layout of the covariance type: full
    (K, D, D) ``mean_n gamma(z_nk) (x_n - shift)(x_n - shift)^T``; tied
    (D, D) the same summed over k; diag (K, D) their diagonals; spherical
    (K,) their traces.
shift : ndarray of shape (n_features,)
"""

MiniBatchKMeansResult = namedtuple(
    "MiniBatchKMeansResult", ["centers", "counts", "distortion_history", "n_iter",
                              "n_samples_seen"]
)
MiniBatchKMeansResult.__doc__ = """\
Result of :func:`minibatch_kmeans`.

Attributes
----------
centers : ndarray of shape (n_clusters, n_features)
counts : ndarray of shape (n_clusters,)
    Number of points assigned to each centre so far (plus the initial counts).
distortion_history : ndarray of shape (n_iter,)
    For every chunk, its distortion per point ``J / m`` under the centres
    *entering* the step: a free, noisy estimate of the quality of the
    centres on fresh data.
n_iter : int
    Number of chunks processed.
n_samples_seen : int
"""


###############################################################################
# Sufficient statistics and the M-step written through them


def _second_moments(centred, responsibilities, covariance_type):
    """Averaged second moments of ``centred`` (already shifted) in the type's layout."""
    n_samples = centred.shape[0]
    if covariance_type == "full":
        return np.einsum("nk,ni,nj->kij", responsibilities, centred, centred) / n_samples
    if covariance_type == "tied":
        return centred.T @ centred / n_samples
    squares = responsibilities.T @ (centred * centred) / n_samples
    return squares if covariance_type == "diag" else squares.sum(axis=1)


def _sufficient_statistics(X, responsibilities, covariance_type, shift):
    centred = X - shift
    n_samples = X.shape[0]
    return SufficientStatistics(
        counts=responsibilities.sum(axis=0) / n_samples,
        sums=responsibilities.T @ centred / n_samples,
        squares=_second_moments(centred, responsibilities, covariance_type),
        shift=shift,
    )


def _check_shift(shift, n_features):
    if shift is None:
        return np.zeros(n_features)
    shift = check_array(shift, name="shift", ndim=1)
    if shift.shape != (n_features,):
        raise ValueError(
            f"shift must have shape ({n_features},), one value per feature, but has "
            f"shape {shift.shape}."
        )
    return shift


def sufficient_statistics(X, responsibilities, covariance_type="full", shift=None):
    r"""Averaged expected sufficient statistics of a Gaussian mixture.

    :math:`s_{0k} = \frac1N \sum_n \gamma(z_{nk})`,
    :math:`s_{1k} = \frac1N \sum_n \gamma(z_{nk})(\mathbf{x}_n - \mathbf{c})`
    and :math:`s_{2k} = \frac1N \sum_n \gamma(z_{nk})(\mathbf{x}_n -
    \mathbf{c})(\mathbf{x}_n - \mathbf{c})^\top` (in the layout of
    ``covariance_type``), with :math:`\mathbf{c}` = ``shift``.  They are
    *averages*, so the statistics of two chunks of equal size combine by
    averaging, and those of a whole data set are the size-weighted average
    of its chunks'.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    responsibilities : array-like of shape (n_samples, n_components)
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    shift : array-like of shape (n_features,), optional
        Reference point subtracted from every sample; default the origin.

    Returns
    -------
    statistics : SufficientStatistics
    """
    check_covariance_type(covariance_type)
    X = check_array(X, name="X")
    responsibilities = check_responsibilities(responsibilities, X.shape[0])
    shift = _check_shift(shift, X.shape[1])
    return _sufficient_statistics(X, responsibilities, covariance_type, shift)


def _statistics_from_parameters(weights, means, covariances, covariance_type, shift):
    centred_means = means - shift
    second = np.einsum("ki,kj->kij", centred_means, centred_means)
    if covariance_type == "full":
        squares = weights[:, np.newaxis, np.newaxis] * (covariances + second)
    elif covariance_type == "tied":
        squares = covariances + np.tensordot(weights, second, axes=1)
    else:
        variances = covariances if covariance_type == "diag" else np.repeat(
            covariances[:, np.newaxis], means.shape[1], axis=1)
        per_feature = weights[:, np.newaxis] * (variances + centred_means**2)
        squares = per_feature if covariance_type == "diag" else per_feature.sum(axis=1)
    return SufficientStatistics(weights.copy(), weights[:, np.newaxis] * centred_means,
                                squares, shift)


def statistics_from_parameters(weights, means, covariances, covariance_type="full", shift=None):
    """The statistics that a mixture itself expects: those whose M-step returns it.

    Counts ``pi_k``, sums ``pi_k (mu_k - c)`` and second moments
    ``pi_k (Sigma_k + (mu_k - c)(mu_k - c)^T)``, the expectations of the
    statistics of :func:`sufficient_statistics` for data drawn from the
    mixture.  Online EM starts from them, so that a first step size below
    one mixes the first chunk with the initial parameters.

    Parameters
    ----------
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        In the layout of ``covariance_type``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    shift : array-like of shape (n_features,), optional

    Returns
    -------
    statistics : SufficientStatistics
    """
    means_array = check_array(means, name="means")
    _, weights, means, covariances = _check_mixture_parameters(
        means_array, weights, means_array, covariances, covariance_type
    )
    shift = _check_shift(shift, means.shape[1])
    return _statistics_from_parameters(weights, means, covariances, covariance_type, shift)


def _parameters_from_statistics(statistics, covariance_type, reg_covar):
    counts = statistics.counts + 10 * np.finfo(np.float64).eps
    centred_means = statistics.sums / counts[:, np.newaxis]
    n_features = centred_means.shape[1]
    if covariance_type == "full":
        covariances = statistics.squares / counts[:, np.newaxis, np.newaxis]
        covariances -= np.einsum("ki,kj->kij", centred_means, centred_means)
        covariances = 0.5 * (covariances + np.swapaxes(covariances, 1, 2))
        covariances += reg_covar * np.eye(n_features)
    elif covariance_type == "tied":
        between = np.einsum("k,ki,kj->ij", counts, centred_means, centred_means)
        covariances = (statistics.squares - between) / counts.sum()
        covariances = 0.5 * (covariances + covariances.T) + reg_covar * np.eye(n_features)
    elif covariance_type == "diag":
        covariances = statistics.squares / counts[:, np.newaxis] - centred_means**2 + reg_covar
    else:
        covariances = (statistics.squares / counts - (centred_means**2).sum(axis=1)) / n_features
        covariances = covariances + reg_covar
    weights = counts / counts.sum()
    return weights, centred_means + statistics.shift, covariances


def _check_statistics(statistics, covariance_type):
    if not isinstance(statistics, SufficientStatistics):
        raise ValueError(
            "statistics must be a SufficientStatistics (as returned by "
            f"sufficient_statistics), got {type(statistics).__name__}."
        )
    counts = check_array(statistics.counts, name="statistics.counts", ndim=1)
    sums = check_array(statistics.sums, name="statistics.sums", ndim=2)
    n_components, n_features = sums.shape
    if counts.shape != (n_components,) or counts.min() < 0.0:
        raise ValueError(
            f"statistics.counts must be {n_components} non-negative numbers, one per "
            f"component, got shape {counts.shape}."
        )
    expected = covariance_shape(covariance_type, n_components, n_features)
    if covariance_type == "spherical":
        expected = (n_components,)
    squares = check_array(statistics.squares, name="statistics.squares", ndim=(1, 2, 3))
    if squares.shape != expected:
        raise ValueError(
            f"statistics.squares for covariance_type={covariance_type!r} must have shape "
            f"{expected}, but has shape {squares.shape}."
        )
    shift = _check_shift(statistics.shift, n_features)
    return SufficientStatistics(counts, sums, squares, shift)


def parameters_from_statistics(statistics, covariance_type="full", reg_covar=1e-6):
    r"""The M-step written through the sufficient statistics.

    :math:`\pi_k = s_{0k} / \sum_j s_{0j}`, :math:`\mu_k = \mathbf{c} + s_{1k} / s_{0k}`
    and :math:`\Sigma_k = s_{2k} / s_{0k} - (\mu_k - \mathbf{c})(\mu_k -
    \mathbf{c})^\top` (plus ``reg_covar`` on the diagonal), constrained to the
    covariance type as in :func:`gmm_lib.mixture.m_step`, which it equals
    when the statistics are those of the whole data set.

    Parameters
    ----------
    statistics : SufficientStatistics
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    reg_covar : float, default=1e-6

    Returns
    -------
    weights : ndarray of shape (n_components,)
    means : ndarray of shape (n_components, n_features)
    covariances : ndarray
        In the layout of ``covariance_type``.
    """
    check_covariance_type(covariance_type)
    reg_covar = check_non_negative_float(reg_covar, "reg_covar")
    statistics = _check_statistics(statistics, covariance_type)
    return _parameters_from_statistics(statistics, covariance_type, reg_covar)


def _mix_statistics(old, new, step):
    return SufficientStatistics(
        (1.0 - step) * old.counts + step * new.counts,
        (1.0 - step) * old.sums + step * new.sums,
        (1.0 - step) * old.squares + step * new.squares,
        old.shift,
    )


###############################################################################
# Step sizes and chunk sources


def power_step_sizes(kappa=0.6, offset=0.0):
    r"""The step-size schedule :math:`\rho_t = \bigl((1 + t_0) / (t + t_0)\bigr)^{\kappa}`.

    ``t = 1, 2, ...``; :math:`\rho_1 = 1`, so the first chunk replaces the
    initial statistics entirely.  Robbins-Monro convergence needs
    :math:`\sum_t \rho_t = \infty` and :math:`\sum_t \rho_t^2 < \infty`, that
    is :math:`\frac12 < \kappa \le 1`.  :math:`\kappa = 1, t_0 = 0` gives
    :math:`\rho_t = 1/t`: the running average of the chunk statistics, each
    computed under the parameters of its time.  Smaller :math:`\kappa`
    forgets old (worse) statistics faster.

    Parameters
    ----------
    kappa : float, default=0.6
        The decay exponent, in (0, 1] (``kappa <= 1/2`` is allowed but does
        not converge: the estimates keep fluctuating).
    offset : float, default=0.0
        :math:`t_0 \ge 0`; larger values keep the steps large for longer.

    Returns
    -------
    step_size : callable
        ``step_size(t)`` for ``t >= 1``.
    """
    kappa = check_non_negative_float(kappa, "kappa")
    offset = check_non_negative_float(offset, "offset")
    if not 0.0 < kappa <= 1.0:
        raise ValueError(f"kappa must lie in (0, 1], got {kappa}.")

    def step_size(t):
        return ((1.0 + offset) / (t + offset)) ** kappa

    step_size.__name__ = f"power_step_sizes(kappa={kappa:g}, offset={offset:g})"
    return step_size


def iterate_chunks(X, chunk_size, n_epochs=1, shuffle=False, random_state=None):
    """Cut an array into consecutive chunks (optionally reshuffled every epoch).

    A stand-in, for data that do fit in memory, for a reader that yields a
    file chunk by chunk.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    chunk_size : int
        Rows per chunk (the last chunk of an epoch may be smaller).
    n_epochs : int, default=1
        Passes over the data.
    shuffle : bool, default=False
        Visit the rows in a new random order in every epoch.
    random_state : None, int or numpy.random.RandomState

    Returns
    -------
    chunks : iterator of ndarray of shape (chunk_size, n_features)
    """
    X = check_array(X, name="X")
    chunk_size = check_positive_int(chunk_size, "chunk_size")
    n_epochs = check_positive_int(n_epochs, "n_epochs")
    rng = check_random_state(random_state) if shuffle else None

    def chunks():
        for _ in range(n_epochs):
            order = rng.permutation(X.shape[0]) if shuffle else None
            for start in range(0, X.shape[0], chunk_size):
                rows = slice(start, start + chunk_size)
                yield X[order[rows]] if shuffle else X[rows]

    return chunks()


def mixture_stream(n_samples, chunk_size, weights, means, covariances, random_state=None):
    """Draw a large sample from a Gaussian mixture chunk by chunk, never all at once.

    Every chunk is drawn with :func:`gmm_lib.datasets.sample_mixture` from
    one shared random generator, so an int ``random_state`` gives the same
    stream every time; only one chunk is in memory at a time.

    Parameters
    ----------
    n_samples : int
        Total number of points.
    chunk_size : int
        Points per chunk (the last may be smaller).
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like of shape (n_components, n_features, n_features)
    random_state : None, int or numpy.random.RandomState

    Returns
    -------
    chunks : iterator of ndarray of shape (chunk_size, n_features)
    """
    n_samples = check_positive_int(n_samples, "n_samples")
    chunk_size = check_positive_int(chunk_size, "chunk_size")
    # Validate the mixture once, with a one-point draw from a throw-away generator.
    sample_mixture(1, weights, means, covariances, random_state=0)
    rng = check_random_state(random_state)

    def chunks():
        for start in range(0, n_samples, chunk_size):
            size = min(chunk_size, n_samples - start)
            yield sample_mixture(size, weights, means, covariances, random_state=rng).X

    return chunks()


###############################################################################
# Online EM


def _check_step_size(step_size):
    if step_size is None:
        return power_step_sizes()
    if isinstance(step_size, numbers.Real) and not isinstance(step_size, bool):
        value = float(step_size)
        if not 0.0 < value <= 1.0:
            raise ValueError(f"A constant step_size must lie in (0, 1], got {value}.")
        return lambda t: value
    if callable(step_size):
        return step_size
    raise ValueError(
        "step_size must be None, a number in (0, 1] or a callable t -> rho_t "
        f"(e.g. power_step_sizes(0.6)), got {step_size!r}."
    )


def _checked_step(step_size, t):
    value = step_size(t)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 < value <= 1.0:
        raise ValueError(f"step_size({t}) must be a number in (0, 1], got {value!r}.")
    return float(value)


def _check_chunk(chunk, t, n_features):
    chunk = check_array(chunk, name=f"chunk {t}")
    if chunk.shape[1] != n_features:
        raise ValueError(
            f"chunk {t} has {chunk.shape[1]} feature(s) but the mixture has {n_features}."
        )
    return chunk


def online_em(
    chunks,
    weights,
    means,
    covariances,
    covariance_type="full",
    reg_covar=1e-6,
    step_size=None,
    record_history=False,
):
    r"""Online EM: one E-step per chunk, then a step of the statistics towards it.

    For chunk ``t = 1, 2, ...``: compute its responsibilities under
    :math:`\theta_{t-1}` (the E-step of :mod:`gmm_lib.mixture`), its
    averaged statistics :math:`\bar{\mathbf{s}}_t`
    (:func:`sufficient_statistics`), update
    :math:`\mathbf{s}_t = (1 - \rho_t)\mathbf{s}_{t-1} + \rho_t \bar{\mathbf{s}}_t`
    and set :math:`\theta_t = \bar\theta(\mathbf{s}_t)`
    (:func:`parameters_from_statistics`).  :math:`\mathbf{s}_0` are the
    statistics of the initial parameters (:func:`statistics_from_parameters`).
    The chunks are read once, in order, and not kept.

    Parameters
    ----------
    chunks : iterable of array-like of shape (n_chunk_samples, n_features)
        E.g. a generator reading a file, :func:`mixture_stream` or
        :func:`iterate_chunks`.  Chunks may have different sizes.
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        Initial parameters; covariances in the layout of ``covariance_type``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    reg_covar : float, default=1e-6
    step_size : None, float or callable, default=None
        :math:`\rho_t`: a callable ``t -> rho_t`` (``t = 1, 2, ...``) such as
        :func:`power_step_sizes`, a constant in (0, 1], or None for
        ``power_step_sizes(0.6)``.
    record_history : bool, default=False
        Keep theta_0, ..., theta_T (their ``log_likelihood`` is None: the
        whole data set is never seen at once).

    Returns
    -------
    result : dict
        ``weights``, ``means``, ``covariances``, ``precisions_cholesky``
        (final parameters); ``lower_bounds`` (list: the mean log-likelihood
        per point of each chunk under the parameters entering its step, a
        noisy estimate of the fit on fresh data); ``step_sizes`` (list of
        rho_t); ``n_iter`` (chunks processed); ``n_samples_seen``;
        ``converged`` (always False: a stream has no stopping test);
        ``statistics`` (the final :class:`SufficientStatistics`); ``history``.
    """
    means_array = check_array(means, name="means")
    _, weights, means, covariances = _check_mixture_parameters(
        means_array, weights, means_array, covariances, covariance_type
    )
    reg_covar = check_non_negative_float(reg_covar, "reg_covar")
    step_size = _check_step_size(step_size)
    try:
        iterator = iter(chunks)
    except TypeError:
        raise ValueError(
            "chunks must be an iterable of 2-D arrays (a list, a generator, ...), got "
            f"{type(chunks).__name__}."
        ) from None
    n_features = means.shape[1]
    precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
        covariances, covariance_type
    )
    history = [_snapshot(weights, means, covariances)] if record_history else None
    statistics = None
    lower_bounds, step_sizes = [], []
    n_samples_seen = 0
    t = 0
    for t, chunk in enumerate(iterator, start=1):
        chunk = _check_chunk(chunk, t, n_features)
        if statistics is None:
            shift = chunk.mean(axis=0)
            statistics = _statistics_from_parameters(
                weights, means, covariances, covariance_type, shift
            )
        responsibilities, total = _e_step(
            chunk, weights, means, precisions_cholesky, covariance_type
        )
        lower_bounds.append(total / chunk.shape[0])
        rho = _checked_step(step_size, t)
        step_sizes.append(rho)
        statistics = _mix_statistics(
            statistics,
            _sufficient_statistics(chunk, responsibilities, covariance_type, statistics.shift),
            rho,
        )
        weights, means, covariances = _parameters_from_statistics(
            statistics, covariance_type, reg_covar
        )
        precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
            covariances, covariance_type
        )
        n_samples_seen += chunk.shape[0]
        if record_history:
            history.append(_snapshot(weights, means, covariances))
    if t == 0:
        raise ValueError("chunks is empty: online EM needs at least one chunk of data.")
    return {
        "weights": weights,
        "means": means,
        "covariances": covariances,
        "precisions_cholesky": precisions_cholesky,
        "lower_bounds": lower_bounds,
        "step_sizes": step_sizes,
        "n_iter": t,
        "n_samples_seen": n_samples_seen,
        "converged": False,
        "statistics": statistics,
        "history": history,
    }


###############################################################################
# Mini-batch k-means


def minibatch_kmeans(chunks, initial_centers, initial_counts=None):
    r"""Mini-batch k-means (Sculley 2010): nearest centres, then running means.

    For every chunk: assign its points to the nearest current centre
    (:func:`gmm_lib.kmeans.assign_clusters`), then move centre ``k``, which
    has absorbed ``v_k`` points so far and receives ``m_k`` new ones of sum
    ``S_k``, to :math:`(v_k \mu_k + S_k)/(v_k + m_k)` and set
    :math:`v_k \leftarrow v_k + m_k`.  This is Sculley's per-point gradient
    step with learning rate :math:`1/v_k`, done for the whole chunk at once;
    with zero initial counts every centre is the mean of all the points ever
    assigned to it.  A centre that receives no point does not move (unlike
    scikit-learn's ``MiniBatchKMeans``, nothing is reassigned).

    Parameters
    ----------
    chunks : iterable of array-like of shape (n_chunk_samples, n_features)
    initial_centers : array-like of shape (n_clusters, n_features)
        E.g. :func:`gmm_lib.kmeans.kmeans_plusplus` on the first chunk.
    initial_counts : array-like of shape (n_clusters,), optional
        Pseudo-counts ``v_k`` of the initial centres (default 0: the first
        points assigned replace them).

    Returns
    -------
    result : MiniBatchKMeansResult
        ``(centers, counts, distortion_history, n_iter, n_samples_seen)``.
    """
    centers = check_array(initial_centers, name="initial_centers")
    n_clusters, n_features = centers.shape
    if initial_counts is None:
        counts = np.zeros(n_clusters)
    else:
        counts = check_array(initial_counts, name="initial_counts", ndim=1)
        if counts.shape != (n_clusters,) or counts.min() < 0.0:
            raise ValueError(
                f"initial_counts must be {n_clusters} non-negative numbers, one per "
                f"centre, got {counts.tolist()}."
            )
        counts = counts.copy()
    try:
        iterator = iter(chunks)
    except TypeError:
        raise ValueError(
            "chunks must be an iterable of 2-D arrays (a list, a generator, ...), got "
            f"{type(chunks).__name__}."
        ) from None
    distortions = []
    n_samples_seen = 0
    t = 0
    for t, chunk in enumerate(iterator, start=1):
        chunk = _check_chunk(chunk, t, n_features)
        centers = _check_centers(centers, n_features)
        labels = assign_clusters(chunk, centers)
        residuals = chunk - centers[labels]
        distortions.append(float(np.einsum("nd,nd->", residuals, residuals)) / chunk.shape[0])
        sums, new_counts = _cluster_sums_and_counts(chunk, labels, n_clusters)
        touched = new_counts > 0
        totals = counts + new_counts
        centers = centers.copy()
        centers[touched] = (
            counts[touched, np.newaxis] * centers[touched] + sums[touched]
        ) / totals[touched, np.newaxis]
        counts = totals
        n_samples_seen += chunk.shape[0]
    if t == 0:
        raise ValueError("chunks is empty: mini-batch k-means needs at least one chunk of data.")
    return MiniBatchKMeansResult(centers, counts, np.array(distortions), t, n_samples_seen)
