"""The two learners compared by cross-validation, and the predictor frame they are fitted on.

A penalised logistic regression (the interpretable baseline) and histogram gradient
boosting (the flexible learner), each a scikit-learn pipeline whose preprocessing is
fitted inside the training folds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _predictor_frame(
    data: pd.DataFrame, predictors: list[str]
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The predictor columns (numeric as float, the others as objects, index reset) and the
    names of the numeric and the categorical ones."""
    x = data[predictors]
    numeric, categorical = _kinds(x)
    x = x.astype({c: float for c in numeric} | {c: object for c in categorical})
    return x.reset_index(drop=True), numeric, categorical


def _kinds(x: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Numeric (and boolean) predictors and the others (categorical); refuses dates."""
    numeric = [
        c
        for c in x.columns
        if (pd.api.types.is_numeric_dtype(x[c].dtype) or pd.api.types.is_bool_dtype(x[c].dtype))
        and not isinstance(x[c].dtype, pd.CategoricalDtype)
    ]
    for c in x.columns:
        if pd.api.types.is_datetime64_any_dtype(x[c].dtype):
            raise ValueError(
                f"predictor {c!r} is a date; use a number derived from it (e.g. 'cohort', the "
                "intake year) instead."
            )
    return numeric, [c for c in x.columns if c not in numeric]


def _pipelines(numeric: list[str], categorical: list[str], seed: int) -> dict:
    """The two learners: penalised logistic regression and histogram gradient boosting."""
    return {
        "logistic": _logistic_pipeline(numeric, categorical),
        "gradient_boosting": _boosting_pipeline(numeric, categorical, seed),
    }


def _logistic_pipeline(numeric: list[str], categorical: list[str]):
    """L2-penalised (C=1) logistic regression on standardised numeric columns (median
    imputed, with missingness indicators) and one-hot categorical columns."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    linear = ColumnTransformer(
        [
            (
                "num",
                make_pipeline(
                    SimpleImputer(strategy="median", add_indicator=True), StandardScaler()
                ),
                numeric,
            ),
            ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
        ],
        sparse_threshold=0.0,
    )
    return make_pipeline(linear, LogisticRegression(C=1.0, max_iter=1000))


def _boosting_pipeline(numeric: list[str], categorical: list[str], seed: int):
    """Histogram gradient boosting (100 trees of at most 8 leaves of at least 30 people,
    learning rate 0.05) with native categorical splits and missing values."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OrdinalEncoder

    trees = ColumnTransformer(
        [
            ("num", "passthrough", numeric),
            (
                "cat",
                OrdinalEncoder(
                    handle_unknown="use_encoded_value",
                    unknown_value=np.nan,
                    encoded_missing_value=np.nan,
                ),
                categorical,
            ),
        ]
    )
    is_cat = [False] * len(numeric) + [True] * len(categorical)
    return make_pipeline(
        trees,
        HistGradientBoostingClassifier(
            learning_rate=0.05,
            max_iter=100,
            max_leaf_nodes=8,
            min_samples_leaf=30,
            l2_regularization=1.0,
            categorical_features=is_cat if any(is_cat) else None,
            early_stopping=False,
            random_state=seed,
        ),
    )
