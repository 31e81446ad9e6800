"""Anomaly detection with a density: thresholds on log-densities and their error rates.

A density model of *normal* data, such as a Gaussian mixture, scores a point
by its log-density ``s(x) = ln p(x)`` (``GaussianMixture.score_samples``):
high means typical, low means unusual.  A point is **flagged** as an anomaly
when ``s(x) < tau``.  This module chooses ``tau`` and measures what it does.

* :func:`threshold_from_scores` turns a target false-positive rate ``alpha``
  into a threshold, from the scores of normal points: an order statistic
  that, on points *not used to fit the model*, flags a new normal point with
  probability at most ``alpha``.
* :func:`detection_table` and :func:`detection_curve` count, on labelled
  test data, true and false positives at given thresholds or at all of
  them: precision, recall and false-positive rate.
* :func:`roc_auc` summarises the ranking by the probability that an
  anomaly scores below a normal point.
* :func:`precision_at_prevalence` converts recall and false-positive rate
  into the precision one would see at another anomaly rate.

Convention throughout: a **lower** score is **more anomalous**, and
``is_anomaly`` is True (or 1) for an anomaly.
"""

import math
from collections import namedtuple

import numpy as np
from scipy.stats import rankdata

from ._validation import check_array

__all__ = [
    "DetectionTable",
    "threshold_from_scores",
    "flag_anomalies",
    "detection_table",
    "detection_curve",
    "roc_auc",
    "precision_at_prevalence",
]

DetectionTable = namedtuple(
    "DetectionTable",
    ["thresholds", "n_flagged", "true_positives", "false_positives", "precision", "recall",
     "false_positive_rate"],
)
DetectionTable.__doc__ = """\
Detection counts and rates at several thresholds (rule: flag ``score < threshold``).

Attributes
----------
thresholds : ndarray of shape (T,)
n_flagged : ndarray of shape (T,)
    Points flagged, ``TP + FP``.
true_positives : ndarray of shape (T,)
    Anomalies flagged.
false_positives : ndarray of shape (T,)
    Normal points flagged.
precision : ndarray of shape (T,)
    ``TP / (TP + FP)``, the fraction of flagged points that are anomalies;
    NaN where nothing is flagged.
recall : ndarray of shape (T,)
    ``TP / (number of anomalies)``, the fraction of anomalies caught (the
    true-positive rate, or sensitivity).
false_positive_rate : ndarray of shape (T,)
    ``FP / (number of normal points)``, the fraction of normal points flagged.
"""


def _check_scores(scores, name="scores"):
    return check_array(scores, name=name, ndim=1)


def _check_is_anomaly(is_anomaly, n_samples, need_both=True):
    labels = np.asarray(is_anomaly)
    if labels.shape != (n_samples,):
        raise ValueError(
            f"is_anomaly must have shape ({n_samples},), one flag per score, but has "
            f"shape {labels.shape}."
        )
    if labels.dtype.kind == "b":
        flags = labels
    elif labels.dtype.kind in "iuf" and np.isin(labels, (0, 1)).all():
        flags = labels.astype(bool)
    else:
        raise ValueError(
            "is_anomaly must hold booleans or 0/1 values (True or 1 for an anomaly)."
        )
    if need_both and (flags.all() or not flags.any()):
        raise ValueError(
            "is_anomaly must contain both anomalies and normal points: precision, recall "
            "and false-positive rate need at least one of each."
        )
    return flags


def _check_rate(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number in (0, 1), got {value!r}.")
    value = float(value)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value}.")
    return value


def threshold_from_scores(scores, false_positive_rate):
    """Threshold flagging at most a fraction ``alpha`` of new normal points.

    With ``m`` scores ``s_(1) <= ... <= s_(m)`` of normal points, the
    threshold is the order statistic ``s_(j)`` with
    ``j = floor(alpha (m + 1))``, and the rule flags ``s < s_(j)``.  If the
    scored points are exchangeable with a new normal point -- true for a
    *held-out* calibration set, not for the points the model was fitted on
    -- the new point is flagged with probability ``j / (m + 1) <= alpha``
    (at most ``alpha`` also when scores tie).  On the training points
    themselves the threshold is optimistic: their scores are inflated by the
    fit, so new normal points are flagged more often.

    Parameters
    ----------
    scores : array-like of shape (m,)
        Log-densities of normal points (e.g. ``model.score_samples(X_normal)``).
    false_positive_rate : float in (0, 1)
        The target ``alpha``.

    Returns
    -------
    threshold : float
        ``s_(j)``; ``-inf`` (nothing is ever flagged) when ``m + 1 < 1 / alpha``,
        since so few scores cannot certify the rate.
    """
    scores = _check_scores(scores)
    alpha = _check_rate(false_positive_rate, "false_positive_rate")
    rank = math.floor(alpha * (scores.shape[0] + 1) + 1e-12)
    if rank < 1:
        return -math.inf
    return float(np.partition(scores, rank - 1)[rank - 1])


def flag_anomalies(scores, threshold):
    """Flag the points whose score is below the threshold: ``scores < threshold``.

    Parameters
    ----------
    scores : array-like of shape (N,)
    threshold : float
        May be ``-inf`` (flag nothing) or ``inf`` (flag everything).

    Returns
    -------
    flagged : ndarray of bool, shape (N,)
    """
    scores = _check_scores(scores)
    threshold = np.asarray(threshold, dtype=np.float64)
    if threshold.ndim != 0 or np.isnan(threshold):
        raise ValueError(f"threshold must be a single number, got {threshold!r}.")
    return scores < float(threshold)


def _table(scores, flags, thresholds):
    anomalous = np.sort(scores[flags])
    normal = np.sort(scores[~flags])
    true_positives = np.searchsorted(anomalous, thresholds, side="left")
    false_positives = np.searchsorted(normal, thresholds, side="left")
    n_flagged = true_positives + false_positives
    precision = np.full(thresholds.shape, np.nan)
    some = n_flagged > 0
    precision[some] = true_positives[some] / n_flagged[some]
    return DetectionTable(
        thresholds, n_flagged, true_positives, false_positives, precision,
        true_positives / anomalous.size, false_positives / normal.size,
    )


def detection_table(scores, is_anomaly, thresholds):
    """Counts, precision, recall and false-positive rate at the given thresholds.

    Parameters
    ----------
    scores : array-like of shape (N,)
        Log-densities of labelled test points (lower = more anomalous).
    is_anomaly : array-like of shape (N,)
        True (or 1) for the anomalies; both kinds must occur.
    thresholds : float or array-like of shape (T,)
        Each one defines the rule ``score < threshold``.

    Returns
    -------
    table : DetectionTable
    """
    scores = _check_scores(scores)
    flags = _check_is_anomaly(is_anomaly, scores.shape[0])
    thresholds = np.atleast_1d(np.asarray(thresholds, dtype=np.float64))
    if thresholds.ndim != 1 or np.isnan(thresholds).any():
        raise ValueError("thresholds must be a number or a 1-D array of numbers (no NaN).")
    return _table(scores, flags, thresholds)


def detection_curve(scores, is_anomaly):
    """Precision, recall and false-positive rate at every possible threshold.

    One row per distinct score ``s``, with the threshold just above it
    (``numpy.nextafter(s, inf)``), so row ``i`` flags every point scoring
    at most the ``i``-th smallest distinct score.  Recall and false-positive
    rate increase down the table; the last row flags everything.  Plot
    recall against false-positive rate for the ROC curve, precision against
    recall for the precision-recall curve.

    Parameters
    ----------
    scores : array-like of shape (N,)
    is_anomaly : array-like of shape (N,)

    Returns
    -------
    curve : DetectionTable
    """
    scores = _check_scores(scores)
    flags = _check_is_anomaly(is_anomaly, scores.shape[0])
    thresholds = np.nextafter(np.unique(scores), np.inf)
    return _table(scores, flags, thresholds)


def roc_auc(scores, is_anomaly):
    """Area under the ROC curve: the chance that an anomaly scores below a normal point.

    ``AUC = P(s_anomaly < s_normal) + P(s_anomaly = s_normal) / 2`` over all
    (anomaly, normal) pairs of the data, computed from ranks (the
    Mann-Whitney statistic).  1 is a perfect ranking, 0.5 a random one.

    Parameters
    ----------
    scores : array-like of shape (N,)
    is_anomaly : array-like of shape (N,)

    Returns
    -------
    auc : float
    """
    scores = _check_scores(scores)
    flags = _check_is_anomaly(is_anomaly, scores.shape[0])
    ranks = rankdata(scores)  # ties get their average rank
    n_normal = int((~flags).sum())
    n_anomalous = int(flags.sum())
    pairs_won = ranks[~flags].sum() - n_normal * (n_normal + 1) / 2.0
    return float(pairs_won / (n_normal * n_anomalous))


def precision_at_prevalence(recall, false_positive_rate, prevalence):
    """Precision at another anomaly rate, from recall and false-positive rate.

    By Bayes' rule, if a fraction ``p`` of the points are anomalies,

        precision = recall * p / (recall * p + false_positive_rate * (1 - p)).

    Recall and false-positive rate are properties of the detector; precision
    also depends on how rare anomalies are.

    Parameters
    ----------
    recall : float or array-like
    false_positive_rate : float or array-like
        Same shape as ``recall`` (or broadcastable), values in [0, 1].
    prevalence : float in (0, 1)

    Returns
    -------
    precision : float or ndarray
        NaN where nothing would be flagged (``recall = fpr = 0``).
    """
    recall = np.asarray(check_array(np.atleast_1d(recall), name="recall", ndim=1))
    fpr = np.asarray(check_array(np.atleast_1d(false_positive_rate),
                                 name="false_positive_rate", ndim=1))
    if recall.shape != fpr.shape:
        raise ValueError(
            f"recall and false_positive_rate must have the same shape, got {recall.shape} "
            f"and {fpr.shape}."
        )
    for name, values in (("recall", recall), ("false_positive_rate", fpr)):
        if values.min() < 0.0 or values.max() > 1.0:
            raise ValueError(f"{name} must lie in [0, 1].")
    p = _check_rate(prevalence, "prevalence")
    caught = recall * p
    flagged = caught + fpr * (1.0 - p)
    precision = np.full(recall.shape, np.nan)
    some = flagged > 0
    precision[some] = caught[some] / flagged[some]
    if np.ndim(false_positive_rate) == 0 and np.ndim(recall) == 0:
        return float(precision[0])
    return precision
