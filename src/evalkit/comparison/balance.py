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
from evalkit._stats.covariates import indicator_columns
from evalkit._validation import (
    check_columns,
    check_data,
    check_one_of,
    check_positive,
)
from evalkit._warning_texts import warning_text
from evalkit.comparison._design import ESTIMANDS
from evalkit.comparison.matching import MatchResult
from evalkit.comparison.propensity import PropensityResult, _check_same_rows
from evalkit.comparison.weights import WeightsResult, effective_sample_size, propensity_weights
from evalkit.descriptives import standardized_mean_difference
from evalkit.errors import EvalkitWarning
from evalkit.reporting.catalogue import column_label, text, value_label
from evalkit.reporting.disclosure import (
    ACROSS_COUNTS,
    DEFAULT_THRESHOLD,
    PUBLICATION_DECIMALS,
    PublicationSpec,
    check_threshold,
    publish,
)

_SMD_COLUMNS = ("smd_before", "smd_after", "variance_ratio_before", "variance_ratio_after")
#: cobalt's and MatchIt's columns, each before and after adjustment.
_MEAN_COLUMNS = ("mean_treated_before", "mean_comparison_before", "mean_treated_after",
                 "mean_comparison_after")
_DIFF_COLUMNS = ("diff_before", "diff_after", "ecdf_mean_before", "ecdf_mean_after",
                 "ecdf_max_before", "ecdf_max_after")

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
        ``suppressed`` (SMDs blanked for disclosure, see ``min_count``); then as
        R ``cobalt::bal.tab`` and ``MatchIt``'s ``summary`` report them: ``type``
        (``"binary"`` for levels, booleans and two-valued numeric columns, else
        ``"contin."``), ``mean_treated_*`` and ``mean_comparison_*`` (proportions
        for binary rows), ``diff_*`` (the raw difference in proportions of a binary
        row, the SMD of a continuous one), ``ecdf_mean_*`` and ``ecdf_max_*`` (the
        mean and largest gap between the groups' eCDFs; the largest is the KS
        statistic), each ``_before`` and ``_after`` adjustment.
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
            derived=(*_SMD_COLUMNS, "balanced", *_MEAN_COLUMNS, *_DIFF_COLUMNS),
            margins=(("variable", ACROSS_COUNTS),),
            decimals={
                **dict.fromkeys((*_SMD_COLUMNS, *_DIFF_COLUMNS), PUBLICATION_DECIMALS["smd"]),
                **dict.fromkeys(_MEAN_COLUMNS, 3),
            },
            dimensions=("variable", "level"),
        ),
    }

    @property
    def all_balanced(self) -> bool:
        """Whether every covariate shown (not suppressed, SMD defined) meets the threshold
        after weighting."""
        shown = ~self.table["suppressed"] & self.table["balanced"].notna()
        return bool(self.table.loc[shown, "balanced"].all())

    def plot(self, ax=None, *, threshold: int = DEFAULT_THRESHOLD, language: str = "en"):
        """Love plot: |SMD| before and after weighting; returns the Axes.

        Rows blanked in the published table (a level that fewer than ``threshold``
        people of a group have, and its secondary partner) are listed without markers.
        The axis label and legend are in ``language`` (the report catalogue's). Raises
        ``ValueError`` if ``threshold`` is below 5 or ``language`` is unknown; warns
        (``DisclosureWarning``) below 10.
        """
        shown = publish(self, "table", threshold=threshold).table
        ax = axes(ax, (5.5, 0.28 * len(self.table) + 1.2))
        labels = [
            column_label(v, language) if lvl is None or (isinstance(lvl, float) and np.isnan(lvl))
            else f"{column_label(v, language)}: {value_label(lvl, language)}"
            for v, lvl in zip(self.table["variable"], self.table["level"], strict=True)
        ]
        y = np.arange(len(labels))
        before, after = (
            self.table[c].where(shown[c].notna()).abs() for c in ("smd_before", "smd_after")
        )
        ax.scatter(before, y, marker="o", facecolors="none", edgecolors="C1",
                   label=text("figure.before_adjustment", language))
        ax.scatter(after, y, marker="o", color="C0",
                   label=text("figure.after_adjustment", language))
        ax.axvline(self.threshold, color="grey", linestyle="--", linewidth=1)
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.set_xlabel(text("axis.smd", language))
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
        ``balanced`` and ``suppressed``, then cobalt's ``type``, group means,
        ``diff_*`` and eCDF mean / max (KS) columns before and after;
        ``all_balanced`` (over the rows shown); ``plot()`` draws the love plot.

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame, or ``weights`` is neither a
        :class:`WeightsResult` nor a :class:`MatchResult`.
    ValueError
        If ``data`` is empty, lacks a covariate or has another number of rows than
        the model or the weights; the weights of a group sum to 0 (a matching
        without pairs); ``estimand`` is not ATE, ATT or ATO; ``threshold`` is not
        positive; ``min_count`` is not an integer of at least 5.

    Warns
    -----
    DisclosureWarning
        If ``min_count`` is below 10.
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

    The columns after ``suppressed`` are those of R ``cobalt::bal.tab`` (``Type``,
    ``M.0``, ``M.1``, ``Diff``, ``KS``) and ``MatchIt``'s ``summary`` (``eCDF
    Mean``, ``eCDF Max``), each before (``_before``, unit weights) and after
    (``_after``) adjustment. A level of a categorical or text column, a boolean and
    a numeric column with exactly two values are ``"binary"`` (cobalt's
    ``binarize``: 0, or else the lower value, is "no"): their means are proportions,
    ``diff`` is the raw difference in proportions (cobalt's default ``binary =
    "raw"``; the ``smd`` columns stay standardised, as ``binary = "std"``), their
    eCDF statistics equal ``|diff|`` and they get no variance ratio. For a
    continuous row ``diff`` is the SMD above (the denominator is cobalt's default
    ``s.d.denom``: ``"treated"`` for the ATT and matching, ``"pooled"`` for ATE
    and ATO). The eCDF statistics weight each group to sum to 1 and take the gap
    between the two cumulative sums at every distinct value of the covariate (among
    all rows with a value, matched or not): its mean (``eCDF Mean``) and largest
    value (``eCDF Max``, cobalt's KS statistic). Group means use the adjustment
    weights; all are treated minus comparison. Rows with a missing value are left
    out of that covariate's statistics. Known difference: for a numeric 0/1 column
    the ``smd`` columns divide by the sample SD, MatchIt by ``sqrt(p (1 - p))``.

    References
    ----------
    Austin, P. C. (2009). Balance diagnostics for comparing the distribution of
    baseline covariates between treatment groups in propensity-score matched samples.
    *Statistics in Medicine*, 28, 3083-3107. Greifer, N. ``cobalt``: covariate balance
    tables and plots (R package; ``bal.tab`` with ``s.d.denom``). Ho, D. E., Imai,
    K., King, G. & Stuart, E. A. (2011). MatchIt. *J. Stat. Software*, 42(8). On
    lalonde this reproduces the cobalt 4.2.4 vignette's ``bal.tab`` with ATT weights
    (means, differences, variance ratios, effective sample size) and the MatchIt
    4.7.2 vignette's ``summary`` before and after nearest-neighbour matching (eCDF
    mean and max too), to their printed 4 decimals. Elsewhere: R
    ``cobalt::bal.tab(x, un = TRUE, disp = "means", stats = c("m", "v", "ks"))``
    and ``summary(matchit_object)``; Stata ``tebalance summarize`` (standardised
    differences and variance ratios).

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
    table = table.join(_cobalt_columns(data, covariates, ps.treated, w, table["smd_before"],
                                       table["smd_after"]))
    binary = table["type"] == "binary"  # two-valued numeric columns: no variance ratio
    table.loc[binary, ["variance_ratio_before", "variance_ratio_after"]] = np.nan
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
    groups = (("treated", ps.treated), ("comparison", ~ps.treated))
    empty = [name for name, rows in groups if not w[rows].sum() > 0]
    if empty:
        raise ValueError(
            f"the adjustment gives the {' and the '.join(empty)} group a total weight of 0 "
            "(e.g. a matching without pairs), so there is nothing to compare after it; "
            "widen the caliper or drop exact columns, or check the weights."
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
    table.loc[small, ["smd_before", "smd_after", *_MEAN_COLUMNS, *_DIFF_COLUMNS]] = np.nan
    table["balanced"] = table["balanced"].astype(object).where(~small, None)


def _warn_undefined(table: pd.DataFrame) -> None:
    """Warn, naming them, about the covariates shown whose SMD is undefined (no spread)."""
    undefined = ~table["suppressed"] & table[["smd_before", "smd_after"]].isna().any(axis=1)
    if undefined.any():
        warnings.warn(
            warning_text("warning.balance.constant",
                         covariates=list(dict.fromkeys(table.loc[undefined, "variable"]))),
            EvalkitWarning,
            stacklevel=3,
        )



def _cobalt_columns(
    data: pd.DataFrame, covariates: Sequence[str], treated: np.ndarray, w: np.ndarray,
    smd_before: pd.Series, smd_after: pd.Series,
) -> pd.DataFrame:
    """cobalt's type, group means, differences and eCDF statistics of each row, before
    (unit weights) and after (``w``) adjustment; variance ratios of binary rows blanked
    by the caller's table."""
    rows = []
    for variable, level, kind, x in indicator_columns(data, covariates):
        values = x.to_numpy(dtype="float64")
        binary = kind == "binary" or np.unique(values[~np.isnan(values)]).size == 2
        if binary and kind != "binary":  # cobalt's binarize: 0 if present, else the lower value
            seen = np.unique(values[~np.isnan(values)])
            zero = 0.0 if 0.0 in seen else seen[0]
            values = np.where(np.isnan(values), np.nan, (values != zero).astype(float))
        row = {"variable": variable, "level": level, "type": "binary" if binary else "contin."}
        for when, weights in (("before", np.ones(len(values))), ("after", w)):
            row.update(_group_stats(values, treated, weights, binary, when))
        rows.append(row)
    out = pd.DataFrame(rows, index=smd_before.index)
    continuous = out["type"] == "contin."
    out["diff_before"] = out["diff_before"].where(~continuous, smd_before)
    out["diff_after"] = out["diff_after"].where(~continuous, smd_after)
    columns = ["type", *_MEAN_COLUMNS, *_DIFF_COLUMNS]
    return out[columns]


def _group_stats(values, treated, weights, binary, when) -> dict:
    """Weighted group means, their difference and the eCDF gaps (MatchIt's ``qqsum`` with
    ``standardize = TRUE``: each group's weights summing to 1, the gap between the two
    cumulative sums at each distinct value, its mean and maximum)."""
    ok = ~np.isnan(values)
    x, t, w = values[ok], treated[ok], weights[ok]
    totals = np.array([w[t].sum(), w[~t].sum()])
    with np.errstate(invalid="ignore", divide="ignore"):
        m1, m0 = np.dot(w[t], x[t]) / totals[0], np.dot(w[~t], x[~t]) / totals[1]
        if binary:
            gap_mean = gap_max = abs(m1 - m0)
        else:
            order = np.argsort(x, kind="stable")
            signed = np.where(t, w / totals[0], -w / totals[1])[order]
            last = np.append(np.diff(x[order]) != 0, True)  # last row of each distinct value
            gaps = np.abs(np.cumsum(signed))[last]
            gap_mean, gap_max = (gaps.mean(), gaps.max()) if gaps.size else (np.nan, np.nan)
    return {
        f"mean_treated_{when}": m1, f"mean_comparison_{when}": m0,
        f"diff_{when}": m1 - m0, f"ecdf_mean_{when}": gap_mean, f"ecdf_max_{when}": gap_max,
    }
