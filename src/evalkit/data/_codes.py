"""Columns as codes into their distinct values: the loader's categoricals.

The loader reads every CSV and Parquet column as codes into its distinct values (a
pandas categorical), so that each distinct text is cleaned, parsed and converted once.
Text with many distinct values (ids) stays in pyarrow's memory (``string[pyarrow]``
categories, about a tenth of a Python string each) until the output. A CSV is coded a
block at a time (:class:`_BlockCodes`), onto one dictionary per column in order of
first appearance, so that pyarrow holds one block of it; memory that a step frees is
given back to the system (:func:`_release_memory`).
"""

from __future__ import annotations

import ctypes
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np
import pandas as pd

# Text columns with at least this many distinct values (ids) keep them in pyarrow's
# memory (``string[pyarrow]`` categories), not as a Python string each, until the output
_ARROW_TEXT = 1 << 12


def _encoded(column) -> pd.Series:
    """A pyarrow column as a pandas categorical: codes into its distinct values in order
    of first appearance, each converted once with its own type (time zones kept); nulls
    and NaN are code -1, as ``pandas.factorize`` gives them. Text with many distinct
    values (at least ``_ARROW_TEXT``: ids) stays in pyarrow's memory, as ``string``
    categories backed by pyarrow (a tenth of the memory of a Python string each)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(column, pa.ChunkedArray) and pa.types.is_dictionary(column.type):
        column = column.unify_dictionaries()  # one dictionary for all chunks
        chunks = column.chunks or [pa.array([], column.type)]
    else:  # one array, so one dictionary
        column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        chunks = [column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)]
    values = chunks[0].dictionary
    kind = np.int32 if len(values) >= 2**15 else np.int16
    codes = np.concatenate(
        [c.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(kind) for c in chunks]
    )
    del column, chunks
    text = pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
    if text and not values.null_count:
        return _text_categorical(codes, values)
    uniques = values.to_pandas()
    missing = np.flatnonzero(pd.isna(uniques).to_numpy(bool)) if len(uniques) else []
    if len(missing):  # NaN of a float column: missing, as pandas has it
        keep = np.ones(len(uniques), dtype=bool)
        keep[missing] = False
        renumber = np.append(np.cumsum(keep) - 1, -1)
        renumber[missing] = -1
        codes, uniques = renumber[codes].astype(codes.dtype), uniques[keep]
    categories = pd.Index(uniques)
    if text:
        return _categorical(codes, categories)  # distinct text: unique as pandas sees it
    if not categories.is_unique:  # e.g. 0.0 and -0.0: let pandas say which are equal
        return pd.Series(pd.Categorical(categories.take(codes, allow_fill=True)))
    return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories)))


def _codes_type(n: int) -> type:
    """The integer type pandas gives the codes of a categorical of ``n`` categories
    (codes built in it are not copied again)."""
    return np.int8 if n < 2**7 - 1 else np.int16 if n < 2**15 - 1 else np.int32


def _text_categorical(codes: np.ndarray, values) -> pd.Series:
    """Codes into distinct texts (a pyarrow array without nulls) as a categorical, the
    texts held by pyarrow if there are many (at least ``_ARROW_TEXT``: ids), else as
    Python strings."""
    if len(values) >= _ARROW_TEXT:
        return _categorical(codes, pd.Index(pd.arrays.ArrowStringArray(values)))
    return _categorical(codes, pd.Index(values.to_pandas()))


def _categorical(codes: np.ndarray, categories: pd.Index) -> pd.Series:
    """A categorical of codes into categories known to be distinct, built without
    pandas hashing them again to check (a million ids: most of the time of a load)."""
    cache = getattr(categories, "_cache", None)  # pandas' cache of is_unique
    if isinstance(cache, dict):
        cache.setdefault("is_unique", True)
    fast = getattr(pd.CategoricalDtype, "_from_fastpath", None)  # pandas >= 2.0
    dtype = fast(categories, False) if fast is not None else pd.CategoricalDtype(categories)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype, validate=False))


def _arrow_text(values) -> bool:
    """Whether values (an array, Index or Series) are text held by pyarrow (the
    categories :func:`_encoded` gives a column of ids)."""
    return isinstance(getattr(values, "array", values), pd.arrays.ArrowStringArray)


def _text_codes():
    """The type of a CSV column as pyarrow's reader codes each block: codes into the
    block's distinct texts (no string a cell)."""
    import pyarrow as pa

    return pa.dictionary(pa.int32(), pa.string())


def _coded_columns(columns: list) -> list[pd.Series]:
    """The columns read in blocks as categoricals: the blocks' codes joined
    (:class:`_BlockCodes`), and the columns of mostly distinct texts (lists of blocks)
    encoded meanwhile in other threads (pyarrow's hashing of a million ids lets go of
    Python's lock, so two id columns take the time of one on two cores)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        dense = [pool.submit(_dense, c) for c in columns if not isinstance(c, _BlockCodes)]
        out = [c.categorical() if isinstance(c, _BlockCodes) else None for c in columns]
        encoded = (future.result() for future in dense)
        return [o if o is not None else next(encoded) for o in out]


def _dense(chunks: list) -> pd.Series:
    """A column of mostly distinct texts read in blocks, encoded (:func:`_encoded`)."""
    import pyarrow as pa

    column = pa.chunked_array(chunks, _text_codes())
    chunks.clear()
    return _encoded(column)


class _BlockCodes:
    """The codes of a text column read in blocks, into its distinct values in order of
    first appearance (as pyarrow's ``unify_dictionaries`` orders them), kept in numpy
    as they come (int8 while there are few values), so that pyarrow holds one block."""

    def __init__(self) -> None:
        self.values = None  # the distinct texts so far (a pyarrow array)
        self.parts: list[np.ndarray] = []

    def append(self, cells) -> None:
        """Encode a block's cells (a pyarrow string array)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        dictionary = pa.types.is_dictionary(cells.type)  # as the CSV reader codes a block
        encoded = cells if dictionary else pc.dictionary_encode(cells)
        local = encoded.dictionary
        if self.values is None:
            self.values, where = local, np.arange(len(local))
        else:  # the block's distinct texts among those seen; new ones appended
            found = pc.index_in(local, value_set=self.values).fill_null(-1)
            where = np.array(found, dtype=np.int64)
            new = where < 0
            if new.any():
                where[new] = len(self.values) + np.arange(new.sum())
                self.values = pa.concat_arrays([self.values, local.filter(pa.array(new))])
        kind = _codes_type(len(self.values))
        self.parts.append(where.astype(kind)[encoded.indices.to_numpy()])

    def categorical(self) -> pd.Series:
        """The column as a categorical (:func:`_encoded` of the whole column)."""
        codes = np.concatenate(self.parts)
        self.parts.clear()
        return _text_categorical(codes, self.values)


def _release_memory() -> None:
    """Give the memory freed by a step of the load back to the system: what pyarrow kept
    for reuse (its freed buffers of a million texts would otherwise stay in the
    process's resident memory, where Python and numpy cannot use them) and, with glibc
    (Linux), the free pages of C's heap, where numpy's freed arrays of a million rows
    leave holes that later, smaller arrays do not fill."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None (another C library or system)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # musl, or no symbol table
        return None
