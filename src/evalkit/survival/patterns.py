"""Counts by covariate pattern × time × event type: what a Cox model with categorical
covariates needs, and no more.

:func:`pattern_table` counts the rows (in memory, or in DuckDB/Spark like
:func:`evalkit.survival.risk_table`); :func:`evalkit.survival.cox_model` fits from the
table with the same estimates, standard errors and log-likelihoods as from the rows
(:mod:`evalkit.survival._coxcounts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._results import TableResult
from evalkit._stats.arrays import reverse_cumsum
from evalkit._validation import check_columns, check_data
from evalkit.reporting.disclosure import PublicationSpec
from evalkit.survival.aggregated import _checked_times
from evalkit.survival.risktable import CENSORED, _event_types, durations
from evalkit.survival.sql import aggregate, is_sql_source

__all__ = ["PatternTable", "pattern_table"]


@dataclass(frozen=True)
class PatternTable(TableResult):
    """Events and censorings by covariate pattern, time and event type.

    Attributes
    ----------
    patterns : pandas.DataFrame
        One row per covariate pattern that occurs (the covariate columns, their types
        kept), in sorted order; shape ``(P, c)``.
    times : numpy.ndarray
        Distinct times at which something happens, shape ``(T,)``.
    events : numpy.ndarray
        Events by pattern, time and cause, shape ``(P, T, K)``.
    censored : numpy.ndarray
        Censorings by pattern and time, shape ``(P, T)``.
    causes : tuple of str
    time_name, event_name : str
        The columns counted.
    """

    patterns: pd.DataFrame = field(repr=False)
    times: np.ndarray = field(repr=False)
    events: np.ndarray = field(repr=False)
    censored: np.ndarray = field(repr=False)
    causes: tuple[str, ...]
    time_name: str
    event_name: str

    #: Published: each number at risk or of events of fewer than the threshold
    #: suppressed on its own.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(counts=("n_risk", "n_events"))
    }

    @property
    def n_risk(self) -> np.ndarray:
        """Number at risk just before each time, by pattern, shape ``(P, T)``."""
        return reverse_cumsum(self.events.sum(axis=2) + self.censored, axis=1)

    @cached_property
    def table(self) -> pd.DataFrame:  # type: ignore[override]
        """Tidy table: the covariates, ``time``, ``cause`` (incl. censored), ``n_risk``,
        ``n_events``; one row per pattern, time at which something happens to it, cause."""
        counts = np.concatenate([self.events, self.censored[:, :, None]], axis=2)
        p, t = np.nonzero(counts.sum(axis=2))
        k = counts.shape[2]
        labels = np.array([*self.causes, CENSORED], dtype=object)
        frame = self.patterns.iloc[np.repeat(p, k)].reset_index(drop=True)
        return frame.assign(
            time=np.repeat(self.times[t], k),
            cause=np.tile(labels, p.size),
            n_risk=np.repeat(self.n_risk[p, t], k),
            n_events=counts[p, t].ravel(),
        )

    def cause_mask(self, cause: str | list[str] | tuple[str, ...] | None) -> np.ndarray:
        """Which of :attr:`causes` the event ``cause`` (one or several; ``None``: any)
        takes in; raises ``ValueError`` on a cause that is not one of them."""
        selected = list(self.causes) if cause is None else (
            [cause] if isinstance(cause, str) else list(cause))
        unknown = [c for c in selected if c not in self.causes]
        if unknown or not selected:
            raise ValueError(
                f"cause must be one or several of the event types {list(self.causes)}, but "
                f"got {cause!r}."
            )
        return np.isin(np.array(self.causes, dtype=object), np.array(selected, dtype=object))

    def counts(self, cause: str | list[str] | tuple[str, ...] | None) -> tuple:
        """Events of ``cause`` (``None``: any) and numbers at risk ``(T_d, P)`` at the
        times with such events; those times; the event's name.

        Raises ``ValueError`` on a cause that is not one of :attr:`causes`.
        """
        keep = self.cause_mask(cause)
        deaths = self.events[:, :, keep].sum(axis=2)
        happen = deaths.sum(axis=0) > 0
        name = "any exit" if cause is None else (
            cause if isinstance(cause, str) else "+".join(cause))
        return deaths[:, happen].T, self.n_risk[:, happen].T, self.times[happen], name


def _in_memory(data: pd.DataFrame, time: str, event: str, covariates: list[str]):
    """The counts of rows by covariates × time × event type, as the database returns them."""
    check_data(data)
    check_columns(data, [time, event, *covariates])
    durations(data, time)  # numeric, no missing or negative times (naming rows)
    keys = [*covariates, time, event]
    agg = data.groupby(keys, dropna=False, observed=True, sort=False).size()
    agg = agg.rename("_n").reset_index()
    return agg.rename(columns={time: "_time", event: "_event"})


def pattern_table(
    data,
    time: str,
    event: str,
    covariates: str | list[str],
    *,
    censored: object = CENSORED,
    connection=None,
) -> PatternTable:
    """Count events and censorings by covariate pattern × time × event type.

    Parameters
    ----------
    data : pandas.DataFrame, path, DuckDB relation, SQL text or Spark DataFrame
        One row per participant; a source other than a DataFrame is counted where it
        lies, as in :func:`evalkit.survival.risk_table`.
    time, event : str
        Columns of the time to the event or censoring and of the event type.
    covariates : str or list of str
        Categorical covariate columns (programme, region, education...). A continuous
        one gives one pattern per distinct value: correct, but no smaller than rows.
    censored : object, default="censored"
    connection : duckdb.DuckDBPyConnection, optional
        The connection that runs ``data`` when it is SQL text.

    Returns
    -------
    PatternTable

    Raises
    ------
    TypeError
        If ``data`` is none of the sources above.
    ValueError
        On missing columns; non-numeric, missing or negative times; an event column
        without event types or with missing values; a covariate with missing values.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"time": [1, 2, 2, 3], "event": ["job", "job", "censored", "job"],
    ...                    "programme": ["a", "b", "a", "b"]})
    >>> pattern_table(df, "time", "event", "programme").n_risk.tolist()
    [[2.0, 1.0, 0.0], [2.0, 2.0, 1.0]]
    """
    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    if isinstance(data, pd.DataFrame) or not is_sql_source(data):
        agg = _in_memory(data, time, event, covariates)
    else:
        agg = aggregate(data, time=time, event=event, keys=covariates, connection=connection)
    if agg.empty:
        raise ValueError("the source has no rows; pass a source with at least one row.")
    t = _checked_times(agg, time)
    codes, causes = _event_types(pd.DataFrame({event: agg["_event"]}), event, censored)
    missing = [c for c in covariates if agg[c].isna().any()]
    if missing:
        raise ValueError(
            f"covariate column(s) {missing} have missing values; drop those rows or code "
            "the missing value as a level of its own."
        )
    pattern = agg.groupby(covariates, sort=True, observed=True).ngroup().to_numpy()
    first = np.unique(pattern, return_index=True)[1]
    grid, idx = np.unique(t, return_inverse=True)
    n_p, n_t, k1 = first.size, grid.size, len(causes) + 1
    cube = np.bincount((pattern * n_t + idx) * k1 + codes,
                       weights=agg["_n"].to_numpy(dtype=float), minlength=n_p * n_t * k1)
    cube = cube.reshape(n_p, n_t, k1)
    return PatternTable(
        patterns=agg[covariates].iloc[first].reset_index(drop=True),
        times=grid, events=cube[:, :, 1:], censored=cube[:, :, 0], causes=causes,
        time_name=time, event_name=event,
    )
