"""The participant funnel (CONSORT-style) of a report's front page.

From the records read to the exits: rows read, rejected (by reason), eligible, at the
first meeting, duo completed, then a job as first exit within each horizon, with the
intention-to-treat rate (of everyone eligible) and the per-completer rate (of the
completed duos) side by side. Every count is published with the report's threshold
and ledger (:func:`~evalkit.reporting.publish`), so the funnel's counts and the parts'
counts are checked against each other for differencing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._validation import check_columns
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
        ``per_completer``: completed duos), ``n_followed`` (people followed for the
        horizon or with an exit before it), ``n_job`` and ``estimate``
        (``n_job / n_followed``).
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
    job_exits: Sequence[str] = ("job_permanent", "job_temporary", "self_employed"),
    horizons: Sequence[float] = (12,),
    exit_groups: Mapping[str, str] | None = None,
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
        meeting, whether the duo was completed.
    job_exits : sequence of str
        Exit types that count as a job.
    horizons : sequence of float, default=(12,)
        Months since intake.
    exit_groups : mapping of str to str, optional
        Exit type to exit group (:func:`evalkit.survival.time_to_event`; default: the
        shipped model's); a study's ``model.exit_groups``.

    Returns
    -------
    FunnelResult

    Raises
    ------
    ValueError
        If a named column is missing.

    Examples
    --------
    >>> from evalkit.data import load_participants
    >>> f = participant_funnel(load_participants("evaldata/participants.csv"))
    >>> f.table[f.table["programme"] == "Team4Job"][["stage", "n"]].to_string(index=False)
    '        stage   n\\n     eligible 730\\nfirst_meeting 632\\n    completed 557'
    """
    from evalkit.survival import time_to_event

    data = loaded.data
    check_columns(data, [programme, first_meeting_dropout, completed], name="participants")
    if eligible is not None:
        data = data[eligible.reindex(data.index, fill_value=False).astype(bool)]
    met = ~data[first_meeting_dropout].astype(bool)
    done = met & data[completed].astype(bool)
    rows = [("read", "all", loaded.n_read), ("rejected", "all", loaded.n_rejected)]
    for name, group in data.groupby(programme, observed=True, sort=True):
        rows += [("eligible", name, len(group)),
                 ("first_meeting", name, int(met[group.index].sum())),
                 ("completed", name, int(done[group.index].sum()))]
    table = pd.DataFrame(rows, columns=["stage", "programme", "n"])
    rejected = getattr(loaded, "rejected", None)
    reasons = (pd.DataFrame({"reason": pd.Series(dtype=object), "n": pd.Series(dtype=int)})
               if rejected is None or rejected.empty else
               rejected.drop_duplicates("row").groupby("reason").size().rename("n").reset_index())
    timed = time_to_event(data, exit_groups=exit_groups, unit="months").data
    rates = [_rates(timed, done, programme, list(job_exits), h, name, who)
             for h in horizons for name in sorted(data[programme].unique())
             for who in ("intention_to_treat", "per_completer")]
    return FunnelResult(table=table, reasons=reasons, rates=pd.DataFrame(rates))


def _rates(timed, done, programme, job_exits, horizon, name, who) -> dict:
    group = timed[timed[programme] == name]
    if who == "per_completer":
        group = group[done.reindex(group.index, fill_value=False).to_numpy()]
    job = group["exit_type"].isin(job_exits).to_numpy() & (group["time"] <= horizon).to_numpy()
    followed = (group["time"] >= horizon).to_numpy() | (
        (group["exit_type"] != "censored").to_numpy() & (group["time"] <= horizon).to_numpy())
    n_followed, n_job = int(followed.sum()), int((job & followed).sum())
    return {"programme": name, "horizon": float(horizon), "population": who,
            "n_followed": n_followed, "n_job": n_job,
            "estimate": n_job / n_followed if n_followed else np.nan}
