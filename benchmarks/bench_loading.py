"""Benchmark: validated loading of participant files (CSV and Parquet) against plain readers.

For each size, one participants file (18 columns, :func:`simulate_participants`) is
written as CSV and as Parquet; then, timed in the same run (best of ``--repeat``):

- CSV: evalkit's ``load_participants`` (read + parse + validate + rejected table)
  against ``pandas.read_csv(path, engine="pyarrow")`` (no validation, no dates parsed);
- Parquet: ``load_participants`` against ``pyarrow.parquet.read_table(path).to_pandas()``.

The ratio is evalkit's time over the peer's (targets of issue 18: at most 2 for CSV, 3
for Parquet, and Parquet faster than CSV). Peak memory is measured in a fresh
subprocess per load: the growth of the peak resident set size (``VmHWM`` of
``/proc/self/status``, Linux) during the load, over the RSS after the imports, per
row (target: at most 0.3 KiB a row). pandera (imported by evalkit on the first check,
~0.3 s once per process) is imported before the timings.

    .venv/bin/python benchmarks/bench_loading.py [--quick] [--sizes 100000 1000000]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
from _timing import best

from evalkit.data import load_participants
from evalkit.data.synthetic import simulate_participants

EXTRACTION = "2026-01-01"

# Run in a subprocess: the peak RSS growth of one load, in bytes, as JSON.
_PEAK = """
import json, sys
import pandas as pd, pyarrow.parquet as pq, pandera.pandas
from evalkit.data import load_participants

def status(key):  # VmRSS or VmHWM (peak) of this process, in bytes
    with open("/proc/self/status") as f:
        line = next(x for x in f if x.startswith(key + ":"))
    return int(line.split()[1]) * 1024

path, what = sys.argv[1], sys.argv[2]
before = status("VmRSS")
if what == "evalkit":
    result = load_participants(path, extraction_date="{extraction}")
    n = result.n_read
elif path.endswith(".csv"):
    n = len(pd.read_csv(path, engine="pyarrow"))
else:
    n = len(pq.read_table(path).to_pandas())
peak = status("VmHWM")
print(json.dumps({{"grown": peak - before, "peak": peak, "rows": n}}))
"""


def peak_rss(path: Path, what: str) -> dict:
    """Peak RSS growth of one load in a fresh interpreter (``what``: evalkit or peer)."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    out = subprocess.run(
        [sys.executable, "-c", _PEAK.format(extraction=EXTRACTION), str(path), what],
        capture_output=True, text=True, check=True, env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_files(n: int, folder: Path) -> dict[str, Path]:
    """The participants file of size ``n`` as CSV and as Parquet."""
    data = simulate_participants(n, rng=1)
    csv, parquet = folder / f"participants_{n}.csv", folder / f"participants_{n}.parquet"
    data.to_csv(csv, index=False, date_format="%Y-%m-%d")
    data.to_parquet(parquet, index=False)
    return {"csv": csv, "parquet": parquet}


def peer(path: Path) -> None:
    """The plain reader of the same file (no validation)."""
    if path.suffix == ".csv":
        pd.read_csv(path, engine="pyarrow")
    else:
        pq.read_table(path).to_pandas()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    parser.add_argument("--sizes", type=int, nargs="+", help="rows per file")
    parser.add_argument("--repeat", type=int, default=3, help="timings per load (best kept)")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak RSS runs")
    args = parser.parse_args()
    sizes = args.sizes or ([1_000] if args.quick else [100_000, 1_000_000])
    repeat = 1 if args.quick else args.repeat
    importlib.import_module("pandera.pandas")  # imported by the first check: not timed
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    head = f"{'rows':>9} {'format':>8} {'evalkit s':>10} {'peer s':>8} {'ratio':>6}"
    print(head + f" {'KiB/row':>8} {'peer KiB/row':>13}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            for fmt, path in write_files(n, Path(tmp)).items():
                ours = best(lambda p=path: load_participants(p, extraction_date=EXTRACTION),
                            repeat)
                theirs = best(lambda p=path: peer(p), repeat)
                line = f"{n:>9} {fmt:>8} {ours:>10.3f} {theirs:>8.3f} {ours / theirs:>6.1f}"
                if not args.no_memory:
                    mine, plain = peak_rss(path, "evalkit"), peak_rss(path, "peer")
                    assert mine["rows"] == n, mine
                    line += f" {mine['grown'] / n / 1024:>8.3f} {plain['grown'] / n / 1024:>13.3f}"
                print(line, flush=True)


if __name__ == "__main__":
    main()
