"""Tests for the chapter-8 additions to gmm_lib.datasets: checkerboard classes and splits."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from gmm_lib.datasets import make_checkerboard_classes, train_test_indices


def test_checkerboard_classes_structure():
    sample = make_checkerboard_classes(900, random_state=0)
    assert sample.X.shape == (900, 2)
    assert sample.component_classes.tolist() == [0, 1, 0, 1, 0, 1, 0, 1, 0]
    assert np.array_equal(sample.y, sample.component_classes[sample.labels])
    assert_allclose(sample.weights.sum(), 1.0)
    assert sample.means.shape == (9, 2) and sample.covariances.shape == (9, 2, 2)
    # each blob is elongated: standard deviations about 0.99 and 0.38
    assert_allclose(np.sqrt(np.linalg.eigvalsh(sample.covariances)), [[0.3834, 0.9899]] * 9,
                    atol=1e-3)
    # both classes are centred near the origin, which is what defeats QDA
    for c in (0, 1):
        assert np.linalg.norm(sample.X[sample.y == c].mean(axis=0)) < 0.6


def test_checkerboard_parameters_do_not_depend_on_the_seed():
    a, b = make_checkerboard_classes(50, random_state=0), make_checkerboard_classes(50, random_state=1)
    assert_allclose(a.means, b.means)
    assert_allclose(a.covariances, b.covariances)
    assert not np.allclose(a.X, b.X)
    assert_allclose(make_checkerboard_classes(50, random_state=1).X, b.X)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 200), fraction=st.floats(0.05, 0.95), seed=st.integers(0, 100))
def test_split_is_a_partition(n, fraction, seed):
    try:
        train, test = train_test_indices(n, fraction, random_state=seed)
    except ValueError as error:
        assert "empty" in str(error)
        return
    assert train.size and test.size
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(n))
    assert test.size == round(fraction * n)
    assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)


def test_stratified_split_keeps_class_proportions_and_is_reproducible():
    labels = np.repeat(["a", "b", "c"], [50, 30, 20])
    train, test = train_test_indices(100, 0.3, stratify=labels, random_state=0)
    counts = {c: int(np.sum(labels[test] == c)) for c in "abc"}
    assert counts == {"a": 15, "b": 9, "c": 6}
    again = train_test_indices(100, 0.3, stratify=labels, random_state=0)
    assert np.array_equal(again[1], test)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: make_checkerboard_classes(0), "at least 1"),
        (lambda: make_checkerboard_classes(10, spacing=-1.0), "positive"),
        (lambda: train_test_indices(1), "at least 2"),
        (lambda: train_test_indices(10, 1.0), "strictly between"),
        (lambda: train_test_indices(10, 0.01), "empty"),
        (lambda: train_test_indices(10, 0.5, stratify=[0, 1]), "one label per sample"),
    ],
)
def test_bad_input_gives_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
