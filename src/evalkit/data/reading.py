"""Reading raw files: CSV, Excel and Parquet as text or raw cells, and their SHA-256.

The readers keep every cell as it is in the file (text for CSV, the cell values for
Excel and Parquet): turning cells into typed values is :mod:`evalkit.data.parsing`'s
work. File-level problems (missing file, unsupported type, unknown sheet, corrupt
file, text that is not UTF-8, an empty file) raise :class:`~evalkit.errors.DataError`
naming the file and the fix.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pandas as pd

from evalkit.errors import DataError

__all__ = ["file_sha256"]

_STREAM = "<stream>"
_CSV = {".csv", ".txt"}
_EXCEL = {".xlsx", ".xlsm"}


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


def _read(source: _Source, sheet: str | None, *, header_only: bool = False) -> pd.DataFrame:
    """Read a file as text (CSV) or raw cell values (Excel, Parquet)."""
    _check_readable(source, sheet)
    try:
        if source.suffix in _CSV:
            return _read_csv(source, header_only)
        if source.suffix in _EXCEL:
            return _read_excel(source, sheet, header_only)
        frame = pd.read_parquet(source.open())
        return frame.iloc[:0] if header_only else frame
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


def _read_excel(source: _Source, sheet: str | None, header_only: bool) -> pd.DataFrame:
    """One sheet of a workbook (default: the first) as raw cell values."""
    import openpyxl

    book = openpyxl.load_workbook(source.open(), read_only=True)
    sheets = book.sheetnames
    book.close()
    if sheet is not None and sheet not in sheets:
        raise DataError(
            f"{source.label}: no sheet {sheet!r}; the sheets are {sheets}. "
            "Pass one of them as sheet (--sheet on the command line)."
        )
    return pd.read_excel(
        source.open(),
        sheet_name=sheet or sheets[0],
        dtype=object,
        keep_default_na=False,  # the same missing markers as CSV (parsing._clean_cell)
        na_values=[""],
        nrows=0 if header_only else None,
    )


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
