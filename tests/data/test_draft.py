"""evalkit init on three test studies: study file written, read back, files loaded.

The studies (tests/data/studies.py) are unlike the shipped data: a French XLSX export
of a single-programme mentoring service with composite exits, a Dutch CSV with two
programmes, a single programme with its own 12-item pre/post questionnaire.
"""

import contextlib
import io
import warnings
from pathlib import Path

import pytest

from evalkit import IdentifierWarning
from evalkit.cli import main
from evalkit.data import DataModel
from evalkit.data.draft import init_study
from evalkit.data.study import Study
from evalkit.errors import DataError, EvalkitWarning
from tests.data.studies import dutch_csv, french_xlsx, questionnaire_study

MAKERS = {"french": french_xlsx, "dutch": dutch_csv, "questionnaire": questionnaire_study}


@pytest.fixture(scope="module")
def studies(tmp_path_factory):
    """The three test studies' files, written once for the module."""
    return {name: make(tmp_path_factory.mktemp(name)) for name, make in MAKERS.items()}


@pytest.fixture(scope="module", params=sorted(MAKERS))
def initialised(request, studies):
    """A test study, its draft, the study file written and read back, its files loaded."""
    made = studies[request.param]
    directory = made.participants.parent
    draft = init_study(made.participants, questionnaire=made.questionnaire,
                       sheet="Participants" if request.param == "french" else None)
    (directory / "out").mkdir()
    path = draft.write(directory / "out" / "study.yaml")
    study = Study.from_yaml(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = study.load()
    return made, draft, path, study, data, caught


def test_the_study_file_reads_back_as_drafted(initialised):
    _, draft, path, study, _, _ = initialised
    assert study.model == draft.study.model
    assert dict(study.guessed) == draft.guessed
    text = path.read_text(encoding="utf-8")
    marks = [line.strip() for line in text.splitlines() if line.strip().startswith("# guessed")]
    assert len(marks) == len(draft.guessed)  # one mark above each guessed value
    for key, rule in draft.guessed.items():
        name = key.removeprefix("model.scale.")
        mark = "# guessed: " if name == key else f"# guessed {name}: "
        assert any(m.startswith(mark + rule[:20]) for m in marks), key


def test_init_explains_its_guesses_in_the_study_language(initialised):
    _, _, path, study, _, _ = initialised
    text = path.read_text(encoding="utf-8")
    assert {"en": "# guessed: the years of the intake dates",
            "fr": "# guessed: les années des dates d'entrée",
            "nl": "# guessed: de jaren van de instroomdata"}[study.language] in text
    if study.language != "en":  # the language detected from the aliases, said in it
        assert {"fr": "# guessed: la langue de la plupart des noms de colonnes",
                "nl": "# guessed: de taal van de meeste herkende kolomnamen"}[
            study.language] in text


def test_rows_read_are_analysed_plus_rejected(initialised):
    made, _, _, _, data, _ = initialised
    participants = data.participants
    assert participants.n_read == made.n_participants
    assert participants.n_rejected == made.n_rejected
    assert participants.n_valid + participants.n_rejected == participants.n_read
    if made.questionnaire is not None:
        answers = data.questionnaire
        assert answers.n_read == made.n_questionnaire
        assert answers.n_rejected == made.n_questionnaire_rejected
        assert answers.n_valid + answers.n_rejected == answers.n_read


def test_the_guesses_are_as_expected(initialised):
    made, draft, _, study, data, _ = initialised
    model, expected = study.model, made.expected
    assert set(model.programmes) == set(expected["programmes"])
    assert study.language == expected["language"]
    assert study.period == "2021-2022"
    # the rules in the study's language (evalkit.reporting.guess_texts)
    assert draft.guessed["period"] == {"en": "the years of the intake dates",
                                       "fr": "les années des dates d'entrée",
                                       "nl": "de jaren van de instroomdata"}[study.language]
    if len(model.programmes) == 1:
        assert "model.reference" not in draft.guessed  # nothing to guess
    else:
        assert model.reference == expected["reference"]
        assert draft.guessed["model.reference"].startswith(
            {"en": "the programme with the most", "fr": "le programme qui compte le plus",
             "nl": "het programma met de meeste"}[study.language])
    for key in ("job_exits", "positive_exits"):
        if key in expected:
            assert set(getattr(model, key)) == set(expected[key]), key
    if "exit_types" in expected:
        assert set(model.exit_types) == set(expected["exit_types"])
    if "sites" in expected:
        assert set(data.participants.data["site"].unique()) == expected["sites"]
        assert set(data.participants.data["gender"].unique()) == expected["genders"]
    if "items" in expected:
        scale = model.scale
        assert scale.items == expected["items"]
        assert (scale.response_min, scale.response_max) == expected["response"]
        assert set(scale.reversed) == set(expected["reversed"])
        assert scale.min_items == expected["min_items"]


def test_the_french_export_maps_its_composite_exits(studies):
    made = studies["french"]
    draft = init_study(made.participants, sheet="Participants")
    assert "exit label 'stage' -> internship (fr alias)" in draft.mapped
    assert "exit label 'CDI' -> job_permanent (fr alias)" in draft.mapped
    dropped = " ".join(draft.unmapped)
    assert "'Prénom' (a direct identifier: dropped, never read)" in dropped
    assert "'Remarques'" in dropped


def test_the_dutch_file_names_the_label_it_could_not_map(studies):
    made = studies["dutch"]
    draft = init_study(made.participants)
    assert any("gender label(s) ['onbekend'] match no level" in line for line in draft.unmapped)
    assert "site label 'Brussel' -> Brussels (nl alias)" in draft.mapped  # open, aliases apply
    assert "gender label 'vrouw' -> female (nl alias)" in draft.mapped


def test_messages_never_echo_identifier_values(initialised):
    made, draft, path, _, data, caught = initialised
    shown = " ".join([
        path.read_text(encoding="utf-8"), *draft.mapped, *draft.unmapped,
        *(str(w.message) for w in caught), *data.participants.rejected["reason"],
    ])
    leaked = {secret for secret in made.secrets if secret in shown}
    assert not leaked


def test_the_command_line_writes_loads_and_refuses_to_overwrite(studies, tmp_path):
    made = studies["questionnaire"]
    out = tmp_path / "study.yaml"
    args = ["init", str(made.participants), "--questionnaire", str(made.questionnaire),
            "-o", str(out)]
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        assert main(args) == 0
        assert main(args) == 2
    printed = stdout.getvalue()
    assert f"participants: {made.n_participants} rows read" in printed
    assert "guessed model.scale.reversed:" in printed
    assert "already exists; choose another file (-o) or pass --force" in stderr.getvalue()
    assert not {s for s in made.secrets if s in printed + stderr.getvalue()}


def test_a_file_without_an_exit_column_is_one_line(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("participant_id,programme\nP1,A\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"p.csv: no column maps to 'exit_type'"):
        init_study(path)


def test_a_study_whose_files_lack_columns_says_so(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("participant_id,programme,exit_type\nP1,A,job\nP2,A,censored\n",
                    encoding="utf-8")
    draft = init_study(path)
    # site is optional (a single-site service has none): only the core columns are required
    assert any("required column(s) ['intake_date', 'exit_date', 'follow_up_end'] not found"
               in line for line in draft.unmapped)
    assert draft.missing_optional[:2] == ("site", "age")
    out = draft.write(tmp_path / "study.yaml")
    study = Study.from_yaml(out)  # the study file itself is valid
    with pytest.raises(DataError, match=r"required column\(s\) \['intake_date'"), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore", EvalkitWarning)
        warnings.simplefilter("ignore", IdentifierWarning)
        study.load()


def test_a_costs_file_is_checked_against_the_programmes_and_widens_the_years(studies, tmp_path):
    made = studies["dutch"]
    costs = tmp_path / "kosten.csv"
    costs.write_text(
        "Programma;Locatie;Jaar;Kostenpost;Bedrag;Aantal duo's\n"
        "Werkmaatje;Gent;2025;zaalhuur;1200,50;12\n"
        "Duo Plus;Brussel;2025;zaalhuur;800;4\n", encoding="utf-8")
    draft = init_study(made.participants, costs=costs)
    assert draft.study.model.ranges["year"] == (2019, 2025)
    assert draft.guessed["model.ranges"] == (  # in the Dutch study's language
        "jaren verruimd tot die van het kostenbestand (die van het gegevenswoordenboek lopen "
        "van 2019 tot 2024)")
    assert any("costs: programme label(s) ['Duo Plus'] match no level" in line
               for line in draft.unmapped)
    study = Study.from_yaml(draft.write(tmp_path / "study.yaml"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EvalkitWarning)
        loaded = study.load().costs
    assert (loaded.n_read, loaded.n_valid, loaded.n_rejected) == (2, 1, 1)


def test_a_free_text_exit_column_is_refused_without_showing_it(tmp_path):
    path = tmp_path / "p.csv"
    rows = "".join(f"P{i},A,found a job via Mrs Janssens {i}\n" for i in range(40))
    path.write_text("participant_id,programme,exit_type\n" + rows, encoding="utf-8")
    with pytest.raises(DataError, match=r"exit_type column has 40 distinct labels \(more "
                       r"than 30; not shown\)") as caught:
        init_study(path)
    assert "Janssens" not in str(caught.value)


def test_init_on_the_shipped_data_finds_the_shipped_scale():
    """The shipped questionnaire's scale is known (Rosenberg-type, items 2, 5, 6, 8 and 9
    reverse-keyed, answers 1 to 4): the guesses must find it."""
    root = Path(__file__).resolve().parents[2] / "evaldata"
    draft = init_study(root / "participants.csv", questionnaire=root / "questionnaire.csv")
    shipped, guessed = DataModel.shipped(), draft.study.model
    assert guessed.scale.items == shipped.scale.items
    assert guessed.scale.reversed == shipped.scale.reversed
    assert (guessed.scale.response_min, guessed.scale.response_max) == (1, 4)
    assert guessed.scale.min_items == shipped.scale.min_items == 8
    assert guessed.job_exits == shipped.job_exits
    assert guessed.positive_exits == shipped.positive_exits
    assert draft.unmapped == ()
