"""Tests for gmm_lib.anomaly: calibrated thresholds and detection rates."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import roc_auc_score

from gmm_lib import GaussianMixture
from gmm_lib.anomaly import (
    detection_curve,
    detection_table,
    flag_anomalies,
    precision_at_prevalence,
    roc_auc,
    threshold_from_scores,
)


def test_threshold_is_the_order_statistic():
    scores = np.array([5.0, 1.0, 4.0, 2.0, 3.0, 9.0, 8.0, 7.0, 6.0])  # m = 9
    # j = floor(alpha * 10)
    assert threshold_from_scores(scores, 0.1) == 1.0
    assert threshold_from_scores(scores, 0.25) == 2.0
    assert threshold_from_scores(scores, 0.3) == 3.0   # 0.3 * 10 = 3 despite rounding
    assert threshold_from_scores(scores, 0.09) == -math.inf
    assert not flag_anomalies(scores, threshold_from_scores(scores, 0.09)).any()


@settings(max_examples=30, deadline=None)
@given(m=st.integers(5, 60), alpha=st.floats(0.02, 0.5))
def test_exact_false_positive_probability_by_exhaustive_exchangeability(m, alpha):
    # For m + 1 distinct exchangeable scores, the new one is equally likely to be
    # any of them; averaging over which one is "new" gives the exact probability.
    values = np.random.RandomState(m).permutation(m + 1).astype(float)
    flagged = 0
    for i in range(m + 1):
        calibration = np.delete(values, i)
        flagged += values[i] < threshold_from_scores(calibration, alpha)
    j = math.floor(alpha * (m + 1) + 1e-12)
    assert flagged == j
    assert flagged / (m + 1) <= alpha + 1e-12


def test_calibrated_threshold_holds_its_rate_on_new_data_and_training_quantile_does_not():
    # The guarantee is on average over calibration sets: average the realised
    # rate over 20 of them (its standard error is then about 0.002).
    rng = np.random.RandomState(0)
    train, fresh = rng.randn(60, 6), rng.randn(4000, 6)
    model = GaussianMixture(n_components=2, random_state=0).fit(train)
    fresh_scores = model.score_samples(fresh)
    rates = [np.mean(fresh_scores < threshold_from_scores(model.score_samples(rng.randn(300, 6)), 0.05))
             for _ in range(20)]
    assert np.mean(rates) < 0.055
    tau_train = threshold_from_scores(model.score_samples(train), 0.05)
    assert np.mean(fresh_scores < tau_train) > 0.1  # the overfitted in-sample threshold


def test_detection_table_counts():
    scores = np.array([-9.0, -8.0, -3.0, -2.0, -1.0, -5.0])
    is_anomaly = np.array([True, True, False, False, False, True])
    table = detection_table(scores, is_anomaly, [-8.5, -4.0, -10.0, 0.0])
    assert table.true_positives.tolist() == [1, 3, 0, 3]
    assert table.false_positives.tolist() == [0, 0, 0, 3]
    assert table.n_flagged.tolist() == [1, 3, 0, 6]
    assert_allclose(table.recall, [1 / 3, 1, 0, 1])
    assert_allclose(table.false_positive_rate, [0, 0, 0, 1])
    assert_allclose(table.precision[[0, 1, 3]], [1, 1, 0.5])
    assert np.isnan(table.precision[2])  # nothing flagged
    single = detection_table(scores, is_anomaly.astype(int), -4.0)
    assert single.recall.tolist() == [1.0]


@settings(max_examples=30, deadline=None)
@given(scores=arrays(np.float64, 25, elements=st.floats(-20, 5)),
       labels=arrays(np.bool_, 25))
def test_curve_and_auc_agree_with_brute_force_and_scikit_learn(scores, labels):
    if labels.all() or not labels.any():
        labels[0] = not labels[0]
    curve = detection_curve(scores, labels)
    assert np.all(np.diff(curve.recall) >= 0) and np.all(np.diff(curve.false_positive_rate) >= 0)
    assert curve.recall[-1] == 1.0 and curve.false_positive_rate[-1] == 1.0
    for t, r in zip(curve.thresholds, curve.recall):
        assert r == pytest.approx(np.mean(scores[labels] < t))
    pairs = scores[labels][:, None] - scores[~labels][None, :]
    brute = np.mean(pairs < 0) + 0.5 * np.mean(pairs == 0)
    assert roc_auc(scores, labels) == pytest.approx(brute)
    assert roc_auc(scores, labels) == pytest.approx(roc_auc_score(labels, -scores))


def test_precision_at_prevalence():
    assert precision_at_prevalence(0.9, 0.05, 0.5) == pytest.approx(0.45 / 0.475)
    assert precision_at_prevalence(0.9, 0.05, 0.05) == pytest.approx(0.045 / (0.045 + 0.0475))
    values = precision_at_prevalence([0.5, 0.0], [0.1, 0.0], 0.2)
    assert values[0] == pytest.approx(0.1 / (0.1 + 0.08))
    assert np.isnan(values[1])
    # At the test set's own prevalence it reproduces the measured precision.
    scores = np.array([-9.0, -8.0, -3.0, -2.0, -1.0, -5.0, -7.0, -0.5])
    labels = np.array([1, 1, 0, 0, 0, 1, 0, 0], dtype=bool)
    table = detection_table(scores, labels, [-7.5, -4.0, -1.5])
    assert_allclose(precision_at_prevalence(table.recall, table.false_positive_rate, 3 / 8),
                    table.precision)


def test_flag_anomalies_is_strictly_below():
    assert_array_equal(flag_anomalies([1.0, 2.0, 3.0], 2.0), [True, False, False])
    assert flag_anomalies([1.0, 2.0], math.inf).all()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: threshold_from_scores([1.0, 2.0], 0.0), "strictly between"),
        (lambda: threshold_from_scores([1.0, 2.0], 1.5), "strictly between"),
        (lambda: threshold_from_scores([[1.0, 2.0]], 0.1), "1-D"),
        (lambda: threshold_from_scores([1.0, np.nan], 0.1), "NaN"),
        (lambda: threshold_from_scores([1.0, 2.0], "5%"), "number"),
        (lambda: flag_anomalies([1.0], [0.0, 1.0]), "single number"),
        (lambda: detection_table([1.0, 2.0], [True, True], [0.0]), "both anomalies and normal"),
        (lambda: detection_table([1.0, 2.0], [True], [0.0]), "one flag per score"),
        (lambda: detection_table([1.0, 2.0], [2, 0], [0.0]), "booleans or 0/1"),
        (lambda: detection_table([1.0, 2.0], [1, 0], [np.nan]), "no NaN"),
        (lambda: roc_auc([1.0, 2.0], [0, 0]), "both anomalies and normal"),
        (lambda: precision_at_prevalence([0.5], [0.1, 0.2], 0.1), "same shape"),
        (lambda: precision_at_prevalence(1.5, 0.1, 0.1), r"\[0, 1\]"),
        (lambda: precision_at_prevalence(0.5, 0.1, 1.0), "strictly between"),
    ],
)
def test_bad_input_gives_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
