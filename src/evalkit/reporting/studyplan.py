"""A report of one study: which parts its data allow, and each part's parameters.

``evalkit report STUDY.yaml`` runs the notebooks on the study file's data, never on the
shipped data unless the study file names them. This module is the bridge:

- :func:`part_needs`: the parts of :func:`evalkit.data.available_parts` a notebook
  needs (``programme_comparison``, ``self_confidence``, ``costs``…). Known notebooks
  are listed in :data:`PART_NEEDS`; one not listed needs the parts its parameters'
  files feed (``questionnaire_path``, ``costs_path``), so a new notebook declares its
  needs by its parameters.
- :func:`runnable_parts`: ``(part, runnable, reason)`` for every notebook, from
  :func:`~evalkit.data.available_parts`' facts (decided there only); the reasons,
  in the report's language, are the front page's "Parts not run".
- :func:`study_parameters`: the values a notebook gets from the study (``study_path``,
  the files' paths, programmes and the reference, exit groups, horizons, threshold,
  language, the comparison population from the eligibility rules), each only if the
  notebook has that parameter.
- :func:`plan_study`: all of it, checked before anything runs (the study file by
  :meth:`~evalkit.data.study.Study.from_yaml`, the mapped values and ``-p`` overrides
  against the notebooks' parameters cells).
- :func:`load_part_data`: a notebook's load step: the study's files with its model, or
  (run alone, without a study) the files its parameters name with the shipped model.

Importing this module does not import papermill (the kernels import it to load).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from evalkit._validation import check_one_of
from evalkit.data.availability import NOTEBOOK_PARTS, available_parts
from evalkit.errors import DataError
from evalkit.reporting.catalogue import LANGUAGES
from evalkit.reporting.guess_texts import reword_guess

__all__ = [
    "FROM_STUDY_FILE",
    "PART_NEEDS",
    "StudyPlan",
    "build_study_report",
    "guesses",
    "load_part_data",
    "part_needs",
    "plan_study",
    "runnable_parts",
    "study_parameters",
]

#: Parameters only the study file sets (``-p`` may not): its path and its data files.
FROM_STUDY_FILE = ("study_path", "participants_path", "questionnaire_path", "costs_path",
                   "scale_path")
#: The needs of the shipped parts (by notebook stem):
#: :data:`evalkit.data.availability.NOTEBOOK_PARTS`. With one programme, 01, 02, 04,
#: 05 and 07 leave out their comparisons of programmes (SMDs, Gray's and log-rank
#: tests, differences, the ANCOVA by programme; ``programme`` leaves the models; 07
#: plans the next evaluation of the one programme).
PART_NEEDS: Mapping[str, tuple[str, ...]] = NOTEBOOK_PARTS
#: Parameters whose notebook default is the shipped study's design: kept for the shipped
#: model, replaced by the study's for any other.
_DESIGN = ("sites", "migration_backgrounds", "age_range")


@dataclass(frozen=True)
class StudyPlan:
    """The parts of a study's report and their checked parameters; nothing has run.

    Attributes
    ----------
    study : Study
        The study file, checked.
    data : StudyData
        Its files, loaded with its model.
    parts : list of (Path, dict)
        Each notebook that runs and its parameters.
    skipped : list of (str, str)
        Each part that does not run and why (in the report's language).
    language : str
        The report's language.
    """

    study: Any
    data: Any
    parts: list[tuple[Path, dict[str, Any]]]
    skipped: list[tuple[str, str]]
    language: str


def part_needs(notebook: str | Path) -> tuple[str, ...]:
    """The parts of :func:`~evalkit.data.available_parts` a notebook needs (of
    :data:`evalkit.data.availability.PARTS`).

    Parameters
    ----------
    notebook : str or Path
        The part's notebook (``NN_name.ipynb``).

    Returns
    -------
    tuple of str
        :data:`PART_NEEDS` for the shipped parts; for any other, ``self_confidence``
        (a questionnaire answered at both waves) and ``costs`` when its parameters
        include ``questionnaire_path`` or ``costs_path``.
    """
    from evalkit.reporting.params import notebook_parameters

    notebook = Path(notebook)
    if notebook.stem in PART_NEEDS:
        return PART_NEEDS[notebook.stem]
    parameters = notebook_parameters(notebook)
    files = {"questionnaire_path": "self_confidence", "costs_path": "costs"}
    return tuple(need for name, need in files.items() if name in parameters)


def runnable_parts(
    notebooks: Sequence[str | Path], data: Any, *, language: str = "en"
) -> list[tuple[str, bool, str]]:
    """Which parts a study's data allow, and why the others do not run.

    The facts are :func:`evalkit.data.available_parts`' (one place decides what the
    data allow); a notebook runs when every part it needs (:func:`part_needs`) can.

    Parameters
    ----------
    notebooks : sequence of str or Path
        The parts' notebooks.
    data : StudyData
        The study's loaded files (:meth:`evalkit.data.study.Study.load`).
    language : str, default="en"
        Language of the reasons (en, fr, nl).

    Returns
    -------
    list of (str, bool, str)
        ``(part, runnable, reason)`` per notebook stem; the reason is ``""`` for a part
        that runs, else why the first part it needs cannot run, in ``language``.

    Raises
    ------
    TypeError
        If ``data`` is not a StudyData.
    ValueError
        If ``language`` is not one of the report's languages.

    Examples
    --------
    >>> import io
    >>> from evalkit.data import DataModel, load_participants
    >>> from evalkit.data.study import StudyData
    >>> text = ("participant_id,intake_date,age,exit_type,exit_date,follow_up_end\\n"
    ...         "P1,2021-03-15,34,job_permanent,2021-09-01,2022-03-15\\n")
    >>> loaded = load_participants(io.StringIO(text), model=DataModel(programmes=("A",)))
    >>> for row in runnable_parts(["03_programme_comparison.ipynb", "07_planning.ipynb"],
    ...                           StudyData(loaded), language="fr"):
    ...     print(row)
    ('03_programme_comparison', False, "un seul programme ('A') a des lignes valides : une comparaison en demande deux.")
    ('07_planning', True, '')
    """  # noqa: E501
    check_one_of(language, LANGUAGES, name="language")
    found = {part.part: part for part in available_parts(data)}
    rows = []
    for notebook in notebooks:
        blocked = [found[need] for need in part_needs(notebook) or ("data_overview",)
                   if not found[need].runnable]
        reason = blocked[0].reason_in(language) if blocked else ""
        rows.append((Path(notebook).stem, not blocked, reason))
    return rows


def study_parameters(
    study: Any, data: Any, notebook: str | Path, *, language: str | None = None
) -> dict[str, Any]:
    """The parameters a notebook gets from a study (only those it has).

    Parameters
    ----------
    study : Study
        The study (read from a file: ``study.path`` is passed as ``study_path``).
    data : StudyData
        Its loaded files (the programmes, sites and ages found).
    notebook : str or Path
        The part's notebook.
    language : str, optional
        The report's language (default: the study's).

    Returns
    -------
    dict
        Parameter name to value: ``study_path``; ``participants_path``,
        ``questionnaire_path``, ``costs_path`` (absolute; ``""`` for a file the study has
        not, so no part fingerprints a file it does not use); ``scale_path``: ``""`` (the
        questionnaire's scale is the study model's); ``threshold``, ``language``;
        ``programmes``, ``treated`` (the first programme that is not the reference; with one
        programme, that programme), ``reference_programme``, the reference level of
        ``programme`` in ``reference`` and ``cox_covariates``; ``exit_groups``; the horizons
        (``horizons_months``, ``curve_horizons``: the study's; ``horizon_months``,
        ``rmst_horizon_months``: the longest); ``total_cost`` and ``duos_formed`` (programme
        → value) from the study's ``cost_totals``; ``cluster``: ``mentor_id`` when the
        participants file has it, else None; for a study with another model than the shipped
        one, the comparison population (``sites``, ``migration_backgrounds``, ``age_range``)
        from the eligibility rules that hold for every programme (no rule: everyone); with
        one programme, ``programme`` is left out of predictors, subgroups, the
        questionnaire's response and attrition models, and model formulas.
    """
    from evalkit.data.model import DataModel
    from evalkit.reporting.params import notebook_parameters

    model = study.model
    participants = data.participants.data
    present = [str(p) for p in participants["programme"].dropna().unique()]
    programmes = [p for p in model.programmes if p in present] or list(model.programmes)
    reference = model.reference if model.reference in programmes else programmes[0]
    others = [p for p in programmes if p != reference]
    longest = _number(max(study.horizons))
    values: dict[str, Any] = {
        "study_path": None if study.path is None else str(Path(study.path).resolve()),
        "participants_path": str(study.participants),
        "questionnaire_path": "" if study.questionnaire is None else str(study.questionnaire),
        "costs_path": "" if study.costs is None else str(study.costs),
        "scale_path": "",  # the scale is the study model's
        "threshold": study.threshold,
        "language": language or study.language,
        "programmes": programmes,
        "reference_programme": reference,
        "exit_groups": dict(model.exit_groups),
        "horizons_months": [_number(h) for h in study.horizons],
        "curve_horizons": [_number(h) for h in study.horizons],
        "horizon_months": longest,
        "rmst_horizon_months": longest,
        # clustered SEs by mentor only when the file has mentors
        "cluster": "mentor_id" if "mentor_id" in participants.columns else None,
        "total_cost": {p: v["total"] for p, v in study.cost_totals.items()},
        "duos_formed": {p: v["duos_formed"] for p, v in study.cost_totals.items()},
    }
    # one programme: itself (no notebook default naming the shipped data's programme)
    values["treated"] = others[0] if others else reference
    if model != DataModel.shipped():
        values.update(_population(model, participants))
    defaults = notebook_parameters(notebook)
    values.update(_programme_terms(defaults, reference, several=len(programmes) > 1))
    return {name: value for name, value in values.items() if name in defaults}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _population(model: Any, participants: Any) -> dict[str, list]:
    """The comparison population: people every programme admits (no rule: everyone)."""
    def levels(column: str) -> list:
        return sorted(str(v) for v in participants[column].dropna().unique())

    values = {"sites": levels("site"), "migration_backgrounds": levels("migration_background")}
    ages = participants["age"].dropna()
    low, high = (0, 200) if ages.empty else (int(ages.min()), int(ages.max()) + 1)
    for rule in model.eligibility:
        if rule.column == "age":
            low = max(low, int(rule.minimum)) if rule.minimum is not None else low
            high = min(high, int(rule.maximum)) if rule.maximum is not None else high
        key = {"site": "sites", "migration_background": "migration_backgrounds"}.get(rule.column)
        if key is not None and rule.values is not None:
            values[key] = [v for v in values[key] if v in {str(x) for x in rule.values}]
    return {**values, "age_range": [low, high]}


def _programme_terms(defaults: Mapping[str, Any], reference: str, *, several: bool) -> dict:
    """Predictors, subgroups and formulas with the study's reference programme (or without
    the programme, for a single-programme study)."""
    out: dict[str, Any] = {}
    if isinstance(defaults.get("reference"), dict):
        out["reference"] = {k: v for k, v in defaults["reference"].items() if k != "programme"}
        if several and "programme" in defaults["reference"]:
            out["reference"]["programme"] = reference
    for name in ("predictors", "subgroups", "response_predictors", "attrition_baseline"):
        if isinstance(defaults.get(name), list) and not several:
            out[name] = [v for v in defaults[name] if v != "programme"]
    for name in ("covariates", "cox_covariates"):
        formula = defaults.get(name)
        if not isinstance(formula, str) or "programme" not in formula:
            continue
        terms = [t.strip() for t in formula.split(" + ")]
        if not several:
            terms = [t for t in terms if "programme" not in t]
        else:
            terms = [f"C(programme, contr.treatment({reference!r}))"
                     if "programme" in t and "contr.treatment" in t else t for t in terms]
        out[name] = " + ".join(terms)
    return out


def plan_study(
    study: str | Path | Any,
    notebooks_dir: str | Path = "notebooks",
    *,
    overrides: Mapping[str, Any] | None = None,
    language: str | None = None,
) -> StudyPlan:
    """Check a study file, load its data and plan its report; nothing runs.

    Parameters
    ----------
    study : str, Path or Study
        The study file (or a Study read from one).
    notebooks_dir : str or Path, default="notebooks"
        Directory of the ``NN_*.ipynb`` parts, run in name order.
    overrides : mapping, optional
        ``-p NAME VALUE`` values: each replaces the parameter of that name in every
        part that runs and has it (after the study's).
    language : str, optional
        The report's language (default: the study file's ``language``).

    Returns
    -------
    StudyPlan

    Raises
    ------
    DataError
        One line: the study file is missing or invalid (naming the key), one of its
        files cannot be loaded, there is no notebook, a mapped value does not fit a
        notebook's parameter, or an override names no parameter of a part that runs,
        has the wrong type or names a missing file, or sets a parameter only the
        study file sets (:data:`FROM_STUDY_FILE`), or the Study was not read from a
        file (the parts read the file).

    Notes
    -----
    The loaders' warnings are not shown here: each part loads the files again and
    states them in its data notes.
    """
    from evalkit.data.study import Study
    from evalkit.reporting.params import check_data_files, check_params, notebook_parameters

    if not isinstance(study, Study):
        study = Study.from_yaml(study)
    if study.path is None:
        raise DataError("the study must be read from a study file (Study.from_yaml): each "
                        "part reads it; write it with Study.to_yaml first.")
    overrides = dict(overrides or {})
    fixed = sorted(set(overrides) & set(FROM_STUDY_FILE))
    if fixed:
        raise DataError(f"-p {fixed[0]}: the study file {study.path} sets it; change the "
                        "study file instead.")
    notebooks = sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise DataError(f"{notebooks_dir}: no notebooks named NN_*.ipynb were found.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = study.load()
    language = language or study.language
    source = str(study.path)
    parts, skipped, used, every = [], [], set(), set()
    for notebook, (stem, runnable, reason) in zip(
        notebooks, runnable_parts(notebooks, data, language=language), strict=True
    ):
        if not runnable:
            skipped.append((stem, reason))
            continue
        values = check_params(study_parameters(study, data, notebook, language=language),
                              notebook, source=source)
        defaults = notebook_parameters(notebook)
        every |= set(defaults)
        given = check_params({k: v for k, v in overrides.items() if k in defaults}, notebook,
                             source="-p")
        check_data_files(given, notebook, source="-p")
        used |= set(given)
        parts.append((notebook.resolve(), {**values, **given}))
    unknown = sorted(set(overrides) - used)
    if unknown:
        raise DataError(
            f"-p {unknown[0]}: no part that runs has a parameter {unknown[0]!r}; their "
            f"parameters are {sorted(every - {'disclosure_ledger', 'study_path'})}."
        )
    return StudyPlan(study=study, data=data, parts=parts, skipped=skipped, language=language)


def load_part_data(
    study_path: str | Path | None = None,
    *,
    participants: str | Path | None = None,
    questionnaire: str | Path | None = None,
    costs: str | Path | None = None,
) -> Any:
    """A part's load step: the study's files with its model, or the given files.

    Parameters
    ----------
    study_path : str or Path, optional
        The study file (``evalkit report STUDY.yaml`` passes it). When given, the other
        arguments are ignored.
    participants, questionnaire, costs : str or Path, optional
        Files loaded with the shipped model when there is no study file (a notebook run
        alone, with its defaults); ``""`` or None: not loaded.

    Returns
    -------
    StudyData
        ``participants``, ``questionnaire`` and ``costs`` (None for a file not given).

    Raises
    ------
    DataError
        As :meth:`evalkit.data.study.Study.from_yaml` and :meth:`~evalkit.data.study.Study.load`.

    Warns
    -----
    EvalkitWarning
        As the loaders (the part's data notes).
    """
    from evalkit.data import load_costs, load_participants, load_questionnaire
    from evalkit.data.study import Study, StudyData

    if study_path:
        return Study.from_yaml(study_path).load()
    if not participants:
        raise DataError("load_part_data: give a study file or a participants file.")
    loaded = load_participants(participants)
    return StudyData(
        participants=loaded,
        questionnaire=load_questionnaire(questionnaire, participants=loaded.data)
        if questionnaire else None,
        costs=load_costs(costs) if costs else None,
    )


def guesses(study: Any, language: str = "en") -> list[tuple[str, str]]:
    """The study file's guesses for the front page: key and ``value (rule)``, the rules
    of evalkit init in ``language`` (:func:`~evalkit.reporting.guess_texts.reword_guess`;
    a rule a user wrote is shown as it is).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> study = SimpleNamespace(guessed={"model.reference": "the programme with the most "
    ...     "participants (70 of 100) is the reference"},
    ...     to_mapping=lambda: {"model": {"reference": "Werkmaatje"}})
    >>> guesses(study, "nl")
    [('model.reference', 'Werkmaatje (het programma met de meeste deelnemers (70 van 100) is de referentie)')]
    """  # noqa: E501
    mapping = study.to_mapping()
    out = []
    for key, rule in study.guessed.items():
        rule = reword_guess(rule, language)
        value: Any = mapping
        for step in key.split("."):
            value = value.get(step) if isinstance(value, Mapping) else None
        shown = value if value is None or isinstance(value, str) else _listed(value)
        out.append((key, rule if shown is None else f"{shown} ({rule})"))
    return out


def _listed(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_listed(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


def build_study_report(
    study: str | Path | Any,
    output_dir: str | Path = "reports",
    *,
    notebooks_dir: str | Path = "notebooks",
    overrides: Mapping[str, Any] | None = None,
    language: str | None = None,
    wait: float = 0.0,
    title: str | None = None,
    organisation: str | None = None,
    jobs: int | None = None,
) -> Any:
    """Build the report of a study file: every part its data allow, the others listed.

    Parameters
    ----------
    study : str, Path or Study
        The study file.
    output_dir : str or Path, default="reports"
        The report's directory (as :func:`evalkit.reporting.build.build_report`).
    notebooks_dir, overrides, language
        As :func:`plan_study`.
    wait : float, default=0.0
        Seconds to wait for another run into the same output directory.
    jobs : int, optional
        Parts run at once (as :func:`evalkit.reporting.build.build_report`).
    title, organisation : str, optional
        Replace the study file's.

    Returns
    -------
    BuiltReport
        With ``skipped``: the parts not run and why.

    Raises
    ------
    DataError
        As :func:`plan_study`; also if ``language`` is not en, fr or nl, or the data
        allow no part at all.
    ReportError
        As :func:`evalkit.reporting.build.build_report`.
    """
    import time

    from evalkit.reporting.build import ReportSettings, _check_language, build_planned

    started = time.monotonic()
    if language is not None:
        _check_language(language)
    plan = plan_study(study, notebooks_dir, overrides=overrides, language=language)
    if not plan.parts:
        raise DataError("no part of the report can run: " + "; ".join(
            f"{stem}: {reason}" for stem, reason in plan.skipped))
    study = plan.study
    skipped = tuple((_title(Path(notebooks_dir) / f"{stem}.ipynb", plan.language), reason)
                    for stem, reason in plan.skipped)
    settings = ReportSettings(
        title=title or study.title, organisation=organisation or study.organisation,
        language=plan.language, period=study.period, skipped=skipped,
        guessed=tuple(guesses(study, plan.language)),
        participants=plan.data.participants, threshold=study.threshold,
        horizons=tuple(study.horizons),
    )
    built = build_planned(plan.parts, output_dir, settings=settings, wait=wait, jobs=jobs,
                          started=started)
    return replace(built, skipped=skipped)


def _title(notebook: Path, language: str) -> str:
    """A skipped part's title in the report's language: its prose title's heading.

    A heading that names the study's programmes (``{treated} vs …``) gives way to the
    part's generic name (``part.<stem>``): a skipped part has no parameters to fill it.
    A notebook without prose gives its first heading.
    """
    from evalkit.reporting.catalogue import CATALOGUES, text
    from evalkit.reporting.prose import prose_keys, prose_text

    if "title" in prose_keys(notebook.stem):
        heading = prose_text(notebook.stem, "title", language).splitlines()[0]
        if "{" not in heading:
            return heading.lstrip("# ").strip()
    if f"part.{notebook.stem}" in CATALOGUES[language]:
        return text(f"part.{notebook.stem}", language)
    return _heading(notebook, language)


def _heading(notebook: Path, language: str) -> str:
    """A notebook's first heading (its English caption translated), else its name."""
    import nbformat

    from evalkit.reporting.catalogue import translate

    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return translate(line[2:].strip(), language)
    return notebook.stem
