"""Tests for the chapter-6 additions to gmm_lib.selection.

Cross-validated log-likelihood (and its folds), merging components into
clusters by entropy, and re-choosing a fitted grid by another criterion.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.model_selection import KFold

from gmm_lib import datasets
from gmm_lib.gaussian import fit_gaussian, log_density
from gmm_lib.metrics import adjusted_rand_index
from gmm_lib.mixture import GaussianMixture
from gmm_lib.selection import (
    ComponentMerging,
    CrossValidationResult,
    cross_validated_log_likelihood,
    fold_indices,
    merge_components,
    reselect,
    select_model,
)

OLD_FAITHFUL = datasets.load_old_faithful()
BLOBS = datasets.make_blobs(150, random_state=2).X


###############################################################################
# fold_indices


@settings(max_examples=40, deadline=None)
@given(n_samples=st.integers(2, 60), n_folds=st.integers(2, 10), seed=st.integers(0, 1000))
def test_folds_partition_the_samples_into_nearly_equal_parts(n_samples, n_folds, seed):
    if n_folds > n_samples:
        with pytest.raises(ValueError, match="larger than the number of samples"):
            fold_indices(n_samples, n_folds, random_state=seed)
        return
    folds = fold_indices(n_samples, n_folds, random_state=seed)
    assert len(folds) == n_folds
    together = np.concatenate(folds)
    assert np.array_equal(np.sort(together), np.arange(n_samples))  # each index exactly once
    sizes = [len(fold) for fold in folds]
    assert max(sizes) - min(sizes) <= 1 and min(sizes) >= 1


@pytest.mark.parametrize("n_samples, n_folds, seed", [(272, 5, 0), (10, 3, 7), (101, 10, 42)])
def test_folds_are_scikit_learns_shuffled_kfold(n_samples, n_folds, seed):
    ours = fold_indices(n_samples, n_folds, random_state=seed)
    theirs = [test for _, test in KFold(n_folds, shuffle=True, random_state=seed).split(
        np.zeros((n_samples, 1)))]
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert np.array_equal(np.sort(a), np.sort(b))


###############################################################################
# cross_validated_log_likelihood


def test_cross_validation_is_deterministic_with_a_seed():
    first = cross_validated_log_likelihood(OLD_FAITHFUL, 2, n_folds=4, random_state=3)
    second = cross_validated_log_likelihood(OLD_FAITHFUL, 2, n_folds=4, random_state=3)
    assert isinstance(first, CrossValidationResult)
    assert first.mean_log_likelihood == second.mean_log_likelihood
    assert np.array_equal(first.fold_log_likelihoods, second.fold_log_likelihoods)
    assert all(np.array_equal(a, b) for a, b in zip(first.folds, second.folds))
    other = cross_validated_log_likelihood(OLD_FAITHFUL, 2, n_folds=4, random_state=4)
    assert other.mean_log_likelihood != first.mean_log_likelihood


def test_cross_validation_agrees_with_a_manual_split():
    options = dict(covariance_type="diag", n_init=2, reg_covar=1e-4)
    result = cross_validated_log_likelihood(OLD_FAITHFUL, 3, n_folds=5, random_state=11,
                                            **options)
    folds = fold_indices(len(OLD_FAITHFUL), 5, random_state=11)
    held_out_scores = np.empty(len(OLD_FAITHFUL))
    for f, test in enumerate(folds):
        train = np.setdiff1d(np.arange(len(OLD_FAITHFUL)), test)
        model = GaussianMixture(3, random_state=11, **options).fit(OLD_FAITHFUL[train])
        held_out_scores[test] = model.score_samples(OLD_FAITHFUL[test])
        assert result.fold_log_likelihoods[f] == pytest.approx(held_out_scores[test].mean(),
                                                               rel=1e-12)
        assert np.array_equal(result.folds[f], test)
        assert result.models[f].covariance_type == "diag"
    assert result.mean_log_likelihood == pytest.approx(held_out_scores.mean(), rel=1e-12)
    assert np.array_equal(result.fold_sizes, [len(fold) for fold in folds])
    weighted = np.sum(result.fold_log_likelihoods * result.fold_sizes) / len(OLD_FAITHFUL)
    assert result.mean_log_likelihood == pytest.approx(weighted, rel=1e-12)


def test_one_component_cross_validation_is_the_held_out_gaussian_density():
    """K = 1: each fold's model is the ML Gaussian of the other folds (plus reg_covar)."""
    X = datasets.make_unequal_variances(120, random_state=5).X
    result = cross_validated_log_likelihood(X, 1, n_folds=6, random_state=0)
    total = 0.0
    for test in fold_indices(len(X), 6, random_state=0):
        train = np.setdiff1d(np.arange(len(X)), test)
        mean, covariance = fit_gaussian(X[train])
        total += log_density(X[test], mean, covariance + 1e-6 * np.eye(2)).sum()
    assert result.mean_log_likelihood == pytest.approx(total / len(X), rel=1e-10)


def test_held_out_likelihood_prefers_the_true_number_of_blobs_to_one():
    scores = [cross_validated_log_likelihood(BLOBS, k, random_state=0).mean_log_likelihood
              for k in (1, 3)]
    assert scores[1] > scores[0] + 0.5


def test_a_failed_fold_names_the_fold():
    duplicated = np.repeat(np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0], [5.0, 6.0]]), 5, axis=0)
    with pytest.raises(ValueError, match="training set of fold"):
        cross_validated_log_likelihood(duplicated, 4, n_folds=2, random_state=0, reg_covar=0.0,
                                       init_params="random_from_data")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n_folds=1), "n_folds must be at least 2"),
        (dict(n_folds=300), "larger than the number of samples"),
        (dict(n_components=0), "at least 1"),
        (dict(n_components=250, n_folds=2), "smallest training set"),
        (dict(covariance_type="diagonal"), "covariance_type"),
        (dict(n_init=0), "n_init"),
        (dict(max_iterations=10), "Unknown GaussianMixture option"),
    ],
)
def test_cross_validation_rejects_bad_arguments(kwargs, message):
    arguments = dict(n_components=2)
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        cross_validated_log_likelihood(OLD_FAITHFUL, **arguments)


def test_cross_validation_rejects_bad_data():
    X = OLD_FAITHFUL.copy()
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        cross_validated_log_likelihood(X, 2)


###############################################################################
# merge_components


def _entropy(t):
    safe = np.where(t > 0, t, 1.0)
    return float(-np.sum(t * np.log(safe)))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n_components=st.integers(2, 6))
def test_the_first_merge_is_the_best_pair_and_entropy_never_increases(seed, n_components):
    rng = np.random.RandomState(seed)
    logits = 3.0 * rng.randn(25, n_components)
    responsibilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    responsibilities /= responsibilities.sum(axis=1, keepdims=True)
    full = merge_components(responsibilities, 1)
    assert np.all(np.diff(full.entropies) <= 1e-12)
    assert full.entropies[-1] == pytest.approx(0.0, abs=1e-12)
    assert full.groups == [tuple(range(n_components))]
    one_merge = merge_components(responsibilities, n_components - 1)
    brute_force = min(
        _entropy(np.column_stack(
            [responsibilities[:, i] + responsibilities[:, j]]
            + [responsibilities[:, k] for k in range(n_components) if k not in (i, j)]))
        for i, j in itertools.combinations(range(n_components), 2)
    )
    assert one_merge.entropies[-1] == pytest.approx(brute_force, rel=1e-10, abs=1e-12)
    assert one_merge.entropies[0] == pytest.approx(_entropy(responsibilities))


def test_merged_responsibilities_are_sums_over_groups():
    model = GaussianMixture(5, random_state=0).fit(BLOBS)
    responsibilities = model.predict_proba(BLOBS)
    result = merge_components(responsibilities, 3)
    assert isinstance(result, ComponentMerging)
    assert result.responsibilities.shape == (len(BLOBS), 3)
    assert np.allclose(result.responsibilities.sum(axis=1), 1.0)
    assert sorted(k for group in result.groups for k in group) == list(range(5))
    for c, group in enumerate(result.groups):
        assert np.allclose(result.responsibilities[:, c], responsibilities[:, list(group)].sum(1))
    assert [min(group) for group in result.groups] == sorted(min(g) for g in result.groups)
    assert len(result.entropies) == 3


def test_merging_recovers_a_skewed_cluster_split_into_components():
    sample = datasets.make_skewed_clusters(random_state=0)
    model = GaussianMixture(3, n_init=3, random_state=0).fit(sample.X)
    assert adjusted_rand_index(sample.labels, model.predict(sample.X)) < 0.9
    merged = merge_components(model.predict_proba(sample.X), 2)
    labels = merged.responsibilities.argmax(axis=1)
    assert adjusted_rand_index(sample.labels, labels) == pytest.approx(1.0)


def test_keeping_every_component_changes_nothing():
    responsibilities = GaussianMixture(3, random_state=0).fit(BLOBS).predict_proba(BLOBS)
    result = merge_components(responsibilities, 3)
    assert np.array_equal(result.responsibilities, responsibilities)
    assert result.groups == [(0,), (1,), (2,)]


@pytest.mark.parametrize(
    "responsibilities, n_clusters, message",
    [
        (np.full((4, 2), 0.5), 3, "larger than the number of components"),
        (np.full((4, 2), 0.5), 0, "at least 1"),
        (np.full((4, 2), 0.4), 1, "sum to one"),
        (np.full(4, 1.0), 1, "2-D"),
    ],
)
def test_merging_rejects_bad_arguments(responsibilities, n_clusters, message):
    with pytest.raises(ValueError, match=message):
        merge_components(responsibilities, n_clusters)


###############################################################################
# reselect


def test_reselect_chooses_from_the_same_fits_without_refitting():
    sample = datasets.make_skewed_clusters(random_state=0)
    selection = select_model(sample.X, range(1, 5), ["full"], n_init=3, random_state=0)
    by_icl = reselect(selection, "icl")
    assert by_icl.rows is selection.rows and by_icl.models is selection.models
    eligible = [row for row in selection.rows if not row.degenerate]
    assert by_icl.best == min(eligible, key=lambda row: row.icl)
    assert (selection.best.n_components, by_icl.best.n_components) == (3, 2)
    assert by_icl.criterion == "icl"


def test_reselect_keeps_degenerate_fits_excluded():
    selection = select_model(OLD_FAITHFUL, range(1, 6), init_params="random_from_data",
                             n_init=5, random_state=13)
    by_aic = reselect(selection, "aic")
    assert not by_aic.best.degenerate
    assert by_aic.unguarded_best().degenerate


@pytest.mark.parametrize("selection, criterion, message", [
    ("not a selection", "bic", "ModelSelection"),
    (None, "deviance", "criterion must be one of"),
])
def test_reselect_rejects_bad_arguments(selection, criterion, message):
    with pytest.raises(ValueError, match=message):
        reselect(selection, criterion)
