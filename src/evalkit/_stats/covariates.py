"""Covariate columns as numbers: numeric as they are, booleans and levels as 0/1 (private).

Shared by the SMDs of :mod:`evalkit.descriptives.smd` and the cobalt-style balance
statistics of :mod:`evalkit.comparison.balance`, so both expand a table the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = ["indicator_columns"]


def indicator_columns(
    data: pd.DataFrame, columns: Sequence[str]
) -> list[tuple[str, object, str, pd.Series]]:
    """Expand each column into (variable, level, kind, numeric series) tuples.

    Numeric columns stay as they are (``level`` is ``None``); booleans become 0/1
    (``level`` is ``True``);
    categorical and text columns become one 0/1 indicator per level.
    """
    out: list[tuple[str, object, str, pd.Series]] = []
    for column in columns:
        s = data[column]
        if pd.api.types.is_bool_dtype(s.dtype):
            out.append((column, True, "binary", s.astype("float64")))
        elif pd.api.types.is_numeric_dtype(s.dtype):
            out.append((column, None, "continuous", s.astype("float64")))
        else:
            levels = (
                list(s.cat.categories)
                if isinstance(s.dtype, pd.CategoricalDtype)
                else sorted(s.dropna().unique().tolist())
            )
            missing = s.isna()
            for level in levels:
                ind = (s == level).astype("float64").mask(missing)
                out.append((column, level, "binary", ind))
    return out
