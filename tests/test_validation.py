"""Tests for gmm_lib._validation: the wording and triggers of input errors."""

import numpy as np
import pytest

from gmm_lib import _validation as v


def test_check_array_accepts_lists_and_avoids_copies():
    X = np.arange(6.0).reshape(3, 2)
    assert v.check_array(X) is X
    np.testing.assert_array_equal(v.check_array([[1, 2], [3, 4]]), [[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize(
    "X, message",
    [
        ([1.0, 2.0, 3.0], "reshape it with X.reshape"),
        (np.zeros((2, 2, 2)), "must be a 2-D array"),
        ([[1.0, np.nan]], "1 NaN"),
        ([[1.0, np.inf]], "1 infinite"),
        ([["a", "b"]], "array of numbers"),
        (np.zeros((0, 2)), "at least 1"),
        (np.zeros((3, 0)), "no features"),
    ],
)
def test_check_array_messages(X, message):
    with pytest.raises(ValueError, match=message):
        v.check_array(X)


def test_n_components_versus_samples():
    assert v.check_n_components(3, 3) == 3
    with pytest.raises(ValueError, match="n_samples >= n_components"):
        v.check_n_components(4, 3)
    with pytest.raises(ValueError, match="at least 1"):
        v.check_n_components(0, 3)
    with pytest.raises(ValueError, match="integer"):
        v.check_n_components(2.5, 3)


def test_covariance_type_and_random_state():
    with pytest.raises(ValueError, match="covariance_type"):
        v.check_covariance_type("ful")
    first = v.check_random_state(3).uniform(size=3)
    np.testing.assert_array_equal(first, np.random.RandomState(3).uniform(size=3))
    state = np.random.RandomState(0)
    assert v.check_random_state(state) is state
    with pytest.raises(ValueError, match="random_state"):
        v.check_random_state("seed")


def test_weights_means_covariances():
    with pytest.raises(ValueError, match="sum to one"):
        v.check_weights([0.2, 0.2], 2)
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        v.check_weights([0.5, 0.5], 3)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        v.check_weights([1.5, -0.5], 2)
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        v.check_means(np.zeros((2, 2)), 2, 3)
    with pytest.raises(ValueError, match="symmetric"):
        v.check_covariance_parameter([[[1.0, 0.5], [0.0, 1.0]]], "full", 1, 2)
    with pytest.raises(ValueError, match="positive-definite"):
        v.check_covariance_parameter([[1.0, 2.0], [2.0, 1.0]], "tied", 3, 2)
    with pytest.raises(ValueError, match="strictly positive"):
        v.check_covariance_parameter([1.0, 0.0], "spherical", 2, 5)
    with pytest.raises(ValueError, match=r"shape \(2, 5\)"):
        v.check_covariance_parameter([1.0, 1.0], "diag", 2, 5)


def test_check_responsibilities_accepts_distributions_and_one_hot():
    soft = np.array([[0.25, 0.75], [1.0, 0.0], [0.5, 0.5]])
    assert v.check_responsibilities(soft, n_samples=3, n_components=2) is not None
    assert v.check_responsibilities(np.eye(3)).shape == (3, 3)


@pytest.mark.parametrize("table, kwargs, message", [
    (np.full((3, 2), 0.5), {"n_samples": 4}, r"one row per sample: expected 4 rows.*\(3, 2\)"),
    (np.full((3, 2), 0.5), {"n_components": 3}, r"one column per component: expected 3"),
    (np.array([[1.5, -0.5]]), {}, r"must lie in \[0, 1\]"),
    (np.array([[0.5, 0.5], [0.2, 0.2]]), {}, r"row 1 sums to 0\.4 \(1 such row"),
    (np.array([[0.5, np.nan]]), {}, "NaN"),
    (np.array([0.5, 0.5]), {}, "2-D"),
    (np.full((2, 2), 0.2), {"name": "responsibilities_q", "sample": "pixel"},
     r"Each row of responsibilities_q must sum to one \(a pixel"),
])
def test_check_responsibilities_messages(table, kwargs, message):
    with pytest.raises(ValueError, match=message):
        v.check_responsibilities(table, **kwargs)


def test_check_array_finiteness_without_a_full_temporary():
    # The fast path sums the entries: a sum that overflows on huge but finite
    # entries must not be mistaken for an infinity, and no RuntimeWarning leaks.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert v.check_array(np.array([[1e308, 1e308], [-1e308, 1e308]])).shape == (2, 2)
        with pytest.raises(ValueError, match="0 NaN and 2 infinite"):
            v.check_array(np.array([[np.inf, -np.inf]]))
        with pytest.raises(ValueError, match="1 NaN and 1 infinite"):
            v.check_array(np.array([[np.nan, 1.0], [np.inf, 0.0]]))
