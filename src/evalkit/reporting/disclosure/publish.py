"""Publishing a table: every number that leaves a notebook passes through :func:`publish`.

A result's ``.table`` is the analysis table: full precision, every count, for checking
against other software. What a report shows is its *published* form: counts of fewer
than ``threshold`` people suppressed (with secondary suppression along the margins a
reader could subtract from), statistics computed from a suppressed count blanked,
derived statistics rounded, and curves stopped where fewer than ``threshold`` people
remain at risk. Each result class says how its tables are published in a
``publication`` mapping of table name to :class:`PublicationSpec` (or to a function of
the result that returns one, where the columns are named by the caller, as the ``by``
columns of a frequency table); plain DataFrames are published with a spec given in
the call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evalkit._results import TableResult
from evalkit._validation import check_columns
from evalkit.reporting.disclosure.cells import suppress_small_counts
from evalkit.reporting.disclosure.policy import DEFAULT_THRESHOLD, check_threshold, threshold_note

if TYPE_CHECKING:
    from evalkit.reporting.disclosure.ledger import DisclosureLedger

__all__ = [
    "ACROSS_COUNTS",
    "PublicationSpec",
    "PublishedTable",
    "at_risk_label",
    "publish",
    "stop_curves",
]

#: In a margin, "across the count columns of a row" (``n_excluded + n_kept = n_before``).
ACROSS_COUNTS = "__count__"
_N = "__n__"
_STATUS_ORDER = {"": 0, "secondary": 1, "primary": 2}


@dataclass(frozen=True)
class PublicationSpec:
    """How one table of a result is published.

    Attributes
    ----------
    counts : tuple of str
        Columns holding numbers of people; each cell is suppressed on its own. A
        missing count (suppressed by the analysis already) stays suppressed.
    derived : mapping or sequence of str, default=()
        Statistics computed from the counts (percentages, means, SMDs, estimates of a
        curve): blanked where a count they come from is suppressed. A sequence means
        "from every count of the row"; a mapping names the counts of each.
    margins : tuple of tuple of str, default=()
        Groups of cells whose total a reader knows, as column names; ``"measure"``
        stands for "across the count columns of a row" (``n_excluded + n_kept =
        n_before``). Secondary suppression keeps every group safe, as in
        :func:`~evalkit.reporting.disclosure.suppress_small_counts`.
    decimals : mapping of str to int, default={}
        Columns rounded for publication and their decimals.
    curve : tuple of (str, tuple of str), optional
        ``(count, by)``: the table holds curves (one per combination of the ``by``
        columns, rows in time order); each is cut before its first row whose ``count``
        (people at risk) is below the threshold.
    dimensions : tuple of str, default=()
        Columns whose values define a cell (``programme``, ``gender``…), so that a
        :class:`~evalkit.reporting.disclosure.DisclosureLedger` can recognise the
        same cell in other tables of the report.
    complements : tuple of (str, str), default=()
        ``(total, part)`` pairs of count columns: ``total - part`` people (the
        non-events of ``n`` and ``n_events``) are a count too, never shown but
        recoverable; where it is 1 to ``threshold - 1`` the part is hidden (the total
        stays).
    row_decimals : tuple of (str, mapping of str to int), optional
        ``(column, {value: decimals})``: for a table whose rows mix units (euros,
        risk differences, counts), the decimals of the ``decimals`` columns in each row,
        chosen by the row's value in ``column``; rows with another value keep
        ``decimals``. E.g. ``("quantity", {"incremental_cost": 0, "icer": 0})``.
    """

    counts: tuple[str, ...]
    derived: Mapping[str, Sequence[str]] | Sequence[str] = ()
    margins: tuple[tuple[str, ...], ...] = ()
    decimals: Mapping[str, int] = field(default_factory=dict)
    curve: tuple[str, tuple[str, ...]] | None = None
    dimensions: tuple[str, ...] = ()
    complements: tuple[tuple[str, str], ...] = ()
    row_decimals: tuple[str, Mapping[str, int]] | None = None

    def places(self, table: pd.DataFrame, column: str) -> pd.Series:
        """Decimals of ``column`` (one of ``decimals``) in each row of ``table``."""
        places = pd.Series(int(self.decimals[column]), index=table.index)
        if self.row_decimals is not None:
            by, rule = self.row_decimals
            places = table[by].map(rule).fillna(places).astype(int)
        return places

    def derived_from(self) -> dict[str, tuple[str, ...]]:
        """Each derived column and the counts it is computed from."""
        if isinstance(self.derived, Mapping):
            return {k: tuple(v) for k, v in self.derived.items()}
        return {column: self.counts for column in self.derived}


@dataclass(frozen=True)
class PublishedTable(TableResult):
    """A table as a report may show it.

    Attributes
    ----------
    table : pandas.DataFrame
        The table with suppressed counts and the statistics derived from them set to
        missing, derived statistics rounded, curves cut, and a ``suppression``
        column: ``""``, ``"secondary"`` or ``"primary"`` (the strongest of the row).
    threshold : int
        Counts ``1 <= n < threshold`` were suppressed.
    n_primary, n_secondary : int
        Count cells suppressed for each reason.
    n_cut : int
        Rows of curves left out because fewer than ``threshold`` people remained.
    note : str or None
        The note a report must show when ``threshold`` is below 10.
    cells : pandas.DataFrame or None, default=None
        The suppression status of every count cell (``""``, ``"secondary"`` or
        ``"primary"``), one column per count column of ``spec``, index as ``table``:
        what a report prints in place of a hidden count (``<10`` or ``–``).
    spec : PublicationSpec or None, default=None
        How the table was published (its count columns, derived statistics, decimals).
    """

    table: pd.DataFrame
    threshold: int
    n_primary: int
    n_secondary: int
    n_cut: int
    note: str | None
    cells: pd.DataFrame | None = field(default=None, repr=False)
    spec: PublicationSpec | None = field(default=None, repr=False)


def publish(
    source: object,
    part: str = "table",
    *,
    spec: PublicationSpec | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    ledger: DisclosureLedger | None = None,
    population: str = "all",
) -> PublishedTable:
    """The published form of a result's table (or of a DataFrame with ``spec``).

    Parameters
    ----------
    source : result or pandas.DataFrame
        A result whose class lists its tables in ``publication`` (e.g.
        ``FrequencyResult``), or a DataFrame.
    part : str, default="table"
        Which table of the result (an attribute name, e.g. ``"overlap"``).
    spec : PublicationSpec, optional
        How to publish a DataFrame (or override a result's own spec).
    threshold : int, default=10
        Counts of ``1 <= n < threshold`` people are not published (5 at the least).
    ledger : DisclosureLedger, optional
        The report's record of published cells: cells suppressed in an earlier table
        are suppressed here too, and cells published earlier are never used to hide
        one of this table's (needs ``spec.dimensions``).
    population : str, default="all"
        Name of the set of people the table counts (``"analysis sample"``…), for the
        ledger: cells of different populations are different cells.

    Returns
    -------
    PublishedTable

    Raises
    ------
    TypeError
        If ``source`` is neither a DataFrame nor a result that can be published, or
        a DataFrame comes without ``spec``.
    ValueError
        If ``part`` is not a published table of the result, a spec column is missing,
        or ``threshold`` is below 5.
    DisclosureError
        If a suppressed cell cannot be protected (see
        :func:`~evalkit.reporting.disclosure.suppress_small_counts`).

    Warns
    -----
    DisclosureWarning
        If ``threshold`` is below 10.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"site": ["A", "B", "C"], "n": [40, 3, 25], "percent": [59.7, 4.5, 37.3]})
    >>> spec = PublicationSpec(counts=("n",), derived=("percent",), margins=((),))
    >>> publish(t, spec=spec).table["n"].tolist()
    [40.0, nan, nan]
    """
    table, spec = _table_and_spec(source, part, spec)
    threshold = check_threshold(threshold)
    by_row = [spec.row_decimals[0]] if spec.row_decimals else []
    check_columns(table, [*spec.counts, *spec.derived_from(), *spec.decimals, *spec.dimensions,
                          *by_row])
    table, n_cut = _cut_curves(table, spec, threshold)
    statuses = _suppress(table, spec, threshold, ledger, population)
    out = _blank_and_round(table, spec, statuses)
    if ledger is not None and spec.dimensions:
        ledger.record(_cell_keys(table, spec, population), table[list(spec.counts)], statuses)
    flat = statuses.to_numpy().ravel()
    return PublishedTable(
        table=out,
        threshold=threshold,
        n_primary=int((flat == "primary").sum()),
        n_secondary=int((flat == "secondary").sum()),
        n_cut=n_cut,
        note=threshold_note(threshold),
        cells=statuses,
        spec=spec,
    )


def _table_and_spec(
    source: object, part: str, spec: PublicationSpec | None
) -> tuple[pd.DataFrame, PublicationSpec]:
    """The table to publish and how (a result's own spec unless ``spec`` is given)."""
    if isinstance(source, pd.DataFrame):
        if spec is None:
            raise TypeError(
                "publishing a DataFrame needs spec=PublicationSpec(counts=...) naming its "
                "count columns; results of evalkit know their own."
            )
        return source, spec
    specs = getattr(type(source), "publication", None)
    if not isinstance(specs, Mapping):
        raise TypeError(
            f"{type(source).__name__} cannot be published: it has no publication specs; "
            "publish its table as a DataFrame with spec=PublicationSpec(...)."
        )
    if part not in specs:
        raise ValueError(
            f"part must be one of {sorted(specs)} for {type(source).__name__}, but was {part!r}."
        )
    chosen = spec or specs[part]
    if callable(chosen):  # columns named by the caller (a frequency table's ``by``)
        chosen = chosen(source)
    return getattr(source, part), chosen


def _cut_curves(table: pd.DataFrame, spec: PublicationSpec, threshold: int):
    """The table without the curve rows from the first with fewer than ``threshold`` at risk."""
    if spec.curve is None:
        return table, 0
    count, by = spec.curve
    kept = stop_curves(table, count, by, threshold)
    return table.loc[kept], int((~kept).sum())


def stop_curves(
    table: pd.DataFrame, count: str, by: Sequence[str], threshold: int
) -> np.ndarray:
    """Which rows of curves (in time order within ``by``) come before the first small risk set.

    Register-data platforms stop drawing a curve where fewer than the threshold remain
    at risk: a step of such a curve is one or two people's exit.

    Examples
    --------
    >>> t = pd.DataFrame({"g": ["a"] * 3 + ["b"] * 2, "n_risk": [30, 12, 9, 40, 11]})
    >>> stop_curves(t, "n_risk", ["g"], 10).tolist()
    [True, True, False, True, True]
    """
    small = (table[count].to_numpy(dtype=float) < threshold).astype(int)
    if not by:
        return np.cumsum(small) == 0
    seen = pd.Series(small, index=table.index).groupby(
        [table[c] for c in by], sort=False, observed=True
    ).cumsum()
    return seen.to_numpy() == 0


def at_risk_label(n: float, threshold: int = DEFAULT_THRESHOLD) -> str:
    """How a number at risk is printed under a curve: ``"<10"`` below the threshold.

    Examples
    --------
    >>> at_risk_label(123.0), at_risk_label(4), at_risk_label(0)
    ('123', '<10', '0')
    """
    return f"<{threshold}" if 0 < n < threshold else f"{n:,.0f}"


def _long_cells(table: pd.DataFrame, spec: PublicationSpec) -> pd.DataFrame:
    """One row per count cell: the table's other columns, the count's name and value."""
    others = [c for c in table.columns if c not in spec.counts]
    long = table[others].reset_index(drop=True).loc[
        np.tile(np.arange(len(table)), len(spec.counts))
    ].reset_index(drop=True)
    long[ACROSS_COUNTS] = np.repeat(list(spec.counts), len(table))
    long[_N] = np.concatenate([table[c].to_numpy(dtype=float) for c in spec.counts])
    return long


def _suppress(
    table: pd.DataFrame,
    spec: PublicationSpec,
    threshold: int,
    ledger: DisclosureLedger | None,
    population: str,
) -> pd.DataFrame:
    """Suppression status (``""``, ``"secondary"``, ``"primary"``) of every count cell."""
    if not spec.counts:  # a table that counts no people (a sensitivity analysis)
        return pd.DataFrame(index=table.index)
    long = _long_cells(table, spec)
    # A count already missing was suppressed by the analysis (e.g. a subgroup below
    # ``min_subgroup_size``): it stays hidden and counts as hidden in its margins.
    missing = long[_N].isna().to_numpy()
    long[_N] = long[_N].fillna(0.0)
    hidden = locked = None
    if ledger is not None and spec.dimensions:
        hidden, locked = ledger.status(_cell_keys(table, spec, population))
    if missing.any():
        hidden = missing if hidden is None else hidden | missing
    while True:
        result = suppress_small_counts(
            long, _N, threshold=threshold, margins=[list(m) for m in spec.margins],
            hidden=hidden, locked=locked,
        )
        status = result.table["suppression"].to_numpy()
        leaks = _complement_leaks(long[_N].to_numpy(), status, spec, len(table), threshold)
        if not leaks.any():
            break
        hidden = leaks if hidden is None else hidden | leaks
    status = status.reshape(len(spec.counts), len(table)).T
    return pd.DataFrame(status, index=table.index, columns=list(spec.counts))


def _complement_leaks(
    counts: np.ndarray, status: np.ndarray, spec: PublicationSpec, n_rows: int, threshold: int
) -> np.ndarray:
    """Part cells to hide because their total minus them is 1 to ``threshold - 1`` people.

    ``counts`` and ``status`` are in the long order of :func:`_long_cells`.
    """
    leaks = np.zeros(len(counts), dtype=bool)
    shown = status == ""
    for total, part in spec.complements:
        t = slice(spec.counts.index(total) * n_rows, (spec.counts.index(total) + 1) * n_rows)
        k = slice(spec.counts.index(part) * n_rows, (spec.counts.index(part) + 1) * n_rows)
        rest = counts[t] - counts[k]
        leaks[k] = shown[t] & shown[k] & (rest >= 1) & (rest < threshold)
    return leaks


def _cell_keys(table: pd.DataFrame, spec: PublicationSpec, population: str) -> list[tuple]:
    """The ledger key of every count cell, in the order of :func:`_long_cells`."""
    rows = table[list(spec.dimensions)].astype(str).itertuples(index=False, name=None)
    base = [tuple(zip(spec.dimensions, row, strict=True)) for row in rows]
    return [
        (("population", population), ("measure", measure), *cell)
        for measure in spec.counts
        for cell in base
    ]


def _blank_and_round(
    table: pd.DataFrame, spec: PublicationSpec, statuses: pd.DataFrame
) -> pd.DataFrame:
    """Counts and derived statistics masked where suppressed; decimals applied."""
    out = table.copy()
    hidden = statuses != ""
    for column in spec.counts:
        out[column] = out[column].astype("float64").mask(hidden[column])
    for column, sources in spec.derived_from().items():
        out[column] = out[column].astype("float64").mask(hidden[list(sources)].any(axis=1))
    for column in spec.decimals:
        values = out[column].to_numpy(dtype="float64")
        places, rounded = spec.places(table, column).to_numpy(), values.copy()
        for p in np.unique(places):  # each row rounded once, to its own decimals
            rounded[places == p] = np.round(values[places == p], p)
        out[column] = rounded
    worst = statuses.apply(lambda col: col.map(_STATUS_ORDER)).max(axis=1).fillna(0)
    out["suppression"] = worst.map({v: k for k, v in _STATUS_ORDER.items()}).to_numpy()
    return out
