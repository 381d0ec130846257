"""A study's report: parts its data allow, parameters from the study file (issue 16).

The parts themselves take minutes; here the mapping, the skip logic, the command's
errors and the front page are tested on the test studies of tests/data/studies.py. One
report is built end to end with two small notebooks in test_simulation.py (slow); the
whole report of each test study is ``validation/study_reports.py``.
"""

import io
import warnings
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest

from evalkit.cli import main
from evalkit.data import DataModel, available_parts, load_participants
from evalkit.data.draft import init_study
from evalkit.data.study import Study, StudyData
from evalkit.errors import DataError
from evalkit.reporting.catalogue import LANGUAGES, text
from evalkit.reporting.page import front_page
from evalkit.reporting.studyplan import (
    PART_NEEDS,
    build_study_report,
    guesses,
    load_part_data,
    part_needs,
    plan_study,
    runnable_parts,
    study_parameters,
)
from tests.data.studies import dutch_csv, french_xlsx, questionnaire_study

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
EXAMPLE = ROOT / "params" / "example.yaml"


def _study(directory: Path, make, sheet=None) -> Path:
    """A test study's files and the study file ``evalkit init`` writes for them."""
    made = make(directory)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        draft = init_study(made.participants, questionnaire=made.questionnaire, sheet=sheet)
    return draft.write(directory / "study.yaml")


@pytest.fixture(scope="module")
def dutch(tmp_path_factory):
    return _study(tmp_path_factory.mktemp("dutch"), dutch_csv)


@pytest.fixture(scope="module")
def questionnaire(tmp_path_factory):
    return _study(tmp_path_factory.mktemp("questionnaire"), questionnaire_study)


def _loaded(programmes, questionnaire=None, costs=None, *, valid=True):
    """A loaded study: one participant row per programme given (aged 34, or 150 and
    rejected when not ``valid``), and stand-ins for the questionnaire and costs files
    (``n_valid`` rows; a questionnaire's first participant answered both waves)."""
    rows = "".join(f"P{i},{p},2021-03-15,{34 if valid else 150},censored,,2022-03-15\n"
                   for i, p in enumerate(programmes))
    model = DataModel(programmes=tuple(dict.fromkeys(programmes)) or ("A",))
    participants = load_participants(io.StringIO(
        "participant_id,programme,intake_date,age,exit_type,exit_date,follow_up_end\n"
        + rows), model=model)
    if questionnaire is not None:
        questionnaire.data = pd.DataFrame({"participant_id": ["P0", "P0"],
                                           "wave": ["pre", "post"]})
        questionnaire.n_read = questionnaire.n_valid
    if costs is not None:
        costs.n_read = costs.n_valid
    return StudyData(participants, questionnaire, costs)


def _notebook(path: Path, parameters: str, code: str = "print('ok')") -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# Part {path.stem}\n\n## Section"), cell,
                nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path.parent.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    return path


# ------------------------------------------------------------------ which parts run


def test_no_questionnaire_no_costs_one_programme_skip_the_parts_that_need_them(tmp_path):
    rows = runnable_parts(sorted(NOTEBOOKS.glob("0*.ipynb")), _loaded(["A", "A"]))
    assert {part: (runs, why) for part, runs, why in rows} == {
        "01_data_overview": (True, ""),
        "02_time_to_employment": (True, ""),  # without its comparisons of programmes
        "03_programme_comparison": (
            False, "one programme ('A') has valid rows: a comparison needs two."),
        "04_predictors_of_success": (True, ""),
        "05_self_confidence": (
            False, "the study has no questionnaire file (questionnaire: null in the study "
                   "file)."),
        "06_value_for_money": (False, "the study has no costs file (costs: null in the study "
                                      "file)."),
        "07_planning": (True, ""),  # the next evaluation of the one programme
    }


def test_two_programmes_a_questionnaire_and_costs_run_every_part(tmp_path):
    files = SimpleNamespace(n_valid=3)
    rows = runnable_parts(sorted(NOTEBOOKS.glob("0*.ipynb")),
                          _loaded(["A", "B"], files, files), language="fr")
    assert all(runs for _, runs, _ in rows) and len(rows) == 7
    empty = SimpleNamespace(n_valid=0)  # a file without a valid row is no file
    assert not runnable_parts([NOTEBOOKS / "05_self_confidence.ipynb"],
                              _loaded(["A", "B"], empty))[0][1]


@pytest.fixture(scope="module")
def french(tmp_path_factory):
    return _study(tmp_path_factory.mktemp("french"), french_xlsx, sheet="Participants")


#: The parts each test study cannot run, and the catalogue key of the reason.
NOT_RUN = {
    "french": {"03_programme_comparison": "skip.programmes",
               "05_self_confidence": "skip.questionnaire", "06_value_for_money": "skip.costs"},
    "dutch": {"05_self_confidence": "skip.questionnaire", "06_value_for_money": "skip.costs"},
    "questionnaire": {"03_programme_comparison": "skip.programmes",
                      "06_value_for_money": "skip.costs"},
}


@pytest.mark.parametrize("name", sorted(NOT_RUN))
def test_one_mechanism_decides_the_parts_of_each_test_study_in_every_language(name, request):
    """runnable_parts reads available_parts' facts: same verdicts, the reasons are the
    catalogue's in each language, and a total cost and a count are costs for both."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = Study.from_yaml(request.getfixturevalue(name)).load()
    notebooks = sorted(NOTEBOOKS.glob("0*.ipynb"))
    facts = {p.part: p for p in available_parts(data)}
    seen = set()
    for language in LANGUAGES:
        reasons = {stem: why for stem, runs, why in
                   runnable_parts(notebooks, data, language=language) if not runs}
        assert set(reasons) == set(NOT_RUN[name])
        for stem, key in NOT_RUN[name].items():
            first = facts[PART_NEEDS[stem][0]]  # the first part it needs that cannot run
            assert first.reason_key == key and first.reason == first.reason_in("en")
            assert reasons[stem] == text(key, language, **dict(first.reason_values))
            seen.add(reasons[stem])
    assert len(seen) == 3 * len(NOT_RUN[name])  # each reason differs by language
    totals = replace(data, cost_totals={p: {"total": 1e5, "duos_formed": 10}
                                        for p in data.participants.model.programmes})
    costs = {p.part: p.runnable for p in available_parts(totals)}["costs"]
    six = dict((s, r) for s, r, _ in runnable_parts(notebooks, totals))["06_value_for_money"]
    assert costs and six == (name == "dutch")  # one programme: no cost per extra job


def test_a_new_part_declares_its_needs_by_its_parameters(tmp_path):
    assert part_needs(_notebook(tmp_path / "07_costs.ipynb", 'costs_path = "c.csv"')) == (
        "costs",)
    assert part_needs(_notebook(tmp_path / "08_x.ipynb", 'participants_path = "p.csv"')) == ()
    assert set(PART_NEEDS) == {p.stem for p in NOTEBOOKS.glob("0*.ipynb")}


# ------------------------------------------------------------------ parameters


def test_the_shipped_study_gives_its_files_horizons_and_reference():
    plan = plan_study(EXAMPLE, NOTEBOOKS)
    assert plan.skipped == [] and len(plan.parts) == 7
    values = {notebook.stem: v for notebook, v in plan.parts}
    evaldata = ROOT / "evaldata"
    assert values["01_data_overview"]["study_path"] == str(EXAMPLE)
    assert values["01_data_overview"]["costs_path"] == str(evaldata / "costs.csv")
    assert values["02_time_to_employment"]["horizons_months"] == [6, 12]
    assert values["02_time_to_employment"]["programmes"] == ["DUO for a JOB", "Team4Job"]
    assert values["03_programme_comparison"]["treated"] == "DUO for a JOB"
    assert "sites" not in values["03_programme_comparison"]  # the notebook's design
    assert values["04_predictors_of_success"]["reference"]["programme"] == "Team4Job"
    assert values["05_self_confidence"]["reference_programme"] == "Team4Job"


def test_a_single_programme_study_runs_no_comparison_and_no_programme_term(tmp_path):
    plan = plan_study(_study(tmp_path, french_xlsx, sheet="Participants"), NOTEBOOKS)
    assert plan.language == "fr"
    assert plan.skipped == [
        ("03_programme_comparison", "un seul programme ('Tremplin Mentorat') a des lignes "
                                    "valides : une comparaison en demande deux."),
        ("05_self_confidence", "l'étude n'a pas de fichier de questionnaire (questionnaire: "
                               "null dans le fichier d'étude)."),
        ("06_value_for_money", "l'étude n'a pas de fichier de coûts (costs: null dans le "
                               "fichier d'étude).")]
    values = dict((n.stem, v) for n, v in plan.parts)
    predictors = values["04_predictors_of_success"]
    assert "programme" not in predictors["predictors"] + predictors["subgroups"]
    assert "programme" not in predictors["cox_covariates"] + str(predictors["reference"])
    assert values["07_planning"]["treated"] == "Tremplin Mentorat"  # not the shipped default
    survival = values["02_time_to_employment"]
    assert survival["programmes"] == ["Tremplin Mentorat"]
    assert "programme" not in survival["covariates"]
    assert set(survival["exit_groups"].values()) >= {"internship", "studies"}
    overview = dict((n.stem, v) for n, v in plan.parts)["01_data_overview"]
    assert overview["questionnaire_path"] == "" and overview["language"] == "fr"


def test_a_two_programme_study_compares_everyone_the_rules_admit(dutch):
    path = dutch
    study = Study.from_yaml(path)
    data = study.load()
    values = study_parameters(study, data, NOTEBOOKS / "03_programme_comparison.ipynb")
    reference = study.model.reference
    treated = next(p for p in study.model.programmes if p != reference)
    ages = data.participants.data["age"]
    assert values["treated"] == treated and values["sites"] == ["Brussels", "Ghent"]
    assert values["age_range"] == [int(ages.min()), int(ages.max()) + 1]
    cox = study_parameters(study, data, NOTEBOOKS / "04_predictors_of_success.ipynb")
    assert cox["cox_covariates"].endswith(f"C(programme, contr.treatment({reference!r}))")
    assert plan_study(path, NOTEBOOKS, language="en").language == "en"


def test_a_questionnaire_study_loads_its_own_scale(questionnaire):
    path = questionnaire
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = load_part_data(str(path))
    assert data.questionnaire.model.scale.items == tuple(f"q{i}" for i in range(1, 13))
    guessed = dict(guesses(Study.from_yaml(path)))
    assert guessed and all("(" in value for value in guessed.values())
    plan = plan_study(path, NOTEBOOKS)
    assert [stem for stem, _ in plan.skipped] == [
        "03_programme_comparison", "06_value_for_money"]
    confidence = dict((n.stem, v) for n, v in plan.parts)["05_self_confidence"]
    assert confidence["questionnaire_path"] == str(path.parent / "questionnaire.parquet")
    assert confidence["scale_path"] == ""  # the study model's scale, not the shipped file
    assert "programme" not in confidence["response_predictors"] + confidence[
        "attrition_baseline"]


def test_a_participants_file_without_a_valid_row_runs_no_part():
    data = _loaded(["A", "A"], valid=False)
    rows = runnable_parts(sorted(NOTEBOOKS.glob("0*.ipynb")), data, language="nl")
    assert {(runs, why) for _, runs, why in rows} == {
        (False, "geen geldige deelnemersrij (alle 2 geweigerd); verbeter de geweigerde rijen "
                "(evalkit validate somt ze op).")}


def test_a_study_built_in_code_is_refused(dutch):
    study = Study.from_yaml(dutch)
    with pytest.raises(DataError, match=r"the study must be read from a study file"):
        plan_study(Study(**{**vars(study), "path": None}), NOTEBOOKS)


def test_without_a_study_file_a_part_loads_its_files_with_the_shipped_model():
    data = load_part_data(None, participants=str(ROOT / "evaldata" / "participants.csv"),
                          questionnaire="", costs=None)
    assert data.questionnaire is None and data.costs is None
    assert data.participants.n_valid > 1000
    with pytest.raises(DataError, match="give a study file or a participants file"):
        load_part_data(None)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"nonsense": 1}, r"-p nonsense: no part that runs has a parameter 'nonsense'"),
        ({"threshold": "ten"}, r"-p: parameter 'threshold' must be of type int"),
        ({"participants_path": "other.csv"}, r"-p participants_path: the study file .*"
                                             r"study.yaml sets it; change the study file"),
        ({"last_intake_post_due": 2024}, r"-p: parameter 'last_intake_post_due' must be of "
                                         r"type str"),
    ],
)
def test_overrides_are_checked_before_anything_runs(overrides, message, questionnaire):
    with pytest.raises(DataError, match=message):
        plan_study(questionnaire, NOTEBOOKS, overrides=overrides)


# ------------------------------------------------------------------ command line


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report"], r"give the study file: evalkit report STUDY.yaml"),
        (["report", "gone.yaml"], r"gone.yaml: study file not found; write one with "
                                  r"evalkit init"),
        (["report", str(EXAMPLE), "--params", "params"],
         r"--params: the study file .*example.yaml gives every part its parameters"),
        (["report", str(EXAMPLE), "--language", "de"], r"--language: language must be one of"),
    ],
)
def test_report_errors_are_one_line_and_exit_2(argv, message, capsys, tmp_path):
    assert main([*argv, "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert __import__("re").search(message, err)
    assert not (tmp_path / "out").exists()


def test_a_study_with_a_bad_key_is_one_line_naming_it(tmp_path, capsys):
    study = tmp_path / "study.yaml"
    study.write_text(EXAMPLE.read_text().replace("horizons: [6, 12]", "horizons: six")
                     .replace("../evaldata", str(ROOT / "evaldata")))
    assert main(["report", str(study), "-o", str(tmp_path / "out")]) == 2
    assert "horizons: must be a list of positive numbers" in capsys.readouterr().err


# ------------------------------------------------------------------ front page and build


def test_the_front_page_lists_parts_not_run_and_the_guesses():
    body = front_page(title="T", facts=[], fingerprints={}, parts=[], language="nl",
                      skipped=[("Vergelijking", "de studie heeft één programma (A).")],
                      guessed=[("model.reference", "Werkmaatje (grootste programma)")])
    assert "Niet uitgevoerde delen" in body and "de studie heeft één programma (A)." in body
    assert "Geraden door evalkit init" in body
    assert "<code>model.reference</code>: Werkmaatje (grootste programma)" in body
    assert '<span class="ek-guess">(gok)</span>' in body


def test_the_guesses_are_listed_in_the_report_language():
    """The study file holds init's rules in the study's language (or English, in a file
    written before they were translated); a rule a user wrote is shown as written."""
    study = SimpleNamespace(
        guessed={"period": "les années des dates d'entrée",
                 "model.reference": "the programme with the most participants (90 of 150) is "
                                    "the reference",
                 "language": "checked with the coordinator"},
        to_mapping=lambda: {"period": "2021-2022", "language": "fr",
                            "model": {"reference": "Werkmaatje"}})
    assert guesses(study, "nl") == [
        ("period", "2021-2022 (de jaren van de instroomdata)"),
        ("model.reference", "Werkmaatje (het programma met de meeste deelnemers (90 van 150) is "
                            "de referentie)"),
        ("language", "fr (checked with the coordinator)")]
    assert guesses(study, "fr")[1] == ("model.reference", "Werkmaatje (le programme qui compte le "
                                       "plus de participants (90 sur 150) est la référence)")
    assert guesses(study)[0] == ("period", "2021-2022 (the years of the intake dates)")


def test_build_study_report_refuses_when_no_part_can_run(tmp_path, dutch):
    notebooks = tmp_path / "notebooks"
    _notebook(notebooks / "01_confidence.ipynb", 'questionnaire_path = "q.csv"')
    with pytest.raises(DataError, match=r"no part of the report can run: 01_confidence: the "
                                        r"study has no questionnaire file"):
        build_study_report(dutch, tmp_path / "out", notebooks_dir=notebooks, language="en")


def test_a_total_cost_and_a_count_run_the_value_for_money_part(tmp_path):
    """Issue 19: a study file with only a total and a count per programme (cost_totals)
    runs part 06, which gets them as its total_cost and duos_formed parameters."""
    import dataclasses

    study = dataclasses.replace(Study.from_yaml(EXAMPLE), costs=None, cost_totals={
        "DUO for a JOB": {"total": 7.76e6, "duos_formed": 855},
        "Team4Job": {"total": 6.2e6, "duos_formed": 900}})
    path = study.to_yaml(tmp_path / "study.yaml")
    plan = plan_study(path, NOTEBOOKS)
    assert "06_value_for_money" not in dict(plan.skipped)
    values = dict((n.stem, v) for n, v in plan.parts)["06_value_for_money"]
    assert values["costs_path"] == ""
    assert values["total_cost"] == {"DUO for a JOB": 7.76e6, "Team4Job": 6.2e6}
    assert values["duos_formed"] == {"DUO for a JOB": 855, "Team4Job": 900}


@pytest.mark.parametrize("language, planning, comparison", [
    ("en", "Planning the next evaluation: how many participants?", "Programme comparison"),
    ("nl", "De volgende evaluatie plannen: hoeveel deelnemers?", "Vergelijking van de programma's"),
])
def test_a_skipped_part_is_titled_in_the_report_language(language, planning, comparison):
    from evalkit.reporting.studyplan import _title

    assert _title(NOTEBOOKS / "07_planning.ipynb", language) == planning
    # The comparison's heading names the programmes, which a skipped part does not have.
    assert _title(NOTEBOOKS / "03_programme_comparison.ipynb", language) == comparison
