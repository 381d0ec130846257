"""Participants needed to estimate one programme's rate to a given precision (CI half-width)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from evalkit._validation import check_one_of, check_unit_interval
from evalkit.planning._common import (
    PlanResult,
    check_design_effect,
    plan_curve,
    plan_table,
    solve_between,
)
from evalkit.reporting.catalogue import text, translate
from evalkit.reporting.format import format_level

__all__ = ["PrecisionResult", "sample_size_precision"]

METHODS = ("wilson", "wald")


def _half_width(p: float, z: float, method: str):
    """The interval's half-width at sizes ``n`` when the observed share is ``p``."""

    def half_width(n):
        n = np.asarray(n, dtype=float)
        if method == "wald":
            return z * np.sqrt(p * (1 - p) / n)
        return z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)

    return half_width


@dataclass(frozen=True)
class PrecisionResult(PlanResult):
    """Participants for a confidence interval of a rate no wider than ``±half_width``.

    As :class:`~evalkit.planning.PlanResult` (``quantity`` is ``"n_precision"``, ``power``
    is NaN: precision is not a test); ``power_at`` gives the interval's half-width at
    an array of sizes, and :meth:`plot` draws it.
    """

    def plot(self, ax=None, *, sizes=None, language: str = "en"):
        """The interval's half-width against the number of participants; the Axes.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        sizes : array-like, optional
            Sizes to draw; default 10% to 250% of the planned size.
        language : str, default="en"
            Language of the axis labels (the report catalogue's).

        Raises
        ------
        ValueError
            If ``language`` is not one of the catalogue's.
        """
        if sizes is None:
            sizes = np.linspace(max(self.size * 0.1, 2.0), self.size * 2.5, 200)
        level = format_level(1 - self.alpha, language)
        ax = plan_curve(ax, sizes, self.power_at, float(self.table["effect"].iloc[0]),
                        self.size, translate(self.size_label, language),
                        text("figure.half_width", language, level=level), scale=100)
        ax.set_ylim(bottom=0)
        return ax


def sample_size_precision(
    p: float,
    half_width: float,
    *,
    alpha: float = 0.05,
    method: str = "wilson",
    design_effect: float = 1.0,
) -> PrecisionResult:
    """Participants needed to estimate a rate ``p`` within ``±half_width`` (CI half-width).

    Parameters
    ----------
    p : float
        The expected rate (e.g. this study's share with a job at the horizon), in (0, 1).
    half_width : float
        The wanted half-width of the confidence interval, as a proportion (0.05 is
        ±5 percentage points), in (0, 1).
    alpha : float, default=0.05
        One minus the confidence level (0.05: a 95% interval).
    method : {"wilson", "wald"}, default="wilson"
        The interval the next evaluation will report: Wilson's score interval (as
        evalkit reports rates; its half-width is half its length, the interval not
        being symmetric) or the Wald interval ``p ± z sqrt(p (1 - p) / n)``.
    design_effect : float or result of :func:`design_effect`, default=1.0
        Multiplies the size in ``required`` (clustering by mentor or site).

    Returns
    -------
    PrecisionResult
        ``value`` is ``n`` (fractional) for independent participants; the table's
        ``required`` and ``n_total`` are ``ceil(n * design_effect)``; ``effect`` is the
        half-width, ``p1`` the rate.

    Raises
    ------
    ValueError
        If ``p``, ``half_width`` or ``alpha`` is not in (0, 1), ``method`` or
        ``design_effect`` is not one allowed, or (Wilson) no size gives so narrow an
        interval below 10^9 participants.

    Notes
    -----
    With ``z = z_(1-alpha/2)``: Wald, the closed form ``n = z^2 p (1 - p) / w^2``
    (statsmodels ``samplesize_confint_proportion``); Wilson, the root in ``n`` of
    ``z sqrt(p (1 - p) / n + z^2 / (4 n^2)) / (1 + z^2 / n) = w`` (Wilson 1927;
    Newcombe 1998): a little below the Wald size near 0.5, above it near 0 or 1 (the
    score interval does not shrink to nothing there). Both assume the rate observed is
    ``p``: plan with the plausible value closest to 0.5 (0.5 is the safest).

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *JASA*, 22, 209–212. Agrees with statsmodels 0.15
    ``samplesize_confint_proportion`` (Wald, 1e-7) and with the half-width of
    ``proportion_confint(method="wilson")`` at the size found (1e-7).

    Examples
    --------
    >>> plan = sample_size_precision(0.45, 0.05)
    >>> round(plan.value, 1), int(plan.table["required"].iloc[0])
    (376.5, 377)
    >>> round(sample_size_precision(0.45, 0.05, method="wald").value, 1)
    380.3
    """
    check_unit_interval(p, name="p", fix="the expected rate, e.g. p=0.45 (45% found a job).")
    check_unit_interval(half_width, name="half_width",
                        fix="a proportion, e.g. half_width=0.05 for ±5 percentage points.")
    alpha = check_unit_interval(alpha, name="alpha", fix="e.g. alpha=0.05.")
    check_one_of(method, METHODS, name="method")
    deff = check_design_effect(design_effect)
    z = float(stats.norm.isf(alpha / 2))
    width = _half_width(p, z, method)
    if method == "wald":
        n = z**2 * p * (1 - p) / half_width**2
    else:
        if float(width(1e9)) > half_width:
            raise ValueError(
                f"no size up to 10^9 gives a Wilson interval of half-width {half_width!r} "
                f"around p={p!r}; plan for a wider interval.")
        n = solve_between(lambda m: float(width(m)) - half_width, 1e-6, 1e9)
    required = math.ceil(n * deff - 1e-9)
    table = plan_table(
        design="precision", method=method, quantity="n_precision", value=n,
        required=required, n_total=float(required), effect=half_width,
        effect_size=np.nan, alpha=alpha, power=np.nan, p1=p, design_effect=deff,
    )
    return PrecisionResult(table=table, value=n, quantity="n_precision",
                           size_label="participants", size=n, alpha=alpha, power=np.nan,
                           power_at=width)
