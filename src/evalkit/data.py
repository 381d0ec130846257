"""Load and validate participant, questionnaire and cost files.

Loading is the only place where raw files are touched. Every loader reads CSV, Excel
(``.xlsx``) or Parquet, checks the file against the data dictionary
(:mod:`evalkit.schema`) and returns a :class:`LoadResult`: the valid rows with known
types, and a ``rejected`` table with one entry per problem (file row, column, value,
reason). Nothing is dropped silently: ``n_valid + n_rejected == n_read`` always holds.

What real exports contain, and what happens to it:

- column names in other cases or with spaces (``Intake Date``) are normalised to
  snake_case; columns not in the dictionary are dropped with an
  :class:`~evalkit.errors.EvalkitWarning`; direct identifiers (name, e-mail, phone,
  national register number, …: :data:`evalkit.schema.DIRECT_IDENTIFIERS`) are dropped
  with an :class:`~evalkit.errors.IdentifierWarning` and never reach an analysis;
- text cells are stripped of surrounding spaces; empty cells are missing;
- dates are accepted as ISO ``2021-03-15``, Belgian day-first ``15/03/2021``,
  ``15-03-2021`` and ``15.03.2021``, Excel date cells and Excel serial day numbers;
  month-first dates are never guessed;
- integers written as text (``"34"``, ``"34.0"``, ``"34,0"``) are accepted;
  ``"3 4"`` or ``"34.5"`` are rejected;
- booleans as ``true/false``, ``yes/no``, ``ja/nee``, ``oui/non``, ``1/0``;
- category labels are matched ignoring case and repeated spaces
  (``" duo for a job "`` is ``DUO for a JOB``); anything else is rejected;
- fully empty rows, duplicated keys (every row sharing the key is rejected) and
  inconsistent dates (exit before intake, exit after the end of follow-up, an exit
  date on a censored row or none on an exit) are rejected with the reason.

File-level problems (missing or unreadable file, unknown format or sheet, missing
columns, no rows) raise :class:`~evalkit.errors.DataError`, naming the file, the
column(s) and what was expected. The per-column range, category and completeness
checks are declared with pandera, built from :mod:`evalkit.schema`; its lazy
validation reports every failing cell, which is what the ``rejected`` table needs.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from evalkit.errors import DataError, EvalkitWarning, IdentifierWarning
from evalkit.schema import COSTS, DIRECT_IDENTIFIERS, PARTICIPANTS, QUESTIONNAIRE, Column, Table

__all__ = [
    "LoadResult",
    "file_sha256",
    "guess_table",
    "load_costs",
    "load_participants",
    "load_questionnaire",
    "load_table",
]

TABLES = {t.name: t for t in (PARTICIPANTS, QUESTIONNAIRE, COSTS)}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_EXCEL_SERIALS = (20_000, 80_000)  # 1954-10-03 .. 2119-01-10
_TRUE = {"true", "yes", "y", "ja", "j", "oui", "o", "1", "1.0", "waar", "vrai"}
_FALSE = {"false", "no", "n", "nee", "non", "0", "0.0", "onwaar", "faux"}
_INTEGER_TEXT = re.compile(r"^[+-]?\d+(?:[.,]0*)?$")
_NUMBER_TEXT = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_REJECTED_COLUMNS = ["row", "column", "value", "reason"]


@dataclass(frozen=True)
class LoadResult:
    """The outcome of loading one file.

    Attributes
    ----------
    data : pandas.DataFrame
        The valid rows, index 0..n-1, with the dictionary's columns and types: ids as
        ``str``, categories as ``Categorical`` (categories in dictionary order),
        integers as ``int64`` (``Int64`` where missing values are allowed), numbers as
        ``float64``, booleans as ``bool``, dates as ``datetime64[ns]``. Participants
        also get ``cohort`` (intake year, ``int64``).
    rejected : pandas.DataFrame
        One entry per problem: ``row`` (line number in the file as a spreadsheet shows
        it: the header is line 1), ``column``, ``value`` (as read) and ``reason``. A row
        with several problems has several entries.
    n_read : int
        Rows read from the file (after the header), including empty rows.
    source : pathlib.Path
        The file.
    sha256 : str
        SHA-256 of the file's bytes.
    table : str
        Which dictionary table the file was checked against.
    dropped_identifiers : tuple of str
        Direct-identifier columns dropped at load.
    dropped_columns : tuple of str
        Columns not in the dictionary, dropped at load.
    """

    # Row-level tables stay out of the repr, so that displaying a result in a notebook
    # or a log never prints participants' rows.
    data: pd.DataFrame = field(repr=False)
    rejected: pd.DataFrame = field(repr=False)
    n_read: int
    source: Path
    sha256: str
    table: str
    dropped_identifiers: tuple[str, ...]
    dropped_columns: tuple[str, ...]

    @property
    def n_valid(self) -> int:
        """Number of valid rows."""
        return len(self.data)

    @property
    def n_rejected(self) -> int:
        """Number of rejected rows (each counted once)."""
        return int(self.rejected["row"].nunique())

    @property
    def summary(self) -> pd.DataFrame:
        """Rejected rows by column and reason (``column``, ``reason``, ``rows``)."""
        if self.rejected.empty:
            return pd.DataFrame({"column": [], "reason": [], "rows": []}).astype({"rows": "int64"})
        return (
            self.rejected.groupby(["column", "reason"], sort=False)["row"]
            .nunique()
            .rename("rows")
            .reset_index()
            .sort_values("rows", ascending=False, kind="stable")
            .reset_index(drop=True)
        )

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>{self.source.name}</b> ({self.table}): {self.n_read} rows read, "
            f"{self.n_valid} valid, {self.n_rejected} rejected.</p>"
        )
        return head + self.summary.to_html(index=False)


def file_sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _normalise_name(name: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower()).strip("_")


def _read(path: Path, sheet: str | None) -> pd.DataFrame:
    """Read a file as strings (CSV) or raw cell values (Excel, Parquet)."""
    if not path.exists():
        raise DataError(
            f"{path}: file not found; check the path (relative paths start at {Path.cwd()})."
        )
    suffix = path.suffix.lower()
    try:
        if suffix in {".csv", ".txt"}:
            if sheet is not None:
                raise DataError(f"{path}: sheet={sheet!r} was given but a CSV file has no sheets.")
            with open(path, encoding="utf-8-sig") as handle:
                header = handle.readline()
            if not header.strip():
                raise DataError(f"{path}: the file is empty; expected a header row and data rows.")
            sep = ";" if header.count(";") > header.count(",") else ","
            return pd.read_csv(
                path,
                sep=sep,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                encoding="utf-8-sig",
            )
        if suffix in {".xlsx", ".xlsm"}:
            import openpyxl

            book = openpyxl.load_workbook(path, read_only=True)
            sheets = book.sheetnames
            book.close()
            if sheet is not None and sheet not in sheets:
                raise DataError(f"{path}: no sheet {sheet!r}; the sheets are {sheets}.")
            return pd.read_excel(path, sheet_name=sheet or sheets[0], dtype=object)
        if suffix == ".parquet":
            if sheet is not None:
                raise DataError(
                    f"{path}: sheet={sheet!r} was given but a Parquet file has no sheets."
                )
            return pd.read_parquet(path)
    except DataError:
        raise
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); re-export the file "
            "as UTF-8 CSV."
        ) from exc
    except Exception as exc:  # a corrupt file: name it and the reader's complaint
        raise DataError(
            f"{path}: could not be read as {suffix[1:]} ({type(exc).__name__}: {exc})."
        ) from exc
    raise DataError(f"{path}: unsupported file type {suffix!r}; expected .csv, .xlsx or .parquet.")


def _clean_cell(v: object) -> object:
    """A cell as stripped text; missing if empty; whole floats without ``.0``."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return pd.NA
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    text = str(v).strip()
    return text if text else pd.NA


def _as_text(s: pd.Series) -> pd.Series:
    """Cells as stripped text (``string`` dtype), computed once per distinct value."""
    codes, uniques = pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=True)
    cleaned = pd.array([_clean_cell(v) for v in uniques], dtype="string")
    return pd.Series(cleaned.take(codes, allow_fill=True), index=s.index)


class _Problems:
    """Collects rejected entries as (row position, column, value, reason).

    Positions are the row labels of the file's RangeIndex (0 = first data row).
    """

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, str, np.ndarray, str]] = []

    def add(self, positions: np.ndarray, column: str, values: pd.Series | None, reason: str):
        if len(positions) == 0:
            return
        shown = (
            values.reindex(positions).astype("string").fillna("").to_numpy(dtype=object)
            if values is not None
            else np.full(len(positions), "", dtype=object)
        )
        self.parts.append((np.asarray(positions, dtype=np.int64), column, shown, reason))

    def frame(self) -> pd.DataFrame:
        n = [len(p[0]) for p in self.parts]
        return pd.DataFrame(
            {
                "pos": np.concatenate([p[0] for p in self.parts] or [np.array([], np.int64)]),
                "column": np.repeat([p[1] for p in self.parts], n).astype(object),
                "value": np.concatenate([p[2] for p in self.parts] or [np.array([], object)]),
                "reason": np.repeat([p[3] for p in self.parts], n).astype(object),
            }
        )


def _parse_dates(text: pd.Series) -> pd.Series:
    """Dates from text in the accepted formats or Excel serial day numbers.

    Excel date cells arrive as timestamps, whose text is ``YYYY-MM-DD HH:MM:SS``.
    """
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    numbers = pd.to_numeric(text, errors="coerce")
    serial = numbers.between(*_EXCEL_SERIALS) & (numbers % 1 == 0)
    if serial.any():
        out[serial] = _EXCEL_EPOCH + pd.to_timedelta(numbers[serial], unit="D")
    todo = text.notna() & out.isna()
    for fmt in _DATE_FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce").dropna()
        out[parsed.index] = parsed.dt.normalize()
        todo = text.notna() & out.isna()
    return out


def _parse_unique(column: Column, text: pd.Series) -> tuple[pd.Series, str]:
    """Parse distinct cell texts; return the values (missing where unparseable) and
    the reason given for an unparseable cell."""
    if column.kind == "id":
        return text, ""
    if column.kind == "category":
        canonical = {re.sub(r"\s+", " ", a).casefold(): a for a in column.allowed}
        key = text.str.replace(r"\s+", " ", regex=True).str.casefold()
        return key.map(canonical).astype("string"), f"expected one of {list(column.allowed)}"
    if column.kind == "boolean":
        key = text.str.casefold()
        value = pd.Series(pd.NA, index=text.index, dtype="boolean")
        value[key.isin(_TRUE).fillna(False).to_numpy(bool)] = True
        value[key.isin(_FALSE).fillna(False).to_numpy(bool)] = False
        return value, "expected a yes/no value (true/false, yes/no, ja/nee, oui/non, 1/0)"
    if column.kind in {"integer", "number"}:
        pattern = _INTEGER_TEXT if column.kind == "integer" else _NUMBER_TEXT
        ok = text.str.fullmatch(pattern).fillna(False).to_numpy(bool)
        value = pd.to_numeric(text.where(ok).str.replace(",", ".", regex=False), errors="coerce")
        what = "a whole number" if column.kind == "integer" else "a number"
        return value.astype("Float64"), f"expected {what}"
    if column.kind == "date":
        return (
            _parse_dates(text),
            "expected a date (YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or DD.MM.YYYY)",
        )
    raise ValueError(f"unknown column kind {column.kind!r} in the data dictionary")


def _parse_column(column: Column, text: pd.Series, problems: _Problems) -> pd.Series:
    """Parse one column to its logical type, once per distinct value; cells that
    cannot be parsed become missing and a problem."""
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    unique_text = pd.Series(uniques, dtype="string")
    values, reason = _parse_unique(column, unique_text)
    bad_unique = (values.isna() & unique_text.notna()).to_numpy(bool)
    bad = np.zeros(len(text), dtype=bool)
    present = codes >= 0
    bad[present] = bad_unique[codes[present]]
    problems.add(np.flatnonzero(bad), column.name, text, reason)
    return pd.Series(values.array.take(codes, allow_fill=True), index=text.index)


def _pandera_schema(table: Table) -> pa.DataFrameSchema:
    """The declarative per-column checks of a dictionary table."""
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
    return f"expected {what} from {column.minimum:g} to {column.maximum:g}"


def _schema_problems(table: Table, parsed: pd.DataFrame, text: pd.DataFrame, problems: _Problems):
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
            if check == "not_nullable":
                # Cells that were present but unparseable are already reported.
                positions = group["index"].astype(int).to_numpy()
                positions = positions[text[name].iloc[positions].isna().to_numpy()]
                problems.add(positions, name, None, "missing value (required)")
            else:
                problems.add(
                    group["index"].astype(int).to_numpy(), name, text[name], _range_reason(column)
                )


def _positions_text(positions: np.ndarray) -> str:
    lines = [str(p + 2) for p in positions[:5]]
    return ", ".join(lines) + (", …" if len(positions) > 5 else "")


def _duplicate_problems(table: Table, parsed: pd.DataFrame, rows_ok: np.ndarray, problems):
    key = list(table.key)
    keyed = parsed.loc[rows_ok & parsed[key].notna().all(axis=1).to_numpy(), key]
    dup = keyed.duplicated(keep=False)
    if not dup.any():
        return
    for _, group in keyed[dup].groupby(key, sort=False):
        positions = group.index.to_numpy()
        label = ", ".join(f"{k}={group.iloc[0][k]}" for k in key)
        for p in positions:
            others = positions[positions != p]
            problems.add(
                np.array([p]),
                key[0],
                parsed[key[0]].astype("string"),
                f"duplicate key ({label}) also on row(s) {_positions_text(others)}",
            )


def _participant_rules(parsed: pd.DataFrame, text: pd.DataFrame, problems: _Problems):
    text = text.loc[parsed.index]
    intake, exit_, end = parsed["intake_date"], parsed["exit_date"], parsed["follow_up_end"]
    censored = parsed["exit_type"] == "censored"
    rules = [
        ("exit_date", exit_ <= intake, "exit date is on or before the intake date"),
        ("exit_date", exit_ > end, "exit date is after the end of follow-up"),
        ("follow_up_end", end < intake, "end of follow-up is before the intake date"),
        (
            "exit_date",
            censored & exit_.notna(),
            "a censored row ('still searching') has an exit date",
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


def load_table(
    path: str | Path,
    table: str,
    *,
    sheet: str | None = None,
    participant_ids: pd.Series | None = None,
) -> LoadResult:
    """Load a file and validate it against one table of the data dictionary.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (comma or semicolon separated, UTF-8), ``.xlsx`` or ``.parquet`` file.
    table : {"participants", "questionnaire", "costs"}
        The dictionary table to check against.
    sheet : str, optional
        Excel sheet name (default: the first sheet).
    participant_ids : pandas.Series, optional
        Known participant ids; rows whose ``participant_id`` is not among them are
        rejected (used to check a questionnaire against its participants).

    Returns
    -------
    LoadResult

    Raises
    ------
    DataError
        If the file cannot be used as a whole: missing, unreadable, unsupported type,
        unknown sheet, no data rows, or required columns missing.
    """
    if table not in TABLES:
        raise ValueError(f"table must be one of {sorted(TABLES)}, but was {table!r}.")
    spec = TABLES[table]
    path = Path(path)
    raw = _read(path, sheet)
    raw.columns = [_normalise_name(c) for c in raw.columns]

    identifiers = tuple(c for c in raw.columns if c in DIRECT_IDENTIFIERS)
    if identifiers:
        warnings.warn(
            f"{path.name}: dropped direct-identifier column(s) {list(identifiers)}; they are "
            "never used by evalkit. Remove them from exports to avoid handling them at all.",
            IdentifierWarning,
            stacklevel=3,
        )
    missing = [c for c in spec.names if c not in raw.columns]
    if missing:
        found = [c for c in raw.columns if c not in identifiers]
        raise DataError(
            f"{path}: required column(s) {missing} missing for the {table} table; the file has "
            f"columns {found}. Rename the columns as in evaldata/README.md."
        )
    extra = tuple(c for c in raw.columns if c not in spec.names and c not in identifiers)
    if extra:
        warnings.warn(
            f"{path.name}: column(s) {list(extra)} are not in the {table} data dictionary and "
            "were dropped.",
            EvalkitWarning,
            stacklevel=3,
        )
    raw = raw[list(spec.names)].reset_index(drop=True)
    if len(raw) == 0:
        raise DataError(f"{path}: no data rows below the header; expected at least one row.")

    problems = _Problems()
    text = pd.DataFrame({c: _as_text(raw[c]) for c in spec.names})
    empty = text.isna().all(axis=1).to_numpy()
    problems.add(np.flatnonzero(empty), "", None, "empty row")
    parsed = pd.DataFrame({c.name: _parse_column(c, text[c.name], problems) for c in spec.columns})
    parsed_ok = parsed[~empty]
    _schema_problems(spec, parsed_ok, text, problems)
    if table == "participants":
        _participant_rules(parsed_ok, text, problems)
    if participant_ids is not None and "participant_id" in spec.names:
        orphan = parsed_ok["participant_id"].notna() & ~parsed_ok["participant_id"].isin(
            set(participant_ids)
        )
        problems.add(
            orphan[orphan].index.to_numpy(),
            "participant_id",
            text["participant_id"],
            "participant_id not found in the participants file",
        )
    found = problems.frame()
    rows_ok = ~empty & ~np.isin(np.arange(len(raw)), found["pos"].to_numpy())
    _duplicate_problems(spec, parsed, rows_ok, problems)
    found = problems.frame()

    valid = ~np.isin(np.arange(len(raw)), found["pos"].to_numpy())
    rejected = (
        found.assign(row=found["pos"] + 2)
        .sort_values(["row", "column"], kind="stable")[_REJECTED_COLUMNS]
        .reset_index(drop=True)
    )
    return LoadResult(
        data=_typed(spec, parsed[valid].reset_index(drop=True)),
        rejected=rejected,
        n_read=len(raw),
        source=path,
        sha256=file_sha256(path),
        table=table,
        dropped_identifiers=identifiers,
        dropped_columns=extra,
    )


def guess_table(path: str | Path, *, sheet: str | None = None) -> str:
    """Name the dictionary table whose columns a file's header matches best.

    Raises
    ------
    DataError
        If no table has at least half of its columns in the file.
    """
    path = Path(path)
    found = {_normalise_name(c) for c in _read(path, sheet).columns}
    overlap = {name: len(found & set(t.names)) / len(t.names) for name, t in TABLES.items()}
    best = max(overlap, key=overlap.get)
    if overlap[best] < 0.5:
        raise DataError(
            f"{path}: its columns match no table of the data dictionary; pass --table "
            f"{{{','.join(TABLES)}}} to see which columns are missing."
        )
    return best


def load_participants(path: str | Path, *, sheet: str | None = None) -> LoadResult:
    """Load and validate a participants file (see :func:`load_table`).

    Examples
    --------
    >>> r = load_participants("evaldata/participants.csv")  # doctest: +SKIP
    >>> r.n_read, r.n_valid, r.n_rejected  # doctest: +SKIP
    (1500, 1500, 0)
    """
    return load_table(path, "participants", sheet=sheet)


def load_questionnaire(
    path: str | Path, *, sheet: str | None = None, participants: pd.DataFrame | None = None
) -> LoadResult:
    """Load and validate a questionnaire file (see :func:`load_table`).

    Parameters
    ----------
    path : str or Path
        The file.
    sheet : str, optional
        Excel sheet name.
    participants : pandas.DataFrame, optional
        Loaded participants; questionnaire rows of unknown participants are rejected.
    """
    ids = participants["participant_id"] if participants is not None else None
    return load_table(path, "questionnaire", sheet=sheet, participant_ids=ids)


def load_costs(path: str | Path, *, sheet: str | None = None) -> LoadResult:
    """Load and validate a costs file (see :func:`load_table`)."""
    return load_table(path, "costs", sheet=sheet)
