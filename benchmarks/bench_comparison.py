"""Benchmark: propensity model + IPW/AIPW with SEs, against scikit-learn and statsmodels.

At each size, on simulated data with 10 covariates, a confounded binary treatment and
a binary outcome, times in the same run:

- scikit-learn ``LogisticRegression`` (lbfgs, no penalty) fit alone, the peer to beat;
- statsmodels ``GLM`` (binomial) fit alone;
- evalkit ``propensity_score`` alone (fit to machine precision, with its SEs and
  overlap table); followed by ``programme_effect(methods=["ipw"])`` (IPW with the
  stacked sandwich SE: "+IPW"); and by ``programme_effect`` with all methods (naive,
  IPW, AIPW with its two outcome models and influence-function SE: "+all"), peak
  memory of the last;

best of three runs each (statsmodels: one), ratios to scikit-learn's fit;

then 1,000 cluster-free bootstrap replicates (refitting every model) at 10^5, and
1:1 nearest-neighbour matching without replacement (caliper 0.2 SD of the logit) at
each size (greedy in random order; no peer in these packages).

    .venv/bin/python benchmarks/bench_comparison.py [--quick]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from functools import partial

import numpy as np
import pandas as pd
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression

from evalkit.comparison import bootstrap_effect, match, programme_effect, propensity_score

K = 10


def simulate(n: int, rng: np.random.Generator) -> pd.DataFrame:
    x = rng.normal(size=(n, K))
    t = rng.random(n) < 1 / (1 + np.exp(-(x @ np.linspace(-0.5, 0.5, K))))
    y = rng.random(n) < 1 / (1 + np.exp(-(0.3 * t + x @ np.linspace(0.4, -0.4, K))))
    data = pd.DataFrame(x, columns=[f"x{i}" for i in range(K)])
    data["group"] = np.where(t, "treated", "control")
    data["y"] = y.astype(float)
    return data


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def best_of(fn, repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls (the machines are shared and noisy)."""
    return min(timed(fn)[0] for _ in range(repeat))


def run_size(n: int, rng: np.random.Generator, formula: str) -> str:
    """One row of the table: the timings, the ratios to scikit-learn and peak memory."""
    data = simulate(n, rng)
    x = data[[f"x{i}" for i in range(K)]].to_numpy()
    t = (data["group"] == "treated").to_numpy()
    t_sk = best_of(lambda: LogisticRegression(C=np.inf, max_iter=1000).fit(x, t))
    t_sm = best_of(
        lambda: sm.GLM(t.astype(float), sm.add_constant(x), family=sm.families.Binomial()).fit(),
        repeat=1,
    )
    t_ps = best_of(lambda: propensity_score(data, formula, treated="treated"))

    def ours(methods=("naive", "ipw", "aipw")):
        ps = propensity_score(data, formula, treated="treated")
        return programme_effect(data, "y", ps, estimand="ATE", methods=methods)

    t_ipw = best_of(lambda: ours(["ipw"]))
    t_ev = best_of(ours)
    tracemalloc.start()
    ours()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return (
        f"{n:>9} {t_sk:>10.3f} {t_sm:>14.3f} {t_ps:>8.3f} {t_ps / t_sk:>6.2f} "
        f"{t_ipw:>8.3f} {t_ipw / t_sk:>6.2f} {t_ev:>10.3f} {t_ev / t_sk:>6.2f} {peak:>9.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few replicates")
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    rng = np.random.default_rng(1)
    formula = "group ~ " + " + ".join(f"x{i}" for i in range(K))
    print(
        f"{'n':>9} {'sklearn s':>10} {'statsmodels s':>14} {'PS s':>8} {'ratio':>6} "
        f"{'+IPW s':>8} {'ratio':>6} {'+all s':>10} {'ratio':>6} {'peak MiB':>9}"
    )
    for n in sizes:
        print(run_size(n, rng, formula))
    n_boot = 50 if args.quick else 1000
    data = simulate(100_000, rng)
    t_boot, _ = timed(  # the propensity fit included, as every replicate refits it
        lambda: bootstrap_effect(
            data, "y", propensity_score(data, formula, treated="treated"), n_boot=n_boot, rng=0
        )
    )
    for n in sizes:
        data = simulate(n, rng)
        ps = propensity_score(data, formula, treated="treated")
        seconds, matched = timed(partial(match, data, ps, caliper=0.2, rng=0))
        print(
            f"matching without replacement, n = {n:,}: {seconds:.2f} s "
            f"({int(matched.table['n_matched'].iloc[0]):,} pairs)"
        )
    print(
        f"\nbootstrap: {n_boot} replicates (propensity + IPW + AIPW refitted) on 100,000 rows: "
        f"{t_boot:.1f} s"
    )


if __name__ == "__main__":
    main()
