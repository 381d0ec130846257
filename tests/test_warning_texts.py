"""Every evalkit warning is a catalogue text, shown in a report's language (issue 16)."""

import ast
import warnings
from pathlib import Path
from string import Formatter

import pytest

from evalkit._texts import Reworder
from evalkit._warning_texts import NOTES, WARNINGS, warning_text
from evalkit.errors import DisclosureWarning, IdentifierWarning
from evalkit.reporting.catalogue import LANGUAGES, text
from evalkit.reporting.disclosure import check_threshold
from evalkit.reporting.notes import reword_note

SOURCE = Path(__file__).resolve().parents[1] / "src" / "evalkit"

#: Sites whose message is built by a function that calls warning_text.
BUILT_ELSEWHERE = {
    ("reporting/disclosure/policy.py", "threshold_note(threshold)"),  # warning.disclosure.*
    ("economics/icer.py", "note"),  # _note: warning.icer.*
}
#: Warnings that never reach a report's notes (they go to the report's log).
NOT_NOTES = {"DeprecationWarning"}

FIELDS = {"threshold": 5, "default": 10, "largest": 9, "file": "participants.csv",
          "columns": "['nickname']", "reasons": "nickname: holds names", "table": "participants",
          "items": "['q3', 'q7']", "scale": "'confidence'", "shares": "42%", "n": 7,
          "pre": "'score_before'", "post": "'score_after'", "outcome": "'job_12m'",
          "cluster": "'site'", "single": "['site']", "constant": "['age_group[T.60+]']",
          "model": "Cox", "terms": "['programme[T.B]']", "horizon": 24, "last": 18,
          "group": "'B'", "other": "'comparison'", "methods": "['ipw']",
          "covariates": "['female']", "predictors": "['mentor_visits']", "minimum": 10,
          "epv": "3.5", "events": 14, "k": 4, "treated": "DUO for a JOB",
          "comparison": "Tremplin", "earliest": "1990-01-01", "latest": "2026-12-03",
          "allowed": "['DUO for a JOB', 'Team4Job']", "maximum": 70, "key": "participant_id",
          "rows": "4, 9", "column": "participant_id", "line": 12, "fields": 20,
          "sep": "','"}


def _warning_sites():
    """``(file, first argument, category)`` of every ``warnings.warn`` call in evalkit."""
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "warn" and getattr(node.func.value, "id", "") ==
                    "warnings"):
                yield (path.relative_to(SOURCE).as_posix(), node.args[0],
                       ast.unparse(node.args[1]))


def test_every_warning_site_writes_a_catalogue_text():
    sites = list(_warning_sites())
    assert len(sites) >= 26
    loose = []
    for where, message, category in sites:
        if category in NOT_NOTES or (where, ast.unparse(message)) in BUILT_ELSEWHERE:
            continue
        called = isinstance(message, ast.Call) and getattr(message.func, "id", "")
        if called != "warning_text":
            loose.append(f"{where}: {ast.unparse(message)[:60]}")
        elif isinstance(message.args[0], ast.Constant):
            assert message.args[0].value in WARNINGS, where
    assert not loose, f"warnings not written from evalkit._warning_texts: {loose}"


def test_every_key_is_in_the_report_catalogue_with_the_same_fields():
    for key, templates in NOTES.items():
        fields = [{f for _, f, _, _ in Formatter().parse(t) if f} for t in templates]
        assert fields[0] == fields[1] == fields[2], key
        for language in LANGUAGES:
            assert text(key, language, **FIELDS) == templates[LANGUAGES.index(language)]\
                .format(**FIELDS)


@pytest.mark.parametrize("key", sorted(NOTES))
def test_a_note_in_one_language_reads_in_every_other(key):
    reworder = Reworder(NOTES)
    for template in NOTES[key]:
        written = template.format(**FIELDS)
        assert reworder.recognise(written)[0] == key
        for target in range(len(LANGUAGES)):
            assert reworder.reword(written, target) == NOTES[key][target].format(**FIELDS)


def test_positivity_and_separation_in_french_and_dutch():
    positivity = warning_text("warning.propensity.positivity", n=1250)
    assert positivity.startswith("1250 propensity scores are within 1e-6 of 0 or 1")
    assert reword_note(positivity, "fr").startswith(
        "1\u202f250 scores de propension sont à moins de 1e-6 de 0 ou de 1 : les groupes ne "
        "se recouvrent pas")
    assert reword_note(positivity, "nl").startswith("1.250 propensityscores liggen binnen")
    separation = warning_text("warning.propensity.separation", terms=["C(site)[T.Liège]"])
    assert "les coefficients de ['C(site)[T.Liège]'] sont infinis" in reword_note(
        separation, "fr")
    assert "de coëfficiënt(en) van ['C(site)[T.Liège]'] zijn oneindig" in reword_note(
        separation, "nl")


@pytest.mark.parametrize(("key", "fields", "english", "french", "dutch"), [
    ("warning.header.extra",
     {"file": "export.csv", "columns": ["remarks"], "table": "participants"},
     "export.csv: column(s) ['remarks'] are not in the participants data dictionary and "
     "were dropped.",
     "export.csv : colonne(s) ['remarks'] absente(s) du dictionnaire de données "
     "participants, donc supprimée(s).",
     "export.csv: kolom(men) ['remarks'] staan niet in het gegevenswoordenboek "
     "participants en werden verwijderd."),
    ("warning.icer.undefined", {"treated": "DUO for a JOB", "comparison": "Tremplin"},
     "DUO for a JOB vs Tremplin: finds exactly as many jobs: the ICER is undefined.",
     "DUO for a JOB par rapport à Tremplin : trouve exactement autant d'emplois : l'ICER "
     "n'est pas défini.",
     "DUO for a JOB vergeleken met Tremplin: vindt precies evenveel banen: de ICER is niet "
     "gedefinieerd."),
], ids=["dropped columns at loading", "ICER undefined"])
def test_notes_in_french_and_dutch(key, fields, english, french, dutch):
    note = warning_text(key, **fields)
    assert note == english
    assert (reword_note(note, "fr"), reword_note(note, "nl")) == (french, dutch)


def test_the_disclosure_threshold_note_in_french_and_dutch():
    with pytest.warns(DisclosureWarning, match="Counts of fewer than 5 people") as caught:
        check_threshold(5)
    english = str(caught[0].message)
    assert reword_note(english, "fr") == (
        "Les effectifs de moins de 5 personnes sont masqués ; le seuil par défaut d'evalkit "
        "est 10, donc les groupes de 5 à 9 personnes sont affichés : assurez-vous que le "
        "responsable des données l'autorise.")
    assert reword_note(english, "nl").startswith("Aantallen van minder dan 5 personen")


def test_numbers_take_the_languages_marks_and_other_notes_stay_as_they_are():
    epv = warning_text("warning.logistic.events_per_variable", epv="3.5", events=14, k=4,
                       minimum=10)
    assert reword_note(epv, "fr").startswith("seulement 3,5 événements par coefficient")
    assert reword_note("a library's own words: 3.5", "nl") == "a library's own words: 3.5"
    with warnings.catch_warnings(), pytest.raises(ValueError, match="language"):
        reword_note(epv, "de")


def test_rejected_rows_reasons_in_french_and_dutch():
    from evalkit.data import load_participants

    data = Path(__file__).resolve().parent / "data" / "bad"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the files' own data notes
        reasons = set(load_participants(data / "impossible_ages.csv").rejected["reason"])
    assert "expected a whole number from 16 to 70" in reasons
    assert reword_note("expected a whole number from 16 to 70", "fr") == (
        "attendu : un nombre entier de 16 à 70")
    assert reword_note("expected a whole number from 16 to 70", "nl") == (
        "verwacht: een geheel getal van 16 tot 70")
    missing = warning_text("rejected.missing")
    assert (missing, reword_note(missing, "nl")) == (
        "missing value (required)", "ontbrekende waarde (verplicht)")


def test_the_front_pages_rejected_rows_by_reason_in_french(tmp_path):
    from evalkit.data import load_participants
    from evalkit.reporting.build import ReportSettings, _funnel_html

    data = Path(__file__).resolve().parent / "data" / "bad" / "impossible_ages.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the file's own data notes
        loaded = load_participants(data)
    html = _funnel_html(loaded, 10, tmp_path / "ledger.json", ReportSettings(language="fr"))
    assert "<td>attendu : un nombre entier de 16 à 70</td>" in html
    assert "expected a whole number" not in html


def test_dropped_identifier_columns_in_dutch_with_each_kind_reworded():
    from evalkit.data import load_participants

    data = Path(__file__).resolve().parent / "data" / "bad" / "identifiers.csv"
    with pytest.warns(IdentifierWarning) as caught:
        load_participants(data)
    note = reword_note(next(str(w.message) for w in caught
                            if issubclass(w.category, IdentifierWarning)), "nl")
    assert note.startswith(
        "identifiers.csv: kolom(men) met directe identificatoren ['name', 'e_mail', "
        "'rijksregisternummer'] verwijderd (name: naam van een persoon (op basis van de "
        "naam); e_mail: e-mailadres (op basis van de naam); rijksregisternummer: "
        "rijksregisternummer (op basis van de naam)); evalkit gebruikt ze nooit.")
