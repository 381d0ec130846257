"""The header of a file: column names normalised, identifiers and unknown columns dropped.

Column names are stripped, folded to ASCII lower case, and runs of spaces and hyphens
become ``_`` (``" Intake Date"`` is ``intake_date``, ``Prénom`` is ``prenom``); a name
that is an alias of a dictionary column in the data model (:mod:`evalkit.data.aliases`:
``Date d'entrée``, ``datum intake``, a study's own) is renamed to it first. Direct
identifiers, by name or by content (:mod:`evalkit.data.identifiers`), and columns not
in the table's dictionary are dropped with a warning that names the columns, never
their values; the dictionary's columns are required, but those the data model makes
optional (:meth:`~evalkit.data.model.DataModel.optional_columns`), which the loader
leaves out of the table it checks a file against when the file lacks them. An id column that holds
e-mails, phone or national register numbers or names refuses the file, and a first
line that looks like data (no header row) is refused without showing its cells.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from pathlib import Path

import pandas as pd

from evalkit._warning_texts import warning_text
from evalkit.data.aliases import Aliases, column_key
from evalkit.data.identifiers import (
    HIDDEN,
    IdentifierColumn,
    _content_match,
    _enough,
    _with_article,
    content_kind,
    name_kind,
    value_kind,
)
from evalkit.data.parsing import _FALSE, _TRUE
from evalkit.data.reading import _Source
from evalkit.data.schema import IDENTIFIER_KINDS, Table
from evalkit.errors import DataError, EvalkitWarning, IdentifierWarning

__all__: list[str] = []

# The warnings name the line that called load_participants (or _costs, _questionnaire):
# frames _warn_dropped, _check_header, load_table, load_participants, the caller.
_STACKLEVEL = 5


def _normalise_name(name: object) -> str:
    """Column name as ASCII snake_case: ``" Intake Date"`` is ``intake_date``, ``Prénom`` is
    ``prenom``."""
    folded = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[\s\-]+", "_", folded.strip().lower()).strip("_")


def _column_name(label: object, spec: Table, aliases: Aliases) -> tuple[str, str | None]:
    """A file's column name as evalkit names it, and how it was matched: ``"name"``
    (evalkit's own name), an alias's language or ``"study"``; None if it is no column
    of ``spec`` (then the name is normalised to snake_case, to be dropped)."""
    name = _normalise_name(label)
    if name in spec.names:
        return name, "name"
    found = aliases.column(label)
    if found is None or found[0] not in spec.names:
        return name, None
    target, how = found
    return target, "name" if column_key(label) == column_key(target) else how


def _mapped_columns(labels: list[object], names: list[str], how: list[str | None]) -> pd.DataFrame:
    """The dictionary columns found: file column (as in the file), evalkit column, how."""
    rows = [(str(label), name, h) for label, name, h in zip(labels, names, how, strict=True) if h]
    return pd.DataFrame(rows, columns=["file_column", "column", "source"], dtype=object)


def _check_header(
    source: _Source, raw: pd.DataFrame, spec: Table, aliases: Aliases
) -> tuple[tuple[IdentifierColumn, ...], tuple[str, ...], pd.DataFrame]:
    """Rename columns (in place) to evalkit's names; return (identifier columns, extra
    columns, the mapped dictionary columns) after the file-level checks."""
    where = source.label
    if raw.shape[1] == 0:
        raise DataError(f"{where}: the sheet is empty; expected a header row (row 1) and data.")
    labels = list(raw.columns)
    names, how = zip(*(_column_name(c, spec, aliases) for c in labels), strict=True)
    names = list(names)
    _refuse_headerless(where, labels, names, spec)
    twice = [n for n in dict.fromkeys(names) if names.count(n) > 1]
    if twice:
        found = [str(c) for c, n in zip(labels, names, strict=True) if n in twice]
        raise DataError(
            f"{where}: column(s) {_shown(twice)} appear more than once (after normalising "
            f"names to snake_case and mapping aliases; file columns {_shown(found)}); keep "
            "one of each."
        )
    raw.columns = names
    identifiers = _find_identifiers(raw, labels, spec)
    dropped = tuple(i.column for i in identifiers)
    _warn_dropped(
        where,
        dropped,
        ("warning.header.identifiers", {
            "columns": list(dropped),
            "reasons": "; ".join(f"{i.column}: {i.reason}" for i in identifiers)}),
        IdentifierWarning,
    )
    _require_columns(where, names, dropped, spec)
    _refuse_identifier_ids(where, raw, spec)
    extra = tuple(c for c in names if c not in spec.names and c not in dropped)
    _warn_dropped(
        where,
        extra,
        ("warning.header.extra", {"columns": list(extra), "table": spec.name}),
        EvalkitWarning,
    )
    return identifiers, extra, _mapped_columns(labels, names, list(how))


def _find_identifiers(
    raw: pd.DataFrame, labels: list[object], spec: Table
) -> tuple[IdentifierColumn, ...]:
    """Columns outside the dictionary that are direct identifiers, by name or by content."""
    found = []
    for label, name in zip(labels, raw.columns, strict=True):
        if name in spec.names:
            continue
        if (kind := name_kind(label)) is not None:
            found.append(IdentifierColumn(name, kind, "name"))
        elif (kind := content_kind(raw[name])) is not None:
            found.append(IdentifierColumn(name, kind, "content"))
    return tuple(found)


def _refuse_identifier_ids(where: str, raw: pd.DataFrame, spec: Table) -> None:
    """Raise ``DataError`` if an id column mostly holds e-mails, phones, national numbers
    or names instead of pseudonyms (single such ids are rejected row by row)."""
    for column in spec.columns:
        if column.kind != "id":
            continue
        kind, n_match, n_values = _content_match(raw[column.name], person_names=True)
        if _enough(n_match, n_values):
            raise DataError(
                f"{where}: {n_match} of the {n_values} distinct values of column "
                f"{column.name!r} look like {_with_article(IDENTIFIER_KINDS[kind])}, not a "
                "pseudonym (values not shown); evalkit does not load direct identifiers as "
                "ids. Replace them with "
                f"keyed pseudonyms first: evalkit pseudonymise {Path(where).name} OUT "
                "--key-file KEY (keep KEY apart from the data; --new-key creates one), "
                "then load OUT."
            )


def _looks_like_value(label: object, spec: Table) -> bool:
    """Whether a header cell looks like a data value: a number, date, yes/no, a label of
    the dictionary or an identifier (Excel gives numbers and dates as such)."""
    if not isinstance(label, str):
        return True
    text = label.strip()
    labels = {a.casefold() for c in spec.columns for a in (c.allowed or ())}
    return bool(
        re.fullmatch(r"[+\-]?[\d\s.,/:\-]*\d[\d\s.,/:\-]*", text)
        or text.casefold() in _TRUE | _FALSE | labels
        or value_kind(text) is not None
    )


def _refuse_headerless(where: str, labels: list[object], names: list[str], spec: Table) -> None:
    """Raise ``DataError`` (without the cells: they may be personal data) if line 1 looks
    like a data row rather than a header."""
    if set(names) & set(spec.names):
        return
    n_values = sum(_looks_like_value(label, spec) for label in labels)
    if n_values and 2 * n_values >= len(labels):
        raise DataError(
            f"{where}: line 1 looks like a data row, not a header: {n_values} of its "
            f"{len(labels)} cells are numbers, dates, yes/no, labels or identifiers, and "
            f"none is a column of the {spec.name} table (the cells are not shown: they may "
            "be personal data). Insert a header row with the column names "
            f"({', '.join(spec.names[:3])}, ...; see evaldata/README.md) as line 1."
        )


def _shown(names: list[str]) -> list[str]:
    """Column names for a message, those that look like an identifier value hidden."""
    return [HIDDEN if value_kind(n.replace("_", " ")) else n for n in names]


def _warn_dropped(
    where: str, columns: tuple[str, ...], message: tuple[str, dict], category: type[Warning]
) -> None:
    """Warn that ``columns`` were dropped, if any: ``message`` is a warning's key and fields
    (they name columns, never values)."""
    if columns:
        key, fields = message
        warnings.warn(warning_text(key, file=Path(where).name, **fields), category,
                      stacklevel=_STACKLEVEL)


def _require_columns(
    where: str, names: list[str], identifiers: tuple[str, ...], spec: Table
) -> None:
    """Raise ``DataError`` naming the dictionary columns the header lacks."""
    missing = [c for c in spec.names if c not in names]
    if missing:
        found = _shown([c for c in names if c not in identifiers])
        hint = (
            " The header does not seem to be on row 1: remove the rows above it."
            if sum(c.startswith("unnamed") for c in found) * 2 >= len(found)
            else " Rename the columns as in evaldata/README.md, map them in the study's "
            "data model (columns: {name in the file: evalkit name}), or check --table/sheet."
        )
        if "programme" in missing:
            hint += (
                " A single-programme file may have no programme column: name its one "
                "programme in the study file (model: programmes: [NAME]; evalkit init "
                "--programme NAME)."
            )
        raise DataError(
            f"{where}: required column(s) {missing} missing for the {spec.name} table; the "
            f"file has columns {found}.{hint}"
        )
