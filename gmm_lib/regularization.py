r"""Regularised EM: maximum a posteriori (MAP) estimates with a conjugate prior.

The Gaussian-mixture likelihood is unbounded: a component whose covariance
shrinks onto one point (or onto a few tied points) makes it grow without
limit.  A prior on the parameters that vanishes fast enough as a covariance
degenerates removes these singularities; EM then climbs the *log-posterior*

.. math::

    \ln p(\mathbf{X} \mid \theta) + \ln p(\theta)

instead of the log-likelihood, with the same E-step and a modified M-step
(:cite:`fraley2007bayesreg`).  The prior used here is conjugate:

* **weights** -- a symmetric Dirichlet with concentration
  ``weight_concentration`` :math:`\alpha \ge 1` (:math:`\alpha = 1` is flat);
* **means** -- given its covariance, :math:`\boldsymbol\mu_k \sim
  \mathcal{N}(\mathbf{m}_0, \boldsymbol\Sigma_k / \kappa_0)` with
  ``mean_prior`` :math:`\mathbf{m}_0` and ``mean_precision``
  :math:`\kappa_0 \ge 0` (:math:`\kappa_0 = 0` means no prior on the means);
* **covariances** -- an inverse-Wishart :math:`\mathcal{W}^{-1}(\boldsymbol
  \Sigma_k \mid \boldsymbol\Lambda_0, \nu_0)` with ``covariance_prior``
  (scale) :math:`\boldsymbol\Lambda_0` and ``degrees_of_freedom``
  :math:`\nu_0`, density :math:`\propto \lvert\boldsymbol\Sigma\rvert^{-(\nu_0
  + D + 1)/2} \exp(-\tfrac12 \operatorname{tr}(\boldsymbol\Lambda_0
  \boldsymbol\Sigma^{-1}))`; for 'diag' an inverse-gamma
  :math:`\mathrm{IG}(\nu_0/2, \lambda_d/2)` on each variance, for 'spherical'
  on the single variance, for 'tied' one inverse-Wishart on the shared matrix.
  ``covariance_prior=None`` (with ``degrees_of_freedom=None``) means a flat
  prior on the covariances.

The MAP M-step (:func:`map_m_step`), with :math:`N_k = \sum_n \gamma(z_{nk})`,
:math:`\bar{\mathbf{x}}_k = \sum_n \gamma(z_{nk}) \mathbf{x}_n / N_k` and the
scatter :math:`\mathbf{W}_k = \sum_n \gamma(z_{nk}) (\mathbf{x}_n -
\bar{\mathbf{x}}_k)(\mathbf{x}_n - \bar{\mathbf{x}}_k)^\top`, is

.. math::

    \pi_k = \frac{N_k + \alpha - 1}{N + K(\alpha - 1)}, \qquad
    \boldsymbol\mu_k = \frac{N_k \bar{\mathbf{x}}_k + \kappa_0 \mathbf{m}_0}{N_k + \kappa_0},

    \boldsymbol\Sigma_k = \frac{\boldsymbol\Lambda_0 + \mathbf{W}_k
      + \frac{\kappa_0 N_k}{N_k + \kappa_0} (\bar{\mathbf{x}}_k - \mathbf{m}_0)
        (\bar{\mathbf{x}}_k - \mathbf{m}_0)^\top}
      {N_k + \nu_0 + D + 1 + [\kappa_0 > 0]}

(full covariances; the other layouts are in :func:`map_m_step`).  With the
flat prior of :func:`flat_prior` every formula reduces to the maximum-
likelihood M-step of :func:`gmm_lib.mixture.m_step` with ``reg_covar=0``.

Functions
---------
* :func:`flat_prior`, :func:`default_prior` -- build a :class:`MixturePrior`;
* :func:`log_prior` -- :math:`\ln p(\theta)`;
* :func:`log_posterior` -- :math:`\ln p(\mathbf{X}\mid\theta) + \ln p(\theta)`,
  the objective of MAP-EM;
* :func:`map_m_step`, :func:`run_map_em` -- the M-step and the EM loop;
* :func:`smallest_variances` -- smallest covariance eigenvalue per component;
* :func:`reinitialize_components` -- restart collapsed components.
"""

import numbers
from collections import namedtuple

import numpy as np
from scipy.special import gammaln, multigammaln

from . import _covariance
from ._validation import (
    check_array,
    check_covariance_parameter,
    check_covariance_type,
    check_means,
    check_n_components,
    check_non_negative_float,
    check_positive_int,
    check_random_state,
    check_responsibilities,
    check_weights,
)
from .mixture import _check_mixture_parameters, _e_step

__all__ = [
    "MixturePrior",
    "default_prior",
    "flat_prior",
    "log_posterior",
    "log_prior",
    "map_m_step",
    "reinitialize_components",
    "run_map_em",
    "smallest_variances",
]

MixturePrior = namedtuple(
    "MixturePrior",
    ["weight_concentration", "mean_prior", "mean_precision", "degrees_of_freedom",
     "covariance_prior"],
)
MixturePrior.__doc__ = """\
Hyper-parameters of the conjugate prior of a Gaussian mixture.

Attributes
----------
weight_concentration : float >= 1
    alpha of the symmetric Dirichlet prior on the weights; 1 is flat.
mean_prior : ndarray of shape (n_features,) or None
    m_0, the prior centre of every mean (ignored when mean_precision is 0).
mean_precision : float >= 0
    kappa_0: mu_k ~ N(m_0, Sigma_k / kappa_0); 0 means no prior on the means.
degrees_of_freedom : float or None
    nu_0 of the inverse-Wishart (full, tied; must exceed n_features - 1) or
    inverse-gamma (diag, spherical; must be positive) prior; None for a flat
    prior on the covariances.
covariance_prior : ndarray or float or None
    The scale Lambda_0: a (D, D) symmetric positive-definite matrix for
    'full' and 'tied', a (D,) vector of positive numbers for 'diag', a
    positive number for 'spherical'; None for a flat prior.
"""

_EPS = 10 * np.finfo(np.float64).eps


###############################################################################
# Building and checking priors


def flat_prior():
    """The flat (improper, constant) prior: MAP estimates equal ML estimates.

    Returns
    -------
    prior : MixturePrior
        ``MixturePrior(1.0, None, 0.0, None, None)``.
    """
    return MixturePrior(1.0, None, 0.0, None, None)


def _data_scale(X, n_components, covariance_type):
    """Fraley & Raftery's default scale: the data covariance shrunk by K^(2/D)."""
    n_samples, n_features = X.shape
    if n_samples < 2:
        raise ValueError(
            "default_prior needs at least 2 samples to estimate the spread of the data."
        )
    covariance = np.atleast_2d(np.cov(X, rowvar=False))
    factor = n_components ** (-2.0 / n_features)
    if covariance_type in ("full", "tied"):
        scale = factor * covariance
        if np.linalg.eigvalsh(scale)[0] <= 0.0:
            raise ValueError(
                "The data covariance is singular (the points lie on a line or a "
                "plane), so it cannot serve as the scale of an inverse-Wishart prior; "
                "pass covariance_prior explicitly or use covariance_type='diag'."
            )
        return scale
    variances = factor * np.diag(covariance)
    if np.any(variances <= 0.0):
        raise ValueError(
            "Some feature of X is constant, so its variance cannot serve as the "
            "prior scale; remove that feature or pass covariance_prior explicitly."
        )
    return variances if covariance_type == "diag" else float(variances.mean())


def default_prior(X, n_components, covariance_type="full", weight_concentration=1.0,
                  mean_precision=0.01, degrees_of_freedom=None):
    """The default conjugate prior of Fraley & Raftery (2007), built from the data.

    * ``mean_prior`` = the mean of the data, ``mean_precision`` = 0.01 (a
      prior on each mean worth one hundredth of a data point);
    * ``degrees_of_freedom`` = D + 2, the smallest integer for which the
      inverse-Wishart prior has a finite mean;
    * ``covariance_prior`` = the sample covariance of the data divided by
      ``K^(2/D)`` (full and tied) -- roughly the covariance one of K equal,
      non-overlapping clusters filling the data's ellipsoid would have; its
      diagonal for 'diag' and the average variance for 'spherical'.
    * ``weight_concentration`` = 1 (flat on the weights, as in their paper).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_components : int
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    weight_concentration : float >= 1, default=1.0
    mean_precision : float >= 0, default=0.01
    degrees_of_freedom : float, optional
        Default D + 2.

    Returns
    -------
    prior : MixturePrior
    """
    check_covariance_type(covariance_type)
    X = check_array(X, name="X")
    n_components = check_n_components(n_components, X.shape[0])
    n_features = X.shape[1]
    if degrees_of_freedom is None:
        degrees_of_freedom = n_features + 2.0
    prior = MixturePrior(
        weight_concentration,
        X.mean(axis=0),
        mean_precision,
        degrees_of_freedom,
        _data_scale(X, n_components, covariance_type),
    )
    return _check_prior(prior, n_features, covariance_type)


def _check_real(value, name):
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a single real number, got {value!r}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}.")
    return value


def _check_prior(prior, n_features, covariance_type):
    """Validate a MixturePrior against D and the covariance layout; return a clean copy."""
    if not isinstance(prior, MixturePrior):
        raise ValueError(
            "prior must be a gmm_lib.regularization.MixturePrior (build one with "
            f"default_prior(X, K) or flat_prior()), got {type(prior).__name__}."
        )
    alpha = _check_real(prior.weight_concentration, "weight_concentration")
    if alpha < 1.0:
        raise ValueError(
            f"weight_concentration must be >= 1, got {alpha}. Below 1 the Dirichlet "
            "density is infinite where a weight is 0, so the posterior has no "
            "maximum inside the simplex; use 1 for a flat prior on the weights."
        )
    kappa = _check_real(prior.mean_precision, "mean_precision")
    if kappa < 0.0:
        raise ValueError(
            f"mean_precision (kappa_0) must be >= 0, got {kappa}: it is the number of "
            "pseudo-observations the prior mean is worth (0 switches the prior off)."
        )
    mean_prior = None
    if kappa > 0.0:
        if prior.mean_prior is None:
            raise ValueError(
                "mean_prior is None but mean_precision > 0: give the prior centre "
                "of the means (e.g. the data mean), or set mean_precision=0."
            )
        mean_prior = check_array(prior.mean_prior, name="mean_prior", ndim=1)
        if mean_prior.shape != (n_features,):
            raise ValueError(
                f"mean_prior must have shape ({n_features},), one entry per feature, "
                f"but has shape {mean_prior.shape}."
            )
    nu, scale = prior.degrees_of_freedom, prior.covariance_prior
    if (nu is None) != (scale is None):
        raise ValueError(
            "degrees_of_freedom and covariance_prior must be given together (an "
            "inverse-Wishart prior) or both be None (a flat prior on the covariances)."
        )
    if nu is not None:
        nu = _check_real(nu, "degrees_of_freedom")
        if covariance_type in ("full", "tied"):
            if nu <= n_features - 1:
                raise ValueError(
                    f"degrees_of_freedom must exceed n_features - 1 = {n_features - 1} "
                    f"for an inverse-Wishart prior on {n_features}x{n_features} "
                    f"matrices, got {nu}. The usual default is n_features + 2."
                )
            scale = check_covariance_parameter(
                scale, "tied", 1, n_features, name="covariance_prior"
            )
        else:
            if nu <= 0.0:
                raise ValueError(
                    f"degrees_of_freedom must be positive for the inverse-gamma prior "
                    f"on the variances, got {nu}."
                )
            if covariance_type == "diag":
                scale = check_array(scale, name="covariance_prior", ndim=1)
                if scale.shape != (n_features,):
                    raise ValueError(
                        f"covariance_prior for covariance_type='diag' must have shape "
                        f"({n_features},), one prior scale per feature, but has shape "
                        f"{scale.shape}."
                    )
                if np.any(scale <= 0.0):
                    raise ValueError("covariance_prior must be strictly positive.")
            else:
                scale = _check_real(scale, "covariance_prior")
                if scale <= 0.0:
                    raise ValueError(
                        f"covariance_prior must be strictly positive, got {scale}."
                    )
    return MixturePrior(alpha, mean_prior, kappa, nu, scale)


###############################################################################
# The prior density and the MAP objective


def _log_dirichlet(weights, alpha):
    """ln Dir(weights | alpha, ..., alpha); 0 for the flat alpha = 1 (see log_prior)."""
    if alpha == 1.0:
        return 0.0
    n_components = weights.shape[0]
    value = gammaln(n_components * alpha) - n_components * gammaln(alpha)
    with np.errstate(divide="ignore"):
        value += (alpha - 1.0) * np.sum(np.log(weights))
    return float(value)


def _log_inverse_wishart(precisions_cholesky, log_det_precision_cholesky, scale, nu):
    """Sum over the given matrices of ln IW(Sigma | scale, nu), from precision Cholesky factors."""
    n_features = scale.shape[0]
    _, log_det_scale = np.linalg.slogdet(scale)
    constant = (0.5 * nu * log_det_scale - 0.5 * nu * n_features * np.log(2.0)
                - multigammaln(0.5 * nu, n_features))
    total = 0.0
    for upper, log_det in zip(precisions_cholesky, log_det_precision_cholesky):
        precision = upper @ upper.T
        # ln|Sigma| = -2 log_det; tr(Lambda Sigma^{-1}) = sum(Lambda * P).
        total += constant + (nu + n_features + 1.0) * log_det - 0.5 * np.sum(scale * precision)
    return float(total)


def _log_inverse_gamma(variances, scale, nu):
    """Sum of ln IG(s | nu/2, scale/2) over variances (scale broadcast against them)."""
    half = 0.5 * nu
    values = (half * np.log(0.5 * scale) - gammaln(half) - (half + 1.0) * np.log(variances)
              - 0.5 * scale / variances)
    return float(np.sum(values))


def _log_prior(weights, means, covariances, precisions_cholesky, prior, covariance_type):
    n_components, n_features = means.shape
    value = _log_dirichlet(weights, prior.weight_concentration)
    if prior.mean_precision > 0.0:
        scaled = precisions_cholesky * np.sqrt(prior.mean_precision)
        value += float(_covariance.estimate_log_gaussian_prob(
            prior.mean_prior[np.newaxis, :], means, scaled, covariance_type
        ).sum())
    if prior.covariance_prior is not None:
        nu, scale = prior.degrees_of_freedom, prior.covariance_prior
        log_det = _covariance.log_det_precisions_cholesky(
            precisions_cholesky, covariance_type, n_features
        )
        if covariance_type == "full":
            value += _log_inverse_wishart(precisions_cholesky, log_det, scale, nu)
        elif covariance_type == "tied":
            value += _log_inverse_wishart(precisions_cholesky[np.newaxis], [log_det], scale, nu)
        elif covariance_type == "diag":
            value += _log_inverse_gamma(covariances, scale[np.newaxis, :], nu)
        else:
            value += _log_inverse_gamma(covariances, scale, nu)
    return value


def _check_parameters_and_prior(weights, means, covariances, prior, covariance_type):
    check_covariance_type(covariance_type)
    means = check_array(means, name="means", ndim=2)
    n_components, n_features = means.shape
    weights = check_weights(weights, n_components)
    covariances = check_covariance_parameter(
        covariances, covariance_type, n_components, n_features
    )
    prior = _check_prior(prior, n_features, covariance_type)
    return weights, means, covariances, prior


def log_prior(weights, means, covariances, prior, covariance_type="full"):
    """Log-density of the parameters under the prior, ``ln p(theta)``.

    The normalised densities are used (Dirichlet, Gaussian, inverse-Wishart
    or inverse-gamma).  A flat part of the prior -- ``weight_concentration``
    1, ``mean_precision`` 0, no covariance prior -- contributes 0 (for the
    weights this drops the constant ``ln (K - 1)!`` of the uniform
    Dirichlet), so with :func:`flat_prior` the MAP objective is exactly the
    log-likelihood.

    Parameters
    ----------
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        In the layout of ``covariance_type``.
    prior : MixturePrior
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    log_prior : float
        ``-inf`` if a weight is 0 and ``weight_concentration > 1``.
    """
    weights, means, covariances, prior = _check_parameters_and_prior(
        weights, means, covariances, prior, covariance_type
    )
    precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
        covariances, covariance_type
    )
    return _log_prior(weights, means, covariances, precisions_cholesky, prior, covariance_type)


def log_posterior(X, weights, means, covariances, prior, covariance_type="full"):
    """The MAP objective ``ln p(X | theta) + ln p(theta)`` (total over the samples).

    It is the log of the posterior density of the parameters up to the
    constant ``-ln p(X)``; :func:`run_map_em` never decreases it.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    weights, means, covariances, prior, covariance_type
        As in :func:`log_prior`.

    Returns
    -------
    log_posterior : float
    """
    X, weights, means, covariances = _check_mixture_parameters(
        X, weights, means, covariances, covariance_type
    )
    prior = _check_prior(prior, X.shape[1], covariance_type)
    precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
        covariances, covariance_type
    )
    _, total = _e_step(X, weights, means, precisions_cholesky, covariance_type)
    return total + _log_prior(weights, means, covariances, precisions_cholesky, prior,
                              covariance_type)


###############################################################################
# The MAP M-step and the EM loop


def _map_m_step(X, responsibilities, prior, covariance_type):
    n_samples, n_features = X.shape
    n_components = responsibilities.shape[1]
    # + 10 eps, as in the ML M-step: an empty component gets a finite mean.
    n_k = responsibilities.sum(axis=0) + _EPS
    alpha = prior.weight_concentration
    if alpha == 1.0:
        weights = n_k / n_k.sum()
    else:
        weights = (n_k + alpha - 1.0) / (n_k.sum() + n_components * (alpha - 1.0))
    sample_means = responsibilities.T @ X / n_k[:, np.newaxis]

    kappa = prior.mean_precision
    if kappa > 0.0:
        means = (n_k[:, np.newaxis] * sample_means + kappa * prior.mean_prior) / (
            n_k + kappa
        )[:, np.newaxis]
        shrinkage = kappa * n_k / (n_k + kappa)
        offsets = sample_means - prior.mean_prior
    else:
        means = sample_means
    mean_term = 1.0 if kappa > 0.0 else 0.0
    has_scale = prior.covariance_prior is not None
    nu = prior.degrees_of_freedom

    if covariance_type in ("full", "tied"):
        scatters = np.empty((n_components, n_features, n_features))
        for k in range(n_components):
            centred = X - sample_means[k]
            scatters[k] = (responsibilities[:, k] * centred.T) @ centred
            if kappa > 0.0:
                scatters[k] += shrinkage[k] * np.outer(offsets[k], offsets[k])
        prior_count = nu + n_features + 1.0 if has_scale else 0.0
        if covariance_type == "full":
            if has_scale:
                scatters += prior.covariance_prior
            denominators = n_k + prior_count + mean_term
            covariances = scatters / denominators[:, np.newaxis, np.newaxis]
        else:
            total = scatters.sum(axis=0)
            if has_scale:
                total += prior.covariance_prior
            covariances = total / (n_k.sum() + prior_count + n_components * mean_term)
    else:
        squares = np.empty((n_components, n_features))
        for k in range(n_components):
            centred = X - sample_means[k]
            squares[k] = responsibilities[:, k] @ (centred * centred)
        if kappa > 0.0:
            squares += shrinkage[:, np.newaxis] * offsets**2
        prior_count = nu + 2.0 if has_scale else 0.0
        if covariance_type == "diag":
            if has_scale:
                squares += prior.covariance_prior
            covariances = squares / (n_k + prior_count + mean_term)[:, np.newaxis]
        else:
            numerators = squares.sum(axis=1)
            if has_scale:
                numerators += prior.covariance_prior
            covariances = numerators / (n_k * n_features + prior_count + n_features * mean_term)
    return weights, means, covariances


def map_m_step(X, responsibilities, prior, covariance_type="full"):
    """MAP M-step: the parameters maximising ``Q(theta, theta_old) + ln p(theta)``.

    With ``N_k = sum_n gamma(z_nk)``, ``xbar_k = sum_n gamma(z_nk) x_n / N_k``,
    the scatter ``W_k = sum_n gamma(z_nk) (x_n - xbar_k)(x_n - xbar_k)^T``,
    ``B_k = kappa_0 N_k / (N_k + kappa_0) (xbar_k - m_0)(xbar_k - m_0)^T``
    (zero when ``kappa_0 = 0``) and ``c = 1`` if ``kappa_0 > 0`` else 0:

    * ``pi_k = (N_k + alpha - 1) / (N + K (alpha - 1))``;
    * ``mu_k = (N_k xbar_k + kappa_0 m_0) / (N_k + kappa_0)``;
    * full: ``Sigma_k = (Lambda_0 + W_k + B_k) / (N_k + nu_0 + D + 1 + c)``;
    * tied: ``Sigma = (Lambda_0 + sum_k (W_k + B_k)) / (N + nu_0 + D + 1 + K c)``;
    * diag: variance ``d`` of component ``k`` is
      ``(lambda_d + [W_k + B_k]_dd) / (N_k + nu_0 + 2 + c)``;
    * spherical: ``(lambda + tr(W_k + B_k)) / (N_k D + nu_0 + 2 + D c)``.

    A flat covariance prior drops ``Lambda_0`` and the ``nu_0 + D + 1``
    (``nu_0 + 2``) term.  With :func:`flat_prior` this is exactly
    :func:`gmm_lib.mixture.m_step` with ``reg_covar=0``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    responsibilities : array-like of shape (n_samples, n_components)
    prior : MixturePrior
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    weights : ndarray of shape (n_components,)
    means : ndarray of shape (n_components, n_features)
    covariances : ndarray
        full: (K, D, D); tied: (D, D); diag: (K, D); spherical: (K,).
    """
    check_covariance_type(covariance_type)
    X = check_array(X, name="X")
    responsibilities = check_responsibilities(responsibilities, X.shape[0])
    prior = _check_prior(prior, X.shape[1], covariance_type)
    return _map_m_step(X, responsibilities, prior, covariance_type)


def _snapshot(weights, means, covariances):
    return {
        "weights": weights.copy(),
        "means": means.copy(),
        "covariances": covariances.copy(),
        "log_likelihood": None,
        "log_prior": None,
    }


def _run_map_em(X, weights, means, covariances, prior, covariance_type, tol, max_iter,
                record_history):
    n_samples = X.shape[0]
    precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
        covariances, covariance_type
    )
    history = [_snapshot(weights, means, covariances)] if record_history else None
    lower_bound = -np.inf
    lower_bounds, log_likelihoods, log_priors = [], [], []
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        previous_lower_bound = lower_bound
        responsibilities, total = _e_step(X, weights, means, precisions_cholesky, covariance_type)
        prior_value = _log_prior(weights, means, covariances, precisions_cholesky, prior,
                                 covariance_type)
        lower_bound = float(total + prior_value) / n_samples
        lower_bounds.append(lower_bound)
        log_likelihoods.append(float(total))
        log_priors.append(float(prior_value))
        if record_history:
            history[-1]["log_likelihood"] = float(total)
            history[-1]["log_prior"] = float(prior_value)
        weights, means, covariances = _map_m_step(X, responsibilities, prior, covariance_type)
        precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
            covariances, covariance_type
        )
        if record_history:
            history.append(_snapshot(weights, means, covariances))
        if abs(lower_bound - previous_lower_bound) < tol:
            converged = True
            break
    if record_history:
        _, total = _e_step(X, weights, means, precisions_cholesky, covariance_type)
        history[-1]["log_likelihood"] = float(total)
        history[-1]["log_prior"] = float(_log_prior(
            weights, means, covariances, precisions_cholesky, prior, covariance_type
        ))
    return {
        "weights": weights,
        "means": means,
        "covariances": covariances,
        "precisions_cholesky": precisions_cholesky,
        "lower_bounds": lower_bounds,
        "n_iter": n_iter,
        "converged": converged,
        "history": history,
        "log_likelihoods": log_likelihoods,
        "log_priors": log_priors,
    }


def run_map_em(X, weights, means, covariances, prior, covariance_type="full", tol=1e-3,
               max_iter=100, record_history=False):
    """EM for the posterior mode: E-step, MAP M-step, repeat.

    The loop and stopping rule are those of :func:`gmm_lib.mixture.run_em`,
    with :func:`map_m_step` as the M-step and the log-posterior in place of
    the log-likelihood: iteration ``t`` computes the responsibilities of the
    current parameters and ``L_t = (ln p(X | theta) + ln p(theta)) / N`` for
    them, then re-estimates; it stops after the first iteration with
    ``|L_t - L_{t-1}| < tol`` or after ``max_iter`` iterations.  ``L_t``
    never decreases.  There is no ``reg_covar``: a proper covariance prior
    keeps every covariance positive-definite by itself.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        Initial covariances in the layout of ``covariance_type``.
    prior : MixturePrior
        E.g. ``default_prior(X, n_components, covariance_type)``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    tol : float, default=1e-3
        Threshold on the change of the mean log-posterior per sample.
    max_iter : int, default=100
    record_history : bool, default=False

    Returns
    -------
    result : dict
        The keys of :func:`gmm_lib.mixture.run_em` -- ``weights``, ``means``,
        ``covariances``, ``precisions_cholesky``, ``lower_bounds`` (here the
        mean log-posterior per sample, one per iteration), ``n_iter``,
        ``converged``, ``history`` (None, or dicts for theta_0 ... theta_T
        with their total ``log_likelihood`` and also ``log_prior``) -- and
        ``log_likelihoods`` and ``log_priors``: the two parts of the
        objective at every iteration (totals, of the parameters entering it).
    """
    X, weights, means, covariances = _check_mixture_parameters(
        X, weights, means, covariances, covariance_type
    )
    check_n_components(means.shape[0], X.shape[0])
    prior = _check_prior(prior, X.shape[1], covariance_type)
    tol = check_non_negative_float(tol, "tol")
    max_iter = check_positive_int(max_iter, "max_iter", minimum=0)
    return _run_map_em(X, weights, means, covariances, prior, covariance_type, tol, max_iter,
                       bool(record_history))


###############################################################################
# Diagnosing and restarting collapsed components


def _layout_sizes(covariances, covariance_type):
    """(K, D) implied by the shape of covariances of the right ndim (K = 1 for tied)."""
    if covariance_type == "tied":
        return 1, covariances.shape[0]
    if covariance_type == "spherical":
        return covariances.shape[0], 1
    return covariances.shape[0], covariances.shape[-1]


def smallest_variances(covariances, covariance_type="full"):
    """The smallest variance of each component: its covariance's smallest eigenvalue.

    A component collapsing onto a point, a line or a plane has a smallest
    eigenvalue going to zero (or stuck at ``reg_covar``); its other
    eigenvalues may stay large.

    Parameters
    ----------
    covariances : array-like
        full: (K, D, D); tied: (D, D); diag: (K, D); spherical: (K,).
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'

    Returns
    -------
    smallest : ndarray of shape (K,), or (1,) for 'tied'
    """
    check_covariance_type(covariance_type)
    expected_ndim = {"full": 3, "tied": 2, "diag": 2, "spherical": 1}[covariance_type]
    covariances = check_array(covariances, name="covariances", ndim=expected_ndim)
    n_components, n_features = _layout_sizes(covariances, covariance_type)
    covariances = check_covariance_parameter(
        covariances, covariance_type, n_components, n_features
    )
    if covariance_type == "full":
        return np.linalg.eigvalsh(covariances)[:, 0]
    if covariance_type == "tied":
        return np.linalg.eigvalsh(covariances)[:1]
    if covariance_type == "diag":
        return covariances.min(axis=1)
    return covariances.copy()


def reinitialize_components(X, weights, means, covariances, components, covariance_type="full",
                            random_state=None):
    """Restart some components: a random data point as mean, the data's spread as covariance.

    A simple repair for components that collapsed: each listed component
    gets a mean drawn uniformly from the rows of ``X``, the covariance of the
    whole data set (in the layout of ``covariance_type``) and the weight
    ``1 / K``; then all weights are renormalised to sum to one.  EM can then
    be continued from the result.  Nothing guarantees that it will not
    collapse again, and the log-likelihood usually *drops* at the restart:
    the collapsed component's spurious gain is given up.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        In the layout of ``covariance_type``.  Positive-definiteness is not
        required (a collapsed covariance may be singular); only the shape is
        checked.
    components : iterable of int
        Indices of the components to restart, each in ``0..K-1``.
    covariance_type : {'full', 'diag', 'spherical'}, default='full'
        'tied' is refused: its one covariance is shared by every component.
    random_state : None, int or numpy.random.RandomState

    Returns
    -------
    weights, means, covariances : ndarray
        New arrays; the components not listed keep their means and
        covariances.
    """
    check_covariance_type(covariance_type)
    if covariance_type == "tied":
        raise ValueError(
            "reinitialize_components cannot restart one component of a 'tied' model: "
            "its covariance is shared by all components. Refit instead."
        )
    X = check_array(X, name="X", min_samples=2)
    means = check_array(means, name="means", ndim=2)
    means = check_means(means, means.shape[0], X.shape[1])
    n_components, n_features = means.shape
    weights = check_weights(weights, n_components)
    expected_ndim = {"full": 3, "diag": 2, "spherical": 1}[covariance_type]
    covariances = check_array(covariances, name="covariances", ndim=expected_ndim, copy=True)
    expected_shape = {"full": (n_components, n_features, n_features),
                      "diag": (n_components, n_features),
                      "spherical": (n_components,)}[covariance_type]
    if covariances.shape != expected_shape:
        raise ValueError(
            f"covariances for covariance_type={covariance_type!r} must have shape "
            f"{expected_shape}, but has shape {covariances.shape}."
        )
    try:
        components = [int(k) for k in components]
    except (TypeError, ValueError):
        raise ValueError(
            f"components must be an iterable of component indices, got {components!r}."
        ) from None
    if not components:
        raise ValueError("components is empty: name at least one component to restart.")
    if min(components) < 0 or max(components) >= n_components or len(set(components)) != len(components):
        raise ValueError(
            f"components must be distinct indices in 0..{n_components - 1}, got {components}."
        )
    rng = check_random_state(random_state)
    data_covariance = np.atleast_2d(np.cov(X, rowvar=False, bias=True))
    if covariance_type == "full":
        if np.linalg.eigvalsh(data_covariance)[0] <= 0.0:
            raise ValueError(
                "The data covariance is singular (the points lie on a line or a plane), "
                "so it cannot be used to restart a full covariance."
            )
        fresh = data_covariance
    else:
        variances = np.diag(data_covariance)
        if np.any(variances <= 0.0):
            raise ValueError("Some feature of X is constant; cannot restart from its variance.")
        fresh = variances if covariance_type == "diag" else variances.mean()
    weights = weights.copy()
    means = means.copy()
    for k in components:
        means[k] = X[rng.randint(X.shape[0])]
        covariances[k] = fresh
        weights[k] = 1.0 / n_components
    return weights / weights.sum(), means, covariances
