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

__all__ = ["NOTEBOOK_PARTS", "PARTS", "PartAvailability", "available_parts"]

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
    "planning",
)
#: The parts each shipped notebook (by stem) needs: it runs when all of them can, and
#: the first that cannot says why. Value for money prices the programme comparison's
#: effect, so it needs that part as well as the costs.
NOTEBOOK_PARTS = {
    "01_data_overview": ("data_overview",),
    "02_time_to_employment": ("time_to_employment",),
    "03_programme_comparison": ("programme_comparison",),
    "04_predictors_of_success": ("predictors_of_success",),
    "05_self_confidence": ("self_confidence",),
    "06_value_for_money": ("costs", "programme_comparison"),
    "07_planning": ("planning",),
}
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
    reason_key : str
        The report catalogue's key of ``reason`` (``"skip.programmes"``; ``""`` when
        the part runs): :meth:`reason_in` writes it in any report language.
    reason_values : tuple of (str, str)
        The fields of ``reason_key`` (programme names, counts, column names).
    """

    part: str
    runnable: bool
    reason: str = ""
    skipped: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    reason_key: str = ""
    reason_values: tuple[tuple[str, str], ...] = ()

    def reason_in(self, language: str = "en") -> str:
        """Why the part cannot run, in ``language`` (en, fr, nl); ``""`` when it runs.

        Raises
        ------
        ValueError
            If ``language`` is not a language of the report catalogue.

        Examples
        --------
        >>> PartAvailability("self_confidence", False, reason_key="skip.questionnaire"
        ...                  ).reason_in("nl")
        'de studie heeft geen vragenlijstbestand (questionnaire: null in het studiebestand).'
        """
        if not self.reason_key:
            return self.reason
        from evalkit.reporting.catalogue import text

        return text(self.reason_key, language, **dict(self.reason_values))


def _not_run(part: str, key: str, *, missing: tuple[str, ...] = (),
             **values: object) -> PartAvailability:
    """A part that cannot run: the reason from the catalogue's ``key``, in English."""
    fields = tuple((name, str(value)) for name, value in values.items())
    blank = PartAvailability(part, False, reason_key=key, reason_values=fields)
    return PartAvailability(part, False, blank.reason_in("en"), missing=missing,
                            reason_key=key, reason_values=fields)


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
    - ``costs``: a costs file with valid rows, or the study file's ``cost_totals``;
    - ``planning``: nothing more (with one programme it plans that programme's next
      evaluation; with two or more, the differences between them).

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
        return tuple(_not_run(part, "skip.participants", rejected=participants.n_read)
                     for part in PARTS)
    facts = _Facts.of(participants)
    return (
        _funnel(facts),
        _overview(facts),
        _time_to_employment(facts),
        _comparison(facts),
        _predictors(facts),
        _self_confidence(study_data.questionnaire),
        _costs(study_data.costs, facts, totals=bool(study_data.cost_totals)),
        _planning(facts, study_data.questionnaire),
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
        return _not_run("programme_comparison", "skip.programmes", missing=missing,
                        programme=facts.programmes[0])
    if not covariates:
        return _not_run("programme_comparison", "skip.covariates", missing=missing,
                        covariates=list(COVARIATES))
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
        return _not_run("predictors_of_success", "skip.predictors", missing=missing,
                        covariates=list(COVARIATES), programme=facts.programmes[0])
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
        return _not_run(part, "skip.questionnaire")
    if questionnaire.n_valid == 0:
        return _not_run(part, "skip.questionnaire_rows", rejected=questionnaire.n_read)
    if not _both_waves(questionnaire):
        return _not_run(part, "skip.waves")
    return PartAvailability(part, True)


def _both_waves(questionnaire: LoadResult) -> bool:
    """Whether some participant answered the questionnaire at both waves."""
    data = questionnaire.data
    waves = data.groupby("participant_id", observed=True)["wave"].nunique()
    return bool((waves >= 2).any())


def _costs(costs: LoadResult | None, facts: _Facts, *, totals: bool) -> PartAvailability:
    if costs is None and not totals:
        return _not_run("costs", "skip.costs")
    if costs is not None and costs.n_valid == 0 and not totals:
        return _not_run("costs", "skip.costs_rows", rejected=costs.n_read)
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



def _planning(facts: _Facts, questionnaire: LoadResult | None) -> PartAvailability:
    skipped = []
    if len(facts.programmes) < 2:
        skipped.append(f"differences between programmes: {facts.one_programme()} (the "
                       "next evaluation of this programme is planned)")
    if questionnaire is None or questionnaire.n_valid == 0 or not _both_waves(questionnaire):
        skipped.append("the pre/post change of the questionnaire score: no questionnaire "
                       "answered at both waves")
    if not facts.has("mentor_id"):
        skipped.append(f"the design effect of clustering by mentor: {_no_column('mentor_id')} "
                       "(participants are taken as independent)")
    return PartAvailability(
        "planning", True, skipped=tuple(skipped), missing=facts.lacking(("mentor_id",)),
        columns=tuple(c for c in ("mentor_id",) if facts.has(c)),
    )
