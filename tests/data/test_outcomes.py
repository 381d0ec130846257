"""The binary outcome of the comparisons: a job within 12 months."""

import pytest

from evalkit.data import load_participants
from evalkit.data.outcomes import job_within
from evalkit.data.synthetic import simulate_participants, true_effects
from tests.data.corpus import GOOD


def test_job_within_is_unbiased_and_reports_exclusions():
    """The 12-month job risk of DUO for a JOB participants matches the generator's truth."""
    truth = true_effects(n=200_000).table.set_index(["estimand", "horizon_months"])
    df = simulate_participants(60_000, rng=11)
    out = job_within(df, 12, by="programme")
    duo = out.data[out.data.programme == "DUO for a JOB"]["job_within_12m"]
    # MC SE: sqrt(.25/40000 + .25/200000) ~ 0.0027
    assert abs(duo.mean() - truth.loc[("ATT", 12), "risk_duo"]) < 0.009
    followed = (df.follow_up_end - df.intake_date).dt.days >= 365
    assert out.table["n_excluded"].sum() == (~followed).sum()
    assert list(out.table["programme"]) == ["DUO for a JOB", "Team4Job"]
    with pytest.raises(ValueError, match="horizon_months must be a positive number"):
        job_within(df, 0)


def test_unknown_exit_types_that_may_be_identifiers_are_not_shown():
    data = load_participants(GOOD / "participants.csv").data.astype({"exit_type": object})
    data.loc[0, "exit_type"] = "job"
    with pytest.raises(ValueError, match=r"has values \['job'\] that are not exit types"):
        job_within(data, 12)
    data.loc[0, "exit_type"] = "someone@example.org"
    with pytest.raises(ValueError, match=r"has 1 distinct values \(not shown\)") as info:
        job_within(data, 12)
    assert "someone" not in str(info.value)
