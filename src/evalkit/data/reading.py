"""Reading raw files: CSV, Excel and Parquet as text or raw cells, and their SHA-256.

The readers keep every cell as it is in the file (text for CSV, the cell values for
Excel, the typed columns of Parquet): turning cells into typed values is
:mod:`evalkit.data.parsing`'s work. They also say where each row is in the file (its
line), which date system a workbook uses, and which Parquet columns are nested.

A CSV line that cannot be split into the header's columns (an unquoted delimiter in
a value, a missing delimiter, a cut line) is rejected on its own with its line number;
the rest of the file loads. CSV files without quotes whose lines all fit the header
are read by pyarrow, in pieces of whole lines parsed two at a time in threads, each
column dictionary-encoded (the loader's fast path:
a categorical of the distinct values, each converted to Python once; a column of many
distinct texts, ids, keeps them in pyarrow, and only the output makes a Python string
of each); other files
without quotes are split by pandas' C parser; files with quoted values, which may hold
delimiters and line breaks, by the :mod:`csv` module, which keeps each row's first
line. Parquet files are read column by column by pyarrow with their own types.

File-level problems (missing file, unsupported type, unknown sheet, corrupt file, text
that is not UTF-8, an empty file) raise :class:`~evalkit.errors.DataError` naming the
file and the fix.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from evalkit._warning_texts import warning_text
from evalkit.data._codes import (
    _BlockCodes,
    _coded_columns,
    _encoded,
    _release_memory,
    _text_codes,
)
from evalkit.data._pipeline import map_ahead
from evalkit.data.rejected import _FIRST_DATA_LINE
from evalkit.errors import DataError

__all__ = ["file_sha256"]

_STREAM = "<stream>"
_CSV = {".csv", ".txt"}
_EXCEL = {".xlsx", ".xlsm"}
_NEWLINE = ord("\n")
_BLOCK = 1 << 24  # bytes scanned at once when counting a CSV's fields
_HEADER_BYTES = 1 << 20  # bytes read to find a CSV's header
_CSV_PIECE = 1 << 23  # bytes of a CSV parsed at once by pyarrow (whole lines)


def file_sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes, read in 1 MiB blocks.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    str
        64 hexadecimal digits.

    Raises
    ------
    OSError
        If the file cannot be opened (e.g. ``FileNotFoundError``).

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


@dataclass(frozen=True)
class _Source:
    """A file on disk or the bytes of a stream, with a label for messages."""

    label: str
    suffix: str
    path: Path | None
    content: bytes | None

    @classmethod
    def of(cls, path: str | Path | IO) -> _Source:
        """A path, or a stream's bytes (its type recognised by the first bytes)."""
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
        """Something ``pandas`` and ``openpyxl`` can read from (a new stream each time)."""
        return self.path if self.path is not None else io.BytesIO(self.content)

    def sha256(self) -> str:
        """SHA-256 of the file's bytes (of the UTF-8 text for a text stream)."""
        if self.path is not None:
            return file_sha256(self.path)
        return hashlib.sha256(self.content).hexdigest()

    def data(self, limit: int = -1) -> bytes:
        """The file's bytes (the first ``limit`` if given)."""
        if self.path is None:
            return self.content if limit < 0 else self.content[:limit]
        with open(self.path, "rb") as handle:
            return handle.read(limit)


@dataclass(frozen=True)
class _Raw:
    """A file's rows as read, and where each one is in the file.

    ``frame`` holds the rows that could be split into the header's columns: text (CSV)
    or cell values (Excel, Parquet). ``lines`` is the file line where each of its rows
    starts (the header is line 1; for Excel the sheet row, for Parquet the row + 1).
    ``malformed`` are the CSV lines that could not be split into the header's columns,
    as (line, reason); they are rows read and rejected, never in ``frame``. ``epoch`` is
    day 0 of the workbook's numeric date serials (Excel's 1900 or 1904 date system);
    ``nested`` names the Parquet columns holding lists, structs or maps.
    """

    frame: pd.DataFrame
    lines: np.ndarray
    malformed: tuple[tuple[int, str], ...] = ()
    epoch: pd.Timestamp | None = None  # None: the 1900 date system (CSV, Parquet)
    nested: tuple[str, ...] = ()

    @property
    def n_read(self) -> int:
        """Data rows read: the rows of ``frame`` and the malformed lines."""
        return len(self.frame) + len(self.malformed)


def _read(
    source: _Source, sheet: str | None, *, header_only: bool = False, encoded: bool = False
) -> _Raw:
    """Read a file as text (CSV) or raw cell values (Excel, Parquet).

    With ``encoded``, the columns of a Parquet file and of a CSV file without quotes
    whose lines all have the header's fields are categoricals read by pyarrow (each
    distinct value once: :func:`_encoded`), not Python objects a cell.
    """
    _check_readable(source, sheet)
    try:
        if source.suffix in _CSV:
            return _read_csv(source, header_only, encoded)
        if source.suffix in _EXCEL:
            return _read_excel(source, sheet, header_only)
        return _read_parquet(source, header_only, encoded)
    except DataError:
        raise
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{source.label}: not UTF-8 text ({exc.reason} at byte {exc.start}); re-export the "
            "file as CSV UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)')."
        ) from exc
    except Exception as exc:  # a corrupt file: name it and the reader's complaint
        kind = source.suffix[1:]
        raise DataError(
            f"{source.label}: could not be read as {kind} ({type(exc).__name__}: {exc}); "
            f"check that the file is a complete {kind} export."
        ) from exc


def _check_readable(source: _Source, sheet: str | None) -> None:
    """Raise ``DataError`` unless the source is an existing file of a supported type."""
    where = source.label
    if source.path is not None and not source.path.is_file():
        what = "is a directory, not a file" if source.path.is_dir() else "file not found"
        raise DataError(f"{where}: {what}; check the path (relative paths start at {Path.cwd()}).")
    suffix = source.suffix
    if suffix not in {*_CSV, *_EXCEL, ".parquet"}:
        hint = " (open it in Excel and save it as .xlsx)" if suffix == ".xls" else ""
        raise DataError(
            f"{where}: unsupported file type {suffix!r}; expected .csv, .xlsx or .parquet{hint}."
        )
    if sheet is not None and suffix not in _EXCEL:
        raise DataError(
            f"{where}: sheet={sheet!r} was given but a {suffix[1:]} file has no sheets; "
            "leave the sheet out."
        )


def _spreadsheet_lines(frame: pd.DataFrame) -> np.ndarray:
    """Rows numbered as a spreadsheet shows them: the header is line 1."""
    return np.arange(len(frame), dtype=np.int64) + _FIRST_DATA_LINE


def _read_parquet(source: _Source, header_only: bool, encoded: bool = False) -> _Raw:
    """A Parquet file with its own column types; nested columns are named. With
    ``encoded``, the columns are read one at a time, two side by side in threads
    (pandas' index columns left out, as pandas leaves them), flat ones as categoricals
    of their distinct values (:func:`_encoded`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not encoded or header_only:
        frame = pd.read_parquet(source.open())
        schema = pq.read_schema(source.open())
        nested = tuple(f.name for f in schema if pa.types.is_nested(f.type))
        frame = frame.iloc[:0] if header_only else frame
        return _Raw(frame, _spreadsheet_lines(frame), nested=nested)
    def parquet(**options) -> pq.ParquetFile:  # one a thread: columns read side by side
        return pq.ParquetFile(str(source.path) if source.path is not None
                              else pa.BufferReader(source.content), **options)

    try:
        schema = parquet().schema_arrow
    except Exception:  # a corrupt file: raise what pandas' reader says of it
        where = source.open()
        with open(where, "rb") if isinstance(where, Path) else where as handle:
            pq.read_table(handle)
        raise
    index = (schema.pandas_metadata or {}).get("index_columns", [])  # pandas' index
    names = [n for n in schema.names if n not in {c for c in index if isinstance(c, str)}]
    if len(set(names)) < len(names):  # a name twice: read as pandas does
        return _read_parquet(_Source(source.label, source.suffix, None, source.data()),
                             header_only, encoded=False)
    # text columns as stored, codes into their dictionary: no string a cell
    text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_binary(f.type)]
    # decoded two at a time in threads (in pyarrow's memory), coded here one at a time
    read = partial(_read_parquet_column, parquet, text)
    columns = [_parquet_column(column) for column in map_ahead(read, names, depth=2)]
    _release_memory()
    frame = pd.DataFrame(dict(enumerate(c for c, _ in columns)), copy=False)
    frame.columns = names
    nested = tuple(name for name, (_, inner) in zip(names, columns, strict=True) if inner)
    return _Raw(frame, _spreadsheet_lines(frame), nested=nested)


def _read_parquet_column(parquet: Callable, text: list[str], name: str):
    """One column of a Parquet file as pyarrow decodes it (text as stored, codes into
    its dictionary), from a file opened for it (``parquet``, so that threads read side
    by side)."""
    file = parquet(read_dictionary=text)
    return file.read(columns=[name], use_pandas_metadata=False).column(0)


def _parquet_column(column) -> tuple[pd.Series, bool]:
    """A column read from a Parquet file on its own (a pyarrow array): a categorical of
    its distinct values (:func:`_encoded`), or as pandas reads it if nested (and True)."""
    import pyarrow as pa

    if pa.types.is_nested(column.type):
        return column.to_pandas(), True
    encoded = _encoded(column)
    del column
    _release_memory()  # the column as read (a million ids: their hash table too)
    return encoded, False


def _read_excel(source: _Source, sheet: str | None, header_only: bool) -> _Raw:
    """One sheet of a workbook (default: the first) as raw cell values.

    Trailing empty cells (formatted but empty) are left out by openpyxl. Date cells
    are converted by openpyxl in the workbook's own date system (1900 or 1904);
    ``epoch`` tells parsing the day 0 of dates stored as plain serial numbers.
    """
    import openpyxl

    book = openpyxl.load_workbook(source.open(), read_only=True)
    sheets, epoch = book.sheetnames, pd.Timestamp(book.epoch)
    book.close()
    if sheet is not None and sheet not in sheets:
        raise DataError(
            f"{source.label}: no sheet {sheet!r}; the sheets are {sheets}. "
            "Pass one of them as sheet (--sheet on the command line)."
        )
    frame = pd.read_excel(
        source.open(),
        sheet_name=sheet or sheets[0],
        dtype=object,
        keep_default_na=False,  # the same missing markers as CSV (parsing._clean_cell)
        na_values=[""],
        nrows=0 if header_only else None,
    )
    return _Raw(frame, _spreadsheet_lines(frame), epoch=epoch)


def _read_csv(source: _Source, header_only: bool, encoded: bool = False) -> _Raw:
    """A CSV file as strings: comma or semicolon separated (guessed from the header).

    Every line is split into fields; a line with more or fewer fields than the header
    names is a malformed row (rejected with its line number), the rest of the file
    loads. Trailing columns without a name in the header (``a;b;c;;;``, as Excel saves
    them) are left out, as are empty fields below them. Quoted values may hold the
    delimiter and line breaks; each row keeps the line on which it starts.

    With ``encoded``, a file on disk without quotes is first read by pyarrow from the
    file (:func:`_arrow_fields`), its bytes never all in memory at once.
    """
    on_disk = encoded and not header_only and source.path is not None
    data = source.data(_HEADER_BYTES if header_only or on_disk else -1)
    sep, header, names, handle, reader = _csv_header(source, data)
    width = len(names)
    if header_only:
        return _Raw(pd.DataFrame(columns=names, dtype=object), np.array([], np.int64))
    if on_disk:
        frame = _arrow_fields(source.path, sep, len(header)) if _plain_file(source.path) else None
        _release_memory()  # the blocks read: freed, not yet given back
        if frame is not None:
            lines = np.arange(len(frame), dtype=np.int64) + _FIRST_DATA_LINE
            counts = np.full(len(frame), len(header), dtype=np.int64)
            return _fit_rows(_Split(frame, lines, lines, counts), names, len(header), sep)
        data = source.data()
        sep, header, names, handle, reader = _csv_header(source, data)
    plain = b'"' not in data and (b"\r" not in data or data.count(b"\r") == data.count(b"\r\n"))
    split = _read_plain(data, sep, len(header), encoded) if plain else None
    if split is None:  # quoted values (which may hold line breaks), or bare CR line ends
        split = _read_quoted(data, handle.readlines(), reader.line_num, sep, len(header), width)
    return _fit_rows(split, names, len(header), sep)


def _csv_header(source: _Source, data: bytes) -> tuple:
    """The delimiter, the header's fields and names (trailing unnamed columns left out),
    and the text handle and csv reader after the header."""
    handle = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    first = handle.readline()
    if not first.strip():
        raise DataError(
            f"{source.label}: the file is empty; expected a header row (line 1) and data rows."
        )
    sep = ";" if first.count(";") > first.count(",") else ","
    handle.seek(0)
    reader = csv.reader(handle, delimiter=sep)
    header = next(reader)
    width = len(header)
    while width > 1 and not header[width - 1].strip():
        width -= 1  # trailing unnamed columns
    names = [h if h.strip() else f"Unnamed: {i}" for i, h in enumerate(header[:width])]
    return sep, header, names, handle, reader


def _plain_file(path: Path) -> bool:
    """Whether a file has no double quotes and no line ends but ``\n`` and ``\r\n``,
    scanned in blocks."""
    n_cr = n_crlf = 0
    ends_with_cr = False
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            if b'"' in block:
                return False
            if b"\r" in block:
                n_cr += block.count(b"\r")
                n_crlf += block.count(b"\r\n")
            n_crlf += ends_with_cr and block.startswith(b"\n")  # \r\n across two blocks
            ends_with_cr = block.endswith(b"\r")
    return n_cr == n_crlf


@dataclass(frozen=True)
class _Split:
    """A CSV's data rows split into the header's columns, padded with ``""``."""

    frame: pd.DataFrame
    first: np.ndarray  # the line each row starts on
    last: np.ndarray  # the line each row ends on (later with line breaks in quotes)
    counts: np.ndarray  # fields in each row
    stray: np.ndarray | None = None  # rows whose unclosed quote swallowed the next lines


def _pandas_fields(data: bytes, sep: str, n_header: int, n_most: int) -> pd.DataFrame:
    """The data rows' fields under the header's ``n_header`` columns, as text by pandas'
    C parser (fast), padded with ``""``; ``n_most`` is the most fields on a row (those
    after the header's columns are not kept)."""
    wider = n_most > n_header
    return pd.read_csv(
        io.BytesIO(data),
        sep=sep,
        header=None,
        skiprows=1,  # the header row (a row, even over several lines)
        names=range(max(n_header, n_most)),
        usecols=range(n_header) if wider else None,
        low_memory=not wider,  # pandas refuses usecols on chunks narrower than names
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
        encoding="utf-8-sig",
    )


def _read_plain(data: bytes, sep: str, n_header: int, encoded: bool = False) -> _Split | None:
    """Split a CSV without quotes: one row a line, fields counted from the delimiters;
    None if pandas does not find one row per line. With ``encoded``, a file whose lines
    all have the header's fields is read by pyarrow into categoricals."""
    frame = _arrow_fields(data, sep, n_header) if encoded else None
    if frame is not None:  # every line has the header's fields
        lines = np.arange(len(frame), dtype=np.int64) + _FIRST_DATA_LINE
        return _Split(frame, lines, lines, np.full(len(frame), n_header, dtype=np.int64))
    counts = _fields_per_line(data, sep)[1:]  # below the header
    frame = _pandas_fields(data, sep, n_header, counts.max(initial=0))
    if len(frame) != len(counts):
        return None
    lines = np.arange(len(frame), dtype=np.int64) + _FIRST_DATA_LINE
    return _Split(frame, lines, lines, counts)


def _arrow_fields(data: bytes | Path, sep: str, n_header: int) -> pd.DataFrame | None:
    """The data rows of a CSV without quotes read by pyarrow as categoricals
    (:func:`_encoded`); None unless every line below the header has ``n_header`` fields
    (blank lines included: then the lines are counted, and the rows that do not fit
    rejected), or if the text is not UTF-8 (the pandas reader then says where).

    The file is cut into pieces of whole lines (:func:`_line_pieces`), so that the
    text of the whole file is never in memory; two threads parse and code the next
    pieces with pyarrow (codes into each piece's distinct texts,
    :func:`~evalkit.data._pipeline.map_ahead`) while the previous one's codes go into
    numpy in order (:class:`_BlockCodes`), but those of columns of mostly distinct
    values (ids), which are kept as read and joined at the end."""
    import pyarrow as pa

    names = [str(i) for i in range(n_header)]
    columns: list = []
    try:
        for batches in map_ahead(partial(_parse_piece, data, sep, names),
                                 _line_pieces(data, _CSV_PIECE)):
            for batch in batches:
                if not columns:  # mostly distinct values (ids): encoded once, at the end
                    columns = [[] if len(c.dictionary) > len(c) / 2 else _BlockCodes()
                               for c in batch.columns]
                for column, cells in zip(columns, batch.columns, strict=True):
                    column.append(cells)
            del batches, batch, cells
    except pa.ArrowInvalid:
        return None
    out = _coded_columns(columns)
    del columns
    _release_memory()
    if not out:  # no rows
        out = [_encoded(pa.array([], pa.string())) for _ in names]
    return pd.DataFrame(dict(enumerate(out)), copy=False)


def _line_pieces(data: bytes | Path, size: int) -> Iterator[tuple[int, int]]:
    """Byte ranges ``(start, end)`` of about ``size`` bytes covering the lines below a
    CSV's header (its first line), each ending after a line end or at the data's end.

    >>> list(_line_pieces(b"h\\na\\nbb\\nccc\\n", 3))
    [(2, 7), (7, 11)]
    """
    on_disk = isinstance(data, Path)
    total = data.stat().st_size if on_disk else len(data)
    with open(data, "rb") if on_disk else io.BytesIO(data) as handle:
        handle.readline()  # the header: one line in a file without quotes
        start = handle.tell()
        while start < total:
            handle.seek(start + size - 1)
            handle.readline()  # to the end of the line the piece's last byte is on
            end = min(handle.tell(), total)
            yield start, end
            start = end


def _parse_piece(data: bytes | Path, sep: str, names: list[str],
                 piece: tuple[int, int]) -> list:
    """The lines of one piece (:func:`_line_pieces`) parsed by pyarrow as one block,
    each column coded into the piece's distinct texts."""
    import pyarrow as pa
    import pyarrow.csv as pv

    start, end = piece
    if isinstance(data, Path):
        with open(data, "rb") as handle:
            text = os.pread(handle.fileno(), end - start, start)
    else:
        text = memoryview(data)[start:end]
    table = pv.read_csv(
        pa.py_buffer(text),
        read_options=pv.ReadOptions(column_names=names, block_size=max(end - start, 1),
                                    use_threads=False),  # the pieces parsed side by side
        parse_options=pv.ParseOptions(delimiter=sep, quote_char=False, ignore_empty_lines=False),
        convert_options=pv.ConvertOptions(
            column_types=dict.fromkeys(names, _text_codes()), strings_can_be_null=False,
            quoted_strings_can_be_null=False, null_values=[],
        ),
    )
    return table.to_batches()


def _fields_per_line(data: bytes, sep: str) -> np.ndarray:
    """Fields on each line of a text without quotes (its delimiters + 1), counted in
    blocks of the bytes so that memory stays small whatever the file's size."""
    b = np.frombuffer(data, np.uint8)
    before, total = [], 0  # delimiters before each line's end
    for start in range(0, len(b), _BLOCK):
        block = b[start : start + _BLOCK]
        delimiters = np.flatnonzero(block == ord(sep))
        before.append(total + np.searchsorted(delimiters, np.flatnonzero(block == _NEWLINE)))
        total += len(delimiters)
    if not data.endswith(b"\n"):
        before.append(np.array([total]))  # the last line has no line end
    return np.diff(np.concatenate(before), prepend=0) + 1


def _read_quoted(
    data: bytes, lines: list[str], after: int, sep: str, n_header: int, width: int
) -> _Split:
    """Split a CSV with quoted values: the csv module finds each row's lines and fields,
    pandas reads the values (as it does a well-formed file); the csv module's rows
    are used when a stray quote made it read lines again, or pandas disagrees."""
    scan = _scan_records(lines, after, sep, width, n_header, keep=False)
    if not scan.stray.any():
        frame = _pandas_fields(data, sep, n_header, scan.counts.max(initial=0))
        if len(frame) == len(scan.counts):
            return _Split(frame, scan.first, scan.last, scan.counts)
    scan = _scan_records(lines, after, sep, width, n_header, keep=True)
    rows = (r[:n_header] + [""] * (n_header - len(r)) for r in scan.rows)
    frame = pd.DataFrame(
        {i: np.array(c, dtype=object) for i, c in enumerate(zip(*rows, strict=True))},
        columns=range(n_header),
    )
    return _Split(frame, scan.first, scan.last, scan.counts, scan.stray)


@dataclass(frozen=True)
class _Scan:
    """Where each row of a CSV starts and ends, its fields, and which rows hold a stray
    quote (the lines after their first were read again); ``rows`` holds the fields if
    asked for."""

    first: np.ndarray
    last: np.ndarray
    counts: np.ndarray
    stray: np.ndarray
    rows: list[list[str]]


def _scan_records(
    lines: list[str], after: int, sep: str, width: int, n_header: int, *, keep: bool
) -> _Scan:
    """Read CSV rows with the csv module, which counts the lines.

    ``lines`` are the lines below the header, which ends on line ``after``. A row that
    does not fit the header (``width`` named columns of ``n_header``) and holds, after
    a line break inside a value, a line with a whole row's delimiters, swallowed that
    row: a double quote that opens a value was not closed. It is kept (to be rejected)
    and the lines after its first are read again, so one stray quote loses one row,
    not the rest of the file.
    """
    rows, first, last, counts, stray = [], [], [], [], []
    start = 0
    while start < len(lines):
        reader = csv.reader(iter(lines[start:]), delimiter=sep)
        done, restart = start, len(lines)
        for record in reader:
            end = start + reader.line_num  # lines[done:end] hold the record
            first.append(after + done + 1)
            last.append(after + end)
            counts.append(len(record))
            if keep:
                rows.append(record)
            swallowed = end - done > 1 and _swallows_rows(record, sep, width, n_header)
            stray.append(swallowed)
            if swallowed:
                restart = done + 1
                break
            done = end
        start = restart
    as_array = partial(np.array, dtype=np.int64)
    return _Scan(
        as_array(first), as_array(last), as_array(counts), np.array(stray, dtype=bool), rows
    )


def _swallows_rows(record: list[str], sep: str, width: int, n_header: int) -> bool:
    """Whether a row over several lines that does not fit the header holds, after a line
    break inside a value, a line with a whole row's delimiters (a swallowed row)."""
    if _fits(record, width, n_header):
        return False
    pieces = (piece for field in record for piece in field.splitlines()[1:])
    return any(piece.count(sep) >= width - 1 for piece in pieces)


def _fits(record: list[str], width: int, n_header: int) -> bool:
    """Whether a row fits the header (see :func:`_fit_rows`)."""
    if not width <= len(record) <= n_header:
        return all(not f.strip() for f in record)
    return all(not f.strip() for f in record[width:])


def _fit_rows(split: _Split, names: list[str], n_header: int, sep: str) -> _Raw:
    """Keep the rows that fit the header; the others are malformed.

    A row fits if it has a field for each of the header's ``n_header`` columns, or
    for each named one (``len(names)``) when the header ends with unnamed columns,
    whose fields must be empty: Excel saves ``a;b;c;;;`` and may leave the trailing
    delimiters out. A row with more fields than the header never fits, even if the
    extra fields are empty: an unquoted delimiter inside a value followed by an empty
    last value would shift the values after it into the wrong columns. Blank rows
    (up to the header's width) are kept: they are rejected as empty rows.
    """
    frame, counts, width = split.frame, split.counts, len(names)
    unnamed = np.flatnonzero((counts > width) & (counts <= n_header))
    if unnamed.size:  # fields under unnamed columns: fine if all are empty
        unnamed = unnamed[~_blank(frame.iloc[unnamed, width:])]
    short = np.flatnonzero(counts < width)
    if short.size:  # a blank line is an empty row, not malformed
        short = short[~_blank(frame.iloc[short])]
    suspects = np.sort(np.concatenate([unnamed, short, np.flatnonzero(counts > n_header)]))
    malformed = tuple(
        (int(split.first[i]), _malformed_reason(split, i, width, sep)) for i in suspects
    )
    keep = np.ones(len(frame), dtype=bool)
    keep[suspects] = False
    if keep.all() and frame.shape[1] == width and isinstance(frame.index, pd.RangeIndex):
        good = frame  # all rows fit: no copy (the frame is the reader's own)
        good.columns, good.index = names, pd.RangeIndex(len(good))
    else:
        good = frame.iloc[:, :width] if keep.all() else frame.iloc[keep, :width]
        good = good.reset_index(drop=True)
        good.columns = names
    return _Raw(good, split.first[keep], malformed)


def _blank(cells: pd.DataFrame) -> np.ndarray:
    """Rows whose cells are all empty or white space."""
    blank = np.ones(len(cells), dtype=bool)
    for column in cells:
        blank &= cells[column].str.strip().eq("").fillna(False).to_numpy(bool)
    return blank


def _malformed_reason(split: _Split, i: int, n_names: int, sep: str) -> str:
    """Why row ``i`` cannot be split into the header's columns, and the fix."""
    line, n_fields = split.first[i], split.counts[i]
    if split.stray is not None and split.stray[i]:
        return warning_text("rejected.stray_quote", line=line, last=split.last[i])
    key = ("too_few" if n_fields <= n_names else "too_many_comma" if sep == ","
           else "too_many")
    return warning_text(f"rejected.{key}", line=line, fields=n_fields, columns=n_names,
                        sep=repr(sep))
