"""Risk tables from counts made where the data lie (DuckDB, Spark), and stratified risk tables.

:func:`evalkit.survival.risk_table` comes here for every source that is not a pandas
DataFrame, and for ``by=`` (strata). The database returns one row per stratum ×
group × time × event type (:func:`evalkit.survival.sql.aggregate`), and with late
entry a second count by entry time; the checks of row-level data (missing or
negative times, missing event types or groups, bad weights, entries at or after the
exit) run on those counts, and the table is built as from rows: the same
numbers at risk (reverse cumulative sums of the counts), events and Kish effective
numbers, so every estimator gives the same results as from the rows.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from evalkit._stats.arrays import reverse_cumsum
from evalkit._validation import check_columns, check_data, check_group_weights
from evalkit.survival.risktable import (
    RiskTable,
    _drop_empty_groups,
    _effective_at_risk,
    _event_types,
    _group_codes,
    event_codes,
    risk_table,
)
from evalkit.survival.sql import aggregate, is_sql_source

__all__ = ["risk_table_at_scale", "risk_table_from_aggregate"]


def risk_table_at_scale(
    data, time: str, event: str, *, group: str | None, by: str | None, entry: str | None,
    weights: str | None, censored: object, connection,
) -> RiskTable:
    """:func:`evalkit.survival.risk_table` of a DataFrame with strata, or of a SQL source."""
    if isinstance(data, pd.DataFrame):
        if connection is not None:
            raise ValueError(
                "connection= runs SQL text on DuckDB, but data is a pandas DataFrame; pass "
                "the query as data, or drop connection=."
            )
        return _stratified_frame(data, time, event, group=group, by=by, entry=entry,
                                 weights=weights, censored=censored)
    if not is_sql_source(data):
        check_data(data)  # raises TypeError naming what was passed
    keys = [k for k in (by, group) if k is not None]
    agg = aggregate(data, time=time, event=event, keys=keys, weights=weights,
                    connection=connection)
    entries = None
    if entry is not None:
        entries = aggregate(data, time=time, event=event, keys=keys, weights=weights,
                            entry=entry, connection=connection)
        _checked_entries(entries, entry, time)
    return risk_table_from_aggregate(agg, time, event, group=group, by=by, weights=weights,
                                     censored=censored, entries=entries)


def _checked_entries(entries: pd.DataFrame, entry: str, time: str) -> None:
    """Raise on missing entry times or entries at or after the exit (counted, not named)."""
    missing = int(entries["_missing"].sum())
    if missing:
        raise ValueError(
            f"entry column {entry!r} has {missing} missing value(s); drop or fill those "
            "rows first."
        )
    late = int(entries["_late"].sum())
    if late:
        raise ValueError(
            f"entry times must be before exit times, but {late} row(s) have {entry!r} >= "
            f"{time!r}. Drop rows that leave before they enter, or correct the dates."
        )


def _stratified_frame(data, time, event, *, group, by, entry, weights, censored) -> RiskTable:
    """The risk table of rows with one table per stratum of column ``by`` (every event type
    in each, as the stratified tests need)."""
    check_data(data)
    check_columns(data, [by])
    pooled = risk_table(data, time, event, group=group, entry=entry, weights=weights,
                        censored=censored)
    if data[by].isna().any():
        raise ValueError(f"strata column {by!r} has missing values; drop those rows first.")
    codes, causes = event_codes(data[event], censored)
    frame = data.assign(**{event: pd.Categorical.from_codes(codes, [censored, *causes])})
    parts = frame.groupby(by, observed=True, sort=True)
    tables = tuple(
        risk_table(part, time, event, group=group, entry=entry, weights=weights,
                   censored=censored)
        for _, part in parts
    )
    return dataclasses.replace(pooled, by=by, strata=tuple(parts.groups), stratum_tables=tables)


def _checked_times(agg: pd.DataFrame, time: str) -> np.ndarray:
    """The aggregated times, checked as :func:`~evalkit.survival.risktable.durations`
    checks rows (counting rows, not naming them: the database has no row labels)."""
    t = agg["_time"].to_numpy(dtype=float, na_value=np.nan)
    n = agg["_n"].to_numpy()
    if np.isnan(t).any():
        raise ValueError(
            f"time column {time!r} has {int(n[np.isnan(t)].sum())} missing value(s); "
            "drop or fill those rows first."
        )
    if (t < 0).any():
        raise ValueError(
            f"time column {time!r} has negative values in {int(n[t < 0].sum())} row(s); "
            "times are durations since the start of follow-up (0 or more). Check the start "
            "and end dates of those rows."
        )
    return t


def _checked_weights(agg: pd.DataFrame, weights: str, group: str | None) -> None:
    """Raise on missing, negative or infinite weights, or weights summing to zero (in all,
    or within a group), as :func:`evalkit._validation.check_weights` does for rows."""
    wmin = agg["_wmin"].to_numpy(dtype=float, na_value=np.nan)
    wmax = agg["_wmax"].to_numpy(dtype=float, na_value=np.nan)
    bad = (agg["_wnull"].to_numpy() > 0) | ~(wmin >= 0) | ~np.isfinite(wmax)
    if bad.any():
        raise ValueError(
            f"weights column {weights!r} must be finite and non-negative, but some rows are "
            "not (missing, negative, infinite or NaN); fix or drop those rows (e.g. trim "
            "extreme inverse-probability weights)."
        )
    if not agg["_w"].sum() > 0:
        raise ValueError(
            f"weights column {weights!r} is zero for all {int(agg['_n'].sum())} rows, so "
            "nobody counts and every estimate would be undefined; pass positive weights "
            "(or weights=None)."
        )
    if group is not None:
        check_group_weights(agg.groupby(group, sort=True)["_w"].sum(), weights, group)


def _entered(entries: dict, grid: np.ndarray, n_g: int, what: str) -> np.ndarray:
    """Late entries (sums of ``what``) after each grid time, by group: a row entering at
    ``e`` is not at risk at the grid times up to ``e`` (as ``risktable._late_entries``)."""
    pos = np.searchsorted(grid, entries["e"], side="right") - 1
    inside = pos >= 0
    cells = entries["g"][inside] * grid.size + pos[inside]
    counts = np.bincount(cells, weights=entries[what][inside], minlength=n_g * grid.size)
    return reverse_cumsum(counts.reshape(n_g, grid.size))


def _table(cells: dict, groups: tuple, causes: tuple, group: str | None,
           weighted: bool, entries: dict | None = None) -> RiskTable:
    """The risk table of aggregated cells: ``t``, ``codes``, ``g`` (group codes), ``n``
    (rows), ``w`` and ``w2`` (sums of weights and of their squares, or ``None``); late
    ``entries``: ``e`` (entry times), ``g``, ``n``, ``w``, ``w2`` likewise."""
    grid, idx = np.unique(cells["t"], return_inverse=True)
    n_g, n_t, k1 = len(groups), grid.size, len(causes) + 1
    base = cells["g"] * n_t + idx
    sums = cells["n"] if cells["w"] is None else cells["w"]
    counts = np.bincount(base * k1 + cells["codes"], weights=sums, minlength=n_g * n_t * k1)
    counts = counts.reshape(n_g, n_t, k1)
    active = counts.any(axis=(0, 2))
    counts, grid = counts[:, active], grid[active]
    n_risk = reverse_cumsum(counts.sum(axis=2))
    risk_sq = None
    if cells["w"] is not None:
        sq = np.bincount(base, weights=cells["w2"], minlength=n_g * n_t).reshape(n_g, n_t)
        risk_sq = reverse_cumsum(sq[:, active])
    if entries is not None:
        n_risk = n_risk - _entered(entries, grid, n_g, "n" if cells["w"] is None else "w")
        if cells["w"] is not None:
            risk_sq = risk_sq - _entered(entries, grid, n_g, "w2")
    n_risk, n_eff = _effective_at_risk(n_risk, risk_sq)
    present = np.bincount(cells["g"], weights=cells["n"], minlength=n_g) > 0
    groups, counts, n_risk, n_eff = _drop_empty_groups(present, groups, counts, n_risk, n_eff)
    return RiskTable(
        times=grid, events=counts[:, :, 1:], censored=counts[:, :, 0], n_risk=n_risk,
        n_effective=n_eff, groups=groups, causes=causes, group_name=group, weighted=weighted,
    )


def _codes_of(frame: pd.DataFrame, column: str | None, labels: tuple) -> np.ndarray:
    """Positions of the values of ``column`` among ``labels`` (0 without a column)."""
    if column is None:
        return np.zeros(len(frame), np.int64)
    return pd.Index(labels).get_indexer(frame[column])


def risk_table_from_aggregate(
    agg: pd.DataFrame, time: str, event: str, *, group: str | None = None,
    by: str | None = None, weights: str | None = None, censored: object = "censored",
    entries: pd.DataFrame | None = None,
) -> RiskTable:
    """The risk table of the counts of :func:`evalkit.survival.sql.aggregate` (see there).

    Raises ``ValueError`` on missing or negative times, an event column without event
    types or with missing values, a group or strata column with missing values, and
    missing, negative or infinite weights or weights summing to zero (in all, or in a
    group): the checks of row-level data, made on the counts. ``entries``: the counts
    of late entries (``aggregate(..., entry=)``), subtracted from the numbers at risk.
    """
    if agg.empty:
        raise ValueError("the source has no rows; pass a source with at least one row.")
    t = _checked_times(agg, time)
    codes, causes = _event_types(pd.DataFrame({event: agg["_event"]}), event, censored)
    gcodes, groups = _group_codes(agg, group)
    cells = {
        "t": t, "codes": codes, "g": np.zeros(t.size, np.int64) if gcodes is None else gcodes,
        "n": agg["_n"].to_numpy(dtype=float), "w": None, "w2": None,
    }
    weighted = False
    if weights is not None:
        _checked_weights(agg, weights, group)
        cells["w"] = agg["_w"].to_numpy(dtype=float)
        cells["w2"] = agg["_w2"].to_numpy(dtype=float)
        weighted = not ((agg["_wmin"] == 1).all() and (agg["_wmax"] == 1).all())
    late = None if entries is None else {
        "e": entries["_entry"].to_numpy(dtype=float),
        "g": _codes_of(entries, group, groups),
        "n": entries["_n"].to_numpy(dtype=float),
        "w": None if weights is None else entries["_w"].to_numpy(dtype=float),
        "w2": None if weights is None else entries["_w2"].to_numpy(dtype=float),
    }
    pooled = _table(cells, groups, causes, group, weighted, late)
    if by is None:
        return pooled
    if agg[by].isna().any():
        raise ValueError(f"strata column {by!r} has missing values; drop those rows first.")
    scodes, strata = pd.factorize(agg[by], sort=True)
    ecodes = None if late is None else _codes_of(entries, by, tuple(strata))

    def part(values: dict | None, codes, s: int) -> dict | None:
        return None if values is None else {
            k: None if v is None else v[codes == s] for k, v in values.items()}

    tables = tuple(
        _table(part(cells, scodes, s), groups, causes, group, weighted, part(late, ecodes, s))
        for s in range(len(strata))
    )
    return dataclasses.replace(pooled, by=by, strata=tuple(strata), stratum_tables=tables)
