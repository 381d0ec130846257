"""Covariate balance before and after weighting or matching (SMDs, variance ratios)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._plotting import axes
from evalkit._results import TableResult
from evalkit._stats.arrays import level_counts
from evalkit._validation import (
    check_columns,
    check_data,
    check_one_of,
    check_positive,
)
from evalkit.comparison._design import ESTIMANDS
from evalkit.comparison.matching import MatchResult
from evalkit.comparison.propensity import PropensityResult, _check_same_rows
from evalkit.comparison.weights import WeightsResult, effective_sample_size, propensity_weights
from evalkit.descriptives import standardized_mean_difference
from evalkit.errors import EvalkitWarning
from evalkit.reporting.disclosure import (
    ACROSS_COUNTS,
    DEFAULT_THRESHOLD,
    PUBLICATION_DECIMALS,
    PublicationSpec,
    check_threshold,
    publish,
)

_SMD_COLUMNS = ("smd_before", "smd_after", "variance_ratio_before", "variance_ratio_after")

__all__ = ["BalanceResult", "balance"]


@dataclass(frozen=True)
class BalanceResult(TableResult):
    """Covariate balance before and after weighting.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per variable (level): ``n_treated`` and ``n_comparison`` (people of
        each group with the level, or with a value of a numeric variable),
        ``smd_before``, ``smd_after``, ``variance_ratio_before``,
        ``variance_ratio_after``, ``balanced`` (``|smd_after| < threshold``) and
        ``suppressed`` (SMDs blanked for disclosure, see ``min_count``).
    threshold : float
        The |SMD| threshold.
    effective_n : dict
        Kish effective sample size of each group after weighting.
    """

    table: pd.DataFrame
    threshold: float
    effective_n: dict

    #: How the table is published: a level that fewer than the threshold people of a
    #: group have is suppressed (with a partner among the levels of its variable, whose
    #: total is the group size), its SMDs and variance ratios blanked, all rounded.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n_treated", "n_comparison"),
            derived=(*_SMD_COLUMNS, "balanced"),
            margins=(("variable", ACROSS_COUNTS),),
            decimals=dict.fromkeys(_SMD_COLUMNS, PUBLICATION_DECIMALS["smd"]),
            dimensions=("variable", "level"),
        ),
    }

    @property
    def all_balanced(self) -> bool:
        """Whether every covariate shown (not suppressed, SMD defined) meets the threshold
        after weighting."""
        shown = ~self.table["suppressed"] & self.table["balanced"].notna()
        return bool(self.table.loc[shown, "balanced"].all())

    def plot(self, ax=None, *, threshold: int = DEFAULT_THRESHOLD):
        """Love plot: |SMD| before and after weighting; returns the Axes.

        Rows blanked in the published table (a level that fewer than ``threshold``
        people of a group have, and its secondary partner) are listed without markers.
        Raises ``ValueError`` if ``threshold`` is below 5; warns (``DisclosureWarning``)
        below 10.
        """
        shown = publish(self, "table", threshold=threshold).table
        ax = axes(ax, (5.5, 0.28 * len(self.table) + 1.2))
        labels = [
            v if lvl is None or (isinstance(lvl, float) and np.isnan(lvl)) else f"{v}: {lvl}"
            for v, lvl in zip(self.table["variable"], self.table["level"], strict=True)
        ]
        y = np.arange(len(labels))
        before, after = (
            self.table[c].where(shown[c].notna()).abs() for c in ("smd_before", "smd_after")
        )
        ax.scatter(before, y, marker="o", facecolors="none", edgecolors="C1", label="before")
        ax.scatter(after, y, marker="o", color="C0", label="after")
        ax.axvline(self.threshold, color="grey", linestyle="--", linewidth=1)
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.set_xlabel("|standardized mean difference|")
        ax.legend(frameon=False, loc="lower right")
        return ax


def balance(
    data: pd.DataFrame,
    covariates: Sequence[str],
    ps: PropensityResult,
    *,
    weights: WeightsResult | MatchResult | None = None,
    estimand: str = "ATE",
    threshold: float = 0.1,
    min_count: int | None = None,
) -> BalanceResult:
    """Standardized mean differences and variance ratios before and after adjustment.

    Parameters
    ----------
    data : pandas.DataFrame
        The data the propensity model was fitted on (same rows, same order).
    covariates : sequence of str
        Covariates to check (categorical ones give one row per level). Include
        covariates *not* in the propensity model too: balance on them is not forced.
    ps : PropensityResult
        The fitted model (defines the groups).
    weights : WeightsResult or MatchResult, optional
        The adjustment to check: weights from :func:`propensity_weights` (e.g.
        truncated) or a matching from :func:`match`. Default: untruncated
        :func:`propensity_weights` for ``estimand``.
    estimand : {"ATE", "ATT", "ATO"}, default="ATE"
        Which weights to use when ``weights`` is not given; with ``"ATT"`` (and for a
        matching) the SMD is standardised by the treated group's SD.
    threshold : float, default=0.1
        Balance is declared when |SMD| after adjustment is below it.
    min_count : int, optional
        Disclosure control for published tables: a binary row (a level of a
        categorical) where fewer than ``min_count`` people of either group have, or
        lack, the level gets its SMDs and ``balanced`` blanked and ``suppressed``
        set, since with the group sizes its SMD would reveal those few people (e.g.
        pass the report's disclosure threshold, 10).

    Returns
    -------
    BalanceResult
        ``table`` with ``smd_before``, ``smd_after``, the variance ratios,
        ``balanced`` and ``suppressed``; ``all_balanced`` (over the rows shown);
        ``plot()`` draws the love plot.

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame, or ``weights`` is neither a
        :class:`WeightsResult` nor a :class:`MatchResult`.
    ValueError
        If ``data`` is empty, lacks a covariate or has another number of rows than
        the model or the weights; ``estimand`` is not ATE, ATT or ATO; ``threshold``
        is not positive; ``min_count`` is not an integer of at least 5.

    Warns
    -----
    DisclosureWarning
        If ``min_count`` is below 10.

    Warns
    -----
    EvalkitWarning
        Once per covariate set whose SMD is undefined (it does not vary: a constant
        column): its SMDs are NaN and ``balanced`` is ``None``; ``all_balanced``
        leaves it out.

    Notes
    -----
    SMDs come from :func:`evalkit.descriptives.standardized_mean_difference` with the
    *unweighted* SD in the denominator before and after, so the two columns are on the
    same scale (R ``cobalt``'s convention): the pooled SD for ATE and ATO, the treated
    group's for ATT and matching. Variance ratios (treated / comparison, continuous
    covariates) should lie within about 0.5-2 (Rubin 2001). Overlap weights balance
    the means of every term of a logistic propensity model exactly.

    References
    ----------
    Austin, P. C. (2009). Balance diagnostics for comparing the distribution of
    baseline covariates between treatment groups in propensity-score matched samples.
    *Statistics in Medicine*, 28, 3083-3107. Greifer, N. ``cobalt``: covariate balance
    tables and plots (R package; ``bal.tab`` with ``s.d.denom``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from evalkit.comparison import propensity_score
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=500)})
    >>> df["g"] = np.where(rng.random(500) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> b = balance(df, ["x"], propensity_score(df, "g ~ x", treated="a"), estimand="ATO")
    >>> b.all_balanced
    True
    """
    check_data(data)
    check_columns(data, list(covariates))
    check_one_of(estimand, ESTIMANDS, name="estimand")
    _check_same_rows(data, ps)
    check_positive(threshold, name="threshold", fix="pass an |SMD| such as 0.1.")
    if min_count is not None:
        min_count = check_threshold(min_count, name="min_count")
    w, att = _adjustment_weights(weights, ps, estimand, len(data))
    denominator = "other" if att else "pooled"
    frame = data[list(covariates)].assign(_group=ps.treated, _w=w)
    with warnings.catch_warnings():  # warned once below, for the rows shown
        warnings.simplefilter("ignore", EvalkitWarning)
        before = standardized_mean_difference(
            frame, covariates, "_group", reference=False, denominator=denominator
        ).table
        after = standardized_mean_difference(
            frame, covariates, "_group", reference=False, weights="_w", denominator=denominator
        ).table
    table = _balance_table(before, after, threshold)
    if min_count is not None:
        _suppress_small_levels(table, before, min_count)
    _warn_undefined(table)
    return BalanceResult(
        table=table,
        threshold=threshold,
        effective_n={
            str(ps.treated_label): effective_sample_size(w[ps.treated]),
            "comparison": effective_sample_size(w[~ps.treated]),
        },
    )


def _adjustment_weights(
    weights: WeightsResult | MatchResult | None, ps: PropensityResult, estimand: str, n: int
) -> tuple[np.ndarray, bool]:
    """Each row's weight, and whether SMDs take the treated group's SD (ATT, matching)."""
    if weights is None:
        weights = propensity_weights(ps, estimand=estimand)
    if isinstance(weights, WeightsResult):
        w, att = weights.weights, weights.estimand == "ATT"
    elif isinstance(weights, MatchResult):
        w, att = weights.weights, True
    else:
        raise TypeError(
            "weights must be a WeightsResult (propensity_weights) or a MatchResult (match), "
            f"but got {type(weights).__name__}."
        )
    if len(w) != n:
        raise ValueError(
            f"weights has {len(w)} entries but data has {n} rows; compute the "
            "weights or the matching on the same data."
        )
    return w, att


def _balance_table(before: pd.DataFrame, after: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """SMDs and variance ratios side by side, and whether each row is balanced."""
    table = pd.DataFrame(
        {
            "variable": before["variable"],
            "level": before["level"],
            "n_treated": level_counts(before["kind"], before["mean_other"], before["n_other"]),
            "n_comparison": level_counts(
                before["kind"], before["mean_reference"], before["n_reference"]
            ),
            "smd_before": before["smd"],
            "smd_after": after["smd"],
            "variance_ratio_before": before["variance_ratio"],
            "variance_ratio_after": after["variance_ratio"],
        }
    )
    table["balanced"] = table["smd_after"].abs() < threshold
    undefined = table["smd_after"].isna()  # no spread to standardise by: neither
    if undefined.any():
        table["balanced"] = table["balanced"].astype(object).where(~undefined, None)
    table["suppressed"] = False
    return table


def _suppress_small_levels(table: pd.DataFrame, before: pd.DataFrame, min_count: int) -> None:
    """Blank (in place) the rows of levels that fewer than ``min_count`` people have or lack."""
    held = np.stack([before["mean_reference"] * before["n_reference"],
                     before["mean_other"] * before["n_other"]], axis=1).round()
    sizes = before[["n_reference", "n_other"]].to_numpy()
    small = (np.minimum(held, sizes - held) < min_count).any(axis=1)
    small &= (before["kind"] == "binary").to_numpy()
    table["suppressed"] = small
    table.loc[small, ["smd_before", "smd_after"]] = np.nan
    table["balanced"] = table["balanced"].astype(object).where(~small, None)


def _warn_undefined(table: pd.DataFrame) -> None:
    """Warn, naming them, about the covariates shown whose SMD is undefined (no spread)."""
    undefined = ~table["suppressed"] & table[["smd_before", "smd_after"]].isna().any(axis=1)
    if undefined.any():
        warnings.warn(
            f"covariate(s) {list(dict.fromkeys(table.loc[undefined, 'variable']))} do not vary "
            "(the standard deviation of the SMD is 0: a constant column, or a level nobody or "
            "everybody has), so their SMD is undefined: NaN, balanced None, and left out of "
            "all_balanced. Compare their means directly, or drop them.",
            EvalkitWarning,
            stacklevel=3,
        )

