"""Tests for gmm_lib.metrics: comparing clusterings, checked against scikit-learn and by hand."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics.cluster import contingency_matrix as sk_contingency_matrix

from gmm_lib.metrics import (
    adjusted_rand_index,
    contingency_matrix,
    match_labels,
    mismatch_fraction,
)

SETTINGS = settings(max_examples=40, deadline=None)

label_pairs = st.integers(min_value=1, max_value=40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 4), min_size=n, max_size=n),
        st.lists(st.integers(0, 4), min_size=n, max_size=n),
    )
)


def test_contingency_matrix_by_hand():
    table = contingency_matrix([0, 0, 1, 1, 2], [1, 1, 0, 1, 1])
    assert_array_equal(table, [[0, 2], [1, 1], [0, 1]])
    assert table.dtype == np.int64


@SETTINGS
@given(label_pairs)
def test_contingency_matrix_matches_sklearn_on_used_labels(pair):
    a, b = map(np.array, pair)
    table = contingency_matrix(a, b)
    assert table.sum() == a.size
    # scikit-learn drops unused labels; ours keeps a zero row/column for them.
    used = table[np.unique(a)][:, np.unique(b)]
    assert_array_equal(used, sk_contingency_matrix(a, b))


@SETTINGS
@given(label_pairs)
def test_adjusted_rand_index_matches_sklearn(pair):
    a, b = map(np.array, pair)
    assert adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)


def test_adjusted_rand_index_ignores_names_and_is_symmetric():
    rng = np.random.RandomState(0)
    a = rng.randint(0, 3, size=60)
    renamed = np.array([2, 0, 1])[a]
    assert adjusted_rand_index(a, renamed) == pytest.approx(1.0)
    b = rng.randint(0, 4, size=60)
    assert adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_index(b, a))


def test_adjusted_rand_index_degenerate_cases_score_one():
    assert adjusted_rand_index([0, 0, 0], [1, 1, 1]) == 1.0
    assert adjusted_rand_index([0, 1, 2], [2, 0, 1]) == 1.0
    assert adjusted_rand_index([3], [0]) == 1.0


def test_adjusted_rand_index_of_unrelated_random_labels_is_near_zero():
    rng = np.random.RandomState(1)
    a, b = rng.randint(0, 3, size=(2, 3000))
    assert abs(adjusted_rand_index(a, b)) < 0.01


def test_match_labels_undoes_a_permutation():
    reference = np.array([0, 0, 1, 1, 2, 2, 2])
    permutation = np.array([2, 0, 1])
    matched, mapping = match_labels(reference, permutation[reference], return_mapping=True)
    assert_array_equal(matched, reference)
    assert_array_equal(mapping[permutation], [0, 1, 2])


def brute_force_best_agreement(reference, labels):
    size = max(reference.max(), labels.max()) + 1
    return max(
        np.sum(np.array(perm)[labels] == reference)
        for perm in itertools.permutations(range(size))
    )


@SETTINGS
@given(label_pairs)
def test_match_labels_is_an_optimal_renaming(pair):
    reference, labels = map(np.array, pair)
    matched, mapping = match_labels(reference, labels, return_mapping=True)
    # A renaming: distinct clusters keep distinct names, the partition is unchanged.
    assert np.unique(mapping).size == mapping.size
    assert adjusted_rand_index(matched, labels) == pytest.approx(1.0)
    # Optimal: no permutation gives more agreeing samples.
    assert np.sum(matched == reference) == brute_force_best_agreement(reference, labels)
    assert mismatch_fraction(reference, labels) == pytest.approx(
        1.0 - np.sum(matched == reference) / reference.size
    )


def test_match_labels_with_more_clusters_than_the_reference():
    reference = np.array([0, 0, 0, 1, 1, 1])
    labels = np.array([2, 2, 0, 1, 1, 1])
    matched, mapping = match_labels(reference, labels, return_mapping=True)
    assert_array_equal(matched, [0, 0, 2, 1, 1, 1])
    assert sorted(mapping.tolist()) == [0, 1, 2]
    assert mismatch_fraction(reference, labels) == pytest.approx(1 / 6)


def test_float_labels_that_are_integers_are_accepted():
    assert mismatch_fraction([0.0, 1.0, 1.0], [1, 0, 0]) == 0.0


@pytest.mark.parametrize(
    "a, b, message",
    [
        ([[0, 1]], [0, 1], "1-D"),
        ([], [], "empty"),
        ([0, -1], [0, 1], "non-negative"),
        ([0, 0.5], [0, 1], "integer"),
        ([0, np.nan], [0, 1], "integer"),
        (["a", "b"], [0, 1], "integer"),
        ([True, False], [0, 1], "integer"),
        ([0, 1, 1], [0, 1], "same samples"),
    ],
)
@pytest.mark.parametrize(
    "function", [contingency_matrix, match_labels, mismatch_fraction, adjusted_rand_index]
)
def test_bad_labels_raise_clear_value_errors(function, a, b, message):
    with pytest.raises(ValueError, match=message):
        function(a, b)
