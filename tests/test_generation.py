"""Tests for gmm_lib.generation: nearest neighbours, energy distance and its permutation test."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose
from scipy.spatial.distance import cdist
from scipy.stats import energy_distance as scipy_energy_distance

from gmm_lib import GaussianMixture
from gmm_lib.datasets import load_old_faithful
from gmm_lib.generation import dequantize, energy_distance, energy_test, nearest_neighbor_distances


@settings(max_examples=30, deadline=None)
@given(query=arrays(np.float64, (6, 3), elements=st.floats(-10, 10)),
       reference=arrays(np.float64, (9, 3), elements=st.floats(-10, 10)))
def test_nearest_neighbor_distances_match_brute_force(query, reference):
    assert_allclose(nearest_neighbor_distances(query, reference), cdist(query, reference).min(axis=1))


def test_nearest_neighbor_excluding_self_and_exact_duplicates():
    X = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 0.0], [6.0, 8.0]])
    assert_allclose(nearest_neighbor_distances(X, X), 0.0)
    # the duplicated point still finds its twin; the others their nearest other point
    assert_allclose(nearest_neighbor_distances(X, X, exclude_self=True), [0.0, 5.0, 0.0, 5.0])


@settings(max_examples=30, deadline=None)
@given(x=arrays(np.float64, 12, elements=st.floats(-5, 5)),
       y=arrays(np.float64, 7, elements=st.floats(-5, 5)))
def test_energy_distance_equals_scipy_in_one_dimension(x, y):
    assert energy_distance(x[:, None], y[:, None]) == pytest.approx(
        scipy_energy_distance(x, y), abs=1e-9)


def test_energy_distance_is_zero_for_identical_samples_and_grows_with_a_shift():
    X = np.random.RandomState(0).randn(50, 2)
    assert energy_distance(X, X) == 0.0
    distances = [energy_distance(X, X + [shift, 0.0]) for shift in (0.5, 1.0, 2.0)]
    assert distances == sorted(distances)


def test_energy_test_detects_a_difference_and_not_a_non_difference():
    rng = np.random.RandomState(0)
    same = energy_test(rng.randn(80, 2), rng.randn(60, 2), n_permutations=199, random_state=0)
    different = energy_test(rng.randn(80, 2), rng.randn(60, 2) + [1.0, 0.0],
                            n_permutations=199, random_state=0)
    assert same.p_value > 0.05
    assert different.p_value == pytest.approx(1 / 200)
    assert different.null_statistics.shape == (199,)
    # the statistic is the energy distance; the p-value counts the observed split
    assert different.statistic == pytest.approx(energy_distance(*_regenerate()))


def _regenerate():
    rng = np.random.RandomState(0)
    rng.randn(80, 2), rng.randn(60, 2)
    return rng.randn(80, 2), rng.randn(60, 2) + [1.0, 0.0]


def test_energy_test_null_statistics_match_direct_computation():
    rng = np.random.RandomState(3)
    X, Y = rng.randn(7, 2), rng.randn(5, 2) + 0.3
    result = energy_test(X, Y, n_permutations=20, random_state=11)
    pooled = np.vstack([X, Y])
    mask = np.zeros(12, dtype=bool)
    mask[:7] = True
    permutation_rng = np.random.RandomState(11)
    for value in result.null_statistics:
        permuted = permutation_rng.permutation(mask)
        assert value == pytest.approx(energy_distance(pooled[permuted], pooled[~permuted]))
    expected = (1 + np.sum(result.null_statistics >= result.statistic - 1e-12)) / 21
    assert result.p_value == pytest.approx(expected)


def test_energy_test_is_reproducible_and_valid_under_the_null():
    rng = np.random.RandomState(1)
    p_values = [energy_test(rng.randn(15, 2), rng.randn(15, 2), n_permutations=39,
                            random_state=seed).p_value for seed in range(60)]
    # Under the null the p-value is (nearly) uniform on {1/40, ..., 1}: rejections at
    # 10% should be rare (expected 6 of 60).
    assert np.mean(np.array(p_values) <= 0.1) < 0.25
    a = energy_test(np.arange(10.0)[:, None], np.arange(10.0)[:, None] + 3, 49, random_state=4)
    b = energy_test(np.arange(10.0)[:, None], np.arange(10.0)[:, None] + 3, 49, random_state=4)
    assert a.p_value == b.p_value


def test_samples_of_a_good_fit_pass_and_of_a_bad_fit_fail():
    X = load_old_faithful()
    standard = (X - X.mean(axis=0)) / X.std(axis=0)
    good = GaussianMixture(n_components=2, random_state=0).fit(standard).sample(500)[0]
    bad = GaussianMixture(n_components=1, random_state=0).fit(standard).sample(500)[0]
    assert energy_test(good, standard, 99, random_state=0).p_value > 0.05
    assert energy_test(bad, standard, 99, random_state=0).p_value <= 0.02


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 1000), step=st.floats(0.1, 5.0))
def test_dequantize_stays_within_half_a_step_and_leaves_zero_steps_alone(seed, step):
    X = np.round(np.random.RandomState(seed).uniform(0, 100, size=(40, 2)))
    out = dequantize(X, [0.0, step], random_state=seed)
    assert_allclose(out[:, 0], X[:, 0])
    assert np.all(np.abs(out[:, 1] - X[:, 1]) <= step / 2)
    assert not np.shares_memory(out, X)
    assert_allclose(dequantize(X, [0.0, step], random_state=seed), out)


def test_dequantized_integers_look_uniform_within_their_cell():
    X = np.zeros((20000, 1))
    noise = dequantize(X, 1.0, random_state=0)[:, 0]
    assert noise.var() == pytest.approx(1 / 12, rel=0.03)   # h^2 / 12
    assert abs(noise.mean()) < 0.01


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: nearest_neighbor_distances(np.zeros((2, 2)), np.zeros((3, 3))), "feature"),
        (lambda: nearest_neighbor_distances(np.zeros((2, 2)), np.ones((2, 2)), exclude_self=True),
         "same points"),
        (lambda: nearest_neighbor_distances(np.zeros((1, 2)), np.zeros((1, 2)), exclude_self=True),
         "at least two"),
        (lambda: energy_distance(np.zeros(3), np.zeros((3, 1))), "2-D"),
        (lambda: energy_test(np.zeros((3, 1)), np.zeros((3, 1)), n_permutations=0), "at least 1"),
        (lambda: energy_distance([[np.nan]], [[0.0]]), "NaN"),
        (lambda: dequantize(np.zeros((3, 2)), [1.0, 1.0, 1.0]), "one step per feature"),
        (lambda: dequantize(np.zeros((3, 2)), -1.0), ">= 0"),
    ],
)
def test_bad_input_gives_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
