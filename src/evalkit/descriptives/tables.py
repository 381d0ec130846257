"""Frequency tables and "Table 1" of the people two programmes enrol, with disclosure control."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._results import TableResult
from evalkit._validation import check_columns, check_data
from evalkit.descriptives.smd import standardized_mean_difference
from evalkit.reporting.disclosure import (
    DEFAULT_THRESHOLD,
    PUBLICATION_DECIMALS,
    PublicationSpec,
    PublishedTable,
    SuppressionResult,
    at_risk_label,
    suppress_small_counts,
)
from evalkit.reporting.format import MINUS, NUMERALS, localise_digits

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
    counts : pandas.DataFrame
        The same table before suppression (every count, full precision): what
        :func:`~evalkit.reporting.disclosure.publish` works from, as
        ``publish(result, "counts", threshold=..., ledger=..., population=...)``
        (percentages to 1 decimal).
    """

    table: pd.DataFrame
    by: tuple[str, ...]
    threshold: int
    n_total: int
    counts: pd.DataFrame = field(repr=False)

    #: Published: small counts suppressed along every margin (each ``by`` column
    #: summed out in turn), percentages blanked with them and rounded to 1 decimal.
    publication: ClassVar[dict] = {"counts": lambda result: frequency_spec(result.by)}

    def wide(self, published: PublishedTable | None = None) -> pd.DataFrame:
        """The counts as a cross table: last ``by`` column across, the others down.

        ``published`` (``publish(result, "counts", ...)``) gives its counts instead of
        those of :attr:`table`.
        """
        table = self.table if published is None else published.table
        if len(self.by) == 1:
            return table.set_index(list(self.by))[["n"]]
        return table.pivot_table(
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
        If ``data`` is empty, lacks a ``by`` column, or ``threshold`` is not an integer
        of at least 5.

    Warns
    -----
    DisclosureWarning
        If ``threshold`` is below 10.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.reporting import publish
    >>> df = pd.DataFrame({"programme": ["a"] * 30 + ["b"] * 12})
    >>> frequency_table(df, ["programme"]).table["n"].tolist()
    [30.0, 12.0]
    >>> publish(frequency_table(df, ["programme"]), "counts").table["percent"].tolist()
    [71.4, 28.6]
    """
    check_data(data)
    by = list(by)
    check_columns(data, by)
    counts = data.groupby(by, observed=False, dropna=False).size().rename("n").reset_index()
    counts["percent"] = 100.0 * counts["n"] / len(data)
    spec = frequency_spec(by)
    suppressed = suppress_small_counts(
        counts, "n", threshold=threshold, margins=spec.margins, derived=["percent"]
    )
    return FrequencyResult(
        table=suppressed.table, by=tuple(by), threshold=suppressed.threshold,
        n_total=len(data), counts=counts,
    )


def frequency_spec(by: Sequence[str]) -> PublicationSpec:
    """How a frequency table by ``by`` is published: every ``by`` column summed out is a
    margin a reader knows (the counts of the other columns' levels)."""
    by = list(by)
    return PublicationSpec(
        counts=("n",),
        derived=("percent",),
        margins=tuple(tuple(c for c in by if c != left_out) for left_out in by),
        decimals={"percent": PUBLICATION_DECIMALS["percent"]},
        dimensions=tuple(by),
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
    counts : pandas.DataFrame
        The same table before suppression (every count, full precision): what
        :func:`~evalkit.reporting.disclosure.publish` works from, as
        ``publish(result, "counts", threshold=..., ledger=..., population=...)``;
        show the published form with :meth:`formatted`.
    """

    table: pd.DataFrame
    smd: pd.DataFrame | None
    group: str
    group_sizes: dict
    threshold: int
    counts: pd.DataFrame = field(repr=False)

    #: Published: small counts suppressed within each variable and group (the group's
    #: size is known), percentages, means and SDs blanked with their count and rounded.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "counts": PublicationSpec(
            counts=("n",),
            derived=("percent", "mean", "sd"),
            margins=(("variable", "group"),),
            decimals={
                "percent": PUBLICATION_DECIMALS["percent"],
                "mean": PUBLICATION_DECIMALS["mean"],
                "sd": PUBLICATION_DECIMALS["mean"],
            },
            dimensions=("variable", "level", "group"),
        )
    }

    def formatted(self, digits: int = 1, published: PublishedTable | None = None, *,
                  language: str = "en") -> pd.DataFrame:
        """A display version: "n (%)" or "mean (SD)" per group, and the SMD, as text.

        Parameters
        ----------
        digits : int, default=1
            Decimals of percentages, means and SDs (SMDs have 2).
        published : PublishedTable, optional
            ``publish(result, "counts", ...)``: show its cells (suppressed at its
            threshold and along the report's ledger) instead of :attr:`table`; an
            SMD is blank where a cell of its row is suppressed in either group.
        language : str, default="en"
            How the numbers are written (:mod:`evalkit.reporting.format`): decimal
            mark, ``%``, minus sign (U+2212 in French and Dutch); English as always
            (``25.1 (4.6)``, ``403 (55.2%)``, ``-1.27``).

        Returns
        -------
        pandas.DataFrame
            One row per variable and level, one column per group (headed with its
            size, ``<10`` for a small group) and ``SMD``.
        """
        table = self.table if published is None else published.table
        threshold = self.threshold if published is None else published.threshold
        shown = table.assign(
            level=table["level"].fillna(""),
            cell=table.apply(_cell_text, axis=1, digits=digits, threshold=threshold,
                             language=language),
        )
        wide = shown.pivot_table(
            index=["variable", "level"],
            columns="group",
            values="cell",
            aggfunc="first",
            sort=False,
        )
        wide.columns = [
            f"{g} (n={_written(at_risk_label(self.group_sizes[g], threshold), language)})"
            for g in wide.columns
        ]
        if self.smd is not None:
            smd = self.smd.assign(level=self.smd["level"].fillna("")).set_index(
                ["variable", "level"]
            )["smd"]
            hidden = shown.loc[_blank_cells(table), ["variable", "level"]]
            smd = smd.mask(smd.index.isin(pd.MultiIndex.from_frame(hidden)))
            wide["SMD"] = smd.reindex(wide.index).map(
                lambda v: "" if pd.isna(v) else _written(f"{v:.2f}", language))
        return wide


def _written(number: str, language: str) -> str:
    """A number Table 1 wrote the English way, as ``language`` writes it (English as is)."""
    return number if language == "en" else localise_digits(number.replace("-", MINUS), language)


def _cell_text(row: pd.Series, digits: int, threshold: int, language: str = "en") -> str:
    """One cell of Table 1: "n (%)", "mean (SD)", ``<10`` or "suppressed"."""
    if row["kind"] == "continuous":
        if pd.isna(row["mean"]):
            return "suppressed"
        return _written(f"{row['mean']:.{digits}f} ({row['sd']:.{digits}f})", language)
    if pd.isna(row["n"]):
        return f"<{threshold}" if row["suppression"] == "primary" else "suppressed"
    percent = NUMERALS[language].percent.format(_written(f"{row['percent']:.{digits}f}",
                                                         language))
    return f"{int(row['n'])} ({percent})"


def _blank_cells(table: pd.DataFrame) -> np.ndarray:
    """Rows of a Table 1 whose statistic is not shown (a mean, else a count)."""
    continuous = (table["kind"] == "continuous").to_numpy()
    return np.where(continuous, table["mean"].isna(), table["n"].isna())


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
        Small-cell threshold of :attr:`TableOneResult.table`: counts
        ``1 <= n < threshold`` are suppressed, with secondary suppression within each
        variable and group; means and SDs based on fewer than ``threshold`` people
        are suppressed. ``publish(result, "counts", ...)`` applies a report's
        threshold and ledger.

    Returns
    -------
    TableOneResult

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If ``data`` is empty, lacks a named column, or ``threshold`` is not an integer
        of at least 5.

    Warns
    -----
    DisclosureWarning
        If ``threshold`` is below 10.

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
    counts = pd.DataFrame(
        rows, columns=["variable", "level", "kind", "group", "n", "percent", "mean", "sd"]
    )
    suppressed = _suppressed(counts, threshold)
    table = suppressed.table
    smd = None
    if len(labels) == 2:
        in_groups = data[groups.isin(labels)]
        smd = _blanked_smd(in_groups, [*continuous, *categorical], group, labels[0], table)
    return TableOneResult(table=table, smd=smd, group=group, group_sizes=sizes,
                          threshold=suppressed.threshold, counts=counts)


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


def _suppressed(counts: pd.DataFrame, threshold: int) -> SuppressionResult:
    """The tidy table with small counts and the means of few people suppressed."""
    result = suppress_small_counts(
        counts, "n", threshold=threshold, margins=[["variable", "group"]], derived=["percent"]
    )
    small_mean = (counts["kind"] == "continuous") & (counts["n"] < result.threshold)
    result.table[["mean", "sd"]] = result.table[["mean", "sd"]].mask(small_mean)
    return result


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
