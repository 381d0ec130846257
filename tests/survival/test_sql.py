"""The risk table's aggregation as SQL (evalkit.survival.sql): one query, two dialects."""

from __future__ import annotations

import pytest

from evalkit.survival.sql import is_sql_source, risk_table_sql


def test_spark_dialect_quotes_with_backticks_and_adds_weight_sums():
    sql = risk_table_sql("spells", time="months", event="exit", keys=["site", "programme"],
                         weights="ipw", dialect="spark")
    assert sql.startswith("SELECT `site`, `programme`, CAST(`months` AS DOUBLE) AS `_time`")
    assert "SUM(CAST(`ipw` AS DOUBLE)) AS `_w`" in sql
    assert "COUNT(*) - COUNT(`ipw`) AS `_wnull`" in sql
    assert sql.endswith("GROUP BY `site`, `programme`, CAST(`months` AS DOUBLE), `exit`")


def test_identifiers_with_quotes_are_escaped():
    sql = risk_table_sql("t", time='da"ys', event="e")
    assert 'CAST("da""ys" AS DOUBLE)' in sql


def test_unknown_dialect():
    with pytest.raises(ValueError, match="dialect must be one of"):
        risk_table_sql("t", time="t", event="e", dialect="oracle")


def test_sql_sources():
    assert is_sql_source("spells/*.parquet")
    assert not is_sql_source([1, 2])
