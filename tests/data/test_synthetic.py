"""The synthetic data generator: reproducibility, schema, calibration, known truth."""

import hashlib
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from evalkit.data import schema, synthetic

ROOT = Path(__file__).resolve().parents[2]
EVALDATA = ROOT / "evaldata"
JOB = ["job_permanent", "job_temporary", "self_employed"]
DATES = ["intake_date", "exit_date", "follow_up_end"]

# Calibration targets from the programmes' public figures. "Found work" = first exit is a
# job within 365 days of intake, among participants with >= 365 days of follow-up.
# Tolerances for the shipped file (1,500 rows): about 3 binomial standard errors at the
# shipped denominators, sqrt(p (1 - p) / n): first-meeting dropout n = 770 (SE 0.016);
# completion n = 632 formed (SE 0.013); job among completed n = 496 (SE 0.022); job and
# positive exit among formed n = 518 (SE 0.022, 0.019).
CALIBRATION = {
    # (programme, statistic): (target, tolerance on the shipped file)
    ("DUO for a JOB", "first_meeting_dropout"): (0.25, 0.05),
    ("Team4Job", "first_meeting_dropout"): (0.10, 0.05),
    ("Team4Job", "completed_given_formed"): (152 / 171, 0.04),
    ("Team4Job", "job_12m_given_completed"): (77 / 152, 0.07),
    ("DUO for a JOB", "job_12m_given_formed"): (0.53, 0.07),
    ("DUO for a JOB", "positive_12m_given_formed"): (0.74, 0.06),
}
# The model itself (a large sample, sampling SE < 0.003) is within this of each target;
# Team4Job's first-meeting dropout is "about 10%" (model: 12.6%).
MODEL_TOLERANCE = 0.015
MODEL_TOLERANCE_T4J_FMD = 0.03
# Monte Carlo tolerance of true_effects with n = 100,000 (SE of a risk difference ~0.001).
TRUE_EFFECT_MC_ATOL = 0.005


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def participants():
    return pd.read_csv(EVALDATA / "participants.csv", parse_dates=DATES)


@pytest.fixture(scope="module")
def large():
    return synthetic.simulate_participants(100_000, rng=2024)


@pytest.fixture(scope="module")
def truth():
    return synthetic.true_effects(100_000, rng=5)


def calibration_statistics(df: pd.DataFrame) -> dict:
    """The public figures' statistics on a participants table (12-month horizon)."""
    elapsed = (df.exit_date - df.intake_date).dt.days
    followed = (df.follow_up_end - df.intake_date).dt.days >= 365
    job = df.exit_type.isin(JOB) & (elapsed <= 365)
    positive = job | ((df.exit_type == "training") & (elapsed <= 365))
    out = {}
    for programme in schema.PROGRAMMES:
        mine = df.programme == programme
        formed = mine & ~df.first_meeting_dropout
        completed = formed & df.duo_completed
        out[(programme, "first_meeting_dropout")] = df.first_meeting_dropout[mine].mean()
        out[(programme, "completed_given_formed")] = df.duo_completed[formed].mean()
        out[(programme, "job_12m_given_completed")] = job[completed & followed].mean()
        out[(programme, "job_12m_given_formed")] = job[formed & followed].mean()
        out[(programme, "positive_12m_given_formed")] = positive[formed & followed].mean()
    return out


def naive_risk_difference(df: pd.DataFrame) -> float:
    """Unadjusted DUO - Team4Job difference of a job by 12 months in the overlap."""
    overlap = (df.age <= 33) & (df.migration_background == "non-EU")
    followed = (df.follow_up_end - df.intake_date).dt.days >= 365
    job = df.exit_type.isin(JOB) & ((df.exit_date - df.intake_date).dt.days <= 365)
    rates = job[overlap & followed].groupby(df.programme).mean()
    return float(rates["DUO for a JOB"] - rates["Team4Job"])


# --- reproducibility ---------------------------------------------------------------------


def test_same_seed_writes_identical_files_and_other_seed_differs(tmp_path):
    a = synthetic.write_evaldata(tmp_path / "a", n=300)
    b = synthetic.write_evaldata(tmp_path / "b", n=300)
    c = synthetic.write_evaldata(tmp_path / "c", n=300, seed=1)
    assert sorted(a) == ["costs", "participants", "questionnaire"]
    for name in a:
        assert _sha(a[name]) == _sha(b[name])
        assert _sha(a[name]) != _sha(c[name])


def test_generator_argument_equals_seed_and_leaves_no_global_state():
    state = np.random.get_state()[1].copy()  # noqa: NPY002 (checking the legacy global state)
    a = synthetic.simulate_participants(200, rng=9)
    b = synthetic.simulate_participants(200, rng=np.random.default_rng(9))
    pd.testing.assert_frame_equal(a, b)
    assert (np.random.get_state()[1] == state).all()  # noqa: NPY002


def test_shipped_files_are_a_fresh_regeneration(tmp_path):
    fresh = synthetic.write_evaldata(tmp_path)
    for name, path in fresh.items():
        assert _sha(path) == _sha(EVALDATA / f"{name}.csv"), (
            f"evaldata/{name}.csv differs from the generator's output: run `make synth`"
        )


def test_shipped_hashes_are_documented():
    readme = (EVALDATA / "README.md").read_text(encoding="utf-8")
    for name in ("participants", "questionnaire", "costs"):
        assert _sha(EVALDATA / f"{name}.csv") in readme, f"README lacks the hash of {name}.csv"


def test_every_column_is_in_the_data_dictionary():
    readme = (EVALDATA / "README.md").read_text(encoding="utf-8")
    for table in (schema.PARTICIPANTS, schema.QUESTIONNAIRE, schema.COSTS):
        for column in table.names:
            assert f"`{column}`" in readme, f"{table.name}.{column} is not documented"


def test_generation_is_fast():
    start = time.perf_counter()
    synthetic.simulate_participants(1500, rng=3)
    assert time.perf_counter() - start < 1.0


# --- schema ----------------------------------------------------------------------------


def test_in_memory_dtypes():
    df = synthetic.simulate_participants(300, rng=4)
    assert list(df.columns) == list(schema.PARTICIPANTS.names)
    for column in schema.PARTICIPANTS.columns:
        dtype = df[column.name].dtype
        if column.kind == "date":
            assert pd.api.types.is_datetime64_dtype(dtype), column.name
            assert (df[column.name].dropna() == df[column.name].dropna().dt.normalize()).all()
        elif column.kind == "boolean":
            assert pd.api.types.is_bool_dtype(dtype), column.name
        elif column.kind == "integer":
            assert pd.api.types.is_integer_dtype(dtype), column.name
        else:
            assert df[column.name].map(type).eq(str).all(), column.name
    assert df.loc[df.exit_type == "censored", "exit_date"].isna().all()


def test_participants_follow_the_schema(participants):
    df = participants
    assert list(df.columns) == list(schema.PARTICIPANTS.names)
    assert len(df) == 1500 and df.participant_id.is_unique
    assert df.participant_id.str.fullmatch(r"P\d{5}").all()
    assert df.mentor_id.str.fullmatch(r"M\d{4}").all()
    for column in schema.PARTICIPANTS.columns:
        values = df[column.name]
        if column.allowed:
            assert set(values.unique()) <= set(column.allowed), column.name
        if column.minimum is not None:
            assert values.min() >= column.minimum and values.max() <= column.maximum
        if column.required:
            assert values.notna().all(), column.name
    censored = df.exit_type == "censored"
    assert df.exit_date[censored].isna().all() and df.exit_date[~censored].notna().all()
    assert (df.exit_date[~censored] > df.intake_date[~censored]).all()
    assert (df.exit_date[~censored] <= df.follow_up_end[~censored]).all()
    assert (df.follow_up_end > df.intake_date).all()
    assert (df.follow_up_end <= synthetic.EXTRACTION_DATE).all()
    assert 0.02 < (df.follow_up_end < synthetic.EXTRACTION_DATE).mean() < 0.07  # lost
    assert not (df.first_meeting_dropout & df.duo_completed).any()
    assert df.intake_date.dt.year.between(2019, 2024).all()
    assert df.intake_date.is_monotonic_increasing
    assert df.duplicated(["exit_date", "exit_type"]).any()  # day ties exist
    assert set(df.exit_type) == set(schema.EXIT_TYPES)


def test_mentors_are_clusters_within_programme_and_site(participants):
    per_mentor = participants.groupby("mentor_id").agg(
        n=("participant_id", "size"),
        programmes=("programme", "nunique"),
        sites=("site", "nunique"),
    )
    assert (per_mentor.programmes == 1).all() and (per_mentor.sites == 1).all()
    assert per_mentor.n.mean() > 3 and per_mentor.n.max() >= 8


def test_eligibility_rules_build_in_the_positivity_problem(participants):
    duo = participants[participants.programme == "DUO for a JOB"]
    t4j = participants[participants.programme == "Team4Job"]
    assert 0.4 < len(duo) / len(participants) < 0.6
    assert duo.age.between(18, 33).all()
    assert (duo.migration_background == "non-EU").all()
    assert duo.mentor_age.between(50, 75).all()
    assert t4j.mentor_age.between(25, 64).all()
    assert (t4j.site == "Brussels").all()
    assert set(duo.site) == set(schema.SITES)
    assert (duo.loc[duo.site == "Mechelen", "intake_date"] >= synthetic.MECHELEN_START).all()
    assert t4j.age.between(18, 60).all() and (t4j.age > 33).mean() > 0.3
    assert (t4j.migration_background != "non-EU").mean() > 0.3
    overlap_t4j = t4j[(t4j.age <= 33) & (t4j.migration_background == "non-EU")]
    assert len(overlap_t4j) > 150  # enough Team4Job people to compare with


def test_selection_within_the_overlap_is_confounded(large):
    df = large
    overlap = df[(df.age <= 33) & (df.migration_background == "non-EU") & (df.site == "Brussels")]
    duo = overlap.programme == "DUO for a JOB"
    edu = pd.Categorical(overlap.education, categories=schema.EDUCATION_LEVELS).codes
    assert edu[duo.to_numpy()].mean() < edu[~duo.to_numpy()].mean() - 0.2
    assert overlap.months_unemployed[duo].mean() > overlap.months_unemployed[~duo].mean() + 2
    assert overlap.single_parent[duo].mean() > overlap.single_parent[~duo].mean()


# --- calibration -----------------------------------------------------------------------


@pytest.mark.parametrize(("key", "target"), CALIBRATION.items(), ids=lambda v: str(v))
def test_shipped_file_is_calibrated_to_the_public_figures(participants, key, target):
    value, tolerance = target
    got = calibration_statistics(participants)[key]
    assert abs(got - value) <= tolerance, f"{key}: {got:.3f} vs {value:.3f} ± {tolerance}"


def test_model_is_calibrated_in_large_samples(large):
    stats = calibration_statistics(large)
    for key, (value, _) in CALIBRATION.items():
        tolerance = (
            MODEL_TOLERANCE_T4J_FMD
            if key == ("Team4Job", "first_meeting_dropout")
            else MODEL_TOLERANCE
        )
        assert abs(stats[key] - value) <= tolerance, f"{key}: {stats[key]:.3f} vs {value:.3f}"
    jobs = large[large.exit_type.isin(JOB)].exit_type.value_counts(normalize=True)
    assert_allclose(jobs["job_permanent"], 25 / 77, atol=0.01)
    assert_allclose(jobs["self_employed"], 8 / 77, atol=0.01)


# --- questionnaire ---------------------------------------------------------------------


def test_questionnaire_schema_and_attrition(participants):
    q = pd.read_csv(
        EVALDATA / "questionnaire.csv",
        dtype={f: "Int64" for f in schema.RSE_ITEMS},
        parse_dates=["response_date"],
    )
    assert list(q.columns) == list(schema.QUESTIONNAIRE.names)
    assert not q.duplicated(["participant_id", "wave"]).any()
    assert set(q.participant_id) <= set(participants.participant_id)
    assert set(q.wave) == {"pre", "post"}
    items = q[list(schema.RSE_ITEMS)]
    assert items.min().min() == 1 and items.max().max() == 4
    assert 0.015 < items.isna().to_numpy().mean() < 0.035
    n_pre, n_post = (q.wave == "pre").sum(), (q.wave == "post").sum()
    assert n_pre > 0.95 * len(participants) and 0.4 < n_post / n_pre < 0.75
    post = q[q.wave == "post"]
    assert set(post.participant_id) <= set(q.participant_id[q.wave == "pre"])
    dates = q.merge(participants[["participant_id", "intake_date"]], on="participant_id")
    lag = (dates.response_date - dates.intake_date).dt.days
    assert lag[dates.wave == "pre"].between(0, 14).all()
    assert lag[dates.wave == "post"].between(183, 213).all()
    assert (post.response_date <= synthetic.EXTRACTION_DATE).all()
    # Reverse-keyed items correlate negatively with the others, as answered.
    corr = items.astype(float).corr()
    reversed_ = list(schema.RSE_REVERSED)
    assert (corr.loc["rse_01", reversed_] < 0).all()
    assert (corr.loc["rse_02", ["rse_05", "rse_06", "rse_08", "rse_09"]] > 0).all()


def _keyed_score(q: pd.DataFrame) -> pd.Series:
    items = q[list(schema.RSE_ITEMS)].astype(float)
    items[list(schema.RSE_REVERSED)] = 5 - items[list(schema.RSE_REVERSED)]
    return items.mean(axis=1)


def test_questionnaire_change_and_informative_attrition():
    people = synthetic.simulate_participants(50_000, rng=8)
    q = synthetic.simulate_questionnaire(people, rng=9)
    assert q[list(schema.RSE_ITEMS)].dtypes.eq("Int64").all()
    score = q.assign(score=_keyed_score(q)).pivot_table(
        index="participant_id", columns="wave", values="score", aggfunc="first"
    )
    truth = synthetic.true_effects(50_000, rng=10).confidence.set_index("programme")
    job6 = people.set_index("participant_id").pipe(
        lambda d: d.exit_type.isin(JOB) & ((d.exit_date - d.intake_date).dt.days <= 183)
    )
    answered = score["post"].notna().reindex(job6.index, fill_value=False)
    # Post response depends on the (observed) job outcome ...
    assert answered[job6].mean() > answered[~job6].mean() + 0.1
    # ... so the complete-case change overstates the true mean change (bias ~+0.013,
    # SE of each side ~0.003), and the complete-case post mean is biased more.
    complete = (score["post"] - score["pre"]).dropna()
    programme = people.set_index("participant_id").programme
    cc = complete.groupby(programme.reindex(complete.index)).mean()
    for name in schema.PROGRAMMES:
        assert 0.1 < truth.loc[name, "score_change"] < 0.4
        assert cc[name] > truth.loc[name, "score_change"] + 0.004
    assert truth.loc["DUO for a JOB", "score_change"] > truth.loc["Team4Job", "score_change"]


# --- costs -----------------------------------------------------------------------------


def test_costs_follow_the_schema_and_the_duo_budget(participants):
    costs = pd.read_csv(EVALDATA / "costs.csv")
    assert list(costs.columns) == list(schema.COSTS.names)
    assert not costs.duplicated(list(schema.COSTS.key)).any()
    assert (costs.amount_eur >= 0).all() and costs.year.between(2019, 2024).all()
    rooms = costs[(costs.programme == "Team4Job") & (costs.cost_item == "meeting_rooms")]
    assert len(rooms) > 0 and (rooms.amount_eur == 0).all()
    formed = participants[~participants.first_meeting_dropout]
    counts = formed.groupby(["programme", "site", formed.intake_date.dt.year]).size()
    got = costs.groupby(["programme", "site", "year"]).duos_formed.first()
    assert (got.sort_index().to_numpy() == counts.sort_index().to_numpy()).all()
    duo = costs[costs.programme == "DUO for a JOB"]
    per_30 = {
        item: 30 * rows.amount_eur.sum() / rows.duos_formed.sum()
        for item, rows in duo.groupby("cost_item")
    }
    # 2020 prices (3,000 + 5,000 + 12,000 per 30 duos), +2% a year from 2020, ±5% noise:
    # across 2019–2024 the average price factor is about 1.03.
    for item, target in {
        "mentor_training": 3000,
        "meeting_rooms": 5000,
        "coordinator_salaries": 12000,
    }.items():
        assert_allclose(per_30[item], 1.03 * target, rtol=0.04)
    direct = sum(per_30[i] for i in ("mentor_training", "meeting_rooms", "coordinator_salaries"))
    assert 19_500 < direct < 21_500
    assert_allclose(per_30["overhead"], 0.12 * direct, rtol=0.01)


# --- the known truth -------------------------------------------------------------------


def test_true_effects_table(truth):
    table = truth.table.set_index(["estimand", "horizon_months"])
    assert truth.job_hazard_ratio == synthetic.TRUE_JOB_HAZARD_RATIO == 1.25
    assert_allclose(truth.job_log_hazard_ratio, np.log(1.25), rtol=1e-12)
    assert synthetic.TRUE_MODEL.job_hazard_ratio == 1.25
    # Documented values (docstring and README), default n and seed, within Monte Carlo error.
    documented = {
        ("ATE_overlap", 6): 0.053,
        ("ATE_overlap", 12): 0.061,
        ("ATT", 6): 0.051,
        ("ATT", 12): 0.061,
    }
    for key, value in documented.items():
        assert_allclose(table.loc[key, "risk_difference"], value, atol=TRUE_EFFECT_MC_ATOL)
    assert (table.risk_ratio > 1).all()


def test_null_effect_gives_zero_true_difference():
    null = synthetic.true_effects(5_000, rng=1, job_hazard_ratio=1.0)
    assert_allclose(null.table.risk_difference, 0.0, atol=0)


def test_naive_comparison_misses_the_true_effect(large, truth):
    ate12 = truth.table.set_index(["estimand", "horizon_months"]).loc[
        ("ATE_overlap", 12), "risk_difference"
    ]
    # Expected naive difference about -0.02 against a true +0.061 (SE here ~0.008).
    assert naive_risk_difference(large) < ate12 - 0.05
    assert naive_risk_difference(large) < 0 < ate12  # confounding reverses the sign


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, -5, 2.5, True])
def test_bad_n_is_refused(n):
    with pytest.raises(ValueError, match="n must be an integer of at least 1"):
        synthetic.simulate_participants(n)
    with pytest.raises(ValueError, match="n must be an integer of at least 1"):
        synthetic.true_effects(n)


def test_bad_model_knobs_are_refused():
    with pytest.raises(ValueError, match="job_hazard_ratio must be a positive number"):
        synthetic.simulate_participants(10, job_hazard_ratio=0)
    with pytest.raises(ValueError, match="mentor_frailty_sd must be a number >= 0"):
        synthetic.true_effects(10, mentor_frailty_sd=-1)
