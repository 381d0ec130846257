"""One-way (tornado) sensitivity of the cost per extra job to the cost items and the horizon."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._plotting import axes
from evalkit._results import TableResult
from evalkit._validation import check_unit_interval
from evalkit.economics.icer import CostEffectivenessResult
from evalkit.reporting.catalogue import text, value_label
from evalkit.reporting.disclosure import PublicationSpec

__all__ = ["SensitivityResult", "one_way_sensitivity"]


@dataclass(frozen=True)
class SensitivityResult(TableResult):
    """The ICER when one input changes at a time.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per parameter and scenario: ``parameter`` (a cost item, or
        ``horizon``), ``scenario`` (``low``/``high``, or the horizon's label),
        ``incremental_cost``, ``incremental_effect``, ``icer`` (NaN unless both are
        positive: dominance and fewer jobs are never a ratio), ``status``.
    base_icer : float
        The ICER of the base case.
    """

    table: pd.DataFrame
    base_icer: float

    #: Published: no people are counted; euros whole, risk differences to 3 decimals.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=(), decimals={"incremental_cost": 0, "incremental_effect": 3, "icer": 0},
        ),
    }

    def plot(self, ax=None, *, language: str = "en"):
        """Tornado diagram: each parameter's range of the ICER around the base; the Axes.

        Cost items and the axis are labelled in ``language`` (the report catalogue's;
        an item it does not know prints as its name); ``ValueError`` if the language is
        not one of its languages.
        """
        spans = self.table.groupby("parameter", sort=False)["icer"].agg(["min", "max"])
        spans = spans.assign(width=spans["max"] - spans["min"]).sort_values("width")
        ax = axes(ax, (5.5, 0.45 * len(spans) + 1.2))
        y = np.arange(len(spans))
        ax.barh(y, spans["width"].fillna(0), left=spans["min"].fillna(self.base_icer),
                color="C0", height=0.6)
        ax.axvline(self.base_icer, color="grey", linewidth=1)
        ax.set_yticks(y, [value_label(p, language).replace("_", " ") for p in spans.index])
        ax.set_xlabel(text("axis.icer", language))
        return ax


def _icer(d_cost: float, d_effect: float) -> tuple[float, str]:
    if d_effect > 0 and d_cost > 0:
        return d_cost / d_effect, "icer"
    if d_effect > 0:
        return math.nan, "dominant"
    return math.nan, "dominated" if d_cost >= 0 else "cheaper_fewer_jobs"


def one_way_sensitivity(
    result: CostEffectivenessResult,
    *,
    change: float = 0.2,
    horizons: Mapping[object, CostEffectivenessResult] | None = None,
) -> SensitivityResult:
    """Tornado analysis: each cost item -/+ ``change``, and the ICER at other horizons.

    Parameters
    ----------
    result : CostEffectivenessResult
        The base case (:func:`cost_effectiveness`).
    change : float, default=0.2
        Relative change of each cost item, in both programmes at once (0.2: -20% and
        +20%).
    horizons : mapping of label to CostEffectivenessResult, optional
        The same analysis at other horizons (e.g. ``{"6 months": ce6, "24 months":
        ce24}``; ``n_boot=0`` is enough), shown as the row ``horizon``.

    Returns
    -------
    SensitivityResult

    Raises
    ------
    ValueError
        If ``change`` is not in (0, 1).

    Notes
    -----
    The adjusted mean cost of each programme is proportional to its cost per duo
    formed (each participant's cost is it times whether a duo was formed, and the
    IPW and AIPW means are linear in an arm's outcomes), so changing item ``k`` by a
    factor ``s`` gives ``dC' = C1 (u1 + (s-1) u1k) / u1 - C0 (u0 + (s-1) u0k) / u0``
    exactly; the effect does not change. Horizons refit everything on their own
    sample (people followed that long).

    Examples
    --------
    >>> from evalkit.economics import cost_effectiveness
    >>> # see cost_effectiveness; then one_way_sensitivity(ce).table
    """
    change = check_unit_interval(change, name="change", fix="e.g. change=0.2 for +/-20%.")
    d_effect = result.estimate("incremental_effect")
    c1, c0 = result.mean_costs
    u = result.unit_costs
    totals = u.sum(axis=1).to_numpy()
    rows = []
    for item in u.columns:
        for scenario, factor in (("low", 1 - change), ("high", 1 + change)):
            scaled = totals + (factor - 1) * u[item].to_numpy()
            ratio = np.divide(scaled, totals, out=np.ones(2), where=totals > 0)
            d_cost = c1 * ratio[0] - c0 * ratio[1]
            rows.append({"parameter": item, "scenario": scenario, "incremental_cost": d_cost,
                         "incremental_effect": d_effect, **_row_icer(d_cost, d_effect)})
    for label, other in (horizons or {}).items():
        d_cost, d_eff = other.estimate("incremental_cost"), other.estimate("incremental_effect")
        rows.append({"parameter": "horizon", "scenario": str(label), "incremental_cost": d_cost,
                     "incremental_effect": d_eff, **_row_icer(d_cost, d_eff)})
    base = _icer(result.estimate("incremental_cost"), d_effect)[0]
    return SensitivityResult(table=pd.DataFrame(rows), base_icer=base)


def _row_icer(d_cost: float, d_effect: float) -> dict:
    icer, status = _icer(d_cost, d_effect)
    return {"icer": icer, "status": status}
