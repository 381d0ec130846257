"""The data: schema (the dictionary in code), validated loading, outcomes, synthetic data.

Loading is the only place raw files are touched; after it every table has known columns
and types, rejected rows are kept aside with their reasons, and direct identifiers have
been dropped.
"""

from evalkit.data.loading import (
    TABLES,
    LoadResult,
    file_sha256,
    guess_table,
    load_costs,
    load_participants,
    load_questionnaire,
    load_table,
)
from evalkit.data.outcomes import OutcomeResult, job_within

__all__ = [
    "TABLES",
    "LoadResult",
    "OutcomeResult",
    "file_sha256",
    "guess_table",
    "job_within",
    "load_costs",
    "load_participants",
    "load_questionnaire",
    "load_table",
]
