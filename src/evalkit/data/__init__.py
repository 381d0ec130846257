"""The data: schema (the dictionary in code), validated loading, outcomes, synthetic data.

Loading is the only place raw files are touched; after it every table has known columns
and types, rejected rows are kept aside with their reasons, and direct identifiers have
been dropped (by name or by content) and named, never shown.

Modules
-------
- :mod:`~evalkit.data.schema`: the data dictionary (tables, columns, allowed labels).
- :mod:`~evalkit.data.model`: :class:`DataModel`, the data model as configuration
  (programmes, levels, exit types and groups, job and positive exits, the
  questionnaire's :class:`~evalkit.data.scale.Scale`, ranges, eligibility rules,
  aliases); :meth:`DataModel.shipped` is the shipped data's, the loaders' default.
- :mod:`~evalkit.data.aliases`: column names and labels in English, French and Dutch
  (packaged vocabularies in ``vocabulary/``) and a study's own (:class:`Aliases`).
- :mod:`~evalkit.data.eligibility`: eligibility rules, counted and reported, never
  used to filter (:func:`check_eligibility`).
- :mod:`~evalkit.data.study`: the study file (:class:`Study`: the files, the data
  model, title page, language, horizons, threshold, guesses; ``Study.from_yaml``,
  ``to_yaml``, ``load``); ``params/example.yaml`` is the shipped study.
- :mod:`~evalkit.data.availability`: which parts of a report a loaded study's data
  allow, the steps skipped and why (:func:`available_parts`, :class:`PartAvailability`);
  files may lack the optional columns (mentor, duo, site, covariates; the programme of
  a single-programme study: :meth:`DataModel.optional_columns`).
- :mod:`~evalkit.data.draft`: ``evalkit init`` (:func:`init_study` drafts a commented
  study file from a study's files), with the guesses and their rules in
  :mod:`~evalkit.data.guessing`.
- :mod:`~evalkit.data.loading`: :func:`load_table` and the per-table loaders, built from
  :mod:`~evalkit.data.reading` (files, SHA-256), :mod:`~evalkit.data.header` (column
  names, identifiers), :mod:`~evalkit.data.parsing` (cells to types),
  :mod:`~evalkit.data.checks` (row rules) and :mod:`~evalkit.data.rejected` (the
  rejected table).
- :mod:`~evalkit.data.identifiers`: direct identifiers recognised by column name
  (English, French, Dutch) and by content (e-mails, Belgian phone and national register
  numbers); :class:`IdentifierColumn`.
- :mod:`~evalkit.data.pseudonymise`: keyed pseudonyms for ids before a file is shared
  (``from evalkit.data.pseudonymise import pseudonymise``; the module keeps its name,
  so it is not re-exported here; ``evalkit pseudonymise`` on the command line).
- :mod:`~evalkit.data.outcomes`: outcomes at a horizon (:func:`job_within`).
- :mod:`~evalkit.data.synthetic`: the synthetic evaluation data and its true effects
  (imported on its own: ``from evalkit.data.synthetic import simulate_participants``).
"""

from evalkit.data.aliases import Aliases
from evalkit.data.availability import PartAvailability, available_parts
from evalkit.data.draft import StudyDraft, init_study
from evalkit.data.eligibility import EligibilityResult, EligibilityRule, check_eligibility
from evalkit.data.identifiers import IdentifierColumn
from evalkit.data.loading import (
    TABLES,
    LoadResult,
    guess_table,
    load_costs,
    load_participants,
    load_questionnaire,
    load_table,
)
from evalkit.data.model import DataModel
from evalkit.data.outcomes import OutcomeResult, job_within
from evalkit.data.reading import file_sha256
from evalkit.data.scale import Scale
from evalkit.data.study import Study, StudyData

__all__ = [
    "TABLES",
    "Aliases",
    "DataModel",
    "EligibilityResult",
    "EligibilityRule",
    "IdentifierColumn",
    "LoadResult",
    "OutcomeResult",
    "PartAvailability",
    "Scale",
    "Study",
    "StudyData",
    "StudyDraft",
    "available_parts",
    "check_eligibility",
    "file_sha256",
    "guess_table",
    "init_study",
    "job_within",
    "load_costs",
    "load_participants",
    "load_questionnaire",
    "load_table",
]
