"""Nearest-neighbour matching on the propensity score (or its logit), and matched effects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._results import TableResult
from evalkit._stats.intervals import normal_quantile
from evalkit._validation import (
    check_columns,
    check_complete,
    check_conf_level,
    check_data,
    check_integer,
    check_one_of,
    check_positive,
    check_rng,
)
from evalkit.comparison._design import outcome_values
from evalkit.comparison._nearest import greedy_nearest as _greedy_nearest
from evalkit.comparison._nearest import (
    greedy_rounds,
    nearest_k,
    nearest_with_replacement,
    walk_rounds,
)
from evalkit.comparison.effects import EffectResult, _effect_rows, warn_undefined_ratio
from evalkit.comparison.propensity import PropensityResult, _check_same_rows
from evalkit.reporting.disclosure import PublicationSpec

__all__ = ["MatchResult", "match", "matched_effect"]

#: The orders in which treated people choose: evalkit's seeded random order, or
#: MatchIt's ``m.order`` (largest / smallest distance first, or the data's order).
M_ORDERS = ("random", "largest", "smallest", "data")

#: What is matched on: the logit of the propensity score, or the score itself.
DISTANCES = ("logit", "ps")


@dataclass(frozen=True)
class MatchResult(TableResult):
    """Nearest-neighbour matching on the propensity score or its logit.

    Attributes
    ----------
    table : pandas.DataFrame
        Counts: ``n_treated``, ``n_matched`` (treated with at least one control),
        ``n_unmatched`` (no control within the caliper or the exact stratum),
        ``n_controls_used`` (distinct controls) and ``caliper`` (on the scale of the
        distance).
    pairs : pandas.DataFrame
        One row per treated person and control matched to them: ``treated_row``,
        ``control_row`` (positions in the data) and ``pair`` (the number of the
        matched set: a treated person and their controls; row-level: not shown in
        reprs).
    weights : numpy.ndarray
        Matching weights for every row (MatchIt's, for the ATT): 1 for matched
        treated, for a control the sum over the treated people it is matched to of
        one over their number of controls (the number of times it is used, in 1:1
        matching), 0 otherwise (use with :func:`balance`).
    replace : bool
        Whether controls could be reused.
    ratio : int
        Controls sought per treated person.
    m_order : str
        The order in which treated people chose.
    distance : str
        ``"logit"`` or ``"ps"``: what was matched on.
    """

    table: pd.DataFrame
    pairs: pd.DataFrame = field(repr=False)
    weights: np.ndarray = field(repr=False)
    replace: bool
    ratio: int = 1
    m_order: str = "random"
    distance: str = "logit"

    #: How the table is published: ``n_matched + n_unmatched = n_treated``, so a small
    #: count hides a partner among the three; ``n_controls_used`` (equal to
    #: ``n_matched`` in 1:1 matching without replacement) goes with ``n_matched``.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n_treated", "n_matched", "n_unmatched"),
            derived={"n_controls_used": ("n_matched",)},
            margins=((),),
            decimals={"caliper": 3},
        ),
    }


def match(
    data: pd.DataFrame,
    ps: PropensityResult,
    *,
    caliper: float | None = 0.2,
    exact: Sequence[str] = (),
    replace: bool = False,
    rng: int | np.random.Generator | None = 0,
    ratio: int = 1,
    m_order: str = "random",
    distance: str = "logit",
) -> MatchResult:
    """Nearest-neighbour matching (1:1 or k:1) of treated to comparison people.

    Parameters
    ----------
    data : pandas.DataFrame
        The data the propensity model was fitted on (same rows, same order).
    ps : PropensityResult
        Fitted propensity model.
    caliper : float or None, default=0.2
        Maximum distance in standard deviations of the distance measure (Austin 2011
        recommends 0.2 SD of the logit); ``None`` for no caliper. The SD is that of
        everyone's distance, treated and comparison together (MatchIt's
        ``std.caliper = TRUE``: ``sd(distance)``, not a pooled within-group SD).
    exact : sequence of str, default=()
        Columns that must be equal within a matched set (e.g. ``["site"]``; MatchIt's
        ``exact = ~ site``): people are matched within each combination of their
        values, and a treated person whose stratum has no free control within the
        caliper stays unmatched. The caliper is still in SDs of everyone's distance.
    replace : bool, default=False
        Whether a comparison person may be matched to several treated people.
    rng : int or numpy.random.Generator, default=0
        Seed of the random order in which treated people pick (``m_order="random"``).
    ratio : int, default=1
        Controls per treated person (k:1 matching; MatchIt's ``ratio``).
    m_order : {"random", "largest", "smallest", "data"}, default="random"
        The order in which treated people pick: a seeded random order, or MatchIt's
        ``m.order`` (largest or smallest distance first, or the order of the data;
        MatchIt's default for a propensity score is ``"largest"``). Without
        replacement the order decides who gets the contested controls; with
        replacement it does not matter.
    distance : {"logit", "ps"}, default="logit"
        Match on the logit of the score (``link = "linear.logit"`` in MatchIt) or on
        the score (MatchIt's default, ``distance = "glm"``).

    Returns
    -------
    MatchResult

    Raises
    ------
    ValueError
        If ``caliper`` is neither positive nor ``None``; ``ratio`` is not a whole
        number of at least 1; ``m_order`` or ``distance`` is not one allowed; an
        ``exact`` column is absent or has missing values (the message names the column
        and how many rows); ``data`` is empty or has another number of rows
        than the model was fitted on.
    TypeError
        If ``data`` is not a DataFrame, or ``rng`` neither a seed nor a Generator.

    Notes
    -----
    Greedy matching: treated people, in turn, take the nearest available comparison
    person within the caliper and exact stratum. With ``ratio=k`` this runs in k
    rounds, as MatchIt: every treated person gets a first control before anyone gets
    a second, and someone without a first control drops out; a treated person may end
    with fewer than k controls. Ties between equally distant controls (rare with a
    continuous score) go, for ``"random"``, to the smaller distance and then the
    control first in the data; for MatchIt's orders, to the control MatchIt's search
    reaches first (it walks the stable sort of everyone's distances one place down,
    one place up, ... from the treated person). Estimates from matched data target the
    effect on the treated who could be matched (ATT on the matched); report how many
    could not.

    References
    ----------
    Austin, P. C. (2011). Optimal caliper widths for propensity-score matching.
    *Pharmaceutical Statistics*, 10, 150-161. Ho, D. E., Imai, K., King, G. & Stuart,
    E. A. (2011). MatchIt: nonparametric preprocessing for parametric causal
    inference. *J. Stat. Software*, 42(8). With ``m_order="largest", distance="ps",
    caliper=None`` this is R ``MatchIt::matchit(method = "nearest")`` (4.7): on its
    lalonde example the same 185 pairs (the vignette's matched means to its 4
    decimals). Elsewhere: R ``MatchIt::matchit(method = "nearest", ratio, replace,
    m.order, caliper, exact, distance)``; Stata ``teffects psmatch`` (with
    replacement, ``nneighbor(k)``, ``caliper()``) and ``psmatch2``.

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
    check_complete(
        data, list(exact), role="exact",
        fix="exact matching needs every person's value (MatchIt refuses missing values "
        "too); give the missing ones a level of their own (e.g. 'unknown') or drop those "
        "rows.",
    )
    rng = check_rng(rng)
    _check_same_rows(data, ps)
    ratio = check_integer(ratio, name="ratio", minimum=1, fix="pass the controls per treated.")
    check_one_of(m_order, M_ORDERS, name="m_order")
    check_one_of(distance, DISTANCES, name="distance")
    if caliper is not None:
        check_positive(
            caliper,
            name="caliper",
            fix="pass a number of SDs of the distance (0.2 is usual), or None for no caliper.",
        )
    dist = _distance(ps, distance)
    width = np.inf if caliper is None else caliper * dist.std(ddof=1)
    strata = _exact_strata(data, exact)
    place = None  # each unit's place in the stable sort of all distances (MatchIt's walk)
    if m_order != "random" or (replace and ratio > 1):
        place = np.empty(len(dist), dtype=np.intp)
        place[np.argsort(dist, kind="stable")] = np.arange(len(dist))
    turn = _turn_order(dist, ps.treated, m_order)
    treated_rows, control_rows = [], []
    for stratum in np.unique(strata):
        t_rows = turn[strata[turn] == stratum]
        c_rows = np.flatnonzero(~ps.treated & (strata == stratum))
        if len(c_rows) == 0:
            continue
        rows = (dist, place, t_rows, c_rows, width)
        if m_order == "random":
            matched_t, matched_c = _match_random(*rows, replace, ratio, rng)
        else:
            matched_t, matched_c = _match_walk(*rows, replace, ratio)
        treated_rows.extend(matched_t)
        control_rows.extend(matched_c)
    pairs = _pair_table(treated_rows, control_rows)
    return MatchResult(
        table=_match_counts(ps, pairs, width),
        pairs=pairs,
        weights=_matching_weights(pairs, len(data)),
        replace=replace,
        ratio=ratio,
        m_order=m_order,
        distance=distance,
    )


def _distance(ps: PropensityResult, distance: str) -> np.ndarray:
    """What is matched on: the logit of the score (scores clipped to 1e-12), or the score."""
    if distance == "ps":
        return np.asarray(ps.scores, dtype=float)
    e = np.clip(ps.scores, 1e-12, 1 - 1e-12)
    return np.log(e / (1 - e))


def _turn_order(dist: np.ndarray, treated: np.ndarray, m_order: str) -> np.ndarray:
    """The treated rows in the order they choose (``"random"``: data order, shuffled later)."""
    rows = np.flatnonzero(treated)
    if m_order == "largest":  # R order(decreasing = TRUE): ties keep the data order
        return rows[np.argsort(-dist[rows], kind="stable")]
    if m_order == "smallest":
        return rows[np.argsort(dist[rows], kind="stable")]
    return rows


def _exact_strata(data: pd.DataFrame, exact: Sequence[str]) -> np.ndarray:
    """A stratum number per row: one per combination of the ``exact`` columns' values
    (0 for all without them), numbered in the order of the values joined as text."""
    if not exact:
        return np.zeros(len(data), dtype=int)
    group = data.groupby(list(exact), sort=False, observed=True).ngroup().to_numpy()
    joined = data[list(exact)].astype(str).agg("|".join, axis=1).to_numpy(dtype=str)
    first = np.unique(group, return_index=True)[1]  # a row of each group, by group number
    rank = np.empty(len(first), dtype=int)
    rank[np.lexsort((np.arange(len(first)), joined[first]))] = np.arange(len(first))
    return rank[group]


def _match_random(dist, place, t_rows, c_rows, width, replace, ratio, rng):
    """Rows of the treated matched within a stratum (once per control), and of their controls.

    Treated people pick in a random order on the scale sorted by distance.
    """
    order = np.argsort(dist[c_rows], kind="stable")
    c_sorted, c_dist = c_rows[order], dist[c_rows][order]
    if replace and ratio == 1:
        pick, ok = nearest_with_replacement(c_dist, dist[t_rows], width)
        return t_rows[ok], c_sorted[pick[ok]]
    if replace:
        return _match_walk(dist, place, t_rows, c_rows, width, replace, ratio)
    turn = rng.permutation(t_rows)
    if ratio == 1:
        taken = np.asarray(_greedy_nearest(c_dist, dist[turn], width), dtype=np.intp)
        ok = taken >= 0
        return turn[ok], c_sorted[taken[ok]]
    return _flatten(turn, greedy_rounds(c_dist, dist[turn], width, ratio), c_sorted)


def _match_walk(dist, place, t_rows, c_rows, width, replace, ratio):
    """MatchIt's matching within a stratum: treated rows (in ``t_rows`` order) and controls."""
    c_sorted = c_rows[np.argsort(place[c_rows])]
    args = (place[c_sorted], dist[c_sorted], place[t_rows], dist[t_rows], width, ratio)
    if replace:
        chosen = nearest_k(*args)
        taken = [[j for j in row if j >= 0] for row in chosen.tolist()]
    else:
        taken = walk_rounds(*args)
    return _flatten(t_rows, taken, c_sorted)


def _flatten(t_rows: np.ndarray, taken: list[list[int]], c_sorted: np.ndarray):
    """One treated row per control taken, and the controls' rows."""
    sizes = [len(own) for own in taken]
    flat = np.fromiter((j for own in taken for j in own), dtype=np.intp, count=sum(sizes))
    return np.repeat(t_rows, sizes), c_sorted[flat]


def _pair_table(treated_rows: list, control_rows: list) -> pd.DataFrame:
    """The matches in the order of the treated rows, numbered by matched set."""
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
    pairs["pair"] = np.unique(pairs["treated_row"].to_numpy(), return_inverse=True)[1]
    return pairs


def _set_sizes(pairs: pd.DataFrame) -> np.ndarray:
    """For each match (row of ``pairs``), the number of controls of its treated person."""
    treated = pairs["treated_row"].to_numpy()
    inverse, counts = np.unique(treated, return_inverse=True, return_counts=True)[1:]
    return counts[inverse].astype(float)


def _matching_weights(pairs: pd.DataFrame, n: int) -> np.ndarray:
    """1 for each matched treated row; each control row, the sum of 1/(controls of its
    treated) over its matches (its number of uses in 1:1 matching); else 0."""
    weights = np.zeros(n)
    weights[pairs["treated_row"].to_numpy()] = 1.0
    np.add.at(weights, pairs["control_row"].to_numpy(), 1.0 / _set_sizes(pairs))
    return weights


def _match_counts(ps: PropensityResult, pairs: pd.DataFrame, width: float) -> pd.DataFrame:
    """Treated, matched, unmatched, distinct controls used, and the caliper."""
    n_treated = int(ps.treated.sum())
    n_matched = int(pairs["treated_row"].nunique())
    return pd.DataFrame(
        [
            {
                "n_treated": n_treated,
                "n_matched": n_matched,
                "n_unmatched": n_treated - n_matched,
                "n_controls_used": int(pairs["control_row"].nunique()),
                "caliper": float(width),
            }
        ]
    )


def matched_effect(
    data: pd.DataFrame, outcome: str, matched: MatchResult, *, conf_level: float = 0.95
) -> EffectResult:
    """Effect on the matched treated: mean difference within matched sets.

    Parameters
    ----------
    data : pandas.DataFrame
        The data that was matched.
    outcome : str
        Outcome column (0/1 or numeric).
    matched : MatchResult
        The matching (1:1 or k:1, with or without replacement).
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
    Each matched treated person :math:`i` is compared with the mean of their
    :math:`m_i` controls, :math:`d_i = y_i - \\bar y_{0,i}`; the estimate is the mean of
    the :math:`n_1` differences (the difference of MatchIt-weighted means).
    *Without replacement* the matched sets share nobody and are independent given the
    matching; the standard error is that of the mean of the :math:`d_i`,
    :math:`\\sqrt{\\sum_i (d_i - \\hat\\tau)^2 / (n_1(n_1-1))}`: the cluster-robust SE by
    matched set that MatchIt's vignette recommends (Austin & Small 2014; Abadie & Spiess
    2022), with the :math:`G/(G-1)` factor (R ``sandwich::vcovCL``'s default also
    multiplies by :math:`(N-1)/(N-2)`); for 1:1 pairs it is the paired t-test's. *With
    replacement* a control enters several sets and they are no longer independent: the
    variance is Abadie & Imbens' (2006) for the ATT,
    :math:`[\\sum_i (d_i - \\hat\\tau)^2 + \\hat\\sigma_0^2 \\sum_j (K_j^2 - K'_j)] / n_1^2`,
    with :math:`K_j = \\sum_{i \\ni j} 1/m_i` (the control's weight: its number of uses
    in 1:1 matching), :math:`K'_j = \\sum_{i \\ni j} 1/m_i^2` and
    :math:`\\hat\\sigma_0^2` the outcome variance over the controls' matches
    (homoscedastic). Neither accounts for the estimated score (conservative for the
    ATT; Abadie & Imbens 2016). The risk ratio uses the delta method on the log scale
    with the same covariance.

    References
    ----------
    Abadie, A. & Imbens, G. W. (2006). Large sample properties of matching estimators
    for average treatment effects. *Econometrica*, 74, 235-267. Abadie, A. & Spiess, J.
    (2022). Robust post-matching inference. *JASA*, 117, 983-995. Austin, P. C. &
    Small, D. S. (2014). The use of bootstrapping when using propensity-score
    matching without replacement. *Statistics in Medicine*, 33, 4306-4319. Without
    replacement the SE equals ``scipy.stats.ttest_rel``'s (1:1) and statsmodels
    ``WLS`` with cluster-robust covariance by matched set (k:1; 1e-7). Elsewhere: R
    ``lm(y ~ treat, weights)`` on ``MatchIt::match_data`` with ``vcov = ~subclass``;
    Stata ``teffects psmatch`` (Abadie-Imbens SE, with replacement).

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
    treated_rows, sets = np.unique(matched.pairs["treated_row"].to_numpy(), return_inverse=True)
    y1 = y[treated_rows]
    y0 = y[matched.pairs["control_row"].to_numpy()]  # one per match
    y0_sets = np.bincount(sets, weights=y0) / np.bincount(sets)
    n1 = len(y1)
    if matched.replace:
        cov = _matched_covariance(y1, y0_sets, y0, matched.pairs)
    else:
        cov = np.cov(y1, y0_sets, ddof=1) / n1
    rows = _effect_rows(
        "matching", "ATT", y1.mean(), y0_sets.mean(), cov, binary, normal_quantile(conf_level),
        n1 + len(y0),
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


def _matched_covariance(
    y1: np.ndarray, y0_sets: np.ndarray, y0: np.ndarray, pairs: pd.DataFrame
) -> np.ndarray:
    """Covariance of the two matched means with reused controls (Abadie & Imbens 2006).

    ``y1`` and ``y0_sets``: each matched treated person's outcome and their controls'
    mean; ``y0``: the control outcome of each match.
    """
    n1 = len(y1)
    share = 1.0 / _set_sizes(pairs)
    controls = np.unique(pairs["control_row"].to_numpy(), return_inverse=True)[1]
    k = np.bincount(controls, weights=share)  # each control's weight K_j
    k2 = np.bincount(controls, weights=share**2)  # K'_j
    d = y1 - y0_sets
    var_diff = np.sum((d - d.mean()) ** 2) + np.sum(k * k - k2) * y0.var(ddof=1)
    var_diff /= n1**2
    var1 = y1.var(ddof=1) / n1
    cov01 = (var1 + (y0.var(ddof=1) * np.sum(k**2) / n1**2) - var_diff) / 2
    return np.array([[var1, cov01], [cov01, y0.var(ddof=1) * np.sum(k**2) / n1**2]])
