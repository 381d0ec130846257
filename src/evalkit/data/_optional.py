"""Columns a file may lack: the table a file is checked against, and what its load notes.

A study's data model says which columns of a table are optional
(:meth:`~evalkit.data.model.DataModel.optional_columns`: for participants the site,
the intake covariates, the mentor, first-meeting dropout and duo completed, and the
programme when the model has one). :func:`present_table` drops those a file lacks from
the table it is checked against (its key too), so the loader neither requires nor
fills them; :func:`constant_programme` adds the programme column of a
single-programme file without one (the model's one programme: what the study file
says, not a guess); :func:`load_notes` says in words what was absent and what it
disables, for a report's data notes. Eligibility rules on an absent column are not
checked (:func:`checkable_model`), and a note says so.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from evalkit.data.aliases import Aliases
from evalkit.data.header import _column_name
from evalkit.data.model import DataModel
from evalkit.data.schema import OPTIONAL_COLUMNS, Table

__all__: list[str] = []


def present_table(
    spec: Table, labels: list[object], model: DataModel, aliases: Aliases
) -> tuple[Table, tuple[str, ...]]:
    """The table without the optional columns that the file's header lacks, and those
    columns (in dictionary order)."""
    found = {_column_name(label, spec, aliases)[0] for label in labels}
    absent = tuple(c for c in model.optional_columns(spec.name) if c not in found)
    if not absent:
        return spec, ()
    kept = replace(
        spec,
        columns=tuple(c for c in spec.columns if c.name not in absent),
        key=tuple(k for k in spec.key if k not in absent),
    )
    return kept, absent


def constant_programme(data: pd.DataFrame, spec: Table, model: DataModel) -> pd.DataFrame:
    """``data`` with the programme column of a file without one: the model's one
    programme on every row, at the column's place in the dictionary, as a category."""
    position = [c for c in spec.names if c in data.columns or c == "programme"].index(
        "programme"
    )
    programme = model.constant_programme
    data = data.copy()
    data.insert(position, "programme", pd.Categorical([programme] * len(data),
                                                      categories=[programme]))
    return data


def checkable_model(model: DataModel, absent: tuple[str, ...]) -> DataModel:
    """The model whose eligibility rules can be counted: those on absent columns left out."""
    rules = tuple(r for r in model.eligibility if r.column not in absent)
    return model if len(rules) == len(model.eligibility) else replace(model, eligibility=rules)


def load_notes(table: str, absent: tuple[str, ...], model: DataModel) -> tuple[str, ...]:
    """What a load found absent, in words: the optional columns grouped by what their
    absence disables, the constant programme, eligibility rules not checked."""
    notes = []
    if "programme" in absent:
        notes.append(
            f"the {table} file has no programme column: every row is in the study's one "
            f"programme {model.constant_programme!r} (model: programmes)."
        )
    by_use: dict[str, list[str]] = {}
    for column in absent:
        if column != "programme" and table == "participants":
            by_use.setdefault(OPTIONAL_COLUMNS[column], []).append(column)
    for use, columns in by_use.items():
        notes.append(
            f"the {table} file has no column(s) {columns} (optional; add them to the file "
            "or map the file's names under model: columns: in the study file): "
            f"{use}."
        )
    unchecked = [r.label for r in model.eligibility if r.column in absent]
    if unchecked:
        notes.append(
            f"eligibility rule(s) {unchecked} not checked: their column is not in the file."
        )
    return tuple(notes)

