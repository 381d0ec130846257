"""One catalogue of the report's words, ready for translation (issue 16)."""

import ast
from pathlib import Path

import pytest

from evalkit.reporting.catalogue import CATALOGUES, column_label, text, value_label

ROOT = Path(__file__).resolve().parents[2]


def test_every_language_has_every_key():
    keys = set(CATALOGUES["en"])
    for language, catalogue in CATALOGUES.items():
        assert set(catalogue) == keys, language


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match=r"language must be one of \['en'\], but was 'fr'"):
        text("report.contents", "fr")


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
