"""Several planning questions side by side: one table and one chart for a report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evalkit._plotting import axes
from evalkit._results import TableResult
from evalkit.planning._common import PlanResult
from evalkit.reporting.catalogue import text

__all__ = ["PlanSummaryResult", "compare_plans"]

_COLUMNS = ("design", "method", "quantity", "effect", "effect_size", "alpha", "power",
            "design_effect", "value", "required", "n_total")


@dataclass(frozen=True)
class PlanSummaryResult(TableResult):
    """Planning answers of several questions.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per question: ``question`` and the columns ``design``, ``method``,
        ``quantity``, ``effect``, ``effect_size``, ``alpha``, ``power``,
        ``design_effect``, ``value``, ``required`` (rounded up, design effect
        applied) and ``n_total`` (participants in all, where the plan gives them:
        both groups, or events over the share with an event).
    plans : dict
        The results by question (each draws its own power curve).
    """

    table: pd.DataFrame
    plans: dict

    def plot(self, ax=None, *, language: str = "en"):
        """Participants needed by question (bars; events shown as participants); the Axes.

        The axis label is in ``language`` (the report catalogue's; ``ValueError`` if
        unknown); the questions are shown as given.
        """
        total = self.table["n_total"].fillna(self.table["required"])
        ax = axes(ax, (5.5, 0.45 * len(self.table) + 1.2))
        y = np.arange(len(self.table))
        ax.barh(y, total, color="C0", height=0.6)
        ax.set_yticks(y, self.table["question"])
        ax.invert_yaxis()
        ax.set_xlabel(text("axis.participants_needed", language))
        return ax


def compare_plans(plans: Mapping[str, PlanResult]) -> PlanSummaryResult:
    """Put the answers of several planning questions in one table.

    Parameters
    ----------
    plans : mapping of str to PlanResult
        Question (as a reader would ask it) to its sample size or events.

    Returns
    -------
    PlanSummaryResult

    Raises
    ------
    TypeError
        If ``plans`` is empty or a value is not a :class:`PlanResult`.

    Notes
    -----
    ``n_total`` is ``required + n2_required`` for two groups, ``n_total`` of
    :func:`events_needed`, and ``required`` for paired designs.

    Examples
    --------
    >>> from evalkit.planning import events_needed, sample_size_proportions
    >>> s = compare_plans({"job rate": sample_size_proportions(0.5, 0.4),
    ...                    "hazard ratio": events_needed(1.3, event_probability=0.5)})
    >>> s.table[["question", "n_total"]].values.tolist()
    [['job rate', 776.0], ['hazard ratio', 913.0]]
    """
    if not plans or not all(isinstance(p, PlanResult) for p in plans.values()):
        raise TypeError("plans must map questions to PlanResult objects (from "
                        "evalkit.planning), e.g. {'job rate': sample_size_proportions(...)}.")
    rows = []
    for question, plan in plans.items():
        row = plan.table.iloc[0]
        total = row.get("n_total", np.nan)
        if "n2_required" in row and pd.notna(row["n2_required"]):
            total = row["required"] + row["n2_required"]
        elif row["design"] == "paired_change":
            total = row["required"]
        rows.append({"question": question, **{c: row.get(c, np.nan) for c in _COLUMNS},
                     "n_total": float(total)})
    return PlanSummaryResult(table=pd.DataFrame(rows), plans=dict(plans))
