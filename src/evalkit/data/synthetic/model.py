"""The true model of the synthetic data: dates, effects and coefficients, in one place.

Every constant the generator draws with is here, so that a test or a reader can see
what the estimators should recover: the conditional job hazard ratio
(:data:`TRUE_JOB_HAZARD_RATIO`), the mentor frailty, the self-confidence change, and
the coefficients of selection (:data:`PROPENSITY_COEF`), of the exit hazards
(:data:`HAZARD_COEF`) and of first-meeting dropout (:data:`FMD_COEF`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evalkit.data.model import DataModel

__all__ = [
    "CONFIDENCE_CHANGE_IF_JOB",
    "DEFAULT_SEED",
    "EXTRACTION_DATE",
    "FIRST_INTAKE",
    "FMD_COEF",
    "HAZARD_COEF",
    "HORIZON_DAYS",
    "JOB_KINDS",
    "LAST_INTAKE",
    "MECHELEN_START",
    "MENTOR_FRAILTY_SD",
    "MODEL",
    "PROPENSITY_COEF",
    "TRUE_CONFIDENCE_CHANGE",
    "TRUE_JOB_HAZARD_RATIO",
    "TRUE_MODEL",
    "TrueModel",
]

#: The data model the generator writes: the shipped data's (its programmes, levels,
#: exit types and scale are the generator's).
MODEL = DataModel.shipped()
DUO, T4J = MODEL.programmes
#: Seed of the shipped files ``evaldata/*.csv``.
DEFAULT_SEED = 20241
#: Date of the (simulated) data extraction: administrative end of follow-up.
EXTRACTION_DATE = pd.Timestamp("2025-06-30")
#: First and last possible intake dates.
FIRST_INTAKE = pd.Timestamp("2019-01-01")
LAST_INTAKE = pd.Timestamp("2024-12-31")
#: DUO for a JOB opened its Mechelen site mid-2020.
MECHELEN_START = pd.Timestamp("2020-07-01")
#: Horizons (months -> days) of the "found work" risks: 6 months = 183 days, 12 = 365.
HORIZON_DAYS = {6: 183, 12: 365}

#: Conditional cause-specific hazard ratio of the job exit, DUO for a JOB vs Team4Job.
TRUE_JOB_HAZARD_RATIO = 1.25
#: Standard deviation of the mentor's log-frailty on the job hazard.
MENTOR_FRAILTY_SD = 0.45
#: Mean change of the latent self-confidence trait (SD units of the pre-intake trait)
#: over the 6 months, by programme, before the extra change for a job within 6 months.
TRUE_CONFIDENCE_CHANGE = {DUO: 0.30, T4J: 0.20}
#: Extra latent change for people whose first exit is a job within 183 days.
CONFIDENCE_CHANGE_IF_JOB = 0.40

#: Log-odds of choosing DUO for a JOB among applicants eligible for both (Brussels,
#: 18–33, non-EU): intercept and slopes on the ordinal codes of education (0–3) and
#: language level (0–5), months unemployed, female and single parent.
PROPENSITY_COEF = {
    "intercept": 0.00,
    "education": -0.60,
    "language": -0.45,
    "months_unemployed": 0.035,
    "female": 0.50,
    "single_parent": 0.80,
}
#: Log-hazard coefficients of each cause (education, language: per ordinal step; age:
#: per year above 25; months unemployed: per month; others: indicators).
HAZARD_COEF = {
    "job": {
        "education": 0.22,
        "language": 0.15,
        "migration_EU": 0.10,
        "migration_none": 0.20,
        "age": -0.040,
        "months_unemployed": -0.012,
        "female": -0.10,
        "single_parent": -0.35,
        "first_meeting_dropout": -0.60,
    },
    "training": {
        "education": 0.10,
        "language": -0.15,
        "age": -0.04,
        "female": 0.15,
        "first_meeting_dropout": -0.30,
    },
    "dropout": {
        "education": -0.10,
        "months_unemployed": 0.010,
        "single_parent": 0.35,
        "first_meeting_dropout": 1.00,
    },
}
#: Logistic model of first-meeting dropout (no programme term).
FMD_COEF = {"intercept": -1.55, "age": -0.12, "language": -0.25, "months_unemployed": 0.010}
#: Share of job exits that are permanent contracts, temporary contracts, self-employment
#: (Team4Job: 25 permanent and 8 restarted businesses among 77 jobs).
JOB_KINDS = {"job_permanent": 25 / 77, "job_temporary": 44 / 77, "self_employed": 8 / 77}


@dataclass(frozen=True)
class TrueModel:
    """The true effects built into the generator (the module constants, in one place).

    Attributes
    ----------
    job_hazard_ratio : float
        Conditional cause-specific hazard ratio of the job exit, DUO for a JOB vs
        Team4Job, given covariates, first-meeting dropout and mentor frailty.
    job_log_hazard_ratio : float
        Its logarithm.
    training_hazard_ratio, dropout_hazard_ratio : float
        The same for the training and drop-out exits (no effect: 1).
    mentor_frailty_sd : float
        SD of the mentor log-frailty on the job hazard.
    confidence_change : dict
        Mean latent self-confidence change by programme (pre-trait SD units), plus
        ``confidence_change_if_job`` for a job exit within 183 days.
    confidence_change_if_job : float
        Extra latent change after a job within 183 days.
    """

    job_hazard_ratio: float = TRUE_JOB_HAZARD_RATIO
    job_log_hazard_ratio: float = float(np.log(TRUE_JOB_HAZARD_RATIO))
    training_hazard_ratio: float = 1.0
    dropout_hazard_ratio: float = 1.0
    mentor_frailty_sd: float = MENTOR_FRAILTY_SD
    confidence_change: dict = field(default_factory=lambda: dict(TRUE_CONFIDENCE_CHANGE))
    confidence_change_if_job: float = CONFIDENCE_CHANGE_IF_JOB


#: The true effects of the generator.
TRUE_MODEL = TrueModel()
