"""The prose of the parts: every language, every placeholder, the notebooks in step."""

from pathlib import Path

import nbformat
import pytest

from evalkit.errors import DataError
from evalkit.reporting.catalogue import LANGUAGES
from evalkit.reporting.params import notebook_parameters
from evalkit.reporting.prose import localise_notebook, prose_keys, prose_text, render_prose

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("0*.ipynb"))


def _prose_cells(notebook):
    nb = nbformat.read(notebook, as_version=4)
    return [(c.metadata.get("evalkit", {}).get("prose"), c) for c in nb.cells
            if c.cell_type == "markdown"]


def test_placeholders_take_parameters_in_the_language():
    fields = {"horizon_months": 12, "programmes": ["A", "B", "C"], "threshold": 10.0}
    template = "Within {horizon_months} months, {programmes}; $\\hat{S}(t)$ {threshold}."
    assert render_prose(template, fields, "fr") == "Within 12 months, A, B et C; $\\hat{S}(t)$ 10."
    assert render_prose("{programmes}", {"programmes": ["A"]}, "nl") == "A"
    with pytest.raises(DataError, match=r"placeholder \{n_boot\} is not a parameter"):
        render_prose("{n_boot}", fields, "en")


def test_numbers_in_placeholders_are_written_as_the_language_writes_them():
    fields = {"alpha": 0.05, "shift": -2, "caliper": -0.25, "year": 2019, "wtp": 2000.0}
    template = "{alpha} {shift} {caliper} {year} {wtp}"
    assert render_prose(template, fields, "fr") == "0,05 −2 −0,25 2019 2000"
    assert render_prose(template, fields, "nl") == "0,05 −2 −0,25 2019 2000"
    assert render_prose(template, fields, "en") == "0.05 −2 −0.25 2019 2000"


def test_an_unknown_key_is_named():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "x", metadata={"evalkit": {"prose": "no_such_key"}})])
    with pytest.raises(DataError, match="prose key 'no_such_key'"):
        localise_notebook(nb, "01_data_overview", "fr", {})


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_key_has_every_language_and_its_placeholders(notebook):
    defaults = notebook_parameters(notebook)
    for key in prose_keys(notebook.stem):
        for language in LANGUAGES:
            render_prose(prose_text(notebook.stem, key, language), defaults, language)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_notebook_shows_the_english_text_with_its_defaults(notebook):
    defaults = notebook_parameters(notebook)
    cells = _prose_cells(notebook)
    keys = [key for key, _ in cells if key is not None]
    assert len(keys) == len(set(keys)), "a prose key is used twice"
    assert set(keys) == set(prose_keys(notebook.stem)), "catalogue and cells differ"
    for key, cell in cells:
        if key is not None:
            assert cell.source == render_prose(prose_text(notebook.stem, key, "en"),
                                               defaults, "en"), key


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_markdown_cell_of_a_part_is_prose(notebook):
    """Every part's words come from the catalogue, so every report language has them."""
    assert all(key is not None for key, _ in _prose_cells(notebook))
