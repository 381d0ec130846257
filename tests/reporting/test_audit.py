"""`evalkit audit`: rendered reports hold no small count and nothing identifying."""

from pathlib import Path

import nbformat
import pandas as pd
import pytest

from evalkit.cli import main
from evalkit.reporting.audit import audit
from evalkit.reporting.browser import check_in_browser, find_chromium
from evalkit.reporting.runner import run_report

ROOT = Path(__file__).resolve().parents[2]

#: Fake identifiers planted in test data (valid formats, no real person).
FAKE_EMAIL = "sofie.peeters@voorbeeld.be"
FAKE_PHONE = "+32 470 12 34 56"
FAKE_NATIONAL_NUMBER = "85.07.30-033.28"  # check digit 97 - (850730033 mod 97) = 28


def _html_table(rows: list[list[str]], header: list[str]) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<html><body><table><tr>{head}</tr>{body}</table></body></html>"


def test_small_counts_in_count_columns_are_found_and_named_by_place(tmp_path):
    (tmp_path / "a.html").write_text(_html_table(
        [["DUO", "231", "1", "0.41"], ["T4J", "<10", "12", "3.5"]],
        ["group", "n", "n_excluded", "mean"]))
    result = audit(tmp_path)
    assert result.table[["file", "location", "row", "column", "kind"]].values.tolist() == [
        ["a.html", "table 1", 1, "n_excluded", "small count"]
    ]
    assert not result.clean and result.n_files == 1


def test_counts_written_in_french_and_dutch_are_read_as_counts(tmp_path):
    (tmp_path / "a.html").write_text(_html_table(
        [["DUO", "5.000", "1\u202f360"], ["T4J", "1.360", "5\u00a0000"], ["A", "7", "<10"]],
        ["group", "n", "people"]))
    result = audit(tmp_path)
    assert result.table[["row", "column"]].values.tolist() == [[3, "n"]]


def test_identifier_like_strings_are_found_without_repeating_them(tmp_path):
    text = f"<p>Contact {FAKE_EMAIL} or {FAKE_PHONE}; NN {FAKE_NATIONAL_NUMBER}</p>"
    (tmp_path / "b.html").write_text(f"<html><body>{text}</body></html>")
    result = audit(tmp_path)
    kinds = set(result.table["kind"])
    assert {k.split(": ")[0] for k in kinds} == {"identifier"} and len(kinds) == 3
    shown = result.table.to_string() + repr(result)
    for secret in (FAKE_EMAIL, FAKE_PHONE, FAKE_NATIONAL_NUMBER):
        assert secret not in shown


def test_notebook_outputs_are_audited(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("t")
    cell.outputs = [nbformat.v4.new_output(
        "execute_result", {"text/html": _html_table([["3"]], ["at risk"]), "text/plain": "t"})]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "part.ipynb")
    assert audit(tmp_path).table["location"].tolist() == ["cell 1 table 1"]


def test_the_command_exits_1_on_findings_and_0_when_clean(tmp_path, capsys):
    (tmp_path / "ok.html").write_text(_html_table([["12"]], ["n"]))
    assert main(["audit", str(tmp_path)]) == 0
    (tmp_path / "bad.html").write_text(_html_table([["2"]], ["n"]))
    assert main(["audit", str(tmp_path)]) == 1
    assert "bad.html table 1 row 1 column n: small count" in capsys.readouterr().out
    with pytest.raises(ValueError, match="at least 5"):
        audit(tmp_path, threshold=2)


@pytest.fixture(scope="module")
def shipped_report(tmp_path_factory):
    """The shipped study's whole report, built once as `make report` builds it."""
    out = tmp_path_factory.mktemp("shipped") / "report"
    assert main(["report", str(ROOT / "params" / "example.yaml"), "-o", str(out)]) == 0
    return out


def test_the_shipped_report_passes_the_audit(shipped_report):
    result = audit(shipped_report)
    assert result.clean, result.table.to_string()


@pytest.mark.browser
@pytest.mark.skipif(find_chromium() is None,
                    reason="Chromium is not installed (`which chromium` finds nothing)")
def test_the_shipped_report_in_a_browser(shipped_report):
    """Issue 16: headless Chromium, network blocked: no console error, no request, every
    figure inline and drawn, the tab titled as the report, the summary on the front page."""
    seen = check_in_browser(shipped_report / "index.html")
    assert seen.errors == () and seen.requests == ()
    from evalkit.data.study import Study

    assert seen.title == Study.from_yaml(ROOT / "params" / "example.yaml").title
    assert seen.language == "en"
    assert seen.images and all(s == "data" and w > 0 and h > 0 for s, w, h in seen.images)
    assert "Summary" in seen.text and "Within 12 months" in seen.text


def test_a_report_from_a_file_seeded_with_identifiers_passes_the_audit(tmp_path):
    participants = pd.read_csv(ROOT / "evaldata" / "participants.csv")
    n = len(participants)
    participants.insert(1, "E-mail adres", [f"p{i}.{FAKE_EMAIL}" for i in range(n)])
    participants.insert(2, "Téléphone", FAKE_PHONE)
    participants.insert(3, "Rijksregisternummer", FAKE_NATIONAL_NUMBER)
    participants.insert(4, "Naam", "Sofie Peeters")
    participants.insert(5, "contact", FAKE_EMAIL)  # an identifier under an innocent name
    seeded = tmp_path / "participants_with_identifiers.csv"
    participants.to_csv(seeded, index=False)
    params = tmp_path / "01.yaml"
    params.write_text(f"participants_path: {seeded}\nquestionnaire_path: "
                      f"{ROOT / 'evaldata' / 'questionnaire.csv'}\n"
                      f"costs_path: {ROOT / 'evaldata' / 'costs.csv'}\n")
    report = run_report(ROOT / "notebooks" / "01_data_overview.ipynb", params, tmp_path / "out")
    result = audit(tmp_path / "out")
    assert result.clean, result.table.to_string()
    published = report.html.read_text() + report.notebook.read_text()
    for secret in (FAKE_EMAIL, FAKE_PHONE, FAKE_NATIONAL_NUMBER, "Sofie Peeters"):
        assert secret not in published
