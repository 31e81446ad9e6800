"""Tests for gmm_lib.regularization: MAP-EM with a conjugate prior.

The prior densities are checked against scipy.stats; the MAP M-step against
the ML M-step (flat prior) and against perturbations (it must maximise
Q + ln p(theta)); MAP-EM against run_em (flat prior) and for monotonicity
of the log-posterior; the prior against the singularity that makes ML fail.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from gmm_lib._validation import COLLAPSE_ADVICE
from gmm_lib.datasets import load_old_faithful
from gmm_lib.mixture import GaussianMixture, e_step, m_step, run_em, weighted_log_probabilities
from gmm_lib.regularization import (
    MixturePrior,
    default_prior,
    flat_prior,
    log_posterior,
    log_prior,
    map_m_step,
    reinitialize_components,
    run_map_em,
    smallest_variances,
)

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]


def blobs(seed, n_samples=60, n_features=2, n_components=3):
    rng = np.random.RandomState(seed)
    centres = rng.normal(scale=4.0, size=(n_components, n_features))
    labels = rng.randint(n_components, size=n_samples)
    return centres[labels] + rng.normal(size=(n_samples, n_features))


def layout(covariances_full, covariance_type):
    """Full (K, D, D) matrices converted to another layout."""
    if covariance_type == "full":
        return covariances_full
    if covariance_type == "tied":
        return covariances_full.mean(axis=0)
    diagonals = np.diagonal(covariances_full, axis1=1, axis2=2).copy()
    return diagonals if covariance_type == "diag" else diagonals.mean(axis=1)


def start(X, n_components, covariance_type, seed):
    rng = np.random.RandomState(seed)
    means = X[rng.choice(X.shape[0], n_components, replace=False)]
    full = np.stack([np.cov(X, rowvar=False).reshape(X.shape[1], X.shape[1])] * n_components)
    return np.full(n_components, 1.0 / n_components), means, layout(full, covariance_type)


###############################################################################
# Priors: construction and validation


def test_flat_prior_fields():
    prior = flat_prior()
    assert prior == MixturePrior(1.0, None, 0.0, None, None)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_default_prior_follows_fraley_raftery(covariance_type):
    X = load_old_faithful()
    prior = default_prior(X, 3, covariance_type)
    np.testing.assert_allclose(prior.mean_prior, X.mean(axis=0))
    assert prior.mean_precision == 0.01
    assert prior.degrees_of_freedom == 4.0  # D + 2
    assert prior.weight_concentration == 1.0
    scale = np.cov(X, rowvar=False) / 3 ** (2 / 2)
    expected = {
        "full": scale, "tied": scale, "diag": np.diag(scale), "spherical": np.diag(scale).mean()
    }[covariance_type]
    np.testing.assert_allclose(prior.covariance_prior, expected)


@pytest.mark.parametrize(
    "prior, message",
    [
        (MixturePrior(0.5, None, 0.0, None, None), "weight_concentration must be >= 1"),
        (MixturePrior(1.0, None, -1.0, None, None), "mean_precision"),
        (MixturePrior(1.0, None, 0.5, None, None), "mean_prior is None"),
        (MixturePrior(1.0, [0.0, 0.0, 0.0], 0.5, None, None), "shape \\(2,\\)"),
        (MixturePrior(1.0, None, 0.0, 3.0, None), "given together"),
        (MixturePrior(1.0, None, 0.0, None, np.eye(2)), "given together"),
        (MixturePrior(1.0, None, 0.0, 1.0, np.eye(2)), "exceed n_features - 1"),
        (MixturePrior(1.0, None, 0.0, 4.0, np.array([[1.0, 2.0], [2.0, 1.0]])), "positive-definite"),
        (MixturePrior(1.0, None, 0.0, 4.0, np.eye(3)), "shape"),
        (MixturePrior(np.nan, None, 0.0, None, None), "finite"),
        (MixturePrior("1", None, 0.0, None, None), "real number"),
        ((1.0, None, 0.0, None, None), "MixturePrior"),
    ],
)
def test_bad_priors_are_rejected_with_a_clear_message(prior, message):
    X = blobs(0)
    weights, means, covariances = start(X, 3, "full", 0)
    with pytest.raises(ValueError, match=message):
        log_prior(weights, means, covariances, prior)
    with pytest.raises(ValueError, match=message):
        run_map_em(X, weights, means, covariances, prior)


@pytest.mark.parametrize(
    "covariance_type, scale, nu, message",
    [
        ("diag", np.array([1.0]), 3.0, "shape \\(2,\\)"),
        ("diag", np.array([1.0, -1.0]), 3.0, "strictly positive"),
        ("diag", np.array([1.0, 1.0]), 0.0, "positive"),
        ("spherical", -1.0, 3.0, "strictly positive"),
        ("spherical", np.ones(2), 3.0, "single real number"),
    ],
)
def test_bad_diagonal_priors(covariance_type, scale, nu, message):
    X = blobs(1)
    weights, means, covariances = start(X, 3, covariance_type, 0)
    prior = MixturePrior(1.0, None, 0.0, nu, scale)
    with pytest.raises(ValueError, match=message):
        map_m_step(X, e_step(X, weights, means, covariances, covariance_type)[0], prior,
                   covariance_type)


def test_default_prior_rejects_degenerate_data():
    X = np.column_stack([np.arange(10.0), np.full(10, 3.0)])
    with pytest.raises(ValueError, match="singular"):
        default_prior(X, 2, "full")
    with pytest.raises(ValueError, match="constant"):
        default_prior(X, 2, "diag")
    with pytest.raises(ValueError, match="n_samples >= n_components"):
        default_prior(X, 11)


###############################################################################
# The prior density against scipy.stats


def test_log_prior_full_matches_scipy():
    rng = np.random.RandomState(3)
    X = blobs(3)
    prior = MixturePrior(2.5, np.array([0.5, -1.0]), 0.3, 5.0, np.array([[2.0, 0.3], [0.3, 1.0]]))
    weights = rng.dirichlet(np.ones(3))
    means = rng.normal(size=(3, 2))
    factors = rng.normal(size=(3, 2, 2))
    covariances = factors @ factors.transpose(0, 2, 1) + 0.3 * np.eye(2)
    expected = stats.dirichlet(np.full(3, 2.5)).logpdf(weights)
    for k in range(3):
        expected += stats.multivariate_normal(prior.mean_prior, covariances[k] / 0.3).logpdf(means[k])
        expected += stats.invwishart(df=5.0, scale=prior.covariance_prior).logpdf(covariances[k])
    assert log_prior(weights, means, covariances, prior) == pytest.approx(expected, rel=1e-10)
    # The objective of MAP-EM is the log-likelihood plus this.
    total = log_posterior(X, weights, means, covariances, prior)
    _, loglik = e_step(X, weights, means, covariances)
    assert total == pytest.approx(loglik + expected, rel=1e-12)


def test_log_prior_tied_diag_spherical_match_scipy():
    rng = np.random.RandomState(4)
    weights = np.array([0.3, 0.7])
    means = rng.normal(size=(2, 3))
    tied = np.array([[2.0, 0.2, 0.0], [0.2, 1.0, 0.1], [0.0, 0.1, 0.5]])
    scale = np.diag([1.0, 2.0, 0.5])
    prior = MixturePrior(1.0, None, 0.0, 6.0, scale)
    assert log_prior(weights, means, tied, prior, "tied") == pytest.approx(
        np.log(1.0) + stats.invwishart(df=6.0, scale=scale).logpdf(tied), rel=1e-10
    )
    variances = rng.uniform(0.2, 3.0, size=(2, 3))
    lambdas = np.array([1.0, 2.0, 0.5])
    prior = MixturePrior(1.0, None, 0.0, 3.0, lambdas)
    expected = sum(
        stats.invgamma(a=1.5, scale=lambdas[d] / 2).logpdf(variances[k, d])
        for k in range(2) for d in range(3)
    )
    assert log_prior(weights, means, variances, prior, "diag") == pytest.approx(expected, rel=1e-10)
    spherical = np.array([0.4, 2.0])
    prior = MixturePrior(1.0, np.zeros(3), 2.0, 3.0, 0.7)
    expected = sum(
        stats.invgamma(a=1.5, scale=0.35).logpdf(spherical[k])
        + stats.multivariate_normal(np.zeros(3), spherical[k] / 2.0 * np.eye(3)).logpdf(means[k])
        for k in range(2)
    )
    assert log_prior(weights, means, spherical, prior, "spherical") == pytest.approx(
        expected, rel=1e-10
    )


def test_log_prior_of_a_zero_weight():
    means, covariances = np.zeros((2, 1)), np.ones(2)
    assert log_prior([1.0, 0.0], means, covariances, flat_prior(), "spherical") == 0.0
    value = log_prior([1.0, 0.0], means, covariances, MixturePrior(2.0, None, 0.0, None, None),
                      "spherical")
    assert value == -np.inf


###############################################################################
# The MAP M-step


@settings(max_examples=30, deadline=None)
@given(covariance_type=st.sampled_from(COVARIANCE_TYPES), seed=st.integers(0, 2**31 - 1))
def test_flat_prior_m_step_is_the_ml_m_step(covariance_type, seed):
    rng = np.random.RandomState(seed)
    X = blobs(seed % 1000, n_features=int(rng.randint(1, 4)))
    responsibilities = rng.dirichlet(np.ones(3), size=X.shape[0])
    ours = map_m_step(X, responsibilities, flat_prior(), covariance_type)
    ml = m_step(X, responsibilities, covariance_type, reg_covar=0.0)
    for a, b in zip(ours, ml):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def _expected_complete_objective(X, responsibilities, parameters, prior, covariance_type):
    """Q(theta) + ln p(theta): what the MAP M-step maximises."""
    weighted = weighted_log_probabilities(X, *parameters, covariance_type)
    return float(np.sum(responsibilities * weighted)) + log_prior(*parameters, prior,
                                                                  covariance_type)


def _perturb(parameters, covariance_type, rng, size):
    weights, means, covariances = parameters
    weights = weights * np.exp(size * rng.normal(size=weights.shape))
    weights /= weights.sum()
    means = means + size * rng.normal(size=means.shape)
    if covariance_type in ("full", "tied"):
        matrices = covariances if covariance_type == "full" else covariances[np.newaxis]
        factors = np.eye(matrices.shape[-1]) + size * rng.normal(size=matrices.shape)
        matrices = factors @ matrices @ factors.transpose(0, 2, 1)
        covariances = matrices if covariance_type == "full" else matrices[0]
    else:
        covariances = covariances * np.exp(size * rng.normal(size=covariances.shape))
    return weights, means, covariances


@settings(max_examples=30, deadline=None)
@given(
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
    seed=st.integers(0, 2**31 - 1),
    alpha=st.sampled_from([1.0, 1.5, 4.0]),
    kappa=st.sampled_from([0.0, 0.01, 2.0]),
    flat_covariances=st.booleans(),
)
def test_map_m_step_maximises_q_plus_log_prior(covariance_type, seed, alpha, kappa,
                                               flat_covariances):
    rng = np.random.RandomState(seed)
    X = blobs(seed % 997)
    responsibilities = rng.dirichlet(np.ones(3), size=X.shape[0])
    prior = default_prior(X, 3, covariance_type, weight_concentration=alpha,
                          mean_precision=kappa)
    if flat_covariances:
        prior = prior._replace(degrees_of_freedom=None, covariance_prior=None)
    best = map_m_step(X, responsibilities, prior, covariance_type)
    value = _expected_complete_objective(X, responsibilities, best, prior, covariance_type)
    for size in (1e-2, 1e-1):
        for _ in range(3):
            other = _perturb(best, covariance_type, rng, size)
            assert _expected_complete_objective(
                X, responsibilities, other, prior, covariance_type
            ) <= value + 1e-9 * abs(value)


def test_map_covariance_has_the_posterior_mode_formula():
    # One component (all responsibilities 1): Sigma = (Lambda + W + B) / (N + nu + D + 2).
    X = blobs(5)
    n, d = X.shape
    prior = MixturePrior(1.0, np.array([1.0, -1.0]), 0.5, 5.0, np.array([[1.5, 0.2], [0.2, 0.8]]))
    weights, means, covariances = map_m_step(X, np.ones((n, 1)), prior)
    xbar = X.mean(axis=0)
    scatter = (X - xbar).T @ (X - xbar)
    offset = xbar - prior.mean_prior
    expected = (prior.covariance_prior + scatter + 0.5 * n / (n + 0.5) * np.outer(offset, offset)
                ) / (n + 5.0 + d + 2)
    np.testing.assert_allclose(covariances[0], expected, rtol=1e-10)
    np.testing.assert_allclose(means[0], (n * xbar + 0.5 * prior.mean_prior) / (n + 0.5))
    np.testing.assert_allclose(weights, [1.0])


def test_dirichlet_weights_formula():
    X = blobs(6)
    responsibilities = np.zeros((X.shape[0], 3))
    responsibilities[:, 0] = 1.0  # components 1 and 2 empty
    prior = flat_prior()._replace(weight_concentration=3.0)
    weights, _, _ = map_m_step(X, responsibilities, prior, "spherical")
    n = X.shape[0]
    np.testing.assert_allclose(weights, np.array([n + 2.0, 2.0, 2.0]) / (n + 6.0), rtol=1e-12)


###############################################################################
# MAP-EM


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_flat_prior_map_em_is_ml_em(covariance_type):
    X = blobs(7)
    weights, means, covariances = start(X, 3, covariance_type, 1)
    ours = run_map_em(X, weights, means, covariances, flat_prior(), covariance_type, tol=1e-8,
                      max_iter=50)
    ml = run_em(X, weights, means, covariances, covariance_type, reg_covar=0.0, tol=1e-8,
                max_iter=50)
    assert ours["n_iter"] == ml["n_iter"]
    np.testing.assert_allclose(ours["lower_bounds"], ml["lower_bounds"], rtol=1e-10)
    for key in ("weights", "means", "covariances", "precisions_cholesky"):
        np.testing.assert_allclose(ours[key], ml[key], rtol=1e-8, atol=1e-10)
    assert set(ml) <= set(ours)
    assert ours["log_priors"] == [0.0] * ours["n_iter"]


@settings(max_examples=25, deadline=None)
@given(
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
    seed=st.integers(0, 2**31 - 1),
    alpha=st.sampled_from([1.0, 2.0]),
    kappa=st.sampled_from([0.0, 0.01, 1.0]),
)
def test_map_em_never_decreases_the_log_posterior(covariance_type, seed, alpha, kappa):
    X = blobs(seed % 991, n_samples=50)
    weights, means, covariances = start(X, 4, covariance_type, seed)
    prior = default_prior(X, 4, covariance_type, weight_concentration=alpha, mean_precision=kappa)
    result = run_map_em(X, weights, means, covariances, prior, covariance_type, tol=0.0,
                        max_iter=30, record_history=True)
    objective = np.array([h["log_likelihood"] + h["log_prior"] for h in result["history"]])
    steps = np.diff(objective)
    assert steps.min() >= -1e-9 * np.abs(objective).max()
    # lower_bounds are the same objective per sample, iteration by iteration.
    np.testing.assert_allclose(np.array(result["lower_bounds"]) * X.shape[0], objective[:-1],
                               rtol=1e-12)
    np.testing.assert_allclose(
        np.array(result["log_likelihoods"]) + result["log_priors"], objective[:-1], rtol=1e-12
    )


def _collapsing_start():
    """Old Faithful, two sensible components and a third narrow one on a duplicated row."""
    X = load_old_faithful()
    healthy = GaussianMixture(2, random_state=0).fit(X)
    weights = np.append(0.9 * healthy.weights_, 0.1)
    means = np.vstack([healthy.means_, [4.5, 83.0]])
    covariances = np.concatenate([healthy.covariances_, 0.01 * np.eye(2)[np.newaxis]])
    return X, weights, means, covariances


def test_prior_keeps_a_collapsing_component_away_from_zero_volume():
    X, weights, means, covariances = _collapsing_start()
    ml = run_em(X, weights, means, covariances, reg_covar=1e-12, max_iter=200)
    assert smallest_variances(ml["covariances"]).min() < 1e-9  # collapsed onto waiting = 83
    prior = default_prior(X, 3)
    result = run_map_em(X, weights, means, covariances, prior, max_iter=500, tol=1e-8)
    smallest = smallest_variances(result["covariances"])
    n_k = result["weights"] * X.shape[0]
    # Sigma_k >= Lambda_0 / (N_k + nu_0 + D + 2) in the Loewner order.
    bound = np.linalg.eigvalsh(prior.covariance_prior)[0] / (n_k + 4.0 + 2 + 2)
    assert np.all(smallest >= bound * (1 - 1e-9))
    assert smallest.min() > 1e-3
    assert np.isfinite(result["log_likelihoods"]).all()


def test_map_em_on_exact_duplicates_stays_finite():
    # Twelve copies of one point and some spread-out ones: ML with reg_covar=0
    # collapses a component onto the copies; MAP keeps a positive floor.
    rng = np.random.RandomState(8)
    X = np.vstack([np.tile([[1.0, 2.0]], (12, 1)), rng.normal(scale=3.0, size=(40, 2))])
    weights = np.array([0.5, 0.5])
    means = np.array([[1.0, 2.0], [0.0, 0.0]])
    covariances = np.stack([0.05 * np.eye(2), 9.0 * np.eye(2)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ml = run_em(X, weights, means, covariances, reg_covar=0.0, max_iter=100)
            assert smallest_variances(ml["covariances"]).min() < 1e-20
        except ValueError as error:
            assert str(error) == COLLAPSE_ADVICE
    prior = default_prior(X, 2)
    result = run_map_em(X, weights, means, covariances, prior, max_iter=200)
    n_k = result["weights"] * X.shape[0]
    bound = np.linalg.eigvalsh(prior.covariance_prior)[0] / (n_k + 4.0 + 2 + 2)
    assert np.all(smallest_variances(result["covariances"]) >= bound * (1 - 1e-9))


def test_run_map_em_validation():
    X = blobs(9)
    weights, means, covariances = start(X, 3, "full", 0)
    prior = default_prior(X, 3)
    with pytest.raises(ValueError, match="tol"):
        run_map_em(X, weights, means, covariances, prior, tol=-1.0)
    with pytest.raises(ValueError, match="max_iter"):
        run_map_em(X, weights, means, covariances, prior, max_iter=1.5)
    with pytest.raises(ValueError, match="means must have shape"):
        run_map_em(X, weights, means[:, :1], covariances, prior)
    with pytest.raises(ValueError, match="NaN"):
        run_map_em(np.where(X > 100, 0, np.nan), weights, means, covariances, prior)
    result = run_map_em(X, weights, means, covariances, prior, max_iter=0)
    assert result["n_iter"] == 0 and result["lower_bounds"] == []


###############################################################################
# smallest_variances and reinitialize_components


def test_smallest_variances_in_every_layout():
    full = np.array([[[2.0, 0.0], [0.0, 0.5]], [[1.0, 0.9], [0.9, 1.0]]])
    np.testing.assert_allclose(smallest_variances(full), [0.5, 0.1])
    np.testing.assert_allclose(smallest_variances(full[1], "tied"), [0.1])
    np.testing.assert_allclose(smallest_variances([[3.0, 0.2], [1.0, 4.0]], "diag"), [0.2, 1.0])
    np.testing.assert_allclose(smallest_variances([3.0, 0.2], "spherical"), [3.0, 0.2])
    with pytest.raises(ValueError, match="3-D"):
        smallest_variances(np.eye(2))
    with pytest.raises(ValueError, match="positive"):
        smallest_variances([1.0, 0.0], "spherical")


@pytest.mark.parametrize("covariance_type", ["full", "diag", "spherical"])
def test_reinitialize_components(covariance_type):
    X = blobs(10)
    weights, means, covariances = start(X, 3, covariance_type, 0)
    covariances = covariances * 0.25
    new_weights, new_means, new_covariances = reinitialize_components(
        X, weights, means, covariances, [1], covariance_type, random_state=0
    )
    assert new_weights.sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(new_means[[0, 2]], means[[0, 2]])
    np.testing.assert_array_equal(new_covariances[[0, 2]], covariances[[0, 2]])
    assert any(np.array_equal(new_means[1], row) for row in X)
    data = np.cov(X, rowvar=False, bias=True)
    expected = {"full": data, "diag": np.diag(data), "spherical": np.diag(data).mean()}
    np.testing.assert_allclose(new_covariances[1], expected[covariance_type])
    again = reinitialize_components(X, weights, means, covariances, [1], covariance_type,
                                    random_state=0)
    np.testing.assert_array_equal(again[1], new_means)


def test_reinitialize_components_accepts_a_collapsed_covariance_and_continues():
    X, weights, means, covariances = _collapsing_start()
    ml = run_em(X, weights, means, covariances, reg_covar=1e-6, max_iter=200)
    collapsed = np.flatnonzero(smallest_variances(ml["covariances"]) < 1e-5)
    assert collapsed.tolist() == [2]
    restarted = reinitialize_components(X, ml["weights"], ml["means"], ml["covariances"],
                                        collapsed, random_state=0)
    continued = run_em(X, *restarted, reg_covar=1e-6, max_iter=200)
    assert continued["lower_bounds"][0] * X.shape[0] < ml["lower_bounds"][-1] * X.shape[0]
    assert np.isfinite(continued["lower_bounds"][-1])


@pytest.mark.parametrize(
    "components, covariance_type, message",
    [
        ([], "full", "empty"),
        ([3], "full", "distinct indices"),
        ([0, 0], "full", "distinct indices"),
        (["a"], "full", "iterable of component indices"),
        ([0], "tied", "shared"),
    ],
)
def test_reinitialize_components_validation(components, covariance_type, message):
    X = blobs(11)
    weights, means, covariances = start(X, 3, "full", 0)
    with pytest.raises(ValueError, match=message):
        reinitialize_components(X, weights, means, covariances, components, covariance_type)
