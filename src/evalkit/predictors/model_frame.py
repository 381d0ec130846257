"""The logistic model's frame and design: formula, typed columns, term labels, and the
checks that refuse models which cannot be estimated (separation, collinear terms)."""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from evalkit._validation import absent_optional_hint, check_binary_outcome, check_observed


def _split_formula(formula: str) -> tuple[str, str]:
    """The outcome and the right-hand side of ``"outcome ~ terms"``."""
    if not isinstance(formula, str) or formula.count("~") != 1:
        raise ValueError(
            f"formula must be 'outcome ~ terms', but was {formula!r}; e.g. "
            "'job_within_12m ~ age + education + programme'."
        )
    lhs, rhs = (part.strip() for part in formula.split("~"))
    if not lhs or not rhs:
        raise ValueError(f"formula must have an outcome and terms, but was {formula!r}.")
    return lhs, rhs


def _formula_variables(rhs: str, data: pd.DataFrame) -> list[str]:
    """Data columns used on the right-hand side, in order of appearance."""
    from formulaic import Formula

    try:
        required = {str(v) for v in Formula(rhs).required_variables}
    except Exception as exc:  # formulaic raises several parser error types
        raise ValueError(f"cannot parse the formula terms {rhs!r}: {exc}") from exc
    missing = sorted(v for v in required if v not in data.columns)
    if missing:
        raise ValueError(
            f"formula uses {missing}, which are not columns of data; available columns are "
            f"{list(data.columns)}." + absent_optional_hint(missing)
        )
    return sorted(required, key=lambda v: m.start() if (m := re.search(rf"\b{v}\b", rhs)) else 0)


def _wrapped_in_c(rhs: str, variables: list[str]) -> set[str]:
    """The variables the formula makes categorical with ``C(x)``."""
    return {v for v in variables if re.search(rf"\bC\(\s*{re.escape(v)}\s*[,)]", rhs)}


def _as_categorical(s: pd.Series) -> pd.Series:
    """Text, boolean and categorical columns as a Categorical with only used levels."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.remove_unused_categories()
    if pd.api.types.is_bool_dtype(s.dtype):
        return pd.Series(pd.Categorical(s, categories=[False, True]), index=s.index).pipe(
            lambda c: c.cat.remove_unused_categories()
        )
    return pd.Series(pd.Categorical(s), index=s.index)


def _model_frame(
    data: pd.DataFrame,
    outcome: str,
    variables: list[str],
    reference: Mapping[str, object],
    extra: list[str],
    categorical: set[str],
) -> pd.DataFrame:
    """The columns of the model, checked, with categorical levels in reference order.

    Numeric columns become float, except those in ``categorical`` (used as ``C(x)``) or
    given a reference level, which become Categorical like text and boolean columns.
    """
    frame = data[list(dict.fromkeys([outcome, *variables, *extra]))].copy()
    _check_complete_rows(frame)
    check_binary_outcome(frame, outcome)
    if pd.api.types.is_bool_dtype(frame[outcome].dtype):
        frame[outcome] = frame[outcome].astype(float)
    unknown = sorted(set(reference) - set(variables))
    if unknown:
        raise ValueError(
            f"reference names {unknown}, which are not variables of the formula {variables}."
        )
    for v in variables:
        frame[v] = _typed_variable(frame[v], reference, categorical)
    return frame


def _check_complete_rows(frame: pd.DataFrame) -> None:
    """Raise if a column of the model has missing values (naming the columns and counts)."""
    check_observed(frame, frame.columns, fix="drop them from the formula, or check the merge "
                   "or the column mapping that should fill them.")
    nas = frame.isna().sum()
    if nas.any():
        bad = {k: int(v) for k, v in nas.items() if v}
        raise ValueError(
            f"missing values in the model's columns {bad}; logistic regression needs complete "
            "rows. Drop them explicitly (data.dropna(subset=[...])) and report how many, or "
            "impute them first."
        )


def _typed_variable(
    s: pd.Series, reference: Mapping[str, object], categorical: set[str]
) -> pd.Series:
    """A numeric column as float, or a Categorical with its reference level first."""
    v = s.name
    numeric = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
    if numeric and v not in reference and v not in categorical:
        return s.astype(float)
    cat = _as_categorical(s)
    levels = list(cat.cat.categories)
    if v not in reference:
        return cat
    level = reference[v]
    if level not in levels:
        raise ValueError(
            f"reference level {level!r} of {v!r} is not among its levels {levels} "
            "(levels nobody in the data has are left out)."
        )
    return cat.cat.reorder_categories([level] + [x for x in levels if x != level])


def _design_matrix(rhs: str, frame: pd.DataFrame):
    """formulaic's model spec, the design's column names and the design as floats;
    refuses collinear or all-zero columns."""
    from formulaic import model_matrix

    matrix = model_matrix(rhs, frame)
    names = list(matrix.columns)
    x = np.asarray(matrix, dtype=float)
    _check_rank(x, names)
    return matrix.model_spec, names, x


def _term_labels(spec, frame: pd.DataFrame) -> list[dict]:
    """``term``, ``variable``, ``level``, ``reference`` of each non-intercept column."""
    rows = []
    for structure in spec.structure:
        term = str(structure.term)
        if term == "1":
            continue
        factors = [str(f) for f in structure.term.factors]
        for column in structure.columns:
            variable, level, reference = _column_label(term, factors, column, frame)
            rows.append(
                {"term": column, "variable": variable, "level": level, "reference": reference}
            )
    return rows


def _column_label(
    term: str, factors: list[str], column: str, frame: pd.DataFrame
) -> tuple[str, str | None, str | None]:
    """The variable, level and reference level of a design column (the term itself and no
    levels unless it is a dummy of a single categorical variable)."""
    match = re.search(r"\[T\.(.*)\]$", column)
    if len(factors) != 1 or not match:
        return term, None, None
    level = match.group(1)
    name = factors[0]
    inner = re.fullmatch(r"C\((\w+)\)", name)
    base = inner.group(1) if inner else name
    if base not in frame.columns:
        return term, level, None
    s = frame[base]
    levels = (
        list(s.cat.categories) if isinstance(s.dtype, pd.CategoricalDtype) else sorted(s.unique())
    )
    return base, level, str(levels[0])


def _check_separation_cells(frame: pd.DataFrame, outcome: str, variables: list[str]) -> None:
    """Raise if a level of a categorical has only events or only non-events."""
    y = frame[outcome]
    problems = []
    for v in variables:
        if not isinstance(frame[v].dtype, pd.CategoricalDtype):
            continue
        counts = y.groupby(frame[v], observed=True).agg(["size", "sum"])
        for level, row in counts.iterrows():
            if row["sum"] in (0, row["size"]):
                problems.append(
                    f"{v} = {level!r}: {int(row['size'])} people, all with outcome "
                    f"{int(row['sum'] > 0)}"
                )
    if problems:
        raise ValueError(
            "(quasi-)complete separation: " + "; ".join(problems) + ". Its odds ratio would be 0 "
            "or infinite. Merge the level with a neighbouring one, or drop the term."
        )


def _check_rank(x: np.ndarray, names: list[str]) -> None:
    """Raise if a design column is all zero or the columns are collinear (naming them)."""
    norms = np.sqrt((x**2).sum(axis=0))
    if (norms == 0).any():
        zero = [n for n, z in zip(names, norms == 0, strict=True) if z]
        raise ValueError(f"design columns {zero} are all zero; drop these terms.")
    xs = x / norms
    gram = xs.T @ xs
    k = len(names)
    rank = np.linalg.matrix_rank(gram, hermitian=True)
    if rank < k:
        culprits = [
            names[j]
            for j in range(k)
            if np.linalg.matrix_rank(np.delete(np.delete(gram, j, 0), j, 1), hermitian=True) == rank
        ]
        raise ValueError(
            f"the design matrix has rank {rank} but {k} columns: {culprits} are collinear "
            "(one is a combination of the others, e.g. a level present only together with "
            "another term's level). Drop or merge terms."
        )
