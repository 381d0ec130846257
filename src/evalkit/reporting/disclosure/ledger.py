"""Secondary suppression across a whole report: the ledger of published cells.

Suppressing a table on its own is not enough: a cell hidden in Table 1 comes back if a
later table of the report publishes the cell it was paired with (its secondary cell),
and a later table's secondary cell is no protection if that cell was printed earlier.
The ledger remembers every count cell a report has published or suppressed — by
population, count column and the values of the table's dimension columns, never by
person — and :func:`~evalkit.reporting.disclosure.publish` consults it:

- a cell suppressed anywhere in the report is suppressed everywhere;
- a cell published anywhere is never chosen to hide another (it protects nothing);
- one cell with two different counts means one population name was given to two
  different sets of people, which is refused.

The report runner keeps one ledger file per report in its build directory, so the parts
(separate notebooks) share it; it holds aggregate counts only and is not published.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from evalkit.errors import DisclosureError

__all__ = ["DisclosureLedger"]

Cell = tuple[tuple[str, str], ...]


class DisclosureLedger:
    """The count cells a report has published (value) or suppressed (no value).

    Parameters
    ----------
    path : str or Path, optional
        JSON file that keeps the ledger between the parts of a report; read if it
        exists, written after every :meth:`record`. Without it the ledger lives in
        memory (one notebook).

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.reporting.disclosure import PublicationSpec, publish
    >>> ledger = DisclosureLedger()
    >>> spec = PublicationSpec(counts=("n",), margins=(("programme",),),
    ...                        dimensions=("programme", "gender"))
    >>> table_one = pd.DataFrame({"programme": ["A"] * 3, "gender": ["f", "m", "x"],
    ...                           "n": [40, 25, 3]})
    >>> publish(table_one, spec=spec, ledger=ledger).table["suppression"].tolist()
    ['', 'secondary', 'primary']
    >>> later = pd.DataFrame({"programme": ["A"], "gender": ["m"], "n": [25]})
    >>> publish(later, spec=spec, ledger=ledger).table["n"].isna().tolist()
    [True]
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = None if path is None else Path(path)
        self._cells: dict[Cell, float | None] = {}
        if self.path is not None and self.path.exists():
            for entry in json.loads(self.path.read_text(encoding="utf-8")):
                self._cells[tuple(tuple(pair) for pair in entry["cell"])] = entry["n"]

    def __len__(self) -> int:
        return len(self._cells)

    def status(self, cells: Sequence[Cell]) -> tuple[np.ndarray, np.ndarray]:
        """Which ``cells`` are suppressed elsewhere (hide them) and published (locked)."""
        known = [c in self._cells for c in cells]
        hidden = np.array([k and self._cells[c] is None for k, c in zip(known, cells, strict=True)])
        locked = np.array(known) & ~hidden
        return hidden.astype(bool), locked.astype(bool)

    def record(self, cells: Sequence[Cell], counts: pd.DataFrame, statuses: pd.DataFrame) -> None:
        """Add a published table's cells (in the order of ``publish``'s long form)."""
        values = np.concatenate([counts[c].to_numpy(dtype=float) for c in counts.columns])
        hidden = np.concatenate([statuses[c].to_numpy() != "" for c in statuses.columns])
        for cell, value, is_hidden in zip(cells, values, hidden, strict=True):
            new = None if is_hidden else float(value)
            old = self._cells.setdefault(cell, new)
            if old is not None and new is not None and old != new:
                raise DisclosureError(
                    f"the ledger already holds cell {dict(cell)} with another count: one "
                    "population name is used for two different sets of people; give each "
                    "analysis sample its own population name."
                )
        self._save()

    def _save(self) -> None:
        if self.path is None:
            return
        entries = [{"cell": [list(p) for p in cell], "n": n} for cell, n in self._cells.items()]
        self.path.write_text(json.dumps(entries), encoding="utf-8")
