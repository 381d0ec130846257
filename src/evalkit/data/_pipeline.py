"""Reading ahead: the next items of an iterator made in another thread meanwhile.

The CSV reader (:func:`evalkit.data.reading._arrow_fields`) parses a file in blocks with
pyarrow and codes each block's columns; both let go of Python's lock, so with the parsing
of the next block in a thread of its own the two steps share the machine's cores
instead of taking turns on one.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")

_DONE = object()  # put after the last item


def read_ahead(items: Iterable, depth: int = 2) -> Iterator:
    """The items of ``items`` in order, each made in another thread while the caller
    uses the previous ones (at most ``depth`` waiting). An exception of the iterator is
    raised to the caller at its place; if the caller stops early, the thread stops at
    its next item.

    >>> list(read_ahead(iter(range(5))))
    [0, 1, 2, 3, 4]
    """
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        ready.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                del item
                if stop.is_set():
                    return
            ready.put((_DONE, None))
        except BaseException as exc:  # raised to the caller, in its thread
            ready.put((_DONE, exc))

    worker = threading.Thread(target=produce, name="evalkit-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item, error = ready.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
            del item
    finally:
        stop.set()
        while worker.is_alive():  # let a waiting put go through, so the thread ends
            try:
                ready.get(timeout=0.1)
            except queue.Empty:
                continue
        worker.join()


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
