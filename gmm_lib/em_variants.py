r"""Hard (classification) EM and stochastic EM: EM with the E-step made hard or random.

Plain EM (:func:`gmm_lib.mixture.run_em`) gives every point to every
component in proportion to the responsibilities :math:`\gamma(z_{nk})`.
The two variants here replace that soft E-step by a single label per point
and then run the usual M-step on those hard labels:

* **classification EM** (CEM, Celeux & Govaert 1992) -- the *C-step*
  :func:`classification_step` gives every point to its most responsible
  component, :math:`z_n = \arg\max_k \gamma(z_{nk})`.  The pair of steps
  maximises the *classification log-likelihood*
  :func:`classification_log_likelihood`,
  :math:`C(\mathbf{z}, \theta) = \sum_n \ln \pi_{z_n} \mathcal{N}(\mathbf{x}_n \mid
  \mu_{z_n}, \Sigma_{z_n})`, which never decreases, and the partition stops
  changing after finitely many iterations.  :func:`run_hard_em`.
* **stochastic EM** (SEM, Celeux & Diebolt 1985) -- the *S-step*
  :func:`sample_assignments` draws every label at random from the
  responsibilities, :math:`z_n \sim \mathrm{Cat}(\gamma(z_{n1}), \dots,
  \gamma(z_{nK}))`.  The parameters then form a Markov chain that does not
  settle on a point but fluctuates around a maximum of the likelihood; its
  estimate is the average of the chain after a burn-in.
  :func:`run_stochastic_em`.

Both loops reuse the E-step and M-step of :mod:`gmm_lib.mixture` (the M-step
is fed one-hot responsibilities) and return a dict with the keys of
:func:`gmm_lib.mixture.run_em` (``weights``, ``means``, ``covariances``,
``precisions_cholesky``, ``lower_bounds``, ``n_iter``, ``converged``,
``history``) plus a trace ``log_likelihoods`` of the total
:math:`\ln p(\mathbf{X} \mid \theta_t)` for ``t = 0, ..., n_iter``.
"""

import numpy as np
from scipy.special import logsumexp

from . import _covariance
from ._validation import (
    check_n_components,
    check_non_negative_float,
    check_positive_int,
    check_random_state,
    check_responsibilities,
)
from .mixture import (
    _check_mixture_parameters,
    _e_step,
    _m_step,
    _snapshot,
    _weighted_log_probabilities,
)

__all__ = [
    "classification_step",
    "sample_assignments",
    "classification_log_likelihood",
    "run_hard_em",
    "run_stochastic_em",
]


###############################################################################
# The steps


def _one_hot(labels, n_components):
    responsibilities = np.zeros((labels.shape[0], n_components))
    responsibilities[np.arange(labels.shape[0]), labels] = 1.0
    return responsibilities


def classification_step(responsibilities):
    r"""C-step: give every point to its most responsible component.

    :math:`z_n = \arg\max_k \gamma(z_{nk})`; ties go to the lowest index.
    With the parameters fixed this maximises the classification
    log-likelihood over the labels, because
    :math:`\ln \pi_k \mathcal{N}(\mathbf{x}_n \mid \mu_k, \Sigma_k) =
    \ln p(\mathbf{x}_n) + \ln \gamma(z_{nk})` and ``ln p(x_n)`` does not
    depend on ``k``.

    Parameters
    ----------
    responsibilities : array-like of shape (n_samples, n_components)
        Rows are probabilities (non-negative, summing to one).

    Returns
    -------
    labels : ndarray of shape (n_samples,), dtype int
    """
    responsibilities = check_responsibilities(responsibilities)
    return np.argmax(responsibilities, axis=1)


def _sample_assignments(responsibilities, random_state):
    # Inverse-CDF sampling, one uniform draw per point: z_n is the first k
    # whose cumulative responsibility exceeds u_n.  Dividing by the last
    # cumulative sum makes it exactly 1, so rounding can never push u_n past
    # the end (nor pick a component of zero responsibility).
    cumulative = np.cumsum(responsibilities, axis=1)
    cumulative /= cumulative[:, -1:]
    uniforms = random_state.uniform(size=responsibilities.shape[0])
    return np.sum(cumulative < uniforms[:, np.newaxis], axis=1)


def sample_assignments(responsibilities, random_state=None):
    r"""S-step: draw every point's label from its responsibilities.

    :math:`z_n \sim \mathrm{Cat}(\gamma(z_{n1}), \dots, \gamma(z_{nK}))`,
    independently for every point, by inverse-CDF sampling with one uniform
    number per point (so the same ``random_state`` gives the same labels).

    Parameters
    ----------
    responsibilities : array-like of shape (n_samples, n_components)
        Rows are probabilities (non-negative, summing to one).
    random_state : None, int or numpy.random.RandomState

    Returns
    -------
    labels : ndarray of shape (n_samples,), dtype int
        A component of zero responsibility is never drawn.
    """
    responsibilities = check_responsibilities(responsibilities)
    random_state = check_random_state(random_state)
    return _sample_assignments(responsibilities, random_state)


def _check_labels(labels, n_samples, n_components):
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.shape[0] != n_samples:
        raise ValueError(
            f"labels must be a 1-D array with one entry per sample ({n_samples}), "
            f"but it has shape {labels.shape}."
        )
    if labels.size and labels.dtype.kind not in "iu":
        if not (labels.dtype.kind == "f" and np.all(np.isfinite(labels))
                and np.all(labels == np.round(labels))):
            raise ValueError(
                f"labels must be integers (component indices), got dtype {labels.dtype}."
            )
    labels = labels.astype(np.intp)
    if labels.size and (labels.min() < 0 or labels.max() >= n_components):
        raise ValueError(
            f"labels must lie in [0, n_components - 1] = [0, {n_components - 1}], but "
            f"the range is [{labels.min()}, {labels.max()}]."
        )
    return labels


def _classification_log_likelihood(weighted_log_prob, labels):
    return float(weighted_log_prob[np.arange(labels.shape[0]), labels].sum())


def classification_log_likelihood(X, labels, weights, means, covariances, covariance_type="full"):
    r"""The classification log-likelihood that hard EM maximises.

    .. math::

        C(\mathbf{z}, \theta) = \sum_{n=1}^N \ln\bigl(\pi_{z_n}\,
        \mathcal{N}(\mathbf{x}_n \mid \mu_{z_n}, \Sigma_{z_n})\bigr)
        = \ln p(\mathbf{X} \mid \theta) + \sum_{n=1}^N \ln \gamma(z_{n z_n}) ,

    the log-likelihood of the points *and* their labels.  It never exceeds
    ``ln p(X | theta)``, with equality only when every point's label has
    responsibility one.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
        Component index of every point.
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        In the layout of ``covariance_type``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    classification_log_likelihood : float
        ``-inf`` if some point carries the label of a component of weight 0.
    """
    X, weights, means, covariances = _check_mixture_parameters(
        X, weights, means, covariances, covariance_type
    )
    labels = _check_labels(labels, X.shape[0], means.shape[0])
    precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
        covariances, covariance_type
    )
    weighted = _weighted_log_probabilities(X, weights, means, precisions_cholesky, covariance_type)
    return _classification_log_likelihood(weighted, labels)


###############################################################################
# The M-step on hard labels


def _keep_previous_components(new, previous, keep, covariance_type):
    """Components flagged in ``keep`` take their mean and covariance from ``previous``."""
    means, covariances = new
    old_means, old_covariances = previous
    means = means.copy()
    means[keep] = old_means[keep]
    if covariance_type != "tied":
        covariances = covariances.copy()
        covariances[keep] = old_covariances[keep]
    return means, covariances


def _hard_m_step(X, labels, n_components, covariance_type, reg_covar, means, covariances):
    """M-step of :func:`gmm_lib.mixture.m_step` on one-hot responsibilities.

    The weights are the exact label proportions.  A component that received
    no point keeps its mean and covariance (an empty average is undefined)
    and gets weight 0.
    """
    counts = np.bincount(labels, minlength=n_components)
    _, new_means, new_covariances = _m_step(
        X, _one_hot(labels, n_components), covariance_type, reg_covar
    )
    new_means, new_covariances = _keep_previous_components(
        (new_means, new_covariances), (means, covariances), counts == 0, covariance_type
    )
    return counts / X.shape[0], new_means, new_covariances


def _check_common(X, weights, means, covariances, covariance_type, reg_covar):
    X, weights, means, covariances = _check_mixture_parameters(
        X, weights, means, covariances, covariance_type
    )
    check_n_components(means.shape[0], X.shape[0])
    reg_covar = check_non_negative_float(reg_covar, "reg_covar")
    return X, weights, means, covariances, reg_covar


def _total_log_likelihood(X, weights, means, precisions_cholesky, covariance_type):
    weighted = _weighted_log_probabilities(X, weights, means, precisions_cholesky, covariance_type)
    return float(logsumexp(weighted, axis=1).sum())


###############################################################################
# Classification EM


def run_hard_em(
    X,
    weights,
    means,
    covariances,
    covariance_type="full",
    reg_covar=1e-6,
    max_iter=100,
    record_history=False,
):
    r"""Classification EM (hard EM): E-step, C-step, M-step on the labels, repeat.

    Iteration ``t`` computes the responsibilities under
    :math:`\theta_{t-1}` (E-step), gives every point to its most responsible
    component (C-step, :func:`classification_step`) and re-estimates the
    parameters from those hard labels (the M-step of
    :func:`gmm_lib.mixture.m_step` with one-hot responsibilities): weights
    are the label proportions, means and covariances those of the points
    of each class.  It stops when the labels are those of the previous
    iteration -- the parameters are then a fixed point -- or after
    ``max_iter`` iterations.

    With ``reg_covar=0`` the classification log-likelihood
    :func:`classification_log_likelihood` of (labels, parameters) never
    decreases, and since there are finitely many partitions it stops
    changing after finitely many iterations.  The mixture log-likelihood
    ``ln p(X | theta)`` may go either way: hard EM does not maximise it.

    A component that receives no point keeps its mean and covariance and
    gets weight 0: it is switched off for good (a known tendency of the
    classification likelihood, which rewards empty classes).  With full
    covariances a class of fewer than ``n_features + 1`` points has a
    singular scatter matrix, of which only ``reg_covar`` is left.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        Initial covariances in the layout of ``covariance_type``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    reg_covar : float, default=1e-6
        Added to the diagonal of every covariance, as in EM.
    max_iter : int, default=100
    record_history : bool, default=False
        Keep the parameters theta_0, ..., theta_T and their log-likelihoods.

    Returns
    -------
    result : dict
        ``weights``, ``means``, ``covariances``, ``precisions_cholesky``
        (final parameters); ``labels`` (the final partition);
        ``lower_bounds`` (list: ``ln p(X | theta) / N`` of the parameters
        entering each iteration, as in :func:`gmm_lib.mixture.run_em`);
        ``log_likelihoods`` (ndarray of shape (n_iter + 1,): total
        ``ln p(X | theta_t)``, t = 0..n_iter); ``classification_log_likelihoods``
        (ndarray of shape (n_iter,): ``C(z_t, theta_t)`` after each M-step,
        non-decreasing when ``reg_covar=0``); ``n_iter``; ``converged``
        (the labels stopped changing); ``history`` (None, or dicts
        ``{"weights", "means", "covariances", "log_likelihood"}`` for
        theta_0..theta_T, as in :func:`gmm_lib.mixture.run_em`).
    """
    X, weights, means, covariances, reg_covar = _check_common(
        X, weights, means, covariances, covariance_type, reg_covar
    )
    max_iter = check_positive_int(max_iter, "max_iter")
    n_samples, n_components = X.shape[0], means.shape[0]
    precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
        covariances, covariance_type
    )
    history = [_snapshot(weights, means, covariances)] if record_history else None
    log_likelihoods, classification_values = [], []
    labels = previous_labels = None
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        responsibilities, total = _e_step(X, weights, means, precisions_cholesky, covariance_type)
        log_likelihoods.append(total)
        if record_history:
            history[-1]["log_likelihood"] = total
        labels = np.argmax(responsibilities, axis=1)  # the C-step
        weights, means, covariances = _hard_m_step(
            X, labels, n_components, covariance_type, reg_covar, means, covariances
        )
        precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
            covariances, covariance_type
        )
        weighted = _weighted_log_probabilities(
            X, weights, means, precisions_cholesky, covariance_type
        )
        classification_values.append(_classification_log_likelihood(weighted, labels))
        if record_history:
            history.append(_snapshot(weights, means, covariances))
        if previous_labels is not None and np.array_equal(labels, previous_labels):
            converged = True
            break
        previous_labels = labels
    final_total = _total_log_likelihood(X, weights, means, precisions_cholesky, covariance_type)
    log_likelihoods.append(final_total)
    if record_history:
        history[-1]["log_likelihood"] = final_total
    return {
        "weights": weights,
        "means": means,
        "covariances": covariances,
        "precisions_cholesky": precisions_cholesky,
        "labels": labels,
        "lower_bounds": [value / n_samples for value in log_likelihoods[:-1]],
        "log_likelihoods": np.array(log_likelihoods),
        "classification_log_likelihoods": np.array(classification_values),
        "n_iter": n_iter,
        "converged": converged,
        "history": history,
    }


###############################################################################
# Stochastic EM


def _stochastic_m_step(X, labels, weights, means, covariances, covariance_type, reg_covar,
                       min_count):
    """M-step on sampled labels; classes smaller than ``min_count`` keep their parameters.

    Such a class keeps its previous weight, mean and covariance; the other
    classes share the remaining weight in proportion to their counts.
    """
    n_components = means.shape[0]
    counts = np.bincount(labels, minlength=n_components)
    _, new_means, new_covariances = _m_step(
        X, _one_hot(labels, n_components), covariance_type, reg_covar
    )
    small = counts < min_count
    if not small.any():
        return counts / X.shape[0], new_means, new_covariances
    new_means, new_covariances = _keep_previous_components(
        (new_means, new_covariances), (means, covariances), small, covariance_type
    )
    new_weights = weights.copy()
    kept = counts[~small].sum()
    new_weights[~small] = (1.0 - weights[small].sum()) * counts[~small] / max(kept, 1)
    return new_weights / new_weights.sum(), new_means, new_covariances


def _average_parameters(snapshots):
    return tuple(np.mean([s[i] for s in snapshots], axis=0) for i in range(3))


def run_stochastic_em(
    X,
    weights,
    means,
    covariances,
    covariance_type="full",
    reg_covar=1e-6,
    n_iter=100,
    burn_in=None,
    min_count=None,
    max_redraws=20,
    random_state=None,
    record_history=False,
):
    r"""Stochastic EM: E-step, S-step (labels drawn at random), M-step, repeat.

    Iteration ``t`` computes the responsibilities under
    :math:`\theta_{t-1}`, draws every label
    :math:`z_n \sim \mathrm{Cat}(\gamma(z_{n1}), \dots, \gamma(z_{nK}))`
    (:func:`sample_assignments`) and re-estimates the parameters from the
    sampled labels as if they were observed.  :math:`\theta_t` depends on
    :math:`\theta_{t-1}` and fresh random draws only: a Markov chain, which
    does not converge to a point but fluctuates around a maximum of the
    likelihood (with a spread that shrinks like ``1 / sqrt(N)``).  It runs
    exactly ``n_iter`` iterations; the estimate returned is the average of
    theta_t over the iterations after ``burn_in``.

    If a draw leaves some class with fewer than ``min_count`` points, the
    S-step is drawn again (at most ``max_redraws`` times, as Celeux &
    Diebolt suggest); if the class is still too small, it keeps its previous
    weight, mean and covariance for this iteration.

    Averaging assumes that the components keep their labels along the chain,
    which holds when they are reasonably separated; with heavy overlap the
    chain can swap two components and the average then mixes them.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        Initial covariances in the layout of ``covariance_type``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    reg_covar : float, default=1e-6
    n_iter : int, default=100
        Length of the chain.
    burn_in : int, optional
        Iterations discarded before averaging, ``0 <= burn_in < n_iter``;
        default ``n_iter // 2``.
    min_count : int, optional
        Smallest acceptable class size; default ``n_features + 1`` (the
        fewest points whose scatter matrix can be non-singular).
    max_redraws : int, default=20
    random_state : None, int or numpy.random.RandomState
        The chain is reproducible with an int seed.
    record_history : bool, default=False
        Keep theta_0, ..., theta_T and their log-likelihoods.

    Returns
    -------
    result : dict
        ``weights``, ``means``, ``covariances``, ``precisions_cholesky``:
        the average of theta_t for t = burn_in + 1, ..., n_iter;
        ``final``: dict ``{"weights", "means", "covariances"}`` of the last
        state of the chain; ``labels``: the last draw;
        ``lower_bounds`` (list: ``ln p(X | theta_{t-1}) / N`` for every
        iteration, as in :func:`gmm_lib.mixture.run_em`);
        ``log_likelihoods`` (ndarray of shape (n_iter + 1,): total
        ``ln p(X | theta_t)``, t = 0..n_iter -- not monotone);
        ``n_iter``; ``burn_in``; ``converged`` (always False: a chain does
        not converge to a point); ``n_redraws`` (S-steps drawn again);
        ``history`` (None, or dicts as in :func:`gmm_lib.mixture.run_em`).
    """
    X, weights, means, covariances, reg_covar = _check_common(
        X, weights, means, covariances, covariance_type, reg_covar
    )
    n_iter = check_positive_int(n_iter, "n_iter")
    if burn_in is None:
        burn_in = n_iter // 2
    burn_in = check_positive_int(burn_in, "burn_in", minimum=0)
    if burn_in >= n_iter:
        raise ValueError(
            f"burn_in must be smaller than n_iter (some iterations must be left to "
            f"average), got burn_in={burn_in} and n_iter={n_iter}."
        )
    n_samples, n_features = X.shape
    if min_count is None:
        min_count = n_features + 1
    min_count = check_positive_int(min_count, "min_count", minimum=0)
    max_redraws = check_positive_int(max_redraws, "max_redraws", minimum=0)
    random_state = check_random_state(random_state)
    n_components = means.shape[0]

    precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
        covariances, covariance_type
    )
    history = [_snapshot(weights, means, covariances)] if record_history else None
    log_likelihoods, kept = [], []
    n_redraws = 0
    labels = None
    for t in range(1, n_iter + 1):
        responsibilities, total = _e_step(X, weights, means, precisions_cholesky, covariance_type)
        log_likelihoods.append(total)
        if record_history:
            history[-1]["log_likelihood"] = total
        labels = _sample_assignments(responsibilities, random_state)  # the S-step
        for _ in range(max_redraws):
            if np.bincount(labels, minlength=n_components).min() >= min_count:
                break
            n_redraws += 1
            labels = _sample_assignments(responsibilities, random_state)
        weights, means, covariances = _stochastic_m_step(
            X, labels, weights, means, covariances, covariance_type, reg_covar, min_count
        )
        precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
            covariances, covariance_type
        )
        if record_history:
            history.append(_snapshot(weights, means, covariances))
        if t > burn_in:
            kept.append((weights, means, covariances))
    final_total = _total_log_likelihood(X, weights, means, precisions_cholesky, covariance_type)
    log_likelihoods.append(final_total)
    if record_history:
        history[-1]["log_likelihood"] = final_total
    average_weights, average_means, average_covariances = _average_parameters(kept)
    average_weights = average_weights / average_weights.sum()
    return {
        "weights": average_weights,
        "means": average_means,
        "covariances": average_covariances,
        "precisions_cholesky": _covariance.precisions_cholesky_from_covariances(
            average_covariances, covariance_type
        ),
        "final": {"weights": weights, "means": means, "covariances": covariances},
        "labels": labels,
        "lower_bounds": [value / n_samples for value in log_likelihoods[:-1]],
        "log_likelihoods": np.array(log_likelihoods),
        "n_iter": n_iter,
        "burn_in": burn_in,
        "converged": False,
        "n_redraws": n_redraws,
        "history": history,
    }
