"""Tests for gmm_lib.bounds: the evidence lower bound and the KL gap.

The central facts of the general view of EM are checked numerically:
``ln p(X | theta) = L(q, theta) + KL(q || posterior)`` for every q, the KL is
never negative and vanishes exactly at the posterior, the E-step closes the
gap and the M-step raises the bound.
"""

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from gmm_lib.bounds import (
    BoundDecomposition,
    bound_decomposition,
    em_bound_trace,
    entropy,
    evidence_lower_bound,
    expected_complete_log_likelihood,
    kl_to_posterior,
)
from gmm_lib.datasets import load_old_faithful
from gmm_lib.gaussian import standardize
from gmm_lib.mixture import e_step, log_likelihood, m_step, run_em

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]


def random_covariances(rng, covariance_type, n_components, n_features):
    if covariance_type == "full":
        factors = rng.standard_normal((n_components, n_features, n_features))
        return np.einsum("kij,klj->kil", factors, factors) + np.eye(n_features)
    if covariance_type == "tied":
        factor = rng.standard_normal((n_features, n_features))
        return factor @ factor.T + np.eye(n_features)
    if covariance_type == "diag":
        return rng.uniform(0.5, 2.0, size=(n_components, n_features))
    return rng.uniform(0.5, 2.0, size=n_components)


def random_problem(seed, covariance_type, n_samples=60, n_components=3, n_features=2):
    rng = np.random.RandomState(seed)
    X = 2.0 * rng.standard_normal((n_samples, n_features))
    weights = rng.dirichlet(np.ones(n_components))
    means = 2.0 * rng.standard_normal((n_components, n_features))
    covariances = random_covariances(rng, covariance_type, n_components, n_features)
    q = rng.dirichlet(np.full(n_components, 0.7), size=n_samples)
    return X, q, weights, means, covariances


def full_matrices(covariances, covariance_type, n_components, n_features):
    if covariance_type == "full":
        return covariances
    if covariance_type == "tied":
        return np.repeat(covariances[np.newaxis], n_components, axis=0)
    if covariance_type == "diag":
        return np.array([np.diag(v) for v in covariances])
    return np.array([v * np.eye(n_features) for v in covariances])


def old_faithful_start():
    Z, _, _ = standardize(load_old_faithful())
    # A deliberately poor start: both means near the centre, broad covariances.
    weights = np.array([0.5, 0.5])
    means = np.array([[-0.3, 0.2], [0.3, -0.2]])
    covariances = np.array([np.eye(2), np.eye(2)])
    return Z, weights, means, covariances


###############################################################################
# The identity ln p = L + KL and its consequences


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), covariance_type=st.sampled_from(COVARIANCE_TYPES))
def test_log_likelihood_is_bound_plus_kl_for_any_q(seed, covariance_type):
    X, q, weights, means, covariances = random_problem(seed, covariance_type)
    parts = bound_decomposition(X, q, weights, means, covariances, covariance_type)
    assert isinstance(parts, BoundDecomposition)
    total = log_likelihood(X, weights, means, covariances, covariance_type)
    assert parts.log_likelihood == pytest.approx(total, rel=1e-12, abs=1e-10)
    assert parts.lower_bound + parts.kl == pytest.approx(parts.log_likelihood, rel=1e-11)
    assert parts.kl > 0.0
    assert parts.lower_bound < parts.log_likelihood
    # The single-term functions agree with the decomposition.
    args = (X, q, weights, means, covariances, covariance_type)
    assert evidence_lower_bound(*args) == pytest.approx(parts.lower_bound, rel=1e-13)
    assert kl_to_posterior(*args) == pytest.approx(parts.kl, rel=1e-12, abs=1e-12)
    # L = E_q[ln p(X, Z)] + H[q].
    assert expected_complete_log_likelihood(*args) + entropy(q) == pytest.approx(
        parts.lower_bound, rel=1e-13
    )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), covariance_type=st.sampled_from(COVARIANCE_TYPES))
def test_kl_is_zero_and_bound_tight_at_the_posterior(seed, covariance_type):
    X, q, weights, means, covariances = random_problem(seed, covariance_type)
    posterior, total = e_step(X, weights, means, covariances, covariance_type)
    parts = bound_decomposition(X, posterior, weights, means, covariances, covariance_type)
    assert parts.kl >= 0.0
    assert parts.kl < 1e-10
    assert parts.lower_bound == pytest.approx(total, rel=1e-12, abs=1e-10)
    # Any other q gives a strictly smaller bound (the posterior maximises L over q).
    other = evidence_lower_bound(X, q, weights, means, covariances, covariance_type)
    assert other < parts.lower_bound


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    mix=st.floats(0.0, 1.0),
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
)
def test_kl_is_never_negative(seed, mix, covariance_type):
    X, q, weights, means, covariances = random_problem(seed, covariance_type)
    posterior, _ = e_step(X, weights, means, covariances, covariance_type)
    # Blends of the posterior and an arbitrary q, down to q = posterior itself.
    blend = mix * q + (1.0 - mix) * posterior
    kl = kl_to_posterior(X, blend, weights, means, covariances, covariance_type)
    assert kl >= 0.0


def test_kl_equals_explicit_formula():
    X, q, weights, means, covariances = random_problem(3, "full")
    posterior, _ = e_step(X, weights, means, covariances)
    expected = float(np.sum(q * (np.log(q) - np.log(posterior))))
    assert kl_to_posterior(X, q, weights, means, covariances) == pytest.approx(expected, rel=1e-10)


def test_bound_is_the_sum_over_all_assignments_for_a_tiny_problem():
    """Brute force: L = sum over all K^N configurations Z of q(Z) ln p(X, Z) / q(Z)."""
    X, q, weights, means, covariances = random_problem(7, "full", n_samples=4, n_components=3)
    log_joint_terms = np.array(
        [
            [np.log(weights[k]) + multivariate_normal(means[k], covariances[k]).logpdf(x)
             for k in range(3)]
            for x in X
        ]
    )
    total = 0.0
    for assignment in itertools.product(range(3), repeat=4):
        rows = np.arange(4)
        q_z = np.prod(q[rows, assignment])
        log_joint = log_joint_terms[rows, assignment].sum()
        total += q_z * (log_joint - np.log(q_z))
    value = evidence_lower_bound(X, q, weights, means, covariances)
    assert value == pytest.approx(total, rel=1e-10)
    # And ln p(X) = sum_Z p(X, Z) for the same brute force.
    log_p = logsumexp(
        [log_joint_terms[np.arange(4), a].sum() for a in itertools.product(range(3), repeat=4)]
    )
    assert bound_decomposition(X, q, weights, means, covariances).log_likelihood == pytest.approx(
        log_p, rel=1e-12
    )


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_expected_complete_log_likelihood_matches_scipy(covariance_type):
    X, q, weights, means, covariances = random_problem(11, covariance_type, n_samples=30)
    full = full_matrices(covariances, covariance_type, 3, 2)
    log_terms = np.column_stack(
        [np.log(weights[k]) + multivariate_normal(means[k], full[k]).logpdf(X) for k in range(3)]
    )
    expected = float(np.sum(q * log_terms))
    value = expected_complete_log_likelihood(X, q, weights, means, covariances, covariance_type)
    assert value == pytest.approx(expected, rel=1e-11)


def test_entropy_extremes():
    one_hot = np.eye(4)[[0, 1, 2, 3, 1, 0]]
    assert entropy(one_hot) == 0.0
    uniform = np.full((6, 4), 0.25)
    assert entropy(uniform) == pytest.approx(6 * np.log(4), rel=1e-14)


###############################################################################
# What the two steps do to the bound


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_m_step_maximises_the_bound_over_theta(covariance_type):
    X, q, _, _, _ = random_problem(5, covariance_type, n_samples=80)
    weights, means, covariances = m_step(X, q, covariance_type, reg_covar=0.0)
    best = evidence_lower_bound(X, q, weights, means, covariances, covariance_type)
    rng = np.random.RandomState(0)
    for _ in range(20):
        shifted_means = means + 0.05 * rng.standard_normal(means.shape)
        tilted = weights * np.exp(0.1 * rng.standard_normal(weights.shape))
        tilted /= tilted.sum()
        scaled = covariances * rng.uniform(0.9, 1.1)
        for candidate in (
            (weights, shifted_means, covariances),
            (tilted, means, covariances),
            (weights, means, scaled),
        ):
            value = evidence_lower_bound(X, q, *candidate, covariance_type)
            assert value <= best + 1e-9


def test_entropy_does_not_depend_on_theta_so_m_step_raises_q_function():
    Z, weights, means, covariances = old_faithful_start()
    posterior, _ = e_step(Z, weights, means, covariances)
    new = m_step(Z, posterior)
    q_old = expected_complete_log_likelihood(Z, posterior, weights, means, covariances)
    q_new = expected_complete_log_likelihood(Z, posterior, *new)
    assert q_new > q_old
    # The bound changes by exactly the change of Q: the entropy term is the same.
    l_old = evidence_lower_bound(Z, posterior, weights, means, covariances)
    l_new = evidence_lower_bound(Z, posterior, *new)
    assert l_new - l_old == pytest.approx(q_new - q_old, rel=1e-9)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_em_bound_trace_half_steps(covariance_type):
    rng = np.random.RandomState(2)
    X = np.vstack([rng.standard_normal((60, 2)), rng.standard_normal((60, 2)) + [3.0, 1.0]])
    weights = np.array([0.5, 0.5])
    means = np.array([[0.5, 0.0], [1.0, 1.0]])
    covariances = {
        "full": np.array([np.eye(2), np.eye(2)]),
        "tied": np.eye(2),
        "diag": np.ones((2, 2)),
        "spherical": np.ones(2),
    }[covariance_type]
    trace = em_bound_trace(X, weights, means, covariances, covariance_type, n_iter=6)
    assert trace.steps == ("E", "M") * 6
    np.testing.assert_array_equal(trace.iterations, np.repeat(np.arange(1, 7), 2))
    e, m = slice(0, None, 2), slice(1, None, 2)
    # E-steps close the gap; M-steps open it again (EM is still moving here).
    assert np.all(trace.kls[e] < 1e-10)
    assert np.all(trace.kls[m] > 0.0)
    np.testing.assert_allclose(trace.lower_bounds + trace.kls, trace.log_likelihoods, rtol=1e-12)
    # The E-step does not change theta, hence not ln p.
    np.testing.assert_allclose(
        trace.log_likelihoods[2::2], trace.log_likelihoods[1:-1:2], rtol=1e-14
    )
    # M-step raises L with q fixed; ln p never decreases over the half-steps.
    assert np.all(trace.lower_bounds[m] > trace.lower_bounds[e])
    assert np.all(np.diff(trace.log_likelihoods) >= -1e-9)
    # Same parameters as run_em without a stopping rule.
    result = run_em(X, weights, means, covariances, covariance_type, tol=0.0, max_iter=6,
                    record_history=True)
    history = np.array([s["log_likelihood"] for s in result["history"]])
    np.testing.assert_allclose(trace.log_likelihoods[e], history[:-1], rtol=1e-12)
    np.testing.assert_allclose(trace.log_likelihoods[m], history[1:], rtol=1e-12)


def test_em_bound_trace_on_old_faithful():
    Z, weights, means, covariances = old_faithful_start()
    trace = em_bound_trace(Z, weights, means, covariances, n_iter=10)
    assert np.all(trace.kls[::2] < 1e-10)
    assert np.all(trace.kls[1::2] > 1e-6)
    assert trace.log_likelihoods[-1] > trace.log_likelihoods[0]


###############################################################################
# Zeros and infinities


def test_zero_entries_of_q_contribute_nothing():
    X, _, weights, means, covariances = random_problem(4, "full", n_samples=10)
    q = np.eye(3)[np.arange(10) % 3]  # hard assignments: most entries are zero
    parts = bound_decomposition(X, q, weights, means, covariances)
    assert np.isfinite(parts.lower_bound) and np.isfinite(parts.kl)
    assert parts.lower_bound + parts.kl == pytest.approx(parts.log_likelihood, rel=1e-12)


def test_zero_weight_component():
    X, _, _, means, covariances = random_problem(4, "full", n_samples=10)
    weights = np.array([0.6, 0.4, 0.0])
    avoiding = np.column_stack([np.full(10, 0.5), np.full(10, 0.5), np.zeros(10)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parts = bound_decomposition(X, avoiding, weights, means, covariances)
        assert np.isfinite(parts.lower_bound)
        assert parts.lower_bound + parts.kl == pytest.approx(parts.log_likelihood, rel=1e-12)
        touching = np.full((10, 3), 1.0 / 3.0)
        assert expected_complete_log_likelihood(X, touching, weights, means, covariances) == -np.inf
        assert kl_to_posterior(X, touching, weights, means, covariances) == np.inf


###############################################################################
# Validation


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda a: dict(a, q=a["q"][:-1]), "one row per sample"),
        (lambda a: dict(a, q=a["q"][:, :2]), "shape"),
        (lambda a: dict(a, q=a["q"] * 1.5), "must lie in \\[0, 1\\]|sum to one"),
        (lambda a: dict(a, q=np.where(a["q"] == a["q"].max(), np.nan, a["q"])), "NaN"),
        (lambda a: dict(a, q=a["q"].ravel()), "2-D"),
        (lambda a: dict(a, q=-a["q"]), "\\[0, 1\\]"),
        (lambda a: dict(a, weights=np.array([0.5, 0.6, -0.1])), "\\[0, 1\\]"),
        (lambda a: dict(a, means=a["means"][:, :1]), "shape"),
        (lambda a: dict(a, covariance_type="round"), "covariance_type"),
        (lambda a: dict(a, X=a["X"][:, 0]), "2-D"),
    ],
)
def test_public_functions_reject_bad_input(change, message):
    X, q, weights, means, covariances = random_problem(0, "full", n_samples=12)
    arguments = change(dict(X=X, q=q, weights=weights, means=means, covariances=covariances,
                            covariance_type="full"))
    args = (arguments["X"], arguments["q"], arguments["weights"], arguments["means"],
            arguments["covariances"], arguments["covariance_type"])
    for function in (bound_decomposition, evidence_lower_bound, kl_to_posterior,
                     expected_complete_log_likelihood):
        with pytest.raises(ValueError, match=message):
            function(*args)


def test_entropy_and_trace_reject_bad_input():
    with pytest.raises(ValueError, match="sum to one"):
        entropy(np.full((3, 2), 0.2))
    with pytest.raises(ValueError, match="2-D"):
        entropy(np.array([0.5, 0.5]))
    Z, weights, means, covariances = old_faithful_start()
    with pytest.raises(ValueError, match="n_iter"):
        em_bound_trace(Z, weights, means, covariances, n_iter=0)
    with pytest.raises(ValueError, match="reg_covar"):
        em_bound_trace(Z, weights, means, covariances, reg_covar=-1.0)
    with pytest.raises(ValueError, match="n_samples >= n_components"):
        em_bound_trace(Z[:1], weights, means, covariances)
    with pytest.raises(ValueError, match="positive-definite"):
        em_bound_trace(Z, weights, means, -covariances)
