"""Parsing cells into typed values: dates, whole numbers, numbers, booleans, labels.

Every cell is first cleaned to stripped text (missing if blank or a missing marker of
:data:`evalkit.data.schema.MISSING_MARKERS`), then parsed to its column's kind of the
data dictionary. Columns that arrive typed (Parquet numbers, decimals and timestamps)
are parsed from their values, not their text; the text is kept to show in the
rejected table. Parsing runs once per distinct value of a column, vectorised, so a
million-row file parses in seconds. A cell that cannot be parsed becomes missing and a
problem saying which spellings are accepted (see :mod:`evalkit.data.loading` for the
list); so does a date outside the plausible window (:class:`_DateRules`). Category
labels are matched to the levels of the table's column (the data model's), ignoring
case, accents and punctuation and through the model's label aliases
(:class:`_Labels`), once per distinct label. Parsing is
done here rather than by pandera's coercion, which rejects a whole column or accepts
it and cannot say which format was expected.
"""

from __future__ import annotations

import decimal
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evalkit._warning_texts import warning_text
from evalkit.data._codes import _arrow_text, _categorical, _codes_type, _release_memory
from evalkit.data.aliases import Aliases, label_key
from evalkit.data.rejected import _Problems
from evalkit.data.schema import MISSING_MARKERS, Column, Table

__all__: list[str] = []

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
# A time of day after the date ("15/03/2021 00:00", "2021-03-15T09:30:00") is dropped,
# with its UTC offset if any ("2021-03-15T00:00:00+01:00" is 2021-03-15, its own day).
_TIME_OF_DAY = r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
_DATE_REASON = warning_text("rejected.date")
# Excel's 1900 date system counts days from 1899-12-31 and wrongly has a 29 February
# 1900; for serials from 61 on, day 0 is therefore 1899-12-30.
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_EXCEL_SERIALS = (20_000, 80_000)  # 1954-10-03 .. 2119-01-10 (1958-10-04 .. 2123-01-11, 1904)
# The earliest plausible programme date; earlier dates are rejected.
_EARLIEST_DATE = pd.Timestamp("1990-01-01")
# Excel's day 0, which exports write for an empty date cell: 1899-12-30 (or 1899-12-31,
# depending on the reader) in the 1900 date system, 1904-01-01 in the 1904 system;
# Excel itself shows it as 00/01/1900, and a date cell below 1 as a time of day.
_ZERO_DATES = pd.DatetimeIndex(["1899-12-30", "1899-12-31", "1904-01-01"])
_ZERO_DATE_TEXT = re.compile(
    r"(?:0{1,2}([/.-])0?1\1(?:1900)|1900-0?1-0{1,2})(?:[ T].*)?|\d{1,2}:\d{2}(?::\d{2}.*)?"
)
_ZERO_DATE_REASON = warning_text("rejected.zero_date")
_EARLY_REASON = warning_text("rejected.early", earliest=f"{_EARLIEST_DATE:%Y-%m-%d}")
_TRUE = frozenset({"true", "yes", "y", "ja", "waar", "oui", "vrai", "1", "1.0"})
_FALSE = frozenset({"false", "no", "n", "nee", "onwaar", "non", "faux", "0", "0.0"})
_BOOLEAN_REASON = warning_text("rejected.boolean")
_INTEGER_TEXT = re.compile(r"[+-]?\d+(?:[.,]0{1,2})?")
_INTEGER_REASON = warning_text("rejected.integer")
_FRACTION_REASON = warning_text("rejected.fraction")
_INFINITE_REASON = warning_text("rejected.infinite")
# A quoted CSV value over several lines in a dictionary column: a stray double quote
# has probably swallowed the delimiters and line ends up to the next quote. The value
# (which may hold other columns' cells) is never shown.
_LINE_BREAK_REASON = warning_text("rejected.line_break")
_NUMBER_TEXT = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_AMBIGUOUS_NUMBER = re.compile(r"[+-]?\d{1,3},\d{3}")
_NUMBER_REASON = warning_text("rejected.number")
_AMBIGUOUS_REASON = warning_text("rejected.ambiguous")


def _clean_cell(v: object) -> object:
    """A cell as stripped text; missing if empty or a missing marker; whole floats
    without ``.0``."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return pd.NA
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    text = str(v).strip()
    return text if text and text.lower() not in MISSING_MARKERS else pd.NA


@dataclass(frozen=True)
class _DateRules:
    """How date cells are read, and which dates are plausible.

    ``latest`` is the extraction date: later dates are rejected, as are dates before
    1990-01-01 and Excel's zero date. ``epoch`` is day 0 of dates stored as serial
    numbers: 1899-12-30 in Excel's 1900 date system (CSV, Parquet and most workbooks),
    1904-01-01 in a workbook saved with the 1904 date system.
    """

    latest: pd.Timestamp
    epoch: pd.Timestamp = _EXCEL_EPOCH


def _has_own_type(s: pd.Series) -> bool:
    """Whether a column arrives with a number or timestamp type of its own (Parquet)."""
    return s.dtype.kind in "iuf" or pd.api.types.is_datetime64_any_dtype(s.dtype)


@dataclass(frozen=True)
class _Cells:
    """A column as stripped text: codes into distinct cleaned values (-1 = missing).

    ``values`` are the distinct values as read: with the column's own type when it
    has one (numbers, timestamps), else as objects (text, Excel cells). ``distinct``
    is the index of the distinct texts as read when cleaning changed none of them (so
    none is missing and they are still distinct): categoricals of the column's text
    share it, and pandas checks its uniqueness once.
    """

    codes: np.ndarray
    uniques: pd.Series  # ``string`` dtype; entries no code points to may be missing
    values: pd.Series
    distinct: pd.Index | None = None  # the distinct texts, if cleaning changed none

    @classmethod
    def of(cls, s: pd.Series, *, arrow: bool = False) -> _Cells:
        """Clean each distinct value once (one factorisation per column; a categorical
        column, as the loader reads CSV and Parquet, is factorised already). With
        ``arrow`` (ids), text held by pyarrow stays there; other columns' distinct
        values are Python objects."""
        if isinstance(s.dtype, pd.CategoricalDtype):
            codes, uniques = s.cat.codes.to_numpy(), s.cat.categories
            if not arrow and _arrow_text(uniques):
                uniques = pd.Index(np.asarray(uniques, dtype=object), dtype=object)
        else:
            column = s if _has_own_type(s) else s.to_numpy(dtype=object)
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
        cleaned, unchanged = _clean_cells(uniques)
        blank = np.append(cleaned.isna(), True)  # index -1 (missing) stays missing
        codes = np.where(blank[codes], -1, codes) if not unchanged else codes
        shared = uniques if unchanged and isinstance(uniques, pd.Index) else None
        values = pd.Series(uniques, copy=False)
        return cls(codes, pd.Series(cleaned, copy=False), values, shared)

    @property
    def missing(self) -> np.ndarray:
        return self.codes < 0

    def text(self) -> pd.Series:
        """The cells' cleaned text, as a categorical (each distinct text once)."""
        if self.distinct is not None:  # no need to hash them again
            return _categorical(self.codes, self.distinct)
        text_codes, texts = pd.factorize(self.uniques.array, use_na_sentinel=True)
        codes = np.append(text_codes, -1).astype(_codes_type(len(texts)))[self.codes]
        categories = _index_of(texts)
        return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories)))


def _index_of(distinct) -> pd.Index:
    """Distinct values as an index: text held by pyarrow stays there, others are objects."""
    if _arrow_text(distinct):
        return pd.Index(distinct)
    return pd.Index(np.asarray(distinct, dtype=object), dtype=object)


def _clean_cells(uniques) -> tuple[pd.api.extensions.ExtensionArray, bool]:
    """:func:`_clean_cell` of distinct values (vectorised with pyarrow when they are many
    and all text), and whether they were all text left unchanged (``string`` dtype,
    held by pyarrow if ``uniques`` are)."""
    if _arrow_text(uniques) and len(uniques) > 64:
        return _clean_arrow_texts(uniques.array)
    values = np.asarray(uniques, dtype=object)
    if len(values) > 64 and pd.api.types.infer_dtype(values, skipna=False) == "string":
        return _clean_texts(values)
    return pd.array([_clean_cell(v) for v in values], dtype="string"), False


# What Python's str.strip() strips and pyarrow's utf8_trim_whitespace may not.
_PYTHON_ONLY_SPACE = "[\x1c-\x1f]"


def _clean_texts(values: np.ndarray) -> tuple[pd.arrays.StringArray, bool]:
    """:func:`_clean_cell` of many distinct strings: Python strips the few that pyarrow
    finds surrounded by white space or missing markers; the others are kept as they are
    (the same objects)."""
    import pyarrow as pa

    try:
        text = pa.array(values, type=pa.string())
    except (pa.ArrowException, UnicodeError):  # e.g. a lone surrogate: Python does it all
        return pd.array([_clean_cell(v) for v in values], dtype="string"), False
    todo = _suspects(text)
    out = values.copy()
    for k in todo:
        out[k] = _clean_cell(values[k])
    cleaned = pd.array(out, dtype="string")
    return cleaned, len(todo) == 0


def _suspects(text) -> np.ndarray:
    """Positions of the texts (a pyarrow array) surrounded by white space or missing
    markers: those :func:`_clean_cell` may change."""
    import pyarrow as pa
    import pyarrow.compute as pc

    trimmed = pc.utf8_trim_whitespace(text)
    suspect = pc.or_(
        pc.or_(pc.not_equal(trimmed, text), pc.match_substring_regex(text, _PYTHON_ONLY_SPACE)),
        pc.is_in(pc.utf8_lower(trimmed), value_set=pa.array(["", *MISSING_MARKERS])),
    )
    return np.flatnonzero(suspect.to_numpy(zero_copy_only=False))


def _clean_arrow_texts(
    texts: pd.arrays.ArrowStringArray,
) -> tuple[pd.arrays.ArrowStringArray, bool]:
    """:func:`_clean_texts` of distinct strings held by pyarrow (no nulls), kept there:
    Python cleans the few suspects, no Python string is made for the others."""
    import pyarrow as pa

    text = pa.array(texts)
    todo = _suspects(text)
    if not len(todo):
        return texts, True
    out = texts.copy()
    out[todo] = [_clean_cell(v) for v in text.take(pa.array(todo)).to_pylist()]
    return out, False


def _parse_dates(text: pd.Series, epoch: pd.Timestamp = _EXCEL_EPOCH) -> pd.Series:
    """Dates from text in the accepted formats or Excel serial day numbers.

    Excel date cells arrive as timestamps, whose text is ``YYYY-MM-DD HH:MM:SS``.
    Serial numbers count days from ``epoch`` (see :class:`_DateRules`).
    """
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    numbers = pd.to_numeric(text.where(text.str.fullmatch(r"\d+(?:\.0+)?")), errors="coerce")
    serial = (numbers.between(*_EXCEL_SERIALS) & (numbers % 1 == 0)).fillna(False)
    if serial.any():
        days = numbers[serial].astype("int64").to_numpy()
        out[serial.to_numpy(bool)] = epoch + pd.to_timedelta(days, unit="D")
    day = text.str.replace(_TIME_OF_DAY, "", regex=True)
    todo = text.notna() & out.isna()
    for fmt in _DATE_FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(day[todo], format=fmt, errors="coerce").dropna()
        out[parsed.index] = parsed
        todo = text.notna() & out.isna()
    return out


def _parse_date_cells(
    text: pd.Series, values: pd.Series, dates: _DateRules, reason: pd.Series
) -> pd.Series:
    """Dates of distinct cells: timestamps give the day in their own time zone, text is
    parsed; dates outside the plausible window become missing, with their reason."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        stamps = values.dt.tz_localize(None) if values.dt.tz is not None else values
        value = stamps.dt.normalize()
    else:
        value = _parse_dates(text, dates.epoch)
    value = pd.Series(value.to_numpy(), index=text.index)
    zero = value.isin(_ZERO_DATES).to_numpy(bool)
    unparsed = np.flatnonzero(value.isna().to_numpy() & text.notna().to_numpy())
    if unparsed.size:  # 00/01/1900, or a time alone (a time cell's text is "00:00:00")
        zero[unparsed] = text.iloc[unparsed].str.fullmatch(_ZERO_DATE_TEXT).to_numpy(bool)
    early = (value < _EARLIEST_DATE).to_numpy(bool) & ~zero
    late = (value > dates.latest).to_numpy(bool)
    late_reason = warning_text("rejected.late", latest=f"{dates.latest:%Y-%m-%d}")
    for mask, why in [(zero, _ZERO_DATE_REASON), (early, _EARLY_REASON), (late, late_reason)]:
        if mask.any():
            reason[mask] = why
            value[mask] = pd.NaT
    return value.astype("datetime64[ns]", copy=False)


def _numbers_of(values: pd.Series) -> pd.Series | None:
    """The distinct values as floats if they arrive as numbers or decimals, else None."""
    if values.dtype.kind in "iuf":
        return values.astype("float64")
    present = values.dropna()
    if len(present) == 0 or not isinstance(present.iloc[0], decimal.Decimal):
        return None
    if present.map(lambda v: isinstance(v, decimal.Decimal)).all():
        return values.map(lambda v: np.nan if v is None else float(v)).astype("float64")
    return None


def _parse_number_cells(
    column: Column, text: pd.Series, values: pd.Series, reason: pd.Series
) -> tuple[pd.Series, str]:
    """Whole numbers or numbers of distinct cells: typed values as they are (whole
    floats for whole numbers), text in the accepted spellings."""
    bad_reason = _INTEGER_REASON if column.kind == "integer" else _NUMBER_REASON
    numbers = _numbers_of(values)
    if numbers is not None:
        infinite = np.isinf(numbers.to_numpy())
        reason[infinite] = _INFINITE_REASON
        ok = ~infinite
        if column.kind == "integer":
            fraction = (numbers % 1 != 0).to_numpy() & ~infinite & numbers.notna().to_numpy()
            reason[fraction] = _FRACTION_REASON
            ok &= ~fraction
        value = pd.Series(numbers.to_numpy(), index=text.index).where(ok).astype("Float64")
        return value, bad_reason
    pattern = _INTEGER_TEXT if column.kind == "integer" else _NUMBER_TEXT
    ok = text.str.fullmatch(pattern).fillna(False).to_numpy(bool)
    if column.kind == "number":
        ambiguous = text.str.fullmatch(_AMBIGUOUS_NUMBER).fillna(False).to_numpy(bool)
        ok &= ~ambiguous
        reason[ambiguous] = _AMBIGUOUS_REASON
    number = text.where(ok).str.replace(",", ".", regex=False)
    return pd.to_numeric(number, errors="coerce").astype("Float64"), bad_reason


@dataclass(frozen=True)
class _Labels:
    """The label aliases of a load (from its data model), and a record of the labels
    they mapped: rows (column, file label, evalkit label, source, cells)."""

    aliases: Aliases
    mapped: list = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        """The labels mapped by an alias, as ``LoadResult.mapped_labels``."""
        frame = pd.DataFrame(self.mapped, columns=list(_MAPPED_LABELS))
        return frame.astype({c: object for c in _MAPPED_LABELS[:-1]} | {"cells": "int64"})


_MAPPED_LABELS = ("column", "file_label", "label", "source", "cells")


def _category_values(
    column: Column, text: pd.Series, aliases: dict[str, tuple[str, str]]
) -> tuple[pd.Series, pd.Series]:
    """Labels of distinct cells matched to the column's levels, directly or by an alias
    (keys of :func:`evalkit.data.aliases.label_key`), and the alias's source (``""``
    where the label is a level itself). An open column (``allowed`` None) keeps any
    label: spellings that differ by case, accents or punctuation become one, the first
    in sort order (``Namur`` before ``namur``)."""
    keys = text.map(label_key, na_action="ignore")
    levels = column.allowed
    known = {} if levels is None else {label_key(a): (a, "") for a in levels}
    for key, (level, source) in aliases.items():
        if levels is None or level in levels:
            known.setdefault(key, (level, "" if key == label_key(level) else source))
    if levels is None:
        spelling = text.str.replace(r"\s+", " ", regex=True)
        pairs = pd.DataFrame({"key": keys, "spelling": spelling}).dropna()
        first = pairs.sort_values(["key", "spelling"]).drop_duplicates("key")
        for key, label in zip(first["key"], first["spelling"], strict=True):
            known.setdefault(key, (label, ""))
    hit = keys.map(known)
    value = hit.map(lambda h: h[0], na_action="ignore").astype("string")
    via = hit.map(lambda h: h[1], na_action="ignore").fillna("")
    return value, via


def _parse_unique(
    column: Column,
    text: pd.Series,
    values: pd.Series,
    dates: _DateRules,
    aliases: dict[str, tuple[str, str]] | None = None,
) -> tuple[pd.Series, pd.Series, pd.Series | None]:
    """Parse distinct cells: their text (``string`` dtype) and values as read.

    Returns the values (missing where unparseable), the reason for each unparseable
    text (missing where the text parsed or was missing) and, for a category, the
    source of the alias that mapped each label (``""`` if none; else None).
    """
    reason = pd.Series(pd.NA, index=text.index, dtype=object)
    via = None
    if _has_line_break(text):
        broken = text.str.contains(r"[\r\n]", regex=True).fillna(False).to_numpy(bool)
        reason[broken] = _LINE_BREAK_REASON
        text = text.where(~broken)
    if column.kind == "id":
        return text, reason, via
    if column.kind == "category":
        value, via = _category_values(column, text, aliases or {})
        bad_reason = warning_text("rejected.category", allowed=list(column.allowed or ()))
    elif column.kind == "boolean":
        key = text.str.casefold()
        value = pd.Series(pd.NA, index=text.index, dtype="boolean")
        value[key.isin(_TRUE).fillna(False).to_numpy(bool)] = True
        value[key.isin(_FALSE).fillna(False).to_numpy(bool)] = False
        bad_reason = _BOOLEAN_REASON
    elif column.kind in {"integer", "number"}:
        value, bad_reason = _parse_number_cells(column, text, values, reason)
    elif column.kind == "date":
        value = _parse_date_cells(text, values, dates, reason)
        bad_reason = _DATE_REASON
    else:
        raise ValueError(
            f"unknown column kind {column.kind!r} for {column.name!r} in the data dictionary; "
            "expected id, category, integer, number, boolean or date."
        )
    bad = (value.isna() & text.notna()).to_numpy(bool)
    reason[bad & reason.isna().to_numpy(bool)] = bad_reason
    return value, reason, via


def _parse_column(
    column: Column,
    cells: _Cells,
    text: pd.Series,
    problems: _Problems,
    dates: _DateRules,
    labels: _Labels,
) -> pd.Series:
    """Parse one column to its logical type, once per distinct value; cells that
    cannot be parsed become missing and a problem; labels mapped by an alias are
    recorded in ``labels``."""
    aliases = labels.aliases.labels_of(column.name) if column.kind == "category" else None
    values, reasons, via = _parse_unique(column, cells.uniques, cells.values, dates, aliases)
    codes = cells.codes
    if via is not None and (via != "").any():
        counts = np.bincount(codes[codes >= 0], minlength=len(via))
        for k in np.flatnonzero((via != "").to_numpy(bool) & (counts > 0)):
            labels.mapped.append(
                (column.name, cells.uniques.iloc[k], values.iloc[k], via.iloc[k], int(counts[k]))
            )
    with_reason = np.flatnonzero(reasons.notna().to_numpy(bool))
    reason_codes = np.full(len(reasons), -1, dtype=np.int64)
    reason_codes[with_reason], reason_labels = pd.factorize(reasons.iloc[with_reason])
    kind = _codes_type(len(reason_codes))
    cell_reason = np.append(reason_codes, -1).astype(kind)[codes] if len(with_reason) else None
    for k, reason in enumerate(reason_labels):  # code -1 (missing) has no reason
        shown = None if reason == _LINE_BREAK_REASON else text
        problems.add(np.flatnonzero(cell_reason == k), column.name, shown, reason)
    if column.kind in {"category", "id"}:  # text: each distinct label or id once
        same = column.kind == "id" and cells.distinct is not None and values.notna().all()
        return _labels_of(values, codes, cells.distinct if same else None).set_axis(text.index)
    return pd.Series(values.array.take(codes, allow_fill=True), index=text.index)


def _has_line_break(text: pd.Series) -> bool:
    """Whether a distinct text holds a line break (one scan of their join, fast; by
    pyarrow for text it holds)."""
    if _arrow_text(text):
        return bool(text.str.contains(r"[\r\n]", regex=True).any())
    joined = "".join(text.dropna().to_numpy(dtype=object))
    return "\n" in joined or "\r" in joined


def _id_text(s: pd.Series) -> pd.Series:
    """Ids as ``str`` objects (a missing id, which a valid row has only in an optional
    column, as ``"<NA>"``); from pyarrow's text, one object per distinct id."""
    categorical = isinstance(s.dtype, pd.CategoricalDtype)
    if categorical and _arrow_text(s.cat.categories):
        ids, codes = np.asarray(s.cat.categories, dtype=object), s.cat.codes.to_numpy()
        if (codes < 0).any():
            ids = np.append(ids, "<NA>")
        return pd.Series(ids[codes], index=s.index, dtype=object)
    if categorical and s.isna().any():  # as text first, as before (NA is "<NA>")
        s = s.astype("string")
    return s.astype(object).astype(str)


def _labels_of(values: pd.Series, codes: np.ndarray, distinct: pd.Index | None) -> pd.Series:
    """The cells' parsed text (labels, ids) as a categorical: ``values`` of each distinct
    cell, taken by ``codes`` (-1: missing); ``distinct``: the values as an index, if no
    two are equal."""
    if distinct is not None:
        return _categorical(codes, distinct)
    value_codes, labels = pd.factorize(values.array, use_na_sentinel=True)
    categories = _index_of(labels)
    return pd.Series(
        pd.Categorical.from_codes(
            np.append(value_codes, -1).astype(_codes_type(len(categories)))[codes],
            dtype=pd.CategoricalDtype(categories),
        )
    )


def _typed(table: Table, holder: list, valid: np.ndarray) -> pd.DataFrame:
    """The ``valid`` rows' typed values (``LoadResult.data``), from the parsed values of
    the DataFrame in ``holder``, taken out of it so that each parsed column is freed
    once typed."""
    columns = dict(holder.pop().items())
    subset = not valid.all()
    out = {}
    for column in table.columns:
        s = columns.pop(column.name)
        out[column.name] = _typed_column(column, s[valid].reset_index(drop=True) if subset else s)
        del s
    data = pd.DataFrame(out, copy=False)
    if table.name == "participants":
        data["cohort"] = data["intake_date"].dt.year.astype("int64")
    return data


def _typed_column(column: Column, s: pd.Series):
    """A parsed column with its type in ``LoadResult.data``."""
    if column.kind == "category":
        levels = column.allowed or sorted(s.dropna().unique(), key=lambda v: (label_key(v), v))
        if isinstance(s.dtype, pd.CategoricalDtype):
            return s.cat.set_categories(list(levels)).array
        return pd.Categorical(s.astype(object), categories=list(levels))
    if column.kind == "id":
        return _id_text(s)
    if column.kind == "boolean":
        return s.astype(bool)
    if column.kind == "integer":
        return s.astype("int64") if column.required else s.astype("Int64")
    if column.kind == "number":
        return s.astype("float64")
    return s if s.dtype == "datetime64[ns]" else s.astype("datetime64[ns]")  # no copy


def _parse_table(
    spec: Table, raw: pd.DataFrame, problems: _Problems, dates: _DateRules, labels: _Labels
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """The cells as text and as typed values, and which rows are empty; empty rows and
    unparseable cells are problems; labels mapped by aliases are recorded in ``labels``."""
    cells = {c: _Cells.of(raw[c], arrow=spec[c].kind == "id") for c in spec.names}
    text = pd.DataFrame({c: cells[c].text() for c in spec.names}, copy=False)
    empty = np.logical_and.reduce([cells[c].missing for c in spec.names])
    problems.add(np.flatnonzero(empty), "", None, warning_text("rejected.empty_row"))
    parsed = pd.DataFrame(
        {
            c.name: _parse_column(c, cells[c.name], text[c.name], problems, dates, labels)
            for c in spec.columns
        },
        copy=False,
    )
    _release_memory()
    return parsed, text, empty
