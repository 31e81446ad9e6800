"""Tests for gmm_lib.limits: EM with covariances fixed at variance * I, and its k-means limit."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_lib.datasets import load_old_faithful, make_blobs
from gmm_lib.gaussian import standardize
from gmm_lib.kmeans import KMeans, kmeans_plusplus, lloyd
from gmm_lib.limits import FixedVarianceEMResult, em_fixed_variance
from gmm_lib.mixture import e_step, log_likelihood, m_step


def old_faithful():
    Z, _, _ = standardize(load_old_faithful())
    return Z


def test_one_iteration_is_an_e_step_and_the_m_step_for_the_means():
    Z = old_faithful()
    means = np.array([[-1.0, -1.0], [0.5, 0.5], [1.0, 0.0]])
    weights = np.array([0.2, 0.5, 0.3])
    result = em_fixed_variance(Z, means, 0.4, weights=weights, max_iter=1)
    responsibilities, total = e_step(Z, weights, means, np.full(3, 0.4), "spherical")
    expected_weights, expected_means, _ = m_step(Z, responsibilities, "spherical")
    np.testing.assert_allclose(result.means, expected_means, rtol=1e-12)
    np.testing.assert_allclose(result.weights, expected_weights, rtol=1e-12)
    assert result.log_likelihoods.shape == (1,)
    assert result.log_likelihoods[0] == pytest.approx(total, rel=1e-13)
    assert result.n_iter == 1


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    log_variance=st.floats(-3.0, 1.0),
    update_weights=st.booleans(),
)
def test_log_likelihood_never_decreases(seed, log_variance, update_weights):
    Z = old_faithful()
    means, _ = kmeans_plusplus(Z, 3, random_state=seed % 1000)
    result = em_fixed_variance(Z, means, 10.0**log_variance, update_weights=update_weights,
                               max_iter=60)
    steps = np.diff(result.log_likelihoods)
    assert np.all(steps >= -1e-9 * np.abs(result.log_likelihoods[:-1]).max())
    np.testing.assert_allclose(result.responsibilities.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(result.weights.sum(), 1.0, rtol=1e-12)
    # The final responsibilities are those of the final parameters.
    expected, _ = e_step(Z, result.weights, result.means,
                         np.full(3, 10.0**log_variance), "spherical")
    np.testing.assert_allclose(result.responsibilities, expected, rtol=1e-10, atol=1e-300)


def test_log_likelihood_matches_mixture_log_likelihood():
    Z = old_faithful()
    means = np.array([[-1.0, -1.0], [1.0, 1.0]])
    result = em_fixed_variance(Z, means, 0.5, max_iter=2)
    first = log_likelihood(Z, [0.5, 0.5], means, np.full(2, 0.5), "spherical")
    assert result.log_likelihoods[0] == pytest.approx(first, rel=1e-13)


@pytest.mark.parametrize("seed, n_clusters", [(0, 2), (0, 3), (1, 3)])
def test_small_variance_gives_the_k_means_fixed_point(seed, n_clusters):
    Z = old_faithful()
    init, _ = kmeans_plusplus(Z, n_clusters, random_state=seed)
    reference = lloyd(Z, init, tol=0.0)
    for update_weights in (True, False):
        result = em_fixed_variance(Z, init, 1e-5, update_weights=update_weights)
        assert result.converged
        np.testing.assert_allclose(result.means, reference.centers, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(result.responsibilities.argmax(axis=1), reference.labels)
        assert result.responsibilities.max(axis=1).min() > 1.0 - 1e-12
        assert result.n_iter == reference.n_iter
    km = KMeans(n_clusters=n_clusters, init=init, n_init=1, tol=0.0).fit(Z)
    np.testing.assert_allclose(result.means, km.cluster_centers_, atol=1e-12)


def test_k_means_limit_on_blobs():
    X = make_blobs(n_samples=300, random_state=0).X
    init, _ = kmeans_plusplus(X, 3, random_state=0)
    reference = lloyd(X, init, tol=0.0)
    result = em_fixed_variance(X, init, 1e-6)
    np.testing.assert_allclose(result.means, reference.centers, atol=1e-12)


def test_responsibilities_harden_as_the_variance_shrinks():
    Z = old_faithful()
    means = np.array([[-1.26, -1.2], [0.71, 0.68]])
    smallest_max = []
    for variance in (1.0, 0.1, 0.01, 0.001):
        responsibilities, _ = e_step(Z, [0.5, 0.5], means, np.full(2, variance), "spherical")
        smallest_max.append(responsibilities.max(axis=1).min())
    assert np.all(np.diff(smallest_max) > 0)
    assert smallest_max[-1] > 1.0 - 1e-6


def test_fixed_weights_stay_fixed_and_tiny_variance_is_stable():
    Z = old_faithful()
    weights = np.array([0.3, 0.7])
    means = np.array([[-1.0, -1.0], [1.0, 1.0]])
    result = em_fixed_variance(Z, means, 1e-12, weights=weights, update_weights=False)
    assert isinstance(result, FixedVarianceEMResult)
    np.testing.assert_array_equal(result.weights, weights)
    assert np.all(np.isfinite(result.means))
    assert np.all(np.isfinite(result.log_likelihoods))


def test_max_iter_stops_without_convergence():
    Z = old_faithful()
    means = np.array([[-0.1, 0.0], [0.1, 0.0], [0.0, 0.1]])
    result = em_fixed_variance(Z, means, 0.5, max_iter=2)
    assert result.n_iter == 2
    assert not result.converged


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(variance=0.0), "strictly positive"),
        (dict(variance=-1.0), ">= 0"),
        (dict(variance=np.nan), ">= 0"),
        (dict(variance="small"), "must be a number"),
        (dict(weights=[0.5, 0.6]), "sum to one"),
        (dict(weights=[1.0]), "shape"),
        (dict(means=np.zeros((2, 3))), "shape"),
        (dict(means=np.zeros(2)), "2-D"),
        (dict(means=np.zeros((300, 2))), "n_samples >= n_components"),
        (dict(max_iter=0), "max_iter"),
        (dict(tol=-1.0), "tol"),
        (dict(X=np.zeros(5)), "2-D"),
        (dict(X=np.full((5, 2), np.inf)), "infinite"),
    ],
)
def test_rejects_bad_input(kwargs, message):
    arguments = dict(X=old_faithful(), means=np.array([[-1.0, -1.0], [1.0, 1.0]]), variance=0.1)
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        em_fixed_variance(**arguments)
