"""The warnings and errors gmm_lib raises, shared by all its estimators."""


class ConvergenceWarning(UserWarning):
    """An iterative fit stopped short of its goal.

    ``GaussianMixture`` warns when EM reaches ``max_iter`` before the change
    of the mean log-likelihood falls below ``tol``; ``KMeans`` warns when the
    data have fewer distinct points than the clusters asked for.
    """


class NotFittedError(ValueError, AttributeError):
    """A method that needs a fitted model (``predict``, ...) was called before ``fit``."""
