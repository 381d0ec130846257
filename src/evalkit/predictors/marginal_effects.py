"""Average marginal effects of a logistic model, in percentage points, with delta-method SEs.

A categorical (or 0/1) variable gets one contrast per non-reference level (everyone at
the level vs everyone at the reference); a numeric variable the mean derivative. A
variable that enters only as its own main effect is handled on the design matrix
directly; one that enters other terms (interactions, transformations) through formulaic
rebuilding the design for the modified data.
"""

from __future__ import annotations

import re
from functools import partial
from typing import NamedTuple

import numpy as np
import pandas as pd

from evalkit._stats.intervals import normal_p_value
from evalkit._stats.logistic import expit

#: One average marginal effect: variable, level, reference, kind, estimate and the
#: gradient of the estimate with respect to the coefficients.
_Effect = tuple[str, str | None, str | None, str, float, np.ndarray]


class _FittedModel(NamedTuple):
    """A fitted logistic model: formulaic's spec, the model frame, the design ``x`` with
    its column ``names``, the coefficients ``beta`` and the linear predictor ``eta``."""

    spec: object
    frame: pd.DataFrame
    x: np.ndarray
    names: list[str]
    beta: np.ndarray
    eta: np.ndarray


def _average_marginal_effects(
    spec,
    frame: pd.DataFrame,
    variables: list[str],
    x: np.ndarray,
    names: list[str],
    beta: np.ndarray,
    cov: np.ndarray,
    z: float,
) -> pd.DataFrame:
    """AMEs (percentage points) by counterfactual contrasts or derivatives; delta-method SEs."""
    model = _FittedModel(spec, frame, x, names, beta, x @ beta)
    terms_of = _terms_containing(spec, variables)
    effects: list[_Effect] = []
    for v in variables:
        s = frame[v]
        categorical = isinstance(s.dtype, pd.CategoricalDtype)
        binary = not categorical and set(np.unique(s)) <= {0.0, 1.0}
        if categorical or binary:
            effects.extend(_contrasts(model, v, terms_of[v], binary))
        else:
            effects.append(_derivative(model, v, terms_of[v]))
    return _effects_table(effects, cov, z)


def _terms_containing(spec, variables: list[str]) -> dict[str, list]:
    """The model terms (structures, intercept excluded) in which each variable occurs."""
    return {
        v: [
            st
            for st in spec.structure
            if str(st.term) != "1"
            and any(re.search(rf"\b{re.escape(v)}\b", str(f)) for f in st.term.factors)
        ]
        for v in variables
    }


def _counterfactual_design(spec, frame: pd.DataFrame) -> np.ndarray:
    """The model's design matrix rebuilt by formulaic for modified data ``frame``."""
    return np.asarray(spec.get_model_matrix(frame), dtype=float)


def _contrasts(model: _FittedModel, v: str, own: list, binary: bool) -> list[_Effect]:
    """Each level of a categorical (or 1 of a 0/1 variable) vs the reference, for everyone;
    ``own`` are the terms that contain ``v``."""
    spec, frame, x, names, beta, eta = model
    s = frame[v]
    levels = [0.0, 1.0] if binary else list(s.cat.categories)
    labels = [_label(level, binary) for level in levels]
    key = [v] if binary else [f"{v}[T.{level}]" for level in levels[1:]]
    if len(own) == 1 and str(own[0].term) == v and list(own[0].columns) == key:
        cols = [names.index(c) for c in own[0].columns]
        base = x.copy()
        base[:, cols] = 0.0
        eta_base = eta - x[:, cols] @ beta[cols]
        at = partial(_at_level_by_dummies, base, eta_base, beta, cols)
    else:
        at = partial(_at_level_by_rebuilding, spec, frame, v, levels, beta, not binary)
    p0, g0 = at(0)
    effects = []
    for i in range(1, len(levels)):
        p1, g1 = at(i)
        effects.append((v, labels[i], labels[0], "contrast", p1.mean() - p0.mean(), g1 - g0))
    return effects


def _at_level_by_dummies(
    base: np.ndarray, eta_base: np.ndarray, beta: np.ndarray, cols: list[int], i: int
) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities with level ``i`` for everyone (its dummy 1, the others 0), and the
    gradient of their mean; ``base`` and ``eta_base`` are the design and linear predictor
    with the variable's dummies at 0."""
    j = cols[i - 1] if i > 0 else None
    p = expit(eta_base + (beta[j] if j is not None else 0.0))
    w = p * (1 - p)
    g = w @ base / len(base)
    if j is not None:
        g[j] = w.mean()
    return p, g


def _at_level_by_rebuilding(
    spec,
    frame: pd.DataFrame,
    v: str,
    levels: list,
    beta: np.ndarray,
    categorical: bool,
    i: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities with level ``i`` of ``v`` for everyone, and the gradient of their mean,
    through the rebuilt design (``v`` in interactions or transformations)."""
    n = len(frame)
    if categorical:
        codes = np.full(n, i, dtype=np.int32)
        value = pd.Categorical.from_codes(codes, categories=frame[v].cat.categories)
    else:
        value = np.full(n, levels[i])
    xx = _counterfactual_design(spec, frame.assign(**{v: value}))
    p = expit(xx @ beta)
    return p, (p * (1 - p)) @ xx / n


def _derivative(model: _FittedModel, v: str, own: list) -> _Effect:
    """Mean derivative of the probability with respect to a numeric variable, through all
    terms ``own`` that contain it (central differences of the rebuilt design if not a main
    effect alone)."""
    spec, frame, x, names, beta, eta = model
    n = len(frame)
    s = frame[v]
    p = expit(eta.copy())
    w = p * (1 - p)
    if len(own) == 1 and str(own[0].term) == v:
        j = names.index(own[0].columns[0])
        slope = np.full(n, beta[j])
        dx_mean = np.zeros(len(beta))
        dx_mean[j] = w.mean()
        grad = (w * (1 - 2 * p) * slope) @ x / n + dx_mean
    else:
        h = 1e-5 * (1.0 + float(np.std(s)))
        up = _counterfactual_design(spec, frame.assign(**{v: s + h}))
        down = _counterfactual_design(spec, frame.assign(**{v: s - h}))
        dx = (up - down) / (2 * h)
        slope = dx @ beta
        grad = ((w * (1 - 2 * p) * slope) @ x + w @ dx) / n
    return v, None, None, "derivative", float(np.mean(w * slope)), grad


def _effects_table(effects: list[_Effect], cov: np.ndarray, z: float) -> pd.DataFrame:
    """The effects in percentage points with delta-method SEs, z intervals and p-values."""
    est = np.array([e[4] for e in effects])
    se = np.array([np.sqrt(e[5] @ cov @ e[5]) for e in effects])
    return pd.DataFrame(
        {
            "variable": [e[0] for e in effects],
            "level": [e[1] for e in effects],
            "reference": [e[2] for e in effects],
            "kind": [e[3] for e in effects],
            "estimate": 100 * est,
            "std_error": 100 * se,
            "ci_low": 100 * (est - z * se),
            "ci_high": 100 * (est + z * se),
            "p_value": normal_p_value(est / se),
        }
    )


def _label(level: object, binary: bool) -> str:
    """A level as shown: ``0``/``1`` for a 0/1 variable, the category otherwise."""
    return f"{level:g}" if binary else str(level)
