"""Costs per duo formed (costs file, totals) and per participant, duo and job."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from evalkit.economics import cost_per_outcome, costs_from_totals, programme_costs
from tests.published import assert_safely_published

ROOT = Path(__file__).resolve().parents[2]
CLOSED_FORM = 1e-7


@pytest.fixture(scope="module")
def shipped():
    # the file as the loader would give it (test_loading checks the loader on it)
    return pd.read_csv(ROOT / "evaldata" / "costs.csv")


def test_costs_per_duo_of_the_shipped_file_match_the_data_dictionary(shipped):
    # evaldata/README.md, "Calibration": per 30 duos in the shipped file, DUO for a JOB
    # training 3,074, rooms 5,150, coordinators 12,427, overhead 2,478; Team4Job 1,888,
    # 0, 14,001, 1,907 euro.
    unit = programme_costs(shipped).unit_costs * 30
    items = ["mentor_training", "meeting_rooms", "coordinator_salaries", "overhead"]
    assert unit.loc["DUO for a JOB", items].round().tolist() == [3074, 5150, 12427, 2478]
    assert unit.loc["Team4Job", items].round().tolist() == [1888, 0, 14001, 1907]


def test_cost_per_duo_is_total_over_duos_counted_once_per_site_year(shipped):
    result = programme_costs(shipped)
    duo = shipped[shipped.programme == "DUO for a JOB"]
    expected = duo.amount_eur.sum() / duo.drop_duplicates(["site", "year"]).duos_formed.sum()
    assert_allclose(result.per_duo("DUO for a JOB"), expected, rtol=CLOSED_FORM)
    later = programme_costs(shipped, years=[2023, 2024])
    assert later.table["duos_formed"].iloc[0] < result.table["duos_formed"].iloc[0]


def test_a_missing_cost_item_or_inconsistent_duos_is_refused(shipped):
    missing = r"year=2019 lack the item\(s\) \['mentor_training'\].*not 'no cost'"
    with pytest.raises(ValueError, match=missing):
        programme_costs(shipped.iloc[1:])
    bad = shipped.copy()
    bad.loc[0, "duos_formed"] = 99
    with pytest.raises(ValueError, match="different duos_formed"):
        programme_costs(bad)


def test_costs_from_a_total_and_a_count():
    # Actiris: 7.76 M euro a year for 855 duos
    costs = costs_from_totals({"DUO for a JOB": 7.76e6}, {"DUO for a JOB": 855})
    assert_allclose(costs.per_duo("DUO for a JOB"), 7.76e6 / 855, rtol=CLOSED_FORM)
    with pytest.raises(ValueError, match="no programme 'Team4Job'"):
        costs.per_duo("Team4Job")
    with pytest.raises(ValueError, match="same programmes"):
        costs_from_totals({"A": 1.0}, {"B": 2})
    with pytest.raises(ValueError, match="duos_formed\\['A'\\] must be an integer"):
        costs_from_totals({"A": 1.0}, {"A": 0})


def test_cost_per_outcome_itt_and_per_completer_by_hand(sample):
    costs = costs_from_totals({"A": 10_000.0, "B": 6_000.0}, {"A": 20, "B": 20})
    table = cost_per_outcome(sample, costs).table.set_index("programme")
    a = sample[sample.programme == "A"]
    total = 500.0 * a.duo_formed.sum()
    assert_allclose(table.loc["A", "cost_per_participant"], total / len(a))
    assert_allclose(table.loc["A", "cost_per_duo_formed"], 500.0)
    assert_allclose(table.loc["A", "cost_per_job"], total / a.job.sum())
    completers = a[a.duo_completed]
    assert_allclose(table.loc["A", "cost_per_job_completer"],
                    500.0 * len(completers) / completers.job.sum())
    assert table.loc["B", "n_participants"] == (sample.programme == "B").sum()


def test_published_unit_costs_hide_small_counts_and_what_gives_them_back():
    # Programme "B": 24 participants, one duo formed: that count (1)
    # would come back from the cost of its duos, so every cost of B is blank.
    df = pd.DataFrame({"programme": ["A"] * 30 + ["B"] * 24,
                       "duo_formed": [1] * 31 + [0] * 23,
                       "duo_completed": [1] * 31 + [0] * 23, "job": [1] * 12 + [0] * 42})
    costs = costs_from_totals({"A": 3000.0, "B": 400.0}, {"A": 10, "B": 4})
    out = assert_safely_published(cost_per_outcome(df, costs)).set_index("programme")
    assert np.isnan(out.loc["B", "n_duos_formed"]) and np.isnan(out.loc["B", "cost_eur"])
    assert np.isnan(out.loc["B", "cost_per_participant"])
    assert out.loc["A", "cost_per_duo_formed"] == 300


def test_published_costs_round_euros(shipped):
    out = assert_safely_published(programme_costs(shipped))
    assert (out["amount_eur"] == out["amount_eur"].round()).all()
