"""Loading and validation against the corpus of bad files in tests/data.

The corpus is written by tests/data/make_bad_files.py (outputs committed).
"""

import contextlib
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalkit import DataError, EvalkitWarning, IdentifierWarning
from evalkit.data import (
    LoadResult,
    guess_table,
    load_costs,
    load_participants,
    load_questionnaire,
    load_table,
)
from evalkit.data.schema import COSTS, PARTICIPANTS, QUESTIONNAIRE

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
GOOD = ROOT / "tests" / "data" / "good"
EVALDATA = ROOT / "evaldata"
DATE_REASON = "expected a date as YYYY-MM-DD, DD/MM/YYYY"
INTEGER_REASON = "expected a whole number such as 34 or 34.0"

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
        (3, "participant_id", "duplicate key (participant_id=P00002) also on row(s) 7, 11"),
        (7, "participant_id", "also on row(s) 3, 11"),
        (11, "participant_id", "also on row(s) 3, 7"),
    ],
    "duplicate_ids_and_bad_age.csv": [
        (2, "participant_id", "duplicate key (participant_id=P00001) also on row(s) 6"),
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
}

# Every file of the corpus that loads: (table, sheet, warning expected)
CORPUS = {
    **{name: ("participants", None, None) for name in ROW_PROBLEMS},
    "identifiers.csv": ("participants", None, IdentifierWarning),
    "extra_column_and_name_variant.csv": ("participants", None, EvalkitWarning),
    "excel_export.xlsx": ("participants", "participants", None),
    "questionnaire_problems.csv": ("questionnaire", None, None),
    "costs_problems.csv": ("costs", None, None),
}


def _entries(result):
    return [tuple(r) for r in result.rejected[["row", "column", "reason"]].itertuples(index=False)]


def _load(path, table, sheet, warning):
    ctx = pytest.warns(warning) if warning else contextlib.nullcontext()
    with ctx:
        return load_table(path, table, sheet=sheet)


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


def test_every_file_of_the_corpus_is_covered():
    covered = set(CORPUS) | set(FILE_ERRORS)
    on_disk = {p.name for p in BAD.iterdir()}
    assert on_disk == covered


def test_valid_plus_distinct_rejected_equals_rows_read_over_the_whole_corpus():
    paths = [(BAD / n, *spec) for n, spec in CORPUS.items()]
    paths += [
        (p, "questionnaire" if "questionnaire" in p.name else "participants", None, None)
        for p in sorted(GOOD.iterdir())
    ]
    for path, table, sheet, warning in paths:
        result = _load(path, table, sheet, warning)
        assert len(result.data) + result.rejected["row"].nunique() == result.n_read, path.name
        assert result.n_valid + result.n_rejected == result.n_read
        # every rejected line exists in the file, and the data index is 0..n-1
        assert result.rejected["row"].between(2, result.n_read + 1).all()
        assert result.data.index.equals(pd.RangeIndex(result.n_valid))
        assert result.summary["rows"].sum() >= result.n_rejected
        assert list(result.rejected.columns) == ["row", "column", "value", "reason"]
        assert result.rejected["value"].map(type).eq(str).all()


def test_missing_file_directory_and_unknown_sheet():
    with pytest.raises(DataError, match=r"nowhere.csv: file not found"):
        load_participants(BAD / "nowhere.csv")
    with pytest.raises(DataError, match=r"is a directory, not a file"):
        load_participants(BAD)
    with pytest.raises(
        DataError, match=r"no sheet 'data'; the sheets are \['info', 'participants'\]"
    ):
        load_participants(BAD / "excel_export.xlsx", sheet="data")
    with pytest.raises(DataError, match="a csv file has no sheets"):
        load_participants(GOOD / "participants.csv", sheet="x")


def test_wrong_sheet_is_a_missing_columns_error():
    # The first sheet is a cover note: loading it names the missing columns.
    with pytest.raises(DataError, match=r"required column\(s\) \['participant_id'"):
        load_participants(BAD / "excel_export.xlsx")


def test_unknown_table_is_a_value_error():
    with pytest.raises(ValueError, match=r"table must be one of \['costs', 'participants'"):
        load_table(GOOD / "participants.csv", "mentors")


def test_excel_numbers_as_text_dates_and_serials():
    result = load_participants(BAD / "excel_export.xlsx", sheet="participants")
    assert _entries(result) == [
        (4, "age", INTEGER_REASON + " (no spaces or thousands separators)"),  # "3 4"
        (8, "age", INTEGER_REASON + " (no spaces or thousands separators)"),  # 24.5
    ]
    assert result.rejected["value"].tolist() == ["3 4", "24.5"]
    reference = load_participants(GOOD / "participants.csv").data
    kept = reference.drop(index=[2, 6]).reset_index(drop=True)
    # "34", "34.0" and 25.0 became integers; a date cell and a serial number became dates.
    assert result.data["age"].tolist()[:3] == [34, 34, 25]
    pd.testing.assert_series_equal(result.data["intake_date"], kept["intake_date"])


def test_whole_numbers_with_decimal_zeros_are_accepted():
    data = load_participants(BAD / "whole_numbers.csv").data
    assert data["age"].tolist()[:2] == [34, 34]  # "34,0" and "34.00"


@pytest.mark.parametrize(
    "name",
    [
        "participants.csv",
        "participants.parquet",
        "participants_typed.parquet",
        "participants.xlsx",
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
    assert result.rejected.empty and result.summary.empty
    if name != "boolean_variants.csv":
        pd.testing.assert_frame_equal(result.data, reference)
    else:
        assert result.data["single_parent"].iloc[:5].all()
        assert not result.data["first_meeting_dropout"].iloc[:5].any()


def test_loaded_types_follow_the_dictionary():
    data = load_participants(GOOD / "participants.csv").data
    assert list(data.columns) == [*PARTICIPANTS.names, "cohort"]
    for column in PARTICIPANTS.columns:
        dtype = data[column.name].dtype
        if column.kind == "category":
            assert isinstance(dtype, pd.CategoricalDtype)
            assert tuple(dtype.categories) == column.allowed
        elif column.kind == "id":
            assert pd.api.types.is_object_dtype(dtype) and data[column.name].map(type).eq(str).all()
        else:
            expected = {"integer": "int64", "boolean": "bool", "date": "datetime64[ns]"}
            assert str(dtype) == expected[column.kind], column.name
    assert data["cohort"].dtype == np.int64
    assert (data["cohort"] == data["intake_date"].dt.year).all()
    costs = load_costs(BAD / "costs_problems.csv")
    assert costs.data.dtypes.astype(str).tolist() == [
        "category",
        "category",
        "int64",
        "category",
        "float64",
        "int64",
    ]
    assert list(costs.data.columns) == list(COSTS.names)


def test_labels_match_up_to_case_and_spaces_only():
    raw = pd.read_csv(GOOD / "trailing_spaces.csv", dtype=str, keep_default_na=False)
    assert raw.loc[4, "programme"] == "  TEAM4JOB "
    assert raw.loc[5, "site"] == "brussels  " and raw.loc[6, "participant_id"] == " P00007  "
    data = load_participants(GOOD / "trailing_spaces.csv").data
    assert data.loc[4, "programme"] == "Team4Job"
    assert data.loc[5, "site"] == "Brussels" and data.loc[6, "participant_id"] == "P00007"
    text = (GOOD / "participants.csv").read_text().replace("DUO for a JOB", " duo  FOR a job ")
    assert set(load_participants(io.StringIO(text)).data["programme"]) == {
        "DUO for a JOB",
        "Team4Job",
    }


def test_identifiers_are_dropped_with_a_warning_that_shows_no_values():
    with pytest.warns(IdentifierWarning, match=r"\['name', 'e_mail', 'rijksregisternummer'\]") as w:
        result = load_participants(BAD / "identifiers.csv")
    assert len(w) == 1
    assert "example.org" not in str(w[0].message) and "Someone" not in str(w[0].message)
    assert result.dropped_identifiers == ("name", "e_mail", "rijksregisternummer")
    assert not set(result.dropped_identifiers) & set(result.data.columns)
    assert "example.org" not in repr(result) and "example.org" not in result._repr_html_()
    assert result.n_valid == 12


def test_unknown_columns_are_dropped_with_a_warning_and_names_normalised():
    with pytest.warns(EvalkitWarning, match=r"\['notes'\] are not in the participants"):
        result = load_participants(BAD / "extra_column_and_name_variant.csv")
    assert result.dropped_columns == ("notes",)
    assert "intake_date" in result.data.columns  # "Intake Date" normalised


def test_questionnaire_items_keys_and_orphans():
    participants = load_participants(GOOD / "participants.csv").data
    result = load_questionnaire(BAD / "questionnaire_problems.csv", participants=participants)
    key = "participant_id, wave"
    assert _entries(result) == [
        (2, key, "duplicate key (participant_id=P00001, wave=pre) also on row(s) 8"),
        (3, "rse_03", "expected a whole number from 1 to 4"),
        (4, "rse_04", INTEGER_REASON + " (no spaces or thousands separators)"),
        (5, "wave", "expected one of ['pre', 'post'] (case and spaces are ignored)"),
        (8, key, "duplicate key (participant_id=P00001, wave=pre) also on row(s) 2"),
        (9, "participant_id", "participant_id not found in the participants file"),
    ]
    # without participants, the orphan is kept
    alone = load_questionnaire(BAD / "questionnaire_problems.csv")
    assert 9 not in set(alone.rejected["row"])
    good = load_questionnaire(GOOD / "questionnaire.csv").data
    assert list(good.columns) == list(QUESTIONNAIRE.names)
    assert good["rse_01"].dtype == "Int64"
    assert list(good["wave"].cat.categories) == ["pre", "post"]


def test_costs_numbers_ranges_and_duplicate_keys():
    result = load_costs(BAD / "costs_problems.csv")
    reasons = dict(zip(result.rejected["value"], result.rejected["reason"], strict=False))
    assert reasons["1,673"].startswith("ambiguous number: the comma may be a thousands")
    assert reasons["2.900,93"].startswith("expected a number such as 1234.50")
    assert reasons["-5"] == "expected a number of at least 0"
    assert reasons["2031"] == "expected a whole number from 2019 to 2024"
    dup = result.rejected[result.rejected["column"] == "programme, site, year, cost_item"]
    assert dup["row"].tolist() == [7, 8]
    assert "year=2020" in dup["reason"].iloc[0]
    assert (result.n_read, result.n_valid) == (7, 0)


def test_streams_load_like_files():
    text = (GOOD / "participants.csv").read_text()
    from_file = load_participants(GOOD / "participants.csv")
    from_stream = load_participants(io.StringIO(text))
    pd.testing.assert_frame_equal(from_stream.data, from_file.data)
    assert from_stream.sha256 == from_file.sha256 and from_stream.source is None
    binary = load_participants(io.BytesIO((GOOD / "participants_typed.parquet").read_bytes()))
    pd.testing.assert_frame_equal(binary.data, from_file.data)
    xlsx = load_participants(io.BytesIO((GOOD / "participants.xlsx").read_bytes()))
    pd.testing.assert_frame_equal(xlsx.data, from_file.data)


def test_result_is_frozen_and_repr_has_no_rows():
    result = load_participants(GOOD / "participants.csv")
    assert isinstance(result, LoadResult)
    with pytest.raises(AttributeError):
        result.n_read = 0
    assert "P00001" not in repr(result) and "M0279" not in repr(result)
    assert list(result.summary.columns) == ["column", "reason", "rows"]


def test_summary_counts_rows_by_reason():
    summary = load_participants(BAD / "impossible_ages.csv").summary
    assert summary.to_dict("list") == {
        "column": ["age", "months_unemployed"],
        "reason": [
            "expected a whole number from 16 to 70",
            "expected a whole number from 0 to 240",
        ],
        "rows": [2, 1],
    }


def test_guess_table_from_columns():
    assert guess_table(GOOD / "questionnaire.csv") == "questionnaire"
    assert guess_table(GOOD / "participants.xlsx") == "participants"
    assert guess_table(BAD / "costs_problems.csv") == "costs"
    with pytest.raises(DataError, match="match no table of the data dictionary"):
        guess_table(BAD / "excel_export.xlsx")


@pytest.mark.skipif(
    not (EVALDATA / "participants.csv").exists(), reason="evaldata/ not generated yet"
)
def test_shipped_data_loads_without_rejections():
    participants = load_participants(EVALDATA / "participants.csv")
    assert participants.n_rejected == 0 and participants.n_valid == participants.n_read
    questionnaire = load_questionnaire(
        EVALDATA / "questionnaire.csv", participants=participants.data
    )
    assert questionnaire.n_rejected == 0
    costs = load_costs(EVALDATA / "costs.csv")
    assert costs.n_rejected == 0


def test_dutch_and_french_identifier_columns_are_dropped(tmp_path):
    """Exports from Flemish, Walloon and Brussels services name identifiers in their language."""
    data = pd.read_csv(GOOD / "participants.csv", dtype=str)
    data.insert(0, "Voornaam", "Jan")
    data.insert(1, "Prénom", "Marie")
    data.insert(2, "Date de naissance", "01/02/1990")
    data.insert(3, "Telefoonnummer", "0470 00 00 00")
    path = tmp_path / "export.csv"
    data.to_csv(path, index=False)
    with pytest.warns(IdentifierWarning) as caught:
        result = load_participants(path)
    assert result.dropped_identifiers == (
        "voornaam", "prenom", "date_de_naissance", "telefoonnummer"
    )
    message = str(caught[0].message)
    assert "Jan" not in message and "Marie" not in message and "0470" not in message
    assert result.n_valid == load_participants(GOOD / "participants.csv").n_valid


@pytest.mark.parametrize(
    ("marker", "suffix"), [("NULL", ".csv"), ("n/a", ".csv"), ("#N/A", ".xlsx")]
)
def test_missing_markers_are_missing_in_every_format(tmp_path, marker, suffix):
    raw = pd.read_csv(EVALDATA / "participants.csv", dtype=str, keep_default_na=False).head(300)
    reference_path = tmp_path / "reference.csv"
    raw.to_csv(reference_path, index=False)
    censored = raw["exit_date"] == ""
    assert censored.any()
    marked = raw.assign(exit_date=raw["exit_date"].where(~censored, marker))
    path = tmp_path / f"marked{suffix}"
    if suffix == ".csv":
        marked.to_csv(path, index=False)
    else:
        marked.to_excel(path, index=False)
    loaded, reference = load_participants(path), load_participants(reference_path)
    assert loaded.n_rejected == reference.n_rejected == 0
    pd.testing.assert_frame_equal(loaded.data, reference.data)


def test_dates_with_a_time_of_day_keep_the_day(tmp_path):
    raw = pd.read_csv(GOOD / "participants.csv", dtype=str, keep_default_na=False)
    day = pd.to_datetime(raw["intake_date"].head(4))
    spellings = [
        day[0].strftime("%d/%m/%Y 00:00"),
        day[1].strftime("%Y-%m-%dT09:30:00"),
        day[2].strftime("%d.%m.%Y 7:05"),
        day[3].strftime("%Y-%m-%d 00:00:00.000"),
    ]
    raw.loc[:3, "intake_date"] = spellings
    path = tmp_path / "times.csv"
    raw.to_csv(path, index=False)
    reference = load_participants(GOOD / "participants.csv")
    loaded = load_participants(path)
    assert loaded.n_rejected == reference.n_rejected
    pd.testing.assert_frame_equal(loaded.data, reference.data)
