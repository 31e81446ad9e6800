"""Tests for gmm_lib.gaussian: single Gaussians."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats
from scipy.spatial.distance import mahalanobis as scipy_mahalanobis

from gmm_lib import gaussian
from gmm_lib._covariance import estimate_log_gaussian_prob, precisions_cholesky_from_covariances
from gmm_lib.gaussian import (
    CovarianceEllipse,
    covariance_ellipse,
    density,
    ellipse_points,
    expand_covariances,
    fit_gaussian,
    fit_univariate_gaussian,
    log_density,
    mahalanobis,
    naive_log_density,
    sample_gaussian,
    standardize,
    univariate_log_density,
)

SETTINGS = settings(max_examples=40, deadline=None)


def random_spd(rng, n_features, eigenvalues=None):
    """Q diag(eigenvalues) Q^T with a random rotation Q."""
    if eigenvalues is None:
        eigenvalues = rng.uniform(0.1, 5.0, size=n_features)
    q, r = np.linalg.qr(rng.standard_normal((n_features, n_features)))
    q = q * np.sign(np.diag(r))
    matrix = (q * eigenvalues) @ q.T
    return 0.5 * (matrix + matrix.T)


@st.composite
def gaussian_problems(draw, min_features=1, max_features=6):
    """A mean, an SPD covariance (condition number up to 1e4) and points around it."""
    n_features = draw(st.integers(min_features, max_features))
    seed = draw(st.integers(0, 2**32 - 1))
    log10_eigenvalues = draw(
        st.lists(st.floats(-2.0, 2.0), min_size=n_features, max_size=n_features)
    )
    rng = np.random.RandomState(seed)
    covariance = random_spd(rng, n_features, 10.0 ** np.array(log10_eigenvalues))
    mean = rng.uniform(-10, 10, size=n_features)
    n_samples = draw(st.integers(1, 20))
    X = mean + rng.standard_normal((n_samples, n_features)) * 3.0
    return X, mean, covariance


# ---------------------------------------------------------------------------
# Densities
# ---------------------------------------------------------------------------


@SETTINGS
@given(
    x=st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=20),
    mean=st.floats(-1e3, 1e3),
    variance=st.floats(1e-4, 1e4),
)
def test_univariate_log_density_matches_scipy(x, mean, variance):
    expected = stats.norm.logpdf(x, loc=mean, scale=np.sqrt(variance))
    assert_allclose(univariate_log_density(x, mean, variance), expected, rtol=1e-10, atol=1e-10)


def test_univariate_log_density_of_a_scalar_is_zero_dimensional():
    value = univariate_log_density(1.0, 0.0, 1.0)
    assert np.ndim(value) == 0
    assert_allclose(value, -0.5 * np.log(2 * np.pi) - 0.5)


@SETTINGS
@given(gaussian_problems())
def test_log_density_matches_scipy_multivariate_normal(problem):
    X, mean, covariance = problem
    expected = stats.multivariate_normal(mean, covariance).logpdf(X)
    result = log_density(X, mean, covariance)
    assert result.shape == (X.shape[0],)
    assert_allclose(result, np.atleast_1d(expected), rtol=1e-9, atol=1e-9)
    assert_allclose(density(X, mean, covariance), np.exp(result), rtol=1e-12)


@SETTINGS
@given(gaussian_problems())
def test_log_density_agrees_with_the_shared_fast_path(problem):
    X, mean, covariance = problem
    factors = precisions_cholesky_from_covariances(covariance[np.newaxis], "full")
    expected = estimate_log_gaussian_prob(X, mean[np.newaxis], factors, "full")[:, 0]
    assert_allclose(log_density(X, mean, covariance), expected, rtol=1e-10, atol=1e-10)


def test_log_density_of_a_single_point_in_one_dimension():
    assert_allclose(
        log_density([[2.0]], [1.0], [[4.0]]), univariate_log_density([2.0], 1.0, 4.0)
    )


def test_naive_log_density_agrees_on_a_small_well_conditioned_problem():
    rng = np.random.RandomState(0)
    covariance = random_spd(rng, 3)
    mean = rng.standard_normal(3)
    X = mean + rng.standard_normal((10, 3))
    assert_allclose(naive_log_density(X, mean, covariance), log_density(X, mean, covariance), rtol=1e-10)


def test_naive_formula_breaks_in_high_dimension_while_cholesky_does_not():
    # det(0.01 * I_200) = 1e-400 underflows to 0: the naive normaliser is
    # 1 / sqrt(0) = inf.  The closed form is
    # -1/2 (D ln(2 pi) + D ln(0.01) + ||x - mu||^2 / 0.01).
    n_features, variance = 200, 0.01
    rng = np.random.RandomState(1)
    mean = rng.standard_normal(n_features)
    covariance = variance * np.eye(n_features)
    X = mean + np.sqrt(variance) * rng.standard_normal((5, n_features))
    closed_form = -0.5 * (
        n_features * np.log(2 * np.pi)
        + n_features * np.log(variance)
        + np.sum((X - mean) ** 2, axis=1) / variance
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # neither function may warn
        naive = naive_log_density(X, mean, covariance)
        stable = log_density(X, mean, covariance)
    assert np.linalg.det(covariance) == 0.0
    assert not np.any(np.isfinite(naive))
    assert np.all(np.isfinite(stable))
    assert_allclose(stable, closed_form, rtol=1e-12)


def test_naive_formula_underflows_far_from_the_mean():
    # exp(-1/2 * 40^2) = exp(-800) underflows to 0, so the naive log is -inf.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        naive = naive_log_density([[40.0]], [0.0], [[1.0]])
    assert naive[0] == -np.inf
    assert_allclose(log_density([[40.0]], [0.0], [[1.0]]), -0.5 * np.log(2 * np.pi) - 800.0)


def test_product_of_densities_underflows_but_the_sum_of_logs_does_not():
    X = sample_gaussian(np.zeros(2), np.eye(2), 1000, random_state=0)
    assert np.prod(density(X, np.zeros(2), np.eye(2))) == 0.0
    log_likelihood = np.sum(log_density(X, np.zeros(2), np.eye(2)))
    assert np.isfinite(log_likelihood) and log_likelihood < -2000


# ---------------------------------------------------------------------------
# Mahalanobis distance
# ---------------------------------------------------------------------------


@SETTINGS
@given(gaussian_problems())
def test_mahalanobis_matches_scipy(problem):
    X, mean, covariance = problem
    precision = np.linalg.inv(covariance)
    expected = np.array([scipy_mahalanobis(x, mean, precision) for x in X])
    distances = mahalanobis(X, mean, covariance)
    assert_allclose(distances, expected, rtol=1e-7, atol=1e-9)
    assert_allclose(mahalanobis(X, mean, covariance, squared=True), distances**2, rtol=1e-12)


def test_mahalanobis_is_euclidean_for_the_identity():
    X = np.array([[3.0, 4.0], [0.0, 0.0]])
    assert_allclose(mahalanobis(X, [0.0, 0.0], np.eye(2)), [5.0, 0.0])


# ---------------------------------------------------------------------------
# Maximum likelihood
# ---------------------------------------------------------------------------


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    n_samples=st.integers(1, 50),
    n_features=st.integers(1, 5),
)
def test_fit_gaussian_is_the_biased_sample_mean_and_covariance(seed, n_samples, n_features):
    X = np.random.RandomState(seed).standard_normal((n_samples, n_features)) * 5 + 3
    mean, covariance = fit_gaussian(X)
    assert mean.shape == (n_features,) and covariance.shape == (n_features, n_features)
    assert_allclose(mean, np.mean(X, axis=0), rtol=1e-12, atol=1e-12)
    expected = np.atleast_2d(np.cov(X.T, bias=True))
    assert_allclose(covariance, expected, rtol=1e-10, atol=1e-12)


def test_fit_univariate_gaussian_divides_by_n():
    x = np.array([1.0, 2.0, 4.0, 7.0])
    mean, variance = fit_univariate_gaussian(x)
    assert mean == pytest.approx(3.5)
    assert variance == pytest.approx(np.var(x))  # 5.25, not 7.0 (the N-1 version)
    assert variance == pytest.approx(5.25)


# ---------------------------------------------------------------------------
# Sampling
# ---------------------------------------------------------------------------


def test_sample_gaussian_is_reproducible_and_follows_the_documented_recipe():
    mean = np.array([1.0, -2.0, 0.5])
    covariance = random_spd(np.random.RandomState(3), 3)
    first = sample_gaussian(mean, covariance, 50, random_state=42)
    second = sample_gaussian(mean, covariance, 50, random_state=np.random.RandomState(42))
    other = sample_gaussian(mean, covariance, 50, random_state=43)
    assert first.shape == (50, 3)
    assert_array_equal(first, second)
    assert not np.allclose(first, other)
    lower = np.linalg.cholesky(covariance)
    recipe = mean + np.random.RandomState(42).standard_normal((50, 3)) @ lower.T
    assert_allclose(first, recipe, rtol=1e-12)


def test_sample_gaussian_moments_match_at_large_n():
    # With N = 200000 draws the standard error of the sample mean in
    # coordinate i is sqrt(Sigma_ii / N) and that of the sample covariance
    # entry (i, j) is sqrt((Sigma_ij^2 + Sigma_ii Sigma_jj) / N) (Gaussian
    # fourth moments).  We allow 5 standard errors per entry: a false alarm
    # has probability below 1e-6 per entry (and the seed is fixed anyway).
    n_samples = 200_000
    mean = np.array([2.0, -1.0, 0.0])
    covariance = np.array([[2.0, 0.8, -0.3], [0.8, 1.0, 0.2], [-0.3, 0.2, 0.5]])
    X = sample_gaussian(mean, covariance, n_samples, random_state=0)
    variances = np.diag(covariance)
    mean_tolerance = 5 * np.sqrt(variances / n_samples)
    covariance_tolerance = 5 * np.sqrt((covariance**2 + np.outer(variances, variances)) / n_samples)
    assert np.all(np.abs(X.mean(axis=0) - mean) < mean_tolerance)
    assert np.all(np.abs(np.cov(X.T, bias=True) - covariance) < covariance_tolerance)
    # The check is genuinely tight: under 2% of the largest variance.
    assert covariance_tolerance.max() < 0.02 * variances.max()


# ---------------------------------------------------------------------------
# Ellipses
# ---------------------------------------------------------------------------


def rotation(degrees):
    theta = np.radians(degrees)
    return np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])


def test_covariance_ellipse_of_diagonal_matrices():
    assert covariance_ellipse(np.diag([4.0, 1.0]), n_std=1.0) == CovarianceEllipse(2.0, 1.0, 0.0)
    assert covariance_ellipse(np.diag([1.0, 4.0]), n_std=1.0) == CovarianceEllipse(2.0, 1.0, 90.0)
    assert covariance_ellipse(np.diag([9.0, 1.0])) == CovarianceEllipse(6.0, 2.0, 0.0)


def test_covariance_ellipse_of_a_circle_has_angle_zero():
    assert covariance_ellipse(2.0 * np.eye(2), n_std=1.0) == pytest.approx((np.sqrt(2), np.sqrt(2), 0.0))


@pytest.mark.parametrize(
    "degrees, expected_angle",
    [(30.0, 30.0), (-45.0, -45.0), (89.0, 89.0), (120.0, -60.0), (-100.0, 80.0), (180.0, 0.0)],
)
def test_covariance_ellipse_of_a_rotated_matrix(degrees, expected_angle):
    r = rotation(degrees)
    covariance = r @ np.diag([9.0, 1.0]) @ r.T
    semi_major, semi_minor, angle = covariance_ellipse(covariance, n_std=2.0)
    assert semi_major == pytest.approx(6.0)
    assert semi_minor == pytest.approx(2.0)
    assert angle == pytest.approx(expected_angle, abs=1e-9)
    assert -90.0 < angle <= 90.0


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    n_std=st.floats(0.1, 5.0),
)
def test_ellipse_points_lie_on_the_mahalanobis_contour(seed, n_std):
    rng = np.random.RandomState(seed)
    covariance = random_spd(rng, 2, 10.0 ** rng.uniform(-2, 2, size=2))
    mean = rng.uniform(-5, 5, size=2)
    points = ellipse_points(mean, covariance, n_std=n_std, n_points=50)
    assert points.shape == (50, 2)
    centered = points - mean
    quadratic = np.einsum("nd,de,ne->n", centered, np.linalg.inv(covariance), centered)
    assert_allclose(quadratic, n_std**2, rtol=1e-8)
    assert_allclose(points[0], points[-1])  # closed curve
    # The first point is the end of the major axis, in the direction `angle`.
    semi_major, _, angle = covariance_ellipse(covariance, n_std=n_std)
    direction = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])
    assert_allclose(centered[0], semi_major * direction, rtol=1e-8, atol=1e-10)
    # ... which is the eigenvector of the largest eigenvalue.
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    assert abs(direction @ eigenvectors[:, 1]) == pytest.approx(1.0, abs=1e-8)


# ---------------------------------------------------------------------------
# Utilities
# ---------------------------------------------------------------------------


def test_standardize_gives_zero_mean_unit_std_and_is_invertible():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((100, 3)) * [1.0, 10.0, 0.1] + [5.0, -20.0, 3.0]
    Z, mean, std = standardize(X)
    assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    assert_allclose(Z.std(axis=0), 1.0, rtol=1e-12)
    assert_allclose(mean, X.mean(axis=0))
    assert_allclose(std, X.std(axis=0))
    assert_allclose(Z * std + mean, X, rtol=1e-12)


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_expand_covariances_every_layout(covariance_type):
    rng = np.random.RandomState(0)
    n_components, n_features = 3, 2
    full = np.array([random_spd(rng, n_features) for _ in range(n_components)])
    variances = rng.uniform(0.5, 2.0, size=(n_components, n_features))
    given_values, expected = {
        "full": (full, full),
        "tied": (full[0], np.array([full[0]] * n_components)),
        "diag": (variances, np.array([np.diag(v) for v in variances])),
        "spherical": (variances[:, 0], np.array([v * np.eye(n_features) for v in variances[:, 0]])),
    }[covariance_type]
    result = expand_covariances(given_values, covariance_type, n_components, n_features)
    assert result.shape == (n_components, n_features, n_features)
    assert_array_equal(result, expected)
    result[0, 0, 0] = -1.0  # a fresh array, not a view of the input
    assert given_values.ravel()[0] != -1.0


# ---------------------------------------------------------------------------
# Bad input: every case is a ValueError with a readable message
# ---------------------------------------------------------------------------

GOOD_MEAN = np.zeros(2)
GOOD_COV = np.eye(2)
GOOD_X = np.ones((4, 2))

BAD_INPUTS = [
    (lambda: univariate_log_density([0.0], 0.0, 0.0), "variance must be strictly positive"),
    (lambda: univariate_log_density([0.0], 0.0, -2.0), "standard deviation"),
    (lambda: univariate_log_density([[0.0]], 0.0, 1.0), "x must be a 0-D or 1-D array"),
    (lambda: univariate_log_density([np.nan], 0.0, 1.0), "NaN"),
    (lambda: univariate_log_density([0.0], [0.0, 1.0], 1.0), "mean must be a single real number"),
    (lambda: univariate_log_density([0.0], 0.0, np.inf), "variance must be a finite number"),
    (lambda: log_density(GOOD_X, GOOD_MEAN, [[1.0, 0.5], [0.0, 1.0]]), "covariance must be symmetric"),
    (lambda: log_density(GOOD_X, GOOD_MEAN, [[1.0, 2.0], [2.0, 1.0]]), "positive-definite"),
    (lambda: log_density(GOOD_X, GOOD_MEAN, np.eye(3)), r"covariance must have shape \(2, 2\)"),
    (lambda: log_density(GOOD_X, GOOD_MEAN, [1.0, 1.0]), "np.diag"),
    (lambda: log_density(np.ones((4, 3)), GOOD_MEAN, GOOD_COV), "X has 3 feature"),
    (lambda: log_density(np.ones(2), GOOD_MEAN, GOOD_COV), "reshape"),
    (lambda: log_density(GOOD_X, [[0.0, 0.0]], GOOD_COV), "mean must be a 1-D array"),
    (lambda: log_density([[np.inf, 0.0]], GOOD_MEAN, GOOD_COV), "infinite"),
    (lambda: log_density([["a", "b"]], GOOD_MEAN, GOOD_COV), "array of numbers"),
    (lambda: density(GOOD_X, GOOD_MEAN, -GOOD_COV), "positive-definite"),
    (lambda: naive_log_density(GOOD_X, GOOD_MEAN, np.eye(3)), r"covariance must have shape"),
    (lambda: mahalanobis(np.ones((4, 3)), GOOD_MEAN, GOOD_COV), "feature"),
    (lambda: fit_gaussian(np.ones(5)), "reshape"),
    (lambda: fit_gaussian(np.ones((0, 2))), "at least 1"),
    (lambda: fit_univariate_gaussian([]), "at least 1"),
    (lambda: sample_gaussian(GOOD_MEAN, GOOD_COV, 0), "n_samples must be at least 1"),
    (lambda: sample_gaussian(GOOD_MEAN, GOOD_COV, 2.5), "n_samples must be an integer"),
    (lambda: sample_gaussian(GOOD_MEAN, GOOD_COV, 5, random_state="seed"), "random_state"),
    (lambda: sample_gaussian(GOOD_MEAN, [[1.0, 0.0], [0.0, 0.0]], 5), "positive-definite"),
    (lambda: covariance_ellipse(np.eye(3)), "2 x 2"),
    (lambda: covariance_ellipse(GOOD_COV, n_std=0.0), "n_std must be strictly positive"),
    (lambda: covariance_ellipse(GOOD_COV, n_std="two"), "n_std must be a single real number"),
    (lambda: covariance_ellipse([[1.0, 3.0], [3.0, 1.0]]), "positive-definite"),
    (lambda: ellipse_points(GOOD_MEAN, GOOD_COV, n_points=2), "n_points must be at least 3"),
    (lambda: ellipse_points(np.zeros(3), GOOD_COV), r"mean must have shape \(2,\)"),
    (lambda: standardize([[1.0, 2.0], [1.0, 3.0]]), r"column\(s\) \[0\]"),
    (lambda: expand_covariances(np.ones(2), "round", 2, 2), "covariance_type"),
    (lambda: expand_covariances(np.ones(3), "spherical", 2, 2), r"shape \(2,\)"),
    (lambda: expand_covariances(-np.ones(2), "spherical", 2, 2), "strictly positive"),
]


@pytest.mark.parametrize("call, message", BAD_INPUTS, ids=[m for _, m in BAD_INPUTS])
def test_bad_input_raises_a_readable_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_module_exports_what_it_documents():
    for name in gaussian.__all__:
        assert hasattr(gaussian, name)
