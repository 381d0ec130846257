"""Disclosure control of the descriptives: frequency tables, Table 1 and SMDs as published."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from evalkit.descriptives import frequency_table, standardized_mean_difference, table_one
from evalkit.errors import DisclosureWarning
from evalkit.reporting import DisclosureLedger, publish

THRESHOLD = 10


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 300
    return pd.DataFrame({
        "programme": rng.choice(["DUO", "T4J"], n),
        "age": rng.normal(28, 6, n),
        "gender": rng.choice(["female", "male", "x"], n, p=[0.48, 0.48, 0.04]),
        "site": pd.Categorical(rng.choice(["a", "b", "c"], n, p=[0.6, 0.37, 0.03])),
    })


def _small(values) -> bool:
    values = np.asarray(values, dtype=float)
    return bool(((values >= 1) & (values < THRESHOLD)).any())


def test_frequency_tables_keep_their_suppressed_table_and_publish_their_counts(people):
    freq = frequency_table(people, ["programme", "site"])
    assert freq.counts["n"].sum() == len(people) and _small(freq.counts["n"])
    assert freq.table["n"].isna().equals(freq.table["suppression"] != "")  # as before
    published = publish(freq, "counts", ledger=DisclosureLedger(), population="people")
    shown = published.table
    assert not _small(shown["n"].dropna()) and published.n_primary >= 1
    assert shown["percent"].isna().equals(shown["n"].isna())
    assert (shown["percent"].dropna() == shown["percent"].dropna().round(1)).all()
    # every row and column of the cross table hides none or at least two cells
    wide = freq.wide(published)
    assert not (wide.isna().sum(axis=0) == 1).any() and not (wide.isna().sum(axis=1) == 1).any()
    with pytest.raises(ValueError, match=r"part must be one of \['counts'\]"):
        publish(freq)


def test_table_one_publishes_counts_means_and_smds_of_enough_people(people):
    t1 = table_one(people, "programme", continuous=["age"], categorical=["gender", "site"])
    ledger = DisclosureLedger()
    published = publish(t1, "counts", ledger=ledger, population="people")
    shown = published.table
    assert not _small(shown["n"].dropna())
    blank = shown["n"].isna()
    assert shown.loc[blank, "percent"].isna().all()
    assert (shown["percent"].dropna() == shown["percent"].dropna().round(1)).all()
    assert (shown["mean"].dropna() == shown["mean"].dropna().round(1)).all()
    formatted = t1.formatted(published=published)
    assert formatted.loc[("gender", "x")].iloc[:2].tolist() == ["<10", "<10"]
    assert formatted.loc[("gender", "x"), "SMD"] == ""
    assert formatted.loc[("age", ""), "SMD"] == f"{t1.smd['smd'].iloc[0]:.2f}"
    assert len(ledger) == len(shown)
    cells = [c for c in formatted.iloc[:, :2].to_numpy().ravel() if c[:1].isdigit()]
    assert not _small([float(c.split()[0]) for c in cells if "(" in c and "%" in c])


def test_a_small_group_is_not_named_in_table_one_headers():
    df = pd.DataFrame({"g": ["a"] * 40 + ["b"] * 6, "age": np.arange(46.0)})
    t1 = table_one(df, "g", continuous=["age"])
    assert list(t1.formatted(published=publish(t1, "counts")).columns)[:2] == [
        "a (n=40)", "b (n=<10)"]


def test_smd_is_blank_where_a_level_has_few_people_on_either_side(people):
    smd = standardized_mean_difference(people, ["age", "gender", "site"], "programme")
    rows = smd.table.set_index(["variable", "level"])
    assert rows.loc[("gender", "x"), "n_smaller_reference"] < THRESHOLD
    shown = publish(smd).table.set_index(["variable", "level"])
    for column in ("n_reference", "n_other", "n_smaller_reference", "n_smaller_other"):
        assert not _small(shown[column].dropna())
    small = (rows[["n_smaller_reference", "n_smaller_other"]] < THRESHOLD).any(axis=1)
    assert shown.loc[small, "smd"].isna().all() and shown.loc[~small, "smd"].notna().all()
    assert (shown["smd"].dropna() == shown["smd"].dropna().round(2)).all()
    # a level held by all but a few is as telling as a rare one
    df = pd.DataFrame({"g": ["a"] * 30 + ["b"] * 30,
                       "flag": [True] * 27 + [False] * 3 + [True] * 30})
    assert publish(standardized_mean_difference(df, ["flag"], "g")).table["smd"].isna().all()


def test_love_plot_draws_no_dot_for_small_levels(people):
    smd = standardized_mean_difference(people, ["age", "gender", "site"], "programme")
    ax = smd.plot()
    dots = ax.collections[0].get_offsets()
    small = (smd.table[["n_smaller_reference", "n_smaller_other"]] < THRESHOLD).any(axis=1)
    assert np.isnan(np.asarray(dots[:, 0], float)[small.to_numpy()]).all()
    assert len(ax.get_yticklabels()) == len(smd.table)
    assert smd.plot(line=0.2).get_lines()[0].get_xdata()[0] == 0.2
    with pytest.raises(ValueError, match="threshold must be an integer of at least 5"):
        smd.plot(threshold=0.1)
    plt.close("all")


def test_thresholds_below_5_are_refused_and_below_10_noted(people):
    with pytest.raises(ValueError, match="threshold must be an integer of at least 5, but was 3"):
        frequency_table(people, ["site"], threshold=3)
    with pytest.raises(ValueError, match="threshold must be an integer of at least 5, but was 1"):
        table_one(people, "programme", categorical=["site"], threshold=1)
    with pytest.warns(DisclosureWarning, match="Counts of fewer than 5 people are suppressed"):
        assert frequency_table(people, ["site"], threshold=5).threshold == 5
    with pytest.warns(DisclosureWarning, match="Counts of fewer than 8 people"):
        t1 = table_one(people, "programme", categorical=["site"], threshold=8)
    assert t1.threshold == 8
