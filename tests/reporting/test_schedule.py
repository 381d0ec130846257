"""Parts run side by side publish what a sequential run publishes (issue 18)."""

import threading
import time

import numpy as np
import pandas as pd
import pytest

from evalkit.errors import DisclosureError
from evalkit.reporting.disclosure import DisclosureLedger, PublicationSpec, publish
from evalkit.reporting.schedule import PartFailed, read_ledger, run_parts

SPEC = PublicationSpec(counts=("n",), margins=(("programme",),),
                       dimensions=("programme", "gender"))


def _table(counts):
    return pd.DataFrame({"programme": ["A"] * len(counts),
                         "gender": ["f", "m", "x"][: len(counts)], "n": counts})


def _part(tables, spec=SPEC):
    """A fake part: publishes its (population, counts) tables with the ledger file given
    (suppressed counts as -1, a refusal as its message)."""
    def run(ledger_path):
        ledger = DisclosureLedger(ledger_path)
        shown = []
        for population, counts in tables:
            try:
                shown.append(publish(_table(counts), spec=spec, ledger=ledger,
                                     population=population).table["n"].fillna(-1).tolist())
            except DisclosureError as exc:
                shown.append(str(exc))
        return shown
    return run


def _run(parts, tmp_path, jobs, first=()):
    directory = tmp_path / f"jobs{jobs}-{'-'.join(map(str, first))}"
    directory.mkdir()
    return run_parts(len(parts), lambda i, path: parts[i](path),
                     lambda i: directory / f"ledger-{i}.json", jobs=jobs, first=first)


def test_parts_of_different_populations_run_once_and_the_ledger_is_theirs_in_order(tmp_path):
    parts = [_part([("p0", [40, 25, 3])]), _part([("p1", [50, 30])]), _part([("p2", [12])])]
    results, cells, rerun = _run(parts, tmp_path, jobs=3)
    assert rerun == []
    assert results == _run(parts, tmp_path, jobs=1)[0]
    assert [dict(c)["population"] for c in cells] == ["p0"] * 3 + ["p1"] * 2 + ["p2"]


def test_a_part_that_looks_up_an_earlier_parts_cell_runs_again_with_its_ledger(tmp_path):
    # Part 0 suppresses m (secondary to x); part 1 publishes m alone: sequentially it
    # must be hidden too, which part 1 cannot know when it starts with part 0 unfinished.
    no_margin = PublicationSpec(counts=("n",), dimensions=("programme", "gender"))
    parts = [_part([("people", [40, 25, 3])]), _part([("people", [40, 25])], no_margin)]
    sequential = _run(parts, tmp_path, jobs=1)
    results, cells, rerun = _run(parts, tmp_path, jobs=2, first=[1])
    assert sequential[2] == [] and rerun == [1]
    assert results == sequential[0]
    assert results[1][0][1] == -1  # the secondary cell stays hidden in the later part
    assert cells == sequential[1]


@pytest.mark.parametrize("seed", range(6))
def test_any_order_and_number_of_jobs_gives_the_sequential_report(tmp_path, seed):
    rng = np.random.default_rng(seed)
    parts = [_part([(f"pop{rng.integers(3)}", rng.integers(1, 40, size=3).tolist())
                    for _ in range(rng.integers(1, 3))]) for _ in range(4)]
    sequential, cells, _ = _run(parts, tmp_path, jobs=1)
    for jobs, first in ((2, ()), (3, (3, 1)), (4, (2,))):
        assert _run(parts, tmp_path, jobs, first)[:2] == (sequential, cells)


def test_parts_run_at_once_up_to_jobs(tmp_path):
    running, most = [], [0]
    lock = threading.Lock()

    def part(path):
        with lock:
            running.append(1)
            most[0] = max(most[0], len(running))
        time.sleep(0.05)
        with lock:
            running.pop()
        return read_ledger(path)

    _run([part] * 4, tmp_path, jobs=2)
    assert most[0] == 2


def test_the_first_failing_part_in_order_is_reported_and_no_new_part_starts(tmp_path):
    started = []

    def part(index):
        def run(path):
            started.append(index)
            if index in (1, 2):
                raise ValueError(f"part {index} failed")
            return index
        return run

    with pytest.raises(PartFailed, match="part 1 failed") as failed:
        _run([part(i) for i in range(5)], tmp_path, jobs=1)
    assert failed.value.index == 1 and started == [0, 1]


def test_meanwhile_runs_once_in_this_thread_while_the_parts_run(tmp_path):
    calls, started = [], threading.Event()

    def part(path):
        started.set()
        time.sleep(0.05)
        return threading.current_thread().name

    def meanwhile():
        calls.append((threading.current_thread().name, started.wait(1)))

    directory = tmp_path / "m"
    directory.mkdir()
    results, _, _ = run_parts(3, lambda i, path: part(path), lambda i: directory / f"{i}.json",
                              jobs=2, meanwhile=meanwhile)
    assert calls == [(threading.current_thread().name, True)]
    assert threading.current_thread().name not in results
