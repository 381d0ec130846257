"""The command line: validate, synth."""

import hashlib
import subprocess
import sys
from pathlib import Path

from evalkit.cli import main

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"


def test_validate_prints_counts_and_reasons(capsys):
    assert main(["validate", str(BAD / "impossible_ages.csv")]) == 0
    out = capsys.readouterr().out
    assert "(participants, guessed from the columns)" in out
    assert "rows read 12" in out and "valid     9" in out and "rejected  3" in out
    assert "2  age: expected a whole number from 16 to 70" in out
    assert "row 3: age = '-3'" in out


def test_validate_never_prints_identifier_values(capsys):
    assert main(["validate", str(BAD / "identifiers.csv"), "--table", "participants"]) == 0
    out = capsys.readouterr().out
    assert "dropped direct-identifier column(s)" in out
    assert "example.org" not in out and "85.07.30" not in out


def test_validate_file_error_is_one_line_and_exit_2(capsys):
    assert main(["validate", str(BAD / "missing_columns.csv"), "--table", "participants"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("evalkit validate: error: ") and "['programme', 'exit_type']" in err


def test_validate_as_an_installed_command():
    evalkit = Path(sys.executable).with_name("evalkit")
    done = subprocess.run(
        [str(evalkit), "validate", str(ROOT / "evaldata" / "participants.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "rows read 1500" in done.stdout and "rejected  0" in done.stdout
    missing = subprocess.run(
        [str(evalkit), "validate", "no/such/file.csv", "--table", "costs"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2 and "file not found" in missing.stderr


def test_synth_writes_the_shipped_files(tmp_path, capsys):
    assert main(["synth", str(tmp_path)]) == 0
    for name in ("participants", "questionnaire", "costs"):
        written = hashlib.sha256((tmp_path / f"{name}.csv").read_bytes()).hexdigest()
        shipped = hashlib.sha256((ROOT / "evaldata" / f"{name}.csv").read_bytes()).hexdigest()
        assert written == shipped
