"""Known truths of evalkit's generator for the estimands the reports target.

The generator (:mod:`evalkit.data.synthetic`) knows every participant's hazards, so the
truth of each headline estimate of the reports can be computed without estimation:

- :func:`conditional_job_risks`: for given people (their intake characteristics), the
  probability that the first exit is a job by each day of the first year, in either
  programme, integrating out what the report does not see (first-meeting dropout, the
  mentor frailty, the exit times) by quadrature. Averaged over the people a report's
  estimate is about (e.g. the trimmed comparison sample), it is the truth *for that
  population*.
- :func:`population_truths`: super-population values from one large simulation with the
  generator's own draws: the comparison population's potential-outcome risks (as
  :func:`evalkit.data.synthetic.true_effects`), each programme's cumulative incidence,
  Kaplan–Meier (cause-specific product limit), restricted mean times (notebook 02's
  estimands, descriptive by programme), and the self-confidence change (notebook 05),
  with and without attrition.

The generator's private hazard constants (Weibull rates and shapes) are read from
:mod:`evalkit.data.synthetic.participants`, as :mod:`evalkit.data.synthetic.truth` does;
:func:`population_truths` checks the quadrature against the generator's own sampling.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

from evalkit.data.schema import EDUCATION_LEVELS, LANGUAGE_LEVELS
from evalkit.data.synthetic import (
    FMD_COEF,
    HAZARD_COEF,
    MENTOR_FRAILTY_SD,
    POST_RESPONSE_COEF,
    TRUE_JOB_HAZARD_RATIO,
    simulate_participants,
    simulate_questionnaire,
)
from evalkit.data.synthetic import participants as _generator

#: Days per month of :func:`evalkit.survival.time_to_event` and ``job_within``.
DAYS_PER_MONTH = 365.25 / 12
#: Quadrature: time step (days) and Gauss–Hermite nodes for the mentor frailty.
_STEP = 0.5
_GRID = np.arange(0.0, 365.25 + _STEP / 2, _STEP)
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(16)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()
_DUO = "DUO for a JOB"


def _codes(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The generator's covariate codes of each person (as in its linear predictors)."""
    edu = pd.Categorical(frame["education"].astype(str), categories=EDUCATION_LEVELS).codes
    lang = pd.Categorical(frame["language_level"].astype(str), categories=LANGUAGE_LEVELS).codes
    migration = frame["migration_background"].astype(str).to_numpy()
    return {
        "education": edu - 1.5,
        "language": lang - 2.0,
        "migration_EU": (migration == "EU").astype(float),
        "migration_none": (migration == "none").astype(float),
        "age": frame["age"].to_numpy(float) - 25.0,
        "months_unemployed": frame["months_unemployed"].to_numpy(float) - 12.0,
        "female": (frame["gender"].astype(str) == "female").to_numpy(float),
        "single_parent": frame["single_parent"].to_numpy(float),
        "lang_raw": lang.astype(float),
        "months_raw": frame["months_unemployed"].to_numpy(float),
    }


def _eta(cov: dict[str, np.ndarray], cause: str, fmd: float) -> np.ndarray:
    """Log relative hazard of a cause without the programme term, given dropout ``fmd``."""
    cov = {**cov, "first_meeting_dropout": np.full(len(cov["age"]), fmd)}
    return sum(b * cov[k] for k, b in HAZARD_COEF[cause].items())


def _fmd_probability(cov: dict[str, np.ndarray]) -> np.ndarray:
    c = FMD_COEF
    return expit(
        c["intercept"] + c["age"] * cov["age"] + c["language"] * (cov["lang_raw"] - 2)
        + c["months_unemployed"] * cov["months_raw"]
    )


def _cumulative_hazard(cause: str, eta: np.ndarray) -> np.ndarray:
    """``H(s) = rate s^shape exp(eta)`` on the time grid: people x grid."""
    base = _generator._RATE[cause] * _GRID ** _generator._SHAPE[cause]
    return np.exp(eta)[:, None] * base[None, :]


def conditional_job_risks(
    frame: pd.DataFrame, *, hazard_ratio: float = TRUE_JOB_HAZARD_RATIO,
    frailty_sd: float = MENTOR_FRAILTY_SD,
) -> dict[str, np.ndarray]:
    """P(first exit is a job by day d | intake characteristics), in either programme.

    Returns ``{"duo": F1, "team4job": F0}``, each people x 366 (days 0..365; day ``d``
    means an exit on or before day ``d``, the generator's whole days), integrating
    over first-meeting dropout (its logistic model), the mentor's log-normal frailty
    (Gauss–Hermite, 16 nodes) and the exit times (midpoint rule on the job cumulative
    hazard, step 0.5 day: within 1e-5 of step 0.25 day and 24 nodes).
    """
    cov = _codes(frame)
    p_fmd = _fmd_probability(cov)
    out = {"duo": 0.0, "team4job": 0.0}
    daily = slice(0, None, round(1 / _STEP))
    for fmd, weight in ((1.0, p_fmd), (0.0, 1 - p_fmd)):
        others = (_cumulative_hazard("training", _eta(cov, "training", fmd))
                  + _cumulative_hazard("dropout", _eta(cov, "dropout", fmd)))
        job0 = _cumulative_hazard("job", _eta(cov, "job", fmd))
        for arm, log_hr in (("duo", np.log(hazard_ratio)), ("team4job", 0.0)):
            risk = np.zeros_like(job0)
            for node, w in zip(_NODES, _WEIGHTS, strict=True):
                job = job0 * np.exp(log_hr + frailty_sd * node)
                mid = 0.5 * (job[:, 1:] + job[:, :-1] + others[:, 1:] + others[:, :-1])
                increments = np.diff(job, axis=1) * np.exp(-mid)
                risk[:, 1:] += w * np.cumsum(increments, axis=1)
            out[arm] = out[arm] + weight[:, None] * risk[:, daily]
    return out


def horizon_day(months: float) -> int:
    """Last whole day counted by an estimate at ``months`` (time = day / 365.25*12)."""
    return int(np.floor(months * DAYS_PER_MONTH + 1e-9))


def restricted_time_lost(risk: np.ndarray, months: float) -> np.ndarray:
    """Restricted mean time lost (months) to the exit up to ``months`` from daily risks.

    The observed time is the whole day over 365.25/12, so the cumulative incidence is
    a step function of the days: the integral is a sum over days.
    """
    limit = months * DAYS_PER_MONTH
    last = int(np.floor(limit))
    days = np.arange(1, last + 1)
    return risk[..., days] @ np.r_[np.ones(last - 1), limit - last] / DAYS_PER_MONTH


def sample_truths(frame: pd.DataFrame, horizons=(3, 6, 12), binary_months=12, *,
                  frailty_sd: float = MENTOR_FRAILTY_SD) -> pd.DataFrame:
    """Per person: the potential risks at the horizons and the restricted time lost.

    Columns ``risk_{h}_duo``, ``risk_{h}_team4job`` (cumulative incidence of a job by
    ``h`` months, as the Aalen–Johansen curves count it), ``job_within`` risks at the
    binary horizon (``job_within``'s rounded day), and ``rmtl_duo`` /
    ``rmtl_team4job`` up to the last horizon.
    """
    risks = conditional_job_risks(frame, frailty_sd=frailty_sd)
    columns = {}
    for arm, risk in risks.items():
        for h in horizons:
            columns[f"risk_{h:g}_{arm}"] = risk[:, horizon_day(h)]
        columns[f"binary_{arm}"] = risk[:, round(binary_months * DAYS_PER_MONTH)]
        columns[f"rmtl_{arm}"] = restricted_time_lost(risk, max(horizons))
    return pd.DataFrame(columns, index=frame.index)


class full_response:
    """Context: every due pre respondent answers the post questionnaire (same draws).

    Sets the response model's intercept to 60 (``expit`` = 1); the answers are drawn
    before the response, so a questionnaire simulated with the same seed inside and
    outside the context has the same answers: inside, the full data.
    """

    def __enter__(self):
        self._saved = POST_RESPONSE_COEF["intercept"]
        POST_RESPONSE_COEF["intercept"] = 60.0
        return self

    def __exit__(self, *exc):
        POST_RESPONSE_COEF["intercept"] = self._saved
        return False


def change_statistics(pre: np.ndarray, post: np.ndarray) -> dict[str, float]:
    """Mean change, d_z and d_av of complete pairs (as ``paired_change`` defines them)."""
    keep = ~(np.isnan(pre) | np.isnan(post))
    pre, post = pre[keep], post[keep]
    d = post - pre
    s_av = np.sqrt((pre.var(ddof=1) + post.var(ddof=1)) / 2)
    return {"mean_difference": d.mean(), "d_z": d.mean() / d.std(ddof=1),
            "d_av": d.mean() / s_av, "n": int(keep.sum())}


def _potential_exits(n: int, rng: np.random.Generator, frailty_sd: float):
    """A large enrolled population with each person's first exit (cause, whole day) in the
    programme they chose and in each programme (common random numbers), uncensored."""
    pop, draws = _generator._simulate(n, rng, frailty_sd)
    fmd = pop["fmd"].to_numpy()
    exits = {}
    for arm, duo in (("observed", pop["duo"].to_numpy()), ("duo", np.ones(n, bool)),
                     ("team4job", np.zeros(n, bool))):
        eta = _generator._linear_predictors(pop, duo, fmd, TRUE_JOB_HAZARD_RATIO)
        exits[arm] = _generator._first_exit(eta, draws["frailty"], draws["e"])
    return pop, exits


def _product_limit(first: np.ndarray, days: np.ndarray, day: int) -> float:
    """1 - prod (1 - jobs / at risk) over days <= ``day``: the Kaplan–Meier estimand of
    the job exit with the other exits censored (the cause-specific product limit)."""
    at_risk = np.bincount(days)[::-1].cumsum()[::-1]
    jobs = np.bincount(days[first == 0], minlength=len(at_risk))
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(at_risk > 0, 1 - jobs / at_risk, 1.0)
    return 1 - np.prod(factor[1 : day + 1])


def _km_median(first: np.ndarray, days: np.ndarray) -> float:
    """Median (months) of the cause-specific product limit of the job exit."""
    at_risk = np.bincount(days)[::-1].cumsum()[::-1]
    jobs = np.bincount(days[first == 0], minlength=len(at_risk))
    surv = np.cumprod(np.where(at_risk > 0, 1 - jobs / np.maximum(at_risk, 1), 1.0))
    return float(np.argmax(surv <= 0.5) / DAYS_PER_MONTH)


def _exit_summaries(first: np.ndarray, days: np.ndarray, horizons, rmst_months) -> dict:
    """Cumulative incidence and KM failure of a job, RMST and RMTL(job) of one group."""
    time = days / DAYS_PER_MONTH
    job = first == 0
    out = {}
    for h in horizons:
        out[f"aj_{h:g}"] = float(np.mean(job & (days <= horizon_day(h))))
        out[f"km_{h:g}"] = _product_limit(first, days, horizon_day(h))
    out["km_median"] = _km_median(first, days)
    out["rmst"] = float(np.mean(np.minimum(time, rmst_months)))
    out["rmtl_job"] = float(np.mean(job * np.clip(rmst_months - time, 0, None)))
    return out


def _comparison_population(pop: pd.DataFrame, exits: dict, horizons) -> dict:
    """Potential-outcome truths of notebook 03's population (Brussels, non-EU, 18-33)."""
    members = ((pop["site"] == "Brussels") & (pop["migration_background"] == "non-EU")
               & (pop["age"] <= 33)).to_numpy()
    out = {"n_comparison_population": int(members.sum())}
    for arm in ("duo", "team4job"):
        first, days = (a[members] for a in exits[arm])
        job = first == 0
        for h in horizons:
            out[f"risk_{h:g}_{arm}"] = float(np.mean(job & (days <= horizon_day(h))))
        out[f"binary_{arm}"] = float(np.mean(job & (days <= round(12 * DAYS_PER_MONTH))))
        time = days / DAYS_PER_MONTH
        out[f"rmtl_{arm}"] = float(np.mean(job * np.clip(max(horizons) - time, 0, None)))
    return out


def _change_truths(n: int, rng: np.random.Generator, scale, frailty_sd: float) -> dict:
    """Notebook 05's change statistics: everyone due (no attrition) and the responders."""
    from evalkit.questionnaire import pre_post_scores

    participants = simulate_participants(n, rng=rng, mentor_frailty_sd=frailty_sd)
    seed = int(rng.integers(2**62))
    observed = simulate_questionnaire(participants, rng=seed)
    with full_response():
        full = simulate_questionnaire(participants, rng=seed)
    out = {}
    for name, q in (("full", full), ("responders", observed)):
        wide = pre_post_scores(q, scale, participants=participants).data
        out[name] = change_statistics(wide["score_pre"].to_numpy(float),
                                      wide["score_post"].to_numpy(float))
    return out


def population_truths(
    n: int = 400_000, *, rng: int = 7, horizons=(3, 6, 12), rmst_months: float = 12,
    scale=None, n_questionnaire: int = 200_000, n_check: int = 5_000,
    frailty_sd: float = MENTOR_FRAILTY_SD,
) -> dict:
    """Super-population truths of the three reports' headline estimates.

    Parameters
    ----------
    n : int
        People simulated for the survival and comparison truths (Monte Carlo SE of a
        risk about 0.5 / sqrt(n per group)).
    rng : int
        Seed.
    horizons, rmst_months
        The reports' horizons (months).
    scale : Scale, optional
        The self-confidence scale (``params/scales/rse.yaml``); without it no change
        truths.
    n_questionnaire, n_check : int
        People for the change truths, and for the check of the quadrature of
        :func:`conditional_job_risks` against the generator's sampling.
    frailty_sd : float
        The generator's mentor frailty SD (an experiment may set 0).

    Returns
    -------
    dict
        ``survival`` (by programme: ``aj_h``, ``km_h``, ``km_median``, ``rmst``,
        ``rmtl_job``), ``comparison`` (potential-outcome risks of notebook 03's
        population), ``change`` (``full`` and ``responders``), ``check``.
    """
    gen = np.random.default_rng(rng)
    pop, exits = _potential_exits(n, gen, frailty_sd)
    duo = pop["duo"].to_numpy()
    survival = {}
    for label, members in ((_DUO, duo), ("Team4Job", ~duo)):
        first, days = (a[members] for a in exits["observed"])
        survival[label] = _exit_summaries(first, days, horizons, rmst_months)
    comparison = _comparison_population(pop, exits, horizons)
    sub = pop[(pop["site"] == "Brussels") & (pop["migration_background"] == "non-EU")
              & (pop["age"] <= 33)].iloc[:n_check]
    quad = sample_truths(sub.assign(
        education=np.asarray(EDUCATION_LEVELS, dtype=object)[sub["education"]],
        language_level=np.asarray(LANGUAGE_LEVELS, dtype=object)[sub["language_level"]],
    ), horizons, frailty_sd=frailty_sd).mean()
    check = {"quadrature_rd_12": quad["binary_duo"] - quad["binary_team4job"],
             "sampled_rd_12": comparison["binary_duo"] - comparison["binary_team4job"],
             "n_check": len(sub)}
    change = (None if scale is None
              else _change_truths(n_questionnaire, gen, scale, frailty_sd))
    return {"survival": survival, "comparison": comparison, "change": change, "check": check}
