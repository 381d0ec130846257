"""Benchmark: loading and validating participant files, against plain pandas.read_csv.

Prints one row per size: evalkit's load_participants (parse + validate + reject table)
and pandas.read_csv with the date columns parsed (no validation), timed in the same
run, with the ratio and evalkit's peak traced memory. pandera (imported by evalkit on the
first check, ~0.3 s once per process) is imported before the timings.

    .venv/bin/python benchmarks/bench_data.py [--quick]
"""

from __future__ import annotations

import argparse
import importlib
import tempfile
from pathlib import Path

import pandas as pd
from _timing import best, peak_mib

from evalkit.data import load_participants
from evalkit.data.synthetic import simulate_participants

DATES = ["intake_date", "exit_date", "follow_up_end"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    args = parser.parse_args()
    sizes = [1_000, 10_000] if args.quick else [10_000, 100_000, 1_000_000]
    importlib.import_module("pandera.pandas")  # imported by the first check: not timed
    repeat = 1 if args.quick else 3
    print(f"{'rows':>9} {'evalkit s':>10} {'read_csv s':>11} {'ratio':>6} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"participants_{n}.csv"
            simulate_participants(n, rng=1).to_csv(path, index=False, date_format="%Y-%m-%d")
            ours = best(lambda p=path: load_participants(p), repeat)
            peer = best(lambda p=path: pd.read_csv(p, parse_dates=DATES), repeat)
            peak = peak_mib(lambda p=path: load_participants(p))
            print(f"{n:>9} {ours:>10.3f} {peer:>11.3f} {ours / peer:>6.1f} {peak:>9.0f}")


if __name__ == "__main__":
    main()
