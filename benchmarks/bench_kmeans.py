"""Time gmm_lib.kmeans.KMeans against scikit-learn's Lloyd k-means, and measure its memory.

Both estimators start from the same initial centres (n_init=1, tol=0, a fixed
max_iter) on one BLAS / OpenMP thread, and the time of a whole ``fit`` is
divided by the number of iterations it ran (so the fixed costs of a fit --
input checks, centring, the final assignment and inertia -- are spread over
the iterations, for both libraries).  The script prints a markdown table
(per-iteration times, the ratio ours / scikit-learn, the largest centre
difference and the fraction of equal labels), then the peak memory that
``fit`` allocates beyond X (tracemalloc, to which numpy reports its arrays)
for both libraries, and writes everything to ``benchmarks/results_kmeans.md``.

Usage::

    python benchmarks/bench_kmeans.py              # N in {1e4, 1e5, 1e6}
    python benchmarks/bench_kmeans.py --quick      # N in {1e4, 1e5}
    python benchmarks/bench_kmeans.py --repeat 3   # three times more repeats

The machine may be shared, so the times are CPU times of this process
(``time.process_time``: both libraries run on one thread, and time spent
waiting for the CPU while other processes run is not counted), and the
best of several alternated repeats is reported, so that a burst of load
(which also slows memory access) hits both libraries alike.  The load
average is written with the results.
"""

import argparse
import os
import platform
import time
import tracemalloc
from pathlib import Path

import numpy as np
import sklearn
from sklearn.cluster import KMeans as SklearnKMeans
from threadpoolctl import threadpool_limits

from gmm_lib.kmeans import KMeans

N_SAMPLES = (10_000, 100_000, 1_000_000)
N_FEATURES = (2, 10, 50)
N_CLUSTERS = (3, 10)
REPEATS = {10_000: 15, 100_000: 5, 1_000_000: 3}
RESULTS = Path(__file__).with_name("results_kmeans.md")


def make_data(n_samples, n_features, n_clusters, seed=0):
    """Strongly overlapping Gaussian blobs and K random samples as initial centres.

    The overlap keeps Lloyd's algorithm iterating (with tol=0 it stops only
    when no label changes), so that the per-iteration time is measured over
    many iterations.
    """
    rng = np.random.RandomState(seed)
    true_centers = 0.5 * rng.randn(n_clusters, n_features)
    X = true_centers[rng.randint(n_clusters, size=n_samples)]
    X += rng.randn(n_samples, n_features)
    init = X[rng.choice(n_samples, size=n_clusters, replace=False)].copy()
    return X, init


def time_fit(make_estimator, X):
    """Fit a fresh estimator; return it and the CPU time of fit."""
    estimator = make_estimator()
    start = time.process_time()
    estimator.fit(X)
    return estimator, time.process_time() - start


def bench_cell(n_samples, n_features, n_clusters, repeat=1):
    X, init = make_data(n_samples, n_features, n_clusters)
    max_iter = 20 if n_samples < 1_000_000 else 8
    params = dict(n_clusters=n_clusters, init=init, n_init=1, max_iter=max_iter, tol=0.0)

    def ours():
        return KMeans(**params)

    def theirs():
        return SklearnKMeans(algorithm="lloyd", **params)

    best_ours = best_theirs = np.inf
    for _ in range(REPEATS[n_samples] * repeat):  # alternate, so that load changes hit both
        ours_fit, seconds = time_fit(ours, X)
        best_ours = min(best_ours, seconds / ours_fit.n_iter_)
        theirs_fit, seconds = time_fit(theirs, X)
        best_theirs = min(best_theirs, seconds / theirs_fit.n_iter_)
    return {
        "N": n_samples,
        "D": n_features,
        "K": n_clusters,
        "iters": f"{ours_fit.n_iter_}/{theirs_fit.n_iter_}",
        "ours_ms": 1e3 * best_ours,
        "sklearn_ms": 1e3 * best_theirs,
        "ratio": best_ours / best_theirs,
        "max_center_diff": float(
            np.abs(ours_fit.cluster_centers_ - theirs_fit.cluster_centers_).max()
        ),
        "label_agreement": float(np.mean(ours_fit.labels_ == theirs_fit.labels_)),
    }


def format_table(rows):
    lines = [
        "| N | D | K | iters (ours/sk) | ours ms/iter | sklearn ms/iter | ratio "
        "| max abs centre diff | labels equal |",
        "|---:|---:|---:|:---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['N']:,} | {r['D']} | {r['K']} | {r['iters']} | {r['ours_ms']:.3f} | "
            f"{r['sklearn_ms']:.3f} | {r['ratio']:.2f} | {r['max_center_diff']:.1e} | "
            f"{100 * r['label_agreement']:.2f}% |"
        )
    return "\n".join(lines)


def traced_peak_mb(estimator, X):
    """Peak memory (MB) allocated during ``estimator.fit(X)``, X not counted."""
    tracemalloc.start()
    try:
        estimator.fit(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6


def memory_table(n_samples=1_000_000, n_features=10, n_clusters=10):
    """Peak memory of a fit for both libraries, with k-means++ and with given centres."""
    X, init = make_data(n_samples, n_features, n_clusters, seed=1)
    lines = [
        f"Peak memory allocated by `fit` (tracemalloc), N={n_samples:,}, D={n_features}, "
        f"K={n_clusters}, max_iter=8, n_init=1; X itself ({X.nbytes / 1e6:.0f} MB) is not "
        f"counted; one (N, K) float64 array would be {n_samples * n_clusters * 8 / 1e6:.0f} MB.",
        "",
        "| init | gmm_lib peak (MB) | sklearn peak (MB) |",
        "|---|---:|---:|",
    ]
    for name, centers in (("k-means++", "k-means++"), ("given centres", init)):
        params = dict(n_clusters=n_clusters, init=centers, n_init=1, max_iter=8, random_state=0)
        ours = traced_peak_mb(KMeans(**params), X)
        theirs = traced_peak_mb(SklearnKMeans(algorithm="lloyd", **params), X)
        lines.append(f"| {name} | {ours:.1f} | {theirs:.1f} |")
        print(f"memory, init={name}: ours {ours:.1f} MB, sklearn {theirs:.1f} MB", flush=True)
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only N = 1e4 and 1e5")
    parser.add_argument("--repeat", type=int, default=1, help="multiply the repeats")
    args = parser.parse_args()
    sizes = N_SAMPLES[:2] if args.quick else N_SAMPLES
    load_before = os.getloadavg()[0]

    rows = []
    with threadpool_limits(limits=1):
        KMeans(2, n_init=1).fit(np.random.RandomState(0).randn(100, 2))  # warm-up
        SklearnKMeans(2, n_init=1).fit(np.random.RandomState(0).randn(100, 2))
        for n_samples in sizes:
            for n_features in N_FEATURES:
                for n_clusters in N_CLUSTERS:
                    rows.append(bench_cell(n_samples, n_features, n_clusters, args.repeat))
                    r = rows[-1]
                    print(
                        f"N={r['N']:>9,} D={r['D']:>2} K={r['K']:>2}: ours "
                        f"{r['ours_ms']:8.3f} ms/iter, sklearn {r['sklearn_ms']:8.3f} "
                        f"ms/iter, ratio {r['ratio']:.2f}",
                        flush=True,
                    )
        memory = memory_table()
    load_after = os.getloadavg()[0]

    table = format_table(rows)
    repeats = " / ".join(str(REPEATS[n] * args.repeat) for n in sizes)
    header = (
        "# k-means benchmark: gmm_lib vs scikit-learn (Lloyd)\n\n"
        f"Generated by `python benchmarks/bench_kmeans.py"
        f"{' --quick' if args.quick else ''}"
        f"{f' --repeat {args.repeat}' if args.repeat != 1 else ''}` on "
        f"{time.strftime('%Y-%m-%d')}: {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}; one BLAS/OpenMP thread "
        "(threadpoolctl), same initial centres, n_init=1, tol=0, max_iter 20 "
        "(8 for N=1e6); CPU time of fit / n_iter_, best of "
        f"{repeats} alternated repeats for N = "
        f"{' / '.join(f'{n:.0e}' for n in sizes)}.\n"
        "ratio = ours / sklearn (lower is better for us).  The machine is shared "
        f"with other jobs: load average {load_before:.2f} at the start and "
        f"{load_after:.2f} at the end of the run, on {os.cpu_count()} cores "
        "(ratios are reproducible to about +-10 %).\n\n"
    )
    print()
    print(table)
    print()
    print(memory)
    RESULTS.write_text(header + table + "\n\n## Memory\n\n" + memory + "\n")
    print(f"\nwritten to {RESULTS}")


if __name__ == "__main__":
    main()
