"""The leakage guard: only columns known at intake may be predictors.

A prediction model that peeks at what happened after intake (exit, completion, dates
after intake) looks excellent and is useless; :func:`check_predictors` refuses such
columns, using the data dictionary's ``known_at_intake``, and
:func:`~evalkit.predictors.cross_validate_models` applies it. An association model
(:func:`~evalkit.predictors.odds_ratios`) may use any column but identifiers: it only
warns about post-intake columns (:func:`predictor_timing` sorts them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from evalkit.data.schema import PARTICIPANTS

__all__ = ["check_predictors", "predictor_timing"]

#: Identifiers are never predictors, whatever the dictionary says of their timing.
_IDENTIFIERS = frozenset(c.name for c in PARTICIPANTS.columns if c.kind == "id")
#: Columns the loader derives from intake information (see :mod:`evalkit.data`).
_DERIVED_AT_INTAKE = {"cohort": "intake year, from intake_date"}
#: Names that :func:`evalkit.data.outcomes.job_within` gives to outcomes (job_within_12m...).
_OUTCOME_NAME = re.compile(r"^(job|training|dropout)_within_")


_SEPARATION_EPS = 1e-8


def check_predictors(
    predictors: Sequence[str],
    *,
    outcome: str | None = None,
    intake_columns: Sequence[str] = (),
) -> None:
    """Refuse predictors that are not known at intake (outcome leakage).

    A predictor is accepted when the data dictionary (:data:`evalkit.data.schema.PARTICIPANTS`)
    marks it ``known_at_intake``, when the loader derives it from intake data
    (``cohort``), or when the caller declares it in ``intake_columns``. Everything else
    is refused: post-intake columns (exit, dates after intake, programme completion),
    outcomes (``job_within_12m``...), identifiers, and undeclared columns (whose timing
    cannot be checked).

    Parameters
    ----------
    predictors : sequence of str
        Column names to be used as predictors.
    outcome : str, optional
        The outcome column; it may not be a predictor.
    intake_columns : sequence of str, default=()
        Columns outside the data dictionary that the caller asserts are known at intake
        (e.g. a questionnaire score taken at the intake interview).

    Raises
    ------
    ValueError
        When ``predictors`` is empty, or naming the columns, why they are refused, and
        what is allowed.

    Examples
    --------
    >>> check_predictors(["age", "education", "cohort"])
    >>> try:
    ...     check_predictors(["age", "duo_completed"])
    ... except ValueError as error:
    ...     print(str(error)[:63])
    predictors ['duo_completed'] are not allowed: ['duo_completed']
    """
    predictors = list(predictors)
    if not predictors:
        raise ValueError("predictors is empty; pass at least one column known at intake.")
    kinds = predictor_timing(predictors, outcome=outcome, intake_columns=intake_columns)
    after, outcomes, ids, unknown = (kinds[k] for k in ("after", "outcome", "id", "unknown"))
    if after or outcomes or ids or unknown:
        allowed = [
            c.name for c in PARTICIPANTS.columns if c.known_at_intake and c.name not in _IDENTIFIERS
        ] + list(_DERIVED_AT_INTAKE)
        reasons = []
        if after:
            reasons.append(f"{after} are only known after intake (outcome leakage)")
        if outcomes:
            reasons.append(f"{outcomes} are outcomes")
        if ids:
            reasons.append(f"{ids} are identifiers")
        if unknown:
            reasons.append(
                f"{unknown} are not in the data dictionary, so their timing is unknown (declare "
                "them with intake_columns=[...] only if they are recorded at intake)"
            )
        raise ValueError(
            f"predictors {after + outcomes + ids + unknown} are not allowed: "
            + "; ".join(reasons)
            + f"; use columns known at intake: {allowed}."
        )


def predictor_timing(
    predictors: Sequence[str],
    *,
    outcome: str | None = None,
    intake_columns: Sequence[str] = (),
) -> dict[str, list[str]]:
    """The predictors by what the data dictionary knows of them.

    Returns a mapping with the lists ``"intake"`` (known at intake, derived from intake
    data, or declared in ``intake_columns``), ``"after"`` (only known after intake),
    ``"outcome"`` (the outcome, or named like an outcome: ``job_within_12m``...),
    ``"id"`` (identifiers) and ``"unknown"`` (not in the dictionary nor declared).
    """
    declared = set(intake_columns)
    kinds: dict[str, list[str]] = {k: [] for k in ("intake", "after", "outcome", "id",
                                                   "unknown")}
    for p in predictors:
        if p in _IDENTIFIERS:
            kinds["id"].append(p)
        elif p == outcome or _OUTCOME_NAME.match(p):
            kinds["outcome"].append(p)
        elif p in PARTICIPANTS.names:
            kinds["intake" if PARTICIPANTS[p].known_at_intake else "after"].append(p)
        elif p in _DERIVED_AT_INTAKE or p in declared:
            kinds["intake"].append(p)
        else:
            kinds["unknown"].append(p)
    return kinds
