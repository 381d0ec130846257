"""Work done ahead, in other threads: the next items of a sequence, a step meanwhile.

The CSV reader (:func:`evalkit.data.reading._arrow_fields`) cuts a file into pieces of
whole lines; pyarrow parses and codes the next pieces in two threads (both let go of
Python's lock) while the caller codes the previous one into numpy, so the machine's
cores share the work instead of taking turns on one.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")


def map_ahead(fn: Callable[[T], U], items: Iterable[T], *, workers: int = 2,
              depth: int = 4) -> Iterator[U]:
    """``fn(item)`` for each item, in order, made by ``workers`` threads ahead of the
    caller (at most ``depth`` results made or waiting at a time).

    ``items`` is iterated in the caller's thread. An exception of ``fn`` is raised to
    the caller at its item's place; if the caller stops early, the items not started
    are dropped and the threads end once those started are made.

    >>> list(map_ahead(lambda x: x * x, range(5)))
    [0, 1, 4, 9, 16]
    """
    items = iter(items)
    pending: deque[Future[U]] = deque()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="evalkit-ahead")
    try:
        pending.extend(pool.submit(fn, item) for item in islice(items, depth))
        while pending:
            result = pending.popleft().result()
            pending.extend(pool.submit(fn, item) for item in islice(items, 1))
            yield result
            del result
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)


def in_background(fn: Callable[[], T]) -> Future[T]:
    """``fn()`` run in another thread from now; its ``result()`` waits for it (e.g. a
    file's SHA-256, whose hashing lets go of Python's lock, while the load goes on).

    >>> in_background(lambda: 6 * 7).result()
    42
    """
    done: Future[T] = Future()

    def run() -> None:
        try:
            done.set_result(fn())
        except BaseException as exc:  # raised by result()
            done.set_exception(exc)

    threading.Thread(target=run, name="evalkit-background", daemon=True).start()
    return done
