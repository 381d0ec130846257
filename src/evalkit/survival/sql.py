"""Counting in the database: the risk table's aggregation as plain SQL, run by DuckDB or Spark.

A register of 10^7 spells need not be read into pandas to estimate survival curves:
every nonparametric estimator depends on the data only through counts by time ×
group × stratum × event type (and, with weights, the sums of the weights and of
their squares). :func:`risk_table_sql` writes that aggregation as one ``GROUP BY``
query, for DuckDB (Parquet or CSV files, a relation, a query on a connection) or for
Spark (a DataFrame on a cluster); :func:`aggregate` runs it and returns the counts,
one row per combination that occurs: a few thousand rows whatever the number of
spells. :mod:`evalkit.survival.aggregated` turns them into risk tables.

DuckDB and PySpark are optional (``pip install evalkit[scale]`` / ``evalkit[spark]``);
they are imported only when such a source is given.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from evalkit._validation import check_one_of

__all__ = ["COUNT_COLUMNS", "aggregate", "entries_sql", "is_sql_source", "risk_table_sql"]

#: Columns of the aggregated table besides the keys: time, event, rows, and (with
#: weights) the sum, sum of squares, minimum, maximum and missing count of the weights.
COUNT_COLUMNS = ("_time", "_event", "_n", "_w", "_w2", "_wmin", "_wmax", "_wnull")
#: SQL dialects written by :func:`risk_table_sql`.
DIALECTS = ("duckdb", "spark")
_NUMERIC = re.compile(
    r"^(tinyint|smallint|integer|int|bigint|hugeint|utinyint|usmallint|uinteger|ubigint|"
    r"uhugeint|float|real|double|decimal(\(.*\))?|long|short|byte)$",
    re.IGNORECASE,
)
_VIEWS = itertools.count()


def _quote(name: str, dialect: str) -> str:
    """``name`` as a quoted SQL identifier of the dialect."""
    if dialect == "spark":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def risk_table_sql(
    source: str,
    *,
    time: str,
    event: str,
    keys: Sequence[str] = (),
    weights: str | None = None,
    dialect: str = "duckdb",
) -> str:
    """The SQL that counts rows by keys × time × event type (the risk table's aggregation).

    Parameters
    ----------
    source : str
        The table, view or parenthesised subquery to read (inserted as is after
        ``FROM``).
    time, event : str
        Columns of the time (cast to a double) and of the event type.
    keys : sequence of str, default=()
        Further columns to count by: the stratum and the group for a risk table, the
        covariates for :func:`evalkit.survival.pattern_table`.
    weights : str, optional
        Column of case weights: their sum, sum of squares, minimum, maximum and
        number missing are added.
    dialect : {"duckdb", "spark"}, default="duckdb"
        Identifier quoting; the rest is standard SQL that both run.

    Returns
    -------
    str
        The query; its columns are the keys (their own names) and ``_time``,
        ``_event``, ``_n`` (rows), and with weights ``_w``, ``_w2``, ``_wmin``,
        ``_wmax``, ``_wnull``.

    Raises
    ------
    ValueError
        On an unknown dialect.

    Examples
    --------
    >>> print(risk_table_sql("spells", time="months", event="exit", keys=["programme"]))
    SELECT "programme", CAST("months" AS DOUBLE) AS "_time", "exit" AS "_event",
      COUNT(*) AS "_n"
    FROM spells
    GROUP BY "programme", CAST("months" AS DOUBLE), "exit"
    """
    check_one_of(dialect, list(DIALECTS), name="dialect")

    def q(name: str) -> str:
        return _quote(name, dialect)

    t = f"CAST({q(time)} AS DOUBLE)"
    group_by = [q(k) for k in keys] + [t, q(event)]
    select = [q(k) for k in keys] + [f"{t} AS {q('_time')}", f"{q(event)} AS {q('_event')}"]
    counts = [f"COUNT(*) AS {q('_n')}"]
    if weights is not None:
        w = f"CAST({q(weights)} AS DOUBLE)"
        counts += [
            f"SUM({w}) AS {q('_w')}", f"SUM({w} * {w}) AS {q('_w2')}",
            f"MIN({w}) AS {q('_wmin')}", f"MAX({w}) AS {q('_wmax')}",
            f"COUNT(*) - COUNT({q(weights)}) AS {q('_wnull')}",
        ]
    return (
        f"SELECT {', '.join(select)},\n  {', '.join(counts)}\nFROM {source}\n"
        f"GROUP BY {', '.join(group_by)}"
    )


def entries_sql(
    source: str,
    *,
    time: str,
    entry: str,
    keys: Sequence[str] = (),
    weights: str | None = None,
    dialect: str = "duckdb",
) -> str:
    """The SQL that counts late entries by keys × entry time (left truncation).

    Columns: the keys, ``_entry``, ``_n`` (rows), ``_late`` (rows entering at or after
    their exit), ``_missing`` (rows without an entry time), and with weights ``_w``
    and ``_w2`` (sums of the weights and of their squares).
    """
    check_one_of(dialect, list(DIALECTS), name="dialect")

    def q(name: str) -> str:
        return _quote(name, dialect)

    e, t = f"CAST({q(entry)} AS DOUBLE)", f"CAST({q(time)} AS DOUBLE)"
    counts = [
        f"COUNT(*) AS {q('_n')}",
        f"SUM(CASE WHEN {e} >= {t} THEN 1 ELSE 0 END) AS {q('_late')}",
        f"COUNT(*) - COUNT({q(entry)}) AS {q('_missing')}",
    ]
    if weights is not None:
        w = f"CAST({q(weights)} AS DOUBLE)"
        counts += [f"SUM({w}) AS {q('_w')}", f"SUM({w} * {w}) AS {q('_w2')}"]
    select = [q(k) for k in keys] + [f"{e} AS {q('_entry')}", *counts]
    return (
        f"SELECT {', '.join(select)}\nFROM {source}\n"
        f"GROUP BY {', '.join([*(q(k) for k in keys), e])}"
    )


def is_sql_source(source: object) -> bool:
    """Whether ``source`` is read through SQL: a path, a DuckDB relation or a Spark DataFrame."""
    if isinstance(source, (str, Path)):
        return True
    module = type(source).__module__
    return module.startswith(("duckdb", "_duckdb", "pyspark"))


def _duckdb():
    try:
        import duckdb
    except ImportError as err:  # pragma: no cover - duckdb is in the test environment
        raise ImportError(
            "reading Parquet/CSV files, DuckDB relations or SQL needs duckdb; install it "
            "with `pip install evalkit[scale]` (or pass a pandas DataFrame)."
        ) from err
    return duckdb


def _duckdb_relation(source, connection):
    """``source`` (path or glob, SQL on ``connection``, or a relation) as a DuckDB relation."""
    if not isinstance(source, (str, Path)):
        return source
    duckdb = _duckdb()
    con = connection if connection is not None else duckdb.connect()
    if connection is not None and isinstance(source, str):
        return con.sql(source)
    path = str(source)
    suffixes = Path(path.replace("*", "x")).suffixes
    if ".parquet" in suffixes or ".pq" in suffixes:
        return con.read_parquet(path)
    if ".csv" in suffixes or ".tsv" in suffixes:
        return con.read_csv(path)
    raise ValueError(
        f"source must be a Parquet (.parquet) or CSV (.csv, .csv.gz) path or glob, or SQL "
        f"with connection=, but got a path ending in {''.join(suffixes)!r}. Rename the "
        "files, or read them into a DuckDB relation first."
    )


def _check_columns(
    columns: Sequence[str], types: Sequence[str], *, time: str, event: str,
    keys: Sequence[str], weights: str | None, entry: str | None,
) -> None:
    """Raise unless the source has the named columns, with numeric time, entry and weights."""
    wanted = [c for c in (time, event, *keys, weights, entry) if c is not None]
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise ValueError(
            f"source has no column(s) {missing}; available columns are {list(columns)}. "
            "Pass the name of an existing column."
        )
    kinds = dict(zip(columns, (str(t) for t in types), strict=True))
    for name, what in ((time, "time"), (weights, "weights"), (entry, "entry")):
        if name is not None and not _NUMERIC.match(kinds[name]):
            raise ValueError(
                f"{what} column {name!r} must be numeric, but has type {kinds[name]}. "
                "Convert it to a number of days/months first (a CAST in the query)."
            )


def aggregate(
    source,
    *,
    time: str,
    event: str,
    keys: Sequence[str] = (),
    weights: str | None = None,
    entry: str | None = None,
    connection=None,
) -> pd.DataFrame:
    """Counts by keys × time × event type of a DuckDB or Spark source (see :func:`risk_table_sql`).

    ``source`` is a path or glob of Parquet/CSV files, SQL text (with ``connection``, a
    DuckDB connection), a DuckDB relation or a Spark DataFrame. The aggregation runs
    in that engine; only the counts come back, as a pandas DataFrame. With ``entry``,
    the counts of late entries by keys × entry time instead (:func:`entries_sql`).

    Raises
    ------
    ValueError
        If a column is missing, or the time, entry or weights column is not numeric.
    ImportError
        If duckdb is needed and not installed.
    """
    keys = list(dict.fromkeys(keys))
    check = {"time": time, "event": event, "keys": keys, "weights": weights, "entry": entry}

    def sql(name: str, dialect: str) -> str:
        if entry is None:
            return risk_table_sql(name, time=time, event=event, keys=keys, weights=weights,
                                  dialect=dialect)
        return entries_sql(name, time=time, entry=entry, keys=keys, weights=weights,
                           dialect=dialect)

    if type(source).__module__.startswith("pyspark"):
        _check_columns(source.columns, [t for _, t in source.dtypes], **check)
        view = f"evalkit_counts_{next(_VIEWS)}"
        source.createOrReplaceTempView(view)
        try:
            return source.sparkSession.sql(sql(view, "spark")).toPandas()
        finally:
            source.sparkSession.catalog.dropTempView(view)
    rel = _duckdb_relation(source, connection)
    _check_columns(rel.columns, rel.types, **check)
    return rel.query("evalkit_source", sql("evalkit_source", "duckdb")).df()
