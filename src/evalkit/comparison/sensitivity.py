"""Sensitivity to unmeasured confounding: E-values and Rosenbaum bounds."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from evalkit._plotting import axes
from evalkit._results import TableResult
from evalkit._stats.intervals import normal_quantile
from evalkit._validation import (
    check_columns,
    check_conf_level,
    check_data,
    check_integer,
    check_numbers,
    check_one_of,
    check_positive,
)
from evalkit._warning_texts import warning_text
from evalkit.comparison._design import outcome_values
from evalkit.errors import EvalkitWarning
from evalkit.reporting.catalogue import text
from evalkit.reporting.disclosure import PublicationSpec

if TYPE_CHECKING:
    from evalkit.comparison.matching import MatchResult

__all__ = [
    "EValueResult",
    "RosenbaumResult",
    "e_value",
    "e_value_risk_difference",
    "rosenbaum_bounds",
]


#: The effect measures :func:`e_value` converts to the risk-ratio scale.
E_VALUE_MEASURES = ("risk_ratio", "odds_ratio", "hazard_ratio", "mean_difference")

#: Chinn's (2000) factor: a standardized mean difference d is about an odds ratio of
#: exp(1.81 d), whose square root, exp(0.91 d), approximates a risk ratio.
_MD_TO_LOG_RR = 0.91


@dataclass(frozen=True)
class EValueResult(TableResult):
    """E-values: how strong unmeasured confounding would have to be to explain a result.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per estimate: ``method``, ``estimate``, ``ci_low`` and ``ci_high`` (as
        given, on the scale of ``measure``), ``e_value`` (for the estimate) and
        ``e_value_ci`` (for the confidence limit closest to the null; 1 when the
        interval includes it; NaN without a CI), ``measure`` and the estimate and
        limits on the risk-ratio scale the E-values are computed from
        (``risk_ratio``, ``risk_ratio_low``, ``risk_ratio_high``; R ``EValue``'s "RR"
        row; NaN for a risk difference, whose E-values come from a bias factor).
    conf_level : float or None
        Confidence level of the intervals.
    """

    table: pd.DataFrame
    conf_level: float | None


def _e_single(rr: float) -> float:
    """The E-value of one risk ratio (through ``1/RR`` below 1)."""
    rr = rr if rr >= 1 else 1 / rr
    return float(rr + np.sqrt(rr * (rr - 1)))


def _check_estimates(measure, estimate, lo, hi) -> None:
    """Raise ``ValueError`` unless the estimate and its limits (both or neither) fit ``measure``."""
    if (lo is None) != (hi is None):
        raise ValueError("pass both ci_low and ci_high, or neither.")
    ratio = measure != "mean_difference"
    for name, value in (("estimate", estimate), ("ci_low", lo), ("ci_high", hi)):
        if value is None:
            continue
        ok = isinstance(value, (int, float, np.integer, np.floating)) and np.isfinite(value)
        if not ok or (ratio and not value > 0):
            kind = f"positive finite {measure.replace('_', ' ')}" if ratio else "finite number"
            fix = ("pass ratios (not differences or log ratios)." if ratio
                   else "pass the (standardized) mean difference and its limits.")
            raise ValueError(f"{name} must be a {kind}, but was {value!r}; {fix}")
    if lo is not None and not lo <= estimate <= hi:
        raise ValueError(
            f"the estimate must lie within its confidence interval, but got {estimate!r} "
            f"outside ({lo!r}, {hi!r}); pass the limits in the order (ci_low, ci_high)."
        )


def _to_risk_ratio(value: float, measure: str, rare: bool | None, sd: float | None) -> float:
    """One estimate or limit on the risk-ratio scale (VanderWeele & Ding 2017, Table 2)."""
    if measure == "mean_difference":
        return float(np.exp(_MD_TO_LOG_RR * value / (1.0 if sd is None else sd)))
    if rare or measure == "risk_ratio":
        return float(value)
    if measure == "odds_ratio":
        return float(np.sqrt(value))
    root = np.sqrt(value)  # hazard ratio of a common outcome (VanderWeele 2020)
    return float((1 - 0.5**root) / (1 - 0.5 ** (1 / root)))


def _e_value_row(method, measure, estimate, lo, hi, rr, rr_lo, rr_hi) -> dict:
    """One row of E-values from an estimate and its limits on the risk-ratio scale."""
    if rr_lo is None or rr_hi is None:
        limit = np.nan
    elif rr_lo <= 1 <= rr_hi:
        limit = 1.0
    else:
        limit = _e_single(rr_lo if rr >= 1 else rr_hi)
    return {
        "method": method,
        "estimate": float(estimate),
        "ci_low": np.nan if lo is None else float(lo),
        "ci_high": np.nan if hi is None else float(hi),
        "e_value": _e_single(rr),
        "e_value_ci": limit,
        "measure": measure,
        "risk_ratio": float(rr),
        "risk_ratio_low": np.nan if rr_lo is None else float(rr_lo),
        "risk_ratio_high": np.nan if rr_hi is None else float(rr_hi),
    }


def _e_value_table(
    estimates, lows, highs, *, methods, conf_level, measure="risk_ratio", rare=None, sd=None
) -> EValueResult:
    """E-values of estimates of ``measure`` and of their confidence limits closest to 1."""
    rows = []
    for method, est, lo, hi in zip(methods, estimates, lows, highs, strict=True):
        _check_estimates(measure, est, lo, hi)
        rr, rr_lo, rr_hi = (
            None if v is None else _to_risk_ratio(v, measure, rare, sd) for v in (est, lo, hi)
        )
        rows.append(_e_value_row(method, measure, est, lo, hi, rr, rr_lo, rr_hi))
    return EValueResult(table=pd.DataFrame(rows), conf_level=conf_level)


def e_value(
    estimate: float,
    ci_low: float | None = None,
    ci_high: float | None = None,
    *,
    measure: str = "risk_ratio",
    rare: bool | None = None,
    sd: float | None = None,
    conf_level: float | None = None,
) -> EValueResult:
    """E-values for an effect estimate and for the confidence limit closest to the null.

    Parameters
    ----------
    estimate : float
        The estimate: a risk, odds or hazard ratio (values below 1 are handled
        through :math:`1/RR`), or a mean difference.
    ci_low, ci_high : float, optional
        Its confidence limits, on the same scale.
    measure : {"risk_ratio", "odds_ratio", "hazard_ratio", "mean_difference"}, default="risk_ratio"
        What ``estimate`` is. Odds and hazard ratios are converted to risk ratios as
        ``rare`` says; a mean difference through :math:`RR \\approx \\exp(0.91 d)`.
    rare : bool, optional
        For odds and hazard ratios (required there): whether the outcome is rare (below
        15% by the end of follow-up), so the ratio approximates a risk ratio.
    sd : float, optional
        For a mean difference: the outcome's standard deviation, to standardize the
        estimate and limits (default: they are standardized already, Cohen's d).
    conf_level : float, optional
        Their confidence level (recorded in the result).

    Returns
    -------
    EValueResult
        ``e_value`` is the minimum strength of association, on the risk-ratio scale,
        that an unmeasured confounder would need with *both* the programme and the
        outcome, beyond the measured covariates, to explain the estimate away;
        ``e_value_ci`` the same for moving the confidence interval to include the null.

    Raises
    ------
    ValueError
        If ``measure`` is not one allowed; the estimate or a limit is not a positive
        finite ratio (a finite number for a mean difference) or lies outside its
        interval; only one limit is given; ``rare`` is not given for an odds or hazard
        ratio; ``sd`` is not positive; ``conf_level`` is not in (0, 1).

    Notes
    -----
    :math:`E = RR + \\sqrt{RR(RR-1)}` for :math:`RR \\ge 1` (VanderWeele & Ding 2017);
    for :math:`RR < 1` apply it to :math:`1/RR`. Conversions to the risk-ratio scale
    (VanderWeele & Ding 2017, Table 2, as R ``EValue::toRR``): an odds ratio of a rare
    outcome is taken as a risk ratio, of a common one its square root; a hazard
    ratio of a rare outcome is taken as a risk ratio, of a common one
    :math:`(1 - 0.5^{\\sqrt{HR}}) / (1 - 0.5^{\\sqrt{1/HR}})` (VanderWeele 2020); a
    standardized mean difference *d* (Cohen's d, or the difference over ``sd``) gives
    :math:`RR \\approx \\exp(0.91 d)` (Chinn 2000; VanderWeele 2017), its limits
    :math:`\\exp(0.91 \\cdot \\text{limit})`. R ``evalues.MD(d, se)`` takes the SE
    instead and uses :math:`\\exp(0.91 d \\pm 1.78 SE)` (1.78 is 0.91 x 1.96
    rounded): pass ``d -+ 1.78/0.91 SE`` as limits to reproduce it exactly. For a
    risk difference from a two-by-two table use :func:`e_value_risk_difference`
    (R ``evalues.RD``); for an adjusted risk difference,
    :meth:`EffectResult.e_values` uses the ratio of the same two adjusted risks (the
    risk ratio at the comparison group's risk). The E-value makes no assumption about
    the confounder's prevalence; it is a bound, not an estimate.

    References
    ----------
    VanderWeele, T. J. & Ding, P. (2017). Sensitivity analysis in observational
    research: introducing the E-value. *Annals of Internal Medicine*, 167, 268-274.
    VanderWeele, T. J. (2020). Optimal approximate conversions of odds ratios and
    hazard ratios to risk ratios. *Biometrics*, 76, 746-752. Chinn, S. (2000). A simple
    method for converting an odds ratio to effect size for use in meta-analysis.
    *Statistics in Medicine*, 19, 3127-3131. Agrees with R ``EValue`` 4.1
    (``evalues.RR``, ``evalues.OR``, ``evalues.HR``, ``evalues.MD``) on its
    documented examples to the 7 digits they print: the paper's RR 3.9 (1.8, 8.7)
    gives 7.26 and 3.00; HR 0.56 (0.46, 0.69) of a common outcome 2.349531 and
    1.908004. Elsewhere: R ``EValue::evalues.HR(est, lo, hi, rare = FALSE)`` (and
    ``evalues.RR``, ``evalues.OR``, ``evalues.MD``); Stata ``evalue`` (Linden, Mathur
    & VanderWeele 2020, *Stata Journal* 20(4)).

    Examples
    --------
    >>> r = e_value(3.9, 1.8, 8.7)
    >>> r.table[["e_value", "e_value_ci"]].round(2).to_numpy().tolist()
    [[7.26, 3.0]]
    >>> hr = e_value(0.56, 0.46, 0.69, measure="hazard_ratio", rare=False)
    >>> hr.table[["risk_ratio", "e_value", "e_value_ci"]].round(4).to_numpy().tolist()
    [[0.6701, 2.3495, 1.908]]
    """
    if conf_level is not None:
        conf_level = check_conf_level(conf_level)
    check_one_of(measure, E_VALUE_MEASURES, name="measure")
    if measure in ("odds_ratio", "hazard_ratio") and not isinstance(rare, (bool, np.bool_)):
        raise ValueError(
            f"rare must be True or False for {'an odds' if measure == 'odds_ratio' else 'a hazard'}"
            f" ratio, but was "
            f"{rare!r}: pass rare=True if the outcome is rare (below 15% by the end of "
            "follow-up), so the ratio approximates a risk ratio, else rare=False."
        )
    if sd is not None:
        sd = check_positive(sd, name="sd", fix="pass the outcome's standard deviation.")
    return _e_value_table(
        [estimate], [ci_low], [ci_high], methods=[None], conf_level=conf_level,
        measure=measure, rare=rare, sd=sd,
    )


def e_value_risk_difference(
    n11: int, n10: int, n01: int, n00: int, *, conf_level: float = 0.95
) -> EValueResult:
    """E-values for a risk difference from a two-by-two table (R ``EValue::evalues.RD``).

    Parameters
    ----------
    n11, n10 : int
        People in the programme with and without the outcome.
    n01, n00 : int
        People in the comparison group with and without the outcome.
    conf_level : float, default=0.95
        Confidence level of the (Wald) interval whose lower limit gets an E-value.

    Returns
    -------
    EValueResult
        One row: the risk difference :math:`p_1 - p_0`, its Wald interval, the E-value
        of the estimate and of the lower limit (1 if the interval includes 0);
        ``risk_ratio`` columns NaN.

    Raises
    ------
    ValueError
        If a count is not a whole number of at least 0, a group is empty, the risk
        difference is negative (relabel the groups), or ``conf_level`` is not in (0, 1).

    Warns
    -----
    EvalkitWarning
        If nobody in the comparison group has the outcome (the bias factor is
        infinite): the E-values are NaN.

    Notes
    -----
    The E-value of the population-standardized risk difference (Ding & VanderWeele
    2016, section 4). A confounder whose bias factor is :math:`B` moves the
    difference to :math:`(p_1 - p_0 B)(f + (1-f)/B)`, with :math:`f` the programme's
    share of the people; it reaches 0 at :math:`B = p_1/p_0`, so the E-value of the
    estimate is that of the risk ratio, :math:`B + \\sqrt{B(B-1)}`. For the lower
    limit: the smallest :math:`B` on a grid of step :math:`10^{-4}` from 1 at which
    the lower Wald limit of that difference, with :math:`f` and both risks estimated,
    reaches 0 (the grid search of ``evalues.RD`` with its default ``grid = 1e-4``).

    References
    ----------
    Ding, P. & VanderWeele, T. J. (2016). Sensitivity analysis without assumptions.
    *Epidemiology*, 27, 368-377. Reproduces R ``EValue`` 4.1 ``evalues.RD(397, 78557,
    51, 108778)`` (Hammond & Horn's smoking and lung cancer table): 20.94733 and
    15.95703.

    Examples
    --------
    >>> r = e_value_risk_difference(397, 78557, 51, 108778)
    >>> r.table[["e_value", "e_value_ci"]].round(4).to_numpy().tolist()
    [[20.9473, 15.957]]
    """
    conf_level = check_conf_level(conf_level)
    counts = [
        check_integer(n, name=name, minimum=0, fix="pass numbers of people.")
        for n, name in ((n11, "n11"), (n10, "n10"), (n01, "n01"), (n00, "n00"))
    ]
    n11, n10, n01, n00 = counts
    if min(n11 + n10, n01 + n00) == 0:
        raise ValueError(
            f"both groups need people, but got {n11 + n10} in the programme and "
            f"{n01 + n00} in the comparison group; pass the counts of both."
        )
    p1, p0 = n11 / (n11 + n10), n01 / (n01 + n00)
    if p1 < p0:
        raise ValueError(
            f"the risk difference must be positive, but was {p1 - p0:.4g}; swap the "
            "groups (n11, n10 <-> n01, n00) so that the programme has the higher risk."
        )
    z = normal_quantile(conf_level)
    se = np.sqrt(p1 * (1 - p1) / (n11 + n10) + p0 * (1 - p0) / (n01 + n00))
    e_point, e_low = _rd_e_values(counts, z)
    row = {
        "method": None, "estimate": p1 - p0, "ci_low": p1 - p0 - z * se,
        "ci_high": p1 - p0 + z * se, "e_value": e_point, "e_value_ci": e_low,
        "measure": "risk_difference", "risk_ratio": np.nan, "risk_ratio_low": np.nan,
        "risk_ratio_high": np.nan,
    }
    return EValueResult(table=pd.DataFrame([row]), conf_level=conf_level)


def _rd_e_values(counts: list[int], z: float, grid: float = 1e-4) -> tuple[float, float]:
    """E-values of a risk difference and of its lower limit (Ding & VanderWeele 2016)."""
    n11, n10, n01, n00 = counts
    n1, n0 = n11 + n10, n01 + n00
    f, p1, p0 = n1 / (n1 + n0), n11 / n1, n01 / n0
    if p0 == 0:
        warnings.warn(
            warning_text("warning.sensitivity.evalue"),
            EvalkitWarning,
            stacklevel=3,
        )
        return np.nan, np.nan
    s2_p1, s2_p0, s2_f = p1 * (1 - p1) / n1, p0 * (1 - p0) / n0, f * (1 - f) / (n1 + n0)
    bias = p1 / p0  # the root of (p1 - p0 B)(f + (1 - f)/B) = 0
    if p1 - p0 - z * np.sqrt(s2_p1 + s2_p0) <= 0:
        return _e_single(bias), 1.0
    # R: seq(1, bias, grid), the first factor whose lower limit reaches 0
    steps = np.arange(int(np.floor((bias - 1) / grid + 1e-10)) + 1)
    factor = 1 + steps * grid
    rd, share = p1 - p0 * factor, f + (1 - f) / factor
    low = rd * share - z * np.sqrt(
        (s2_p1 + s2_p0 * factor**2) * share**2 + rd**2 * (1 - 1 / factor) ** 2 * s2_f
    )
    reached = np.flatnonzero(low <= 0)
    return _e_single(bias), _e_single(factor[reached[0]]) if reached.size else np.nan


@dataclass(frozen=True)
class RosenbaumResult(TableResult):
    """Rosenbaum bounds for matched pairs: McNemar (0/1 outcome) or Wilcoxon signed rank.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per ``gamma``: ``p_upper`` and ``p_lower`` (upper and lower bounds of
        the one-sided p-value of no effect against the treated doing better),
        ``n_discordant`` (pairs whose outcomes differ), ``n_treated_better`` (pairs in
        which the treated person's outcome is higher) and ``statistic`` (McNemar: the
        pairs the treated do better in; Wilcoxon: the sum of the ranks of the positive
        pair differences, :math:`T^+`).
    gamma_critical : float
        The smallest examined ``gamma`` at which ``p_upper`` exceeds ``alpha`` (NaN if
        none does): the hidden bias the result withstands is below it.
    alpha : float
        The significance level used for ``gamma_critical``.
    test : str
        ``"mcnemar"`` (exact binomial bounds) or ``"wilcoxon"`` (signed rank, normal
        approximation).
    """

    table: pd.DataFrame
    gamma_critical: float
    alpha: float
    test: str = "mcnemar"

    #: How the table is published: the pair counts below the threshold suppressed, with
    #: the bounds and the statistic computed from them; p-values rounded.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n_discordant", "n_treated_better"),
            derived=("p_upper", "p_lower", "statistic"),
            decimals={"p_upper": 3, "p_lower": 3, "statistic": 1},
        ),
    }

    def plot(self, ax=None, *, language: str = "en"):
        """Upper p-value bound against gamma, with ``alpha``; returns the Axes.

        Axis labels are in ``language`` (the report catalogue's).
        """
        ax = axes(ax, (5, 3))
        ax.plot(self.table["gamma"], self.table["p_upper"], marker="o")
        ax.axhline(self.alpha, color="grey", linestyle="--", linewidth=1)
        ax.set_xlabel(text("figure.gamma", language))
        ax.set_ylabel(text("figure.p_upper", language))
        return ax


def rosenbaum_bounds(
    data: pd.DataFrame,
    outcome: str,
    matched: MatchResult,
    *,
    gammas: Sequence[float] = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0),
    alpha: float = 0.05,
) -> RosenbaumResult:
    """Rosenbaum sensitivity bounds for matched pairs (McNemar or Wilcoxon signed rank).

    Parameters
    ----------
    data : pandas.DataFrame
        The matched data.
    outcome : str
        Outcome column: 0/1 (McNemar-type bounds) or numeric (Wilcoxon signed rank).
    matched : MatchResult
        1:1 matching without replacement.
    gammas : sequence of float
        Odds ratios of hidden bias to examine (each >= 1).
    alpha : float, default=0.05
        Level for ``gamma_critical``.

    Returns
    -------
    RosenbaumResult

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If ``data`` is empty or lacks ``outcome``; the outcome is not numeric or has
        missing values; the matching was done with replacement or with more than one
        control per treated person; ``gammas`` is empty or has a value below 1.

    Warns
    -----
    EvalkitWarning
        For a numeric outcome whose pair differences are all 0 (no signed rank to
        test): the bounds are NaN.

    Notes
    -----
    Under no effect and hidden bias at most :math:`\\Gamma` (two matched people's odds
    of being treated differ by at most that factor), the treated person of a pair
    is the one with the higher outcome with a probability between
    :math:`1/(1+\\Gamma)` and :math:`\\Gamma/(1+\\Gamma)` (Rosenbaum 2002, chapter 4).
    *0/1 outcome*: among the :math:`D` pairs with different outcomes, the number in
    which the treated do better is bounded by Binomial(:math:`D`,
    :math:`\\Gamma/(1+\\Gamma)`) above and Binomial(:math:`D`, :math:`1/(1+\\Gamma)`)
    below; ``p_upper`` and ``p_lower`` are their upper tails (section 4.3.2; at
    :math:`\\Gamma = 1` both are the exact one-sided McNemar test). *Numeric outcome*:
    the absolute pair differences are ranked (average ranks for ties), pairs with
    equal outcomes ranked with the others but scored 0 (Pratt's handling of zeros,
    as Rosenbaum's; R ``wilcox.test`` drops them instead), and :math:`T^+` (the
    ranks of the pairs the treated do better in) is compared with its bounding
    distributions, of mean :math:`p\\sum q_i` and variance :math:`p(1-p)\\sum q_i^2`
    over the nonzero pairs' ranks :math:`q_i`, with :math:`p = \\Gamma/(1+\\Gamma)`
    (upper) or :math:`1/(1+\\Gamma)` (lower), by the normal approximation without
    continuity correction (section 4.3.3). Both bound the test of a positive effect: read them
    when the treated do better.

    References
    ----------
    Rosenbaum, P. R. (2002). *Observational Studies*, 2nd ed., Springer, chapter 4.
    0/1 outcome: agrees with R ``rbounds::binarysens`` and, at gamma 1, with
    ``scipy.stats.binomtest`` (1e-7). Numeric outcome: the bounds of R
    ``DOS2::senWilcox`` (Rosenbaum); on Rosenbaum's (2002, section 4.3.3) lead example
    :math:`T^+ = 527` and the upper bounds 0.0018, 0.0136, 0.0388, 0.0740 at
    :math:`\\Gamma` = 2, 3, 4, 5; at gamma 1 equal to ``scipy.stats.wilcoxon(d,
    zero_method="pratt", method="approx", correction=False)`` (1e-7). R
    ``rbounds::psens`` lets zero differences' ranks into the mean and variance: the
    same bounds without zero differences. Elsewhere: R ``rbounds::psens(x, y,
    Gamma)`` and ``rbounds::binarysens``; Stata ``rbounds`` (DiPrete & Gangl 2004)
    and ``mhbounds`` (Becker & Caliendo 2007, 0/1 outcomes).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from evalkit.comparison import match, propensity_score
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=600)})
    >>> df["g"] = np.where(rng.random(600) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> df["y"] = (rng.random(600) < 0.3 + 0.3 * (df.g == "a")).astype(float)
    >>> m = match(df, propensity_score(df, "g ~ x", treated="a"), rng=1)
    >>> r = rosenbaum_bounds(df, "y", m, gammas=[1, 2, 3, 4])
    >>> r.table["p_upper"].round(3).tolist(), r.gamma_critical
    ([0.0, 0.0, 0.011, 0.141], 4.0)
    """
    check_data(data)
    check_columns(data, [outcome])
    _check_pairs(matched)
    gammas = check_numbers(gammas, name="gammas", minimum=1, fix="1 = no hidden bias.")
    y, binary = outcome_values(data, outcome)
    y1 = y[matched.pairs["treated_row"].to_numpy()]
    y0 = y[matched.pairs["control_row"].to_numpy()]
    bounds = _mcnemar_bounds if binary else _signed_rank_bounds
    table = pd.DataFrame([bounds(y1 - y0, gamma) for gamma in gammas])
    over = table.loc[table["p_upper"] > alpha, "gamma"]
    return RosenbaumResult(
        table=table,
        gamma_critical=float(over.min()) if len(over) else np.nan,
        alpha=alpha,
        test="mcnemar" if binary else "wilcoxon",
    )


def _check_pairs(matched: MatchResult) -> None:
    """Raise ``ValueError`` unless the matching is 1:1 without replacement."""
    if matched.replace:
        raise ValueError("Rosenbaum bounds need independent pairs: match with replace=False.")
    if matched.pairs["treated_row"].duplicated().any():
        raise ValueError(
            "Rosenbaum bounds here are for matched pairs, but some treated people have "
            "several controls: match with ratio=1."
        )


def _mcnemar_bounds(d: np.ndarray, gamma: float) -> dict:
    """Bounds on the one-sided McNemar p-value at ``gamma`` (0/1 pair differences ``d``)."""
    better, discordant = int(np.sum(d > 0)), int(np.sum(d != 0))
    return {
        "gamma": gamma,
        "p_upper": float(stats.binom.sf(better - 1, discordant, gamma / (1 + gamma))),
        "p_lower": float(stats.binom.sf(better - 1, discordant, 1 / (1 + gamma))),
        "n_discordant": discordant,
        "n_treated_better": better,
        "statistic": float(better),
    }


def _signed_rank_bounds(d: np.ndarray, gamma: float) -> dict:
    """Bounds on the one-sided Wilcoxon signed rank p-value at ``gamma`` (normal approx.).

    Zero differences are ranked with the others and then scored 0 (Pratt; Rosenbaum).
    """
    ranks = stats.rankdata(np.abs(d))[d != 0]
    t_plus = float(ranks[d[d != 0] > 0].sum())
    row = {"gamma": gamma, "p_upper": np.nan, "p_lower": np.nan, "n_discordant": len(ranks),
           "n_treated_better": int(np.sum(d > 0)), "statistic": t_plus}
    if len(ranks) == 0:
        warnings.warn(
            warning_text("warning.sensitivity.rosenbaum"),
            EvalkitWarning,
            stacklevel=4,
        )
        return row
    for column, p in (("p_upper", gamma / (1 + gamma)), ("p_lower", 1 / (1 + gamma))):
        mean, sd = p * ranks.sum(), np.sqrt(p * (1 - p) * np.sum(ranks**2))
        row[column] = float(stats.norm.sf((t_plus - mean) / sd))
    return row
