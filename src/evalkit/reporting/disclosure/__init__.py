"""Statistical disclosure control: every number that leaves a notebook passes through here.

- :mod:`~evalkit.reporting.disclosure.policy`: the threshold (10; never below 5; below
  10 only with a note) and the decimals of derived statistics;
- :mod:`~evalkit.reporting.disclosure.cells`: suppression of one table (primary,
  secondary along margins, derived statistics) and rare model terms;
- :mod:`~evalkit.reporting.disclosure.publish`: the published form of a result's
  table (suppressed, rounded, curves cut where few remain at risk);
- :mod:`~evalkit.reporting.disclosure.ledger`: secondary suppression across the
  tables of a whole report.
"""

from evalkit.reporting.disclosure.cells import (
    SuppressionResult,
    rare_indicators,
    suppress_small_counts,
)
from evalkit.reporting.disclosure.ledger import DisclosureLedger
from evalkit.reporting.disclosure.policy import (
    DEFAULT_THRESHOLD,
    MINIMUM_THRESHOLD,
    PUBLICATION_DECIMALS,
    check_threshold,
    threshold_note,
)
from evalkit.reporting.disclosure.publish import (
    ACROSS_COUNTS,
    PublicationSpec,
    PublishedTable,
    at_risk_label,
    publish,
    stop_curves,
)

__all__ = [
    "ACROSS_COUNTS",
    "DEFAULT_THRESHOLD",
    "MINIMUM_THRESHOLD",
    "PUBLICATION_DECIMALS",
    "DisclosureLedger",
    "PublicationSpec",
    "PublishedTable",
    "SuppressionResult",
    "at_risk_label",
    "check_threshold",
    "publish",
    "rare_indicators",
    "stop_curves",
    "suppress_small_counts",
    "threshold_note",
]
