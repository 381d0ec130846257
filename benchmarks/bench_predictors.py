"""Benchmark: logistic model + grouped 5-fold CV of both learners, against plain scikit-learn.

At each size, on simulated participants (8 intake predictors, 1,000 mentor groups),
times in the same run:

- scikit-learn alone: the two pipelines fitted once on all rows (the floor);
- evalkit ``odds_ratios`` (statsmodels Logit with cluster-robust SEs and AMEs);
- evalkit ``cross_validate_models`` with 5 grouped folds, 1 repetition, no
  permutation importance (importance multiplies the cost by the number of shuffles).

    .venv/bin/python benchmarks/bench_predictors.py [--quick]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from evalkit.predictors import _pipelines, cross_validate_models, odds_ratios
from evalkit.synthetic import simulate_participants

PREDICTORS = [
    "age",
    "gender",
    "education",
    "language_level",
    "months_unemployed",
    "single_parent",
    "migration_background",
    "programme",
]


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_size(n: int) -> str:
    data = simulate_participants(n, rng=1)
    data["y"] = (
        data["exit_type"].isin(["job_permanent", "job_temporary", "self_employed"]).astype(int)
    )
    data["group"] = np.arange(n) % 1000
    x = data[PREDICTORS].astype(
        {c: object for c in PREDICTORS if c not in ("age", "months_unemployed")}
    )
    numeric = ["age", "months_unemployed"]
    categorical = [c for c in PREDICTORS if c not in numeric]
    models = _pipelines(numeric, categorical, 0)
    t_sklearn = timed(lambda: [m.fit(x, data["y"]) for m in models.values()])
    formula = "y ~ " + " + ".join(PREDICTORS)
    t_logit = timed(lambda: odds_ratios(data, formula, cluster="group"))
    t_cv = timed(
        lambda: cross_validate_models(
            data, "y", PREDICTORS, group="group", n_splits=5, n_repeats=1, n_permutations=0
        )
    )
    return f"{n:>9} {t_sklearn:>12.1f} {t_logit:>12.1f} {t_cv:>10.1f} {t_cv / t_sklearn:>6.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    args = parser.parse_args()
    sizes = [10_000] if args.quick else [10_000, 100_000, 1_000_000]
    print(f"{'n':>9} {'sklearn 1x s':>12} {'logit+AME s':>12} {'5-fold CV s':>10} {'ratio':>6}")
    for n in sizes:
        print(run_size(n))


if __name__ == "__main__":
    main()
