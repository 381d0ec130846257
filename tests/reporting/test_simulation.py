"""Slow tests of the report (module-level slow mark, tests/test_layout.py's convention).

One report built end to end from a study file, with two small notebooks that load
through ``load_part_data`` (about 10-30 s: a kernel starts per part). The whole report
of each test study takes minutes: ``validation/study_reports.py``.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evalkit.cli import main
from tests.data.studies import dutch_csv
from tests.reporting.test_studyplan import _notebook, _study

pytestmark = pytest.mark.slow


def test_a_study_report_end_to_end_with_small_parts(tmp_path, capsys):
    """One build: the kernel gets the study file and loads the study's data with its
    model; a part needing a questionnaire is listed as not run; the funnel counts the
    eligible with the study's rules; the guesses are on the front page."""
    path = _study(tmp_path, dutch_csv)
    notebooks = tmp_path / "notebooks"
    load = ("from evalkit.reporting.studyplan import load_part_data\n"
            "data = load_part_data(study_path, participants=participants_path)\n"
            "print('valid', data.participants.n_valid, 'horizon', horizon_months)")
    _notebook(notebooks / "01_overview.ipynb",
              'participants_path = "../evaldata/participants.csv"\nstudy_path = None\n'
              "horizon_months = 6\nthreshold = 10\ndisclosure_ledger = None\n"
              'language = "en"', load)
    _notebook(notebooks / "02_confidence.ipynb", 'questionnaire_path = "q.csv"')
    out = tmp_path / "report"
    assert main(["report", str(path), "-o", str(out), "--notebooks", str(notebooks)]) == 0
    printed = capsys.readouterr().out
    assert "(1 parts" in printed and "not run: Part 02_confidence: de studie heeft geen " \
        "vragenlijstbestand" in printed
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in index and "Niet uitgevoerde delen" in index
    assert "Geraden door evalkit init" in index and "Werkmaatje" in index
    executed = (out / "01_overview.html").read_text(encoding="utf-8")
    assert "valid 149 horizon 12" in executed  # the study's data, the study's horizon
    assert "uitstroom.csv" in index  # its fingerprint, not the shipped data's
    assert "participants.csv" not in index


def test_report_benchmark_quick_runs():
    """benchmarks/bench_report.py --quick: part 01 runs and every timing is recorded."""
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, str(root / "benchmarks" / "bench_report.py"),
                          "--quick"], capture_output=True, text=True, timeout=600,
                         check=True).stdout
    (run,) = json.loads(out.splitlines()[-1])
    assert run["jobs"] == 1 and run["wall"] > 0 and run["cpu"] > 0
    (part,) = run["parts"]
    assert part["part"] == "01_data_overview"
    assert set(part) == {"part", "seconds", "kernel_start", "imports", "slowest_cell"}
