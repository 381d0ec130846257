"""Row checks of a parsed file: ranges and required values, participants' rules, keys.

The range and completeness checks are declared with pandera, built from
:mod:`evalkit.data.schema` (``minimum``/``maximum`` become ``Check.in_range``,
``required`` becomes ``nullable``); its lazy validation reports every failing cell by
index, which is what the ``rejected`` table needs. pandera is imported when a file is
checked, not with :mod:`evalkit.data`. The participants' date and programme rules,
orphan questionnaire rows, ids that look like direct identifiers and duplicated keys
(ids compared ignoring case) are checked here with pandas, vectorised over the column.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evalkit.data.identifiers import _value_kinds, _with_article
from evalkit.data.rejected import _Problems
from evalkit.data.schema import IDENTIFIER_KINDS, Column, Table

if TYPE_CHECKING:
    import pandera.pandas as pa

__all__: list[str] = []


def _pandera_schema(table: Table) -> pa.DataFrameSchema:
    """The declarative per-column checks of a dictionary table, built from the schema."""
    import pandera.pandas as pa

    columns = {}
    for column in table.columns:
        checks = []
        if column.minimum is not None or column.maximum is not None:
            low = -np.inf if column.minimum is None else column.minimum
            high = np.inf if column.maximum is None else column.maximum
            checks.append(pa.Check.in_range(low, high))
        columns[column.name] = pa.Column(checks=checks, nullable=not column.required)
    return pa.DataFrameSchema(columns)


def _range_reason(column: Column) -> str:
    """The reason given for a value outside its column's range."""
    what = "a whole number" if column.kind == "integer" else "a number"
    if column.maximum is None:
        return f"expected {what} of at least {column.minimum:g}"
    if column.minimum is None:
        return f"expected {what} of at most {column.maximum:g}"
    return f"expected {what} from {column.minimum:g} to {column.maximum:g}"


def _schema_problems(
    table: Table, parsed: pd.DataFrame, text: pd.DataFrame, problems: _Problems
) -> None:
    """Values out of range and required values missing (pandera, lazy validation)."""
    import pandera.pandas as pa

    try:
        with warnings.catch_warnings():
            # pandera 0.35 concatenates all-NA failure cases, which pandas 2.3 flags as
            # deprecated; the result is unaffected.
            warnings.filterwarnings(
                "ignore", "The behavior of DataFrame concatenation", FutureWarning
            )
            _pandera_schema(table).validate(parsed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.dropna(subset=["index"])
        for (name, check), group in cases.groupby(["column", "check"], sort=False):
            column = table[name]
            positions = group["index"].astype("int64").to_numpy()
            if check == "not_nullable":
                # Cells that were present but unparseable are already reported.
                positions = positions[text[name].reindex(positions).isna().to_numpy()]
                problems.add(positions, name, None, "missing value (required)")
            else:
                problems.add(positions, name, text[name], _range_reason(column))


def _show(value: object) -> str:
    """A key value as shown in a reason (whole floats without ``.0``, dates as days)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _duplicate_problems(
    table: Table,
    parsed: pd.DataFrame,
    text: pd.DataFrame,
    candidates: np.ndarray,
    problems: _Problems,
) -> None:
    """Reject every row whose key is shared with another (non-empty) row.

    Ids are compared ignoring case (they are already stripped): ``p00001`` and
    ``P00001`` are the same participant. The reason shows the other key values but
    never an id.
    """
    key = list(table.key)
    ids = [c for c in key if table[c].kind == "id"]
    keyed = parsed.loc[candidates & parsed[key].notna().all(axis=1).to_numpy(), key]
    keyed = keyed.assign(**{c: keyed[c].astype("string").str.casefold() for c in ids})
    keyed = keyed[keyed.duplicated(keep=False)]
    if keyed.empty:
        return
    column = ", ".join(key)
    shown = text[key[0]] if len(key) == 1 else text[key].fillna("").agg(", ".join, axis=1)
    for values, index in keyed.groupby(key, sort=False).indices.items():
        positions = keyed.index.to_numpy()[index]
        values = values if isinstance(values, tuple) else (values,)
        label = ", ".join(
            k if k in ids else f"{k}={_show(v)}" for k, v in zip(key, values, strict=True)
        )
        for p in positions:
            others = problems.lines_text(positions[positions != p])
            problems.add([p], column, shown, f"duplicate key ({label}) also on row(s) {others}")


def _identifier_id_problems(
    table: Table, parsed: pd.DataFrame, text: pd.DataFrame, problems: _Problems
) -> None:
    """Rows whose id looks like an e-mail, phone or national number or a name (a column
    mostly made of them refuses the whole file, in :mod:`evalkit.data.header`)."""
    for column in (c.name for c in table.columns if c.kind == "id"):
        kinds = _value_kinds(text.loc[parsed.index, column], person_names=True).dropna()
        for kind, rows in kinds.groupby(kinds, sort=False):
            problems.add(
                rows.index.to_numpy(),
                column,
                text[column],  # shown as "(hidden: identifier)" in the rejected table
                f"{column} looks like {_with_article(IDENTIFIER_KINDS[kind])}, not a pseudonym; "
                "replace the ids with keyed pseudonyms (evalkit pseudonymise)",
            )


def _participant_rules(
    parsed: pd.DataFrame, text: pd.DataFrame, problems: _Problems, censored_exits: tuple[str, ...]
) -> None:
    """Participants' date and programme rules (exit after intake, within follow-up...);
    ``censored_exits`` are the exit types of people still searching."""
    text = text.loc[parsed.index]
    intake, exit_, end = parsed["intake_date"], parsed["exit_date"], parsed["follow_up_end"]
    censored = parsed["exit_type"].isin(censored_exits)
    rules = [
        ("exit_date", exit_ <= intake, "exit date is on or before the intake date"),
        ("exit_date", exit_ > end, "exit date is after the end of follow-up (follow_up_end)"),
        ("follow_up_end", end < intake, "end of follow-up is before the intake date"),
        (
            "exit_date",
            censored & exit_.notna(),
            "a censored row ('still searching') has an exit date; empty it or set exit_type",
        ),
        (
            "exit_date",
            ~censored & parsed["exit_type"].notna() & exit_.isna() & text["exit_date"].isna(),
            "an exit other than 'censored' needs an exit date",
        ),
    ]
    if {"first_meeting_dropout", "duo_completed"} <= set(parsed.columns):  # both optional
        rules.append((
            "duo_completed",
            parsed["first_meeting_dropout"].eq(True) & parsed["duo_completed"].eq(True),
            "a duo cannot be completed after a first-meeting dropout",
        ))
    for name, mask, reason in rules:
        hit = parsed.index[mask.fillna(False).to_numpy(bool)].to_numpy()
        problems.add(hit, name, text[name], reason)


def _orphan_problems(
    parsed: pd.DataFrame, text: pd.DataFrame, participant_ids, problems: _Problems
) -> None:
    """Rows whose ``participant_id`` is not among the known participants."""
    known = pd.Index(pd.Series(participant_ids, dtype=object).astype(str))
    ids = parsed["participant_id"]
    orphan = ids.notna() & ~ids.isin(known)
    problems.add(
        orphan[orphan].index.to_numpy(),
        "participant_id",
        text["participant_id"],
        "participant_id not found in the participants file",
    )


def _check_rows(
    spec: Table,
    parsed: pd.DataFrame,
    text: pd.DataFrame,
    empty: np.ndarray,
    participant_ids,
    problems: _Problems,
    censored_exits: tuple[str, ...] = ("censored",),
) -> None:
    """The row checks in order: ranges and required values, ids that look like direct
    identifiers, participants' rules, orphans (with ``participant_ids``), duplicated
    keys over all non-empty rows."""
    parsed_ok = parsed[~empty]
    _schema_problems(spec, parsed_ok, text, problems)
    _identifier_id_problems(spec, parsed_ok, text, problems)
    if spec.name == "participants":
        _participant_rules(parsed_ok, text, problems, censored_exits)
    if participant_ids is not None and "participant_id" in spec.names:
        _orphan_problems(parsed_ok, text, participant_ids, problems)
    _duplicate_problems(spec, parsed, text, ~empty, problems)
