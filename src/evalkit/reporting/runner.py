"""Parameterised reports: run the notebooks with papermill, export HTML, record provenance.

For each notebook ``notebooks/NN_name.ipynb`` with a parameter file
``params/NN_name.yaml``, :func:`run_report` writes under ``reports/``:

- ``NN_name.ipynb``: the executed notebook;
- ``NN_name.html``: the report with code hidden, ending with a provenance section;
- ``NN_name.manifest.json``: the parameters, the SHA-256 of every data file the
  parameters name, package versions, Python version and the git commit.

The notebooks of one :func:`run_reports` call share one disclosure ledger
(:class:`~evalkit.reporting.disclosure.DisclosureLedger`, passed as the
``disclosure_ledger`` parameter to notebooks that have it), so that a cell suppressed
in one part stays suppressed in the others; it lives in a temporary directory and is
removed when the reports are written.
"""

from __future__ import annotations

import json
import platform
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat
import papermill
from nbconvert import HTMLExporter

from evalkit.data import file_sha256
from evalkit.errors import DataError
from evalkit.reporting.params import load_params, notebook_parameters

__all__ = ["Report", "run_report", "run_reports"]

#: Packages whose versions are recorded in every manifest.
RECORDED_PACKAGES = (
    "evalkit",
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "scikit-learn",
    "matplotlib",
    "seaborn",
    "pandera",
    "papermill",
)


@dataclass(frozen=True)
class Report:
    """The files written for one report and its provenance manifest."""

    notebook: Path
    html: Path
    manifest_path: Path
    manifest: dict


def _git_commit(directory: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(directory), "describe", "--always", "--dirty", "--abbrev=40"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def _data_files(params: dict[str, Any], cwd: Path) -> dict[str, dict[str, str]]:
    """SHA-256 of every parameter value that names an existing file (relative to ``cwd``)."""
    files = {}
    for name, value in params.items():
        if isinstance(value, str) and (cwd / value).is_file():
            path = (cwd / value).resolve()
            files[name] = {"path": value, "sha256": file_sha256(path)}
    return files


def _manifest(notebook: Path, params: dict[str, Any], cwd: Path) -> dict[str, Any]:
    versions = {}
    for package in RECORDED_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "notebook": notebook.name,
        "parameters": params,
        "data_files": _data_files(params, cwd),
        "python": platform.python_version(),
        "packages": versions,
        "git_commit": _git_commit(notebook.parent),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _provenance_markdown(manifest: dict[str, Any]) -> str:
    lines = ["## Provenance", "", "| item | value |", "|---|---|"]
    for name, info in manifest["data_files"].items():
        lines.append(f"| data `{name}` | `{info['path']}` SHA-256 `{info['sha256']}` |")
    for name, value in manifest["parameters"].items():
        lines.append(f"| parameter `{name}` | `{json.dumps(value, ensure_ascii=False)}` |")
    lines.append(f"| python | {manifest['python']} |")
    for package, version in manifest["packages"].items():
        lines.append(f"| {package} | {version} |")
    lines.append(f"| git commit | `{manifest['git_commit']}` |")
    lines.append(f"| created (UTC) | {manifest['created_utc']} |")
    return "\n".join(lines)


def run_report(
    notebook: str | Path,
    params: str | Path | None = None,
    output_dir: str | Path = "reports",
    *,
    ledger: str | Path | None = None,
) -> Report:
    """Execute one notebook with its parameters and write the report files.

    Parameters
    ----------
    notebook : str or Path
        The notebook to run (its directory is the working directory, so data
        paths in the parameters are relative to it).
    params : str or Path, optional
        YAML parameter file, checked against the notebook's ``parameters`` cell
        (:func:`evalkit.reporting.params.load_params`). Default: the notebook's defaults.
    output_dir : str or Path, default="reports"
        Where the executed notebook, the HTML report and the manifest are written.
    ledger : str or Path, optional
        The report's disclosure ledger file, passed to the notebook as its
        ``disclosure_ledger`` parameter (if it has one); not recorded in the manifest.

    Returns
    -------
    Report
        Paths of the written files and the manifest.

    Raises
    ------
    DataError
        If the notebook is missing, or the parameter file is missing, not a YAML mapping,
        or does not fit the notebook's parameters (see
        :func:`evalkit.reporting.params.load_params`).
    papermill.PapermillExecutionError
        If a cell of the notebook fails.
    """
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise DataError(f"{notebook}: notebook not found.")
    values = load_params(params, notebook) if params is not None else {}
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    executed = output_dir / notebook.name
    cwd = notebook.parent
    defaults = notebook_parameters(notebook)
    manifest = _manifest(notebook, {**defaults, **values}, cwd)
    if ledger is not None and "disclosure_ledger" in defaults:
        values = {**values, "disclosure_ledger": str(Path(ledger).resolve())}

    papermill.execute_notebook(
        str(notebook),
        str(executed),
        parameters=values,
        cwd=str(cwd),
        kernel_name="python3",
        progress_bar=False,
    )
    nb = nbformat.read(executed, as_version=4)
    nb.metadata["evalkit"] = manifest
    nb.cells.append(nbformat.v4.new_markdown_cell(_provenance_markdown(manifest)))
    nbformat.write(nb, executed)

    body, _ = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    ).from_notebook_node(nb)
    html = executed.with_suffix(".html")
    html.write_text(body, encoding="utf-8")
    manifest_path = executed.with_suffix(".manifest.json")
    manifest_path.write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return Report(notebook=executed, html=html, manifest_path=manifest_path, manifest=manifest)


def run_reports(
    notebooks_dir: str | Path = "notebooks",
    params_dir: str | Path = "params",
    output_dir: str | Path = "reports",
) -> list[Report]:
    """Run every ``NN_*.ipynb`` notebook with its ``params/NN_*.yaml`` file.

    A notebook without a parameter file runs with its defaults.

    Parameters
    ----------
    notebooks_dir : str or Path, default="notebooks"
        Directory of the ``NN_*.ipynb`` notebooks, run in name order.
    params_dir : str or Path, default="params"
        Directory of the ``NN_*.yaml`` parameter files.
    output_dir : str or Path, default="reports"
        Where the reports are written (see :func:`run_report`).

    Returns
    -------
    list of Report
        One per notebook.

    Raises
    ------
    DataError
        If there is no ``NN_*.ipynb`` notebook, or as :func:`run_report`.
    papermill.PapermillExecutionError
        If a cell of a notebook fails.
    """
    notebooks = sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise DataError(f"{notebooks_dir}: no notebooks named NN_*.ipynb were found.")
    reports = []
    with tempfile.TemporaryDirectory(prefix="evalkit-ledger-") as scratch:
        ledger = Path(scratch) / "disclosure-ledger.json"
        for notebook in notebooks:
            params = Path(params_dir) / f"{notebook.stem}.yaml"
            params = params if params.is_file() else None
            reports.append(run_report(notebook, params, output_dir, ledger=ledger))
    return reports
