"""Loading and validation against the corpus of bad files in tests/data."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalkit import DataError, EvalkitWarning, IdentifierWarning
from evalkit.data import (
    guess_table,
    load_costs,
    load_participants,
    load_questionnaire,
    load_table,
)
from evalkit.schema import PARTICIPANTS, QUESTIONNAIRE

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
GOOD = ROOT / "tests" / "data" / "good"
DATE_REASON = "expected a date"

# file -> rejected entries expected as (file row, column, reason fragment)
ROW_PROBLEMS = {
    "dates_unparseable.csv": [
        (4, "intake_date", DATE_REASON),
        (5, "intake_date", DATE_REASON),
        (6, "exit_date", DATE_REASON),  # month-first 03/15/2021 is never guessed
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
        (4, "programme", "expected one of"),
        (5, "exit_type", "expected one of ['job_permanent'"),
    ],
    "duplicate_ids.csv": [
        (3, "participant_id", "duplicate key (participant_id=P00002) also on row(s) 7, 11"),
        (7, "participant_id", "also on row(s) 3, 11"),
        (11, "participant_id", "also on row(s) 3, 7"),
    ],
    "empty_rows.csv": [(5, "", "empty row"), (9, "", "empty row")],
    "booleans.csv": [
        (3, "single_parent", "expected a yes/no value"),
        (4, "duo_completed", "cannot be completed after a first-meeting dropout"),
    ],
    "missing_values.csv": [
        (3, "gender", "missing value (required)"),
        (4, "mentor_id", "missing value (required)"),
    ],
}

FILE_ERRORS = {
    "missing_columns.csv": r"required column\(s\) \['programme', 'exit_type'\] missing .* the file "
    r"has columns \['participant_id', 'site'",
    "empty.csv": "the file is empty; expected a header row",
    "header_only.csv": "no data rows below the header",
    "corrupt.xlsx": r"corrupt.xlsx: could not be read as xlsx \(BadZipFile",
    "participants.json": r"unsupported file type '.json'; expected .csv, .xlsx or .parquet",
    "not_utf8.csv": "not UTF-8 text .* re-export the file as UTF-8 CSV",
}


def _entries(result):
    return [tuple(r) for r in result.rejected[["row", "column", "reason"]].itertuples(index=False)]


@pytest.mark.parametrize(("name", "expected"), ROW_PROBLEMS.items())
def test_row_problems_are_rejected_with_row_column_and_reason(name, expected):
    result = load_participants(BAD / name)
    entries = _entries(result)
    assert len(entries) == len(expected), entries
    for (row, column, reason), (got_row, got_column, got_reason) in zip(
        expected, entries, strict=True
    ):
        assert (got_row, got_column) == (row, column)
        assert reason in got_reason
    assert result.n_valid + result.n_rejected == result.n_read


@pytest.mark.parametrize(("name", "message"), FILE_ERRORS.items())
def test_file_problems_raise_a_data_error_naming_the_file(name, message):
    with pytest.raises(DataError, match=message) as info:
        load_participants(BAD / name)
    assert name in str(info.value)


def test_missing_file_and_unknown_sheet():
    with pytest.raises(DataError, match=r"nowhere.csv: file not found"):
        load_participants(BAD / "nowhere.csv")
    with pytest.raises(
        DataError, match=r"no sheet 'data'; the sheets are \['info', 'participants'\]"
    ):
        load_participants(BAD / "excel_export.xlsx", sheet="data")
    with pytest.raises(DataError, match="a CSV file has no sheets"):
        load_participants(GOOD / "participants.csv", sheet="x")


def test_wrong_sheet_is_a_missing_columns_error():
    # The first sheet is a cover note: loading it names the missing columns.
    with pytest.raises(DataError, match=r"required column\(s\) \['participant_id'"):
        load_participants(BAD / "excel_export.xlsx")


def test_excel_numbers_as_text_dates_and_serials():
    result = load_participants(BAD / "excel_export.xlsx", sheet="participants")
    assert _entries(result) == [
        (4, "age", "expected a whole number"),  # "3 4"
        (8, "age", "expected a whole number"),  # 24.5
    ]
    reference = load_participants(GOOD / "participants.csv").data
    kept = reference.drop(index=[2, 6]).reset_index(drop=True)
    # "34", "34.0" and 25.0 became integers; a date cell and a serial number became dates.
    assert result.data["age"].tolist()[:2] == [34, 34]
    pd.testing.assert_series_equal(result.data["intake_date"], kept["intake_date"])


@pytest.mark.parametrize(
    "name",
    [
        "participants.csv",
        "participants.parquet",
        "participants_semicolon.csv",
        "dates_several_formats.csv",
        "trailing_spaces.csv",
        "boolean_variants.csv",
    ],
)
def test_awkward_but_valid_files_load_identically(name):
    reference = load_participants(GOOD / "participants.csv").data
    result = load_participants(GOOD / name)
    assert result.n_rejected == 0 and result.n_valid == 12
    if name != "boolean_variants.csv":
        pd.testing.assert_frame_equal(result.data, reference)
    else:
        assert result.data["single_parent"].iloc[:5].all()
        assert not result.data["first_meeting_dropout"].iloc[:5].any()


def test_loaded_types_follow_the_dictionary():
    data = load_participants(GOOD / "participants.csv").data
    assert list(data.columns) == [*PARTICIPANTS.names, "cohort"]
    assert isinstance(data["programme"].dtype, pd.CategoricalDtype)
    assert list(data["programme"].cat.categories) == ["DUO for a JOB", "Team4Job"]
    assert data["age"].dtype == np.int64 and data["single_parent"].dtype == bool
    assert data["exit_date"].dtype == "datetime64[ns]"
    assert (data["cohort"] == data["intake_date"].dt.year).all()


def test_identifiers_are_dropped_with_a_warning_that_shows_no_values():
    with pytest.warns(IdentifierWarning, match=r"\['name', 'e_mail', 'rijksregisternummer'\]") as w:
        result = load_participants(BAD / "identifiers.csv")
    assert "example.org" not in str(w[0].message)
    assert result.dropped_identifiers == ("name", "e_mail", "rijksregisternummer")
    assert not set(result.dropped_identifiers) & set(result.data.columns)
    assert result.n_valid == 12


def test_unknown_columns_are_dropped_with_a_warning_and_names_normalised():
    with pytest.warns(EvalkitWarning, match=r"\['notes'\] are not in the participants"):
        result = load_participants(BAD / "extra_column_and_name_variant.csv")
    assert result.dropped_columns == ("notes",)
    assert "intake_date" in result.data.columns  # "Intake Date" normalised


def test_questionnaire_items_keys_and_orphans():
    participants = load_participants(GOOD / "participants.csv").data
    result = load_questionnaire(BAD / "questionnaire_problems.csv", participants=participants)
    assert _entries(result) == [
        (2, "participant_id", "duplicate key (participant_id=P00001, wave=pre) also on row(s) 8"),
        (3, "rse_03", "expected a whole number from 1 to 4"),
        (4, "rse_04", "expected a whole number"),
        (5, "wave", "expected one of ['pre', 'post']"),
        (8, "participant_id", "duplicate key (participant_id=P00001, wave=pre) also on row(s) 2"),
        (9, "participant_id", "participant_id not found in the participants file"),
    ]
    good = load_questionnaire(GOOD / "questionnaire.csv").data
    assert list(good.columns) == list(QUESTIONNAIRE.names)
    assert good["rse_01"].dtype == "Int64"


def test_valid_plus_rejected_equals_rows_read_over_the_whole_corpus():
    checked = 0
    for path in sorted(BAD.iterdir()) + sorted(GOOD.iterdir()):
        if path.suffix not in {".csv", ".xlsx", ".parquet"}:
            continue
        table = "questionnaire" if "questionnaire" in path.name else "participants"
        sheet = "participants" if path.suffix == ".xlsx" and "excel" in path.name else None
        try:
            with (
                pytest.warns(EvalkitWarning)
                if path.stem in {"identifiers", "extra_column_and_name_variant"}
                else _no_warning()
            ):
                result = load_table(path, table, sheet=sheet)
        except DataError:
            continue
        assert result.n_valid + result.n_rejected == result.n_read, path.name
        assert result.summary["rows"].sum() >= result.n_rejected
        checked += 1
    assert checked >= 20


class _no_warning:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_shipped_data_loads_without_rejections():
    participants = load_participants(ROOT / "evaldata" / "participants.csv")
    assert (participants.n_read, participants.n_rejected) == (1500, 0)
    questionnaire = load_questionnaire(
        ROOT / "evaldata" / "questionnaire.csv", participants=participants.data
    )
    assert questionnaire.n_rejected == 0
    costs = load_costs(ROOT / "evaldata" / "costs.csv")
    assert costs.n_rejected == 0 and costs.n_valid == 140


def test_guess_table_from_columns():
    assert guess_table(GOOD / "questionnaire.csv") == "questionnaire"
    assert guess_table(ROOT / "evaldata" / "costs.csv") == "costs"
    with pytest.raises(DataError, match="match no table of the data dictionary"):
        guess_table(BAD / "excel_export.xlsx")
