"""Frequency tables and "Table 1" of the people two programmes enrol, with disclosure control."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evalkit._results import TableResult
from evalkit._validation import check_columns, check_data
from evalkit.descriptives.smd import standardized_mean_difference
from evalkit.reporting import DEFAULT_THRESHOLD, suppress_small_counts

__all__ = ["FrequencyResult", "TableOneResult", "frequency_table", "table_one"]

MISSING_LEVEL = "(missing)"


@dataclass(frozen=True)
class FrequencyResult(TableResult):
    """Counts of people by one or more characteristics, after small-cell suppression.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per combination of the ``by`` columns (all categories, including
        empty ones), with ``n``, ``percent`` (of all rows) and ``suppression``
        (see :func:`evalkit.reporting.disclosure.suppress_small_counts`).
    by : tuple of str
        The grouping columns.
    threshold : int
        The suppression threshold applied.
    n_total : int
        Number of rows counted.
    """

    table: pd.DataFrame
    by: tuple[str, ...]
    threshold: int
    n_total: int

    def wide(self) -> pd.DataFrame:
        """The counts as a cross table: last ``by`` column across, the others down."""
        if len(self.by) == 1:
            return self.table.set_index(list(self.by))[["n"]]
        return self.table.pivot_table(
            index=list(self.by[:-1]),
            columns=self.by[-1],
            values="n",
            dropna=False,
            observed=False,
            aggfunc="first",
        )


def frequency_table(
    data: pd.DataFrame, by: Sequence[str], *, threshold: int = DEFAULT_THRESHOLD
) -> FrequencyResult:
    """Count people by characteristics, with small counts suppressed.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    by : sequence of str
        Columns to count by (categorical columns keep their empty categories).
    threshold : int, default=10
        Counts ``1 <= n < threshold`` are suppressed, with secondary suppression
        along every margin of the table (each ``by`` column summed out in turn).

    Returns
    -------
    FrequencyResult

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If ``data`` is empty, lacks a ``by`` column, or ``threshold`` is not a positive
        integer.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"programme": ["a"] * 30 + ["b"] * 12})
    >>> frequency_table(df, ["programme"]).table["n"].tolist()
    [30.0, 12.0]
    """
    check_data(data)
    by = list(by)
    check_columns(data, by)
    counts = data.groupby(by, observed=False, dropna=False).size().rename("n").reset_index()
    counts["percent"] = 100.0 * counts["n"] / len(data)
    margins = [[c for c in by if c != left_out] for left_out in by]
    suppressed = suppress_small_counts(
        counts, "n", threshold=threshold, margins=margins, derived=["percent"]
    )
    return FrequencyResult(
        table=suppressed.table, by=tuple(by), threshold=threshold, n_total=len(data)
    )


@dataclass(frozen=True)
class TableOneResult(TableResult):
    """Characteristics of participants by group ("Table 1"), after small-cell suppression.

    Attributes
    ----------
    table : pandas.DataFrame
        Tidy: one row per variable, level and group. Categorical variables give one
        row per level (and a ``(missing)`` level when values are missing) with ``n``
        and ``percent`` of the group; continuous variables give one row with ``n``
        (non-missing), ``mean`` and ``sd``. ``suppression`` says why a cell is blank.
    smd : pandas.DataFrame or None
        One row per variable and level with the standardized mean difference between
        the two groups (:func:`standardized_mean_difference`); blank where a count it
        is computed from is suppressed. ``None`` when ``group`` has more than two levels.
    group : str
        The grouping column.
    group_sizes : dict
        Number of people per group.
    threshold : int
        The suppression threshold applied.
    """

    table: pd.DataFrame
    smd: pd.DataFrame | None
    group: str
    group_sizes: dict
    threshold: int

    def formatted(self, digits: int = 1) -> pd.DataFrame:
        """A display version: "n (%)" or "mean (SD)" per group, and the SMD, as text."""

        def cell(row: pd.Series) -> str:
            if row["kind"] == "continuous":
                if pd.isna(row["mean"]):
                    return "suppressed"
                return f"{row['mean']:.{digits}f} ({row['sd']:.{digits}f})"
            if pd.isna(row["n"]):
                return f"<{self.threshold}" if row["suppression"] == "primary" else "suppressed"
            return f"{int(row['n'])} ({row['percent']:.{digits}f}%)"

        shown = self.table.assign(
            level=self.table["level"].fillna(""), cell=self.table.apply(cell, axis=1)
        )
        wide = shown.pivot_table(
            index=["variable", "level"],
            columns="group",
            values="cell",
            aggfunc="first",
            sort=False,
        )
        wide.columns = [f"{g} (n={self.group_sizes[g]})" for g in wide.columns]
        if self.smd is not None:
            smd = self.smd.assign(level=self.smd["level"].fillna("")).set_index(
                ["variable", "level"]
            )["smd"]
            wide["SMD"] = smd.reindex(wide.index).map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
        return wide


def table_one(
    data: pd.DataFrame,
    group: str,
    *,
    continuous: Sequence[str] = (),
    categorical: Sequence[str] = (),
    threshold: int = DEFAULT_THRESHOLD,
) -> TableOneResult:
    """Describe participants by group: counts and percentages, means and SDs, SMDs.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    group : str
        Grouping column (e.g. ``"programme"``).
    continuous : sequence of str
        Numeric columns summarised by mean and standard deviation.
    categorical : sequence of str
        Categorical or boolean columns summarised by counts and percentages.
    threshold : int, default=10
        Small-cell threshold: counts ``1 <= n < threshold`` are suppressed, with
        secondary suppression within each variable and group; means and SDs based on
        fewer than ``threshold`` people are suppressed.

    Returns
    -------
    TableOneResult

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If ``data`` is empty, lacks a named column, or ``threshold`` is not a positive
        integer.

    Notes
    -----
    Percentages use all members of the group as denominator, so a variable's levels
    (with ``(missing)``) add up to 100. SMDs are computed on the non-missing values
    (:func:`standardized_mean_difference`), the comparison group minus the first group.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"g": ["a", "b"] * 20, "age": range(40)})
    >>> t = table_one(df, "g", continuous=["age"])
    >>> t.table[["group", "n", "mean"]].to_numpy().tolist()
    [['a', 20.0, 19.0], ['b', 20.0, 20.0]]
    """
    check_data(data)
    check_columns(data, [group, *continuous, *categorical])
    groups = data[group]
    labels = _group_labels(groups)
    sizes = {g: int((groups == g).sum()) for g in labels}
    rows = [row for v in continuous for row in _continuous_rows(data[v], groups, labels)]
    rows += [row for v in categorical for row in _categorical_rows(data[v], groups, sizes)]
    table = _suppressed(rows, threshold)
    smd = None
    if len(labels) == 2:
        in_groups = data[groups.isin(labels)]
        smd = _blanked_smd(in_groups, [*continuous, *categorical], group, labels[0], table)
    return TableOneResult(table=table, smd=smd, group=group, group_sizes=sizes, threshold=threshold)


def _group_labels(groups: pd.Series) -> list:
    """The groups present: categories in their order, other values sorted."""
    if isinstance(groups.dtype, pd.CategoricalDtype):
        return [c for c in groups.cat.categories if (groups == c).any()]
    return sorted(groups.dropna().unique().tolist())


def _continuous_rows(x: pd.Series, groups: pd.Series, labels: list) -> list[dict]:
    """Per group: non-missing count, mean and SD, and a ``(missing)`` row if any are missing."""
    rows = []
    for g in labels:
        values = x[groups == g].astype("float64")
        rows.append(
            {
                "variable": x.name,
                "level": None,
                "kind": "continuous",
                "group": g,
                "n": int(values.notna().sum()),
                "mean": values.mean(),
                "sd": values.std(),
            }
        )
        if values.isna().any():
            rows.append(
                {
                    "variable": x.name,
                    "level": MISSING_LEVEL,
                    "kind": "missing",
                    "group": g,
                    "n": int(values.isna().sum()),
                }
            )
    return rows


def _categorical_rows(s: pd.Series, groups: pd.Series, sizes: dict) -> list[dict]:
    """Per group and level (all categories, and ``(missing)``): count and percentage."""
    levels = (
        list(s.cat.categories)
        if isinstance(s.dtype, pd.CategoricalDtype)
        else sorted(s.dropna().unique().tolist())
    )
    if s.isna().any():
        levels.append(MISSING_LEVEL)
    rows = []
    for g, size in sizes.items():
        x = s[groups == g]
        for level in levels:
            n = int(x.isna().sum()) if level == MISSING_LEVEL else int((x == level).sum())
            rows.append(
                {
                    "variable": s.name,
                    "level": level,
                    "kind": "categorical",
                    "group": g,
                    "n": n,
                    "percent": 100.0 * n / size,
                }
            )
    return rows


def _suppressed(rows: list[dict], threshold: int) -> pd.DataFrame:
    """The tidy table with means of few people and small counts suppressed."""
    table = pd.DataFrame(
        rows, columns=["variable", "level", "kind", "group", "n", "percent", "mean", "sd"]
    )
    small_mean = (table["kind"] == "continuous") & (table["n"] < threshold)
    table[["mean", "sd"]] = table[["mean", "sd"]].mask(small_mean)
    return suppress_small_counts(
        table, "n", threshold=threshold, margins=[["variable", "group"]], derived=["percent"]
    ).table


def _blanked_smd(
    data: pd.DataFrame, columns: list[str], group: str, reference: object, table: pd.DataFrame
) -> pd.DataFrame:
    """SMDs by variable and level, blank where a cell they are computed from is blank."""
    smd_table = standardized_mean_difference(data, columns, group, reference=reference).table
    smd = smd_table[["variable", "level", "smd"]].copy()
    smd["level"] = smd["level"].astype(object)
    blank_cell = np.where(table["kind"] == "continuous", table["mean"].isna(), table["n"].isna())
    hidden = table.loc[blank_cell, ["variable", "level"]]
    hidden_keys = set(zip(hidden["variable"], hidden["level"], strict=True))
    blank = [(v, lvl) in hidden_keys for v, lvl in zip(smd["variable"], smd["level"], strict=True)]
    smd.loc[blank, "smd"] = np.nan
    return smd
