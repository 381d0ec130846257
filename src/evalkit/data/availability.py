"""Which parts of a report a loaded study's data allow, and why not.

A study's files need not hold everything the shipped data do: a single-programme
service has nothing to compare with, an export may have no mentor or duo columns
(:attr:`evalkit.data.LoadResult.missing_optional`), a study may have no questionnaire
or costs file. :func:`available_parts` says, for each part of the report
(:data:`PARTS`), whether it can run, why not, which of its steps are skipped and why,
and which optional columns it can use; the report's front page lists the parts
skipped and why, and each part leaves out what its data lack.

Reasons name columns, programmes and files, never values of identifier or free-text
columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from evalkit.data.schema import COVARIATES

if TYPE_CHECKING:
    from evalkit.data.loading import LoadResult
    from evalkit.data.study import StudyData

__all__ = ["PARTS", "PartAvailability", "available_parts"]

#: The parts of a report, in order: the participant funnel of the front page, then
#: the parts (the notebooks' names, without their numbers), then the costs.
PARTS = (
    "participant_funnel",
    "data_overview",
    "time_to_employment",
    "programme_comparison",
    "predictors_of_success",
    "self_confidence",
    "costs",
)
#: The optional columns Table 1 describes (besides the programme).
DESCRIBED = ("site", *COVARIATES, "mentor_age")


@dataclass(frozen=True)
class PartAvailability:
    """Whether a part of the report can run on a study's data, and why not.

    Attributes
    ----------
    part : str
        The part (one of :data:`PARTS`).
    runnable : bool
        Whether the part can run.
    reason : str
        Why it cannot run, in one sentence naming what is missing and the fix (``""``
        when it runs).
    skipped : tuple of str
        Steps of a runnable part that are skipped, each with why (``"clustering by
        mentor: the participants file has no mentor_id column"``).
    missing : tuple of str
        Optional columns the part would use that the participants file lacks.
    columns : tuple of str
        Optional columns the part uses that the file has (the covariates the
        comparison adjusts for, the rows of Table 1...), in dictionary order.
    """

    part: str
    runnable: bool
    reason: str = ""
    skipped: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()


def available_parts(study_data: StudyData) -> tuple[PartAvailability, ...]:
    """Which parts of the report a loaded study can run, and why not.

    Parameters
    ----------
    study_data : StudyData
        A loaded study (:meth:`evalkit.data.study.Study.load`).

    Returns
    -------
    tuple of PartAvailability
        One per part of :data:`PARTS`, in that order.

    Raises
    ------
    TypeError
        If ``study_data`` is not a StudyData.

    Notes
    -----
    What each part needs, beyond the core columns every participants file has
    (:data:`evalkit.data.schema.CORE_COLUMNS`):

    - every part: at least one valid participant row;
    - ``programme_comparison``: two programmes with valid rows, and an intake
      covariate (:data:`evalkit.data.schema.COVARIATES`) for the propensity model;
    - ``predictors_of_success``: an intake covariate, or two programmes;
    - ``self_confidence``: a questionnaire file with valid rows, some participants
      answering both waves;
    - ``costs``: a costs file with valid rows.

    Steps skipped within a runnable part: the funnel's first-meeting, duo-formed and
    completed steps without ``first_meeting_dropout`` or ``duo_completed``; the site
    breakdown and site strata without ``site``; clustering by mentor without
    ``mentor_id``; comparisons between programmes with one programme.

    Examples
    --------
    >>> import io
    >>> from evalkit.data import DataModel, load_participants
    >>> from evalkit.data.study import StudyData
    >>> text = ("participant_id,intake_date,age,exit_type,exit_date,follow_up_end\\n"
    ...         "P1,2021-03-15,34,job_permanent,2021-09-01,2022-03-15\\n"
    ...         "P2,2021-04-01,40,censored,,2022-04-01\\n")
    >>> loaded = load_participants(io.StringIO(text), model=DataModel(programmes=("Tremplin",)))
    >>> parts = {p.part: p for p in available_parts(StudyData(loaded))}
    >>> parts["programme_comparison"].reason
    "one programme ('Tremplin') has valid rows: a comparison needs two."
    >>> parts["participant_funnel"].skipped[0]
    'first meeting and duo formed: the participants file has no first_meeting_dropout column'
    >>> parts["data_overview"].runnable, parts["data_overview"].columns
    (True, ('age',))
    """
    from evalkit.data.study import StudyData

    if not isinstance(study_data, StudyData):
        raise TypeError(
            "study_data must be a StudyData (Study.load()), but got "
            f"{type(study_data).__name__}."
        )
    participants = study_data.participants
    if participants.n_valid == 0:
        reason = (
            f"no valid participant rows (all {participants.n_read} rejected); fix the "
            "rejected rows (evalkit validate lists them)."
        )
        return tuple(PartAvailability(part, False, reason) for part in PARTS)
    facts = _Facts.of(participants)
    return (
        _funnel(facts),
        _overview(facts),
        _time_to_employment(facts),
        _comparison(facts),
        _predictors(facts),
        _self_confidence(study_data.questionnaire),
        _costs(study_data.costs, facts),
    )


@dataclass(frozen=True)
class _Facts:
    """What the parts depend on: programmes with rows, optional columns present."""

    programmes: tuple[str, ...]
    missing: tuple[str, ...]
    present: tuple[str, ...]

    @classmethod
    def of(cls, participants: LoadResult) -> _Facts:
        data = participants.data
        counts = data["programme"].value_counts(sort=False)
        programmes = tuple(str(p) for p, n in counts.items() if n > 0)
        missing = tuple(participants.missing_optional)
        present = tuple(c for c in data.columns if c not in missing)
        return cls(programmes, missing, present)

    def has(self, column: str) -> bool:
        return column in self.present

    def covariates(self) -> tuple[str, ...]:
        return tuple(c for c in COVARIATES if self.has(c))

    def lacking(self, columns: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(c for c in columns if c in self.missing)

    def one_programme(self) -> str:
        return f"one programme ({self.programmes[0]!r}) has valid rows"


def _no_column(column: str) -> str:
    return f"the participants file has no {column} column"


def _mentor_step(facts: _Facts) -> list[str]:
    """The clustering step skipped without mentors."""
    if facts.has("mentor_id"):
        return []
    return [f"clustering by mentor: {_no_column('mentor_id')} (participants are taken as "
            "independent)"]


def _funnel(facts: _Facts) -> PartAvailability:
    skipped = []
    if not facts.has("first_meeting_dropout"):
        skipped.append(f"first meeting and duo formed: {_no_column('first_meeting_dropout')}")
    if not facts.has("duo_completed"):
        skipped.append(
            f"completed and per-completer rates: {_no_column('duo_completed')}"
        )
    return PartAvailability(
        "participant_funnel", True, skipped=tuple(skipped),
        missing=facts.lacking(("first_meeting_dropout", "duo_completed")),
        columns=tuple(c for c in ("first_meeting_dropout", "duo_completed") if facts.has(c)),
    )


def _overview(facts: _Facts) -> PartAvailability:
    skipped = []
    if not facts.has("site"):
        skipped.append(f"participants by site: {_no_column('site')}")
    lacking = facts.lacking(DESCRIBED)
    if lacking:
        skipped.append(f"Table 1 rows for {list(lacking)}: not in the participants file")
    if len(facts.programmes) < 2:
        skipped.append(f"standardized differences between programmes: {facts.one_programme()}")
    return PartAvailability(
        "data_overview", True, skipped=tuple(skipped), missing=lacking,
        columns=tuple(c for c in DESCRIBED if facts.has(c)),
    )


def _time_to_employment(facts: _Facts) -> PartAvailability:
    skipped = []
    if len(facts.programmes) < 2:
        skipped.append(
            "log-rank and Gray tests and hazard ratios between programmes: "
            f"{facts.one_programme()}"
        )
    elif not facts.has("site"):
        skipped.append(f"log-rank test stratified by site: {_no_column('site')}")
    covariates = facts.covariates()
    if not covariates:
        skipped.append(
            f"adjusted Cox and Fine-Gray models: no intake covariate {list(COVARIATES)} in "
            "the participants file"
        )
    skipped += _mentor_step(facts)
    return PartAvailability(
        "time_to_employment", True, skipped=tuple(skipped),
        missing=facts.lacking(("site", *COVARIATES, "mentor_id")),
        columns=tuple(c for c in ("site", *covariates, "mentor_id") if facts.has(c)),
    )


def _comparison(facts: _Facts) -> PartAvailability:
    covariates = facts.covariates()
    missing = facts.lacking((*COVARIATES, "mentor_id", "mentor_age"))
    if len(facts.programmes) < 2:
        return PartAvailability(
            "programme_comparison", False, f"{facts.one_programme()}: a comparison needs two.",
            missing=missing,
        )
    if not covariates:
        return PartAvailability(
            "programme_comparison", False,
            f"no intake covariate {list(COVARIATES)} in the participants file: the "
            "propensity model has nothing to adjust for; add them to the file (or map its "
            "names under model: columns: in the study file).", missing=missing,
        )
    skipped = _mentor_step(facts)
    lacking = facts.lacking(COVARIATES)
    if lacking:
        skipped.insert(0, f"adjustment for {list(lacking)}: not in the participants file")
    if not facts.has("mentor_age"):
        skipped.append(f"mentors' age in the balance table: {_no_column('mentor_age')}")
    return PartAvailability(
        "programme_comparison", True, skipped=tuple(skipped), missing=missing,
        columns=tuple(c for c in (*covariates, "mentor_id", "mentor_age") if facts.has(c)),
    )


def _predictors(facts: _Facts) -> PartAvailability:
    covariates = facts.covariates()
    missing = facts.lacking((*COVARIATES, "mentor_id"))
    if not covariates and len(facts.programmes) < 2:
        return PartAvailability(
            "predictors_of_success", False,
            f"no intake covariate {list(COVARIATES)} in the participants file and "
            f"{facts.one_programme()}: nothing can predict success; add the intake "
            "characteristics to the file.", missing=missing,
        )
    skipped = []
    if facts.lacking(COVARIATES):
        skipped.append(f"predictors {list(facts.lacking(COVARIATES))}: not in the "
                       "participants file")
    if len(facts.programmes) < 2:
        skipped.append(f"the programme as a predictor: {facts.one_programme()}")
    skipped += _mentor_step(facts)
    return PartAvailability(
        "predictors_of_success", True, skipped=tuple(skipped), missing=missing,
        columns=tuple(c for c in (*covariates, "mentor_id") if facts.has(c)),
    )


def _self_confidence(questionnaire: LoadResult | None) -> PartAvailability:
    part = "self_confidence"
    if questionnaire is None:
        return PartAvailability(part, False, "the study has no questionnaire file "
                                "(questionnaire: null in the study file).")
    if questionnaire.n_valid == 0:
        return PartAvailability(
            part, False, f"no valid questionnaire rows (all {questionnaire.n_read} "
            "rejected); fix the rejected rows (evalkit validate lists them).",
        )
    data = questionnaire.data
    waves = data.groupby("participant_id", observed=True)["wave"].nunique()
    if not (waves >= 2).any():
        return PartAvailability(
            part, False, "no participant answered the questionnaire at both waves (pre "
            "and post): there is no change to measure.",
        )
    return PartAvailability(part, True)


def _costs(costs: LoadResult | None, facts: _Facts) -> PartAvailability:
    if costs is None:
        return PartAvailability("costs", False, "the study has no costs file (costs: null in "
                                "the study file).")
    if costs.n_valid == 0:
        return PartAvailability(
            "costs", False, f"no valid costs rows (all {costs.n_read} rejected); fix the "
            "rejected rows (evalkit validate lists them).",
        )
    skipped = []
    for column, what in (("first_meeting_dropout", "cost per duo formed"),
                         ("duo_completed", "cost per completed duo")):
        if not facts.has(column):
            skipped.append(f"{what}: {_no_column(column)}")
    if len(facts.programmes) < 2:
        skipped.append(f"cost per extra job (cost-effectiveness): {facts.one_programme()}")
    elif not facts.covariates():
        skipped.append("cost per extra job (cost-effectiveness): the programme comparison "
                       "cannot run (no intake covariate)")
    return PartAvailability(
        "costs", True, skipped=tuple(skipped),
        missing=facts.lacking(("first_meeting_dropout", "duo_completed")),
        columns=tuple(c for c in ("first_meeting_dropout", "duo_completed") if facts.has(c)),
    )

