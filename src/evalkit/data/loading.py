"""Load and validate participant, questionnaire and cost files.

Loading is the only place where raw files are touched. Every loader reads CSV, Excel
(``.xlsx``) or Parquet, checks the file against the data dictionary
(:mod:`evalkit.data.schema`) as a study's data model sets it
(:class:`~evalkit.data.model.DataModel`, ``model=``; the shipped data's by default:
programmes, levels, exit types, the questionnaire's items, ranges, eligibility rules,
aliases) and returns a :class:`LoadResult`: the valid rows with known types, and a
``rejected`` table with one entry per problem (file row, column, value, reason).
Nothing is dropped silently: ``n_valid + n_rejected == n_read`` always holds, where
``n_rejected`` counts distinct rejected rows; eligibility rules are counted
(``eligibility``), never applied.

What real exports contain, and what happens to it:

- **column names** are normalised: stripped, lower case, runs of spaces and hyphens
  become ``_`` (``" Intake Date"`` is ``intake_date``), and names that are aliases of a
  dictionary column in the model are renamed to it (:mod:`evalkit.data.aliases`:
  ``Date d'entrée`` and ``datum intake`` are ``intake_date``, ``Leeftijd`` is ``age``;
  case, accents and punctuation ignored; a study's own in its model). Every renaming
  is in ``mapped_columns`` (names, never values). A name that appears twice after
  normalising and mapping is a file-level error.
- **direct identifiers** are dropped with an :class:`~evalkit.errors.IdentifierWarning`
  naming the columns and what they hold (never their values), and recorded in
  ``dropped_identifiers`` and ``identifier_columns``; they never reach an analysis. A
  column is one by **name** (:func:`evalkit.data.identifiers.name_kind`: name, e-mail,
  phone, national register number, address, date of birth, in English, French and
  Dutch, ignoring case, accents and punctuation, from the vocabulary
  :data:`evalkit.data.schema.IDENTIFIER_NAMES`) or by **content**, whatever its name
  (:func:`evalkit.data.identifiers.content_kind`: at least half of its distinct values
  are e-mail addresses, Belgian phone numbers or national register numbers with valid
  check digits). A postcode alone is not a direct identifier; it is dropped as an
  unknown column.
- **ids must be pseudonyms**: a ``participant_id`` or ``mentor_id`` column whose values
  mostly look like e-mails, phone or national register numbers or people's names
  refuses the file (:class:`~evalkit.errors.DataError`, saying how to pseudonymise:
  ``evalkit pseudonymise``, :func:`evalkit.data.pseudonymise.pseudonymise`); single
  such ids reject their row. Ids that differ only by case or surrounding spaces are
  the same id (duplicates).
- **no values of identifiers in outputs**: in the ``rejected`` table the value of an id
  column, and any value that looks like an e-mail, phone or national register number,
  is shown as ``"(hidden: identifier)"``; reasons name rows and columns, never ids.
- **unknown columns** (not in the table's dictionary) are dropped with an
  :class:`~evalkit.errors.EvalkitWarning` naming them, and recorded in
  ``dropped_columns``. They are dropped rather than kept so that a free-text column
  (notes, comments) cannot carry personal data into an output.
- **text cells** are stripped of surrounding spaces; empty or blank cells and the
  markers of :data:`evalkit.data.schema.MISSING_MARKERS` (``NA``, ``N/A``, ``NaN``,
  ``NULL``, ``#N/A``, in any case) are missing, in every file format alike.
- **CSV lines** that cannot be split into the header's columns are rejected on their
  own, with the reason (``"line 17 has 19 fields, the header has 18; a value probably
  contains an unquoted ','..."``); the rest of the file loads. A line with *fewer*
  fields is rejected too, never padded with empty values: a missing delimiter in the
  middle of a line would shift every later value into the wrong column, and the file
  cannot say which field is missing. So is a line with more fields than the header,
  even if the extra fields are empty (an extra delimiter before an empty last value
  would shift values the same way). Trailing header columns without a name
  (``a;b;c;;;``, as Excel saves them) are ignored, with the empty fields below them
  (present or left out). Quoted values may hold delimiters and line breaks; ``row``
  is then the line on which the row starts. A double quote that opens a value and is
  never closed would swallow the lines after it: that line is rejected and the lines
  after it are read on their own. A value with a line break in a dictionary column is
  rejected (without showing it).
- **dates** are accepted as ISO ``2021-03-15``, Belgian day-first ``15/03/2021``,
  ``15-03-2021`` and ``15.03.2021``, each possibly followed by a time of day
  (``15/03/2021 00:00``, ``2021-03-15T09:30:00``; the time is dropped, with a UTC
  offset after it), Excel date cells, and Excel serial day numbers from 20000 to
  80000 (1954-10-03 to 2119-01-10 in the 1900 date system; a workbook saved with
  Excel's 1904 date system counts from 1904-01-01, and its serials and date cells load
  in that system). Month-first dates (``03/15/2021``) and two-digit years are never
  guessed: they are rejected with the value shown. Timezone-aware timestamps (Parquet,
  or text with an offset) give the date in their own time zone, the day as written
  where they were recorded: ``2021-03-15 00:00+01:00`` is 2021-03-15; a timestamp
  stored in UTC gives its UTC day. They are never converted to the machine's zone.
- **implausible dates** are rejected with the reason: before 1990-01-01, after the
  extraction date (``extraction_date``, default today), and Excel's zero date
  (1899-12-30 or 00/01/1900, 1904-01-01 in a 1904 workbook, or a time of day alone),
  which Excel exports for an empty date cell.
- **whole numbers** are accepted as ``34``, ``34.0``, ``34,0`` or ``34.00`` (Excel's
  numbers stored as text); ``3 4``, ``34.5`` and ``1.000`` (a thousands separator or
  a decimal?) are rejected. **Numbers** (``amount_eur``) accept one decimal point or
  decimal comma (``1234.50``, ``1234,50``); ``1,234`` is rejected as ambiguous
  (thousands separator or decimal comma), as is any thousands separator.
- **Parquet** columns are read with their own types: integers, floats and decimals
  (``decimal128``) load as numbers; a float column of whole numbers (``1.0``, ``2.0``)
  loads as whole numbers, a value with decimals in it is rejected on its own row;
  timestamps give their day (see dates). A nested column (list, struct or map) in the
  dictionary is a file-level error naming it: evalkit reads flat columns only.
- **booleans** are accepted as (any case) ``true/false``, ``yes/no``, ``y/n``,
  ``ja/nee``, ``waar/onwaar``, ``oui/non``, ``vrai/faux``, ``1/0``.
- **category labels** are matched to the model's levels ignoring case, accents,
  spaces and punctuation (:func:`evalkit.data.aliases.label_key`): ``" duo for a job "``
  is ``DUO for a JOB``, ``Liege`` is ``Liège``, ``Job-Permanent`` is
  ``job_permanent``; and through the model's label aliases in English, French and Dutch
  (``Bruxelles``/``Brussel`` is ``Brussels``, ``vrouw``/``femme`` is ``female``,
  ``CDI`` is ``job_permanent``, ``stage`` is ``internship`` where the model has that
  exit type), each recorded in ``mapped_labels``. Word breaks count and nothing is
  guessed: ``Duo4Job`` or ``Team 4 Job`` are rejected, naming the allowed labels. An
  open column (``site`` of a study model without a site list) keeps any label,
  spellings that differ by case or accents made one.
- **optional columns** may be absent (:meth:`DataModel.optional_columns
  <evalkit.data.model.DataModel.optional_columns>`: a participants file needs only
  ``participant_id``, ``programme``, ``intake_date``, ``exit_type``, ``exit_date`` and
  ``follow_up_end``, :data:`evalkit.data.schema.CORE_COLUMNS`): the file loads without
  them, ``missing_optional`` names them and ``notes`` says what each disables (no
  clustering by mentor without ``mentor_id``, no first-meeting step in the funnel
  without ``first_meeting_dropout``...); nothing is filled in for them, and
  eligibility rules on them are not checked (a note says so). A single-programme
  study's file may have no ``programme`` column: every row is in the model's one
  programme (``constant_programme``).
- **fully empty rows** are rejected with reason ``"empty row"`` (counted in
  ``n_read``).
- **duplicated keys** (``participant_id``; ``participant_id, wave`` in a
  questionnaire; ``programme, site, year, cost_item`` in costs): every row sharing the
  key is rejected, whatever else is wrong with it, and the reason names the other rows
  (and the key's values other than ids).
- **participants' dates**: an exit date on or before the intake date (time to exit
  must be positive), after ``follow_up_end``, an end of follow-up before intake, an
  exit date on a censored row (an exit type of the model's ``censored`` group), or
  none on another exit, are rejected; so is a
  completed duo after a first-meeting dropout.
- **questionnaire**: the items (the model scale's) must be whole numbers in its
  response range (1 to 4 for the shipped scale) or missing; with ``participants=``,
  rows of unknown participants are rejected.

File-level problems raise :class:`~evalkit.errors.DataError` naming the file, the
column(s), what was expected and the fix: missing file, unsupported extension,
unreadable or corrupt file, text that is not UTF-8, unknown sheet (the sheets found
are listed), empty file, a first line that looks like data (no header row; its cells
are not shown), a header without data rows, required columns missing (the missing
and the found columns are listed), a column twice, a nested Parquet column, ids that
are direct identifiers.

The steps live in their own modules: :mod:`~evalkit.data.reading` (files and
streams), :mod:`~evalkit.data.header` (column names, identifiers, unknown and missing
columns), :mod:`~evalkit.data.parsing` (cells to typed values),
:mod:`~evalkit.data.checks` (ranges and required values as pandera declares them, participants'
rules, orphans, duplicated keys) and :mod:`~evalkit.data.rejected` (the ``rejected``
table). This module puts them together.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from evalkit._validation import check_columns, check_date, check_one_of
from evalkit.data._codes import _release_memory
from evalkit.data._optional import checkable_model, constant_programme, load_notes, present_table
from evalkit.data._pipeline import in_background
from evalkit.data.checks import _check_rows
from evalkit.data.eligibility import EligibilityResult, _count_outside
from evalkit.data.header import _check_header, _column_name
from evalkit.data.identifiers import IdentifierColumn, _hide_values
from evalkit.data.model import DataModel, check_model
from evalkit.data.parsing import _MAPPED_LABELS, _DateRules, _Labels, _parse_table, _typed
from evalkit.data.reading import _STREAM, _Raw, _read, _Source, file_sha256
from evalkit.data.rejected import _Problems
from evalkit.data.schema import COSTS, PARTICIPANTS, QUESTIONNAIRE, Table
from evalkit.errors import DataError

__all__ = [
    "TABLES",
    "LoadResult",
    "file_sha256",
    "guess_table",
    "load_costs",
    "load_participants",
    "load_questionnaire",
    "load_table",
]

#: The dictionary tables by name.
TABLES: dict[str, Table] = {t.name: t for t in (PARTICIPANTS, QUESTIONNAIRE, COSTS)}


@dataclass(frozen=True)
class LoadResult:
    """The outcome of loading one file: valid rows, rejected entries and provenance.

    Attributes
    ----------
    data : pandas.DataFrame
        The valid rows, index ``0..n_valid-1``, columns in dictionary order, with these
        dtypes: ids ``object`` holding ``str``; categories ``category`` with the
        dictionary's allowed labels as categories, in dictionary order; integers
        ``int64``, or ``Int64`` where missing values are allowed (questionnaire items);
        numbers ``float64``; booleans ``bool``; dates ``datetime64[ns]`` (midnight,
        ``NaT`` where allowed, e.g. ``exit_date`` of censored rows). Participants also
        get ``cohort``: the intake year, ``int64``.
    rejected : pandas.DataFrame
        One entry per problem, sorted by row: ``row`` (``int64``, the line in the file as
        a spreadsheet shows it: the header is line 1, the first data row line 2; in a
        CSV whose quoted values hold line breaks, the line on which the row starts),
        ``column`` (``""`` for a whole row), ``value`` (the cell as read, stripped, as
        ``str``; ``""`` if empty or for a whole line; ``"(hidden: identifier)"`` for an id
        and for anything that looks like an e-mail, phone or national register number)
        and ``reason`` (what was expected). A row with several problems has several
        entries and counts once.
    n_read : int
        Data rows read from the file (below the header), empty rows and CSV lines that
        could not be split into columns included.
    source : pathlib.Path or None
        The file, or None for an in-memory stream.
    sha256 : str
        SHA-256 of the file's bytes (of the UTF-8 text for a text stream).
    table_name : str
        The dictionary table the file was checked against (``"participants"``,
        ``"questionnaire"`` or ``"costs"``). Formerly ``table``: that name still
        works, with a ``DeprecationWarning`` (``.table`` of other results is a
        DataFrame).
    dropped_identifiers : tuple of str
        Direct-identifier columns dropped at load, by name or by content (normalised
        names; never values).
    dropped_columns : tuple of str
        Other columns not in the dictionary, dropped at load.
    identifier_columns : tuple of IdentifierColumn
        The same identifier columns with what they hold and how they were found
        (``column``, ``kind``, ``found_by``, ``reason``), for a report's data notes.
    mapped_columns : pandas.DataFrame
        The dictionary columns found, one row each: ``file_column`` (the name in the
        file), ``column`` (evalkit's) and ``source``: ``"name"`` (evalkit's name, up
        to case, accents and punctuation), ``"en"``, ``"fr"``, ``"nl"`` (a packaged
        alias) or ``"study"`` (the data model's own). Names only, never values.
    mapped_labels : pandas.DataFrame
        Labels of category columns mapped by an alias (``Bruxelles`` to ``Brussels``):
        ``column``, ``file_label``, ``label`` (evalkit's), ``source`` (as above) and
        ``cells`` (cells with that label, rejected rows included). Labels that are
        levels themselves, up to case, accents and punctuation, are not listed.
    eligibility : EligibilityResult or None
        For participants: the people outside each eligibility rule of the model,
        among the valid rows (:func:`evalkit.data.eligibility.check_eligibility`);
        nobody is dropped for it. None for other tables.
    model : DataModel
        The data model the file was checked against.
    missing_optional : tuple of str
        Optional columns the file lacks (:meth:`DataModel.optional_columns
        <evalkit.data.model.DataModel.optional_columns>`: for participants the site,
        intake covariates, mentor, first-meeting dropout, duo completed; the programme
        of a single-programme study), in dictionary order. They are not in ``data``:
        nothing is filled in for them (but the programme, see below);
        :func:`evalkit.data.availability.available_parts` says what runs without them.
    constant_programme : str or None
        The model's one programme, when the file had no programme column: ``data``'s
        ``programme`` is it on every row. None when the file had the column.
    notes : tuple of str
        What was absent and what it disables, one sentence each (columns and rules
        named, never values), for a report's data notes.

    Notes
    -----
    ``data``, ``rejected`` and the other tables are left out of the repr, so that
    displaying a result in a notebook or a log never prints participants' rows.
    """

    data: pd.DataFrame = field(repr=False)
    rejected: pd.DataFrame = field(repr=False)
    n_read: int
    source: Path | None
    sha256: str
    table_name: str
    dropped_identifiers: tuple[str, ...]
    dropped_columns: tuple[str, ...]
    identifier_columns: tuple[IdentifierColumn, ...] = ()
    mapped_columns: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["file_column", "column", "source"]),
        repr=False,
    )
    mapped_labels: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(_MAPPED_LABELS)), repr=False
    )
    eligibility: EligibilityResult | None = field(default=None, repr=False)
    model: DataModel | None = field(default=None, repr=False)
    missing_optional: tuple[str, ...] = ()
    constant_programme: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def n_valid(self) -> int:
        """Number of valid rows (``len(data)``)."""
        return len(self.data)

    @property
    def n_rejected(self) -> int:
        """Number of distinct rejected rows (a row with several problems counts once)."""
        return int(self.rejected["row"].nunique())

    @property
    def summary(self) -> pd.DataFrame:
        """Rejected rows by column and reason, most frequent first.

        Columns ``column``, ``reason`` and ``rows`` (``int64``, distinct rows). A row
        with problems in two columns is counted under each, so ``rows`` may sum to more
        than :attr:`n_rejected`. Reasons that name their own line (CSV lines that
        cannot be split into columns) are counted together, the line written ``N``.
        """
        if self.rejected.empty:
            return pd.DataFrame(
                {
                    "column": pd.Series([], dtype=object),
                    "reason": pd.Series([], dtype=object),
                    "rows": pd.Series([], dtype="int64"),
                }
            )
        reason = self.rejected["reason"].str.replace(r"\bline \d+", "line N", regex=True)
        return (
            self.rejected.assign(reason=reason)
            .groupby(["column", "reason"], sort=False)["row"]
            .nunique()
            .rename("rows")
            .reset_index()
            .sort_values("rows", ascending=False, kind="stable")
            .reset_index(drop=True)
        )

    def _repr_html_(self) -> str:
        name = self.source.name if self.source is not None else _STREAM
        head = (
            f"<p><b>{name}</b> ({self.table_name}): {self.n_read} rows read, "
            f"{self.n_valid} valid, {self.n_rejected} rejected.</p>"
        )
        notes = "".join(f"<p>Note: {html.escape(note)}</p>" for note in self.notes)
        return head + notes + self.summary.to_html(index=False)

    @property
    def table(self) -> str:
        """Deprecated name of :attr:`table_name`."""
        warnings.warn(
            "LoadResult.table was renamed LoadResult.table_name (the name of the dictionary "
            "table; .table of other results is a DataFrame); use .table_name.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.table_name


# --------------------------------------------------------------------------- public API


def load_table(
    path: str | Path | IO,
    table: str,
    *,
    sheet: str | None = None,
    participant_ids: pd.Series | None = None,
    extraction_date: str | date | pd.Timestamp | None = None,
    model: DataModel | None = None,
) -> LoadResult:
    """Load a file and validate it against one table of the data dictionary.

    Parameters
    ----------
    path : str, Path or file-like
        A ``.csv`` (comma or semicolon separated, UTF-8), ``.xlsx`` or ``.parquet`` file;
        or an open text/binary stream (CSV; ``.xlsx`` and Parquet recognised by their
        first bytes).
    table : {"participants", "questionnaire", "costs"}
        The dictionary table to check against.
    sheet : str, optional
        Excel sheet name (default: the first sheet).
    participant_ids : array-like of str, optional
        Known participant ids; rows whose ``participant_id`` is not among them are
        rejected (used to check a questionnaire against its participants).
    extraction_date : str, datetime.date or Timestamp, optional
        The day the data were extracted (default: today, the machine's date). Dates
        after it are rejected, as are dates before 1990-01-01 and Excel's zero date.
        Pass it when checking an older extract, so that the result does not depend on
        the day it is loaded; for the shipped synthetic data it is
        ``evalkit.data.synthetic.EXTRACTION_DATE`` (2025-06-30).
    model : DataModel, optional
        The study's data model (:class:`evalkit.data.model.DataModel`): programmes,
        levels, exit types, the questionnaire's items, ranges, eligibility rules and
        the aliases of column names and labels. Default: the shipped data's
        (:meth:`DataModel.shipped`).

    Returns
    -------
    LoadResult
        ``data`` (valid rows, typed), ``rejected`` (row, column, value, reason),
        ``n_read``, ``source``, ``sha256``, ``table_name``, ``dropped_identifiers``,
        ``dropped_columns``, ``identifier_columns``, ``mapped_columns``,
        ``mapped_labels``, ``eligibility``, ``model``; properties ``n_valid``,
        ``n_rejected``, ``summary``.

    Raises
    ------
    DataError
        If the file cannot be used as a whole: missing, unreadable or corrupt, not
        UTF-8, unsupported type, unknown sheet, empty, no header row, no data rows, a
        column twice, required columns missing, a dictionary column that is nested
        (Parquet lists, structs or maps), or an id column (``participant_id``,
        ``mentor_id``) holding e-mails, phone or national numbers or names rather than
        pseudonyms.
    ValueError
        If ``table`` is not a dictionary table, ``extraction_date`` is not a date, or
        a questionnaire is loaded with a model without a scale.
    TypeError
        If ``model`` is not a DataModel.

    Warns
    -----
    IdentifierWarning
        When direct-identifier columns were dropped, by name or content (column names
        and what they hold, never values).
    EvalkitWarning
        When columns not in the dictionary were dropped.

    Notes
    -----
    The checks, in order: column names mapped to evalkit's by the model's aliases;
    CSV lines that cannot be split into the header's columns; empty rows; parsing
    each column to its type (see the module documentation for the accepted
    spellings; labels mapped by the model's aliases, then matched to its levels),
    dates outside 1990-01-01 to ``extraction_date`` and Excel's zero date included;
    ranges and required values (from the model's tables); ids that look like
    direct identifiers; participants' date and programme rules; orphans
    (``participant_ids``); duplicated keys over all non-empty rows. Then the
    eligibility rules are counted (nothing is dropped for them). Every check is
    vectorised over the column (text parsing and label mapping run once per distinct
    value), and CSV and Parquet files are read by pyarrow column by column, each column
    as codes into its distinct values (ids kept by pyarrow until the output): a
    million-row participants file loads in about 1.6 times the time of
    ``pandas.read_csv(engine="pyarrow")`` (about twice that of reading its Parquet with
    pyarrow), at a peak of about 0.27 KiB a row, less than either plain reader
    (benchmarks/RESULTS.md).

    References
    ----------
    pandera ``DataFrameSchema.validate(lazy=True)``, whose failure cases the range and
    required checks give (tests/data/test_checks.py); Excel's 1900
    date system (serial day numbers) as in ``openpyxl.utils.datetime.from_excel``.

    Examples
    --------
    >>> import io
    >>> costs = io.StringIO(
    ...     "Programme;Site;Year;Cost item;Amount EUR;Duos formed\\n"
    ...     "Team4Job;Ghent;2021;overhead;1234,50;12\\n"
    ...     "team4job ;Ghent;2021;meeting_rooms;1,234;12\\n"
    ... )
    >>> result = load_table(costs, "costs")
    >>> result.n_read, result.n_valid, result.n_rejected
    (2, 1, 1)
    >>> result.rejected[["row", "column", "value"]]
       row      column  value
    0    3  amount_eur  1,234
    >>> result.data.dtypes.astype(str).tolist()
    ['category', 'category', 'int64', 'category', 'float64', 'int64']
    """
    check_one_of(table, sorted(TABLES), name="table")
    dates = _date_rules(extraction_date)
    model = _model(model, table)
    full = model.table(table)
    source = _Source.of(path)
    raw = _read(source, sheet, encoded=True)
    digest = in_background(source.sha256)  # hashed while the rows are checked
    spec, absent = present_table(full, list(raw.frame.columns), model, model.aliases)
    identifiers, extra, mapped = _check_header(source, raw.frame, spec, model.aliases)
    _check_flat(source, raw, spec, model)
    ids = [c.name for c in spec.columns if c.kind == "id"]
    frame = pd.DataFrame({c: raw.frame[c] for c in spec.names}, copy=False)  # no copy
    frame.index = pd.RangeIndex(len(frame))
    if raw.n_read == 0:
        raise DataError(
            f"{source.label}: no data rows below the header; expected at least one row."
        )
    problems = _Problems(raw.lines)
    for line, reason in raw.malformed:
        problems.add_line(line, reason)
    if raw.epoch is not None:
        dates = _DateRules(dates.latest, raw.epoch)
    n_read = raw.n_read
    del raw  # memory: the file's other columns
    labels = _Labels(model.aliases)
    parsed, text, empty = _parse_table(spec, frame, problems, dates, labels)
    del frame  # memory: the cells as read (their text and values are parsed)
    _release_memory()
    _check_rows(spec, parsed, text, empty, participant_ids, problems, model.censored_exits)
    valid = np.ones(len(parsed), dtype=bool)
    valid[problems.positions()] = False
    holder = [parsed]  # memory: only the parsed values are needed from here on, and
    del text, parsed  # each only until typed
    _release_memory()
    data = _typed(spec, holder, valid)
    if "programme" in absent:
        data = constant_programme(data, full, model)
    return LoadResult(
        data=data,
        rejected=_hide_values(problems.frame(), ids),
        n_read=n_read,
        source=source.path,
        sha256=digest.result(),
        table_name=table,
        dropped_identifiers=tuple(i.column for i in identifiers),
        dropped_columns=extra,
        identifier_columns=identifiers,
        mapped_columns=mapped,
        mapped_labels=labels.frame(),
        eligibility=(
            _count_outside(data, checkable_model(model, absent))
            if table == "participants" else None
        ),
        model=model,
        missing_optional=absent,
        constant_programme=model.constant_programme if "programme" in absent else None,
        notes=load_notes(table, absent, model),
    )


def _model(model: DataModel | None, table: str) -> DataModel:
    """The data model of a load (the shipped one by default), checked."""
    model = check_model(model)
    if table == "questionnaire" and model.scale is None:
        raise ValueError(
            "model has no questionnaire scale (model.scale is None), so the questionnaire's "
            "item columns are unknown; give the data model a scale (scale: {items: [...], "
            "response_min: 1, response_max: 4} in the study file)."
        )
    return model


def _date_rules(extraction_date: str | date | pd.Timestamp | None) -> _DateRules:
    """The date rules of a load: dates after ``extraction_date`` (default today) are
    rejected."""
    if extraction_date is None:
        return _DateRules(pd.Timestamp.today().normalize())
    return _DateRules(check_date(extraction_date, name="extraction_date"))


def _check_flat(source: _Source, raw: _Raw, spec: Table, model: DataModel) -> None:
    """Raise ``DataError`` if a dictionary column is nested (Parquet list, struct, map)."""
    names = [_column_name(c, spec, model.aliases) for c in raw.nested]
    nested = [name for name, how in names if how is not None]
    if nested:
        raise DataError(
            f"{source.label}: column(s) {nested} hold nested values (lists, structs or maps); "
            "expected flat columns with one text, number, boolean or date value per cell. "
            "Flatten them before exporting (one column per field, one row per item)."
        )


def guess_table(
    path: str | Path | IO, *, sheet: str | None = None, model: DataModel | None = None
) -> str:
    """Name the dictionary table whose columns a file's header matches best.

    Only the header is read. Column names are normalised and mapped by the model's
    aliases as by :func:`load_table`. The best table has the largest share of its
    required columns in the header (ties: of all its columns), as optional columns may
    be absent.

    Parameters
    ----------
    path : str, Path or file-like
        The file (see :func:`load_table`).
    sheet : str, optional
        Excel sheet name (default: the first sheet).
    model : DataModel, optional
        The data model (default: the shipped data's); its aliases map the names, its
        scale gives the questionnaire's items (without one, no file is a questionnaire).

    Returns
    -------
    str
        ``"participants"``, ``"questionnaire"`` or ``"costs"``.

    Raises
    ------
    DataError
        If the file cannot be read, or no table has at least half of its required
        columns in the header.
    TypeError
        If ``model`` is not a DataModel.

    Examples
    --------
    >>> import io
    >>> items = ",".join(f"rse_{i:02d}" for i in range(1, 11))
    >>> guess_table(io.StringIO(f"Participant ID,Wave,Response date,{items}\\n"))
    'questionnaire'
    """
    model = _model(model, "participants")
    source = _Source.of(path)
    labels = _read(source, sheet, header_only=True).frame.columns
    overlap = {}
    for name in TABLES:
        if name == "questionnaire" and model.scale is None:
            continue
        spec = model.table(name)
        found = {_column_name(c, spec, model.aliases)[0] for c in labels}
        required = set(model.required_columns(name))  # optional columns may be absent
        overlap[name] = (len(found & required) / len(required),
                         len(found & set(spec.names)) / len(spec.names))
    best = max(overlap, key=overlap.get)
    if overlap[best][0] < 0.5:
        raise DataError(
            f"{source.label}: its columns match no table of the data dictionary; pass the "
            f"table ({', '.join(TABLES)}; --table on the command line) to see which columns "
            "are missing."
        )
    return best


#: The parameters and errors the table loaders share, filled into their docstrings.
_LOADER_DOC = {
    "path_and_sheet": """path : str, Path or file-like
        A ``.csv``, ``.xlsx`` or ``.parquet`` file, or a stream (see :func:`load_table`).
    sheet : str, optional
        Excel sheet name (default: the first sheet).""",
    "file_errors": """DataError
        For file-level problems (see :func:`load_table`).""",
    "extraction_date": """extraction_date : str, datetime.date or Timestamp, optional
        The day the data were extracted (default: today). Dates after it are rejected,
        as are dates before 1990-01-01 and Excel's zero date (1899-12-30).""",
    "model": """model : DataModel, optional
        The study's data model (default: the shipped data's): programmes, levels, exit
        types, ranges, rules and aliases (see :func:`load_table`).""",
}


def _loader_doc(loader):
    """Fill the parameters and errors the table loaders share into a loader's docstring."""
    loader.__doc__ = loader.__doc__ % _LOADER_DOC
    return loader


@_loader_doc
def load_participants(
    path: str | Path | IO,
    *,
    sheet: str | None = None,
    extraction_date: str | date | pd.Timestamp | None = None,
    model: DataModel | None = None,
) -> LoadResult:
    """Load and validate a participants file.

    Parameters
    ----------
    %(path_and_sheet)s
    %(extraction_date)s
    %(model)s

    Returns
    -------
    LoadResult
        ``data`` has the columns of :data:`evalkit.data.schema.PARTICIPANTS` plus ``cohort``
        (intake year, ``int64``); ``eligibility`` counts the people outside the model's
        eligibility rules.

    Raises
    ------
    %(file_errors)s
    ValueError
        If ``extraction_date`` is not a date.
    TypeError
        If ``model`` is not a DataModel.

    See Also
    --------
    load_table : the checks, in order.

    Examples
    --------
    >>> import io
    >>> header = (
    ...     "participant_id,programme,site,intake_date,age,gender,migration_background,"
    ...     "education,language_level,months_unemployed,single_parent,mentor_id,mentor_age,"
    ...     "first_meeting_dropout,duo_completed,exit_type,exit_date,follow_up_end\\n"
    ... )
    >>> rows = (
    ...     "P00001, duo for a job ,Brussels,15/03/2021,34.0,female,non-EU,tertiary,B1,12,"
    ...     "nee,M0001,52,no,yes,job_permanent,2021-09-01,2022-03-15\\n"
    ...     "P00002,Team4Job,Ghent,2021-04-01,150,male,EU,primary,A2,3,ja,M0002,40,no,no,"
    ...     "censored,2021-06-01,2022-04-01\\n"
    ... )
    >>> result = load_participants(io.StringIO(header + rows))
    >>> result.n_read, result.n_valid, result.n_rejected
    (2, 1, 1)
    >>> result.rejected[["row", "column", "value"]]
       row     column       value
    0    3        age         150
    1    3  exit_date  2021-06-01
    >>> result.rejected["reason"].tolist()[0]
    'expected a whole number from 16 to 70'
    >>> result.data[["programme", "intake_date", "age", "single_parent", "cohort"]]
           programme intake_date  age  single_parent  cohort
    0  DUO for a JOB  2021-03-15   34          False    2021
    """
    return load_table(
        path, "participants", sheet=sheet, extraction_date=extraction_date, model=model
    )


@_loader_doc
def load_questionnaire(
    path: str | Path | IO,
    *,
    sheet: str | None = None,
    participants: pd.DataFrame | None = None,
    extraction_date: str | date | pd.Timestamp | None = None,
    model: DataModel | None = None,
) -> LoadResult:
    """Load and validate a questionnaire file (one row per participant and wave).

    Parameters
    ----------
    %(path_and_sheet)s
    participants : pandas.DataFrame, optional
        Loaded participants (``load_participants(...).data``); questionnaire rows of
        participants not in it are rejected as orphans.
    %(extraction_date)s
    %(model)s Its scale gives the item columns and their answers.

    Returns
    -------
    LoadResult
        ``data`` has the columns ``participant_id``, ``wave``, ``response_date`` and the
        scale's items, ``Int64`` (missing allowed, else in the response range): with
        the shipped model, those of :data:`evalkit.data.schema.QUESTIONNAIRE`, items
        ``rse_01``..``rse_10`` from 1 to 4.

    Raises
    ------
    %(file_errors)s
    ValueError
        If ``participants`` has no ``participant_id`` column, ``extraction_date`` is
        not a date, or ``model`` has no scale.
    TypeError
        If ``model`` is not a DataModel.

    Examples
    --------
    >>> import io
    >>> items = ",".join(f"rse_{i:02d}" for i in range(1, 11))
    >>> text = (
    ...     f"participant_id,wave,response_date,{items}\\n"
    ...     "P00001,pre,2021-03-15,1,2,3,4,1,2,3,4,1,\\n"
    ...     "P00001,POST,2021-09-15,1,2,3,4,1,2,3,4,1,5\\n"
    ... )
    >>> result = load_questionnaire(io.StringIO(text))
    >>> result.rejected[["row", "column", "value", "reason"]].to_numpy().tolist()
    [[3, 'rse_10', '5', 'expected a whole number from 1 to 4']]
    >>> str(result.data["rse_10"].dtype), result.data["rse_10"].isna().tolist()
    ('Int64', [True])
    """
    if participants is not None:
        check_columns(participants, ["participant_id"], name="participants")
    ids = participants["participant_id"] if participants is not None else None
    return load_table(
        path, "questionnaire", sheet=sheet, participant_ids=ids, extraction_date=extraction_date,
        model=model,
    )


@_loader_doc
def load_costs(
    path: str | Path | IO, *, sheet: str | None = None, model: DataModel | None = None
) -> LoadResult:
    """Load and validate a costs file (one row per programme, site, year and cost item).

    Parameters
    ----------
    %(path_and_sheet)s
    %(model)s

    Returns
    -------
    LoadResult
        ``data`` has the columns of :data:`evalkit.data.schema.COSTS`; ``amount_eur`` is
        ``float64``.

    Raises
    ------
    %(file_errors)s
    TypeError
        If ``model`` is not a DataModel.

    Examples
    --------
    >>> import io
    >>> text = (
    ...     "programme,site,year,cost_item,amount_eur,duos_formed\\n"
    ...     "DUO for a JOB,Antwerp,2021,overhead,1500.25,17\\n"
    ...     "DUO for a JOB,Antwerp,2021,overhead,1500.25,17\\n"
    ... )
    >>> result = load_costs(io.StringIO(text))
    >>> result.n_valid, result.n_rejected
    (0, 2)
    >>> print(result.rejected["reason"].iloc[0])
    duplicate key (programme=DUO for a JOB, site=Antwerp, year=2021, cost_item=overhead) also on row(s) 3
    """  # noqa: E501
    return load_table(path, "costs", sheet=sheet, model=model)
