"""The report runner: papermill -> HTML + manifest, and no row-level ids in reports."""

import hashlib
import json
import re
from pathlib import Path

import nbformat
import pytest

from evalkit.errors import DataError
from evalkit.reporting.runner import run_report, run_reports


def test_run_report_writes_html_notebook_and_manifest(notebook, tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text("threshold: 5\n")
    report = run_report(notebook, p, tmp_path / "reports")
    html = report.html.read_text()
    assert "rows=3 threshold=5 label=all" in html
    assert "SECRET_CODE_MARKER" not in html  # code is hidden
    assert "Provenance" in html
    digest = hashlib.sha256((notebook.parent / "data.csv").read_bytes()).hexdigest()
    manifest = json.loads(report.manifest_path.read_text())
    assert manifest["data_files"]["data_path"] == {"path": "data.csv", "sha256": digest}
    assert manifest["parameters"] == {"data_path": "data.csv", "threshold": 5, "label": "all"}
    assert manifest["packages"]["pandas"]
    assert digest in html
    executed = nbformat.read(report.notebook, as_version=4)
    assert executed.metadata["evalkit"]["data_files"]["data_path"]["sha256"] == digest


def test_the_report_language_reaches_a_part_with_a_language_parameter(notebook, tmp_path):
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[1].source += '\nlanguage = "en"'
    nb.cells[2].source += "\nprint(f'language={language}')"
    nbformat.write(nb, notebook)
    html = run_report(notebook, None, tmp_path / "fr", language="fr",
                      overrides={"data_path": str(notebook.parent / "data.csv")}
                      ).html.read_text()
    assert str(tmp_path) not in html  # provenance names the file, not its directory
    assert "language=fr" in html and "<html lang=\"fr\">" in html  # the part's and the page's
    overridden = run_report(notebook, None, tmp_path / "nl", language="fr",
                            overrides={"language": "nl"}).html.read_text()
    assert "language=nl" in overridden


ROOT = Path(__file__).resolve().parents[2]
ROW_LEVEL_ID = r"\b[PM]\d{4,5}\b"


def test_data_overview_report_runs_with_its_params_and_holds_no_ids(tmp_path):

    report = run_report(
        ROOT / "notebooks" / "01_data_overview.ipynb",
        ROOT / "params" / "01_data_overview.yaml",
        tmp_path,
    )
    html = report.html.read_text()
    assert "Table 1" in html and "Provenance" in html
    assert not re.findall(ROW_LEVEL_ID, html)
    shipped = hashlib.sha256((ROOT / "evaldata" / "participants.csv").read_bytes()).hexdigest()
    assert report.manifest["data_files"]["participants_path"]["sha256"] == shipped


def test_committed_notebooks_show_no_row_level_ids():

    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                # Images are base64 noise that can spell "P12345" by chance: scan text only.
                data = {
                    k: v for k, v in output.get("data", {}).items() if not k.startswith("image/")
                }
                text = json.dumps(data) + str(output.get("text", ""))
                assert not re.findall(ROW_LEVEL_ID, text), f"{notebook.name}: ids in an output"


def test_missing_notebooks_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="no notebooks named NN_"):
        run_reports(tmp_path, tmp_path, tmp_path / "out")
    with pytest.raises(DataError, match="notebook not found"):
        run_report(tmp_path / "01_none.ipynb")


def _ledger_notebook(path, table, margins):
    """A part that publishes ``table`` (programme, gender, n) through the report's ledger."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("disclosure_ledger = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell(
            "import pandas as pd\n"
            "from evalkit.reporting import DisclosureLedger, PublicationSpec, publish\n"
            f"spec = PublicationSpec(counts=('n',), margins={margins!r},\n"
            "                       dimensions=('programme', 'gender'))\n"
            f"table = pd.DataFrame({table!r})\n"
            "out = publish(table, spec=spec, ledger=DisclosureLedger(disclosure_ledger)).table\n"
            "print('published:', out['n'].tolist())"
        ),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def test_the_parts_of_a_report_share_one_disclosure_ledger(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    # Part 1 hides "x" (3 people) and, for the programme total, "m" as its partner.
    _ledger_notebook(notebooks / "01_first.ipynb",
                     {"programme": ["A"] * 3, "gender": ["f", "m", "x"], "n": [40, 25, 3]},
                     (("programme",),))
    # Part 2 alone would show "m"; with the report's ledger it is hidden there too.
    _ledger_notebook(notebooks / "02_second.ipynb",
                     {"programme": ["A"], "gender": ["m"], "n": [25]}, ())
    # Run side by side (issue 18), part 2 starts before part 1 has published: it runs
    # again with part 1's ledger, so the report is the sequential one.
    first, second = run_reports(notebooks, tmp_path / "params", tmp_path / "out", jobs=2)
    assert "published: [40.0, nan, nan]" in first.html.read_text()
    assert "published: [nan]" in second.html.read_text()
    assert "part 02_second ran again" in (tmp_path / "out" / "report.log").read_text()
    assert second.manifest["parameters"] == {"disclosure_ledger": None}
    assert not list((tmp_path / "out").glob("*ledger*"))
