"""gmm_lib: Gaussian mixtures, k-means and EM, the library the course is taught from."""

__version__ = "0.1.0"
