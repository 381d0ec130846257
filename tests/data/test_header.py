"""The header: names normalised, identifiers and unknown columns dropped, columns required."""

import pandas as pd
import pytest

from evalkit import DataError, EvalkitWarning, IdentifierWarning
from evalkit.data import load_participants
from tests.data.corpus import BAD, GOOD


def test_wrong_sheet_is_a_missing_columns_error():
    # The first sheet is a cover note: loading it names the missing columns.
    with pytest.raises(DataError, match=r"required column\(s\) \['participant_id'"):
        load_participants(BAD / "excel_export.xlsx")


def test_identifiers_are_dropped_with_a_warning_that_shows_no_values():
    with pytest.warns(IdentifierWarning, match=r"\['name', 'e_mail', 'rijksregisternummer'\]") as w:
        result = load_participants(BAD / "identifiers.csv")
    assert len(w) == 1
    assert "example.org" not in str(w[0].message) and "Someone" not in str(w[0].message)
    assert result.dropped_identifiers == ("name", "e_mail", "rijksregisternummer")
    assert not set(result.dropped_identifiers) & set(result.data.columns)
    assert "example.org" not in repr(result) and "example.org" not in result._repr_html_()
    assert result.n_valid == 12


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
        "voornaam",
        "prenom",
        "date_de_naissance",
        "telefoonnummer",
    )
    message = str(caught[0].message)
    assert "Jan" not in message and "Marie" not in message and "0470" not in message
    assert result.n_valid == load_participants(GOOD / "participants.csv").n_valid


def test_unknown_columns_are_dropped_with_a_warning_and_names_normalised():
    with pytest.warns(EvalkitWarning, match=r"\['notes'\] are not in the participants"):
        result = load_participants(BAD / "extra_column_and_name_variant.csv")
    assert result.dropped_columns == ("notes",)
    assert "intake_date" in result.data.columns  # "Intake Date" normalised
