"""Why the shipped data's IPW/AIPW interval misses the true 12-month effect (issue 17).

Notebook 03 on ``evaldata/`` reports an IPW risk difference of +0.169 (AIPW +0.168,
95% CI 0.075-0.262) for a job within 12 months, DUO for a JOB vs Team4Job; the truth for
the people analysed (the trimmed comparison sample) is +0.061. The generator knows each
person's expected outcome, so the IPW error splits exactly into three parts::

    IPW(Y) - truth = [IPW(E[Y | X, A]) - truth]                 covariates after weighting
                   + [IPW(E[Y | X, A, b]) - IPW(E[Y | X, A])]   the mentors' frailties b
                   + [IPW(Y) - IPW(E[Y | X, A, b])]             the people's own outcomes

(``IPW`` applied to a column other than the outcome uses the same weights.) The shipped
mentor frailties are those the generator drew for seed 20241, recovered by replaying its
random streams. Run::

    PYTHONPATH=src python -m validation.shipped
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from evalkit.comparison import propensity_weights
from evalkit.data import job_within, load_participants
from evalkit.data.synthetic import DEFAULT_SEED, MENTOR_FRAILTY_SD
from evalkit.data.synthetic import participants as _generator
from validation import truth as _truth
from validation.pipeline import ROOT, _population, _trimmed, report_settings


def shipped_frailties(participants: pd.DataFrame, seed: int = DEFAULT_SEED) -> np.ndarray:
    """Each shipped participant's mentor log-frailty (the generator's draws for ``seed``)."""
    stream = np.random.SeedSequence(seed).spawn(3)[0]
    pop, draws = _generator._simulate(len(participants), np.random.default_rng(stream),
                                      MENTOR_FRAILTY_SD)
    order = np.argsort(pop["intake_offset"].to_numpy(), kind="stable")  # as the file
    if not (pop["age"].to_numpy()[order] == participants["age"].to_numpy()).all():
        raise ValueError("participants are not the shipped data of this seed")
    return draws["frailty"][order]


def _risks(frame: pd.DataFrame, offset: np.ndarray | None) -> pd.DataFrame:
    """``sample_truths`` integrating over the frailty, or given it (``offset``)."""
    if offset is None:
        return _truth.sample_truths(frame, (12,), 12)
    plain = _truth._eta
    _truth._eta = lambda cov, cause, fmd: plain(cov, cause, fmd) + (
        offset if cause == "job" else 0.0)
    try:
        return _truth.sample_truths(frame, (12,), 12, frailty_sd=0.0)
    finally:
        _truth._eta = plain


def decomposition(path=ROOT / "evaldata" / "participants.csv") -> dict[str, float]:
    """The IPW estimate of notebook 03 on the shipped data, its truth, and the parts of
    its error (see the module docstring); with the Team4Job arm's observed and expected
    12-month job rates."""
    c = report_settings()["comparison"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the report's caveats
        people = load_participants(path).data
        people["frailty"] = shipped_frailties(people)
        binary = job_within(_population(people, c), c["horizon_months"], event=c["outcome"])
        data, ps = _trimmed(binary.data, c, "programme ~ " + c["covariates"])
        weights = propensity_weights(ps, estimand=c["estimand"])
    w, a = weights.weights, weights.treated

    def ipw(y):
        return np.sum(w * a * y) / np.sum(w * a) - np.sum(w * ~a * y) / np.sum(w * ~a)

    frame = data.set_index("participant_id")
    mean = _risks(frame, None)
    given = _risks(frame, data["frailty"].to_numpy())
    expected = np.where(a, mean["binary_duo"], mean["binary_team4job"])
    expected_b = np.where(a, given["binary_duo"], given["binary_team4job"])
    y = data[binary.column].to_numpy(float)
    truth = float((mean["binary_duo"] - mean["binary_team4job"]).mean())
    t4j = ~a
    return {
        "ipw": ipw(y), "truth": truth, "error": ipw(y) - truth,
        "covariates": ipw(expected) - truth,
        "mentor_frailties": ipw(expected_b) - ipw(expected),
        "own_outcomes": ipw(y) - ipw(expected_b),
        "n_team4job": int(t4j.sum()),
        "team4job_observed": float(y[t4j].mean()),
        "team4job_expected": float(expected_b[t4j].mean()),
        "team4job_z": float((y[t4j] - expected_b[t4j]).sum()
                            / np.sqrt((expected_b[t4j] * (1 - expected_b[t4j])).sum())),
    }


if __name__ == "__main__":
    for key, value in decomposition().items():
        print(f"{key:>20}: {value:+.4f}" if isinstance(value, float) else f"{key:>20}: {value}")
