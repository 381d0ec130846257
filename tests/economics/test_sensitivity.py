"""One-way (tornado) sensitivity: exact against refitting with changed costs."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from evalkit.economics import (
    cost_effectiveness,
    costs_from_totals,
    one_way_sensitivity,
    programme_costs,
)
from tests.economics.test_costs import ROOT
from tests.published import assert_safely_published

CLOSED_FORM = 1e-7


def test_tornado_equals_refitting_with_the_changed_cost_item(sample, ps):
    raw = pd.read_csv(ROOT / "evaldata" / "costs.csv")
    raw = raw.assign(programme=raw.programme.astype(str).map(
        {"DUO for a JOB": "A", "Team4Job": "B"}))
    costs = programme_costs(raw)
    base = cost_effectiveness(sample, "job", ps, costs, n_boot=0)
    tornado = one_way_sensitivity(base, change=0.2).table.set_index(["parameter", "scenario"])
    changed = raw.assign(amount_eur=raw.amount_eur.where(raw.cost_item != "meeting_rooms",
                                                         raw.amount_eur * 1.2))
    refit = cost_effectiveness(sample, "job", ps, programme_costs(changed), n_boot=0)
    assert_allclose(tornado.loc[("meeting_rooms", "high"), "icer"], refit.estimate("icer"),
                    rtol=CLOSED_FORM)
    assert len(tornado) == 8


def test_horizon_rows_and_the_plot(sample, ps):
    costs = costs_from_totals({"A": 10_000.0, "B": 6_000.0}, {"A": 20, "B": 20})
    base = cost_effectiveness(sample, "job", ps, costs, n_boot=0)
    other = cost_effectiveness(sample.assign(job=sample.job * 0 + (sample.x > 0)), "job", ps,
                               costs, n_boot=0)
    result = one_way_sensitivity(base, horizons={"6 months": other})
    row = result.table[result.table.parameter == "horizon"].iloc[0]
    assert row["scenario"] == "6 months"
    assert_allclose(row["incremental_effect"], other.estimate("incremental_effect"))
    ax = result.plot()
    assert ax.get_xlabel() == "cost per extra job (EUR)"
    plt.close(ax.figure)
    with pytest.raises(ValueError, match=r"change must be a number in \(0, 1\)"):
        one_way_sensitivity(base, change=1.5)


def test_published_tornado_table_prints_whole_euros(sample, ps):
    base = cost_effectiveness(sample, "job", ps, costs_from_totals(
        {"A": 10_000.0, "B": 6_000.0}, {"A": 20, "B": 20}), n_boot=0)
    tornado = one_way_sensitivity(base, change=0.2)
    out = assert_safely_published(tornado)
    assert_allclose(out["icer"], tornado.table["icer"].round(0), rtol=0)
    assert (out["suppression"] == "").all()


def test_the_tornado_and_the_ceac_are_labelled_in_the_report_language(sample, ps):
    costs = programme_costs(pd.read_csv(ROOT / "evaldata" / "costs.csv").assign(
        programme=lambda d: d.programme.astype(str).map({"DUO for a JOB": "A",
                                                         "Team4Job": "B"})))
    base = cost_effectiveness(sample, "job", ps, costs, n_boot=20, rng=0)
    ax = one_way_sensitivity(base, change=0.2).plot(language="nl")
    ticks = {t.get_text() for t in ax.get_yticklabels()}
    assert {"opleiding van mentoren", "vergaderzalen", "overhead"} <= ticks
    assert ax.get_xlabel() == "kost per extra baan (€)"
    plt.close(ax.figure)
    ax = base.acceptability().plot(language="fr")
    assert ax.get_xlabel() == "disposition à payer par emploi supplémentaire (€)"
    plt.close(ax.figure)
