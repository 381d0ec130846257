"""One part of a report: run its notebook with papermill, write its page, record provenance.

For a notebook ``notebooks/NN_name.ipynb`` and its parameters, :func:`run_report`
writes into a directory:

- ``NN_name.ipynb``: the executed notebook (its metadata hold the manifest);
- ``NN_name.html``: the part's page (code hidden, standard error left out, a
  provenance section at its end; see :mod:`evalkit.reporting.page`);
- ``NN_name.manifest.json``: the parameters, the SHA-256 of every data file the
  parameters name, package versions, Python version and the git commit.

A whole report (every part, a front page, atomic and exclusive) is
:func:`evalkit.reporting.build.build_report`; :func:`run_reports` is its list of parts.
The kernel always draws with matplotlib's inline backend, whatever ``MPLBACKEND``
says (a test run's ``Agg`` would otherwise leave the report without figures).
"""

from __future__ import annotations

import html
import json
import os
import platform
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat
import papermill

from evalkit.data import file_sha256
from evalkit.errors import DataError
from evalkit.reporting.catalogue import text
from evalkit.reporting.kernels import ENGINE, KeptKernels
from evalkit.reporting.page import PartPage, footer, page, part_page
from evalkit.reporting.params import check_params, load_params, notebook_parameters
from evalkit.reporting.prose import localise_notebook

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
    "nbconvert",
)

#: The backend the kernel draws with: figures become inline PNG outputs.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


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



def provenance_html(manifest: dict[str, Any], language: str = "en") -> str:
    """The provenance section of a part's page: data fingerprints, parameters, versions.

    A data file is named without its directory (which may name a person or a temporary
    directory); its SHA-256 identifies it. Parameters that are paths are shown the same way.
    """
    rows = []
    for name, info in manifest["data_files"].items():
        rows.append((f"{text('report.data', language)} {name}",
                     f"{Path(info['path']).name} SHA-256 {info['sha256']}"))
    for name, value in manifest["parameters"].items():
        if name != "disclosure_ledger":
            if isinstance(value, str) and (name in manifest["data_files"]
                                           or name.endswith("_path")):
                value = Path(value).name
            rows.append((f"{text('report.parameter', language)} {name}",
                         json.dumps(value, ensure_ascii=False)))
    rows.append((text("report.python", language), manifest["python"]))
    rows += [(package, str(version)) for package, version in manifest["packages"].items()]
    rows.append((text("report.commit", language), str(manifest["git_commit"])))
    cells = "".join(f"<tr><th scope=\"row\">{html.escape(k)}</th><td><code>{html.escape(v)}"
                    "</code></td></tr>" for k, v in rows)
    title = html.escape(text("report.provenance", language))
    return (f'<details class="ek-provenance"><summary>{title}</summary>'
            f'<table class="ek-facts">{cells}</table></details>')


@contextmanager
def _inline_figures() -> Iterator[None]:
    """The kernel's environment while it runs: figures drawn inline."""
    saved = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = INLINE_BACKEND
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = saved


def with_language(notebook: Path, values: dict[str, Any], language: str) -> dict[str, Any]:
    """The part's parameters with the report's language (when the notebook has one).

    A ``language`` the parameters already hold (``-p language fr``) is kept.
    """
    if "language" in notebook_parameters(notebook) and "language" not in values:
        return {**values, "language": language}
    return values


def execute_part(
    notebook: Path,
    values: dict[str, Any],
    output_dir: Path,
    *,
    ledger: Path | None = None,
    kernels: KeptKernels | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Run one notebook with checked parameters into ``output_dir``.

    Returns the executed notebook's path and its manifest (also in its metadata and in
    ``NN_name.manifest.json``). With ``kernels``, the part runs in one of those kept
    kernels, reset to a fresh kernel's state first
    (:class:`~evalkit.reporting.kernels.KeptKernels`); else in a kernel of its own.

    Raises
    ------
    papermill.PapermillExecutionError
        If a cell of the notebook fails (the executed notebook is left in
        ``output_dir``: a whole report removes it with its build directory).
    """
    executed = output_dir / notebook.name
    cwd = notebook.parent
    defaults = notebook_parameters(notebook)
    manifest = _manifest(notebook, {**defaults, **values}, cwd)
    if ledger is not None and "disclosure_ledger" in defaults:
        values = {**values, "disclosure_ledger": str(Path(ledger).resolve())}
    # The kernel starts in the notebook's directory (``resources``), not this process:
    # papermill's ``cwd=`` changes the whole process's directory, which parts run side by
    # side would race on. The notebook is written once, at the end (papermill otherwise
    # writes and validates it twice per cell, about 0.1 s a cell). Every output is in
    # when the last cell has run, so the kernel is stopped at once rather than asked
    # to shut down (which takes about 3 s). An output still on its way 30 s after its
    # cell ended fails the part rather than leaving it out of the page (nbclient's
    # default: a log line after 4 s, and the output missing).
    fields = {**defaults, **values}
    source = localise_notebook(nbformat.read(notebook, as_version=4), notebook.stem,
                               fields.get("language", "en"), fields)
    options = {"parameters": values, "kernel_name": "python3", "progress_bar": False,
               "request_save_on_cell_execute": False,
               "iopub_timeout": 30, "raise_on_iopub_timeout": True,
               "resources": {"metadata": {"path": str(cwd)}}}
    with _inline_figures():
        if kernels is None:
            papermill.execute_notebook(source, str(executed), shutdown_kernel="immediate",
                                       **options)
        else:
            with kernels.kernel() as kernel:
                before = kernel.cpu_seconds()
                papermill.execute_notebook(source, str(executed), engine_name=ENGINE,
                                           kernel=kernel, **options)
                kernels.cpu[notebook.stem] = round(kernel.cpu_seconds() - before, 1)
    nb = nbformat.read(executed, as_version=4)
    nb.metadata["evalkit"] = manifest
    nbformat.write(nb, executed)
    executed.with_suffix(".manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return executed, manifest


def write_part_page(
    executed: Path,
    manifest: dict[str, Any],
    *,
    report_title: str,
    manifest_link: str = "manifest.json",
    language: str = "en",
    part: PartPage | None = None,
) -> Path:
    """Write ``NN_name.html`` beside the executed notebook: header, part, provenance, footer.

    ``part`` is the notebook's :func:`~evalkit.reporting.page.part_page`, when it was
    already made (default: made from the executed notebook).
    """
    if part is None:
        part = part_page(nbformat.read(executed, as_version=4), executed.stem)
    version = manifest["packages"].get("evalkit") or "unknown"
    date = manifest["created_utc"][:10]
    shown = page(
        title=f"{part.title} – {report_title}",
        report_title=report_title,
        body=part.body + provenance_html(manifest, language),
        footer=footer(version=version, date=date, manifest=manifest_link, language=language),
        language=language,
    )
    path = executed.with_suffix(".html")
    path.write_text(shown, encoding="utf-8")
    return path


def run_report(
    notebook: str | Path,
    params: str | Path | None = None,
    output_dir: str | Path = "reports",
    *,
    ledger: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    report_title: str | None = None,
    language: str = "en",
) -> Report:
    """Execute one notebook with its parameters and write the part's files.

    Parameters
    ----------
    notebook : str or Path
        The notebook to run (its directory is the working directory, so data
        paths in the parameters are relative to it).
    params : str or Path, optional
        YAML parameter file, checked against the notebook's ``parameters`` cell
        (:func:`evalkit.reporting.params.load_params`). Default: the notebook's defaults.
    output_dir : str or Path, default="reports"
        Where the executed notebook, the part's page and the manifest are written.
    ledger : str or Path, optional
        The report's disclosure ledger file, passed to the notebook as its
        ``disclosure_ledger`` parameter (if it has one); not recorded in the manifest.
    overrides : dict, optional
        Parameters that replace the file's (``-p NAME VALUE``), checked the same way.
    report_title : str, optional
        The title in the page's header (default: "Evaluation report").
    language : str, default="en"
        The report's language: the page's own words, and the part's (its ``language``
        parameter, unless the parameters set it).

    Returns
    -------
    Report
        Paths of the written files and the manifest.

    Raises
    ------
    DataError
        If the notebook is missing, or the parameters do not fit the notebook's (see
        :func:`evalkit.reporting.params.load_params`).
    papermill.PapermillExecutionError
        If a cell of the notebook fails.
    """
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise DataError(f"{notebook}: notebook not found.")
    values = load_params(params, notebook) if params is not None else {}
    values = {**values, **check_params(dict(overrides or {}), notebook, source="-p")}
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    executed, manifest = execute_part(notebook, with_language(notebook, values, language),
                                      output_dir, ledger=ledger)
    html_path = write_part_page(
        executed, manifest, report_title=report_title or text("report.default_title", language),
        manifest_link=executed.with_suffix(".manifest.json").name, language=language,
    )
    return Report(notebook=executed, html=html_path,
                  manifest_path=executed.with_suffix(".manifest.json"), manifest=manifest)


def run_reports(
    notebooks_dir: str | Path = "notebooks",
    params_dir: str | Path = "params",
    output_dir: str | Path = "reports",
    **options: Any,
) -> list[Report]:
    """Build the whole report (:func:`~evalkit.reporting.build.build_report`); its parts.

    Parameters
    ----------
    notebooks_dir, params_dir, output_dir, **options
        As :func:`~evalkit.reporting.build.build_report`.

    Returns
    -------
    list of Report
        One per notebook, in the finished report's directory.

    Raises
    ------
    DataError
        As :func:`~evalkit.reporting.build.build_report`.
    """
    from evalkit.reporting.build import build_report

    return list(build_report(notebooks_dir, params_dir, output_dir, **options).parts)
