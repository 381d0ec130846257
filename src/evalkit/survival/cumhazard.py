"""The Nelson–Aalen cumulative hazard, beside Kaplan–Meier.

The cumulative hazard ``H(t)`` adds up the exit rates ``d_j / n_j``: its slope is the
hazard (exits per person-month still searching), so a straight line means a constant
rate and a bend a rate that changes, which the survival curve shows less clearly. For
one exit of several (``cause``) it is the cause-specific cumulative hazard, the
quantity a cause-specific Cox model multiplies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._plotting import axes
from evalkit._results import TableResult
from evalkit._stats.intervals import normal_quantile
from evalkit._validation import check_conf_level, check_horizons, check_one_of
from evalkit.reporting.catalogue import text, value_label
from evalkit.reporting.disclosure import (
    DEFAULT_THRESHOLD,
    PublicationSpec,
    check_threshold,
    stop_curves,
)
from evalkit.survival.nonparametric import curve_at, curve_spec, risk_counts_under, step_curve
from evalkit.survival.risktable import CENSORED, RiskTable, as_risk_table

__all__ = ["NelsonAalenResult", "nelson_aalen"]

#: Pointwise interval types of a cumulative hazard.
HAZARD_CONF_TYPES = ("log", "plain")


@dataclass(frozen=True)
class NelsonAalenResult(TableResult):
    """Nelson–Aalen cumulative hazards by group.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group and time at which something happens: ``group``, ``time``,
        ``n_risk``, ``n_events``, ``n_censored``, ``estimate`` (cumulative hazard
        H(t)), ``std_error`` (Aalen), ``ci_low``, ``ci_high``.
    conf_level : float
    conf_type : str
    cause : str
        What counts as the event (other exits are censored).
    risk_table : RiskTable
        The counts the curves were computed from.

    Methods ``at(times)`` (the curves at given times) and ``plot(ax=None)``.
    """

    table: pd.DataFrame
    conf_level: float
    conf_type: str
    cause: str
    risk_table: RiskTable = field(repr=False)

    #: Published: curves cut where fewer than the threshold remain at risk.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": curve_spec(("n_risk", "n_events", "n_censored"), ("group",)),
    }

    def at(self, times: float | Sequence[float]) -> pd.DataFrame:
        """Cumulative hazard and its CI at given times, by group.

        Parameters
        ----------
        times : float or sequence of float
            Times (unit of the time column), positive.

        Returns
        -------
        pandas.DataFrame
            One row per group and time: ``group``, ``time``, ``n_risk`` (number at
            risk at the time), ``estimate``, ``std_error``, ``ci_low``, ``ci_high`` of
            the last step at or before the time (0 with SE 0 before the first event).

        Raises
        ------
        ValueError
            If a time is not a positive number.
        """
        return curve_at(self.table, ["group"], check_horizons(times), 0.0)

    def plot(self, ax=None, *, risk_counts: bool = True, ticks=None,
             threshold: int = DEFAULT_THRESHOLD, language: str = "en"):
        """Step curves of H(t) with CI bands and the numbers at risk under the axis.

        Axis labels, the exit and the at-risk row are in ``language`` (the report
        catalogue's).

        ``ticks`` are the times of the numbers at risk (default: the x ticks). Each
        curve stops at the last step with at least ``threshold`` people at risk, and a
        number at risk below it reads ``<10``. Draws on ``ax`` when given; returns the
        Axes. Raises ``ValueError`` on a ``threshold`` below 5; warns
        (``DisclosureWarning``) below 10.
        """
        threshold = check_threshold(threshold)
        ax = axes(ax, (7, 4.5))
        table = self.table[stop_curves(self.table, "n_risk", ["group"], threshold)]
        for i, g in enumerate(self.risk_table.groups):
            part = table[table["group"] == g]
            step_curve(ax, part, 0.0, color=f"C{i}", label=str(g), alpha=0.2)
        ax.set_ylim(bottom=0)
        ax.set_xlim(left=0)
        ax.set_ylabel(text("figure.cumulative_hazard_of", language,
                           cause=value_label(self.cause, language)))
        ax.set_xlabel(text("figure.time", language))
        ax.legend(frameon=False)
        if risk_counts:
            risk_counts_under(ax, self.risk_table, ticks, threshold, coloured=True,
                              language=language)
        return ax


def _hazard_ci(h: np.ndarray, se: np.ndarray, z: float, conf_type: str):
    """Pointwise CI of a cumulative hazard: ``H exp(± z σ / H)`` or ``H ± z σ`` (≥ 0)."""
    if conf_type == "plain":
        return np.maximum(h - z * se, 0.0), h + z * se
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(h > 0, np.exp(z * se / h), 1.0)
    return h / factor, h * factor


def nelson_aalen(
    data: pd.DataFrame | RiskTable,
    time: str = "time",
    event: str = "event",
    *,
    group: str | None = None,
    cause: str | Sequence[str] | None = None,
    entry: str | None = None,
    weights: str | None = None,
    censored: object = CENSORED,
    conf_level: float = 0.95,
    conf_type: str = "log",
) -> NelsonAalenResult:
    """Nelson–Aalen estimate of the cumulative hazard of an exit, by group.

    Parameters
    ----------
    data : pandas.DataFrame or RiskTable
        One row per participant, or a risk table (then the column names are ignored).
    time, event : str
        Columns of time and event type (see :func:`evalkit.survival.risk_table`).
    group : str, optional
        Column of groups (one curve each).
    cause : str or list of str, optional
        Event type(s) that count as the event; other exits are censored (the
        cause-specific cumulative hazard). ``None``: any exit.
    entry : str, optional
        Late-entry times (left truncation).
    weights : str, optional
        Case or inverse-probability weights.
    censored : object, default="censored"
        Censoring label of ``event``.
    conf_level : float, default=0.95
    conf_type : {"log", "plain"}, default="log"
        Pointwise interval ``H exp(± z σ / H)`` (lifelines) or ``H ± z σ`` (cut at 0).

    Returns
    -------
    NelsonAalenResult

    Raises
    ------
    TypeError
        If ``data`` is neither a DataFrame nor a :class:`RiskTable`.
    ValueError
        On a ``conf_level`` outside (0, 1), an unknown ``conf_type`` or ``cause``, a
        risk table grouped by another column than ``group``, and on the data errors
        of :func:`~evalkit.survival.risk_table`.

    Notes
    -----
    ``H(t) = Σ_{t_j ≤ t} d_j / n_j`` over the distinct times ``t_j`` with ``d_j``
    events among ``n_j`` at risk (tied events counted together, R's ``survfit``
    ``ctype=1``; not the Fleming–Harrington ``Σ_l 1/(n_j − l)`` of ``ctype=2``).
    Aalen's variance ``Var H(t) = Σ d_j / n_j²`` (R's ``std.chaz``); with weights,
    ``d_j`` and ``n_j`` are sums of weights and the second ``n_j`` is the effective
    number at risk ``(Σw)²/Σw²``, as for the weighted Kaplan–Meier curve (equal to
    Aalen's with unit weights). ``exp(−H)`` is close to the Kaplan–Meier curve while
    ``d_j / n_j`` is small. Read the slope: the exit rate per unit of time.

    References
    ----------
    Nelson W. (1972). Technometrics 14:945–966. Aalen O.O. (1978). Ann Stat
    6:701–726. Agrees with lifelines ``NelsonAalenFitter`` (estimate, variance and
    interval on untied times; the estimate with ``nelson_aalen_smoothing=False`` on
    tied times) and scikit-survival ``nelson_aalen_estimator`` to 1e-10.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"time": [1, 2, 2, 3, 4], "event": [1, 1, 0, 1, 0]})
    >>> nelson_aalen(df).table["estimate"].round(3).tolist()
    [0.2, 0.45, 0.95, 0.95]
    """
    conf_level = check_conf_level(conf_level)
    check_one_of(conf_type, HAZARD_CONF_TYPES, name="conf_type")
    rt = as_risk_table(data, time, event, group, entry, weights, censored).collapse(cause)
    z = normal_quantile(conf_level)
    frames = []
    for g, label in enumerate(rt.groups):
        t, d, y, m = rt.subset(g)
        d = d[:, 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            h = np.cumsum(np.where(y > 0, d / y, 0.0))
            se = np.sqrt(np.cumsum(np.where(d > 0, d / (y * m), 0.0)))
        low, high = _hazard_ci(h, se, z, conf_type)
        active = (rt.events[g].sum(axis=1) + rt.censored[g]) > 0
        frames.append(pd.DataFrame({
            "group": label, "time": t, "n_risk": y, "n_events": d,
            "n_censored": rt.censored[g, active], "estimate": h, "std_error": se,
            "ci_low": low, "ci_high": high,
        }))
    return NelsonAalenResult(
        table=pd.concat(frames, ignore_index=True),
        conf_level=conf_level,
        conf_type=conf_type,
        cause=rt.causes[0] if cause is not None else "any exit",
        risk_table=rt,
    )
