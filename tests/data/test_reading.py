"""Reading files and streams: formats, file-level errors, SHA-256."""

import io

import pandas as pd
import pytest

from evalkit import DataError
from evalkit.data import load_participants
from tests.data.corpus import BAD, FILE_ERRORS, GOOD


@pytest.mark.parametrize(("name", "message"), FILE_ERRORS.items())
def test_file_problems_raise_a_data_error_naming_the_file(name, message):
    with pytest.raises(DataError, match=message) as info:
        load_participants(BAD / name)
    assert name in str(info.value)


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
        "trailing_empty_columns.csv",
        "participants_tz_floats_decimals.parquet",
        "participants_1904.xlsx",
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
