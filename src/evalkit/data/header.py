"""The header of a file: column names normalised, identifiers and unknown columns dropped.

Column names are stripped, folded to ASCII lower case, and runs of spaces and hyphens
become ``_`` (``" Intake Date"`` is ``intake_date``, ``Prénom`` is ``prenom``). Direct
identifiers (:data:`evalkit.data.schema.DIRECT_IDENTIFIERS`) and columns not in the
table's dictionary are dropped with a warning that names the columns, never their
values; the dictionary's columns are required.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from pathlib import Path

import pandas as pd

from evalkit.data.reading import _Source
from evalkit.data.schema import DIRECT_IDENTIFIERS, Table
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


def _check_header(
    source: _Source, raw: pd.DataFrame, spec: Table
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Normalise names (in place); return (identifiers, extra columns) after file-level checks."""
    where = source.label
    if raw.shape[1] == 0:
        raise DataError(f"{where}: the sheet is empty; expected a header row (row 1) and data.")
    names = [_normalise_name(c) for c in raw.columns]
    seen, twice = set(), []
    for name in names:
        if name in seen and name not in twice:
            twice.append(name)
        seen.add(name)
    if twice:
        raise DataError(
            f"{where}: column(s) {twice} appear more than once (after normalising names to "
            "snake_case); keep one of each."
        )
    raw.columns = names
    identifiers = tuple(c for c in names if c in DIRECT_IDENTIFIERS)
    _warn_dropped(
        where,
        identifiers,
        f"dropped direct-identifier column(s) {list(identifiers)}; they are never used by "
        "evalkit. Remove them from exports to avoid handling them.",
        IdentifierWarning,
    )
    _require_columns(where, names, identifiers, spec)
    extra = tuple(c for c in names if c not in spec.names and c not in identifiers)
    _warn_dropped(
        where,
        extra,
        f"column(s) {list(extra)} are not in the {spec.name} data dictionary and were dropped.",
        EvalkitWarning,
    )
    return identifiers, extra


def _warn_dropped(
    where: str, columns: tuple[str, ...], message: str, category: type[Warning]
) -> None:
    """Warn that ``columns`` were dropped, if any (the message names columns, never values)."""
    if columns:
        warnings.warn(f"{Path(where).name}: {message}", category, stacklevel=_STACKLEVEL)


def _require_columns(
    where: str, names: list[str], identifiers: tuple[str, ...], spec: Table
) -> None:
    """Raise ``DataError`` naming the dictionary columns the header lacks."""
    missing = [c for c in spec.names if c not in names]
    if missing:
        found = [c for c in names if c not in identifiers]
        hint = (
            " The header does not seem to be on row 1: remove the rows above it."
            if sum(c.startswith("unnamed") for c in found) * 2 >= len(found)
            else " Rename the columns as in evaldata/README.md, or check --table/sheet."
        )
        raise DataError(
            f"{where}: required column(s) {missing} missing for the {spec.name} table; the "
            f"file has columns {found}.{hint}"
        )
