"""One catalogue of the report's words, ready for translation (issue 16)."""

import ast
import json
from pathlib import Path
from string import Formatter

import pytest

from evalkit.reporting.catalogue import CATALOGUES, column_label, text, translate, value_label
from evalkit.reporting.translations import MESSAGES

ROOT = Path(__file__).resolve().parents[2]


def test_every_language_has_every_key_with_the_same_fields():
    keys = set(CATALOGUES["en"])
    for language, catalogue in CATALOGUES.items():
        assert set(catalogue) == keys, language
        for key, english in CATALOGUES["en"].items():
            fields = {f for _, f, _, _ in Formatter().parse(english) if f}
            assert {f for _, f, _, _ in Formatter().parse(catalogue[key]) if f} == fields, key


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match=r"language must be one of \['en', 'fr', 'nl'\], but "
                       r"was 'de'"):
        text("report.contents", "de")


def test_french_and_dutch():
    assert text("finding.rate_job", "fr", horizon=12, estimate="48,0 %", level="95 %",
                ci="44–52 %", group="DUO for a JOB") == (
        "En 12 mois, 48,0 % (IC à 95 % 44–52 %) des participants de DUO for a JOB ont trouvé "
        "un emploi.")
    assert column_label("n", "nl") == "Personen" and value_label("dropout", "fr") == "abandon"
    assert translate("Participants by programme", "nl") == "Deelnemers per programma"
    assert translate("not a caption", "fr") == "not a caption"


def test_every_caption_of_the_notebooks_is_translated():
    captions = set()
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and "caption=" in source:
                for node in ast.walk(ast.parse(source)):
                    if isinstance(node, ast.keyword) and node.arg == "caption" and isinstance(
                            node.value, ast.Constant):
                        captions.add(node.value.value)
    assert captions and captions <= set(MESSAGES), captions - set(MESSAGES)


def test_labels_fall_back_to_the_name():
    assert column_label("ci_low") == "ci_low"
    assert value_label(True) == "yes" and value_label("Ghent") == "Ghent"


def test_every_key_the_reporting_code_uses_is_in_the_catalogue():
    used = set()
    for path in (ROOT / "src" / "evalkit" / "reporting").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "text"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                used.add(node.args[0].value)
    assert used and used <= set(CATALOGUES["en"]), used - set(CATALOGUES["en"])


def test_a_contrast_of_two_coded_values_shows_their_labels():
    assert value_label("gradient_boosting - logistic", "nl") == (
        "gradient boosting \u2212 logistische regressie")
    assert value_label("Brussels - Liège", "fr") == "Brussels - Liège"  # not coded: as it is


def test_coded_levels_of_characteristics_are_shown_in_the_reports_language():
    """Issue 16: "male", "lower secondary", "binary" no longer stay English in fr/nl tables."""
    import pandas as pd

    from evalkit.reporting.format import format_table

    levels = pd.DataFrame({"variable": ["gender", "education"],
                           "level": ["male", "lower secondary"], "type": ["binary", "contin."]})
    shown = format_table(levels, language="fr").table
    assert shown.iloc[:, 1:].values.tolist() == [["homme", "binaire"],
                                                 ["secondaire inférieur", "continue"]]
    assert value_label("non-EU", "nl") == "niet-EU" and value_label("male") == "male"
