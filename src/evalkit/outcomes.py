"""Outcome definitions shared by the analysis families.

"Found a job within h months" is only known for people who either left for a job
within h months or were followed for at least h months; everyone else is excluded,
counted, and reported, never counted as a failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evalkit._results import TableResult
from evalkit._validation import check_columns, check_data
from evalkit.schema import EXIT_GROUPS

__all__ = ["OutcomeResult", "job_within"]

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class OutcomeResult(TableResult):
    """A binary outcome at a horizon, with the people it could not be defined for.

    Attributes
    ----------
    table : pandas.DataFrame
        Counts: ``n_read``, ``n_used``, ``n_excluded`` (followed for less than the
        horizon without a job exit) and ``n_events``.
    data : pandas.DataFrame
        The rows with a known outcome, with the outcome column added (row-level: not
        shown in reprs).
    column : str
        Name of the outcome column (``job_within_{h}m``).
    horizon_days : int
        The horizon in days.
    """

    table: pd.DataFrame
    data: pd.DataFrame = field(repr=False)
    column: str
    horizon_days: int


def job_within(
    data: pd.DataFrame,
    horizon_months: float,
    *,
    start: str = "intake_date",
    exit_date: str = "exit_date",
    end: str = "follow_up_end",
    exit_type: str = "exit_type",
    event: str = "job",
) -> OutcomeResult:
    """Whether the first exit is a job (or another exit group) within a horizon.

    Parameters
    ----------
    data : pandas.DataFrame
        Participants (see :data:`evalkit.schema.PARTICIPANTS`).
    horizon_months : float
        Horizon in months (a month is 365.25/12 days, so 6 -> 183 and 12 -> 365 days).
    start, exit_date, end, exit_type : str
        Column names of the intake date, exit date, end of follow-up and exit type.
    event : {"job", "training", "dropout"}, default="job"
        Exit group of :data:`evalkit.schema.EXIT_GROUPS` that counts as the event.

    Returns
    -------
    OutcomeResult

    Notes
    -----
    The outcome is 1 if the first exit belongs to ``event`` and happens within the
    horizon, 0 if another exit happened first or the person was followed for the
    whole horizon without the event, and undefined (excluded) otherwise. Excluding
    people with short follow-up is unbiased when follow-up ends for administrative
    reasons unrelated to the outcome (e.g. the data extraction date); for a
    time-to-event view without exclusions use the survival module's cumulative
    incidence.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "intake_date": pd.to_datetime(["2020-01-01"] * 3),
    ...     "exit_date": pd.to_datetime(["2020-03-01", None, None]),
    ...     "follow_up_end": pd.to_datetime(["2021-06-30", "2021-06-30", "2020-02-01"]),
    ...     "exit_type": ["job_temporary", "censored", "censored"]})
    >>> job_within(df, 6).table.to_dict("records")
    [{'n_read': 3, 'n_used': 2, 'n_excluded': 1, 'n_events': 1}]
    """
    check_data(data)
    check_columns(data, [start, exit_date, end, exit_type])
    groups = set(EXIT_GROUPS.values()) - {"censored"}
    if event not in groups:
        raise ValueError(f"event must be one of {sorted(groups)}, but was {event!r}.")
    if not horizon_months > 0:
        raise ValueError(f"horizon_months must be positive, but was {horizon_months!r}.")
    days = round(horizon_months * DAYS_PER_MONTH)
    group = data[exit_type].astype(object).map(EXIT_GROUPS)
    elapsed = (data[exit_date] - data[start]).dt.days
    followed = (data[end] - data[start]).dt.days
    exited_before = (group != "censored") & (elapsed <= days)
    known = (exited_before | (followed >= days)).to_numpy()
    outcome = (exited_before & (group == event)).to_numpy(dtype=float)
    column = f"{event}_within_{horizon_months:g}m"
    used = data.loc[known].assign(**{column: outcome[known]}).reset_index(drop=True)
    table = pd.DataFrame(
        [
            {
                "n_read": len(data),
                "n_used": int(known.sum()),
                "n_excluded": int((~known).sum()),
                "n_events": int(np.sum(outcome[known])),
            }
        ]
    )
    return OutcomeResult(table=table, data=used, column=column, horizon_days=days)
