"""A fair comparison of two programmes that enrol different people.

Propensity scores with overlap diagnostics and trimming to common support, weights for
the ATE, ATT and overlap population (ATO) with effective sample sizes, nearest-neighbour
matching on the logit score, covariate balance before and after adjustment, and effect
estimates for a binary (or continuous) outcome: the naive difference, inverse
probability weighting (IPW), the doubly robust augmented IPW (AIPW) and matching, with
sandwich / influence-function / paired standard errors, a seeded (cluster) bootstrap,
and sensitivity to unmeasured confounding (E-values, Rosenbaum bounds).

Modules:

- :mod:`~evalkit.comparison.propensity`: :func:`propensity_score` (the logistic model,
  overlap, common support) and :func:`trim`;
- :mod:`~evalkit.comparison.weights`: :func:`propensity_weights` (ATE, ATT, ATO; the
  tilting functions) and :func:`effective_sample_size`;
- :mod:`~evalkit.comparison.balance`: :func:`balance` (SMDs and variance ratios);
- :mod:`~evalkit.comparison.effects`: :func:`programme_effect` (naive, IPW, AIPW with
  their sandwich variances) and :func:`combine_effects`;
- :mod:`~evalkit.comparison.bootstrap`: :func:`bootstrap_effect`;
- :mod:`~evalkit.comparison.matching`: :func:`match` and :func:`matched_effect`;
- :mod:`~evalkit.comparison.sensitivity`: :func:`e_value` (risk, odds and hazard ratios,
  mean differences), :func:`e_value_risk_difference` and :func:`rosenbaum_bounds`
  (McNemar or Wilcoxon signed rank);
- :mod:`~evalkit.comparison.adjusted`: :func:`adjusted_cumulative_incidence` (weighted
  curves of an exit and restricted mean time lost);
- :mod:`~evalkit.comparison.adjusted_survival`: :func:`adjusted_kaplan_meier` and
  :func:`adjusted_restricted_mean_time` (IPW-adjusted survival and RMST difference, with
  sandwich variances that include the propensity model);
- :mod:`~evalkit.comparison.exits`: :func:`compare_exits` (weights, balance, weighted
  cumulative incidence of every exit and their differences at the horizons, one call);
- ``_design`` (private): design matrices of formulas, outcome columns.

Typical use::

    outcome = job_within(participants, 12)                 # evalkit.data.outcomes
    ps = propensity_score(outcome.data, "programme ~ C(education) + months_unemployed",
                          treated="DUO for a JOB")
    balance(outcome.data, covariates, ps, estimand="ATE").plot()
    fit = programme_effect(outcome.data, outcome.column, ps, estimand="ATE")
    fit.table            # naive, IPW and AIPW side by side
    fit.e_values().table
    bootstrap_effect(outcome.data, outcome.column, ps, estimand="ATE").table
"""

from evalkit.comparison.adjusted import AdjustedCurvesResult, adjusted_cumulative_incidence
from evalkit.comparison.adjusted_survival import (
    AdjustedRestrictedMeanResult,
    AdjustedSurvivalResult,
    adjusted_kaplan_meier,
    adjusted_restricted_mean_time,
)
from evalkit.comparison.balance import BalanceResult, balance
from evalkit.comparison.bootstrap import BootstrapResult, bootstrap_effect
from evalkit.comparison.effects import EffectResult, combine_effects, programme_effect
from evalkit.comparison.exits import ExitComparisonResult, compare_exits
from evalkit.comparison.matching import MatchResult, match, matched_effect
from evalkit.comparison.propensity import PropensityResult, TrimResult, propensity_score, trim
from evalkit.comparison.sensitivity import (
    EValueResult,
    RosenbaumResult,
    e_value,
    e_value_risk_difference,
    rosenbaum_bounds,
)
from evalkit.comparison.weights import WeightsResult, effective_sample_size, propensity_weights

__all__ = [
    "AdjustedCurvesResult",
    "AdjustedRestrictedMeanResult",
    "AdjustedSurvivalResult",
    "BalanceResult",
    "BootstrapResult",
    "EValueResult",
    "EffectResult",
    "ExitComparisonResult",
    "MatchResult",
    "PropensityResult",
    "RosenbaumResult",
    "TrimResult",
    "WeightsResult",
    "adjusted_cumulative_incidence",
    "adjusted_kaplan_meier",
    "adjusted_restricted_mean_time",
    "balance",
    "bootstrap_effect",
    "combine_effects",
    "compare_exits",
    "e_value",
    "e_value_risk_difference",
    "effective_sample_size",
    "match",
    "matched_effect",
    "programme_effect",
    "propensity_score",
    "propensity_weights",
    "rosenbaum_bounds",
    "trim",
]
