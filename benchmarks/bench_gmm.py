"""Time per EM iteration: gmm_lib versus scikit-learn, from identical initial parameters.

Usage::

    python benchmarks/bench_gmm.py [--quick] [--types full,tied,diag,spherical]

For every cell (covariance type, N, D, K) the script builds seeded blobs,
one set of initial parameters (weights, means, precisions), and fits both
``gmm_lib.GaussianMixture`` and ``sklearn.mixture.GaussianMixture`` from them
with ``tol=0`` (EM never stops early), a fixed ``max_iter`` and BLAS pinned
to one thread.

Time per iteration: during each fit, every EM iteration is timed by thin
probes around the functions it consists of -- scikit-learn's ``_e_step`` and
``_m_step`` methods; gmm_lib's fused sweep ``_fast._em_step`` and the
Cholesky factorisation that follows it -- and the median over the
iterations (and repeats) is reported.  The clock is the CPU time of this
process (BLAS runs on one thread, so that is the work done, and it is barely
disturbed by other processes on a shared machine); the ratio of wall-clock
medians is reported too.  Work done once per fit (input checks, the final
E-step of ``fit_predict``) is not counted.  After ``max_iter`` iterations
the means must agree with scikit-learn's (max absolute difference shown).

A markdown table is printed and written to ``benchmarks/results_gmm.md``.
``--quick`` runs N in {1e4, 1e5} only.
"""

import argparse
import os
import platform
import sys
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import sklearn  # noqa: E402
from sklearn.mixture import GaussianMixture as SklearnGaussianMixture  # noqa: E402

try:  # the estimator, if the mixture module is there; else the engine directly
    from gmm_lib.mixture import GaussianMixture as GmmLibGaussianMixture  # noqa: E402
except ImportError:  # pragma: no cover
    GmmLibGaussianMixture = None
from gmm_lib import _covariance, _fast  # noqa: E402

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
SAMPLE_SIZES = (10_000, 100_000, 1_000_000)
FEATURE_COUNTS = (2, 10, 50)
COMPONENT_COUNTS = (3, 10)
RESULTS_PATH = os.path.join(HERE, "results_gmm.md")


def make_blobs(n_samples, n_features, n_components, seed=0):
    """Seeded isotropic blobs: centres uniform in [-10, 10]^D, unit spread."""
    rng = np.random.RandomState(seed)
    centers = rng.uniform(-10.0, 10.0, size=(n_components, n_features))
    labels = rng.randint(n_components, size=n_samples)
    X = rng.standard_normal((n_samples, n_features))
    X += centers[labels]
    return X


def initial_parameters(X, n_components, covariance_type, seed=1):
    """Uniform weights, K distinct data points as means, the data covariance everywhere."""
    rng = np.random.RandomState(seed)
    n_samples, n_features = X.shape
    means = X[rng.choice(n_samples, n_components, replace=False)].copy()
    weights = np.full(n_components, 1.0 / n_components)
    sample = X[rng.choice(n_samples, min(n_samples, 20_000), replace=False)]
    covariance = np.atleast_2d(np.cov(sample, rowvar=False))
    variances = np.diag(covariance)
    covariances = {
        "full": np.repeat(covariance[np.newaxis], n_components, axis=0),
        "tied": covariance,
        "diag": np.repeat(variances[np.newaxis], n_components, axis=0),
        "spherical": np.full(n_components, variances.mean()),
    }[covariance_type]
    precisions_cholesky = _covariance.precisions_cholesky_from_covariances(
        covariances, covariance_type
    )
    precisions = _covariance.precisions_from_cholesky(precisions_cholesky, covariance_type)
    return weights, means, precisions, precisions_cholesky


def iterations_for(n_samples):
    """EM iterations per timed fit (keeps the full run around ten minutes)."""
    return {10_000: 10, 100_000: 6}.get(n_samples, 4)


def repeats_for(n_samples):
    return {10_000: 3, 100_000: 2}.get(n_samples, 1)


class _Probe:
    """Wraps a function and records the (CPU, wall) seconds of every call."""

    def __init__(self, function):
        self.function, self.times = function, []

    def __call__(self, *args, **kwargs):
        cpu, wall = time.process_time(), time.perf_counter()
        result = self.function(*args, **kwargs)
        self.times.append((time.process_time() - cpu, time.perf_counter() - wall))
        return result


def fit_sklearn(X, init, covariance_type, max_iter):
    """Fit scikit-learn; returns per-iteration (CPU, wall) seconds and the means."""
    weights, means, precisions, _ = init
    model = SklearnGaussianMixture(
        n_components=len(weights),
        covariance_type=covariance_type,
        tol=0.0,
        max_iter=max_iter,
        weights_init=weights,
        means_init=means,
        precisions_init=precisions,
    )
    model._e_step = e_step = _Probe(model._e_step)
    model._m_step = m_step = _Probe(model._m_step)
    model.fit(X)
    assert model.n_iter_ == max_iter
    # Iteration t = E-step t + M-step t (the last E-step is fit_predict's extra one).
    times = np.add(e_step.times[:max_iter], m_step.times)
    return times, model.means_


def fit_gmm_lib(X, init, covariance_type, max_iter):
    """Fit gmm_lib; returns per-iteration (CPU, wall) seconds and the means."""
    weights, means, precisions, precisions_cholesky = init
    sweep = _Probe(_fast._em_step)
    factorise = _Probe(_fast.precisions_cholesky_from_covariances)
    originals = _fast._em_step, _fast.precisions_cholesky_from_covariances
    _fast._em_step, _fast.precisions_cholesky_from_covariances = sweep, factorise
    try:
        if GmmLibGaussianMixture is None:
            result = _fast.fit_em(
                X, weights, means, precisions_cholesky, covariance_type, 1e-6, 0.0, max_iter
            )
            fitted_means, n_iter = result["means"], result["n_iter"]
        else:
            model = GmmLibGaussianMixture(
                n_components=len(weights),
                covariance_type=covariance_type,
                tol=0.0,
                max_iter=max_iter,
                weights_init=weights,
                means_init=means,
                precisions_init=precisions,
            )
            model.fit(X)
            fitted_means, n_iter = model.means_, model.n_iter_
    finally:
        _fast._em_step, _fast.precisions_cholesky_from_covariances = originals
    assert n_iter == max_iter == len(sweep.times) == len(factorise.times)
    return np.add(sweep.times, factorise.times), fitted_means


def time_cell(X, covariance_type, n_components, n_iter, repeats):
    """Median (CPU, wall) seconds per iteration of both libraries, and the means gap."""
    init = initial_parameters(X, n_components, covariance_type)
    times = {"sklearn": [], "gmm_lib": []}
    means = {}
    for _ in range(repeats):
        for name, fit in (("sklearn", fit_sklearn), ("gmm_lib", fit_gmm_lib)):
            iteration_times, means[name] = fit(X, init, covariance_type, n_iter)
            times[name].extend(iteration_times)
    median = {name: np.median(np.array(values), axis=0) for name, values in times.items()}
    gap = float(np.max(np.abs(means["gmm_lib"] - means["sklearn"])))
    return median["sklearn"], median["gmm_lib"], gap


def markdown_table(rows):
    lines = [
        "| type | N | D | K | iters | sklearn ms/iter | gmm_lib ms/iter | ratio (CPU) "
        "| ratio (wall) | max abs means diff |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        flag = "" if row["ratio"] <= 0.5 else " (!)"
        lines.append(
            f"| {row['type']} | {row['N']:.0e} | {row['D']} | {row['K']} | {row['iters']} | "
            f"{row['sklearn'] * 1e3:.2f} | {row['gmm_lib'] * 1e3:.2f} | "
            f"{row['ratio']:.2f}{flag} | {row['wall_ratio']:.2f} | {row['gap']:.1e} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N in {1e4, 1e5} only")
    parser.add_argument(
        "--types",
        default=",".join(COVARIANCE_TYPES),
        help="comma-separated covariance types (default: all four)",
    )
    args = parser.parse_args(argv)
    types = [t.strip() for t in args.types.split(",") if t.strip()]
    for covariance_type in types:
        if covariance_type not in COVARIANCE_TYPES:
            parser.error(f"unknown covariance type {covariance_type!r}")
    sizes = SAMPLE_SIZES[:2] if args.quick else SAMPLE_SIZES
    engine = (
        "gmm_lib.GaussianMixture" if GmmLibGaussianMixture is not None
        else "gmm_lib._fast.fit_em (gmm_lib.mixture not available)"
    )
    header = (
        f"Timed: {engine} vs sklearn {sklearn.__version__} GaussianMixture; numpy "
        f"{np.__version__}; {platform.processor() or platform.machine()}; BLAS pinned to 1 "
        f"thread; time per iteration = median over the EM iterations of the CPU time of the "
        f"functions making up one iteration (ms/iter columns); target ratio <= 0.5."
    )
    print(header, flush=True)
    rows = []
    warnings.filterwarnings("ignore")  # ConvergenceWarning: tol=0 never converges
    started = time.perf_counter()
    with threadpool_limits(limits=1):
        for n_samples in sizes:
            for n_features in FEATURE_COUNTS:
                X = make_blobs(n_samples, n_features, max(COMPONENT_COUNTS))
                for covariance_type in types:
                    for n_components in COMPONENT_COUNTS:
                        n_iter = iterations_for(n_samples)
                        sk, ours, gap = time_cell(
                            X, covariance_type, n_components, n_iter, repeats_for(n_samples)
                        )
                        row = {
                            "type": covariance_type, "N": n_samples, "D": n_features,
                            "K": n_components, "iters": n_iter, "sklearn": sk[0],
                            "gmm_lib": ours[0], "ratio": ours[0] / sk[0],
                            "wall_ratio": ours[1] / sk[1], "gap": gap,
                        }
                        rows.append(row)
                        print(
                            f"{covariance_type:9s} N={n_samples:.0e} D={n_features:2d} "
                            f"K={n_components:2d}: sklearn {sk[0] * 1e3:9.2f} ms/iter, gmm_lib "
                            f"{ours[0] * 1e3:8.2f} ms/iter (CPU), ratio {row['ratio']:.2f} "
                            f"(wall {row['wall_ratio']:.2f}), means gap {gap:.1e}",
                            flush=True,
                        )
                del X
    order = {t: i for i, t in enumerate(COVARIANCE_TYPES)}
    rows.sort(key=lambda r: (order[r["type"]], r["N"], r["D"], r["K"]))
    table = markdown_table(rows)
    elapsed = time.perf_counter() - started
    misses = [r for r in rows if r["ratio"] > 0.5]
    summary = (
        f"{len(rows)} cells in {elapsed:.0f} s; worst ratio "
        f"{max(r['ratio'] for r in rows):.2f}; cells above 0.5: {len(misses)}; largest means "
        f"difference {max(r['gap'] for r in rows):.1e}."
    )
    print()
    print(table)
    print()
    print(summary)
    with open(RESULTS_PATH, "w") as handle:
        handle.write("# GaussianMixture: time per EM iteration, gmm_lib vs scikit-learn\n\n")
        command = " ".join(["python benchmarks/bench_gmm.py"] + list(argv or sys.argv[1:]))
        handle.write(f"Command: `{command}`\n\n")
        handle.write(header + "\n\n")
        handle.write(table + "\n\n")
        handle.write(summary + "\n")
    print(f"written {RESULTS_PATH}")


if __name__ == "__main__":
    main()
