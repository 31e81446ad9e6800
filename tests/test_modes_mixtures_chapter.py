"""Tests for gmm_lib.modes.find_modes: the local maxima of a mixture density."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats
from scipy.optimize import brentq

from gmm_lib import modes as modes_module
from gmm_lib.modes import find_modes

SETTINGS = settings(max_examples=30, deadline=None)


def mixture_log_density(x, weights, means, covariances):
    """Reference ``ln p(x)`` with scipy (full covariances), for one point."""
    values = [w * stats.multivariate_normal(m, c).pdf(x) for w, m, c in zip(weights, means, covariances)]
    return np.log(np.sum(values))


def triangle(radius):
    angles = np.deg2rad([90.0, 210.0, 330.0])
    return radius * np.column_stack([np.cos(angles), np.sin(angles)])


def grid_starts(low, high, n):
    axis = np.linspace(low, high, n)
    return np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)


# ---------------------------------------------------------------------------
# Known answers
# ---------------------------------------------------------------------------


@SETTINGS
@given(half_gap=st.floats(0.1, 0.92))
def test_two_equal_components_closer_than_two_sigma_have_one_mode(half_gap):
    result = find_modes([0.5, 0.5], [[-half_gap], [half_gap]], [[[1.0]], [[1.0]]],
                        starts=np.linspace(-4, 4, 9)[:, None])
    assert result.modes.shape == (1, 1)
    assert_allclose(result.modes[0, 0], 0.0, atol=1e-6)


@SETTINGS
@given(half_gap=st.floats(1.1, 3.0))
def test_two_equal_components_farther_than_two_sigma_have_two_modes(half_gap):
    # The positive mode solves (d + x) / (d - x) = exp(2 d x) on (0, d).
    d = half_gap
    root = brentq(lambda x: np.log((d + x) / (d - x)) - 2 * d * x, 1e-9 * d + np.sqrt(d**2 - 1), d * (1 - 1e-12))
    result = find_modes([0.5, 0.5], [[-d], [d]], [[[1.0]], [[1.0]]],
                        starts=np.linspace(-4, 4, 9)[:, None])
    assert result.modes.shape == (2, 1)
    assert_allclose(np.sort(result.modes[:, 0]), [-root, root], atol=1e-6)
    assert_allclose(result.log_density[0], result.log_density[1], rtol=1e-9)


@SETTINGS
@given(seed=st.integers(0, 10_000), n_features=st.integers(1, 3))
def test_single_gaussian_mode_is_its_mean(seed, n_features):
    rng = np.random.RandomState(seed)
    factor = rng.standard_normal((n_features, n_features))
    covariance = factor @ factor.T + 0.5 * np.eye(n_features)
    mean = rng.standard_normal(n_features)
    starts = mean + rng.standard_normal((3, n_features))
    result = find_modes([1.0], mean[None], covariance[None], starts=starts)
    assert result.modes.shape == (1, n_features)
    assert_allclose(result.modes[0], mean, atol=1e-6)
    expected_log_density = -0.5 * np.linalg.slogdet(2 * np.pi * covariance)[1]
    assert_allclose(result.log_density[0], expected_log_density, rtol=1e-10)
    # Hessian of ln N at the mean is -Sigma^{-1}.
    assert_allclose(result.hessian_eigenvalues[0], np.linalg.eigvalsh(-np.linalg.inv(covariance)),
                    rtol=1e-6, atol=1e-9)


def test_well_separated_components_each_have_a_mode_at_their_mean():
    means = np.array([[0.0, 0.0], [20.0, 0.0], [0.0, 20.0]])
    result = find_modes([0.2, 0.5, 0.3], means, np.array([1.0, 2.0, 0.5]), "spherical")
    assert result.modes.shape == (3, 2)
    # Sorted by density: the heaviest and narrowest first.
    order = np.argsort(-np.array([0.2 / 1.0, 0.5 / 2.0, 0.3 / 0.5]))
    assert_allclose(result.modes, means[order], atol=1e-6)


@pytest.mark.parametrize("radius, n_modes", [(1.30, 1), (1.39, 4), (1.42, 3)])
def test_three_equal_round_components_can_have_four_modes(radius, n_modes):
    result = find_modes(np.full(3, 1 / 3), triangle(radius), np.ones(3), "spherical",
                        starts=grid_starts(-2.0, 2.0, 9))
    assert len(result.modes) == n_modes
    if n_modes == 4:
        # The extra mode is the centre of the triangle, and it is the lowest.
        assert_allclose(result.modes[-1], [0.0, 0.0], atol=1e-6)


def test_two_crossing_elongated_components_have_three_modes():
    means = np.array([[-3.0, 0.0], [0.0, -3.0]])
    covariances = np.stack([np.diag([4.0, 0.25]), np.diag([0.25, 4.0])])
    result = find_modes([0.5, 0.5], means, covariances, starts=grid_starts(-6.0, 2.0, 9))
    assert len(result.modes) == 3
    outer = result.modes[:2][np.argsort(result.modes[:2, 0])]  # the x = -3 mode first
    assert_allclose(outer, means, atol=0.05)
    third = result.modes[2]
    assert abs(third[0] - third[1]) < 1e-6 and -0.5 < third[0] < 0.0


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


def random_mixture(rng, n_components, n_features):
    weights = rng.dirichlet(np.ones(n_components))
    means = 3.0 * rng.standard_normal((n_components, n_features))
    factors = rng.standard_normal((n_components, n_features, n_features))
    covariances = np.einsum("kij,klj->kil", factors, factors) + 0.3 * np.eye(n_features)
    return weights, means, covariances


@SETTINGS
@given(seed=st.integers(0, 10_000), n_components=st.integers(1, 4), n_features=st.integers(1, 2))
def test_every_mode_is_a_local_maximum_with_the_reported_density(seed, n_components, n_features):
    rng = np.random.RandomState(seed)
    weights, means, covariances = random_mixture(rng, n_components, n_features)
    result = find_modes(weights, means, covariances)
    assert len(result.modes) >= 1  # the highest start always climbs to some mode
    assert np.all(np.diff(result.log_density) <= 0.0)
    assert np.all(result.hessian_eigenvalues < 0.0)
    for mode, value in zip(result.modes, result.log_density):
        assert_allclose(value, mixture_log_density(mode, weights, means, covariances), rtol=1e-9)
        for direction in rng.standard_normal((8, n_features)):
            step = 1e-3 * direction / np.linalg.norm(direction)
            assert mixture_log_density(mode + step, weights, means, covariances) <= value + 1e-12
    distances = np.linalg.norm(result.modes[:, None] - result.modes[None], axis=-1)
    assert np.all(distances[~np.eye(len(result.modes), dtype=bool)] > 1e-6)


@SETTINGS
@given(seed=st.integers(0, 10_000))
def test_gradient_and_hessian_match_finite_differences(seed):
    rng = np.random.RandomState(seed)
    weights, means, covariances = random_mixture(rng, 3, 2)
    density = modes_module._LogDensity(weights, means, covariances, "full")
    x = rng.standard_normal(2)
    value, gradient = density.value_and_gradient(x)
    assert_allclose(value, mixture_log_density(x, weights, means, covariances), rtol=1e-10)
    h = 1e-5
    numeric_gradient = np.array([
        (density.value_and_gradient(x + h * e)[0] - density.value_and_gradient(x - h * e)[0]) / (2 * h)
        for e in np.eye(2)
    ])
    assert_allclose(gradient, numeric_gradient, rtol=1e-5, atol=1e-7)
    numeric_hessian = np.column_stack([
        (density.value_and_gradient(x + h * e)[1] - density.value_and_gradient(x - h * e)[1]) / (2 * h)
        for e in np.eye(2)
    ])
    assert_allclose(density.hessian(x), numeric_hessian, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("covariance_type", ["tied", "diag", "spherical"])
def test_covariance_layouts_agree_with_full(covariance_type):
    rng = np.random.RandomState(3)
    means = 2.0 * rng.standard_normal((3, 2))
    layouts = {
        "tied": np.array([[1.0, 0.3], [0.3, 0.8]]),
        "diag": np.array([[1.0, 0.5], [0.7, 1.2], [0.4, 0.4]]),
        "spherical": np.array([0.6, 1.1, 0.9]),
    }
    covariances = layouts[covariance_type]
    if covariance_type == "tied":
        full = np.repeat(covariances[None], 3, axis=0)
    elif covariance_type == "diag":
        full = np.stack([np.diag(d) for d in covariances])
    else:
        full = np.stack([v * np.eye(2) for v in covariances])
    weights = [0.3, 0.3, 0.4]
    starts = grid_starts(-5.0, 5.0, 6)
    ours = find_modes(weights, means, covariances, covariance_type, starts=starts)
    reference = find_modes(weights, means, full, "full", starts=starts)
    assert_allclose(ours.modes, reference.modes, atol=1e-6)
    assert_allclose(ours.log_density, reference.log_density, rtol=1e-9)


def test_a_zero_weight_component_makes_no_mode():
    result = find_modes([1.0, 0.0], [[0.0], [10.0]], [[[1.0]], [[1.0]]],
                        starts=np.array([[0.5], [9.5]]))
    assert_allclose(result.modes, [[0.0]], atol=1e-6)


def test_default_starts_are_the_means():
    # Two far-apart components: starting from the means finds both.
    result = find_modes([0.5, 0.5], [[0.0], [10.0]], [[[1.0]], [[1.0]]])
    assert_allclose(np.sort(result.modes[:, 0]), [0.0, 10.0], atol=1e-6)


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(weights=[0.5, 0.6]), "sum to one"),
        (dict(means=[[0.0, 1.0]]), "shape"),
        (dict(covariance_type="round"), "covariance_type"),
        (dict(covariances=[[[1.0]], [[-1.0]]]), "positive-definite"),
        (dict(starts=[[0.0, 1.0]]), "starts must have shape"),
        (dict(starts=[[np.nan]]), "NaN"),
        (dict(merge_tol=-1.0), "merge_tol"),
        (dict(max_iter=0), "max_iter"),
    ],
)
def test_bad_input_gives_a_clear_error(kwargs, message):
    arguments = dict(weights=[0.5, 0.5], means=[[0.0], [3.0]], covariances=[[[1.0]], [[1.0]]])
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        find_modes(**arguments)


def test_modes_of_equal_height_come_in_coordinate_order():
    # A symmetric mixture: both modes have the same density; the order must not
    # depend on which start reached which mode first.
    for starts in (np.array([[-3.0], [3.0]]), np.array([[3.0], [-3.0]])):
        result = find_modes([0.5, 0.5], [[-2.0], [2.0]], [[[1.0]], [[1.0]]], starts=starts)
        assert result.modes[0, 0] < 0.0 < result.modes[1, 0]
