"""Tests for gmm_lib.classification: one Gaussian mixture per class, combined by Bayes' rule."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from gmm_lib import GaussianMixture
from gmm_lib.classification import MixtureClassifier
from gmm_lib.datasets import make_checkerboard_classes
from gmm_lib.mixture import NotFittedError


def two_blobs(n=60, seed=0, shift=4.0):
    rng = np.random.RandomState(seed)
    X = np.vstack([rng.randn(n, 2), rng.randn(n, 2) + shift])
    y = np.repeat([0, 1], n)
    return X, y


def test_each_class_mixture_is_the_mixture_fitted_on_that_class_alone():
    board = make_checkerboard_classes(300, random_state=0)
    clf = MixtureClassifier(n_components=[3, 2], random_state=5).fit(board.X, board.y)
    seeds = np.random.RandomState(5).randint(np.iinfo(np.int32).max, size=2)
    for c, k in enumerate([3, 2]):
        alone = GaussianMixture(n_components=k, random_state=int(seeds[c])).fit(board.X[board.y == c])
        assert_allclose(clf.mixtures_[c].means_, alone.means_)
        assert_allclose(clf.mixtures_[c].covariances_, alone.covariances_)
    assert_allclose(clf.priors_, np.bincount(board.y) / len(board.y))
    assert clf.n_components_.tolist() == [3, 2]


def test_with_one_component_it_is_qda_computed_by_hand():
    X, y = two_blobs(seed=1, shift=2.0)
    clf = MixtureClassifier(n_components=1, reg_covar=0.0).fit(X, y)
    grid = np.random.RandomState(2).uniform(-3, 5, size=(50, 2))
    joint = []
    for c in (0, 1):
        points = X[y == c]
        mean, covariance = points.mean(axis=0), np.cov(points.T, bias=True)
        joint.append(np.log(0.5) + multivariate_normal(mean, covariance).logpdf(grid))
    joint = np.column_stack(joint)
    assert_allclose(clf.predict_joint_log_proba(grid), joint, rtol=1e-8, atol=1e-8)
    assert_allclose(clf.predict_log_proba(grid), joint - logsumexp(joint, axis=1, keepdims=True),
                    atol=1e-8)
    assert_allclose(clf.score_samples(grid), logsumexp(joint, axis=1), rtol=1e-10)


def test_mixtures_beat_one_gaussian_per_class_on_multimodal_classes():
    train = make_checkerboard_classes(540, random_state=0)
    test = make_checkerboard_classes(1500, random_state=1)
    qda = MixtureClassifier(n_components=1, random_state=0).fit(train.X, train.y)
    mda = MixtureClassifier(n_components=[5, 4], random_state=0, n_init=2).fit(train.X, train.y)
    assert qda.score(test.X, test.y) < 0.6
    assert mda.score(test.X, test.y) > 0.95


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 3))
def test_posteriors_are_probabilities_and_predict_takes_their_argmax(seed, k):
    X, y = two_blobs(n=30, seed=seed, shift=3.0)
    clf = MixtureClassifier(n_components=k, random_state=seed).fit(X, y)
    grid = np.random.RandomState(seed).uniform(-4, 7, size=(40, 2))
    proba = clf.predict_proba(grid)
    assert proba.shape == (40, 2)
    assert np.all(proba >= 0.0)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert np.array_equal(clf.predict(grid), clf.classes_[np.argmax(proba, axis=1)])


def test_string_labels_priors_and_accuracy():
    X, y = two_blobs()
    names = np.where(y == 0, "benign", "malignant")
    clf = MixtureClassifier(random_state=0).fit(X, names)
    assert clf.classes_.tolist() == ["benign", "malignant"]
    assert clf.score(X, names) == pytest.approx(np.mean(clf.predict(X) == names))
    assert clf.score(X, names) > 0.95
    # A prior that favours one class moves points near the boundary to it.
    middle = np.array([[2.0, 2.0]])
    favour_0 = MixtureClassifier(priors=[0.999, 0.001], random_state=0).fit(X, names)
    favour_1 = MixtureClassifier(priors=[0.001, 0.999], random_state=0).fit(X, names)
    assert favour_0.predict(middle)[0] == "benign"
    assert favour_1.predict(middle)[0] == "malignant"
    assert_allclose(favour_0.priors_, [0.999, 0.001])


def test_a_zero_prior_never_predicts_that_class_and_emits_no_warning():
    X, y = two_blobs()
    clf = MixtureClassifier(priors=[1.0, 0.0], random_state=0).fit(X, y)
    assert np.all(clf.predict(X) == 0)
    assert np.all(np.isneginf(clf.predict_joint_log_proba(X)[:, 1]))
    assert_allclose(clf.predict_proba(X)[:, 0], 1.0)


def test_fit_is_reproducible_with_an_int_seed():
    board = make_checkerboard_classes(200, random_state=3)
    a = MixtureClassifier(3, init_params="random", random_state=7).fit(board.X, board.y)
    b = MixtureClassifier(3, init_params="random", random_state=7).fit(board.X, board.y)
    for ma, mb in zip(a.mixtures_, b.mixtures_):
        assert_allclose(ma.means_, mb.means_)


def test_get_set_params_and_repr():
    clf = MixtureClassifier(3, covariance_type="diag")
    assert clf.get_params()["n_components"] == 3
    assert clf.set_params(n_components=2) is clf and clf.n_components == 2
    assert repr(clf) == "MixtureClassifier(n_components=2, covariance_type='diag')"
    with pytest.raises(ValueError, match="Invalid parameter"):
        clf.set_params(colour="red")


@pytest.mark.parametrize(
    "kwargs, X, y, message",
    [
        ({}, [[0.0], [1.0], [2.0]], [0, 0, 0], "only one class"),
        ({}, [[0.0], [1.0], [2.0]], [0, 1], "3 samples but y has 2"),
        ({}, [[0.0], [1.0], [2.0]], [[0], [1], [0]], "1-D array of class labels"),
        ({}, [[0.0], [np.nan], [2.0]], [0, 1, 0], "NaN"),
        ({"n_components": 3}, [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1], "class 0"),
        ({"n_components": [1, 2, 3]}, [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1], "one number of components per class"),
        ({"priors": [0.5, 0.6]}, [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1], "sum to one"),
        ({"covariance_type": "round"}, [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1], "covariance_type"),
        ({"init_params": "magic"}, [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1], "init_params"),
        ({}, [[0.0], [1.0], [2.0], [3.0]], [0.0, np.nan, 1.0, 1.0], "NaN"),
    ],
)
def test_bad_input_gives_a_clear_error(kwargs, X, y, message):
    with pytest.raises(ValueError, match=message):
        MixtureClassifier(**kwargs).fit(X, y)


def test_using_an_unfitted_or_mismatched_model_fails_clearly():
    with pytest.raises(NotFittedError, match="not fitted"):
        MixtureClassifier().predict([[0.0, 0.0]])
    X, y = two_blobs()
    clf = MixtureClassifier().fit(X, y)
    with pytest.raises(ValueError, match="feature"):
        clf.predict([[0.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="labels"):
        clf.score(X, y[:-1])
