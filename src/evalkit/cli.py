"""Command line: ``evalkit validate``, ``evalkit synth``, ``evalkit report``.

A thin layer over :mod:`evalkit.data`, :mod:`evalkit.synthetic` and
:mod:`evalkit.report`. Exit status 0 on success, 2 on a data or usage error
(with a one-line message on standard error).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from evalkit.errors import DataError, EvalkitWarning

__all__ = ["main"]

_SHOWN_REJECTED = 10


def _validate(args: argparse.Namespace) -> int:
    from evalkit.data import guess_table, load_table

    path = Path(args.path)
    table = args.table or guess_table(path, sheet=args.sheet)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EvalkitWarning)
        result = load_table(path, table, sheet=args.sheet)
    print(f"{path} ({table}{'' if args.table else ', guessed from the columns'})")
    print(f"  sha256    {result.sha256}")
    print(f"  rows read {result.n_read}")
    print(f"  valid     {result.n_valid}")
    print(f"  rejected  {result.n_rejected}")
    for warning in caught:
        print(f"  note: {warning.message}")
    if result.n_rejected:
        print("\nRejected rows by reason:")
        for _, row in result.summary.iterrows():
            column = row["column"] or "(whole row)"
            print(f"  {row['rows']:>6}  {column}: {row['reason']}")
        print("\nFirst rejected entries (file row, column, value, reason):")
        for _, row in result.rejected.head(_SHOWN_REJECTED).iterrows():
            column = row["column"] or "(whole row)"
            print(f"  row {row['row']}: {column} = {row['value']!r}: {row['reason']}")
    return 0


def _synth(args: argparse.Namespace) -> int:
    from evalkit.data import file_sha256
    from evalkit.synthetic import write_evaldata

    for name, path in write_evaldata(args.directory, seed=args.seed).items():
        print(f"{name:14} {path}  sha256 {file_sha256(path)}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from evalkit.report import run_reports

    for report in run_reports(args.notebooks, args.params, args.output):
        print(f"{report.html}  (notebook {report.notebook}, manifest {report.manifest_path})")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="evalkit", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check a data file; print counts and reasons")
    validate.add_argument("path", help="a .csv, .xlsx or .parquet file")
    validate.add_argument(
        "--table",
        choices=["participants", "questionnaire", "costs"],
        help="dictionary table (default: guessed from the file name)",
    )
    validate.add_argument("--sheet", help="Excel sheet (default: the first)")
    validate.set_defaults(run=_validate)

    synth = commands.add_parser("synth", help="write the synthetic evaluation data")
    synth.add_argument("directory", nargs="?", default="evaldata")
    synth.add_argument("--seed", type=int, default=None, help="seed (default: the shipped one)")
    synth.set_defaults(run=_synth)

    report = commands.add_parser("report", help="run the notebooks and write HTML reports")
    report.add_argument("--notebooks", default="notebooks", help="directory of NN_*.ipynb")
    report.add_argument("--params", default="params", help="directory of NN_*.yaml parameter files")
    report.add_argument("--output", default="reports", help="output directory")
    report.set_defaults(run=_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    if getattr(args, "seed", 0) is None:
        from evalkit.synthetic import DEFAULT_SEED

        args.seed = DEFAULT_SEED
    try:
        return args.run(args)
    except DataError as exc:
        print(f"evalkit {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
