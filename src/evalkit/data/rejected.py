"""The rejected table: one entry per problem (file row, column, value as read, reason).

Every check of a loaded file adds the rows it rejects to one :class:`_Problems`
collector; :meth:`_Problems.frame` turns them into the ``rejected`` table of a
:class:`~evalkit.data.loading.LoadResult`. Rows are numbered as a spreadsheet shows
them (the header is line 1), values are shown as read (stripped), so a user can find
each problem in the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__: list[str] = []

_REJECTED_COLUMNS = ["row", "column", "value", "reason"]
_FIRST_DATA_LINE = 2  # the header is line 1, as a spreadsheet shows it


class _Problems:
    """Collects rejected entries as (row position, column, value, reason).

    Positions are the row labels of the file's RangeIndex (0 = first data row).
    """

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, str, np.ndarray, str]] = []

    def add(self, positions, column: str, values: pd.Series | None, reason: str) -> None:
        positions = np.asarray(positions, dtype=np.int64)
        if len(positions) == 0:
            return
        shown = (
            values.reindex(positions).astype("string").fillna("").to_numpy(dtype=object)
            if values is not None
            else np.full(len(positions), "", dtype=object)
        )
        self.parts.append((positions, column, shown, reason))

    def positions(self) -> np.ndarray:
        return np.concatenate([p[0] for p in self.parts] or [np.array([], np.int64)])

    def frame(self) -> pd.DataFrame:
        n = [len(p[0]) for p in self.parts]
        found = pd.DataFrame(
            {
                "row": self.positions() + _FIRST_DATA_LINE,
                "column": np.repeat(np.array([p[1] for p in self.parts], dtype=object), n),
                "value": np.concatenate([p[2] for p in self.parts] or [np.array([], object)]),
                "reason": np.repeat(np.array([p[3] for p in self.parts], dtype=object), n),
            }
        )
        return (
            found.astype({"row": "int64", "column": object, "value": object, "reason": object})
            .sort_values(["row", "column"], kind="stable")
            .reset_index(drop=True)[_REJECTED_COLUMNS]
        )


def _lines_text(positions: np.ndarray) -> str:
    """File lines of row positions, the first five (``"3, 7, ..."``)."""
    lines = [str(p + _FIRST_DATA_LINE) for p in positions[:5]]
    return ", ".join(lines) + (", ..." if len(positions) > 5 else "")
