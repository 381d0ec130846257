"""Loading files against the data dictionary: the corpus of bad files, results, guessing."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evalkit
from evalkit import DataError, EvalkitWarning
from evalkit.data import (
    LoadResult,
    guess_table,
    load_costs,
    load_participants,
    load_questionnaire,
    load_table,
)
from evalkit.data.schema import QUESTIONNAIRE
from tests.data.corpus import (
    BAD,
    CORPUS,
    EVALDATA,
    FILE_ERRORS,
    GOOD,
    INTEGER_REASON,
    ROW_PROBLEMS,
    load_corpus_file,
    rejected_entries,
)


@pytest.mark.parametrize(("name", "expected"), ROW_PROBLEMS.items())
def test_row_problems_are_rejected_with_row_column_and_reason(name, expected):
    result = load_participants(BAD / name)
    entries = rejected_entries(result)
    assert len(entries) == len(expected), entries
    for (row, column, reason), (got_row, got_column, got_reason) in zip(
        expected, entries, strict=True
    ):
        assert (got_row, got_column) == (row, column)
        assert reason in got_reason
    assert result.n_valid + result.n_rejected == result.n_read


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
        result = load_corpus_file(path, table, sheet, warning)
        assert len(result.data) + result.rejected["row"].nunique() == result.n_read, path.name
        assert result.n_valid + result.n_rejected == result.n_read
        # every rejected line exists in the file, and the data index is 0..n-1
        assert result.rejected["row"].between(2, result.n_read + 1).all()
        assert result.data.index.equals(pd.RangeIndex(result.n_valid))
        assert result.summary["rows"].sum() >= result.n_rejected
        assert list(result.rejected.columns) == ["row", "column", "value", "reason"]
        assert result.rejected["value"].map(type).eq(str).all()


def test_unknown_table_is_a_value_error():
    with pytest.raises(ValueError, match=r"table must be one of \['costs', 'participants'"):
        load_table(GOOD / "participants.csv", "mentors")


def test_questionnaire_items_keys_and_orphans():
    participants = load_participants(GOOD / "participants.csv").data
    result = load_questionnaire(BAD / "questionnaire_problems.csv", participants=participants)
    key = "participant_id, wave"
    assert rejected_entries(result) == [
        (2, key, "duplicate key (participant_id, wave=pre) also on row(s) 8"),
        (3, "rse_03", "expected a whole number from 1 to 4"),
        (4, "rse_04", INTEGER_REASON + " (no spaces or thousands separators)"),
        (5, "wave", "expected one of ['pre', 'post'] (case, accents, spaces and punctuation "
         "are ignored)"),
        (8, key, "duplicate key (participant_id, wave=pre) also on row(s) 2"),
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


def test_table_name_names_the_dictionary_table_and_the_old_name_warns():
    result = load_participants(GOOD / "participants.csv")
    assert result.table_name == "participants"
    assert "table_name='participants'" in repr(result)
    with pytest.warns(DeprecationWarning, match=r"LoadResult.table was renamed .*table_name"):
        assert result.table == "participants"
    assert load_costs(BAD / "costs_problems.csv").table_name == "costs"


def test_the_loaders_share_their_parameter_and_error_docs():
    for loader in (load_participants, load_questionnaire, load_costs):
        assert "%(" not in loader.__doc__
        assert "sheet : str, optional" in loader.__doc__ and "DataError" in loader.__doc__


def test_importing_evalkit_data_does_not_import_pandera():
    code = "import sys, evalkit.data; print('pandera' in sys.modules)"
    src = str(Path(evalkit.__file__).resolve().parents[1])  # this copy of evalkit
    env = {**os.environ, "PYTHONPATH": src}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.strip() == "False"


def test_questionnaire_participants_need_their_id_column():
    with pytest.raises(ValueError, match=r"participants has no column\(s\) \['participant_id'\]"):
        load_questionnaire(GOOD / "questionnaire.csv", participants=pd.DataFrame({"id": ["P1"]}))


# --- property: no row lost, good rows never rejected -------------------------------------

# How each kind of bad row is made from a good one, and the column its rejection names
# ("" for a line that cannot be split into columns, whose reason names the line).
_BAD_ROWS = {
    "wrong_type": ("age", lambda row, sep: {**row, "age": "thirty"}),
    "out_of_range": ("age", lambda row, sep: {**row, "age": "150"}),
    "bad_date": ("intake_date", lambda row, sep: {**row, "intake_date": "2021-13-45"}),
    "too_early": ("intake_date", lambda row, sep: {**row, "intake_date": "1985-01-07"}),
    "zero_date": ("exit_date", lambda row, sep: {**row, "exit_date": "30/12/1899"}),
    "missing": ("gender", lambda row, sep: {**row, "gender": ""}),
    "duplicate": ("participant_id", lambda row, sep: {**row, "participant_id": "P99999"}),
    "extra_delimiter": ("", None),
    "too_few_fields": ("", None),
}
_NOTES = ["", "plain", "with, comma; and semicolon", "two\nlines", 'a "quote"', "x\r\ny\nz"]


def _csv_line(row: dict, sep: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\n").writerow(row.values())
    return buffer.getvalue()[:-1]


def _property_file(rows, sep):
    """A participants CSV (notes first) from (kind, template, notes) rows, with the line
    each row starts on, its kind and the column its rejection names."""
    templates = pd.read_csv(GOOD / "participants.csv", dtype=str, keep_default_na=False)
    header = ["notes", *templates.columns]
    lines, expected, line = [sep.join(header)], [], 2
    n_duplicates = sum(kind == "duplicate" for kind, _, _ in rows)
    for i, (kind, template, notes) in enumerate(rows):
        row = {"notes": notes, **templates.iloc[template].to_dict()}
        row["participant_id"] = f"P{i + 1:05d}"
        column, make = _BAD_ROWS.get(kind, ("", None))
        if kind == "duplicate" and n_duplicates == 1:
            kind = "good"  # a key shared with no other row is fine
        elif make is not None:
            row = make(row, sep)
        text = _csv_line(row, sep)
        if kind == "extra_delimiter":
            text = text.replace(f"{sep}{row['site']}{sep}", f"{sep}{row['site']}{sep}x{sep}")
        elif kind == "too_few_fields":
            text = text.rsplit(sep, 1)[0]
        lines.append(text)
        expected.append((line, kind, column, row["participant_id"]))
        line += text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    return "\n".join(lines) + "\n", expected


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["good", "good", "good", *_BAD_ROWS]),
            st.integers(0, 11),
            st.sampled_from(_NOTES),
        ),
        min_size=1,
        max_size=15,
    ),
    sep=st.sampled_from([",", ";"]),
)
def test_rows_read_are_analysed_plus_rejected_for_any_mix_of_bad_rows(rows, sep):
    text, expected = _property_file(rows, sep)
    with pytest.warns(EvalkitWarning, match=r"\['notes'\] are not in the participants"):
        result = load_participants(io.StringIO(text), extraction_date="2025-06-30")
    assert result.n_read == len(rows)
    assert result.n_valid + result.n_rejected == result.n_read
    good = [pid for _, kind, _, pid in expected if kind == "good"]
    assert result.data["participant_id"].tolist() == good  # good rows are never rejected
    bad = {line: column for line, kind, column, _ in expected if kind != "good"}
    assert set(result.rejected["row"]) == set(bad)
    for line, column, reason in rejected_entries(result):
        assert column == bad[line], (line, column, reason)
        if column == "":
            assert reason.startswith(f"line {line} has ")
    assert not result.rejected["value"].str.contains("comma|quote|lines|plain").any()
