"""The loader gives the same LoadResult as before it was vectorised (issue 18).

Every file of tests/data and evaldata, seeded messy files (plain and quoted CSV, Parquet
of text and typed Parquet with every kind of problem mixed in) and loads with study
models are compared with the fixed outputs of tests/data/expected/loads.json, written
by the loader before the change (tests/data/golden.py): the same rejected entries in
the same order, the same valid rows and dtypes, the same mapped columns and labels,
warnings and file-level errors.
"""

import json

import pytest

from tests.data.golden import EXPECTED, all_fingerprints

EXPECTED_LOADS = json.loads(EXPECTED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The outcome of loading every case, once for the module."""
    return all_fingerprints(tmp_path_factory.mktemp("golden"))


def test_every_case_is_loaded(loaded):
    assert sorted(loaded) == sorted(EXPECTED_LOADS)


@pytest.mark.parametrize("case", sorted(EXPECTED_LOADS))
def test_the_load_result_is_as_before(loaded, case):
    got, expected = loaded[case], EXPECTED_LOADS[case]
    for key in expected:  # one field at a time, to say which differs
        assert got[key] == expected[key], f"{case}: {key} differs"
    assert got == expected
    if "error" not in got:
        assert got["n_valid"] + got["n_rejected"] == got["n_read"]


@pytest.fixture(scope="module")
def loaded_with_arrow_text(tmp_path_factory):
    """Every case loaded with all text columns of CSV and Parquet files held by pyarrow
    (as a file's id columns are from 4,096 distinct values on), CSV files parsed in
    pieces of 4 KiB (as a large file is, in pieces of 8 MiB)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("evalkit.data._codes._ARROW_TEXT", 0)
        patch.setattr("evalkit.data.reading._CSV_PIECE", 1 << 12)
        return all_fingerprints(tmp_path_factory.mktemp("golden_arrow"))


@pytest.mark.parametrize("case", sorted(EXPECTED_LOADS))
def test_text_held_by_pyarrow_gives_the_same_load_result(loaded_with_arrow_text, case):
    got, expected = loaded_with_arrow_text[case], EXPECTED_LOADS[case]
    for key in expected:
        assert got[key] == expected[key], f"{case}: {key} differs"
    assert got == expected
