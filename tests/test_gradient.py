"""Tests for gmm_lib.gradient: the log-likelihood's gradient and gradient-based fitting."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_lib.datasets import load_old_faithful, sample_mixture
from gmm_lib.gaussian import standardize
from gmm_lib.gradient import (
    finite_difference_gradient,
    fit_gradient,
    log_likelihood_gradient,
    n_vector_parameters,
    parameters_to_vector,
    vector_to_parameters,
)
from gmm_lib.kmeans import assign_clusters, kmeans_plusplus, one_hot
from gmm_lib.labels import align_components
from gmm_lib.mixture import log_likelihood, m_step, n_parameters, run_em

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]


def old_faithful():
    Z, _, _ = standardize(load_old_faithful())
    return Z


def kmeans_start(X, n_components, covariance_type="full", seed=0):
    centers, _ = kmeans_plusplus(X, n_components, random_state=seed)
    labels = assign_clusters(X, centers)
    return m_step(X, one_hot(labels, n_components), covariance_type, reg_covar=0.0)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_vector_has_one_more_entry_than_the_free_parameters(covariance_type):
    for n_components, n_features in [(1, 1), (3, 2), (2, 4)]:
        assert n_vector_parameters(n_components, n_features, covariance_type) == (
            n_parameters(n_components, n_features, covariance_type) + 1
        )


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_packing_and_unpacking_give_back_the_parameters(covariance_type):
    X = old_faithful()
    weights, means, covariances = kmeans_start(X, 3, covariance_type)
    vector = parameters_to_vector(weights, means, covariances, covariance_type)
    assert vector.shape == (n_vector_parameters(3, 2, covariance_type),)
    assert vector[:3].sum() == pytest.approx(0.0, abs=1e-12)  # centred logits
    got = vector_to_parameters(vector, 3, 2, covariance_type)
    np.testing.assert_allclose(got[0], weights, rtol=1e-12)
    np.testing.assert_allclose(got[1], means, rtol=1e-12)
    np.testing.assert_allclose(got[2], covariances, rtol=1e-10, atol=1e-14)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), covariance_type=st.sampled_from(COVARIANCE_TYPES),
       n_features=st.integers(1, 3))
def test_every_vector_gives_valid_parameters(seed, covariance_type, n_features):
    rng = np.random.RandomState(seed)
    vector = rng.normal(scale=2.0, size=n_vector_parameters(3, n_features, covariance_type))
    weights, means, covariances = vector_to_parameters(vector, 3, n_features, covariance_type)
    assert np.all(weights > 0) and weights.sum() == pytest.approx(1.0)
    matrices = {"full": lambda c: c, "tied": lambda c: c[np.newaxis],
                "diag": lambda c: np.array([np.diag(v) for v in c]),
                "spherical": lambda c: np.array([v * np.eye(n_features) for v in c])}
    for matrix in matrices[covariance_type](covariances):
        np.testing.assert_allclose(matrix, matrix.T, rtol=1e-12, atol=1e-300)
        assert np.linalg.eigvalsh(matrix).min() > 0


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), covariance_type=st.sampled_from(COVARIANCE_TYPES),
       n_components=st.integers(1, 3))
def test_gradient_agrees_with_finite_differences(seed, covariance_type, n_components):
    X = old_faithful()[::4]
    rng = np.random.RandomState(seed)
    start = kmeans_start(X, n_components, covariance_type, seed=seed % 100)
    vector = parameters_to_vector(*start, covariance_type)
    vector = vector + rng.normal(scale=0.3, size=vector.shape)
    total, gradient = log_likelihood_gradient(X, vector, n_components, covariance_type)
    numerical = finite_difference_gradient(X, vector, n_components, covariance_type)
    scale = max(1.0, np.abs(gradient).max())
    np.testing.assert_allclose(gradient, numerical, rtol=1e-5, atol=1e-5 * scale)
    weights, means, covariances = vector_to_parameters(vector, n_components, 2, covariance_type)
    assert total == pytest.approx(
        log_likelihood(X, weights, means, covariances, covariance_type), rel=1e-12)
    # Shifting every logit by the same amount changes nothing.
    assert gradient[:n_components].sum() == pytest.approx(0.0, abs=1e-9 * scale)


def test_gradient_vanishes_at_the_em_fixed_point():
    X = old_faithful()
    poor = ([0.5, 0.5], [[-1.5, 1.0], [1.5, -1.0]], [np.eye(2), np.eye(2)])
    em = run_em(X, *poor, reg_covar=0.0, tol=1e-14, max_iter=2000)
    _, initial = log_likelihood_gradient(X, parameters_to_vector(*poor), 2)
    vector = parameters_to_vector(em["weights"], em["means"], em["covariances"])
    _, gradient = log_likelihood_gradient(X, vector, 2)
    # EM stops when the mean log-likelihood changes by < 1e-14: the parameters are
    # then about 1e-7 from the fixed point, where the gradient is zero.
    assert np.abs(gradient).max() < 1e-5
    assert np.abs(gradient).max() < 1e-7 * np.abs(initial).max()


@pytest.mark.parametrize("covariance_type", ["full", "diag"])
def test_gradient_ascent_never_lowers_the_log_likelihood(covariance_type):
    X = old_faithful()
    start = kmeans_start(X, 3, covariance_type, seed=1)
    result = fit_gradient(X, *start, covariance_type=covariance_type, method="ascent",
                          learning_rate=2.0, tol=1e-7, max_iter=300)
    values = result["log_likelihoods"]
    assert np.all(np.diff(values) >= 0)
    assert values[-1] > values[0]
    assert result["n_evaluations"] >= result["n_iter"] + 1
    assert values.shape == (result["n_iter"] + 1,)


def test_lbfgs_and_em_reach_the_same_maximum_on_easy_data():
    X = old_faithful()
    start = kmeans_start(X, 2)
    em = run_em(X, *start, reg_covar=0.0, tol=1e-12, max_iter=2000)
    lbfgs = fit_gradient(X, *start, tol=1e-12)
    em_value = log_likelihood(X, em["weights"], em["means"], em["covariances"])
    assert lbfgs["converged"]
    assert lbfgs["log_likelihoods"][-1] == pytest.approx(em_value, abs=1e-6)
    order = align_components(em["means"], lbfgs["means"])
    np.testing.assert_allclose(lbfgs["means"][order], em["means"], atol=1e-4)
    np.testing.assert_allclose(lbfgs["weights"][order], em["weights"], atol=1e-4)
    np.testing.assert_allclose(lbfgs["covariances"][order], em["covariances"], atol=1e-4)


def test_lbfgs_needs_far_fewer_evaluations_than_em_iterations_under_heavy_overlap():
    X = sample_mixture(600, [0.5, 0.5], [[-1.0], [1.0]], [[[1.0]], [[1.0]]],
                       random_state=1).X
    start = kmeans_start(X, 2)
    em = run_em(X, *start, reg_covar=0.0, tol=1e-9, max_iter=5000)
    lbfgs = fit_gradient(X, *start, tol=1e-12, record_history=True)
    assert lbfgs["n_evaluations"] * 5 < em["n_iter"]
    assert lbfgs["log_likelihoods"][-1] >= em["lower_bounds"][-1] * X.shape[0] - 1e-6
    assert len(lbfgs["history"]) == lbfgs["n_iter"] + 1


def test_gradient_functions_validate_their_arguments():
    X = old_faithful()
    weights, means, covariances = kmeans_start(X, 2)
    with pytest.raises(ValueError, match="strictly positive"):
        parameters_to_vector([1.0, 0.0], means, covariances)
    with pytest.raises(ValueError, match="entries"):
        log_likelihood_gradient(X, np.zeros(5), 2)
    with pytest.raises(ValueError, match="method"):
        fit_gradient(X, weights, means, covariances, method="newton")
    with pytest.raises(ValueError, match="learning_rate"):
        fit_gradient(X, weights, means, covariances, method="ascent", learning_rate=-1.0)
    with pytest.raises(ValueError, match="step"):
        finite_difference_gradient(X, np.zeros(n_vector_parameters(2, 2)), 2, step=0.0)
    with pytest.raises(ValueError, match="overflows"):
        vector_to_parameters(np.full(n_vector_parameters(1, 1), 800.0), 1, 1)
