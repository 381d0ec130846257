"""Publishing tables: the threshold policy, multi-count rows, curves, derived statistics,
and the ledger that keeps secondary suppression across a whole report."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalkit.errors import DisclosureError, DisclosureWarning
from evalkit.reporting.disclosure import (
    ACROSS_COUNTS,
    DisclosureLedger,
    PublicationSpec,
    check_threshold,
    publish,
    stop_curves,
    threshold_note,
)

TRIM = PublicationSpec(
    counts=("n_excluded", "n_after"),
    margins=((ACROSS_COUNTS,), ("group",)),
    dimensions=("group",),
)


def test_threshold_is_refused_below_5_and_noted_below_10():
    with pytest.raises(ValueError, match="threshold must be an integer of at least 5, but was 3"):
        check_threshold(3)
    with pytest.warns(DisclosureWarning, match="Counts of fewer than 7 people are suppressed"):
        assert check_threshold(7) == 7
    assert threshold_note(10) is None and "default is 10" in threshold_note(5)
    with pytest.warns(DisclosureWarning):
        published = publish(pd.DataFrame({"n": [6, 40]}), spec=PublicationSpec(counts=("n",)),
                            threshold=5)
    assert published.note == threshold_note(5) and published.table["n"].tolist() == [6, 40]


def test_a_small_count_among_several_is_hidden_with_a_partner_in_its_row_and_column():
    # Trimming: n_before = n_excluded + n_after is published; 1 excluded must not show,
    # nor the n_after (173) it could be subtracted from, nor (column margin: the total
    # excluded) the other group's n_excluded.
    table = pd.DataFrame({"group": ["DUO", "T4J"], "n_before": [231, 174],
                          "n_excluded": [19, 1], "n_after": [212, 173]})
    out = publish(table, spec=TRIM).table
    assert out["n_before"].tolist() == [231, 174]
    assert np.isnan(out.loc[1, "n_excluded"]) and np.isnan(out.loc[1, "n_after"])
    assert np.isnan(out.loc[0, "n_excluded"]) and np.isnan(out.loc[0, "n_after"])
    assert out["suppression"].tolist() == ["secondary", "primary"]


def test_derived_statistics_are_blanked_with_their_counts_and_rounded():
    spec = PublicationSpec(counts=("n_kept", "n_excluded"),
                           derived={"mean_kept": ("n_kept",), "mean_excluded": ("n_excluded",),
                                    "smd": ("n_kept", "n_excluded")},
                           decimals={"mean_kept": 3, "smd": 2})
    table = pd.DataFrame({"level": ["female", "x"], "n_kept": [150, 40], "n_excluded": [12, 3],
                          "mean_kept": [0.410390, 0.028571], "mean_excluded": [0.6, 0.15],
                          "smd": [0.463001, -0.527358]})
    out = publish(table, spec=spec).table
    assert out["mean_kept"].tolist() == [0.41, 0.029]
    assert out["smd"].iloc[0] == 0.46 and np.isnan(out["smd"].iloc[1])
    assert np.isnan(out["mean_excluded"].iloc[1]) and out["mean_excluded"].iloc[0] == 0.6


def test_curves_stop_before_the_first_small_risk_set():
    curve = pd.DataFrame({"group": ["a"] * 4 + ["b"] * 3, "time": [1, 2, 3, 4, 1, 2, 3],
                          "n_risk": [50, 20, 9, 12, 30, 15, 11], "estimate": np.linspace(1, .4, 7)})
    spec = PublicationSpec(counts=("n_risk",), derived=("estimate",), curve=("n_risk", ("group",)))
    published = publish(curve, spec=spec)
    assert published.table["time"].tolist() == [1, 2, 1, 2, 3] and published.n_cut == 2
    assert stop_curves(curve, "n_risk", [], 10).tolist() == [True, True] + [False] * 5


def test_results_publish_their_own_tables_and_unknown_sources_are_refused():
    with pytest.raises(TypeError, match="publishing a DataFrame needs spec"):
        publish(pd.DataFrame({"n": [1]}))
    with pytest.raises(TypeError, match="int cannot be published"):
        publish(3)


def test_the_ledger_carries_suppression_from_table_to_table_and_across_parts(tmp_path):
    spec = PublicationSpec(counts=("n",), margins=(("programme",),),
                           dimensions=("programme", "gender"))
    path = tmp_path / "ledger.json"
    table_one = pd.DataFrame({"programme": ["A"] * 3, "gender": ["f", "m", "x"], "n": [40, 25, 3]})
    assert publish(table_one, spec=spec, ledger=DisclosureLedger(path)).table[
        "suppression"].tolist() == ["", "secondary", "primary"]
    # A later part (a new process) reads the same file: "m" stays hidden there. (Its two
    # cells are not a whole margin: no total to subtract from.)
    later = pd.DataFrame({"programme": ["A", "A"], "gender": ["m", "f"], "n": [25, 40]})
    cells = PublicationSpec(counts=("n",), dimensions=("programme", "gender"))
    out = publish(later, spec=cells, ledger=DisclosureLedger(path)).table
    assert np.isnan(out["n"].iloc[0]) and out["n"].iloc[1] == 40
    assert len(DisclosureLedger(path)) == 3


def test_the_ledger_never_hides_behind_a_cell_already_published():
    spec = PublicationSpec(counts=("n",), margins=(("programme",),),
                           dimensions=("programme", "gender"))
    ledger = DisclosureLedger()
    publish(pd.DataFrame({"programme": ["A"], "gender": ["f"], "n": [40]}), spec=spec,
            ledger=ledger)
    table_one = pd.DataFrame({"programme": ["A"] * 3, "gender": ["f", "m", "x"], "n": [40, 25, 3]})
    # "f" (40) would be the natural partner of "x" but is public already: "m" hides "x".
    out = publish(table_one, spec=spec, ledger=ledger).table
    assert out["suppression"].tolist() == ["", "secondary", "primary"]
    with pytest.raises(DisclosureError, match="already published in another table"):
        publish(pd.DataFrame({"programme": ["B"] * 2, "gender": ["f", "x"], "n": [40, 3]}),
                spec=spec, ledger=_published(spec, "B", "f", 40))
    with pytest.raises(DisclosureError, match="population name is used for two different sets"):
        publish(pd.DataFrame({"programme": ["A"], "gender": ["f"], "n": [41]}), spec=spec,
                ledger=ledger)


def _published(spec, programme, gender, n):
    ledger = DisclosureLedger()
    publish(pd.DataFrame({"programme": [programme], "gender": [gender], "n": [n]}), spec=spec,
            ledger=ledger)
    return ledger


counts = st.integers(min_value=0, max_value=60)


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 4), st.integers(2, 4), st.data())
def test_no_small_count_is_published_and_no_margin_gives_one_back(n_rows, n_cols, data):
    values = data.draw(st.lists(counts, min_size=n_rows * n_cols, max_size=n_rows * n_cols))
    table = pd.DataFrame({"r": np.repeat(np.arange(n_rows), n_cols),
                          "c": np.tile(np.arange(n_cols), n_rows), "n": values})
    spec = PublicationSpec(counts=("n",), margins=(("r",), ("c",)))
    out = publish(table, spec=spec).table
    shown = out["n"].dropna()
    assert not ((shown >= 1) & (shown < 10)).any()
    # Differencing a published row or column total recovers a cell only when it is the
    # one hidden cell of its row or column (zeros are safe to leave as the only other).
    hidden = out["n"].isna()
    for margin in ("r", "c"):
        per_group = hidden.groupby(out[margin]).sum()
        assert not (per_group == 1).any()


def test_a_small_complement_hides_its_part_but_not_the_total():
    # n = 40 people, 33 events: the 7 without an event are n - n_events.
    spec = PublicationSpec(counts=("n", "n_events"), derived=("auc",),
                           complements=(("n", "n_events"),))
    table = pd.DataFrame({"model": ["a", "b"], "n": [40, 40], "n_events": [33, 20],
                          "auc": [0.71, 0.66]})
    out = publish(table, spec=spec).table
    assert out["n"].tolist() == [40, 40]
    assert np.isnan(out.loc[0, "n_events"]) and out.loc[1, "n_events"] == 20
    assert np.isnan(out.loc[0, "auc"]) and out["suppression"].tolist() == ["secondary", ""]


MIXED = PublicationSpec(counts=("n",), derived=("estimate", "ci_low", "ci_high"),
                        decimals={"estimate": 3, "ci_low": 3, "ci_high": 3},
                        row_decimals=("quantity", {"cost": 0}))


def test_rows_of_mixed_units_are_each_rounded_once_to_their_own_decimals():
    table = pd.DataFrame({"quantity": ["cost", "effect"], "estimate": [3.4996, 0.16849],
                          "ci_low": [1234.5678, 0.07149], "ci_high": [2.5004, 0.27751],
                          "n": [40, 40]})
    out = publish(table, spec=MIXED).table
    assert out["estimate"].tolist() == [3.0, 0.168]  # 3.4996, never 3.500 then 4
    assert out["ci_low"].tolist() == [1235.0, 0.071]
    assert out["ci_high"].tolist() == [3.0, 0.278]
    with pytest.raises(ValueError, match="quantity"):
        publish(table.drop(columns="quantity"), spec=MIXED)


def test_a_table_that_counts_no_people_is_rounded_and_nothing_is_suppressed():
    spec = PublicationSpec(counts=(), decimals={"icer": 0})
    out = publish(pd.DataFrame({"scenario": ["low", "high"], "icer": [695.07, 760.82]}),
                  spec=spec)
    assert out.table["icer"].tolist() == [695.0, 761.0]
    assert out.table["suppression"].tolist() == ["", ""] and out.n_primary == 0
