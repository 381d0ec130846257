"""Benchmark: logistic model + 5-fold grouped CV of both learners, against the plain libraries.

At each size, on simulated participants (``evalkit.data.synthetic``; outcome: a job within
12 months; 8 intake predictors; CV grouped by mentor), times in the same run:

- logistic model: statsmodels ``smf.logit(formula).fit()`` with cluster-robust SEs (the
  plain-library way, patsy design) vs evalkit ``odds_ratios`` (same fit on a formulaic
  design, plus explicit references, AMEs with delta-method SEs, joint tests, checks);
- cross-validation: a hand-written scikit-learn loop (``GroupKFold``, the same two
  pipelines, ``predict_proba`` on each held-out fold, one AUC) vs evalkit
  ``cross_validate_models`` (5 folds, 1 repetition, no permutation importance or
  partial dependence), which adds DeLong CIs, calibration and Brier.

Both sides run with one OpenMP/BLAS thread (``threadpoolctl``): on a shared 2-core
machine, OpenMP's busy-waiting threads make histogram gradient boosting up to 100x
slower when the cores are already busy (measured: 320 s instead of 1.8 s at 2x10^4
rows), and one thread is also what ``cross_validate_models`` uses by default.

The issue's target: evalkit's logistic model + CV of both learners on 10^6 rows in
under 2 minutes (the ``evalkit total`` column).

    .venv/bin/python benchmarks/bench_predictors.py [--quick]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from evalkit.data.outcomes import job_within
from evalkit.data.schema import PARTICIPANTS
from evalkit.data.synthetic import simulate_participants
from evalkit.predictors import cross_validate_models, odds_ratios

NUMERIC = ["age", "months_unemployed", "single_parent"]
CATEGORICAL = ["gender", "education", "language_level", "migration_background", "programme"]
PREDICTORS = NUMERIC + CATEGORICAL
FORMULA = "job_within_12m ~ " + " + ".join(PREDICTORS)


def simulate(n: int) -> pd.DataFrame:
    """``n`` participants with a known 12-month outcome, typed as the loader types them.

    About 1 in 10 simulated people has too short a follow-up for the outcome, so more are
    drawn and the first ``n`` usable ones kept.
    """
    raw = simulate_participants(int(n * 1.15) + 100, rng=1)
    for column in PARTICIPANTS.columns:
        if column.kind == "category":
            raw[column.name] = pd.Categorical(raw[column.name], categories=column.allowed)
    return job_within(raw, 12).data.head(n)


def plain_sklearn_cv(data: pd.DataFrame) -> None:
    """What a careful analyst writes by hand: grouped 5-fold CV, both learners, one AUC."""
    x = data[PREDICTORS].astype({"single_parent": float} | {c: object for c in CATEGORICAL})
    y = data["job_within_12m"].to_numpy()
    linear = ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), NUMERIC),
            ("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
        ],
        sparse_threshold=0.0,
    )
    trees = ColumnTransformer(
        [
            ("num", "passthrough", NUMERIC),
            (
                "cat",
                OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan),
                CATEGORICAL,
            ),
        ]
    )
    models = [
        make_pipeline(linear, LogisticRegression(max_iter=1000)),
        make_pipeline(
            trees,
            HistGradientBoostingClassifier(
                learning_rate=0.05,
                max_iter=100,
                max_leaf_nodes=8,
                min_samples_leaf=30,
                l2_regularization=1.0,
                early_stopping=False,
                random_state=0,
                categorical_features=[False] * len(NUMERIC) + [True] * len(CATEGORICAL),
            ),
        ),
    ]
    folds = GroupKFold(n_splits=5, shuffle=True, random_state=0)
    oof = np.zeros((2, len(y)))
    # integer group codes: with string ids GroupKFold's np.isin is quadratic (30 s at 10^5)
    for train, test in folds.split(x, y, pd.factorize(data["mentor_id"])[0]):
        for i, model in enumerate(models):
            oof[i, test] = model.fit(x.iloc[train], y[train]).predict_proba(x.iloc[test])[:, 1]
    [roc_auc_score(y, p) for p in oof]


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_size(n: int) -> str:
    data = simulate(n)
    groups = pd.factorize(data["mentor_id"])[0]
    t_sm = timed(
        lambda: smf.logit(FORMULA, data).fit(
            disp=0, cov_type="cluster", cov_kwds={"groups": groups}
        )
    )
    t_or = timed(lambda: odds_ratios(data, FORMULA, cluster="mentor_id"))
    with threadpool_limits(limits=1):
        t_sk = timed(lambda: plain_sklearn_cv(data))
    t_cv = timed(
        lambda: cross_validate_models(
            data,
            "job_within_12m",
            PREDICTORS,
            fold_group="mentor_id",
            n_splits=5,
            n_repeats=1,
            n_permutations=0,
            n_partial_dependence=0,
            n_threads=1,
        )
    )
    return (
        f"{len(data):>9} {t_sm:>9.1f} {t_or:>9.1f} {t_or / t_sm:>6.2f} "
        f"{t_sk:>9.1f} {t_cv:>9.1f} {t_cv / t_sk:>6.2f} {t_or + t_cv:>9.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (smoke run)")
    args = parser.parse_args()
    sizes = [2_000, 20_000] if args.quick else [10_000, 100_000, 1_000_000]
    print(
        f"{'n':>9} {'sm logit':>9} {'odds_rat':>9} {'ratio':>6} "
        f"{'sk CV':>9} {'evalk CV':>9} {'ratio':>6} {'evalkit':>9}"
    )
    print(f"{'rows':>9} {'s':>9} {'s':>9} {'':>6} {'s':>9} {'s':>9} {'':>6} {'total s':>9}")
    run_size(1_000)  # warm-up: first-call imports and caches are not what is measured
    for n in sizes:
        print(run_size(n), flush=True)


if __name__ == "__main__":
    main()
