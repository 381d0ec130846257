"""Frequency tables and Table 1, with small-cell suppression."""

import numpy as np
import pandas as pd
from numpy.testing import assert_allclose

from evalkit.descriptives import frequency_table, standardized_mean_difference, table_one
from tests.descriptives.rows import table_row

CLOSED_FORM_RTOL = 1e-7


def test_frequency_table_counts_all_categories_and_suppresses():
    df = pd.DataFrame(
        {
            "programme": pd.Categorical(["A"] * 50 + ["B"] * 30, categories=["A", "B"]),
            "site": pd.Categorical(["x"] * 45 + ["y"] * 5 + ["x"] * 30, categories=["x", "y", "z"]),
        }
    )
    r = frequency_table(df, ["programme", "site"])
    assert len(r.table) == 6  # empty categories are listed
    assert r.n_total == 80
    cell = r.table.set_index(["programme", "site"])
    assert cell.loc[("A", "y"), "suppression"] == "primary"
    # Programme A's total (50) is published, so A-x must not reveal A-y.
    assert cell.loc[("A", "x"), "suppression"] == "secondary"
    # Site totals are published too: hiding A-x forces B-x, and row B then needs a
    # second hidden cell, which can only be a zero.
    assert cell.loc[("B", "x"), "suppression"] == "secondary"
    assert cell.loc[("B", "y"), "suppression"] == "secondary"
    assert cell.loc[("B", "z"), "n"] == 0
    assert r.wide().shape == (2, 3)


def test_table_one_counts_means_and_smd():
    rng = np.random.default_rng(11)
    n = 400
    df = pd.DataFrame(
        {
            "programme": rng.choice(["DUO", "T4J"], n),
            "age": rng.normal(28, 6, n),
            "education": pd.Categorical(
                rng.choice(["low", "mid", "high", "phd"], n, p=[0.4, 0.4, 0.18, 0.02]),
                categories=["low", "mid", "high", "phd"],
            ),
            "single_parent": rng.random(n) < 0.3,
        }
    )
    r = table_one(df, "programme", continuous=["age"], categorical=["education", "single_parent"])
    t = r.table
    duo = df[df.programme == "DUO"]
    age = table_row(t[t.group == "DUO"], "age", None)
    assert_allclose([age["mean"], age["sd"]], [duo.age.mean(), duo.age.std()], rtol=1e-12)
    low = table_row(t[t.group == "DUO"], "education", "low")
    assert low["n"] == (duo.education == "low").sum()
    assert_allclose(low["percent"], 100 * (duo.education == "low").mean())
    # Percentages of a variable add to 100 within a group where nothing is suppressed.
    sp = t[(t.variable == "single_parent") & (t.group == "T4J")]
    assert_allclose(sp["percent"].sum(), 100.0)
    # Rare level suppressed, with a secondary cell; the SMD of a hidden level is blank.
    phd = t[(t.variable == "education") & (t.level == "phd")]
    assert (phd["suppression"] == "primary").all()
    assert (
        r.smd.set_index(["variable", "level"]).loc[("education", "phd"), "smd"]
        != r.smd.set_index(["variable", "level"]).loc[("education", "phd"), "smd"]
    )  # NaN
    expected = standardized_mean_difference(df, ["age"], "programme").table["smd"].iloc[0]
    assert_allclose(table_row(r.smd, "age", None)["smd"], expected, rtol=CLOSED_FORM_RTOL)
    shown = r.formatted()
    assert shown.loc[("education", "phd")].iloc[0] == "<10"
    assert list(shown.columns)[-1] == "SMD"


def test_table_one_writes_its_numbers_in_the_report_language():
    age = [20.0, 22, 24, 26, 28, 30] * 4
    df = pd.DataFrame({"programme": ["A"] * 24 + ["B"] * 24,
                       "age": [a + 20 for a in age] + age,
                       "site": ["x"] * 12 + ["y"] * 36})
    r = table_one(df, "programme", continuous=["age"], categorical=["site"])
    en, fr, nl = (r.formatted(language=lang) for lang in ("en", "fr", "nl"))
    assert en.loc[("age", "")].tolist() == ["45.0 (3.5)", "25.0 (3.5)", "-5.73"]
    assert fr.loc[("age", "")].tolist() == ["45,0 (3,5)", "25,0 (3,5)", "\u22125,73"]
    assert en.loc[("site", "x")].iloc[0] == "12 (50.0%)"
    assert fr.loc[("site", "x")].iloc[0] == "12 (50,0\u00a0%)"
    assert nl.loc[("site", "x")].iloc[0] == "12 (50,0%)"
