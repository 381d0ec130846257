"""Whole-pipeline validation: do the reports' headline intervals cover the generator's truth?

Draws synthetic studies from evalkit's generator, each the size and design of the shipped
data (``evaldata/``: 1,500 participants, ``write_evaldata`` with a fresh seed), runs on
each the estimators of notebooks 02, 03 and 05 with the settings of ``params/*.yaml``, and
tabulates for every headline estimate the truth, the bias, the empirical SD against the
mean standard error, and the coverage of the 95% intervals with its Wilson interval.

Run (about 14 s a draw on an idle core, 85% of it notebook 03's two bootstraps)::

    PYTHONPATH=src OMP_NUM_THREADS=1 python -m validation.pipeline --draws 200 --workers 2

or share the draws out (``--bootstrap skip``: every estimate but the bootstrap ones, all
draws; ``--bootstrap only --parts comparison --first 100``: the bootstrap ones of draws
100-199) and join the draws' CSVs with ``--summarise``. ``validation/results/pipeline.md``
was made so (see its header).

The truths (:mod:`validation.truth`): per draw, the average over the people an estimate
is about of their true conditional effect (``analysed``: e.g. the trimmed comparison
sample), and super-population values from one large simulation (``population``: e.g. the
generator's ATE in Brussels, non-EU, 18-33; each programme's cumulative incidence).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import tempfile
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy.stats import norm

from evalkit.comparison import (
    adjusted_cumulative_incidence,
    bootstrap_effect,
    match,
    matched_effect,
    programme_effect,
    propensity_score,
    trim,
)
from evalkit.data import job_within, load_participants, load_questionnaire
from evalkit.data.synthetic import (
    MENTOR_FRAILTY_SD,
    simulate_costs,
    simulate_participants,
    simulate_questionnaire,
)
from evalkit.questionnaire import cronbach_alpha, load_scale, paired_change, pre_post_scores
from evalkit.survival import (
    kaplan_meier,
    restricted_mean_time,
    survival_difference,
    time_to_event,
)
from validation.truth import population_truths, sample_truths

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params"
DUO, T4J = "DUO for a JOB", "Team4Job"
#: Columns of a draw's rows (one row per estimate).
ROW_COLUMNS = ("part", "quantity", "horizon", "method", "estimate", "std_error", "ci_low",
               "ci_high", "truth_analysed", "n")


def report_settings(params: Path = PARAMS) -> dict:
    """The settings of notebooks 02, 03 and 05 from their ``params/*.yaml``."""
    def read(name):
        with open(params / name, encoding="utf-8") as f:
            return yaml.safe_load(f)

    survival = read("02_time_to_employment.yaml")
    comparison = read("03_programme_comparison.yaml")
    change = read("05_self_confidence.yaml")
    change["scale"] = load_scale(params / change["scale_path"].replace("../params/", ""))
    return {"survival": survival, "comparison": comparison, "change": change,
            "generator": {}, "frailty_sd": MENTOR_FRAILTY_SD}


def write_draw(directory: Path, seed: int, **generator) -> None:
    """Write one synthetic study as ``write_evaldata(directory, seed=seed)`` does.

    ``generator`` passes options to ``simulate_participants`` (e.g.
    ``mentor_frailty_sd=0`` for an experiment); without options the files are those of
    :func:`evalkit.data.synthetic.write_evaldata` (tested).
    """
    streams = np.random.SeedSequence(seed).spawn(3)
    participants = simulate_participants(1500, rng=np.random.default_rng(streams[0]),
                                         **generator)
    tables = {
        "participants": participants,
        "questionnaire": simulate_questionnaire(participants,
                                                rng=np.random.default_rng(streams[1])),
        "costs": simulate_costs(participants, rng=np.random.default_rng(streams[2])),
    }
    for name, table in tables.items():
        table.to_csv(directory / f"{name}.csv", index=False, date_format="%Y-%m-%d",
                     lineterminator="\n", encoding="utf-8")


def _row(part, quantity, horizon, method, estimate, se, low, high, truth=np.nan, n=np.nan):
    return dict(zip(ROW_COLUMNS, (part, quantity, horizon, method, estimate, se, low, high,
                                  truth, n), strict=True))


def survival_rows(participants: pd.DataFrame, s: dict) -> list[dict]:
    """Notebook 02: job by the horizons (Aalen–Johansen, Kaplan–Meier), RMST, RMTL(job)."""
    selected = participants[participants["programme"].isin(s["programmes"])]
    data = time_to_event(selected, exit_groups=s["exit_groups"], unit="months").data
    horizons = s["horizons_months"]
    cluster = s.get("cluster")  # mentor_id: notebook 02's cluster-robust SEs (issue 17)
    rows = []
    rates = survival_difference(data, group="programme", cause="job", horizons=horizons,
                                cluster=cluster)
    for r in rates.table.itertuples():
        rows.append(_row("survival", f"aj_job[{r.group}]", r.horizon, "aalen_johansen",
                         r.estimate, r.std_error, r.ci_low, r.ci_high))
    for r in rates.differences.itertuples():
        rows.append(_row("survival", f"aj_job_difference[{r.contrast}]", r.horizon,
                         "aalen_johansen",
                         r.estimate, r.std_error, r.ci_low, r.ci_high))
    km = kaplan_meier(data, group="programme", cause="job", cluster=cluster)
    for r in km.at(horizons).itertuples():  # failure = 1 - S: CI limits swap
        rows.append(_row("survival", f"km_job[{r.group}]", r.time, "kaplan_meier",
                         1 - r.estimate, r.std_error, 1 - r.ci_high, 1 - r.ci_low))
    for r in km.quantiles[km.quantiles["quantile"] == 0.5].itertuples():
        rows.append(_row("survival", f"km_job_median[{r.group}]", np.nan, "kaplan_meier",
                         r.estimate, np.nan, r.ci_low, r.ci_high))
    tau = s["rmst_horizon_months"]
    for cause, name in ((None, "rmst"), ("job", "rmtl_job")):
        rm = restricted_mean_time(data, horizon=tau, group="programme", cause=cause,
                                  cluster=cluster)
        for r in rm.table.itertuples():
            rows.append(_row("survival", f"{name}[{r.group}]", tau, "restricted_mean",
                             r.estimate, r.std_error, r.ci_low, r.ci_high))
        for r in rm.contrasts.itertuples():
            rows.append(_row("survival", f"{name}_{r.type}[{r.contrast}]", tau, "restricted_mean",
                             r.estimate, r.std_error, r.ci_low, r.ci_high))
    return rows


def _population(participants: pd.DataFrame, c: dict) -> pd.DataFrame:
    """Notebook 03's population: the sites, backgrounds and ages both programmes serve."""
    low, high = c["age_range"]
    keep = (participants["site"].isin(c["sites"])
            & participants["migration_background"].isin(c["migration_backgrounds"])
            & participants["age"].between(low, high))
    return participants[keep]


def _trimmed(data: pd.DataFrame, c: dict, formula: str):
    """Trim on the first propensity model (``trim_bounds``; none if null), then refit."""
    if c["trim_bounds"] is not None:
        ps_all = propensity_score(data, formula, treated=DUO)
        data = trim(data, ps_all, bounds=tuple(c["trim_bounds"])).data
    return data, propensity_score(data, formula, treated=DUO)


def _truth(frame: pd.DataFrame, truths: pd.DataFrame, key: str) -> float:
    """Average over ``frame``'s people of the true effect ``key`` (difference or ratio)."""
    part = truths.loc[frame["participant_id"]]
    if key == "risk_ratio":
        return part["binary_duo"].mean() / part["binary_team4job"].mean()
    return (part[f"{key}_duo"] - part[f"{key}_team4job"]).mean()


def _effect_tables(data, outcome, ps, c: dict, bootstrap: str) -> list:
    """(table, method suffix, people it is about) of the 12-month effects: analytic
    (``bootstrap`` "all" or "skip") and bootstrap ("all" or "only")."""
    tables = []
    if bootstrap != "only":
        effect = programme_effect(data, outcome, ps, estimand=c["estimand"],
                                  cluster=c["cluster"])
        matched = match(data, ps, caliper=c["caliper"], exact=c["exact"], rng=c["seed"])
        treated_matched = data.iloc[matched.pairs["treated_row"].to_numpy()]
        tables += [(effect.table, "", data),
                   (matched_effect(data, outcome, matched).table, "", treated_matched)]
    if bootstrap != "skip":
        boot = bootstrap_effect(data, outcome, ps, estimand=c["estimand"],
                                n_boot=c["n_boot"], cluster=c["cluster"], rng=c["seed"])
        tables.append((boot.table, "_bootstrap", data))
    return tables


def comparison_rows(participants: pd.DataFrame, c: dict, frailty_sd: float,
                    bootstrap: str = "all") -> list[dict]:
    """Notebook 03: naive, IPW, AIPW, matching and bootstrap effects at 12 months, and
    the adjusted cumulative incidence differences; with each estimate's analysed truth.

    ``bootstrap``: "all" (every estimate), "skip" (no bootstrap: the naive, IPW, AIPW
    and matching estimates) or "only" (the bootstrap ones), to run the cheap estimates
    on more draws than the bootstrap ones.
    """
    population = _population(participants, c)
    truths = sample_truths(population.set_index("participant_id"), c["curve_horizons"],
                           c["horizon_months"], frailty_sd=frailty_sd)
    formula = "programme ~ " + c["covariates"]
    binary = job_within(population, c["horizon_months"], event=c["outcome"], by="programme")
    data, ps = _trimmed(binary.data, c, formula)
    cluster = c["cluster"]
    rows = []
    h = c["horizon_months"]
    for table, suffix, who in _effect_tables(data, binary.column, ps, c, bootstrap):
        for r in table[table["measure"].isin(["risk_difference", "risk_ratio"])].itertuples():
            key = "risk_ratio" if r.measure == "risk_ratio" else "binary"
            rows.append(_row("comparison", r.measure, h, r.method + suffix, r.estimate,
                             r.std_error, r.ci_low, r.ci_high, _truth(who, truths, key),
                             len(who)))
    if bootstrap == "skip":
        return rows
    timed = time_to_event(population, unit="months").data
    timed, timed_ps = _trimmed(timed, c, formula)
    curves = adjusted_cumulative_incidence(
        timed, timed_ps, cause=c["outcome"], horizons=c["curve_horizons"],
        estimand=c["estimand"], n_boot=c["n_boot"], cluster=cluster, rng=c["seed"])
    for r in curves.table.itertuples():
        key = "rmtl" if r.measure == "rmtl_difference" else f"risk_{r.horizon:g}"
        rows.append(_row("comparison", r.measure, r.horizon, "adjusted_bootstrap", r.estimate,
                         r.std_error, r.ci_low, r.ci_high, _truth(timed, truths, key),
                         len(timed)))
    return rows


def change_rows(participants: pd.DataFrame, questionnaire: pd.DataFrame, q: dict) -> list:
    """Notebook 05: the paired change of complete pairs (mean change, d_z, d_av)."""
    scores = pre_post_scores(questionnaire, q["scale"], participants=participants)
    pre = questionnaire[questionnaire["wave"] == "pre"]
    alpha = cronbach_alpha(pre, q["scale"], conf_level=q["conf_level"])
    change = paired_change(scores.data, "score_pre", "score_post", conf_level=q["conf_level"],
                           reliability=alpha.estimate).table.set_index("term")
    rows = []
    for term in ("mean_difference", "d_z", "d_av"):
        r = change.loc[term]
        rows.append(_row("change", term, np.nan, "paired_change", r["estimate"],
                         r["std_error"], r["ci_low"], r["ci_high"], n=r["n"]))
    return rows


def run_draw(seed: int, settings: dict) -> pd.DataFrame:
    """One synthetic study: write it, load it as the notebooks do, run the three reports.

    Returns one row per estimate (:data:`ROW_COLUMNS` plus ``seed``); a part that fails
    is recorded as a row with ``quantity = "error: <type>"``.
    """
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the reports' caveats (separation, positivity)
        write_draw(Path(tmp), seed, **settings["generator"])
        participants = load_participants(Path(tmp) / "participants.csv").data
        questionnaire = load_questionnaire(Path(tmp) / "questionnaire.csv",
                                           participants=participants).data
        rows = []
        parts = (
            ("survival", lambda: survival_rows(participants, settings["survival"])),
            ("comparison", lambda: comparison_rows(participants, settings["comparison"],
                                                   settings["frailty_sd"],
                                                   settings.get("bootstrap", "all"))),
            ("change", lambda: change_rows(participants, questionnaire, settings["change"])),
        )
        for name, part in parts:
            if name not in settings.get("parts", ("survival", "comparison", "change")):
                continue
            try:
                rows += part()
            except (ValueError, np.linalg.LinAlgError, KeyError) as err:
                rows.append(_row(name, f"error: {type(err).__name__}", np.nan, "", *[np.nan] * 4))
    return pd.DataFrame(rows, columns=ROW_COLUMNS).assign(seed=seed)


def _groups(quantity: str) -> tuple[str, str | None, str]:
    """``name[A − B]`` -> (name, A, B); ``name[A]`` -> (name, A, ""); ratios use ``/``."""
    name, _, inside = quantity.partition("[")
    inside = inside.rstrip("]")
    for sep in (" − ", " / "):
        if sep in inside:
            a, b = inside.split(sep)
            return name, a, b
    return name, inside or None, ""


def _survival_truth(quantity: str, horizon: float, surv: dict) -> float:
    """The population truth of a notebook-02 estimate (by programme or a contrast)."""
    name, a, b = _groups(quantity)
    base, _, kind = name.rpartition("_")
    if kind not in ("difference", "ratio"):
        base, kind = name, None
    key = {"aj_job": f"aj_{horizon:g}", "km_job": f"km_{horizon:g}",
           "km_job_median": "km_median", "rmst": "rmst", "rmtl_job": "rmtl_job"}[base]
    if kind is None:
        return surv[a][key]
    return surv[a][key] - surv[b][key] if kind == "difference" else surv[a][key] / surv[b][key]


def population_truth(row, truths: dict) -> dict[str, float]:
    """Truths of one estimate other than the per-draw ``analysed`` one, by kind."""
    if row.part == "survival":
        return {"population": _survival_truth(row.quantity, row.horizon, truths["survival"])}
    if row.part == "change":
        return {kind: truths["change"][key][row.quantity]
                for kind, key in (("no_attrition", "full"), ("responders", "responders"))}
    c = truths["comparison"]
    key = {"risk_difference": "binary", "risk_ratio": "binary",
           "rmtl_difference": "rmtl"}.get(row.quantity, f"risk_{row.horizon:g}")
    if row.quantity == "risk_ratio":
        return {"population": c[f"{key}_duo"] / c[f"{key}_team4job"]}
    return {"population": c[f"{key}_duo"] - c[f"{key}_team4job"]}


def wilson_interval(k: int, n: int, conf_level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion ``k / n``."""
    if n == 0:
        return np.nan, np.nan
    z = norm.ppf(0.5 + conf_level / 2)
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def _summary_row(part: pd.DataFrame, truth: np.ndarray, ratio: bool) -> dict:
    """Bias, SDs, mean SE and coverage of one estimate against one truth (per draw)."""
    est = part["estimate"].to_numpy(float)
    err = est - truth
    covered = (part["ci_low"].to_numpy() <= truth) & (truth <= part["ci_high"].to_numpy())
    n = len(part)
    low, high = wilson_interval(int(covered.sum()), n)
    scale = np.log(est) if ratio else est  # ratios' SEs are of the log
    sd = np.std(scale, ddof=1) if n > 1 else np.nan
    mean_se = part["std_error"].mean()
    status = "ok" if high >= 0.93 and low <= 0.97 else ("under" if high < 0.93 else "over")
    return {"truth": np.mean(truth), "mean_estimate": est.mean(), "bias": err.mean(),
            "mcse_bias": np.std(err, ddof=1) / np.sqrt(n) if n > 1 else np.nan,
            "sd_estimate": sd, "mean_se": mean_se, "se_over_sd": mean_se / sd,
            "coverage": covered.mean(), "coverage_low": low, "coverage_high": high,
            "status": status, "n_draws": n}


def summarise(draws: pd.DataFrame, truths: dict) -> pd.DataFrame:
    """One row per estimate and truth: bias, empirical SD vs mean SE, coverage (Wilson)."""
    ok = draws[~draws["quantity"].str.startswith("error") & draws["estimate"].notna()
               & draws["ci_low"].notna()]
    keys = ["part", "quantity", "horizon", "method"]
    rows = []
    for key, part in ok.groupby(keys, sort=False, dropna=False):
        first = part.iloc[0]
        ratio = "ratio" in first["quantity"]
        kinds = population_truth(first, truths)
        if part["truth_analysed"].notna().all():
            kinds = {"analysed": part["truth_analysed"].to_numpy(float), **kinds}
        for kind, value in kinds.items():
            truth = np.broadcast_to(np.asarray(value, float), (len(part),))
            rows.append({**dict(zip(keys, key, strict=True)), "truth_kind": kind,
                         **_summary_row(part, truth, ratio)})
    table = pd.DataFrame(rows)
    failed = draws.loc[draws["quantity"].str.startswith("error"), ["part", "seed"]]
    table["n_failed"] = table["part"].map(failed.groupby("part")["seed"].nunique()).fillna(0)
    return table


#: Experiments (``--variant``): changes to the report's settings or the generator, to
#: find the cause of a coverage outside 93-97%.
VARIANTS = {
    "report": {},
    "no_trim": {"comparison": {"trim_bounds": None}},
    "no_cluster": {"comparison": {"cluster": None}},
    "greenwood": {"survival": {"cluster": None}},  # survival SEs before issue 17
    "no_frailty": {"generator": {"mentor_frailty_sd": 0.0}, "frailty_sd": 0.0},
}


def variant_settings(name: str, parts=None, n_boot: int | None = None,
                     bootstrap: str = "all") -> dict:
    """The report's settings with an experiment's changes (see :data:`VARIANTS`)."""
    settings = report_settings()
    for key, change in VARIANTS[name].items():
        if isinstance(change, dict) and key in ("survival", "comparison", "change"):
            settings[key] = {**settings[key], **change}
        else:
            settings[key] = change
    if n_boot is not None:
        settings["comparison"]["n_boot"] = n_boot
    if parts:
        settings["parts"] = tuple(parts)
    settings["bootstrap"] = bootstrap
    return settings


def draw_seeds(seed: int, draws: int, first: int = 0) -> list[int]:
    """Independent seeds of draws ``first, ..., first + draws - 1``:
    ``SeedSequence([seed, i])``'s first word (so runs can share out the draws)."""
    return [int(np.random.SeedSequence([seed, i]).generate_state(1)[0])
            for i in range(first, first + draws)]


def run_study(settings: dict, seeds: list[int], workers: int = 1,
              log: Path | None = None) -> pd.DataFrame:
    """Every draw's rows (in seed order), with ``workers`` processes.

    With ``log``, each draw's rows are appended to that CSV as it finishes, so that an
    interrupted study can still be summarised (``--summarise``).
    """
    run = partial(run_draw, settings=settings)
    frames = []

    def keep(frame):
        if log is not None:
            frame.to_csv(log, mode="a", header=not frames, index=False, float_format="%.8g")
        frames.append(frame)

    if workers <= 1:
        for seed in seeds:
            keep(run(seed))
    else:
        from multiprocessing import get_context

        with get_context("fork").Pool(workers) as pool:
            for frame in pool.imap(run, seeds, chunksize=2):
                keep(frame)
    return pd.concat(frames, ignore_index=True)


def _markdown(table: pd.DataFrame, meta: dict) -> str:
    """The readable results: settings, seeds and run time, then the table by part."""
    lines = ["# Whole-pipeline validation: results", "",
             "Generated by `python -m validation.pipeline` (conclusions: `validation/README.md`).",
             "", *[f"- {k}: {v}" for k, v in meta.items()], ""]
    cols = ["quantity", "horizon", "method", "truth_kind", "truth", "mean_estimate", "bias",
            "mcse_bias", "sd_estimate", "mean_se", "se_over_sd", "coverage", "coverage_low",
            "coverage_high", "status", "n_draws"]
    for part, rows in table.groupby("part", sort=False):
        lines += [f"## {part}", "", *_markdown_table(rows[cols]), ""]
    return "\n".join(lines)


def _markdown_table(frame: pd.DataFrame) -> list[str]:
    """A pipe table, numbers to 4 significant digits (no tabulate needed)."""
    def cell(v):
        if isinstance(v, float):
            return "" if np.isnan(v) else f"{v:.4g}"
        return str(v)

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * frame.shape[1]]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |"
              for row in frame.itertuples(index=False)]
    return lines


def main(argv: list[str] | None = None) -> pd.DataFrame:
    """Command line: ``--draws``, ``--seed``, ``--out``, ``--workers``, ``--variant``..."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--draws", type=int, default=600)
    p.add_argument("--seed", type=int, default=2025)
    p.add_argument("--first", type=int, default=0, help="index of the first draw")
    p.add_argument("--out", type=Path, default=ROOT / "validation")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--variant", default="report", choices=sorted(VARIANTS))
    p.add_argument("--parts", nargs="*", choices=["survival", "comparison", "change"])
    p.add_argument("--n-boot", type=int, default=None, help="override params' n_boot")
    p.add_argument("--bootstrap", default="all", choices=["all", "skip", "only"],
                   help="comparison: every estimate, none of the bootstrap ones, or only those")
    p.add_argument("--stem", default=None, help="file names (default pipeline_results[_variant])")
    p.add_argument("--truth-n", type=int, default=400_000)
    p.add_argument("--meta", nargs="*", default=[], metavar="KEY=VALUE",
                   help="lines added to the results' header (e.g. the draws' run time)")
    p.add_argument("--summarise", type=Path, nargs="+", default=None,
                   help="summarise the draws (CSVs) of earlier (interrupted) runs instead")
    args = p.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    start = time.perf_counter()
    settings = variant_settings(args.variant, args.parts, args.n_boot, args.bootstrap)
    truths = population_truths(args.truth_n, scale=settings["change"]["scale"],
                               n_questionnaire=args.truth_n // 2,
                               frailty_sd=settings["frailty_sd"])
    stem = args.stem or ("pipeline_results" + ("" if args.variant == "report"
                                               else f"_{args.variant}"))
    args.out.mkdir(parents=True, exist_ok=True)
    log = args.out / f"{stem}_draws.csv"
    if args.summarise is not None:
        draws = pd.concat([pd.read_csv(path) for path in args.summarise], ignore_index=True)
        args.draws = draws["seed"].nunique()
    else:
        log.unlink(missing_ok=True)
        seeds = draw_seeds(args.seed, args.draws, args.first)
        draws = run_study(settings, seeds, args.workers, log)
    table = summarise(draws, truths)
    elapsed = time.perf_counter() - start
    table.to_csv(args.out / f"{stem}.csv", index=False, float_format="%.6g")
    meta = {"variant": args.variant, "draws": args.draws,
            "seeds": f"SeedSequence([{args.seed}, i]), i < {args.draws}",
            "n_boot": settings["comparison"]["n_boot"], "workers": args.workers,
            "run time": f"{elapsed / 60:.1f} min",
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                       f"{platform.python_version()}",
            **dict(item.split("=", 1) for item in args.meta),
            "truth check (quadrature vs sampled RD 12 m)": {
                k: round(float(v), 4) for k, v in truths["check"].items()}}
    (args.out / f"{stem}.md").write_text(_markdown(table, meta), encoding="utf-8")
    print(f"{args.draws} draws in {elapsed / 60:.1f} min; {stem}.csv written", file=sys.stderr)
    return table


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
