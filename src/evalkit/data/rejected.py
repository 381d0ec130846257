"""The rejected table: one entry per problem (file row, column, value as read, reason).

Every check of a loaded file adds the rows it rejects to one :class:`_Problems`
collector; :meth:`_Problems.frame` turns them into the ``rejected`` table of a
:class:`~evalkit.data.loading.LoadResult`. Rows are numbered by the file line they
start on (the header is line 1, as a spreadsheet shows it; a CSV row whose quoted
values hold line breaks keeps the line it starts on, and the rows below it theirs),
values are shown as read (stripped), so a user can find each problem in the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__: list[str] = []

_REJECTED_COLUMNS = ["row", "column", "value", "reason"]
_FIRST_DATA_LINE = 2  # the header is line 1, as a spreadsheet shows it


class _Problems:
    """Collects rejected entries as (row position, column, value, reason).

    Positions are the row labels of the file's RangeIndex (0 = first data row);
    ``lines`` is the file line of each position (default: position + 2). Lines that
    never became rows (malformed CSV lines) are added with :meth:`add_line`.
    """

    def __init__(self, lines: np.ndarray | None = None) -> None:
        self.parts: list[tuple[np.ndarray, str, np.ndarray, str]] = []
        self.lines = lines
        self.whole_lines: list[tuple[int, str]] = []

    def line(self, positions: np.ndarray) -> np.ndarray:
        """The file lines of row positions."""
        positions = np.asarray(positions, dtype=np.int64)
        return positions + _FIRST_DATA_LINE if self.lines is None else self.lines[positions]

    def lines_text(self, positions: np.ndarray) -> str:
        """File lines of row positions, the first five (``"3, 7, ..."``)."""
        return _lines_text(self.line(positions) - _FIRST_DATA_LINE)

    def add_line(self, line: int, reason: str) -> None:
        """Reject a file line as a whole (one that could not be read as a row)."""
        self.whole_lines.append((line, reason))

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
        whole = len(self.whole_lines)
        lines = np.array([line for line, _ in self.whole_lines], dtype=np.int64)
        found = pd.DataFrame(
            {
                "row": np.concatenate([self.line(self.positions()), lines]),
                "column": np.repeat(
                    np.array([p[1] for p in self.parts] + [""], dtype=object), [*n, whole]
                ),
                "value": np.concatenate(
                    [p[2] for p in self.parts] + [np.full(whole, "", dtype=object)]
                ),
                "reason": np.repeat(
                    np.array(
                        [p[3] for p in self.parts] + [r for _, r in self.whole_lines],
                        dtype=object,
                    ),
                    [*n, *[1] * whole],
                ),
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
