"""The risk table: time × group × cause → number at risk and events.

Every nonparametric estimator of :mod:`evalkit.survival` works on this table, never
on row-level data, so it runs equally from participants' rows, from a table of counts
released by a register, or from counts built inside a database.

The table is built in one pass over the rows: integer-valued times (days, months)
are binned directly (``numpy.add.at``, in cache-sized chunks); other times are sorted
once (:func:`numpy.unique`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from evalkit._results import TableResult
from evalkit._stats.arrays import reverse_cumsum
from evalkit._validation import check_columns, check_data

__all__ = ["RiskTable", "risk_table", "risk_table_from_counts"]

#: Integer-valued times spanning at most this many units (or 4 n) are binned directly.
_MAX_DIRECT_SPAN = 10_000_000
#: Rows binned per step (temporaries of ~1 MiB stay in cache).
_CHUNK = 1 << 17
CENSORED = "censored"
#: Bit pattern of +inf: non-negative doubles viewed as uint64 are at most this.
_FLOAT_INF_BITS = np.array(np.inf).view(np.uint64)
#: 2**52: for a whole number 0 <= t < 2**52, t + 2**52 is exact and its bits, read as
#: an int64, are ``_MAGIC_BITS + t`` (a float-to-integer conversion by one addition).
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

    @cached_property
    def table(self) -> pd.DataFrame:  # type: ignore[override]
        """Tidy table: ``group``, ``time``, ``cause`` (incl. censored), ``n_risk``, ``n_events``.

        One row per group, time at which something happens in that group, and cause.
        """
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

        ``None`` keeps every cause and merges them into one event (any exit).
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


def _numeric(data: pd.DataFrame, column: str, *, what: str) -> np.ndarray:
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
    the mask of the labels kept (``None``: all). Integer-valued times spanning a small
    range are binned directly (the grid is every integer from ``lo`` to ``hi``); other
    times are sorted once (:func:`numpy.unique`). A direct time ``t`` becomes an integer
    by one float addition: the bits of ``t + 2**52``, read as an int64, are a constant
    plus ``t``; subtracting 2**52 again gives ``t`` back exactly when ``t`` is a whole
    number, which is the check. Unweighted rows are binned in chunks whose buffers stay
    in cache, with ``numpy.add.at`` (cells are known to lie in the table, so
    :func:`numpy.bincount`'s extra pass for their range is not needed); weighted sums
    keep the row order of one :func:`numpy.bincount`. Labels without rows are dropped
    before binning only when they would make the table larger than the data.
    """
    direct = (
        direct
        and hi - lo <= min(_MAX_DIRECT_SPAN, 4 * t.size + 1000)
        and lo == int(lo)
        and hi < _MAGIC
    )
    if direct:
        grid, idx = lo + np.arange(int(hi - lo) + 1, dtype=float), None
    else:
        grid, idx = np.unique(t, return_inverse=True)
    all_codes, kept = gcodes, None
    if gcodes is not None and n_g * grid.size * k1 > max(4 * t.size, 1 << 20):
        used = np.bincount(gcodes, minlength=n_g) > 0
        if not used.all():
            kept, n_g = used, int(used.sum())
            gcodes = (np.cumsum(used) - 1)[gcodes]
    size = n_g * grid.size * k1
    chunk = _CHUNK if w is None and size <= _CHUNK // 4 else max(t.size, 1)
    counts = np.zeros(size, dtype=np.int64 if w is None else float)
    sq = None if w is None else np.zeros(size // k1)
    m = min(chunk, t.size)
    buf, back, same = np.empty(m), np.empty(m), np.empty(m, bool)
    # cell = (time × group) × cause; for direct times the bits of t + 2**52 stand for
    # t, and the offset (wrapping int64 arithmetic) removes 2**52's bits and lo
    offset = (-(_MAGIC_BITS + int(lo)) * n_g * k1 + 2**63) % 2**64 - 2**63 if direct else 0
    for a in range(0, t.size, chunk):
        b = a + chunk
        f = buf[: min(b, t.size) - a]
        c = f.view(np.int64)
        if idx is None:
            part = t[a:b]
            np.add(part, _MAGIC, out=f)
            if not np.equal(np.subtract(f, _MAGIC, out=back[: f.size]), part,
                            out=same[: f.size]).all():
                n_all = n_g if kept is None else kept.size  # not integer-valued: sort instead
                return _count_cells(t, lo, hi, codes, all_codes, n_all, k1, w, direct=False)
        else:
            c[:] = idx[a:b]
        if gcodes is not None:
            c *= n_g
            c += gcodes[a:b]
        c *= k1
        c += codes[a:b]
        if offset:
            c += np.int64(offset)
        if w is None:
            np.add.at(counts, c, 1)
        else:
            wb = w[a:b]
            counts += np.bincount(c, weights=wb, minlength=size)
            c //= k1
            sq += np.bincount(c, weights=wb * wb, minlength=size // k1)
    counts = counts.reshape(grid.size, n_g, k1).transpose(1, 0, 2)
    if sq is not None:
        sq = sq.reshape(grid.size, n_g).T
    return counts, sq, grid, gcodes, kept


def risk_table(
    data: pd.DataFrame,
    time: str = "time",
    event: str = "event",
    *,
    group: str | None = None,
    entry: str | None = None,
    weights: str | None = None,
    censored: object = CENSORED,
) -> RiskTable:
    """Build the risk table (time × group × cause) from row-level data.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
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

    Returns
    -------
    RiskTable

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"time": [1, 2, 2, 3], "event": ["job", "job", "censored", "training"]})
    >>> rt = risk_table(df)
    >>> rt.table.query("cause == 'job'")[["time", "n_risk", "n_events"]].to_dict("list")
    {'time': [1.0, 2.0, 3.0], 'n_risk': [4.0, 3.0, 1.0], 'n_events': [1.0, 1.0, 0.0]}
    """
    check_data(data)
    check_columns(data, [time, event, group, entry, weights])
    t, lo, hi = _numeric_range(data, time, what="time")
    if lo < 0:
        raise ValueError(
            f"time column {time!r} has negative values (min {lo:g}); times are durations "
            "since the start of follow-up. Check the start and end dates."
        )
    codes, causes = event_codes(data[event], censored)
    if not causes:
        raise ValueError(
            f"event column {event!r} holds only {censored!r}: there are no event types. "
            "Check the censoring label."
        )
    gcodes, groups = _group_codes(data, group)
    k1 = len(causes) + 1
    w = None
    if weights is not None:
        w = _numeric(data, weights, what="weights")
        if (w < 0).any() or not np.isfinite(w).all():
            raise ValueError(
                f"weights column {weights!r} must be finite and non-negative, but has "
                f"min {w.min():g}; fix the weights (e.g. trim extreme inverse probabilities)."
            )
    counts, sq, grid, gcodes, kept = _count_cells(t, lo, hi, codes, gcodes, len(groups), k1, w)
    if kept is not None:
        groups = tuple(g for g, k in zip(groups, kept, strict=True) if k)
    n_g = len(groups)
    active = counts.any(axis=(0, 2))
    counts = counts[:, active]
    grid = grid[active]
    leaving = counts.sum(axis=2)
    n_risk = reverse_cumsum(leaving)
    if sq is not None:
        risk_sq = reverse_cumsum(sq[:, active])
    if entry is not None:
        e = _numeric(data, entry, what="entry")
        if (e >= t).any():
            bad = int((e >= t).sum())
            raise ValueError(
                f"entry times must be before exit times, but {bad} row(s) have {entry!r} >= "
                f"{time!r}. Drop rows that leave before they enter, or correct the dates."
            )
        pos = np.searchsorted(grid, e, side="right") - 1
        inside = pos >= 0
        eb = pos[inside] if gcodes is None else gcodes[inside] * grid.size + pos[inside]
        ew = None if w is None else w[inside]
        entered = np.bincount(eb, weights=ew, minlength=n_g * grid.size).reshape(n_g, grid.size)
        n_risk = n_risk - reverse_cumsum(entered)
        if w is not None:
            entered_sq = np.bincount(eb, weights=ew * ew, minlength=n_g * grid.size)
            risk_sq = risk_sq - reverse_cumsum(entered_sq.reshape(n_g, grid.size))
    if w is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            n_eff = np.where(risk_sq > 0, n_risk**2 / risk_sq, 0.0)
    else:
        n_risk = n_risk.astype(float)
        n_eff = n_risk
    if gcodes is not None:  # drop labels without rows (zero-weight rows count as rows)
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
    t = _numeric(counts, time, what="time")
    n = _numeric(counts, n_events, what="n_events")
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
        given = _numeric(counts, n_risk, what="n_risk")
        risk = np.full((n_g, n_t), np.nan)
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
