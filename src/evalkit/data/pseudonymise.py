"""Pseudonymise a data file before sharing it: keyed pseudonyms for ids, identifiers dropped.

evalkit refuses files whose ``participant_id`` or ``mentor_id`` are e-mail addresses,
phone or national register numbers or names. :func:`pseudonymise` (on the command
line ``evalkit pseudonymise IN OUT --key-file KEY``) is how an organisation replaces
them before a file leaves it:

- each id is **normalised** (surrounding spaces stripped, case folded: ``" P00001 "``,
  ``p00001`` and ``P00001`` are one person) and replaced by the keyed hash
  ``HMAC-SHA-256(key, id)``, written as ``ps_`` and its first 16 hexadecimal digits
  (:func:`pseudonym`). The same key gives the same pseudonym in every file (a
  questionnaire still links to its participants); without the key nobody can recompute
  a pseudonym from an id, unlike a plain hash of a national number, which anyone can
  recompute by trying all of them;
- **columns that are direct identifiers** by name or by content
  (:mod:`evalkit.data.identifiers`) are dropped: the output is meant for sharing;
- everything else is kept as it is: the same other columns, the same row order.

16 hex digits are 64 bits: among n ids, two share a pseudonym with probability about
n² / 2⁶⁵ (3 in 10¹⁰ for 100 000 ids, 3 in 10⁶ for ten million), and a collision
would not be silent, since the loader rejects rows sharing an id. Shorter pseudonyms
stay readable in a spreadsheet; the ``ps_`` prefix stops Excel from reading one made
only of digits (or like ``12e45``) as a number.

The key is the content of a key file with surrounding white space removed, at least
32 bytes (:data:`KEY_BYTES`); :func:`new_key` writes one (32 random bytes from
:func:`secrets.token_bytes`, as 64 hexadecimal digits, permissions 0600). The key is
never written to an output or a message. Keep it apart from the data: whoever has it
and a list of ids can link them to the pseudonyms.

CSV (comma or semicolon, kept), ``.xlsx`` (one sheet: the one read, written as a
sheet of that name or ``data``) and Parquet are read; the output format follows
``out``'s extension (``.csv``, ``.xlsx``, ``.parquet``), so the same extension gives
the same format.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evalkit._validation import check_secret_key
from evalkit.data.header import _normalise_name, _shown
from evalkit.data.identifiers import IdentifierColumn, _cell_text, content_kind, name_kind
from evalkit.data.reading import _CSV, _EXCEL, _read, _Source
from evalkit.data.schema import COSTS, PARTICIPANTS, QUESTIONNAIRE
from evalkit.errors import DataError

__all__ = [
    "DEFAULT_COLUMNS",
    "KEY_BYTES",
    "PSEUDONYM_DIGITS",
    "PseudonymiseResult",
    "new_key",
    "pseudonym",
    "pseudonymise",
    "read_key",
]

#: The id columns pseudonymised by default (those the file has; at least one).
DEFAULT_COLUMNS = ("participant_id", "mentor_id")
#: The shortest key accepted, in bytes (256 bits), and the size :func:`new_key` writes.
KEY_BYTES = 32
#: Hexadecimal digits of the HMAC-SHA-256 kept in a pseudonym (64 bits).
PSEUDONYM_DIGITS = 16
_PREFIX = "ps_"
_KEY_FIX = "create a key file with evalkit pseudonymise ... --new-key, or new_key(path)."
_DICTIONARY = {c for t in (PARTICIPANTS, QUESTIONNAIRE, COSTS) for c in t.names}


@dataclass(frozen=True)
class PseudonymiseResult:
    """What :func:`pseudonymise` wrote (column names and counts; never ids or the key).

    Attributes
    ----------
    source, output : pathlib.Path
        The file read and the file written.
    n_rows : int
        Data rows written (all the rows read, in the same order).
    pseudonymised : tuple of str
        The id columns replaced by pseudonyms (names as in the file).
    identifier_columns : tuple of IdentifierColumn
        The columns dropped as direct identifiers, with what they hold and how they
        were found (names as in the file).
    unknown_columns : tuple of str
        Columns kept that are in no table of the data dictionary: check that they hold
        no personal data before sharing (the loader drops them).
    """

    source: Path
    output: Path
    n_rows: int
    pseudonymised: tuple[str, ...]
    identifier_columns: tuple[IdentifierColumn, ...]
    unknown_columns: tuple[str, ...]


def pseudonym(value: object, key: bytes) -> str:
    """The pseudonym of one id: ``ps_`` and 16 hex digits of HMAC-SHA-256(key, id).

    The id is normalised first: surrounding spaces stripped, case folded (whole numbers
    from a spreadsheet lose their ``.0``). A missing id (empty, ``NA``...) stays ``""``.

    Parameters
    ----------
    value : object
        The id as read.
    key : bytes
        The secret key, at least 32 bytes.

    Returns
    -------
    str

    Raises
    ------
    TypeError, ValueError
        If ``key`` is not bytes of at least 32 bytes (the message never shows it).

    Examples
    --------
    >>> key = bytes(range(32))
    >>> pseudonym("P00001", key) == pseudonym(" p00001 ", key), len(pseudonym("P00001", key))
    (True, 19)
    """
    key = check_secret_key(key, minimum=KEY_BYTES, fix=_KEY_FIX)
    text = _cell_text(value)
    if text is None:
        return ""
    digest = hmac.new(key, text.casefold().encode("utf-8"), hashlib.sha256).hexdigest()
    return _PREFIX + digest[:PSEUDONYM_DIGITS]


def read_key(path: str | Path) -> bytes:
    """The key in a key file: its bytes with surrounding white space removed.

    Parameters
    ----------
    path : str or Path
        The key file.

    Returns
    -------
    bytes

    Raises
    ------
    DataError
        If the file is missing, empty or holds fewer than 32 bytes (the message gives
        the length, never the content).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(
            f"{path}: key file not found; create one with --new-key (evalkit pseudonymise "
            "IN OUT --key-file KEY --new-key) and keep it apart from the data."
        )
    key = path.read_bytes().strip()
    if len(key) < KEY_BYTES:
        what = "is empty" if not key else f"holds {len(key)} bytes"
        raise DataError(
            f"{path}: the key file {what}; a key needs at least {KEY_BYTES} bytes (256 "
            "bits). Use the key file the ids were pseudonymised with, or create a new one "
            "with --new-key (new pseudonyms then no longer match earlier files)."
        )
    return key


def new_key(path: str | Path) -> Path:
    """Write a new key file: 32 random bytes as 64 hex digits, readable by the owner only.

    Parameters
    ----------
    path : str or Path
        Where to write it; it must not exist (a key is never overwritten: the
        pseudonyms made with it could not be reproduced).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    DataError
        If ``path`` exists or its directory does not.
    """
    path = Path(path)
    if path.exists():
        raise DataError(
            f"{path}: already exists; a key file is never overwritten (pseudonyms made "
            "with it could no longer be reproduced). Leave out --new-key to use it, or "
            "choose another path."
        )
    if not path.parent.is_dir():
        raise DataError(f"{path}: the directory {path.parent} does not exist; create it first.")
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "w") as file:
        os.fchmod(file.fileno(), 0o600)
        file.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")
    return path


def pseudonymise(
    path: str | Path,
    out: str | Path,
    *,
    key: bytes,
    columns: tuple[str, ...] | list[str] | None = None,
    sheet: str | None = None,
) -> PseudonymiseResult:
    """Write a copy of a data file with keyed pseudonyms for ids and identifiers dropped.

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.xlsx`` or ``.parquet`` file.
    out : str or Path
        The file to write; its extension (``.csv``, ``.xlsx``, ``.parquet``) sets the
        format. It must not be ``path``.
    key : bytes
        The secret key (at least 32 bytes; :func:`read_key`, :func:`new_key`).
    columns : sequence of str, optional
        The id columns to pseudonymise, by normalised name (``Participant ID`` is
        ``participant_id``); each must be in the file. Default: those of
        ``participant_id`` and ``mentor_id`` the file has (at least one).
    sheet : str, optional
        Excel sheet (default: the first).

    Returns
    -------
    PseudonymiseResult
        ``source``, ``output``, ``n_rows``, ``pseudonymised``, ``identifier_columns``
        (dropped), ``unknown_columns`` (kept, not in the dictionary).

    Raises
    ------
    DataError
        If the file cannot be read (see :func:`evalkit.data.load_table`), an id column
        is missing, ``out`` is ``path`` or has an unsupported extension.
    TypeError, ValueError
        If ``key`` is not bytes of at least 32 bytes (never shown).

    Notes
    -----
    See the module documentation for the pseudonym (HMAC-SHA-256, 16 hex digits, the
    collision argument) and the key.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     original = pathlib.Path(tmp, "export.csv")
    ...     _ = original.write_text(
    ...         "participant_id;Contact;GSM;wave\\n"
    ...         "jan.peeters@example.org;a@b.be;0470 12 34 56;pre\\n"
    ...         " Jan.Peeters@example.org ;c@d.be;0470 65 43 21;post\\n"
    ...     )
    ...     done = pseudonymise(original, pathlib.Path(tmp, "shared.csv"), key=bytes(range(32)))
    ...     shared = done.output.read_text()
    >>> done.pseudonymised, [(c.column, c.kind, c.found_by) for c in done.identifier_columns]
    (('participant_id',), [('Contact', 'email', 'content'), ('GSM', 'phone', 'name')])
    >>> print(shared)  # one person, one pseudonym
    participant_id;wave
    ps_82afd6ab489306e3;pre
    ps_82afd6ab489306e3;post
    <BLANKLINE>
    """
    key = check_secret_key(key, minimum=KEY_BYTES, fix=_KEY_FIX)
    source, out = _Source.of(path), Path(out)
    _check_output(source, out)
    frame = _read(source, sheet).frame.reset_index(drop=True)
    ids = _id_columns(source.label, list(frame.columns), columns)
    dropped = tuple(
        IdentifierColumn(str(c), kind, how)
        for c in frame.columns
        if c not in ids
        for kind, how in [_identifier_kind(c, frame[c])]
        if kind is not None
    )
    frame = frame.drop(columns=[c.column for c in dropped])
    for column in ids:
        mapping = {v: pseudonym(v, key) for v in pd.unique(frame[column].to_numpy(object))}
        frame[column] = frame[column].map(mapping).astype(object)
    _write(frame, out, source, sheet)
    return PseudonymiseResult(
        source=source.path,
        output=out,
        n_rows=len(frame),
        pseudonymised=tuple(str(c) for c in ids),
        identifier_columns=dropped,
        unknown_columns=tuple(
            str(c) for c in frame.columns if _normalise_name(c) not in _DICTIONARY
        ),
    )


def _identifier_kind(label: object, values: pd.Series) -> tuple[str | None, str]:
    """(kind, "name" or "content") of a column that is a direct identifier, else (None, "");
    dictionary columns are judged by content only."""
    if _normalise_name(label) not in _DICTIONARY and (kind := name_kind(label)) is not None:
        return kind, "name"
    kind = content_kind(values)
    return (kind, "content") if kind is not None else (None, "")


def _id_columns(where: str, labels: list[object], columns) -> list[object]:
    """The file's labels of the id columns to pseudonymise."""
    by_name = {_normalise_name(c): c for c in labels}
    wanted = DEFAULT_COLUMNS if columns is None else tuple(columns)
    missing = [c for c in wanted if _normalise_name(c) not in by_name]
    if (columns is not None and missing) or len(missing) == len(wanted):
        raise DataError(
            f"{where}: no id column(s) {missing} to pseudonymise; the file has columns "
            f"{_shown([_normalise_name(c) for c in labels])}. Pass the id columns with "
            "--columns (columns= in Python)."
        )
    return [by_name[_normalise_name(c)] for c in wanted if c not in missing]


def _check_output(source: _Source, out: Path) -> None:
    """Raise ``DataError`` unless ``out`` is a new place with a supported extension."""
    if source.path is not None and out.resolve() == source.path.resolve():
        raise DataError(
            f"{out}: the output is the input file; write the pseudonymised copy to another "
            "file (the original stays with the organisation)."
        )
    if out.suffix.lower() not in {*_CSV, *_EXCEL, ".parquet"}:
        raise DataError(
            f"{out}: unsupported output type {out.suffix!r}; expected .csv, .xlsx or .parquet."
        )
    if not out.parent.is_dir():
        raise DataError(f"{out}: the directory {out.parent} does not exist; create it first.")


def _write(frame: pd.DataFrame, out: Path, source: _Source, sheet: str | None) -> None:
    """Write in ``out``'s format: CSV with the input's separator, one sheet, or Parquet."""
    suffix = out.suffix.lower()
    if suffix in _CSV:
        frame.to_csv(out, index=False, sep=_separator(source))
    elif suffix in _EXCEL:
        frame.to_excel(out, index=False, sheet_name=sheet or "data")
    else:
        frame.to_parquet(out, index=False)


def _separator(source: _Source) -> str:
    """``;`` if the input is a CSV file whose header has more semicolons than commas."""
    if source.suffix not in _CSV:
        return ","
    if source.content is not None:
        header = source.content.split(b"\n", 1)[0]
    else:
        with open(source.path, "rb") as handle:
            header = handle.readline()
    return ";" if header.count(b";") > header.count(b",") else ","
