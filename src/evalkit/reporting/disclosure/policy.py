"""The disclosure threshold: 10 by default, never below 5, below 10 only with a visible note.

Statistical offices publish no count of fewer than 5 to 10 people; for data about
vulnerable people evalkit takes 10. A study may lower it to 5 (a register that
publishes at 5, say), which every report then states on its front page.
"""

from __future__ import annotations

import warnings

from evalkit._validation import check_integer
from evalkit._warning_texts import warning_text
from evalkit.errors import DisclosureWarning

__all__ = [
    "DEFAULT_THRESHOLD",
    "MINIMUM_THRESHOLD",
    "PUBLICATION_DECIMALS",
    "check_threshold",
    "threshold_note",
]

#: Smallest count published by default.
DEFAULT_THRESHOLD = 10

#: No threshold below this is accepted.
MINIMUM_THRESHOLD = 5

#: Decimals of derived statistics as published: a statistic printed to six decimals
#: can give back the counts it was computed from (an SMD of a 0/1 level, a percentage
#: of a small group). Keys are the kinds of statistic; see ``publish(decimals=...)``.
PUBLICATION_DECIMALS = {"percent": 1, "proportion": 3, "smd": 2, "ratio": 2, "mean": 1}


def check_threshold(threshold: object, *, name: str = "threshold") -> int:
    """Return the disclosure threshold as ``int``: refuse below 5, warn below 10.

    Parameters
    ----------
    threshold : int
        Counts ``1 <= n < threshold`` are not published.
    name : str, default="threshold"
        The argument's name in messages (``min_count``, ``min_subgroup_size``…).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If ``threshold`` is not an integer of at least 5.

    Warns
    -----
    DisclosureWarning
        If ``threshold`` is below 10 (the report states it on its front page).

    Examples
    --------
    >>> check_threshold(10)
    10
    """
    threshold = check_integer(
        threshold,
        name=name,
        minimum=MINIMUM_THRESHOLD,
        fix=f"counts of fewer than {MINIMUM_THRESHOLD} people are never published; the "
        f"default is {DEFAULT_THRESHOLD}.",
    )
    if threshold < DEFAULT_THRESHOLD:
        warnings.warn(threshold_note(threshold), DisclosureWarning, stacklevel=3)
    return threshold


def threshold_note(threshold: int) -> str | None:
    """The note a report carries when its threshold is below the default, else ``None``.

    Examples
    --------
    >>> threshold_note(10) is None
    True
    """
    if threshold >= DEFAULT_THRESHOLD:
        return None
    return warning_text("warning.disclosure.threshold", threshold=threshold,
                        default=DEFAULT_THRESHOLD, largest=DEFAULT_THRESHOLD - 1)
