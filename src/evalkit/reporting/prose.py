"""The words of a report's parts, in the report's language: one catalogue per notebook.

A part's notebook keeps its explanations in markdown cells, as any notebook does, so a
researcher reading it in Jupyter sees them. For a report, each markdown cell whose
metadata name a prose key (``{"evalkit": {"prose": "overlap"}}``) is replaced, before
the notebook runs, by that key's text in the report's language from
``reporting/prose/<notebook stem>.yaml``::

    overlap:
      en: |
        ## 2. Overlap: do {treated} and {reference_programme} enrol comparable people?
      fr: |
        ...
      nl: |
        ...

``{name}`` is replaced by the part's parameter ``name`` (a list reads "a, b and c" in
the language; a number is written as the report writes numbers: a decimal as
:func:`~evalkit.reporting.format.localise_digits` marks it (``0.05`` -> ``0,05`` in
French and Dutch), a negative one with the minus sign U+2212; a whole number without a
group separator, as a parameter's year or horizon is written: ``2019``, ``12``). Texts name no
programme, site or figure of the shipped data: what depends on the data is said by
generated sentences (:mod:`evalkit.reporting.findings`). ``tests/reporting/test_prose.py``
checks that every language has every key, that every placeholder is a parameter of its
notebook, and that the notebook's own markdown is the English text with its default
parameters (so the two never drift apart).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import nbformat
import yaml

from evalkit.errors import DataError
from evalkit.reporting.format import MINUS, localise_digits

__all__ = ["localise_notebook", "prose_keys", "prose_text", "render_prose"]

#: ``{name}`` of a parameter; a brace after a letter or a backslash (LaTeX) is left alone.
_FIELD = re.compile(r"(?<![\\\w{])\{([a-z_][a-z0-9_]*)\}(?!})")

_AND = {"en": "and", "fr": "et", "nl": "en"}


@cache
def _catalogue(stem: str) -> dict[str, dict[str, str]]:
    source = resources.files("evalkit.reporting") / "prose" / f"{stem}.yaml"
    if not source.is_file():
        return {}
    return yaml.safe_load(source.read_text(encoding="utf-8")) or {}


def prose_keys(stem: str) -> tuple[str, ...]:
    """The prose keys of notebook ``stem`` (``"03_programme_comparison"``), in file order."""
    return tuple(_catalogue(stem))


def prose_text(stem: str, key: str, language: str) -> str:
    """The text of ``key`` of notebook ``stem`` in ``language``, placeholders unfilled.

    Raises
    ------
    DataError
        If the notebook has no such key, or the key no text in ``language``.
    """
    entry = _catalogue(stem).get(key)
    if entry is None:
        raise DataError(f"{stem}: markdown cell with prose key {key!r}, which "
                        f"reporting/prose/{stem}.yaml does not have.")
    if language not in entry:
        raise DataError(f"{stem}: prose key {key!r} has no text in {language!r}.")
    return entry[language].rstrip("\n")


def _field(value: Any, language: str) -> str:
    if isinstance(value, (list, tuple)):
        items = [_field(v, language) for v in value]
        if len(items) < 2:
            return "".join(items)
        return f"{', '.join(items[:-1])} {_AND[language]} {items[-1]}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):  # its shortest exact digits, in the language's marks
        return localise_digits(repr(value).replace("-", MINUS), language)
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        return MINUS + str(-value)
    return str(value)


def render_prose(template: str, fields: Mapping[str, Any], language: str) -> str:
    """``template`` with each ``{name}`` replaced by ``fields[name]`` written in ``language``.

    Raises
    ------
    DataError
        If a placeholder names no field.
    """
    def fill(match: re.Match) -> str:
        name = match[1]
        if name not in fields:
            raise DataError(f"prose placeholder {{{name}}} is not a parameter of the part.")
        return _field(fields[name], language)

    return _FIELD.sub(fill, template)


def localise_notebook(nb: nbformat.NotebookNode, stem: str, language: str,
                      fields: Mapping[str, Any]) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose prose cells hold their text in ``language``, filled from ``fields``.

    Markdown cells without a prose key are kept as they are.

    Raises
    ------
    DataError
        If a cell's key or a placeholder is unknown (see :func:`prose_text`).
    """
    out = nbformat.from_dict(nb)
    for cell in out.cells:
        key = cell.get("metadata", {}).get("evalkit", {}).get("prose")
        if cell.cell_type == "markdown" and key is not None:
            cell.source = render_prose(prose_text(stem, key, language), fields, language)
    return out
