"""Input validation: the one place where inputs are checked and errors worded.

Every public function of :mod:`gmm_lib` calls one of these helpers on its
arguments before doing any arithmetic, so that bad input produces a
``ValueError`` whose message a student can act on, instead of a crash deep
inside numpy or, worse, a silently wrong number.  Private helpers trust their
inputs.
"""

import numbers

import numpy as np

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")

COLLAPSE_ADVICE = (
    "Fitting the mixture failed because some components have ill-defined "
    "empirical covariance (for instance caused by singleton or collapsed "
    "samples). Try to decrease the number of components, increase reg_covar, "
    "or scale the input data."
)


def check_array(X, name="X", ndim=2, min_samples=1, dtype=np.float64, copy=False):
    """Return ``X`` as a finite float array of the expected number of dimensions.

    Parameters
    ----------
    X : array-like
        The input.  Lists, tuples and arrays are accepted.
    name : str
        Name used in error messages.
    ndim : int or tuple of int
        Allowed number of dimensions. ``ndim=2`` means shape (n_samples, n_features).
    min_samples : int
        Minimum length of the first axis.
    dtype : numpy dtype
        The dtype of the returned array.  No copy is made when ``X`` already
        has this dtype and is C-contiguous (unless ``copy=True``).

    Returns
    -------
    X : ndarray
    """
    allowed = (ndim,) if isinstance(ndim, numbers.Integral) else tuple(ndim)
    if isinstance(X, np.ndarray) and X.dtype.kind in "fiub" and not copy:
        arr = np.ascontiguousarray(X, dtype=dtype)
    else:
        try:
            arr = np.array(X, dtype=dtype, copy=True, order="C")
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"{name} must be an array of numbers; could not convert it "
                f"({exc})."
            ) from None
    if arr.ndim not in allowed:
        expected = " or ".join(f"{d}-D" for d in allowed)
        hint = ""
        if arr.ndim == 1 and 2 in allowed and name == "X":
            hint = (
                " If your data has a single feature, reshape it with "
                "X.reshape(-1, 1); if it is a single sample, use X.reshape(1, -1)."
            )
        raise ValueError(
            f"{name} must be a {expected} array, but it has {arr.ndim} "
            f"dimension(s) with shape {arr.shape}.{hint}"
        )
    # A NaN or an infinity makes the sum non-finite; the sum needs no N x D
    # temporary.  Only when it is not finite (or overflows on huge finite
    # entries) is every entry checked.
    with np.errstate(over="ignore", invalid="ignore"):
        total = arr.sum() if arr.size else 0.0
    if not np.isfinite(total) and not np.isfinite(arr).all():
        n_nan = int(np.isnan(arr).sum())
        n_inf = int(np.isinf(arr).sum())
        raise ValueError(
            f"{name} contains {n_nan} NaN and {n_inf} infinite value(s); remove "
            f"or impute them before fitting (every entry must be a finite number)."
        )
    if arr.ndim >= 1 and arr.shape[0] < min_samples:
        raise ValueError(
            f"{name} has {arr.shape[0]} sample(s), but at least {min_samples} "
            f"are required."
        )
    if arr.ndim == 2 and arr.shape[1] < 1:
        raise ValueError(f"{name} has no features (shape {arr.shape}).")
    return arr


def check_n_features(X, n_features, name="X"):
    """Raise if ``X`` (2-D) does not have ``n_features`` columns."""
    if X.shape[1] != n_features:
        raise ValueError(
            f"{name} has {X.shape[1]} feature(s), but the model was fitted "
            f"(or initialised) with {n_features}."
        )


def check_positive_int(value, name, minimum=1):
    """Return ``value`` as an int, raising if it is not an integer >= minimum."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    return int(value)


def check_non_negative_float(value, name):
    """Return ``value`` as a float, raising if it is not a finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}.")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}.")
    return value


def check_n_components(n_components, n_samples, name="n_components"):
    """Check that ``1 <= n_components <= n_samples``."""
    n_components = check_positive_int(n_components, name)
    if n_samples < n_components:
        raise ValueError(
            f"Expected n_samples >= {name}, but got {name}={n_components} with "
            f"only n_samples={n_samples}: each component (cluster) needs at "
            f"least one sample. Use fewer components or more data."
        )
    return n_components


def check_covariance_type(covariance_type):
    """Raise unless ``covariance_type`` is one of full, tied, diag, spherical."""
    if covariance_type not in COVARIANCE_TYPES:
        raise ValueError(
            f"Invalid value for covariance_type: {covariance_type!r}. It must be "
            f"one of {', '.join(repr(c) for c in COVARIANCE_TYPES)}."
        )
    return covariance_type


def check_random_state(seed):
    """Turn ``seed`` into a ``numpy.random.RandomState``.

    ``None`` gives a fresh, OS-seeded generator; an int seeds a new one; a
    ``RandomState`` is returned as is (scikit-learn's convention, so that the
    same seed gives the same draws in both libraries).
    """
    if seed is None:
        return np.random.RandomState()
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        if seed < 0 or seed > 2**32 - 1:
            raise ValueError(
                f"random_state must be between 0 and 2**32 - 1, got {seed}."
            )
        return np.random.RandomState(int(seed))
    if isinstance(seed, np.random.RandomState):
        return seed
    raise ValueError(
        f"random_state must be None, an int or a numpy RandomState, got {seed!r}."
    )


def check_weights(weights, n_components, name="weights"):
    """Check mixing weights: shape (n_components,), in [0, 1], summing to one."""
    weights = check_array(weights, name=name, ndim=1)
    if weights.shape != (n_components,):
        raise ValueError(
            f"{name} must have shape ({n_components},), one weight per "
            f"component, but has shape {weights.shape}."
        )
    if weights.min() < 0.0 or weights.max() > 1.0:
        raise ValueError(
            f"{name} must lie in [0, 1], but the range is "
            f"[{weights.min():.6g}, {weights.max():.6g}]."
        )
    if not np.isclose(weights.sum(), 1.0, rtol=0.0, atol=1e-6):
        raise ValueError(
            f"{name} must sum to one (they are probabilities), but they sum to "
            f"{weights.sum():.6g}. Divide by their sum to normalise them."
        )
    return weights


def check_responsibilities(responsibilities, n_samples=None, n_components=None,
                           name="responsibilities", sample="sample"):
    """Check an (N, K) table of responsibilities: rows are distributions over components.

    Parameters
    ----------
    responsibilities : array-like of shape (n_samples, n_components)
        ``gamma(z_nk)``, or any per-sample distribution over the K components
        (one-hot labels are allowed).
    n_samples, n_components : int, optional
        The expected number of rows and columns, when known.
    name : str
        Name used in error messages.
    sample : str
        What a row is, for error messages ("sample", "point", "pixel").

    Returns
    -------
    responsibilities : ndarray of shape (n_samples, n_components)
    """
    responsibilities = check_array(responsibilities, name=name, ndim=2)
    rows, columns = responsibilities.shape
    if n_samples is not None and rows != n_samples:
        raise ValueError(
            f"{name} must have one row per {sample}: expected {n_samples} rows, "
            f"but its shape is {responsibilities.shape}."
        )
    if n_components is not None and columns != n_components:
        raise ValueError(
            f"{name} must have one column per component: expected {n_components} "
            f"columns, but its shape is {responsibilities.shape}."
        )
    low, high = responsibilities.min(), responsibilities.max()
    if low < -1e-12 or high > 1.0 + 1e-12:
        raise ValueError(
            f"{name} are probabilities and must lie in [0, 1], but the range is "
            f"[{low:.6g}, {high:.6g}]."
        )
    row_sums = responsibilities.sum(axis=1)
    bad = np.flatnonzero(np.abs(row_sums - 1.0) > 1e-6)
    if bad.size:
        raise ValueError(
            f"Each row of {name} must sum to one (a {sample} is shared out "
            f"completely among the components), but row {bad[0]} sums to "
            f"{row_sums[bad[0]]:.6g} ({bad.size} such row(s))."
        )
    return responsibilities


def check_means(means, n_components, n_features, name="means"):
    """Check component means: shape (n_components, n_features), finite."""
    means = check_array(means, name=name, ndim=2)
    if means.shape != (n_components, n_features):
        raise ValueError(
            f"{name} must have shape ({n_components}, {n_features}), i.e. "
            f"(n_components, n_features), but has shape {means.shape}."
        )
    return means


def covariance_shape(covariance_type, n_components, n_features):
    """Shape of the covariance (or precision) array for each covariance type."""
    return {
        "full": (n_components, n_features, n_features),
        "tied": (n_features, n_features),
        "diag": (n_components, n_features),
        "spherical": (n_components,),
    }[covariance_type]


def _check_spd(matrix, name):
    if not np.allclose(matrix, matrix.T, rtol=1e-8, atol=1e-12 * max(1.0, np.abs(matrix).max())):
        raise ValueError(f"{name} must be symmetric.")
    try:
        np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        raise ValueError(
            f"{name} must be symmetric positive-definite (all eigenvalues > 0), "
            f"but its Cholesky factorisation failed; smallest eigenvalue "
            f"{np.linalg.eigvalsh(matrix).min():.3g}."
        ) from None


def check_covariance_parameter(values, covariance_type, n_components, n_features, name="covariances"):
    """Check covariances or precisions given in scikit-learn's layout.

    Parameters
    ----------
    values : array-like
        full: (K, D, D) symmetric positive-definite matrices; tied: (D, D);
        diag: (K, D) positive variances; spherical: (K,) positive variances.
    """
    check_covariance_type(covariance_type)
    expected = covariance_shape(covariance_type, n_components, n_features)
    values = check_array(values, name=name, ndim=(0, 1, 2, 3))
    if values.shape != expected:
        raise ValueError(
            f"{name} for covariance_type={covariance_type!r} must have shape "
            f"{expected}, but has shape {values.shape}."
        )
    if covariance_type == "full":
        for k, matrix in enumerate(values):
            _check_spd(matrix, f"{name}[{k}]")
    elif covariance_type == "tied":
        _check_spd(values, name)
    elif np.any(values <= 0.0):
        raise ValueError(f"{name} must be strictly positive for covariance_type={covariance_type!r}.")
    return values
