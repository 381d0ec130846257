"""Aliases: the column names and labels of exports in English, French and Dutch.

A file from a Brussels service says ``date d'entrée`` and ``Bruxelles``, one from
Ghent ``datum intake`` and ``Gent``; evalkit's data model says ``intake_date`` and
``Brussels``/``Ghent``. The packaged vocabularies (``evalkit/data/vocabulary/en.yaml``,
``fr.yaml``, ``nl.yaml``) list, per evalkit column, the names exports give it, and per
category column, the labels that mean each level. A study adds its own
(:class:`Aliases` ``columns`` and ``labels``, from the study file), which win over the
packaged ones.

**Matching.** Names and labels are compared through the one normaliser of
:func:`evalkit.data.identifiers.normalised_name` (accents and case folded, every run of
punctuation, ``_``, ``-`` or spaces one word break): :func:`column_key` is that name
(``"Date d'Entrée"`` and ``date_d_entree`` are ``"date d entree"``; ``intakeDate`` is
``"intake date"``), :func:`label_key` the same after folding case first, so that a
label in capitals is one word (``TEAM4JOB`` is ``Team4Job``, whose key is
``"team4job"``). Word breaks count: ``Team 4 Job`` is not ``Team4Job``.

**Safety.** An alias maps names, never values. No packaged column alias is a direct
identifier (a test checks them with :func:`evalkit.data.identifiers.name_kind`), and a
study may not map one (:class:`Aliases` raises). Case or file numbers issued by a
service (``Dossiernummer``, ``numéro de dossier``) are no aliases of
``participant_id``: they identify the person to whoever holds the files, so they are
pseudonymised first (``evalkit pseudonymise``), then mapped in the study file. A label
alias applies only where its evalkit label is a level of the data model (``stage``
means ``internship`` only for a model with an internship exit type).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources

from evalkit._validation import check_name_list, check_name_map
from evalkit.data.identifiers import IDENTIFIER_KINDS, name_kind, normalised_name

__all__ = ["LANGUAGES", "Aliases", "column_key", "label_key", "packaged_vocabulary"]

#: Languages of the packaged vocabularies.
LANGUAGES = ("en", "fr", "nl")
#: What the ``source`` of a study's own alias says.
STUDY = "study"


def column_key(name: object) -> str:
    """A column name as compared with aliases: :func:`~evalkit.data.identifiers.normalised_name`.

    Examples
    --------
    >>> column_key("Date d'Entrée"), column_key("intakeDate"), column_key("intake_date")
    ('date d entree', 'intake date', 'intake date')
    """
    return normalised_name(name)


def label_key(label: object) -> str:
    """A label as compared with levels and aliases: case folded, then normalised.

    Folding case first keeps a label in capitals one word (``normalised_name`` splits
    ``camelCase``, which labels do not use).

    Examples
    --------
    >>> label_key(" Liège "), label_key("TEAM4JOB"), label_key("Team 4 Job")
    ('liege', 'team4job', 'team 4 job')
    >>> label_key("job_permanent") == label_key("Job-Permanent")
    True
    """
    return normalised_name(str(label).casefold())


@cache
def packaged_vocabulary(language: str) -> dict:
    """The packaged vocabulary of one language, as parsed from its YAML file.

    Parameters
    ----------
    language : {"en", "fr", "nl"}

    Returns
    -------
    dict
        ``columns`` (evalkit column → names in exports) and ``labels`` (column →
        evalkit label → labels in exports).

    Raises
    ------
    ValueError
        If ``language`` is not one of :data:`LANGUAGES`.
    """
    if language not in LANGUAGES:
        raise ValueError(
            f"languages: must name packaged vocabularies {list(LANGUAGES)}, but was "
            f"{language!r}; add the study's own words under columns: and labels:."
        )
    import yaml

    text = resources.files("evalkit.data").joinpath("vocabulary", f"{language}.yaml")
    return yaml.safe_load(text.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Aliases:
    """The aliases a data model uses: packaged vocabularies and the study's own words.

    Parameters
    ----------
    languages : tuple of str, default=("en", "fr", "nl")
        Packaged vocabularies used (:data:`LANGUAGES`).
    columns : mapping of str to str, default={}
        The study's column names: file name → evalkit column (``{"N° pseudo":
        "participant_id"}``). They win over the packaged ones.
    labels : mapping of str to mapping of str to str, default={}
        The study's labels: evalkit column → {file label → evalkit label}
        (``{"exit_type": {"CDI (temps partiel)": "job_permanent"}}``).

    Raises
    ------
    ValueError
        If a language is unknown, a mapping is not of strings, or a study's column
        name is a direct identifier (a name, e-mail, phone...: never loaded).

    Examples
    --------
    >>> aliases = Aliases(columns={"N° pseudo": "participant_id"})
    >>> aliases.column("Date d'entrée"), aliases.column("n° pseudo")
    (('intake_date', 'fr'), ('participant_id', 'study'))
    >>> aliases.labels_of("site")["bruxelles"]
    ('Brussels', 'fr')
    """

    languages: tuple[str, ...] = LANGUAGES
    columns: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        languages = check_name_list(self.languages, key="languages")
        for language in languages:
            packaged_vocabulary(language)  # raises on an unknown language
        object.__setattr__(self, "languages", languages)
        columns = check_name_map(
            self.columns, key="columns", what="column names in the files to evalkit columns"
        )
        object.__setattr__(self, "columns", columns)
        if not isinstance(self.labels, Mapping):
            raise ValueError(
                "labels: must map evalkit columns to {label in the files: evalkit label}, "
                f"but was {self.labels!r}."
            )
        labels = {
            str(c): check_name_map(m, key=f"labels.{c}", what="labels in the files to evalkit "
                                   "labels")
            for c, m in self.labels.items()
        }
        object.__setattr__(self, "labels", labels)
        for name in self.columns:
            if (kind := name_kind(name)) is not None:
                raise ValueError(
                    f"columns: {name!r} names a direct identifier "
                    f"({IDENTIFIER_KINDS[kind]}), which evalkit never loads; remove this "
                    "mapping (replace ids by pseudonyms first: evalkit pseudonymise)."
                )

    @cached_property
    def _columns(self) -> dict[str, tuple[str, str]]:
        """Column key → (evalkit column, source)."""
        found: dict[str, tuple[str, str]] = {}
        for language in self.languages:
            for target, names in packaged_vocabulary(language).get("columns", {}).items():
                for name in [target, *names]:
                    found.setdefault(column_key(name), (target, language))
        for name, target in self.columns.items():
            found[column_key(name)] = (target, STUDY)
        return found

    @cached_property
    def _labels(self) -> dict[str, dict[str, tuple[str, str]]]:
        """Column → label key → (evalkit label, source)."""
        found: dict[str, dict[str, tuple[str, str]]] = {}
        for language in self.languages:
            for column, levels in packaged_vocabulary(language).get("labels", {}).items():
                into = found.setdefault(column, {})
                for level, labels in levels.items():
                    for label in labels:
                        into.setdefault(label_key(label), (str(level), language))
        for column, labels in self.labels.items():
            into = found.setdefault(column, {})
            for label, level in labels.items():
                into[label_key(label)] = (level, STUDY)
        return found

    def column(self, name: object) -> tuple[str, str] | None:
        """The evalkit column a file's column name stands for, and where the alias is from
        (``"en"``, ``"fr"``, ``"nl"`` or ``"study"``); None if no alias matches."""
        return self._columns.get(column_key(name))

    def labels_of(self, column: str) -> dict[str, tuple[str, str]]:
        """The label aliases of one evalkit column: label key → (evalkit label, source)."""
        return self._labels.get(column, {})

    def to_mapping(self) -> dict:
        """The study's part, as a study file holds it (``languages``, ``columns``,
        ``labels``); the packaged vocabularies are named, not copied."""
        return {
            "languages": list(self.languages),
            "columns": dict(self.columns),
            "labels": {c: dict(m) for c, m in self.labels.items()},
        }

