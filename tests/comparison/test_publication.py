"""The comparison family's published tables and figures: no count of 1-9 people, statistics
of small groups blank and rounded (issue 15: the trimming counts, the 6-decimal profile of
the excluded and the overlap histogram of report 03 gave small counts back)."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalkit.comparison import (
    MatchResult,
    PropensityResult,
    TrimResult,
    WeightsResult,
    adjusted_cumulative_incidence,
    balance,
    match,
    programme_effect,
    propensity_weights,
    rosenbaum_bounds,
    trim,
)
from evalkit.errors import DisclosureWarning, EvalkitWarning
from evalkit.reporting.disclosure import DisclosureLedger, publish
from evalkit.survival import time_to_event
from tests.published import assert_safely_published, bar_counts

COVARIATES = ["age", "gender", "education", "language_level", "single_parent"]


def test_the_trimming_table_of_report_03_hides_its_one_excluded_person():
    # Report 03 printed n_excluded = 1 with n_before = 174 and n_after = 173.
    table = pd.DataFrame({"group": ["DUO for a JOB", "comparison"], "n_before": [231, 174],
                          "n_excluded": [19, 1], "n_after": [212, 173]})
    trimmed = TrimResult(table=table, excluded=None, data=pd.DataFrame(), bounds=(0.05, 0.95))
    out = assert_safely_published(trimmed)
    assert out["n_before"].tolist() == [231, 174]
    # Neither the 1 nor a partner it could be subtracted from, in its row or its column.
    assert out[["n_excluded", "n_after"]].isna().all().all()


def test_one_person_trimmed_away_is_never_published(sample, ps):
    scores = np.sort(ps.scores[~ps.treated])
    # One person excluded: the SMD of a covariate between them and the rest is undefined.
    with pytest.warns(EvalkitWarning, match="standardized mean difference is undefined"):
        trimmed = trim(sample, ps, bounds=((scores[0] + scores[1]) / 2, 1.0),
                       describe=COVARIATES)
    assert trimmed.table["n_excluded"].iloc[1] == 1
    out = assert_safely_published(trimmed)
    assert np.isnan(out.loc[1, "n_excluded"]) and np.isnan(out.loc[1, "n_after"])


def test_the_profile_of_the_excluded_is_rounded_and_blank_for_small_levels(sample, ps):
    trimmed = trim(sample, ps, bounds=(0.2, 0.8), describe=COVARIATES)
    profile = trimmed.excluded
    assert (profile["n_kept"] + profile["n_excluded"]).gt(0).all()
    out = assert_safely_published(trimmed, "excluded")
    small = profile[["n_kept", "n_excluded"]].apply(lambda c: c.between(1, 9)).any(axis=1)
    assert small.any() and out.loc[small, ["mean_kept", "mean_excluded", "smd"]].isna().all().all()
    # Report 03 printed 0.028571 (x 385 people = 11): three decimals at most now.
    shown = out["mean_kept"].dropna()
    assert len(shown) and (shown == shown.round(3)).all()
    assert (out["smd"].dropna() == out["smd"].dropna().round(2)).all()


def test_people_outside_the_common_support_are_counted_only_from_the_threshold(ps):
    overlap = ps.overlap.assign(n_outside=[6, 8])  # report 03's counts
    fitted = PropensityResult(**{**ps.__dict__, "overlap": overlap})
    out = assert_safely_published(fitted, "overlap")
    assert out["n_outside"].isna().all() and out["n"].tolist() == overlap["n"].tolist()
    assert (out["min"] == out["min"].round(3)).all()


def test_weights_balance_matching_effects_and_bounds_publish_safely(sample, ps):
    weights = propensity_weights(ps, truncate=0.99)
    assert_safely_published(weights)
    bal = balance(sample, COVARIATES, ps, weights=weights)
    out = assert_safely_published(bal)
    rare = (bal.table[["n_treated", "n_comparison"]].apply(lambda c: c.between(1, 9))).any(axis=1)
    assert rare.any() and out.loc[rare, ["smd_before", "smd_after"]].isna().all().all()
    matched = match(sample, ps, rng=1)
    assert_safely_published(matched)
    effect = programme_effect(sample, "job_within_12m", ps)
    assert_safely_published(effect)
    assert_safely_published(rosenbaum_bounds(sample, "job_within_12m", matched))


def test_a_few_unmatched_people_hide_the_matched_count_too():
    matched = MatchResult(
        table=pd.DataFrame({"n_treated": [212], "n_matched": [208], "n_unmatched": [4],
                            "n_controls_used": [208], "caliper": [0.2161]}),
        pairs=pd.DataFrame(), weights=np.ones(0), replace=False,
    )
    out = assert_safely_published(matched)
    assert out["n_treated"].iloc[0] == 212
    assert out[["n_matched", "n_unmatched", "n_controls_used"]].isna().all(axis=None)


def test_the_ledger_keeps_a_trimmed_cell_hidden_in_a_later_table(sample, ps):
    scores = np.sort(ps.scores[~ps.treated])
    trimmed = trim(sample, ps, bounds=((scores[0] + scores[1]) / 2, 1.0))
    ledger = DisclosureLedger()
    publish(trimmed, ledger=ledger, population="analysis sample")
    again = publish(trimmed.table.iloc[[1]], spec=type(trimmed).publication["table"],
                    ledger=ledger, population="analysis sample").table
    assert again[["n_excluded", "n_after"]].isna().all(axis=None)


def test_adjusted_curves_stop_where_few_remain_at_risk(sample, ps):
    tte = time_to_event(sample, unit="months").data
    curves = adjusted_cumulative_incidence(tte, ps, horizons=[6], n_boot=3, rng=1)
    full = curves.curve_table
    published = publish(curves, "curve_table")
    assert published.n_cut > 0 and (published.table["n_risk"] >= 10).all()
    assert set(full["group"]) == set(published.table["group"])
    ax = curves.plot()
    cut = full.loc[full["n_risk"] < 10].groupby("group")["time"].min()
    for line, group in zip(ax.get_lines(), full["group"].unique(), strict=False):
        assert line.get_xdata().max() <= cut[group]
    labels = [t.get_text() for t in ax.texts]
    numbers = [float(t.replace(",", "")) for t in labels if t.replace(",", "").isdigit()]
    assert not any(1 <= n < 10 for n in numbers)
    plt.close("all")


def test_threshold_arguments_of_the_family_are_checked(sample, ps):
    with pytest.raises(ValueError, match="min_count must be an integer of at least 5, but was 3"):
        balance(sample, ["age"], ps, min_count=3)
    with pytest.warns(DisclosureWarning, match="Counts of fewer than 7 people are suppressed"):
        trim(sample, ps, bounds=(0.1, 0.9), threshold=7)
    with pytest.raises(ValueError, match="threshold must be an integer of at least 5, but was 2"):
        ps.plot(threshold=2)
    plt.close("all")


def _propensity(scores: np.ndarray, treated: np.ndarray) -> PropensityResult:
    """A propensity result around given scores (only what the plot reads)."""
    return PropensityResult(
        table=pd.DataFrame(), overlap=pd.DataFrame(), support=(0.1, 0.9), treated_label="a",
        group="g", formula="g ~ x", conf_level=0.95, scores=scores, treated=treated,
        design=np.empty((len(scores), 0)), information=np.empty((0, 0)),
    )


scores = st.lists(st.floats(0, 1), max_size=60)


@pytest.fixture(scope="module")
def panels():
    """Two Axes reused by every example (a new figure each time costs more than the test)."""
    figure, axes = plt.subplots(1, 2)
    yield axes
    plt.close(figure)


@settings(max_examples=25, deadline=None)
@given(a=scores, b=scores, threshold=st.integers(10, 25), bins=st.integers(5, 40))
def test_no_bar_of_the_overlap_or_weight_histograms_holds_1_to_9_people(
    panels, a, b, threshold, bins
):
    values = np.array(a + b)
    treated = np.arange(len(values)) < len(a)
    for ax in panels:
        ax.clear()
    ax = _propensity(values, treated).plot(panels[0], bins=bins, threshold=threshold)
    counts = bar_counts(ax, 1 / bins)
    assert not any(1 <= c < threshold for c in counts)
    # Everyone of a group of at least the threshold is drawn, nobody of a smaller one.
    drawn = sum(counts)
    expected = sum(len(g) for g in (a, b) if len(g) >= threshold)
    assert drawn == pytest.approx(expected)
    weights = 1 + values  # ATE-like weights from 1 to 2
    if len(values) and weights.min() < weights.max():
        w = WeightsResult(table=pd.DataFrame({"group": ["a", "comparison"]}), estimand="ATE",
                          stabilized=False, truncate=None, cap=None, weights=weights,
                          treated=treated)
        ax = w.plot(panels[1], bins=bins, threshold=threshold)
        base = np.log(weights.max() * 1.0001 / weights.min()) / bins
        people = [abs(p.get_height()) * np.log1p(p.get_width() / p.get_x()) / base
                  for p in ax.patches]
        assert not any(1 <= round(c, 6) < threshold for c in people)
        assert sum(people) == pytest.approx(expected)
