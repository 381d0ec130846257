"""Parsing cells: numbers and dates as Excel exports them, labels, missing markers, types."""

import datetime
import io

import numpy as np
import pandas as pd
import pytest

from evalkit.data import load_costs, load_participants, load_questionnaire
from evalkit.data.schema import COSTS, PARTICIPANTS
from tests.data.corpus import BAD, EVALDATA, GOOD, INTEGER_REASON, rejected_entries
from tests.data.make_bad_files import COSTS_CSV


def test_excel_numbers_as_text_dates_and_serials():
    result = load_participants(BAD / "excel_export.xlsx", sheet="participants")
    assert rejected_entries(result) == [
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


# --- dates: plausible window, extraction date, time zones -------------------------------


def test_implausible_dates_are_rejected_with_their_reason():
    result = load_participants(BAD / "dates_implausible.csv", extraction_date="2025-06-30")
    assert result.rejected["reason"].tolist() == [
        "date before 1990-01-01, too early for a programme date: check the year",
        *[
            "Excel's zero date (1899-12-30, 00/01/1900, or 1904-01-01 in a 1904 workbook), "
            "which Excel exports for an empty date cell: enter the date, or leave the cell "
            "empty"
        ]
        * 3,
        "date after the extraction date (2025-06-30): check the year; if the data were "
        "extracted later, pass it as extraction_date",
    ]
    # "2019-01-06T00:00:00+01:00" is 2019-01-06, the day in its own time zone
    assert result.data.loc[result.data["participant_id"] == "P00006", "intake_date"].item() == (
        pd.Timestamp("2019-01-06")
    )


def test_extraction_date_sets_the_latest_date(tmp_path):
    path = BAD / "dates_implausible.csv"
    later = load_participants(path, extraction_date=pd.Timestamp("2099-12-31"))
    assert 6 not in later.rejected["row"].tolist() and later.n_rejected == 4
    earlier = load_participants(path, extraction_date=datetime.date(2021, 1, 1))
    late = earlier.rejected[earlier.rejected["reason"].str.startswith("date after")]
    assert set(late["column"]) == {"follow_up_end", "exit_date"}
    assert late["reason"].str.contains(r"\(2021-01-01\)").all()
    for wrong in ["30/06/2025", "2025-13-01", 20250630, pd.Timestamp("2025-06-30", tz="UTC")]:
        with pytest.raises(
            ValueError, match=r"extraction_date must be a date such as '2025-06-30'"
        ):
            load_participants(path, extraction_date=wrong)


def test_shipped_data_loads_identically_with_its_extraction_date():
    from evalkit.data.synthetic import EXTRACTION_DATE

    default = load_participants(EVALDATA / "participants.csv")
    pinned = load_participants(EVALDATA / "participants.csv", extraction_date=EXTRACTION_DATE)
    assert pinned.n_rejected == default.n_rejected == 0
    pd.testing.assert_frame_equal(pinned.data, default.data)
    items = load_questionnaire(EVALDATA / "questionnaire.csv", extraction_date=EXTRACTION_DATE)
    assert items.n_rejected == 0


def test_timezone_aware_timestamps_give_the_day_in_their_own_zone():
    path = GOOD / "participants_tz_floats_decimals.parquet"
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    assert str(schema.field("intake_date").type) == "timestamp[ns, tz=Europe/Brussels]"
    assert str(schema.field("mentor_age").type).startswith("decimal128")
    result = load_participants(BAD / "typed_floats_decimals.parquet", extraction_date="2025-06-30")
    # 2025-06-30 23:30 in New York is 2025-07-01 in UTC: its own day is kept
    row = result.data.loc[result.data["participant_id"] == "P00007"]
    assert row["follow_up_end"].item() == pd.Timestamp("2025-06-30")
    assert str(result.data["follow_up_end"].dtype) == "datetime64[ns]"


def test_parquet_whole_floats_and_decimals_load_as_numbers():
    costs = load_costs(BAD / "costs_typed.parquet")
    reference = load_costs(io.StringIO(COSTS_CSV))
    assert rejected_entries(costs) == [
        (7, "duos_formed", rejected_entries(costs)[0][2]),
    ]
    assert rejected_entries(costs)[0][2] == (
        "expected a whole number such as 34 or 34.0; the file stores a number with decimals"
    )
    pd.testing.assert_frame_equal(costs.data, reference.data.iloc[:5])
    assert costs.data["amount_eur"].tolist()[:2] == [1673.16, 2900.93]  # decimal128, exactly
