"""A study's report: parts its data allow, parameters from the study file (issue 16).

The parts themselves take minutes; here the mapping, the skip logic, the command's
errors and the front page are tested on the test studies of tests/data/studies.py. One
report is built end to end with two small notebooks in test_simulation.py (slow); the
whole report of each test study is ``validation/study_reports.py``.
"""

import warnings
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest

from evalkit.cli import main
from evalkit.data.draft import init_study
from evalkit.data.study import Study
from evalkit.errors import DataError
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


def _loaded(programmes, questionnaire=None, costs=None):
    participants = SimpleNamespace(data=pd.DataFrame({"programme": programmes}),
                                   n_valid=len(programmes))
    return SimpleNamespace(participants=participants, questionnaire=questionnaire, costs=costs)


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
            False, "the study has one programme (A); this part compares programmes."),
        "04_predictors_of_success": (True, ""),
        "05_self_confidence": (
            False, "the study has no questionnaire file (or no valid row in it)."),
        "06_value_for_money": (False, "the study has no costs file (or no valid row in it)."),
        "07_planning": (
            False, "the study has one programme (A); this part compares programmes."),
    }


def test_two_programmes_a_questionnaire_and_costs_run_every_part(tmp_path):
    files = SimpleNamespace(n_valid=3)
    rows = runnable_parts(sorted(NOTEBOOKS.glob("0*.ipynb")),
                          _loaded(["A", "B"], files, files), language="fr")
    assert all(runs for _, runs, _ in rows) and len(rows) == 7
    empty = SimpleNamespace(n_valid=0)  # a file without a valid row is no file
    assert not runnable_parts([NOTEBOOKS / "05_self_confidence.ipynb"],
                              _loaded(["A", "B"], empty))[0][1]


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
        ("03_programme_comparison", "l'étude a un seul dispositif (Tremplin Mentorat) ; cette "
                                    "partie compare des dispositifs."),
        ("05_self_confidence", "l'étude n'a pas de fichier de questionnaire (ou aucune ligne "
                               "valide)."),
        ("06_value_for_money", "l'étude n'a pas de fichier de coûts (ou aucune ligne valide)."),
        ("07_planning", "l'étude a un seul dispositif (Tremplin Mentorat) ; cette partie "
                        "compare des dispositifs.")]
    values = dict((n.stem, v) for n, v in plan.parts)
    predictors = values["04_predictors_of_success"]
    assert "programme" not in predictors["predictors"] + predictors["subgroups"]
    assert "programme" not in predictors["cox_covariates"] + str(predictors["reference"])
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
        "03_programme_comparison", "06_value_for_money", "07_planning"]
    confidence = dict((n.stem, v) for n, v in plan.parts)["05_self_confidence"]
    assert confidence["questionnaire_path"] == str(path.parent / "questionnaire.parquet")
    assert confidence["scale_path"] == ""  # the study model's scale, not the shipped file
    assert "programme" not in confidence["response_predictors"] + confidence[
        "attrition_baseline"]


def test_a_participants_file_without_a_valid_row_runs_no_part():
    data = _loaded([])
    data.participants.n_valid = 0
    rows = runnable_parts(sorted(NOTEBOOKS.glob("0*.ipynb")), data, language="nl")
    assert {(runs, why) for _, runs, why in rows} == {
        (False, "het deelnemersbestand heeft geen geldige rij.")}


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
