"""Column helpers shared by the change and attrition analyses (private)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from evalkit._validation import check_numeric

__all__ = ["coded_covariates", "score_values"]


def score_values(data: pd.DataFrame, column: str) -> np.ndarray:
    """A numeric score column as floats, missing values as NaN.

    Raises ``ValueError`` if the column is not numeric (booleans are not scores).
    """
    check_numeric(data, [column], fix="pass a score column.")
    return data[column].to_numpy(dtype="float64", na_value=np.nan)


def coded_covariates(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Covariate columns of a design: numeric and boolean as float, others as 0/1 dummies.

    A categorical or text column ``c`` gives one dummy ``c[level]`` per level but its
    first (the reference).
    """
    parts = []
    for c in columns:
        s = frame[c]
        if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
            parts.append(s.astype("float64").rename(c))
        else:
            dummies = pd.get_dummies(s, prefix=c, prefix_sep="[", drop_first=True, dtype="float64")
            dummies.columns = [f"{name}]" for name in dummies.columns]
            parts.append(dummies)
    if not parts:
        return pd.DataFrame(index=frame.index)
    return pd.concat(parts, axis=1)
