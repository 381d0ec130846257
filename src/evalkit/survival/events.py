"""Analysis data from the participants table: the time to the first exit and its kind.

A participant's follow-up runs from intake to the first exit, or to the end of
follow-up (censored). :func:`time_to_event` turns the recorded dates and exit types
into the ``time`` and ``event`` columns every survival analysis reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._results import TableResult
from evalkit._validation import check_columns, check_data, check_one_of
from evalkit.data.model import DataModel
from evalkit.reporting.disclosure import PublicationSpec
from evalkit.survival.risktable import CENSORED

__all__ = ["UNITS", "TimeToEventResult", "time_to_event"]

#: Days per time unit of :func:`time_to_event` (a month is 365.25/12 days).
UNITS = {"days": 1.0, "weeks": 7.0, "months": 365.25 / 12, "years": 365.25}


@dataclass(frozen=True)
class TimeToEventResult(TableResult):
    """Participants with their analysis time and first exit.

    Attributes
    ----------
    table : pandas.DataFrame
        By ``event``: ``n`` participants, ``median_time`` and ``max_time`` (in ``unit``).
    data : pandas.DataFrame
        The input rows with ``time`` (in ``unit``) and ``event`` (Categorical: the exit
        groups, then ``censored``) added (row-level: not shown in reprs).
    unit : str
        Time unit.
    exit_groups : dict
        The mapping from recorded exit types to analysed events.
    """

    table: pd.DataFrame
    data: pd.DataFrame = field(repr=False)
    unit: str
    exit_groups: dict

    #: Published: small numbers of an exit suppressed (with a second one: the total is
    #: known), their times blanked; times to 1 decimal.
    publication: ClassVar[dict] = {"table": lambda result: events_spec(result.table.columns[0])}


def events_spec(event: str) -> PublicationSpec:
    """How the table of exits (by the column ``event``) is published."""
    return PublicationSpec(
        counts=("n",), derived=("median_time", "max_time"), margins=((),),
        decimals={"median_time": 1, "max_time": 1}, dimensions=(event,),
    )


def _check_dates(data: pd.DataFrame, columns: list[str]) -> None:
    """Raise unless every column holds dates (datetime64)."""
    for col in columns:
        if not pd.api.types.is_datetime64_any_dtype(data[col]):
            raise ValueError(
                f"column {col!r} must hold dates (datetime64), but has dtype {data[col].dtype}. "
                "Load the file with evalkit.data.load_participants or use pandas.to_datetime."
            )


def _analysed_events(recorded: pd.Series, exit_groups: Mapping[str, str], exit: str) -> pd.Series:
    """The analysed event of each recorded exit type (every type must have one)."""
    recorded = recorded.astype(object)
    mapped = recorded.map(dict(exit_groups))
    unknown = sorted(map(str, recorded[mapped.isna()].unique()))
    if unknown:
        raise ValueError(
            f"exit types {unknown} in column {exit!r} have no group in exit_groups; allowed "
            f"are {sorted(exit_groups)}. Add them to exit_groups (e.g. "
            "{**EXIT_GROUPS, 'x': 'job'})."
        )
    return mapped


def _days_followed(
    data: pd.DataFrame, is_censored: np.ndarray, start: str, end: str, follow_up: str
) -> np.ndarray:
    """Days from ``start`` to the exit (``end``), or to ``follow_up`` when censored."""
    missing = ~is_censored & data[end].isna().to_numpy()
    if missing.any():
        raise ValueError(
            f"{int(missing.sum())} row(s) have an exit but no {end!r}; every exit needs a date. "
            "Fix the dates, or load the file with evalkit.data.load_participants (it rejects "
            "such rows)."
        )
    stop = data[end].where(~is_censored, data[follow_up])
    if stop.isna().any():
        raise ValueError(
            f"{int(stop.isna().sum())} censored row(s) have no {follow_up!r}; "
            "the end of follow-up is needed."
        )
    days = (stop - data[start]).dt.total_seconds().to_numpy() / 86400.0
    if np.isnan(days).any():
        raise ValueError(f"{int(np.isnan(days).sum())} row(s) have no {start!r}.")
    if (days < 0).any():
        raise ValueError(
            f"{int((days < 0).sum())} row(s) end before they start ({end!r} or {follow_up!r} "
            f"before {start!r}); correct the dates."
        )
    return days


def time_to_event(
    data: pd.DataFrame,
    *,
    start: str = "intake_date",
    end: str = "exit_date",
    follow_up: str = "follow_up_end",
    exit: str = "exit_type",
    exit_groups: Mapping[str, str] | None = None,
    unit: str = "months",
    time: str = "time",
    event: str = "event",
) -> TimeToEventResult:
    """Time from intake to the first exit (or to the end of follow-up) and the exit's group.

    Parameters
    ----------
    data : pandas.DataFrame
        Participants (see :data:`evalkit.data.schema.PARTICIPANTS`): dates as datetime64.
    start : str, default="intake_date"
        Start of follow-up.
    end : str, default="exit_date"
        Date of the exit (empty when censored).
    follow_up : str, default="follow_up_end"
        End of follow-up: the time of censored rows.
    exit : str, default="exit_type"
        Recorded exit type.
    exit_groups : mapping, optional
        Recorded exit type → analysed event; the value ``"censored"`` marks no exit.
        Default: the shipped data model's (``DataModel.shipped().exit_groups``, equal to
        :data:`evalkit.data.schema.EXIT_GROUPS`); for a study, its model's
        ``model.exit_groups``. E.g. ``{**model.exit_groups, "self_employed":
        "self_employed"}`` keeps self-employment apart from jobs.
    unit : {"days", "weeks", "months", "years"}, default="months"
        Time unit (a month is 365.25/12 days).
    time, event : str
        Names of the added columns.

    Returns
    -------
    TimeToEventResult

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        On missing columns, an unknown ``unit``, date columns that do not hold dates,
        exit types without a group, an exit without a date, a censored row without
        the end of follow-up, a row without a start, or an end before the start.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "intake_date": pd.to_datetime(["2020-01-01", "2020-01-01"]),
    ...     "exit_date": pd.to_datetime(["2020-01-31", None]),
    ...     "follow_up_end": pd.to_datetime(["2021-01-01", "2020-03-01"]),
    ...     "exit_type": ["job_temporary", "censored"]})
    >>> time_to_event(df, unit="days").data[["time", "event"]].to_dict("list")
    {'time': [30.0, 60.0], 'event': ['job', 'censored']}
    """
    check_data(data)
    check_columns(data, [start, end, follow_up, exit])
    check_one_of(unit, list(UNITS), name="unit")
    _check_dates(data, [start, end, follow_up])
    if exit_groups is None:
        exit_groups = DataModel.shipped().exit_groups
    mapped = _analysed_events(data[exit], exit_groups, exit)
    days = _days_followed(data, (mapped == CENSORED).to_numpy(), start, end, follow_up)
    labels = list(dict.fromkeys(v for v in exit_groups.values() if v != CENSORED))
    out = data.copy()
    out[time] = days / UNITS[unit]
    out[event] = pd.Categorical(mapped, categories=[*labels, CENSORED])
    table = (
        out.groupby(event, observed=False)[time]
        .agg(n="size", median_time="median", max_time="max")
        .reset_index()
    )
    table["n"] = table["n"].astype(int)
    return TimeToEventResult(table=table, data=out, unit=unit, exit_groups=dict(exit_groups))
