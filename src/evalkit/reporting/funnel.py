"""The participant funnel (CONSORT-style) of a report's front page.

From the records read to the exits: rows read, rejected (by reason), eligible, at the
first meeting, duo completed, then a job as first exit within each horizon, with the
intention-to-treat rate (of everyone eligible) and the per-completer rate (of the
completed duos) side by side. Every count is published with the report's threshold
and ledger (:func:`~evalkit.reporting.publish`), so the funnel's counts and the parts'
counts are checked against each other for differencing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._validation import check_columns
from evalkit.data.model import DataModel
from evalkit.data.outcomes import OutcomeResult, job_within
from evalkit.reporting.disclosure import PublicationSpec

__all__ = ["FunnelResult", "participant_funnel"]

#: Stages of the funnel, in order.
STAGES = ("read", "rejected", "eligible", "first_meeting", "completed")


@dataclass(frozen=True)
class FunnelResult:
    """Where the participants went, stage by stage.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per stage (``read``, ``rejected``, ``eligible``, ``first_meeting``,
        ``completed``) and programme (``"all"`` for rows read and rejected, which may
        have no valid programme): ``stage``, ``programme``, ``n``.
    reasons : pandas.DataFrame
        Rejected rows by reason: ``reason``, ``n``.
    rates : pandas.DataFrame
        A job as first exit within each horizon: ``programme``, ``horizon``,
        ``population`` (``intention_to_treat``: everyone eligible;
        ``per_completer``: completed duos), ``n_followed`` (people whose follow-up
        reaches the horizon, as :func:`evalkit.data.job_within`), ``n_job`` and
        ``estimate`` (``n_job / n_followed``).
    """

    table: pd.DataFrame
    reasons: pd.DataFrame
    rates: pd.DataFrame

    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(counts=("n",), dimensions=("stage", "programme")),
        "reasons": PublicationSpec(counts=("n",)),
        "rates": PublicationSpec(counts=("n_followed", "n_job"),
                                 derived={"estimate": ("n_followed", "n_job")},
                                 decimals={"estimate": 3}),
    }


def participant_funnel(
    loaded: object,
    *,
    eligible: pd.Series | None = None,
    programme: str = "programme",
    first_meeting_dropout: str = "first_meeting_dropout",
    completed: str = "duo_completed",
    horizons: Sequence[float] = (12,),
    model: DataModel | None = None,
) -> FunnelResult:
    """The funnel of a loaded participants file.

    Parameters
    ----------
    loaded : LoadResult
        :func:`~evalkit.data.load_participants` of the file (rows read and rejected).
    eligible : pandas.Series of bool, optional
        Which valid rows are eligible (index of ``loaded.data``); default: all.
    programme, first_meeting_dropout, completed : str
        Columns: the programme, whether the participant dropped out before the first
        meeting, whether the duo was completed. A file without the first-meeting or the
        completion column (optional columns of the data model) has no such stage, and
        without the completion column no per-completer rate.
    horizons : sequence of float, default=(12,)
        Months since intake.
    model : DataModel, optional
        The study's data model (its job exits); default: the model ``loaded`` was read
        with, else the shipped one.

    Returns
    -------
    FunnelResult

    Raises
    ------
    ValueError
        If the programme column is missing.

    Notes
    -----
    The rates are :func:`evalkit.data.job_within`'s: among the people whose follow-up
    reaches the horizon, the share whose first exit is a job by then; the same
    denominators as the parts' 12-month outcome tables.

    Examples
    --------
    >>> from evalkit.data import load_participants
    >>> f = participant_funnel(load_participants("evaldata/participants.csv"))
    >>> f.table[f.table["programme"] == "Team4Job"][["stage", "n"]].to_string(index=False)
    '        stage   n\\n     eligible 730\\nfirst_meeting 632\\n    completed 557'
    """
    data = loaded.data
    check_columns(data, [programme], name="participants")
    model = model if model is not None else getattr(loaded, "model", None)
    if eligible is not None:
        data = data[eligible.reindex(data.index, fill_value=False).astype(bool)]
    steps = _steps(data, first_meeting_dropout, completed)
    rows = [("read", "all", loaded.n_read), ("rejected", "all", loaded.n_rejected)]
    for name, group in data.groupby(programme, observed=True, sort=True):
        rows += [("eligible", name, len(group))]
        rows += [(stage, name, int(kept[group.index].sum())) for stage, kept in steps.items()]
    table = pd.DataFrame(rows, columns=["stage", "programme", "n"])
    data = data.assign(_completed=steps["completed"]) if "completed" in steps else data
    populations = ("intention_to_treat",) + (("per_completer",) if "completed" in steps else ())
    outcomes = {h: job_within(data, h, model=model) for h in horizons}
    rates = [_rates(outcomes[h], h, programme, name, who)
             for h in horizons for name in sorted(data[programme].unique())
             for who in populations]
    return FunnelResult(table=table, reasons=_reasons(loaded), rates=pd.DataFrame(rates))


def _steps(data: pd.DataFrame, first_meeting_dropout: str, completed: str) -> dict:
    """Who reached each stage after eligibility, for the stages the file has columns for."""
    steps = {}
    met = pd.Series(True, index=data.index)
    if first_meeting_dropout in data:
        met = ~data[first_meeting_dropout].astype(bool)
        steps["first_meeting"] = met
    if completed in data:
        steps["completed"] = met & data[completed].astype(bool)
    return steps


def _reasons(loaded: object) -> pd.DataFrame:
    """Rejected rows by reason (each row once)."""
    rejected = getattr(loaded, "rejected", None)
    if rejected is None or rejected.empty:
        return pd.DataFrame({"reason": pd.Series(dtype=object), "n": pd.Series(dtype=int)})
    return rejected.drop_duplicates("row").groupby("reason").size().rename("n").reset_index()


def _rates(outcome: OutcomeResult, horizon: float, programme: str, name: object,
           who: str) -> dict:
    """A job within the horizon among the people followed to it (job_within's rows)."""
    group = outcome.data[outcome.data[programme] == name]
    if who == "per_completer":
        group = group[group["_completed"].to_numpy(dtype=bool)]
    n_followed, n_job = len(group), int(group[outcome.column].sum())
    return {"programme": name, "horizon": float(horizon), "population": who,
            "n_followed": n_followed, "n_job": n_job,
            "estimate": n_job / n_followed if n_followed else np.nan}
