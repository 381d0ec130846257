"""Planning the next evaluation: sample sizes, power, detectable effects, clustering.

How many participants (or events) a question needs for a given power, the smallest
effect a given size detects, and how much clustering by mentor or site costs:

- :mod:`~evalkit.planning.proportions`: :func:`sample_size_proportions` and
  :func:`detectable_difference_proportions` (job rates at a horizon; arcsine or pooled
  normal test);
- :mod:`~evalkit.planning.survival`: :func:`events_needed` (Schoenfeld, Freedman; with
  participants from the event probability and censoring), :func:`detectable_hazard_ratio`,
  :func:`rmst_variance`, :func:`sample_size_rmst` and :func:`detectable_rmst_difference`;
- :mod:`~evalkit.planning.precision`: :func:`sample_size_precision` (one rate to
  ±w points: Wilson or Wald interval; one programme's next evaluation);
- :mod:`~evalkit.planning.paired`: :func:`sample_size_paired` and :func:`detectable_d_z`
  (pre/post change, paired t-test);
- :mod:`~evalkit.planning.clustering`: :func:`intraclass_correlation` (ICC(1) with its
  F-based CI) and :func:`design_effect`;
- :mod:`~evalkit.planning.summary`: :func:`compare_plans` (several questions in one table
  and chart).

Every function returns a frozen result whose ``value`` is the answer and whose
``table`` has it with its inputs; :class:`PlanResult` draws its power curve with
``plot(ax=None)``. Typical use::

    icc = intraclass_correlation(outcome.data, "job_12m", "mentor_id")
    deff = design_effect(5, max(icc.value, 0))
    sample_size_proportions(0.51, 0.45, design_effect=deff).table
    events_needed(1.25, event_probability=0.5, design_effect=deff).plot()
"""

from evalkit.planning._common import PlanResult
from evalkit.planning.clustering import (
    DesignEffectResult,
    ICCResult,
    design_effect,
    intraclass_correlation,
)
from evalkit.planning.paired import detectable_d_z, sample_size_paired
from evalkit.planning.precision import PrecisionResult, sample_size_precision
from evalkit.planning.proportions import (
    detectable_difference_proportions,
    sample_size_proportions,
)
from evalkit.planning.summary import PlanSummaryResult, compare_plans
from evalkit.planning.survival import (
    detectable_hazard_ratio,
    detectable_rmst_difference,
    events_needed,
    rmst_variance,
    sample_size_rmst,
)

__all__ = [
    "DesignEffectResult",
    "ICCResult",
    "PlanResult",
    "PlanSummaryResult",
    "PrecisionResult",
    "compare_plans",
    "design_effect",
    "detectable_d_z",
    "detectable_difference_proportions",
    "detectable_hazard_ratio",
    "detectable_rmst_difference",
    "events_needed",
    "intraclass_correlation",
    "rmst_variance",
    "sample_size_paired",
    "sample_size_precision",
    "sample_size_proportions",
    "sample_size_rmst",
]
