"""Parsing cells: numbers and dates as Excel exports them, labels, missing markers, types."""

import io

import numpy as np
import pandas as pd
import pytest

from evalkit.data import load_costs, load_participants
from evalkit.data.schema import COSTS, PARTICIPANTS
from tests.data.corpus import BAD, EVALDATA, GOOD, INTEGER_REASON, rejected_entries


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
