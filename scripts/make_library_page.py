"""Write library.md, the book's reference page for gmm_lib, from the package itself.

Every public function and class of every public module is listed with its
signature and the first line of its docstring, so the page cannot drift from
the code: ``tests/test_library_page.py`` fails when library.md is not what this
script would write.  Run it after adding or renaming a public function::

    python scripts/make_library_page.py
"""

import importlib
import inspect
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "library.md"

MODULES = [
    ("gaussian", "Single Gaussians: densities through Cholesky factors, maximum likelihood, sampling, ellipses."),
    ("kmeans", "k-means: the assignment and update steps, the distortion J, k-means++ seeding, and `KMeans`."),
    ("mixture", "Gaussian mixtures: the E-step, the M-step, the log-likelihood, the plain EM loop, and `GaussianMixture`."),
    ("bounds", "The general view of EM: the evidence lower bound and the KL gap."),
    ("limits", "Limits of EM: EM with a fixed shared variance, whose small-variance limit is k-means."),
    ("regularization", "Remedies for singular maxima: MAP estimation with conjugate priors."),
    ("labels", "Identifiability: aligning the components of different fits."),
    ("modes", "The modes of a mixture density."),
    ("metrics", "Comparing clusterings: label matching, contingency tables, adjusted Rand index."),
    ("selection", "Choosing K and the covariance type: BIC, AIC, ICL and a grid search that flags degenerate fits."),
    ("em_variants", "Beyond plain EM: classification (hard) EM and stochastic EM, with the classification log-likelihood."),
    ("online", "Data that do not fit in memory: online (mini-batch) EM on sufficient statistics, and mini-batch k-means."),
    ("gradient", "Fitting by gradient ascent or L-BFGS on the log-likelihood, through softmax logits and Cholesky factors."),
    ("quantization", "Colour quantisation and image segmentation: pixels, palettes, errors, responsibility and uncertainty maps."),
    ("anomaly", "Anomaly detection with a density: calibrated thresholds on log-densities, precision, recall and ROC."),
    ("generation", "Checking generated samples against held-out data: nearest neighbours, energy distance and test, dequantisation."),
    ("classification", "Classification with one Gaussian mixture per class (mixture discriminant analysis)."),
    ("datasets", "Old Faithful and teaching samples with a known truth."),
    ("exceptions", "The warnings and errors gmm_lib raises."),
    ("plotting", "The figures of the chapters (needs matplotlib)."),
    ("interactive", "Widgets for a live kernel and offline animations for the static book (needs matplotlib and ipywidgets)."),
]

INTRO = """# The `gmm_lib` library

Every chapter imports `gmm_lib`, a small library written for this course. It
depends on numpy and scipy only (plus matplotlib and ipywidgets for its
plotting and interactive modules) and is installed by the README's setup
command (`pip install -e .`).

It has two faces:

- **the step-by-step API**, plain functions that mirror the equations of the
  chapters: `gaussian.log_density`, `kmeans.assign_clusters`,
  `kmeans.update_centers`, `kmeans.distortion`, `mixture.e_step`,
  `mixture.m_step`, `mixture.log_likelihood`, ... A chapter derives a step,
  then calls the function that implements it;
- **the estimator API**, `gmm_lib.GaussianMixture` and `gmm_lib.KMeans`, with
  scikit-learn's constructor arguments, methods and fitted attributes. From
  identical starting parameters they return scikit-learn's numbers (checked
  to 1e-8 by the test suite) and run faster ({doc}`benchmarks`).
  `GaussianMixture(record_history=True)` also keeps the parameters of every
  EM iteration in `history_`, for plots and animations.

```python
import gmm_lib
from gmm_lib import datasets, mixture

X = datasets.load_old_faithful()
model = gmm_lib.GaussianMixture(n_components=2, random_state=0).fit(X)
responsibilities, log_likelihood = mixture.e_step(
    X, model.weights_, model.means_, model.covariances_
)
```

Bad input (NaN, wrong shapes, fewer samples than components, weights that do
not sum to one, a covariance that is not positive-definite, ...) raises a
`ValueError` that says what is wrong and how to fix it.

This page is generated from the code by `scripts/make_library_page.py`; each
entry is the signature and the first line of the docstring. The full
docstrings (parameters, shapes, returns) are one `help(...)` away.
"""


def _summary(obj):
    doc = inspect.getdoc(obj) or ""
    return doc.strip().split("\n\n")[0].replace("\n", " ").replace("|", "\\|")


def _signature(name, obj):
    try:
        signature = str(inspect.signature(obj))
    except (TypeError, ValueError):
        signature = "(...)"
    if len(signature) > 70:
        signature = "(...)"
    return f"{name}{signature}".replace("|", "\\|")


def public_members(module):
    """Public functions and classes defined in ``module``, in source order."""
    names = getattr(module, "__all__", None)
    members = []
    for name, obj in vars(module).items():
        if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        if getattr(obj, "__module__", None) != module.__name__:
            continue
        if names is not None and name not in names:
            continue
        members.append((name, obj))
    return members


def render():
    parts = [INTRO]
    for short_name, description in MODULES:
        try:
            module = importlib.import_module(f"gmm_lib.{short_name}")
        except ModuleNotFoundError:
            continue
        parts.append(f"## `gmm_lib.{short_name}`\n\n{description}\n")
        rows = ["| name | what it does |", "|---|---|"]
        for name, obj in public_members(module):
            kind = "class " if inspect.isclass(obj) else ""
            rows.append(f"| {kind}`{_signature(name, obj)}` | {_summary(obj)} |")
        parts.append("\n".join(rows) + "\n")
    return "\n".join(parts)


def main():
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
