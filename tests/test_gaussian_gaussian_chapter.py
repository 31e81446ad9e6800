"""Tests for the chapter-1 additions to gmm_lib.gaussian.

whiten, log_determinant, probability_inside_ellipsoid and ellipsoid_radius.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import special, stats

from gmm_lib.gaussian import (
    ellipsoid_radius,
    fit_gaussian,
    log_density,
    log_determinant,
    mahalanobis,
    probability_inside_ellipsoid,
    sample_gaussian,
    whiten,
)

SETTINGS = settings(max_examples=40, deadline=None)


def random_spd(rng, n_features, low=0.1, high=5.0):
    """Q diag(eigenvalues) Q^T with a random rotation Q."""
    q, r = np.linalg.qr(rng.standard_normal((n_features, n_features)))
    q = q * np.sign(np.diag(r))
    matrix = (q * rng.uniform(low, high, size=n_features)) @ q.T
    return 0.5 * (matrix + matrix.T)


# ---------------------------------------------------------------------------
# whiten
# ---------------------------------------------------------------------------


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n_features=st.integers(1, 6))
def test_whiten_inverts_the_cholesky_sampling_map(seed, n_features):
    # x = mu + L eps  =>  whiten(x) = eps, exactly the draws sample_gaussian used.
    rng = np.random.RandomState(seed)
    mean = rng.normal(scale=3.0, size=n_features)
    covariance = random_spd(rng, n_features)
    X = sample_gaussian(mean, covariance, n_samples=20, random_state=seed)
    eps = np.random.RandomState(seed).standard_normal((20, n_features))
    assert_allclose(whiten(X, mean, covariance), eps, rtol=1e-8, atol=1e-8)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n_features=st.integers(1, 6))
def test_whitened_norm_is_the_mahalanobis_distance(seed, n_features):
    rng = np.random.RandomState(seed)
    mean = rng.normal(size=n_features)
    covariance = random_spd(rng, n_features)
    X = rng.normal(scale=4.0, size=(15, n_features))
    W = whiten(X, mean, covariance)
    expected = np.sqrt(np.einsum("nd,de,ne->n", X - mean, np.linalg.inv(covariance), X - mean))
    assert_allclose(np.linalg.norm(W, axis=1), expected, rtol=1e-8)
    assert_allclose(np.linalg.norm(W, axis=1), mahalanobis(X, mean, covariance), rtol=1e-10)


def test_whiten_uses_the_lower_cholesky_factor():
    covariance = np.array([[4.0, 2.0], [2.0, 3.0]])
    lower = np.linalg.cholesky(covariance)
    x = np.array([[1.0, -2.0]])
    assert_allclose(whiten(x, [0.0, 0.0], covariance), np.linalg.solve(lower, x[0])[None])
    # diagonal covariance: divide each coordinate by its standard deviation
    assert_allclose(whiten([[3.0, 1.0]], [1.0, 1.0], np.diag([4.0, 1.0])), [[1.0, 0.0]])


def test_whitened_samples_are_standard_normal():
    mean = np.array([1.0, -2.0, 0.5])
    covariance = np.array([[2.0, 0.8, 0.3], [0.8, 1.0, -0.2], [0.3, -0.2, 0.5]])
    X = sample_gaussian(mean, covariance, n_samples=50_000, random_state=3)
    sample_mean, sample_covariance = fit_gaussian(whiten(X, mean, covariance))
    assert_allclose(sample_mean, np.zeros(3), atol=0.02)
    assert_allclose(sample_covariance, np.eye(3), atol=0.03)


@pytest.mark.parametrize(
    "X, mean, covariance, message",
    [
        ([[1.0, 2.0]], [0.0, 0.0, 0.0], np.eye(3), "feature"),
        ([[1.0, 2.0]], [0.0, 0.0], np.eye(3), "shape"),
        ([[1.0, np.nan]], [0.0, 0.0], np.eye(2), "NaN"),
        ([[1.0, 2.0]], [0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]], "positive-definite"),
        ([1.0, 2.0], [0.0, 0.0], np.eye(2), "2-D"),
    ],
)
def test_whiten_rejects_bad_input(X, mean, covariance, message):
    with pytest.raises(ValueError, match=message):
        whiten(X, mean, covariance)


# ---------------------------------------------------------------------------
# log_determinant
# ---------------------------------------------------------------------------


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n_features=st.integers(1, 8))
def test_log_determinant_matches_slogdet(seed, n_features):
    covariance = random_spd(np.random.RandomState(seed), n_features, low=1e-3, high=1e3)
    sign, expected = np.linalg.slogdet(covariance)
    assert sign == 1.0
    assert_allclose(log_determinant(covariance), expected, rtol=1e-10, atol=1e-10)


def test_log_determinant_where_the_determinant_underflows_and_overflows():
    small = 0.01 * np.eye(200)
    large = 10.0 * np.eye(350)
    with np.errstate(all="ignore"):
        assert np.linalg.det(small) == 0.0
        assert np.isinf(np.linalg.det(large))
    assert_allclose(log_determinant(small), 200 * np.log(0.01), rtol=1e-12)
    assert_allclose(log_determinant(large), 350 * np.log(10.0), rtol=1e-12)


def test_log_determinant_is_the_term_in_the_log_density():
    # ln N(mu | mu, Sigma) = -D/2 ln(2 pi) - 1/2 ln|Sigma|
    covariance = np.array([[2.0, 1.2], [1.2, 1.5]])
    mean = np.array([1.0, 2.0])
    expected = -np.log(2.0 * np.pi) - 0.5 * log_determinant(covariance)
    assert_allclose(log_density(mean[None], mean, covariance), [expected], rtol=1e-12)
    assert isinstance(log_determinant(covariance), float)


@pytest.mark.parametrize(
    "covariance, message",
    [
        (np.ones((2, 3)), "square"),
        ([[1.0, 0.5], [0.4, 1.0]], "symmetric"),
        ([[1.0, 2.0], [2.0, 1.0]], "positive-definite"),
        ([[1.0, np.inf], [np.inf, 1.0]], "infinite"),
        ([1.0, 2.0], "2-D"),
    ],
)
def test_log_determinant_rejects_bad_input(covariance, message):
    with pytest.raises(ValueError, match=message):
        log_determinant(covariance)


# ---------------------------------------------------------------------------
# probability_inside_ellipsoid and ellipsoid_radius
# ---------------------------------------------------------------------------


@SETTINGS
@given(r=st.floats(0.0, 12.0))
def test_two_dimensional_mass_is_one_minus_exp(r):
    assert_allclose(probability_inside_ellipsoid(r, n_features=2), -np.expm1(-r**2 / 2),
                    rtol=1e-12, atol=1e-15)


@SETTINGS
@given(r=st.floats(0.0, 10.0))
def test_one_dimensional_mass_is_the_familiar_interval_probability(r):
    assert_allclose(probability_inside_ellipsoid(r, n_features=1), special.erf(r / np.sqrt(2.0)),
                    rtol=1e-12, atol=1e-15)


@SETTINGS
@given(r=st.floats(0.0, 15.0), n_features=st.integers(1, 60))
def test_mass_is_the_chi_square_cdf_of_the_squared_radius(r, n_features):
    assert_allclose(probability_inside_ellipsoid(r, n_features), stats.chi2.cdf(r**2, n_features),
                    rtol=1e-9, atol=1e-14)


def test_mass_known_values_and_shapes():
    assert_allclose(probability_inside_ellipsoid([1.0, 2.0, 3.0], 1), [0.682689, 0.954500, 0.997300],
                    atol=1e-6)
    assert_allclose(probability_inside_ellipsoid([1.0, 2.0, 3.0], 2), [0.393469, 0.864665, 0.988891],
                    atol=1e-6)
    assert probability_inside_ellipsoid(0.0, 5) == 0.0
    assert isinstance(probability_inside_ellipsoid(1.0), float)
    assert probability_inside_ellipsoid([1.0, 2.0]).shape == (2,)
    # in more dimensions the same radius holds less mass
    values = [probability_inside_ellipsoid(2.0, d) for d in range(1, 12)]
    assert np.all(np.diff(values) < 0)


@pytest.mark.parametrize("n_features", [2, 3, 6])
def test_mass_agrees_with_sampling(n_features):
    rng = np.random.RandomState(n_features)
    mean = rng.normal(size=n_features)
    covariance = random_spd(rng, n_features)
    n_samples = 40_000
    distances = mahalanobis(sample_gaussian(mean, covariance, n_samples, random_state=0),
                            mean, covariance)
    for r in (0.5, 1.0, 2.0, 3.0):
        p = probability_inside_ellipsoid(r, n_features)
        standard_error = np.sqrt(p * (1 - p) / n_samples)
        assert abs(np.mean(distances <= r) - p) < 5 * standard_error + 1e-12


@SETTINGS
@given(p=st.floats(0.0, 0.999999), n_features=st.integers(1, 40))
def test_radius_inverts_mass(p, n_features):
    r = ellipsoid_radius(p, n_features)
    assert r >= 0.0
    assert_allclose(probability_inside_ellipsoid(r, n_features), p, rtol=1e-7, atol=1e-10)


def test_radius_known_values():
    assert_allclose(ellipsoid_radius(0.95, 2), np.sqrt(-2 * np.log(0.05)), rtol=1e-12)
    assert_allclose(ellipsoid_radius(0.95, 1), 1.959964, atol=1e-6)
    assert ellipsoid_radius(0.0, 3) == 0.0
    assert ellipsoid_radius([0.5, 0.9], 2).shape == (2,)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: probability_inside_ellipsoid(-1.0), ">= 0"),
        (lambda: probability_inside_ellipsoid(1.0, n_features=0), "at least 1"),
        (lambda: probability_inside_ellipsoid(1.0, n_features=2.5), "integer"),
        (lambda: probability_inside_ellipsoid([[1.0]]), "0-D or 1-D"),
        (lambda: probability_inside_ellipsoid(np.nan), "NaN"),
        (lambda: ellipsoid_radius(1.0), r"\[0, 1\)"),
        (lambda: ellipsoid_radius(-0.1), r"\[0, 1\)"),
        (lambda: ellipsoid_radius(0.5, n_features=0), "at least 1"),
    ],
)
def test_mass_and_radius_reject_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
