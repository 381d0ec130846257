"""Exceptions and warnings raised by evalkit.

Errors say what was wrong, what is allowed, what was got, and how to fix it.
Warnings are reserved for statistical caveats and privacy actions.
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "DisclosureError",
    "DisclosureWarning",
    "EvalkitWarning",
    "IdentifierWarning",
    "ReportError",
]


class DataError(ValueError):
    """A data file or table cannot be used as a whole.

    Raised for file-level problems (missing or unreadable file, a required column
    missing, an unknown sheet). Row-level problems never raise: the rows are kept
    aside in the ``rejected`` table of the load result, with the reason.
    """


class ReportError(DataError):
    """A report could not be built: a part failed, or its output directory is in use or
    cannot be written. The message is one line; a failed part's traceback is in the
    report's log file."""


class EvalkitWarning(UserWarning):
    """A statistical caveat the reader of a result should act on."""


class IdentifierWarning(EvalkitWarning):
    """A direct identifier (name, e-mail, phone, national number) was dropped at load."""


class DisclosureWarning(EvalkitWarning):
    """Disclosure control is weaker than evalkit's default (a threshold below 10)."""


class DisclosureError(ValueError):
    """A table cannot be published without revealing a suppressed cell of another table."""
