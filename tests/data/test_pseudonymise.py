"""Pseudonymising a file before sharing: keyed pseudonyms, identifiers dropped, key kept out."""

import hashlib
import hmac
import io
import stat
import zipfile

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalkit import DataError, IdentifierWarning
from evalkit.data import load_participants, load_questionnaire
from evalkit.data.pseudonymise import (
    KEY_BYTES,
    new_key,
    pseudonym,
    pseudonymise,
    read_key,
)
from tests.data.corpus import BAD, GOOD

KEY = b"k" * 16 + bytes(range(16))
OTHER_KEY = b"o" * KEY_BYTES
IDENTIFIER_VALUES = ("Someone Example", "someone@example.org", "85.07.30-033.61")


def _bytes_of(path):
    """The bytes of a file, those of every member for an .xlsx (a zip archive)."""
    if path.suffix != ".xlsx":
        return path.read_bytes()
    with zipfile.ZipFile(path) as book:
        return b"".join(book.read(name) for name in book.namelist())


def test_pseudonym_is_hmac_sha256_of_the_normalised_id():
    expected = hmac.new(KEY, b"p00001", hashlib.sha256).hexdigest()[:16]
    assert pseudonym("P00001", KEY) == "ps_" + expected
    assert pseudonym("  p00001 ", KEY) == pseudonym("P00001", KEY)
    assert pseudonym("P00001", OTHER_KEY) != pseudonym("P00001", KEY)
    assert pseudonym("P00002", KEY) != pseudonym("P00001", KEY)
    assert pseudonym(12345.0, KEY) == pseudonym("12345", KEY)  # a spreadsheet number
    assert pseudonym("", KEY) == pseudonym(None, KEY) == pseudonym("NA", KEY) == ""


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_round_trip_drops_identifiers_and_loads(tmp_path, suffix):
    out = tmp_path / f"shared{suffix}"
    done = pseudonymise(BAD / "identifiers.csv", out, key=KEY)
    assert done.pseudonymised == ("participant_id", "mentor_id") and done.n_rows == 12
    assert [(c.column, c.kind) for c in done.identifier_columns] == [
        ("Name", "name"), ("E-mail", "email"), ("Rijksregisternummer", "national_number"),
    ]  # fmt: skip
    assert done.unknown_columns == ()
    content = _bytes_of(out)
    assert KEY not in content and KEY.hex().encode() not in content
    original = pd.read_csv(BAD / "identifiers.csv", dtype=str)
    for value in [*IDENTIFIER_VALUES, *original["participant_id"], *original["mentor_id"]]:
        assert value.encode() not in content, value
    shared = load_participants(out)  # no identifier left: no warning either
    assert shared.n_valid == 12 and shared.dropped_identifiers == ()
    reference = load_participants(GOOD / "participants.csv").data
    pd.testing.assert_frame_equal(
        shared.data.drop(columns=["participant_id", "mentor_id"]),
        reference.drop(columns=["participant_id", "mentor_id"]),
    )
    expected = [pseudonym(v, KEY) for v in original["participant_id"]]
    assert shared.data["participant_id"].tolist() == expected  # same rows, same order


def test_same_key_same_pseudonyms_across_files_and_another_key_other_ones(tmp_path):
    pseudonymise(GOOD / "participants.csv", tmp_path / "p.csv", key=KEY)
    pseudonymise(GOOD / "questionnaire.csv", tmp_path / "q.csv", key=KEY)
    pseudonymise(GOOD / "participants.csv", tmp_path / "other.csv", key=OTHER_KEY)
    participants = load_participants(tmp_path / "p.csv").data
    questionnaire = load_questionnaire(tmp_path / "q.csv", participants=participants)
    assert questionnaire.n_rejected == 0  # every questionnaire still links to its person
    other = load_participants(tmp_path / "other.csv").data
    assert not set(other["participant_id"]) & set(participants["participant_id"])


def test_case_and_space_variants_get_one_pseudonym_and_stay_duplicates(tmp_path):
    pseudonymise(BAD / "duplicate_ids_case.csv", tmp_path / "shared.csv", key=KEY)
    shared = pd.read_csv(tmp_path / "shared.csv", dtype=str)
    assert shared.loc[1, "participant_id"] == shared.loc[3, "participant_id"]
    result = load_participants(tmp_path / "shared.csv")
    assert result.rejected["row"].tolist() == [3, 5]


def test_identifier_ids_and_content_columns_and_semicolons(tmp_path):
    """E-mail ids (refused by the loader) become pseudonyms; columns found by content go."""
    text = (BAD / "identifiers_by_content.csv").read_text().replace(",", ";")
    emails = (BAD / "ids_are_emails.csv").read_text().splitlines()[1:]
    source = tmp_path / "export.csv"
    rows = [f"{e.split(',')[0]};{line.split(';', 1)[1]}" for e, line in
            zip(emails, text.splitlines()[1:], strict=True)]  # fmt: skip
    source.write_text("\n".join([text.splitlines()[0], *rows]) + "\n")
    with pytest.raises(DataError, match="look like"), pytest.warns(IdentifierWarning):
        load_participants(source)
    done = pseudonymise(source, tmp_path / "shared.csv", key=KEY, columns=["participant_id"])
    assert [c.column for c in done.identifier_columns] == ["Contact", "Extra", "Ref"]
    assert {c.found_by for c in done.identifier_columns} == {"content"}
    shared = (tmp_path / "shared.csv").read_text()
    assert shared.splitlines()[0].startswith("participant_id;programme;")
    assert "@" not in shared and "M0279" in shared  # mentor_id was not asked for
    assert load_participants(tmp_path / "shared.csv").n_valid == 12


def test_unknown_columns_are_kept_and_listed(tmp_path):
    data = pd.read_csv(GOOD / "participants.csv", dtype=str).assign(notes="n")
    data.to_csv(tmp_path / "in.csv", index=False)
    done = pseudonymise(tmp_path / "in.csv", tmp_path / "out.csv", key=KEY)
    assert done.unknown_columns == ("notes",)


def test_excel_sheet_and_parquet_types(tmp_path):
    done = pseudonymise(
        BAD / "excel_export.xlsx", tmp_path / "out.xlsx", key=KEY, sheet="participants"
    )
    assert done.n_rows == 12
    assert load_participants(tmp_path / "out.xlsx", sheet="participants").n_read == 12
    pseudonymise(GOOD / "participants_typed.parquet", tmp_path / "out.parquet", key=KEY)
    typed = load_participants(tmp_path / "out.parquet")
    assert typed.n_valid == 12 and typed.data["participant_id"].str.startswith("ps_").all()


def test_argument_and_file_errors(tmp_path):
    source = GOOD / "participants.csv"
    with pytest.raises(DataError, match="the output is the input file"):
        pseudonymise(source, source, key=KEY)
    with pytest.raises(DataError, match=r"unsupported output type '.json'"):
        pseudonymise(source, tmp_path / "out.json", key=KEY)
    with pytest.raises(DataError, match=r"the directory .* does not exist"):
        pseudonymise(source, tmp_path / "no" / "out.csv", key=KEY)
    with pytest.raises(DataError, match=r"no id column\(s\) \['client_id'\] to pseudonymise"):
        pseudonymise(source, tmp_path / "out.csv", key=KEY, columns=["client_id"])
    costs = BAD / "costs_problems.csv"
    with pytest.raises(DataError, match=r"no id column\(s\) \['participant_id', 'mentor_id'\]"):
        pseudonymise(costs, tmp_path / "out.csv", key=KEY)
    with pytest.raises(ValueError, match=r"key must be at least 32 bytes, but has 5 \(not shown\)"):
        pseudonymise(source, tmp_path / "out.csv", key=b"short")
    with pytest.raises(TypeError, match="key must be bytes, but was a int"):
        pseudonym("P1", 12345)


def test_key_files(tmp_path):
    path = new_key(tmp_path / "key")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = read_key(path)
    assert len(key) == 2 * KEY_BYTES and read_key(path) == key
    assert read_key(new_key(tmp_path / "key2")) != key
    with pytest.raises(DataError, match="already exists; a key file is never overwritten"):
        new_key(path)
    with pytest.raises(DataError, match="key file not found; create one with --new-key"):
        read_key(tmp_path / "missing")
    (tmp_path / "empty").write_text("\n")
    with pytest.raises(DataError, match="the key file is empty"):
        read_key(tmp_path / "empty")
    (tmp_path / "short").write_text("a secret of 22 bytes..\n")
    with pytest.raises(DataError, match="holds 22 bytes; a key needs at least 32") as info:
        read_key(tmp_path / "short")
    assert "secret" not in str(info.value)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ids=st.lists(
        st.from_regex(r"[A-Za-z0-9@.+ ]{1,20}", fullmatch=True).filter(str.strip),
        min_size=12, max_size=12, unique_by=lambda s: s.strip().casefold(),
    ),
    key=st.binary(min_size=KEY_BYTES, max_size=64).filter(lambda k: k.strip() == k),
)  # fmt: skip
def test_no_id_and_no_key_in_the_output(tmp_path_factory, ids, key):
    data = pd.read_csv(GOOD / "participants.csv", dtype=str).assign(participant_id=ids)
    source = tmp_path_factory.mktemp("p") / "in.csv"
    data.to_csv(source, index=False)
    out = source.with_name("out.csv")
    pseudonymise(source, out, key=key)
    content = out.read_bytes()
    assert key not in content
    shared = pd.read_csv(io.BytesIO(content), dtype=str)
    assert not set(shared["participant_id"]) & {i.strip() for i in ids}
    assert shared["participant_id"].nunique() == 12
    assert load_participants(out).n_valid == 12  # and no warning (they are errors here)
