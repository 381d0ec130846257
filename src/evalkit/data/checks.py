"""Row checks of a parsed file: ranges and required values, participants' rules, keys.

The range and completeness checks are those of a pandera schema built from
:mod:`evalkit.data.schema` (:func:`_pandera_schema`: ``minimum``/``maximum`` become
``Check.in_range``, ``required`` becomes ``nullable``), run as numpy comparisons over
each column: the same failing cells as pandera's lazy validation reports them, by
index, which is what the ``rejected`` table needs, at a fraction of its cost on a
million rows (tests/data/test_checks.py compares the two). The participants' date and
programme rules, orphan questionnaire rows, ids that look like direct identifiers and
duplicated keys (ids compared ignoring case) are checked here with pandas, vectorised
over the column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evalkit._warning_texts import warning_text
from evalkit.data._codes import _arrow_text, _release_memory
from evalkit.data.identifiers import _value_kinds
from evalkit.data.rejected import _Problems
from evalkit.data.schema import Column, Table

if TYPE_CHECKING:
    import pandera.pandas as pa

__all__: list[str] = []


def _pandera_schema(table: Table) -> pa.DataFrameSchema:
    """The declarative per-column checks of a dictionary table, built from the schema
    (what :func:`_schema_problems` checks; pandera is imported when called)."""
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
    what = "integer" if column.kind == "integer" else "number"
    limit = ("at_least" if column.maximum is None else "at_most" if column.minimum is None
             else "between")
    limits = {"minimum": column.minimum, "maximum": column.maximum}
    return warning_text(f"rejected.{what}_{limit}",
                        **{k: f"{v:g}" for k, v in limits.items() if v is not None})


def _schema_problems(
    table: Table, parsed: pd.DataFrame, text: pd.DataFrame, problems: _Problems
) -> None:
    """Values out of range and required values missing: the checks of
    :func:`_pandera_schema` (inclusive ranges ignoring missing values, ``nullable``),
    vectorised over each column with the same failures in the same order as pandera's
    lazy validation gives them, without its cost on a million rows."""
    positions = parsed.index.to_numpy()
    for column in table.columns:
        values = parsed[column.name]
        if column.minimum is not None or column.maximum is not None:
            low = -np.inf if column.minimum is None else column.minimum
            high = np.inf if column.maximum is None else column.maximum
            inside = values.between(low, high).fillna(True).to_numpy(bool)
            outside = ~inside & values.notna().to_numpy(bool)
            problems.add(positions[outside], column.name, text[column.name], _range_reason(column))
        if column.required:
            missing = positions[values.isna().to_numpy(bool)]
            # Cells that were present but unparseable are already reported.
            missing = missing[text[column.name].reindex(missing).isna().to_numpy()]
            problems.add(missing, column.name, None, warning_text("rejected.missing"))


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
    keyed = keyed.assign(**{c: _casefolded(keyed[c]) for c in ids})
    keyed = keyed[keyed.duplicated(keep=False)]
    if keyed.empty:
        return
    categorical = [c for c in key if isinstance(keyed[c].dtype, pd.CategoricalDtype)]
    keyed = keyed.astype(dict.fromkeys(categorical, object))
    column = ", ".join(key)
    if len(key) == 1:
        shown = text[key[0]]
    else:
        cells = text.loc[keyed.index, key].astype("string").fillna("")
        shown = cells.agg(", ".join, axis=1)
    for values, index in keyed.groupby(key, sort=False).indices.items():
        positions = keyed.index.to_numpy()[index]
        values = values if isinstance(values, tuple) else (values,)
        label = ", ".join(
            k if k in ids else f"{k}={_show(v)}" for k, v in zip(key, values, strict=True)
        )
        for p in positions:
            others = problems.lines_text(positions[positions != p])
            problems.add([p], column, shown,
                         warning_text("rejected.duplicate", key=label, rows=others))


def _casefolded(ids: pd.Series) -> pd.Series:
    """Ids ignoring case: a categorical's distinct ids are folded once, as codes."""
    if isinstance(ids.dtype, pd.CategoricalDtype):
        categories = ids.cat.categories
        codes = _folded_codes(
            categories.array if _arrow_text(categories) else categories.to_numpy(dtype=object)
        )
        return pd.Series(np.append(codes, -1)[ids.cat.codes.to_numpy()], index=ids.index)
    return ids.astype("string").str.casefold()


def _folded_codes(ids: np.ndarray | pd.arrays.ArrowStringArray) -> np.ndarray:
    """Codes of distinct ids that are equal ignoring case (``str.casefold``): by pyarrow
    when all are ASCII, where folding is lower-casing (and merges none if all are in one
    case already)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(ids) if _arrow_text(ids) else pa.array(ids, type=pa.string())
    if pc.all(pc.string_is_ascii(text)).as_py() is not False:
        for case in (pc.ascii_upper, pc.ascii_lower):  # one case throughout: none merge
            if pc.all(pc.equal(case(text), text)).as_py() is not False:
                return np.arange(len(ids))
        folded = pc.dictionary_encode(pc.ascii_lower(text)).indices
        del text
        _release_memory()
        return folded.to_numpy(zero_copy_only=False)
    codes, _ = pd.factorize(pd.Series(ids, dtype="string").str.casefold(), use_na_sentinel=True)
    return codes


def _identifier_id_problems(
    table: Table, parsed: pd.DataFrame, text: pd.DataFrame, problems: _Problems
) -> None:
    """Rows whose id looks like an e-mail, phone or national number or a name (a column
    mostly made of them refuses the whole file, in :mod:`evalkit.data.header`)."""
    for column in (c.name for c in table.columns if c.kind == "id"):
        ids = text[column] if len(parsed) == len(text) else text.loc[parsed.index, column]
        kinds = _value_kinds(ids, person_names=True).dropna()
        _release_memory()
        for kind, rows in kinds.groupby(kinds, sort=False):
            problems.add(
                rows.index.to_numpy(),
                column,
                text[column],  # shown as "(hidden: identifier)" in the rejected table
                warning_text(f"rejected.id_looks_like_{kind}", column=column),
            )


def _participant_rules(
    parsed: pd.DataFrame, text: pd.DataFrame, problems: _Problems, censored_exits: tuple[str, ...]
) -> None:
    """Participants' date and programme rules (exit after intake, within follow-up...);
    ``censored_exits`` are the exit types of people still searching."""
    text = text if len(parsed) == len(text) else text.loc[parsed.index]
    intake, exit_, end = parsed["intake_date"], parsed["exit_date"], parsed["follow_up_end"]
    censored = parsed["exit_type"].isin(censored_exits)
    rules = [
        ("exit_date", exit_ <= intake, warning_text("rejected.exit_before_intake")),
        ("exit_date", exit_ > end, warning_text("rejected.exit_after_end")),
        ("follow_up_end", end < intake, warning_text("rejected.end_before_intake")),
        (
            "exit_date",
            censored & exit_.notna(),
            warning_text("rejected.censored_exit"),
        ),
        (
            "exit_date",
            ~censored & parsed["exit_type"].notna() & exit_.isna() & text["exit_date"].isna(),
            warning_text("rejected.exit_needs_date"),
        ),
    ]
    if {"first_meeting_dropout", "duo_completed"} <= set(parsed.columns):  # both optional
        rules.append((
            "duo_completed",
            parsed["first_meeting_dropout"].eq(True) & parsed["duo_completed"].eq(True),
            warning_text("rejected.duo_after_dropout"),
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
        warning_text("rejected.orphan"),
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
    parsed_ok = parsed[~empty] if empty.any() else parsed  # no copy of a million rows
    _schema_problems(spec, parsed_ok, text, problems)
    _identifier_id_problems(spec, parsed_ok, text, problems)
    if spec.name == "participants":
        _participant_rules(parsed_ok, text, problems, censored_exits)
    if participant_ids is not None and "participant_id" in spec.names:
        _orphan_problems(parsed_ok, text, participant_ids, problems)
    _duplicate_problems(spec, parsed, text, ~empty, problems)
