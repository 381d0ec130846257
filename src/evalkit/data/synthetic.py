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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evalkit._validation import check_rng
from evalkit.data.schema import (
    COSTS,
    EDUCATION_LEVELS,
    LANGUAGE_LEVELS,
    PARTICIPANTS,
    PROGRAMMES,
    QUESTIONNAIRE,
    RSE_ITEMS,
    RSE_REVERSED,
    SITES,
)

__all__ = [
    "CONFIDENCE_CHANGE_IF_JOB",
    "DEFAULT_SEED",
    "EXTRACTION_DATE",
    "FMD_COEF",
    "HAZARD_COEF",
    "HORIZON_DAYS",
    "JOB_KINDS",
    "MENTOR_FRAILTY_SD",
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

DUO, T4J = PROGRAMMES
#: Seed of the shipped files ``evaldata/*.csv``.
DEFAULT_SEED = 20241
#: Date of the (simulated) data extraction: administrative end of follow-up.
EXTRACTION_DATE = pd.Timestamp("2025-06-30")
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

# Applicant population (before eligibility).
_SITE_P = np.array([0.44, 0.18, 0.15, 0.12, 0.11])  # by SITES
_MIGRATION = ("non-EU", "EU", "none")
_MIGRATION_P = np.array([0.66, 0.12, 0.22])

# Weibull cause-specific hazards, time in days: H_k(t) = rate_k * t**shape_k * exp(eta_k).
_SHAPE = {"job": 1.10, "training": 1.00, "dropout": 0.90}
_RATE = {"job": 1.60e-3, "training": 9.0e-4, "dropout": 3.0e-4}
_CAUSES = ("job", "training", "dropout")
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
_LOST_TO_FOLLOW_UP = 0.04
_OTHER_STOP = 0.085  # formed duos that stop early for other reasons (mentor leaves, moves)


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


@dataclass(frozen=True)
class TrueEffects:
    """True marginal effects of enrolling in DUO for a JOB rather than Team4Job.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per estimand and horizon: ``estimand`` (``ATE_overlap``: participants
        aged 18–33 with a non-EU background, i.e. eligible for both programmes by age
        and background, any site; ``ATE_overlap_brussels``: those in Brussels, where
        both programmes run; ``ATT``: DUO for a JOB participants), ``horizon_months``
        (6 = 183 days, 12 = 365 days), the potential-outcome risks ``risk_duo`` and
        ``risk_team4job`` of a job as first exit by the horizon (no censoring), their
        ``risk_difference`` and ``risk_ratio``, and ``n`` simulated people.
    job_hazard_ratio : float
        The conditional cause-specific hazard ratio of the job exit (1.25).
    job_log_hazard_ratio : float
        Its logarithm (0.2231).
    confidence : pandas.DataFrame
        By ``programme``: the expected change of the latent trait ``latent_change``
        (pre-trait SD units) and of the scale score ``score_change`` (mean of the 10
        items after reverse-keying, 1–4), absent attrition and item non-response.
    """

    table: pd.DataFrame
    job_hazard_ratio: float
    job_log_hazard_ratio: float
    confidence: pd.DataFrame


def _draw(rng: np.random.Generator, levels, p: np.ndarray, n: int) -> np.ndarray:
    """Draw ``n`` levels with common probabilities ``p``."""
    idx = np.minimum(np.searchsorted(np.cumsum(p), rng.random(n), side="right"), len(levels) - 1)
    return np.asarray(levels, dtype=object)[idx]


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _applicants(m: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Baseline characteristics of ``m`` applicants (before eligibility and choice)."""
    site = _draw(rng, SITES, _SITE_P, m)
    span = (LAST_INTAKE - FIRST_INTAKE).days
    intake_offset = rng.integers(0, span + 1, m)
    age = np.minimum(18 + np.floor(rng.beta(1.1, 2.6, m) * 43), 60).astype(np.int64)
    gender = _draw(rng, ("female", "male", "x"), np.array([0.46, 0.53, 0.01]), m)
    migration = _draw(rng, _MIGRATION, _MIGRATION_P, m)
    edu_latent = rng.normal(0.0, 1.0, m) + 0.25 * (migration == "none")
    education = np.digitize(edu_latent, [-1.1, -0.35, 0.75])  # 0..3
    lang_shift = np.select([migration == "none", migration == "EU"], [3.2, 1.2], 0.0)
    lang_latent = 1.6 + lang_shift + 0.45 * (education - 1.5) + rng.normal(0.0, 1.1, m)
    language = np.clip(np.floor(lang_latent), 0, 5).astype(np.int64)  # 0..5
    months = np.minimum(rng.gamma(1.3, 8.0 + 0.5 * (age - 18)), 240).round().astype(np.int64)
    female = gender == "female"
    sp_p = np.where(female, 0.04 + 0.16 * ((age >= 24) & (age <= 50)), 0.02)
    single_parent = rng.random(m) < sp_p
    u_choice = rng.random(m)
    u_fmd = rng.random(m)
    return {
        "site": site,
        "intake_offset": intake_offset,
        "age": age,
        "gender": gender,
        "migration_background": migration,
        "education": education,
        "language_level": language,
        "months_unemployed": months,
        "single_parent": single_parent,
        "u_choice": u_choice,
        "u_fmd": u_fmd,
    }


def _propensity(x: dict[str, np.ndarray]) -> np.ndarray:
    """True probability of choosing DUO for a JOB for an applicant eligible for both."""
    c = PROPENSITY_COEF
    return _expit(
        c["intercept"]
        + c["education"] * (x["education"] - 1.5)
        + c["language"] * (x["language_level"] - 2.0)
        + c["months_unemployed"] * (x["months_unemployed"] - 12)
        + c["female"] * (x["gender"] == "female")
        + c["single_parent"] * x["single_parent"]
    )


def _enrol(x: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Programme (True = DUO) and enrolment flag of each applicant."""
    duo_ok = (x["age"] >= 18) & (x["age"] <= 33) & (x["migration_background"] == "non-EU")
    brussels = x["site"] == "Brussels"
    duo = duo_ok & (~brussels | (x["u_choice"] < _propensity(x)))
    # DUO for a JOB opened in Mechelen mid-2020; nobody enrols there before.
    opened = ~(
        (x["site"] == "Mechelen") & (x["intake_offset"] < (MECHELEN_START - FIRST_INTAKE).days)
    )
    enrolled = (duo_ok | brussels) & opened
    return duo, enrolled


def _population(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Baseline data of ``n`` enrolled participants, in enrolment order (internal codes)."""
    chunks: list[pd.DataFrame] = []
    have = 0
    while have < n:
        m = int(1.6 * (n - have)) + 64
        x = _applicants(m, rng)
        duo, enrolled = _enrol(x)
        frame = pd.DataFrame(x).assign(duo=duo)[enrolled]
        chunks.append(frame)
        have += len(frame)
    pop = pd.concat(chunks, ignore_index=True).iloc[:n].reset_index(drop=True)
    pop["fmd"] = pop["u_fmd"].to_numpy() < _fmd_probability(pop)
    return pop


def _fmd_probability(pop: pd.DataFrame) -> np.ndarray:
    """True probability of first-meeting dropout (the same in both programmes)."""
    c = FMD_COEF
    return _expit(
        c["intercept"]
        + c["age"] * (pop["age"].to_numpy() - 25)
        + c["language"] * (pop["language_level"].to_numpy() - 2)
        + c["months_unemployed"] * pop["months_unemployed"].to_numpy()
    )


def _assign_mentors(pop: pd.DataFrame, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Mentor index and mentor age at matching; mentors are nested in programme and site."""
    n = len(pop)
    duo = pop["duo"].to_numpy()
    site = pop["site"].to_numpy()
    year = pop["intake_offset"].to_numpy() // 365
    code = np.empty(n, dtype=np.int64)
    mentor_age = np.empty(n, dtype=np.int64)
    next_code = 0
    for is_duo, per_mentor in ((True, 5.0), (False, 5.0)):
        for s in SITES:
            members = np.flatnonzero((duo == is_duo) & (site == s))
            if members.size == 0:
                continue
            pool = max(1, round(members.size / per_mentor))
            # Age in 2019; volunteers of DUO for a JOB are 50+, Team4Job mentors employees.
            age2019 = rng.integers(50, 70, pool) if is_duo else rng.integers(25, 60, pool)
            pick = rng.integers(0, pool, members.size)
            code[members] = next_code + pick
            mentor_age[members] = age2019[pick] + np.minimum(year[members], 5)
            next_code += pool
    return code, mentor_age


def _linear_predictors(
    pop: pd.DataFrame, duo: np.ndarray, fmd: np.ndarray, hazard_ratio: float
) -> dict[str, np.ndarray]:
    """Log relative hazards of the three exits for a given programme indicator."""
    cov = {
        "education": pop["education"].to_numpy() - 1.5,
        "language": pop["language_level"].to_numpy() - 2.0,
        "migration_EU": (pop["migration_background"] == "EU").to_numpy(),
        "migration_none": (pop["migration_background"] == "none").to_numpy(),
        "age": pop["age"].to_numpy() - 25.0,
        "months_unemployed": pop["months_unemployed"].to_numpy() - 12.0,
        "female": (pop["gender"] == "female").to_numpy(),
        "single_parent": pop["single_parent"].to_numpy(),
        "first_meeting_dropout": fmd,
    }
    eta = {}
    for cause in _CAUSES:
        eta[cause] = sum(b * cov[k] for k, b in HAZARD_COEF[cause].items())
    eta["job"] = eta["job"] + np.log(hazard_ratio) * duo
    return eta


def _first_exit(
    eta: dict[str, np.ndarray], frailty: np.ndarray, e: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """First cause (0 job, 1 training, 2 dropout) and its day (>= 1) from unit-exponentials."""
    times = np.empty_like(e)
    for k, cause in enumerate(_CAUSES):
        scale = _RATE[cause] * np.exp(eta[cause] + (frailty if cause == "job" else 0.0))
        times[:, k] = (e[:, k] / scale) ** (1.0 / _SHAPE[cause])
    first = times.argmin(axis=1)
    days = np.maximum(np.ceil(times.min(axis=1)), 1.0)
    days = np.minimum(days, 10**6).astype(np.int64)
    return first, days


def _simulate(
    n: int, rng: np.random.Generator, frailty_sd: float
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Participants with internal codes, and the draws needed for potential outcomes."""
    pop = _population(n, rng)
    code, mentor_age = _assign_mentors(pop, rng)
    frailty = rng.normal(0.0, 1.0, code.max() + 1)[code] * frailty_sd
    e = rng.exponential(size=(n, 3))
    pop["mentor_code"] = code
    pop["mentor_age"] = mentor_age
    return pop, {"frailty": frailty, "e": e}


def _check_model(job_hazard_ratio: float, mentor_frailty_sd: float) -> tuple[float, float]:
    """Validate the two model knobs."""
    if not np.isfinite(job_hazard_ratio) or job_hazard_ratio <= 0:
        raise ValueError(
            "job_hazard_ratio must be a positive finite number (1 = no programme effect), "
            f"but was {job_hazard_ratio!r}."
        )
    if not np.isfinite(mentor_frailty_sd) or mentor_frailty_sd < 0:
        raise ValueError(
            "mentor_frailty_sd must be a finite number >= 0 (0 = no mentor clustering), "
            f"but was {mentor_frailty_sd!r}."
        )
    return float(job_hazard_ratio), float(mentor_frailty_sd)


def simulate_participants(
    n: int = 1500,
    *,
    rng: int | np.random.Generator = DEFAULT_SEED,
    job_hazard_ratio: float = TRUE_JOB_HAZARD_RATIO,
    mentor_frailty_sd: float = MENTOR_FRAILTY_SD,
) -> pd.DataFrame:
    """Simulate the participants table of both programmes.

    Parameters
    ----------
    n : int, default=1500
        Number of participants (enrolled people; applicants eligible for neither
        programme are drawn and discarded).
    rng : int or numpy.random.Generator, default=DEFAULT_SEED
        Seed or generator.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`evalkit.data.schema.PARTICIPANTS`, in order, sorted by intake
        date: ids as ``str`` (``P`` + 5 digits, ``M`` + 4 digits; more digits beyond
        99,999 participants or 9,999 mentors), categories as ``str``, integers as
        ``int64``, booleans as ``bool``, dates as ``datetime64[ns]`` at midnight
        (``exit_date`` is ``NaT`` when ``exit_type`` is ``'censored'``).

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer.

    Notes
    -----
    *Selection.* Applicants (site, intake date 2019–2024, age 18–60, gender, migration
    background, education, language level, months unemployed, single parent) are
    enrolled if eligible: DUO for a JOB needs age 18–33 and a non-EU background,
    Team4Job needs the Brussels site. Outside Brussels eligible applicants join DUO for
    a JOB; in Brussels those eligible for both choose it with probability
    ``expit(0.00 - 0.60 (edu - 1.5) - 0.45 (lang - 2) + 0.035 (months - 12)
    + 0.50 female + 0.80 single_parent)`` (:data:`PROPENSITY_COEF`; ``edu`` and ``lang``
    are the ordinal codes 0–3 and 0–5), between 0.07 and 0.998 (1st–99th percentile
    0.16–0.96).

    *Outcomes.* Cause-specific Weibull hazards (days) of a job, training and drop-out
    exit, ``h_k(t) = rate_k shape_k t^(shape_k - 1) exp(eta_k)``, with ``eta_k`` linear in
    the covariates (:data:`HAZARD_COEF`), first-meeting dropout, and for the job exit
    ``log(1.25) * DUO + mentor log-frailty`` (normal, SD 0.45). First-meeting dropout
    follows a logistic model of age, language and unemployment (:data:`FMD_COEF`)
    without a programme term. Latent times are rounded up to whole days, so ties occur.
    The first exit is observed if on or before ``follow_up_end``: the extraction date
    2025-06-30, or for 4% (independent of everything) a uniform earlier loss to
    follow-up. A job exit is a permanent contract, temporary contract or self-employment
    with probabilities 25/77, 44/77, 8/77. A formed duo completes the 6 months unless
    the participant's first exit is a drop-out within 183 days or (8.5%) it stops for
    another reason.

    Examples
    --------
    >>> df = simulate_participants(200, rng=1)
    >>> df.shape
    (200, 18)
    >>> bool((df.loc[df.programme == "DUO for a JOB", "age"] <= 33).all())
    True
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer (number of participants), but was {n!r}.")
    rng = check_rng(rng)
    hr, sd = _check_model(job_hazard_ratio, mentor_frailty_sd)
    pop, draws = _simulate(int(n), rng, sd)
    duo = pop["duo"].to_numpy()
    fmd = pop["fmd"].to_numpy()
    eta = _linear_predictors(pop, duo, fmd, hr)
    first, days = _first_exit(eta, draws["frailty"], draws["e"])

    intake = FIRST_INTAKE + pd.to_timedelta(pop["intake_offset"].to_numpy(), unit="D")
    max_days = (EXTRACTION_DATE - intake).days.to_numpy()
    lost = rng.random(n) < _LOST_TO_FOLLOW_UP
    follow_days = np.where(lost, np.ceil(rng.random(n) * max_days), max_days).astype(np.int64)
    follow_days = np.maximum(follow_days, 1)
    observed = days <= follow_days
    job_kind = _draw(rng, tuple(JOB_KINDS), np.array(list(JOB_KINDS.values())), n)
    exit_type = np.where(
        observed, np.select([first == 0, first == 1], [job_kind, "training"], "dropout"), "censored"
    ).astype(object)
    exit_date = pd.Series(intake + pd.to_timedelta(days, unit="D")).where(observed)
    early_dropout = (first == 2) & (days <= 183)
    completed = ~fmd & ~early_dropout & (rng.random(n) >= _OTHER_STOP)

    out = pd.DataFrame(
        {
            "programme": np.where(duo, DUO, T4J).astype(object),
            "site": pop["site"].to_numpy(),
            "intake_date": intake,
            "age": pop["age"].to_numpy(),
            "gender": pop["gender"].to_numpy(),
            "migration_background": pop["migration_background"].to_numpy(),
            "education": np.asarray(EDUCATION_LEVELS, dtype=object)[pop["education"]],
            "language_level": np.asarray(LANGUAGE_LEVELS, dtype=object)[pop["language_level"]],
            "months_unemployed": pop["months_unemployed"].to_numpy(),
            "single_parent": pop["single_parent"].to_numpy(bool),
            "mentor_id": [f"M{c + 1:04d}" for c in pop["mentor_code"]],
            "mentor_age": pop["mentor_age"].to_numpy(),
            "first_meeting_dropout": fmd.astype(bool),
            "duo_completed": completed.astype(bool),
            "exit_type": exit_type,
            "exit_date": exit_date.to_numpy(),
            "follow_up_end": intake + pd.to_timedelta(follow_days, unit="D"),
        }
    )
    out = out.iloc[np.argsort(out["intake_date"].to_numpy(), kind="stable")].reset_index(drop=True)
    out.insert(0, "participant_id", [f"P{i:05d}" for i in range(1, n + 1)])
    return out[list(PARTICIPANTS.names)]


_JOB_TYPES = list(JOB_KINDS)


def _job_within(participants: pd.DataFrame, days: int) -> np.ndarray:
    """First exit is a job on or before ``days`` after intake (observed data)."""
    in_job = participants["exit_type"].isin(_JOB_TYPES)
    elapsed = (participants["exit_date"] - participants["intake_date"]).dt.days
    return (in_job & (elapsed <= days)).to_numpy()


_LOADINGS = np.linspace(0.8, 1.1, len(RSE_ITEMS))
_THRESHOLDS = np.array([-1.4, -0.3, 0.8])
_ITEM_NOISE_SD = 0.75
_REVERSED_MASK = np.isin(RSE_ITEMS, RSE_REVERSED)


def _item_responses(theta: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Four-point raw answers to the 10 items (reverse-keyed items stored as answered)."""
    z = theta[:, None] * _LOADINGS + rng.normal(0.0, _ITEM_NOISE_SD, (theta.size, len(RSE_ITEMS)))
    answers = 1 + (z[:, :, None] > _THRESHOLDS).sum(axis=2)
    answers[:, _REVERSED_MASK] = 5 - answers[:, _REVERSED_MASK]
    return answers


def _expected_score(theta: np.ndarray) -> np.ndarray:
    """Expected scale score (keyed item mean, 1–4) given the latent trait."""
    from scipy.stats import norm

    z = theta[:, None, None] * _LOADINGS[None, :, None] - _THRESHOLDS[None, None, :]
    return 1.0 + norm.cdf(z / _ITEM_NOISE_SD).sum(axis=2).mean(axis=1)


def _scale_score(answers: np.ndarray) -> np.ndarray:
    """Mean of the observed items after reverse-keying (NaN = missing answer)."""
    keyed = answers.astype(float).copy()
    keyed[:, _REVERSED_MASK] = 5.0 - keyed[:, _REVERSED_MASK]
    seen = ~np.isnan(keyed)
    count = seen.sum(axis=1)
    total = np.where(seen, keyed, 0.0).sum(axis=1)
    return np.divide(total, count, out=np.full(total.shape, np.nan), where=count > 0)


def _latent_confidence(
    participants: pd.DataFrame, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Latent pre and post self-confidence of each participant."""
    edu = pd.Categorical(participants["education"], categories=EDUCATION_LEVELS).codes
    lang = pd.Categorical(participants["language_level"], categories=LANGUAGE_LEVELS).codes
    mean = (
        0.15 * (edu - 1.5)
        + 0.10 * (lang - 2.5)
        - 0.20 * participants["single_parent"].to_numpy()
        - 0.008 * (np.minimum(participants["months_unemployed"].to_numpy(), 60) - 12)
    )
    n = len(participants)
    pre = mean + rng.normal(0.0, 0.95, n)
    duo = (participants["programme"] == DUO).to_numpy()
    change = (
        np.where(duo, TRUE_CONFIDENCE_CHANGE[DUO], TRUE_CONFIDENCE_CHANGE[T4J])
        + CONFIDENCE_CHANGE_IF_JOB * _job_within(participants, HORIZON_DAYS[6])
        + rng.normal(0.0, 0.4, n)
    )
    return pre, pre + change


#: Logistic model of answering the post questionnaire (given a pre answer and the post
#: survey being due before the extraction date): all terms are observed data.
POST_RESPONSE_COEF = {
    "intercept": 0.10,
    "job_within_6_months": 1.50,
    "pre_score": 0.50,
    "first_meeting_dropout": -1.20,
    "months_unemployed": -0.015,
    "duo": 0.30,
}


def simulate_questionnaire(
    participants: pd.DataFrame, *, rng: int | np.random.Generator = DEFAULT_SEED + 1
) -> pd.DataFrame:
    """Simulate pre and post self-confidence questionnaires in long format.

    Parameters
    ----------
    participants : pandas.DataFrame
        Output of :func:`simulate_participants`.
    rng : int or numpy.random.Generator, default=DEFAULT_SEED + 1
        Seed or generator.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`evalkit.data.schema.QUESTIONNAIRE`, one row per participant
        and answered wave, sorted by participant then wave (pre first); ``wave`` as
        ``str``, ``response_date`` as ``datetime64[ns]``, items as nullable ``Int64``
        (1–4, ``<NA>`` = item not answered). Reverse-keyed items are stored as answered.

    Notes
    -----
    A latent trait ``theta_pre = mu(x) + N(0, 0.95^2)`` (``mu`` rises with education
    and language, falls with single parenthood and unemployment) drives ten 4-point
    items by a graded threshold model (loadings 0.8–1.1, thresholds −1.4, −0.3, 0.8,
    noise SD 0.75); the raw answers to :data:`evalkit.data.schema.RSE_REVERSED` are
    ``5 − keyed answer``. ``theta_post = theta_pre + change``, with mean change
    :data:`TRUE_CONFIDENCE_CHANGE` (0.30 DUO for a JOB, 0.20 Team4Job) plus 0.40 after
    a job within 183 days, and N(0, 0.4^2) individual variation.

    97% answer the pre survey (completely at random) 0–14 days after intake. The post
    survey is due 183–213 days after intake and exists only if due before the
    extraction date; it is answered (only by pre respondents) with probability
    ``expit(0.10 + 1.50 job_6m + 0.50 (pre_score − 2.5) − 1.20 first_meeting_dropout
    − 0.015 months_unemployed + 0.30 DUO)`` where ``pre_score`` is the mean of the
    *observed* keyed pre items (:data:`POST_RESPONSE_COEF`). Attrition is thus missing
    at random given observed data, but not completely at random: respondents more
    often found a job (larger true change) and had higher observed pre scores (so,
    by regression to the mean, smaller observed change). On balance a complete-case
    mean change is biased upward by about +0.01 scale points, and a complete-case post
    mean by much more. Each item answer is then missing
    completely at random with probability 2.5%.

    Examples
    --------
    >>> q = simulate_questionnaire(simulate_participants(100, rng=1), rng=2)
    >>> list(q.columns[:3])
    ['participant_id', 'wave', 'response_date']
    """
    rng = check_rng(rng)
    n = len(participants)
    pre_theta, post_theta = _latent_confidence(participants, rng)
    answers = {"pre": _item_responses(pre_theta, rng), "post": _item_responses(post_theta, rng)}
    for wave in answers:
        a = answers[wave].astype(float)
        a[rng.random(a.shape) < 0.025] = np.nan
        answers[wave] = a
    pre_score = _scale_score(answers["pre"])

    intake = participants["intake_date"]
    dates = {
        "pre": intake + pd.to_timedelta(rng.integers(0, 15, n), unit="D"),
        "post": intake + pd.to_timedelta(183 + rng.integers(0, 31, n), unit="D"),
    }
    answered_pre = rng.random(n) < 0.97
    c = POST_RESPONSE_COEF
    eta = (
        c["intercept"]
        + c["job_within_6_months"] * _job_within(participants, HORIZON_DAYS[6])
        + c["pre_score"] * (np.nan_to_num(pre_score, nan=2.5) - 2.5)
        + c["first_meeting_dropout"] * participants["first_meeting_dropout"].to_numpy()
        + c["months_unemployed"] * participants["months_unemployed"].to_numpy()
        + c["duo"] * (participants["programme"] == DUO).to_numpy()
    )
    u_post = rng.random(n)
    answered = {
        "pre": answered_pre,
        "post": answered_pre
        & (dates["post"] <= EXTRACTION_DATE).to_numpy()
        & (u_post < _expit(eta)),
    }
    frames = []
    for wave in ("pre", "post"):
        keep = answered[wave]
        frame = pd.DataFrame(answers[wave][keep], columns=list(RSE_ITEMS)).astype("Int64")
        frame.insert(0, "response_date", dates[wave][keep].to_numpy())
        frame.insert(0, "wave", wave)
        frame.insert(0, "participant_id", participants["participant_id"].to_numpy()[keep])
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["participant_id", "wave"], ascending=[True, False], kind="stable")
    return out.reset_index(drop=True)[list(QUESTIONNAIRE.names)]


#: Cost per formed duo (euro, 2020 prices) by programme and cost item. DUO for a JOB:
#: €20,000 for 30 duos = training 3,000 + rooms 5,000 + coordinators 12,000. Team4Job
#: meets at the mentor's workplace (rooms: 0) and trains workplace mentors in-house.
UNIT_COSTS = {
    DUO: {"mentor_training": 100.0, "meeting_rooms": 5000 / 30, "coordinator_salaries": 400.0},
    T4J: {"mentor_training": 60.0, "meeting_rooms": 0.0, "coordinator_salaries": 450.0},
}
OVERHEAD_RATE = 0.12
INFLATION = 0.02


def simulate_costs(
    participants: pd.DataFrame, *, rng: int | np.random.Generator = DEFAULT_SEED + 2
) -> pd.DataFrame:
    """Simulate programme costs by programme, site, year and cost item.

    Parameters
    ----------
    participants : pandas.DataFrame
        Output of :func:`simulate_participants`; ``duos_formed`` counts the participants
        without first-meeting dropout by programme, site and intake year.
    rng : int or numpy.random.Generator, default=DEFAULT_SEED + 2
        Seed or generator.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`evalkit.data.schema.COSTS`: one row per programme, site, year
        (with at least one duo formed) and the four cost items; ``amount_eur`` float
        (euro cents), ``year`` and ``duos_formed`` ``int64``.

    Notes
    -----
    Direct cost of an item = duos formed × unit cost (:data:`UNIT_COSTS`, 2020 prices)
    × 1.02^(year − 2020) × a uniform ±5% budget deviation; ``overhead`` = 12% of the
    year's direct costs. Team4Job keeps a ``meeting_rooms`` row of exactly 0 euro
    (meetings at the mentor's workplace), so every programme lists the same four items
    and a missing row is always an error.

    Examples
    --------
    >>> c = simulate_costs(simulate_participants(300, rng=1), rng=2)
    >>> sorted(c.cost_item.unique())[:2]
    ['coordinator_salaries', 'meeting_rooms']
    """
    rng = check_rng(rng)
    formed = participants.loc[~participants["first_meeting_dropout"].astype(bool)]
    counts = formed.groupby(
        [formed["programme"], formed["site"], formed["intake_date"].dt.year.rename("year")]
    ).size()
    rows = []
    for (programme, site, year), duos in counts.items():
        factor = (1 + INFLATION) ** (int(year) - 2020)
        direct = 0.0
        for item, unit in UNIT_COSTS[programme].items():
            amount = round(duos * unit * factor * rng.uniform(0.95, 1.05), 2)
            direct += amount
            rows.append((programme, site, int(year), item, amount, int(duos)))
        rows.append(
            (programme, site, int(year), "overhead", round(OVERHEAD_RATE * direct, 2), int(duos))
        )
    out = pd.DataFrame(rows, columns=list(COSTS.names))
    return out.astype({"year": "int64", "amount_eur": "float64", "duos_formed": "int64"})


def true_effects(
    n: int = 200_000,
    *,
    rng: int | np.random.Generator = 7,
    job_hazard_ratio: float = TRUE_JOB_HAZARD_RATIO,
    mentor_frailty_sd: float = MENTOR_FRAILTY_SD,
) -> TrueEffects:
    """True marginal effects of DUO for a JOB vs Team4Job, simulating both arms.

    Parameters
    ----------
    n : int, default=200_000
        Number of simulated participants (the same population as the shipped data).
    rng : int or numpy.random.Generator, default=7
        Seed or generator.

    Returns
    -------
    TrueEffects
        Fields ``table`` (risks by estimand and horizon), ``job_hazard_ratio``,
        ``job_log_hazard_ratio`` and ``confidence`` (true mean change by programme).

    Notes
    -----
    Each simulated participant gets both potential outcomes with common random numbers
    (same covariates, first-meeting dropout, mentor frailty and exponential draws; only
    the programme term of the job hazard changes), without censoring. The risk is
    P(first exit is a job within 183 or 365 days). The frailty's distribution does not
    depend on the programme, so reusing it is a valid coupling.

    With the defaults (Monte Carlo SE of a risk difference ≈ 0.001):

    ======================  =======  ========  =============  ==========
    estimand                horizon  risk DUO  risk Team4Job  difference
    ======================  =======  ========  =============  ==========
    ATE_overlap             6 m      0.353     0.301          +0.053
    ATE_overlap             12 m     0.515     0.453          +0.061
    ATT                     6 m      0.342     0.290          +0.051
    ATT                     12 m     0.501     0.440          +0.061
    ======================  =======  ========  =============  ==========

    (``ATE_overlap_brussels`` is within 0.001 of ``ATE_overlap``.) The conditional
    job hazard ratio is 1.25 (log 0.2231). The true mean change of the latent trait is
    +0.43 (DUO for a JOB) and +0.33 (Team4Job) pre-trait SD units, of the 1–4 scale
    score +0.30 and +0.22.

    Examples
    --------
    >>> te = true_effects(20_000, rng=1)
    >>> round(te.job_hazard_ratio, 2)
    1.25
    """
    rng = check_rng(rng)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer (number of people), but was {n!r}.")
    hr, sd = _check_model(job_hazard_ratio, mentor_frailty_sd)
    pop, draws = _simulate(int(n), rng, sd)
    fmd = pop["fmd"].to_numpy()
    risks = {}
    for arm, duo in (("duo", np.ones(n, bool)), ("team4job", np.zeros(n, bool))):
        first, days = _first_exit(
            _linear_predictors(pop, duo, fmd, hr), draws["frailty"], draws["e"]
        )
        risks[arm] = {h: (first == 0) & (days <= d) for h, d in HORIZON_DAYS.items()}
    overlap = (pop["age"] <= 33).to_numpy() & (pop["migration_background"] == "non-EU").to_numpy()
    brussels = (pop["site"] == "Brussels").to_numpy()
    rows = []
    for estimand, members in (
        ("ATE_overlap", overlap),
        ("ATE_overlap_brussels", overlap & brussels),
        ("ATT", pop["duo"].to_numpy()),
    ):
        for h in HORIZON_DAYS:
            r1 = float(risks["duo"][h][members].mean())
            r0 = float(risks["team4job"][h][members].mean())
            rows.append(
                {
                    "estimand": estimand,
                    "horizon_months": h,
                    "risk_duo": r1,
                    "risk_team4job": r0,
                    "risk_difference": r1 - r0,
                    "risk_ratio": r1 / r0,
                    "n": int(members.sum()),
                }
            )
    # Self-confidence: expected change of the latent trait and of the scale score.
    sim = simulate_participants(min(n, 50_000), rng=rng, job_hazard_ratio=hr, mentor_frailty_sd=sd)
    pre, post = _latent_confidence(sim, rng)
    conf = (
        pd.DataFrame(
            {
                "programme": sim["programme"],
                "latent_change": post - pre,
                "score_change": _expected_score(post) - _expected_score(pre),
            }
        )
        .groupby("programme", sort=True)
        .mean()
        .reset_index()
    )
    return TrueEffects(
        table=pd.DataFrame(rows),
        job_hazard_ratio=hr,
        job_log_hazard_ratio=float(np.log(hr)),
        confidence=conf,
    )


def write_evaldata(
    directory: str | Path, *, seed: int | None = DEFAULT_SEED, n: int = 1500
) -> dict[str, Path]:
    """Write the synthetic data files ``participants.csv``, ``questionnaire.csv``, ``costs.csv``.

    Parameters
    ----------
    directory : str or Path
        Output directory (created if needed).
    seed : int, default=DEFAULT_SEED
        Seed of the whole data set (``None`` = :data:`DEFAULT_SEED`); the same seed
        writes byte-identical files. The three tables use independent streams spawned
        from ``numpy.random.SeedSequence(seed)``.
    n : int, default=1500
        Number of participants.

    Returns
    -------
    dict of str to pathlib.Path
        ``{"participants": path, "questionnaire": path, "costs": path}``.

    Notes
    -----
    UTF-8 CSV with a header, no index, ``\\n`` line ends, dates ``YYYY-MM-DD``,
    booleans ``True``/``False``, missing values as empty cells.

    Examples
    --------
    >>> import tempfile
    >>> paths = write_evaldata(tempfile.mkdtemp(), n=50)
    >>> sorted(paths)
    ['costs', 'participants', 'questionnaire']
    """
    seed = DEFAULT_SEED if seed is None else seed
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    streams = np.random.SeedSequence(seed).spawn(3)
    participants = simulate_participants(n, rng=np.random.default_rng(streams[0]))
    tables = {
        "participants": participants,
        "questionnaire": simulate_questionnaire(
            participants, rng=np.random.default_rng(streams[1])
        ),
        "costs": simulate_costs(participants, rng=np.random.default_rng(streams[2])),
    }
    paths = {}
    for name, table in tables.items():
        path = directory / f"{name}.csv"
        table.to_csv(
            path, index=False, date_format="%Y-%m-%d", lineterminator="\n", encoding="utf-8"
        )
        paths[name] = path
    return paths
