"""Parameter files and the report runner (papermill -> HTML + manifest)."""

import hashlib
import json
import re
from pathlib import Path

import nbformat
import pytest

from evalkit.errors import DataError
from evalkit.reporting.params import load_params
from evalkit.reporting.runner import run_report


@pytest.fixture
def notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('data_path = "data.csv"\nthreshold = 10\nlabel = "all"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A report"),
        params,
        nbformat.v4.new_code_cell(
            "import pandas as pd\nSECRET_CODE_MARKER = 1\n"
            "print(f'rows={len(pd.read_csv(data_path))} threshold={threshold} label={label}')"
        ),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "nb" / "01_demo.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    (path.parent / "data.csv").write_text("a\n1\n2\n3\n")
    return path


def test_load_params_accepts_known_names_and_types(notebook, tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text("threshold: 5\nlabel: DUO\n")
    assert load_params(p, notebook) == {"threshold": 5, "label": "DUO"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("treshold: 5\n", r"unknown parameter\(s\) \['treshold'\] for 01_demo.ipynb; allowed"),
        ("threshold: ten\n", r"parameter 'threshold' must be of type int .* got 'ten'"),
        ("threshold: true\n", r"parameter 'threshold' must be of type int"),
        ("- 1\n- 2\n", "expected a mapping of parameter names to values, got list"),
        ("a: [\n", "not valid YAML"),
    ],
)
def test_load_params_refuses_bad_files(notebook, tmp_path, text, message):
    p = tmp_path / "p.yaml"
    p.write_text(text)
    with pytest.raises(DataError, match=message):
        load_params(p, notebook)


def test_load_params_names_a_missing_file(notebook, tmp_path):
    with pytest.raises(DataError, match=r"nope.yaml: parameter file not found"):
        load_params(tmp_path / "nope.yaml", notebook)


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


ROOT = Path(__file__).resolve().parents[1]
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
