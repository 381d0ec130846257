"""A part of a report: numbered tables, rows read/rejected/analysed, data notes (issue 16)."""

import warnings
from pathlib import Path

import pandas as pd
import pytest

from evalkit.data import load_participants
from evalkit.descriptives import frequency_table
from evalkit.errors import EvalkitWarning, IdentifierWarning
from evalkit.reporting import DisclosureLedger
from evalkit.reporting.part import ReportPart, scrub_paths

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def part():
    report = ReportPart()
    yield report
    report.notes()  # ends the recording of warnings


def test_tables_are_numbered_in_order_and_published(part):
    data = pd.DataFrame({"programme": ["A"] * 40 + ["B"] * 3})
    counts = frequency_table(data, ["programme"])
    first = part.show(counts, "counts", caption="People by programme", population="all")
    second = part.show(counts, "counts", caption="Again", population="all")
    assert first.caption == "Table 1. People by programme"
    assert second.caption.startswith("Table 2.")
    assert first.table["People"].tolist() == ["–", "<10"]  # the total is known: both hidden
    assert "<table>" in first._repr_html_()


def test_the_part_uses_the_reports_ledger(tmp_path):
    ledger = tmp_path / "ledger.json"
    data = pd.DataFrame({"programme": ["A"] * 40 + ["B"] * 3})
    first = ReportPart(ledger=ledger)
    first.show(frequency_table(data, ["programme"]), "counts", caption="x", population="p")
    first.notes()
    assert len(DisclosureLedger(ledger)) == 2


def test_rows_read_rejected_and_analysed_in_one_sentence(part, tmp_path):
    loaded = load_participants(ROOT / "evaldata" / "participants.csv")
    shown = part.rows(loaded, analysed=1200)
    assert repr(shown) == "participants.csv: 1,500 rows read, 0 rejected, 1,200 analysed."
    assert str(ROOT) not in shown.html
    assert "analysed" not in repr(part.rows(loaded))


def test_warnings_become_data_notes_in_words_without_paths():
    report = ReportPart()
    for _ in range(2):
        warnings.warn("2 propensity scores are within 1e-6 of 0 or 1 in "
                      "/tmp/ipykernel_17079/3225193285.py", EvalkitWarning, stacklevel=1)
    warnings.warn("column 'e-mail' holds e-mail addresses: dropped", IdentifierWarning,
                  stacklevel=1)
    notes = report.notes()
    assert "Data notes" in notes.html
    assert "Statistical caveat" in notes.html and "Privacy" in notes.html
    assert "(noted 2 times)" in notes.html
    assert "/tmp" not in notes.html and "ipykernel" not in notes.html
    assert "Traceback" not in notes.html
    assert repr(report.notes()) == ""  # each note is given once


def test_other_warnings_go_to_standard_error_not_to_the_notes(capsys):
    report = ReportPart()
    with pytest.warns(FutureWarning):  # pytest's error filter still applies outside evalkit's
        warnings.warn("a library changes", FutureWarning, stacklevel=1)
    assert report.notes().html == ""


def test_recording_ends_with_the_notes():
    report = ReportPart()
    report.notes()
    with pytest.warns(EvalkitWarning, match="after the notes"):
        warnings.warn("after the notes", EvalkitWarning, stacklevel=1)


def test_scrub_paths_keeps_file_names_only():
    assert scrub_paths("C:\\Users\\me\\data\\p.csv and /home/x/y/q.csv:3") == "p.csv and q.csv:3"


def test_a_part_in_french_translates_captions_labels_and_rows():
    import pandas as pd

    from evalkit.reporting import PublicationSpec

    report = ReportPart(language="fr")
    t = pd.DataFrame({"programme": ["A", "B"], "n": [40, 25]})
    shown = report.show(t, spec=PublicationSpec(counts=("n",)), caption="Participants by programme")
    assert shown.caption == "Tableau 1. Participants par programme"
    assert list(shown.table.columns) == ["Programme", "Personnes"]
    loaded = load_participants(ROOT / "evaldata" / "participants.csv")
    assert "1\u202f500" in repr(report.rows(loaded, analysed=1200))
    assert "1\u202f200" in repr(report.rows(loaded, analysed=1200))
    report.notes()


def test_a_skipped_part_says_why_and_its_later_cells_run_nothing(monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    from evalkit.reporting import part as part_module

    shell = InteractiveShell.instance()
    monkeypatch.setattr(part_module, "_ipython", lambda: shell)
    before = list(shell.input_transformers_post)
    try:
        report = ReportPart(language="fr")
        assert repr(report.skip("no_costs", when=False)) == ""
        shown = report.skip("no_costs")
        assert repr(shown).startswith("Cette partie n'est pas exécutée : l'étude n'a pas de coûts")
        assert 'class="ek-skipped"' in shown._repr_html_()
        shell.run_cell("ran_after_skip = 1")
        assert "ran_after_skip" not in shell.user_ns
    finally:
        shell.input_transformers_post[:] = before
    with pytest.warns(EvalkitWarning, match="recording ended"):  # notes() was called
        warnings.warn("recording ended", EvalkitWarning, stacklevel=1)


def test_a_part_stopped_after_a_table_says_the_rest_is_not_run():
    from evalkit.reporting import PublicationSpec

    report = ReportPart()
    report.show(pd.DataFrame({"n": [40]}), spec=PublicationSpec(counts=("n",)), caption="People")
    stopped = report.skip("missing_costs")  # outside IPython: only the sentence
    assert repr(stopped).startswith("The rest of this part is not run: the costs do not cover "
                                    "every programme compared")
    assert 'class="ek-stopped"' in stopped._repr_html_()


def test_a_french_part_shows_its_data_notes_in_french():
    from evalkit._warning_texts import warning_text

    report = ReportPart(language="fr")
    warnings.warn(warning_text("warning.propensity.positivity", n=12), EvalkitWarning,
                  stacklevel=1)
    warnings.warn(warning_text("warning.header.identifiers", file="/home/me/export.csv",
                               columns=["nom"], reasons="nom: holds names"),
                  IdentifierWarning, stacklevel=1)
    warnings.warn("a note no catalogue knows", EvalkitWarning, stacklevel=1)
    notes = report.notes()
    assert "Remarques sur les données" in notes.html
    assert ("<strong>Réserve statistique.</strong> 12 scores de propension sont à moins de "
            "1e-6 de 0 ou de 1 : les groupes ne se recouvrent pas") in notes.html
    assert ("<strong>Vie privée.</strong> export.csv : colonne(s) d&#x27;identifiants "
            "directs [&#x27;nom&#x27;] supprimée(s)") in notes.html
    assert "a note no catalogue knows" in notes.html and "/home" not in notes.html
    assert "propensity" not in notes.html


def test_a_dutch_tables_threshold_footnote_and_note_are_in_dutch():
    from evalkit.reporting import PublicationSpec

    report = ReportPart(language="nl", threshold=5)  # the part records the warning
    t = pd.DataFrame({"programme": ["A", "B"], "n": [40, 25]})
    shown = report.show(t, spec=PublicationSpec(counts=("n",)), caption="Participants by programme")
    assert "Aantallen van minder dan 5 personen worden verborgen" in shown.to_html()
    assert "Counts of fewer" not in shown.to_html()
    assert "Aantallen van minder dan 5 personen" in report.notes().html
