"""Choosing the number of components and the covariance structure.

Sign conventions
----------------
:func:`bic_score` and :func:`aic_score` follow scikit-learn: they are
*penalised deviances*, ``-2 log L + penalty``, so **lower is better**.  R's
mclust reports ``2 log L - penalty`` instead, so there **higher is better**;
the numbers differ only by their sign (:func:`mclust_bic` converts).

Degenerate fits
---------------
The Gaussian-mixture likelihood is unbounded: a component that shrinks onto
a few tied points gains without limit, held back only by ``reg_covar``.  Such
a fit can win a plain BIC comparison although it describes a rounding
artefact rather than a cluster (Old Faithful's whole-minute waiting times are
the classic case).  :func:`degeneracy_report` flags these components and
:func:`select_model` excludes them from the choice.
"""

from collections import namedtuple

import numpy as np

from ._validation import (
    COVARIANCE_TYPES,
    check_array,
    check_covariance_type,
    check_non_negative_float,
    check_positive_int,
    check_random_state,
    check_responsibilities,
)
from .gaussian import expand_covariances
from .mixture import GaussianMixture, n_parameters

CRITERIA = ("bic", "aic", "icl")

SelectionRow = namedtuple(
    "SelectionRow",
    [
        "n_components",
        "covariance_type",
        "n_parameters",
        "log_likelihood",
        "bic",
        "aic",
        "icl",
        "converged",
        "degenerate",
        "reason",
    ],
)
SelectionRow.__doc__ = """One fitted candidate of a model-selection grid.

``log_likelihood`` is the total log-likelihood of the data; ``bic``, ``aic``
and ``icl`` use scikit-learn's sign (lower is better); ``degenerate`` is true
when the fit failed or a component collapsed, and ``reason`` says why.
"""


def bic_score(log_likelihood, n_parameters, n_samples):
    """Bayesian information criterion, ``-2 log L + p log N`` (lower is better).

    Parameters
    ----------
    log_likelihood : float
        Total log-likelihood of the data under the fitted model.
    n_parameters : int
        Number of free parameters p.
    n_samples : int
        Number of samples N.
    """
    return -2.0 * log_likelihood + n_parameters * np.log(n_samples)


def aic_score(log_likelihood, n_parameters):
    """Akaike information criterion, ``-2 log L + 2 p`` (lower is better)."""
    return -2.0 * log_likelihood + 2.0 * n_parameters


def mclust_bic(bic):
    """Convert a BIC in scikit-learn's sign to mclust's (higher is better)."""
    return -bic


def classification_entropy(responsibilities):
    """``-sum_n log r_{n, z_n}``: how much the hard labels z_n = argmax_k r_nk cost.

    Parameters
    ----------
    responsibilities : ndarray of shape (N, K)

    Returns
    -------
    float >= 0; zero when every point is assigned with certainty.
    """
    responsibilities = check_array(responsibilities, name="responsibilities")
    best = responsibilities.max(axis=1)
    return float(-np.sum(np.log(np.maximum(best, np.finfo(float).tiny))))


def icl_score(model, X):
    """Integrated completed likelihood, in scikit-learn's sign (lower is better).

    ICL = BIC + 2 * (-sum_n log r_{n, z_n}) with z_n the most responsible
    component (the MAP classification, as in mclust).  It adds to BIC the
    price of the overlap between components, so it prefers well-separated
    clusters to a good density fit.

    Parameters
    ----------
    model : fitted GaussianMixture
    X : array-like of shape (N, D)
    """
    X = check_array(X)
    return float(model.bic(X) + 2.0 * classification_entropy(model.predict_proba(X)))


def component_eigenvalues(model):
    """Eigenvalues of every component covariance, shape (K, D), ascending."""
    n_components, n_features = model.means_.shape
    full = expand_covariances(
        model.covariances_, model.covariance_type, n_components, n_features
    )
    return np.linalg.eigvalsh(full)


def degeneracy_report(model, X, condition_tol=1e-5, floor_factor=2.0):
    """Find collapsed components of a fitted mixture.

    A component is flagged when any of these holds:

    * **variance at the floor**: its smallest covariance eigenvalue is at most
      ``floor_factor * reg_covar`` (the component explains its points only
      thanks to the regularisation, typically because they are tied);
    * **collapsed direction**: its smallest eigenvalue is below
      ``condition_tol`` times its largest;
    * **too few points**: its effective number of points N_k is below the
      number of free parameters of one covariance direction, i.e. N_k < D + 1
      for full covariances and N_k < 2 otherwise.

    Parameters
    ----------
    model : fitted GaussianMixture
    X : array-like of shape (N, D)
        The data the model was fitted on (used for N_k).
    condition_tol : float
        Relative eigenvalue threshold.
    floor_factor : float
        Multiple of ``reg_covar`` counted as "at the floor".

    Returns
    -------
    reasons : list of str
        One entry per flagged component, ``[]`` for a healthy fit.
    """
    X = check_array(X)
    eigenvalues = component_eigenvalues(model)
    n_k = model.predict_proba(X).sum(axis=0)
    n_features = X.shape[1]
    minimum_points = n_features + 1 if model.covariance_type == "full" else 2
    floor = floor_factor * model.reg_covar
    reasons = []
    for k, (values, count) in enumerate(zip(eigenvalues, n_k)):
        smallest, largest = values[0], values[-1]
        if model.covariance_type == "tied" and k > 0:
            values_note = None  # one shared matrix: report it once
        elif smallest <= floor:
            values_note = f"variance {smallest:.3g} at the reg_covar floor"
        elif smallest < condition_tol * largest:
            values_note = f"eigenvalue ratio {smallest / largest:.2g} below {condition_tol:g}"
        else:
            values_note = None
        count_note = f"only {count:.3g} effective points" if count < minimum_points else None
        notes = [note for note in (values_note, count_note) if note]
        if notes:
            reasons.append(f"component {k}: " + "; ".join(notes))
    return reasons


class ModelSelection:
    """The result of :func:`select_model`: a table of candidates and the winner.

    Attributes
    ----------
    rows : list of SelectionRow
        Every (n_components, covariance_type) candidate, in grid order.
    criterion : str
        The criterion the choice used ('bic', 'aic' or 'icl').
    best : SelectionRow
        The non-degenerate row with the lowest criterion.
    best_model : GaussianMixture
        The fitted model of ``best``.
    models : dict
        Fitted models keyed by (n_components, covariance_type); None where the
        fit failed.
    """

    def __init__(self, rows, criterion, models, exclude_degenerate):
        self.rows = rows
        self.criterion = criterion
        self.models = models
        self.exclude_degenerate = exclude_degenerate
        self.best = self._best_by(criterion)
        self.best_model = models[(self.best.n_components, self.best.covariance_type)]

    def _best_by(self, criterion):
        """The eligible row with the lowest ``criterion``."""
        eligible = [
            row for row in self.rows
            if np.isfinite(getattr(row, criterion))
            and not (self.exclude_degenerate and row.degenerate)
        ]
        if not eligible:
            raise ValueError(
                "Every candidate model was degenerate or failed to fit; try "
                "scaling the data, a larger reg_covar or fewer components."
            )
        return min(eligible, key=lambda row: getattr(row, criterion))

    def table(self, criterion=None):
        """The criterion as a (len(n_components_range), len(covariance_types)) array.

        Failed fits are NaN.  Degenerate fits are kept (use :meth:`mask` to
        hide them), so the table shows what an unguarded search would see.
        """
        criterion = criterion or self.criterion
        ks = sorted({row.n_components for row in self.rows})
        types = list(dict.fromkeys(row.covariance_type for row in self.rows))
        values = np.full((len(ks), len(types)), np.nan)
        for row in self.rows:
            values[ks.index(row.n_components), types.index(row.covariance_type)] = getattr(
                row, criterion
            )
        return values

    def mask(self):
        """Boolean array shaped like :meth:`table`, true where the fit is degenerate."""
        ks = sorted({row.n_components for row in self.rows})
        types = list(dict.fromkeys(row.covariance_type for row in self.rows))
        flags = np.zeros((len(ks), len(types)), dtype=bool)
        for row in self.rows:
            flags[ks.index(row.n_components), types.index(row.covariance_type)] = row.degenerate
        return flags

    def unguarded_best(self):
        """The row a plain search (degenerate fits allowed) would choose."""
        finite = [row for row in self.rows if np.isfinite(getattr(row, self.criterion))]
        return min(finite, key=lambda row: getattr(row, self.criterion))

    def to_markdown(self, criterion=None):
        """The grid as a markdown table, degenerate cells marked with '*'.

        The eligible (non-degenerate) winner *by the criterion shown* is bold.
        """
        criterion = criterion or self.criterion
        winner = self._best_by(criterion)
        ks = sorted({row.n_components for row in self.rows})
        types = list(dict.fromkeys(row.covariance_type for row in self.rows))
        values, flags = self.table(criterion), self.mask()
        lines = [
            "| K | " + " | ".join(types) + " |",
            "|---|" + "---|" * len(types),
        ]
        for i, k in enumerate(ks):
            cells = []
            for j in range(len(types)):
                if np.isnan(values[i, j]):
                    cells.append("failed")
                else:
                    mark = "*" if flags[i, j] else ""
                    best = (k, types[j]) == (winner.n_components, winner.covariance_type)
                    text = f"{values[i, j]:.2f}{mark}"
                    cells.append(f"**{text}**" if best else text)
            lines.append(f"| {k} | " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def __repr__(self):
        return (
            f"ModelSelection(criterion={self.criterion!r}, best=(K={self.best.n_components}, "
            f"{self.best.covariance_type!r}), {self.criterion}={getattr(self.best, self.criterion):.3f}, "
            f"{sum(row.degenerate for row in self.rows)} of {len(self.rows)} candidates degenerate)"
        )


def _fit_candidate(X, n_components, covariance_type, fit_options):
    model = GaussianMixture(n_components=n_components, covariance_type=covariance_type, **fit_options)
    try:
        model.fit(X)
    except ValueError as error:
        return None, str(error)
    return model, None


def select_model(
    X,
    n_components_range=range(1, 7),
    covariance_types=COVARIANCE_TYPES,
    criterion="bic",
    exclude_degenerate=True,
    n_init=1,
    init_params="kmeans",
    reg_covar=1e-6,
    max_iter=100,
    tol=1e-3,
    random_state=None,
    condition_tol=1e-5,
):
    """Fit a grid of mixtures and choose one by an information criterion.

    Every pair (K, covariance type) is fitted with the same options and seed.
    Each fit is checked with :func:`degeneracy_report`; with
    ``exclude_degenerate=True`` (the default) flagged fits stay in the table
    but cannot be chosen.

    Parameters
    ----------
    X : array-like of shape (N, D)
    n_components_range : iterable of int
    covariance_types : iterable of {'full', 'tied', 'diag', 'spherical'}
    criterion : {'bic', 'aic', 'icl'}
        Lower is better for all three.
    exclude_degenerate : bool
    n_init, init_params, reg_covar, max_iter, tol, random_state
        Passed to every :class:`GaussianMixture`.  An int ``random_state``
        makes the whole grid reproducible.
    condition_tol : float
        Passed to :func:`degeneracy_report`.

    Returns
    -------
    ModelSelection
    """
    X = check_array(X)
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}, got {criterion!r}.")
    ks = [check_positive_int(k, "n_components") for k in n_components_range]
    if not ks:
        raise ValueError("n_components_range is empty.")
    if max(ks) > X.shape[0]:
        raise ValueError(
            f"n_components_range goes up to {max(ks)}, but X has only "
            f"{X.shape[0]} samples; each component needs at least one."
        )
    types = [check_covariance_type(t) for t in covariance_types]
    if not types:
        raise ValueError("covariance_types is empty.")
    reg_covar = check_non_negative_float(reg_covar, "reg_covar")
    fit_options = dict(
        n_init=n_init,
        init_params=init_params,
        reg_covar=reg_covar,
        max_iter=max_iter,
        tol=tol,
        random_state=random_state,
    )
    n_samples, n_features = X.shape
    rows, models = [], {}
    for k in ks:
        for covariance_type in types:
            model, failure = _fit_candidate(X, k, covariance_type, fit_options)
            models[(k, covariance_type)] = model
            p = n_parameters(k, n_features, covariance_type)
            if model is None:
                rows.append(
                    SelectionRow(k, covariance_type, p, np.nan, np.nan, np.nan, np.nan,
                                 False, True, f"fit failed: {failure}")
                )
                continue
            total = float(model.score(X) * n_samples)
            reasons = degeneracy_report(model, X, condition_tol=condition_tol)
            rows.append(
                SelectionRow(
                    k,
                    covariance_type,
                    p,
                    total,
                    float(bic_score(total, p, n_samples)),
                    float(aic_score(total, p)),
                    icl_score(model, X),
                    bool(model.converged_),
                    bool(reasons),
                    "; ".join(reasons),
                )
            )
    return ModelSelection(rows, criterion, models, exclude_degenerate)


def reselect(selection, criterion):
    """The same fitted grid, chosen by another criterion (nothing is refitted).

    Parameters
    ----------
    selection : ModelSelection
        The result of :func:`select_model`.
    criterion : {'bic', 'aic', 'icl'}

    Returns
    -------
    ModelSelection
        Same rows and models, with ``best`` the eligible row that minimises
        ``criterion`` (degenerate fits stay excluded if they were).
    """
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}, got {criterion!r}.")
    if not isinstance(selection, ModelSelection):
        raise ValueError(
            f"selection must be a ModelSelection (from select_model), got "
            f"{type(selection).__name__}."
        )
    return ModelSelection(selection.rows, criterion, selection.models,
                          selection.exclude_degenerate)


# ---------------------------------------------------------------------------
# Cross-validated log-likelihood (chapter 6)
# ---------------------------------------------------------------------------

CrossValidationResult = namedtuple(
    "CrossValidationResult",
    ["mean_log_likelihood", "fold_log_likelihoods", "fold_sizes", "folds", "models"],
)
CrossValidationResult.__doc__ = """What :func:`cross_validated_log_likelihood` returns.

Attributes
----------
mean_log_likelihood : float
    Held-out log-likelihood per sample: every sample's ``ln p(x_n)`` under the
    model fitted without its fold, averaged over all N samples (higher is
    better).
fold_log_likelihoods : ndarray of shape (n_folds,)
    Mean held-out ``ln p(x_n)`` of the samples of each fold.
fold_sizes : ndarray of shape (n_folds,)
    Number of samples in each fold; ``mean_log_likelihood`` is the average of
    ``fold_log_likelihoods`` weighted by these.
folds : list of ndarray
    The held-out sample indices of each fold (see :func:`fold_indices`).
models : list of GaussianMixture
    The model fitted on the other folds, one per fold.
"""


def fold_indices(n_samples, n_folds=5, random_state=None):
    """Split ``0, ..., N-1`` at random into ``n_folds`` folds of (almost) equal size.

    The indices are shuffled with ``random_state`` and cut into consecutive
    blocks; the first ``N mod n_folds`` folds get one sample more.  This is
    the split of scikit-learn's ``KFold(n_folds, shuffle=True,
    random_state=...)``, so the same seed gives the same folds.

    Parameters
    ----------
    n_samples : int
        N, at least ``n_folds``.
    n_folds : int, default=5
        At least 2.
    random_state : None, int or numpy.random.RandomState

    Returns
    -------
    folds : list of ndarray of int
        ``n_folds`` arrays of held-out indices; together they hold every index
        exactly once.
    """
    n_samples = check_positive_int(n_samples, "n_samples")
    n_folds = check_positive_int(n_folds, "n_folds", minimum=2)
    if n_folds > n_samples:
        raise ValueError(
            f"n_folds={n_folds} is larger than the number of samples ({n_samples}); "
            "every fold needs at least one sample."
        )
    indices = np.arange(n_samples)
    check_random_state(random_state).shuffle(indices)
    sizes = np.full(n_folds, n_samples // n_folds)
    sizes[: n_samples % n_folds] += 1
    return np.split(indices, np.cumsum(sizes)[:-1])


def _check_fit_options(fit_options):
    """Reject keyword arguments GaussianMixture does not take (or that we set)."""
    reserved = {"n_components", "covariance_type", "random_state"}
    clashing = sorted(reserved & set(fit_options))
    if clashing:
        raise ValueError(
            f"{clashing} are arguments of cross_validated_log_likelihood itself; "
            "pass them directly, not as fit options."
        )
    valid = set(GaussianMixture._param_names()) - reserved
    unknown = sorted(set(fit_options) - valid)
    if unknown:
        raise ValueError(
            f"Unknown GaussianMixture option(s) {unknown}; valid options are "
            f"{', '.join(sorted(valid))}."
        )


def cross_validated_log_likelihood(
    X, n_components, covariance_type="full", n_folds=5, random_state=None, **fit_options
):
    """Held-out log-likelihood of a Gaussian mixture, by K-fold cross-validation.

    The samples are split into ``n_folds`` folds (:func:`fold_indices`).  For
    each fold a :class:`GaussianMixture` is fitted to the other folds and
    scores the held-out samples with ``ln p(x_n | theta_hat)``.  Unlike the
    training log-likelihood, this estimate of how well the model predicts
    *new* data does not automatically improve with K: it is an alternative
    to BIC and AIC that needs no parameter count (Smyth, 2000).

    Parameters
    ----------
    X : array-like of shape (N, D)
    n_components : int
        K.  Every training set (about ``N (n_folds - 1) / n_folds`` samples)
        must hold at least K samples.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    n_folds : int, default=5
    random_state : None, int or numpy.random.RandomState
        Used for the split and passed to every fit, so an int makes the whole
        result reproducible.
    **fit_options
        Other :class:`GaussianMixture` arguments, e.g. ``n_init=5`` or
        ``reg_covar=1e-4``.

    Returns
    -------
    CrossValidationResult
        ``mean_log_likelihood`` (per sample, higher is better), the per-fold
        means, fold sizes, folds and fitted models.

    Raises
    ------
    ValueError
        For invalid arguments, or if a fit fails (e.g. a collapsed component
        with ``reg_covar=0``); the message names the fold.
    """
    X = check_array(X)
    n_samples = X.shape[0]
    n_components = check_positive_int(n_components, "n_components")
    covariance_type = check_covariance_type(covariance_type)
    _check_fit_options(fit_options)
    folds = fold_indices(n_samples, n_folds, random_state)
    smallest_training_set = n_samples - max(len(fold) for fold in folds)
    if smallest_training_set < n_components:
        raise ValueError(
            f"With {len(folds)} folds the smallest training set has "
            f"{smallest_training_set} samples, fewer than n_components={n_components}; "
            "use fewer components or fewer folds."
        )
    fold_means, models = [], []
    for f, held_out in enumerate(folds):
        training = np.ones(n_samples, dtype=bool)
        training[held_out] = False
        model = GaussianMixture(
            n_components=n_components,
            covariance_type=covariance_type,
            random_state=random_state,
            **fit_options,
        )
        try:
            model.fit(X[training])
        except ValueError as error:
            raise ValueError(f"Fitting on the training set of fold {f} failed: {error}") from None
        fold_means.append(float(np.mean(model.score_samples(X[held_out]))))
        models.append(model)
    fold_means = np.array(fold_means)
    sizes = np.array([len(fold) for fold in folds])
    mean = float(np.sum(fold_means * sizes) / n_samples)
    return CrossValidationResult(mean, fold_means, sizes, folds, models)


# ---------------------------------------------------------------------------
# From components to clusters: merging by entropy (chapter 6)
# ---------------------------------------------------------------------------

ComponentMerging = namedtuple("ComponentMerging", ["responsibilities", "groups", "entropies"])
ComponentMerging.__doc__ = """What :func:`merge_components` returns.

Attributes
----------
responsibilities : ndarray of shape (N, n_clusters)
    ``t_nc = sum_{k in group c} gamma(z_nk)``: the probability that point n
    belongs to cluster c.  ``responsibilities.argmax(axis=1)`` are the labels.
groups : list of tuple of int
    The original components of each cluster, ordered by their smallest index.
entropies : ndarray of shape (K - n_clusters + 1,)
    ``-sum_n sum_c t_nc ln t_nc`` before any merge and after each merge.
"""


def _entropy_terms(probabilities):
    """``-t ln t`` elementwise, with ``0 ln 0 = 0``."""
    safe = np.where(probabilities > 0.0, probabilities, 1.0)
    return -probabilities * np.log(safe)


def merge_components(responsibilities, n_clusters):
    """Merge mixture components into clusters, greedily lowering the entropy.

    A density may need several Gaussian components for one cluster (a skewed
    or curved group of points).  Following Baudry et al. (2010), start from
    the K components and merge, one pair at a time, the two whose union
    lowers the classification entropy ``-sum_n sum_c t_nc ln t_nc`` the most,
    i.e. the pair whose points the model can least tell apart, until
    ``n_clusters`` groups remain.  The mixture density is unchanged: only its
    components are grouped.

    Parameters
    ----------
    responsibilities : array-like of shape (N, K)
        ``gamma(z_nk)`` of a fitted mixture (rows sum to one).
    n_clusters : int
        Between 1 and K.

    Returns
    -------
    ComponentMerging
        Merged responsibilities, the groups of components, and the entropy
        after every merge (it never increases).
    """
    responsibilities = check_responsibilities(responsibilities)
    n_components = responsibilities.shape[1]
    n_clusters = check_positive_int(n_clusters, "n_clusters")
    if n_clusters > n_components:
        raise ValueError(
            f"n_clusters={n_clusters} is larger than the number of components "
            f"({n_components}); merging can only reduce their number."
        )
    merged = [responsibilities[:, k].copy() for k in range(n_components)]
    groups = [(k,) for k in range(n_components)]
    entropies = [float(np.sum(_entropy_terms(responsibilities)))]
    while len(groups) > n_clusters:
        best_gain, best_pair = -np.inf, None
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                gain = float(np.sum(
                    _entropy_terms(merged[i]) + _entropy_terms(merged[j])
                    - _entropy_terms(merged[i] + merged[j])
                ))
                if gain > best_gain:
                    best_gain, best_pair = gain, (i, j)
        i, j = best_pair
        merged[i] = merged[i] + merged[j]
        groups[i] = tuple(sorted(groups[i] + groups[j]))
        del merged[j], groups[j]
        entropies.append(float(np.sum(_entropy_terms(np.column_stack(merged)))))
    return ComponentMerging(np.column_stack(merged), groups, np.array(entropies))
