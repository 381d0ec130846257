"""Timing helpers shared by the benchmark scripts (not a benchmark itself).

The scripts run as ``python benchmarks/bench_*.py``, so this module is importable as
``_timing`` from them.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pandas as pd


def best(fn, repeat: int) -> float:
    """Best wall time of ``repeat`` calls of ``fn`` (the machines are shared and noisy)."""
    fastest = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest


def adaptive_best(fn, quick: bool = False) -> tuple[float, float]:
    """Best wall time of ``fn`` and the time of its first call.

    One call when ``quick`` or over 2 s; otherwise best of 3, or of as many calls as fit
    in ~0.5 s (at most 30) for calls of a few ms, whose single timings on a shared
    machine vary by tens of percent.
    """
    first = best(fn, 1)
    repeat = 1 if quick or first > 2 else max(3, min(30, int(0.5 / first)))
    return (min(first, best(fn, repeat - 1)) if repeat > 1 else first), first


def peak_mib(fn) -> float:
    """Peak memory traced (tracemalloc) during one call of ``fn``, in MiB."""
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def print_results(rows: list[dict], sizes: list[int]) -> None:
    """The rows as a markdown table, then how each time grows from the smallest size."""
    table = pd.DataFrame(rows)
    print()
    print(table.to_markdown(index=False, floatfmt=".4g") if _has_tabulate() else table)
    if len(sizes) > 1:
        lo, hi = min(sizes), max(sizes)
        wide = table.pivot_table(index=["case", "library"], columns="n", values="seconds")
        if lo in wide and hi in wide:
            growth = (wide[hi] / wide[lo]).rename(f"time x{hi / lo:g} rows").dropna()
            print()
            print(f"growth of time from n={lo:,} to n={hi:,} (x{hi / lo:g} rows):")
            print(growth.to_string(float_format=lambda v: f"{v:.1f}"))


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True
