"""A data note in a report's language: evalkit's warnings and rejection reasons.

The library writes its warnings and the reasons rows are rejected in English, from the
catalogues :data:`evalkit._warning_texts.NOTES` (``key: (en, fr, nl)``);
:func:`reword_note` recognises such a text and writes it in a report's language, for
a part's "Data notes" box (:meth:`evalkit.reporting.ReportPart.notes`), a table's
threshold footnote and the front page's rejected rows by reason.
"""

from __future__ import annotations

import re

from evalkit._texts import Reworder
from evalkit._validation import check_one_of
from evalkit._warning_texts import NOTES
from evalkit.reporting.catalogue import LANGUAGES
from evalkit.reporting.format import NUMERALS, format_number

__all__ = ["reword_note"]

_NOTES = Reworder(NOTES)
# A number as evalkit's English warnings write it (3, 0.5, 1,250), or a percentage.
_NUMBER = re.compile(r"([+-]?(?:\d{1,3}(?:,\d{3})+|\d+))(?:\.(\d+))?(%?)")


def _field_in(language: str):
    """A field's text in ``language``: numbers (a number, a percentage, or a list of them
    separated by ", ") in its marks; a list of ``column: note`` separated by "; " with
    each note reworded (the kinds of identifier dropped); any other text as it is."""
    def localised(value: str) -> str:
        matches = [_NUMBER.fullmatch(piece) for piece in value.split(", ")]
        if all(matches):
            written = [format_number(float(f"{m[1]}.{m[2] or 0}".replace(",", "")),
                                     len(m[2] or ""), language) for m in matches]
            return ", ".join(NUMERALS[language].percent.format(w) if m[3] else w
                             for w, m in zip(written, matches, strict=True))
        named = [piece.partition(": ") for piece in value.split("; ")]
        if all(sep and _NOTES.recognise(note) for _, sep, note in named):
            return "; ".join(f"{name}{sep}{reword_note(note, language)}"
                             for name, sep, note in named)
        return value
    return localised


def reword_note(message: str, language: str = "en") -> str:
    """An evalkit warning's English text (or a rejected row's reason) in ``language``,
    its numbers in the language's marks; any other message is returned as it is.

    Parameters
    ----------
    message : str
        A warning's message (or a ``reason`` of a load result's ``rejected`` table), as
        evalkit wrote it: recognised from its catalogue template
        (:data:`evalkit._warning_texts.NOTES`), in any of the languages.
    language : str, default="en"
        One of :data:`evalkit.reporting.catalogue.LANGUAGES`.

    Returns
    -------
    str
        The same note written from the template of ``language``; its fields as they were,
        but numbers (``1250``, ``3.5``, ``42%``) written as the language writes them and
        a ``column: kind`` list with each kind reworded.

    Raises
    ------
    ValueError
        For a language other than en, fr and nl.

    Examples
    --------
    >>> reword_note("2 propensity scores are within 1e-6 of 0 or 1: the groups do not "
    ...             "overlap there (positivity violation). Restrict the data to people both "
    ...             "programmes could enrol, or trim to the common support.", "nl")[:61]
    '2 propensityscores liggen binnen 1e-6 van 0 of 1: de groepen '
    >>> reword_note("something else", "fr")
    'something else'
    """
    check_one_of(language, LANGUAGES, name="language")
    return _NOTES.reword(message, LANGUAGES.index(language), _field_in(language))
