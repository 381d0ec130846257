"""``evalkit init``: a study file drafted from a study's own files.

:func:`init_study` reads the participants file (and the questionnaire and costs files,
if given), maps their column names and labels to evalkit's data model by the English,
French and Dutch aliases (:mod:`evalkit.data.aliases`), guesses what the files cannot
say (:mod:`evalkit.data.guessing`: the reference programme, which exits are jobs and
which positive, the questionnaire's items, response range and reverse-keyed items, the
language) and returns a :class:`StudyDraft`. :meth:`StudyDraft.write` writes it as a
commented study file: what was mapped, every guess marked ``# guessed: <rule>`` (and
listed under ``guessed:``, which the report's front page shows), the rules in the
study's language (:mod:`evalkit.reporting.guess_texts`), and what could not be mapped,
with the fix. The study file loads as it is (:meth:`Study.from_yaml`), and its
files load with its model, once the columns it could not map are fixed.

Only column names, category labels and item answers are looked at; the notes name
columns and labels, never values of identifier or free-text columns (a label that
looks like an e-mail, phone or national number is hidden, and a category column with
more than :data:`MAX_LABELS` labels is not listed).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from evalkit._validation import check_optional_text
from evalkit.data._optional import load_notes
from evalkit.data.aliases import Aliases, label_key
from evalkit.data.guessing import (
    RULE_EXIT_GROUPS,
    RULE_ITEMS,
    RULE_JOB,
    RULE_POSITIVE,
    count_labels,
    guess_exits,
    guess_items,
    guess_programme,
    guess_reference,
    guess_scale,
)
from evalkit.data.header import _column_name, _normalise_name
from evalkit.data.identifiers import HIDDEN, name_kind, value_kind
from evalkit.data.model import DEFAULT_LEVELS, DataModel
from evalkit.data.reading import _read, _Source
from evalkit.data.scale import Scale
from evalkit.data.schema import (
    COSTS,
    OPTIONAL_COLUMNS,
    PARTICIPANTS,
    QUESTIONNAIRE,
    Column,
    Table,
)
from evalkit.data.study import Study
from evalkit.errors import DataError
from evalkit.reporting.guess_texts import guess_rule, reword_guess

__all__ = ["MAX_LABELS", "StudyDraft", "init_study"]

#: A category column with more labels than this is not listed (free text?).
MAX_LABELS = 30
#: The questionnaire's columns besides the items.
_QUESTIONNAIRE = replace(
    QUESTIONNAIRE,
    columns=tuple(c for c in QUESTIONNAIRE.columns if c.name in {
        "participant_id", "wave", "response_date"}),
)


@dataclass(frozen=True)
class StudyDraft:
    """A study file drafted by :func:`init_study`.

    Attributes
    ----------
    study : Study
        The study (``study.guessed``: each guessed key and its rule).
    mapped : tuple of str
        What was mapped, one line each (``"export.xlsx: column 'Dispositif' ->
        programme (fr alias)"``, ``"exit label 'CDI' -> job_permanent (fr alias)"``).
    unmapped : tuple of str
        What could not be mapped, with the fix, one line each (optional columns not
        found: what their absence disables).
    missing_optional : tuple of str
        The participants' optional columns the file lacks (the study runs without
        them; see :attr:`evalkit.data.LoadResult.missing_optional`).
    """

    study: Study
    mapped: tuple[str, ...] = ()
    unmapped: tuple[str, ...] = ()
    missing_optional: tuple[str, ...] = ()

    @property
    def guessed(self) -> dict[str, str]:
        """The guesses: key → rule (``study.guessed``)."""
        return dict(self.study.guessed)

    def to_text(self, path: str | Path) -> str:
        """The commented study file, for writing at ``path`` (file paths relative to it)."""
        from evalkit.data._studytext import study_text

        return study_text(self, Path(path))

    def write(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the commented study file; return its path.

        Raises
        ------
        DataError
            If ``path`` exists (unless ``overwrite``) or cannot be written.
        """
        path = Path(path)
        if path.exists() and not overwrite:
            raise DataError(
                f"{path}: already exists; choose another file (-o) or pass --force to "
                "replace it."
            )
        try:
            path.write_text(self.to_text(path), encoding="utf-8")
        except OSError as exc:
            raise DataError(f"{path}: cannot write the study file ({exc.strerror}).") from None
        return path


@dataclass
class _Notes:
    """What a draft found: mapped and unmapped lines, guesses, alias languages used."""

    mapped: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    guessed: dict[str, str] = field(default_factory=dict)
    languages: Counter = field(default_factory=Counter)


def init_study(
    participants: str | Path,
    *,
    questionnaire: str | Path | None = None,
    costs: str | Path | None = None,
    sheet: str | None = None,
    programme: str | None = None,
) -> StudyDraft:
    """Draft a study file from a study's own files.

    Parameters
    ----------
    participants : str or Path
        The participants file (CSV, XLSX or Parquet), one row per participant.
    questionnaire : str or Path, optional
        The questionnaire file (one row per participant and wave).
    costs : str or Path, optional
        The costs file.
    sheet : str, optional
        The Excel sheet to read (default: the first).
    programme : str, optional
        The programme of a single-programme file without a programme column
        (``--programme NAME``). Without it, such a file's programme is named after the
        file (:func:`evalkit.data.guessing.guess_programme`), marked guessed.

    Returns
    -------
    StudyDraft
        ``study``, ``mapped``, ``unmapped``, ``guessed``, ``missing_optional``;
        ``write(path)``.

    Raises
    ------
    DataError
        If a file cannot be read (see :func:`evalkit.data.load_table`), the
        participants file has no exit column (none of the aliases of ``exit_type``
        matched: name it, or map it in the study file), ``programme`` is given for a
        file that has a programme column, or a questionnaire has no item columns or no
        whole-number answers.

    Notes
    -----
    The guesses and their rules are those of :mod:`evalkit.data.guessing`. Columns
    that are no evalkit column are dropped at load (direct identifiers included:
    never read); required columns not found are listed in ``unmapped``: map them under
    ``model: columns:`` before running the study. Optional columns not found (mentor,
    first-meeting dropout, duo completed, covariates...: :meth:`DataModel.optional_columns
    <evalkit.data.model.DataModel.optional_columns>`) are listed in ``unmapped`` with what
    their absence disables, and in ``missing_optional``: the study runs without them.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> header = ("Deelnemer;Programma;Locatie;Intakedatum;Leeftijd;Geslacht;"
    ...           "Migratieachtergrond;Opleiding;Taalniveau;Maanden werkloos;"
    ...           "Alleenstaande ouder;Mentorcode;Leeftijd mentor;Uitval eerste gesprek;"
    ...           "Traject afgerond;Uitstroom;Datum uitstroom;Einde opvolging\\n")
    >>> rows = ("D01;Werkmaatje;Gent;01/02/2022;25;vrouw;EU;hoger onderwijs;B1;4;nee;"
    ...         "M1;50;nee;ja;vast contract;01/06/2022;01/12/2022\\n"
    ...         "D02;Werkmaatje;Brussel;03/02/2022;31;man;geen;lager secundair;B2;9;ja;"
    ...         "M2;61;nee;nee;nog zoekend;;01/12/2022\\n")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp, "export.csv")
    ...     _ = path.write_text(header + rows, encoding="utf-8")
    ...     draft = init_study(path)
    >>> draft.study.model.exit_groups, draft.study.language, draft.study.period
    ({'job_permanent': 'job', 'censored': 'censored'}, 'nl', '2022')
    >>> [line for line in draft.mapped if line.startswith("gender")]
    ["gender label 'man' -> male (en alias)", "gender label 'vrouw' -> female (nl alias)"]
    """
    notes = _Notes()
    aliases = Aliases()
    frame = _frame(participants, sheet, PARTICIPANTS, aliases, notes,
                   optional=("programme", *OPTIONAL_COLUMNS))
    if "exit_type" not in frame:
        raise DataError(
            f"{participants}: no column maps to 'exit_type' (by its name or an en/fr/nl "
            "alias); rename it 'exit_type' in the file, then run evalkit init again."
        )
    model_kwargs = _programmes(frame.get("programme"), participants, programme, notes)
    model_kwargs |= _exits(frame["exit_type"], aliases, notes)
    for column, levels in DEFAULT_LEVELS.items():
        if column in frame:
            _check_labels(column, frame[column], levels, aliases, notes)
    if questionnaire is not None:
        model_kwargs["scale"] = _scale(questionnaire, sheet, aliases, notes)
    if costs is not None:
        model_kwargs["ranges"] = _costs(costs, sheet, model_kwargs["programmes"], aliases, notes)
    language = _language(notes)
    model = DataModel(**model_kwargs)
    absent = tuple(c for c in model.optional_columns("participants") if c not in frame)
    notes.unmapped += [n for n in load_notes("participants", absent, model)
                       if "no programme column" not in n]
    study = Study(
        participants=Path(participants).absolute(),
        questionnaire=None if questionnaire is None else Path(questionnaire).absolute(),
        costs=None if costs is None else Path(costs).absolute(),
        model=model, sheet=sheet, language=language,
        period=_period(frame.get("intake_date"), notes),
        guessed={key: reword_guess(rule, language) for key, rule in notes.guessed.items()},
    )
    return StudyDraft(study, tuple(notes.mapped), tuple(notes.unmapped), absent)


def _frame(path: str | Path, sheet: str | None, spec: Table, aliases: Aliases,
           notes: _Notes, optional: tuple[str, ...] = ()) -> pd.DataFrame:
    """A file's dictionary columns under evalkit's names (cells as read); the header's
    mapping noted (``optional`` columns not found are not noted as required)."""
    return _map_header(_raw(path, sheet), Path(path).name, spec, aliases, notes, optional)


def _raw(path: str | Path, sheet: str | None) -> pd.DataFrame:
    """A file's cells as read (``sheet`` only for Excel files, as :class:`Study` reads)."""
    excel = Path(path).suffix.lower() == ".xlsx"
    return _read(_Source.of(path), sheet if excel else None).frame


def _period(cells: pd.Series | None, notes: _Notes) -> str | None:
    """The study period, ``"2021-2023"``: the years of the intake dates (guessed)."""
    if cells is None:
        return None
    dates = pd.to_datetime(cells.astype(object).where(cells.notna()), errors="coerce",
                           dayfirst=True, format="mixed")
    years = dates.dt.year.dropna()
    years = years[(years >= 1990) & (years <= pd.Timestamp.today().year)]
    if years.empty:
        return None
    first, last = int(years.min()), int(years.max())
    notes.guessed["period"] = guess_rule("guess.period")
    return str(first) if first == last else f"{first}-{last}"


def _costs(path: str | Path, sheet: str | None, programmes: tuple[str, ...],
           aliases: Aliases, notes: _Notes) -> dict:
    """Check the costs file's header and programmes; the range of years widened to
    those in the file (the data dictionary's is the shipped data's, 2019 to 2024)."""
    frame = _frame(path, sheet, COSTS, aliases, notes,
                   optional=("programme",) if len(programmes) == 1 else ())
    if "programme" in frame:
        _check_labels("programme", frame["programme"], programmes, aliases, notes,
                      table="costs")
    if "year" not in frame:
        return {}
    years = pd.to_numeric(frame["year"], errors="coerce").dropna()
    low, high = COSTS["year"].minimum, COSTS["year"].maximum
    if years.empty or (years.min() >= low and years.max() <= high):
        return {}
    notes.guessed["model.ranges"] = guess_rule("guess.ranges", low=f"{low:g}", high=f"{high:g}")
    return {"year": (int(min(low, years.min())), int(max(high, years.max())))}


def _map_header(raw: pd.DataFrame, name: str, spec: Table, aliases: Aliases,
                notes: _Notes, optional: tuple[str, ...] = ()) -> pd.DataFrame:
    """The columns of ``raw`` that are columns of ``spec``, under evalkit's names; what
    was mapped, missing or left over noted (names only, identifier-like ones hidden)."""
    found: dict[str, pd.Series] = {}
    others = []
    for label in raw.columns:
        column, how = _column_name(label, spec, aliases)
        if how is None:
            shown = HIDDEN if value_kind(str(label)) else str(label)
            others.append(f"{shown!r} (a direct identifier: dropped, never read)"
                          if name_kind(label) else repr(shown))
            continue
        if column in found:
            notes.unmapped.append(
                f"{name}: two columns map to {column!r}; keep one (the loader refuses the file)."
            )
            continue
        found[column] = raw[label]
        if how != "name":
            notes.mapped.append(f"{name}: column {str(label)!r} -> {column} ({how} alias)")
            notes.languages[how] += 1
    missing = [c.name for c in spec.columns if c.name not in found and c.name not in optional]
    if missing:
        notes.unmapped.append(
            f"{name}: required column(s) {missing} not found; add them to the file, or map "
            "the file's names under model: columns: {name in the file: evalkit column}."
        )
    if others:
        notes.unmapped.append(
            f"{name}: column(s) {', '.join(others)} are no {spec.name} column of evalkit; "
            "dropped at load (map one under model: columns: if it is one)."
        )
    return pd.DataFrame(found)


def _programmes(cells: pd.Series | None, path: str | Path, given: str | None,
                notes: _Notes) -> dict:
    """The programmes (most participants first) and the reference, guessed if several;
    a file without a programme column has one, ``given`` or named after the file."""
    if cells is None:
        return {"programmes": (_constant_programme(path, given, notes),)}
    if given is not None:
        raise DataError(
            f"{path}: --programme is for a file without a programme column, but this file "
            "has one; leave --programme out (the programmes are its labels)."
        )
    counts = _few_labels(cells, "programme")
    if not counts:
        raise DataError("the programme column is empty; every participant needs a programme.")
    reference, rule = guess_reference(counts)
    if rule is not None:
        notes.guessed["model.reference"] = rule
    programmes = sorted(counts, key=lambda p: (-counts[p], p))
    notes.mapped.append(
        f"programmes: {', '.join(f'{p} ({counts[p]} rows)' for p in programmes)}"
    )
    return {"programmes": tuple(programmes), "reference": reference}


def _constant_programme(path: str | Path, given: str | None, notes: _Notes) -> str:
    """The one programme of a file without a programme column: ``given``, or named
    after the file (guessed)."""
    if given is not None:
        name = check_optional_text(given, key="programme")
        notes.mapped.append(
            f"programme: {name} (given with --programme; the file has no programme column, "
            "so every row is in it)"
        )
        return name
    name, rule = guess_programme(Path(path).name)
    notes.guessed["model.programmes"] = rule
    notes.mapped.append(
        f"programme: {name} (the file has no programme column, so every row is in it; "
        "named after the file: check it, or run evalkit init --programme NAME)"
    )
    return name


def _few_labels(cells: pd.Series, column: str) -> Counter:
    """Rows per label of a column whose labels become names of the data model; raise
    ``DataError`` (without the labels) if they are too many or look like identifiers."""
    counts = count_labels(cells)
    personal = sum(value_kind(label) is not None for label in counts)
    if len(counts) > MAX_LABELS or personal:
        why = (f"{personal} look like e-mails, phone or national numbers" if personal
               else f"more than {MAX_LABELS}")
        raise DataError(
            f"the participants' {column} column has {len(counts)} distinct labels ({why}; "
            f"not shown): it does not look like the {column}. Check which column maps to "
            f"it (rename that column {column!r} in the file), then run evalkit init again."
        )
    return counts


def _exits(cells: pd.Series, aliases: Aliases, notes: _Notes) -> dict:
    """Exit types, groups, job and positive exits guessed from the exit labels."""
    counts = _few_labels(cells, "exit_type")
    guess = guess_exits(sorted(counts), aliases)
    for label, (exit_type, how) in guess.mapped.items():
        if how != "name":
            notes.mapped.append(f"exit label {label!r} -> {exit_type} ({how} alias)")
            notes.languages[how] += 1
    for label in guess.unmapped:
        notes.unmapped.append(
            f"exit label {label!r} ({counts[label]} rows) matches no exit type of evalkit's "
            "vocabulary: kept as its own exit type in group 'other' (neither a job nor a "
            "positive exit); change model: exit_groups: if it is one."
        )
    if guess.censored_added:
        notes.unmapped.append(
            "no exit label means 'still searching' (censored): exit type 'censored' added; "
            "label such rows 'censored' (or map their label under model: labels: exit_type:)."
        )
    n_missing = int(cells.isna().sum() + (cells.astype(str).str.strip() == "").sum())
    if n_missing:
        notes.unmapped.append(
            f"{n_missing} rows have no exit label; they are rejected at load (label people "
            "still searching, e.g. 'censored')."
        )
    notes.guessed |= {"model.exit_groups": RULE_EXIT_GROUPS, "model.job_exits": RULE_JOB,
                      "model.positive_exits": RULE_POSITIVE}
    return {"exit_groups": guess.exit_groups, "job_exits": guess.job_exits,
            "positive_exits": guess.positive_exits}


def _check_labels(column: str, cells: pd.Series, levels, aliases: Aliases, notes: _Notes,
                  table: str = "participants") -> None:
    """Note the labels of a category column that an alias maps, and those that match no
    level (rejected at load; an open column, ``levels`` None, keeps any label)."""
    counts = count_labels(cells)
    if levels is not None and len(counts) > MAX_LABELS:
        notes.unmapped.append(
            f"{table}: column {column!r} has {len(counts)} distinct labels (not listed: too "
            "many for a category; is it free text?)."
        )
        return
    known = set() if levels is None else {label_key(level) for level in levels}
    by_alias = {k: v for k, v in aliases.labels_of(column).items()
                if levels is None or v[0] in levels}
    unknown = []
    for label in sorted(counts):
        key = label_key(label)
        if key in known:
            continue
        if key in by_alias:
            level, how = by_alias[key]
            if label_key(level) == key:
                continue
            notes.mapped.append(f"{column} label {label!r} -> {level} ({how} alias)")
            notes.languages[how] += 1
        else:
            unknown.append(HIDDEN if value_kind(label) else label)
    if unknown and levels is not None:
        notes.unmapped.append(
            f"{table}: {column} label(s) {unknown} match no level {list(levels)}; rows with "
            f"them are rejected at load: map them under model: labels: {column}: {{label: "
            "level}."
        )


def _scale(path: str | Path, sheet: str | None, aliases: Aliases, notes: _Notes) -> Scale:
    """The questionnaire's scale: items, response range, reverse keys guessed."""
    raw = _raw(path, sheet)
    names = {_normalise_name(label): label for label in raw.columns
             if _column_name(label, _QUESTIONNAIRE, aliases)[1] is None}
    items, stem = guess_items(list(names))
    if not items:
        raise DataError(
            f"{path}: no item columns found (columns named by one stem and a number, e.g. "
            "q01, q02, ...); rename the items so, or write the scale in the study file."
        )
    item_columns = tuple(Column(i, "integer", "item", required=False) for i in items)
    spec = replace(_QUESTIONNAIRE, columns=_QUESTIONNAIRE.columns + item_columns)
    frame = _map_header(raw, Path(path).name, spec, aliases, notes)
    if "wave" in frame:
        _check_labels("wave", frame["wave"], DEFAULT_LEVELS["wave"], aliases, notes,
                      table="questionnaire")
    try:
        guess = guess_scale(frame[list(items)])
    except ValueError as exc:
        raise DataError(f"{path}: {exc}") from None
    notes.guessed["model.scale.items"] = RULE_ITEMS.format(stem=repr(stem))
    notes.guessed |= {f"model.scale.{k}": rule for k, rule in guess.rules.items()}
    return Scale(
        items=items, response_min=guess.response_min, response_max=guess.response_max,
        reversed=guess.reversed, min_items=guess.min_items,
        name=stem if len(stem) > 2 else "scale",
        description=f"{len(items)} items ({items[0]} .. {items[-1]}), answers "
        f"{guess.response_min} to {guess.response_max}, guessed by evalkit init",
    )


def _language(notes: _Notes) -> str:
    """The report's language: the aliases' language most used (guessed), else English."""
    used = {k: n for k, n in notes.languages.items() if k in {"en", "fr", "nl"}}
    if not used:
        return "en"
    language = max(sorted(used), key=lambda k: used[k])
    notes.guessed["language"] = guess_rule("guess.language", n=used[language], aliases=language)
    return language
