"""Simulated self-confidence questionnaires: a latent trait, ten items, attrition.

See :func:`simulate_questionnaire` for the model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalkit._stats.logistic import expit
from evalkit._validation import check_rng
from evalkit.data.synthetic.model import (
    CONFIDENCE_CHANGE_IF_JOB,
    DEFAULT_SEED,
    DUO,
    EXTRACTION_DATE,
    HORIZON_DAYS,
    JOB_KINDS,
    MODEL,
    T4J,
    TRUE_CONFIDENCE_CHANGE,
)

__all__ = ["POST_RESPONSE_COEF", "simulate_questionnaire"]

EDUCATION_LEVELS = MODEL.levels["education"]
LANGUAGE_LEVELS = MODEL.levels["language_level"]
QUESTIONNAIRE = MODEL.table("questionnaire")
RSE_ITEMS = MODEL.scale.items
RSE_REVERSED = MODEL.scale.reversed

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

    Raises
    ------
    KeyError
        If ``participants`` lacks a column of the participants table used here
        (programme, dates, exit type, baseline characteristics).
    TypeError
        If ``rng`` is neither an integer seed nor a ``numpy.random.Generator``.

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
    >>> from evalkit.data.synthetic import simulate_participants
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
        & (u_post < expit(eta)),
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
