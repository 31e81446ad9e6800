"""Data sets of the course: Old Faithful, and teaching samples with known truth.

Every generator draws from a Gaussian mixture whose parameters are returned
with the sample, so a chapter can compare what an algorithm recovers with
what generated the data.  All generators are seeded through ``random_state``.
"""

from collections import namedtuple
from importlib import resources

import numpy as np

from ._validation import (
    check_array,
    check_covariance_parameter,
    check_means,
    check_positive_int,
    check_random_state,
    check_weights,
)
from .gaussian import sample_gaussian

GroundTruthSample = namedtuple(
    "GroundTruthSample", ["X", "labels", "weights", "means", "covariances"]
)
GroundTruthSample.__doc__ = """A sample drawn from a known Gaussian mixture.

Attributes
----------
X : ndarray of shape (n_samples, n_features)
    The data.
labels : ndarray of shape (n_samples,)
    The component each sample was drawn from (the latent z_n).
weights : ndarray of shape (n_components,)
    The mixing weights pi_k that generated the data.
means : ndarray of shape (n_components, n_features)
    The component means mu_k.
covariances : ndarray of shape (n_components, n_features, n_features)
    The component covariances Sigma_k.
"""

OLD_FAITHFUL_COLUMNS = ("eruptions", "waiting")


def load_old_faithful(return_columns=False):
    """Load the Old Faithful geyser data (272 eruptions).

    The copy shipped in ``gmm_lib/data/old_faithful.csv`` is R's
    ``datasets::faithful``: column 0 is the eruption length and column 1 the
    waiting time to the next eruption, both in minutes.  The waiting times are
    whole minutes (51 distinct values) and 16 rows are duplicates, which
    matters for singular maxima (see ``gmm_lib/data/README.md``).

    Parameters
    ----------
    return_columns : bool, default=False
        Also return the column names.

    Returns
    -------
    X : ndarray of shape (272, 2)
        ``X[:, 0]`` eruption length, ``X[:, 1]`` waiting time (minutes).
    columns : tuple of str
        Only when ``return_columns`` is true: ``("eruptions", "waiting")``.
    """
    source = resources.files("gmm_lib").joinpath("data", "old_faithful.csv")
    with source.open("r", encoding="utf-8") as handle:
        header = handle.readline().strip().split(",")
        X = np.loadtxt(handle, delimiter=",", dtype=np.float64)
    if tuple(header) != OLD_FAITHFUL_COLUMNS or X.shape != (272, 2):
        raise RuntimeError(
            "The shipped Old Faithful file is damaged: expected columns "
            f"{OLD_FAITHFUL_COLUMNS} and 272 rows, found {header} and {X.shape}."
        )
    if return_columns:
        return X, OLD_FAITHFUL_COLUMNS
    return X


def sample_mixture(n_samples, weights, means, covariances, random_state=None):
    """Draw from a Gaussian mixture by ancestral sampling.

    First each sample's component is drawn from the categorical distribution
    with probabilities ``weights`` (the latent z_n), then the sample itself
    from that component's Gaussian.

    Parameters
    ----------
    n_samples : int
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like of shape (n_components, n_features, n_features)
    random_state : None, int or numpy.random.RandomState

    Returns
    -------
    sample : GroundTruthSample
    """
    n_samples = check_positive_int(n_samples, "n_samples")
    means = check_array(means, name="means", ndim=2)
    n_components, n_features = means.shape
    means = check_means(means, n_components, n_features)
    weights = check_weights(weights, n_components)
    covariances = check_covariance_parameter(
        covariances, "full", n_components, n_features, name="covariances"
    )
    rng = check_random_state(random_state)
    labels = rng.choice(n_components, size=n_samples, p=weights / weights.sum())
    X = np.empty((n_samples, n_features))
    for k in range(n_components):
        members = labels == k
        if members.any():
            X[members] = sample_gaussian(means[k], covariances[k], int(members.sum()), rng)
    return GroundTruthSample(X, labels, weights, means, covariances)


def _rotation(angle_degrees):
    theta = np.deg2rad(angle_degrees)
    return np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])


def make_blobs(n_samples=300, random_state=0):
    """Three well-separated round clusters of equal size and spread (2-D).

    The easy case where k-means and a Gaussian mixture agree.
    """
    weights = np.full(3, 1.0 / 3.0)
    means = np.array([[-4.0, 0.0], [4.0, 0.0], [0.0, 6.0]])
    covariances = np.stack([np.eye(2)] * 3)
    return sample_mixture(n_samples, weights, means, covariances, random_state)


def make_anisotropic(n_samples=300, random_state=0):
    """Three elongated, parallel clusters (2-D), a k-means failure case.

    Each cluster has variances 4 and 0.09 along axes rotated by 45 degrees, so
    the clusters are thin and close across their short axes.
    """
    weights = np.full(3, 1.0 / 3.0)
    rotation = _rotation(45.0)
    shape = rotation @ np.diag([4.0, 0.09]) @ rotation.T
    means = np.array([[0.0, 0.0], [1.5, -1.5], [3.0, -3.0]])
    covariances = np.stack([shape] * 3)
    return sample_mixture(n_samples, weights, means, covariances, random_state)


def make_unequal_variances(n_samples=300, random_state=0):
    """Three round clusters with standard deviations 0.4, 1 and 2.5 (2-D).

    k-means draws its boundaries half-way between centres and so gives part of
    the wide cluster to its narrow neighbours.
    """
    weights = np.full(3, 1.0 / 3.0)
    means = np.array([[-3.0, 0.0], [0.0, 0.0], [5.0, 0.5]])
    covariances = np.stack([s**2 * np.eye(2) for s in (0.4, 1.0, 2.5)])
    return sample_mixture(n_samples, weights, means, covariances, random_state)


def make_unequal_sizes(n_samples=400, random_state=0):
    """Three clusters holding 80%, 15% and 5% of the points (2-D)."""
    weights = np.array([0.80, 0.15, 0.05])
    means = np.array([[0.0, 0.0], [3.5, 3.5], [-3.0, 3.5]])
    covariances = np.stack([np.diag([2.0, 2.0]), 0.5 * np.eye(2), 0.3 * np.eye(2)])
    return sample_mixture(n_samples, weights, means, covariances, random_state)


def make_two_bumps_1d(n_samples=200, random_state=0):
    """A 1-D sample from 0.3 N(-2, 0.5^2) + 0.7 N(1.5, 1): the two-bump example.

    ``X`` has shape (n_samples, 1) so it can be passed to the estimators;
    use ``X[:, 0]`` (or ``X.ravel()``) for 1-D plots.
    """
    weights = np.array([0.3, 0.7])
    means = np.array([[-2.0], [1.5]])
    covariances = np.array([[[0.25]], [[1.0]]])
    return sample_mixture(n_samples, weights, means, covariances, random_state)


def make_blob_grid(n_samples=450, n_rows=3, n_cols=3, spacing=5.0, random_state=0):
    """Round clusters of equal size and unit spread on a rectangular grid (2-D).

    ``n_rows * n_cols`` components with equal weights and identity
    covariances, their means ``spacing`` apart, the grid centred on the
    origin.  With many clusters an unlucky start is likely to put two
    centres in one blob and none in another, so this is the data set for
    showing the local minima of k-means and the benefit of k-means++.

    Parameters
    ----------
    n_samples : int, default=450
    n_rows, n_cols : int, default=3
        Shape of the grid; ``K = n_rows * n_cols`` components.
    spacing : float, default=5.0
        Distance between neighbouring means (in units of the standard
        deviation, which is 1).
    random_state : None, int or numpy.random.RandomState, default=0

    Returns
    -------
    sample : GroundTruthSample
    """
    n_rows = check_positive_int(n_rows, "n_rows")
    n_cols = check_positive_int(n_cols, "n_cols")
    spacing = float(check_array([spacing], name="spacing", ndim=1)[0])
    if spacing <= 0.0:
        raise ValueError(f"spacing must be a positive distance, got {spacing}.")
    columns = (np.arange(n_cols) - (n_cols - 1) / 2.0) * spacing
    rows = (np.arange(n_rows) - (n_rows - 1) / 2.0) * spacing
    means = np.array([[x, y] for y in rows for x in columns])
    n_components = means.shape[0]
    weights = np.full(n_components, 1.0 / n_components)
    covariances = np.stack([np.eye(2)] * n_components)
    return sample_mixture(n_samples, weights, means, covariances, random_state)
