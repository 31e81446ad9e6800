"""Tests for gmm_lib.em_variants: classification (hard) EM and stochastic EM."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from gmm_lib.datasets import load_old_faithful, sample_mixture
from gmm_lib.em_variants import (
    classification_log_likelihood,
    classification_step,
    run_hard_em,
    run_stochastic_em,
    sample_assignments,
)
from gmm_lib.gaussian import fit_gaussian, standardize
from gmm_lib.kmeans import assign_clusters, kmeans_plusplus, one_hot
from gmm_lib.mixture import e_step, log_likelihood, m_step, run_em
from gmm_lib.selection import classification_entropy

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]


def old_faithful():
    Z, _, _ = standardize(load_old_faithful())
    return Z


def start_from_seeds(X, n_components, covariance_type, seed):
    """Means on k-means++ seeds, covariances and weights of a k-means-like split."""
    centers, _ = kmeans_plusplus(X, n_components, random_state=seed)
    labels = assign_clusters(X, centers)
    return m_step(X, one_hot(labels, n_components), covariance_type)


def symmetric_start(X, n_components):
    """Every component equal to the single-Gaussian fit: the saddle point."""
    mean, covariance = fit_gaussian(X)
    return (np.full(n_components, 1.0 / n_components), np.array([mean] * n_components),
            np.array([covariance] * n_components))


# ---------------------------------------------------------------------------
# The steps


def test_classification_step_is_the_argmax_with_ties_to_the_lowest_index():
    responsibilities = np.array([[0.2, 0.8], [0.5, 0.5], [0.9, 0.1], [0.3, 0.7]])
    np.testing.assert_array_equal(classification_step(responsibilities), [1, 0, 0, 1])


def test_classification_step_rejects_rows_that_are_not_probabilities():
    with pytest.raises(ValueError, match="sum to one"):
        classification_step([[0.2, 0.2]])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        classification_step([[-0.5, 1.5]])


def test_sample_assignments_is_reproducible_and_seed_dependent():
    rng = np.random.RandomState(0)
    responsibilities = rng.dirichlet(np.ones(4), size=500)
    first = sample_assignments(responsibilities, random_state=7)
    again = sample_assignments(responsibilities, random_state=7)
    other = sample_assignments(responsibilities, random_state=8)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert first.min() >= 0 and first.max() <= 3


def test_sample_assignments_frequencies_match_the_responsibilities():
    probabilities = np.array([0.1, 0.0, 0.6, 0.3])
    labels = sample_assignments(np.tile(probabilities, (40000, 1)), random_state=0)
    frequencies = np.bincount(labels, minlength=4) / labels.size
    # standard error sqrt(p (1 - p) / n) <= 0.0025; allow four of them
    np.testing.assert_allclose(frequencies, probabilities, atol=0.01)
    assert frequencies[1] == 0.0


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n_components=st.integers(1, 5))
def test_sample_assignments_never_draws_a_component_of_zero_responsibility(seed, n_components):
    rng = np.random.RandomState(seed)
    responsibilities = rng.dirichlet(np.ones(n_components), size=50)
    switched_off = rng.rand(50, n_components) < 0.4
    switched_off[np.arange(50), rng.randint(n_components, size=50)] = False
    responsibilities[switched_off] = 0.0
    responsibilities /= responsibilities.sum(axis=1, keepdims=True)
    labels = sample_assignments(responsibilities, random_state=seed)
    assert np.all(responsibilities[np.arange(50), labels] > 0.0)


def test_classification_log_likelihood_is_the_log_likelihood_plus_log_responsibilities():
    X = old_faithful()
    weights, means, covariances = start_from_seeds(X, 3, "full", 0)
    responsibilities, total = e_step(X, weights, means, covariances)
    rng = np.random.RandomState(0)
    labels = rng.randint(3, size=X.shape[0])
    value = classification_log_likelihood(X, labels, weights, means, covariances)
    expected = total + np.log(responsibilities[np.arange(X.shape[0]), labels]).sum()
    assert value == pytest.approx(expected, rel=1e-12)
    assert value <= total
    # With the C-step labels the gap is the classification entropy (as in ICL).
    best = classification_step(responsibilities)
    gap = total - classification_log_likelihood(X, best, weights, means, covariances)
    assert gap == pytest.approx(classification_entropy(responsibilities), rel=1e-10)


def test_c_step_with_equal_weights_and_shared_spherical_variance_is_the_kmeans_assignment():
    X = old_faithful()
    centers, _ = kmeans_plusplus(X, 4, random_state=3)
    for variance in (0.05, 1.0, 20.0):
        responsibilities, _ = e_step(X, np.full(4, 0.25), centers, np.full(4, variance),
                                     "spherical")
        np.testing.assert_array_equal(classification_step(responsibilities),
                                      assign_clusters(X, centers))


def test_classification_log_likelihood_rejects_bad_labels():
    X = old_faithful()
    weights, means, covariances = start_from_seeds(X, 2, "full", 0)
    with pytest.raises(ValueError, match="one entry per sample"):
        classification_log_likelihood(X, [0, 1], weights, means, covariances)
    with pytest.raises(ValueError, match="must lie in"):
        classification_log_likelihood(X, np.full(X.shape[0], 2), weights, means, covariances)


# ---------------------------------------------------------------------------
# Hard EM


def test_first_hard_em_iteration_is_e_step_c_step_m_step_on_one_hot_labels():
    X = old_faithful()
    weights, means, covariances = start_from_seeds(X, 3, "full", 1)
    result = run_hard_em(X, weights, means, covariances, max_iter=1)
    responsibilities, total = e_step(X, weights, means, covariances)
    labels = responsibilities.argmax(axis=1)
    expected = m_step(X, one_hot(labels, 3))
    np.testing.assert_allclose(result["weights"], np.bincount(labels, minlength=3) / X.shape[0])
    np.testing.assert_allclose(result["means"], expected[1], rtol=1e-12)
    np.testing.assert_allclose(result["covariances"], expected[2], rtol=1e-12)
    assert result["log_likelihoods"][0] == pytest.approx(total, rel=1e-13)
    assert result["lower_bounds"][0] == pytest.approx(total / X.shape[0], rel=1e-13)
    np.testing.assert_array_equal(result["labels"], labels)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), covariance_type=st.sampled_from(COVARIANCE_TYPES),
       n_components=st.integers(2, 4))
def test_hard_em_never_lowers_the_classification_log_likelihood(seed, covariance_type,
                                                                n_components):
    X = old_faithful()
    weights, means, covariances = start_from_seeds(X, n_components, covariance_type, seed)
    result = run_hard_em(X, weights, means, covariances, covariance_type, reg_covar=0.0)
    values = result["classification_log_likelihoods"]
    assert np.all(np.diff(values) >= -1e-9 * np.abs(values).max())
    assert result["converged"]
    assert result["log_likelihoods"].shape == (result["n_iter"] + 1,)
    # At convergence the labels are the C-step of the final parameters (a fixed point).
    responsibilities, _ = e_step(X, result["weights"], result["means"], result["covariances"],
                                 covariance_type)
    np.testing.assert_array_equal(classification_step(responsibilities), result["labels"])
    assert values[-1] == pytest.approx(
        classification_log_likelihood(X, result["labels"], result["weights"], result["means"],
                                      result["covariances"], covariance_type), rel=1e-12)


def test_hard_em_history_has_the_run_em_format():
    X = old_faithful()
    weights, means, covariances = start_from_seeds(X, 2, "full", 0)
    result = run_hard_em(X, weights, means, covariances, record_history=True)
    history = result["history"]
    assert len(history) == result["n_iter"] + 1
    assert set(history[0]) == {"weights", "means", "covariances", "log_likelihood"}
    np.testing.assert_allclose([h["log_likelihood"] for h in history], result["log_likelihoods"])
    last = history[-1]
    assert last["log_likelihood"] == pytest.approx(
        log_likelihood(X, last["weights"], last["means"], last["covariances"]), rel=1e-12)


def test_hard_em_shrinks_the_variances_of_overlapping_components_as_predicted():
    # Two unit-variance components at -a and +a: CEM splits the data near 0, so its
    # estimates tend to the moments of each half (derived in chapter 7).
    a = 1.5
    sample = sample_mixture(20000, [0.5, 0.5], [[-a], [a]], [[[1.0]], [[1.0]]],
                            random_state=1)
    start = ([0.5, 0.5], [[-a], [a]], [[[1.0]], [[1.0]]])
    hard = run_hard_em(sample.X, *start)
    soft = run_em(sample.X, *start, tol=1e-7, max_iter=2000)
    half_mean = a * (2 * norm.cdf(a) - 1) + 2 * norm.pdf(a)
    half_variance = 1 + a**2 - half_mean**2
    assert np.abs(hard["means"]).mean() == pytest.approx(half_mean, abs=0.03)
    assert hard["covariances"].mean() == pytest.approx(half_variance, abs=0.03)
    np.testing.assert_allclose(soft["covariances"].ravel(), 1.0, atol=0.05)
    assert hard["covariances"].max() < soft["covariances"].min()


def test_hard_em_switches_off_a_component_that_receives_no_point():
    X = old_faithful()
    weights = np.array([0.4, 0.4, 0.2])
    means = np.array([[-1.2, -1.2], [0.7, 0.7], [30.0, 30.0]])
    covariances = np.array([np.eye(2) * 0.3] * 3)
    result = run_hard_em(X, weights, means, covariances)
    assert result["weights"][2] == 0.0
    np.testing.assert_array_equal(result["means"][2], means[2])
    assert result["weights"].sum() == pytest.approx(1.0)
    assert np.all(result["labels"] != 2)


def test_hard_em_stays_on_the_symmetric_start():
    X = old_faithful()
    result = run_hard_em(X, *symmetric_start(X, 2))
    # Identical components: every tie goes to component 0 and component 1 is emptied.
    np.testing.assert_array_equal(result["weights"], [1.0, 0.0])
    assert result["converged"]


def test_hard_em_validates_its_arguments():
    X = old_faithful()
    weights, means, covariances = start_from_seeds(X, 2, "full", 0)
    with pytest.raises(ValueError, match="max_iter"):
        run_hard_em(X, weights, means, covariances, max_iter=0)
    with pytest.raises(ValueError, match="covariance_type"):
        run_hard_em(X, weights, means, covariances, covariance_type="round")
    with pytest.raises(ValueError, match="NaN"):
        run_hard_em(np.full((5, 2), np.nan), weights, means, covariances)


# ---------------------------------------------------------------------------
# Stochastic EM


def test_stochastic_em_chain_is_reproducible_with_a_seed():
    X = old_faithful()
    start = start_from_seeds(X, 2, "full", 0)
    first = run_stochastic_em(X, *start, n_iter=15, random_state=3)
    again = run_stochastic_em(X, *start, n_iter=15, random_state=3)
    other = run_stochastic_em(X, *start, n_iter=15, random_state=4)
    np.testing.assert_array_equal(first["log_likelihoods"], again["log_likelihoods"])
    np.testing.assert_array_equal(first["means"], again["means"])
    assert not np.array_equal(first["log_likelihoods"], other["log_likelihoods"])
    assert first["converged"] is False
    assert first["log_likelihoods"].shape == (16,)
    assert len(first["lower_bounds"]) == 15


def test_stochastic_em_estimate_is_the_average_after_burn_in():
    X = old_faithful()
    start = start_from_seeds(X, 2, "diag", 0)
    result = run_stochastic_em(X, *start, covariance_type="diag", n_iter=12, burn_in=4,
                               random_state=0, record_history=True)
    kept = result["history"][5:]
    np.testing.assert_allclose(result["means"], np.mean([h["means"] for h in kept], axis=0))
    np.testing.assert_allclose(result["covariances"],
                               np.mean([h["covariances"] for h in kept], axis=0))
    np.testing.assert_allclose(result["final"]["means"], result["history"][-1]["means"])
    np.testing.assert_allclose([h["log_likelihood"] for h in result["history"]],
                               result["log_likelihoods"])


def test_stochastic_em_leaves_the_saddle_where_em_stays_and_settles_near_its_optimum():
    X = old_faithful()
    start = symmetric_start(X, 2)
    em_at_saddle = run_em(X, *start, max_iter=50)
    sem = run_stochastic_em(X, *start, n_iter=80, burn_in=40, random_state=0)
    best = run_em(X, *start_from_seeds(X, 2, "full", 0), tol=1e-10, max_iter=500)
    optimum = best["lower_bounds"][-1] * X.shape[0]
    saddle = em_at_saddle["lower_bounds"][-1] * X.shape[0]
    assert optimum - saddle > 100
    average = log_likelihood(X, sem["weights"], sem["means"], sem["covariances"])
    assert abs(average - optimum) < 1.0
    # The chain fluctuates: the tail is not monotone, and never above the maximum.
    tail = sem["log_likelihoods"][40:]
    assert np.any(np.diff(tail) < 0)
    assert tail.max() <= optimum + 1e-6


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), covariance_type=st.sampled_from(COVARIANCE_TYPES))
def test_stochastic_em_returns_valid_parameters(seed, covariance_type):
    X = old_faithful()
    start = start_from_seeds(X, 3, covariance_type, seed)
    result = run_stochastic_em(X, *start, covariance_type=covariance_type, n_iter=6,
                               random_state=seed)
    assert result["weights"].sum() == pytest.approx(1.0)
    assert np.all(result["weights"] >= 0)
    # A valid covariance has a log-likelihood (precisions_cholesky_ would have raised).
    assert np.isfinite(log_likelihood(X, result["weights"], result["means"],
                                      result["covariances"], covariance_type))


def test_stochastic_em_redraws_a_class_that_is_too_small():
    X = old_faithful()
    weights = np.array([0.5, 0.49, 0.01])
    means = np.array([[-1.2, -1.2], [0.7, 0.7], [3.0, -3.0]])
    covariances = np.array([np.eye(2) * 0.3, np.eye(2) * 0.3, np.eye(2) * 0.05])
    result = run_stochastic_em(X, weights, means, covariances, n_iter=3, burn_in=0,
                               min_count=3, max_redraws=2, random_state=0)
    assert result["n_redraws"] > 0
    assert np.all(np.isfinite(result["means"]))


def test_stochastic_em_validates_its_arguments():
    X = old_faithful()
    start = start_from_seeds(X, 2, "full", 0)
    with pytest.raises(ValueError, match="burn_in must be smaller"):
        run_stochastic_em(X, *start, n_iter=5, burn_in=5)
    with pytest.raises(ValueError, match="n_iter"):
        run_stochastic_em(X, *start, n_iter=0)
    with pytest.raises(ValueError, match="random_state"):
        run_stochastic_em(X, *start, random_state="seed")
