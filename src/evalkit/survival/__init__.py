"""Time to employment: survival curves, competing exits, tests and Cox models.

A participant who leaves for training has not "failed to find work later": treating
other exits as censoring makes ``1 − KM`` overstate employment. The analyses here
keep the exits apart. Every function takes ``(data, time, event, ...)``.

Modules
-------
- :mod:`~evalkit.survival.events`: :func:`time_to_event` turns the participants table
  into ``time`` and ``event``;
- :mod:`~evalkit.survival.risktable`: the :class:`RiskTable` (time × group × cause →
  at risk, events) every nonparametric estimator works on, from rows
  (:func:`risk_table`) or from counts released by a register
  (:func:`risk_table_from_counts`), or counted where the data lie: Parquet/CSV files,
  DuckDB or Spark (``risk_table(path_or_relation, ...)``, :mod:`~evalkit.survival.sql`,
  :mod:`~evalkit.survival.aggregated`);
- :mod:`~evalkit.survival.patterns`: :func:`pattern_table`, counts by covariate
  pattern from which :func:`cox_model` fits categorical covariates without the rows;
- :mod:`~evalkit.survival.nonparametric`: :func:`kaplan_meier` (survival to any exit,
  or cause-specific "net" curves) and :func:`cumulative_incidence` (Aalen–Johansen,
  exact on ties) for each exit, with ``.at(times)`` and ``.plot(ax=)``;
- :mod:`~evalkit.survival.robust`: the rows' influences on those curves, for the
  ``cluster=`` (cluster-robust, grouped infinitesimal-jackknife) SEs of
  :func:`kaplan_meier`, :func:`cumulative_incidence`, :func:`survival_difference` and
  :func:`restricted_mean_time` when people are clustered (by mentor);
- :mod:`~evalkit.survival.cumhazard`: :func:`nelson_aalen` (cumulative hazard of any
  exit or of one, Aalen variance);
- :mod:`~evalkit.survival.tests`: :func:`logrank_test` (weighted, stratified) of the
  hazards and :func:`gray_test` of the cumulative incidence of an exit;
- :mod:`~evalkit.survival.difference`: :func:`survival_difference` at horizons;
- :mod:`~evalkit.survival.rmst`: :func:`restricted_mean_time` between programmes;
- :mod:`~evalkit.survival.cox`: :func:`cox_model` (cause-specific Cox, Efron ties,
  cluster-robust SE, Schoenfeld proportional-hazards test), on the partial
  likelihood engine :mod:`~evalkit.survival._coxph`;
- :mod:`~evalkit.survival.finegray`: :func:`fine_gray_model` (subdistribution
  hazards).

Typical use::

    tte = time_to_event(participants.data, unit="months")
    cif = cumulative_incidence(tte.data, "time", "event", group="programme")
    cif.plot()
    cif.at([6, 12])
    survival_difference(tte.data, "time", "event", group="programme", cause="job",
                        horizons=[3, 6, 12]).table
    cox_model(tte.data, "time", "event", "programme + age", cause="job")
"""

from evalkit.survival.cox import CoxResult, cox_model
from evalkit.survival.cumhazard import NelsonAalenResult, nelson_aalen
from evalkit.survival.difference import SurvivalDifferenceResult, survival_difference
from evalkit.survival.events import TimeToEventResult, time_to_event
from evalkit.survival.finegray import fine_gray_model
from evalkit.survival.nonparametric import (
    CumulativeIncidenceResult,
    KaplanMeierResult,
    cumulative_incidence,
    kaplan_meier,
)
from evalkit.survival.patterns import PatternTable, pattern_table
from evalkit.survival.risktable import RiskTable, risk_table, risk_table_from_counts
from evalkit.survival.rmst import RestrictedMeanResult, restricted_mean_time
from evalkit.survival.sql import risk_table_sql
from evalkit.survival.tests import GrayResult, LogrankResult, gray_test, logrank_test

__all__ = [
    "CoxResult",
    "CumulativeIncidenceResult",
    "GrayResult",
    "KaplanMeierResult",
    "LogrankResult",
    "NelsonAalenResult",
    "PatternTable",
    "RestrictedMeanResult",
    "RiskTable",
    "SurvivalDifferenceResult",
    "TimeToEventResult",
    "cox_model",
    "cumulative_incidence",
    "fine_gray_model",
    "gray_test",
    "kaplan_meier",
    "logrank_test",
    "nelson_aalen",
    "pattern_table",
    "restricted_mean_time",
    "risk_table",
    "risk_table_from_counts",
    "risk_table_sql",
    "survival_difference",
    "time_to_event",
]
