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


# ---------------------------------------------------------------------------
# Textbook worked examples (appendix "Reproducing the textbooks")
# ---------------------------------------------------------------------------

# Hastie, Tibshirani & Friedman, The Elements of Statistical Learning, 2nd ed.,
# Table 8.1 (section 8.5.1), in the order of the table.  Provenance in
# gmm_lib/data/README.md.
_ESL_MIXTURE_EXAMPLE = (
    -0.39, 0.12, 0.94, 1.67, 1.76, 2.44, 3.72, 4.28, 4.92, 5.53,
    0.06, 0.48, 1.01, 1.68, 1.80, 3.25, 4.12, 4.60, 5.28, 6.22,
)

# Deisenroth, Faisal & Ong, Mathematics for Machine Learning, chapter 11:
# the data and the initial mixture of the running example.
_MML_EXAMPLE_X = (-3.0, -2.5, -1.0, 0.0, 2.0, 4.0, 5.0)
_MML_EXAMPLE_MEANS = (-4.0, 0.0, 8.0)
_MML_EXAMPLE_VARIANCES = (1.0, 0.2, 3.0)

MMLExample = namedtuple("MMLExample", ["x", "weights", "means", "variances"])
MMLExample.__doc__ = """The running example of chapter 11 of *Mathematics for Machine Learning*.

Attributes
----------
x : ndarray of shape (7,)
    The seven data points.
weights : ndarray of shape (3,)
    Initial mixing weights pi_k, all 1/3.
means : ndarray of shape (3,)
    Initial component means mu_k.
variances : ndarray of shape (3,)
    Initial component VARIANCES sigma_k^2 (not standard deviations).
"""


def load_esl_mixture_example():
    """The 20 observations of the two-component mixture example of ESL.

    Table 8.1 of Hastie, Tibshirani & Friedman, *The Elements of Statistical
    Learning* (2nd ed., section 8.5.1), in the order of the table.  ESL fits
    ``(1 - pi) N(mu_1, sigma_1^2) + pi N(mu_2, sigma_2^2)``: its ``pi`` is
    the weight of the SECOND component.  To fit it with
    :func:`gmm_lib.mixture.run_em`, pass ``y.reshape(-1, 1)`` with
    ``covariance_type='spherical'`` (one variance per component).

    Returns
    -------
    y : ndarray of shape (20,)
        A fresh copy on every call.
    """
    return np.array(_ESL_MIXTURE_EXAMPLE, dtype=np.float64)


def load_mml_example():
    """The 1-D data and initial mixture of the running example of MML, chapter 11.

    Deisenroth, Faisal & Ong, *Mathematics for Machine Learning*, chapter 11:
    seven points and the initial mixture
    ``1/3 N(-4, 1) + 1/3 N(0, 0.2) + 1/3 N(8, 3)``, whose second arguments
    are VARIANCES.  With :func:`gmm_lib.mixture.run_em`: pass
    ``x.reshape(-1, 1)``, ``means.reshape(-1, 1)``, ``variances`` with
    ``covariance_type='spherical'``, and ``reg_covar=0.0`` to reproduce the
    book's arithmetic exactly.

    Returns
    -------
    example : MMLExample
        ``(x, weights, means, variances)``, fresh arrays on every call.
    """
    return MMLExample(
        np.array(_MML_EXAMPLE_X, dtype=np.float64),
        np.full(3, 1.0 / 3.0),
        np.array(_MML_EXAMPLE_MEANS, dtype=np.float64),
        np.array(_MML_EXAMPLE_VARIANCES, dtype=np.float64),
    )


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


# ---------------------------------------------------------------------------
# Classification and evaluation (chapter 8)
# ---------------------------------------------------------------------------

ClassificationSample = namedtuple(
    "ClassificationSample",
    ["X", "y", "labels", "weights", "means", "covariances", "component_classes"],
)
ClassificationSample.__doc__ = """A labelled sample whose classes are themselves Gaussian mixtures.

Attributes
----------
X : ndarray of shape (n_samples, n_features)
    The data.
y : ndarray of shape (n_samples,)
    The class of every sample.
labels : ndarray of shape (n_samples,)
    The component every sample was drawn from.
weights : ndarray of shape (n_components,)
    Mixing weights of all the components together (they sum to one).
means : ndarray of shape (n_components, n_features)
covariances : ndarray of shape (n_components, n_features, n_features)
component_classes : ndarray of shape (n_components,)
    The class each component belongs to, so ``y = component_classes[labels]``.
"""


def make_checkerboard_classes(n_samples=540, spacing=3.5, random_state=0):
    """Two classes, each a union of elongated blobs on a 3 x 3 checkerboard (2-D).

    Nine equally likely components sit on a 3 x 3 grid, ``spacing`` apart;
    class 0 owns the five cells whose row + column is even, class 1 the four
    others, so neither class is one cluster.  Each blob is elongated (standard
    deviations about 0.99 and 0.38 along its principal axes) and tilted by
    its own fixed angle.  The two classes have nearly the same mean and
    similar overall spread, so one Gaussian per class (QDA) is close to
    guessing, while one component per blob separates them well.  The
    component parameters do not depend on ``random_state``, so two calls
    with different seeds draw a training and a test set from the same
    distribution.

    Parameters
    ----------
    n_samples : int, default=540
    spacing : float, default=3.5
        Distance between neighbouring blob centres.
    random_state : None, int or numpy.random.RandomState, default=0

    Returns
    -------
    sample : ClassificationSample
    """
    n_samples = check_positive_int(n_samples, "n_samples")
    spacing = float(check_array([spacing], name="spacing", ndim=1)[0])
    if spacing <= 0.0:
        raise ValueError(f"spacing must be a positive distance, got {spacing}.")
    cells = [(row, col) for row in range(3) for col in range(3)]
    means = np.array([[(col - 1) * spacing, (row - 1) * spacing] for row, col in cells])
    component_classes = np.array([(row + col) % 2 for row, col in cells])
    angles = (20, 110, 60, 150, 0, 90, 135, 45, 160)
    axes = np.diag([0.98, 0.147])  # variances along the blob's own axes
    covariances = np.stack([_rotation(a) @ axes @ _rotation(a).T for a in angles])
    weights = np.full(9, 1.0 / 9.0)
    sample = sample_mixture(n_samples, weights, means, covariances, random_state)
    return ClassificationSample(
        sample.X, component_classes[sample.labels], sample.labels, weights, means,
        covariances, component_classes,
    )


def train_test_indices(n_samples, test_fraction=0.25, stratify=None, random_state=None):
    """Random disjoint training and test indices, optionally stratified by class.

    With ``stratify`` the split is made class by class, so that each class
    contributes ``round(test_fraction * n_c)`` of its ``n_c`` samples to the
    test set and the class proportions of both parts match the data's.

    Parameters
    ----------
    n_samples : int
        Number of samples to split (at least 2).
    test_fraction : float in (0, 1), default=0.25
    stratify : array-like of shape (n_samples,), optional
        Class labels to preserve in both parts.
    random_state : None, int or numpy.random.RandomState, default=None

    Returns
    -------
    train : ndarray of shape (n_train,)
        Sorted indices of the training samples.
    test : ndarray of shape (n_test,)
        Sorted indices of the test samples; ``train`` and ``test`` partition
        ``range(n_samples)`` and neither is empty.
    """
    n_samples = check_positive_int(n_samples, "n_samples", minimum=2)
    fraction = float(check_array([test_fraction], name="test_fraction", ndim=1)[0])
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1, got {fraction}.")
    rng = check_random_state(random_state)
    if stratify is None:
        groups = [np.arange(n_samples)]
    else:
        stratify = np.asarray(stratify)
        if stratify.shape != (n_samples,):
            raise ValueError(
                f"stratify must hold one label per sample, shape ({n_samples},), but has "
                f"shape {stratify.shape}."
            )
        _, inverse = np.unique(stratify, return_inverse=True)
        groups = [np.flatnonzero(inverse == c) for c in range(inverse.max() + 1)]
    test = []
    for group in groups:
        shuffled = rng.permutation(group)
        test.append(shuffled[: int(round(fraction * group.size))])
    test = np.sort(np.concatenate(test)).astype(np.int64)
    if test.size == 0 or test.size == n_samples:
        raise ValueError(
            f"test_fraction={fraction} leaves the {'test' if test.size == 0 else 'training'} "
            f"set empty with {n_samples} samples; choose a fraction that gives both parts "
            f"at least one sample."
        )
    train = np.setdiff1d(np.arange(n_samples), test)
    return train, test


# ---------------------------------------------------------------------------
# A non-Gaussian cluster (chapter 6: density estimation versus clustering)
# ---------------------------------------------------------------------------

ClusterSample = namedtuple("ClusterSample", ["X", "labels"])
ClusterSample.__doc__ = """A sample with known clusters that are not all Gaussian.

Attributes
----------
X : ndarray of shape (n_samples, n_features)
labels : ndarray of shape (n_samples,)
    The cluster each sample was drawn from.
"""


def make_skewed_clusters(n_samples=450, random_state=0):
    """Two well-separated clusters in 2-D, one of them skewed (not Gaussian).

    Cluster 0 (two thirds of the points) has a right-skewed first coordinate,
    ``x_1 ~ Gamma(shape=1.5, scale=1.2)``, and ``x_2 ~ N(0, 0.8^2)``
    independently; cluster 1 is round, ``N((-2.5, 3), 0.6^2 I)``.  One
    Gaussian cannot describe the skewed cluster, so a good *density* needs
    more components than there are *clusters*.

    Parameters
    ----------
    n_samples : int, default=450
        At least 2; cluster 0 gets ``round(2 n_samples / 3)`` of them.
    random_state : None, int or numpy.random.RandomState, default=0

    Returns
    -------
    sample : ClusterSample
    """
    n_samples = check_positive_int(n_samples, "n_samples", minimum=2)
    rng = check_random_state(random_state)
    n_skewed = int(round(2 * n_samples / 3))
    n_round = n_samples - n_skewed
    skewed = np.column_stack([
        rng.gamma(1.5, 1.2, size=n_skewed),
        0.8 * rng.standard_normal(n_skewed),
    ])
    round_cluster = np.array([-2.5, 3.0]) + 0.6 * rng.standard_normal((n_round, 2))
    X = np.vstack([skewed, round_cluster])
    labels = np.repeat(np.array([0, 1], dtype=np.int64), [n_skewed, n_round])
    return ClusterSample(X, labels)
