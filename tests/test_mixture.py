"""Tests for gmm_lib.mixture: the EM teaching path and GaussianMixture.

scikit-learn is the reference: from identical starting points both libraries
must produce the same numbers.  Unless a test switches it off (through the
private ``mixture._USE_FAST``), GaussianMixture runs on the fast path
(gmm_lib._fast).
"""

import re
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.mixture import GaussianMixture as SklearnGaussianMixture
from sklearn.mixture._gaussian_mixture import (
    _compute_precision_cholesky,
    _estimate_gaussian_parameters,
)
from threadpoolctl import threadpool_limits

from gmm_lib import _covariance, _fast, mixture
from gmm_lib._validation import COLLAPSE_ADVICE
from gmm_lib.mixture import (
    ConvergenceWarning,
    GaussianMixture,
    e_step,
    log_likelihood,
    m_step,
    n_effective,
    n_parameters,
    responsibilities_from_log,
    run_em,
    weighted_log_probabilities,
)

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]
OLD_FAITHFUL = "/work/main/gmm_lib/data/old_faithful.csv"
TOL = dict(rtol=1e-8, atol=1e-8)


@pytest.fixture(autouse=True, scope="module")
def _single_blas_thread():
    # Tiny matrix products are much slower with several BLAS threads on a busy
    # two-core machine; one thread keeps this file fast and the numbers stable.
    with threadpool_limits(limits=1):
        yield


@pytest.fixture
def teaching_engine(monkeypatch):
    """Make GaussianMixture run on the readable teaching path."""
    monkeypatch.setattr(mixture, "_USE_FAST", False)


###############################################################################
# Data and parameter helpers


def three_blobs(n_features=2, seed=0):
    rng = np.random.RandomState(seed)
    centres = np.array([[0.0, 0.0, 0.0], [4.0, 1.0, -1.0], [1.0, 5.0, 2.0]])[:, :n_features]
    scales = [1.0, 0.6, 1.4]
    sizes = [90, 70, 80]
    return np.vstack(
        [c + s * rng.standard_normal((n, n_features)) for c, s, n in zip(centres, scales, sizes)]
    )


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


def inverse_layout(covariances, covariance_type):
    """Precisions (inverse covariances) in the same layout."""
    if covariance_type in ("full", "tied"):
        return np.linalg.inv(covariances)
    return 1.0 / covariances


def random_model(rng, covariance_type, n_components, n_features, spread=3.0):
    weights = rng.dirichlet(np.ones(n_components))
    means = spread * rng.standard_normal((n_components, n_features))
    covariances = random_covariances(rng, covariance_type, n_components, n_features)
    return weights, means, covariances


def data_covariances(X, covariance_type, n_components):
    """A broad starting covariance: that of the whole data, in every layout."""
    covariance = np.atleast_2d(np.cov(X.T)) + 1e-3 * np.eye(X.shape[1])
    if covariance_type == "full":
        return np.repeat(covariance[np.newaxis], n_components, axis=0)
    if covariance_type == "tied":
        return covariance
    if covariance_type == "diag":
        return np.repeat(np.diag(covariance)[np.newaxis], n_components, axis=0)
    return np.full(n_components, np.diag(covariance).mean())


def fit_both(X, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ours = GaussianMixture(**params)
        our_labels = ours.fit_predict(X)
        theirs = SklearnGaussianMixture(**params)
        their_labels = theirs.fit_predict(X)
    return ours, our_labels, theirs, their_labels


def assert_same_fit(ours, theirs, X):
    for name in ("weights_", "means_", "covariances_", "precisions_", "precisions_cholesky_"):
        np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name), **TOL, err_msg=name)
    np.testing.assert_allclose(ours.lower_bounds_, theirs.lower_bounds_, **TOL)
    np.testing.assert_allclose(ours.lower_bound_, theirs.lower_bound_, **TOL)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.converged_ == theirs.converged_
    assert ours.n_features_in_ == theirs.n_features_in_
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.score_samples(X), theirs.score_samples(X), **TOL)


###############################################################################
# The teaching functions against scikit-learn's private E- and M-steps


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_e_step_matches_sklearn(covariance_type):
    rng = np.random.RandomState(1)
    X = 2.0 * rng.standard_normal((200, 3))
    weights, means, covariances = random_model(rng, covariance_type, 4, 3)
    responsibilities, total = e_step(X, weights, means, covariances, covariance_type)

    reference = SklearnGaussianMixture(n_components=4, covariance_type=covariance_type)
    reference.weights_, reference.means_ = weights, means
    reference.precisions_cholesky_ = _compute_precision_cholesky(covariances, covariance_type)
    mean_log_prob, log_resp = reference._e_step(X)

    np.testing.assert_allclose(responsibilities, np.exp(log_resp), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(total, mean_log_prob * len(X), rtol=1e-10)
    np.testing.assert_allclose(log_likelihood(X, weights, means, covariances, covariance_type), total, rtol=1e-12)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_m_step_matches_sklearn(covariance_type):
    rng = np.random.RandomState(2)
    X = rng.standard_normal((150, 3)) + [1.0, -2.0, 0.5]
    responsibilities = rng.dirichlet(np.ones(4), size=150)
    weights, means, covariances = m_step(X, responsibilities, covariance_type, reg_covar=1e-4)

    n_k, ref_means, ref_covariances = _estimate_gaussian_parameters(
        X, responsibilities, 1e-4, covariance_type
    )
    np.testing.assert_allclose(weights, n_k / n_k.sum(), rtol=1e-10)
    np.testing.assert_allclose(means, ref_means, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(covariances, ref_covariances, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(n_effective(responsibilities), responsibilities.sum(axis=0))


def test_weighted_log_probabilities_and_normalisation():
    rng = np.random.RandomState(3)
    X = rng.standard_normal((50, 2))
    weights, means, covariances = random_model(rng, "full", 3, 2)
    weighted = weighted_log_probabilities(X, weights, means, covariances)
    # Direct formula for one entry: log pi_k + log N(x | mu_k, Sigma_k).
    diff = X[7] - means[1]
    direct = (
        np.log(weights[1])
        - 0.5 * diff @ np.linalg.solve(covariances[1], diff)
        - 0.5 * np.log(np.linalg.det(2 * np.pi * covariances[1]))
    )
    np.testing.assert_allclose(weighted[7, 1], direct, rtol=1e-12)
    responsibilities, log_norm = responsibilities_from_log(weighted)
    np.testing.assert_allclose(responsibilities.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(log_norm, np.log(np.exp(weighted).sum(axis=1)), rtol=1e-12)


def test_responsibilities_from_log_is_stable_for_tiny_densities():
    weighted = np.array([[-1000.0, -1001.0], [-5e5, -np.inf]])
    responsibilities, log_norm = responsibilities_from_log(weighted)
    np.testing.assert_allclose(responsibilities[0], [1 / (1 + np.exp(-1)), 1 / (1 + np.e)])
    np.testing.assert_array_equal(responsibilities[1], [1.0, 0.0])
    np.testing.assert_allclose(log_norm[0], -1000.0 + np.log1p(np.exp(-1.0)))


def test_zero_weight_component_gets_no_responsibility():
    X = np.array([[0.0], [1.0], [2.0]])
    responsibilities, total = e_step(X, [1.0, 0.0], [[0.0], [1.0]], [1.0, 1.0], "spherical")
    np.testing.assert_array_equal(responsibilities[:, 1], 0.0)
    assert np.isfinite(total)


###############################################################################
# run_em: the contract and the history


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_run_em_history_is_consistent(covariance_type):
    X = three_blobs()
    means = X[[0, 100, 200]]
    covariances = data_covariances(X, covariance_type, 3)
    result = run_em(
        X, np.ones(3) / 3, means, covariances, covariance_type, tol=1e-6, record_history=True
    )
    history = result["history"]
    assert len(history) == result["n_iter"] + 1 == len(result["lower_bounds"]) + 1
    np.testing.assert_array_equal(history[0]["means"], means)
    for entry in history:
        expected = log_likelihood(
            X, entry["weights"], entry["means"], entry["covariances"], covariance_type
        )
        np.testing.assert_allclose(entry["log_likelihood"], expected, rtol=1e-12)
    # lower bound t = mean log-likelihood of the parameters entering iteration t
    np.testing.assert_allclose(
        result["lower_bounds"], [h["log_likelihood"] / len(X) for h in history[:-1]], rtol=1e-12
    )
    np.testing.assert_array_equal(result["means"], history[-1]["means"])
    assert result["converged"]
    assert abs(result["lower_bounds"][-1] - result["lower_bounds"][-2]) < 1e-6
    assert run_em(X, np.ones(3) / 3, means, covariances, covariance_type)["history"] is None


def test_run_em_max_iter_zero_returns_the_start():
    X = three_blobs()
    covariances = data_covariances(X, "diag", 3)
    result = run_em(X, np.ones(3) / 3, X[:3], covariances, "diag", max_iter=0, record_history=True)
    assert result["n_iter"] == 0 and not result["converged"] and result["lower_bounds"] == []
    np.testing.assert_array_equal(result["covariances"], covariances)
    assert len(result["history"]) == 1 and np.isfinite(result["history"][0]["log_likelihood"])


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_fast_fit_em_equals_run_em(covariance_type):
    X = three_blobs(n_features=3)
    covariances = data_covariances(X, covariance_type, 3)
    start = (np.ones(3) / 3, X[[5, 95, 165]], covariances)
    slow = run_em(X, *start, covariance_type, tol=1e-8, record_history=True)
    precisions_cholesky = _covariance.precisions_cholesky_from_covariances(covariances, covariance_type)
    fast = _fast.fit_em(
        X, start[0], start[1], precisions_cholesky, covariance_type, 1e-6, 1e-8, 100,
        record_history=True,
    )
    assert fast["n_iter"] == slow["n_iter"] and fast["converged"] == slow["converged"]
    for key in ("weights", "means", "covariances", "precisions_cholesky"):
        np.testing.assert_allclose(fast[key], slow[key], rtol=1e-10, atol=1e-12, err_msg=key)
    np.testing.assert_allclose(fast["lower_bounds"], slow["lower_bounds"], rtol=1e-10)
    np.testing.assert_allclose(
        [h["log_likelihood"] for h in fast["history"]],
        [h["log_likelihood"] for h in slow["history"]],
        rtol=1e-10,
    )


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("init_params", ["random", "random_from_data", "kmeans"])
def test_fast_and_teaching_engines_give_the_same_model(covariance_type, init_params, monkeypatch):
    X = three_blobs(n_features=3, seed=4)
    params = dict(
        n_components=3, covariance_type=covariance_type, init_params=init_params,
        random_state=7, tol=1e-6, n_init=1 if init_params == "kmeans" else 2,
        record_history=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fast = GaussianMixture(**params).fit(X)
        monkeypatch.setattr(mixture, "_USE_FAST", False)
        slow = GaussianMixture(**params).fit(X)
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_"):
        np.testing.assert_allclose(getattr(fast, name), getattr(slow, name), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(fast.lower_bounds_, slow.lower_bounds_, rtol=1e-10)
    assert (fast.n_iter_, fast.converged_) == (slow.n_iter_, slow.converged_)
    np.testing.assert_array_equal(fast.predict(X), slow.predict(X))
    np.testing.assert_allclose(fast.score_samples(X), slow.score_samples(X), rtol=1e-10)
    assert len(fast.history_) == len(slow.history_) == fast.n_iter_ + 1


def test_teaching_engine_scores_in_chunks(teaching_engine):
    rng = np.random.RandomState(5)
    X = rng.standard_normal((70_000, 2))  # more rows than one chunk of the teaching engine
    model = GaussianMixture(2, random_state=0, init_params="random_from_data", max_iter=3, tol=0.0)
    with pytest.warns(ConvergenceWarning):
        model.fit(X[:500])
    total = log_likelihood(X, model.weights_, model.means_, model.covariances_)
    np.testing.assert_allclose(model.score_samples(X).sum(), total, rtol=1e-12)
    np.testing.assert_array_equal(model.predict(X), model.predict_proba(X).argmax(axis=1))


###############################################################################
# GaussianMixture against scikit-learn


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_matches_sklearn_from_identical_initial_parameters(covariance_type, monkeypatch):
    X = three_blobs(n_features=3)
    rng = np.random.RandomState(0)
    covariances = random_covariances(rng, covariance_type, 3, 3)
    params = dict(
        n_components=3,
        covariance_type=covariance_type,
        weights_init=np.array([0.2, 0.3, 0.5]),
        means_init=X[[10, 100, 180]] + 0.1,
        precisions_init=inverse_layout(covariances, covariance_type),
        tol=1e-8,
    )
    ours, our_labels, theirs, their_labels = fit_both(X, **params)
    assert_same_fit(ours, theirs, X)
    np.testing.assert_array_equal(our_labels, their_labels)
    np.testing.assert_array_equal(our_labels, ours.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), **TOL)
    np.testing.assert_allclose(ours.bic(X), theirs.bic(X), rtol=1e-10)
    np.testing.assert_allclose(ours.aic(X), theirs.aic(X), rtol=1e-10)
    # The same model on the teaching path.
    monkeypatch.setattr(mixture, "_USE_FAST", False)
    assert_same_fit(GaussianMixture(**params).fit(X), theirs, X)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("init_params", ["random", "random_from_data", "k-means++", "kmeans"])
def test_matches_sklearn_from_same_random_state(covariance_type, init_params):
    X = three_blobs(n_features=2, seed=1)
    # k-means restarts all reach the same optimum: choosing the best of two
    # equal lower bounds would depend on the last bit, so restart only the others.
    ours, our_labels, theirs, their_labels = fit_both(
        X, n_components=3, covariance_type=covariance_type, init_params=init_params,
        random_state=42, n_init=1 if init_params == "kmeans" else 2, tol=1e-6,
    )
    assert_same_fit(ours, theirs, X)
    np.testing.assert_array_equal(our_labels, their_labels)


def test_partial_initialisation_and_max_iter_zero_match_sklearn():
    X = three_blobs(seed=2)
    for params in (
        dict(means_init=X[[0, 100, 200]]),
        dict(weights_init=[0.5, 0.25, 0.25], init_params="random"),
        dict(max_iter=0, init_params="random_from_data"),
        dict(max_iter=3, n_init=3, init_params="random"),
    ):
        ours, our_labels, theirs, their_labels = fit_both(
            X, n_components=3, random_state=3, covariance_type="diag", **params
        )
        assert_same_fit(ours, theirs, X)
        np.testing.assert_array_equal(our_labels, their_labels)


def test_warm_start_matches_sklearn():
    X = three_blobs(seed=3)
    params = dict(n_components=3, warm_start=True, max_iter=4, random_state=0, init_params="random")
    ours, theirs = GaussianMixture(**params), SklearnGaussianMixture(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for _ in range(15):  # until both have converged
            ours.fit(X)
            theirs.fit(X)
            assert_same_fit(ours, theirs, X)
    assert ours.converged_ and ours.n_iter_ == 1


def test_convergence_warning_when_max_iter_too_small():
    X = three_blobs()
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        model = GaussianMixture(3, max_iter=2, tol=0.0, init_params="random", random_state=0).fit(X)
    assert not model.converged_ and model.n_iter_ == 2 and len(model.lower_bounds_) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        GaussianMixture(3, max_iter=0, init_params="random", random_state=0).fit(X)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_sample_matches_sklearn(covariance_type):
    X = three_blobs()
    params = dict(n_components=3, covariance_type=covariance_type, random_state=4,
                  init_params="random_from_data")
    ours, _, theirs, _ = fit_both(X, **params)
    our_X, our_labels = ours.sample(500)
    their_X, their_labels = theirs.sample(500)
    np.testing.assert_array_equal(our_labels, their_labels)
    np.testing.assert_allclose(our_X, their_X, rtol=1e-7, atol=1e-7)
    assert our_X.shape == (500, 2) and our_labels.dtype == np.int64


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_n_parameters_matches_sklearn(covariance_type):
    X = three_blobs(n_features=3)
    model = SklearnGaussianMixture(4, covariance_type=covariance_type, max_iter=200).fit(X)
    assert n_parameters(4, 3, covariance_type) == model._n_parameters()


def test_old_faithful_maximum_likelihood():
    X = np.loadtxt(OLD_FAITHFUL, delimiter=",", skiprows=1)
    model = GaussianMixture(
        2, reg_covar=0.0, tol=1e-10, max_iter=1000, n_init=5, init_params="random", random_state=0
    ).fit(X)
    assert model.converged_
    np.testing.assert_allclose(model.score(X) * len(X), -1130.264, atol=1e-3)
    np.testing.assert_allclose(np.sort(model.weights_), [0.35587, 0.64413], atol=1e-5)
    # Every restart reaches the same maximum, and the history never goes down.
    history_model = GaussianMixture(
        2, reg_covar=0.0, tol=1e-10, max_iter=1000, random_state=1, record_history=True
    )
    history_model.fit(X)
    values = np.array([h["log_likelihood"] for h in history_model.history_])
    assert np.all(np.diff(values) >= -1e-9 * np.abs(values[1:]))
    np.testing.assert_allclose(values[-1], -1130.264, atol=1e-3)


def test_get_params_set_params_and_clone():
    model = GaussianMixture(3, covariance_type="tied", random_state=2, record_history=True)
    params = model.get_params()
    assert params["n_components"] == 3 and params["record_history"] is True
    assert set(params) == set(SklearnGaussianMixture().get_params()) | {"record_history"}
    copy = clone(model)
    assert copy is not model and copy.get_params() == params
    assert model.set_params(n_components=2) is model and model.n_components == 2
    with pytest.raises(ValueError, match="Invalid parameter 'colour'"):
        model.set_params(colour="red")
    assert "covariance_type='tied'" in repr(model)


def test_history_attribute():
    X = three_blobs()
    model = GaussianMixture(3, random_state=0, init_params="random_from_data").fit(X)
    assert model.history_ is None
    model = GaussianMixture(3, random_state=0, init_params="random_from_data",
                            record_history=True).fit(X)
    assert len(model.history_) == model.n_iter_ + 1
    np.testing.assert_array_equal(model.history_[-1]["means"], model.means_)
    np.testing.assert_allclose(model.history_[-1]["log_likelihood"], model.score(X) * len(X), rtol=1e-12)


###############################################################################
# Properties (hypothesis)


@st.composite
def em_problems(draw):
    """A data set from a random mixture and a reasonable starting point."""
    seed = draw(st.integers(0, 2**31 - 1))
    n_components = draw(st.integers(1, 3))
    n_features = draw(st.integers(1, 3))
    n_samples = draw(st.integers(40 * n_components, 120))
    covariance_type = draw(st.sampled_from(COVARIANCE_TYPES))
    rng = np.random.RandomState(seed)
    weights, means, covariances = random_model(rng, covariance_type, n_components, n_features)
    labels = rng.choice(n_components, size=n_samples, p=weights)
    X = means[labels] + rng.standard_normal((n_samples, n_features))
    start_means = X[rng.choice(n_samples, size=n_components, replace=False)]
    start = (np.ones(n_components) / n_components, start_means,
             data_covariances(X, covariance_type, n_components))
    return X, start, covariance_type, rng


@settings(max_examples=40, deadline=None)
@given(em_problems())
def test_em_never_decreases_the_log_likelihood(problem):
    X, start, covariance_type, _ = problem
    try:
        result = run_em(X, *start, covariance_type, reg_covar=0.0, tol=0.0, max_iter=40,
                        record_history=True)
    except ValueError as error:  # an exact-MLE component collapsed: not this property
        assert str(error) == COLLAPSE_ADVICE
        assume(False)
    values = np.array([h["log_likelihood"] for h in result["history"]])
    assert np.all(np.diff(values) >= -1e-9 * np.abs(values[1:]))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
    scale=st.sampled_from([1e-3, 1.0, 1e2, 1e4]),
)
def test_responsibilities_are_probabilities(seed, covariance_type, scale):
    rng = np.random.RandomState(seed)
    weights, means, covariances = random_model(rng, covariance_type, 3, 2, spread=scale)
    X = rng.standard_normal((30, 2)) * scale
    responsibilities, total = e_step(X, weights, means, covariances, covariance_type)
    assert np.all((responsibilities >= 0.0) & (responsibilities <= 1.0))
    np.testing.assert_allclose(responsibilities.sum(axis=1), 1.0, rtol=1e-12)
    assert np.isfinite(total)


@settings(max_examples=30, deadline=None)
@given(em_problems())
def test_em_does_not_depend_on_sample_or_component_order(problem):
    X, (weights, means, covariances), covariance_type, rng = problem
    rows = rng.permutation(len(X))
    order = rng.permutation(len(weights))
    permuted_covariances = covariances if covariance_type == "tied" else covariances[order]
    result = run_em(X, weights, means, covariances, covariance_type, tol=1e-6)
    other = run_em(X[rows], weights[order], means[order], permuted_covariances,
                   covariance_type, tol=1e-6)
    assert other["n_iter"] == result["n_iter"]
    np.testing.assert_allclose(other["weights"], result["weights"][order], rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(other["means"], result["means"][order], rtol=1e-7, atol=1e-9)
    expected = result["covariances"] if covariance_type == "tied" else result["covariances"][order]
    np.testing.assert_allclose(other["covariances"], expected, rtol=1e-7, atol=1e-9)


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
    init_params=st.sampled_from(["kmeans", "k-means++", "random", "random_from_data"]),
)
def test_same_random_state_gives_identical_fits(seed, covariance_type, init_params):
    X = three_blobs(seed=seed % 1000)
    params = dict(n_components=3, covariance_type=covariance_type, init_params=init_params,
                  random_state=seed, max_iter=20, n_init=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        first = GaussianMixture(**params).fit(X)
        second = GaussianMixture(**params).fit(X)
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_", "lower_bounds_"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))


@pytest.fixture(scope="module")
def fitted_model():
    X = three_blobs()
    return GaussianMixture(3, covariance_type="diag", random_state=0,
                           init_params="random_from_data").fit(X)


@settings(max_examples=30, deadline=None)
@given(n_samples=st.integers(1, 300), seed=st.integers(0, 2**32 - 1))
def test_sample_is_reproducible_and_well_shaped(fitted_model, n_samples, seed):
    model = clone(fitted_model).set_params(random_state=seed)
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_", "n_features_in_"):
        setattr(model, name, getattr(fitted_model, name))
    X, labels = model.sample(n_samples)
    X_again, labels_again = model.sample(n_samples)
    assert X.shape == (n_samples, 2) and labels.shape == (n_samples,)
    assert np.all(np.diff(labels) >= 0) and set(labels) <= {0, 1, 2}
    np.testing.assert_array_equal(X, X_again)
    np.testing.assert_array_equal(labels, labels_again)


###############################################################################
# Degenerate data


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_constant_data_does_not_crash(covariance_type):
    X = np.full((40, 2), 3.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for params in (dict(n_components=1), dict(n_components=2, init_params="random_from_data"),
                       dict(n_components=2, init_params="random")):
            model = GaussianMixture(covariance_type=covariance_type, random_state=0, **params).fit(X)
            assert np.all(np.isfinite(model.covariances_)) and np.isfinite(model.lower_bound_)
            np.testing.assert_allclose(model.weights_ @ model.means_, [3.0, 3.0])
            assert np.all(np.isfinite(model.score_samples(X)))


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_duplicated_points_do_not_crash(covariance_type):
    rng = np.random.RandomState(0)
    X = np.repeat(rng.standard_normal((4, 2)), 25, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for init_params in ("random_from_data", "random", "k-means++", "kmeans"):
            model = GaussianMixture(4, covariance_type=covariance_type,
                                    init_params=init_params, random_state=1).fit(X)
            assert np.all(np.isfinite(model.covariances_)) and np.isfinite(model.lower_bound_)
            assert model.predict(X).shape == (100,)


def test_collapse_raises_the_advice_not_linalg_error():
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 0.0]]), 5, axis=0)
    precisions = {"full": np.array([np.eye(2)] * 3), "tied": np.eye(2),
                  "diag": np.ones((3, 2)), "spherical": np.ones(3)}
    # Inside EM: each component shrinks onto one of the duplicated points.
    for covariance_type in COVARIANCE_TYPES:
        with pytest.raises(ValueError, match=re.escape("increase reg_covar")) as info:
            GaussianMixture(3, covariance_type=covariance_type, reg_covar=0.0,
                            weights_init=np.ones(3) / 3, means_init=X[[0, 5, 10]],
                            precisions_init=precisions[covariance_type]).fit(X)
        assert not isinstance(info.value, np.linalg.LinAlgError)
        assert str(info.value) == COLLAPSE_ADVICE
    # At the initialisation: a feature that never varies.
    constant_feature = np.c_[np.arange(10.0), np.zeros(10)]
    for covariance_type in ("full", "tied", "diag"):
        with pytest.raises(ValueError, match="ill-defined empirical covariance") as info:
            GaussianMixture(2, covariance_type=covariance_type, reg_covar=0.0,
                            init_params="random", random_state=0).fit(constant_feature)
        assert not isinstance(info.value, np.linalg.LinAlgError)
    responsibilities = np.eye(3)[[0] * 5 + [1] * 5 + [2] * 5]
    with pytest.raises(ValueError, match="ill-defined empirical covariance") as info:
        run_em(X, np.ones(3) / 3, X[[0, 5, 10]], np.ones(3), "spherical", reg_covar=0.0)
    assert not isinstance(info.value, np.linalg.LinAlgError)
    # The one-hot responsibilities of duplicated points give zero covariances:
    # the M-step itself is fine, the next Gaussian density is not.
    _, _, covariances = m_step(X, responsibilities, "full", reg_covar=0.0)
    with pytest.raises(ValueError, match="positive-definite"):
        e_step(X, np.ones(3) / 3, X[[0, 5, 10]], covariances)


###############################################################################
# Bad input


@pytest.mark.parametrize(
    "X, params, message",
    [
        ([[0.0, np.nan], [1.0, 2.0], [3.0, 4.0]], {}, "NaN"),
        ([[0.0, np.inf], [1.0, 2.0], [3.0, 4.0]], {}, "infinite"),
        ([1.0, 2.0, 3.0], {}, "2-D array"),
        (np.zeros((2, 2, 2)), {}, "2-D array"),
        (np.eye(3), {"n_components": 4}, "n_samples >= n_components"),
        (np.eye(3), {"n_components": 0}, "n_components must be at least 1"),
        (np.eye(3), {"n_components": 1.5}, "n_components must be an integer"),
        (np.eye(3), {"covariance_type": "banana"}, "Invalid value for covariance_type"),
        (np.eye(3), {"init_params": "kmeans+"}, "Invalid value for init_params"),
        (np.eye(3), {"tol": -1.0}, "tol must be a finite number >= 0"),
        (np.eye(3), {"reg_covar": -1e-6}, "reg_covar must be a finite number >= 0"),
        (np.eye(3), {"max_iter": -1}, "max_iter must be at least 0"),
        (np.eye(3), {"n_init": 0}, "n_init must be at least 1"),
        (np.eye(3), {"random_state": "seed"}, "random_state must be None"),
        (np.eye(3), {"n_components": 2, "weights_init": [0.5, 0.6]}, "must sum to one"),
        (np.eye(3), {"n_components": 2, "weights_init": [1.0]}, "weights_init must have shape"),
        (np.eye(3), {"n_components": 2, "means_init": np.zeros((2, 2))}, "means_init must have shape"),
        (np.eye(3), {"n_components": 1, "precisions_init": -np.eye(3)[np.newaxis]}, "positive-definite"),
        (np.eye(3), {"n_components": 1, "precisions_init": np.eye(3)}, "precisions_init for covariance_type='full' must have shape"),
        (np.eye(3), {"covariance_type": "diag", "precisions_init": [[1.0, -1.0, 1.0]]}, "strictly positive"),
    ],
)
def test_fit_rejects_bad_input(X, params, message):
    with pytest.raises(ValueError, match=message):
        GaussianMixture(**params).fit(X)


def test_using_an_unfitted_model_or_wrong_features_raises():
    model = GaussianMixture(2)
    for method in (model.predict, model.predict_proba, model.score_samples, model.score,
                   model.bic, model.aic):
        with pytest.raises(ValueError, match="not fitted yet"):
            method(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="not fitted yet"):
        model.sample(3)
    model.set_params(init_params="random_from_data", random_state=0).fit(three_blobs())
    for method in (model.predict, model.predict_proba, model.score_samples, model.bic):
        with pytest.raises(ValueError, match=r"has 3 feature\(s\), but the model was fitted"):
            method(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="n_samples must be at least 1"):
        model.sample(0)


def test_teaching_functions_reject_bad_input():
    X = np.zeros((4, 2))
    weights, means, covariances = np.array([0.5, 0.5]), np.zeros((2, 2)), np.ones(2)
    with pytest.raises(ValueError, match="weights must sum to one"):
        e_step(X, [0.5, 0.6], means, covariances, "spherical")
    with pytest.raises(ValueError, match=r"means must have shape \(2, 2\)"):
        e_step(X, weights, np.zeros((2, 3)), covariances, "spherical")
    with pytest.raises(ValueError, match="covariances for covariance_type='full' must have shape"):
        log_likelihood(X, weights, means, covariances, "full")
    with pytest.raises(ValueError, match="symmetric positive-definite"):
        weighted_log_probabilities(X, weights, means, np.array([np.eye(2), -np.eye(2)]))
    with pytest.raises(ValueError, match="Invalid value for covariance_type"):
        e_step(X, weights, means, covariances, "round")
    with pytest.raises(ValueError, match="NaN"):
        e_step([[np.nan, 0.0]], weights, means, covariances, "spherical")
    with pytest.raises(ValueError, match="must sum to one"):
        m_step(X, np.full((4, 2), 0.6))
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        m_step(X, np.array([[1.5, -0.5]] * 4))
    with pytest.raises(ValueError, match="must sum to one"):
        n_effective(np.full((4, 2), 0.6))
    with pytest.raises(ValueError, match="one row per sample"):
        m_step(X, np.full((3, 2), 0.5))
    with pytest.raises(ValueError, match="reg_covar must be"):
        m_step(X, np.full((4, 2), 0.5), reg_covar=-1.0)
    with pytest.raises(ValueError, match="n_samples >= n_components"):
        run_em(X[:1], weights, means, covariances, "spherical")
    with pytest.raises(ValueError, match="max_iter must be"):
        run_em(X, weights, means, covariances, "spherical", max_iter=2.5)
    with pytest.raises(ValueError, match="-inf for every component"):
        responsibilities_from_log([[-np.inf, -np.inf]])
    with pytest.raises(ValueError, match="2-D"):
        responsibilities_from_log([0.0, 1.0])
    with pytest.raises(ValueError, match="covariance_type"):
        n_parameters(2, 2, "sphere")
