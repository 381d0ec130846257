"""Nearest-neighbour matching on the logit of the propensity score, and matched effects."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._results import TableResult
from evalkit._stats.intervals import normal_quantile
from evalkit._validation import (
    check_columns,
    check_conf_level,
    check_data,
    check_positive,
    check_rng,
)
from evalkit.comparison._design import outcome_values
from evalkit.comparison.effects import EffectResult, _effect_rows, warn_undefined_ratio
from evalkit.comparison.propensity import PropensityResult, _check_same_rows
from evalkit.reporting.disclosure import PublicationSpec

__all__ = ["MatchResult", "match", "matched_effect"]


@dataclass(frozen=True)
class MatchResult(TableResult):
    """Nearest-neighbour matching on the logit of the propensity score.

    Attributes
    ----------
    table : pandas.DataFrame
        Counts: ``n_treated``, ``n_matched`` (treated with a match), ``n_unmatched``
        (no control within the caliper or the exact stratum), ``n_controls_used``
        (distinct controls) and ``caliper`` (on the logit scale).
    pairs : pandas.DataFrame
        One row per matched pair: ``treated_row``, ``control_row`` (positions in the
        data) and ``pair`` (row-level: not shown in reprs).
    weights : numpy.ndarray
        Matching weights for every row: 1 for matched treated, the number of times a
        control is used, 0 otherwise (use with :func:`balance`).
    replace : bool
        Whether controls could be reused.
    """

    table: pd.DataFrame
    pairs: pd.DataFrame = field(repr=False)
    weights: np.ndarray = field(repr=False)
    replace: bool

    #: How the table is published: ``n_matched + n_unmatched = n_treated``, so a small
    #: count hides a partner among the three; ``n_controls_used`` (equal to
    #: ``n_matched`` without replacement) goes with ``n_matched``.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n_treated", "n_matched", "n_unmatched"),
            derived={"n_controls_used": ("n_matched",)},
            margins=((),),
            decimals={"caliper": 3},
        ),
    }


def _greedy_nearest(sorted_values: np.ndarray, queries: np.ndarray, width: float) -> list[int]:
    """Greedy nearest-neighbour matching without replacement on a sorted scale.

    Each query in turn takes the nearest still-free value (ties: the lowest index)
    if it lies within ``width``; returns the index taken, or -1. Free neighbours are
    found through two union-find structures ("next free to the right / left") with
    path compression, so n queries cost about O(n log n) instead of O(n m).
    """
    values = sorted_values.tolist()
    m = len(values)
    right = list(range(m + 1))  # right[i]: smallest free index >= i (m: none)
    left = list(range(m + 1))  # left[i]: 1 + largest free index < i (0: none)

    def find(parent: list[int], i: int) -> int:
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    taken = []
    remaining = m
    for x in queries.tolist():
        if remaining == 0:
            taken.append(-1)
            continue
        pos = bisect.bisect_left(values, x)
        r = find(right, pos)
        lo = find(left, pos) - 1
        if lo >= 0:  # the first free index among values equal to values[lo]
            lo = find(right, bisect.bisect_left(values, values[lo]))
        if r == m or (lo >= 0 and x - values[lo] <= values[r] - x):
            best = lo
        else:
            best = r
        if abs(values[best] - x) <= width:
            right[best], left[best + 1] = best + 1, best
            remaining -= 1
            taken.append(best)
        else:
            taken.append(-1)
    return taken


def _nearest_with_replacement(
    sorted_values: np.ndarray, queries: np.ndarray, width: float
) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest sorted value to each query (ties: the lower), and if within width."""
    pos = np.searchsorted(sorted_values, queries)
    left = np.clip(pos - 1, 0, len(sorted_values) - 1)
    right = np.clip(pos, 0, len(sorted_values) - 1)
    pick = np.where(
        np.abs(sorted_values[left] - queries) <= np.abs(sorted_values[right] - queries),
        left,
        right,
    )
    return pick, np.abs(sorted_values[pick] - queries) <= width


def match(
    data: pd.DataFrame,
    ps: PropensityResult,
    *,
    caliper: float | None = 0.2,
    exact: Sequence[str] = (),
    replace: bool = False,
    rng: int | np.random.Generator | None = 0,
) -> MatchResult:
    """1:1 nearest-neighbour matching of treated to comparison people on the logit PS.

    Parameters
    ----------
    data : pandas.DataFrame
        The data the propensity model was fitted on (same rows, same order).
    ps : PropensityResult
        Fitted propensity model.
    caliper : float or None, default=0.2
        Maximum distance in standard deviations of the logit of the score (Austin
        2011 recommends 0.2); ``None`` for no caliper.
    exact : sequence of str, default=()
        Columns that must be equal within a pair (e.g. ``["site"]``).
    replace : bool, default=False
        Whether a comparison person may be matched to several treated people.
    rng : int or numpy.random.Generator, default=0
        Seed of the random order in which treated people pick (greedy matching
        without replacement).

    Returns
    -------
    MatchResult

    Raises
    ------
    ValueError
        If ``caliper`` is neither positive nor ``None``; an ``exact`` column is
        missing; ``data`` is empty or has another number of rows than the model was
        fitted on.
    TypeError
        If ``data`` is not a DataFrame, or ``rng`` neither a seed nor a Generator.

    Notes
    -----
    Greedy matching: treated people, in random order, take the nearest available
    comparison person within the caliper and exact stratum. Estimates from matched
    data target the effect on the treated who could be matched (ATT on the matched);
    report how many could not.

    References
    ----------
    Austin, P. C. (2011). Optimal caliper widths for propensity-score matching.
    *Pharmaceutical Statistics*, 10, 150-161. Greedy nearest-neighbour matching as
    R ``MatchIt::matchit(method = "nearest", distance = "glm", link = "linear.logit")``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from evalkit.comparison import propensity_score
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=600)})
    >>> df["g"] = np.where(rng.random(600) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> m = match(df, propensity_score(df, "g ~ x", treated="a"), caliper=0.2, rng=1)
    >>> counts = m.table.iloc[0]
    >>> bool(counts["n_matched"] + counts["n_unmatched"] == (df.g == "a").sum())
    True
    """
    check_data(data)
    check_columns(data, list(exact))
    rng = check_rng(rng)
    _check_same_rows(data, ps)
    if caliper is not None:
        check_positive(
            caliper,
            name="caliper",
            fix="pass a number of SDs of the logit score (0.2 is usual), or None for no caliper.",
        )
    e = np.clip(ps.scores, 1e-12, 1 - 1e-12)
    logit = np.log(e / (1 - e))
    width = np.inf if caliper is None else caliper * logit.std(ddof=1)
    strata = _exact_strata(data, exact)
    treated_rows, control_rows = [], []
    for stratum in np.unique(strata):
        t_rows = np.flatnonzero(ps.treated & (strata == stratum))
        c_rows = np.flatnonzero(~ps.treated & (strata == stratum))
        if len(c_rows) == 0:
            continue
        matched_t, matched_c = _match_stratum(logit, t_rows, c_rows, width, replace, rng)
        treated_rows.extend(matched_t)
        control_rows.extend(matched_c)
    pairs = _pair_table(treated_rows, control_rows)
    return MatchResult(
        table=_match_counts(ps, pairs, width),
        pairs=pairs,
        weights=_matching_weights(pairs, len(data)),
        replace=replace,
    )


def _exact_strata(data: pd.DataFrame, exact: Sequence[str]) -> np.ndarray:
    """A key per row joining its ``exact`` columns (one stratum for all without them)."""
    if not exact:
        return np.zeros(len(data), dtype=int)
    return data[list(exact)].astype(str).agg("|".join, axis=1).to_numpy()


def _match_stratum(logit, t_rows, c_rows, width, replace, rng):
    """Rows of the treated matched within a stratum, and of their controls."""
    order = np.argsort(logit[c_rows], kind="stable")
    c_sorted, c_logit = c_rows[order], logit[c_rows][order]
    if replace:
        pick, ok = _nearest_with_replacement(c_logit, logit[t_rows], width)
        return t_rows[ok], c_sorted[pick[ok]]
    turn = rng.permutation(t_rows)
    taken = np.asarray(_greedy_nearest(c_logit, logit[turn], width), dtype=np.intp)
    ok = taken >= 0
    return turn[ok], c_sorted[taken[ok]]


def _pair_table(treated_rows: list, control_rows: list) -> pd.DataFrame:
    """The matched pairs in the order of the treated rows, numbered."""
    pairs = (
        pd.DataFrame(
            {
                "treated_row": np.asarray(treated_rows, dtype=int),
                "control_row": np.asarray(control_rows, dtype=int),
            }
        )
        .sort_values("treated_row", kind="stable")
        .reset_index(drop=True)
    )
    pairs["pair"] = np.arange(len(pairs))
    return pairs


def _matching_weights(pairs: pd.DataFrame, n: int) -> np.ndarray:
    """1 for each matched treated row, the number of uses for each control row, else 0."""
    weights = np.zeros(n)
    weights[pairs["treated_row"].to_numpy()] = 1.0
    np.add.at(weights, pairs["control_row"].to_numpy(), 1.0)
    return weights


def _match_counts(ps: PropensityResult, pairs: pd.DataFrame, width: float) -> pd.DataFrame:
    """Treated, matched, unmatched, distinct controls used, and the caliper (logit scale)."""
    n_treated = int(ps.treated.sum())
    return pd.DataFrame(
        [
            {
                "n_treated": n_treated,
                "n_matched": len(pairs),
                "n_unmatched": n_treated - len(pairs),
                "n_controls_used": int(pairs["control_row"].nunique()),
                "caliper": float(width),
            }
        ]
    )


def matched_effect(
    data: pd.DataFrame, outcome: str, matched: MatchResult, *, conf_level: float = 0.95
) -> EffectResult:
    """Effect on the matched treated: mean difference within matched pairs.

    Parameters
    ----------
    data : pandas.DataFrame
        The data that was matched.
    outcome : str
        Outcome column (0/1 or numeric).
    matched : MatchResult
        The matching.
    conf_level : float, default=0.95
        Confidence level.

    Returns
    -------
    EffectResult
        One ``matching`` row (``risk_difference`` or ``mean_difference``; for a binary
        outcome also ``risk_ratio``), estimand ``ATT`` (the matched treated).

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If ``data`` is empty, lacks ``outcome`` or has another number of rows than
        was matched; the outcome has missing values or is not numeric; fewer than 2
        pairs were matched; ``conf_level`` is not in (0, 1).

    Notes
    -----
    Without replacement the pairs are independent and the standard error is that of
    the mean of the :math:`n_1` pair differences :math:`d_i` (paired analysis; Austin
    2011), identical to a paired t-test's. With replacement a control used
    :math:`K_j` times enters several pairs; the variance is Abadie & Imbens' (2006)
    form for one match,
    :math:`[\\sum_i (d_i - \\hat\\tau)^2 + \\sum_j K_j(K_j-1)\\hat\\sigma_0^2] / n_1^2`,
    with :math:`\\hat\\sigma_0^2` the outcome variance of the used controls
    (homoscedastic), which does not account for the estimated score (conservative for
    the ATT; Abadie & Imbens 2016). The risk ratio uses the delta method on the log
    scale with the same covariance.

    References
    ----------
    Abadie, A. & Imbens, G. W. (2006). Large sample properties of matching estimators
    for average treatment effects. *Econometrica*, 74, 235-267. Austin, P. C. (2011).
    An introduction to propensity score methods for reducing the effects of
    confounding in observational studies. *Multivariate Behav. Res.*, 46, 399-424.
    Without replacement the SE equals ``scipy.stats.ttest_rel``'s (1e-7).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from evalkit.comparison import propensity_score
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=600)})
    >>> df["g"] = np.where(rng.random(600) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> df["y"] = (rng.random(600) < 0.4 + 0.1 * (df.g == "a")).astype(float)
    >>> m = match(df, propensity_score(df, "g ~ x", treated="a"), rng=1)
    >>> matched_effect(df, "y", m).table["measure"].tolist()
    ['risk_difference', 'risk_ratio']
    """
    conf_level = check_conf_level(conf_level)
    check_data(data)
    check_columns(data, [outcome])
    _check_matching(data, matched)
    y, binary = outcome_values(data, outcome)
    y1 = y[matched.pairs["treated_row"].to_numpy()]
    y0 = y[matched.pairs["control_row"].to_numpy()]
    n1 = len(y1)
    cov = _matched_covariance(y1, y0, matched) if matched.replace else np.cov(y1, y0, ddof=1) / n1
    rows = _effect_rows(
        "matching", "ATT", y1.mean(), y0.mean(), cov, binary, normal_quantile(conf_level), 2 * n1
    )
    table = pd.DataFrame(rows)
    warn_undefined_ratio(table, outcome, "treated")
    return EffectResult(
        table=table,
        estimand="ATT",
        outcome=outcome,
        n=len(np.unique(matched.pairs[["treated_row", "control_row"]].to_numpy())),
        conf_level=conf_level,
        clustered=False,
    )


def _check_matching(data: pd.DataFrame, matched: MatchResult) -> None:
    """Raise ``ValueError`` unless the matching is of ``data`` and has at least 2 pairs."""
    if len(matched.weights) != len(data):
        raise ValueError(
            f"the matching was done on {len(matched.weights)} rows but data has {len(data)}; "
            "pass the data that was matched."
        )
    if len(matched.pairs) < 2:
        raise ValueError(
            f"only {len(matched.pairs)} matched pair(s): widen the caliper or drop exact "
            "matching variables."
        )


def _matched_covariance(y1: np.ndarray, y0: np.ndarray, matched: MatchResult) -> np.ndarray:
    """Covariance of the two matched means with reused controls (Abadie & Imbens 2006)."""
    n1 = len(y1)
    uses = matched.pairs["control_row"].value_counts().to_numpy(dtype=float)
    d = y1 - y0
    var_diff = np.sum((d - d.mean()) ** 2) + np.sum(uses * (uses - 1)) * y0.var(ddof=1)
    var_diff /= n1**2
    var1 = y1.var(ddof=1) / n1
    cov01 = (var1 + (y0.var(ddof=1) * np.sum(uses**2) / n1**2) - var_diff) / 2
    return np.array([[var1, cov01], [cov01, y0.var(ddof=1) * np.sum(uses**2) / n1**2]])
