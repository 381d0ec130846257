"""A report's parts run side by side, publishing exactly what one after the other would.

The parts of a report share one disclosure ledger
(:class:`~evalkit.reporting.disclosure.DisclosureLedger`): a cell suppressed in one part
is suppressed in every later part, and a cell published earlier is never chosen to hide
another. What a part publishes therefore depends on the parts before it, in the report's
order. :func:`run_parts` runs up to ``jobs`` parts at once and still gives, part for
part, the notebooks a sequential run would give:

- each part runs with a ledger file of its own, started with the cells of the parts
  before it that were finished and checked when it started (all of them when the parts
  run one at a time);
- when a part and every part before it have finished, its ledger is checked: if none of
  the cells it looked up and did not find in its starting ledger is a cell of an
  earlier part, every answer the ledger gave it is the answer the full ledger would have
  given, so its tables are those of a sequential run. Otherwise the part runs again,
  with the ledger of every part before it (as a sequential run would) — correct, only
  slower;
- the report's ledger (for the front page) is the checked parts' cells, in order.

Parts that publish different populations (the usual case: each analysis sample has its
own population name) never run twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

__all__ = ["PartFailed", "read_ledger", "run_parts", "write_ledger"]

Cells = dict[tuple, Any]


class PartFailed(Exception):
    """A part's run raised ``error`` (the first failing part in the report's order)."""

    def __init__(self, index: int, error: BaseException) -> None:
        super().__init__(str(error))
        self.index = index
        self.error = error


def read_ledger(path: Path) -> Cells:
    """The cells of a ledger file (cell key -> count, ``None`` when suppressed)."""
    if not path.exists():
        return {}
    entries = json.loads(path.read_text(encoding="utf-8"))
    return {tuple(tuple(pair) for pair in e["cell"]): e["n"] for e in entries}


def write_ledger(path: Path, cells: Cells) -> None:
    """Write ``cells`` in the ledger's file format."""
    entries = [{"cell": [list(p) for p in cell], "n": n} for cell, n in cells.items()]
    path.write_text(json.dumps(entries), encoding="utf-8")


def run_parts(
    count: int,
    run: Callable[[int, Path], Any],
    ledgers: Callable[[int], Path],
    *,
    jobs: int = 1,
    first: Sequence[int] = (),
    meanwhile: Callable[[], Any] | None = None,
) -> tuple[list[Any], Cells, list[int]]:
    """Run parts ``0 .. count-1`` with ``run(index, ledger_path)``, ``jobs`` at a time.

    Parameters
    ----------
    count : int
        Number of parts (their order is the report's).
    run : callable
        Runs one part with the given ledger file and returns its result.
    ledgers : callable
        The ledger file of a part (by index).
    jobs : int, default=1
        Parts run at once (threads; each part's kernel is its own process).
    first : sequence of int, default=()
        Parts to start first (e.g. the slowest of the previous run); the others follow
        in order.
    meanwhile : callable, optional
        Called once in this thread when the first parts have started (work that does
        not wait for them, e.g. reading what the front page needs).

    Returns
    -------
    results : list
        ``run``'s result per part, in order.
    cells : dict
        The report's ledger: every part's cells, as a sequential run records them.
    rerun : list of int
        Parts that ran twice because they looked up a cell of an earlier part.

    Raises
    ------
    PartFailed
        If a part raised: the first failing part in order (no new part starts after a
        failure; the running ones finish).
    """
    queue = [*dict.fromkeys(i for i in first if 0 <= i < count)]
    queue += [i for i in range(count) if i not in queue]
    state = _State(count)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        pending: dict[Future, int] = {}
        while queue or pending:
            while queue and len(pending) < max(1, jobs) and not state.failed:
                index = queue.pop(0)
                write_ledger(ledgers(index), state.merged)
                state.started_with[index] = set(state.merged)
                pending[pool.submit(run, index, ledgers(index))] = index
            if not pending:
                break
            if meanwhile is not None:
                meanwhile()
                meanwhile = None
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                try:
                    state.results[index] = future.result()
                except Exception as exc:
                    state.failed[index] = exc
            queue[:0] = state.check(ledgers)
    if state.failed:
        index = min(state.failed)
        raise PartFailed(index, state.failed[index])
    return [state.results[i] for i in range(count)], state.merged, state.rerun


class _State:
    """The results so far and the ledger of the parts checked so far (a prefix)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.results: dict[int, Any] = {}
        self.failed: dict[int, BaseException] = {}
        self.started_with: dict[int, set] = {}
        self.merged: Cells = {}
        self.checked = 0
        self.rerun: list[int] = []

    def check(self, ledgers: Callable[[int], Path]) -> list[int]:
        """Check the finished parts in order; the part to run again (first), if any."""
        while self.checked < self.count and self.checked in self.results:
            index = self.checked
            own = read_ledger(ledgers(index))
            looked_up = own.keys() - self.started_with[index]
            if looked_up & self.merged.keys():
                del self.results[index]
                self.rerun.append(index)
                return [index]
            for cell, n in own.items():
                self.merged.setdefault(cell, n)
            self.checked += 1
        return []
