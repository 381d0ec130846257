"""Simulated participants: applicants, eligibility and choice, mentors, exits.

See :func:`simulate_participants` for the model; its constants are in
:mod:`evalkit.data.synthetic.model`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalkit._stats.logistic import expit
from evalkit._validation import check_integer, check_positive, check_rng
from evalkit.data.synthetic.model import (
    DEFAULT_SEED,
    DUO,
    EXTRACTION_DATE,
    FIRST_INTAKE,
    FMD_COEF,
    HAZARD_COEF,
    JOB_KINDS,
    LAST_INTAKE,
    MECHELEN_START,
    MENTOR_FRAILTY_SD,
    MODEL,
    PROPENSITY_COEF,
    T4J,
    TRUE_JOB_HAZARD_RATIO,
)

__all__ = ["simulate_participants"]

SITES = MODEL.levels["site"]
EDUCATION_LEVELS = MODEL.levels["education"]
LANGUAGE_LEVELS = MODEL.levels["language_level"]
PARTICIPANTS = MODEL.table("participants")

# Applicant population (before eligibility).
_SITE_P = np.array([0.44, 0.18, 0.15, 0.12, 0.11])  # by SITES
_MIGRATION = ("non-EU", "EU", "none")
_MIGRATION_P = np.array([0.66, 0.12, 0.22])

# Weibull cause-specific hazards, time in days: H_k(t) = rate_k * t**shape_k * exp(eta_k).
_SHAPE = {"job": 1.10, "training": 1.00, "dropout": 0.90}
_RATE = {"job": 1.60e-3, "training": 9.0e-4, "dropout": 3.0e-4}
_CAUSES = ("job", "training", "dropout")
_LOST_TO_FOLLOW_UP = 0.04
_OTHER_STOP = 0.085  # formed duos that stop early for other reasons (mentor leaves, moves)


def _draw(rng: np.random.Generator, levels, p: np.ndarray, n: int) -> np.ndarray:
    """Draw ``n`` levels with common probabilities ``p``."""
    idx = np.minimum(np.searchsorted(np.cumsum(p), rng.random(n), side="right"), len(levels) - 1)
    return np.asarray(levels, dtype=object)[idx]


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
    return expit(
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
    return expit(
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
    hr = check_positive(job_hazard_ratio, name="job_hazard_ratio", fix="1 = no programme effect.")
    sd = check_positive(
        mentor_frailty_sd, name="mentor_frailty_sd", zero_allowed=True, fix="0 = no clustering."
    )
    return hr, sd


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
    job_hazard_ratio : float, default=TRUE_JOB_HAZARD_RATIO
        Conditional cause-specific hazard ratio of the job exit, DUO for a JOB vs
        Team4Job (1 = no programme effect).
    mentor_frailty_sd : float, default=MENTOR_FRAILTY_SD
        SD of the mentor log-frailty on the job hazard (0 = no mentor clustering).

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
        If ``n`` is not a positive integer, ``job_hazard_ratio`` not a positive number
        or ``mentor_frailty_sd`` not a number >= 0.
    TypeError
        If ``rng`` is neither an integer seed nor a ``numpy.random.Generator``.

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
    n = check_integer(n, name="n", minimum=1, fix="pass the number of participants.")
    rng = check_rng(rng)
    hr, sd = _check_model(job_hazard_ratio, mentor_frailty_sd)
    pop, draws = _simulate(n, rng, sd)
    eta = _linear_predictors(pop, pop["duo"].to_numpy(), pop["fmd"].to_numpy(), hr)
    first, days = _first_exit(eta, draws["frailty"], draws["e"])
    intake = FIRST_INTAKE + pd.to_timedelta(pop["intake_offset"].to_numpy(), unit="D")
    records = _records(intake, first, days, pop["fmd"].to_numpy(), rng)
    return _participants_table(pop, intake, records)


def _records(
    intake: pd.DatetimeIndex,
    first: np.ndarray,
    days: np.ndarray,
    fmd: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, object]:
    """What the records show: the end of follow-up (the extraction date or an earlier
    loss), the first exit if seen by then, and whether the duo was completed."""
    n = len(days)
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
    return {
        "duo_completed": completed.astype(bool),
        "exit_type": exit_type,
        "exit_date": exit_date.to_numpy(),
        "follow_up_end": intake + pd.to_timedelta(follow_days, unit="D"),
    }


def _participants_table(
    pop: pd.DataFrame, intake: pd.DatetimeIndex, records: dict[str, object]
) -> pd.DataFrame:
    """The participants table: dictionary labels and ids, sorted by intake date."""
    out = pd.DataFrame(
        {
            "programme": np.where(pop["duo"].to_numpy(), DUO, T4J).astype(object),
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
            "first_meeting_dropout": pop["fmd"].to_numpy().astype(bool),
            **records,
        }
    )
    out = out.iloc[np.argsort(out["intake_date"].to_numpy(), kind="stable")].reset_index(drop=True)
    out.insert(0, "participant_id", [f"P{i:05d}" for i in range(1, len(out) + 1)])
    return out[list(PARTICIPANTS.names)]
