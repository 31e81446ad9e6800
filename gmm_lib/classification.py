"""Classification with class-conditional Gaussian mixtures (mixture discriminant analysis).

A *generative* classifier models how each class produces its data and turns
the models into a decision with Bayes' rule.  Here every class ``c`` gets a
prior probability ``P_c`` and its own Gaussian mixture,

    p(x | y = c) = sum_k pi_ck N(x | mu_ck, Sigma_ck),

and a point is given the class with the largest posterior

    p(y = c | x) = P_c p(x | y = c) / sum_c' P_c' p(x | y = c').

With one component per class and full covariances this is quadratic
discriminant analysis (QDA); with several components a class may be a union
of separate clusters, which a single Gaussian cannot describe.  The complete
log-likelihood ``sum_n ln P_{y_n} p(x_n | y_n)`` splits into one term per
class, so each class's mixture is fitted by EM on that class's points alone
and the priors are the class frequencies.  Mixture discriminant analysis
as proposed by Hastie & Tibshirani (1996; also Hastie, Tibshirani &
Friedman, 2009, section 12.7) shares one covariance matrix between all the
components of all the classes; here every component has its own, as in the
density-based classifier of section 6.8 of the latter.
"""

import inspect
import numbers

import numpy as np
from scipy.special import logsumexp

from ._validation import (
    check_array,
    check_covariance_type,
    check_n_components,
    check_n_features,
    check_non_negative_float,
    check_positive_int,
    check_random_state,
    check_weights,
)
from .mixture import INIT_PARAMS, GaussianMixture, NotFittedError

__all__ = ["MixtureClassifier"]


def _check_class_labels(y, n_samples):
    """Class labels as a 1-D array of length ``n_samples`` (numbers or strings)."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(
            f"y must be a 1-D array of class labels, one per sample, but it has "
            f"shape {y.shape}."
        )
    if y.shape[0] != n_samples:
        raise ValueError(
            f"X has {n_samples} samples but y has {y.shape[0]} labels; they must "
            f"match one to one."
        )
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError("y contains NaN or infinite labels; every sample needs a class.")
    if y.dtype.kind not in "biufUSO":
        raise ValueError(f"y must hold class labels (numbers or strings), got dtype {y.dtype}.")
    return y


def _check_n_components_per_class(n_components, n_classes):
    """One number of components per class, from an int or a sequence."""
    if isinstance(n_components, numbers.Integral) and not isinstance(n_components, bool):
        return np.full(n_classes, check_positive_int(n_components, "n_components"), dtype=int)
    try:
        values = list(n_components)
    except TypeError:
        raise ValueError(
            f"n_components must be an int or a sequence of ints (one per class), got "
            f"{n_components!r}."
        ) from None
    if len(values) != n_classes:
        raise ValueError(
            f"n_components has {len(values)} entries but there are {n_classes} classes; "
            f"give one number of components per class, in the order of classes_."
        )
    return np.array([check_positive_int(v, "n_components[c]") for v in values], dtype=int)


class MixtureClassifier:
    """One Gaussian mixture per class, combined with class priors by Bayes' rule.

    The decision rule is ``argmax_c ln P_c + ln p(x | y = c)`` with
    ``p(x | y = c)`` a Gaussian mixture fitted by EM to the samples of class
    ``c``.  ``n_components=1`` with ``covariance_type='full'`` is quadratic
    discriminant analysis.

    Parameters
    ----------
    n_components : int or sequence of int, default=1
        Number of components of each class's mixture: one number for all
        classes, or one per class in the (sorted) order of ``classes_``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
        Covariance layout of every class's mixture ('tied' ties the
        components *within* a class).
    priors : array-like of shape (n_classes,), default=None
        Class prior probabilities ``P_c``.  None uses the class frequencies
        of the training data (their maximum-likelihood estimate).
    reg_covar : float, default=1e-6
    max_iter : int, default=100
    tol : float, default=1e-3
    n_init : int, default=1
    init_params : {'kmeans', 'k-means++', 'random', 'random_from_data'}, default='kmeans'
        Passed to every :class:`~gmm_lib.mixture.GaussianMixture`.
    random_state : None, int or numpy.random.RandomState, default=None
        An int makes the whole fit reproducible; each class's mixture gets
        its own seed drawn from it.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The distinct labels, sorted.
    priors_ : ndarray of shape (n_classes,)
        ``P_c``.
    mixtures_ : list of GaussianMixture
        The fitted class-conditional densities, in the order of ``classes_``.
    n_components_ : ndarray of shape (n_classes,)
        Components per class.
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.randn(50, 2), rng.randn(50, 2) + 4.0])
    >>> y = np.repeat([0, 1], 50)
    >>> clf = MixtureClassifier(n_components=1, random_state=0).fit(X, y)
    >>> clf.predict([[0.0, 0.0], [4.0, 4.0]]).tolist()
    [0, 1]
    """

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        priors=None,
        reg_covar=1e-6,
        max_iter=100,
        tol=1e-3,
        n_init=1,
        init_params="kmeans",
        random_state=None,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.priors = priors
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.tol = tol
        self.n_init = n_init
        self.init_params = init_params
        self.random_state = random_state

    _PARAMS = (
        "n_components", "covariance_type", "priors", "reg_covar", "max_iter", "tol",
        "n_init", "init_params", "random_state",
    )

    def get_params(self, deep=True):
        """Constructor arguments as a dict."""
        return {name: getattr(self, name) for name in self._PARAMS}

    def set_params(self, **params):
        """Set constructor arguments; returns self."""
        for name, value in params.items():
            if name not in self._PARAMS:
                raise ValueError(
                    f"Invalid parameter {name!r} for MixtureClassifier; valid ones are "
                    f"{', '.join(self._PARAMS)}."
                )
            setattr(self, name, value)
        return self

    def __repr__(self):
        defaults = {
            name: parameter.default
            for name, parameter in inspect.signature(type(self).__init__).parameters.items()
            if name != "self"
        }
        changed = []
        for name in self._PARAMS:
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                changed.append(f"{name}=array(...)")
            elif value is not defaults[name] and value != defaults[name]:
                changed.append(f"{name}={value!r}")
        return f"MixtureClassifier({', '.join(changed)})"

    # -- fitting -------------------------------------------------------------------

    def _check_options(self):
        check_covariance_type(self.covariance_type)
        check_non_negative_float(self.reg_covar, "reg_covar")
        check_non_negative_float(self.tol, "tol")
        check_positive_int(self.max_iter, "max_iter", minimum=0)
        check_positive_int(self.n_init, "n_init")
        if self.init_params not in INIT_PARAMS:
            raise ValueError(
                f"Invalid value for init_params: {self.init_params!r}. It must be one "
                f"of {', '.join(repr(v) for v in INIT_PARAMS)}."
            )

    def fit(self, X, y):
        """Fit one mixture per class and set the class priors.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (numbers or strings); at least two distinct classes.

        Returns
        -------
        self : MixtureClassifier
        """
        X = check_array(X, name="X", min_samples=2)
        y = _check_class_labels(y, X.shape[0])
        self._check_options()
        classes, y_index = np.unique(y, return_inverse=True)
        n_classes = classes.shape[0]
        if n_classes < 2:
            raise ValueError(
                f"y has only one class ({classes[0].item()!r}); a classifier needs samples "
                f"of at least two classes."
            )
        n_components = _check_n_components_per_class(self.n_components, n_classes)
        counts = np.bincount(y_index, minlength=n_classes)
        for c in range(n_classes):
            check_n_components(
                int(n_components[c]), int(counts[c]),
                name=f"n_components of class {classes[c].item()!r}",
            )
        if self.priors is None:
            priors = counts / counts.sum()
        else:
            priors = check_weights(self.priors, n_classes, name="priors")
        seeds = check_random_state(self.random_state).randint(
            np.iinfo(np.int32).max, size=n_classes
        )
        mixtures = []
        for c in range(n_classes):
            mixture = GaussianMixture(
                n_components=int(n_components[c]),
                covariance_type=self.covariance_type,
                reg_covar=self.reg_covar,
                max_iter=self.max_iter,
                tol=self.tol,
                n_init=self.n_init,
                init_params=self.init_params,
                random_state=int(seeds[c]),
            )
            mixtures.append(mixture.fit(X[y_index == c]))
        self.classes_ = classes
        self.priors_ = np.asarray(priors, dtype=np.float64)
        self.mixtures_ = mixtures
        self.n_components_ = n_components
        self.n_features_in_ = X.shape[1]
        return self

    # -- using a fitted model -------------------------------------------------------

    def _check_X_fitted(self, X):
        if not hasattr(self, "mixtures_"):
            raise NotFittedError(
                "This MixtureClassifier is not fitted yet; call fit(X, y) first."
            )
        X = check_array(X, name="X")
        check_n_features(X, self.n_features_in_)
        return X

    def class_log_densities(self, X):
        """Class-conditional log-densities ``ln p(x_n | y = c)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        log_densities : ndarray of shape (n_samples, n_classes)
        """
        X = self._check_X_fitted(X)
        return np.column_stack([mixture.score_samples(X) for mixture in self.mixtures_])

    def predict_joint_log_proba(self, X):
        """Joint log-probabilities ``ln P_c + ln p(x_n | y = c)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        joint_log_proba : ndarray of shape (n_samples, n_classes)
            ``-inf`` for a class whose prior is 0.
        """
        log_densities = self.class_log_densities(X)
        with np.errstate(divide="ignore"):  # a zero prior is a legitimate -inf
            log_priors = np.log(self.priors_)
        return log_densities + log_priors

    def predict_log_proba(self, X):
        """Log-posteriors ``ln p(y = c | x_n)``, normalised with log-sum-exp.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        log_posteriors : ndarray of shape (n_samples, n_classes)
        """
        joint = self.predict_joint_log_proba(X)
        return joint - logsumexp(joint, axis=1, keepdims=True)

    def predict_proba(self, X):
        """Posterior class probabilities ``p(y = c | x_n)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        posteriors : ndarray of shape (n_samples, n_classes)
            Rows sum to one; columns follow ``classes_``.
        """
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        """The class with the largest posterior (the Bayes rule under the model).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        joint = self.predict_joint_log_proba(X)
        return self.classes_[np.argmax(joint, axis=1)]

    def score(self, X, y):
        """Accuracy: the fraction of samples whose predicted class is ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        accuracy : float
        """
        X = self._check_X_fitted(X)
        y = _check_class_labels(y, X.shape[0])
        return float(np.mean(self.predict(X) == y))

    def score_samples(self, X):
        """Marginal log-density ``ln p(x_n) = ln sum_c P_c p(x_n | y = c)``.

        Low values mark inputs unlike any class's training data, which the
        classifier would still assign to some class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
        """
        return logsumexp(self.predict_joint_log_proba(X), axis=1)
