"""Optional columns and the parts a study's data allow (issue 16).

A single-programme French export without a programme column and without the mentor
and duo columns goes init -> study file -> load -> available_parts, and the downstream
calls run on it and on the other test studies (tests/data/studies.py); what an
analysis cannot do without an optional column is refused in one line naming the
column and the study-file fix.
"""

import contextlib
import io
import warnings

import pandas as pd
import pytest

from evalkit.cli import main
from evalkit.comparison import propensity_score
from evalkit.data import (
    DataModel,
    EligibilityRule,
    guess_table,
    job_within,
    load_costs,
    load_participants,
)
from evalkit.data.availability import PARTS, available_parts
from evalkit.data.draft import init_study
from evalkit.data.study import Study, StudyData
from evalkit.descriptives import table_one
from evalkit.errors import DataError, EvalkitWarning, IdentifierWarning
from evalkit.survival import cox_model, time_to_event
from tests.data.studies import LEAN_DROPPED, dutch_csv, french_xlsx, questionnaire_study

MENTOR_DUO = ("mentor_id", "mentor_age", "first_meeting_dropout", "duo_completed")
STUDIES = {
    "french": lambda d: french_xlsx(d),
    "french_lean": lambda d: french_xlsx(d, lean=True),
    "dutch": dutch_csv,
    "questionnaire": questionnaire_study,
}


def _quiet_load(study: Study) -> StudyData:
    """Load a study; the identifier and unknown columns its export has are dropped with
    warnings that test_draft checks."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IdentifierWarning)
        warnings.simplefilter("ignore", EvalkitWarning)
        return study.load()


@pytest.fixture(scope="module", params=sorted(STUDIES))
def loaded(request, tmp_path_factory):
    """A test study: made, drafted by init, its study file written and read back, loaded."""
    directory = tmp_path_factory.mktemp(request.param)
    made = STUDIES[request.param](directory)
    sheet = "Participants" if request.param.startswith("french") else None
    draft = init_study(made.participants, questionnaire=made.questionnaire, sheet=sheet)
    study = Study.from_yaml(draft.write(directory / "study.yaml"))
    return request.param, made, draft, study, _quiet_load(study)


@pytest.fixture(scope="module")
def lean(tmp_path_factory):
    """The lean French export (no programme, mentor or duo columns)."""
    return french_xlsx(tmp_path_factory.mktemp("lean"), lean=True)


def test_init_names_the_programme_after_the_file_and_lists_the_absent_columns(lean):
    draft = init_study(lean.participants, sheet="Participants")
    assert draft.study.model.programmes == ("Tremplin Mentorat",)
    assert draft.guessed["model.programmes"].startswith(  # in the French study's language
        "pas de colonne de programme : toutes les lignes sont dans un seul programme, nommé "
        "d'après le fichier 'export_tremplin_mentorat.xlsx'")
    assert draft.missing_optional == ("programme", *MENTOR_DUO)
    assert any(line.startswith("the participants file has no column(s) ['mentor_id'] "
                               "(optional") and "clustered by mentor" in line
               for line in draft.unmapped)
    assert not any("required column" in line for line in draft.unmapped)
    text = draft.to_text(lean.participants.parent / "study.yaml")
    assert "# guessed: pas de colonne de programme" in text
    assert "first_meeting_dropout'] (optional" in text


def test_init_takes_the_programme_given(lean):
    draft = init_study(lean.participants, sheet="Participants", programme=" Maman Solo ")
    assert draft.study.model.programmes == ("Maman Solo",)
    assert "model.programmes" not in draft.guessed
    assert any(line.startswith("programme: Maman Solo (given with --programme")
               for line in draft.mapped)


def test_init_refuses_a_programme_for_a_file_with_a_programme_column(tmp_path):
    made = dutch_csv(tmp_path)
    with pytest.raises(DataError, match=r"--programme is for a file without a programme "
                       r"column, but this file has one"):
        init_study(made.participants, programme="Werkmaatje")


def test_every_study_loads_with_its_absent_columns_named(loaded):
    name, made, draft, _, data = loaded
    participants = data.participants
    assert participants.n_valid + participants.n_rejected == participants.n_read
    assert participants.n_rejected == made.n_rejected
    assert participants.missing_optional == draft.missing_optional
    if name == "french_lean":
        assert participants.missing_optional == ("programme", *MENTOR_DUO)
        assert participants.constant_programme == "Tremplin Mentorat"
        assert participants.data["programme"].astype(str).eq("Tremplin Mentorat").all()
        assert list(participants.data.columns[:3]) == [
            "participant_id", "programme", "site"]  # the dictionary's order
        assert not set(LEAN_DROPPED[1:]) & set(participants.data.columns)  # never filled
        assert participants.notes[0].startswith("the participants file has no programme "
                                                "column: every row is in the study's one "
                                                "programme 'Tremplin Mentorat'")
        assert any("no standard errors clustered by mentor" in n for n in participants.notes)
        assert "Note: the participants file has no programme" in participants._repr_html_()
    else:
        assert participants.missing_optional == ()
        assert participants.constant_programme is None and participants.notes == ()
    shown = " ".join(participants.notes) + " ".join(
        p.reason + " ".join(p.skipped) for p in available_parts(data))
    assert not {s for s in made.secrets if s in shown}


def test_the_parts_each_study_allows(loaded):
    name, _, _, _, data = loaded
    parts = {p.part: p for p in available_parts(data)}
    assert tuple(parts) == PARTS
    runnable = {p for p, a in parts.items() if a.runnable}
    expected = {"participant_funnel", "data_overview", "time_to_employment",
                "predictors_of_success", "planning"}
    expected |= {"dutch": {"programme_comparison"},
                 "questionnaire": {"self_confidence"}}.get(name, set())
    assert runnable == expected
    assert parts["costs"].reason == "the study has no costs file (costs: null in the study file)."
    if name != "dutch":
        assert parts["programme_comparison"].reason.endswith(
            "has valid rows: a comparison needs two.")
    if name == "french_lean":
        assert parts["participant_funnel"].skipped == (
            "first meeting and duo formed: the participants file has no "
            "first_meeting_dropout column",
            "completed and per-completer rates: the participants file has no "
            "duo_completed column",
        )
        assert parts["time_to_employment"].skipped[-1].startswith(
            "clustering by mentor: the participants file has no mentor_id column")
        assert "mentor_age" not in parts["data_overview"].columns
    else:
        assert parts["participant_funnel"].skipped == ()
    if name == "dutch":
        assert parts["programme_comparison"].columns[-2:] == ("mentor_id", "mentor_age")
        assert parts["programme_comparison"].skipped == ()


def test_outcomes_survival_and_table_one_run_on_every_study(loaded):
    name, _, _, study, data = loaded
    participants = data.participants.data
    parts = {p.part: p for p in available_parts(data)}
    outcome = job_within(participants, 12, model=study.model, by="programme")
    assert outcome.counts["n"].sum() == len(participants)
    timed = time_to_event(participants, exit_groups=study.model.exit_groups)
    assert len(timed.data) == len(participants)
    described = parts["data_overview"].columns
    numbers = [c for c in described if c in {"age", "months_unemployed", "mentor_age"}]
    # Two programmes: SMDs of levels nobody has (gender x, language C2) are undefined.
    smd = (pytest.warns(EvalkitWarning, match="standardized mean difference is undefined")
           if name == "dutch" else contextlib.nullcontext())
    with smd:
        table = table_one(participants, "programme", continuous=numbers,
                          categorical=[c for c in described if c not in numbers])
    assert set(table.table["variable"]) == set(described)


def test_an_analysis_that_needs_an_absent_column_says_so_in_one_line(loaded):
    name, _, _, _, data = loaded
    if name != "french_lean":
        return
    participants = data.participants.data
    with pytest.raises(ValueError, match=r"data has no column\(s\) \['mentor_age'\].* "
                       r"\['mentor_age'\] are optional participants' columns, which the "
                       r"participants file did not have: add them to the file \(or map the "
                       r"file's names under model: columns: \{name in the file: mentor_age\} "
                       r"in the study file\)") as raised:
        table_one(participants, "programme", continuous=["age", "mentor_age"])
    assert "\n" not in str(raised.value)
    timed = time_to_event(participants, exit_groups=data.participants.model.exit_groups).data
    with pytest.raises(ValueError, match=r"\['mentor_id'\] are optional .* or leave them out "
                       r"of this call \(cluster=None without mentor_id\)"):
        cox_model(timed, "time", "event", "age", cause="job", cluster="mentor_id")


def test_a_covariate_absent_from_the_file_is_named_in_a_formula():
    data = pd.DataFrame({"programme": ["A", "B"] * 10, "age": range(20)})
    with pytest.raises(ValueError, match=r"the formula ' age \+ C\(education\)' cannot be "
                       r"evaluated on the data: \['education'\] are optional participants' "
                       r"columns"):
        propensity_score(data, "programme ~ age + C(education)", treated="A")


HEADER = "participant_id,intake_date,age,exit_type,exit_date,follow_up_end\n"
ROWS = ("P1,2021-03-15,34,job_permanent,2021-09-01,2022-03-15\n"
        "P2,2021-04-01,40,censored,,2022-04-01\n")


def test_a_file_without_a_programme_column_needs_a_one_programme_model():
    with pytest.raises(DataError, match=r"required column\(s\) \['programme'\] missing .* A "
                       r"single-programme file may have no programme column: name its one "
                       r"programme in the study file \(model: programmes: \[NAME\]; evalkit "
                       r"init --programme NAME\)\."):
        load_participants(io.StringIO(HEADER + ROWS))  # the shipped model: two programmes


def test_rules_on_an_absent_column_are_not_checked_and_noted():
    model = DataModel(programmes=("Solo",), eligibility=(
        EligibilityRule("age", minimum=18, maximum=30),
        EligibilityRule("gender", values=("female",)),
    ))
    result = load_participants(io.StringIO(HEADER + ROWS), model=model)
    assert result.eligibility.table["rule"].tolist() == ["age from 18 to 30"]
    assert result.notes[-1] == ("eligibility rule(s) [\"gender in ['female']\"] not checked: "
                                "their column is not in the file.")
    assert result.model == model  # the study's model, rules and all


def test_without_valid_rows_no_part_runs():
    bad = ROWS.replace("34", "150").replace("40", "150")  # ages out of range: both rejected
    result = load_participants(io.StringIO(HEADER + bad), model=DataModel(programmes=("S",)))
    parts = available_parts(StudyData(result))
    assert [p.runnable for p in parts] == [False] * len(PARTS)
    assert parts[0].reason == ("no valid participant rows (all 2 rejected); fix the "
                               "rejected rows (evalkit validate lists them).")


def test_available_parts_wants_a_loaded_study():
    with pytest.raises(TypeError, match="study_data must be a StudyData"):
        available_parts(pd.DataFrame())


def test_a_file_with_the_core_columns_only_is_recognised_as_participants():
    assert guess_table(io.StringIO(HEADER)) == "participants"  # 5 of 18 columns, 5 of 6 core


def test_a_single_programme_costs_file_may_have_no_programme_column():
    text = "site,year,cost_item,amount_eur,duos_formed\nNamur,2021,overhead,1500.25,17\n"
    result = load_costs(io.StringIO(text), model=DataModel(programmes=("Solo",),
                                                           levels={"cost_item": None}))
    assert result.n_valid == 1 and result.missing_optional == ("programme",)
    assert result.data.columns[0] == "programme" and result.data["programme"][0] == "Solo"
    assert result.constant_programme == "Solo"


def test_init_on_the_command_line_says_which_parts_are_skipped(lean, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["init", str(lean.participants), "--sheet", "Participants",
                     "--programme", "Tremplin Mentorat", "-o", str(tmp_path / "s.yaml")])
    printed = out.getvalue()
    assert code == 0, err.getvalue()
    assert ("part skipped: programme_comparison: one programme ('Tremplin Mentorat') has "
            "valid rows: a comparison needs two.") in printed
    assert "could not map: the participants file has no column(s) ['mentor_id']" in printed
    assert not {s for s in lean.secrets if s in printed + err.getvalue()}


def test_reasons_and_steps_are_written_in_every_report_language(loaded):
    """The facts are the data layer's; the words are the catalogue's keys (en, fr, nl)."""
    _, made, _, _, data = loaded
    for part in available_parts(data):
        assert part.reason_in("en") == part.reason
        assert part.skipped_in("en") == part.skipped
        for language in ("fr", "nl"):
            steps = part.skipped_in(language)
            assert len(steps) == len(part.skipped)
            assert not set(steps) & set(part.skipped)  # each one translated
            assert bool(part.reason_in(language)) == (not part.runnable)
            shown = part.reason_in(language) + " ".join(steps)
            assert not {s for s in made.secrets if s in shown}
    planning = {p.part: p for p in available_parts(data)}["planning"]
    assert planning.runnable
    if len(data.participants.model.programmes) == 1:
        assert planning.skipped_in("fr")[0].startswith(
            "différences entre programmes : un seul programme (")
