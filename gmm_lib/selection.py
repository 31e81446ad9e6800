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
        eligible = [
            row for row in rows
            if np.isfinite(getattr(row, criterion))
            and not (exclude_degenerate and row.degenerate)
        ]
        if not eligible:
            raise ValueError(
                "Every candidate model was degenerate or failed to fit; try "
                "scaling the data, a larger reg_covar or fewer components."
            )
        self.best = min(eligible, key=lambda row: getattr(row, criterion))
        self.best_model = models[(self.best.n_components, self.best.covariance_type)]

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
        """The grid as a markdown table, degenerate cells marked with '*'."""
        criterion = criterion or self.criterion
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
                    best = (k, types[j]) == (self.best.n_components, self.best.covariance_type)
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
