"""Tests for the chapter-6 data set: two clusters, one of them skewed."""

import numpy as np
import pytest
from scipy import stats

from gmm_lib.datasets import ClusterSample, make_skewed_clusters


def test_shapes_sizes_and_labels():
    sample = make_skewed_clusters(450, random_state=0)
    assert isinstance(sample, ClusterSample)
    assert sample.X.shape == (450, 2)
    assert np.array_equal(np.bincount(sample.labels), [300, 150])
    assert np.all(np.isfinite(sample.X))


def test_seed_reproduces_the_sample_and_another_seed_changes_it():
    a = make_skewed_clusters(90, random_state=4)
    b = make_skewed_clusters(90, random_state=4)
    c = make_skewed_clusters(90, random_state=5)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.labels, b.labels)
    assert not np.array_equal(a.X, c.X)


def test_the_skewed_cluster_is_skewed_and_the_round_one_is_not():
    sample = make_skewed_clusters(3000, random_state=1)
    skewed = sample.X[sample.labels == 0]
    round_cluster = sample.X[sample.labels == 1]
    # Gamma(1.5) has skewness 2 / sqrt(1.5) = 1.63 and mean 1.5 * 1.2 = 1.8.
    assert stats.skew(skewed[:, 0]) == pytest.approx(2 / np.sqrt(1.5), abs=0.25)
    assert skewed[:, 0].mean() == pytest.approx(1.8, abs=0.1)
    assert skewed[:, 0].min() > 0.0
    assert abs(stats.skew(round_cluster[:, 0])) < 0.25
    assert np.allclose(round_cluster.mean(axis=0), [-2.5, 3.0], atol=0.1)
    assert np.allclose(round_cluster.std(axis=0), 0.6, atol=0.05)


@pytest.mark.parametrize("n_samples", [0, 1, 2.5, "many"])
def test_bad_sample_sizes_are_rejected(n_samples):
    with pytest.raises(ValueError, match="n_samples"):
        make_skewed_clusters(n_samples)
