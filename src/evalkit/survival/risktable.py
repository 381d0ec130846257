"""The risk table: time × group × cause → number at risk and events.

Every nonparametric estimator of :mod:`evalkit.survival` works on this table, never
on row-level data, so it runs equally from participants' rows, from a table of counts
released by a register, or from counts built inside a database.

The table is built in one pass over the rows: whole-number times (days, months) are
binned directly (:func:`whole_number_codes`, then ``numpy.add.at`` in cache-sized
chunks); other times are sorted once (:func:`numpy.unique`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._results import TableResult
from evalkit._stats.arrays import reverse_cumsum
from evalkit._validation import check_columns, check_data, check_weights, flagged_rows
from evalkit.reporting.disclosure import PublicationSpec

__all__ = [
    "CENSORED",
    "RiskTable",
    "event_codes",
    "risk_table",
    "risk_table_from_counts",
    "whole_number_codes",
]

#: Label of censoring in label-coded event columns.
CENSORED = "censored"
#: Whole-number times spanning at most this many units (or 4 n) are binned directly.
_MAX_DIRECT_SPAN = 10_000_000
#: Rows binned per step (temporaries of ~1 MiB stay in cache).
_CHUNK = 1 << 17
#: Bit pattern of +inf: non-negative doubles viewed as uint64 are at most this.
_FLOAT_INF_BITS = np.array(np.inf).view(np.uint64)
#: 2**52, the smallest double whose spacing to the next one is 1, and its bits as int64.
_MAGIC = 2.0**52
_MAGIC_BITS = int(np.array(_MAGIC).view(np.int64))


@dataclass(frozen=True)
class RiskTable(TableResult):
    """Numbers at risk and events by time, group and cause.

    Attributes
    ----------
    times : numpy.ndarray
        Distinct times at which something happens in any group, shape ``(T,)``.
    events : numpy.ndarray
        Events (sum of weights) by group, time and cause, shape ``(G, T, K)``.
    censored : numpy.ndarray
        Censorings (sum of weights) by group and time, shape ``(G, T)``.
    n_risk : numpy.ndarray
        Number (sum of weights) at risk just before each time, shape ``(G, T)``.
    n_effective : numpy.ndarray
        Kish effective number at risk ``(Σw)² / Σw²``, shape ``(G, T)``; equals
        ``n_risk`` without weights.
    groups : tuple
        Group labels (``("all",)`` without a group column).
    causes : tuple of str
        Event types (causes), in order.
    group_name : str or None
        Name of the group column.
    weighted : bool
        Whether the counts are sums of non-unit weights.
    by : str or None
        Name of the column of strata (``risk_table(..., by=)``); the arrays above then
        hold the counts summed over the strata.
    strata : tuple
        Stratum labels, in the order of :attr:`stratum_tables` (empty without ``by``).
    stratum_tables : tuple of RiskTable
        One risk table per stratum, each with every event type: the stratified
        log-rank and Gray tests sum over them.
    """

    times: np.ndarray = field(repr=False)
    events: np.ndarray = field(repr=False)
    censored: np.ndarray = field(repr=False)
    n_risk: np.ndarray = field(repr=False)
    n_effective: np.ndarray = field(repr=False)
    groups: tuple
    causes: tuple[str, ...]
    group_name: str | None = None
    weighted: bool = False
    by: str | None = None
    strata: tuple = ()
    stratum_tables: tuple = field(default=(), repr=False)

    #: Published: each number at risk or of events of fewer than the threshold
    #: suppressed on its own (shown as missing with ``suppression="primary"``).
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n_risk", "n_events")
        )
    }

    @cached_property
    def table(self) -> pd.DataFrame:  # type: ignore[override]
        """Tidy table: ``group``, ``time``, ``cause`` (incl. censored), ``n_risk``, ``n_events``.

        One row per group, time at which something happens in that group, and cause;
        with strata (``by``), a first column ``stratum`` and the rows of each stratum.
        """
        if self.stratum_tables:
            return pd.concat(
                [rt.table.assign(stratum=s)[["stratum", *rt.table.columns]]
                 for s, rt in zip(self.strata, self.stratum_tables, strict=True)],
                ignore_index=True,
            )
        frames = []
        labels = [*self.causes, CENSORED]
        for g, label in enumerate(self.groups):
            counts = np.column_stack([self.events[g], self.censored[g]])
            active = counts.sum(axis=1) > 0
            t = self.times[active]
            k = len(labels)
            frames.append(
                pd.DataFrame(
                    {
                        "group": np.repeat(np.array([label], dtype=object), t.size * k),
                        "time": np.repeat(t, k),
                        "cause": np.tile(np.array(labels, dtype=object), t.size),
                        "n_risk": np.repeat(self.n_risk[g, active], k),
                        "n_events": counts[active].ravel(),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    @property
    def n_total(self) -> np.ndarray:
        """Events of all causes by group and time, shape ``(G, T)``."""
        return self.events.sum(axis=2)

    def collapse(self, cause: str | list[str] | tuple[str, ...] | None) -> RiskTable:
        """The table with ``cause`` (one or several) as the only event, other causes censored.

        ``None`` keeps every cause and merges them into one event (any exit). Raises
        ``ValueError`` on a cause that is not one of :attr:`causes`.
        """
        if cause is None:
            selected = list(self.causes)
        else:
            selected = [cause] if isinstance(cause, str) else list(cause)
            unknown = [c for c in selected if c not in self.causes]
            if unknown or not selected:
                raise ValueError(
                    f"cause must be one or several of the event types {list(self.causes)}, "
                    f"but got {cause!r}. Pass one of them, or None for any event."
                )
        keep = np.isin(np.array(self.causes, dtype=object), np.array(selected, dtype=object))
        events = self.events[:, :, keep].sum(axis=2, keepdims=True)
        censored = self.censored + self.events[:, :, ~keep].sum(axis=2)
        name = selected[0] if len(selected) == 1 else "+".join(map(str, selected))
        return RiskTable(
            times=self.times,
            events=events,
            censored=censored,
            n_risk=self.n_risk,
            n_effective=self.n_effective,
            groups=self.groups,
            causes=(name,),
            group_name=self.group_name,
            weighted=self.weighted,
            by=self.by,
            strata=self.strata,
            stratum_tables=tuple(rt.collapse(cause) for rt in self.stratum_tables),
        )

    def subset(self, g: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Times, events ``(T_g, K)``, at risk and effective at risk where group ``g`` is active."""
        active = (self.events[g].sum(axis=1) + self.censored[g]) > 0
        return (
            self.times[active],
            self.events[g, active],
            self.n_risk[g, active],
            self.n_effective[g, active],
        )

    def last_time(self, g: int) -> float:
        """Largest time observed (event or censoring) in group ``g``."""
        active = (self.events[g].sum(axis=1) + self.censored[g]) > 0
        return float(self.times[active][-1]) if active.any() else float("nan")


def _nonnegative_max(x: np.ndarray) -> float | int | None:
    """The maximum of a float64 or int64 array if no value is negative or NaN, else ``None``.

    One pass: viewed as unsigned 64-bit integers, non-negative numbers keep their order,
    while negative ones (sign bit set) and NaN (all-ones exponent, non-zero mantissa)
    come above every non-negative value, up to and including +inf.
    """
    if x.dtype == np.float64:
        top = x.view(np.uint64).max()
        return float(np.array(top).view(np.float64)) if top <= _FLOAT_INF_BITS else None
    if x.dtype == np.int64:
        top = x.view(np.uint64).max()
        return int(top) if top < 1 << 63 else None
    lo, hi = x.min(), x.max()
    return None if np.isnan(lo) or lo < 0 else hi.item()


def numeric_column(data: pd.DataFrame, column: str, *, what: str) -> np.ndarray:
    """A numeric column without missing values, as floats."""
    return _numeric_range(data, column, what=what)[0]


def _numeric_range(
    data: pd.DataFrame, column: str, *, what: str
) -> tuple[np.ndarray, float, float]:
    """A numeric column without missing values as floats, a lower bound and the maximum.

    The lower bound is 0 when no value is negative (one pass, :func:`_nonnegative_max`),
    otherwise the minimum; both bounds are NaN for an empty column.
    """
    values = data[column]
    if not (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
        raise ValueError(
            f"{what} column {column!r} must be numeric, but has dtype {values.dtype}. "
            "Convert it to a number of days/months first (see evalkit.survival.time_to_event)."
        )
    x = values.to_numpy(dtype=float)
    if not x.size:
        return x, float("nan"), float("nan")
    hi = _nonnegative_max(x)
    if hi is not None:
        return x, 0.0, hi
    lo = float(x.min())
    if np.isnan(lo):  # min propagates NaN
        raise ValueError(
            f"{what} column {column!r} has {int(np.isnan(x).sum())} missing value(s); "
            "drop or fill those rows first."
        )
    return x, lo, float(x.max())


def event_codes(values: pd.Series, censored: object = CENSORED) -> tuple[np.ndarray, tuple]:
    """Integer codes (0 = censored, 1..K = causes) and cause labels of an event column.

    Accepts booleans or 0/1 (1 = the event), non-negative integer codes (0 = censored,
    as lifelines and scikit-survival code competing risks), or labels (strings or a
    Categorical) where ``censored`` marks censoring.

    Raises
    ------
    ValueError
        If numeric codes are missing, fractional or negative, or labels are missing.
    """
    name = values.name
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy().astype(np.int64), ("event",)
    if pd.api.types.is_numeric_dtype(values):
        x = values.to_numpy()
        if x.dtype.kind == "f" and (np.isnan(x).any() or (x != np.round(x)).any()):
            raise ValueError(
                f"event column {name!r} must hold 0 (censored) and positive integer cause codes "
                "or labels, but has missing or non-integer values. Recode it."
            )
        codes = x.astype(np.int64, copy=False)
        hi = _nonnegative_max(codes) if codes.size else 0
        if hi is None:
            raise ValueError(
                f"event column {name!r} has negative codes (min {codes.min()}); use 0 for "
                "censored and 1, 2, ... for the causes."
            )
        if hi <= 1:
            return codes, ("event",)
        present = np.flatnonzero(np.bincount(codes))
        present = present[present > 0]
        lookup = np.zeros(hi + 1, dtype=np.int64)
        lookup[present] = np.arange(1, present.size + 1)
        return lookup[codes], tuple(str(v) for v in present)
    cat = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
    raw = cat.cat.codes.to_numpy()
    if (raw < 0).any():
        raise ValueError(
            f"event column {name!r} has {int((raw < 0).sum())} missing value(s); every row needs "
            f"an event type or {censored!r}."
        )
    categories = list(cat.cat.categories)
    causes = tuple(c for c in categories if c != censored)
    lookup = np.array([0 if c == censored else causes.index(c) + 1 for c in categories], np.int64)
    return lookup[raw], causes


def _group_codes(data: pd.DataFrame, group: str | None) -> tuple[np.ndarray | None, tuple]:
    """Integer codes ``0..L-1`` of a group column and the ``L`` labels.

    Labels may include unused ones (empty categories, gaps in small integer codes):
    the caller drops groups without rows (:func:`_drop_empty_groups`), which costs no
    extra pass over the rows.
    """
    if group is None:
        return None, ("all",)
    values = data[group]
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        if codes.size and codes.min() < 0:
            raise ValueError(f"group column {group!r} has missing values; drop those rows first.")
        return codes, tuple(values.cat.categories)
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iu":  # no missing values
        x = values.to_numpy().astype(np.int64, copy=False)
        hi = _nonnegative_max(x) if x.size else None
        if hi is not None and hi <= 100_000:  # small codes: use them directly, no hashing
            return x, tuple(range(hi + 1))
    if values.isna().any():
        raise ValueError(f"group column {group!r} has missing values; drop those rows first.")
    codes, labels = pd.factorize(values, sort=True)
    return codes.astype(np.int64), tuple(labels)


def _drop_empty_groups(present: np.ndarray, groups: tuple, *arrays: np.ndarray):
    """Keep the groups flagged in ``present`` (axis 0 of each array) and their labels."""
    if present.all():
        return (groups, *arrays)
    return (tuple(g for g, p in zip(groups, present, strict=True) if p),
            *(a[present] for a in arrays))


def whole_number_codes(t: np.ndarray, out: np.ndarray | None = None) -> np.ndarray | None:
    """``t`` as int64 if every value is a whole number from 0 to 2**52 − 1, else ``None``.

    Equals ``t.astype(np.int64)`` when ``((t >= 0) & (t < 2**52) & (np.trunc(t) == t))``
    holds for all values, in one floating-point addition instead of a rounding, three
    comparisons and a conversion. Why it is exact:

    - The doubles in [2**52, 2**53) are exactly the whole numbers there (the spacing
      is 1). So for a whole ``t`` in [0, 2**52) the sum ``f = t + 2**52`` is
      representable and computed without rounding.
    - In that binade every double has the exponent of 2**52, and its 52 mantissa bits
      count the units above 2**52: the bits of ``f`` read as an int64 are
      ``bits(2**52) + t``. Subtracting the constant ``bits(2**52)`` leaves ``t``.
    - Two checks keep exactly those values. ``f − 2**52 == t`` (a subtraction that is
      exact in the binade) fails for every value the addition rounded: fractions,
      subnormals, NaN, odd whole numbers beyond 2**53. The codes lying in
      [0, 2**52) puts ``f`` in the binade, which fails for negative numbers, infinity
      and numbers of 2**52 and more. ``-0.0`` gives 0, as ``astype`` does.

    ``out`` (float64, the shape of ``t``) receives the result, viewed as int64.

    Examples
    --------
    >>> whole_number_codes(np.array([0.0, 3.0, 730.0])).tolist()
    [0, 3, 730]
    >>> whole_number_codes(np.array([1.0, 2.5])) is None
    True
    """
    f = np.add(t, _MAGIC, out=out)
    if not np.array_equal(f - _MAGIC, t):
        return None
    codes = f.view(np.int64)
    codes -= _MAGIC_BITS
    return codes if codes.view(np.uint64).max(initial=0) < _MAGIC else None


def _direct_binning(lo: float, hi: float, n: int) -> bool:
    """Whether times from ``lo`` to ``hi`` may be binned on every whole number between."""
    return hi - lo <= min(_MAX_DIRECT_SPAN, 4 * n + 1000) and lo == int(lo) and hi < _MAGIC


def _drop_unused_labels(
    gcodes: np.ndarray | None, n_g: int, cells_per_group: int, n_rows: int
) -> tuple[np.ndarray | None, int, np.ndarray | None]:
    """Group codes renumbered without labels that have no rows, when those would make
    the table larger than the data; the codes, their number and the mask of labels kept."""
    if gcodes is None or n_g * cells_per_group <= max(4 * n_rows, 1 << 20):
        return gcodes, n_g, None
    used = np.bincount(gcodes, minlength=n_g) > 0
    if used.all():
        return gcodes, n_g, None
    return (np.cumsum(used) - 1)[gcodes], int(used.sum()), used


def _cell_index(c: np.ndarray, gcodes, codes, n_g: int, k1: int, offset: int) -> None:
    """Turn time positions ``c`` into cells ``(time × group) × cause``, in place."""
    if gcodes is not None:
        c *= n_g
        c += gcodes
    c *= k1
    c += codes
    if offset:
        c += np.int64(offset)


def _add_to_cells(counts: np.ndarray, sq: np.ndarray | None, c: np.ndarray, w, k1: int) -> None:
    """Add rows (or their weights, and the squared weights by time × group) to their cells."""
    if w is None:
        np.add.at(counts, c, 1)
        return
    counts += np.bincount(c, weights=w, minlength=counts.size)
    c //= k1
    sq += np.bincount(c, weights=w * w, minlength=sq.size)


def _count_cells(
    t: np.ndarray,
    lo: float,
    hi: float,
    codes: np.ndarray,
    gcodes: np.ndarray | None,
    n_g: int,
    k1: int,
    w: np.ndarray | None,
    *,
    direct: bool = True,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Counts by group, time and cause, the time grid and the group codes used.

    ``lo`` is a lower bound of the times (their minimum, or 0) and ``hi`` their
    maximum. Returns the counts (sums of ``w``, shape ``(G, T, K + 1)``), the sums of
    ``w²`` by group and time (``None`` without weights), the grid, the group codes and
    the mask of the labels kept (``None``: all). Whole-number times spanning a small
    range are binned directly (the grid is every whole number from ``lo`` to ``hi``,
    each time its own position by :func:`whole_number_codes`); other times are sorted
    once (:func:`numpy.unique`). Unweighted rows are binned in chunks whose buffers
    stay in cache, with ``numpy.add.at`` (cells are known to lie in the table, so
    :func:`numpy.bincount`'s extra pass for their range is not needed); weighted sums
    keep the row order of one :func:`numpy.bincount`. Labels without rows are dropped
    before binning only when they would make the table larger than the data.
    """
    direct = direct and _direct_binning(lo, hi, t.size)
    if direct:
        grid, idx = lo + np.arange(int(hi - lo) + 1, dtype=float), None
    else:
        grid, idx = np.unique(t, return_inverse=True)
    all_codes = gcodes
    gcodes, n_g, kept = _drop_unused_labels(gcodes, n_g, grid.size * k1, t.size)
    size = n_g * grid.size * k1
    chunk = _CHUNK if w is None and size <= _CHUNK // 4 else max(t.size, 1)
    counts = np.zeros(size, dtype=np.int64 if w is None else float)
    sq = None if w is None else np.zeros(size // k1)
    buf = np.empty(min(chunk, t.size))
    offset = -int(lo) * n_g * k1 if direct else 0  # the cell of time lo is 0
    for a in range(0, t.size, chunk):
        b = min(a + chunk, t.size)
        if idx is None:
            c = whole_number_codes(t[a:b], out=buf[: b - a])
            if c is None:  # not whole numbers: sort instead
                n_all = n_g if kept is None else kept.size
                return _count_cells(t, lo, hi, codes, all_codes, n_all, k1, w, direct=False)
        else:
            c = buf[: b - a].view(np.int64)
            c[:] = idx[a:b]
        _cell_index(c, None if gcodes is None else gcodes[a:b], codes[a:b], n_g, k1, offset)
        _add_to_cells(counts, sq, c, None if w is None else w[a:b], k1)
    counts = counts.reshape(grid.size, n_g, k1).transpose(1, 0, 2)
    if sq is not None:
        sq = sq.reshape(grid.size, n_g).T
    return counts, sq, grid, gcodes, kept


def entry_times(data: pd.DataFrame, entry: str, time: str, t: np.ndarray) -> np.ndarray:
    """Late-entry times of column ``entry``, checked to lie before the times ``t``."""
    e = numeric_column(data, entry, what="entry")
    late = e >= t
    if late.any():
        raise ValueError(
            f"entry times must be before exit times, but {flagged_rows(data.index, late)} "
            f"have {entry!r} >= {time!r}. Drop rows that leave before they enter, or correct "
            "the dates."
        )
    return e


def weights_column(data: pd.DataFrame, weights: str, group: str | None = None) -> np.ndarray:
    """Case or inverse-probability weights of column ``weights`` (numeric, finite,
    non-negative, not all zero in all or within a level of ``group``)."""
    numeric_column(data, weights, what="weights")  # numeric, no missing values
    return check_weights(data, weights, group=group)


def durations(data: pd.DataFrame, time: str) -> tuple[np.ndarray, float, float]:
    """Times of column ``time`` (non-negative numbers), a lower bound and their maximum.

    Time 0 is allowed (an exit on the day follow-up starts, as R's ``Surv``); negative
    times raise ``ValueError`` naming how many rows and the first of them.
    """
    t, lo, hi = _numeric_range(data, time, what="time")
    if lo < 0:
        raise ValueError(
            f"time column {time!r} has negative values in {flagged_rows(data.index, t < 0)}; "
            "times are durations since the start of follow-up (0 or more). Check the start "
            "and end dates of those rows."
        )
    return t, lo, hi


def _event_types(data: pd.DataFrame, event: str, censored: object) -> tuple[np.ndarray, tuple]:
    """Event codes and causes of column ``event``, which must hold at least one cause."""
    codes, causes = event_codes(data[event], censored)
    if not causes:
        raise ValueError(
            f"event column {event!r} holds only {censored!r}: there are no event types. "
            "Check the censoring label."
        )
    return codes, causes


def _late_entries(
    e: np.ndarray, grid: np.ndarray, gcodes: np.ndarray | None, n_g: int, w: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Rows (sums of weights, and of squared weights) entering after each time, by group.

    A row entering at ``e`` is not at risk at the grid times up to ``e``: these are
    reverse cumulative sums of the entries counted at the last grid time at or before
    ``e``, to subtract from the numbers at risk.
    """
    pos = np.searchsorted(grid, e, side="right") - 1
    inside = pos >= 0
    eb = pos[inside] if gcodes is None else gcodes[inside] * grid.size + pos[inside]
    ew = None if w is None else w[inside]
    entered = np.bincount(eb, weights=ew, minlength=n_g * grid.size).reshape(n_g, grid.size)
    if w is None:
        return reverse_cumsum(entered), None
    entered_sq = np.bincount(eb, weights=ew * ew, minlength=n_g * grid.size)
    return reverse_cumsum(entered), reverse_cumsum(entered_sq.reshape(n_g, grid.size))


def _effective_at_risk(
    n_risk: np.ndarray, risk_sq: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Numbers at risk as floats and the Kish effective numbers ``(Σw)² / Σw²``."""
    if risk_sq is None:
        n_risk = n_risk.astype(float)
        return n_risk, n_risk
    with np.errstate(invalid="ignore", divide="ignore"):
        return n_risk, np.where(risk_sq > 0, n_risk**2 / risk_sq, 0.0)


def risk_table(
    data,
    time: str = "time",
    event: str = "event",
    *,
    group: str | None = None,
    by: str | None = None,
    entry: str | None = None,
    weights: str | None = None,
    censored: object = CENSORED,
    connection=None,
) -> RiskTable:
    """Build the risk table (time × group × cause) from row-level data.

    Parameters
    ----------
    data : pandas.DataFrame, path, DuckDB relation, SQL text or Spark DataFrame
        One row per participant: a DataFrame (counted in memory), or counted where it
        lies (:func:`evalkit.survival.sql.aggregate`, only the counts come back): a
        path or glob of Parquet/CSV files, a DuckDB relation, SQL text run on
        ``connection`` (a DuckDB connection), or a Spark DataFrame.
    time : str, default="time"
        Column of times to the event or censoring (non-negative numbers).
    event : str, default="event"
        Column of event types: labels with ``censored`` for no event, booleans/0-1
        (1 = event), or integer cause codes (0 = censored).
    group : str, optional
        Column of groups (e.g. ``"programme"``).
    entry : str, optional
        Column of late-entry times (left truncation): a row is at risk at ``t`` when
        ``entry < t <= time``.
    weights : str, optional
        Column of non-negative case or inverse-probability weights.
    censored : object, default="censored"
        Label of censoring in a label-coded ``event`` column.
    by : str, optional
        Column of strata: the table also holds one table per stratum
        (:attr:`RiskTable.stratum_tables`, for stratified tests); its counts are summed.
    connection : duckdb.DuckDBPyConnection, optional
        The connection that runs ``data`` when it is SQL text.

    Returns
    -------
    RiskTable

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame or one of the sources above.
    ImportError
        If a file, relation or SQL is given and duckdb is not installed.
    ValueError
        On missing columns; non-numeric, missing or negative times; an event column
        without event types, with missing values or negative codes; a group column with
        missing values; negative or infinite weights, or weights that sum to zero (in
        all, or within a group); an entry at or after the exit. Time 0 is allowed.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"time": [1, 2, 2, 3], "event": ["job", "job", "censored", "training"]})
    >>> rt = risk_table(df)
    >>> rt.table.query("cause == 'job'")[["time", "n_risk", "n_events"]].to_dict("list")
    {'time': [1.0, 2.0, 3.0], 'n_risk': [4.0, 3.0, 1.0], 'n_events': [1.0, 1.0, 0.0]}
    """
    if by is not None or connection is not None or not isinstance(data, pd.DataFrame):
        from evalkit.survival.aggregated import risk_table_at_scale  # uses this module

        return risk_table_at_scale(data, time, event, group=group, by=by, entry=entry,
                                   weights=weights, censored=censored, connection=connection)
    check_data(data)
    check_columns(data, [time, event, group, entry, weights])
    t, lo, hi = durations(data, time)
    codes, causes = _event_types(data, event, censored)
    gcodes, groups = _group_codes(data, group)
    w = None if weights is None else weights_column(data, weights, group)
    counts, sq, grid, gcodes, kept = _count_cells(
        t, lo, hi, codes, gcodes, len(groups), len(causes) + 1, w
    )
    if kept is not None:
        groups = tuple(g for g, k in zip(groups, kept, strict=True) if k)
    active = counts.any(axis=(0, 2))
    counts, grid = counts[:, active], grid[active]
    n_risk = reverse_cumsum(counts.sum(axis=2))
    risk_sq = None if sq is None else reverse_cumsum(sq[:, active])
    if entry is not None:
        e = entry_times(data, entry, time, t)
        entered, entered_sq = _late_entries(e, grid, gcodes, len(groups), w)
        n_risk = n_risk - entered
        if w is not None:
            risk_sq = risk_sq - entered_sq
    n_risk, n_eff = _effective_at_risk(n_risk, risk_sq)
    if gcodes is not None:  # drop labels without rows (zero-weight rows count as rows)
        n_g = len(groups)
        present = counts.any(axis=(1, 2)) if w is None else np.bincount(gcodes, minlength=n_g) > 0
        groups, counts, n_risk, n_eff = _drop_empty_groups(present, groups, counts, n_risk, n_eff)
    return RiskTable(
        times=grid,
        events=counts[:, :, 1:].astype(float),
        censored=counts[:, :, 0].astype(float),
        n_risk=n_risk,
        n_effective=n_eff,
        groups=groups,
        causes=causes,
        group_name=group,
        weighted=w is not None and not np.all(w == 1),
    )


def _released_at_risk(
    counts: pd.DataFrame, n_risk: str, gcodes: np.ndarray | None, idx: np.ndarray,
    cube: np.ndarray,
) -> np.ndarray:
    """Numbers at risk ``(G, T)`` given in column ``n_risk``, checked against the counts."""
    given = numeric_column(counts, n_risk, what="n_risk")
    risk = np.full(cube.shape[:2], np.nan)
    risk[gcodes if gcodes is not None else 0, idx] = given
    present = cube.any(axis=2)
    if np.isnan(risk[present]).any():
        raise ValueError("n_risk is missing for some (group, time) with events.")
    risk = np.where(np.isnan(risk), 0.0, risk)
    if (risk[present] < cube.sum(axis=2)[present]).any():
        raise ValueError(
            "n_risk is smaller than the number of events + censorings at some time; "
            "n_risk must count everyone at risk just before the time."
        )
    return risk


def risk_table_from_counts(
    counts: pd.DataFrame,
    time: str = "time",
    cause: str = "cause",
    n_events: str = "n_events",
    *,
    group: str | None = None,
    n_risk: str | None = None,
    censored: object = CENSORED,
) -> RiskTable:
    """Build the risk table from aggregated counts (a register release, a database query).

    Parameters
    ----------
    counts : pandas.DataFrame
        One row per (group,) time and cause with the number of events of that cause;
        censorings are rows whose cause is ``censored``. Rows may repeat (they are
        summed); absent combinations are zero.
    time, cause, n_events : str
        Columns of the time, the event type and the count.
    group : str, optional
        Column of groups.
    n_risk : str, optional
        Column with the number at risk just before each time (needed with late entry,
        or when censorings are not released). Without it the number at risk is the
        number still to leave, ``Σ_{s ≥ t}`` (events + censorings).
    censored : object, default="censored"
        Label of censoring rows.

    Returns
    -------
    RiskTable

    Raises
    ------
    TypeError
        If ``counts`` is not a DataFrame.
    ValueError
        On missing columns, non-numeric or missing times or counts, negative counts,
        only censoring rows, or an ``n_risk`` missing where something happens or
        smaller than the events and censorings at that time.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"time": [1, 2, 2, 3], "cause": ["job", "job", "censored",
    ...                        "training"], "n_events": [1, 1, 1, 1]})
    >>> risk_table_from_counts(counts).n_risk.tolist()
    [[4.0, 3.0, 1.0]]
    """
    check_data(counts, name="counts")
    check_columns(counts, [time, cause, n_events, group, n_risk], name="counts")
    t = numeric_column(counts, time, what="time")
    n = numeric_column(counts, n_events, what="n_events")
    if (n < 0).any():
        raise ValueError(f"counts column {n_events!r} has negative counts; counts must be >= 0.")
    codes, causes = event_codes(counts[cause].astype(object).astype("category"), censored)
    if not causes:
        raise ValueError(f"counts has only {censored!r} rows: no event types.")
    gcodes, groups = _group_codes(counts, group)
    k1 = len(causes) + 1
    grid, idx = np.unique(t, return_inverse=True)
    n_g, n_t = len(groups), grid.size
    base = idx if gcodes is None else gcodes * n_t + idx
    cube = np.bincount(base * k1 + codes, weights=n, minlength=n_g * n_t * k1)
    cube = cube.reshape(n_g, n_t, k1)
    if n_risk is None:
        risk = reverse_cumsum(cube.sum(axis=2))
    else:
        risk = _released_at_risk(counts, n_risk, gcodes, idx, cube)
    if gcodes is not None:
        groups, cube, risk = _drop_empty_groups(
            np.bincount(gcodes, minlength=n_g) > 0, groups, cube, risk
        )
    return RiskTable(
        times=grid,
        events=cube[:, :, 1:],
        censored=cube[:, :, 0],
        n_risk=risk.astype(float),
        n_effective=risk.astype(float),
        groups=groups,
        causes=causes,
        group_name=group,
        weighted=False,
    )


def as_risk_table(
    data: pd.DataFrame | RiskTable,
    time: str,
    event: str,
    group: str | None,
    entry: str | None,
    weights: str | None,
    censored: object,
) -> RiskTable:
    """``data`` if it is a risk table (grouped by ``group``), else its risk table."""
    if isinstance(data, RiskTable):
        if group is not None and group != data.group_name:
            raise ValueError(
                f"the risk table is grouped by {data.group_name!r}, but group={group!r} was "
                "passed; build the table with that group column."
            )
        return data
    return risk_table(
        data, time, event, group=group, entry=entry, weights=weights, censored=censored
    )


def require_group(group: str | None) -> None:
    """Raise unless the column of the compared groups is given."""
    if group is None:
        raise ValueError("group is required: pass the column of the groups to compare.")
