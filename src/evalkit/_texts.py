"""Texts with named fields in several languages: written from a template, read back.

A catalogue maps a key to one template per language (``key: (en, fr, nl)``), each with
the same ``str.format`` fields (``{n}``, never a conversion or a format spec: values
are formatted before they fill a template). :class:`Reworder` recognises a text
written from any template of a catalogue, in any language, and writes it again in
another: ``evalkit init``'s guess rules (:mod:`evalkit.reporting.guess_texts`) and
the warnings of the library (:mod:`evalkit._warning_texts`) in a report's data notes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from string import Formatter

__all__ = ["Reworder", "template_pattern"]


def template_pattern(template: str) -> re.Pattern:
    """A pattern matching ``template`` filled in: each field any run of characters.

    A field used twice must hold the same text both times.

    Examples
    --------
    >>> template_pattern("{n} of {total}, {n} again").fullmatch("3 of 9, 3 again")["total"]
    '9'
    """
    parts, seen = [], set()
    for literal, field, _spec, _conversion in Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(f"(?P={field})" if field in seen else f"(?P<{field}>.*?)")
            seen.add(field)
    return re.compile("".join(parts), re.DOTALL)


def _literal_length(template: str) -> int:
    return sum(len(literal) for literal, *_ in Formatter().parse(template))


class Reworder:
    """Recognise a text of a ``key: (template per language)`` catalogue; rewrite it.

    Templates are tried from the most to the least literal text, so a specific one wins
    over a more general one that also matches.

    Examples
    --------
    >>> texts = {"n": ("{n} of {total}", "{n} sur {total}")}
    >>> Reworder(texts).reword("3 of 9", 1)
    '3 sur 9'
    >>> Reworder(texts).reword("written by hand", 1)
    'written by hand'
    """

    def __init__(self, texts: Mapping[str, Sequence[str]]) -> None:
        self.texts = texts
        self._patterns: list[tuple[str, re.Pattern]] | None = None

    def patterns(self) -> list[tuple[str, re.Pattern]]:
        """``(key, pattern)`` of every template, the most literal first (compiled once)."""
        if self._patterns is None:
            found = {(key, template) for key, templates in self.texts.items()
                     for template in templates}
            ordered = sorted(found, key=lambda kt: (-_literal_length(kt[1]), kt))
            self._patterns = [(key, template_pattern(t)) for key, t in ordered]
        return self._patterns

    def recognise(self, message: str) -> tuple[str, dict[str, str]] | None:
        """The key and the fields of ``message``, or None if no template writes it."""
        for key, pattern in self.patterns():
            match = pattern.fullmatch(message)
            if match:
                return key, match.groupdict()
        return None

    def reword(self, message: str, index: int,
               field: Callable[[str], str] | None = None) -> str:
        """``message`` written with the ``index``-th template of its key, its fields
        passed through ``field`` (e.g. numbers in a language's marks); a message no
        template writes is returned as it is."""
        found = self.recognise(message)
        if found is None:
            return message
        key, fields = found
        if field is not None:
            fields = {name: field(value) for name, value in fields.items()}
        return self.texts[key][index].format(**fields)
