"""Report-grade tables: a published table as a reader sees it.

:func:`format_table` turns a :class:`~evalkit.reporting.disclosure.PublishedTable` (or
a plain DataFrame) into a :class:`ReportTable`: labelled columns (from
:mod:`evalkit.reporting.catalogue`), no index column, counts with thousands
separators, suppressed counts as ``<10`` (primary) or ``–`` (secondary) with a
footnote, percentages to 1 decimal with ``%``, p-values as ``<0.001``, the
``ci_low``/``ci_high`` pair merged into one "95% CI" column (``44.0–52.0%``,
``0.71–0.93``, ``−10.5 to −0.2``) and a numbered caption. The cell formatters are
public so that sentences generated from results print numbers the same way.

Formatting never changes a number's value beyond rounding for print: the analysis
table (``result.table``) keeps full precision.

Numbers are written as the report's language writes them, by one function per kind of
number, each taking ``language``: :func:`format_number`, :func:`format_count`,
:func:`format_percent`, :func:`format_points`, :func:`format_money`,
:func:`format_p_value` and :func:`format_interval`.

=============  ==========  ===========  ========  ===========  =========  ========
language       1360        0.507        44–52 %   1750 euro    0.168      p
=============  ==========  ===========  ========  ===========  =========  ========
``en``         1,360       50.7%        44–52%    1,750 EUR    0.168      <0.001
``fr``         1 360 (a)   50,7 % (b)   44–52 %   1 750 € (b)  0,168      <0,001
``nl``         1.360       50,7%        44–52%    € 1.750 (b)  0,168      <0,001
=============  ==========  ===========  ========  ===========  =========  ========

(a) U+202F narrow no-break space; (b) U+00A0 no-break space. The decimal mark, the
group separator and the patterns of percentages and money are CLDR's (Unicode Common
Locale Data Repository, v47) for the locales ``fr-BE`` and ``nl-BE`` (the report's
readers are Belgian): ``#,##0 %`` and ``#,##0.00 ¤`` (fr), ``#,##0%`` and ``¤ #,##0.00``
(nl), with the grouping of 4-digit numbers (minimum grouping digits 1). They agree with
Babel 2.18's ``format_decimal``, ``format_percent`` and ``format_currency`` for those
locales (``tests/reporting/test_format.py`` checks against Babel when it is installed).
Three choices are evalkit's, not CLDR's: a negative number takes the true minus sign
U+2212 in every language (CLDR's fr and nl write a hyphen-minus; the English report
always printed U+2212); English money keeps the report's ``1,750 EUR`` (CLDR's en would
write ``€1,750``: English reports stay as they were); percentage points are ``pp``
after a space (U+00A0 in fr and nl). Years are printed without separator (2019).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evalkit._validation import check_one_of
from evalkit.reporting.catalogue import column_label, text, value_label
from evalkit.reporting.disclosure import DEFAULT_THRESHOLD, PublishedTable

__all__ = [
    "KINDS",
    "NUMERALS",
    "ReportTable",
    "ReportText",
    "format_count",
    "format_date",
    "format_interval",
    "format_level",
    "format_money",
    "format_number",
    "format_p_value",
    "format_percent",
    "format_points",
    "format_table",
    "localise_digits",
    "term_label",
]

#: How a column is printed: ``count`` (people; thousands separators, suppression
#: marks), ``percent`` (already in %, 51.3 -> 51.3%), ``proportion`` (0.513 ->
#: 51.3%), ``points`` (a difference of proportions, -0.053 -> −5.3 pp), ``p_value``,
#: ``number`` (decimals from the publication spec, else 2, or 3 below 1), ``year``
#: (2019, no separator), ``text``.
KINDS = ("count", "percent", "proportion", "points", "p_value", "number", "year", "text")
_YEAR_COLUMNS = ("cohort", "year")

MINUS = "\u2212"
DASH = "\u2013"
_NAMED_COLUMNS = ("variable", "predictor", "term")
_TERM = re.compile(r"^(?:C\()?(?P<var>\w+)(?:,.*?)?\)*\[(?:T\.)?(?P<level>[^\[\]]+)\]$")

#: Kinds of columns that a result's table does not say by its names (class name, part).
RESULT_KINDS: Mapping[tuple[str, str], Mapping[str, str]] = {
    ("SurvivalDifferenceResult", "table"): {"estimate": "proportion"},
    ("SurvivalDifferenceResult", "differences"): {"estimate": "points"},
    ("AdjustedCurvesResult", "table"): {"mean_treated": "proportion",
                                        "mean_comparison": "proportion"},
}


# --------------------------------------------------------------------------- cells


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


@dataclass(frozen=True)
class _Numerals:
    """How a language writes numbers: marks, and where the % and the currency go."""

    decimal: str
    group: str
    percent: str  # "{}" is the number
    money: str
    points: str


#: Each language's numerals (CLDR v47, fr-BE and nl-BE; see the module's docstring).
NUMERALS: Mapping[str, _Numerals] = {
    "en": _Numerals(".", ",", "{}%", "{} EUR", "{} pp"),
    "fr": _Numerals(",", "\u202f", "{}\u00a0%", "{}\u00a0€", "{}\u00a0pp"),
    "nl": _Numerals(",", ".", "{}%", "€\u00a0{}", "{}\u00a0pp"),
}


def _numerals(language: str) -> _Numerals:
    check_one_of(language, tuple(NUMERALS), name="language")
    return NUMERALS[language]


def localise_digits(written: str, language: str = "en") -> str:
    """A number written the English way (``1,234.5``) in ``language``'s marks.

    For text that holds numbers formatted elsewhere (matplotlib's tick labels,
    :func:`~evalkit.reporting.disclosure.at_risk_label`): the group separator and the
    decimal mark are swapped for the language's; nothing else changes.

    Examples
    --------
    >>> localise_digits("1,234.5", "fr"), localise_digits("1,234.5", "nl")
    ('1\u202f234,5', '1.234,5')
    """
    marks = _numerals(language)
    if language == "en":
        return written
    return written.translate(str.maketrans({",": marks.group, ".": marks.decimal}))


def format_number(value: object, decimals: int = 2, language: str = "en") -> str:
    """A number with thousands separators, a true minus sign and ``decimals`` decimals.

    Examples
    --------
    >>> format_number(1234.5678), format_number(-0.5, 1), format_number(float("nan"))
    ('1,234.57', '−0.5', '–')
    >>> format_number(1234.5678, language="fr"), format_number(1234.5678, language="nl")
    ('1\u202f234,57', '1.234,57')
    """
    if _missing(value):
        return DASH
    out = f"{float(value):,.{decimals}f}"
    if float(out.replace(",", "")) == 0:  # no "−0.00"
        out = out.lstrip("-")
    return localise_digits(out.replace("-", MINUS), language)


def format_count(value: object, status: str = "", threshold: int = DEFAULT_THRESHOLD,
                 language: str = "en") -> str:
    """A count of people: ``1,500``; suppressed as ``<10`` (primary) or ``–`` (secondary).

    Examples
    --------
    >>> format_count(1500.0), format_count(float("nan"), "primary"), format_count(None, "secondary")
    ('1,500', '<10', '–')
    """
    if status == "primary":
        return f"<{threshold}"
    if status or _missing(value):
        return DASH
    return format_number(value, 0, language)


#: Month names of a date in a sentence (English writes ISO dates, as before).
_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
}


def format_date(value: object, language: str = "en") -> str:
    """A date in a sentence: ``2025-06-30``, ``30 juin 2025``, ``30 juni 2025``.

    Examples
    --------
    >>> format_date(pd.Timestamp("2025-06-01")), format_date("2025-06-01", "fr")
    ('2025-06-01', '1 juin 2025')
    """
    _numerals(language)
    if _missing(value):
        return DASH
    day = pd.Timestamp(value)
    if language == "en":
        return f"{day:%Y-%m-%d}"
    return f"{day.day} {_MONTHS[language][day.month - 1]} {day.year}"


def format_percent(value: object, decimals: int = 1, *, proportion: bool = False,
                   language: str = "en") -> str:
    """A percentage with ``%``: ``51.3%`` (``proportion=True`` multiplies by 100 first).

    Examples
    --------
    >>> format_percent(51.33), format_percent(0.5072, proportion=True)
    ('51.3%', '50.7%')
    >>> format_percent(0.5072, proportion=True, language="fr")
    '50,7\xa0%'
    """
    if _missing(value):
        return DASH
    number = format_number(float(value) * (100 if proportion else 1), decimals, language)
    return _numerals(language).percent.format(number)


def format_points(value: object, decimals: int = 1, *, signed: bool = False,
                  language: str = "en") -> str:
    """A difference of proportions in percentage points: ``-0.053`` -> ``−5.3 pp``.

    ``signed=True`` writes ``+`` before a positive difference (in a sentence).

    Examples
    --------
    >>> format_points(-0.053), format_points(0.118, signed=True)
    ('−5.3 pp', '+11.8 pp')
    >>> format_points(0.118, signed=True, language="nl")
    '+11,8\xa0pp'
    """
    if _missing(value):
        return DASH
    sign = "+" if signed and float(value) > 0 else ""
    number = format_number(float(value) * 100, decimals, language)
    return _numerals(language).points.format(sign + number)


def format_level(conf_level: float, language: str = "en") -> str:
    """A confidence level as the language writes it (``0.95`` -> ``95%``, ``95 %``).

    Examples
    --------
    >>> format_level(0.95), format_level(0.9, "fr")
    ('95%', '90\xa0%')
    """
    return format_percent(conf_level, 0, proportion=True, language=language)


def format_money(value: object, decimals: int = 0, language: str = "en") -> str:
    """An amount in euro: ``1,750 EUR``, ``1 750 €``, ``€ 1.750``.

    Examples
    --------
    >>> format_money(1750), format_money(-40)
    ('1,750 EUR', '−40 EUR')
    >>> format_money(1750, language="fr"), format_money(1750, language="nl")
    ('1\u202f750\xa0€', '€\xa01.750')
    """
    if _missing(value):
        return DASH
    return _numerals(language).money.format(format_number(value, decimals, language))


def format_p_value(value: object, language: str = "en") -> str:
    """A p-value: three decimals, ``<0.001`` below 0.001.

    Examples
    --------
    >>> format_p_value(0.0364), format_p_value(2e-7), format_p_value(float("nan"))
    ('0.036', '<0.001', '–')
    >>> format_p_value(2e-7, "fr")
    '<0,001'
    """
    if _missing(value):
        return DASH
    written = "<0.001" if float(value) < 0.0005 else f"{float(value):.3f}"
    return localise_digits(written, language)


#: Unit pattern of an interval by kind (``{}`` is the interval) and the scale of its bounds.
_INTERVAL_UNITS = {"proportion": (100, "percent"), "percent": (1, "percent"),
                   "points": (100, "points"), "money": (1, "money")}


def format_interval(
    low: object,
    high: object,
    kind: str = "number",
    decimals: int | None = None,
    language: str = "en",
) -> str:
    """A confidence interval: ``44.0–52.0%``, ``0.71–0.93``, ``−10.5 to −0.2 pp``.

    Bounds of a proportion print in % (1 decimal by default), of ``points`` in
    percentage points, of ``money`` in euro (0 decimals by default), of other kinds with
    2 decimals by default; the unit is written once, after (or, in Dutch, before the
    euro amounts) the interval. When a bound is negative the bounds are joined by "to"
    (a dash next to a minus misreads).

    Examples
    --------
    >>> format_interval(0.44, 0.52, "proportion"), format_interval(0.71, 0.93)
    ('44.0–52.0%', '0.71–0.93')
    >>> format_interval(-0.105, -0.002, "points")
    '−10.5 to −0.2 pp'
    >>> format_interval(0.44, 0.52, "proportion", 0, "fr"), format_interval(43, 202, "money")
    ('44–52\xa0%', '43–202 EUR')
    >>> format_interval(-90, 10, "money", language="nl")
    '€\xa0−90 tot 10'
    """
    if _missing(low) or _missing(high):
        return DASH
    if decimals is None:
        decimals = {"money": 0, "proportion": 1, "points": 1, "percent": 1}.get(kind, 2)
    scale, unit = _INTERVAL_UNITS.get(kind, (1, ""))
    a = format_number(float(low) * scale, decimals, language)
    b = format_number(float(high) * scale, decimals, language)
    if float(low) < 0 or float(high) < 0:
        joined = text("table.interval", language, low=a, high=b)
    else:
        joined = f"{a}{DASH}{b}"
    return getattr(_numerals(language), unit).format(joined) if unit else joined


def term_label(term: object, language: str = "en") -> str:
    """A model term as a reader names it: ``C(gender)[T.male]`` -> ``Gender: male``.

    Examples
    --------
    >>> term_label("C(education, contr.treatment('B1'))[T.lower secondary]")
    'Education: lower secondary'
    >>> term_label("programme[DUO for a JOB]"), term_label("age")
    ('Programme: DUO for a JOB', 'Age')
    >>> term_label("C(gender)[T.male]", "fr"), term_label("single_parent[T.True]", "nl")
    ('Genre : homme', 'Alleenstaande ouder: ja')
    """
    match = _TERM.match(str(term))
    if match is None:
        return column_label(term, language)
    return text("term.level", language, variable=column_label(match["var"], language),
                level=value_label(match["level"], language))


def _auto_decimals(values: pd.Series) -> int:
    finite = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0 or np.all(finite == np.round(finite)):
        return 0
    return 3 if np.abs(finite).max() < 1 else 2


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class ReportText:
    """A block of report HTML (a sentence, a data-notes box) that a notebook displays."""

    html: str
    plain: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.plain


@dataclass(frozen=True)
class ReportTable:
    """A table as a report prints it.

    Attributes
    ----------
    table : pandas.DataFrame
        The printed cells (strings) under their labelled headings; no index.
    caption : str
        The caption, numbered (``"Table 3. Exits by programme"``) when a number was given.
    footnotes : tuple of str
        What the marks mean (``<10``, ``–``) and rows left out, when the table has them.
    count_columns : tuple of str
        Headings of the columns that count people (marked for ``evalkit audit``).
    numeric_columns : tuple of str
        Headings of the columns printed as numbers (right-aligned).
    """

    table: pd.DataFrame
    caption: str
    footnotes: tuple[str, ...] = ()
    count_columns: tuple[str, ...] = ()
    numeric_columns: tuple[str, ...] = ()

    def to_html(self) -> str:
        """The table as a ``<figure>`` with its caption, headings, cells and footnotes."""
        heads = "".join(self._th(c) for c in self.table.columns)
        rows = "".join(
            "<tr>" + "".join(self._td(c, v) for c, v in zip(self.table.columns, row, strict=True))
            + "</tr>"
            for row in self.table.itertuples(index=False, name=None)
        )
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        notes = "".join(f"<p>{html.escape(n)}</p>" for n in self.footnotes)
        notes = f'<div class="ek-footnotes">{notes}</div>' if notes else ""
        return (
            f'<figure class="ek-table"><table>{caption}<thead><tr>{heads}</tr></thead>'
            f"<tbody>{rows}</tbody></table>{notes}</figure>"
        )

    def _th(self, column: str) -> str:
        classes = [c for c, on in (("ek-count", column in self.count_columns),
                                   ("ek-num", column in self.numeric_columns)) if on]
        attr = f' class="{" ".join(classes)}"' if classes else ""
        return f'<th scope="col"{attr}>{html.escape(str(column))}</th>'

    def _td(self, column: str, value: str) -> str:
        attr = ' class="ek-num"' if column in self.numeric_columns else ""
        return f"<td{attr}>{html.escape(value)}</td>"

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        lines = [self.caption, self.table.to_string(index=False), *self.footnotes]
        return "\n".join(line for line in lines if line)


def format_table(
    source: PublishedTable | pd.DataFrame,
    *,
    caption: str = "",
    number: int | None = None,
    kinds: Mapping[str, str] | None = None,
    columns: Sequence[str] | None = None,
    across: str | None = None,
    conf_level: float = 0.95,
    decimals: int | None = None,
    language: str = "en",
) -> ReportTable:
    """Format a published table (or a plain DataFrame) for a report.

    Parameters
    ----------
    source : PublishedTable or pandas.DataFrame
        ``publish(result, part, ...)``; its spec says which columns count people and
        its cell statuses which counts were suppressed. A DataFrame is printed as it
        is (its index becomes columns): publish tables that count people first.
    caption : str, default=""
        What the table shows; numbered when ``number`` is given.
    number : int, optional
        The table's number in its part (``"Table 3. ..."``).
    kinds : mapping of str to str, optional
        Kind of a column where its name does not say it (see :data:`KINDS`), e.g.
        ``{"estimate": "proportion"}``; a ``ci_low``/``ci_high`` pair prints as the
        kind of ``estimate``.
    columns : sequence of str, optional
        The tidy columns to show, in order (default: all but ``suppression``).
    across : str, optional
        A column whose values become columns (a cross table of the first count
        column, the spec's other dimensions down).
    conf_level : float, default=0.95
        Level of the intervals, for the heading of the merged CI column.
    decimals : int, optional
        Decimals of plain numbers (default: the spec's, else 2, or 3 below 1).
    language : str, default="en"
        Language of headings and labels.

    Returns
    -------
    ReportTable

    Raises
    ------
    ValueError
        If a kind is not one of :data:`KINDS`, or ``language`` is unknown.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.reporting import PublicationSpec, publish
    >>> t = pd.DataFrame({"site": ["A", "B", "C"], "n": [1240, 3, 25]})
    >>> spec = PublicationSpec(counts=("n",), margins=((),))
    >>> format_table(publish(t, spec=spec), caption="People by site", number=1).table
      Site People
    0    A  1,240
    1    B    <10
    2    C      –
    """
    published = source if isinstance(source, PublishedTable) else None
    frame = published.table if published is not None else _plain(source)
    spec = published.spec if published is not None else None
    counts = tuple(spec.counts) if spec is not None else ()
    chosen = [c for c in (columns or frame.columns) if c != "suppression"]
    col_kinds = {c: _kind(c, frame[c], counts, kinds or {}) for c in chosen}
    cells = {}
    for column in chosen:
        if column in ("ci_low", "ci_high"):
            continue
        cells[column] = _format_column(frame, column, col_kinds[column], published,
                                       _decimals(column, frame, spec, decimals), language)
    cells.update(_numbers_by_row(frame, spec, col_kinds, cells, language))
    printed = pd.DataFrame(cells, index=frame.index)
    printed = _merge_ci(printed, frame, chosen, col_kinds, spec, decimals, conf_level, language)
    count_cols = [c for c in printed.columns if col_kinds.get(c) == "count"]
    numeric = [c for c in printed.columns if col_kinds.get(c, "number") != "text"]
    if across is not None:
        printed, count_cols, numeric = _cross(printed, across, spec, count_cols, language)
    labels = {c: _heading(c, language) for c in printed.columns}
    prefix = "" if number is None else text("table.caption", language, number=number)
    title = f"{prefix} {caption}"
    return ReportTable(
        table=printed.rename(columns=labels).reset_index(drop=True),
        caption=title.strip(),
        footnotes=_footnotes(published, cells, language),
        count_columns=tuple(labels[c] for c in count_cols),
        numeric_columns=tuple(labels[c] for c in numeric),
    )


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A DataFrame with its index as columns (unless it is the default range)."""
    if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
        out = frame.copy()
    else:
        out = frame.reset_index()
    out.columns = [str(c) for c in out.columns]
    return out


def _kind(column: str, values: pd.Series, counts: tuple[str, ...], given: Mapping) -> str:
    if column in given:
        check_one_of(given[column], KINDS, name=f"kind of column {column!r}")
        return given[column]
    if column in counts:
        return "count"
    if column in ("ci_low", "ci_high"):
        return given.get("estimate", "number")
    if column == "std_error" and given.get("estimate") in ("proportion", "points"):
        return "points"
    if column.startswith("p_value") or column == "p_upper":
        return "p_value"
    if column == "percent":
        return "percent"
    if column in ("share", "quantile"):  # a quantile's level: 0.25 -> 25.0%
        return "proportion"
    if column in _YEAR_COLUMNS and pd.api.types.is_numeric_dtype(values):
        return "year"
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return "text"
    return "number"


def _decimals(column, frame, spec, decimals) -> int:
    if spec is not None and column in spec.decimals:
        return int(spec.decimals[column])
    if decimals is not None:
        return decimals
    return _auto_decimals(frame[column])


def _by_row(column: str, spec, kind: str) -> bool:
    """Whether ``column`` prints to each row's decimals (``PublicationSpec.row_decimals``)."""
    return (kind == "number" and spec is not None and spec.row_decimals is not None
            and column in spec.decimals)


def _numbers_by_row(frame, spec, kinds, cells, language) -> dict[str, pd.Series]:
    """The plain numbers of a table whose rows mix units, each to its row's decimals."""
    return {
        column: pd.Series([format_number(v, p, language) for v, p in
                           zip(frame[column], spec.places(frame, column), strict=True)],
                          index=frame.index, dtype=object)
        for column in cells if _by_row(column, spec, kinds[column])
    }


def _format_column(frame, column, kind, published, decimals, language) -> pd.Series:
    values = frame[column]
    if kind == "count":
        status = (published.cells[column] if published is not None and published.cells
                  is not None and column in published.cells else pd.Series("", index=frame.index))
        threshold = published.threshold if published is not None else DEFAULT_THRESHOLD
        return pd.Series([format_count(v, s, threshold, language)
                          for v, s in zip(values, status, strict=True)], index=frame.index)
    formatter = {
        "percent": lambda v: format_percent(v, 1, language=language),
        "proportion": lambda v: format_percent(v, 1, proportion=True, language=language),
        "points": lambda v: format_points(v, 1, language=language),
        "p_value": lambda v: format_p_value(v, language),
        "number": lambda v: format_number(v, decimals, language),
        "year": lambda v: "" if _missing(v) else f"{float(v):.0f}",
        "text": lambda v: _text_cell(column, v, language),
    }[kind]
    return values.map(formatter).astype(object)


def _text_cell(column: str, value: object, language: str) -> str:
    if _missing(value):
        return ""
    if isinstance(value, float):  # a number in a column of mixed values
        return format_number(value, 2, language)
    if column in _NAMED_COLUMNS:
        return term_label(value, language)
    return value_label(value, language)


def _merge_ci(printed, frame, chosen, kinds, spec, decimals, conf_level, language):
    """Replace ``ci_low``/``ci_high`` by one interval column where ``ci_low`` stood."""
    if not {"ci_low", "ci_high"} <= set(chosen):
        return printed
    kind = kinds["ci_low"]
    places = _decimals("ci_low", frame, spec, decimals)
    if kind in ("proportion", "points"):
        places = 1
    places = (spec.places(frame, "ci_low") if _by_row("ci_low", spec, kind)
              else pd.Series(places, index=frame.index))
    ci = pd.Series(
        [format_interval(lo, hi, kind, p, language)
         for lo, hi, p in zip(frame["ci_low"], frame["ci_high"], places, strict=True)],
        index=frame.index,
    )
    heading = text("table.ci", language, level=format_level(conf_level, language))
    kinds[heading] = kind
    position = [c for c in chosen if c != "ci_high" and (c in printed.columns or c == "ci_low")]
    out = printed.assign(**{heading: ci})
    return out[[heading if c == "ci_low" else c for c in position]]


def _cross(printed, across, spec, count_cols, language):
    """The first count column as a cross table: ``across`` values as columns."""
    value = count_cols[0]
    dims = [c for c in (spec.dimensions if spec is not None else printed.columns)
            if c in printed.columns and c not in (across, value)]
    order = list(dict.fromkeys(printed[across]))
    wide = printed.pivot_table(index=dims, columns=across, values=value, aggfunc="first",
                               sort=False)
    wide = wide[order].reset_index()
    wide.columns = [str(c) for c in wide.columns]
    shown = [str(c) for c in order]
    return wide, shown, shown


def _heading(column: str, language: str) -> str:
    return column_label(column, language)


def _footnotes(published, cells, language) -> tuple[str, ...]:
    if published is None:
        return ()
    marks = set()
    for column in cells.values():
        marks.update(v for v in column if v == DASH or str(v).startswith("<"))
    threshold = published.threshold
    notes = []
    if published.n_primary or f"<{threshold}" in marks:
        notes.append(text("table.footnote_primary", language, symbol=f"<{threshold}",
                          threshold=threshold))
    if published.n_secondary or DASH in marks:
        notes.append(text("table.footnote_secondary", language))
    if published.n_cut:
        notes.append(text("table.footnote_cut", language, threshold=threshold))
    if published.note:  # the threshold's note, written by evalkit in English
        from evalkit.reporting.notes import reword_note  # notes formats with this module

        notes.append(reword_note(published.note, language))
    return tuple(notes)
