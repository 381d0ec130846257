"""The command line: validate, synth, report."""

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from evalkit.cli import _TABLES, SHOWN_REJECTED, main
from evalkit.data import TABLES

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
GOOD = ROOT / "tests" / "data" / "good"
# The console script installed beside the interpreter running the tests (any checkout).
EVALKIT = Path(sys.executable).parent / "evalkit"


def test_validate_prints_counts_and_reasons(capsys):
    assert main(["validate", str(BAD / "impossible_ages.csv")]) == 0
    out = capsys.readouterr().out
    assert "(participants, guessed from the columns; pass --table to choose)" in out
    assert "rows read 12" in out and "valid     9" in out and "rejected  3" in out
    assert "2  age: expected a whole number from 16 to 70" in out
    assert "row 3: age = '-3': expected a whole number from 16 to 70" in out
    assert "row 5: months_unemployed = '-1'" in out


def test_validate_with_table_and_sheet(capsys):
    argv = ["validate", str(BAD / "excel_export.xlsx"), "--table", "participants"]
    assert main([*argv, "--sheet", "participants"]) == 0
    out = capsys.readouterr().out
    assert "(participants)" in out and "guessed" not in out
    assert "row 4: age = '3 4'" in out
    assert main([*argv, "--sheet", "data"]) == 2
    assert "no sheet 'data'; the sheets are ['info', 'participants']" in capsys.readouterr().err


def test_validate_whole_row_and_shown_entries_are_capped(capsys):
    assert main(["validate", str(BAD / "empty_rows.csv")]) == 0
    out = capsys.readouterr().out
    assert "(whole row): empty row" in out and "row 5: empty row" in out
    assert main(["validate", str(BAD / "costs_problems.csv")]) == 0
    out = capsys.readouterr().out
    assert "(costs, guessed" in out
    assert out.count("\n  row ") == min(SHOWN_REJECTED, 7)


def test_validate_never_prints_identifier_values(capsys):
    assert main(["validate", str(BAD / "identifiers.csv"), "--table", "participants"]) == 0
    out = capsys.readouterr().out
    assert "dropped direct-identifier column(s)" in out
    assert "example.org" not in out and "85.07.30" not in out and "Someone" not in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["validate", str(BAD / "missing_columns.csv"), "--table", "participants"], "exit_type"),
        (["validate", str(BAD / "missing_columns.csv")], "required column(s)"),  # guessed
        (["validate", str(BAD / "empty.csv")], "the file is empty"),
        (["validate", str(BAD / "corrupt.xlsx"), "--table", "costs"], "could not be read"),
        (["validate", str(BAD / "excel_export.xlsx")], "match no table"),
    ],
)
def test_validate_file_error_is_one_line_and_exit_2(capsys, argv, expected):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("evalkit validate: error: ") and expected in captured.err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate", str(GOOD / "participants.csv"), "--table", "mentors"])
    assert info.value.code == 2
    assert "invalid choice: 'mentors'" in capsys.readouterr().err


def test_table_choices_follow_the_dictionary():
    assert set(_TABLES) == set(TABLES)


def test_validate_as_an_installed_command():
    done = subprocess.run(
        [str(EVALKIT), "validate", str(GOOD / "participants.xlsx")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "rows read 12" in done.stdout and "rejected  0" in done.stdout
    missing = subprocess.run(
        [str(EVALKIT), "validate", "no/such/file.csv", "--table", "costs"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2 and "file not found" in missing.stderr
    assert missing.stderr.count("\n") == 1


@pytest.mark.skipif(
    not (ROOT / "evaldata" / "participants.csv").exists(), reason="evaldata/ not generated yet"
)
def test_validate_shipped_participants(capsys):
    assert main(["validate", str(ROOT / "evaldata" / "participants.csv")]) == 0
    assert "rejected  0" in capsys.readouterr().out


def test_synth_writes_the_shipped_files(tmp_path, capsys):
    assert main(["synth", str(tmp_path)]) == 0
    for name in ("participants", "questionnaire", "costs"):
        written = hashlib.sha256((tmp_path / f"{name}.csv").read_bytes()).hexdigest()
        shipped = hashlib.sha256((ROOT / "evaldata" / f"{name}.csv").read_bytes()).hexdigest()
        assert written == shipped


def test_validate_hides_ids_and_refuses_ids_that_are_identifiers(capsys):
    assert main(["validate", str(BAD / "duplicate_ids_case.csv")]) == 0
    out = capsys.readouterr().out
    hidden = "row 3: participant_id (value hidden): duplicate key (participant_id) also on row(s) 5"
    assert hidden in out
    assert "p00002" not in out.lower()
    assert main(["validate", str(BAD / "ids_are_emails.csv")]) == 2
    captured = capsys.readouterr()
    assert "evalkit pseudonymise ids_are_emails.csv OUT --key-file KEY" in captured.err
    assert "example.org" not in captured.err + captured.out
    argv = ["validate", str(BAD / "no_header.csv"), "--table", "participants"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "line 1 looks like a data row" in err and "P00001" not in err


def test_validate_names_identifier_columns_found_by_content(capsys):
    assert main(["validate", str(BAD / "identifiers_by_content.csv")]) == 0
    out = capsys.readouterr().out
    assert "contact: e-mail address (by content)" in out
    assert "@" not in out and "0470" not in out


def test_pseudonymise_with_a_new_key_then_the_same_key(tmp_path, capsys):
    key, out = tmp_path / "key", tmp_path / "shared.csv"
    argv = ["pseudonymise", str(BAD / "identifiers.csv"), str(out), "--key-file", str(key)]
    assert main([*argv, "--new-key"]) == 0
    printed = capsys.readouterr().out
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert "pseudonymised  participant_id, mentor_id (HMAC-SHA-256" in printed
    assert "dropped        E-mail: e-mail address (by name)" in printed
    assert "new key" in printed
    secret = key.read_bytes().strip()
    for leak in (secret.decode(), "example.org", "Someone", "P00001", "M0279"):
        assert leak not in printed and leak.encode() not in out.read_bytes()
    first = out.read_bytes()
    assert main(argv) == 0 and out.read_bytes() == first  # same key, same pseudonyms
    capsys.readouterr()
    assert main([*argv, "--new-key"]) == 2  # a key is never overwritten
    assert "already exists" in capsys.readouterr().err


def test_pseudonymise_key_file_errors_and_notes(tmp_path, capsys):
    out = tmp_path / "shared.csv"
    argv = ["pseudonymise", str(GOOD / "participants.csv"), str(out), "--key-file"]
    assert main([*argv, str(tmp_path / "missing")]) == 2
    assert "key file not found; create one with --new-key" in capsys.readouterr().err
    short = tmp_path / "short"
    short.write_text("not a key\n")
    assert main([*argv, str(short)]) == 2
    err = capsys.readouterr().err
    assert "holds 9 bytes; a key needs at least 32" in err and "not a key" not in err
    shared = tmp_path / "shared_key"
    shared.write_text("x" * 40)
    shared.chmod(0o644)
    assert main([*argv, str(shared), "--columns", "participant_id"]) == 0
    printed = capsys.readouterr().out
    assert "is readable by other users; chmod 600" in printed
    assert "pseudonymised  participant_id (" in printed and "M0279" in out.read_text()


def test_pseudonymise_is_listed_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "pseudonymise" in capsys.readouterr().out


def test_report_imports_nbformat_without_compiling_iri_grammars():
    code = ("import sys, importlib.util; from evalkit.cli import _without_iri_grammars as f; "
            "f(); print('nbformat' in sys.modules, 'rfc3987_syntax' in sys.modules, "
            "importlib.util.find_spec('rfc3987_syntax') is not None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "True False True"  # and a later import of it would work
