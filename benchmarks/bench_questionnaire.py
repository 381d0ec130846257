"""Benchmark: evalkit.questionnaire against pingouin, statsmodels, scipy and plain pandas.

Same data, same run: n people answer a 10-item, 4-point self-confidence scale
(``params/scales/rse.yaml``: five reverse-keyed items, scored as the mean of at least 8
answered items). Items are congeneric (one factor, loadings 0.45-0.85), cut into answers
1-4, reverse-keyed items stored reversed (5 - answer), about 1% of answers missing. A
wide per-person frame adds the pre score, a post score (pre + change; the change depends
on finding a job and a little on the programme), the programme ("DUO for a JOB" /
"Team4Job"), months unemployed, gender, a mentor (about 5 people per mentor) and, for
the attrition case only, a post score with ~40% missing at random (depending on job and
pre score).

Cases (evalkit function -> peers):

- score scale: ``score_scale`` vs hand-written pandas (key, row mean, minimum items);
- alpha + CI: ``cronbach_alpha`` vs ``pingouin.cronbach_alpha`` (listwise, Feldt CI);
- item analysis: ``item_analysis`` vs pandas item-rest correlations + pingouin alpha of
  each 9-item set;
- omega + bootstrap CI: ``mcdonald_omega`` (1,000 replicates) vs ONE statsmodels ML
  ``Factor`` fit (no interval);
- paired change: ``paired_change`` (t-test, d_z, d_av with CIs, Wilcoxon, reliable
  change) vs pingouin ``ttest`` + ``compute_effsize`` + scipy ``wilcoxon``;
- ANCOVA (HC3) and ANCOVA cluster: ``ancova`` vs statsmodels formula OLS (and
  ``pingouin.ancova`` for HC3, which has only classical F tests);
- attrition: ``attrition_analysis`` (complete case, IPW with sandwich SEs, MI with 20
  imputations pooled by Rubin's rules, by programme) vs a statsmodels ``GLM(Binomial)``
  response model + 20 ``MICEData`` imputations (no pooling).

For each case and size it prints the best wall time (of 3 runs, or of up to 30 for calls
of a few ms; one run for calls over 2 s), the ratio to evalkit (peer / evalkit: > 1
means evalkit is faster) and peak traced memory (tracemalloc, a separate run; not traced
above 10^5 rows for calls over 5 s). After each size: agreement of alpha, the paired
t-test and the ANCOVA coefficient with the peers. At the end: growth of each time from
the smallest to the largest size.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_questionnaire.py \\
        [--quick] [--sizes 1500 10000] [--only ANCOVA]

Default sizes 1,500 (about the shipped data), 10^4, 10^5 and 10^6. Peers (and evalkit's
omega) whose estimated time at a size, from the previous size scaled linearly, exceeds a
limit are skipped with a note: pingouin's ANCOVA above 20 s, the MICE peer above 60 s,
evalkit's omega above 120 s.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import adaptive_best, peak_mib, print_results

from evalkit.errors import EvalkitWarning
from evalkit.questionnaire import (
    ancova,
    attrition_analysis,
    cronbach_alpha,
    item_analysis,
    load_scale,
    mcdonald_omega,
    paired_change,
    score_scale,
)

SCALE = load_scale(Path(__file__).resolve().parents[1] / "params" / "scales" / "rse.yaml")
PROGRAMMES = ("DUO for a JOB", "Team4Job")
COVARIATES = ["months_unemployed", "gender"]
FORMULA = "score_post ~ score_pre + C(programme) + months_unemployed + C(gender)"
RELIABILITY = 0.85
N_BOOT = 1000
N_IMPUTATIONS = 20


def simulate(n: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Item answers (n x 10, as answered, ~1% missing) and the wide per-person frame."""
    rng = np.random.default_rng(seed)
    k = SCALE.n_items
    loadings = np.linspace(0.45, 0.85, k)
    factor = rng.normal(size=n)
    latent = factor[:, None] * loadings + rng.normal(size=(n, k)) * np.sqrt(1 - loadings**2)
    # Thresholds differ a little between items; most answers are 2-3, as on such scales.
    cuts = np.array([-1.4, -0.4, 0.7]) + rng.uniform(-0.2, 0.2, size=(k, 1))
    answers = 1.0 + (latent[:, :, None] > cuts[None, :, :]).sum(axis=2)
    complete = pd.DataFrame(answers, columns=list(SCALE.items))
    for item in SCALE.reversed:  # stored as answered: reversed items were answered reversed
        complete[item] = SCALE.response_min + SCALE.response_max - complete[item]
    items = complete.mask(rng.random((n, k)) < 0.01)

    score_pre = score_scale(complete, SCALE).scores["score"].to_numpy()
    months = rng.gamma(2.0, 6.0, n).round(1)
    gender = rng.choice(np.array(["female", "male"]), n, p=[0.45, 0.55])
    programme = rng.choice(np.array(PROGRAMMES), n)
    team = programme == PROGRAMMES[1]
    p_job = 1 / (1 + np.exp(-(-0.3 + 0.6 * (score_pre - 2.8) - 0.04 * months + 0.2 * team)))
    job = (rng.random(n) < p_job).astype(np.int64)
    change = 0.1 + 0.3 * job + 0.05 * team + rng.normal(0, 0.3, n)
    score_post = np.clip(score_pre + change, 1.0, 4.0)
    # MAR attrition: people with a job and a higher pre score answer more often (~60%).
    p_answer = 1 / (1 + np.exp(-(0.1 + 0.9 * job + 0.8 * (score_pre - 2.8) - 0.01 * months)))
    answered = rng.random(n) < p_answer
    wide = pd.DataFrame(
        {
            "score_pre": score_pre,
            "score_post": score_post,
            "programme": programme,
            "job": job,
            "months_unemployed": months,
            "gender": gender,
            "male": (gender == "male").astype(np.float64),  # numeric dummy for pingouin
            "mentor_id": rng.integers(0, max(n // 5, 2), n),
            "score_post_observed": np.where(answered, score_post, np.nan),
        }
    )
    return items, wide


def _keyed(items: pd.DataFrame) -> pd.DataFrame:
    out = items.copy()
    for item in SCALE.reversed:
        out[item] = SCALE.response_min + SCALE.response_max - out[item]
    return out


def _cases(items: pd.DataFrame, wide: pd.DataFrame):
    """(case, library, callable, note, time limit in s or None) for this data."""
    import pingouin as pg
    import statsmodels.api as sm
    import statsmodels.formula.api as smf
    from scipy import stats
    from statsmodels.imputation.mice import MICEData
    from statsmodels.multivariate.factor import Factor

    keyed = _keyed(items)  # peers get the items keyed beforehand (untimed)
    complete_rows = items.dropna()
    keyed_complete = keyed.dropna()
    pre = wide["score_pre"].to_numpy()
    post = wide["score_post"].to_numpy()
    groups = wide["mentor_id"].to_numpy()

    def pandas_score():
        k = items.copy()
        rev = list(SCALE.reversed)
        k[rev] = SCALE.response_min + SCALE.response_max - k[rev]
        answered = k.notna().sum(axis=1)
        return k.mean(axis=1).where(answered >= SCALE.min_items)

    def peer_item_analysis():
        total = keyed_complete.sum(axis=1)
        out = {}
        for c in keyed_complete.columns:
            r = keyed_complete[c].corr(total - keyed_complete[c])
            a = pg.cronbach_alpha(data=keyed_complete.drop(columns=c), ci=0.95)[0]
            out[c] = (r, a)
        return out

    def peer_paired():
        pg.ttest(post, pre, paired=True)
        pg.compute_effsize(post, pre, paired=True, eftype="cohen")
        stats.wilcoxon(post - pre)

    def peer_attrition():
        data = wide[["score_pre", "score_post_observed", "programme", "job",
                     "months_unemployed"]].rename(columns={"score_post_observed": "post"})
        data["team"] = (data.pop("programme") == PROGRAMMES[1]).astype(np.float64)
        responded = data["post"].notna().astype(np.float64)
        x = sm.add_constant(data[["score_pre", "team", "job", "months_unemployed"]])
        sm.GLM(responded, x, family=sm.families.Binomial()).fit()
        imp = MICEData(data)
        means = []
        for _ in range(N_IMPUTATIONS):
            imp.update_all()
            means.append((imp.data["post"] - imp.data["score_pre"]).mean())
        return means

    return [
        ("score scale", "evalkit", lambda: score_scale(items, SCALE), "", None),
        ("score scale", "pandas (hand-written)", pandas_score, "no range checks", None),
        ("alpha + CI", "evalkit", lambda: cronbach_alpha(items, SCALE), "", None),
        ("alpha + CI", "pingouin",
         lambda: pg.cronbach_alpha(data=keyed, nan_policy="listwise", ci=0.95),
         "listwise; items keyed beforehand", None),
        ("item analysis", "evalkit", lambda: item_analysis(items, SCALE), "", None),
        ("item analysis", "pandas + pingouin", peer_item_analysis,
         "corr with rest + 10 alphas; keyed complete rows given", None),
        ("omega + boot CI (1,000)", "evalkit",
         lambda: mcdonald_omega(complete_rows, SCALE, n_boot=N_BOOT, rng=0), "", 120.0),
        ("omega + boot CI (1,000)", "statsmodels",
         lambda: Factor(keyed_complete, n_factor=1, method="ml").fit(),
         "ONE ML Factor fit, no CI", None),
        ("paired change", "evalkit",
         lambda: paired_change(wide, "score_pre", "score_post", reliability=RELIABILITY),
         "", None),
        ("paired change", "pingouin + scipy", peer_paired,
         "ttest + compute_effsize + wilcoxon; no d CIs, no RCI", None),
        ("ANCOVA (HC3)", "evalkit",
         lambda: ancova(wide, "score_post", "score_pre", "programme", covariates=COVARIATES),
         "", None),
        ("ANCOVA (HC3)", "statsmodels",
         lambda: smf.ols(FORMULA, wide).fit(cov_type="HC3"), "formula OLS", None),
        ("ANCOVA (HC3)", "pingouin",
         lambda: pg.ancova(data=wide, dv="score_post", between="programme",
                           covar=["score_pre", "months_unemployed", "male"]),
         "classical F table, no HC3", 20.0),
        ("ANCOVA cluster", "evalkit",
         lambda: ancova(wide, "score_post", "score_pre", "programme", covariates=COVARIATES,
                        cluster="mentor_id"), "", None),
        ("ANCOVA cluster", "statsmodels",
         lambda: smf.ols(FORMULA, wide).fit(cov_type="cluster", cov_kwds={"groups": groups}),
         "formula OLS", None),
        ("attrition (CC, IPW, MI×20)", "evalkit",
         lambda: attrition_analysis(wide, "score_pre", "score_post_observed", group="programme",
                                    response_predictors=["job", "months_unemployed"],
                                    n_imputations=N_IMPUTATIONS, rng=0), "", None),
        ("attrition (CC, IPW, MI×20)", "statsmodels", peer_attrition,
         "response model + 20 MICE imputations, no pooling", 60.0),
    ]


def _agreement(items: pd.DataFrame, wide: pd.DataFrame, n: int) -> str:
    """Largest differences of evalkit's estimates from the peers' on this data."""
    import pingouin as pg
    import statsmodels.formula.api as smf
    from scipy import stats

    alpha = cronbach_alpha(items, SCALE).estimate
    alpha_pg = pg.cronbach_alpha(data=_keyed(items), nan_policy="listwise")[0]
    paired = paired_change(wide, "score_pre", "score_post").table.set_index("term")
    md = paired.loc["mean_difference"]
    tt = pg.ttest(wide["score_post"], wide["score_pre"], paired=True)
    d_t = abs(md["statistic"] - tt["T"].iloc[0])
    # pingouin rounds its CI95 to 2 decimals: compare the interval with scipy's instead
    ci = stats.ttest_rel(wide["score_post"], wide["score_pre"]).confidence_interval()
    d_ci = np.max(np.abs(np.array([md["ci_low"], md["ci_high"]]) - np.array(ci)))
    ours = ancova(wide, "score_post", "score_pre", "programme", covariates=COVARIATES)
    ref = smf.ols(FORMULA, wide).fit(cov_type="HC3")
    term = f"C(programme)[T.{PROGRAMMES[1]}]"
    row = ours.table.set_index("term").loc[f"programme[{PROGRAMMES[1]}]"]
    d_b = abs(row["estimate"] - ref.params[term])
    d_se = abs(row["std_error"] - ref.bse[term])
    return (f"agreement n={n:,d}: |alpha - pingouin| = {abs(alpha - alpha_pg):.1e}; paired "
            f"|t - pingouin T| = {d_t:.1e}, |CI - scipy ttest_rel CI| = {d_ci:.1e}; ANCOVA "
            f"programme |b - statsmodels| = {d_b:.1e}, |SE(HC3) - statsmodels| = {d_se:.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 1,500 only, one repeat")
    parser.add_argument("--sizes", type=int, nargs="*", default=None)
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    args = parser.parse_args()
    sizes = args.sizes or ([1_500] if args.quick else [1_500, 10_000, 100_000, 1_000_000])
    rows = []
    previous: dict[tuple[str, str], tuple[int, float]] = {}  # (case, lib) -> (n, seconds)
    started = time.perf_counter()
    for n in sizes:
        items, wide = simulate(n)
        big = n > 100_000
        base: dict[str, float] = {}
        for case, lib, fn, note, limit in _cases(items, wide):
            if args.only not in case:
                continue
            if limit is not None and (case, lib) in previous:
                n0, s0 = previous[(case, lib)]
                estimate = s0 * n / n0
                if estimate > limit:
                    print(f"{case:26s} n={n:>9,d} {lib:22s} skipped: ~{estimate:.0f} s "
                          f"expected (> {limit:.0f} s)", flush=True)
                    rows.append({"case": case, "n": n, "library": lib, "seconds": np.nan,
                                 "ratio_vs_evalkit": np.nan, "peak_mib": np.nan,
                                 "note": f"skipped: ~{estimate:.0f} s expected"})
                    previous[(case, lib)] = (n, estimate)
                    continue
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("ignore")  # peers' own notes (e.g. pingouin, statsmodels)
                if lib == "evalkit":  # ... but evalkit must not warn on this data
                    warnings.simplefilter("always", EvalkitWarning)
                seconds, first = adaptive_best(fn, args.quick)
                traced = not (big and first > 5)
                peak = peak_mib(fn) if traced else np.nan
            evalkit_warnings = {str(w.message)[:60] for w in caught
                                if issubclass(w.category, EvalkitWarning)}
            if evalkit_warnings:
                note = (note + " " if note else "") + "EvalkitWarning: " + "; ".join(
                    sorted(evalkit_warnings))
            if not traced:
                note = (note + " " if note else "") + "(peak not traced)"
            previous[(case, lib)] = (n, seconds)
            if lib == "evalkit":
                base[case] = seconds
            ratio = seconds / base[case] if case in base else np.nan
            rows.append({"case": case, "n": n, "library": lib, "seconds": seconds,
                         "ratio_vs_evalkit": ratio, "peak_mib": peak, "note": note})
            print(f"{case:26s} n={n:>9,d} {lib:22s} {seconds:9.4f} s  x{ratio:7.1f}"
                  f"  {peak:9.1f} MiB  {note}", flush=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            print(_agreement(items, wide, n), flush=True)
    print(f"\ntotal run time {time.perf_counter() - started:.0f} s")
    print_results(rows, sizes)


if __name__ == "__main__":
    main()
