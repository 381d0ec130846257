"""The whole report of each test study, end to end: ``evalkit init`` then ``evalkit report``.

Too slow for CI (each report runs every part's notebook: about a minute each on two
shared cores), so it runs here (``make study-reports``)::

    python validation/study_reports.py [DIR] [--language en|fr|nl|all]

For each test study of ``tests/data/studies.py`` (a French XLSX single-programme
service with composite exits, a Dutch CSV with two programmes, a single-programme
pre/post questionnaire study) it writes the files into ``DIR/<study>/``, runs
``evalkit init`` and ``evalkit report`` (in the study's language unless
``--language`` is given; ``all``: each study in English, French and Dutch), then
``evalkit audit`` on the report, opens its front page in headless Chromium with the
network blocked (no console error, no request, every image drawn, the page's language),
and prints the parts run and not run, the run time and the front page of each. It exits
1 if any step fails.
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


def _opened(index: Path, language: str | None) -> tuple[bool, str]:
    """The report's front page in headless Chromium, network blocked: what is wrong, if any."""
    from evalkit.reporting.browser import check_in_browser, find_chromium

    if find_chromium() is None:
        return True, "browser check skipped: no Chromium on the PATH"
    seen = check_in_browser(index)
    problems = [*seen.errors, *(f"request {url}" for url in seen.requests)]
    problems += [f"image not drawn ({w}x{h})" for _, w, h in seen.images if not (w and h)]
    if language is not None and seen.language != language:
        problems.append(f"page language {seen.language!r}, not {language!r}")
    verdict = "; ".join(problems) or (f"opened in Chromium: title {seen.title!r}, "
                                      f"lang {seen.language}, {len(seen.images)} images drawn, "
                                      "no console error, no request")
    return not problems, verdict


def _one_study(name: str, base: Path, language: str | None) -> bool:
    make, init_options = STUDIES[name]
    directory = base / name / (language or "own")
    directory.mkdir(parents=True, exist_ok=True)
    made = make(directory)
    study = directory / "study.yaml"
    init = ["init", str(made.participants), "-o", str(study), "--force", *init_options]
    if made.questionnaire is not None:
        init += ["--questionnaire", str(made.questionnaire)]
    report = ["report", str(study), "-o", str(directory / "report")]
    if language:
        report += ["--language", language]
    for step in (init, report, ["audit", str(directory / "report")]):
        status, output, seconds = _evalkit(*step)
        print(f"== {name} [{language or 'own'}]: evalkit {step[0]} ({seconds:.0f} s, exit "
              f"{status})\n{output}\n")
        if status != 0:
            return False
    ok, verdict = _opened(directory / "report" / "index.html", language)
    print(f"   {verdict}\n   front page: {directory / 'report' / 'index.html'}\n")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", help="where to write (default: a temporary "
                        "directory)")
    parser.add_argument("--language", choices=("en", "fr", "nl", "all"),
                        help="report language (default: each study's; all: en, fr and nl)")
    args = parser.parse_args(argv)
    base = Path(args.directory or tempfile.mkdtemp(prefix="evalkit-studies-"))
    languages = ("en", "fr", "nl") if args.language == "all" else (args.language,)
    results = [_one_study(name, base, language) for name in STUDIES for language in languages]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
