"""Single Gaussians: densities, maximum likelihood, sampling and geometry.

This is the library side of chapter 1, "The Gaussian".  The multivariate
normal density of a point ``x`` in ``D`` dimensions is

    N(x | mu, Sigma) = (2 pi)^{-D/2} |Sigma|^{-1/2} exp(-1/2 (x - mu)^T Sigma^{-1} (x - mu)).

Evaluated literally (see :func:`naive_log_density`) this formula breaks down
in floating point: ``|Sigma|`` under- or overflows once ``D`` is moderately
large, and a product of many small densities underflows to zero.  Everything
here therefore works with **log**-densities and with the **Cholesky factor**
``L`` of the covariance (``Sigma = L L^T``, ``L`` lower-triangular):

* the squared Mahalanobis distance is ``||y||^2`` where ``L y = x - mu`` is a
  triangular solve (no inverse is ever formed);
* the log-determinant is ``log |Sigma| = 2 sum_d log L_dd`` (a sum of logs
  instead of a product that can underflow).

Conventions: ``X`` has shape (n_samples, n_features) = (N, D), ``mean`` has
shape (D,) and ``covariance`` shape (D, D).
"""

from collections import namedtuple
import numbers

import numpy as np
from scipy import linalg, special

from ._validation import (
    _check_spd,
    check_array,
    check_covariance_parameter,
    check_covariance_type,
    check_positive_int,
    check_random_state,
)

__all__ = [
    "CovarianceEllipse",
    "covariance_ellipse",
    "density",
    "ellipse_points",
    "ellipsoid_radius",
    "expand_covariances",
    "fit_gaussian",
    "fit_univariate_gaussian",
    "log_density",
    "log_determinant",
    "mahalanobis",
    "naive_log_density",
    "probability_inside_ellipsoid",
    "sample_gaussian",
    "standardize",
    "univariate_log_density",
    "whiten",
]

_LOG_2PI = np.log(2.0 * np.pi)

CovarianceEllipse = namedtuple("CovarianceEllipse", ["semi_major", "semi_minor", "angle"])
CovarianceEllipse.__doc__ = """\
Geometry of the ``n_std`` contour of a 2-D Gaussian.

Attributes
----------
semi_major : float
    Half-length of the long axis, ``n_std * sqrt(largest eigenvalue)``.
semi_minor : float
    Half-length of the short axis, ``n_std * sqrt(smallest eigenvalue)``.
angle : float
    Angle in degrees, counter-clockwise from the x-axis to the major axis,
    in the interval (-90, 90].
"""


# ---------------------------------------------------------------------------
# Private helpers (they trust their inputs)
# ---------------------------------------------------------------------------


def _check_real_scalar(value, name):
    """Return ``value`` as a finite float, or raise a ValueError naming it."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a single real number, got {value!r}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}.")
    return value


def _check_variance(variance, name="variance"):
    """Return a strictly positive variance, with a hint about standard deviations."""
    variance = _check_real_scalar(variance, name)
    if variance <= 0.0:
        hint = (
            " A variance is the square of a standard deviation, sigma**2, so it "
            "is never negative: if you meant a standard deviation, pass its "
            "square." if variance < 0.0 else
            " A zero variance puts all the mass on a single point, which has no density."
        )
        raise ValueError(f"{name} must be strictly positive, got {variance}.{hint}")
    return variance


def _check_mean_covariance(mean, covariance):
    """Validate a mean (D,) and a symmetric positive-definite covariance (D, D)."""
    mean = check_array(mean, name="mean", ndim=1)
    n_features = mean.shape[0]
    covariance = check_array(covariance, name="covariance", ndim=(1, 2))
    if covariance.ndim == 1:
        raise ValueError(
            f"covariance must be a ({n_features}, {n_features}) matrix, but it is "
            f"1-D with shape {covariance.shape}. For a diagonal covariance pass "
            f"np.diag(variances)."
        )
    if covariance.shape != (n_features, n_features):
        raise ValueError(
            f"covariance must have shape ({n_features}, {n_features}) to match "
            f"mean of shape {mean.shape}, but has shape {covariance.shape}."
        )
    _check_spd(covariance, "covariance")
    return mean, covariance


def _check_points(X, n_features):
    """Validate data ``X`` of shape (N, D) against the mean's dimension D."""
    X = check_array(X, name="X", ndim=2)
    if X.shape[1] != n_features:
        raise ValueError(
            f"X has {X.shape[1]} feature(s) (columns), but the mean has "
            f"{n_features}: each row of X must be a point of the same dimension "
            f"as the mean."
        )
    return X


def _check_positive_n_std(n_std):
    n_std = _check_real_scalar(n_std, "n_std")
    if n_std <= 0.0:
        raise ValueError(f"n_std must be strictly positive, got {n_std}.")
    return n_std


def _cholesky_lower(covariance):
    """Lower Cholesky factor ``L`` with ``covariance = L @ L.T``."""
    return linalg.cholesky(covariance, lower=True, check_finite=False)


def _whiten(X, mean, lower):
    """Solve ``L y_n = x_n - mu`` for every row: the whitened points, shape (N, D).

    The rows of the result are standard-normal when ``x_n ~ N(mu, L L^T)``, and
    ``||y_n||^2`` is the squared Mahalanobis distance of ``x_n``.
    """
    centered = X - mean
    return linalg.solve_triangular(lower, centered.T, lower=True, check_finite=False).T


def _squared_mahalanobis(X, mean, lower):
    whitened = _whiten(X, mean, lower)
    return np.einsum("nd,nd->n", whitened, whitened)


def _log_det_from_cholesky(lower):
    """``log |Sigma| = 2 sum_d log L_dd`` for ``Sigma = L L^T``."""
    return 2.0 * np.sum(np.log(np.diag(lower)))


# ---------------------------------------------------------------------------
# Densities
# ---------------------------------------------------------------------------


def univariate_log_density(x, mean, variance):
    """Log-density of the univariate normal, ``ln N(x | mean, variance)``.

    Parameters
    ----------
    x : float or array-like of shape (N,)
        Points at which to evaluate the density.
    mean : float
        The mean ``mu``.
    variance : float
        The variance ``sigma^2`` (not the standard deviation), strictly positive.

    Returns
    -------
    log_density : ndarray of shape (N,), or a 0-d array if ``x`` is a scalar
        ``-1/2 ln(2 pi sigma^2) - (x - mu)^2 / (2 sigma^2)``.

    Raises
    ------
    ValueError
        If ``x`` is not finite or not 0-D/1-D, or if ``variance <= 0``.

    Examples
    --------
    >>> float(univariate_log_density(0.0, mean=0.0, variance=1.0))  # -ln sqrt(2 pi)
    -0.9189385332046727
    """
    x = check_array(x, name="x", ndim=(0, 1))
    mean = _check_real_scalar(mean, "mean")
    variance = _check_variance(variance)
    return -0.5 * (_LOG_2PI + np.log(variance) + (x - mean) ** 2 / variance)


def log_density(X, mean, covariance):
    """Log-density of the multivariate normal, ``ln N(x_n | mu, Sigma)`` for every row.

    Computed through the Cholesky factor ``Sigma = L L^T``: the quadratic form
    is ``||y_n||^2`` with ``L y_n = x_n - mu`` (a triangular solve), and
    ``ln |Sigma| = 2 sum_d ln L_dd``.  No inverse or determinant is formed, so
    the result is accurate even in high dimension (compare
    :func:`naive_log_density`).

    Parameters
    ----------
    X : array-like of shape (N, D)
        One point per row.  A single point must be passed as shape (1, D).
    mean : array-like of shape (D,)
    covariance : array-like of shape (D, D)
        Symmetric positive-definite.

    Returns
    -------
    log_density : ndarray of shape (N,)

    Raises
    ------
    ValueError
        If shapes do not match, values are not finite, or ``covariance`` is not
        symmetric positive-definite.
    """
    mean, covariance = _check_mean_covariance(mean, covariance)
    X = _check_points(X, mean.shape[0])
    lower = _cholesky_lower(covariance)
    n_features = mean.shape[0]
    squared = _squared_mahalanobis(X, mean, lower)
    return -0.5 * (n_features * _LOG_2PI + _log_det_from_cholesky(lower) + squared)


def density(X, mean, covariance):
    """Density of the multivariate normal, ``N(x_n | mu, Sigma)`` for every row.

    ``exp`` of :func:`log_density`.  Densities of far-away points (or in high
    dimension) underflow to 0; work with :func:`log_density` whenever the
    values are combined further.

    Parameters
    ----------
    X : array-like of shape (N, D)
    mean : array-like of shape (D,)
    covariance : array-like of shape (D, D)

    Returns
    -------
    density : ndarray of shape (N,)
    """
    return np.exp(log_density(X, mean, covariance))


def naive_log_density(X, mean, covariance):
    """The textbook formula, evaluated literally.  FOR TEACHING CONTRAST ONLY.

    Computes ``(2 pi)^{-D/2} det(Sigma)^{-1/2} exp(-1/2 d^T inv(Sigma) d)``
    with ``np.linalg.det`` and ``np.linalg.inv`` and only then takes the
    logarithm.  It agrees with :func:`log_density` on small, well-scaled
    problems but fails in ways worth seeing:

    * ``det(Sigma)`` is a product of ``D`` eigenvalues, so it underflows to
      ``0`` (e.g. ``0.01 * I`` with ``D = 200`` gives ``1e-400``) or overflows
      to ``inf``; the result is then ``+inf``, ``-inf`` or ``nan``;
    * ``exp(-1/2 d^T inv(Sigma) d)`` underflows to ``0`` for far points,
      giving ``-inf`` where the true log-density is finite;
    * ``inv`` amplifies rounding error for ill-conditioned covariances.

    The same underflow happens to a likelihood written as a product of
    densities, ``np.prod(density(X, ...))``, which is why the course sums
    log-densities instead.

    Numpy floating-point warnings are silenced inside this function, so that a
    demonstration shows the ``inf``/``nan`` values without a wall of warnings.

    Parameters
    ----------
    X : array-like of shape (N, D)
    mean : array-like of shape (D,)
    covariance : array-like of shape (D, D)

    Returns
    -------
    log_density : ndarray of shape (N,)
        Possibly containing ``inf``, ``-inf`` or ``nan``.

    See Also
    --------
    log_density : the stable computation to use in practice.
    """
    mean, covariance = _check_mean_covariance(mean, covariance)
    X = _check_points(X, mean.shape[0])
    n_features = mean.shape[0]
    with np.errstate(all="ignore"):
        precision = np.linalg.inv(covariance)
        determinant = np.linalg.det(covariance)
        centered = X - mean
        quadratic = np.einsum("nd,de,ne->n", centered, precision, centered)
        normaliser = 1.0 / np.sqrt(np.float64(2.0 * np.pi) ** n_features * determinant)
        values = normaliser * np.exp(-0.5 * quadratic)
        return np.log(values)


def mahalanobis(X, mean, covariance, squared=False):
    """Mahalanobis distance of every row of ``X`` from ``mean``.

    ``sqrt((x_n - mu)^T Sigma^{-1} (x_n - mu))``, computed as ``||y_n||`` with
    ``L y_n = x_n - mu`` and ``Sigma = L L^T`` (Cholesky).  It is the
    Euclidean distance after "whitening" the data so that the Gaussian
    becomes standard normal; the contours of the density are its level sets.

    Parameters
    ----------
    X : array-like of shape (N, D)
    mean : array-like of shape (D,)
    covariance : array-like of shape (D, D)
        Symmetric positive-definite.
    squared : bool, default=False
        Return squared distances (the quadratic form in the exponent).

    Returns
    -------
    distances : ndarray of shape (N,)
    """
    mean, covariance = _check_mean_covariance(mean, covariance)
    X = _check_points(X, mean.shape[0])
    squared_distances = _squared_mahalanobis(X, mean, _cholesky_lower(covariance))
    return squared_distances if squared else np.sqrt(squared_distances)


# ---------------------------------------------------------------------------
# Maximum likelihood
# ---------------------------------------------------------------------------


def fit_gaussian(X):
    """Maximum-likelihood mean and covariance of the rows of ``X``.

    ``mu = 1/N sum_n x_n`` and ``Sigma = 1/N sum_n (x_n - mu)(x_n - mu)^T``.
    Note the ``1/N`` (maximum likelihood, ``np.cov(X.T, bias=True)``), not the
    ``1/(N - 1)`` of the unbiased estimator.

    Parameters
    ----------
    X : array-like of shape (N, D)

    Returns
    -------
    mean : ndarray of shape (D,)
    covariance : ndarray of shape (D, D)
        Singular (not positive-definite) when ``N <= D`` or the points lie in
        a lower-dimensional subspace; it then has no density.
    """
    X = check_array(X, name="X", ndim=2)
    n_samples = X.shape[0]
    mean = X.mean(axis=0)
    centered = X - mean
    covariance = centered.T @ centered / n_samples
    return mean, covariance


def fit_univariate_gaussian(x):
    """Maximum-likelihood mean and variance of a 1-D sample.

    Parameters
    ----------
    x : array-like of shape (N,)

    Returns
    -------
    mean : float
        ``1/N sum_n x_n``.
    variance : float
        ``1/N sum_n (x_n - mean)^2`` (``np.var(x)``, dividing by ``N``).
    """
    x = check_array(x, name="x", ndim=1)
    mean = float(x.mean())
    variance = float(np.mean((x - mean) ** 2))
    return mean, variance


# ---------------------------------------------------------------------------
# Sampling
# ---------------------------------------------------------------------------


def sample_gaussian(mean, covariance, n_samples, random_state=None):
    """Draw points from ``N(mean, covariance)``.

    If ``z`` is standard normal and ``Sigma = L L^T`` then ``mu + L z`` has mean
    ``mu`` and covariance ``L I L^T = Sigma``.  With the draws as rows, the
    samples are ``mean + Z @ L.T``.

    Parameters
    ----------
    mean : array-like of shape (D,)
    covariance : array-like of shape (D, D)
        Symmetric positive-definite.
    n_samples : int
        Number of points N >= 1.
    random_state : None, int or numpy.random.RandomState
        Seed; the same seed gives the same draws.

    Returns
    -------
    X : ndarray of shape (n_samples, D)
    """
    mean, covariance = _check_mean_covariance(mean, covariance)
    n_samples = check_positive_int(n_samples, "n_samples")
    rng = check_random_state(random_state)
    lower = _cholesky_lower(covariance)
    standard_normals = rng.standard_normal(size=(n_samples, mean.shape[0]))
    return mean + standard_normals @ lower.T


# ---------------------------------------------------------------------------
# Geometry of 2-D Gaussians
# ---------------------------------------------------------------------------


def _check_covariance_2d(covariance):
    covariance = check_array(covariance, name="covariance", ndim=2)
    if covariance.shape != (2, 2):
        raise ValueError(
            f"covariance must be a 2 x 2 matrix (an ellipse lives in the plane), "
            f"but has shape {covariance.shape}. To look at two features i, j of a "
            f"larger covariance, use covariance[np.ix_([i, j], [i, j])]."
        )
    _check_spd(covariance, "covariance")
    return covariance


def _ellipse_from_valid(covariance, n_std):
    """CovarianceEllipse of a validated 2 x 2 covariance."""
    eigenvalues = np.linalg.eigvalsh(covariance)  # ascending
    semi_minor, semi_major = n_std * np.sqrt(eigenvalues)
    a, b, c = covariance[0, 0], covariance[0, 1], covariance[1, 1]
    # For a symmetric 2 x 2 matrix the major eigenvector makes the angle
    # theta = 1/2 atan2(2b, a - c) with the x-axis.  atan2 returns (-pi, pi],
    # so theta is already in (-90, 90] degrees; adding 0.0 turns a -0.0 into
    # +0.0 so that a vertical major axis gives +90 and not -90.
    angle = 0.5 * np.degrees(np.arctan2(2.0 * b + 0.0, a - c))
    return CovarianceEllipse(float(semi_major), float(semi_minor), float(angle))


def covariance_ellipse(covariance, n_std=2.0):
    """Axes and orientation of the ``n_std`` contour ellipse of a 2-D covariance.

    The points at Mahalanobis distance ``n_std`` from the mean form an
    ellipse whose axes point along the eigenvectors of ``Sigma`` with
    half-lengths ``n_std * sqrt(eigenvalue)``.

    Parameters
    ----------
    covariance : array-like of shape (2, 2)
        Symmetric positive-definite.
    n_std : float, default=2.0
        The Mahalanobis radius of the contour (strictly positive).

    Returns
    -------
    ellipse : CovarianceEllipse
        ``(semi_major, semi_minor, angle)``; ``angle`` in degrees,
        counter-clockwise from the x-axis to the major axis, in (-90, 90].
        For a circle (equal eigenvalues) the angle is 0.

    Examples
    --------
    >>> covariance_ellipse([[4.0, 0.0], [0.0, 1.0]], n_std=1.0)
    CovarianceEllipse(semi_major=2.0, semi_minor=1.0, angle=0.0)
    """
    covariance = _check_covariance_2d(covariance)
    n_std = _check_positive_n_std(n_std)
    return _ellipse_from_valid(covariance, n_std)


def ellipse_points(mean, covariance, n_std=2.0, n_points=100):
    """Points on the boundary of the ``n_std`` contour ellipse, for plotting.

    Parameters
    ----------
    mean : array-like of shape (2,)
    covariance : array-like of shape (2, 2)
    n_std : float, default=2.0
    n_points : int, default=100
        At least 3.  The last point repeats the first so that the curve closes
        when drawn with ``ax.plot(*points.T)``.

    Returns
    -------
    points : ndarray of shape (n_points, 2)
        Every point ``p`` satisfies ``(p - mean)^T Sigma^{-1} (p - mean) = n_std^2``.
        The first point is the end of the major axis.
    """
    covariance = _check_covariance_2d(covariance)
    mean = check_array(mean, name="mean", ndim=1)
    if mean.shape != (2,):
        raise ValueError(f"mean must have shape (2,), but has shape {mean.shape}.")
    n_std = _check_positive_n_std(n_std)
    n_points = check_positive_int(n_points, "n_points", minimum=3)
    ellipse = _ellipse_from_valid(covariance, n_std)
    theta = np.radians(ellipse.angle)
    rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    t = np.linspace(0.0, 2.0 * np.pi, n_points)
    axis_aligned = np.column_stack(
        [ellipse.semi_major * np.cos(t), ellipse.semi_minor * np.sin(t)]
    )
    return mean + axis_aligned @ rotation.T


# ---------------------------------------------------------------------------
# Whitening, log-determinants and the mass inside Mahalanobis ellipsoids
# ---------------------------------------------------------------------------


def whiten(X, mean, covariance):
    """Whitened coordinates ``L^{-1} (x_n - mu)`` of every row, with ``Sigma = L L^T``.

    ``L`` is the lower Cholesky factor of the covariance and the result is
    obtained by a triangular solve (forward substitution), never by forming
    ``L^{-1}`` or ``Sigma^{-1}``.  If ``x = mu + L eps`` with ``eps`` standard
    normal (which is how :func:`sample_gaussian` draws), whitening returns
    ``eps``: the Gaussian ``N(mu, Sigma)`` becomes the standard normal
    ``N(0, I)``, and the Mahalanobis distance of ``x`` becomes the Euclidean
    norm of its whitened coordinates.

    Parameters
    ----------
    X : array-like of shape (N, D)
        One point per row.
    mean : array-like of shape (D,)
    covariance : array-like of shape (D, D)
        Symmetric positive-definite.

    Returns
    -------
    whitened : ndarray of shape (N, D)
        Row ``n`` solves ``L w_n = x_n - mu``; ``||w_n||`` equals
        ``mahalanobis(X, mean, covariance)[n]``.

    Raises
    ------
    ValueError
        If shapes do not match, values are not finite, or ``covariance`` is not
        symmetric positive-definite.

    Examples
    --------
    >>> whiten([[3.0, 1.0]], mean=[1.0, 1.0], covariance=[[4.0, 0.0], [0.0, 1.0]])
    array([[1., 0.]])
    """
    mean, covariance = _check_mean_covariance(mean, covariance)
    X = _check_points(X, mean.shape[0])
    return _whiten(X, mean, _cholesky_lower(covariance))


def log_determinant(covariance):
    """``ln |Sigma|`` computed as ``2 sum_d ln L_dd`` from the Cholesky factor.

    The determinant itself is a product of ``D`` eigenvalues and under- or
    overflows long before its logarithm is large (``0.01 * I`` in 200
    dimensions has determinant ``1e-400``, stored as 0.0, but log-determinant
    ``-921.03``).  Summing the logarithms of the Cholesky diagonal avoids the
    product altogether.

    Parameters
    ----------
    covariance : array-like of shape (D, D)
        Symmetric positive-definite.

    Returns
    -------
    log_det : float

    Raises
    ------
    ValueError
        If ``covariance`` is not a finite, square, symmetric positive-definite
        matrix.

    Examples
    --------
    >>> round(log_determinant([[4.0, 0.0], [0.0, 0.25]]), 12)  # ln(4 * 0.25)
    0.0
    """
    covariance = check_array(covariance, name="covariance", ndim=2)
    if covariance.shape[0] != covariance.shape[1]:
        raise ValueError(
            f"covariance must be a square (D, D) matrix, but has shape "
            f"{covariance.shape}."
        )
    _check_spd(covariance, "covariance")
    return float(_log_det_from_cholesky(_cholesky_lower(covariance)))


def _check_n_std_array(n_std):
    """Mahalanobis radii as a float array (0-D or 1-D), all >= 0."""
    n_std = check_array(n_std, name="n_std", ndim=(0, 1))
    if np.any(n_std < 0.0):
        raise ValueError(
            f"n_std is a Mahalanobis radius (a distance) and must be >= 0, got "
            f"minimum {n_std.min()}."
        )
    return n_std


def probability_inside_ellipsoid(n_std, n_features=2):
    """Probability that a Gaussian point lies within Mahalanobis distance ``n_std``.

    For ``x ~ N(mu, Sigma)`` in ``D`` dimensions the squared Mahalanobis
    distance is a sum of ``D`` squared independent standard normals, so it
    follows a chi-square distribution with ``D`` degrees of freedom and

        P(Delta <= r) = P(chi2_D <= r^2) = gammainc(D / 2, r^2 / 2),

    the regularised lower incomplete gamma function.  It does not depend on
    ``mu`` or ``Sigma``.  Special cases: ``D = 1`` gives the familiar
    0.6827 / 0.9545 / 0.9973 for r = 1, 2, 3; ``D = 2`` gives
    ``1 - exp(-r^2 / 2)`` (only 0.3935 for r = 1).

    Parameters
    ----------
    n_std : float or array-like of shape (M,)
        Mahalanobis radii ``r >= 0``.
    n_features : int, default=2
        The dimension ``D >= 1``.

    Returns
    -------
    probability : float or ndarray of shape (M,)
        A float for a scalar ``n_std``, else an array of the same shape.

    See Also
    --------
    ellipsoid_radius : the inverse, the radius holding a given probability.

    Examples
    --------
    >>> round(probability_inside_ellipsoid(1.0, n_features=1), 4)
    0.6827
    >>> round(probability_inside_ellipsoid(2.0, n_features=2), 4)  # 1 - exp(-2)
    0.8647
    """
    n_std = _check_n_std_array(n_std)
    n_features = check_positive_int(n_features, "n_features")
    probability = special.gammainc(0.5 * n_features, 0.5 * n_std**2)
    return float(probability) if probability.ndim == 0 else probability


def ellipsoid_radius(probability, n_features=2):
    """Mahalanobis radius of the ellipsoid holding a given probability.

    The inverse of :func:`probability_inside_ellipsoid`: the ``r`` with
    ``P(Delta <= r) = probability`` for a Gaussian in ``D`` dimensions,
    ``r = sqrt(2 gammaincinv(D / 2, probability))``.  In two dimensions
    ``r = sqrt(-2 ln(1 - probability))``, e.g. 2.4477 for 95%.

    Parameters
    ----------
    probability : float or array-like of shape (M,)
        In ``[0, 1)``.
    n_features : int, default=2
        The dimension ``D >= 1``.

    Returns
    -------
    radius : float or ndarray of shape (M,)

    Examples
    --------
    >>> round(ellipsoid_radius(0.95, n_features=1), 4)
    1.96
    """
    probability = check_array(probability, name="probability", ndim=(0, 1))
    if np.any(probability < 0.0) or np.any(probability >= 1.0):
        raise ValueError(
            f"probability must lie in [0, 1): every ellipsoid holds less than "
            f"all of the mass, got range [{probability.min()}, {probability.max()}]."
        )
    n_features = check_positive_int(n_features, "n_features")
    radius = np.sqrt(2.0 * special.gammaincinv(0.5 * n_features, probability))
    return float(radius) if radius.ndim == 0 else radius


# ---------------------------------------------------------------------------
# Small utilities used by the chapters
# ---------------------------------------------------------------------------


def standardize(X):
    """Z-score every column: subtract its mean and divide by its standard deviation.

    Parameters
    ----------
    X : array-like of shape (N, D)

    Returns
    -------
    Z : ndarray of shape (N, D)
        ``(X - mean) / std``: every column has mean 0 and standard deviation 1.
    mean : ndarray of shape (D,)
    std : ndarray of shape (D,)
        Population standard deviation (dividing by ``N``).  Undo the scaling
        with ``Z * std + mean``.

    Raises
    ------
    ValueError
        If a column is constant (zero standard deviation).
    """
    X = check_array(X, name="X", ndim=2)
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    constant = np.flatnonzero(std <= np.finfo(np.float64).tiny + 1e-12 * np.abs(mean))
    if constant.size:
        raise ValueError(
            f"Cannot standardize: column(s) {constant.tolist()} of X are constant "
            f"(standard deviation 0), so dividing by the standard deviation is "
            f"impossible. Drop these columns; they carry no information."
        )
    return (X - mean) / std, mean, std


def expand_covariances(covariances, covariance_type, n_components, n_features):
    """Full (K, D, D) covariance matrices from any of the four layouts.

    Parameters
    ----------
    covariances : array-like
        full: (K, D, D); tied: (D, D), one matrix shared by all components;
        diag: (K, D), the diagonal of each matrix; spherical: (K,), one
        variance per component.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}
    n_components : int
        K.
    n_features : int
        D.

    Returns
    -------
    matrices : ndarray of shape (K, D, D)
        A new array (never a view of ``covariances``).
    """
    check_covariance_type(covariance_type)
    n_components = check_positive_int(n_components, "n_components")
    n_features = check_positive_int(n_features, "n_features")
    covariances = check_covariance_parameter(
        covariances, covariance_type, n_components, n_features
    )
    if covariance_type == "full":
        return covariances.copy()
    if covariance_type == "tied":
        return np.repeat(covariances[np.newaxis], n_components, axis=0)
    if covariance_type == "diag":
        return covariances[:, :, np.newaxis] * np.eye(n_features)
    return covariances[:, np.newaxis, np.newaxis] * np.eye(n_features)
