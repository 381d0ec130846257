"""A whole report: checked first, built apart, moved into place only when complete.

:func:`build_report` runs every ``NN_*.ipynb`` notebook (a *part*) with its
``params/NN_*.yaml`` file and writes one directory:

- ``index.html``: title page (title, programmes, period, organisation, the SHA-256
  of every data file, date, evalkit version), contents, then every part;
- ``NN_name.html``: each part on its own page, with the same header and footer;
- ``NN_name.ipynb`` and ``NN_name.manifest.json``: the executed notebook and its
  provenance; ``manifest.json``: the report's (parameters of every part, data
  fingerprints, versions, commit, run times), linked from every page's footer;
- ``report.log``: what the kernels printed, warnings that are not data notes, run
  times, and a failed part's full traceback.

How it fails:

- Parameters (files and ``-p`` overrides) are checked against the notebooks before
  anything runs: an unknown name, a wrong type or a missing data file is one line
  naming the parameter (:class:`~evalkit.errors.DataError`).
- The report is written in a hidden directory beside the output and replaces it only
  when every part succeeded; a failed or interrupted run leaves the previous report
  as it was (with the failure's ``report.log``) and nothing that looks finished.
- One run at a time per output directory: a second one waits up to ``wait`` seconds
  for the first, then refuses in one line.
- A failing part is one line naming the part and the exception's last line
  (:class:`~evalkit.errors.ReportError`); its traceback is in ``report.log``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import nbformat

from evalkit.errors import DataError, ReportError
from evalkit.reporting.catalogue import text
from evalkit.reporting.kernels import KeptKernels, warm_up_modules
from evalkit.reporting.page import footer, front_page, page, part_page
from evalkit.reporting.params import (
    check_data_files,
    check_params,
    load_params,
    notebook_parameters,
)
from evalkit.reporting.part import scrub_paths
from evalkit.reporting.runner import (
    Report,
    _inline_figures,
    execute_part,
    with_language,
    write_part_page,
)
from evalkit.reporting.schedule import PartFailed, run_parts, write_ledger

try:  # POSIX; elsewhere runs are not locked against each other
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

__all__ = ["BuiltReport", "ReportSettings", "build_planned", "build_report", "plan_report"]

#: Files a report directory holds; a directory with anything else is not replaced.
REPORT_FILES = re.compile(
    r"(\d\d_[^/]+\.(html|ipynb|manifest\.json)|index\.html|manifest\.json|report\.log)"
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class ReportSettings:
    """What the front page says that the data do not (a study file will hold these).

    Attributes
    ----------
    title : str or None
        The report's title (default: "Evaluation report"); also the browser tab's.
    organisation : str or None
        Who evaluates, shown on the title page when given.
    language : str
        Language of the report's own words (``"en"``).
    period : str or None
        The period the study covers, as the study file says it (default: the intake
        dates of the participants file).
    skipped : tuple of (str, str)
        Parts not run and why (the front page's "Parts not run").
    guessed : tuple of (str, str)
        Guesses of the study file (key, what was guessed), marked as guesses.
    participants : LoadResult or None
        The participants file loaded with the study's model, for the title page and the
        funnel (default: the first ``participants_path`` of the parts, shipped model).
    threshold : int or None
        The funnel's disclosure threshold (default: the parts').
    horizons : tuple of float
        The funnel's horizons (months).
    """

    title: str | None = None
    organisation: str | None = None
    language: str = "en"
    period: str | None = None
    skipped: tuple[tuple[str, str], ...] = ()
    guessed: tuple[tuple[str, str], ...] = ()
    participants: Any = None
    threshold: int | None = None
    horizons: tuple[float, ...] = (12,)


@dataclass(frozen=True)
class BuiltReport:
    """A finished report.

    Attributes
    ----------
    directory : Path
        The output directory.
    index : Path
        ``index.html``.
    parts : tuple of Report
        Each part's files and manifest.
    manifest_path : Path
        The report's ``manifest.json``.
    log : Path
        ``report.log``.
    seconds : dict of str to float
        Run time of each part (by notebook stem) and ``"total"``.
    skipped : tuple of (str, str)
        Parts not run (their title) and why.
    """

    directory: Path
    index: Path
    parts: tuple[Report, ...]
    manifest_path: Path
    log: Path
    seconds: dict[str, float]
    skipped: tuple[tuple[str, str], ...] = ()


def plan_report(
    notebooks_dir: str | Path = "notebooks",
    params_dir: str | Path = "params",
    overrides: Mapping[str, Any] | None = None,
) -> list[tuple[Path, dict[str, Any]]]:
    """The parts to run and their checked parameters; nothing runs.

    Parameters
    ----------
    notebooks_dir : str or Path, default="notebooks"
        Directory of the ``NN_*.ipynb`` notebooks, run in name order.
    params_dir : str or Path, default="params"
        Directory of the ``NN_*.yaml`` parameter files (a part without one runs with
        its notebook's defaults).
    overrides : mapping, optional
        ``-p NAME VALUE`` values: each replaces the parameter of that name in every
        part that has it.

    Returns
    -------
    list of (Path, dict)
        Each notebook and the parameters it will be given.

    Raises
    ------
    DataError
        If there is no notebook; if a parameter file or an override names an unknown
        parameter or gives a value of the wrong type; if an override is a parameter of
        no part; if a ``*_path`` parameter names no file. One line, naming the key.
    """
    notebooks = sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise DataError(f"{notebooks_dir}: no notebooks named NN_*.ipynb were found.")
    overrides = dict(overrides or {})
    plan, used, every = [], set(), set()
    for notebook in notebooks:
        file = Path(params_dir) / f"{notebook.stem}.yaml"
        values = load_params(file, notebook) if file.is_file() else {}
        defaults = notebook_parameters(notebook)
        every |= set(defaults)
        given = check_params({k: v for k, v in overrides.items() if k in defaults}, notebook,
                             source="-p")
        used |= set(given)
        source = str(file) if file.is_file() else notebook.name
        check_data_files({k: v for k, v in {**defaults, **values}.items() if k not in given},
                         notebook, source=source)
        check_data_files(given, notebook, source="-p")
        plan.append((notebook.resolve(), {**values, **given}))
    unknown = sorted(set(overrides) - used)
    if unknown:
        raise DataError(
            f"-p {unknown[0]}: no part has a parameter {unknown[0]!r}; the parts' parameters "
            f"are {sorted(every - {'disclosure_ledger'})}."
        )
    return plan


def build_report(
    notebooks_dir: str | Path = "notebooks",
    params_dir: str | Path = "params",
    output_dir: str | Path = "reports",
    *,
    overrides: Mapping[str, Any] | None = None,
    settings: ReportSettings | None = None,
    wait: float = 0.0,
    jobs: int | None = None,
) -> BuiltReport:
    """Run every part and write the report, atomically and exclusively.

    Parameters
    ----------
    notebooks_dir, params_dir, overrides
        As :func:`plan_report`.
    output_dir : str or Path, default="reports"
        The report's directory: replaced as a whole when the new report is complete.
        It may hold only a report's files (``index.html``, ``NN_*.html``…).
    settings : ReportSettings, optional
        Title, organisation and language.
    wait : float, default=0.0
        Seconds to wait for another run into the same directory to finish.

    Returns
    -------
    BuiltReport

    Raises
    ------
    DataError
        If the parameters do not fit (see :func:`plan_report`), or ``language`` is
        not a language of the catalogue.
    ReportError
        If the output directory cannot be written, holds other files, or another run
        is writing it (after ``wait``); or if a part fails: the message names the part
        and the exception's last line, and ``report.log`` in the output directory
        holds the traceback.
    """
    started = time.monotonic()
    settings = settings or ReportSettings()
    _check_language(settings.language)
    plan = plan_report(notebooks_dir, params_dir, overrides)
    return build_planned(plan, output_dir, settings=settings, wait=wait, started=started,
                         jobs=jobs)


def _check_language(language: str) -> None:
    try:
        text("report.contents", language)
    except ValueError as exc:
        raise DataError(f"--language: {exc}") from None


def build_planned(
    plan: list[tuple[Path, dict[str, Any]]],
    output_dir: str | Path = "reports",
    *,
    settings: ReportSettings | None = None,
    wait: float = 0.0,
    started: float | None = None,
    jobs: int | None = None,
) -> BuiltReport:
    """Run planned parts and write the report, atomically and exclusively.

    Parameters
    ----------
    plan : list of (Path, dict)
        Each notebook and its checked parameters (:func:`plan_report`, or
        :func:`evalkit.reporting.studyplan.plan_study`).
    output_dir, settings, wait, jobs
        As :func:`build_report`.
    started : float, optional
        ``time.monotonic()`` when the run started (default: now).

    Returns
    -------
    BuiltReport
        The finished report, in ``output_dir``.

    Raises
    ------
    DataError
        If ``settings.language`` is not a language of the catalogue.
    ReportError
        As :func:`build_report`.
    """
    started = time.monotonic() if started is None else started
    settings = settings or ReportSettings()
    _check_language(settings.language)
    if not plan:
        raise DataError("no part of the report can run.")
    jobs = max(1, min((os.cpu_count() or 1) if jobs is None else int(jobs), len(plan)))
    output = Path(output_dir).absolute()
    _make_parent(output)
    with _exclusive(output, wait):
        _check_replaceable(output)
        for kind in ("building", "old"):  # left by a killed run
            for leftover in output.parent.glob(f".{output.name}.{kind}-*"):
                shutil.rmtree(leftover, ignore_errors=True)
        build = Path(_writable(lambda: tempfile.mkdtemp(
            dir=output.parent, prefix=f".{output.name}.building-"), output))
        try:
            built = _build(plan, build, output, settings, jobs)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(build, 0o777 & ~umask)  # mkdtemp's 0o700 would hide it from others
            _replace(build, output)
        finally:
            shutil.rmtree(build, ignore_errors=True)
    seconds = {**built.seconds, "total": round(time.monotonic() - started, 1)}
    with (output / "report.log").open("a", encoding="utf-8") as log:
        log.write(f"total: {seconds['total']} s\n")
    return _moved(built, build, output, seconds)


def _writable(action, output: Path):
    """Run ``action`` (which writes beside ``output``); an OSError is one line."""
    try:
        return action()
    except OSError as exc:
        raise ReportError(
            f"{output}: cannot write the report there ({exc.strerror or exc}); choose another "
            "output directory (-o DIR) or fix its permissions."
        ) from None


def _make_parent(output: Path) -> None:
    """Create the output's parent directories; one line when a file stands in the way."""
    blocking = next((p for p in output.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise ReportError(
            f"{output}: cannot write the report there ({blocking.name} is a file, not a "
            "directory); choose another output directory (-o DIR)."
        )
    _writable(lambda: output.parent.mkdir(parents=True, exist_ok=True), output)


@contextmanager
def _exclusive(output: Path, wait: float) -> Iterator[None]:
    """Hold the output directory's lock (a hidden file beside it) while building."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    path = output.parent / f".{output.name}.lock"
    deadline = time.monotonic() + wait
    while True:
        fd = _writable(lambda: os.open(path, os.O_RDWR | os.O_CREAT, 0o644), output)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise ReportError(
                    f"{output}: another evalkit report is being written there; wait for it to "
                    "finish, or pass --wait SECONDS to wait for it."
                ) from None
            time.sleep(0.2)
            continue
        if path.exists() and os.fstat(fd).st_ino == os.stat(path).st_ino:
            break  # else the holder removed the file as we opened it: take the new one
        os.close(fd)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _check_replaceable(output: Path) -> None:
    if not output.exists():
        return
    if not output.is_dir():
        raise ReportError(f"{output}: is a file, not a report directory; choose another "
                          "output directory (-o DIR).")
    others = sorted(p.name for p in output.iterdir() if not REPORT_FILES.fullmatch(p.name))
    if others:
        raise ReportError(
            f"{output}: holds {len(others)} file(s) that are not part of an evalkit report "
            f"(e.g. {others[0]!r}), which replacing it would delete; choose another output "
            "directory (-o DIR) or move them."
        )


def _replace(build: Path, output: Path) -> None:
    """Put the finished build in the output's place (the old report removed after)."""
    if output.exists():
        old = output.parent / f".{output.name}.old-{os.getpid()}"
        os.replace(output, old)
        os.replace(build, output)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(build, output)


def _moved(built: BuiltReport, build: Path, output: Path, seconds) -> BuiltReport:
    def there(path: Path) -> Path:
        return output / path.relative_to(build)

    parts = tuple(
        Report(notebook=there(r.notebook), html=there(r.html),
               manifest_path=there(r.manifest_path), manifest=r.manifest)
        for r in built.parts
    )
    return BuiltReport(directory=output, index=there(built.index), parts=parts,
                       manifest_path=there(built.manifest_path), log=output / "report.log",
                       seconds=seconds)


@contextmanager
def _stderr_to(log: TextIO) -> Iterator[None]:
    """Send this process's standard error, and so the kernels', to the log."""
    log.flush()
    saved = os.dup(2)
    os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _build(plan, build: Path, output: Path, settings: ReportSettings,
           jobs: int) -> BuiltReport:
    title = settings.title or text("report.default_title", settings.language)
    ledger = build / ".disclosure-ledger.json"
    seconds = {}
    # One kernel per part running at a time, reset before each part.
    kernels = KeptKernels(warm_up_modules(notebook for notebook, _ in plan))

    def run(index: int, part_ledger: Path):
        notebook, values = plan[index]
        started = time.monotonic()
        try:
            path, manifest = execute_part(
                notebook, with_language(notebook, values, settings.language), build,
                ledger=part_ledger, kernels=kernels)
        finally:
            _close_event_loop()
        seconds[notebook.stem] = round(time.monotonic() - started, 1)
        # The part's page body, made once, while other parts run (the front page uses it).
        nb = nbformat.read(path, as_version=4)
        return path, manifest, nb, part_page(nb, path.stem)

    with (build / "report.log").open("w", encoding="utf-8") as log:
        log.write(f"evalkit report into {output}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
                  f"{jobs} part(s) at a time\n")
        try:
            with _stderr_to(log), _inline_figures():
                executed, cells, rerun = run_parts(
                    len(plan), run, lambda i: build / f".ledger-{i:02d}.json", jobs=jobs,
                    first=_slowest_first(output, plan))
        except PartFailed as failed:  # any failure of a part: one line, traceback in the log
            _fail(log, build, output, plan[failed.index][0].stem, failed.error)
        finally:
            kernels.close()
        write_ledger(ledger, cells)
        for stem in (plan[i][0].stem for i in rerun):
            log.write(f"part {stem} ran again: it looks up cells of an earlier part's "
                      "population in the disclosure ledger\n")
        parts = []
        for path, manifest, nb, part in executed:
            _log_part(log, nb, path.stem, seconds[path.stem], kernels.cpu.get(path.stem))
            html_path = write_part_page(path, manifest, report_title=title,
                                        language=settings.language, part=part)
            parts.append(Report(notebook=path, html=html_path,
                                manifest_path=path.with_suffix(".manifest.json"),
                                manifest=manifest))
    for leftover in build.glob(".ledger-*.json"):
        leftover.unlink()
    manifest_path = _write_manifest(build, parts, settings, title, seconds)
    index = _write_index(build, parts, settings, title, plan, ledger,
                         [(nb, part) for _, _, nb, part in executed])
    ledger.unlink(missing_ok=True)
    return BuiltReport(directory=build, index=index, parts=tuple(parts),
                       manifest_path=manifest_path, log=build / "report.log", seconds=seconds)


def _close_event_loop() -> None:
    """Close the event loop papermill left in this (worker) thread."""
    import asyncio

    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # none in this thread
        return
    if not loop.is_running():
        loop.close()
    asyncio.set_event_loop(None)


def _slowest_first(output: Path, plan) -> list[int]:
    """The parts by their run time in the report being replaced, slowest first."""
    try:
        previous = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
        seconds = {p["notebook"]: float(p["seconds"]) for p in previous["parts"]}
    except (OSError, ValueError, KeyError, TypeError):
        return []
    known = [(seconds[n.name], i) for i, (n, _) in enumerate(plan) if n.name in seconds]
    return [i for _, i in sorted(known, key=lambda t: -t[0])]


def _fail(log: TextIO, build: Path, output: Path, stem: str, exc: Exception):
    """Log the traceback, leave the log in the output directory, raise one line."""
    lines = getattr(exc, "traceback", None)
    if lines:  # papermill: the kernel's traceback, coloured
        log.write(f"\npart {stem} failed:\n" + _ANSI.sub("", "\n".join(lines)) + "\n")
        name, value = exc.ename, exc.evalue
    else:
        import traceback

        log.write(f"\npart {stem} failed:\n" + "".join(traceback.format_exception(exc)))
        name, value = type(exc).__name__, str(exc)
    log.flush()
    last = [line for line in str(value).splitlines() if line.strip()]
    reason = f"{name}: {last[-1].strip()}" if last else name
    reason = scrub_paths(reason.replace(str(build), output.name))
    target = output / "report.log"
    _writable(lambda: output.mkdir(parents=True, exist_ok=True), output)
    shutil.copyfile(build / "report.log", target)
    raise ReportError(text("error.part_failed", part=stem, reason=reason, log=target)) from None


def _log_part(log: TextIO, nb, stem: str, seconds: float, cpu: float | None) -> None:
    """Run time, its kernel's CPU time, slowest cells and the part's standard-error
    output, into the log."""
    cells = sorted(((c.metadata.get("papermill", {}).get("duration") or 0.0, i)
                    for i, c in enumerate(nb.cells) if c.cell_type == "code"), reverse=True)
    slowest = ", ".join(f"cell {i} {d:.1f} s" for d, i in cells[:3])
    used = "" if cpu is None else f", kernel CPU {cpu} s"
    log.write(f"part {stem}: {seconds} s (slowest: {slowest}{used})\n")
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("name") == "stderr":
                log.write("".join(output.get("text", "")))
    log.flush()


def _write_manifest(build, parts, settings, title, seconds) -> Path:
    first = parts[0].manifest
    data = {}
    for part in parts:
        for info in part.manifest["data_files"].values():
            data[Path(info["path"]).name] = info["sha256"]
    manifest = {
        "title": title,
        "organisation": settings.organisation,
        "language": settings.language,
        "created_utc": first["created_utc"],
        "python": first["python"],
        "packages": first["packages"],
        "git_commit": first["git_commit"],
        "data_files": data,
        "parts": [{"notebook": p.manifest["notebook"], "parameters": p.manifest["parameters"],
                   "data_files": p.manifest["data_files"],
                   "seconds": seconds[Path(p.manifest["notebook"]).stem]} for p in parts],
    }
    path = build / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _participants(plan):
    """The first participants file the parts name, loaded (None if there is none)."""
    from evalkit.data import load_participants

    for notebook, values in plan:
        params = {**notebook_parameters(notebook), **values}
        path = params.get("participants_path")
        if isinstance(path, str):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return load_participants(notebook.parent / path), params.get("threshold")
            except (DataError, OSError):
                return None, None
    return None, None


def _study_facts(loaded) -> tuple[list[str], tuple[str, str] | None]:
    """Programmes and the intake period of the participants file."""
    if loaded is None:
        return [], None
    data = loaded.data
    programmes = [str(p) for p in data["programme"].dropna().unique()]
    dates = data["intake_date"].dropna()
    period = None if dates.empty else (f"{dates.min():%Y-%m-%d}", f"{dates.max():%Y-%m-%d}")
    return programmes, period


def _funnel_html(loaded, threshold, ledger: Path, settings: ReportSettings) -> str:
    """The participant funnel's tables, published with the parts' ledger."""
    from evalkit.reporting.disclosure import DEFAULT_THRESHOLD, DisclosureLedger, publish
    from evalkit.reporting.format import format_table
    from evalkit.reporting.funnel import participant_funnel
    from evalkit.reporting.notes import reword_note

    if loaded is None:
        return ""
    language = settings.language
    eligibility = getattr(loaded, "eligibility", None)
    try:
        funnel = participant_funnel(
            loaded, eligible=None if eligibility is None else eligibility.eligible,
            horizons=settings.horizons)
    except (ValueError, KeyError):  # no programme column or exit types unknown: no funnel
        return ""
    shared = DisclosureLedger(ledger)
    threshold = threshold or DEFAULT_THRESHOLD
    stages = publish(funnel, "table", threshold=threshold, ledger=shared, population="funnel")
    stages.table["stage"] = [text(f"funnel.{s}", language) for s in stages.table["stage"]]
    stages.table["programme"] = stages.table["programme"].replace(
        {"all": text("funnel.all", language)})
    rates = publish(funnel, "rates", threshold=threshold, ledger=shared, population="funnel")
    rates.table["population"] = [text(f"funnel.{p}", language) for p in rates.table["population"]]
    parts = [format_table(stages, caption=text("funnel.stages", language),
                          language=language),
             format_table(rates, caption=text("funnel.rates", language),
                          kinds={"estimate": "proportion"}, language=language)]
    if not funnel.reasons.empty:
        reasons = publish(funnel, "reasons", threshold=threshold, ledger=shared,
                          population="funnel")
        reasons.table["reason"] = [reword_note(r, language) for r in reasons.table["reason"]]
        parts.append(format_table(
            reasons, caption=text("rows.reasons", language, file=loaded.source.name),
            language=language))
    return "".join(p.to_html() for p in parts)


def _write_index(build, parts, settings, title, plan, ledger, pages) -> Path:
    from evalkit.reporting.findings import summary_findings

    language = settings.language
    manifest = parts[0].manifest
    if settings.participants is not None:
        loaded, threshold = settings.participants, settings.threshold
    else:
        loaded, threshold = _participants(plan)
    programmes, period = _study_facts(loaded)
    facts = []
    if programmes:
        facts.append((text("report.programmes", language), ", ".join(programmes)))
    if settings.period:
        facts.append((text("report.period", language), settings.period))
    elif period:
        facts.append((text("report.period", language),
                      text("report.period_value", language, start=period[0], end=period[1])))
    if settings.organisation:
        facts.append((text("report.organisation", language), settings.organisation))
    version = manifest["packages"].get("evalkit") or "unknown"
    facts += [(text("report.created", language), manifest["created_utc"][:10]),
              (text("report.version", language), version)]
    fingerprints = json.loads((build / "manifest.json").read_text(encoding="utf-8"))["data_files"]
    thresholds = {p.manifest["parameters"].get("threshold") for p in parts} - {None}
    notes = [text("report.threshold", language, threshold=t) for t in sorted(thresholds)]
    summary = [s for nb, _ in pages for s in summary_findings(nb)]
    body = front_page(title=title, facts=facts, fingerprints=fingerprints,
                      parts=[part for _, part in pages],
                      notes=notes, summary=summary, skipped=settings.skipped,
                      guessed=settings.guessed,
                      funnel=_funnel_html(loaded, threshold, ledger, settings),
                      language=language)
    path = build / "index.html"
    path.write_text(page(title=title, report_title=title, body=body, home=True,
                         footer=footer(version=version, date=manifest["created_utc"][:10],
                                       language=language), language=language), encoding="utf-8")
    return path
