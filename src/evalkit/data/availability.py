"""Which parts of a report a loaded study's data allow, and why not.

A study's files need not hold everything the shipped data do: a single-programme
service has nothing to compare with, an export may have no mentor or duo columns
(:attr:`evalkit.data.LoadResult.missing_optional`), a study may have no questionnaire
or costs file. :func:`available_parts` says, for each part of the report
(:data:`PARTS`), whether it can run, why not, which of its steps are skipped and why,
and which optional columns it can use; the report's front page lists the parts
skipped and why, and each part leaves out what its data lack. This is the one place
that decides: :func:`evalkit.reporting.studyplan.runnable_parts` reads these facts for
the notebooks (:data:`NOTEBOOK_PARTS`).

The facts are here, the words in the report catalogue: each reason and skipped step
is a catalogue key with its fields (``reason_key``, ``skipped_keys``), written in
English in ``reason`` and ``skipped`` and in any report language by
:meth:`PartAvailability.reason_in` and :meth:`PartAvailability.skipped_in` (texts in
:mod:`evalkit.reporting.parts_texts`). Reasons name columns, programmes and files,
never values of identifier or free-text columns.
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
    skipped_keys : tuple of (str, tuple of (str, str))
        Each of ``skipped`` as a catalogue key and its fields: :meth:`skipped_in`
        writes them in any report language.
    """

    part: str
    runnable: bool
    reason: str = ""
    skipped: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    reason_key: str = ""
    reason_values: tuple[tuple[str, str], ...] = ()
    skipped_keys: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

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

    def skipped_in(self, language: str = "en") -> tuple[str, ...]:
        """The steps left out and why, in ``language`` (en, fr, nl).

        Raises
        ------
        ValueError
            If ``language`` is not a language of the report catalogue.
        """
        from evalkit.reporting.catalogue import text

        return tuple(text(key, language, **dict(values)) for key, values in self.skipped_keys)


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


#: A step a part leaves out: its catalogue key and the key's fields.
_Step = tuple[str, tuple[tuple[str, str], ...]]


def _step(key: str, **values: object) -> _Step:
    return key, tuple((name, str(value)) for name, value in values.items())


def _runs(part: str, steps: list[_Step], *, missing: tuple[str, ...] = (),
          columns: tuple[str, ...] = ()) -> PartAvailability:
    """A part that runs, leaving out ``steps`` (said in English in ``skipped``)."""
    from evalkit.reporting.catalogue import text

    return PartAvailability(
        part, True, skipped=tuple(text(key, "en", **dict(values)) for key, values in steps),
        missing=missing, columns=columns, skipped_keys=tuple(steps))


def _mentor_step(facts: _Facts, key: str = "step.mentor") -> list[_Step]:
    """The clustering step skipped without mentors."""
    return [] if facts.has("mentor_id") else [_step(key, column="mentor_id")]


def _funnel(facts: _Facts) -> PartAvailability:
    steps = [_step(key, column=column) for key, column in (
        ("step.funnel_meeting", "first_meeting_dropout"),
        ("step.funnel_completed", "duo_completed")) if not facts.has(column)]
    return _runs(
        "participant_funnel", steps,
        missing=facts.lacking(("first_meeting_dropout", "duo_completed")),
        columns=tuple(c for c in ("first_meeting_dropout", "duo_completed") if facts.has(c)),
    )


def _overview(facts: _Facts) -> PartAvailability:
    steps = []
    if not facts.has("site"):
        steps.append(_step("step.site_breakdown", column="site"))
    lacking = facts.lacking(DESCRIBED)
    if lacking:
        steps.append(_step("step.table_one_rows", columns=list(lacking)))
    if len(facts.programmes) < 2:
        steps.append(_step("step.smd_programmes", programme=facts.programmes[0]))
    return _runs("data_overview", steps, missing=lacking,
                 columns=tuple(c for c in DESCRIBED if facts.has(c)))


def _time_to_employment(facts: _Facts) -> PartAvailability:
    steps = []
    if len(facts.programmes) < 2:
        steps.append(_step("step.tests_programmes", programme=facts.programmes[0]))
    elif not facts.has("site"):
        steps.append(_step("step.site_strata", column="site"))
    covariates = facts.covariates()
    if not covariates:
        steps.append(_step("step.adjusted_models", covariates=list(COVARIATES)))
    steps += _mentor_step(facts)
    return _runs(
        "time_to_employment", steps,
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
    steps = _mentor_step(facts)
    lacking = facts.lacking(COVARIATES)
    if lacking:
        steps.insert(0, _step("step.adjustment", columns=list(lacking)))
    if not facts.has("mentor_age"):
        steps.append(_step("step.mentor_age", column="mentor_age"))
    return _runs(
        "programme_comparison", steps, missing=missing,
        columns=tuple(c for c in (*covariates, "mentor_id", "mentor_age") if facts.has(c)),
    )


def _predictors(facts: _Facts) -> PartAvailability:
    covariates = facts.covariates()
    missing = facts.lacking((*COVARIATES, "mentor_id"))
    if not covariates and len(facts.programmes) < 2:
        return _not_run("predictors_of_success", "skip.predictors", missing=missing,
                        covariates=list(COVARIATES), programme=facts.programmes[0])
    steps = []
    if facts.lacking(COVARIATES):
        steps.append(_step("step.predictors", columns=list(facts.lacking(COVARIATES))))
    if len(facts.programmes) < 2:
        steps.append(_step("step.programme_predictor", programme=facts.programmes[0]))
    steps += _mentor_step(facts)
    return _runs("predictors_of_success", steps, missing=missing,
                 columns=tuple(c for c in (*covariates, "mentor_id") if facts.has(c)))


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
    steps = [_step(key, column=column) for key, column in (
        ("step.cost_duo", "first_meeting_dropout"),
        ("step.cost_completed", "duo_completed")) if not facts.has(column)]
    if len(facts.programmes) < 2:
        steps.append(_step("step.icer_programmes", programme=facts.programmes[0]))
    elif not facts.covariates():
        steps.append(_step("step.icer_covariates"))
    return _runs(
        "costs", steps, missing=facts.lacking(("first_meeting_dropout", "duo_completed")),
        columns=tuple(c for c in ("first_meeting_dropout", "duo_completed") if facts.has(c)),
    )


def _planning(facts: _Facts, questionnaire: LoadResult | None) -> PartAvailability:
    steps = []
    if len(facts.programmes) < 2:
        steps.append(_step("step.plan_programmes", programme=facts.programmes[0]))
    if questionnaire is None or questionnaire.n_valid == 0 or not _both_waves(questionnaire):
        steps.append(_step("step.plan_paired"))
    steps += _mentor_step(facts, "step.plan_mentor")
    return _runs("planning", steps, missing=facts.lacking(("mentor_id",)),
                 columns=tuple(c for c in ("mentor_id",) if facts.has(c)))
