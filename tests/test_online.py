"""Tests for gmm_lib.online: online (mini-batch) EM and mini-batch k-means."""

import types

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_lib.datasets import load_old_faithful, make_blobs
from gmm_lib.gaussian import standardize
from gmm_lib.kmeans import KMeans, assign_clusters, kmeans_plusplus, one_hot, update_centers
from gmm_lib.labels import align_components
from gmm_lib.mixture import e_step, m_step, run_em
from gmm_lib.online import (
    SufficientStatistics,
    iterate_chunks,
    minibatch_kmeans,
    mixture_stream,
    online_em,
    parameters_from_statistics,
    power_step_sizes,
    statistics_from_parameters,
    sufficient_statistics,
)

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]


def old_faithful():
    Z, _, _ = standardize(load_old_faithful())
    return Z


def kmeans_start(X, n_components, covariance_type="full", seed=0):
    centers, _ = kmeans_plusplus(X, n_components, random_state=seed)
    return m_step(X, one_hot(assign_clusters(X, centers), n_components), covariance_type)


# ---------------------------------------------------------------------------
# Sufficient statistics


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), covariance_type=st.sampled_from(COVARIANCE_TYPES),
       shifted=st.booleans())
def test_the_m_step_through_the_statistics_is_the_m_step(seed, covariance_type, shifted):
    X = old_faithful() * 3.0 + 50.0  # far from the origin: the shift matters
    rng = np.random.RandomState(seed)
    responsibilities = rng.dirichlet(np.ones(3), size=X.shape[0])
    shift = X.mean(axis=0) if shifted else None
    statistics = sufficient_statistics(X, responsibilities, covariance_type, shift=shift)
    got = parameters_from_statistics(statistics, covariance_type)
    expected = m_step(X, responsibilities, covariance_type)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-7, atol=1e-9)


def test_statistics_are_averages_so_equal_chunks_combine_by_averaging():
    X = old_faithful()
    responsibilities, _ = e_step(X, *kmeans_start(X, 2))
    whole = sufficient_statistics(X, responsibilities, shift=X.mean(axis=0))
    halves = [sufficient_statistics(X[rows], responsibilities[rows], shift=X.mean(axis=0))
              for rows in (slice(0, 136), slice(136, 272))]
    for i in range(3):
        np.testing.assert_allclose((halves[0][i] + halves[1][i]) / 2, whole[i], rtol=1e-12)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_statistics_of_parameters_give_back_the_parameters(covariance_type):
    X = old_faithful()
    weights, means, covariances = kmeans_start(X, 3, covariance_type)
    statistics = statistics_from_parameters(weights, means, covariances, covariance_type,
                                            shift=[0.3, -0.2])
    got = parameters_from_statistics(statistics, covariance_type, reg_covar=0.0)
    np.testing.assert_allclose(got[0], weights, rtol=1e-12)
    np.testing.assert_allclose(got[1], means, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got[2], covariances, rtol=1e-10, atol=1e-12)


def test_parameters_from_statistics_rejects_wrong_shapes():
    statistics = SufficientStatistics(np.array([0.5, 0.5]), np.zeros((2, 2)), np.zeros((2, 2)),
                                      np.zeros(2))
    with pytest.raises(ValueError, match="squares"):
        parameters_from_statistics(statistics, "full")
    with pytest.raises(ValueError, match="SufficientStatistics"):
        parameters_from_statistics((1, 2, 3, 4), "full")


# ---------------------------------------------------------------------------
# Step sizes and chunk sources


def test_power_step_sizes_start_at_one_and_decrease():
    rho = power_step_sizes(0.6)
    values = np.array([rho(t) for t in range(1, 50)])
    assert values[0] == 1.0
    assert np.all(np.diff(values) < 0)
    assert power_step_sizes(1.0)(10) == pytest.approx(0.1)
    assert power_step_sizes(1.0, offset=9.0)(10) == pytest.approx(10 / 19)
    with pytest.raises(ValueError, match="kappa"):
        power_step_sizes(1.5)


def test_iterate_chunks_covers_every_row_once_per_epoch():
    X = np.arange(20.0).reshape(10, 2)
    chunks = list(iterate_chunks(X, 4, n_epochs=2, shuffle=True, random_state=0))
    assert [c.shape[0] for c in chunks] == [4, 4, 2, 4, 4, 2]
    first, second = np.vstack(chunks[:3]), np.vstack(chunks[3:])
    for epoch in (first, second):
        np.testing.assert_array_equal(np.sort(epoch[:, 0]), X[:, 0])
    assert not np.array_equal(first, second)
    with pytest.raises(ValueError, match="chunk_size"):
        iterate_chunks(X, 0)


def test_mixture_stream_is_a_reproducible_generator():
    parameters = ([0.5, 0.5], [[0.0, 0.0], [4.0, 0.0]], [np.eye(2), np.eye(2)])
    stream = mixture_stream(1050, 200, *parameters, random_state=0)
    assert isinstance(stream, types.GeneratorType)
    chunks = list(stream)
    assert [c.shape for c in chunks] == [(200, 2)] * 5 + [(50, 2)]
    again = np.vstack(list(mixture_stream(1050, 200, *parameters, random_state=0)))
    np.testing.assert_array_equal(np.vstack(chunks), again)
    with pytest.raises(ValueError, match="sum to one"):
        mixture_stream(10, 5, [0.5, 0.6], *parameters[1:])


# ---------------------------------------------------------------------------
# Online EM


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_one_full_chunk_with_step_one_is_batch_em(covariance_type):
    X = old_faithful()
    start = kmeans_start(X, 3, covariance_type, seed=2)
    n_steps = 6
    online = online_em([X] * n_steps, *start, covariance_type=covariance_type, step_size=1.0)
    batch = run_em(X, *start, covariance_type=covariance_type, tol=0.0, max_iter=n_steps)
    for key in ("weights", "means", "covariances"):
        np.testing.assert_allclose(online[key], batch[key], rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(online["lower_bounds"], batch["lower_bounds"], rtol=1e-12)
    assert online["n_iter"] == n_steps
    assert online["n_samples_seen"] == n_steps * X.shape[0]


def test_online_em_with_decreasing_steps_approaches_the_batch_optimum():
    X = old_faithful()
    start = kmeans_start(X, 2, seed=0)
    batch = run_em(X, *start, tol=1e-10, max_iter=500)
    chunks = iterate_chunks(X, 16, n_epochs=20, shuffle=True, random_state=0)
    online = online_em(chunks, *start, step_size=power_step_sizes(1.0))
    order = align_components(batch["means"], online["means"])
    np.testing.assert_allclose(online["means"][order], batch["means"], atol=0.02)
    np.testing.assert_allclose(online["weights"][order], batch["weights"], atol=0.01)
    np.testing.assert_allclose(online["covariances"][order], batch["covariances"], atol=0.02)


def test_online_em_reads_a_generator_once_and_learns_the_truth():
    truth = ([0.6, 0.4], [[0.0, 0.0], [3.0, 1.0]],
             [[[1.0, 0.3], [0.3, 0.5]], [[0.5, 0.0], [0.0, 0.8]]])
    first = next(mixture_stream(500, 500, *truth, random_state=99))
    start = kmeans_start(first, 2, seed=0)
    # What counts is the number of steps (400 here), not the number of points.
    result = online_em(mixture_stream(40000, 100, *truth, random_state=1), *start)
    order = align_components(np.array(truth[1]), result["means"])
    np.testing.assert_allclose(result["means"][order], truth[1], atol=0.05)
    np.testing.assert_allclose(result["weights"][order], truth[0], atol=0.02)
    np.testing.assert_allclose(result["covariances"][order], truth[2], atol=0.06)
    assert result["n_iter"] == 400 and result["n_samples_seen"] == 40000
    assert result["step_sizes"][0] == 1.0


def test_online_em_history_and_step_size_validation():
    X = old_faithful()
    start = kmeans_start(X, 2)
    result = online_em(iterate_chunks(X, 100), *start, record_history=True, step_size=0.5)
    assert len(result["history"]) == result["n_iter"] + 1 == 4
    assert result["step_sizes"] == [0.5, 0.5, 0.5]
    with pytest.raises(ValueError, match="step_size"):
        online_em([X], *start, step_size=1.5)
    with pytest.raises(ValueError, match=r"step_size\(1\)"):
        online_em([X], *start, step_size=lambda t: 2.0)
    with pytest.raises(ValueError, match="empty"):
        online_em([], *start)
    with pytest.raises(ValueError, match="feature"):
        online_em([X[:, :1]], *start)
    with pytest.raises(ValueError, match="iterable"):
        online_em(3, *start)


# ---------------------------------------------------------------------------
# Mini-batch k-means


def test_one_batch_from_zero_counts_is_one_lloyd_iteration():
    X = make_blobs().X
    centers, _ = kmeans_plusplus(X, 3, random_state=0)
    result = minibatch_kmeans([X], centers)
    labels = assign_clusters(X, centers)
    np.testing.assert_allclose(result.centers, update_centers(X, labels, 3), rtol=1e-12)
    np.testing.assert_array_equal(result.counts, np.bincount(labels, minlength=3))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), chunk_size=st.integers(5, 80))
def test_every_centre_is_the_mean_of_all_points_ever_assigned_to_it(seed, chunk_size):
    X = make_blobs(n_samples=200, random_state=seed % 50).X
    initial, _ = kmeans_plusplus(X, 3, random_state=seed)
    result = minibatch_kmeans(iterate_chunks(X, chunk_size), initial)
    # Replay the assignments chunk by chunk with the centres of their time.
    centers, members = initial.copy(), [[] for _ in range(3)]
    for chunk in iterate_chunks(X, chunk_size):
        labels = assign_clusters(chunk, centers)
        for k in range(3):
            members[k].extend(chunk[labels == k])
            if members[k]:
                centers[k] = np.mean(members[k], axis=0)
    np.testing.assert_allclose(result.centers, centers, rtol=1e-10, atol=1e-12)
    assert result.counts.sum() == X.shape[0]


def test_minibatch_kmeans_on_a_stream_lands_near_kmeans():
    truth = make_blobs()
    parameters = (truth.weights, truth.means, truth.covariances)
    first = next(mixture_stream(300, 300, *parameters, random_state=5))
    initial, _ = kmeans_plusplus(first, 3, random_state=0)
    result = minibatch_kmeans(mixture_stream(30000, 500, *parameters, random_state=6), initial)
    reference = KMeans(n_clusters=3, random_state=0, n_init=1).fit(first)
    order = align_components(reference.cluster_centers_, result.centers)
    np.testing.assert_allclose(result.centers[order], reference.cluster_centers_, atol=0.2)
    assert result.n_iter == 60 and result.n_samples_seen == 30000
    assert result.distortion_history.shape == (60,)
    # later chunks are fitted at least as well as the first (noisy, so compare means)
    assert result.distortion_history[-20:].mean() <= result.distortion_history[0]


def test_minibatch_kmeans_validates_its_arguments():
    X = make_blobs().X
    with pytest.raises(ValueError, match="initial_counts"):
        minibatch_kmeans([X], X[:3], initial_counts=[1.0, -1.0, 0.0])
    with pytest.raises(ValueError, match="empty"):
        minibatch_kmeans(iter([]), X[:3])
    with pytest.raises(ValueError, match="feature"):
        minibatch_kmeans([X[:, :1]], X[:3])
