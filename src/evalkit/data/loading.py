"""Load and validate participant, questionnaire and cost files.

Loading is the only place where raw files are touched. Every loader reads CSV, Excel
(``.xlsx``) or Parquet, checks the file against the data dictionary
(:mod:`evalkit.data.schema`) and returns a :class:`LoadResult`: the valid rows with known
types, and a ``rejected`` table with one entry per problem (file row, column, value,
reason). Nothing is dropped silently: ``n_valid + n_rejected == n_read`` always holds,
where ``n_rejected`` counts distinct rejected rows.

What real exports contain, and what happens to it:

- **column names** are normalised: stripped, lower case, runs of spaces and hyphens
  become ``_`` (``" Intake Date"`` is ``intake_date``). A name that appears twice after
  normalising is a file-level error.
- **direct identifiers** (any column whose normalised name is in
  :data:`evalkit.data.schema.DIRECT_IDENTIFIERS`: name, e-mail, phone, national register
  number, address, date of birth, ...) are dropped with an
  :class:`~evalkit.errors.IdentifierWarning` naming the columns (never their values),
  and recorded in ``dropped_identifiers``; they never reach an analysis.
- **unknown columns** (not in the table's dictionary) are dropped with an
  :class:`~evalkit.errors.EvalkitWarning` naming them, and recorded in
  ``dropped_columns``. They are dropped rather than kept so that a free-text column
  (notes, comments) cannot carry personal data into an output.
- **text cells** are stripped of surrounding spaces; empty or blank cells and the
  markers of :data:`evalkit.data.schema.MISSING_MARKERS` (``NA``, ``N/A``, ``NaN``,
  ``NULL``, ``#N/A``, in any case) are missing, in every file format alike.
- **dates** are accepted as ISO ``2021-03-15``, Belgian day-first ``15/03/2021``,
  ``15-03-2021`` and ``15.03.2021``, each possibly followed by a time of day
  (``15/03/2021 00:00``, ``2021-03-15T09:30:00``; the time is dropped), Excel date
  cells, and Excel serial day numbers from 20000 to 80000 (1954-10-03 to
  2119-01-10, 1900 date system). Month-first dates (``03/15/2021``) and
  two-digit years are never guessed: they are rejected with the value shown.
- **whole numbers** are accepted as ``34``, ``34.0``, ``34,0`` or ``34.00`` (Excel's
  numbers stored as text); ``3 4``, ``34.5`` and ``1.000`` (a thousands separator or
  a decimal?) are rejected. **Numbers** (``amount_eur``) accept one decimal point or
  decimal comma (``1234.50``, ``1234,50``); ``1,234`` is rejected as ambiguous
  (thousands separator or decimal comma), as is any thousands separator.
- **booleans** are accepted as (any case) ``true/false``, ``yes/no``, ``y/n``,
  ``ja/nee``, ``waar/onwaar``, ``oui/non``, ``vrai/faux``, ``1/0``.
- **category labels** are matched ignoring case and runs of white space:
  ``" duo for a job "`` is ``DUO for a JOB``. Nothing else is mapped: ``Duo4Job``,
  ``Team 4 Job`` or ``Liege`` are rejected, naming the allowed labels.
- **fully empty rows** are rejected with reason ``"empty row"`` (counted in
  ``n_read``).
- **duplicated keys** (``participant_id``; ``participant_id, wave`` in a
  questionnaire; ``programme, site, year, cost_item`` in costs): every row sharing the
  key is rejected, whatever else is wrong with it, and the reason names the other rows.
- **participants' dates**: an exit date on or before the intake date (time to exit
  must be positive), after ``follow_up_end``, an end of follow-up before intake, an
  exit date on a ``censored`` row, or none on another exit, are rejected; so is a
  completed duo after a first-meeting dropout.
- **questionnaire**: items must be whole numbers from 1 to 4 or missing; with
  ``participants=``, rows of unknown participants are rejected.

File-level problems raise :class:`~evalkit.errors.DataError` naming the file, the
column(s), what was expected and the fix: missing file, unsupported extension,
unreadable or corrupt file, text that is not UTF-8, unknown sheet (the sheets found
are listed), empty file, a header without data rows, required columns missing (the
missing and the found columns are listed), a column twice.

The range and completeness checks are declared with pandera, built from
:mod:`evalkit.data.schema` (``minimum``/``maximum`` become ``Check.in_range``,
``required`` becomes ``nullable``); its lazy validation reports every failing cell by
index, which is what the ``rejected`` table needs. Parsing text into types (dates in
several formats, booleans in three languages, labels up to case) is done here,
vectorised over the distinct values of each column, because pandera's coercion
rejects a whole column or accepts it, and cannot say which format was expected.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pandera.pandas as pa

from evalkit.data.schema import (
    COSTS,
    DIRECT_IDENTIFIERS,
    MISSING_MARKERS,
    PARTICIPANTS,
    QUESTIONNAIRE,
    Column,
    Table,
)
from evalkit.errors import DataError, EvalkitWarning, IdentifierWarning

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

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
# A time of day after the date ("15/03/2021 00:00", "2021-03-15T09:30:00") is dropped.
_TIME_OF_DAY = r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$"
_DATE_REASON = (
    "expected a date as YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or DD.MM.YYYY (day first), "
    "or an Excel date"
)
# Excel's 1900 date system counts days from 1899-12-31 and wrongly has a 29 February
# 1900; for serials from 61 on, day 0 is therefore 1899-12-30.
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_EXCEL_SERIALS = (20_000, 80_000)  # 1954-10-03 .. 2119-01-10
_TRUE = frozenset({"true", "yes", "y", "ja", "waar", "oui", "vrai", "1", "1.0"})
_FALSE = frozenset({"false", "no", "n", "nee", "onwaar", "non", "faux", "0", "0.0"})
_BOOLEAN_REASON = (
    "expected yes or no (true/false, yes/no, y/n, ja/nee, waar/onwaar, oui/non, vrai/faux, 1/0)"
)
_INTEGER_TEXT = re.compile(r"[+-]?\d+(?:[.,]0{1,2})?")
_INTEGER_REASON = "expected a whole number such as 34 or 34.0 (no spaces or thousands separators)"
_NUMBER_TEXT = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_AMBIGUOUS_NUMBER = re.compile(r"[+-]?\d{1,3},\d{3}")
_NUMBER_REASON = "expected a number such as 1234.50 or 1234,50 (no spaces or thousands separators)"
_AMBIGUOUS_REASON = (
    "ambiguous number: the comma may be a thousands separator or a decimal comma; "
    "write 1234 or 1.234"
)
_REJECTED_COLUMNS = ["row", "column", "value", "reason"]
_FIRST_DATA_LINE = 2  # the header is line 1, as a spreadsheet shows it
_STREAM = "<stream>"


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
        a spreadsheet shows it: the header is line 1, the first data row line 2),
        ``column`` (``""`` for a whole row), ``value`` (the cell as read, stripped, as
        ``str``; ``""`` if empty) and ``reason`` (what was expected). A row with several
        problems has several entries and counts once.
    n_read : int
        Data rows read from the file (below the header), empty rows included.
    source : pathlib.Path or None
        The file, or None for an in-memory stream.
    sha256 : str
        SHA-256 of the file's bytes (of the UTF-8 text for a text stream).
    table : str
        The dictionary table the file was checked against.
    dropped_identifiers : tuple of str
        Direct-identifier columns dropped at load (normalised names; never values).
    dropped_columns : tuple of str
        Columns not in the dictionary, dropped at load.

    Notes
    -----
    ``data`` and ``rejected`` are left out of the repr, so that displaying a result in
    a notebook or a log never prints participants' rows.
    """

    data: pd.DataFrame = field(repr=False)
    rejected: pd.DataFrame = field(repr=False)
    n_read: int
    source: Path | None
    sha256: str
    table: str
    dropped_identifiers: tuple[str, ...]
    dropped_columns: tuple[str, ...]

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
        than :attr:`n_rejected`.
        """
        if self.rejected.empty:
            return pd.DataFrame(
                {
                    "column": pd.Series([], dtype=object),
                    "reason": pd.Series([], dtype=object),
                    "rows": pd.Series([], dtype="int64"),
                }
            )
        return (
            self.rejected.groupby(["column", "reason"], sort=False)["row"]
            .nunique()
            .rename("rows")
            .reset_index()
            .sort_values("rows", ascending=False, kind="stable")
            .reset_index(drop=True)
        )

    def _repr_html_(self) -> str:
        name = self.source.name if self.source is not None else _STREAM
        head = (
            f"<p><b>{name}</b> ({self.table}): {self.n_read} rows read, "
            f"{self.n_valid} valid, {self.n_rejected} rejected.</p>"
        )
        return head + self.summary.to_html(index=False)


def file_sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes, read in 1 MiB blocks.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = pathlib.Path(tmp, "x.csv")
    ...     _ = p.write_bytes(b"abc")
    ...     file_sha256(p)[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Source:
    """A file on disk or the bytes of a stream, with a label for messages."""

    label: str
    suffix: str
    path: Path | None
    content: bytes | None

    @classmethod
    def of(cls, path: str | Path | IO) -> _Source:
        if hasattr(path, "read"):
            start = path.tell() if path.seekable() else None
            content = path.read()
            if start is not None:
                path.seek(start)
            if isinstance(content, str):
                content = content.encode("utf-8")
            label = str(getattr(path, "name", _STREAM))
            if content.startswith(b"PK\x03\x04"):
                suffix = ".xlsx"
            elif content.startswith(b"PAR1"):
                suffix = ".parquet"
            else:
                suffix = ".csv"
            return cls(label, suffix, None, content)
        path = Path(path)
        return cls(str(path), path.suffix.lower(), path, None)

    def open(self) -> Path | io.BytesIO:
        return self.path if self.path is not None else io.BytesIO(self.content)

    def sha256(self) -> str:
        if self.path is not None:
            return file_sha256(self.path)
        return hashlib.sha256(self.content).hexdigest()


def _read(source: _Source, sheet: str | None, *, header_only: bool = False) -> pd.DataFrame:
    """Read a file as text (CSV) or raw cell values (Excel, Parquet)."""
    where = source.label
    if source.path is not None and not source.path.is_file():
        what = "is a directory, not a file" if source.path.is_dir() else "file not found"
        raise DataError(f"{where}: {what}; check the path (relative paths start at {Path.cwd()}).")
    suffix = source.suffix
    if suffix not in {".csv", ".txt", ".xlsx", ".xlsm", ".parquet"}:
        hint = " (open it in Excel and save it as .xlsx)" if suffix == ".xls" else ""
        raise DataError(
            f"{where}: unsupported file type {suffix!r}; expected .csv, .xlsx or .parquet{hint}."
        )
    if sheet is not None and suffix not in {".xlsx", ".xlsm"}:
        raise DataError(
            f"{where}: sheet={sheet!r} was given but a {suffix[1:]} file has no sheets; "
            "leave the sheet out."
        )
    try:
        if suffix in {".csv", ".txt"}:
            return _read_csv(source, header_only)
        if suffix in {".xlsx", ".xlsm"}:
            import openpyxl

            book = openpyxl.load_workbook(source.open(), read_only=True)
            sheets = book.sheetnames
            book.close()
            if sheet is not None and sheet not in sheets:
                raise DataError(
                    f"{where}: no sheet {sheet!r}; the sheets are {sheets}. "
                    "Pass one of them as sheet (--sheet on the command line)."
                )
            return pd.read_excel(
                source.open(),
                sheet_name=sheet or sheets[0],
                dtype=object,
                keep_default_na=False,  # the same missing markers as CSV (_clean_cell)
                na_values=[""],
                nrows=0 if header_only else None,
            )
        frame = pd.read_parquet(source.open())
        return frame.iloc[:0] if header_only else frame
    except DataError:
        raise
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start}); re-export the file "
            "as CSV UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)')."
        ) from exc
    except Exception as exc:  # a corrupt file: name it and the reader's complaint
        raise DataError(
            f"{where}: could not be read as {suffix[1:]} ({type(exc).__name__}: {exc}); "
            f"check that the file is a complete {suffix[1:]} export."
        ) from exc


def _read_csv(source: _Source, header_only: bool) -> pd.DataFrame:
    """A CSV file as strings: comma or semicolon separated (guessed from the header)."""
    handle = (
        io.TextIOWrapper(source.open(), encoding="utf-8-sig", newline="")
        if (source.path is None)
        else open(source.path, encoding="utf-8-sig", newline="")
    )
    with handle:
        header = handle.readline()
        if not header.strip():
            raise DataError(
                f"{source.label}: the file is empty; expected a header row (line 1) and data rows."
            )
        sep = ";" if header.count(";") > header.count(",") else ","
        names = next(csv.reader([header], delimiter=sep))
        handle.seek(0)
        frame = pd.read_csv(
            handle,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            nrows=0 if header_only else None,
        )
    if len(names) == frame.shape[1]:
        frame.columns = names  # undo pandas' renaming of duplicated names to "x.1"
    return frame


def _normalise_name(name: object) -> str:
    """Column name as ASCII snake_case: ``" Intake Date"`` is ``intake_date``, ``Prénom`` is
    ``prenom``."""
    folded = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[\s\-]+", "_", folded.strip().lower()).strip("_")


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
class _Cells:
    """A column as stripped text: codes into distinct cleaned values (-1 = missing)."""

    codes: np.ndarray
    uniques: pd.Series  # ``string`` dtype; entries no code points to may be missing

    @classmethod
    def of(cls, s: pd.Series) -> _Cells:
        """Clean each distinct value once (one factorisation per column)."""
        codes, uniques = pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=True)
        cleaned = pd.array([_clean_cell(v) for v in uniques], dtype="string")
        blank = np.append(cleaned.isna(), True)  # index -1 (missing) stays missing
        codes = np.where(blank[codes], -1, codes)
        return cls(codes, pd.Series(cleaned, dtype="string"))

    @property
    def missing(self) -> np.ndarray:
        return self.codes < 0

    def text(self) -> pd.Series:
        return pd.Series(self.uniques.array.take(self.codes, allow_fill=True))


# --------------------------------------------------------------------------- problems


class _Problems:
    """Collects rejected entries as (row position, column, value, reason).

    Positions are the row labels of the file's RangeIndex (0 = first data row).
    """

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, str, np.ndarray, str]] = []

    def add(self, positions, column: str, values: pd.Series | None, reason: str) -> None:
        positions = np.asarray(positions, dtype=np.int64)
        if len(positions) == 0:
            return
        shown = (
            values.reindex(positions).astype("string").fillna("").to_numpy(dtype=object)
            if values is not None
            else np.full(len(positions), "", dtype=object)
        )
        self.parts.append((positions, column, shown, reason))

    def positions(self) -> np.ndarray:
        return np.concatenate([p[0] for p in self.parts] or [np.array([], np.int64)])

    def frame(self) -> pd.DataFrame:
        n = [len(p[0]) for p in self.parts]
        found = pd.DataFrame(
            {
                "row": self.positions() + _FIRST_DATA_LINE,
                "column": np.repeat(np.array([p[1] for p in self.parts], dtype=object), n),
                "value": np.concatenate([p[2] for p in self.parts] or [np.array([], object)]),
                "reason": np.repeat(np.array([p[3] for p in self.parts], dtype=object), n),
            }
        )
        return (
            found.astype({"row": "int64", "column": object, "value": object, "reason": object})
            .sort_values(["row", "column"], kind="stable")
            .reset_index(drop=True)[_REJECTED_COLUMNS]
        )


# --------------------------------------------------------------------------- parsing


def _parse_dates(text: pd.Series) -> pd.Series:
    """Dates from text in the accepted formats or Excel serial day numbers.

    Excel date cells arrive as timestamps, whose text is ``YYYY-MM-DD HH:MM:SS``.
    """
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    numbers = pd.to_numeric(text.where(text.str.fullmatch(r"\d+(?:\.0+)?")), errors="coerce")
    serial = (numbers.between(*_EXCEL_SERIALS) & (numbers % 1 == 0)).fillna(False)
    if serial.any():
        days = numbers[serial].astype("int64").to_numpy()
        out[serial.to_numpy(bool)] = _EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
    day = text.str.replace(_TIME_OF_DAY, "", regex=True)
    todo = text.notna() & out.isna()
    for fmt in _DATE_FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(day[todo], format=fmt, errors="coerce").dropna()
        out[parsed.index] = parsed
        todo = text.notna() & out.isna()
    return out


def _parse_unique(column: Column, text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse distinct cell texts (``string`` dtype).

    Returns the values (missing where unparseable) and the reason for each
    unparseable text (missing where the text parsed or was missing).
    """
    reason = pd.Series(pd.NA, index=text.index, dtype=object)
    if column.kind == "id":
        return text, reason
    if column.kind == "category":
        canonical = {re.sub(r"\s+", " ", a).casefold(): a for a in column.allowed}
        key = text.str.replace(r"\s+", " ", regex=True).str.casefold()
        value = key.map(canonical).astype("string")
        bad_reason = f"expected one of {list(column.allowed)} (case and spaces are ignored)"
    elif column.kind == "boolean":
        key = text.str.casefold()
        value = pd.Series(pd.NA, index=text.index, dtype="boolean")
        value[key.isin(_TRUE).fillna(False).to_numpy(bool)] = True
        value[key.isin(_FALSE).fillna(False).to_numpy(bool)] = False
        bad_reason = _BOOLEAN_REASON
    elif column.kind in {"integer", "number"}:
        pattern = _INTEGER_TEXT if column.kind == "integer" else _NUMBER_TEXT
        ok = text.str.fullmatch(pattern).fillna(False).to_numpy(bool)
        if column.kind == "number":
            ambiguous = text.str.fullmatch(_AMBIGUOUS_NUMBER).fillna(False).to_numpy(bool)
            ok &= ~ambiguous
            reason[ambiguous] = _AMBIGUOUS_REASON
        number = text.where(ok).str.replace(",", ".", regex=False)
        value = pd.to_numeric(number, errors="coerce").astype("Float64")
        bad_reason = _INTEGER_REASON if column.kind == "integer" else _NUMBER_REASON
    elif column.kind == "date":
        value = _parse_dates(text)
        bad_reason = _DATE_REASON
    else:
        raise ValueError(
            f"unknown column kind {column.kind!r} for {column.name!r} in the data dictionary; "
            "expected id, category, integer, number, boolean or date."
        )
    bad = (value.isna() & text.notna()).to_numpy(bool)
    reason[bad & reason.isna().to_numpy(bool)] = bad_reason
    return value, reason


def _parse_column(column: Column, cells: _Cells, text: pd.Series, problems: _Problems) -> pd.Series:
    """Parse one column to its logical type, once per distinct value; cells that
    cannot be parsed become missing and a problem."""
    values, reasons = _parse_unique(column, cells.uniques)
    codes = cells.codes
    reason_codes, reason_labels = pd.factorize(reasons, use_na_sentinel=True)
    cell_reason = np.append(reason_codes, -1)[codes]  # code -1 (missing) has no reason
    for k, reason in enumerate(reason_labels):
        problems.add(np.flatnonzero(cell_reason == k), column.name, text, reason)
    return pd.Series(values.array.take(codes, allow_fill=True), index=text.index)


def _pandera_schema(table: Table) -> pa.DataFrameSchema:
    """The declarative per-column checks of a dictionary table, built from the schema."""
    columns = {}
    for column in table.columns:
        checks = []
        if column.minimum is not None or column.maximum is not None:
            low = -np.inf if column.minimum is None else column.minimum
            high = np.inf if column.maximum is None else column.maximum
            checks.append(pa.Check.in_range(low, high))
        columns[column.name] = pa.Column(checks=checks, nullable=not column.required)
    return pa.DataFrameSchema(columns)


def _range_reason(column: Column) -> str:
    what = "a whole number" if column.kind == "integer" else "a number"
    if column.maximum is None:
        return f"expected {what} of at least {column.minimum:g}"
    if column.minimum is None:
        return f"expected {what} of at most {column.maximum:g}"
    return f"expected {what} from {column.minimum:g} to {column.maximum:g}"


def _schema_problems(
    table: Table, parsed: pd.DataFrame, text: pd.DataFrame, problems: _Problems
) -> None:
    try:
        with warnings.catch_warnings():
            # pandera 0.35 concatenates all-NA failure cases, which pandas 2.3 flags as
            # deprecated; the result is unaffected.
            warnings.filterwarnings(
                "ignore", "The behavior of DataFrame concatenation", FutureWarning
            )
            _pandera_schema(table).validate(parsed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.dropna(subset=["index"])
        for (name, check), group in cases.groupby(["column", "check"], sort=False):
            column = table[name]
            positions = group["index"].astype("int64").to_numpy()
            if check == "not_nullable":
                # Cells that were present but unparseable are already reported.
                positions = positions[text[name].reindex(positions).isna().to_numpy()]
                problems.add(positions, name, None, "missing value (required)")
            else:
                problems.add(positions, name, text[name], _range_reason(column))


def _lines_text(positions: np.ndarray) -> str:
    lines = [str(p + _FIRST_DATA_LINE) for p in positions[:5]]
    return ", ".join(lines) + (", ..." if len(positions) > 5 else "")


def _show(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _duplicate_problems(
    table: Table, parsed: pd.DataFrame, text: pd.DataFrame, candidates: np.ndarray, problems
) -> None:
    """Reject every row whose key is shared with another (non-empty) row."""
    key = list(table.key)
    keyed = parsed.loc[candidates & parsed[key].notna().all(axis=1).to_numpy(), key]
    keyed = keyed[keyed.duplicated(keep=False)]
    if keyed.empty:
        return
    column = ", ".join(key)
    shown = text[key[0]] if len(key) == 1 else text[key].fillna("").agg(", ".join, axis=1)
    for values, index in keyed.groupby(key, sort=False).indices.items():
        positions = keyed.index.to_numpy()[index]
        values = values if isinstance(values, tuple) else (values,)
        label = ", ".join(f"{k}={_show(v)}" for k, v in zip(key, values, strict=True))
        for p in positions:
            others = _lines_text(positions[positions != p])
            problems.add([p], column, shown, f"duplicate key ({label}) also on row(s) {others}")


def _participant_rules(parsed: pd.DataFrame, text: pd.DataFrame, problems: _Problems) -> None:
    text = text.loc[parsed.index]
    intake, exit_, end = parsed["intake_date"], parsed["exit_date"], parsed["follow_up_end"]
    censored = parsed["exit_type"] == "censored"
    rules = [
        ("exit_date", exit_ <= intake, "exit date is on or before the intake date"),
        ("exit_date", exit_ > end, "exit date is after the end of follow-up (follow_up_end)"),
        ("follow_up_end", end < intake, "end of follow-up is before the intake date"),
        (
            "exit_date",
            censored & exit_.notna(),
            "a censored row ('still searching') has an exit date; empty it or set exit_type",
        ),
        (
            "exit_date",
            ~censored & parsed["exit_type"].notna() & exit_.isna() & text["exit_date"].isna(),
            "an exit other than 'censored' needs an exit date",
        ),
        (
            "duo_completed",
            parsed["first_meeting_dropout"].eq(True) & parsed["duo_completed"].eq(True),
            "a duo cannot be completed after a first-meeting dropout",
        ),
    ]
    for name, mask, reason in rules:
        hit = parsed.index[mask.fillna(False).to_numpy(bool)].to_numpy()
        problems.add(hit, name, text[name], reason)


def _typed(table: Table, parsed: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for column in table.columns:
        s = parsed[column.name]
        if column.kind == "category":
            out[column.name] = pd.Categorical(s.astype(object), categories=list(column.allowed))
        elif column.kind == "id":
            out[column.name] = s.astype(object).astype(str)
        elif column.kind == "boolean":
            out[column.name] = s.astype(bool)
        elif column.kind == "integer":
            out[column.name] = s.astype("int64") if column.required else s.astype("Int64")
        elif column.kind == "number":
            out[column.name] = s.astype("float64")
        else:
            out[column.name] = s.astype("datetime64[ns]")
    data = pd.DataFrame(out)
    if table is PARTICIPANTS:
        data["cohort"] = data["intake_date"].dt.year.astype("int64")
    return data


def _columns(source: _Source, raw: pd.DataFrame, spec: Table):
    """Normalise names; return (identifiers, extra columns) after file-level checks."""
    where = source.label
    if raw.shape[1] == 0:
        raise DataError(f"{where}: the sheet is empty; expected a header row (row 1) and data.")
    names = [_normalise_name(c) for c in raw.columns]
    seen, twice = set(), []
    for name in names:
        if name in seen and name not in twice:
            twice.append(name)
        seen.add(name)
    if twice:
        raise DataError(
            f"{where}: column(s) {twice} appear more than once (after normalising names to "
            "snake_case); keep one of each."
        )
    raw.columns = names
    identifiers = tuple(c for c in names if c in DIRECT_IDENTIFIERS)
    if identifiers:
        warnings.warn(
            f"{Path(where).name}: dropped direct-identifier column(s) {list(identifiers)}; "
            "they are never used by evalkit. Remove them from exports to avoid handling them.",
            IdentifierWarning,
            stacklevel=4,
        )
    missing = [c for c in spec.names if c not in names]
    if missing:
        found = [c for c in names if c not in identifiers]
        hint = (
            " The header does not seem to be on row 1: remove the rows above it."
            if sum(c.startswith("unnamed") for c in found) * 2 >= len(found)
            else " Rename the columns as in evaldata/README.md, or check --table/sheet."
        )
        raise DataError(
            f"{where}: required column(s) {missing} missing for the {spec.name} table; the "
            f"file has columns {found}.{hint}"
        )
    extra = tuple(c for c in names if c not in spec.names and c not in identifiers)
    if extra:
        warnings.warn(
            f"{Path(where).name}: column(s) {list(extra)} are not in the {spec.name} data "
            "dictionary and were dropped.",
            EvalkitWarning,
            stacklevel=4,
        )
    return identifiers, extra


# --------------------------------------------------------------------------- public API


def load_table(
    path: str | Path | IO,
    table: str,
    *,
    sheet: str | None = None,
    participant_ids: pd.Series | None = None,
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

    Returns
    -------
    LoadResult
        ``data`` (valid rows, typed), ``rejected`` (row, column, value, reason),
        ``n_read``, ``source``, ``sha256``, ``table``, ``dropped_identifiers``,
        ``dropped_columns``; properties ``n_valid``, ``n_rejected``, ``summary``.

    Raises
    ------
    DataError
        If the file cannot be used as a whole: missing, unreadable or corrupt, not
        UTF-8, unsupported type, unknown sheet, empty, no data rows, a column twice, or
        required columns missing.
    ValueError
        If ``table`` is not a dictionary table.

    Warns
    -----
    IdentifierWarning
        When direct-identifier columns were dropped (names only, never values).
    EvalkitWarning
        When columns not in the dictionary were dropped.

    Notes
    -----
    The checks, in order: empty rows; parsing each column to its type (see the module
    documentation for the accepted spellings); ranges and required values (pandera,
    from :mod:`evalkit.data.schema`); participants' date and programme rules; orphans
    (``participant_ids``); duplicated keys over all non-empty rows. Every check is
    vectorised over the column (text parsing runs once per distinct value), so a
    million-row participants file loads in seconds.

    References
    ----------
    pandera ``DataFrameSchema.validate(lazy=True)`` for the failure cases; Excel's 1900
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
    if table not in TABLES:
        raise ValueError(
            f"table must be one of {sorted(TABLES)}, but was {table!r}; pass the table the "
            "file holds."
        )
    spec = TABLES[table]
    source = _Source.of(path)
    raw = _read(source, sheet)
    identifiers, extra = _columns(source, raw, spec)
    raw = raw[list(spec.names)].reset_index(drop=True)
    if len(raw) == 0:
        raise DataError(
            f"{source.label}: no data rows below the header; expected at least one row."
        )

    problems = _Problems()
    cells = {c: _Cells.of(raw[c]) for c in spec.names}
    text = pd.DataFrame({c: cells[c].text() for c in spec.names})
    empty = np.logical_and.reduce([cells[c].missing for c in spec.names])
    problems.add(np.flatnonzero(empty), "", None, "empty row")
    parsed = pd.DataFrame(
        {c.name: _parse_column(c, cells[c.name], text[c.name], problems) for c in spec.columns}
    )
    parsed_ok = parsed[~empty]
    _schema_problems(spec, parsed_ok, text, problems)
    if table == "participants":
        _participant_rules(parsed_ok, text, problems)
    if participant_ids is not None and "participant_id" in spec.names:
        known = pd.Index(pd.Series(participant_ids, dtype=object).astype(str))
        ids = parsed_ok["participant_id"]
        orphan = ids.notna() & ~ids.isin(known)
        problems.add(
            orphan[orphan].index.to_numpy(),
            "participant_id",
            text["participant_id"],
            "participant_id not found in the participants file",
        )
    _duplicate_problems(spec, parsed, text, ~empty, problems)

    rejected = problems.frame()
    valid = np.ones(len(raw), dtype=bool)
    valid[problems.positions()] = False
    return LoadResult(
        data=_typed(spec, parsed[valid].reset_index(drop=True)),
        rejected=rejected,
        n_read=len(raw),
        source=source.path,
        sha256=source.sha256(),
        table=table,
        dropped_identifiers=identifiers,
        dropped_columns=extra,
    )


def guess_table(path: str | Path | IO, *, sheet: str | None = None) -> str:
    """Name the dictionary table whose columns a file's header matches best.

    Only the header is read. Column names are normalised as by :func:`load_table`.

    Parameters
    ----------
    path : str, Path or file-like
        The file (see :func:`load_table`).
    sheet : str, optional
        Excel sheet name (default: the first sheet).

    Returns
    -------
    str
        ``"participants"``, ``"questionnaire"`` or ``"costs"``.

    Raises
    ------
    DataError
        If the file cannot be read, or no table has at least half of its columns in
        the header.

    Examples
    --------
    >>> import io
    >>> items = ",".join(f"rse_{i:02d}" for i in range(1, 11))
    >>> guess_table(io.StringIO(f"Participant ID,Wave,Response date,{items}\\n"))
    'questionnaire'
    """
    source = _Source.of(path)
    found = {_normalise_name(c) for c in _read(source, sheet, header_only=True).columns}
    overlap = {name: len(found & set(t.names)) / len(t.names) for name, t in TABLES.items()}
    best = max(overlap, key=overlap.get)
    if overlap[best] < 0.5:
        raise DataError(
            f"{source.label}: its columns match no table of the data dictionary; pass the "
            f"table ({', '.join(TABLES)}; --table on the command line) to see which columns "
            "are missing."
        )
    return best


def load_participants(path: str | Path | IO, *, sheet: str | None = None) -> LoadResult:
    """Load and validate a participants file.

    Parameters
    ----------
    path : str, Path or file-like
        A ``.csv``, ``.xlsx`` or ``.parquet`` file (see :func:`load_table`).
    sheet : str, optional
        Excel sheet name (default: the first sheet).

    Returns
    -------
    LoadResult
        ``data`` has the columns of :data:`evalkit.data.schema.PARTICIPANTS` plus ``cohort``
        (intake year, ``int64``).

    Raises
    ------
    DataError
        For file-level problems (see :func:`load_table`).

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
    return load_table(path, "participants", sheet=sheet)


def load_questionnaire(
    path: str | Path | IO,
    *,
    sheet: str | None = None,
    participants: pd.DataFrame | None = None,
) -> LoadResult:
    """Load and validate a questionnaire file (one row per participant and wave).

    Parameters
    ----------
    path : str, Path or file-like
        A ``.csv``, ``.xlsx`` or ``.parquet`` file (see :func:`load_table`).
    sheet : str, optional
        Excel sheet name (default: the first sheet).
    participants : pandas.DataFrame, optional
        Loaded participants (``load_participants(...).data``); questionnaire rows of
        participants not in it are rejected as orphans.

    Returns
    -------
    LoadResult
        ``data`` has the columns of :data:`evalkit.data.schema.QUESTIONNAIRE`; the items
        ``rse_01``..``rse_10`` are ``Int64`` (missing allowed, else 1 to 4).

    Raises
    ------
    DataError
        For file-level problems (see :func:`load_table`).

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
    ids = participants["participant_id"] if participants is not None else None
    return load_table(path, "questionnaire", sheet=sheet, participant_ids=ids)


def load_costs(path: str | Path | IO, *, sheet: str | None = None) -> LoadResult:
    """Load and validate a costs file (one row per programme, site, year and cost item).

    Parameters
    ----------
    path : str, Path or file-like
        A ``.csv``, ``.xlsx`` or ``.parquet`` file (see :func:`load_table`).
    sheet : str, optional
        Excel sheet name (default: the first sheet).

    Returns
    -------
    LoadResult
        ``data`` has the columns of :data:`evalkit.data.schema.COSTS`; ``amount_eur`` is
        ``float64``.

    Raises
    ------
    DataError
        For file-level problems (see :func:`load_table`).

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
    return load_table(path, "costs", sheet=sheet)
