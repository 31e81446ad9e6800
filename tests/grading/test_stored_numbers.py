"""Numbers typed into an assignment's setup cell still match the library.

ex06_model_selection stores the chapter's Old Faithful grid of maximised
log-likelihoods instead of fitting 20 models x 10 starts in its setup cell
(which could exceed nbgrader's per-cell time limit on a busy machine).  The
stored table is only right while ``select_model`` gives the same fits.
"""

import importlib

import nbformat
import numpy as np

from grading_paths import EXERCISES


def test_ex06_table_is_what_select_model_fits():
    from gmm_lib.datasets import load_old_faithful
    from gmm_lib.selection import select_model

    spec = importlib.import_module("grading.specs.ex06_model_selection")
    selection = select_model(load_old_faithful(), range(1, 6),
                             ["full", "tied", "diag", "spherical"], n_init=10, random_state=0)
    np.testing.assert_allclose(spec.FAITHFUL_LOG_LIKELIHOODS, selection.table("log_likelihood"),
                               rtol=0, atol=1e-6)
    notebook = nbformat.read(str(EXERCISES / "source" / "ex06_model_selection"
                                 / "ex06_model_selection.ipynb"), as_version=4)
    setup = next(c for c in notebook.cells
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    for row in spec.FAITHFUL_LOG_LIKELIHOODS:
        assert ", ".join(f"{value:.6f}" for value in row) in setup.source


def test_rounded_old_faithful_mixtures_are_the_fitted_one():
    """ex03 and ex08 hard-code the K = 2 fit of Old Faithful, rounded."""
    from gmm_lib import GaussianMixture
    from gmm_lib.datasets import load_old_faithful

    fit = GaussianMixture(n_components=2, random_state=0).fit(load_old_faithful())
    order = np.argsort(fit.means_[:, 0])  # short eruptions first, as in the notebooks
    for name in ("ex03_mixtures", "ex08_applications"):
        spec = importlib.import_module(f"grading.specs.{name}")
        np.testing.assert_allclose(spec.FAITHFUL_WEIGHTS, fit.weights_[order], rtol=2e-3)
        np.testing.assert_allclose(spec.FAITHFUL_MEANS, fit.means_[order], rtol=2e-3)
        np.testing.assert_allclose(spec.FAITHFUL_COVARIANCES, fit.covariances_[order], rtol=2e-3)
