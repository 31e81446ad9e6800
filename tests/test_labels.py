"""Tests for gmm_lib.labels: aligning components, permuting parameters, the mean grid."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_lib.labels import (
    align_components,
    permute_parameters,
    relabel,
    two_means_log_likelihood_grid,
)
from gmm_lib.mixture import GaussianMixture, log_likelihood, weighted_log_probabilities

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]


def random_mixture(rng, n_components, n_features, covariance_type):
    weights = rng.dirichlet(np.ones(n_components))
    means = rng.normal(scale=3.0, size=(n_components, n_features))
    if covariance_type == "full":
        factors = rng.normal(size=(n_components, n_features, n_features))
        covariances = factors @ factors.transpose(0, 2, 1) + 0.5 * np.eye(n_features)
    elif covariance_type == "tied":
        factor = rng.normal(size=(n_features, n_features))
        covariances = factor @ factor.T + 0.5 * np.eye(n_features)
    elif covariance_type == "diag":
        covariances = rng.uniform(0.3, 2.0, size=(n_components, n_features))
    else:
        covariances = rng.uniform(0.3, 2.0, size=n_components)
    return weights, means, covariances


###############################################################################
# align_components


@settings(max_examples=40, deadline=None)
@given(
    n_components=st.integers(1, 6),
    n_features=st.integers(1, 3),
    seed=st.integers(0, 2**31 - 1),
)
def test_align_components_recovers_a_hidden_permutation(n_components, n_features, seed):
    rng = np.random.RandomState(seed)
    # Means on a coarse lattice, far apart compared with the noise added.
    reference = 10.0 * rng.permutation(np.arange(n_components * n_features)).reshape(
        n_components, n_features
    ).astype(float)
    hidden = rng.permutation(n_components)
    shuffled = reference[hidden] + rng.uniform(-0.5, 0.5, size=reference.shape)
    permutation = align_components(reference, shuffled)
    # shuffled[k] is reference[hidden[k]]; so reference j sits at position k
    # with hidden[k] = j, i.e. permutation = inverse of hidden.
    inverse = np.empty_like(hidden)
    inverse[hidden] = np.arange(n_components)
    np.testing.assert_array_equal(permutation, inverse)
    np.testing.assert_allclose(shuffled[permutation], reference, atol=0.5)


def test_align_components_is_optimal_not_greedy():
    # Greedy matching would give reference 0 its nearest mean, means[0]
    # (squared distance 1), and leave means[1] to reference 1 (16): total 17.
    # The optimum crosses over: 4 + 1 = 5.
    reference = np.array([[0.0], [2.0]])
    means = np.array([[1.0], [-2.0]])
    np.testing.assert_array_equal(align_components(reference, means), [1, 0])
    # Identity 0.81 + 121 against swapped 100 + 0.01: swapped again.
    reference = np.array([[0.0], [1.0]])
    means = np.array([[0.9], [-10.0]])
    np.testing.assert_array_equal(align_components(reference, means), [1, 0])


def test_align_components_identity_on_itself():
    means = np.array([[0.0, 1.0], [5.0, 5.0], [-3.0, 2.0]])
    np.testing.assert_array_equal(align_components(means, means), [0, 1, 2])


def test_align_components_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        align_components(np.zeros((3, 2)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="2-D"):
        align_components(np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match="NaN"):
        align_components(np.zeros((2, 1)), np.array([[0.0], [np.nan]]))


###############################################################################
# permute_parameters and relabel


@settings(max_examples=40, deadline=None)
@given(
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
    n_components=st.integers(1, 5),
    n_features=st.integers(1, 3),
    seed=st.integers(0, 2**31 - 1),
)
def test_relabelling_leaves_the_log_likelihood_unchanged(
    covariance_type, n_components, n_features, seed
):
    rng = np.random.RandomState(seed)
    weights, means, covariances = random_mixture(rng, n_components, n_features, covariance_type)
    X = rng.normal(scale=3.0, size=(40, n_features))
    permutation = rng.permutation(n_components)
    permuted = permute_parameters(weights, means, covariances, permutation, covariance_type)
    before = log_likelihood(X, weights, means, covariances, covariance_type)
    after = log_likelihood(X, *permuted, covariance_type)
    assert after == pytest.approx(before, rel=1e-12, abs=1e-9)
    # The columns of the component log-probabilities are permuted, not changed.
    np.testing.assert_allclose(
        weighted_log_probabilities(X, *permuted, covariance_type),
        weighted_log_probabilities(X, weights, means, covariances, covariance_type)[:, permutation],
        rtol=1e-12, atol=1e-12,
    )
    # Applying the inverse permutation restores the original order.
    inverse = np.argsort(permutation)
    restored = permute_parameters(*permuted, inverse, covariance_type)
    for original, back in zip((weights, means, covariances), restored):
        np.testing.assert_array_equal(original, back)


def test_permute_parameters_layouts():
    weights = np.array([0.2, 0.3, 0.5])
    means = np.arange(6.0).reshape(3, 2)
    full = np.stack([np.eye(2) * (k + 1) for k in range(3)])
    permutation = [2, 0, 1]
    w, m, c = permute_parameters(weights, means, full, permutation)
    np.testing.assert_array_equal(w, [0.5, 0.2, 0.3])
    np.testing.assert_array_equal(m, means[[2, 0, 1]])
    np.testing.assert_array_equal(c[:, 0, 0], [3.0, 1.0, 2.0])
    tied = np.array([[2.0, 0.5], [0.5, 1.0]])
    _, _, c = permute_parameters(weights, means, tied, permutation, "tied")
    np.testing.assert_array_equal(c, tied)
    assert c is not tied
    _, _, c = permute_parameters(weights, means, np.array([[1.0, 2], [3, 4], [5, 6]]),
                                 permutation, "diag")
    np.testing.assert_array_equal(c, [[5, 6], [1, 2], [3, 4]])
    _, _, c = permute_parameters(weights, means, np.array([1.0, 2.0, 3.0]), permutation,
                                 "spherical")
    np.testing.assert_array_equal(c, [3.0, 1.0, 2.0])


@pytest.mark.parametrize(
    "permutation, message",
    [
        ([0, 0, 1], "exactly once"),
        ([0, 1], "one entry per component"),
        ([0.0, 1.0, 2.0], "integer"),
        ([[0, 1, 2]], "1-D"),
        ([1, 2, 3], "exactly once"),
    ],
)
def test_permute_parameters_rejects_bad_permutations(permutation, message):
    with pytest.raises(ValueError, match=message):
        permute_parameters(np.full(3, 1 / 3), np.zeros((3, 2)), np.ones((3, 2)), permutation,
                           "diag")


def test_permute_parameters_rejects_bad_shapes():
    with pytest.raises(ValueError, match="weights must have shape"):
        permute_parameters(np.full(2, 0.5), np.zeros((3, 2)), np.ones((3, 2)), [0, 1, 2], "diag")
    with pytest.raises(ValueError, match="one entry per component"):
        permute_parameters(np.full(3, 1 / 3), np.zeros((3, 2)), np.ones((2, 2)), [0, 1, 2], "diag")
    with pytest.raises(ValueError, match="Invalid value for covariance_type"):
        permute_parameters(np.full(3, 1 / 3), np.zeros((3, 2)), np.ones((3, 2)), [0, 1, 2], "round")


def test_relabel_agrees_with_the_predictions_of_the_permuted_model():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(loc, 0.5, size=(30, 2)) for loc in ([0, 0], [5, 0], [0, 5])])
    model = GaussianMixture(3, random_state=0).fit(X)
    permutation = np.array([1, 2, 0])
    weights, means, covariances = permute_parameters(
        model.weights_, model.means_, model.covariances_, permutation
    )
    permuted = GaussianMixture(3, weights_init=weights, means_init=means,
                               precisions_init=np.linalg.inv(covariances), max_iter=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        permuted.fit(X)
    np.testing.assert_array_equal(permuted.predict(X), relabel(model.predict(X), permutation))


def test_relabel_validation():
    with pytest.raises(ValueError, match="lie in 0..1"):
        relabel([0, 2], [1, 0])
    with pytest.raises(ValueError, match="integer"):
        relabel([0.0, 1.0], [1, 0])
    np.testing.assert_array_equal(relabel([0, 1, 1, 0], [1, 0]), [1, 0, 0, 1])


###############################################################################
# two_means_log_likelihood_grid


def test_grid_matches_mixture_log_likelihood():
    rng = np.random.RandomState(1)
    x = np.concatenate([rng.normal(-2, 1, 40), rng.normal(3, 0.7, 60)])
    mu1 = np.linspace(-4, 4, 7)
    mu2 = np.linspace(-3, 5, 5)
    weights, variances = np.array([0.3, 0.7]), np.array([1.2, 0.5])
    surface = two_means_log_likelihood_grid(x, mu1, mu2, weights, variances)
    assert surface.shape == (5, 7)
    for j, b in enumerate(mu2):
        for i, a in enumerate(mu1):
            expected = log_likelihood(x[:, None], weights, [[a], [b]], variances, "spherical")
            assert surface[j, i] == pytest.approx(expected, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), variance=st.floats(0.05, 20.0))
def test_grid_is_symmetric_for_equal_weights_and_variances(seed, variance):
    rng = np.random.RandomState(seed)
    x = rng.normal(scale=3.0, size=25)
    values = np.linspace(-6, 6, 13)
    surface = two_means_log_likelihood_grid(x, values, values, (0.5, 0.5), (variance, variance))
    np.testing.assert_allclose(surface, surface.T, rtol=1e-12, atol=1e-9)


def test_grid_swapping_weights_mirrors_the_surface():
    rng = np.random.RandomState(2)
    x = rng.normal(size=(30, 1))
    values = np.linspace(-2, 2, 9)
    a = two_means_log_likelihood_grid(x, values, values, (0.2, 0.8), (1.0, 2.0))
    b = two_means_log_likelihood_grid(x, values, values, (0.8, 0.2), (2.0, 1.0))
    np.testing.assert_allclose(a, b.T, rtol=1e-12)


def test_grid_stays_finite_far_from_the_data():
    surface = two_means_log_likelihood_grid(np.array([0.0, 1.0]), [1e3], [-1e3],
                                            variances=(1e-4, 1e-4))
    assert np.isfinite(surface).all() and surface[0, 0] < -1e9


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(x=np.zeros((4, 2))), "one-dimensional"),
        (dict(variances=(1.0, 0.0)), "strictly positive"),
        (dict(variances=(1.0, 1.0, 1.0)), "exactly two"),
        (dict(weights=(0.5, 0.6)), "sum to one"),
        (dict(x=[0.0, np.inf]), "infinite"),
        (dict(mu1_values=[[0.0]]), "1-D"),
    ],
)
def test_grid_validation(kwargs, message):
    arguments = dict(x=np.zeros(4), mu1_values=[0.0, 1.0], mu2_values=[0.0])
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        two_means_log_likelihood_grid(**arguments)
