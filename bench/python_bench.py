#!/usr/bin/env python3
"""Benchmarks of the alvh Python bindings (docs/bench/python.md).

1. Vectorised option pricing: alvh.bsm_price_batch on a book of 1 M European options (numpy in,
   numpy out: conversion, allocation and the GIL-released C++ SIMD kernel) against the same
   C++ kernel timed inside C++ on preallocated buffers (alvh.bsm_batch_kernel_seconds), and, if
   it is built, the C++ benchmark program alvh_bench_options. Target: Python within 10 % of C++.
2. Distributed sweep: a grid of Monte Carlo configs through alvh.sweep.sweep on a Dask
   LocalCluster with 1 and with 2 worker processes (1 thread each), against the in-process sweep.

Run with Debian's interpreter and the build's package on the path:
    PYTHONPATH=build/release/python /usr/bin/python3 bench/python_bench.py [--options N] [--paths N]
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

import numpy as np

import alvh
from alvh.sweep import grid, sweep, sweep_local


def book(n, seed=20240601):
    rng = np.random.default_rng(seed)
    return dict(is_call=rng.random(n) < 0.5, spot=rng.uniform(1500.0, 4500.0, n),
                strike=rng.uniform(1000.0, 5000.0, n), t_years=rng.uniform(1 / 365, 1.0, n),
                rate=np.full(n, 0.03), yield_=np.zeros(n), vol=rng.uniform(0.3, 1.2, n))


def best_of(f, repeats):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return best


def options_bench(n, repeats):
    b = book(n)
    alvh.bsm_price_batch(**b)  # warm-up (page faults of the output, dispatch)
    py = best_of(lambda: alvh.bsm_price_batch(**b), repeats)
    cpp = alvh.bsm_batch_kernel_seconds(**b, repeats=repeats)
    greeks = best_of(lambda: alvh.bsm_greeks_batch(**b), max(1, repeats // 2))
    out = {"n_options": n, "simd_target": alvh.batch_simd_target(), "python_seconds": py, "cpp_kernel_seconds": cpp,
           "python_options_per_second": n / py, "cpp_options_per_second": n / cpp, "python_over_cpp_time": py / cpp,
           "python_greeks_seconds": greeks}
    # The C++ benchmark program, when the options engineer's bench/options_bench.cpp is built.
    exe = os.environ.get("ALVH_BENCH_OPTIONS") or next(iter(sorted(glob.glob(os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(alvh.__file__))), "..", "bench", "alvh_bench_options")))), None)
    if exe and os.path.exists(exe):
        proc = subprocess.run([exe, "--benchmark_format=json", "--benchmark_min_time=0.2",
                               "--benchmark_filter=.*[Bb]atch.*"], capture_output=True, text=True)
        if proc.returncode == 0:
            out["alvh_bench_options"] = [
                {"name": r["name"], "items_per_second": r.get("items_per_second")}
                for r in json.loads(proc.stdout)["benchmarks"]]
    return out


def sweep_bench(paths, steps, n_configs):
    from dask.distributed import Client, LocalCluster

    configs = grid(range_lower=[2000.0, 2400.0, 2700.0, 2850.0][: max(1, n_configs // 2)], vol=[0.5, 0.9])
    base = {"paths": paths, "steps": steps, "threads": 1}
    t0 = time.perf_counter()
    reference = sweep_local(configs, base=base, chunk_size=1)
    result = {"n_configs": len(configs), "paths": paths, "steps": steps,
              "in_process_seconds": time.perf_counter() - t0}
    for workers in (1, 2):
        parent = os.path.dirname(os.path.dirname(os.path.abspath(alvh.__file__)))
        os.environ["PYTHONPATH"] = parent + os.pathsep + os.environ.get("PYTHONPATH", "")
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            client.run(lambda: __import__("alvh"))  # workers import the extension before the clock starts
            t0 = time.perf_counter()
            frame = sweep(configs, base=base, chunk_size=1, client=client)
            result[f"dask_{workers}_workers_seconds"] = time.perf_counter() - t0
            result[f"dask_{workers}_workers_identical"] = bool(frame.equals(reference))
    result["speedup_1_to_2_workers"] = result["dask_1_workers_seconds"] / result["dask_2_workers_seconds"]
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--options", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--paths", type=int, default=40_000)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--configs", type=int, default=8)
    ap.add_argument("--skip-sweep", action="store_true")
    args = ap.parse_args()
    report = {"python": sys.version.split()[0], "numpy": np.__version__, "cpus": os.cpu_count(),
              "load_average": os.getloadavg()}
    report["options"] = options_bench(args.options, args.repeats)
    if not args.skip_sweep:
        report["sweep"] = sweep_bench(args.paths, args.steps, args.configs)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
