"""Report-level speed (issue 18): ``evalkit report`` on the shipped study, per part.

Runs ``evalkit report STUDY.yaml`` (default: the shipped study) in a subprocess
(``--jobs`` as given) and prints, per run, the wall time, the CPU time of the process
and its kernels, the load average, and per part: its run time, the time to its first
cell (kernel start-up, or a kept kernel's reset), its import cell and its slowest cell.
``--label`` names the code under test (e.g. a commit), so that runs of two versions
can be interleaved on a shared machine and tabled together.

Usage::

    PYTHONPATH=src nice -n 10 python benchmarks/bench_report.py --jobs 1 2
    python benchmarks/bench_report.py --jobs 2 --keep /tmp/report  # keep the pages
    python benchmarks/bench_report.py --quick   # part 01 only (CI smoke run)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _parts(output: Path) -> list[dict]:
    """Per part: seconds, time to the first cell, the import cell and the slowest cell."""
    import nbformat

    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    rows = []
    for part in manifest["parts"]:
        nb = nbformat.read(output / part["notebook"], as_version=4)
        cells = [c for c in nb.cells if c.cell_type == "code"]
        durations = [c.metadata.get("papermill", {}).get("duration") or 0.0 for c in cells]
        started = datetime.fromisoformat(nb.metadata["papermill"]["start_time"])
        first = datetime.fromisoformat(cells[0].metadata["papermill"]["start_time"])
        imports = next((d for c, d in zip(cells, durations, strict=True)
                        if "import " in c.source), 0.0)
        rows.append({"part": Path(part["notebook"]).stem, "seconds": part["seconds"],
                     "kernel_start": round((first - started).total_seconds(), 1),
                     "imports": round(imports, 1), "slowest_cell": round(max(durations), 1)})
    return rows


def run(notebooks: Path, source: tuple[str, Path], jobs: int, label: str,
        keep: Path | None = None) -> dict:
    """One ``evalkit report`` run into a temporary directory (or ``keep``); its timings.

    ``source`` is ``("study", STUDY.yaml)`` or ``("params", DIRECTORY)`` (versions
    before study files)."""
    output = keep or Path(tempfile.mkdtemp(prefix="bench-report-")) / "report"
    given = [str(source[1])] if source[0] == "study" else ["--params", str(source[1])]
    command = [sys.executable, "-c", "import sys; from evalkit.cli import main; "
               "sys.exit(main(sys.argv[1:]))", "report", *given, "--notebooks",
               str(notebooks), "-o", str(output)]
    command += ["--jobs", str(jobs)] if jobs else []  # 0: a version without --jobs
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT,
                   env={**os.environ, "OMP_NUM_THREADS": "1"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    parts = _parts(output)
    if keep is None:
        shutil.rmtree(output.parent, ignore_errors=True)
    return {"label": label, "jobs": jobs, "wall": round(wall, 1), "cpu": round(cpu, 1),
            "load": round(load, 1), "parts": parts}


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--study", type=Path, default=ROOT / "params" / "example.yaml",
                        help="the study file (default: the shipped study)")
    parser.add_argument("--params", type=Path, default=None, metavar="DIR",
                        help="a directory of per-part parameter files instead of a study "
                        "file (versions before study files)")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="write the (last) report there and keep it")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2],
                        help="parts at once, one run each (0: leave --jobs out, for "
                        "versions before it, which run one part at a time)")
    parser.add_argument("--label", default="this tree")
    parser.add_argument("--quick", action="store_true", help="part 01 only, one run")
    args = parser.parse_args(argv)
    notebooks = args.notebooks
    if args.quick:  # the smoke run: one part, its own notebooks directory
        tree = Path(tempfile.mkdtemp(prefix="bench-report-nb-"))
        notebooks = tree / "notebooks"
        notebooks.mkdir()
        shutil.copy(args.notebooks / "01_data_overview.ipynb", notebooks)
        shutil.copytree(args.notebooks.parent / "evaldata", tree / "evaldata")
        args.jobs = args.jobs[:1]
    source = ("params", args.params) if args.params else ("study", args.study)
    results = [run(notebooks, source, jobs, args.label, args.keep) for jobs in args.jobs]
    for result in results:
        print(f"{result['label']}, --jobs {result['jobs']}: {result['wall']} s wall, "
              f"{result['cpu']} s CPU, load {result['load']}")
        for part in result["parts"]:
            print("  " + ", ".join(f"{k} {v}" for k, v in part.items()))
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
