"""Checking samples from a fitted model against held-out data.

A fitted mixture is a *generative* model: ``GaussianMixture.sample`` draws
new points by ancestral sampling (a component ``z ~ Categorical(pi)``, then
``x ~ N(mu_z, Sigma_z)``).  Whether those points look like the real thing is
a two-sample question -- are the generated points and held-out real points
draws from the same distribution? -- and this module gives three ways to
ask it:

* :func:`nearest_neighbor_distances` -- how far each point of one set is
  from the closest point of another.  Generated points much *closer* to the
  training data than held-out real points are signal memorisation; much
  *farther* signal mass where there is no data.
* :func:`energy_distance` -- a distance between the two empirical
  distributions that is zero only when they coincide.
* :func:`energy_test` -- a permutation test of "same distribution" with
  the energy distance as statistic.

Recorded data are often rounded (Old Faithful's waiting times are whole
minutes), while a Gaussian mixture is continuous; :func:`dequantize` adds
uniform noise of one recording step so that real and generated points can
be compared on equal terms.
"""

from collections import namedtuple

import numpy as np

from scipy.spatial.distance import cdist

from ._validation import check_array, check_n_features, check_positive_int, check_random_state

__all__ = [
    "EnergyTest",
    "dequantize",
    "nearest_neighbor_distances",
    "energy_distance",
    "energy_test",
]

EnergyTest = namedtuple("EnergyTest", ["statistic", "p_value", "null_statistics"])
EnergyTest.__doc__ = """\
Result of :func:`energy_test`.

Attributes
----------
statistic : float
    The energy distance between the two samples.
p_value : float
    ``(1 + #{null >= statistic}) / (1 + n_permutations)``.
null_statistics : ndarray of shape (n_permutations,)
    The energy distance after each random relabelling of the pooled sample.
"""


def _check_pair(X, Y, x_name="X", y_name="Y"):
    X = check_array(X, name=x_name)
    Y = check_array(Y, name=y_name)
    check_n_features(Y, X.shape[1], name=y_name)
    return X, Y


def _pairwise_distances(A, B):
    # cdist sums squared differences directly: exact zeros for identical points,
    # unlike the expansion ||a||^2 - 2 a.b + ||b||^2.
    return cdist(A, B)


def nearest_neighbor_distances(X_query, X_reference, exclude_self=False):
    """Euclidean distance from every query point to its nearest reference point.

    Parameters
    ----------
    X_query : array-like of shape (N, D)
    X_reference : array-like of shape (M, D)
    exclude_self : bool, default=False
        When the two sets are the same array, ignore each point's zero
        distance to itself (and use its nearest *other* point).  Requires
        ``X_query`` and ``X_reference`` to have the same rows.

    Returns
    -------
    distances : ndarray of shape (N,)
    """
    X_query, X_reference = _check_pair(X_query, X_reference, "X_query", "X_reference")
    if exclude_self:
        if X_query.shape != X_reference.shape or not np.array_equal(X_query, X_reference):
            raise ValueError(
                "exclude_self=True needs X_query and X_reference to be the same points."
            )
        if X_query.shape[0] < 2:
            raise ValueError("exclude_self=True needs at least two points.")
    distances = np.empty(X_query.shape[0])
    chunk = max(1, 2**20 // max(1, X_reference.shape[0]))
    for start in range(0, X_query.shape[0], chunk):
        block = _pairwise_distances(X_query[start:start + chunk], X_reference)
        if exclude_self:
            rows = np.arange(block.shape[0])
            block[rows, start + rows] = np.inf
        distances[start:start + chunk] = block.min(axis=1)
    return distances


def _energy_from_row_sums(row_sums, total, in_x, n_x, n_y):
    """Energy distance of a split of a pooled sample, from ``D @ in_x`` and ``sum(D)``.

    With ``v = D m`` for the indicator vector ``m`` of X, the three block sums
    of the distance matrix are ``m . v`` (X with X), ``(1 - m) . v`` (X with Y)
    and the rest (Y with Y), so a relabelling costs one matrix-vector product.
    """
    xx = row_sums[in_x].sum()
    xy = row_sums[~in_x].sum()
    yy = total - xx - 2.0 * xy
    value = 2.0 * xy / (n_x * n_y) - xx / (n_x * n_x) - yy / (n_y * n_y)
    return float(np.sqrt(max(value, 0.0)))


def energy_distance(X, Y):
    """Energy distance between two samples (Székely & Rizzo).

    ``sqrt(2 E||X - Y|| - E||X - X'|| - E||Y - Y'||)`` with every expectation
    an average over all pairs of the two empirical distributions (pairs of a
    point with itself included, as in ``scipy.stats.energy_distance``, which
    it equals in one dimension).  The quantity under the root is never
    negative and is zero only for identical distributions.

    Parameters
    ----------
    X : array-like of shape (N, D)
    Y : array-like of shape (M, D)

    Returns
    -------
    distance : float

    Notes
    -----
    Costs O((N + M)^2) time and memory: meant for a few thousand points.
    """
    X, Y = _check_pair(X, Y)
    xy = _pairwise_distances(X, Y).mean()
    xx = _pairwise_distances(X, X).mean()
    yy = _pairwise_distances(Y, Y).mean()
    return float(np.sqrt(max(2.0 * xy - xx - yy, 0.0)))


def energy_test(X, Y, n_permutations=199, random_state=None):
    """Permutation test of "X and Y come from the same distribution".

    The pooled sample is relabelled at random ``n_permutations`` times; the
    p-value is the fraction of relabellings (counting the observed one) whose
    energy distance is at least the observed one.  Under the null hypothesis
    every labelling is equally likely, so the test is exact: it rejects at
    level ``alpha`` with probability at most ``alpha``.

    Parameters
    ----------
    X : array-like of shape (N, D)
    Y : array-like of shape (M, D)
    n_permutations : int, default=199
    random_state : None, int or numpy.random.RandomState, default=None

    Returns
    -------
    result : EnergyTest
    """
    X, Y = _check_pair(X, Y)
    n_permutations = check_positive_int(n_permutations, "n_permutations")
    rng = check_random_state(random_state)
    pooled = np.vstack([X, Y])
    distances = _pairwise_distances(pooled, pooled)
    n_x, n_y = X.shape[0], Y.shape[0]
    in_x = np.zeros(n_x + n_y, dtype=bool)
    in_x[:n_x] = True
    total = distances.sum()
    observed = _energy_from_row_sums(distances @ in_x, total, in_x, n_x, n_y)
    null = np.empty(n_permutations)
    for i in range(n_permutations):
        permuted = rng.permutation(in_x)
        null[i] = _energy_from_row_sums(distances @ permuted, total, permuted, n_x, n_y)
    # A tiny tolerance so that relabellings equal to the observed one count as ">=".
    p_value = (1.0 + np.sum(null >= observed - 1e-12 * max(observed, 1.0))) / (1.0 + n_permutations)
    return EnergyTest(observed, float(p_value), null)


def dequantize(X, resolution, random_state=None):
    """Spread rounded values uniformly over their rounding interval.

    A value recorded to a grid of step ``h`` stands for any value within
    ``h/2`` of it; adding independent noise ``U(-h/2, h/2)`` turns the data
    into a sample of a continuous distribution whose density, averaged over
    each grid cell, is the probability of the recorded value.  Continuous
    models (and nearest-neighbour comparisons with their samples) should
    see dequantised data.

    Parameters
    ----------
    X : array-like of shape (N, D)
    resolution : float or array-like of shape (D,)
        Recording step ``h`` of each feature; 0 leaves a feature unchanged.
    random_state : None, int or numpy.random.RandomState, default=None

    Returns
    -------
    X_continuous : ndarray of shape (N, D)
        A new array; ``X`` is not modified.
    """
    X = check_array(X, name="X")
    if np.ndim(resolution) == 0:
        step = check_array([resolution], name="resolution", ndim=1)[0]
        steps = np.full(X.shape[1], step)
    else:
        steps = check_array(resolution, name="resolution", ndim=1)
    if steps.shape != (X.shape[1],):
        raise ValueError(
            f"resolution must be a number or one step per feature, shape ({X.shape[1]},), "
            f"but has shape {steps.shape}."
        )
    if not np.all(np.isfinite(steps)) or np.any(steps < 0.0):
        raise ValueError("resolution must hold finite steps >= 0.")
    rng = check_random_state(random_state)
    noise = rng.uniform(-0.5, 0.5, size=X.shape) * steps
    return X + noise
