"""Tests of gmm_lib._fast: the fused, chunked EM behind GaussianMixture.fit.

The fast path must give the same fit as scikit-learn (1e-8) and as the
readable teaching path ``gmm_lib.mixture.run_em`` (1e-10), whatever the
chunk size, on well-behaved and on awkward data (far from the origin,
near-singular, Old Faithful).

Errors are measured normwise, ``max|a - b| / max|b|`` per array, and also on
the precision Cholesky factors, whose large entries are the *small*
variances: so a wrong small eigenvalue cannot hide behind a large one.
"""

import os
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.mixture import GaussianMixture as SklearnGaussianMixture

from gmm_lib import _covariance, _fast
from gmm_lib._validation import COLLAPSE_ADVICE

try:
    from gmm_lib import mixture
except ImportError:  # pragma: no cover - only while mixture.py is missing
    mixture = None

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
FAITHFUL_PATH = os.path.join(
    os.path.dirname(__file__), os.pardir, "gmm_lib", "data", "old_faithful.csv"
)
needs_teaching_path = pytest.mark.skipif(
    mixture is None or not hasattr(mixture, "run_em"),
    reason="gmm_lib.mixture.run_em (the teaching path) is not available",
)


###############################################################################
# Data sets: (X, labels) with well-conditioned EM trajectories, so that
# rounding differences are not amplified by the dynamics themselves.


def blobs(seed=0, offset=0.0, n_samples=400, n_features=3, n_components=3):
    """Gaussian blobs with per-feature spreads; ``offset`` moves them away from 0."""
    rng = np.random.RandomState(seed)
    centers = rng.uniform(-8.0, 8.0, size=(n_components, n_features))
    spreads = rng.uniform(0.5, 1.5, size=(n_components, n_features))
    labels = np.arange(n_samples) % n_components
    X = centers[labels] + rng.standard_normal((n_samples, n_features)) * spreads[labels]
    return X + offset, labels


def near_singular(seed=0, n_samples=400, noise=2e-2):
    """Two clusters, each spread along a line in 3-D (condition number ~1e5)."""
    rng = np.random.RandomState(seed)
    labels = np.arange(n_samples) % 2
    directions = np.array([[1.0, 2.0, 0.5], [0.0, 1.0, -1.0]])
    centers = np.array([[0.0, 0.0, 0.0], [25.0, -5.0, 10.0]])
    along = 3.0 * rng.standard_normal(n_samples)
    X = centers[labels] + along[:, None] * directions[labels]
    return X + noise * rng.standard_normal((n_samples, 3)), labels


def far_and_tight(seed=0, n_samples=400, spreads=((1e-3, 1.0), (2e-3, 0.5))):
    """Clusters far apart compared with a tiny spread in one feature (or all).

    Expanding ``(x - m)^2`` around the data mean would lose ~8 digits here:
    the accuracy guards must switch to the centred kernels.
    """
    rng = np.random.RandomState(seed)
    labels = np.arange(n_samples) % 2
    centers = np.array([[0.0, 0.0], [40.0, 5.0]])
    spreads = np.asarray(spreads)
    return centers[labels] + rng.standard_normal((n_samples, 2)) * spreads[labels], labels


def far_and_tight_everywhere():
    """As :func:`far_and_tight`, tight in every feature (for 'spherical')."""
    return far_and_tight(spreads=((1e-3, 1e-3), (2e-3, 2e-3)))


def overlapping_far_from_the_mean(seed=0, n_samples=600):
    """Two overlapping tight clusters (soft responsibilities) far from a third."""
    rng = np.random.RandomState(seed)
    labels = np.arange(n_samples) % 3
    centers = np.array([[0.0, 0.0], [2e-3, 0.5], [40.0, 5.0]])
    noise = rng.standard_normal((n_samples, 2)) * np.array([1e-3, 1.0])
    return centers[labels] + noise, labels


def old_faithful():
    X = np.loadtxt(FAITHFUL_PATH, delimiter=",", skiprows=1)
    return X, (X[:, 0] > 3.0).astype(int)


DATASETS = {
    "blobs": blobs,
    "offset_1000": lambda: blobs(seed=1, offset=1000.0),
    "near_singular": near_singular,
    "old_faithful": old_faithful,
    "far_and_tight": far_and_tight,
}

# scikit-learn computes the tied, diag and spherical covariances as
# E[x x^T] - mu mu^T around the origin, which loses digits when the means
# are far from 0 compared with the spread (its own rounding, ~1e-7 here).
# Those cells are compared against its cancellation bound instead, below.
SKLEARN_CANCELS = {("far_and_tight", "tied"), ("far_and_tight", "diag")}


def initial_parameters(X, labels, covariance_type):
    """One point of each cluster as mean, uniform weights, the data covariance."""
    n_components = labels.max() + 1
    means = X[[np.flatnonzero(labels == k)[0] for k in range(n_components)]].copy()
    weights = np.full(n_components, 1.0 / n_components)
    covariance = np.atleast_2d(np.cov(X, rowvar=False))
    variances = np.diag(covariance)
    covariances = {
        "full": np.repeat(covariance[np.newaxis], n_components, axis=0),
        "tied": covariance,
        "diag": np.repeat(variances[np.newaxis], n_components, axis=0),
        "spherical": np.full(n_components, variances.mean()),
    }[covariance_type]
    return weights, means, covariances


def precisions_cholesky_of(covariances, covariance_type):
    return _covariance.precisions_cholesky_from_covariances(covariances, covariance_type)


def relative_error(actual, expected):
    """Normwise relative error ``max|a - b| / max|b|`` (0 for two empty arrays)."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape
    scale = max(np.max(np.abs(expected), initial=0.0), np.finfo(float).tiny)
    return float(np.max(np.abs(actual - expected), initial=0.0) / scale)


def assert_same_fit(result, reference, tol):
    """Same parameters, lower bounds, iteration count and convergence flag."""
    for key in ("weights", "means", "covariances", "precisions_cholesky", "lower_bounds"):
        error = relative_error(result[key], reference[key])
        assert error <= tol, f"{key}: relative error {error:.2e} > {tol:.0e}"
    assert result["n_iter"] == reference["n_iter"]
    assert result["converged"] == reference["converged"]


def fit_fast(X, labels, covariance_type, tol=1e-6, max_iter=300, **kwargs):
    weights, means, covariances = initial_parameters(X, labels, covariance_type)
    return _fast.fit_em(
        X, weights, means, precisions_cholesky_of(covariances, covariance_type),
        covariance_type, 1e-6, tol, max_iter, **kwargs,
    )


def fit_sklearn(X, labels, covariance_type, tol=1e-6, max_iter=300):
    weights, means, covariances = initial_parameters(X, labels, covariance_type)
    precisions = _covariance.precisions_from_cholesky(
        precisions_cholesky_of(covariances, covariance_type), covariance_type
    )
    model = SklearnGaussianMixture(
        n_components=len(weights), covariance_type=covariance_type, tol=tol,
        reg_covar=1e-6, max_iter=max_iter, weights_init=weights, means_init=means,
        precisions_init=precisions,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X)
    return {
        "weights": model.weights_, "means": model.means_,
        "covariances": model.covariances_, "precisions_cholesky": model.precisions_cholesky_,
        "lower_bounds": model.lower_bounds_, "n_iter": model.n_iter_,
        "converged": model.converged_,
    }


def fit_teaching(X, labels, covariance_type, tol=1e-6, max_iter=300, **kwargs):
    weights, means, covariances = initial_parameters(X, labels, covariance_type)
    return mixture.run_em(
        X, weights, means, covariances, covariance_type, reg_covar=1e-6, tol=tol,
        max_iter=max_iter, **kwargs,
    )


###############################################################################
# Agreement with scikit-learn and with the teaching path


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_fit_em_matches_sklearn(dataset, covariance_type):
    X, labels = DATASETS[dataset]()
    result = fit_fast(X, labels, covariance_type)
    assert result["converged"]
    reference = fit_sklearn(X, labels, covariance_type)
    tol = 1e-8
    if (dataset, covariance_type) in SKLEARN_CANCELS:
        # eps * (largest squared coordinate) / (smallest variance), with room
        # for its growth over the iterations.
        smallest_variance = np.min(np.linalg.eigvalsh(np.atleast_2d(
            np.cov(X[labels == 0], rowvar=False)))) + 1e-6
        tol = 100 * np.finfo(float).eps * np.max(X**2) / smallest_variance
        assert tol > 1e-8
    assert_same_fit(result, reference, tol=tol)


@needs_teaching_path
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_fit_em_matches_teaching_path(dataset, covariance_type):
    X, labels = DATASETS[dataset]()
    result = fit_fast(X, labels, covariance_type)
    assert_same_fit(result, fit_teaching(X, labels, covariance_type), tol=1e-10)


@needs_teaching_path
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_history_matches_teaching_path(covariance_type):
    X, labels = old_faithful()
    result = fit_fast(X, labels, covariance_type, record_history=True)
    reference = fit_teaching(X, labels, covariance_type, record_history=True)
    history = result["history"]
    assert len(history) == result["n_iter"] + 1 == len(reference["history"])
    for ours, theirs in zip(history, reference["history"]):
        for key in ("weights", "means", "covariances"):
            assert relative_error(ours[key], theirs[key]) <= 1e-10
        assert ours["log_likelihood"] == pytest.approx(theirs["log_likelihood"], rel=1e-10)
    totals = np.array([entry["log_likelihood"] for entry in history])
    # EM never decreases the likelihood, and theta_t's total is iteration t+1's lower bound.
    assert np.all(np.diff(totals) >= -1e-9 * np.abs(totals[1:]))
    np.testing.assert_allclose(totals[:-1] / len(X), result["lower_bounds"], rtol=1e-12)
    np.testing.assert_array_equal(history[-1]["means"], result["means"])


@needs_teaching_path
def test_extremely_ill_conditioned_data_agrees_up_to_its_condition_number():
    # Condition number ~1e8: log det Sigma moves by ~cond * eps ~ 1e-8 when
    # Sigma changes by one rounding, so no two correct programs agree on the
    # lower bound to 1e-10 (the teaching path does not agree with itself on
    # permuted rows).  The covariances themselves still agree to 1e-10.
    X, labels = near_singular(noise=1e-3)
    result = fit_fast(X, labels, "full")
    reference = fit_teaching(X, labels, "full")
    for key in ("weights", "means", "covariances"):
        assert relative_error(result[key], reference[key]) <= 1e-10
    condition = max(np.linalg.cond(matrix) for matrix in reference["covariances"])
    assert condition > 1e7
    tolerance = condition * np.finfo(float).eps
    assert relative_error(result["lower_bounds"], reference["lower_bounds"]) <= tolerance
    assert relative_error(result["precisions_cholesky"], reference["precisions_cholesky"]) <= (
        tolerance
    )
    assert result["n_iter"] == reference["n_iter"]


###############################################################################
# The accuracy guards


@needs_teaching_path
@pytest.mark.parametrize("covariance_type", ["diag", "spherical"])
def test_expansion_guard_keeps_far_tight_components_accurate(covariance_type, monkeypatch):
    X, labels = far_and_tight() if covariance_type == "diag" else far_and_tight_everywhere()
    weights, means, covariances = initial_parameters(X, labels, covariance_type)
    reference = fit_teaching(X, labels, covariance_type)
    # At the solution the expansion around the data mean amplifies errors a lot...
    factors = _fast._expansion_factors(
        reference["means"], reference["precisions_cholesky"], covariance_type, X.mean(axis=0)
    )
    assert factors.max() > _fast._EXPANSION_LIMIT
    # ...so the guarded fast path uses the centred kernels and stays exact,
    assert_same_fit(fit_fast(X, labels, covariance_type), reference, tol=1e-10)
    # while the unguarded expansion measurably drifts (this is what the guard prevents).
    monkeypatch.setattr(_fast, "_EXPANSION_LIMIT", np.inf)
    unguarded = fit_fast(X, labels, covariance_type)
    drift = relative_error(unguarded["precisions_cholesky"], reference["precisions_cholesky"])
    assert drift > 1e-9


@pytest.mark.parametrize("covariance_type", ["diag", "spherical"])
def test_centred_components_give_the_same_statistics(covariance_type):
    # On ordinary data the expanded and the centred computations agree, for
    # any choice of which components are centred.
    X, labels = blobs(seed=2, offset=30.0, n_samples=500, n_features=4, n_components=4)
    start = fit_fast(X, labels, covariance_type, tol=0.0, max_iter=3)
    parameters = (start["weights"], start["means"], start["precisions_cholesky"])
    center = X.mean(axis=0)
    reference = _fast._fused_pass(X, *parameters, covariance_type, center, None, 64)
    masks = [np.ones(4, dtype=bool)] + [np.random.RandomState(seed).rand(4) < 0.5
                                         for seed in range(4)]
    for centred in masks:
        total, statistics = _fast._fused_pass(X, *parameters, covariance_type, center,
                                              centred, 64)
        assert total == pytest.approx(reference[0], rel=1e-13)
        for ours, theirs in zip(statistics[:3], reference[1][:3]):
            assert relative_error(ours, theirs) <= 1e-12


@needs_teaching_path
@pytest.mark.parametrize("covariance_type", ["diag", "spherical"])
def test_only_the_offending_component_is_centred(covariance_type, monkeypatch):
    # Two ordinary clusters and one tiny cluster far from the data mean.
    rng = np.random.RandomState(7)
    labels = np.arange(450) % 3
    centers = np.array([[0.0, 0.0], [6.0, 1.0], [60.0, -20.0]])
    spreads = np.array([[1.0, 1.0], [0.7, 1.3], [1e-3, 2e-3]])
    X = centers[labels] + rng.standard_normal((450, 2)) * spreads[labels]
    recorded = []
    em_step = _fast._em_step

    def spy(*args, **kwargs):
        result = em_step(*args, **kwargs)
        recorded.append(args[-1]["centred"].copy())
        return result

    monkeypatch.setattr(_fast, "_em_step", spy)
    result = fit_fast(X, labels, covariance_type)
    np.testing.assert_array_equal(recorded[-1], [False, False, True])
    assert_same_fit(result, fit_teaching(X, labels, covariance_type), tol=1e-10)


@needs_teaching_path
def test_tied_guard_whitens_far_components_directly(monkeypatch):
    X, labels = overlapping_far_from_the_mean()
    reference = fit_teaching(X, labels, "tied", tol=0.0, max_iter=30)
    model = _fast._prepare_model(
        reference["weights"], reference["means"], reference["precisions_cholesky"], "tied",
        X.mean(axis=0),
    )
    assert model["far"].size == 3 and model["near"].size == 0
    guarded = fit_fast(X, labels, "tied", tol=0.0, max_iter=30)
    assert_same_fit(guarded, reference, tol=1e-12)
    # Whitening the data shifted by its mean for every component instead costs
    # eps * (distance in standard deviations) ~ 1e-12 in the log-densities,
    # which the soft responsibilities of the two overlapping clusters pass on.
    monkeypatch.setattr(_fast, "_TIED_SHIFT_LIMIT", np.inf)
    unguarded = fit_fast(X, labels, "tied", tol=0.0, max_iter=30)
    for key in ("weights", "precisions_cholesky"):
        assert relative_error(unguarded[key], reference[key]) > 5 * relative_error(
            guarded[key], reference[key]
        )


###############################################################################
# Chunking


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("dataset", ["blobs", "offset_1000", "old_faithful"])
def test_result_does_not_depend_on_chunk_size(dataset, covariance_type):
    X, labels = DATASETS[dataset]()
    reference = fit_fast(X, labels, covariance_type, chunk_size=len(X))
    for chunk_size in (1, 7, None):
        result = fit_fast(X, labels, covariance_type, chunk_size=chunk_size)
        assert_same_fit(result, reference, tol=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
    n_features=st.integers(1, 6),
    n_components=st.integers(1, 4),
    chunk_size=st.integers(1, 150),
)
def test_chunk_size_property(seed, covariance_type, n_features, n_components, chunk_size):
    X, labels = blobs(seed, n_samples=120, n_features=n_features, n_components=n_components)
    reference = fit_fast(X, labels, covariance_type, tol=0.0, max_iter=4)
    result = fit_fast(X, labels, covariance_type, tol=0.0, max_iter=4, chunk_size=chunk_size)
    assert_same_fit(result, reference, tol=1e-12)


@needs_teaching_path
@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
    n_features=st.integers(1, 8),
    n_components=st.integers(1, 5),
    offset=st.sampled_from([0.0, -50.0, 300.0]),
)
def test_teaching_path_property(seed, covariance_type, n_features, n_components, offset):
    X, labels = blobs(seed, offset, n_samples=150, n_features=n_features,
                      n_components=n_components)
    result = fit_fast(X, labels, covariance_type, tol=0.0, max_iter=5)
    assert_same_fit(result, fit_teaching(X, labels, covariance_type, tol=0.0, max_iter=5),
                    tol=1e-10)


def test_default_chunk_size_is_bounded():
    for covariance_type in COVARIANCE_TYPES:
        for n_features in (1, 2, 10, 50, 500):
            for n_components in (1, 3, 10, 100):
                for n_centred in {0, 1, n_components}:
                    size = _fast.default_chunk_size(
                        covariance_type, n_features, n_components, n_centred
                    )
                    assert _fast._MIN_CHUNK <= size <= _fast._MAX_CHUNK


###############################################################################
# Loop semantics, edge cases, collapse


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_stopping_rule_and_max_iter(covariance_type):
    X, labels = blobs()
    capped = fit_fast(X, labels, covariance_type, tol=0.0, max_iter=3)
    assert capped["n_iter"] == 3 and not capped["converged"]
    assert len(capped["lower_bounds"]) == 3
    # scikit-learn's rule: L_0 = -inf, so the first change is infinite and even
    # tol=inf stops only after iteration 2.
    loose = fit_fast(X, labels, covariance_type, tol=np.inf, max_iter=50)
    assert loose["n_iter"] == 2 and loose["converged"]
    # ... and iteration 1's lower bound is the mean log-likelihood of the initial parameters.
    weights, means, covariances = initial_parameters(X, labels, covariance_type)
    initial = _fast.score_samples_chunked(
        X, weights, means, precisions_cholesky_of(covariances, covariance_type),
        covariance_type,
    )
    assert loose["lower_bounds"][0] == pytest.approx(initial.mean(), rel=1e-13)


def test_max_iter_zero_returns_the_initial_parameters():
    X, labels = blobs()
    weights, means, covariances = initial_parameters(X, labels, "full")
    result = _fast.fit_em(
        X, weights, means, precisions_cholesky_of(covariances, "full"), "full", 1e-6, 1e-3, 0,
        record_history=True,
    )
    np.testing.assert_array_equal(result["means"], means)
    np.testing.assert_allclose(result["covariances"], covariances, rtol=1e-12)
    assert result["n_iter"] == 0 and result["lower_bounds"] == [] and not result["converged"]
    assert len(result["history"]) == 1


@needs_teaching_path
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_one_component_and_one_feature(covariance_type):
    X = np.random.RandomState(3).standard_normal((50, 1)) * 2.0 + 5.0
    labels = np.zeros(50, dtype=int)
    result = fit_fast(X, labels, covariance_type)
    assert_same_fit(result, fit_teaching(X, labels, covariance_type), tol=1e-10)
    # One component: the M-step gives the sample mean and variance after one step.
    np.testing.assert_allclose(result["means"][0], X.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(
        np.ravel(result["covariances"])[0], X.var() + 1e-6, rtol=1e-10
    )


@needs_teaching_path
def test_zero_initial_weight_is_silent_and_matches_teaching_path():
    X, labels = blobs()
    weights, means, covariances = initial_parameters(X, labels, "diag")
    weights = np.array([0.0, 0.5, 0.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no divide-by-zero from log(0)
        result = _fast.fit_em(
            X, weights, means, precisions_cholesky_of(covariances, "diag"), "diag", 1e-6, 0.0, 2
        )
    reference = mixture.run_em(X, weights, means, covariances, "diag", 1e-6, 0.0, 2)
    for key in ("weights", "covariances", "lower_bounds"):
        assert relative_error(result[key], reference[key]) <= 1e-10
    assert np.all(np.isfinite(result["means"]))


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_collapsed_component_raises_the_advice(covariance_type):
    # Two stacks of identical points and no regularisation: a variance becomes 0.
    X = np.repeat(np.array([[0.0, 0.0], [5.0, 5.0]]), 20, axis=0)
    X[:, 1] = np.where(X[:, 0] > 0, 5.0, 0.0)
    labels = (X[:, 0] > 0).astype(int)
    weights, means, _ = initial_parameters(X, labels, covariance_type)
    covariances = {
        "full": np.repeat(np.eye(2)[None], 2, axis=0), "tied": np.eye(2),
        "diag": np.ones((2, 2)), "spherical": np.ones(2),
    }[covariance_type]
    with pytest.raises(ValueError, match="ill-defined empirical covariance") as info:
        _fast.fit_em(
            X, weights, means, precisions_cholesky_of(covariances, covariance_type),
            covariance_type, 0.0, 1e-3, 10,
        )
    assert str(info.value) == COLLAPSE_ADVICE


###############################################################################
# Memory-light helpers


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("dataset", ["blobs", "offset_1000", "old_faithful"])
def test_parameters_from_labels_equal_the_one_hot_m_step(dataset, covariance_type):
    X, _ = DATASETS[dataset]()
    labels = np.random.RandomState(0).randint(4, size=len(X))
    labels[labels == 3] = 2  # component 3 gets no sample
    weights, means, covariances = _fast.parameters_from_labels(
        X, labels, 4, covariance_type, 1e-6, chunk_size=37
    )
    one_hot = np.eye(4)[labels]
    n_k = one_hot.sum(axis=0) + 10 * np.finfo(float).eps
    np.testing.assert_allclose(weights, n_k / len(X), rtol=1e-14)  # scikit-learn's N_k / N
    expected_means = one_hot.T @ X / n_k[:, None]
    assert relative_error(means, expected_means) <= 1e-13
    if mixture is not None:
        _, teaching_means, teaching_covariances = mixture.m_step(
            X, one_hot, covariance_type, reg_covar=1e-6
        )
        assert relative_error(means, teaching_means) <= 1e-13
        assert relative_error(covariances, teaching_covariances) <= 1e-12
    # The empty component: mean 0 and covariance reg_covar (scikit-learn's convention).
    np.testing.assert_allclose(means[3], 0.0, atol=1e-12)
    if covariance_type == "full":
        np.testing.assert_allclose(covariances[3], 1e-6 * np.eye(X.shape[1]), atol=1e-18)
    elif covariance_type != "tied":
        np.testing.assert_allclose(covariances[3], 1e-6, atol=1e-18)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_random_responsibilities_equal_sklearn_random_init(covariance_type):
    X, _ = blobs(seed=4, offset=20.0, n_samples=500)
    ours = _fast.parameters_from_random_responsibilities(
        X, 3, covariance_type, 1e-6, np.random.RandomState(42), chunk_size=64
    )
    reference = SklearnGaussianMixture(
        n_components=3, covariance_type=covariance_type, init_params="random", max_iter=0,
        random_state=42,
    ).fit(X)
    for value, expected in zip(ours, (reference.weights_, reference.means_,
                                      reference.covariances_)):
        assert relative_error(value, expected) <= 1e-10
    # The generator is left where scikit-learn's single (N, K) draw leaves it.
    rng = np.random.RandomState(42)
    _fast.parameters_from_random_responsibilities(X, 3, covariance_type, 1e-6, rng)
    twin = np.random.RandomState(42)
    twin.uniform(size=(len(X), 3))
    assert rng.uniform() == twin.uniform()


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_score_and_predict_equal_sklearn(covariance_type):
    X, _ = old_faithful()
    model = SklearnGaussianMixture(3, covariance_type=covariance_type, random_state=0).fit(X)
    parameters = (model.weights_, model.means_, model.precisions_cholesky_, covariance_type)
    for chunk_size in (None, 1, 50):
        scores = _fast.score_samples_chunked(X, *parameters, chunk_size=chunk_size)
        np.testing.assert_allclose(scores, model.score_samples(X), rtol=1e-12, atol=1e-12)
        labels = _fast.predict_chunked(X, *parameters, chunk_size=chunk_size)
        np.testing.assert_array_equal(labels, model.predict(X))
        assert labels.dtype == np.int64 and scores.shape == (len(X),)


def test_score_samples_of_far_tight_components_uses_the_accurate_kernel():
    X, labels = far_and_tight()
    result = fit_fast(X, labels, "diag")
    scores = _fast.score_samples_chunked(
        X, result["weights"], result["means"], result["precisions_cholesky"], "diag"
    )
    log_densities = _covariance.estimate_log_gaussian_prob(
        X, result["means"], result["precisions_cholesky"], "diag"
    ) + np.log(result["weights"])
    largest = log_densities.max(axis=1)
    expected = largest + np.log(np.exp(log_densities - largest[:, None]).sum(axis=1))
    np.testing.assert_allclose(scores, expected, rtol=1e-12, atol=1e-10)
