"""Predictors of success: interpretable regression and validated prediction.

Two questions, kept apart:

- *Which characteristics go with finding work?* :func:`odds_ratios` fits a logistic
  regression and reports odds ratios and average marginal effects (percentage points)
  with (cluster-robust) confidence intervals. These are associations, not effects.
- *Can we predict who will need more support?* :func:`cross_validate_models` compares
  a logistic baseline and gradient boosting with grouped, repeated cross-validation:
  discrimination (AUC with DeLong or clustered CIs), calibration (slope, intercept,
  curve), Brier score, permutation importance on held-out folds, partial dependence
  (with grouped-jackknife intervals) and performance by subgroup.

Only columns known at intake may predict (:func:`cross_validate_models` applies
:func:`check_predictors`, using the data dictionary's ``known_at_intake``): a
prediction model that peeks at what happened after intake looks excellent and is
useless. :func:`odds_ratios` may use any column but identifiers, as statsmodels or R
would, and warns when one is only known after intake (the other odds ratios then
condition on something that happened during the programme).

Modules:

- :mod:`~evalkit.predictors.intake`: the leakage guard, :func:`check_predictors`;
- :mod:`~evalkit.predictors.logistic`: :func:`odds_ratios` and :class:`OddsRatioResult`;
- :mod:`~evalkit.predictors.model_frame`: the model's columns and design, separation and
  rank checks;
- :mod:`~evalkit.predictors.marginal_effects`: average marginal effects, delta-method SEs;
- :mod:`~evalkit.predictors.discrimination`: :func:`delong_auc` and :class:`AUCResult`;
- :mod:`~evalkit.predictors.calibration`: recalibration, Brier score, calibration curve;
- :mod:`~evalkit.predictors.validation`: :func:`cross_validate_models` and
  :class:`CrossValidationResult`;
- :mod:`~evalkit.predictors.folds`: the grouped, repeated folds (out-of-fold predictions);
- :mod:`~evalkit.predictors.learners`: the two learners and their predictor frame;
- :mod:`~evalkit.predictors.importance`: permutation importance on held-out folds;
- :mod:`~evalkit.predictors.partial_dependence`: partial dependence, grouped jackknife;
- :mod:`~evalkit.predictors.subgroups`: performance by subgroup, small groups suppressed.
"""

from evalkit.predictors.discrimination import AUCResult, delong_auc
from evalkit.predictors.intake import check_predictors
from evalkit.predictors.logistic import (
    MIN_CLUSTERS,
    MIN_EVENTS_PER_VARIABLE,
    OddsRatioResult,
    odds_ratios,
)
from evalkit.predictors.validation import CrossValidationResult, cross_validate_models

__all__ = [
    "MIN_CLUSTERS",
    "MIN_EVENTS_PER_VARIABLE",
    "AUCResult",
    "CrossValidationResult",
    "OddsRatioResult",
    "check_predictors",
    "cross_validate_models",
    "delong_auc",
    "odds_ratios",
]
