"""The study file: one YAML file saying where a study's data are and what they hold.

A study file names the participants file (and, if there are, the questionnaire and
costs files) relative to itself, the study's data model
(:class:`~evalkit.data.model.DataModel`: programmes, exit types, the questionnaire's
scale, aliases...), what a report's title page says (title, organisation, period,
language), the analysis horizons and the disclosure threshold, and which of its
values ``evalkit init`` guessed (``guessed:``, shown on the report's front page)::

    title: Evaluation of Maman Solo - Maman Boulot
    organisation: Actiris
    period: 2021-2023
    language: fr
    participants: export_participants.xlsx
    questionnaire: null
    costs: null
    sheet: Participants
    extraction_date: 2024-01-31
    horizons: [6, 12]
    threshold: 10
    model:
      programmes: [Maman Solo - Maman Boulot]
      exit_groups: {CDI: job, stage: internship, abandon: dropout, en recherche: censored}
    guessed:
      model.positive_exits: "exit types of the groups job, internship, training, studies"

A file may lack the optional columns (mentor, first-meeting dropout, duo completed,
site, covariates; the programme column of a single-programme study): it loads without
them, and :func:`available_parts` (from :mod:`evalkit.data.availability`) says which
parts of the report its data allow, and why not.

``model: shipped`` is the shipped data's model (:meth:`DataModel.shipped`);
``params/example.yaml`` is the shipped study. :meth:`Study.from_yaml` checks the whole
file before anything runs: an unknown key, a value of the wrong type or a missing file
is one :class:`~evalkit.errors.DataError` line naming the file and the key
(``study.yaml: horizons: must be positive numbers (months) ...``). :meth:`Study.load`
loads the files with the study's model.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evalkit._validation import (
    check_horizons,
    check_integer,
    check_keys,
    check_name_map,
    check_one_of,
    check_optional_text,
)
from evalkit.data.aliases import LANGUAGES
from evalkit.data.availability import PartAvailability, available_parts
from evalkit.data.loading import LoadResult, load_costs, load_participants, load_questionnaire
from evalkit.data.model import DataModel
from evalkit.errors import DataError

__all__ = [
    "SHIPPED", "STUDY_KEYS", "PartAvailability", "Study", "StudyData", "available_parts",
]

#: The keys of a study file, in the order written.
STUDY_KEYS = (
    "title", "organisation", "period", "language", "participants", "questionnaire", "costs",
    "cost_totals", "sheet", "extraction_date", "horizons", "threshold", "model", "guessed",
)
#: ``model:`` value naming the shipped data's model.
SHIPPED = "shipped"
#: The files of a study: key → loader's table.
FILE_KEYS = ("participants", "questionnaire", "costs")
DEFAULT_HORIZONS = (6.0, 12.0)
DEFAULT_THRESHOLD = 10
#: Disclosure thresholds below this are refused (evalkit.reporting.disclosure.policy).
_MINIMUM_THRESHOLD = 5


@dataclass(frozen=True)
class StudyData:
    """A study's files, loaded with its data model.

    Attributes
    ----------
    participants : LoadResult
    questionnaire : LoadResult or None
        None when the study has no questionnaire file.
    costs : LoadResult or None
        None when the study has no costs file.
    cost_totals : mapping of str to mapping
        The study file's ``cost_totals`` (programme → ``total`` and ``duos_formed``).
    """

    participants: LoadResult
    questionnaire: LoadResult | None = None
    costs: LoadResult | None = None
    cost_totals: Mapping[str, Mapping[str, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Study:
    """A study: its files, data model, title page, horizons, threshold and guesses.

    Parameters
    ----------
    participants : Path
        The participants file (CSV, XLSX or Parquet); read from a study file, paths are
        absolute (made from the study file's directory).
    model : DataModel
        The study's data model.
    questionnaire, costs : Path, optional
        The questionnaire and costs files (None: the study has none, and the parts
        that need them are skipped).
    cost_totals : mapping of str to mapping, default={}
        Costs as a total and a count, for a study without a costs file: programme →
        ``{"total": euros, "duos_formed": count}`` (``DUO for a JOB: {total: 7760000,
        duos_formed: 855}``); the value-for-money part uses them when there is no costs
        file.
    sheet : str, optional
        The Excel sheet to read in every ``.xlsx`` file (default: the first).
    title, organisation, period : str, optional
        What the report's title page says (``period`` as text: ``"2021-2023"``).
    language : {"en", "fr", "nl"}, default="en"
        The report's language.
    horizons : tuple of float, default=(6.0, 12.0)
        Months after intake at which exits are reported (``job_within``...).
    threshold : int, default=10
        The disclosure threshold (counts below it are suppressed; never below 5).
    extraction_date : datetime.date, optional
        The day the data were extracted: dates after it are rejected at load
        (default: the day they are loaded).
    guessed : mapping of str to str, default={}
        Values ``evalkit init`` guessed: key (``"model.reference"``) → the rule it used.
    path : Path, optional
        The study file it was read from (None if built in code).

    Raises
    ------
    TypeError
        If ``model`` is not a DataModel.
    ValueError
        If ``language`` is not ``"en"``, ``"fr"`` or ``"nl"``.

    Examples
    --------
    >>> study = Study.from_mapping({"participants": "evaldata/participants.csv",
    ...                             "model": "shipped"}, check_files=False)
    >>> study.model.programmes, study.horizons, study.threshold
    (('DUO for a JOB', 'Team4Job'), (6.0, 12.0), 10)
    >>> Study.from_mapping({"participants": "p.csv", "model": "shipped", "horizon": 6})
    Traceback (most recent call last):
    ...
    evalkit.errors.DataError: study file: horizon: unknown key; a study file's keys are ['title', 'organisation', 'period', 'language', 'participants', 'questionnaire', 'costs', 'cost_totals', 'sheet', 'extraction_date', 'horizons', 'threshold', 'model', 'guessed']. Fix the spelling or remove it.
    """  # noqa: E501

    participants: Path
    model: DataModel
    questionnaire: Path | None = None
    costs: Path | None = None
    cost_totals: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    sheet: str | None = None
    title: str | None = None
    organisation: str | None = None
    period: str | None = None
    language: str = "en"
    horizons: tuple[float, ...] = DEFAULT_HORIZONS
    threshold: int = DEFAULT_THRESHOLD
    extraction_date: datetime.date | None = None
    guessed: Mapping[str, str] = field(default_factory=dict)
    path: Path | None = None

    def __post_init__(self) -> None:
        """Check what code may set directly (a study file is checked key by key)."""
        if not isinstance(self.model, DataModel):
            raise TypeError(f"model must be a DataModel, but got {type(self.model).__name__}.")
        check_one_of(self.language, LANGUAGES, name="language")

    # ------------------------------------------------------------------ reading

    @classmethod
    def from_yaml(cls, path: str | Path) -> Study:
        """Read and check a study file.

        Parameters
        ----------
        path : str or Path
            The study file (YAML). File paths in it are relative to its directory.

        Returns
        -------
        Study

        Raises
        ------
        DataError
            One line naming the file and the key: the file is missing or not YAML, a
            key is unknown or missing (``participants``, ``model``), a value has the
            wrong type or is out of range, a data file it names does not exist, or the
            data model is invalid (``model.programmes: ...``).
        """
        path = Path(path)
        if not path.is_file():
            raise DataError(f"{path}: study file not found; write one with evalkit init.")
        import yaml

        try:
            mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            where = getattr(exc, "problem_mark", None)
            line = f" (line {where.line + 1})" if where is not None else ""
            raise DataError(
                f"{path}: not a readable YAML file{line}; fix its syntax (indent with spaces, "
                "quote text holding ': ' or '#')."
            ) from None
        return cls.from_mapping(mapping, base=path.parent, source=path)

    @classmethod
    def from_mapping(
        cls,
        mapping: Mapping,
        *,
        base: str | Path = ".",
        source: str | Path | None = None,
        check_files: bool = True,
    ) -> Study:
        """Build a study from a parsed study file, checking every key.

        Parameters
        ----------
        mapping : mapping
            The study file's content (keys :data:`STUDY_KEYS`; ``participants`` and
            ``model`` required).
        base : str or Path, default="."
            The directory that file paths are relative to (the study file's).
        source : str or Path, optional
            The study file, named in messages (default ``"study file"``).
        check_files : bool, default=True
            Whether the files must exist.

        Returns
        -------
        Study
            With absolute file paths.

        Raises
        ------
        DataError
            As :meth:`from_yaml`.
        """
        where = "study file" if source is None else str(source)
        try:
            return cls(**_study_kwargs(mapping, Path(base), check_files), path=_path(source))
        except ValueError as exc:
            raise DataError(f"{where}: {exc}") from None

    # ------------------------------------------------------------------ writing

    def to_mapping(self, base: str | Path | None = None) -> dict:
        """The study as a study file holds it (plain values; ``model: shipped`` for the
        shipped model). File paths are relative to ``base`` when given (the directory of
        the file to write), else as stored. ``Study.from_mapping(study.to_mapping(d),
        base=d)`` equals ``study`` but for ``path``."""
        files = {k: _relative(getattr(self, k), base) for k in FILE_KEYS}
        model = SHIPPED if self.model == DataModel.shipped() else self.model.to_mapping()
        out = {
            "title": self.title, "organisation": self.organisation, "period": self.period,
            "language": self.language, **files,
            "cost_totals": {p: dict(v) for p, v in self.cost_totals.items()},
            "sheet": self.sheet,
            "extraction_date": self.extraction_date, "horizons": _plain(self.horizons),
            "threshold": self.threshold, "model": model, "guessed": dict(self.guessed),
        }
        return {k: out[k] for k in STUDY_KEYS}

    def to_yaml(self, path: str | Path) -> Path:
        """Write the study file (paths relative to its directory); return its path.

        Raises
        ------
        DataError
            If the file cannot be written (one line naming it).
        """
        import yaml

        path = Path(path)
        text = yaml.safe_dump(
            self.to_mapping(path.parent), sort_keys=False, allow_unicode=True, width=88
        )
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise DataError(f"{path}: cannot write the study file ({exc.strerror}).") from None
        return path

    # ------------------------------------------------------------------ loading

    def load(self) -> StudyData:
        """Load the study's files with its data model (the questionnaire checked
        against the valid participants).

        Returns
        -------
        StudyData

        Raises
        ------
        DataError
            For a file that cannot be used as a whole (see
            :func:`evalkit.data.load_table`).

        Warns
        -----
        IdentifierWarning, EvalkitWarning
            As the loaders: columns dropped (named, never their values).
        """
        kwargs = {"model": self.model}
        dates = {"extraction_date": self.extraction_date}
        participants = load_participants(
            self.participants, sheet=self._sheet(self.participants), **dates, **kwargs
        )
        questionnaire = costs = None
        if self.questionnaire is not None:
            questionnaire = load_questionnaire(
                self.questionnaire, sheet=self._sheet(self.questionnaire),
                participants=participants.data, **dates, **kwargs,
            )
        if self.costs is not None:
            costs = load_costs(self.costs, sheet=self._sheet(self.costs), **kwargs)
        return StudyData(participants, questionnaire, costs, self.cost_totals)

    def _sheet(self, path: Path) -> str | None:
        """The sheet to read in ``path`` (only Excel files have sheets)."""
        return self.sheet if path.suffix.lower() == ".xlsx" else None


# ---------------------------------------------------------------------- checks


def _study_kwargs(mapping: object, base: Path, check_files: bool) -> dict:
    """The :class:`Study` arguments of a study file's mapping; ``ValueError`` naming
    the key otherwise."""
    mapping = check_keys(
        mapping, STUDY_KEYS, what="a study file", required=("participants", "model")
    )
    kwargs: dict = {k: check_optional_text(mapping.get(k), key=k) for k in (
        "title", "organisation", "period", "sheet")}
    language = mapping.get("language", "en")
    try:
        check_one_of(language, LANGUAGES, name="language")
    except ValueError as exc:
        raise ValueError(f"language: {exc}") from None
    kwargs["language"] = language
    for key in FILE_KEYS:
        kwargs[key] = _file(mapping.get(key), key, base, check_files)
    kwargs["horizons"] = _horizons(mapping.get("horizons", list(DEFAULT_HORIZONS)))
    try:
        kwargs["threshold"] = check_integer(
            mapping.get("threshold", DEFAULT_THRESHOLD), name="threshold",
            minimum=_MINIMUM_THRESHOLD, fix="counts of fewer than 5 people are never "
            "published; the default is 10.",
        )
    except ValueError as exc:
        raise ValueError(f"threshold: {exc}") from None
    kwargs["extraction_date"] = _date(mapping.get("extraction_date"))
    kwargs["model"] = _model(mapping["model"])
    kwargs["cost_totals"] = _cost_totals(mapping.get("cost_totals") or {},
                                         kwargs["model"].programmes)
    guessed = mapping.get("guessed") or {}
    kwargs["guessed"] = check_name_map(guessed, key="guessed", what="each guessed key to "
                                       "the rule used")
    return kwargs


def _file(value: object, key: str, base: Path, check: bool) -> Path | None:
    """A data file's path (relative to ``base``), checked to exist."""
    if value is None and key != "participants":
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key}: must be a file path (text), but was {value!r}.")
    path = Path(os.path.abspath(base / value.strip()))
    if check and not path.is_file():
        raise ValueError(
            f"{key}: file {value.strip()!r} not found (paths are relative to the study "
            f"file's directory {str(base)!r}); fix the path"
            + (" or write null." if key != "participants" else ".")
        )
    return path


def _cost_totals(value: object, programmes: Sequence[str]) -> dict[str, dict[str, float]]:
    """Costs as a total and a count per programme: ``{total: > 0, duos_formed: >= 1}``."""
    fix = ("e.g. cost_totals: {DUO for a JOB: {total: 7760000, duos_formed: 855}}.")
    if not isinstance(value, Mapping):
        raise ValueError(f"cost_totals: must map programmes to a total and a count; {fix}")
    out = {}
    for programme, entry in value.items():
        if programme not in programmes:
            raise ValueError(f"cost_totals: {programme!r} is not a programme of the model "
                             f"{list(programmes)}.")
        entry = check_keys(entry, ("total", "duos_formed"), what=f"cost_totals of "
                           f"{programme!r}", required=("total", "duos_formed"))
        total, count = entry["total"], entry["duos_formed"]
        if isinstance(total, bool) or not isinstance(total, int | float) or not total > 0:
            raise ValueError(f"cost_totals: the total of {programme!r} must be a positive "
                             f"number of euros; {fix}")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"cost_totals: duos_formed of {programme!r} must be a whole "
                             f"number of at least 1; {fix}")
        out[str(programme)] = {"total": float(total), "duos_formed": int(count)}
    return out


def _horizons(value: object) -> tuple[float, ...]:
    """Horizons in months: a list of positive numbers."""
    bad = isinstance(value, str | bool) or not isinstance(value, list) or any(
        isinstance(h, bool) or not isinstance(h, int | float) for h in value
    )
    try:
        if bad:
            raise ValueError
        return tuple(check_horizons(value))
    except ValueError:
        raise ValueError(
            f"horizons: must be a list of positive numbers (months after intake), but was "
            f"{value!r}; e.g. horizons: [6, 12]."
        ) from None


def _date(value: object) -> datetime.date | None:
    """The extraction date: a YAML date (2024-01-31) or null."""
    if value is None or (isinstance(value, datetime.date)
                         and not isinstance(value, datetime.datetime)):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(
        f"extraction_date: must be a date written YYYY-MM-DD or null, but was {value!r}."
    )


def _model(value: object) -> DataModel:
    """The data model: ``shipped`` or a model mapping (errors prefixed ``model.``)."""
    if value == SHIPPED:
        return DataModel.shipped()
    if not isinstance(value, Mapping):
        raise ValueError(
            f"model: must be a data model (programmes:, exit_groups:, ...) or "
            f"{SHIPPED!r}, but was {value!r}."
        )
    try:
        return DataModel.from_mapping(value)
    except ValueError as exc:
        raise ValueError(f"model.{exc}") from None


def _path(source: str | Path | None) -> Path | None:
    return None if source is None else Path(source)


def _relative(path: Path | None, base: str | Path | None) -> str | None:
    """A file path as written in a study file: relative to ``base`` when given."""
    if path is None:
        return None
    if base is None:
        return path.as_posix()
    return Path(os.path.relpath(path, Path(base))).as_posix()


def _plain(numbers: tuple[float, ...]) -> list[float | int]:
    """Numbers as YAML shows them best: whole numbers without ``.0``."""
    return [int(h) if float(h).is_integer() else h for h in numbers]
