"""The whole report of each test study, end to end: ``evalkit init`` then ``evalkit report``.

Too slow for CI (each report runs every part's notebook: about a minute each on two
shared cores), so it runs here (``make study-reports``)::

    python validation/study_reports.py [DIR] [--language en|fr|nl]

For each test study of ``tests/data/studies.py`` (a French XLSX single-programme
service with composite exits, a Dutch CSV with two programmes, a single-programme
pre/post questionnaire study) it writes the files into ``DIR/<study>/``, runs
``evalkit init`` and ``evalkit report`` (in the study's language unless
``--language`` is given), then ``evalkit audit`` on the report, and prints the parts
run and not run, the run time and the front page of each. It exits 1 if any step
fails.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.data.studies import dutch_csv, french_xlsx, questionnaire_study  # noqa: E402

STUDIES = {
    "french_xlsx": (french_xlsx, ["--sheet", "Participants"]),
    "dutch_csv": (dutch_csv, []),
    "questionnaire": (questionnaire_study, []),
}


def _evalkit(*args: str) -> tuple[int, str, float]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "evalkit.cli", *args], capture_output=True,
                          text=True, cwd=ROOT)
    return done.returncode, (done.stdout + done.stderr).strip(), time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", help="where to write (default: a temporary "
                        "directory)")
    parser.add_argument("--language", help="report language (default: each study's)")
    args = parser.parse_args(argv)
    base = Path(args.directory or tempfile.mkdtemp(prefix="evalkit-studies-"))
    failed = False
    for name, (make, init_options) in STUDIES.items():
        directory = base / name
        directory.mkdir(parents=True, exist_ok=True)
        made = make(directory)
        study = directory / "study.yaml"
        init = ["init", str(made.participants), "-o", str(study), "--force", *init_options]
        if made.questionnaire is not None:
            init += ["--questionnaire", str(made.questionnaire)]
        report = ["report", str(study), "-o", str(directory / "report")]
        if args.language:
            report += ["--language", args.language]
        for step in (init, report, ["audit", str(directory / "report")]):
            status, output, seconds = _evalkit(*step)
            print(f"== {name}: evalkit {step[0]} ({seconds:.0f} s, exit {status})\n{output}\n")
            if status != 0:
                failed = True
                break
        else:
            print(f"   front page: {directory / 'report' / 'index.html'}\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
