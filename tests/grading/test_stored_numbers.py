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
