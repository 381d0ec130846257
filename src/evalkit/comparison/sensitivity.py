"""Sensitivity to unmeasured confounding: E-values and Rosenbaum bounds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from evalkit._plotting import axes
from evalkit._results import TableResult
from evalkit._validation import check_columns, check_conf_level, check_data, check_numbers
from evalkit.comparison._design import outcome_values
from evalkit.reporting.disclosure import PublicationSpec

if TYPE_CHECKING:
    from evalkit.comparison.matching import MatchResult

__all__ = ["EValueResult", "RosenbaumResult", "e_value", "rosenbaum_bounds"]


@dataclass(frozen=True)
class EValueResult(TableResult):
    """E-values: how strong unmeasured confounding would have to be to explain a result.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per estimate: ``method``, ``estimate`` (risk ratio), ``ci_low``,
        ``ci_high``, ``e_value`` (for the estimate) and ``e_value_ci`` (for the
        confidence limit closest to 1; 1 when the interval includes 1; NaN without a
        CI).
    conf_level : float or None
        Confidence level of the intervals.
    """

    table: pd.DataFrame
    conf_level: float | None


def _e_single(rr: float) -> float:
    """The E-value of one risk ratio (through ``1/RR`` below 1)."""
    rr = rr if rr >= 1 else 1 / rr
    return float(rr + np.sqrt(rr * (rr - 1)))


def _check_risk_ratios(rr, lo, hi) -> None:
    """Raise ``ValueError`` unless the ratio and its limits (both or neither) are positive."""
    if (lo is None) != (hi is None):
        raise ValueError("pass both ci_low and ci_high, or neither.")
    for name, value in (("estimate", rr), ("ci_low", lo), ("ci_high", hi)):
        if value is not None and not (np.isfinite(value) and value > 0):
            raise ValueError(
                f"{name} must be a positive finite risk ratio, but was {value!r}; pass "
                "ratios (not differences or log ratios)."
            )


def _e_value_table(estimates, lows, highs, *, methods, conf_level) -> EValueResult:
    """E-values of risk ratios and of their confidence limits closest to 1."""
    rows = []
    for method, rr, lo, hi in zip(methods, estimates, lows, highs, strict=True):
        _check_risk_ratios(rr, lo, hi)
        if lo is None or hi is None:
            limit = np.nan
        elif lo <= 1 <= hi:
            limit = 1.0
        else:
            limit = _e_single(lo if rr >= 1 else hi)
        rows.append(
            {
                "method": method,
                "estimate": float(rr),
                "ci_low": np.nan if lo is None else float(lo),
                "ci_high": np.nan if hi is None else float(hi),
                "e_value": _e_single(rr),
                "e_value_ci": limit,
            }
        )
    return EValueResult(table=pd.DataFrame(rows), conf_level=conf_level)


def e_value(
    estimate: float,
    ci_low: float | None = None,
    ci_high: float | None = None,
    *,
    conf_level: float | None = None,
) -> EValueResult:
    """E-values for a risk ratio and for the confidence limit closest to 1.

    Parameters
    ----------
    estimate : float
        Risk ratio (values below 1 are handled through :math:`1/RR`).
    ci_low, ci_high : float, optional
        Confidence limits of the risk ratio.
    conf_level : float, optional
        Their confidence level (recorded in the result).

    Returns
    -------
    EValueResult
        ``e_value`` is the minimum strength of association, on the risk-ratio scale,
        that an unmeasured confounder would need with *both* the programme and the
        outcome, beyond the measured covariates, to explain the estimate away;
        ``e_value_ci`` the same for moving the confidence interval to include 1.

    Raises
    ------
    ValueError
        If the estimate or a limit is not a positive finite ratio; only one limit is
        given; ``conf_level`` is not in (0, 1).

    Notes
    -----
    :math:`E = RR + \\sqrt{RR(RR-1)}` for :math:`RR \\ge 1` (VanderWeele & Ding 2017);
    for :math:`RR < 1` apply it to :math:`1/RR`. For a risk difference, use the ratio
    of the same two adjusted risks (:meth:`EffectResult.e_values` does). The E-value
    makes no assumption about the confounder's prevalence; it is a bound, not an
    estimate.

    References
    ----------
    VanderWeele, T. J. & Ding, P. (2017). Sensitivity analysis in observational
    research: introducing the E-value. *Annals of Internal Medicine*, 167, 268-274.
    Agrees with R ``EValue::evalues.RR`` (the paper's example: 7.26 and 3.00).

    Examples
    --------
    >>> r = e_value(3.9, 1.8, 8.7)
    >>> r.table[["e_value", "e_value_ci"]].round(2).to_numpy().tolist()
    [[7.26, 3.0]]
    """
    if conf_level is not None:
        conf_level = check_conf_level(conf_level)
    return _e_value_table([estimate], [ci_low], [ci_high], methods=[None], conf_level=conf_level)


@dataclass(frozen=True)
class RosenbaumResult(TableResult):
    """Rosenbaum bounds for matched pairs with a binary outcome.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per ``gamma``: ``p_upper`` (upper bound of the one-sided p-value of no
        effect), ``n_discordant``, ``n_treated_better``.
    gamma_critical : float
        The smallest examined ``gamma`` at which ``p_upper`` exceeds ``alpha`` (NaN if
        none does): the hidden bias the result withstands is below it.
    alpha : float
        The significance level used for ``gamma_critical``.
    """

    table: pd.DataFrame
    gamma_critical: float
    alpha: float

    #: How the table is published: the pair counts below the threshold suppressed, with
    #: the bounds computed from them; p-values rounded.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n_discordant", "n_treated_better"),
            derived=("p_upper",),
            decimals={"p_upper": 3},
        ),
    }

    def plot(self, ax=None):
        """Upper p-value bound against gamma, with ``alpha``; returns the Axes."""
        ax = axes(ax, (5, 3))
        ax.plot(self.table["gamma"], self.table["p_upper"], marker="o")
        ax.axhline(self.alpha, color="grey", linestyle="--", linewidth=1)
        ax.set_xlabel("gamma: odds of hidden bias within a pair")
        ax.set_ylabel("upper bound of the p-value")
        return ax


def rosenbaum_bounds(
    data: pd.DataFrame,
    outcome: str,
    matched: MatchResult,
    *,
    gammas: Sequence[float] = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0),
    alpha: float = 0.05,
) -> RosenbaumResult:
    """Rosenbaum sensitivity bounds for a binary outcome in matched pairs (McNemar).

    Parameters
    ----------
    data : pandas.DataFrame
        The matched data.
    outcome : str
        Binary (0/1) outcome column.
    matched : MatchResult
        Matching without replacement.
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
        If ``data`` is empty or lacks ``outcome``; the outcome is not 0/1 or has
        missing values; the matching was done with replacement; ``gammas`` is empty
        or has a value below 1.

    Notes
    -----
    Among pairs with different outcomes, under no effect and hidden bias at most
    :math:`\\Gamma` (two matched people's odds of being treated differ by at most
    that factor), the number of pairs in which the treated person has the better
    outcome is stochastically below Binomial(:math:`D`, :math:`\\Gamma/(1+\\Gamma)`);
    ``p_upper`` is its upper tail (Rosenbaum 2002, section 4.3). At
    :math:`\\Gamma = 1` it is the exact one-sided McNemar test. It bounds the test
    of a positive effect: read it when the treated do better.

    References
    ----------
    Rosenbaum, P. R. (2002). *Observational Studies*, 2nd ed., Springer. Agrees with
    R ``rbounds::binarysens`` and, at gamma 1, with ``scipy.stats.binomtest`` (1e-7).

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
    if matched.replace:
        raise ValueError("Rosenbaum bounds need independent pairs: match with replace=False.")
    gammas = check_numbers(gammas, name="gammas", minimum=1, fix="1 = no hidden bias.")
    y1, y0 = _pair_outcomes(data, outcome, matched)
    better = int(np.sum((y1 == 1) & (y0 == 0)))
    discordant = int(np.sum(y1 != y0))
    table = pd.DataFrame(
        [
            {
                "gamma": gamma,
                "p_upper": float(stats.binom.sf(better - 1, discordant, gamma / (1 + gamma))),
                "n_discordant": discordant,
                "n_treated_better": better,
            }
            for gamma in gammas
        ]
    )
    over = table.loc[table["p_upper"] > alpha, "gamma"]
    return RosenbaumResult(
        table=table, gamma_critical=float(over.min()) if len(over) else np.nan, alpha=alpha
    )


def _pair_outcomes(
    data: pd.DataFrame, outcome: str, matched: MatchResult
) -> tuple[np.ndarray, np.ndarray]:
    """The 0/1 outcomes of the treated and of the control person of each pair."""
    y, binary = outcome_values(data, outcome)
    if not binary:
        raise ValueError(
            f"outcome {outcome!r} must be 0/1 for McNemar-type bounds; for a continuous "
            "outcome use the E-value of the adjusted estimate."
        )
    return y[matched.pairs["treated_row"].to_numpy()], y[matched.pairs["control_row"].to_numpy()]
