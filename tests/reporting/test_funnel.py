"""The participant funnel: stages, rejected rows, ITT and per-completer rates."""

from pathlib import Path

import pandas as pd
import pytest

from evalkit.data import load_participants
from evalkit.reporting import DisclosureLedger, publish
from evalkit.reporting.funnel import participant_funnel

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def loaded():
    return load_participants(ROOT / "evaldata" / "participants.csv")


def test_stages_count_the_shipped_data(loaded):
    funnel = participant_funnel(loaded)
    team = funnel.table[funnel.table["programme"] == "Team4Job"].set_index("stage")["n"]
    data = loaded.data[loaded.data["programme"] == "Team4Job"]
    assert team["eligible"] == len(data) == 730
    assert team["first_meeting"] == (~data["first_meeting_dropout"]).sum()
    assert team["completed"] == (~data["first_meeting_dropout"] & data["duo_completed"]).sum()
    assert funnel.table.iloc[0].tolist() == ["read", "all", 1500]


def test_itt_and_per_completer_rates_side_by_side(loaded):
    rates = participant_funnel(loaded, horizons=(12,)).rates.set_index(
        ["programme", "population"])
    itt = rates.loc[("Team4Job", "intention_to_treat")]
    completers = rates.loc[("Team4Job", "per_completer")]
    assert completers["n_followed"] < itt["n_followed"]
    assert itt["estimate"] == pytest.approx(itt["n_job"] / itt["n_followed"], rel=1e-12)


def test_eligibility_is_a_check_of_the_rows_and_small_counts_are_suppressed(loaded):
    few = pd.Series(loaded.data.index < 30, index=loaded.data.index)
    funnel = participant_funnel(loaded, eligible=few)
    assert funnel.table.query("stage == 'eligible'")["n"].sum() == 30
    shown = publish(funnel, "table", threshold=10, ledger=DisclosureLedger())
    small = funnel.table["n"].between(1, 9)
    assert small.any() and shown.table.loc[small, "n"].isna().all()


def test_missing_columns_are_named(loaded):
    class Loaded:
        data = pd.DataFrame({"programme": ["A"]})
        n_read, n_rejected, rejected = 1, 0, None

    with pytest.raises(ValueError, match="programme"):
        participant_funnel(Loaded(), programme="site")


def test_the_funnel_counts_the_eligible_by_the_models_rules(loaded):
    """Issue 16: eligible = admitted by the study model's rules (the shipped data meet the
    shipped rules; here a stricter rule); the rules are counted, nothing dropped."""
    from dataclasses import replace

    from evalkit.data.eligibility import EligibilityRule, check_eligibility
    from evalkit.data.model import DataModel

    assert loaded.eligibility.eligible.all()  # the synthetic data meet the shipped rules
    model = replace(DataModel.shipped(),
                    eligibility=(EligibilityRule("age", "Team4Job", maximum=25),))
    eligible = check_eligibility(loaded.data, model).eligible
    funnel = participant_funnel(loaded, eligible=eligible, horizons=(6, 12))
    stage = funnel.table.set_index(["stage", "programme"])["n"]
    expected = loaded.data[eligible]["programme"].value_counts()
    assert stage["eligible", "Team4Job"] == expected["Team4Job"] < 730
    assert stage["eligible", "DUO for a JOB"] == 770 and stage["read", "all"] == 1500
    assert sorted(funnel.rates["horizon"].unique()) == [6, 12]


def test_the_funnel_takes_the_study_model_its_file_was_loaded_with(tmp_path):
    import warnings

    from evalkit.data.draft import init_study
    from tests.data.studies import french_xlsx

    made = french_xlsx(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = init_study(made.participants, sheet="Participants").study.load().participants
    model = loaded.model
    assert model is not None and "internship" in model.exit_types
    funnel = participant_funnel(loaded)  # the model the file was loaded with
    assert set(funnel.rates["programme"]) == {"Tremplin Mentorat"}


def test_the_rates_are_job_within_s(loaded):
    """The funnel's denominators are the parts' 12-month outcome sample (job_within):
    people whose follow-up reaches the horizon, never 'an exit seen before it'."""
    from evalkit.data import job_within

    rates = participant_funnel(loaded, horizons=(12,)).rates.set_index(
        ["programme", "population"])
    outcome = job_within(loaded.data, 12)
    team = outcome.data[outcome.data["programme"] == "Team4Job"]
    itt = rates.loc[("Team4Job", "intention_to_treat")]
    assert (itt["n_followed"], itt["n_job"]) == (len(team), team[outcome.column].sum())


def test_a_file_without_the_duo_columns_has_no_such_stages(loaded):
    class Lean:
        data = loaded.data.drop(columns=["first_meeting_dropout", "duo_completed"])
        n_read, n_rejected, rejected, model = loaded.n_read, 0, None, loaded.model

    funnel = participant_funnel(Lean())
    assert set(funnel.table["stage"]) == {"read", "rejected", "eligible"}
    assert set(funnel.rates["population"]) == {"intention_to_treat"}
