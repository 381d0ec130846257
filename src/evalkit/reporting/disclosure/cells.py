"""Cell suppression of one table: primary, secondary along margins, derived statistics.

Counts below a threshold are suppressed (primary suppression) and, where a
suppressed cell could be recovered by subtraction from a published margin, a
second cell of the same margin is suppressed too (secondary suppression).
Statistics computed from a suppressed count (percentages, means, SMDs) are
blanked with it. Regression tables blank the coefficients of levels that few people
have (:func:`rare_indicators`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evalkit._results import TableResult
from evalkit._validation import check_columns
from evalkit.errors import DisclosureError
from evalkit.reporting.disclosure.policy import DEFAULT_THRESHOLD, check_threshold

__all__ = ["SuppressionResult", "rare_indicators", "suppress_small_counts"]


@dataclass(frozen=True)
class SuppressionResult(TableResult):
    """A table after small-cell suppression.

    Attributes
    ----------
    table : pandas.DataFrame
        The input table with suppressed counts (and the statistics derived from
        them) set to missing, plus a ``suppression`` column: ``""`` (published),
        ``"primary"`` (count below the threshold) or ``"secondary"`` (suppressed
        so that a primary cell cannot be recovered from a margin).
    threshold : int
        Counts ``1 <= n < threshold`` were suppressed.
    n_primary, n_secondary : int
        Number of cells suppressed for each reason.
    """

    table: pd.DataFrame
    threshold: int
    n_primary: int
    n_secondary: int


def _secondary(
    counts: np.ndarray,
    suppressed: np.ndarray,
    margins: list[np.ndarray],
    locked: np.ndarray | None = None,
) -> np.ndarray:
    """Mark secondary cells until no margin group holds exactly one suppressed cell.

    ``locked`` cells are published elsewhere already, so hiding them here protects
    nothing: they are never chosen; a margin left with no other cell raises.
    """
    secondary = np.zeros_like(suppressed)
    free = np.ones_like(suppressed) if locked is None else ~locked
    changed = True
    while changed:
        changed = False
        for codes in margins:
            hidden = suppressed | secondary
            for code in np.unique(codes[hidden]):
                member = codes == code
                if (hidden & member).sum() != 1:
                    continue
                candidates = np.flatnonzero(member & ~hidden & free & (counts > 0))
                if candidates.size == 0:
                    # Only zeros are left: hiding one still leaves the primary cell's
                    # value undetermined within the margin.
                    candidates = np.flatnonzero(member & ~hidden & free)
                if candidates.size == 0:
                    if (member & ~hidden & ~free).any():
                        raise DisclosureError(
                            "a suppressed cell would be recoverable from its margin: every "
                            "other cell of the margin is already published in another table. "
                            "Publish this table without that margin, or at a coarser level."
                        )
                    continue
                # The smallest published cell of the margin hides the primary one best
                # while losing the least information.
                secondary[candidates[np.argmin(counts[candidates])]] = True
                changed = True
    return secondary


def suppress_small_counts(
    table: pd.DataFrame,
    count: str,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    margins: Sequence[Sequence[str]] = (),
    derived: Sequence[str] = (),
    suppress_zeros: bool = False,
    hidden: np.ndarray | None = None,
    locked: np.ndarray | None = None,
) -> SuppressionResult:
    """Suppress small counts in a table, with secondary suppression along margins.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per published cell.
    count : str
        Column with the cell counts (number of people).
    threshold : int, default=10
        Counts with ``1 <= count < threshold`` are suppressed.
    margins : sequence of sequence of str, default=()
        Each entry lists the columns that identify one published margin: the cells
        sharing those values add up to a total that is published (or derivable)
        elsewhere, e.g. ``[["variable", "programme"]]`` for the levels of each
        variable within a programme. Where a margin holds exactly one suppressed
        cell, its smallest other non-zero cell (or, failing one, a zero cell) is
        suppressed too, repeated over all margins until stable.
    derived : sequence of str, default=()
        Columns computed from the count (percentages, means, standard deviations,
        SMDs); they are blanked wherever the count is suppressed.
    suppress_zeros : bool, default=False
        Also suppress zero counts (when "nobody in this group" is itself disclosive).
    hidden : array of bool, optional
        Cells to suppress whatever their count (suppressed in another table of the same
        report, see :class:`~evalkit.reporting.disclosure.DisclosureLedger`); marked
        ``"secondary"``.
    locked : array of bool, optional
        Cells already published in another table: never chosen as secondary cells.

    Returns
    -------
    SuppressionResult
        The table with suppressed cells set to missing and a ``suppression`` column.

    Raises
    ------
    ValueError
        If a named column is missing, ``threshold`` is not an integer of at least 5, or
        a count is missing or negative.
    DisclosureError
        If a suppressed cell cannot be protected because the rest of its margin is
        ``locked``.

    Warns
    -----
    DisclosureWarning
        If ``threshold`` is below 10.

    Notes
    -----
    This is threshold-based cell suppression with a greedy secondary step, the method
    of most statistical offices' output checking guidelines for frequency tables
    (Hundepool et al. 2012, ch. 5). It protects against recovering a small cell by
    subtraction from one published margin; it does not solve the general
    multi-dimensional problem optimally (tau-ARGUS does), so publish the fewest
    margins you need.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"site": ["A", "B", "C"], "n": [40, 3, 25]})
    >>> r = suppress_small_counts(t, "n", margins=[[]])
    >>> r.table["suppression"].tolist()
    ['', 'primary', 'secondary']
    """
    check_columns(table, [count, *derived, *(c for margin in margins for c in margin)])
    threshold = check_threshold(threshold)
    counts = table[count].to_numpy(dtype="float64")
    if np.any(np.isnan(counts) | (counts < 0)):
        rows = table.index[np.isnan(counts) | (counts < 0)][:5].tolist()
        raise ValueError(
            f"column {count!r} must hold non-negative counts, but rows {rows} do not; "
            "pass a table of observed counts."
        )
    low = 0 if suppress_zeros else 1
    primary = (counts >= low) & (counts < threshold)
    forced = np.zeros_like(primary) if hidden is None else np.asarray(hidden, bool) & ~primary
    codes = [
        table.groupby(list(margin), sort=False, observed=True, dropna=False)
        .ngroup().to_numpy()
        if margin
        else np.zeros(len(table), dtype=int)
        for margin in margins
    ]
    secondary = forced | (
        _secondary(counts, primary | forced, codes, locked) if codes else forced
    )
    out = table.copy()
    hidden = primary | secondary
    for column in (count, *derived):
        out[column] = out[column].astype("float64").mask(hidden)
    out["suppression"] = np.where(primary, "primary", np.where(secondary, "secondary", ""))
    return SuppressionResult(
        table=out,
        threshold=int(threshold),
        n_primary=int(primary.sum()),
        n_secondary=int(secondary.sum()),
    )


def rare_indicators(x: np.ndarray, names: Sequence[str], min_count: int) -> list[str]:
    """Design columns coding a level (0/1) that fewer than ``min_count`` rows have, or lack.

    A regression coefficient of such a level is estimated from those few people
    alone, so a published model blanks it (output checking rules of statistical
    offices ask for a minimum number of units behind every dummy).

    Parameters
    ----------
    x : numpy.ndarray
        Design matrix, one column per name.
    names : sequence of str
        Column names.
    min_count : int
        Smallest number of people with (and without) the level.

    Returns
    -------
    list of str
        The names of the rare levels' columns (constant columns are never listed).

    Raises
    ------
    ValueError
        If ``min_count`` is not an integer of at least 5.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.column_stack([np.ones(20), np.r_[np.ones(3), np.zeros(17)], np.arange(20)])
    >>> rare_indicators(x, ["Intercept", "gender[T.x]", "age"], min_count=10)
    ['gender[T.x]']
    """
    min_count = check_threshold(min_count, name="min_count")
    rare = []
    for j, name in enumerate(names):
        column = x[:, j]
        ones = int(np.count_nonzero(column == 1))
        zeros = int(np.count_nonzero(column == 0))
        if ones + zeros == len(column) and 0 < ones < len(column):
            if min(ones, zeros) < min_count:
                rare.append(name)
    return rare
