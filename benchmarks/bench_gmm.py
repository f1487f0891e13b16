"""Speed and memory of gmmlib.GaussianMixture against scikit-learn's.

Both estimators get identical initial parameters (``weights_init``,
``means_init``, ``precisions_init``), a fixed ``max_iter`` and ``tol=0``, so
both run exactly ``max_iter`` EM iterations and their ``lower_bound_`` (the
bound from the last E-step) must agree. Fits of the two libraries alternate in
one process, so machine load affects both alike.

For each shape the script prints: the median time of each library, the ratio
gmmlib / scikit-learn (below 1 means gmmlib is faster), the peak memory
allocated during ``fit`` above the data X (``tracemalloc``, which sees NumPy's
allocations), and the relative difference of the lower bounds.

    .venv/bin/python benchmarks/bench_gmm.py --quick      # a few minutes
    .venv/bin/python benchmarks/bench_gmm.py              # full grid: hours
    .venv/bin/python benchmarks/bench_gmm.py --n 1000000 --d 8 --K 8 --cov full

This is a script, not a test: timings depend on the machine and its load.
"""

import argparse
import itertools
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc
import warnings

import numpy as np


def make_data(n, d, K, seed=0):
    """K Gaussian clusters in d dimensions, n samples (float64)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=4.0, size=(K, d))
    labels = rng.integers(0, K, size=n)
    X = rng.standard_normal((n, d))
    X *= rng.uniform(0.5, 1.5, size=(K, d))[labels]
    X += centres[labels]
    return X


def initial_params(X, K, covariance_type, seed=1):
    rng = np.random.default_rng(seed)
    variances = X[:10_000].var(axis=0)
    precisions = {
        "full": np.stack([np.diag(1.0 / variances)] * K),
        "diag": np.tile(1.0 / variances, (K, 1)),
        "tied": np.diag(1.0 / variances),
        "spherical": np.full(K, 1.0 / variances.mean()),
    }[covariance_type]
    return dict(
        weights_init=np.full(K, 1.0 / K),
        means_init=X[rng.choice(min(len(X), 10_000), K, replace=False)],
        precisions_init=precisions,
    )


def fit_once(cls, X, K, covariance_type, max_iter, init):
    model = cls(K, covariance_type=covariance_type, max_iter=max_iter, tol=0.0, **init)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: tol=0 never converges
        start = time.perf_counter()
        model.fit(X)
        elapsed = time.perf_counter() - start
    return elapsed, model


def peak_memory(cls, X, K, covariance_type, init):
    """Peak bytes allocated during a 2-iteration fit (X already exists)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    fit_once(cls, X, K, covariance_type, 2, init)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak


def bench_shape(n, d, K, covariance_type, max_iter, repeats):
    from sklearn.mixture import GaussianMixture as SkGaussianMixture

    from gmmlib import GaussianMixture

    X = make_data(n, d, K)
    init = initial_params(X, K, covariance_type)
    times = {"gmmlib": [], "sklearn": []}
    models = {}
    for _ in range(repeats):  # alternate the two libraries
        for name, cls in (("sklearn", SkGaussianMixture), ("gmmlib", GaussianMixture)):
            elapsed, models[name] = fit_once(cls, X, K, covariance_type, max_iter, init)
            times[name].append(elapsed)
    memory = {
        name: peak_memory(cls, X, K, covariance_type, init)
        for name, cls in (("sklearn", SkGaussianMixture), ("gmmlib", GaussianMixture))
    }
    lb_g, lb_s = models["gmmlib"].lower_bound_, models["sklearn"].lower_bound_
    return dict(
        n=n, d=d, K=K, cov=covariance_type,
        t_gmmlib=statistics.median(times["gmmlib"]),
        t_sklearn=statistics.median(times["sklearn"]),
        mem_gmmlib=memory["gmmlib"], mem_sklearn=memory["sklearn"],
        lb_rel_diff=abs(lb_g - lb_s) / abs(lb_s),
    )


def row(r):
    ratio = r["t_gmmlib"] / r["t_sklearn"]
    return (
        f"| {r['n']:>9,} | {r['d']:>2} | {r['K']:>2} | {r['cov']:<4} | "
        f"{r['t_gmmlib']:8.3f} | {r['t_sklearn']:8.3f} | {ratio:6.3f} | "
        f"{r['mem_gmmlib'] / 2**20:8.1f} | {r['mem_sklearn'] / 2**20:8.1f} | {r['lb_rel_diff']:8.1e} |"
    )


HEADER = (
    "|         n |  d |  K | cov  | gmmlib s | sklearn s |  ratio | gmmlib MB | sklearn MB | lb rel diff |\n"
    "|----------:|---:|---:|:-----|---------:|----------:|-------:|----------:|-----------:|------------:|"
)


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def summary(results):
    lines = []
    ratios = [r["t_gmmlib"] / r["t_sklearn"] for r in results]
    lines.append(f"geometric-mean ratio, all {len(results)} shapes: {geomean(ratios):.3f}")
    for n in sorted({r["n"] for r in results}):
        sub = [r["t_gmmlib"] / r["t_sklearn"] for r in results if r["n"] == n]
        lines.append(f"  n = {n:>9,}: geomean ratio {geomean(sub):.3f} over {len(sub)} shapes, "
                     f"worst {max(sub):.3f}")
    lines.append(f"worst ratio: {max(ratios):.3f}; largest lower-bound difference: "
                 f"{max(r['lb_rel_diff'] for r in results):.1e}")
    return "\n".join(lines)


def machine():
    import numpy
    import sklearn

    import gmmlib

    try:
        from threadpoolctl import threadpool_info

        blas = ", ".join(f"{i['internal_api']} {i['version']} ({i['num_threads']} threads)"
                         for i in threadpool_info() if i["user_api"] == "blas")
    except ImportError:
        blas = "unknown"
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
            f"NumPy {numpy.__version__}, scikit-learn {sklearn.__version__}, "
            f"gmmlib {gmmlib.__version__}; BLAS {blas}; load average {os.getloadavg()[0]:.1f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small grid (a few minutes)")
    parser.add_argument("--n", type=int, nargs="*", help="sample sizes")
    parser.add_argument("--d", type=int, nargs="*", help="dimensions")
    parser.add_argument("--K", type=int, nargs="*", help="numbers of components")
    parser.add_argument("--cov", nargs="*", choices=["full", "diag", "tied", "spherical"])
    parser.add_argument("--max-iter", type=int, default=None, help="EM iterations per fit")
    parser.add_argument("--repeats", type=int, default=None, help="fits per library and shape")
    args = parser.parse_args(argv)
    if args.quick:
        grid = dict(n=[10_000, 100_000], d=[2, 8], K=[3, 8], cov=["full", "diag"])
        max_iter, repeats = 10, 3
    else:
        grid = dict(n=[10_000, 100_000, 1_000_000], d=[2, 8, 32], K=[3, 8, 16], cov=["full", "diag"])
        max_iter, repeats = 10, 3
    for key in grid:
        if getattr(args, key):
            grid[key] = getattr(args, key)
    max_iter = args.max_iter or max_iter
    repeats = args.repeats or repeats

    print(f"machine: {machine()}")
    print(f"max_iter={max_iter}, tol=0, median of {repeats} alternating fits per library\n")
    print(HEADER, flush=True)
    results = []
    for n, d, K, cov in itertools.product(grid["n"], grid["d"], grid["K"], grid["cov"]):
        results.append(bench_shape(n, d, K, cov, max_iter, repeats))
        print(row(results[-1]), flush=True)
    print()
    print(summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
