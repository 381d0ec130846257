"""The result of a planning calculation and the checks and solvers every design shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from evalkit._plotting import axes
from evalkit._results import TableResult
from evalkit._validation import check_positive, check_unit_interval
from evalkit.reporting.catalogue import text, translate

__all__ = [
    "PlanResult",
    "check_design_effect",
    "check_error_rates",
    "plan_curve",
    "plan_table",
    "solve_between",
    "solve_increasing",
    "two_sided_power",
]


@dataclass(frozen=True)
class PlanResult(TableResult):
    """A sample size, a number of events, a power or a minimum detectable effect.

    Attributes
    ----------
    table : pandas.DataFrame
        One row: ``design`` (``two_proportions``, ``hazard_ratio``, ``paired_change``,
        ``rmst_difference``), ``method``, ``quantity`` (what ``value`` is:
        ``n_per_group``, ``events``, ``detectable_*``), ``value`` (full precision),
        ``required`` (``value`` rounded up for a size, with the design effect and loss
        applied for ``n_total``; NaN for an effect), ``effect`` (on its natural scale:
        a difference of proportions, a hazard ratio, ``d_z``, months), ``effect_size``
        (the standardised effect the power depends on: Cohen's ``h``, the log hazard
        ratio, ``d_z``, the difference over its per-person SD), ``alpha``, ``power``,
        and the design's own inputs (``p1``, ``p2``, ``ratio``, ``allocation``…).
    value : float
        The answer (``table["value"]``).
    quantity : str
        What ``value`` is.
    size_label : str
        The unit of the size on a power curve ("participants per group", "events").
    size : float
        The planned (or given) size, marked on the power curve.
    alpha, power : float
        Two-sided significance level and power.
    power_at : callable
        Power at an array of sizes for the planned (or detectable) effect; the power
        curve (not shown in reprs).
    """

    table: pd.DataFrame
    value: float
    quantity: str
    size_label: str
    size: float
    alpha: float
    power: float
    power_at: Callable[[np.ndarray], np.ndarray] = field(repr=False)

    def plot(self, ax=None, *, sizes=None, language: str = "en"):
        """Power against the size (participants or events), the plan marked; the Axes.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        sizes : array-like, optional
            Sizes to draw; default 2% to 250% of the planned size.
        language : str, default="en"
            Language of the axis labels (the report catalogue's).

        Raises
        ------
        ValueError
            If ``language`` is not one of the catalogue's.
        """
        if sizes is None:
            sizes = np.linspace(max(self.size * 0.02, 2.0), self.size * 2.5, 200)
        ax = plan_curve(ax, sizes, self.power_at, self.power, self.size,
                        translate(self.size_label, language),
                        text("figure.power_alpha", language, alpha=f"{self.alpha:g}"))
        ax.set_ylim(0, 1)
        return ax


def plan_curve(ax, sizes, curve, target, size, xlabel, ylabel, scale=1.0):
    """Draw ``scale * curve(sizes)`` against the sizes, the target and the planned size
    marked; the Axes."""
    sizes = np.asarray(sizes, dtype=float)
    ax = axes(ax, (5.0, 3.5))
    ax.plot(sizes, scale * curve(sizes), color="C0")
    ax.axhline(scale * target, color="grey", linewidth=1, linestyle="--")
    ax.axvline(size, color="grey", linewidth=1, linestyle=":")
    ax.plot([size], [scale * target], "o", color="C1")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def check_error_rates(alpha: float, power: float) -> tuple[float, float, float, float]:
    """Return ``alpha``, ``power`` and their normal quantiles ``z_(1-alpha/2)``, ``z_power``.

    Raises ``ValueError`` unless both are in (0, 1) and ``power > alpha / 2`` (a lower
    power is reached with no data at all).
    """
    alpha = check_unit_interval(alpha, name="alpha", fix="e.g. alpha=0.05.")
    power = check_unit_interval(power, name="power", fix="e.g. power=0.8.")
    if power <= alpha / 2:
        raise ValueError(
            f"power must exceed alpha / 2 = {alpha / 2:g} (what a test reaches without "
            f"data), but was {power!r}; e.g. power=0.8."
        )
    return alpha, power, float(stats.norm.isf(alpha / 2)), float(stats.norm.ppf(power))


def check_design_effect(design_effect: object) -> float:
    """Return the design effect as a float (a number >= 1, or a result with ``.value``)."""
    value = getattr(design_effect, "value", design_effect)
    value = check_positive(value, name="design_effect", fix="e.g. design_effect=1.2, or "
                           "the result of evalkit.planning.design_effect.")
    if value < 1:
        raise ValueError(
            f"design_effect must be at least 1 (1 + (m - 1) ICC with ICC >= 0), but was "
            f"{value!r}; pass 1 for no clustering."
        )
    return value


def two_sided_power(ncp: np.ndarray | float, z_alpha: float) -> np.ndarray | float:
    """Power of a two-sided normal test whose statistic has mean ``ncp`` (both tails)."""
    ncp = np.abs(ncp)
    return stats.norm.sf(z_alpha - ncp) + stats.norm.cdf(-z_alpha - ncp)


def solve_increasing(
    function: Callable[[float], float], target: float, low: float, high: float
) -> float:
    """The ``x`` in ``[low, high]`` (``high`` doubled as needed) where ``function(x) = target``.

    ``function`` increases in ``x``; the root is found by Brent's method to 1e-12.
    """
    for _ in range(200):
        if function(high) >= target:
            break
        low, high = high, high * 2
    else:  # pragma: no cover - the power functions reach any target below 1
        raise ValueError("no solution: the target is not reached (the effect is too small).")
    return float(optimize.brentq(lambda x: function(x) - target, low, high,
                                 xtol=1e-12, rtol=1e-14, maxiter=500))


def solve_between(function: Callable[[float], float], low: float, high: float) -> float:
    """The root of ``function`` in ``[low, high]`` (signs differ at the ends), to 1e-12."""
    return float(optimize.brentq(function, low, high, xtol=1e-12, rtol=1e-14, maxiter=500))


def plan_table(**columns: object) -> pd.DataFrame:
    """The one-row table of a plan."""
    return pd.DataFrame([columns])
