"""Design matrices and outcomes of the comparison models (private).

:func:`formula_design` turns a ``group ~ covariates`` formula into the response name and
the design matrix of the propensity model (and, with a dummy response, of the outcome
models); :func:`outcome_values` reads an outcome column as floats.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalkit._stats.formula import model_matrix

__all__ = ["ESTIMANDS", "formula_design", "nonzero_columns", "outcome_values"]

#: The populations an adjusted effect can target: everyone, the treated, the overlap.
ESTIMANDS = ("ATE", "ATT", "ATO")


def formula_design(data: pd.DataFrame, formula: str) -> tuple[str, np.ndarray, list[str]]:
    """Response name, design matrix and term names of a ``group ~ covariates`` formula.

    Columns that are zero for everyone (levels of a categorical that nobody in the data
    has: pandas keeps unused categories) carry no information and are left out.
    Raises ``ValueError`` unless the formula has a right-hand side.
    """
    if not isinstance(formula, str) or not formula.partition("~")[2].strip():
        raise ValueError(
            f"formula must be 'group ~ covariates', but was {formula!r}; e.g. "
            "'programme ~ age + C(education)'."
        )
    lhs, _, rhs = formula.partition("~")
    x, names = model_matrix(data, rhs)
    used = nonzero_columns(x)
    if used.all():
        return lhs.strip(), x, names
    return lhs.strip(), x[:, used], [t for t, u in zip(names, used, strict=True) if u]


def nonzero_columns(x: np.ndarray) -> np.ndarray:
    """Whether each column of ``x`` has an entry other than 0.

    Only the columns whose first entry is 0 (dummies, say) are scanned.
    """
    used = x[0] != 0 if len(x) else np.zeros(x.shape[1], dtype=bool)
    for j in np.flatnonzero(~used):
        used[j] = np.any(x[:, j] != 0)
    return used


def outcome_values(data: pd.DataFrame, outcome: str) -> tuple[np.ndarray, bool]:
    """The outcome as floats, and whether it is binary (0/1); raises on missing values."""
    values = data[outcome]
    if values.isna().any():
        rows = data.index[values.isna()][:5].tolist()
        raise ValueError(
            f"outcome {outcome!r} is missing in rows {rows}; define the outcome for everyone "
            "(evalkit.data.outcomes.job_within drops people followed for less than the horizon, "
            "and reports how many)."
        )
    if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
        raise ValueError(
            f"outcome {outcome!r} must be numeric or boolean (0/1 for a risk), but has dtype "
            f"{values.dtype}; convert it, e.g. (data[{outcome!r}] == 'yes').astype(float)."
        )
    y = values.to_numpy(dtype=float)
    return y, bool(np.isin(y, (0.0, 1.0)).all())
