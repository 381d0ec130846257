"""Benchmark: a register of 10^7 spells from Parquet, counted in DuckDB, against pandas.

Writes a Parquet file of n spells (whole months 0–60, exits job / training /
censored, a programme, 5 regions, 4 education levels; dictionary-encoded strings as a
register export has them), then times each case in a fresh process, so that its peak
resident memory (ru_maxrss) is its own:

- ``evalkit (DuckDB)``: ``risk_table(path, ...)`` then Kaplan–Meier, Aalen–Johansen and
  the log-rank test from the table;
- ``pandas groupby`` (the peer): ``pandas.read_parquet`` of the three columns and a
  ``groupby(...).size()`` to the same counts, then the same estimators;
- Cox with the 3 categorical covariates (8 terms, Efron): from counts at n
  (``pattern_table`` in DuckDB + ``cox_model``), and from rows at the first n_rows
  spells (``cox_model`` on the DataFrame), with the largest difference in beta between
  rows and counts of those same spells; lifelines' ``CoxPHFitter`` (peer) at n_peer.

    .venv/bin/python benchmarks/bench_register.py [--n 10000000] [--n-rows 1000000]
        [--n-peer 100000] [--quick]

``--quick`` runs tiny sizes (the CI smoke test). Run the full size with ``nice -n 10``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

COVARIATES = ["programme", "region", "education"]
FORMULA = "programme + C(region) + C(education)"
LEVELS = {
    "programme": ["coaching", "usual"],
    "region": ["brussels", "flanders", "liege", "hainaut", "namur"],
    "education": ["primary", "lower_secondary", "upper_secondary", "tertiary"],
}
EXITS = ["censored", "job", "training"]
CHUNK = 1_000_000


def _chunk(rng: np.random.Generator, n: int) -> pa.Table:
    """n spells: monthly times, competing exits whose hazards depend on the covariates."""
    codes = {c: rng.integers(0, len(v), n) for c, v in LEVELS.items()}
    eta = (0.25 * (codes["programme"] == 0) + 0.1 * codes["region"] / 4
           + 0.15 * codes["education"] - 0.2 * (codes["region"] == 3))
    t_job = rng.exponential(14 / np.exp(eta))
    t_training = rng.exponential(40, n)
    t_cens = rng.uniform(6, 70, n)
    t = np.minimum(np.minimum(t_job, t_training), t_cens)
    exit_ = np.where(t == t_cens, 0, np.where(t == t_job, 1, 2))
    columns = {
        "months": np.minimum(np.ceil(t), 60).astype(np.int32),
        "exit": pa.DictionaryArray.from_arrays(exit_.astype(np.int8), EXITS),
    }
    for c, v in LEVELS.items():
        columns[c] = pa.DictionaryArray.from_arrays(codes[c].astype(np.int8), v)
    return pa.table(columns)


def write_register(path: Path, n: int, seed: int = 18) -> None:
    """The register file, written in row groups of at most 10^6 spells."""
    rng = np.random.default_rng(seed)
    writer = None
    for start in range(0, n, CHUNK):
        table = _chunk(rng, min(CHUNK, n - start))
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    writer.close()


def _estimators(rt) -> None:
    from evalkit.survival import cumulative_incidence, kaplan_meier, logrank_test

    kaplan_meier(rt, cause="job")
    cumulative_incidence(rt)
    logrank_test(rt, group="programme", cause="job")


def _case_duckdb(path: str, n: int) -> dict:
    from evalkit.survival import risk_table

    rt = risk_table(path, "months", "exit", group="programme")
    _estimators(rt)
    return {"note": f"{len(rt.table)} rows of counts"}


def _case_pandas(path: str, n: int) -> dict:
    from evalkit.survival import risk_table_from_counts

    df = pd.read_parquet(path, columns=["months", "exit", "programme"])
    counts = df.groupby(["programme", "months", "exit"], observed=True).size()
    counts = counts.rename("n").reset_index()
    rt = risk_table_from_counts(counts, "months", "exit", "n", group="programme")
    _estimators(rt)
    return {"note": f"{len(rt.table)} rows of counts"}


def _cox_table(fit) -> list[float]:
    return fit.table["log_hr"].tolist()


def _case_cox_counts(path: str, n: int) -> dict:
    from evalkit.survival import cox_model, pattern_table

    table = pattern_table(path, "months", "exit", COVARIATES)
    fit = cox_model(table, "months", "exit", FORMULA, cause="job")
    return {"beta": _cox_table(fit), "note": f"{len(table.patterns)} patterns"}


def _first_rows(path: str, n: int) -> pd.DataFrame:
    df = pq.ParquetFile(path).iter_batches(batch_size=n).__next__().to_pandas()
    return df.astype({c: str for c in ["exit", *COVARIATES]})


def _case_cox_rows(path: str, n: int) -> dict:
    from evalkit.survival import cox_model, pattern_table

    df = _first_rows(path, n)
    start = time.perf_counter()
    fit = cox_model(df, "months", "exit", FORMULA, cause="job")
    seconds = time.perf_counter() - start
    counts = cox_model(pattern_table(df, "months", "exit", COVARIATES), "months", "exit",
                       FORMULA, cause="job")
    diff = float(np.max(np.abs(np.subtract(_cox_table(fit), _cox_table(counts)))))
    return {"beta": _cox_table(fit), "seconds": seconds,
            "note": f"max |beta rows - beta counts| on these rows {diff:.1e}"}


def _case_lifelines(path: str, n: int) -> dict:
    import warnings

    from lifelines import CoxPHFitter

    df = _first_rows(path, n)
    x = pd.get_dummies(df[COVARIATES], drop_first=True, dtype=float)
    x["months"], x["job"] = df["months"], (df["exit"] == "job").astype(float)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        CoxPHFitter().fit(x, "months", "job")
    return {"seconds": time.perf_counter() - start, "note": "Efron, rows"}


CASES = {
    "risk": ("KM + AJ + log-rank from Parquet", "evalkit (DuckDB)", _case_duckdb),
    "risk_pandas": ("KM + AJ + log-rank from Parquet", "pandas groupby", _case_pandas),
    "cox_counts": ("Cox, 3 categorical covariates", "evalkit from counts (DuckDB)",
                   _case_cox_counts),
    "cox_rows": ("Cox, 3 categorical covariates", "evalkit from rows", _case_cox_rows),
    "cox_lifelines": ("Cox, 3 categorical covariates", "lifelines", _case_lifelines),
}


def _cpu() -> str:
    """The processor's model name (Linux), else the architecture."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        return next(x.split(":", 1)[1].strip() for x in lines if x.startswith("model name"))
    except (OSError, StopIteration):
        return platform.machine()


def _child(case: str, path: str, n: int) -> None:
    """Run one case in this process and print its time and peak RSS as JSON."""
    import duckdb  # noqa: F401  (imports are not timed)

    import evalkit.survival  # noqa: F401

    start = time.perf_counter()
    out = CASES[case][2](path, n)
    out.setdefault("seconds", time.perf_counter() - start)
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def run_case(case: str, path: Path, n: int) -> dict:
    """One case in a fresh interpreter: its time, peak RSS, note (and beta for Cox)."""
    proc = subprocess.run(
        [sys.executable, __file__, "--child", case, "--path", str(path), "--n", str(n)],
        capture_output=True, text=True, check=True,
    )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    what, library, _ = CASES[case]
    return {"case": what, "library": library, "n": n, **out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--n-rows", type=int, default=1_000_000)
    parser.add_argument("--n-peer", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (CI smoke test)")
    parser.add_argument("--child", choices=list(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child(args.child, args.path, args.n)
    if args.quick:
        args.n, args.n_rows, args.n_peer = 3_000, 2_000, 1_000
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"machine: {_cpu()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {load} (other work on the machine)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.parquet"
        start = time.perf_counter()
        write_register(path, args.n)
        print(f"wrote {args.n:,} spells ({path.stat().st_size / 2**20:.0f} MiB Parquet) in "
              f"{time.perf_counter() - start:.1f} s")
        rows = [run_case("risk", path, args.n), run_case("risk_pandas", path, args.n),
                run_case("cox_counts", path, args.n), run_case("cox_rows", path, args.n_rows),
                run_case("cox_lifelines", path, args.n_peer)]
    counts_beta, rows_beta = rows[2].pop("beta"), rows[3].pop("beta")
    rows[2]["note"] += (f"; max |beta(n={args.n:,}) - beta(rows, n={args.n_rows:,})| "
                        f"{np.max(np.abs(np.subtract(counts_beta, rows_beta))):.3f}")
    table = pd.DataFrame(rows)[["case", "library", "n", "seconds", "peak_mib", "note"]]
    print(table.to_markdown(index=False, floatfmt=".3g"))


if __name__ == "__main__":
    main()
