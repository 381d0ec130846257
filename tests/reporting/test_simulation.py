"""Slow checks of the reporting family: the report benchmark's smoke run (issue 18)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_report_benchmark_quick_runs():
    """benchmarks/bench_report.py --quick: part 01 runs and every timing is recorded."""
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_report.py"),
                          "--quick"], capture_output=True, text=True, timeout=600,
                         check=True).stdout
    (run,) = json.loads(out.splitlines()[-1])
    assert run["jobs"] == 1 and run["wall"] > 0 and run["cpu"] > 0
    (part,) = run["parts"]
    assert part["part"] == "01_data_overview"
    assert set(part) == {"part", "seconds", "kernel_start", "imports", "slowest_cell"}
