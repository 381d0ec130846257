"""Standardized mean differences between two groups, weighted or not.

The standardized mean difference (SMD) is the balance measure used throughout
evalkit: in the data overview (how different are the people the two programmes
enrol?), in the comparison family (balance before and after weighting or
matching) and in the attrition analysis of the questionnaire family.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._plotting import axes
from evalkit._results import TableResult
from evalkit._stats.covariates import indicator_columns
from evalkit._validation import (
    check_columns,
    check_data,
    check_one_of,
    check_two_groups,
    check_weights,
)
from evalkit._warning_texts import warning_text
from evalkit.errors import EvalkitWarning
from evalkit.reporting.catalogue import column_label, text, value_label
from evalkit.reporting.disclosure import (
    DEFAULT_THRESHOLD,
    PUBLICATION_DECIMALS,
    PublicationSpec,
    check_threshold,
)

__all__ = ["SMDResult", "standardized_mean_difference"]

#: The count columns of an SMD table (reference, other, reference, other).
SMD_COUNTS = ("n_reference", "n_other", "n_smaller_reference", "n_smaller_other")


def small_rows(table: pd.DataFrame, threshold: int) -> np.ndarray:
    """Rows of an SMD table with ``1 <= n < threshold`` people in one of its count cells."""
    counts = table[list(SMD_COUNTS)].to_numpy(dtype=float)
    return ((counts >= 1) & (counts < threshold)).any(axis=1)


def _weighted_mean_var(x: np.ndarray, w: np.ndarray, kind: str) -> tuple[float, float]:
    """Weighted mean and variance: p(1-p) for a 0/1 indicator, else the unbiased
    reliability-weights variance (the sample variance for unit weights)."""
    sw = w.sum()
    mean = float(np.dot(w, x) / sw)
    if kind == "binary":
        return mean, mean * (1.0 - mean)
    denom = sw - np.dot(w, w) / sw
    var = float(np.dot(w, (x - mean) ** 2) / denom) if denom > 0 else np.nan
    return mean, var


@dataclass(frozen=True)
class SMDResult(TableResult):
    """Standardized mean differences between two groups.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per variable (numeric) or per level (categorical), with columns
        ``variable``, ``level``, ``kind``, ``n_reference``, ``n_other`` (people with a
        value), ``n_smaller_reference``, ``n_smaller_other`` (of a binary row, the
        people with the level or, if fewer, without it: the count a mean of a 0/1
        indicator gives away; of a continuous row, ``n``), ``mean_reference``,
        ``mean_other``, ``sd_reference``, ``sd_other``, ``smd`` and ``variance_ratio``
        (other / reference; NaN for binary indicators).
    group : str
        The group column.
    reference, other : object
        The two group labels; ``smd`` is *other minus reference*.
    weighted : bool
        Whether case weights were used for the means and variances.
    """

    table: pd.DataFrame
    group: str
    reference: object
    other: object
    weighted: bool

    #: Published: counts of fewer than the threshold blanked, and with them the means,
    #: SDs and SMD of the row (a mean of a 0/1 level times ``n`` is its count).
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=SMD_COUNTS,
            derived={
                "mean_reference": SMD_COUNTS[0::2],
                "sd_reference": SMD_COUNTS[0::2],
                "mean_other": SMD_COUNTS[1::2],
                "sd_other": SMD_COUNTS[1::2],
                "smd": SMD_COUNTS,
                "variance_ratio": SMD_COUNTS,
            },
            decimals={
                "mean_reference": 3, "mean_other": 3, "sd_reference": 3, "sd_other": 3,
                "smd": PUBLICATION_DECIMALS["smd"], "variance_ratio": PUBLICATION_DECIMALS["ratio"],
            },
        )
    }

    def plot(self, ax=None, *, line: float = 0.1, threshold: int = DEFAULT_THRESHOLD,
             language: str = "en"):
        """Draw |SMD| per variable/level (a one-column love plot); return the Axes.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw (default: a new figure, 5 inches wide, a quarter inch a row).
        line : float, default=0.1
            Where to draw the dashed reference line (|SMD| < 0.1: negligible imbalance).
        threshold : int, default=10
            Disclosure threshold: no dot is drawn for a row with ``1 <= n < threshold``
            people on its smaller side in either group (its label stays).
        language : str, default="en"
            Language of the labels (the report catalogue's): characteristics and their
            levels by :func:`~evalkit.reporting.catalogue.column_label` and
            :func:`~evalkit.reporting.catalogue.value_label`.

        Returns
        -------
        matplotlib.axes.Axes

        Raises
        ------
        ValueError
            On a ``threshold`` below 5 (or not a whole number), or an unknown
            ``language``.

        Warns
        -----
        DisclosureWarning
            On a ``threshold`` below 10.
        """
        threshold = check_threshold(threshold)
        ax = axes(ax, (5, 0.25 * len(self.table) + 1))
        labels = [
            column_label(v, language) if lvl is None or pd.isna(lvl)
            else f"{column_label(v, language)}: {value_label(lvl, language)}"
            for v, lvl in zip(self.table["variable"], self.table["level"], strict=True)
        ]
        y = np.arange(len(labels))
        ax.scatter(self.table["smd"].abs().mask(small_rows(self.table, threshold)), y, color="C0")
        ax.axvline(line, color="grey", linestyle="--", linewidth=1)
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.set_xlabel(text("figure.smd_versus", language, other=self.other,
                           reference=self.reference))
        return ax


def standardized_mean_difference(
    data: pd.DataFrame,
    columns: Sequence[str],
    group: str,
    *,
    reference: object | None = None,
    weights: str | None = None,
    sd_weights: str | None = None,
    denominator: str = "pooled",
) -> SMDResult:
    """Standardized mean differences (SMD) of covariates between two groups.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    columns : sequence of str
        Covariates. Numeric columns give one row; boolean columns a proportion;
        categorical or text columns one row per level (a 0/1 indicator).
    group : str
        Column with exactly two distinct values.
    reference : object, optional
        The reference group label (the SMD is the other group minus this one).
        Default: the first category (or the first in sort order).
    weights : str, optional
        Column of non-negative case weights (e.g. inverse-probability weights) for
        the means and variances. Missing values in a covariate are left out of that
        covariate's summary, with their weights.
    sd_weights : str, optional
        Column of weights for the standard deviations in the denominator. By default
        the denominator uses the *unweighted* standard deviations, so that SMDs before
        and after weighting share the same scale (the convention of R's ``cobalt``).
        Pass the same column as ``weights`` to standardise by weighted SDs instead.
    denominator : {"pooled", "reference", "other"}, default="pooled"
        Which standard deviation standardises the difference: the square root of the
        mean of the two groups' variances, or one group's SD (use the treated group's
        for ATT balance, as MatchIt and cobalt do).

    Returns
    -------
    SMDResult
        ``table`` with one row per variable or level; see :class:`SMDResult`.

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If ``data`` is empty or lacks a named column, ``group`` does not have exactly
        two values, ``reference`` is not one of them, ``denominator`` is not one of the
        three, or a weight is missing, infinite or negative, or the weights are all zero.

    Warns
    -----
    EvalkitWarning
        Naming the covariates whose SMD is undefined because the standard deviation
        that standardises it is 0 (up to rounding: a constant column, a level nobody
        or everybody has): their ``smd`` is NaN, never ±inf or a difference of
        rounding errors divided by one.

    Notes
    -----
    For a continuous covariate, :math:`d = (\\bar x_1 - \\bar x_0) / \\sqrt{(s_1^2 + s_0^2)/2}`;
    for a proportion, :math:`d = (p_1 - p_0) / \\sqrt{(p_1(1-p_1) + p_0(1-p_0))/2}`
    (Austin 2009). With ``denominator="reference"`` or ``"other"`` the SD of that
    group alone is used (for the ATT, the treated group's: MatchIt's and cobalt's
    convention). Weighted variances of continuous covariates use the unbiased
    reliability-weights form
    :math:`\\sum w (x-\\bar x)^2 / (\\sum w - \\sum w^2/\\sum w)`, which reduces to the
    usual sample variance for unit weights. A common reading: :math:`|d| < 0.1` is
    negligible imbalance. The SMD is a descriptive balance measure, not a test: it
    does not depend on the sample size.

    References
    ----------
    Austin, P. C. (2009). Balance diagnostics for comparing the distribution of
    baseline covariates between treatment groups in propensity-score matched
    samples. *Statistics in Medicine*, 28(25), 3083-3107.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [20, 22, 24, 30, 32, 34], "g": list("aaabbb")})
    >>> r = standardized_mean_difference(df, ["age"], "g")
    >>> float(r.table["smd"].iloc[0])
    5.0
    """
    check_data(data)
    check_columns(data, [*columns, group, weights, sd_weights])
    check_one_of(denominator, ("pooled", "reference", "other"), name="denominator")
    reference, other = check_two_groups(data[group], reference, column=group)
    members = ((data[group] == reference).to_numpy(), (data[group] == other).to_numpy())
    w_mean = np.ones(len(data)) if weights is None else check_weights(data, weights)
    w_sd = np.ones(len(data)) if sd_weights is None else check_weights(data, sd_weights)
    rows = [
        _smd_row(variable, level, kind, x, members, (w_mean, w_sd), denominator)
        for variable, level, kind, x in indicator_columns(data, columns)
    ]
    table = pd.DataFrame(rows)
    _warn_undefined(table, denominator)
    return SMDResult(
        table=table,
        group=group,
        reference=reference,
        other=other,
        weighted=weights is not None,
    )


def _smaller_side(values: np.ndarray, kind: str) -> int:
    """People on the smaller side of a 0/1 indicator (with or without the level), or all."""
    if kind != "binary":
        return int(values.size)
    ones = int(np.count_nonzero(values == 1))
    return min(ones, int(values.size) - ones)


def _smd_row(
    variable: str,
    level: object,
    kind: str,
    x: pd.Series,
    members: tuple[np.ndarray, np.ndarray],
    weights: tuple[np.ndarray, np.ndarray],
    denominator: str,
) -> dict:
    """Counts, means, SDs, the SMD and the variance ratio of one variable or level."""
    values = x.to_numpy(dtype="float64")
    ok = ~np.isnan(values)
    w_mean, w_sd = weights
    stats = {}
    for label, member in zip(("reference", "other"), members, strict=True):
        sel = member & ok
        mean, var = _weighted_mean_var(values[sel], w_mean[sel], kind)
        _, var_sd = _weighted_mean_var(values[sel], w_sd[sel], kind)
        stats[label] = (int(sel.sum()), mean, var, var_sd, _smaller_side(values[sel], kind))
    n0, m0, v0, s0, k0 = stats["reference"]
    n1, m1, v1, s1, k1 = stats["other"]
    scale = np.sqrt({"pooled": (s0 + s1) / 2.0, "reference": s0, "other": s1}[denominator])
    # an SD within rounding of 0 (a constant 0.1 has SD 3e-17) standardises nothing
    rounding = 64 * np.finfo(float).eps * float(np.abs(values[ok]).max(initial=0.0))
    smd = (m1 - m0) / scale if scale > rounding else np.nan
    return {
        "variable": variable,
        "level": level,
        "kind": kind,
        "n_reference": n0,
        "n_other": n1,
        "n_smaller_reference": k0,
        "n_smaller_other": k1,
        "mean_reference": m0,
        "mean_other": m1,
        "sd_reference": np.sqrt(v0),
        "sd_other": np.sqrt(v1),
        "smd": float(smd),
        "variance_ratio": v1 / v0 if kind == "continuous" and v0 > 0 else np.nan,
    }


def _warn_undefined(table: pd.DataFrame, denominator: str) -> None:
    """Warn, naming the variables, when an SMD is undefined (no spread to standardise by)."""
    if table.empty or not table["smd"].isna().any():
        return
    undefined = list(dict.fromkeys(table.loc[table["smd"].isna(), "variable"]))
    sd = "pooled" if denominator == "pooled" else "group"
    warnings.warn(
        warning_text(f"warning.smd.{sd}", covariates=undefined, group=denominator),
        EvalkitWarning,
        stacklevel=3,
    )
