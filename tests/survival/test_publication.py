"""Disclosure control of the survival family: published tables and plots show no count of
1 to 9 people, curves stop where fewer than the threshold remain at risk, rare model
terms and small horizons are blank."""

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalkit.data.synthetic import simulate_participants
from evalkit.errors import DisclosureWarning
from evalkit.reporting import publish
from evalkit.reporting.disclosure import stop_curves
from evalkit.survival import (
    cox_model,
    cumulative_incidence,
    fine_gray_model,
    gray_test,
    kaplan_meier,
    logrank_test,
    nelson_aalen,
    pattern_table,
    restricted_mean_time,
    risk_table,
    survival_difference,
    time_to_event,
)

THRESHOLD = 10
SMALL = re.compile(r"^[1-9]$")


def _events(n: int, rng: int) -> pd.DataFrame:
    """Two programmes, whole-month times with ties, three exits and censoring."""
    gen = np.random.default_rng(rng)
    return pd.DataFrame({
        "time": np.ceil(gen.exponential(8, n)),
        "event": gen.choice(["censored", "job", "training", "dropout"], n, p=[.3, .4, .2, .1]),
        "programme": gen.choice(["DUO", "T4J"], n),
    })


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return _events(160, 3)


def _spec(result, part):
    spec = type(result).publication[part]
    return spec(result) if callable(spec) else spec


def _shown(result, part="table", threshold=THRESHOLD):
    """The published table and the count values it shows."""
    published = publish(result, part, threshold=threshold)
    values = published.table[list(_spec(result, part).counts)].to_numpy(dtype=float).ravel()
    return published, values[~np.isnan(values)]


def _no_small(values, threshold=THRESHOLD) -> bool:
    return not ((values >= 1) & (values < threshold)).any()


def test_every_survival_table_publishes_no_small_count(events):
    tte = time_to_event(simulate_participants(300, rng=2))
    results = [
        (kaplan_meier(events, group="programme", cause="job"), ("table", "quantiles")),
        (cumulative_incidence(events, group="programme"), ("table",)),
        (nelson_aalen(events, group="programme", cause="job"), ("table",)),
        (cumulative_incidence(events, group="programme").risk_table, ("table",)),
        (risk_table(events.assign(site=events.index % 3), group="programme", by="site"),
         ("table",)),
        (pattern_table(events, "time", "event", "programme"), ("table",)),
        (cox_model(pattern_table(events, "time", "event", "programme"), "time", "event",
                   "programme", cause="job"), ("table", "summary")),
        (logrank_test(events, group="programme", cause="dropout"), ("table", "group_table")),
        (gray_test(events, group="programme"), ("table", "scores")),
        (survival_difference(events, group="programme", cause="job", horizons=[3, 12, 24]),
         ("table", "differences")),
        (restricted_mean_time(events, horizon=20, group="programme"), ("table", "contrasts")),
        (cox_model(events, "time", "event", "programme", cause="job"),
         ("table", "summary", "global_tests")),
        (tte, ("table",)),
    ]
    for result, parts in results:
        for part in parts:
            published, shown = _shown(result, part)
            assert _no_small(shown), (type(result).__name__, part)
            assert "suppression" in published.table


def test_curves_are_cut_and_their_estimates_kept_where_enough_remain(events):
    km = kaplan_meier(events, group="programme", cause="job")
    published = publish(km, threshold=THRESHOLD)
    kept = stop_curves(km.table, "n_risk", ["group"], THRESHOLD)
    assert published.n_cut == int((~kept).sum()) > 0
    assert (published.table["n_risk"] >= THRESHOLD).all()
    assert published.table["estimate"].notna().all()  # from n_risk, which is published
    assert published.table["estimate"].equals(km.table.loc[kept, "estimate"].round(3))
    # Events of 1 to 9 on a step are suppressed on their own.
    assert published.table["n_events"].isna().any()


def test_derived_statistics_are_blank_where_their_count_is(events):
    rates = survival_difference(events, group="programme", cause="job", horizons=[3, 24])
    small = (rates.table["n_risk"] >= 1) & (rates.table["n_risk"] < THRESHOLD)
    assert small.any() and (~small).any()
    shown = publish(rates).table
    assert shown.loc[small, ["estimate", "ci_low", "ci_high"]].isna().all().all()
    assert shown.loc[~small, "estimate"].notna().all()
    diffs = publish(rates, "differences").table
    assert diffs.loc[diffs["horizon"] == 24, "estimate"].isna().all()
    quantiles = publish(kaplan_meier(events, group="programme"), "quantiles").table
    few = quantiles["n_risk"].isna()
    assert quantiles.loc[few, "estimate"].isna().all()


def test_cox_terms_of_few_people_are_always_blank_when_published():
    data = time_to_event(simulate_participants(1500, rng=4), unit="months").data
    n_x = int((data["gender"] == "x").sum())
    assert 1 <= n_x < THRESHOLD * 3
    for fit in (cox_model, lambda *a, **k: fine_gray_model(*a, cause="job", **k)):
        result = fit(data, "time", "event", "programme + age + C(gender)")
        assert not result.table["suppressed"].any()  # no min_count: the analysis table
        row = result.table["term"] == "C(gender)[T.x]"
        assert result.table.loc[row, "n_smaller"].item() == n_x
        threshold = n_x + 1 if n_x >= THRESHOLD else THRESHOLD
        shown = publish(result, threshold=threshold).table
        assert shown.loc[row, ["estimate", "ci_low", "p_value", "n_smaller"]].isna().all().all()
        assert shown.loc[~row, "estimate"].notna().all()
        if result.ph_test is not None:
            ph = publish(result, "ph_test", threshold=threshold).table
            assert ph.loc[ph["term"] == "C(gender)[T.x]", "p_value"].isna().all()
            assert ph.loc[ph["term"] == "GLOBAL", "p_value"].notna().all()


def _texts(ax) -> list[str]:
    return [t.get_text().strip() for t in ax.texts]


def test_kaplan_meier_plot_stops_curves_and_prints_small_risk_sets_as_below(events):
    km = kaplan_meier(events, group="programme", cause="job")
    for kind in ("survival", "failure"):
        ax = km.plot(kind=kind, ticks=[0, 10, 20, 30, 40])
        texts = _texts(ax)
        assert not any(SMALL.match(t) for t in texts)
        assert "<10" in texts
        for line, group in zip(ax.get_lines(), km.risk_table.groups, strict=True):
            part = km.table[km.table["group"] == group]
            kept = part[stop_curves(part, "n_risk", [], THRESHOLD)]
            assert line.get_xdata()[-1] == kept["time"].iloc[-1]
            assert kept["time"].iloc[-1] < part["time"].iloc[-1]
    plt.close("all")


def test_cumulative_incidence_plots_stop_curves_and_carry_risk_rows(events):
    cif = cumulative_incidence(events, group="programme")
    ax = cif.plot(ticks=[0, 10, 20, 30])
    texts = _texts(ax)
    assert "at risk" in texts and "<10" in texts
    assert not any(SMALL.match(t) for t in texts)
    kept = cif.table[stop_curves(cif.table, "n_risk", ["group", "cause"], THRESHOLD)]
    last = kept.groupby(["group", "cause"], sort=False)["time"].max()
    assert [line.get_xdata()[-1] for line in ax.get_lines()] == last.tolist()
    stacked = cif.plot(kind="stacked", group="T4J", ticks=[0, 10, 20, 30])
    rows = [t for t in _texts(stacked) if t in cif.risk_table.groups]
    assert rows == ["T4J"]
    assert not any(SMALL.match(t) for t in _texts(stacked))
    x_max = max(path.vertices[:, 0].max() for c in stacked.collections for path in c.get_paths())
    assert x_max == last.loc["T4J"].max()
    plt.close("all")


def test_difference_and_cox_plots_leave_small_cells_blank(events):
    rates = survival_difference(events, group="programme", cause="job", horizons=[3, 24])
    ax = rates.plot()
    for container in ax.containers:  # one per group: the 24-month estimate is not drawn
        assert np.isnan(np.asarray(container.lines[0].get_ydata(), float)).tolist() == [
            False, True]
    data = time_to_event(simulate_participants(600, rng=4), unit="months").data
    cox = cox_model(data, "time", "event", "programme + C(gender)", cause="job")
    rare = (cox.table["n_smaller"] < THRESHOLD).to_numpy()
    assert rare.any()
    points = cox.plot().get_lines()[0].get_xdata()
    assert np.isnan(points[rare]).all() and np.isfinite(points[~rare]).all()
    plt.close("all")


def test_plot_and_min_count_thresholds_go_through_the_disclosure_policy(events):
    km = kaplan_meier(events, group="programme")
    with pytest.raises(ValueError, match="threshold must be an integer of at least 5, but was 3"):
        km.plot(threshold=3)
    with pytest.warns(DisclosureWarning, match="Counts of fewer than 7 people"):
        labels = _texts(km.plot(threshold=7, ticks=[0, 20, 30]))
    assert "<7" in labels and not any(re.match(r"^[1-6]$", t) for t in labels)
    rates = survival_difference(events, group="programme", cause="job", horizons=[3])
    cif = cumulative_incidence(events, group="programme")
    cox = cox_model(events, "time", "event", "programme", cause="job")
    for plot in (cif.plot, rates.plot, cox.plot):
        with pytest.raises(ValueError, match="threshold must be an integer of at least 5"):
            plot(threshold=2)
    with pytest.raises(ValueError, match="min_count must be an integer of at least 5"):
        cox_model(events, "time", "event", "programme", cause="job", min_count=3)
    with pytest.warns(DisclosureWarning, match="Counts of fewer than 6 people"):
        cox_model(events, "time", "event", "programme", cause="job", min_count=6)
    plt.close("all")


samples = st.tuples(st.integers(12, 90), st.integers(0, 2**32 - 1), st.booleans())


def _random_events(sample) -> pd.DataFrame:
    n, seed, tied = sample
    gen = np.random.default_rng(seed)
    time = gen.exponential(6, n)
    return pd.DataFrame({
        "time": np.ceil(time) if tied else time,
        "event": gen.choice(["censored", "job", "training"], n),
        "group": gen.choice(["a", "b"], n, p=[0.7, 0.3]),
    })


@settings(max_examples=40, deadline=None)
@given(samples, st.integers(5, 15))
def test_published_curves_never_show_a_small_risk_set(sample, threshold):
    data = _random_events(sample)
    for result in (kaplan_meier(data, group="group"), cumulative_incidence(data, group="group")):
        if threshold < THRESHOLD:
            with pytest.warns(DisclosureWarning):
                published = publish(result, threshold=threshold)
        else:
            published = publish(result, threshold=threshold)
        assert (published.table["n_risk"] >= threshold).all()
        by = ["group", "cause"] if "cause" in result.table else ["group"]
        assert len(published.table) == stop_curves(result.table, "n_risk", by, threshold).sum()


@settings(max_examples=8, deadline=None)
@given(samples)
def test_at_risk_labels_under_plots_never_show_1_to_9(sample):
    data = _random_events(sample)
    axes = [
        kaplan_meier(data, group="group").plot(),
        cumulative_incidence(data, group="group").plot(),
        cumulative_incidence(data, group="group").plot(kind="stacked"),
    ]
    for ax in axes:
        assert not any(SMALL.match(t) for t in _texts(ax))
    plt.close("all")
