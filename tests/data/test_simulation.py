"""Slow checks of the generator's known truth: a Cox fit recovers the true job hazard ratio,
and the mentor frailty calls for cluster-robust standard errors."""

import numpy as np
import pandas as pd
import pytest

from evalkit.data import schema, synthetic

pytestmark = pytest.mark.slow

JOB = ["job_permanent", "job_temporary", "self_employed"]
# Cox fit on 40,000 simulated people: the log hazard ratio has SE ~0.019.
COX_N = 40_000
COX_SE_MULTIPLE = 3.0


def _cox_design(df: pd.DataFrame) -> pd.DataFrame:
    """The true linear predictor's covariates (the generator's functional form)."""
    return pd.DataFrame(
        {
            "duo": (df.programme == "DUO for a JOB").astype(float),
            "education": pd.Categorical(df.education, categories=schema.EDUCATION_LEVELS).codes,
            "language": pd.Categorical(df.language_level, categories=schema.LANGUAGE_LEVELS).codes,
            "migration_eu": (df.migration_background == "EU").astype(float),
            "migration_none": (df.migration_background == "none").astype(float),
            "age": df.age.astype(float),
            "months": df.months_unemployed.astype(float),
            "female": (df.gender == "female").astype(float),
            "single_parent": df.single_parent.astype(float),
            "fmd": df.first_meeting_dropout.astype(float),
        }
    ).astype(float)


def _fit_job_cox(df: pd.DataFrame, *, groups=None):
    from statsmodels.duration.hazard_regression import PHReg

    end = df.exit_date.fillna(df.follow_up_end)
    duration = (end - df.intake_date).dt.days.to_numpy(float)
    status = df.exit_type.isin(JOB).to_numpy(int)
    model = PHReg(duration, _cox_design(df), status=status, ties="efron")
    return model.fit(groups=groups) if groups is not None else model.fit()


def test_cox_model_recovers_the_true_job_hazard_ratio():
    df = synthetic.simulate_participants(COX_N, rng=11, mentor_frailty_sd=0.0)
    fit = _fit_job_cox(df)
    log_hr, se = fit.params[0], fit.bse[0]
    assert abs(log_hr - np.log(synthetic.TRUE_JOB_HAZARD_RATIO)) < COX_SE_MULTIPLE * se
    true_coef = synthetic.HAZARD_COEF["job"]
    assert abs(fit.params[1] - true_coef["education"]) < COX_SE_MULTIPLE * fit.bse[1]
    assert abs(fit.params[9] - true_coef["first_meeting_dropout"]) < COX_SE_MULTIPLE * fit.bse[9]


def test_mentor_frailty_attenuates_the_cox_estimate_and_needs_cluster_robust_se():
    df = synthetic.simulate_participants(COX_N, rng=11)
    fit = _fit_job_cox(df, groups=pd.factorize(df.mentor_id)[0])
    model_only = _fit_job_cox(df)
    log_hr, se = np.log(synthetic.TRUE_JOB_HAZARD_RATIO), fit.bse[0]
    # Ignoring a log-normal frailty (SD 0.45) shrinks Cox coefficients by about 5-10%.
    assert 0.85 * log_hr - COX_SE_MULTIPLE * se < fit.params[0] < log_hr + COX_SE_MULTIPLE * se
    # The programme is constant within a mentor: the clustered (sandwich) SE of its
    # coefficient is clearly larger than the model-based one (about 1.15 times here).
    assert fit.bse[0] > 1.08 * model_only.bse[0]


def test_loading_benchmark_quick_runs():
    """benchmarks/bench_loading.py at a tiny size (no timings asserted: it must not rot)."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_loading.py"
    out = subprocess.run([sys.executable, str(script), "--quick", "--sizes", "300"],
                         capture_output=True, text=True, timeout=300, check=True)
    rows = [line.split() for line in out.stdout.splitlines() if line.strip().startswith("300")]
    assert [row[1] for row in rows] == ["csv", "parquet"], out.stdout
