"""Tests for the textbook data sets (ESL section 8.5.1, MML chapter 11) and their EM fits.

The numbers asserted here are computed by gmm_lib (the appendix "Reproducing
the textbooks" derives and explains them); the ESL printed estimates are the
values quoted in that appendix.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from gmm_lib.datasets import MMLExample, load_esl_mixture_example, load_mml_example
from gmm_lib.mixture import e_step, log_likelihood, m_step, run_em

ESL_PRINTED = np.array([4.62, 0.87, 1.06, 0.77, 0.546])   # (mu1, var1, mu2, var2, pi)
ESL_DECIMALS = (2, 2, 2, 2, 3)
ESL_FIXED_POINT = np.array([4.65591281, 0.81879357, 1.08316181, 0.81137062, 0.55459023])


def esl_to_arrays(theta):
    mu1, var1, mu2, var2, pi = theta
    return np.array([1.0 - pi, pi]), np.array([[mu1], [mu2]]), np.array([var1, var2])


def arrays_to_esl(weights, means, variances):
    return np.array([means[0, 0], variances[0], means[1, 0], variances[1], weights[1]])


def esl_history(theta0, max_iter, tol=0.0):
    X = load_esl_mixture_example().reshape(-1, 1)
    result = run_em(X, *esl_to_arrays(theta0), "spherical", reg_covar=0.0, tol=tol,
                    max_iter=max_iter, record_history=True)
    return result["history"]


###############################################################################
# The loaders


def test_esl_data_is_table_8_1_in_order():
    y = load_esl_mixture_example()
    assert y.shape == (20,) and y.dtype == np.float64
    assert_array_equal(y[:3], [-0.39, 0.12, 0.94])
    assert_array_equal(y[-3:], [4.60, 5.28, 6.22])
    assert_allclose(y.sum(), 53.49)
    assert_allclose(y.mean(), 2.6745)
    assert_allclose([y.var(), y.var(ddof=1)], [3.96777475, 4.176605])
    assert np.unique(y).size == 20          # no ties: the 190 ESL starts are distinct


def test_mml_example_values():
    example = load_mml_example()
    assert isinstance(example, MMLExample)
    assert_array_equal(example.x, [-3.0, -2.5, -1.0, 0.0, 2.0, 4.0, 5.0])
    assert_array_equal(example.means, [-4.0, 0.0, 8.0])
    assert_array_equal(example.variances, [1.0, 0.2, 3.0])
    assert_allclose(example.weights, np.full(3, 1 / 3))
    assert_allclose(example.weights.sum(), 1.0)
    for array in example:
        assert array.dtype == np.float64


def test_loaders_return_fresh_copies():
    y = load_esl_mixture_example()
    y[0] = 1000.0
    assert load_esl_mixture_example()[0] == -0.39
    example = load_mml_example()
    example.x[:] = 0.0
    example.variances[0] = 99.0
    fresh = load_mml_example()
    assert fresh.x[0] == -3.0 and fresh.variances[0] == 1.0


###############################################################################
# ESL: fixed point and the printed (not yet converged) estimates


@pytest.mark.parametrize(
    "theta0",
    [[4.0, 1.0, 1.0, 1.0, 0.5], [6.0, 4.0, 0.0, 4.0, 0.5], [3.0, 0.5, 2.0, 2.0, 0.3]],
)
def test_esl_fixed_point_from_several_starts(theta0):
    final = esl_history(theta0, max_iter=300)[-1]
    theta = arrays_to_esl(final["weights"], final["means"], final["covariances"])
    assert_allclose(theta, ESL_FIXED_POINT, atol=1e-8)
    assert_allclose(final["log_likelihood"], -38.91337151, atol=1e-7)


def test_esl_fixed_point_is_not_the_printed_estimates():
    rounded = [round(v, d) for v, d in zip(ESL_FIXED_POINT, ESL_DECIMALS)]
    assert rounded == [4.66, 0.82, 1.08, 0.81, 0.555]
    assert all(r != p for r, p in zip(rounded, ESL_PRINTED))
    X = load_esl_mixture_example().reshape(-1, 1)
    gap = (log_likelihood(X, *esl_to_arrays(ESL_FIXED_POINT), "spherical")
           - log_likelihood(X, *esl_to_arrays(ESL_PRINTED), "spherical"))
    assert_allclose(gap, 0.0102, atol=1e-4)


def test_esl_iterate_20_rounds_to_the_printed_estimates():
    y = load_esl_mixture_example()
    variance = y.var(ddof=1)
    history = esl_history([2.44, variance, 0.94, variance, 0.5], max_iter=25)
    path = np.array([arrays_to_esl(s["weights"], s["means"], s["covariances"]) for s in history])
    # Component 1 starts at 2.44 and ends as the upper group, as in ESL's labelling.
    matches = [t for t, theta in enumerate(path)
               if all(round(v, d) == p for v, d, p in zip(theta, ESL_DECIMALS, ESL_PRINTED))]
    assert matches == [20]


def test_one_em_step_moves_the_printed_estimates_more_than_rounding_allows():
    X = load_esl_mixture_example().reshape(-1, 1)
    responsibilities, _ = e_step(X, *esl_to_arrays(ESL_PRINTED), covariance_type="spherical")
    step = arrays_to_esl(*m_step(X, responsibilities, "spherical", reg_covar=0.0)) - ESL_PRINTED
    radius = np.linalg.norm([0.005, 0.005, 0.005, 0.005, 0.0005])
    assert np.linalg.norm(step) > 2 * radius            # beats (1 + L) r for any L < 1
    # and it points towards the fixed point in every coordinate
    assert_array_equal(np.sign(step), np.sign(ESL_FIXED_POINT - ESL_PRINTED))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 19), st.integers(0, 19), st.booleans())
def test_esl_starts_increase_the_likelihood_and_reach_the_fixed_point(i, j, unbiased):
    """ESL's algorithm: two data points as means, the overall variance, pi = 0.5."""
    if i == j:
        j = (i + 1) % 20
    y = load_esl_mixture_example()
    variance = y.var(ddof=1 if unbiased else 0)
    history = esl_history([y[i], variance, y[j], variance, 0.5], max_iter=1000, tol=1e-10)
    values = np.array([s["log_likelihood"] for s in history])
    assert np.all(np.diff(values) >= -1e-10)
    assert_allclose(values[-1], -38.91337151, atol=1e-6)


###############################################################################
# MML: first E-step, first M-step, converged fit


@pytest.fixture
def mml():
    example = load_mml_example()
    return example, example.x.reshape(-1, 1), example.means.reshape(-1, 1)


def test_mml_first_e_step(mml):
    example, X, means = mml
    gamma, total = e_step(X, example.weights, means, example.variances, "spherical")
    assert_allclose(gamma.sum(axis=1), 1.0)
    assert_allclose(np.round(gamma[2], 3), [0.057, 0.943, 0.0])    # x = -1
    assert_allclose(np.round(gamma[4], 3), [0.0, 0.066, 0.934])    # x = 2
    assert_allclose(gamma[3, 0], 1.5e-4, rtol=0.05)               # x = 0: prints as 0.000
    assert_allclose(total, -28.3255, atol=1e-4)


def test_mml_first_m_step_to_the_books_precision(mml):
    example, X, means = mml
    gamma, _ = e_step(X, example.weights, means, example.variances, "spherical")
    weights, new_means, variances = m_step(X, gamma, "spherical", reg_covar=0.0)
    assert_allclose(np.round(new_means[:, 0], 2), [-2.70, -0.40, 3.70])
    assert_allclose(np.round(variances, 2), [0.14, 0.44, 1.53])
    assert_allclose(np.round(weights, 2), [0.29, 0.29, 0.42])
    # the default reg_covar adds exactly 1e-6 to every variance
    _, _, regularised = m_step(X, gamma, "spherical")
    assert_allclose(regularised - variances, 1e-6, rtol=1e-6)


def test_mml_converged_fit(mml):
    example, X, means = mml
    result = run_em(X, example.weights, means, example.variances, "spherical", reg_covar=0.0,
                    tol=0.0, max_iter=100, record_history=True)
    values = np.array([s["log_likelihood"] for s in result["history"]])
    assert np.all(np.diff(values) >= -1e-12)
    assert_allclose(values[[0, 1]], [-28.325536, -14.410485], atol=1e-6)
    assert_allclose(values[-1], -13.973323, atol=1e-6)
    assert_allclose(np.round(result["weights"], 2), [0.29, 0.28, 0.43])
    assert_allclose(np.round(result["means"][:, 0], 2), [-2.75, -0.50, 3.64])
    assert_allclose(np.round(result["covariances"], 2), [0.06, 0.25, 1.63])
