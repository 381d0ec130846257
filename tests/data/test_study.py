"""The study file (evalkit.data.study): read, checked key by key, written back, loaded."""

import dataclasses
import datetime
from pathlib import Path

import pytest

from evalkit.data import DataModel
from evalkit.data.study import STUDY_KEYS, Study
from evalkit.errors import DataError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "params" / "example.yaml"


def _write(tmp_path, text, files=("p.csv",)):
    for name in files:
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    path = tmp_path / "study.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_study_reads_and_loads_the_shipped_data():
    study = Study.from_yaml(EXAMPLE)
    assert study.model == DataModel.shipped()
    assert study.horizons == (6.0, 12.0) and study.threshold == 10
    assert study.extraction_date == datetime.date(2025, 6, 30)
    assert study.participants.resolve() == ROOT / "evaldata" / "participants.csv"
    data = study.load()
    assert data.participants.n_read == data.participants.n_valid + data.participants.n_rejected
    assert data.questionnaire is not None and data.costs is not None


def test_a_study_written_reads_back_equal(tmp_path):
    study = Study.from_yaml(EXAMPLE)
    model = DataModel.from_mapping({
        "programmes": ["Maman Solo - Maman Boulot"],
        "exit_groups": {"CDI": "job", "stage": "internship", "en recherche": "censored"},
    })
    study = dataclasses.replace(
        study, model=model, guessed={"model.job_exits": "group job"}, language="fr",
        cost_totals={"Maman Solo - Maman Boulot": {"total": 7.76e6, "duos_formed": 855}},
    )
    (tmp_path / "sub").mkdir()
    written = study.to_yaml(tmp_path / "sub" / "study.yaml")
    again = Study.from_yaml(written)
    assert dataclasses.replace(again, path=None) == dataclasses.replace(study, path=None)
    assert list(again.to_mapping(tmp_path / "sub")) == list(STUDY_KEYS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("participants: p.csv\nmodel: shipped\nhorizon: 6\n",
         r"study.yaml: horizon: unknown key; a study file's keys are \['title'"),
        ("model: shipped\n", r"study.yaml: participants: missing"),
        ("participants: p.csv\n", r"study.yaml: model: missing"),
        ("participants: nope.csv\nmodel: shipped\n",
         r"study.yaml: participants: file 'nope.csv' not found \(paths are relative"),
        ("participants: p.csv\nquestionnaire: q.csv\nmodel: shipped\n",
         r"questionnaire: file 'q.csv' not found .* or write null"),
        ("participants: p.csv\nmodel: shipped\nhorizons: 12\n",
         r"horizons: must be a list of positive numbers \(months after intake\), but was 12"),
        ("participants: p.csv\nmodel: shipped\nhorizons: [6, -1]\n", r"horizons: must be"),
        ("participants: p.csv\nmodel: shipped\nthreshold: 3\n",
         r"threshold: threshold must be an integer of at least 5, but was 3"),
        ("participants: p.csv\nmodel: shipped\nthreshold: '10'\n", r"threshold: .* but was '10'"),
        ("participants: p.csv\nmodel: shipped\nlanguage: de\n", r"language: .*'de'"),
        ("participants: p.csv\nmodel: shipped\ntitle: [a]\n",
         r"title: must be a non-empty text or null, but was \['a'\]"),
        ("participants: p.csv\nmodel: shipped\nextraction_date: yesterday\n",
         r"extraction_date: must be a date written YYYY-MM-DD"),
        ("participants: p.csv\nmodel: Team4Job\n", r"model: must be a data model"),
        ("participants: p.csv\nmodel: {programmes: Team4Job}\n",
         r"study.yaml: model.programmes: must be a non-empty list of names"),
        ("participants: p.csv\nmodel: {programmes: [A], referance: A}\n",
         r"model.referance: unknown key"),
        ("participants: p.csv\nmodel: {programmes: [A], scale: {items: [q1, q2]}}\n",
         r"model.scale: required key\(s\) \['response_min', 'response_max'\] are missing"),
        ("participants: p.csv\nmodel: {programmes: [A], labels: {gender: {vrouw: woman}}}\n",
         r"model.labels.gender.vrouw: 'woman' is not a level of gender"),
        ("participants: p.csv\nmodel: {programmes: [A], columns: {Prénom: participant_id}}\n",
         r"model.columns: 'Prénom' names a direct identifier"),
        ("participants: p.csv\nmodel: shipped\nguessed: [model.reference]\n",
         r"guessed: must map each guessed key"),
        ("- participants\n", r"study.yaml: a study file must be a mapping"),
        ("participants: p.csv\nmodel: shipped\ncost_totals: {Duo: {total: 1, duos_formed: 1}}\n",
         r"cost_totals: 'Duo' is not a programme of the model"),
        ("participants: p.csv\nmodel: shipped\ncost_totals: {Team4Job: {total: 1}}\n",
         r"duos_formed: missing; cost_totals of 'Team4Job' must give"),
        ("participants: p.csv\nmodel: shipped\n"
         "cost_totals: {Team4Job: {total: -5, duos_formed: 3}}\n",
         r"cost_totals: the total of 'Team4Job' must be a positive number of euros"),
        ("participants: p.csv\nmodel: shipped\n"
         "cost_totals: {Team4Job: {total: 5, duos_formed: 2.5}}\n",
         r"cost_totals: duos_formed of 'Team4Job' must be a whole number of at least 1"),
        ("participants: p.csv\nmodel: {programmes: [A]\n", r"study.yaml: not a readable YAML"),
    ],
)
def test_a_wrong_study_file_is_one_line_naming_the_key(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(DataError, match=message) as caught:
        Study.from_yaml(path)
    assert "\n" not in str(caught.value)


def test_a_missing_study_file_says_how_to_write_one(tmp_path):
    with pytest.raises(DataError, match=r"study file not found; write one with evalkit init"):
        Study.from_yaml(tmp_path / "study.yaml")


def test_a_study_built_in_code_checks_its_language_and_model():
    study = Study.from_yaml(EXAMPLE)
    assert dataclasses.replace(study, language="nl").language == "nl"
    with pytest.raises(ValueError, match=r"language must be one of \['en', 'fr', 'nl'\]"):
        dataclasses.replace(study, language="de")
    with pytest.raises(TypeError, match=r"model must be a DataModel, but got dict"):
        dataclasses.replace(study, model={"programmes": ["A"]})
