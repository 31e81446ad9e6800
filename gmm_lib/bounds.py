r"""The general view of EM: the evidence lower bound and its gap.

For any distribution :math:`q(\mathbf{Z})` over the latent assignments, the
log-likelihood splits into two terms,

.. math::

    \ln p(\mathbf{X} \mid \theta) = \mathcal{L}(q, \theta)
    + \mathrm{KL}\bigl(q \,\Vert\, p(\mathbf{Z} \mid \mathbf{X}, \theta)\bigr),

    \mathcal{L}(q, \theta) = \sum_{\mathbf{Z}} q(\mathbf{Z})
    \ln \frac{p(\mathbf{X}, \mathbf{Z} \mid \theta)}{q(\mathbf{Z})},

and since the KL divergence is never negative, :math:`\mathcal{L}` is a lower
bound on the log-likelihood (the *evidence lower bound*).  The E-step sets
``q`` to the posterior, which makes the KL term zero; the M-step maximises
:math:`\mathcal{L}` over :math:`\theta` with ``q`` fixed.

For a Gaussian mixture the posterior factorises over the samples, so we
describe ``q`` by an ``(n_samples, n_components)`` table ``responsibilities_q``
whose row ``n`` is the distribution :math:`q(\mathbf{z}_n)`:
``responsibilities_q[n, k]`` :math:`= q(z_{nk} = 1)`.  Every such table
defines the factorised distribution :math:`q(\mathbf{Z}) = \prod_n
q(\mathbf{z}_n)`, and the posterior is one of them.  With
:math:`a_{nk} = \ln \pi_k + \ln \mathcal{N}(\mathbf{x}_n \mid \mu_k, \Sigma_k)`,

.. math::

    \mathcal{L}(q, \theta) = \sum_n \sum_k q_{nk} a_{nk}
    - \sum_n \sum_k q_{nk} \ln q_{nk}, \qquad
    \mathrm{KL} = \sum_n \sum_k q_{nk} \ln \frac{q_{nk}}{\gamma(z_{nk})}.

The first sum of :math:`\mathcal{L}` is the expected complete-data
log-likelihood (:func:`expected_complete_log_likelihood`; with ``q`` the
posterior under :math:`\theta^{\text{old}}` it is
:math:`\mathcal{Q}(\theta, \theta^{\text{old}})`), the second the entropy of
``q`` (:func:`entropy`).  Terms with :math:`q_{nk} = 0` contribute nothing
(the convention :math:`0 \ln 0 = 0`).

Functions
---------
* :func:`expected_complete_log_likelihood` -- :math:`\sum_{nk} q_{nk} a_{nk}`,
* :func:`entropy` -- :math:`H[q] = -\sum_{nk} q_{nk} \ln q_{nk}`,
* :func:`evidence_lower_bound` -- :math:`\mathcal{L}(q, \theta)`,
* :func:`kl_to_posterior` -- :math:`\mathrm{KL}(q \,\Vert\, p(\mathbf{Z}\mid\mathbf{X},\theta))`,
* :func:`bound_decomposition` -- all three terms of the identity at once,
* :func:`em_bound_trace` -- the three terms after every half-step of EM.
"""

from collections import namedtuple

import numpy as np
from scipy.special import logsumexp

from . import _covariance
from ._validation import (
    check_array,
    check_n_components,
    check_non_negative_float,
    check_positive_int,
    check_responsibilities,
)
from .mixture import (
    _check_mixture_parameters,
    _m_step,
    _responsibilities_from_log,
    _weighted_log_probabilities,
)

__all__ = [
    "BoundDecomposition",
    "BoundTrace",
    "bound_decomposition",
    "em_bound_trace",
    "entropy",
    "evidence_lower_bound",
    "expected_complete_log_likelihood",
    "kl_to_posterior",
]

BoundDecomposition = namedtuple("BoundDecomposition", ["log_likelihood", "lower_bound", "kl"])
BoundDecomposition.__doc__ = """\
The identity ``ln p(X | theta) = L(q, theta) + KL(q || p(Z | X, theta))``, evaluated.

Attributes
----------
log_likelihood : float
    ``ln p(X | theta)``, the total over the samples.
lower_bound : float
    The evidence lower bound ``L(q, theta)``.
kl : float
    ``KL(q || p(Z | X, theta))``, non-negative; zero when ``q`` is the posterior.
"""

BoundTrace = namedtuple(
    "BoundTrace", ["iterations", "steps", "log_likelihoods", "lower_bounds", "kls"]
)
BoundTrace.__doc__ = """\
The bound decomposition after every half-step of EM (see :func:`em_bound_trace`).

Entry ``2 t - 2`` is the E-step of iteration ``t`` (``q`` becomes the
posterior under theta_{t-1}: the KL is zero), entry ``2 t - 1`` its M-step
(theta_t maximises ``L(q, .)``: the KL is positive unless EM has stopped
moving).

Attributes
----------
iterations : ndarray of int, shape (2 T,)
    The iteration ``t`` (1, 1, 2, 2, ...) each half-step belongs to.
steps : tuple of str, length 2 T
    ``'E'`` or ``'M'``.
log_likelihoods : ndarray of shape (2 T,)
    ``ln p(X | theta)`` of the parameters after the half-step.
lower_bounds : ndarray of shape (2 T,)
    ``L(q, theta)`` of the ``q`` and parameters after the half-step.
kls : ndarray of shape (2 T,)
    ``KL(q || p(Z | X, theta))`` after the half-step.
"""


###############################################################################
# Private helpers


def _checked_inputs(X, responsibilities_q, weights, means, covariances, covariance_type):
    X, weights, means, covariances = _check_mixture_parameters(
        X, weights, means, covariances, covariance_type
    )
    q = check_responsibilities(responsibilities_q, X.shape[0], means.shape[0],
                               name="responsibilities_q")
    precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
        covariances, covariance_type
    )
    weighted_log_prob = _weighted_log_probabilities(
        X, weights, means, precisions_cholesky, covariance_type
    )
    return q, weighted_log_prob


def _sum_q_times(q, values):
    """``sum_nk q_nk values_nk`` with ``0 * anything = 0`` (so ``0 * -inf = 0``)."""
    present = q > 0.0
    return float(np.sum(q[present] * values[present]))


def _entropy(q):
    present = q > 0.0
    return float(-np.sum(q[present] * np.log(q[present])))


def _kl_per_sample(q, weighted_log_prob, log_norm):
    """``sum_k q_nk ln(q_nk / gamma_nk)`` for every sample, clipped at 0.

    ``ln gamma_nk = a_nk - ln p(x_n)``.  The exact value is never negative;
    a tiny negative result can only be rounding, and is set to 0.
    """
    present = q > 0.0
    log_ratio = np.zeros_like(q)
    log_ratio[present] = (
        np.log(q[present]) - weighted_log_prob[present] + np.broadcast_to(
            log_norm[:, np.newaxis], q.shape)[present]
    )
    return np.maximum((q * log_ratio).sum(axis=1), 0.0)


def _decomposition(q, weighted_log_prob):
    log_norm = logsumexp(weighted_log_prob, axis=1)
    lower_bound = _sum_q_times(q, weighted_log_prob) + _entropy(q)
    kl = float(_kl_per_sample(q, weighted_log_prob, log_norm).sum())
    return BoundDecomposition(float(log_norm.sum()), lower_bound, kl)


###############################################################################
# Public functions


def expected_complete_log_likelihood(
    X, responsibilities_q, weights, means, covariances, covariance_type="full"
):
    r"""Expected complete-data log-likelihood under ``q``.

    .. math::

        \sum_{n=1}^N \sum_{k=1}^K q_{nk}
        \bigl[\ln \pi_k + \ln \mathcal{N}(\mathbf{x}_n \mid \mu_k, \Sigma_k)\bigr]
        = \mathbb{E}_{q}\bigl[\ln p(\mathbf{X}, \mathbf{Z} \mid \theta)\bigr].

    With ``q`` the responsibilities under :math:`\theta^{\text{old}}` this is
    :math:`\mathcal{Q}(\theta, \theta^{\text{old}})`, the function the
    M-step maximises.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    responsibilities_q : array-like of shape (n_samples, n_components)
        Row ``n`` is the distribution ``q(z_n)``: non-negative, summing to one.
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        full: (K, D, D); tied: (D, D); diag: (K, D); spherical: (K,).
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    value : float
        ``-inf`` if ``q`` puts mass on a component whose weight is zero.
    """
    q, weighted_log_prob = _checked_inputs(
        X, responsibilities_q, weights, means, covariances, covariance_type
    )
    return _sum_q_times(q, weighted_log_prob)


def entropy(responsibilities_q):
    r"""Entropy of the factorised distribution ``q(Z) = prod_n q(z_n)``.

    .. math::

        H[q] = -\sum_{n=1}^N \sum_{k=1}^K q_{nk} \ln q_{nk},
        \qquad 0 \ln 0 = 0 .

    It lies between 0 (every row one-hot: hard assignments) and
    :math:`N \ln K` (every row uniform).

    Parameters
    ----------
    responsibilities_q : array-like of shape (n_samples, n_components)

    Returns
    -------
    entropy : float
    """
    q = check_responsibilities(responsibilities_q, name="responsibilities_q")
    return _entropy(q)


def evidence_lower_bound(
    X, responsibilities_q, weights, means, covariances, covariance_type="full"
):
    r"""The evidence lower bound :math:`\mathcal{L}(q, \theta)`.

    .. math::

        \mathcal{L}(q, \theta)
        = \sum_{n=1}^N \sum_{k=1}^K q_{nk}
          \ln \frac{\pi_k \mathcal{N}(\mathbf{x}_n \mid \mu_k, \Sigma_k)}{q_{nk}}
        = \mathbb{E}_q[\ln p(\mathbf{X}, \mathbf{Z} \mid \theta)] + H[q]
        \le \ln p(\mathbf{X} \mid \theta),

    with equality exactly when ``q`` is the posterior (the responsibilities).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    responsibilities_q : array-like of shape (n_samples, n_components)
        Row ``n`` is the distribution ``q(z_n)``.
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        In the layout of ``covariance_type``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    lower_bound : float
        A total over the samples, like ``ln p(X | theta)`` (not per sample).
    """
    q, weighted_log_prob = _checked_inputs(
        X, responsibilities_q, weights, means, covariances, covariance_type
    )
    return _sum_q_times(q, weighted_log_prob) + _entropy(q)


def kl_to_posterior(X, responsibilities_q, weights, means, covariances, covariance_type="full"):
    r"""KL divergence from ``q`` to the posterior over the assignments.

    .. math::

        \mathrm{KL}\bigl(q \,\Vert\, p(\mathbf{Z} \mid \mathbf{X}, \theta)\bigr)
        = \sum_{n=1}^N \sum_{k=1}^K q_{nk} \ln \frac{q_{nk}}{\gamma(z_{nk})},
        \qquad
        \gamma(z_{nk}) = \frac{\pi_k \mathcal{N}(\mathbf{x}_n \mid \mu_k, \Sigma_k)}
        {\sum_j \pi_j \mathcal{N}(\mathbf{x}_n \mid \mu_j, \Sigma_j)} .

    Computed directly from log-probabilities (not as the difference
    ``ln p(X) - L``), so that it stays accurate when it is small.  It is zero
    exactly when ``q`` equals the responsibilities; the per-sample sums are
    clipped at 0 so that rounding never shows a negative divergence.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    responsibilities_q : array-like of shape (n_samples, n_components)
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        In the layout of ``covariance_type``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    kl : float
        Non-negative; ``inf`` if ``q`` puts mass on a component of weight zero.
    """
    q, weighted_log_prob = _checked_inputs(
        X, responsibilities_q, weights, means, covariances, covariance_type
    )
    log_norm = logsumexp(weighted_log_prob, axis=1)
    return float(_kl_per_sample(q, weighted_log_prob, log_norm).sum())


def bound_decomposition(
    X, responsibilities_q, weights, means, covariances, covariance_type="full"
):
    r"""All three terms of :math:`\ln p(X \mid \theta) = \mathcal{L}(q, \theta) + \mathrm{KL}`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    responsibilities_q : array-like of shape (n_samples, n_components)
        Row ``n`` is the distribution ``q(z_n)``.
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        In the layout of ``covariance_type``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    decomposition : BoundDecomposition
        ``(log_likelihood, lower_bound, kl)``, all totals over the samples;
        ``log_likelihood == lower_bound + kl`` up to rounding.
    """
    q, weighted_log_prob = _checked_inputs(
        X, responsibilities_q, weights, means, covariances, covariance_type
    )
    return _decomposition(q, weighted_log_prob)


def em_bound_trace(
    X, weights, means, covariances, covariance_type="full", n_iter=5, reg_covar=1e-6
):
    r"""Run ``n_iter`` EM iterations and evaluate the bound after every half-step.

    Iteration ``t`` takes theta_{t-1} and

    * **E-step**: sets ``q_t`` to the responsibilities under theta_{t-1};
      recorded: ``ln p(X | theta_{t-1})``, ``L(q_t, theta_{t-1})`` and the KL,
      which is zero (the bound touches the log-likelihood);
    * **M-step**: sets theta_t to the maximiser of ``L(q_t, .)`` (the usual
      M-step, :func:`gmm_lib.mixture.m_step`); recorded: ``ln p(X | theta_t)``,
      ``L(q_t, theta_t)`` and ``KL(q_t || p(Z | X, theta_t))``, now positive.

    The parameters are those :func:`gmm_lib.mixture.run_em` would visit from
    the same start (no stopping rule: exactly ``n_iter`` iterations).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    weights : array-like of shape (n_components,)
        Initial mixing weights.
    means : array-like of shape (n_components, n_features)
        Initial means.
    covariances : array-like
        Initial covariances in the layout of ``covariance_type``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    n_iter : int, default=5
    reg_covar : float, default=1e-6
        As in :func:`gmm_lib.mixture.m_step`.

    Returns
    -------
    trace : BoundTrace
        ``2 * n_iter`` half-steps: ``iterations``, ``steps`` ('E', 'M', ...),
        ``log_likelihoods``, ``lower_bounds``, ``kls`` (totals over samples).
    """
    X, weights, means, covariances = _check_mixture_parameters(
        X, weights, means, covariances, covariance_type
    )
    check_n_components(means.shape[0], X.shape[0])
    n_iter = check_positive_int(n_iter, "n_iter")
    reg_covar = check_non_negative_float(reg_covar, "reg_covar")
    precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
        covariances, covariance_type
    )
    records = []
    for _ in range(n_iter):
        weighted_log_prob = _weighted_log_probabilities(
            X, weights, means, precisions_cholesky, covariance_type
        )
        q, _ = _responsibilities_from_log(weighted_log_prob)
        records.append(_decomposition(q, weighted_log_prob))
        weights, means, covariances = _m_step(X, q, covariance_type, reg_covar)
        precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
            covariances, covariance_type
        )
        weighted_log_prob = _weighted_log_probabilities(
            X, weights, means, precisions_cholesky, covariance_type
        )
        records.append(_decomposition(q, weighted_log_prob))
    values = np.array(records, dtype=np.float64)
    return BoundTrace(
        iterations=np.repeat(np.arange(1, n_iter + 1), 2),
        steps=("E", "M") * n_iter,
        log_likelihoods=values[:, 0],
        lower_bounds=values[:, 1],
        kls=values[:, 2],
    )
