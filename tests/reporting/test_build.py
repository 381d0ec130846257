"""A whole report: checked first, atomic, exclusive, failing in one line (issue 16)."""

import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from evalkit.cli import main
from evalkit.errors import DataError
from evalkit.reporting.build import ReportSettings, _exclusive, build_report, plan_report

ROOT = Path(__file__).resolve().parents[2]


def _notebooks(tmp_path, *sources):
    """Notebooks 01_..., 02_... with a parameters cell and the given code cells."""
    directory = tmp_path / "notebooks"
    directory.mkdir(exist_ok=True)
    (directory / "data.csv").write_text("a\n1\n2\n")
    for number, source in enumerate(sources, start=1):
        nb = nbformat.v4.new_notebook()
        params = nbformat.v4.new_code_cell(
            'data_path = "data.csv"\nthreshold = 10\ndelay = 0.0\ndisclosure_ledger = None')
        params.metadata["tags"] = ["parameters"]
        nb.cells = [nbformat.v4.new_markdown_cell(f"# Part {number}\n\n## Section"), params,
                    nbformat.v4.new_code_cell(source)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nbformat.write(nb, directory / f"0{number}_part{number}.ipynb")
    return directory


OK = "import time\ntime.sleep(delay)\nprint('rows', threshold)"
FAILS = "raise ValueError('the outcome column is empty; give another outcome')"


def _run(capsys, *args):
    status = main(["report", *map(str, args)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


FINDING = ("from evalkit.reporting.findings import Finding\n"
           "Finding('rate', f'Within 12 months, 48% of A participants found work ({language}).')")


def test_a_report_is_one_index_with_a_page_per_part_and_a_manifest(tmp_path, capsys):
    notebooks = _notebooks(tmp_path, OK, FINDING)
    shutil.copy(ROOT / "evaldata" / "participants.csv", notebooks / "participants.csv")
    for nb_path in notebooks.glob("*.ipynb"):  # a participants file and a language parameter
        nb = nbformat.read(nb_path, as_version=4)
        nb.cells[1].source += '\nparticipants_path = "participants.csv"\nlanguage = "xx"'
        nbformat.write(nb, nb_path)
    out = tmp_path / "out"
    status, stdout, _ = _run(capsys, "--notebooks", notebooks, "--params", tmp_path,
                             "-o", out, "--title", "Mentoring 2024", "--organisation", "Org")
    assert status == 0 and "index.html" in stdout
    names = sorted(p.name for p in out.iterdir())
    assert names == ["01_part1.html", "01_part1.ipynb", "01_part1.manifest.json",
                     "02_part2.html", "02_part2.ipynb", "02_part2.manifest.json",
                     "index.html", "manifest.json", "report.log"]
    index = (out / "index.html").read_text()
    assert "<title>Mentoring 2024</title>" in index
    assert "Org" in index and 'href="01_part1.html"' in index
    assert 'href="manifest.json"' in index and 'href="index.html"' in (out / "01_part1.html"
                                                                      ).read_text()
    assert not list(tmp_path.glob(".out.*"))  # no building, old or lock file left
    # the front page: the parts' headline findings (in the report's language) and the funnel
    summary = index[index.index('class="ek-summary"'):index.index('class="ek-toc"')]
    assert "Within 12 months, 48% of A participants found work (en)." in summary
    funnel = index[index.index('class="ek-funnel"'):index.index('class="ek-toc"')]
    assert "Came to the first meeting" in funnel and "Completed the duo" in funnel
    assert "intention to treat" in funnel and "per completer" in funnel
    assert ">632<" in funnel  # Team4Job at the first meeting


def test_a_failing_part_is_one_line_exit_2_a_log_and_no_finished_report(tmp_path, capsys):
    notebooks = _notebooks(tmp_path, OK, FAILS)
    out = tmp_path / "out"
    status, stdout, stderr = _run(capsys, "--notebooks", notebooks, "--params", tmp_path,
                                  "-o", out)
    assert status == 2 and stdout == ""
    assert stderr.count("\n") == 1
    assert re.fullmatch(
        r"evalkit report: error: part 02_part2 failed: ValueError: the outcome column is "
        r"empty; give another outcome \(full traceback in .*out/report.log\)\n", stderr)
    assert "building" not in stderr and "/tmp/ipykernel" not in stderr
    assert sorted(p.name for p in out.iterdir()) == ["report.log"]
    log = (out / "report.log").read_text()
    assert "Traceback" in log or "ValueError" in log
    assert "raise ValueError" in log
    assert not list(tmp_path.glob(".out.*"))


def test_a_failed_run_keeps_the_previous_complete_report(tmp_path, capsys):
    notebooks = _notebooks(tmp_path, OK)
    out = tmp_path / "out"
    assert _run(capsys, "--notebooks", notebooks, "--params", tmp_path, "-o", out)[0] == 0
    before = (out / "index.html").read_text()
    _notebooks(tmp_path, FAILS)
    assert _run(capsys, "--notebooks", notebooks, "--params", tmp_path, "-o", out)[0] == 2
    assert (out / "index.html").read_text() == before
    assert "part 01_part1 failed" in (out / "report.log").read_text()


def test_a_second_run_into_the_same_directory_refuses_or_waits(tmp_path, capsys):
    notebooks = _notebooks(tmp_path, OK)
    out = tmp_path / "out"
    with _exclusive(out.absolute(), 0.0):
        status, _, stderr = _run(capsys, "--notebooks", notebooks, "--params", tmp_path,
                                 "-o", out)
    assert status == 2
    assert "another evalkit report is being written there" in stderr and "--wait" in stderr
    assert not out.exists()

    held = threading.Event()

    def hold():
        with _exclusive(out.absolute(), 0.0):
            held.set()
            time.sleep(1.0)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    status, _, _ = _run(capsys, "--notebooks", notebooks, "--params", tmp_path, "-o", out,
                        "--wait", 60)
    holder.join()
    assert status == 0 and (out / "index.html").is_file()


def test_two_concurrent_processes_do_not_mix_their_reports(tmp_path, capsys):
    notebooks = _notebooks(tmp_path, OK)
    out = tmp_path / "out"
    first = subprocess.Popen(
        [sys.executable, "-m", "evalkit.cli", "report", "--notebooks", str(notebooks),
         "--params", str(tmp_path), "-o", str(out), "-p", "delay", "1.5"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lock = tmp_path / ".out.lock"
    deadline = time.monotonic() + 30
    while not lock.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    status, _, stderr = _run(capsys, "--notebooks", notebooks, "--params", tmp_path, "-o", out)
    assert status == 2 and "another evalkit report" in stderr
    _, first_err = first.communicate(timeout=120)
    assert first.returncode == 0, first_err
    assert (out / "index.html").is_file()


def test_an_unwritable_output_directory_is_one_line(tmp_path, capsys, monkeypatch):
    notebooks = _notebooks(tmp_path, OK)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    status, _, stderr = _run(capsys, "--notebooks", notebooks, "--params", tmp_path,
                             "-o", blocker / "out")
    assert status == 2 and stderr.count("\n") == 1
    assert "cannot write the report there (a-file is a file, not a directory)" in stderr

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("evalkit.reporting.build.tempfile.mkdtemp", refuse)
    status, _, stderr = _run(capsys, "--notebooks", notebooks, "--params", tmp_path,
                             "-o", tmp_path / "out")
    assert status == 2 and "cannot write the report there (Permission denied)" in stderr


def test_a_directory_with_other_files_is_not_replaced(tmp_path, capsys):
    notebooks = _notebooks(tmp_path, OK)
    out = tmp_path / "out"
    out.mkdir()
    (out / "my_notes.docx").write_text("")
    status, _, stderr = _run(capsys, "--notebooks", notebooks, "--params", tmp_path, "-o", out)
    assert status == 2 and "not part of an evalkit report" in stderr
    assert (out / "my_notes.docx").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "treshold", "12"], r"-p treshold: no part has a parameter 'treshold'; the "
                                   r"parts' parameters are \['data_path', 'delay', 'threshold'\]"),
        (["-p", "threshold", "twelve"], r"-p: parameter 'threshold' must be of type int"),
        (["-p", "data_path", "nope.csv"], r"-p: parameter 'data_path' of 01_part1 names "
                                          r"'nope.csv', which is not a file"),
        (["-p", "disclosure_ledger", "x"], r"'disclosure_ledger' is set by the report runner"),
        (["--language", "xx"],
         r"--language: language must be one of \['en', 'fr', 'nl'\], but was 'xx'"),
    ],
)
def test_parameters_are_checked_before_anything_runs(tmp_path, capsys, args, message):
    notebooks = _notebooks(tmp_path, FAILS)  # would fail if it ran
    out = tmp_path / "out"
    status, _, stderr = _run(capsys, "--notebooks", notebooks, "--params", tmp_path, "-o", out,
                             *args)
    assert status == 2 and re.search(message, stderr) and stderr.count("\n") == 1
    assert not out.exists()


def test_a_parameter_file_with_a_missing_data_file_names_the_key(tmp_path):
    notebooks = _notebooks(tmp_path, OK)
    (tmp_path / "01_part1.yaml").write_text("data_path: gone.csv\n")
    with pytest.raises(DataError, match=r"01_part1.yaml: parameter 'data_path' of 01_part1 "
                                        r"names 'gone.csv', which is not a file"):
        plan_report(notebooks, tmp_path)


def test_overrides_reach_every_part_that_has_the_parameter(tmp_path):
    notebooks = _notebooks(tmp_path, OK, OK)
    plan = plan_report(notebooks, tmp_path, {"threshold": 12})
    assert [values for _, values in plan] == [{"threshold": 12}, {"threshold": 12}]


def test_the_report_settings_give_title_and_language(tmp_path):
    notebooks = _notebooks(tmp_path, OK)
    with pytest.raises(DataError,
                       match=r"--language: language must be one of \['en', 'fr', 'nl'\]"):
        build_report(notebooks, tmp_path, tmp_path / "out",
                     settings=ReportSettings(language="xx"))


def test_make_report_runs_the_command_the_cli_accepts():
    recipe = re.search(r"^report:.*\n\t(.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    command = recipe.group(1).split()
    assert command[0] == "$(BIN)/evalkit" and command[1] == "report"
    from evalkit.cli import _parser

    args = _parser().parse_args(command[1:])
    assert (args.study, args.notebooks, args.params, args.output) == (
        "params/example.yaml", "notebooks", None, "reports")
    assert (ROOT / args.study).is_file()



READS = "import pathlib\nprint('lines', len(pathlib.Path(data_path).read_text().splitlines()))"


def test_parts_side_by_side_run_in_their_directory_and_leave_ours_alone(tmp_path, monkeypatch):
    notebooks = _notebooks(tmp_path, READS, READS, READS)
    monkeypatch.chdir(tmp_path)
    built = build_report(notebooks, tmp_path / "params", "out", jobs=2)
    assert Path.cwd() == tmp_path and built.directory == tmp_path / "out"
    for part in built.parts:
        assert "lines 3" in part.html.read_text()
    assert "3 part(s)" not in built.log.read_text() and "2 part(s) at a time" in \
        built.log.read_text()
