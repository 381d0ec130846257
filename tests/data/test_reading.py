"""Reading files and streams: formats, file-level errors, SHA-256."""

import csv
import io

import pandas as pd
import pytest

from evalkit import DataError, EvalkitWarning
from evalkit.data import load_participants
from tests.data.corpus import BAD, FILE_ERRORS, GOOD, rejected_entries


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


# --- CSV lines that do not split into the header's columns ------------------------------


def _participants_lines():
    return (GOOD / "participants.csv").read_text().splitlines()


def test_a_line_with_an_extra_or_a_missing_delimiter_is_rejected_alone():
    result = load_participants(BAD / "extra_delimiters.csv")
    assert (result.n_read, result.n_valid, result.n_rejected) == (12, 7, 5)
    whole = result.rejected[result.rejected["column"] == ""]
    assert whole["value"].eq("").all()  # the line is never shown
    assert whole["reason"].iloc[0] == (
        "line 3 has 19 fields, the header has 18; a value probably contains an unquoted ',' "
        "(a decimal comma such as 12,5, or text), or the line ends with extra ',': put that "
        "value in double quotes, or remove the extra ','"
    )
    assert whole["reason"].iloc[1] == (
        "line 5 has 17 fields, the header has 18; a ',' is probably missing or the line was "
        "cut, so its values cannot be matched to the columns: add the missing ',' (empty "
        "values are allowed)"
    )
    reference = load_participants(GOOD / "participants.csv").data
    kept = reference.drop(index=[1, 3, 5, 7, 9]).reset_index(drop=True)
    pd.testing.assert_frame_equal(result.data, kept)
    # the summary counts such lines together, whatever their line
    assert result.summary["rows"].tolist() == [2, 1, 1, 1]
    assert result.summary["reason"].iloc[0].startswith("line N has 19 fields, the header has 18")


def test_semicolon_files_name_their_delimiter():
    lines = (GOOD / "participants_semicolon.csv").read_text().splitlines()
    lines[1] = lines[1].replace(";Team4Job;", ";Team4;Job;")
    result = load_participants(io.StringIO("\n".join(lines) + "\n"))
    assert result.rejected["reason"].tolist() == [
        "line 2 has 19 fields, the header has 18; a value probably contains an unquoted ';' "
        "(text), or the line ends with extra ';': put that value in double quotes, or remove "
        "the extra ';'"
    ]
    assert result.n_valid == 11


def test_line_numbers_stay_right_after_quoted_line_breaks_and_a_stray_quote():
    with pytest.warns(EvalkitWarning, match=r"\['notes'\] are not in the participants"):
        result = load_participants(BAD / "quoted_line_breaks.csv")
    assert rejected_entries(result)[:3] == [
        (5, "education", rejected_entries(result)[0][2]),  # "tertiary, general", quoted
        (10, "age", "expected a whole number from 16 to 70"),  # after lines 2-3 and 7-9
        (11, "", rejected_entries(result)[2][2]),
    ]
    assert rejected_entries(result)[2][2].startswith("line 11 has 20 fields, the header has 19")
    assert rejected_entries(result)[3] == (
        13,
        "",
        "line 13 has a double quote that opens a value and is probably not closed (the value "
        "would run to line 16); the lines after line 13 were read on their own: remove that "
        "quote, or close it",
    )
    # the rows below the stray quote are read again and load; nothing is lost
    assert result.data["participant_id"].tolist()[-3:] == ["P00010", "P00011", "P00012"]
    assert (result.n_read, result.n_valid, result.n_rejected) == (12, 8, 4)


def test_quoted_files_load_like_plain_ones(tmp_path):
    raw = pd.read_csv(GOOD / "participants.csv", dtype=str, keep_default_na=False)
    raw.insert(0, "notes", ["a, b\nc", 'say "hi"', *[""] * 10])
    raw.loc[5, "age"] = "150"
    path = tmp_path / "quoted.csv"
    raw.to_csv(path, index=False, sep=";", quoting=csv.QUOTE_ALL)
    with pytest.warns(EvalkitWarning, match="notes"):
        result = load_participants(path)
    assert rejected_entries(result) == [(8, "age", "expected a whole number from 16 to 70")]
    reference = load_participants(GOOD / "participants.csv").data
    pd.testing.assert_frame_equal(result.data, reference.drop(index=5).reset_index(drop=True))


def test_a_dictionary_value_with_a_line_break_is_rejected_and_not_shown():
    lines = _participants_lines()
    assert lines[4].startswith("P00004,")
    lines[4] = '"P00004\nlost"' + lines[4][len("P00004") :]  # a value on lines 5-6
    text = "\n".join(lines) + "\n"
    result = load_participants(io.StringIO(text))
    assert rejected_entries(result) == [
        (5, "participant_id", rejected_entries(result)[0][2]),
    ]
    assert rejected_entries(result)[0][2].startswith("the value holds a line break")
    assert result.rejected["value"].tolist() == [""]
    assert result.n_valid == 11


def test_trailing_empty_columns_are_ignored_but_a_value_under_them_is_not():
    text = (GOOD / "trailing_empty_columns.csv").read_text()
    assert text.splitlines()[0].endswith("follow_up_end;;;")
    lines = text.splitlines()
    lines[3] += ";;x"  # a value under an unnamed column: 20 fields
    result = load_participants(io.StringIO("\n".join(lines) + "\n"))
    assert result.dropped_columns == ()
    assert rejected_entries(result) == [(4, "", rejected_entries(result)[0][2])]
    assert rejected_entries(result)[0][2].startswith("line 4 has 20 fields, the header has 18")


def test_blank_lines_and_bare_carriage_returns(tmp_path):
    lines = _participants_lines()
    path = tmp_path / "mac.csv"
    path.write_bytes("\r".join(lines).encode() + b"\r")
    pd.testing.assert_frame_equal(
        load_participants(path).data, load_participants(GOOD / "participants.csv").data
    )
    result = load_participants(io.StringIO("\n".join([*lines[:3], "", "  ", *lines[3:]])))
    assert rejected_entries(result) == [(4, "", "empty row"), (5, "", "empty row")]


def test_a_file_of_malformed_lines_is_read_not_refused():
    lines = _participants_lines()
    text = "\n".join([lines[0]] + [line + ",x" for line in lines[1:4]]) + "\n"
    result = load_participants(io.StringIO(text))
    assert (result.n_read, result.n_valid, result.n_rejected) == (3, 0, 3)
    assert result.rejected["row"].tolist() == [2, 3, 4]
    assert result.data.columns.tolist()[-1] == "cohort"


# --- Parquet and Excel ------------------------------------------------------------------


def test_a_nested_column_outside_the_dictionary_is_only_dropped(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(GOOD / "participants_typed.parquet")
    table = table.append_column("tags", pa.array([["a", "b"]] * 12, type=pa.list_(pa.string())))
    pq.write_table(table, tmp_path / "tags.parquet")
    with pytest.warns(EvalkitWarning, match=r"\['tags'\] are not in the participants"):
        result = load_participants(tmp_path / "tags.parquet")
    assert result.n_valid == 12 and result.dropped_columns == ("tags",)


@pytest.mark.parametrize("epoch", ["1900", "1904"])
def test_excel_serials_and_zero_dates_in_both_date_systems(tmp_path, epoch):
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    raw = pd.read_csv(GOOD / "participants.csv", dtype=str, keep_default_na=False)
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904 if epoch == "1904" else CALENDAR_WINDOWS_1900
    day0 = pd.Timestamp(book.epoch)
    sheet = book.active
    sheet.append(list(raw.columns))
    for row in raw.itertuples(index=False):
        cells = list(row)
        cells[3] = pd.Timestamp(cells[3]).to_pydatetime()  # intake_date: a date cell
        cells[16] = (pd.Timestamp(cells[16]) - day0).days  # exit_date: a serial number
        sheet.append(cells)
    sheet["R3"] = 0  # follow_up_end of line 3: day 0 shown as a date, Excel's empty date
    sheet["R3"].number_format = "yyyy-mm-dd"
    book.save(tmp_path / "book.xlsx")
    result = load_participants(tmp_path / "book.xlsx")
    assert rejected_entries(result) == [(3, "follow_up_end", rejected_entries(result)[0][2])]
    assert rejected_entries(result)[0][2].startswith("Excel's zero date")
    reference = load_participants(GOOD / "participants.csv").data
    pd.testing.assert_frame_equal(result.data, reference.drop(index=1).reset_index(drop=True))


def test_a_very_wide_line_is_rejected_without_widening_the_table():
    lines = _participants_lines()
    lines.insert(2, "," * 5000)  # line 3: 5001 empty fields, more than the header
    lines[6] = '"' + lines[6].replace(",", '","') + '"'  # and quoted values elsewhere
    for text in ["\n".join(lines[:6] + lines[7:]), "\n".join(lines)]:  # plain, then quoted
        result = load_participants(io.StringIO(text + "\n"))
        assert rejected_entries(result)[0][:2] == (3, "")
        assert rejected_entries(result)[0][2].startswith("line 3 has 5001 fields, the header")
        assert result.n_valid == result.n_read - 1 == text.count("\n") - 1


def test_ids_held_by_pyarrow_load_as_python_strings_as_before(tmp_path, monkeypatch):
    """A file with 4,096 distinct ids or more keeps them in pyarrow until the output
    (issue 18: memory); the result is the one of ids as Python strings throughout."""
    from evalkit.data import _codes
    from evalkit.data.synthetic import simulate_participants

    data = simulate_participants(5000, rng=3).astype({"participant_id": object})
    data.loc[10, "participant_id"] = " P00012 "  # stripped: the id of line 13
    data.loc[20, "participant_id"] = "p00023"  # the id of line 24, ignoring case
    data.loc[30, "participant_id"] = "jan.peeters@example.be"  # rejected, not shown
    data.loc[40, "mentor_id"] = "NA"  # missing (required)
    csv_path, parquet_path = tmp_path / "p.csv", tmp_path / "p.parquet"
    data.to_csv(csv_path, index=False, date_format="%Y-%m-%d")
    data.to_parquet(parquet_path, index=False)
    for path in (csv_path, parquet_path):
        monkeypatch.setattr(_codes, "_ARROW_TEXT", 990)  # 994 mentors, 1,952 exit dates...
        held = load_participants(path, extraction_date="2026-01-01")
        monkeypatch.setattr(_codes, "_ARROW_TEXT", 10**9)  # every text as Python strings
        before = load_participants(path, extraction_date="2026-01-01")
        pd.testing.assert_frame_equal(held.data, before.data)
        pd.testing.assert_frame_equal(held.rejected, before.rejected)
        assert held.rejected["row"].tolist() == [12, 13, 22, 24, 32, 42], path
        assert "jan.peeters" not in held.rejected.to_string()
        mentors = held.data["mentor_id"]
        assert mentors.dtype == object and all(type(v) is str for v in mentors)
        assert len({id(v) for v in mentors}) == mentors.nunique()  # one object an id


def test_csv_blocks_are_coded_in_the_order_of_first_appearance():
    """The codes of a CSV read in blocks (data._codes._BlockCodes) are those of pyarrow's
    unify_dictionaries over the blocks."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from evalkit.data._codes import _BlockCodes

    rng = np.random.default_rng(7)
    words = np.array([f"w{i}" for i in range(300)])  # more than int8 codes hold
    blocks = [pa.array(rng.choice(words[: 50 * (k + 1)], 40).tolist()) for k in range(6)]
    coded = _BlockCodes()
    for block in blocks:
        coded.append(block)
    got = coded.categorical()
    unified = pa.chunked_array([pc.dictionary_encode(b) for b in blocks]).unify_dictionaries()
    expected = np.concatenate([c.indices.to_numpy() for c in unified.chunks])
    assert got.cat.categories.tolist() == unified.chunks[0].dictionary.to_pylist()
    np.testing.assert_array_equal(got.cat.codes.to_numpy(), expected)
    assert got.tolist() == pa.chunked_array(blocks).to_pylist()


def test_map_ahead_keeps_the_order_raises_at_its_place_and_stops_early():
    """The CSV pieces parsed in other threads (data._pipeline.map_ahead) come in
    order; an error is raised at its piece's place; a consumer that stops early ends
    the threads."""
    import threading
    import time

    from evalkit.data._pipeline import in_background, map_ahead

    def slow_first(x):  # the first item finishes last: the order is still kept
        time.sleep(0.05 if x == 0 else 0)
        return x * x

    assert list(map_ahead(slow_first, range(50), depth=3)) == [x * x for x in range(50)]

    def failing(x):
        if x == 3:
            raise ValueError("piece 3 cannot be parsed")
        return x

    got = []
    with pytest.raises(ValueError, match="piece 3 cannot be parsed"):
        for item in map_ahead(failing, range(1, 10)):
            got.append(item)
    assert got == [1, 2]
    before = threading.active_count()
    started = []
    ahead = map_ahead(started.append, range(10**6), workers=2, depth=2)
    assert next(ahead) is None
    ahead.close()  # the consumer stops: nothing more starts, the threads end
    assert len(started) <= 3 and threading.active_count() <= before
    with pytest.raises(OSError, match="No such file"):
        in_background(lambda: open("/no/such/file")).result()
    assert in_background(lambda: 6 * 7).result() == 42


@pytest.mark.parametrize("text", [
    b"h,i\n1,2\n33,4\n5,66\n", b"h,i\r\n1,2\r\n33,4\r\n5,66",  # no last line end
    b"h,i\n" + b"x" * 50 + b",1\n2,3\n", b"h,i\n", b"h,i", b"\xef\xbb\xbfh\n\n\n1\n",
])
@pytest.mark.parametrize("size", [1, 2, 5, 1 << 20])
def test_line_pieces_cover_the_lines_below_the_header_each_ending_a_line(tmp_path, text, size):
    from evalkit.data.reading import _line_pieces

    path = tmp_path / "f.csv"
    path.write_bytes(text)
    pieces = list(_line_pieces(text, size))
    assert pieces == list(_line_pieces(path, size))  # a file on disk as bytes in memory
    below = text[text.index(b"\n") + 1:] if b"\n" in text else b""
    assert b"".join(text[a:b] for a, b in pieces) == below
    assert all(text[a:b].endswith(b"\n") for a, b in pieces[:-1])
    assert all(a < b for a, b in pieces)
