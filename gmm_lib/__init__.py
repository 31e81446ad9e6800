"""gmm_lib: Gaussian mixtures, k-means and EM, the library the course is taught from.

Two faces:

* the step-by-step functions the chapters teach from, in
  :mod:`gmm_lib.gaussian`, :mod:`gmm_lib.kmeans` and :mod:`gmm_lib.mixture`;
* the scikit-learn-compatible estimators :class:`GaussianMixture` and
  :class:`KMeans`.

Run-time dependencies are numpy and scipy only.  :mod:`gmm_lib.plotting` and
:mod:`gmm_lib.interactive` additionally need matplotlib and ipywidgets and are
therefore not imported here: ``from gmm_lib import plotting``.
"""

from . import datasets, gaussian, kmeans, mixture, selection
from .kmeans import KMeans
from .mixture import GaussianMixture

__version__ = "0.1.0"

__all__ = [
    "GaussianMixture",
    "KMeans",
    "datasets",
    "gaussian",
    "kmeans",
    "mixture",
    "selection",
]
