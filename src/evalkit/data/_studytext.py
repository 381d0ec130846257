"""The commented YAML of a drafted study file (``evalkit init``).

The values are :meth:`Study.to_mapping`'s, dumped key by key so that comments can sit
between them: a header with what was mapped and what could not be, a line saying what
each key is, and ``# guessed: <rule>`` above every guessed value. Comments never
change what the file means: ``Study.from_yaml`` reads it back to the same study.
"""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from evalkit import __version__

if TYPE_CHECKING:
    from evalkit.data.draft import StudyDraft

__all__: list[str] = []

#: What each key of a study file is (a comment above it).
_ABOUT = {
    "title": "The report's title page: title, organisation, period (text, e.g. 2021-2023).",
    "language": "The report's language: en, fr or nl.",
    "participants": "The files, relative to this file (null: none; the parts needing "
    "them are skipped).",
    "sheet": "The Excel sheet to read (null: the first).",
    "extraction_date": "The day the data were extracted (YYYY-MM-DD): later dates are "
    "rejected. null: the day they are loaded.",
    "horizons": "Months after intake at which exits are reported.",
    "threshold": "Disclosure threshold: counts below it are suppressed (never below 5).",
    "model": "The data model: what the files hold.",
    "guessed": "What evalkit init guessed, and how; shown on the report's front page. "
    "Remove a line once you have checked its value.",
}
_ABOUT_MODEL = {
    "programmes": "Programmes as in the programme column; the reference is the "
    "comparison group (effects: each other programme vs it).",
    "exit_groups": "Exit types (labels in the file, or evalkit's names the aliases map "
    "them to) -> exit group; 'censored' = still searching at the end of follow-up.",
    "levels": "Levels of the category columns (open: any label kept).",
    "ranges": "Valid ranges of numbers [min, max] (null: no bound).",
    "scale": "The questionnaire's scale (null: no questionnaire).",
    "eligibility": "Eligibility rules, checked and reported, never used to filter, e.g. "
    "[{programme: X, column: age, min: 18, max: 33}].",
    "languages": "Packaged aliases used for column names and labels.",
    "columns": "The study's own column names: {name in the file: evalkit column}.",
    "labels": "The study's own labels: {column: {label in the file: evalkit label}}.",
}


def study_text(draft: StudyDraft, path: Path) -> str:
    """The commented study file of ``draft``, written at ``path``."""
    import yaml

    mapping = draft.study.to_mapping(path.parent)
    guessed = draft.study.guessed
    lines = _header(draft)
    for key, value in mapping.items():
        if key in _ABOUT:
            lines += ["", *_comment(_ABOUT[key])]
        if key in guessed:
            lines += _comment(f"guessed: {guessed[key]}")
        if key == "model" and isinstance(value, dict):
            lines.append("model:")
            lines += _model_lines(value, guessed)
        else:
            lines += _dump({key: value}, yaml)
    return "\n".join(lines) + "\n"


def _header(draft: StudyDraft) -> list[str]:
    """The comments at the top: how the file was made, what was mapped and not."""
    today = datetime.date.today().isoformat()
    lines = [
        f"# Study file written by evalkit init ({__version__}) on {today}.",
        "# Check every value marked '# guessed:', fix what could not be mapped, then run",
        "#   evalkit report THIS_FILE",
        "#",
        "# Mapped (names in the files -> evalkit's, and by which aliases):",
    ]
    for line in draft.mapped:
        lines += _comment(line, first="#   ", rest="#       ")
    if not draft.mapped:
        lines.append("#   (nothing: evalkit's own names)")
    lines += ["#", "# Could not map:"]
    for line in draft.unmapped:
        lines += _comment(line, first="#   - ", rest="#       ")
    if not draft.unmapped:
        lines.append("#   (nothing)")
    return lines


def _model_lines(model: dict, guessed: dict) -> list[str]:
    """The model's keys, indented, each with its comment and guesses."""
    import yaml

    lines = []
    for key, value in model.items():
        if key in _ABOUT_MODEL:
            lines += _comment(_ABOUT_MODEL[key], "  ")
        for name, rule in guessed.items():
            if name == f"model.{key}" or name.startswith(f"model.{key}."):
                sub = name.removeprefix(f"model.{key}").lstrip(".")
                lines += _comment(f"guessed{' ' + sub if sub else ''}: {rule}", "  ")
        lines += [f"  {line}" for line in _dump({key: value}, yaml)]
    return lines


def _dump(value: dict, yaml) -> list[str]:
    """One key's YAML lines (lists of plain values inline, mappings as blocks)."""

    class Dumper(yaml.SafeDumper):
        def represent_list(self, data):
            flow = all(not isinstance(v, dict | list) for v in data)
            return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)

    Dumper.add_representer(list, Dumper.represent_list)
    text = yaml.dump(value, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=88,
                     default_flow_style=False)
    return text.rstrip("\n").split("\n")


def _comment(text: str, indent: str = "", *, first: str = "# ", rest: str = "#   ") -> list[str]:
    """A comment wrapped to 88 characters."""
    return textwrap.wrap(text, width=88, initial_indent=indent + first,
                         subsequent_indent=indent + rest, break_on_hyphens=False)
