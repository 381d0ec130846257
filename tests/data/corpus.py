"""The corpus of bad (and awkward but valid) files in tests/data, and what loading them gives.

The corpus is written by tests/data/make_bad_files.py (outputs committed).
"""

import contextlib
from pathlib import Path

import pytest

from evalkit import EvalkitWarning, IdentifierWarning
from evalkit.data import load_table

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "data" / "bad"
GOOD = ROOT / "tests" / "data" / "good"
EVALDATA = ROOT / "evaldata"
DATE_REASON = "expected a date as YYYY-MM-DD, DD/MM/YYYY"
INTEGER_REASON = "expected a whole number such as 34 or 34.0"
ZERO_DATE_REASON = "Excel's zero date (1899-12-30, 00/01/1900, or 1904-01-01 in a 1904 workbook)"
EARLY_REASON = "date before 1990-01-01, too early for a programme date"
EXTRA_FIELDS = "a value probably contains an unquoted ','"
TOO_FEW_FIELDS = "a ',' is probably missing or the line was cut"

# file -> rejected entries expected as (file row, column, reason fragment), in order
ROW_PROBLEMS = {
    "dates_unparseable.csv": [
        (4, "intake_date", DATE_REASON),  # 2021-13-45
        (5, "intake_date", DATE_REASON),  # March 3rd 2021
        (6, "exit_date", DATE_REASON),  # month-first 03/15/2021 is never guessed
        (7, "intake_date", DATE_REASON),  # two-digit year
        (8, "exit_date", DATE_REASON),  # 2019-02-30
    ],
    "exit_before_intake.csv": [(2, "exit_date", "on or before the intake date")],
    "exit_after_follow_up.csv": [(2, "exit_date", "after the end of follow-up")],
    "exit_date_inconsistent.csv": [
        (2, "exit_date", "censored row ('still searching') has an exit date"),
        (4, "exit_date", "needs an exit date"),
    ],
    "impossible_ages.csv": [
        (3, "age", "whole number from 16 to 70"),
        (4, "age", "whole number from 16 to 70"),
        (5, "months_unemployed", "whole number from 0 to 240"),
    ],
    "unknown_labels.csv": [
        (3, "programme", "expected one of ['DUO for a JOB', 'Team4Job']"),
        (4, "programme", "expected one of"),  # "Team 4 Job": no guessing beyond case/spaces
        (5, "exit_type", "expected one of ['job_permanent'"),
    ],
    "duplicate_ids.csv": [
        (3, "participant_id", "duplicate key (participant_id) also on row(s) 7, 11"),
        (7, "participant_id", "also on row(s) 3, 11"),
        (11, "participant_id", "also on row(s) 3, 7"),
    ],
    "duplicate_ids_and_bad_age.csv": [
        (2, "participant_id", "duplicate key (participant_id) also on row(s) 6"),
        (6, "age", "whole number from 16 to 70"),
        (6, "participant_id", "also on row(s) 2"),
    ],
    "empty_rows.csv": [(5, "", "empty row"), (9, "", "empty row")],
    "booleans.csv": [
        (3, "single_parent", "expected yes or no (true/false, yes/no"),
        (4, "duo_completed", "cannot be completed after a first-meeting dropout"),
    ],
    "missing_values.csv": [
        (3, "gender", "missing value (required)"),
        (4, "mentor_id", "missing value (required)"),
        (5, "site", "missing value (required)"),  # a blank cell is missing
    ],
    "whole_numbers.csv": [
        (4, "months_unemployed", INTEGER_REASON),  # 1.000
        (5, "age", INTEGER_REASON),  # 3 4
        (6, "age", INTEGER_REASON),  # 34.5
        (7, "mentor_age", INTEGER_REASON),  # fifty
    ],
    "typed_problems.parquet": [
        (3, "age", "whole number from 16 to 70"),
        (4, "age", "missing value (required)"),
        (5, "exit_date", "on or before the intake date"),
    ],
    "excel_blank_row.xlsx": [(5, "", "empty row")],
    "extra_delimiters.csv": [
        (3, "", "line 3 has 19 fields, the header has 18; " + EXTRA_FIELDS),  # "tertiary, general"
        (5, "", "line 5 has 17 fields, the header has 18; " + TOO_FEW_FIELDS),  # cut line
        (7, "", "line 7 has 19 fields, the header has 18; " + EXTRA_FIELDS),  # 59,0
        (9, "", "line 9 has 20 fields, the header has 18; " + EXTRA_FIELDS),  # ends with ",,"
        (11, "age", "whole number from 16 to 70"),  # the rows below are still checked
    ],
    "dates_implausible.csv": [
        (2, "intake_date", EARLY_REASON),  # 1989-12-31
        (3, "exit_date", ZERO_DATE_REASON),  # 30/12/1899
        (4, "exit_date", ZERO_DATE_REASON),  # 00/01/1900
        (5, "exit_date", ZERO_DATE_REASON),  # 1904-01-01
        (6, "follow_up_end", "date after the extraction date"),  # 2099-06-30
    ],
    "typed_floats_decimals.parquet": [
        (3, "age", "such as 34 or 34.0; the file stores a number with decimals"),  # 24.5
        (4, "age", "expected a number; the file stores an infinite value"),
        (5, "age", "missing value (required)"),  # NaN
        (6, "mentor_age", "such as 34 or 34.0; the file stores a number with decimals"),  # 47.50
        (7, "intake_date", EARLY_REASON),  # 1985-03-01+01:00
    ],
    "excel_1904_problems.xlsx": [
        (3, "follow_up_end", ZERO_DATE_REASON),  # 0 formatted as a date
        (4, "intake_date", EARLY_REASON),  # a date cell of 1985
    ],
    "duplicate_ids_case.csv": [  # " p00002 " is P00002: ids ignore case and spaces
        (3, "participant_id", "duplicate key (participant_id) also on row(s) 5"),
        (5, "participant_id", "duplicate key (participant_id) also on row(s) 3"),
    ],
    "id_is_an_email.csv": [
        (4, "participant_id", "participant_id looks like an e-mail address, not a pseudonym"),
    ],
}

FILE_ERRORS = {
    "missing_columns.csv": r"required column\(s\) \['programme', 'exit_type'\] missing .* the file "
    r"has columns \['participant_id', 'site'",
    "empty.csv": "the file is empty; expected a header row",
    "header_only.csv": "no data rows below the header",
    "corrupt.xlsx": r"corrupt.xlsx: could not be read as xlsx \(BadZipFile",
    "corrupt.parquet": r"corrupt.parquet: could not be read as parquet \(ArrowInvalid",
    "participants.json": r"unsupported file type '.json'; expected .csv, .xlsx or .parquet",
    "participants.xls": r"unsupported file type '.xls'.*save it as .xlsx",
    "not_utf8.csv": "not UTF-8 text .* re-export the file as CSV UTF-8",
    "duplicate_column.csv": r"column\(s\) \['age'\] appear more than once",
    "header_not_on_row_1.xlsx": "The header does not seem to be on row 1",
    "nested_column.parquet": r"column\(s\) \['mentor_id'\] hold nested values \(lists, structs "
    r"or maps\); expected flat columns with one text, number, boolean or date value per cell",
    "no_header.csv": r"line 1 looks like a data row, not a header: \d+ of its 18 cells",
    "ids_are_emails.csv": r"12 of the 12 distinct values of column 'participant_id' look like "
    r"an e-mail address, not a pseudonym .* evalkit pseudonymise ids_are_emails.csv OUT "
    "--key-file KEY",
}

# Every file of the corpus that loads: (table, sheet, warning expected)
CORPUS = {
    **{name: ("participants", None, None) for name in ROW_PROBLEMS},
    "identifiers.csv": ("participants", None, IdentifierWarning),
    "identifiers_by_content.csv": ("participants", None, IdentifierWarning),
    "extra_column_and_name_variant.csv": ("participants", None, EvalkitWarning),
    "excel_export.xlsx": ("participants", "participants", None),
    "questionnaire_problems.csv": ("questionnaire", None, None),
    "costs_problems.csv": ("costs", None, None),
    "costs_typed.parquet": ("costs", None, None),
    "quoted_line_breaks.csv": ("participants", None, EvalkitWarning),  # a notes column
}


def rejected_entries(result):
    """The rejected entries of a LoadResult as (row, column, reason) tuples."""
    return [tuple(r) for r in result.rejected[["row", "column", "reason"]].itertuples(index=False)]


def load_corpus_file(path, table, sheet, warning):
    """Load a file of the corpus, expecting its warning (if any)."""
    ctx = pytest.warns(warning) if warning else contextlib.nullcontext()
    with ctx:
        return load_table(path, table, sheet=sheet)
