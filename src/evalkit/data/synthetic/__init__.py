"""Synthetic evaluation data with built-in selection and a known true programme effect.

The participant files of DUO for a JOB and Team4Job are confidential, so evalkit ships
synthetic data that an evaluator would recognise, calibrated to the programmes' public
figures (see ``evaldata/README.md``). The generator is the ground truth for the tests
of the estimators:

- **Selection.** Job seekers apply at one of five sites. DUO for a JOB enrols only
  18–33 year olds with a non-EU migration background (all five sites); Team4Job has no
  age or nationality limit but runs only in Brussels. Applicants eligible for neither
  are not enrolled. People over 33 or without a non-EU background therefore exist only
  in Team4Job (a structural positivity violation). Applicants in Brussels eligible for
  both choose DUO for a JOB with a logistic probability (:data:`PROPENSITY_COEF`) that
  rises with *lower* education, *lower* language level, longer unemployment, female
  gender and single parenthood — all of which lower the job hazard, so the naive
  comparison is confounded against DUO for a JOB.
- **True effect.** Enrolment in DUO for a JOB multiplies the cause-specific hazard of
  the job exit by :data:`TRUE_JOB_HAZARD_RATIO` = 1.25, conditional on the baseline
  covariates, first-meeting dropout and the mentor frailty, and leaves the training and
  drop-out hazards unchanged. First-meeting dropout is a pre-intake propensity (it does
  not depend on the programme given the covariates), so it is not a mediator. The
  implied marginal effects are computed by :func:`true_effects`, which simulates both
  potential outcomes for the same people.
- **Clustering.** Each mentor has several mentees over the years and a log-normal
  frailty on the job hazard (SD :data:`MENTOR_FRAILTY_SD` on the log scale).

All randomness flows from one ``numpy.random.Generator``; the same seed writes
byte-identical files.

Modules
-------
- :mod:`~evalkit.data.synthetic.model`: the true model's constants (:data:`TRUE_MODEL`).
- :mod:`~evalkit.data.synthetic.participants`: :func:`simulate_participants`.
- :mod:`~evalkit.data.synthetic.questionnaire`: :func:`simulate_questionnaire`.
- :mod:`~evalkit.data.synthetic.costs`: :func:`simulate_costs`.
- :mod:`~evalkit.data.synthetic.truth`: :func:`true_effects`, both potential outcomes.
- :mod:`~evalkit.data.synthetic.evaldata`: :func:`write_evaldata`, the shipped files.
"""

from evalkit.data.synthetic.costs import INFLATION, OVERHEAD_RATE, UNIT_COSTS, simulate_costs
from evalkit.data.synthetic.evaldata import write_evaldata
from evalkit.data.synthetic.model import (
    CONFIDENCE_CHANGE_IF_JOB,
    DEFAULT_SEED,
    EXTRACTION_DATE,
    FIRST_INTAKE,
    FMD_COEF,
    HAZARD_COEF,
    HORIZON_DAYS,
    JOB_KINDS,
    LAST_INTAKE,
    MECHELEN_START,
    MENTOR_FRAILTY_SD,
    PROPENSITY_COEF,
    TRUE_CONFIDENCE_CHANGE,
    TRUE_JOB_HAZARD_RATIO,
    TRUE_MODEL,
    TrueModel,
)
from evalkit.data.synthetic.participants import simulate_participants
from evalkit.data.synthetic.questionnaire import (
    POST_RESPONSE_COEF,
    simulate_questionnaire,
)
from evalkit.data.synthetic.truth import TrueEffects, true_effects

__all__ = [
    "CONFIDENCE_CHANGE_IF_JOB",
    "DEFAULT_SEED",
    "EXTRACTION_DATE",
    "FIRST_INTAKE",
    "FMD_COEF",
    "HAZARD_COEF",
    "HORIZON_DAYS",
    "INFLATION",
    "JOB_KINDS",
    "LAST_INTAKE",
    "MECHELEN_START",
    "MENTOR_FRAILTY_SD",
    "OVERHEAD_RATE",
    "POST_RESPONSE_COEF",
    "PROPENSITY_COEF",
    "TRUE_CONFIDENCE_CHANGE",
    "TRUE_JOB_HAZARD_RATIO",
    "TRUE_MODEL",
    "UNIT_COSTS",
    "TrueEffects",
    "TrueModel",
    "simulate_costs",
    "simulate_participants",
    "simulate_questionnaire",
    "true_effects",
    "write_evaldata",
]
