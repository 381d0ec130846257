"""Direct identifiers: recognised by column name (English, French, Dutch) and by content.

**By name.** :func:`normalised_name` folds accents and case, splits ``camelCase`` and
turns every run of other characters (spaces, ``_``, ``-``, ``.``, ``°``...) into one
space: ``"Adresse E-mail"`` is ``"adresse e mail"``, ``"Tél."`` is ``"tel"``. Then
:func:`name_kind` leaves out the words ``of``/``de``/``van``/``the``..., counts the
number words (``number``, ``nummer``, ``numéro``, ``no``, ``nr``, ``n°``) as one word, and
asks whether the whole name, spaces ignored, is made of phrases of
:data:`evalkit.data.schema.IDENTIFIER_NAMES` and words of
:data:`~evalkit.data.schema.IDENTIFIER_QUALIFIERS`, with at least one phrase. So
``e-mail adres``, ``emailadres``, ``tel_gsm``, ``gsm-nummer``, ``FirstName`` and
``numéro de registre national`` are identifiers, while ``participant_id``,
``programme``, ``intake_date`` or ``first_meeting_dropout`` are not (``participant``
and ``first`` are no identifier alone). The vocabulary is configuration, in the schema.

**By content.** :func:`value_kind` recognises one cell: an e-mail address; a Belgian
phone number (``+32``, ``0032`` or ``0`` followed by a mobile ``4[5-9]`` and 8 digits or
a landline of 8 digits, with spaces, dots, slashes, hyphens or brackets); a Belgian
national register number (11 digits, written ``YY.MM.DD-XXX.CC`` or with any of these
separators or none; the check digits ``CC`` are ``97 - (first 9 digits mod 97)``, or
the same with ``2`` prepended for people born from 2000; the month may carry the +20 or
+40 of a BIS number); and, for id columns only, a person's name (two or more words of
letters). :func:`content_kind` calls a column an identifier when at least half of its
distinct non-missing values match (:data:`CONTENT_SHARE`), and at least
:data:`CONTENT_MIN_VALUES` of them do (or all, when fewer are present). A chance match
is rare (about 1 in 250 random 11-digit numbers pass the national-number check, so a
column of other 11-digit numbers never reaches half); the threshold keeps a few odd
cells of a notes column from flagging it, while a column of e-mail addresses with gaps
is still found. Only the first :data:`CONTENT_SAMPLE` distinct values of the first
:data:`CONTENT_ROWS` rows are examined, which keeps a million-row file fast; every id
is still checked, row by row, by the loader.

Nothing here returns or prints a cell's value: the results are kinds and counts.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from evalkit._warning_texts import warning_text
from evalkit.data.schema import (
    IDENTIFIER_KINDS,
    IDENTIFIER_NAMES,
    IDENTIFIER_QUALIFIERS,
    MISSING_MARKERS,
)

__all__ = [
    "CONTENT_MIN_VALUES",
    "CONTENT_ROWS",
    "CONTENT_SAMPLE",
    "CONTENT_SHARE",
    "HIDDEN",
    "IdentifierColumn",
    "content_kind",
    "identifier_kinds",
    "is_belgian_phone",
    "is_email",
    "is_national_number",
    "name_kind",
    "normalised_name",
    "value_kind",
]

#: Share of a column's distinct non-missing values that must look like identifiers.
CONTENT_SHARE = 0.5
#: Matching values needed besides the share (all of them when fewer are present).
CONTENT_MIN_VALUES = 3
#: Distinct non-missing values examined per column (the first ones in file order)...
CONTENT_SAMPLE = 5000
#: ... among its first rows (a million-row file is judged as fast as a small one).
CONTENT_ROWS = 20_000
#: What the ``value`` column of the rejected table shows instead of an identifier.
HIDDEN = "(hidden: identifier)"

_STOP_WORDS = frozenset(
    {"of", "the", "and", "de", "du", "des", "d", "l", "la", "le", "et", "van", "het", "en"}
)
_NUMBER_WORDS = frozenset(
    {"number", "numbers", "nummer", "nummers", "numero", "numeros", "num", "no", "nr", "nro", "n"}
)
_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]{2,}")
_PHONE_TEXT = re.compile(r"\+?[\d\s./()\-]+")
_PHONE_DIGITS = re.compile(r"4[5-9]\d{7}|[1-9]\d{7}")  # after the 0 or +32: mobile | landline
_NATIONAL_TEXT = re.compile(r"[\d\s./\-]+")
_NAME_WORD = r"[^\W\d_](?:[^\W\d_]|['’\-])+"  # a letter, then letters, apostrophes, hyphens
_PERSON_NAME = re.compile(rf"{_NAME_WORD}(?:\s+{_NAME_WORD})+")
# What any identifier cell contains: a quick test over a whole column (pyarrow's RE2
# regular expressions, ~10 times faster than Python's), before value_kind on the few.
_CANDIDATE = r"@|^\s*[\d\s.+/()\-]{8,}$"
_NAME_CANDIDATE = r"^\s*\pL[\pL'’\-]+\s+\pL"


@dataclass(frozen=True)
class IdentifierColumn:
    """A column dropped as a direct identifier (its name, never its values).

    Attributes
    ----------
    column : str
        The column's name: as normalised by the loader (``e_mail``); as in the file for
        :func:`evalkit.data.pseudonymise.pseudonymise` (``E-mail``).
    kind : str
        A key of :data:`evalkit.data.schema.IDENTIFIER_KINDS` (``"email"``).
    found_by : {"name", "content"}
        Whether the name or the values gave it away.
    """

    column: str
    kind: str
    found_by: str

    @property
    def reason(self) -> str:
        """``"e-mail address (by name)"``: what it holds and how it was found."""
        return warning_text(f"identifier.{self.kind}_by_{self.found_by}")


# --------------------------------------------------------------------------- by name


def normalised_name(name: object) -> str:
    """A column name folded for comparison: ASCII lower-case words, one space apart.

    Accents are folded, ``camelCase`` is split and every run of characters other than
    letters and digits becomes one space.

    Parameters
    ----------
    name : object
        A column name (anything ``str()`` accepts).

    Returns
    -------
    str

    Examples
    --------
    >>> normalised_name(" Numéro de Téléphone"), normalised_name("E-mail_Adres")
    ('numero de telephone', 'e mail adres')
    >>> normalised_name("FirstName"), normalised_name("N° national")
    ('first name', 'n national')
    """
    folded = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", folded)
    return " ".join(re.findall(r"[a-z0-9]+", split.lower()))


def _words(name: object) -> list[str]:
    """Normalised words without stop words, number words as ``number``."""
    words = normalised_name(name).split()
    return ["number" if w in _NUMBER_WORDS else w for w in words if w not in _STOP_WORDS]


@cache
def _pieces() -> dict[str, str]:
    """Spelling without spaces -> kind ("" for a qualifier), from the schema's vocabulary."""
    pieces = {w: "" for w in IDENTIFIER_QUALIFIERS | (_NUMBER_WORDS - {"n"})}
    for kind in reversed(IDENTIFIER_KINDS):  # the most specific kind wins a tie
        for phrase in IDENTIFIER_NAMES[kind]:
            for form in ("".join(_words(phrase)), normalised_name(phrase).replace(" ", "")):
                pieces[form] = pieces[form + "s"] = kind
    return pieces


def name_kind(name: object) -> str | None:
    """The kind of direct identifier a column name announces, or None.

    Parameters
    ----------
    name : object
        A column name.

    Returns
    -------
    str or None
        A key of :data:`evalkit.data.schema.IDENTIFIER_KINDS`; when the name holds two
        kinds (``adresse e-mail``), the first of that mapping.

    Examples
    --------
    >>> [name_kind(n) for n in ["E-mail adres", "tel./gsm", "Prénom", "Numéro national"]]
    ['email', 'phone', 'name', 'national_number']
    >>> [name_kind(n) for n in ["participant_id", "programme", "intake_date", "postcode"]]
    [None, None, None, None]
    """
    text = "".join(_words(name))
    pieces = _pieces()
    longest = max(map(len, pieces))
    kinds: list[set[str] | None] = [set()] + [None] * len(text)  # kinds on a path to i
    for i in range(len(text)):
        if kinds[i] is None:
            continue
        for j in range(i + 1, min(len(text), i + longest) + 1):
            kind = pieces.get(text[i:j])
            if kind is not None:
                reached = kinds[j] if kinds[j] is not None else set()
                kinds[j] = reached | kinds[i] | ({kind} - {""})
    found = kinds[len(text)] if text else None
    return next((k for k in IDENTIFIER_KINDS if found and k in found), None)


# --------------------------------------------------------------------------- by content


def is_email(text: str) -> bool:
    """Whether ``text`` (stripped) is an e-mail address.

    Examples
    --------
    >>> is_email("someone@example.org"), is_email("someone at example.org")
    (True, False)
    """
    return _EMAIL.fullmatch(text.strip()) is not None


def is_belgian_phone(text: str) -> bool:
    """Whether ``text`` is a Belgian phone number (mobile or landline).

    ``+32``, ``0032`` or ``0`` then a mobile ``4[5-9]`` plus 7 digits or a landline of 8
    digits; spaces, dots, slashes, hyphens and brackets are allowed (``+32 (0)2 ...``).

    Examples
    --------
    >>> [is_belgian_phone(t) for t in ["0470 12 34 56", "+32 2 123 45 67", "02/123.45.67"]]
    [True, True, True]
    >>> [is_belgian_phone(t) for t in ["15.03.2021", "0470 12 34", "+33 1 23 45 67 89"]]
    [False, False, False]
    """
    text = text.strip()
    if _PHONE_TEXT.fullmatch(text) is None:
        return False
    digits = re.sub(r"[\s./()\-]", "", text.replace("(0)", ""))
    for prefix in ("+32", "0032", "0"):
        if digits.startswith(prefix):
            rest = digits[len(prefix) :]
            return _PHONE_DIGITS.fullmatch(rest) is not None
    return False


def is_national_number(text: str) -> bool:
    """Whether ``text`` is a Belgian national register (or BIS) number with valid check digits.

    Eleven digits ``YYMMDDXXXCC``, with or without separators (``85.07.30-033.28``);
    the month is 0 to 12 (plus 20 or 40 for BIS numbers), the day 0 to 31, and
    ``CC = 97 - (YYMMDDXXX mod 97)``, or ``97 - (2YYMMDDXXX mod 97)`` for people born
    from 2000. Ten digits without a leading zero are read as a number that lost its
    leading zero in a spreadsheet.

    Examples
    --------
    >>> is_national_number("85.07.30-033.28"), is_national_number("85.07.30-033.29")
    (True, False)
    >>> is_national_number("00012556777")  # born 2000-01-25: the check with 2 prepended
    True
    """
    text = text.strip()
    if _NATIONAL_TEXT.fullmatch(text) is None:
        return False
    digits = re.sub(r"\D", "", text)
    if len(digits) == 10 and text.isdigit() and not text.startswith("0"):
        digits = "0" + digits
    if len(digits) != 11:
        return False
    month, day = int(digits[2:4]), int(digits[4:6])
    if month % 20 > 12 or month > 52 or day > 31:
        return False
    base, check = int(digits[:9]), int(digits[9:])
    return check in (97 - base % 97, 97 - (2_000_000_000 + base) % 97)


def value_kind(value: object, *, person_names: bool = False) -> str | None:
    """The kind of direct identifier one cell looks like, or None.

    Parameters
    ----------
    value : object
        A cell (text, or a number from a spreadsheet or Parquet file).
    person_names : bool, default=False
        Also call two or more words of letters (``Marie Dubois``) a person's name: right
        for an id column, too eager for others.

    Returns
    -------
    str or None
        ``"email"``, ``"phone"``, ``"national_number"``, ``"name"`` or None.

    Examples
    --------
    >>> value_kind("someone@example.org"), value_kind(470123456.0), value_kind("P00001")
    ('email', None, None)
    >>> value_kind("Marie Dubois"), value_kind("Marie Dubois", person_names=True)
    (None, 'name')
    """
    text = _cell_text(value)
    if text is None:
        return None
    if is_national_number(text):
        return "national_number"
    if is_email(text):
        return "email"
    if is_belgian_phone(text):
        return "phone"
    if person_names and _PERSON_NAME.fullmatch(text):
        return "name"
    return None


#: Digits in groups joined by one separator each (``0470 12 34 56``, ``85.07.30-033.28``,
#: ``+32 (0)2 123 45 67``), standing alone: not inside a word, a hash or a decimal.
_NUMBER_RUN = re.compile(
    r"(?<![\w.,@+])\+?\d+(?:(?:[ ./\-]|\s?\(0\)\s?)\d+)+(?![\w@]|[.,]\d)"
)
_DECIMAL = re.compile(r"\d+[.,]\d+")
#: What separates the pieces of running text: line breaks, tabs, two or more spaces
#: (columns of a printed table).
_PIECES = re.compile(r"\n|\t|\s{2,}")


def identifier_kinds(text: str) -> list[str]:
    """The kinds of direct identifier found anywhere in running text (each kind once).

    For audits of rendered reports: e-mail addresses, Belgian phone numbers and national
    register numbers inside text. Numbers are read piece by piece (pieces are separated
    by line breaks, tabs or runs of spaces, as the columns of a printed table are), so
    the numbers of neighbouring table cells never join into a phone number; a decimal
    number (``0.12345678``) is not one either. The strings found are never returned.

    Examples
    --------
    >>> identifier_kinds("Mail sofie@voorbeeld.be or call 0470 12 34 56; p = 0.12345678")
    ['email', 'phone']
    >>> identifier_kinds("NN 85.07.30-033.28, sha 3f0470123456a9")
    ['national_number']
    >>> identifier_kinds("0       4.39   1    0.036  logrank  1500.0")
    []
    """
    kinds = ["email"] if _EMAIL.search(text) else []
    runs = [
        m.group(0)
        for piece in _PIECES.split(text)
        for m in _NUMBER_RUN.finditer(piece)
        if not _DECIMAL.fullmatch(m.group(0))
    ]
    if any(is_belgian_phone(r) for r in runs):
        kinds.append("phone")
    if any(is_national_number(r) for r in runs):
        kinds.append("national_number")
    return kinds


def _value_kinds(texts: pd.Series, *, person_names: bool = False) -> pd.Series:
    """:func:`value_kind` of each text (``string`` or object Series of stripped text,
    missing allowed), vectorised: only cells that could be identifiers are examined."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(texts.dtype, pd.CategoricalDtype):  # each distinct text once
        categories = texts.cat.categories
        if isinstance(categories.array, pd.arrays.ArrowStringArray):  # held by pyarrow: stays
            categories = pd.Series(categories.array)
        else:
            categories = pd.Series(categories, dtype=object)
        kinds = _value_kinds(categories, person_names=person_names)
        codes = texts.cat.codes.to_numpy()
        found = np.append(kinds.to_numpy(dtype=object), None)[codes]
        return pd.Series(found, index=texts.index, dtype=object)
    pattern = _CANDIDATE + (f"|{_NAME_CANDIDATE}" if person_names else "")
    if not isinstance(texts.array, pd.arrays.ArrowStringArray):
        texts = texts.astype("string")
    found = pc.match_substring_regex(pa.array(texts.array), pattern)
    candidate = found.fill_null(False).to_numpy(zero_copy_only=False)
    kinds = pd.Series(None, index=texts.index, dtype=object)
    if candidate.any():
        cells = texts[candidate]
        kinds[candidate] = [value_kind(t, person_names=person_names) for t in cells]
    return kinds


def _cell_text(value: object) -> str | None:
    """A cell as stripped text, None if missing (whole floats without ``.0``)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer():
            return str(int(value))
    text = str(value).strip()
    return text if text and text.lower() not in MISSING_MARKERS else None


def _content_match(values: Iterable, *, person_names: bool = False) -> tuple[str, int, int]:
    """(most common kind or "", distinct values matching, distinct non-missing values)."""
    seen: set[str] = set()
    kinds: Counter[str] = Counter()
    column = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    head = column.iloc[:CONTENT_ROWS].to_numpy(dtype=object)
    # Nested cells (Parquet lists, structs, maps) are no identifier by content; the
    # loader refuses them in dictionary columns and drops them elsewhere.
    flat = np.array([v for v in head if not isinstance(v, list | tuple | dict | np.ndarray)],
                    dtype=object)
    for value in pd.unique(flat):
        text = _cell_text(value)
        if text is None or text in seen:
            continue
        seen.add(text)
        kind = value_kind(text, person_names=person_names)
        if kind is not None:
            kinds[kind] += 1
        if len(seen) >= CONTENT_SAMPLE:
            break
    n_match = sum(kinds.values())
    kind = kinds.most_common(1)[0][0] if kinds else ""
    return kind, n_match, len(seen)


def content_kind(values: Iterable, *, person_names: bool = False) -> str | None:
    """The kind of direct identifier a column's values are, or None.

    A column is an identifier when at least :data:`CONTENT_SHARE` of its distinct
    non-missing values look like one (:func:`value_kind`), and at least
    :data:`CONTENT_MIN_VALUES` do (all of them when fewer are present).

    Parameters
    ----------
    values : iterable
        The column's cells.
    person_names : bool, default=False
        Count people's names too (see :func:`value_kind`).

    Returns
    -------
    str or None
        The most common kind among the matching values, or None.

    Examples
    --------
    >>> content_kind(["a@b.be", "", "c@d.org", "NA", "e@f.com", "unknown"])
    'email'
    >>> content_kind(["a@b.be", "note", "other note"]) is None
    True
    """
    kind, n_match, n_values = _content_match(values, person_names=person_names)
    return kind if _enough(n_match, n_values) else None


def _enough(n_match: int, n_values: int) -> bool:
    """The content rule: a share of the values, and a few of them (all if fewer)."""
    return n_match >= max(1, min(CONTENT_MIN_VALUES, n_values)) and (
        n_match >= CONTENT_SHARE * n_values
    )


def _with_article(what: str) -> str:
    """``"an e-mail address"``, ``"a phone number"``."""
    return f"{'an' if what[0] in 'aeiou' else 'a'} {what}"


def _hide_values(rejected: pd.DataFrame, id_columns: Iterable[str]) -> pd.DataFrame:
    """The rejected table with :data:`HIDDEN` for every non-empty value of an id column
    (alone or in a key, ``"participant_id, wave"``) and every value that looks like an
    e-mail, phone or national register number, whatever its column."""
    if rejected.empty:
        return rejected
    ids = set(id_columns)
    values = rejected["value"]
    looks = _value_kinds(values).notna()
    in_id = rejected["column"].map(lambda c: bool(ids & set(c.split(", "))))
    hide = (in_id | looks) & values.ne("")
    return rejected.assign(value=values.where(~hide, HIDDEN))
