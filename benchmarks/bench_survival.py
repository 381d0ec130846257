"""Benchmark: evalkit.survival against lifelines, statsmodels and scikit-survival.

Same data, same run: n participants with tied daily durations (0–730 days), three
competing exits plus censoring, two groups and ten covariates. For each case and size
it prints the best wall time (of 3 runs, or of up to 30 for calls of a few ms), the
ratio to evalkit (peer / evalkit: > 1 means evalkit is faster), peak traced memory
(tracemalloc, a separate run) and, for Cox, the largest coefficient difference from
statsmodels. At the end: growth of each time from the smallest to the largest size.

    .venv/bin/python benchmarks/bench_survival.py [--quick] [--sizes 10000 100000] [--only Cox]

Peers that are too slow or too large at a size are skipped with a note (lifelines'
Cox above 10^5; scikit-survival's Aalen–Johansen is O(T²) in distinct times, which is
fine here with 731 distinct days but asks for ~224 GiB at 10^5 untied times).
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd
from _timing import adaptive_best, peak_mib, print_results

from evalkit.survival import (
    cox_model,
    cumulative_incidence,
    kaplan_meier,
    logrank_test,
    restricted_mean_time,
)

COVARIATES = [f"x{i}" for i in range(10)]


def simulate(n: int, seed: int = 1) -> pd.DataFrame:
    """Tied daily durations with 3 competing exits, 2 groups, 10 covariates."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 10))
    group = rng.integers(0, 2, n)
    eta = x @ np.linspace(-0.2, 0.2, 10) + 0.2 * group
    rates = np.array([1 / 250, 1 / 500, 1 / 900])
    t_causes = rng.exponential(1 / (rates[None, :] * np.exp(eta)[:, None]))
    cause = t_causes.argmin(axis=1) + 1
    t = t_causes.min(axis=1)
    c = rng.uniform(0, 900, n)
    observed = (t <= c) & (t <= 730)
    days = np.minimum(np.floor(np.minimum(t, c)), 730)
    df = pd.DataFrame(x, columns=COVARIATES)
    df["time"] = days
    df["cause"] = np.where(observed, cause, 0)
    df["event"] = (df["cause"] > 0).astype(np.int64)
    df["group"] = group
    return df


def _cases(df: pd.DataFrame, n: int, big: bool):
    """(case, library, callable, note) for this data."""
    from lifelines import AalenJohansenFitter, CoxPHFitter, KaplanMeierFitter
    from lifelines.statistics import logrank_test as ll_logrank
    from lifelines.utils import restricted_mean_survival_time
    from sksurv.nonparametric import (
        cumulative_incidence_competing_risks,
        kaplan_meier_estimator,
    )
    from statsmodels.duration.hazard_regression import PHReg
    from statsmodels.duration.survfunc import SurvfuncRight, survdiff

    t = df["time"].to_numpy()
    e = df["event"].to_numpy()
    c = df["cause"].to_numpy()
    g = df["group"].to_numpy()
    x = df[COVARIATES].to_numpy()
    formula = " + ".join(COVARIATES)

    def ll_aj():
        for k in (1, 2, 3):
            AalenJohansenFitter(calculate_variance=True, seed=0).fit(t, c, event_of_interest=k)

    def ll_rmst():
        kmf = KaplanMeierFitter().fit(t, e)
        restricted_mean_survival_time(kmf, t=365, return_variance=True)

    cases = [
        ("KM + CI", "evalkit", lambda: kaplan_meier(df, "time", "event"), ""),
        ("KM + CI", "statsmodels", lambda: SurvfuncRight(t, e), "SurvfuncRight"),
        ("KM + CI", "lifelines", lambda: KaplanMeierFitter().fit(t, e), ""),
        ("KM + CI", "scikit-survival",
         lambda: kaplan_meier_estimator(e.astype(bool), t, conf_type="log-log"), ""),
        ("AJ 3 exits + CI", "evalkit", lambda: cumulative_incidence(df, "time", "cause"), ""),
        ("AJ 3 exits + CI", "lifelines", ll_aj, "3 fits; jitters ties (inexact)"),
        ("AJ 3 exits + CI", "scikit-survival",
         lambda: cumulative_incidence_competing_risks(c, t, conf_type="log-log"),
         "O(T²) memory in distinct times"),
        ("log-rank", "evalkit", lambda: logrank_test(df, "time", "event", group="group"), ""),
        ("log-rank", "statsmodels", lambda: survdiff(t, e, g), "survdiff"),
        ("log-rank", "lifelines", lambda: ll_logrank(t[g == 0], t[g == 1], e[g == 0], e[g == 1]),
         ""),
        ("RMST τ=365 + var", "evalkit",
         lambda: restricted_mean_time(df, "time", "event", horizon=365), ""),
        ("RMST τ=365 + var", "lifelines", ll_rmst, "variance formula wrong"),
        ("Cox Efron p=10", "evalkit", lambda: cox_model(df, "time", "event", formula), ""),
        ("Cox Efron p=10", "statsmodels",
         lambda: PHReg(t, x, status=e, ties="efron").fit(), "PHReg"),
    ]
    if not big:
        cases.append(("Cox Efron p=10", "lifelines",
                      lambda: CoxPHFitter().fit(df[[*COVARIATES, "time", "event"]], "time",
                                                "event"), ""))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repeat")
    parser.add_argument("--sizes", type=int, nargs="*", default=None)
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    args = parser.parse_args()
    sizes = args.sizes or ([2_000] if args.quick else [10_000, 100_000, 1_000_000])
    rows = []
    for n in sizes:
        df = simulate(n)
        big = n > 100_000
        base = {}
        for case, lib, fn, note in _cases(df, n, big):
            if args.only not in case:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # peers' own notes (e.g. lifelines' jitter)
                seconds, first = adaptive_best(fn, args.quick)
                peak = peak_mib(fn) if not (big and first > 5) else np.nan
            if lib == "evalkit":
                base[case] = seconds
            rows.append({"case": case, "n": n, "library": lib, "seconds": seconds,
                         "ratio_vs_evalkit": seconds / base[case], "peak_mib": peak,
                         "note": note if not (big and first > 5) else note + " (peak not traced)"})
            print(f"{case:18s} n={n:>9,d} {lib:16s} {seconds:9.4f} s  x{seconds / base[case]:7.1f}"
                  f"  {peak:9.1f} MiB  {rows[-1]['note']}", flush=True)
        # identical estimates: Cox coefficients vs statsmodels
        from statsmodels.duration.hazard_regression import PHReg

        ours = cox_model(df, "time", "event", " + ".join(COVARIATES)).table["log_hr"].to_numpy()
        ref = PHReg(df["time"], df[COVARIATES].to_numpy(), status=df["event"], ties="efron").fit()
        print(f"Cox n={n:,d}: max |beta_evalkit - beta_statsmodels| = "
              f"{np.max(np.abs(ours - ref.params)):.2e}")
    print_results(rows, sizes)


if __name__ == "__main__":
    main()
