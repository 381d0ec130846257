"""Command line: ``evalkit init``, ``validate``, ``pseudonymise``, ``synth``, ``report``, ``audit``.

A thin layer over :mod:`evalkit.data`, :mod:`evalkit.data.synthetic`,
:mod:`evalkit.reporting.studyplan` (``report STUDY.yaml``) and
:mod:`evalkit.reporting.audit`. Exit status 0 on success, 2 on a data or usage error
(with a one-line message on standard error); ``audit`` exits with 1 when it finds
something.

Adding a subcommand: write ``_add_<name>(commands)`` that creates its parser with
``commands.add_parser``, declares its arguments and sets ``run=`` to a function
``(args) -> int``; then list it in :data:`_COMMANDS`. Raise
:class:`~evalkit.errors.DataError` for problems the user can fix: :func:`main` turns
it into a one-line message and exit status 2. Import heavy modules inside ``run`` so
that ``evalkit --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from evalkit.errors import DataError

__all__ = ["main"]

#: Rejected entries shown by ``validate`` (all are counted by reason).
SHOWN_REJECTED = 10
_TABLES = ("participants", "questionnaire", "costs")  # = evalkit.data.TABLES, checked in tests


# --------------------------------------------------------------------------- validate


def _validate(args: argparse.Namespace) -> int:
    from evalkit.data import guess_table, load_table
    from evalkit.data.identifiers import HIDDEN

    path = Path(args.path)
    table = args.table or guess_table(path, sheet=args.sheet)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = load_table(path, table, sheet=args.sheet)
    how = "" if args.table else ", guessed from the columns; pass --table to choose"
    print(f"{path} ({result.table_name}{how})")
    print(f"  sha256    {result.sha256}")
    print(f"  rows read {result.n_read}")
    print(f"  valid     {result.n_valid}")
    print(f"  rejected  {result.n_rejected}")
    for warning in caught:  # column names only: identifier values never reach messages
        print(f"  note: {warning.message}")
    if result.n_rejected:
        print("\nRejected rows by reason:")
        for row in result.summary.itertuples(index=False):
            print(f"  {row.rows:>6}  {row.column or '(whole row)'}: {row.reason}")
        shown = min(SHOWN_REJECTED, len(result.rejected))
        print(f"\nFirst {shown} of {len(result.rejected)} rejected entries (file row, column):")
        for row in result.rejected.head(SHOWN_REJECTED).itertuples(index=False):
            if row.value == HIDDEN:  # ids and identifier-like values are never printed
                print(f"  row {row.row}: {row.column} (value hidden): {row.reason}")
            elif row.column:
                print(f"  row {row.row}: {row.column} = {row.value!r}: {row.reason}")
            else:
                print(f"  row {row.row}: {row.reason}")
    return 0


def _add_validate(commands) -> None:
    validate = commands.add_parser(
        "validate",
        help="check a data file; print counts and reasons",
        description="Check a participants, questionnaire or costs file against the data "
        "dictionary: rows read, valid and rejected, rejected rows by reason, and the first "
        "rejected entries with their row in the file. Exit status 2 if the file cannot be used.",
    )
    validate.add_argument("path", help="a .csv, .xlsx or .parquet file")
    validate.add_argument(
        "--table",
        choices=_TABLES,
        help="dictionary table (default: guessed from the file's columns)",
    )
    validate.add_argument("--sheet", help="Excel sheet (default: the first)")
    validate.set_defaults(run=_validate)


# --------------------------------------------------------------------------- pseudonymise


def _pseudonymise(args: argparse.Namespace) -> int:
    from evalkit.data.pseudonymise import PSEUDONYM_DIGITS, new_key, pseudonymise, read_key

    if args.new_key:
        new_key(args.key_file)
    done = pseudonymise(
        args.input, args.output, key=read_key(args.key_file), columns=args.columns,
        sheet=args.sheet,
    )  # fmt: skip
    print(f"{done.output} ({done.n_rows} rows)")
    print(
        f"  pseudonymised  {', '.join(done.pseudonymised)} (HMAC-SHA-256 with the key in "
        f"{args.key_file}, {PSEUDONYM_DIGITS} hex digits)"
    )
    for column in done.identifier_columns:  # names only: values never reach the terminal
        print(f"  dropped        {column.column}: {column.reason}")
    if args.new_key:
        print(
            f"  new key        {args.key_file} (owner-only): keep it apart from the data and "
            "from the output; the same key gives the same pseudonyms next time."
        )
    elif Path(args.key_file).stat().st_mode & 0o077:
        print(f"  note: {args.key_file} is readable by other users; chmod 600 {args.key_file}")
    if done.unknown_columns:
        print(
            f"  note: kept column(s) {list(done.unknown_columns)} are in no table of the data "
            "dictionary: check that they hold no personal data before sharing."
        )
    return 0


def _add_pseudonymise(commands) -> None:
    command = commands.add_parser(
        "pseudonymise",
        help="replace ids by keyed pseudonyms and drop identifier columns, before sharing",
        description="Write a copy of a data file in which participant_id and mentor_id are "
        "keyed pseudonyms (HMAC-SHA-256 of the id, case and surrounding spaces ignored) and "
        "columns that are direct identifiers (by name or content) are dropped. The key is "
        "read from --key-file and never written anywhere else.",
    )
    command.add_argument("input", help="a .csv, .xlsx or .parquet file")
    command.add_argument("output", help="the file to write (.csv, .xlsx or .parquet)")
    command.add_argument("--key-file", required=True, help="file holding the secret key")
    command.add_argument(
        "--new-key",
        action="store_true",
        help="create --key-file with a new random key first (refused if it exists)",
    )
    command.add_argument(
        "--columns",
        nargs="+",
        metavar="COLUMN",
        help="id columns to pseudonymise (default: participant_id and mentor_id, if present)",
    )
    command.add_argument("--sheet", help="Excel sheet (default: the first)")
    command.set_defaults(run=_pseudonymise)


# --------------------------------------------------------------------------- synth


def _synth(args: argparse.Namespace) -> int:
    from evalkit.data import file_sha256
    from evalkit.data.synthetic import DEFAULT_SEED, write_evaldata

    seed = DEFAULT_SEED if args.seed is None else args.seed
    for name, path in write_evaldata(args.directory, seed=seed).items():
        print(f"{name:14} {path}  sha256 {file_sha256(path)}")
    return 0


def _add_synth(commands) -> None:
    synth = commands.add_parser("synth", help="write the synthetic evaluation data")
    synth.add_argument("directory", nargs="?", default="evaldata")
    synth.add_argument("--seed", type=int, default=None, help="seed (default: the shipped one)")
    synth.set_defaults(run=_synth)


# --------------------------------------------------------------------------- report


def _without_iri_grammars() -> None:
    """Import nbformat without jsonschema's optional rfc3987-syntax.

    On import it compiles about 40 grammars (3 s or more of every ``evalkit report``,
    before any part starts) for IRI formats that nbformat's schema never checks;
    jsonschema leaves those formats unchecked without it. A later ``import
    rfc3987_syntax`` works as usual.
    """
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return
    sys.modules["rfc3987_syntax"] = None  # an import of it raises ImportError
    try:
        import nbformat  # noqa: F401
    finally:
        del sys.modules["rfc3987_syntax"]


def _report(args: argparse.Namespace) -> int:
    _without_iri_grammars()
    from evalkit.reporting.params import parse_override

    overrides = dict(parse_override(name, value) for name, value in args.parameters or ())
    if args.study is not None:
        if args.params is not None:
            raise DataError(
                f"--params: the study file {args.study} gives every part its parameters; "
                "remove --params (set one value with -p NAME VALUE)."
            )
        from evalkit.reporting.studyplan import build_study_report

        built = build_study_report(
            args.study, args.output, notebooks_dir=args.notebooks, overrides=overrides,
            language=args.language, wait=args.wait, jobs=args.jobs, title=args.title,
            organisation=args.organisation,
        )
    elif args.params is None:
        raise DataError(
            "give the study file: evalkit report STUDY.yaml (write one for your files with "
            "evalkit init PARTICIPANTS; the shipped study is params/example.yaml)."
        )
    else:  # the per-notebook parameter files of a directory, as before study files
        from evalkit.reporting.build import ReportSettings, build_report

        settings = ReportSettings(title=args.title, organisation=args.organisation,
                                  language=args.language or "en")
        built = build_report(args.notebooks, args.params, args.output, overrides=overrides,
                             settings=settings, wait=args.wait, jobs=args.jobs)
    skipped = getattr(built, "skipped", ())
    print(f"{built.index}  ({len(built.parts)} parts, {built.seconds['total']:.0f} s; "
          f"log {built.log.name}, manifest {built.manifest_path.name})")
    for part, reason in skipped:
        print(f"  not run: {part}: {reason}")
    return 0


def _add_report(commands) -> None:
    report = commands.add_parser(
        "report",
        help="write the report of a study file (index.html and one page per part)",
        description="Run every part (notebooks/NN_*.ipynb) that the study's data allow on "
        "the files the study file names, with its data model, and write one self-contained "
        "report: index.html (title page, parts not run and why, the study file's guesses, "
        "summary, funnel, contents, every part) and a page per part. The study file and "
        "the -p values are checked before anything runs; the report replaces the output "
        "directory only when complete; a failing part is one line and exit status 2, its "
        "traceback in report.log.",
    )
    report.add_argument("study", nargs="?", help="the study file (evalkit init writes one; "
                        "the shipped study is params/example.yaml)")
    report.add_argument("--notebooks", default="notebooks", help="directory of NN_*.ipynb")
    report.add_argument("--params", default=None, metavar="DIR",
                        help="without a study file: a directory of NN_*.yaml parameter files")
    report.add_argument("-o", "--output", default="reports", help="output directory")
    report.add_argument(
        "-p", "--parameter", dest="parameters", nargs=2, action="append",
        metavar=("NAME", "VALUE"),
        help="set a parameter in every part that has it (papermill style: -p threshold 12)",
    )
    report.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="parts run at once (default: one per core); the report is the "
                        "same whatever N is")
    report.add_argument("--title", help="the report's title (default: the study file's)")
    report.add_argument("--organisation", help="organisation named on the title page")
    report.add_argument("--language", default=None,
                        help="language of the report: en, fr or nl (default: the study "
                        "file's)")
    report.add_argument(
        "--wait", type=float, default=0.0, metavar="SECONDS",
        help="wait this long for another run into the same output directory (default: refuse)",
    )
    report.set_defaults(run=_report)


# --------------------------------------------------------------------------- audit


def _audit(args: argparse.Namespace) -> int:
    from evalkit.reporting.audit import audit

    result = audit(args.path, threshold=args.threshold)
    print(f"{args.path}: {result.n_files} file(s) read, {len(result.table)} finding(s)")
    for row in result.table.itertuples(index=False):
        place = f"{row.file} {row.location}"
        if row.column is not None:
            place += f" row {row.row} column {row.column}"
        print(f"  {place}: {row.kind}")  # where and what kind, never the string found
    return 0 if result.clean else 1


def _add_audit(commands) -> None:
    audit = commands.add_parser(
        "audit", help="check rendered reports for small counts and identifier-like strings"
    )
    audit.add_argument("path", help="a report (.html, .ipynb) or a directory of reports")
    audit.add_argument("--threshold", type=int, default=10, help="smallest count published")
    audit.set_defaults(run=_audit)


# --------------------------------------------------------------------------- init


def _add_init(commands) -> None:
    """``evalkit init``: draft a commented study file from a study's own files
    (:func:`evalkit.data.draft.init_study`), then load the files with it."""

    def run(args: argparse.Namespace) -> int:
        from evalkit.data.draft import init_study
        from evalkit.data.study import Study, available_parts

        draft = init_study(args.participants, questionnaire=args.questionnaire,
                           costs=args.costs, sheet=args.sheet, programme=args.programme)
        path = draft.write(args.output, overwrite=args.force)
        print(f"wrote {path}: {len(draft.mapped)} mapped, {len(draft.guessed)} guessed, "
              f"{len(draft.unmapped)} could not be mapped")
        for key, rule in draft.guessed.items():
            print(f"  guessed {key}: {rule}")
        for line in draft.unmapped:
            print(f"  could not map: {line}")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                data = Study.from_yaml(path).load()
            except DataError as exc:
                raise DataError(f"wrote {path}, but its files do not load yet: {exc}") from None
        for name in ("participants", "questionnaire", "costs"):
            if (result := getattr(data, name)) is not None:
                print(f"{name}: {result.n_read} rows read, {result.n_valid} valid, "
                      f"{result.n_rejected} rejected")
        for part in available_parts(data):
            if not part.runnable:
                print(f"  part skipped: {part.part}: {part.reason}")
        for warning in caught:  # column names only, never values
            print(f"  note: {warning.message}")
        print(f"next: check the lines marked '# guessed:' in {path}, then run "
              f"evalkit report {path}")
        return 0

    init = commands.add_parser(
        "init", help="write a commented study file from your participants file (and others)"
    )
    init.add_argument("participants", help="participants file (.csv, .xlsx, .parquet)")
    init.add_argument("--questionnaire", help="questionnaire file (one row per person and wave)")
    init.add_argument("--costs", help="costs file")
    init.add_argument("--sheet", help="Excel sheet to read (default: the first)")
    init.add_argument("--programme", metavar="NAME",
                      help="the programme of a single-programme file without a programme "
                      "column (default: named after the file, marked guessed)")
    init.add_argument("-o", "--output", default="study.yaml", help="study file to write")
    init.add_argument("--force", action="store_true", help="replace an existing study file")
    init.set_defaults(run=run)


# --------------------------------------------------------------------------- main

#: Subcommands, in the order ``evalkit --help`` lists them.
_COMMANDS = (_add_init, _add_validate, _add_pseudonymise, _add_synth, _add_report, _add_audit)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="evalkit", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in _COMMANDS:
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success; 2 on a :class:`~evalkit.errors.DataError` (one line on standard
        error); 130 when interrupted (Ctrl-C).

    Raises
    ------
    SystemExit
        With status 2 on a usage error (argparse's message on standard error), and 0
        after ``--help``.

    Examples
    --------
    >>> import io, contextlib, tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     csv = pathlib.Path(tmp, "costs.csv")
    ...     _ = csv.write_text(
    ...         "programme,site,year,cost_item,amount_eur,duos_formed\\n"
    ...         "Team4Job,Ghent,2021,overhead,1200.50,12\\n"
    ...     )
    ...     out = io.StringIO()
    ...     with contextlib.redirect_stdout(out):
    ...         status = main(["validate", str(csv)])
    >>> status, "valid     1" in out.getvalue()
    (0, True)
    """
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except DataError as exc:
        message = " ".join(str(exc).split())  # one line, whatever the message holds
        print(f"evalkit {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"evalkit {args.command}: interrupted; nothing was changed.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
