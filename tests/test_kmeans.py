"""Tests of gmm_lib.kmeans: teaching steps, the fast path, and agreement with scikit-learn."""

import tracemalloc
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import gmm_lib.kmeans as kmeans_module
from gmm_lib.kmeans import (
    ConvergenceWarning,
    KMeans,
    NotFittedError,
    assign_clusters,
    distortion,
    kmeans_plusplus,
    lloyd,
    one_hot,
    relocate_empty_clusters,
    squared_distances,
    update_centers,
)

sklearn_cluster = pytest.importorskip("sklearn.cluster")
threadpoolctl = pytest.importorskip("threadpoolctl")
sklearn_kmeans_plusplus = sklearn_cluster.kmeans_plusplus


class SklearnKMeans(sklearn_cluster.KMeans):
    """scikit-learn's KMeans on one thread: with several OpenMP threads it sums
    the clusters in another order, and results agree only up to rounding."""

    def fit(self, X, y=None, sample_weight=None):
        with threadpoolctl.threadpool_limits(1):
            return super().fit(X, y, sample_weight)

PROPERTY_SETTINGS = settings(max_examples=40, deadline=None)


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def blobs(n_samples, n_features, n_clusters, spread=1.0, separation=8.0, seed=0):
    rng = np.random.RandomState(seed)
    centers = separation * rng.randn(n_clusters, n_features)
    labels = rng.randint(n_clusters, size=n_samples)
    return centers[labels] + spread * rng.randn(n_samples, n_features)


def random_init(X, n_clusters, seed=0):
    rng = np.random.RandomState(seed)
    return X[rng.choice(X.shape[0], n_clusters, replace=False)].copy()


def empty_cluster_case():
    """Two blobs and an initial centre so far away that its cluster is empty."""
    rng = np.random.RandomState(3)
    X = np.r_[rng.randn(150, 2), rng.randn(150, 2) + [10.0, 10.0]]
    init = np.array([[0.0, 0.0], [10.0, 10.0], [100.0, 100.0], [-50.0, 3.0]])
    return X, init


def sklearn_datasets():
    rng = np.random.RandomState(7)
    X_1d = rng.randn(400, 1)
    X_blobs = blobs(600, 2, 4, seed=1)
    X_wide = blobs(500, 7, 6, spread=2.0, separation=3.0, seed=2)
    X_uniform = rng.uniform(-1, 1, size=(800, 3))
    X_far = blobs(300, 3, 3, seed=4) + 1e4  # far from the origin
    X_empty, init_empty = empty_cluster_case()
    return [
        ("1-D", X_1d, random_init(X_1d, 3)),
        ("blobs", X_blobs, random_init(X_blobs, 4)),
        ("overlapping 7-D", X_wide, random_init(X_wide, 6)),
        ("uniform", X_uniform, random_init(X_uniform, 8)),
        ("far from origin", X_far, random_init(X_far, 3)),
        ("empty cluster", X_empty, init_empty),
        ("K=1", X_blobs, X_blobs[:1].copy()),
    ]


DATASETS = sklearn_datasets()


# ---------------------------------------------------------------------------
# Agreement with scikit-learn
# ---------------------------------------------------------------------------


def assert_same_fit(ours, theirs):
    assert np.array_equal(ours.labels_, theirs.labels_)
    assert ours.n_iter_ == theirs.n_iter_
    scale = max(1.0, np.abs(theirs.cluster_centers_).max())
    np.testing.assert_allclose(
        ours.cluster_centers_, theirs.cluster_centers_, rtol=0, atol=1e-8 * scale
    )
    np.testing.assert_allclose(ours.inertia_, theirs.inertia_, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("name, X, init", DATASETS, ids=[d[0] for d in DATASETS])
@pytest.mark.parametrize("params", [{}, {"tol": 0.0}, {"max_iter": 2}, {"tol": 0.5}])
def test_matches_sklearn_from_same_init(name, X, init, params):
    ours = KMeans(n_clusters=init.shape[0], init=init, n_init=1, **params).fit(X)
    theirs = SklearnKMeans(
        n_clusters=init.shape[0], init=init, n_init=1, algorithm="lloyd", **params
    ).fit(X)
    assert_same_fit(ours, theirs)


def test_empty_cluster_is_relocated_like_sklearn():
    X, init = empty_cluster_case()
    ours = KMeans(n_clusters=4, init=init).fit(X)
    theirs = SklearnKMeans(n_clusters=4, init=init, n_init=1, algorithm="lloyd").fit(X)
    assert_same_fit(ours, theirs)
    # every cluster ends up with samples: the empty ones were given far points
    assert np.all(np.bincount(ours.labels_, minlength=4) > 0)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize(
    "n_clusters, n_local_trials", [(1, None), (3, None), (7, None), (5, 1), (4, 6)]
)
def test_kmeans_plusplus_matches_sklearn(seed, n_clusters, n_local_trials):
    rng = np.random.RandomState(100 + seed)
    X = rng.randn(200, 3) * [1.0, 5.0, 0.1]
    ours_centers, ours_indices = kmeans_plusplus(
        X, n_clusters, random_state=seed, n_local_trials=n_local_trials
    )
    theirs_centers, theirs_indices = sklearn_kmeans_plusplus(
        X, n_clusters, random_state=seed, n_local_trials=n_local_trials
    )
    assert np.array_equal(ours_indices, theirs_indices)
    assert np.array_equal(ours_centers, theirs_centers)
    assert np.array_equal(X[ours_indices], ours_centers)


def test_kmeans_plusplus_with_duplicates_matches_sklearn():
    X = np.repeat(np.arange(6.0).reshape(3, 2), 5, axis=0)
    for seed in range(10):
        _, ours = kmeans_plusplus(X, 3, random_state=seed)
        _, theirs = sklearn_kmeans_plusplus(X, 3, random_state=seed)
        assert np.array_equal(ours, theirs)


@pytest.mark.parametrize("init", ["k-means++", "random"])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_seeded_fit_matches_sklearn(init, seed):
    X = blobs(500, 3, 5, spread=2.0, separation=4.0, seed=seed)
    ours = KMeans(n_clusters=5, init=init, random_state=seed).fit(X)
    theirs = SklearnKMeans(n_clusters=5, init=init, random_state=seed, algorithm="lloyd").fit(X)
    assert_same_fit(ours, theirs)


def test_n_init_keeps_the_lowest_inertia_like_sklearn():
    X = blobs(400, 2, 6, spread=1.5, separation=3.0, seed=5)
    ours = KMeans(n_clusters=6, init="random", n_init=7, random_state=11).fit(X)
    theirs = SklearnKMeans(
        n_clusters=6, init="random", n_init=7, random_state=11, algorithm="lloyd"
    ).fit(X)
    assert_same_fit(ours, theirs)
    # replay the 7 random initialisations: the kept run has the lowest inertia
    rng = np.random.RandomState(11)
    inertias = []
    for _ in range(7):
        uniform = np.full(X.shape[0], 1 / X.shape[0])
        seeds = rng.choice(X.shape[0], size=6, replace=False, p=uniform)
        run = lloyd(X, X[seeds])
        inertias.append(distortion(X, run.centers, run.labels))
    assert ours.inertia_ == pytest.approx(min(inertias), rel=1e-9)


def test_n_init_auto_means_one_for_kmeansplusplus_and_ten_for_random():
    X = blobs(300, 2, 4, seed=8)
    for init in ("k-means++", "random"):
        ours = KMeans(n_clusters=4, init=init, random_state=0).fit(X)  # n_init="auto"
        theirs = SklearnKMeans(n_clusters=4, init=init, random_state=0, algorithm="lloyd").fit(X)
        assert_same_fit(ours, theirs)


def test_predict_transform_score_match_sklearn():
    X = blobs(300, 3, 4, seed=9)
    X_new = blobs(50, 3, 4, seed=10)
    init = random_init(X, 4)
    ours = KMeans(4, init=init).fit(X)
    theirs = SklearnKMeans(4, init=init, n_init=1, algorithm="lloyd").fit(X)
    assert np.array_equal(ours.predict(X_new), theirs.predict(X_new))
    np.testing.assert_allclose(
        ours.transform(X_new), theirs.transform(X_new), rtol=1e-10, atol=1e-10
    )
    np.testing.assert_allclose(ours.score(X_new), theirs.score(X_new), rtol=1e-10)


# ---------------------------------------------------------------------------
# Teaching steps
# ---------------------------------------------------------------------------


def brute_force_squared_distances(X, centers):
    return ((X[:, np.newaxis, :] - centers[np.newaxis, :, :]) ** 2).sum(axis=2)


def test_squared_distances_matches_brute_force_and_is_non_negative():
    rng = np.random.RandomState(0)
    X = rng.randn(50, 4)
    centers = np.r_[X[:3], rng.randn(2, 4)]  # includes samples: distance 0
    distances = squared_distances(X, centers)
    assert distances.shape == (50, 5)
    assert np.all(distances >= 0)
    np.testing.assert_allclose(distances, brute_force_squared_distances(X, centers), atol=1e-12)
    assert distances[0, 0] == 0.0  # tiny negatives clipped


def test_assign_clusters_ties_go_to_the_lowest_index():
    X = np.array([[0.0], [1.0], [2.0], [5.0]])
    # centres 0 and 2 coincide; the sample 2.0 is equidistant from 1.0 and 3.0
    centers = np.array([[1.0], [3.0], [1.0], [-1.0]])
    labels = assign_clusters(X, centers)
    assert labels.tolist() == [0, 0, 0, 1]
    assert labels.dtype.kind == "i"


def test_update_centers_are_the_cluster_means():
    X = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0], [12.0, 14.0], [11.0, 12.0]])
    labels = np.array([0, 0, 1, 1, 1])
    centers = update_centers(X, labels, 2)
    np.testing.assert_allclose(centers, [[1.0, 0.0], [11.0, 12.0]])


def test_update_centers_relocates_an_empty_cluster_to_the_farthest_point():
    X = np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [30.0]])
    previous_centers = np.array([[1.0], [10.0], [100.0]])
    labels = assign_clusters(X, previous_centers)  # cluster 2 gets nothing
    assert 2 not in labels
    centers, members = update_centers(
        X, labels, 3, previous_centers=previous_centers, return_labels=True
    )
    # 30 is the sample farthest from its centre (10): it becomes cluster 2
    assert members.tolist() == [0, 0, 0, 1, 1, 2]
    np.testing.assert_allclose(centers, [[1.0], [10.5], [30.0]])
    # relocation lowers J below what the plain means of the assigned clusters give
    plain_means = np.array([[1.0], [17.0], [0.0]])
    assert distortion(X, centers, members) < distortion(X, plain_means, labels)


def test_update_centers_without_previous_centers_uses_cluster_means():
    X = np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [30.0]])
    labels = np.array([0, 0, 0, 1, 1, 1])  # cluster 2 empty
    centers, members = update_centers(X, labels, 3, return_labels=True)
    # the means are 1 and 17: 30 is farthest from its mean and moves
    assert members.tolist() == [0, 0, 0, 1, 1, 2]
    np.testing.assert_allclose(centers, [[1.0], [10.5], [30.0]])


def test_cluster_that_stays_empty_goes_to_the_mean_of_the_largest_cluster():
    X = np.array([[1.0], [1.0], [1.0], [10.0]])
    previous_centers = np.array([[100.0], [1.0], [10.0]])
    labels = assign_clusters(X, previous_centers)
    assert labels.tolist() == [1, 1, 1, 2]
    # every sample sits on its centre: nothing to relocate
    assert relocate_empty_clusters(X, labels, 3, previous_centers).tolist() == labels.tolist()
    centers = update_centers(X, labels, 3, previous_centers=previous_centers)
    np.testing.assert_allclose(centers, [[1.0], [1.0], [10.0]])


def test_relocate_empty_clusters_with_several_empty_clusters():
    X = np.array([[0.0], [0.5], [1.0], [7.0], [9.0]])
    centers = np.array([[0.5], [50.0], [60.0]])
    labels = np.zeros(5, dtype=int)
    moved = relocate_empty_clusters(X, labels, 3, centers)
    # farthest from centre 0.5 is 9 (-> cluster 1), then 7 (-> cluster 2)
    assert moved.tolist() == [0, 0, 0, 2, 1]
    assert labels.tolist() == [0] * 5  # input untouched


def test_distortion_and_one_hot():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [4.0, 4.0]])
    centers = np.array([[0.5, 0.5], [4.0, 5.0]])
    labels = np.array([0, 0, 1])
    assert distortion(X, centers, labels) == pytest.approx(0.5 + 0.5 + 1.0)
    r = one_hot(labels, 2)
    np.testing.assert_array_equal(r, [[1, 0], [1, 0], [0, 1]])
    # J written with r_nk, as in the book
    J = (r * squared_distances(X, centers)).sum()
    assert J == pytest.approx(distortion(X, centers, labels))


def test_lloyd_returns_named_result_and_converges():
    X = blobs(200, 2, 3, seed=12)
    result = lloyd(X, random_init(X, 3))
    centers, labels, history, n_iter, converged = result
    assert result.centers is centers and converged
    assert len(history) == n_iter
    assert np.array_equal(labels, assign_clusters(X, centers))
    assert history[-1] == pytest.approx(distortion(X, centers, labels), rel=1e-12)


def test_lloyd_stops_at_max_iter_and_reassigns():
    X = blobs(300, 2, 5, spread=3.0, separation=2.0, seed=13)
    result = lloyd(X, random_init(X, 5), max_iter=1, tol=0.0)
    assert result.n_iter == 1 and not result.converged
    assert np.array_equal(result.labels, assign_clusters(X, result.centers))


# ---------------------------------------------------------------------------
# The fast path gives the same answer as the teaching loop
# ---------------------------------------------------------------------------


def run_fast(X, init, max_iter=300, tol=1e-4):
    result, inertia = kmeans_module._lloyd_fast(X, init, max_iter, tol)
    return result, inertia


@pytest.mark.parametrize("name, X, init", DATASETS, ids=[d[0] for d in DATASETS])
@pytest.mark.parametrize("tol", [1e-4, 0.0])
def test_fast_path_equals_teaching_loop(name, X, init, tol):
    slow = lloyd(X, init, tol=tol)
    fast, inertia = run_fast(X, init, tol=tol)
    assert np.array_equal(slow.labels, fast.labels)
    assert slow.n_iter == fast.n_iter and slow.converged == fast.converged
    np.testing.assert_allclose(
        fast.centers, slow.centers, rtol=1e-12, atol=1e-12 * np.abs(X).max()
    )
    scale = slow.distortion_history[0]
    np.testing.assert_allclose(
        fast.distortion_history, slow.distortion_history, rtol=1e-9, atol=1e-9 * scale
    )
    assert inertia == pytest.approx(distortion(X, slow.centers, slow.labels), rel=1e-10)


@pytest.mark.parametrize("name, X, init", DATASETS, ids=[d[0] for d in DATASETS])
def test_estimator_equals_teaching_loop(name, X, init):
    fitted = KMeans(init.shape[0], init=init).fit(X)
    slow = lloyd(X, init, tol=np.mean(np.var(X, axis=0)) * 1e-4)  # KMeans scales tol
    assert np.array_equal(fitted.labels_, slow.labels)
    assert fitted.n_iter_ == slow.n_iter
    np.testing.assert_allclose(fitted.cluster_centers_, slow.centers, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(
        fitted.distortion_history_, slow.distortion_history, rtol=1e-9,
        atol=1e-9 * slow.distortion_history[0],
    )


@pytest.mark.parametrize("cluster_major", [False, True])
def test_chunked_assignment_equals_assign_clusters(monkeypatch, cluster_major):
    monkeypatch.setattr(kmeans_module, "_FLOATS_PER_CHUNK", 64)  # many small chunks
    monkeypatch.setattr(kmeans_module, "_MIN_CHUNK_ROWS", 7)
    # both layouts of the score block, whatever the shape
    monkeypatch.setattr(kmeans_module, "_scores_cluster_major", lambda d, k: cluster_major)
    rng = np.random.RandomState(1)
    for n_features, n_clusters in [(1, 2), (2, 3), (3, 9), (30, 4), (5, 300)]:
        X = rng.randn(1000, n_features)
        centers = np.r_[rng.randn(n_clusters - 1, n_features), X[:1]]
        centers[1 % n_clusters] = centers[0]  # duplicated centre: ties go to the lowest index
        for dtype in (np.intp, kmeans_module._label_dtype(n_clusters)):
            labels = np.empty(1000, dtype=dtype)
            inertia, _ = kmeans_module._assign_chunked(X, centers, labels, with_distortion=True)
            assert np.array_equal(labels, assign_clusters(X, centers))
            assert inertia == pytest.approx(distortion(X, centers, labels), rel=1e-12)


def test_fit_never_allocates_an_n_by_k_array():
    n_samples, n_clusters = 200_000, 50
    X = blobs(n_samples, 2, n_clusters, seed=14)
    init = random_init(X, n_clusters)
    tracemalloc.start()
    try:
        KMeans(n_clusters, init=init, max_iter=3).fit(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    n_by_k_bytes = n_samples * n_clusters * 8
    assert peak < n_by_k_bytes / 4, f"peak {peak / 1e6:.1f} MB"


def traced_peak(function):
    """Peak of the memory allocated (numpy reports to tracemalloc) while calling function."""
    tracemalloc.start()
    try:
        result = function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


@pytest.mark.parametrize("init", ["array", "random", "k-means++"])
def test_fit_does_not_copy_X(init):
    # 32 MB of data: a copy of X, even a transposed or augmented one, or an
    # (N, K) array would show; the labels (N small integers), the N-vectors
    # of the initialisation and input validation stay far below.  (With
    # n_init > 1, the labels of the best run so far are kept too.)
    n_samples, n_features, n_clusters = 200_000, 20, 10
    X = blobs(n_samples, n_features, n_clusters, spread=2.0, separation=2.0, seed=21)
    if init == "array":
        init = random_init(X, n_clusters)
    model = KMeans(n_clusters, init=init, n_init=1, max_iter=5, random_state=0)
    _, peak = traced_peak(lambda: model.fit(X))
    assert peak < X.nbytes / 10 + 4e6, f"peak {peak / 1e6:.1f} MB for X of {X.nbytes / 1e6:.0f} MB"
    assert model.labels_.shape == (n_samples,) and np.isfinite(model.inertia_)


def test_predict_and_score_do_not_copy_X():
    n_samples, n_features = 200_000, 20
    X = blobs(n_samples, n_features, 4, seed=22)
    model = KMeans(4, init=random_init(X[:1000], 4), max_iter=3).fit(X[:1000])
    labels, peak = traced_peak(lambda: model.predict(X))
    # the labels themselves (N int64) plus a few chunks
    assert peak < labels.nbytes + 4e6, f"peak {peak / 1e6:.1f} MB"
    assert np.array_equal(labels, assign_clusters(X, model.cluster_centers_))
    score, peak = traced_peak(lambda: model.score(X))
    assert peak < labels.nbytes + 4e6, f"peak {peak / 1e6:.1f} MB"
    assert score == pytest.approx(-distortion(X, model.cluster_centers_, labels), rel=1e-10)


@pytest.mark.parametrize("layout", ["fortran", "float32", "non-contiguous"])
def test_other_memory_layouts_and_dtypes_give_the_same_fit(layout):
    # X that is not a C-ordered float64 array is converted once (check_array)
    X = blobs(2000, 5, 4, spread=2.0, separation=3.0, seed=23)
    if layout == "float32":
        X = X.astype(np.float32)
    reference_X = np.ascontiguousarray(X, dtype=np.float64)
    other = {
        "fortran": np.asfortranarray(X),
        "float32": X,
        "non-contiguous": np.repeat(X, 2, axis=1)[:, ::2],
    }[layout]
    init = random_init(reference_X, 4)
    reference = KMeans(4, init=init).fit(reference_X)
    fitted = KMeans(4, init=init).fit(other)
    assert np.array_equal(fitted.labels_, reference.labels_)
    assert np.array_equal(fitted.cluster_centers_, reference.cluster_centers_)
    assert fitted.inertia_ == reference.inertia_
    assert np.array_equal(fitted.predict(other), reference.labels_)


def test_many_chunks_equal_one_chunk_and_the_teaching_loop(monkeypatch):
    # Tiny chunks: many chunks per pass, several batches of moved samples per
    # pass, products split in parts, a short last chunk.
    X = blobs(1003, 6, 5, spread=2.5, separation=3.0, seed=24)
    init = random_init(X, 5)
    one_chunk = KMeans(5, init=init, tol=0.0).fit(X)
    monkeypatch.setattr(kmeans_module, "_FLOATS_PER_CHUNK", 64)
    monkeypatch.setattr(kmeans_module, "_FLOATS_PER_PRODUCT", 20)
    monkeypatch.setattr(kmeans_module, "_MIN_CHUNK_ROWS", 3)
    for cluster_major in (False, True):
        monkeypatch.setattr(kmeans_module, "_scores_cluster_major", lambda d, k: cluster_major)
        many_chunks = KMeans(5, init=init, tol=0.0).fit(X)
        assert np.array_equal(many_chunks.labels_, one_chunk.labels_)
        assert many_chunks.n_iter_ == one_chunk.n_iter_ > 3
        np.testing.assert_allclose(
            many_chunks.cluster_centers_, one_chunk.cluster_centers_, rtol=0, atol=1e-12
        )
        assert many_chunks.inertia_ == pytest.approx(one_chunk.inertia_, rel=1e-12)
        slow = lloyd(X, init, tol=0.0)
        assert np.array_equal(many_chunks.labels_, slow.labels)
        np.testing.assert_allclose(many_chunks.cluster_centers_, slow.centers, rtol=0, atol=1e-12)


@pytest.mark.parametrize("shift", [False, True])
def test_lloyd_pass_keeps_the_cluster_sums_of_its_labels(monkeypatch, shift):
    # The sums and sizes are updated for the samples that changed cluster
    # only: after every pass they must be those of the new labels.
    monkeypatch.setattr(kmeans_module, "_FLOATS_PER_CHUNK", 200)
    monkeypatch.setattr(kmeans_module, "_MIN_CHUNK_ROWS", 5)
    X = blobs(700, 3, 6, spread=3.0, separation=2.0, seed=25) + 50.0
    n_clusters = 6
    mean = X.mean(axis=0) if shift else None
    centers = random_init(X, n_clusters) - (mean if shift else 0.0)
    workspace = kmeans_module._AssignmentWorkspace(
        kmeans_module._assignment_rows(700, 3, n_clusters), 3, n_clusters
    )
    moved_samples = kmeans_module._MovedSamples(
        workspace.rows, 3, n_clusters, kmeans_module._Shifter(mean)
    )
    labels = np.full(700, n_clusters, dtype=kmeans_module._label_dtype(n_clusters))
    new_labels = np.empty_like(labels)
    sums, counts = np.zeros((n_clusters, 3)), np.zeros(n_clusters)
    shifted_X = X - mean if shift else X
    total_moved = 0
    for iteration in range(6):
        n_moved = kmeans_module._lloyd_pass(
            X, centers, mean, labels, new_labels, sums, counts, workspace, moved_samples,
            first_pass=iteration == 0,
        )
        assert n_moved == np.count_nonzero(new_labels != labels)
        total_moved += n_moved
        labels, new_labels = new_labels, labels
        assert np.array_equal(labels, assign_clusters(shifted_X, centers))
        expected_sums, expected_counts = kmeans_module._cluster_sums_and_counts(
            shifted_X, labels.astype(np.intp), n_clusters
        )
        np.testing.assert_array_equal(counts, expected_counts)
        np.testing.assert_allclose(sums, expected_sums, rtol=1e-12, atol=1e-10)
        centers = kmeans_module._means_from_sums(sums, counts)
    assert total_moved > 700  # samples did change cluster after the first pass


def test_kmeans_plusplus_in_chunks_matches_sklearn(monkeypatch):
    # k-means++ computes its candidates' distances chunk by chunk (no
    # (n_local_trials, N) array): the same samples are still chosen.
    monkeypatch.setattr(kmeans_module, "_FLOATS_PER_CHUNK", 300)
    monkeypatch.setattr(kmeans_module, "_MIN_CHUNK_ROWS", 7)
    X = blobs(2000, 4, 8, spread=2.0, separation=4.0, seed=26)
    for seed in range(5):
        _, ours = kmeans_plusplus(X, 8, random_state=seed)
        _, theirs = sklearn_kmeans_plusplus(X, 8, random_state=seed)
        assert np.array_equal(ours, theirs)
    # and through KMeans.fit, which runs it on the centred data
    ours = KMeans(8, random_state=3).fit(X)
    theirs = SklearnKMeans(8, random_state=3, algorithm="lloyd").fit(X)
    assert_same_fit(ours, theirs)


@pytest.mark.parametrize("n_samples", [1, 2, 255, 256, 257, 513, 1000, 100_001])
def test_chunks_never_end_with_a_single_row(n_samples):
    # BLAS multiplies a single row through another kernel (rounding may differ)
    for width in (1, 3, 60, 600):
        rows = kmeans_module._chunk_rows(n_samples, width)
        assert 1 <= rows <= n_samples
        assert n_samples % rows != 1 or rows == n_samples == 1


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@st.composite
def data_and_centers(draw, max_samples=30, max_features=3, max_clusters=5):
    n_samples = draw(st.integers(2, max_samples))
    n_features = draw(st.integers(1, max_features))
    n_clusters = draw(st.integers(1, min(n_samples, max_clusters)))
    values = st.floats(-100, 100, allow_nan=False, allow_infinity=False, width=32)
    X = draw(hnp.arrays(np.float64, (n_samples, n_features), elements=values))
    centers = draw(hnp.arrays(np.float64, (n_clusters, n_features), elements=values))
    return X, centers


def assert_non_increasing(history, scale):
    steps = np.diff(history)
    assert np.all(steps <= 1e-9 * scale), (history, steps)


@PROPERTY_SETTINGS
@given(data_and_centers())
def test_lloyd_never_raises_the_distortion(data):
    X, centers = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = lloyd(X, centers, tol=0.0)
        fitted = KMeans(centers.shape[0], init=centers).fit(X)
    scale = max(distortion(X, centers, assign_clusters(X, centers)), np.var(X) * X.size, 1e-300)
    assert_non_increasing(result.distortion_history, scale)
    assert_non_increasing(fitted.distortion_history_, scale)
    first_assignment = distortion(X, centers, assign_clusters(X, centers))
    assert result.distortion_history[-1] <= first_assignment + 1e-9 * scale


@PROPERTY_SETTINGS
@given(data_and_centers())
def test_each_half_step_does_not_raise_the_distortion(data):
    X, centers = data
    n_clusters = centers.shape[0]
    labels = assign_clusters(X, centers)
    before = distortion(X, centers, labels)
    new_centers, members = update_centers(
        X, labels, n_clusters, previous_centers=centers, return_labels=True
    )
    after_update = distortion(X, new_centers, members)
    after_assignment = distortion(X, new_centers, assign_clusters(X, new_centers))
    scale = max(before, np.var(X) * X.size, 1e-300)
    assert after_update <= before + 1e-9 * scale
    assert after_assignment <= after_update + 1e-9 * scale


@PROPERTY_SETTINGS
@given(data_and_centers())
def test_assignment_is_optimal(data):
    X, centers = data
    labels = assign_clusters(X, centers)
    exact = brute_force_squared_distances(X, centers)
    chosen = exact[np.arange(X.shape[0]), labels]
    slack = 1e-12 * (np.abs(X).max() + np.abs(centers).max()) ** 2 * X.shape[1] + 1e-300
    assert np.all(chosen <= exact.min(axis=1) + slack)


@PROPERTY_SETTINGS
@given(data_and_centers(), st.integers(0, 2**32 - 1), st.sampled_from(["k-means++", "random"]))
def test_same_random_state_gives_the_same_fit(data, seed, init):
    X, centers = data
    n_clusters = centers.shape[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        first = KMeans(n_clusters, init=init, random_state=seed).fit(X)
        second = KMeans(n_clusters, init=init, random_state=seed).fit(X)
    assert np.array_equal(first.labels_, second.labels_)
    assert np.array_equal(first.cluster_centers_, second.cluster_centers_)
    assert first.inertia_ == second.inertia_ and first.n_iter_ == second.n_iter_


@PROPERTY_SETTINGS
@given(
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(0, 2**32 - 1),
    st.randoms(use_true_random=False),
)
def test_permuting_samples_gives_the_same_centres(n_clusters, n_features, seed, rnd):
    # well-separated blobs, so that no sample sits near a tie
    rng = np.random.RandomState(seed)
    true_centers = 20.0 * np.arange(n_clusters)[:, np.newaxis] + rng.randn(n_clusters, n_features)
    labels = np.r_[np.arange(n_clusters), rng.randint(n_clusters, size=25)]
    X = true_centers[labels] + 0.5 * rng.randn(labels.size, n_features)
    init = true_centers + rng.randn(n_clusters, n_features)
    permutation = np.array(rnd.sample(range(X.shape[0]), X.shape[0]))
    fit = KMeans(n_clusters, init=init).fit(X)
    fit_permuted = KMeans(n_clusters, init=init[::-1]).fit(X[permutation])

    def sort_rows(a):
        return a[np.lexsort(a.T[::-1])]

    np.testing.assert_allclose(
        sort_rows(fit.cluster_centers_),
        sort_rows(fit_permuted.cluster_centers_),
        rtol=1e-10,
        atol=1e-10,
    )
    assert fit.inertia_ == pytest.approx(fit_permuted.inertia_, rel=1e-10)


# ---------------------------------------------------------------------------
# Degenerate data
# ---------------------------------------------------------------------------


def test_duplicated_points_warn_but_return_a_result():
    X = np.repeat([[0.0, 0.0], [5.0, 5.0]], 10, axis=0)
    with pytest.warns(ConvergenceWarning, match="distinct clusters"):
        fitted = KMeans(3, random_state=0).fit(X)
    assert np.all(np.isfinite(fitted.cluster_centers_))
    assert fitted.inertia_ == pytest.approx(0.0, abs=1e-12)
    assert len(np.unique(fitted.labels_)) == 2


def test_constant_data():
    X = np.full((10, 3), 7.0)
    with pytest.warns(ConvergenceWarning):
        fitted = KMeans(2, random_state=0).fit(X)
    np.testing.assert_allclose(fitted.cluster_centers_, 7.0)
    assert fitted.inertia_ == 0.0
    assert np.all(fitted.labels_ == 0)


def test_as_many_clusters_as_samples():
    X = np.random.RandomState(0).randn(6, 2)
    fitted = KMeans(6, random_state=0).fit(X)
    assert fitted.inertia_ == pytest.approx(0.0, abs=1e-20)
    assert sorted(fitted.labels_.tolist()) == list(range(6))


def test_fitted_attributes_and_methods():
    X = blobs(120, 2, 3, seed=15)
    model = KMeans(3, random_state=1)
    labels = model.fit_predict(X)
    assert np.array_equal(labels, model.labels_)
    assert model.n_features_in_ == 2 and model.cluster_centers_.shape == (3, 2)
    assert np.array_equal(model.predict(X), model.labels_)
    distances = model.transform(X)
    np.testing.assert_allclose(
        distances, np.sqrt(brute_force_squared_distances(X, model.cluster_centers_)), atol=1e-9
    )
    assert model.score(X) == pytest.approx(-model.inertia_, rel=1e-12)
    assert model.distortion_history_.shape == (model.n_iter_,)
    assert model.distortion_history_[-1] >= model.inertia_ - 1e-9 * model.inertia_
    assert "KMeans(n_clusters=3" in repr(model)


def test_lists_are_accepted():
    fitted = KMeans(2, init=[[0.0], [10.0]]).fit([[0.0], [1.0], [9.0], [10.0]])
    np.testing.assert_allclose(fitted.cluster_centers_, [[0.5], [9.5]])


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "X, match",
    [
        ([[0.0, np.nan], [1.0, 2.0], [3.0, 4.0]], "NaN"),
        ([[0.0, np.inf], [1.0, 2.0], [3.0, 4.0]], "infinite"),
        ([0.0, 1.0, 2.0], "2-D"),
        (np.zeros((3, 2, 2)), "2-D"),
        ([["a", "b"]], "array of numbers"),
    ],
)
def test_bad_X(X, match):
    with pytest.raises(ValueError, match=match):
        KMeans(2).fit(X)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_clusters": 0}, "n_clusters must be at least 1"),
        ({"n_clusters": 2.5}, "n_clusters must be an integer"),
        ({"n_clusters": 11}, "n_samples >= n_clusters"),
        ({"init": "kmeans"}, "init must be 'k-means\\+\\+', 'random' or an array"),
        ({"init": np.zeros((3, 2))}, "shape \\(n_clusters, n_features\\) = \\(2, 2\\)"),
        ({"init": np.zeros((2, 3))}, "shape \\(n_clusters, n_features\\) = \\(2, 2\\)"),
        ({"init": [[0.0, np.nan], [1.0, 1.0]]}, "init contains 1 NaN"),
        ({"n_init": 0}, "n_init must be at least 1"),
        ({"n_init": "many"}, "n_init must be 'auto'"),
        ({"max_iter": 0}, "max_iter must be at least 1"),
        ({"tol": -1.0}, "tol must be a finite number >= 0"),
        ({"random_state": "seed"}, "random_state must be None"),
    ],
)
def test_bad_parameters(params, match):
    X = np.random.RandomState(0).randn(10, 2)
    params = {"n_clusters": 2, **params}
    with pytest.raises(ValueError, match=match):
        KMeans(**params).fit(X)


def test_init_array_with_n_init_warns_and_runs_once():
    X = blobs(50, 2, 2, seed=16)
    with pytest.warns(UserWarning, match="running k-means once"):
        fitted = KMeans(2, init=random_init(X, 2), n_init=5).fit(X)
    assert fitted.n_iter_ >= 1


def test_predict_before_fit():
    model = KMeans(2)
    for method in (model.predict, model.transform, model.score):
        with pytest.raises(NotFittedError, match="call fit"):
            method(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="not fitted"):
        model.predict(np.zeros((3, 2)))


def test_predict_with_wrong_number_of_features():
    model = KMeans(2, random_state=0).fit(np.random.RandomState(0).randn(20, 3))
    with pytest.raises(ValueError, match="2 feature\\(s\\), but the model was fitted"):
        model.predict(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="NaN"):
        model.predict([[0.0, 1.0, np.nan]])


def test_teaching_functions_validate_their_input():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="centers has 3 feature"):
        squared_distances(X, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="labels must lie in"):
        update_centers(X, [0, 1, 2, 5], 3)
    with pytest.raises(ValueError, match="one label per sample"):
        distortion(X, np.zeros((2, 2)), [0, 1])
    with pytest.raises(ValueError, match="integers"):
        one_hot([0.5, 1.0], 2)
    with pytest.raises(ValueError, match="n_samples >= n_clusters"):
        kmeans_plusplus(X, 5)
    with pytest.raises(ValueError, match="initial_centers has 3 feature"):
        lloyd(X, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="previous_centers has 1 rows"):
        update_centers(X, [0, 0, 1, 1], 2, previous_centers=np.zeros((1, 2)))
