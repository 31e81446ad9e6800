"""Peak extra memory of a GaussianMixture fit: gmm_lib versus scikit-learn.

Usage::

    python benchmarks/memory_gmm.py [--n-samples 1000000] [--max-iter 5]

Fits a full-covariance mixture with N = 1e6, D = 10, K = 10 (X itself, 80 MB,
is the caller's and is not counted), once with the default k-means
initialisation and once from given initial parameters, for each library in
a fresh subprocess.  Two measures, both taken around ``fit`` only:

* ``tracemalloc`` peak: every array numpy allocates during the fit (numpy
  reports its data buffers to tracemalloc);
* resident-set peak (``VmHWM`` of ``/proc/self/status``, reset just before
  the fit via ``/proc/self/clear_refs``) minus the resident set before the
  fit: also counts BLAS work buffers and anything outside numpy.

Both are reported in MB and as a multiple of one N x K float64 array
(80 MB), the budget gmm_lib's fit must stay under.  BLAS is pinned to one
thread.  Results are printed and written to ``benchmarks/results_memory.md``
(fit times are printed only: they are taken under tracemalloc, which slows
Python-level work, and are no benchmark; see ``bench_gmm.py`` for speed).
"""

import argparse
import gc
import json
import os
import subprocess
import sys
import time
import tracemalloc
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESULTS_PATH = os.path.join(HERE, "results_memory.md")
N_FEATURES, N_COMPONENTS = 10, 10
LIBRARIES = ("gmm_lib", "sklearn")
INITS = ("kmeans", "given")
MB = 1e6


def _status_mb(key):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024 / MB
    raise KeyError(key)


def _reset_peak_rss():
    """Reset VmHWM to the current resident set; False if the kernel refuses."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def make_data(n_samples, seed=0):
    """Seeded blobs built in place (no temporary as large as X)."""
    rng = np.random.RandomState(seed)
    centers = rng.uniform(-10.0, 10.0, size=(N_COMPONENTS, N_FEATURES))
    X = np.empty((n_samples, N_FEATURES))
    for start in range(0, n_samples, 65536):
        stop = min(start + 65536, n_samples)
        labels = rng.randint(N_COMPONENTS, size=stop - start)
        X[start:stop] = rng.standard_normal((stop - start, N_FEATURES))
        X[start:stop] += centers[labels]
    return X


def given_parameters(X, seed=1):
    """Uniform weights, K data points as means, identity precisions."""
    rng = np.random.RandomState(seed)
    means = X[rng.choice(X.shape[0], N_COMPONENTS, replace=False)].copy()
    weights = np.full(N_COMPONENTS, 1.0 / N_COMPONENTS)
    precisions = np.repeat(np.eye(N_FEATURES)[np.newaxis], N_COMPONENTS, axis=0) / 30.0
    return {"weights_init": weights, "means_init": means, "precisions_init": precisions}


def make_model(library, init, X, max_iter):
    keywords = dict(n_components=N_COMPONENTS, covariance_type="full", max_iter=max_iter,
                    random_state=0)
    if init == "given":
        keywords.update(given_parameters(X))
    if library == "gmm_lib":
        from gmm_lib.mixture import GaussianMixture
    else:
        from sklearn.mixture import GaussianMixture
    return GaussianMixture(**keywords)


def child(library, init, n_samples, max_iter):
    """Measure one fit in this (fresh) process and print a JSON line."""
    from threadpoolctl import threadpool_limits

    warnings.filterwarnings("ignore")
    with threadpool_limits(limits=1):
        # Warm up: import everything and touch every code path on tiny data.
        small = make_data(2000, seed=5)
        make_model(library, init, small, 2).fit(small)
        del small
        X = make_data(n_samples)
        model = make_model(library, init, X, max_iter)
        gc.collect()
        rss_before = _status_mb("VmRSS")
        reset = _reset_peak_rss()
        tracemalloc.start()
        started, started_cpu = time.perf_counter(), time.process_time()
        model.fit(X)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - started_cpu
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_peak = _status_mb("VmHWM")
    print(json.dumps({
        "library": library, "init": init, "traced_mb": traced_peak / MB,
        "rss_mb": rss_peak - rss_before if reset else float("nan"),
        "seconds": seconds, "cpu_seconds": cpu_seconds, "n_iter": int(model.n_iter_),
    }))


def run_child(library, init, n_samples, max_iter):
    command = [sys.executable, os.path.abspath(__file__), "--child", library, init,
               "--n-samples", str(n_samples), "--max-iter", str(max_iter)]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=1_000_000)
    parser.add_argument("--max-iter", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("LIBRARY", "INIT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], args.n_samples, args.max_iter)
        return
    budget = args.n_samples * N_COMPONENTS * 8 / MB
    rows = []
    for init in INITS:
        for library in LIBRARIES:
            row = run_child(library, init, args.n_samples, args.max_iter)
            rows.append(row)
            print(f"{library:8s} init={init:7s} tracemalloc peak {row['traced_mb']:8.1f} MB "
                  f"({row['traced_mb'] / budget:.2f} x NK), RSS peak {row['rss_mb']:8.1f} MB "
                  f"({row['rss_mb'] / budget:.2f} x NK), {row['cpu_seconds']:.1f} s CPU "
                  f"({row['seconds']:.1f} s wall)", flush=True)
    lines = [
        f"Full covariance, N={args.n_samples:.0e}, D={N_FEATURES}, K={N_COMPONENTS}, "
        f"max_iter={args.max_iter}; X ({args.n_samples * N_FEATURES * 8 / MB:.0f} MB) not "
        f"counted; one N x K float64 array = {budget:.0f} MB. Each fit in a fresh process, "
        f"BLAS pinned to 1 thread.",
        "",
        "| library | init | tracemalloc peak (MB) | x (N x K) | RSS peak - before (MB) "
        "| x (N x K) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['library']} | {row['init']} | {row['traced_mb']:.1f} | "
            f"{row['traced_mb'] / budget:.2f} | {row['rss_mb']:.1f} | "
            f"{row['rss_mb'] / budget:.2f} |"
        )
    table = "\n".join(lines)
    print()
    print(table)
    with open(RESULTS_PATH, "w") as handle:
        handle.write("# GaussianMixture: peak extra memory of a fit\n\n")
        command = " ".join(["python benchmarks/memory_gmm.py"] + list(argv or sys.argv[1:]))
        handle.write(f"Command: `{command}`\n\n")
        handle.write(table + "\n")
    print(f"written {RESULTS_PATH}")


if __name__ == "__main__":
    main()
