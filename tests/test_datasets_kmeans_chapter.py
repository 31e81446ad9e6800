"""Tests for the data set added for chapter 2 (k-means): make_blob_grid."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from gmm_lib.datasets import make_blob_grid


def test_blob_grid_parameters():
    sample = make_blob_grid(n_samples=600, n_rows=2, n_cols=3, spacing=4.0, random_state=1)
    assert sample.X.shape == (600, 2)
    assert_allclose(sample.weights, np.full(6, 1 / 6))
    assert_allclose(
        sample.means,
        [[-4, -2], [0, -2], [4, -2], [-4, 2], [0, 2], [4, 2]],
    )
    assert_allclose(sample.covariances, np.stack([np.eye(2)] * 6))
    assert set(np.unique(sample.labels)) <= set(range(6))


def test_blob_grid_samples_come_from_their_components():
    sample = make_blob_grid(n_samples=4000, random_state=0)
    for k in range(9):
        members = sample.X[sample.labels == k]
        assert abs(members.shape[0] - 4000 / 9) < 100
        assert_allclose(members.mean(axis=0), sample.means[k], atol=0.15)
        assert_allclose(members.std(axis=0), [1.0, 1.0], atol=0.1)


def test_blob_grid_is_seeded():
    a = make_blob_grid(random_state=3)
    b = make_blob_grid(random_state=3)
    assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.X, make_blob_grid(random_state=4).X)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_rows": 0}, "n_rows"),
        ({"n_cols": 2.5}, "n_cols"),
        ({"spacing": -1.0}, "spacing"),
        ({"spacing": np.nan}, "spacing"),
        ({"n_samples": 0}, "n_samples"),
    ],
)
def test_blob_grid_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_blob_grid(**kwargs)
