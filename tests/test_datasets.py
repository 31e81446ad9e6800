"""Tests for gmm_lib.datasets: Old Faithful and the teaching generators."""

import numpy as np
import pytest

from gmm_lib import datasets


def test_old_faithful_shape_dtype_and_known_summaries():
    X, columns = datasets.load_old_faithful(return_columns=True)
    assert columns == ("eruptions", "waiting")
    assert X.shape == (272, 2)
    assert X.dtype == np.float64
    # Published summaries of R's datasets::faithful.
    assert X[:, 0].mean() == pytest.approx(3.487783, abs=1e-6)
    assert X[:, 1].mean() == pytest.approx(70.897059, abs=1e-6)
    assert X[:, 0].min() == 1.6 and X[:, 0].max() == 5.1
    assert X[:, 1].min() == 43 and X[:, 1].max() == 96
    np.testing.assert_array_equal(X[0], [3.6, 79.0])


def test_old_faithful_ties_that_make_singularities_reachable():
    X = datasets.load_old_faithful()
    assert np.unique(X[:, 1]).size == 51
    assert X.shape[0] - np.unique(X, axis=0).shape[0] == 16


def test_old_faithful_returns_a_fresh_array():
    X = datasets.load_old_faithful()
    X[:] = 0.0
    assert datasets.load_old_faithful()[0, 1] == 79.0


GENERATORS = [
    (datasets.make_blobs, 3, 2),
    (datasets.make_anisotropic, 3, 2),
    (datasets.make_unequal_variances, 3, 2),
    (datasets.make_unequal_sizes, 3, 2),
    (datasets.make_two_bumps_1d, 2, 1),
]


@pytest.mark.parametrize("generator, n_components, n_features", GENERATORS)
def test_generators_return_consistent_ground_truth(generator, n_components, n_features):
    sample = generator(n_samples=3000, random_state=1)
    assert sample.X.shape == (3000, n_features)
    assert sample.labels.shape == (3000,)
    assert sample.weights.shape == (n_components,)
    assert sample.means.shape == (n_components, n_features)
    assert sample.covariances.shape == (n_components, n_features, n_features)
    assert sample.weights.sum() == pytest.approx(1.0)
    # The sample agrees with the parameters that generated it.
    counts = np.bincount(sample.labels, minlength=n_components) / 3000
    np.testing.assert_allclose(counts, sample.weights, atol=0.04)
    for k in range(n_components):
        members = sample.X[sample.labels == k]
        np.testing.assert_allclose(members.mean(axis=0), sample.means[k], atol=0.25)


@pytest.mark.parametrize("generator, n_components, n_features", GENERATORS)
def test_generators_are_seeded(generator, n_components, n_features):
    first, second = generator(random_state=7), generator(random_state=7)
    np.testing.assert_array_equal(first.X, second.X)
    np.testing.assert_array_equal(first.labels, second.labels)
    assert not np.array_equal(first.X, generator(random_state=8).X)


def test_sample_mixture_matches_requested_moments():
    weights = [0.25, 0.75]
    means = [[0.0, 0.0], [5.0, 5.0]]
    covariances = [np.eye(2), [[2.0, 0.8], [0.8, 1.0]]]
    sample = datasets.sample_mixture(40000, weights, means, covariances, random_state=0)
    second = sample.X[sample.labels == 1]
    # Standard error of a covariance entry here is about 0.02: allow 5 of them.
    np.testing.assert_allclose(np.cov(second.T, bias=True), covariances[1], atol=0.1)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n_samples=0), "n_samples must be at least 1"),
        (dict(weights=[0.5, 0.6]), "sum to one"),
        (dict(means=[[0.0, np.nan], [1.0, 1.0]]), "NaN"),
        (dict(covariances=[np.eye(2), -np.eye(2)]), "positive-definite"),
        (dict(covariances=[np.eye(3), np.eye(3)]), "shape"),
    ],
)
def test_sample_mixture_rejects_bad_parameters(kwargs, message):
    arguments = dict(
        n_samples=10,
        weights=[0.5, 0.5],
        means=[[0.0, 0.0], [1.0, 1.0]],
        covariances=[np.eye(2), np.eye(2)],
        random_state=0,
    )
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        datasets.sample_mixture(**arguments)
