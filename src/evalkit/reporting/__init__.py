"""From results to a report: disclosure control, report parameters, the report runner.

Every published number passes :mod:`evalkit.reporting.disclosure`. The parameter
checks and the runner (papermill, nbconvert) are imported on first use, so the
analysis families can use disclosure control without loading the notebook machinery.
"""

from importlib import import_module

from evalkit.reporting.disclosure import (
    DEFAULT_THRESHOLD,
    DisclosureLedger,
    PublicationSpec,
    PublishedTable,
    SuppressionResult,
    check_threshold,
    publish,
    rare_indicators,
    suppress_small_counts,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "DisclosureLedger",
    "PublicationSpec",
    "PublishedTable",
    "Report",
    "SuppressionResult",
    "check_threshold",
    "load_params",
    "notebook_parameters",
    "publish",
    "rare_indicators",
    "run_report",
    "run_reports",
    "suppress_small_counts",
]

_LAZY = {
    "load_params": "params",
    "notebook_parameters": "params",
    "Report": "runner",
    "run_report": "runner",
    "run_reports": "runner",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f"evalkit.reporting.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'evalkit.reporting' has no attribute {name!r}")
