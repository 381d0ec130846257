"""Sentences generated from published results: a part's findings and the executive summary.

A report never states a result in a hand-written sentence: a notebook displays a
:class:`Finding` made by one of the functions below from a *published* table (after
disclosure control), so the words, the number and its confidence interval always
agree, in the report's language. Each finding is displayed with its sentence in the
output's metadata (``{"evalkit": {"finding": ...}}``); the report's builder collects
them, in order, into the executive summary of the front page.

The sentences say what the interval allows one to conclude ("the interval excludes
no difference" or "cannot be told apart from no difference"), never more.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evalkit._validation import check_one_of
from evalkit.reporting.catalogue import column_label, text, translate, value_label
from evalkit.reporting.disclosure import PublishedTable
from evalkit.reporting.format import (
    NUMERALS,
    format_date,
    format_interval,
    format_level,
    format_money,
    format_number,
    format_percent,
    format_points,
)

__all__ = [
    "Finding",
    "acceptability_finding",
    "change_finding",
    "difference_finding",
    "effect_finding",
    "estimate_finding",
    "icer_finding",
    "largest_difference_finding",
    "plan_finding",
    "post_due_finding",
    "rate_findings",
    "sensitivity_finding",
    "summary_findings",
]

#: The key of a finding in a displayed output's metadata.
METADATA_KEY = "evalkit"


@dataclass(frozen=True)
class Finding:
    """One generated sentence of a report.

    Attributes
    ----------
    key : str
        What it states (``"rate"``, ``"difference"``, ``"effect"``, ``"change"``,
        ``"estimate"``).
    sentence : str
        The sentence, in the report's language, numbers formatted as in its tables.
    headline : bool
        Whether it belongs in the executive summary.
    """

    key: str
    sentence: str
    headline: bool = True

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"text/html": f'<p class="ek-finding">{html.escape(self.sentence)}</p>',
                "text/plain": self.sentence}
        meta = {METADATA_KEY: {"finding": self.sentence, "key": self.key,
                               "headline": self.headline}}
        return data, meta

    def __str__(self) -> str:
        return self.sentence

    def __repr__(self) -> str:
        return self.sentence


def _rows(published: PublishedTable | pd.DataFrame) -> pd.DataFrame:
    if isinstance(published, PublishedTable):
        return published.table
    if isinstance(published, pd.DataFrame):
        return published
    raise TypeError(
        f"a finding is made from a published table (publish(result, ...)), got "
        f"{type(published).__name__}; publish the result first."
    )


def _shown(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _reading(low: float, high: float, null: float, language: str, what: str = "") -> str:
    excludes = low > null or high < null
    return text(f"finding.{'excludes' if excludes else 'includes'}{what}", language)


def _level(conf_level: float, language: str) -> str:
    return format_level(conf_level, language)


def rate_findings(
    published: PublishedTable | pd.DataFrame,
    horizon: float,
    *,
    outcome: str = "job",
    conf_level: float = 0.95,
    language: str = "en",
) -> list[Finding]:
    """One sentence per group: the share with ``outcome`` by ``horizon``, with its CI.

    Parameters
    ----------
    published : PublishedTable or pandas.DataFrame
        ``publish(survival_difference(...))`` (columns ``group``, ``horizon``,
        ``estimate``, ``ci_low``, ``ci_high``): proportions.
    horizon : float
        The horizon (months) the sentences are about.
    outcome : {"job", "positive"}, default="job"
        What the proportion counts ("found work" or "had a positive exit").
    conf_level : float, default=0.95
        The level of the intervals.
    language : str, default="en"

    Returns
    -------
    list of Finding
        In the order of the groups; a group whose share was not published (too few
        people) says so.

    Raises
    ------
    TypeError
        If ``published`` is a result, not a published table.
    ValueError
        If ``outcome`` or ``language`` is not allowed.

    Examples
    --------
    >>> t = pd.DataFrame({"group": ["A"], "horizon": [12.0], "estimate": [0.48],
    ...                   "ci_low": [0.44], "ci_high": [0.52]})
    >>> rate_findings(t, 12)
    [Within 12 months, 48.0% (95% CI 44.0–52.0%) of A participants found work.]
    """
    check_one_of(outcome, ("job", "positive"), name="outcome")
    rows = _rows(published)
    rows = rows[rows["horizon"] == horizon]
    found = []
    for row in rows.itertuples(index=False):
        values = {"horizon": format_number(horizon, 0, language), "group": row.group,
                  "level": _level(conf_level, language)}
        if _shown(row.estimate):
            sentence = text(f"finding.rate_{outcome}", language, **values,
                            estimate=format_percent(row.estimate, proportion=True,
                                                    language=language),
                            ci=format_interval(row.ci_low, row.ci_high, "proportion",
                                               language=language))
        else:
            sentence = text(f"finding.rate_{outcome}_hidden", language, **values)
        found.append(Finding("rate", sentence))
    return found


def difference_finding(
    published: PublishedTable | pd.DataFrame,
    horizon: float,
    *,
    conf_level: float = 0.95,
    adjusted: bool = False,
    language: str = "en",
) -> Finding:
    """The difference between two groups' shares at ``horizon`` and what its CI allows.

    Parameters
    ----------
    published : PublishedTable or pandas.DataFrame
        ``publish(survival_difference(...), "differences")`` (columns ``contrast``,
        ``horizon``, ``estimate``, ``ci_low``, ``ci_high``): differences of proportions.
    horizon : float
        The horizon (months).
    conf_level : float, default=0.95
    adjusted : bool, default=False
        Whether the difference is adjusted (the sentence says "unadjusted" otherwise).
    language : str, default="en"

    Returns
    -------
    Finding

    Raises
    ------
    TypeError
        If ``published`` is a result, not a published table.
    ValueError
        If no row is at ``horizon``.

    Examples
    --------
    >>> t = pd.DataFrame({"contrast": ["B − A"], "horizon": [12.0], "estimate": [-0.053],
    ...                   "ci_low": [-0.105], "ci_high": [-0.002]})
    >>> difference_finding(t, 12)  # doctest: +NORMALIZE_WHITESPACE
    At 12 months, the unadjusted difference in the share with a job (B − A) is −5.3 pp
    (95% CI −10.5 to −0.2 pp): the interval rules out no difference.
    """
    rows = _rows(published)
    rows = rows[rows["horizon"] == horizon]
    if rows.empty:
        raise ValueError(f"no difference at horizon {horizon:g}; use a horizon of the table.")
    row = rows.iloc[0]
    if not _shown(row["estimate"]):
        return Finding("difference", text("finding.hidden", language))
    return Finding("difference", text(
        "finding.difference_adjusted" if adjusted else "finding.difference", language,
        horizon=format_number(horizon, 0, language), contrast=row["contrast"],
        level=_level(conf_level, language), estimate=_points(row["estimate"], language),
        ci=format_interval(row["ci_low"], row["ci_high"], "points", language=language),
        reading=_reading(row["ci_low"], row["ci_high"], 0.0, language)))


def _among(population: str, sentence: str, language: str) -> str:
    """``sentence`` said of ``population``: after the colon, French and Dutch go on in
    lower case (English keeps its capital, as before)."""
    if language != "en":
        sentence = sentence[:1].lower() + sentence[1:]
    return text("finding.among", language, population=population, sentence=sentence)


def _points(value: float, language: str) -> str:
    return format_points(value, 1, signed=True, language=language)


def effect_finding(
    published: PublishedTable | pd.DataFrame,
    *,
    method: str,
    treated: str,
    comparison: str,
    horizon: float,
    population: str | None = None,
    conf_level: float = 0.95,
    language: str = "en",
) -> Finding:
    """The adjusted risk difference of one method, in words, with its CI.

    Parameters
    ----------
    published : PublishedTable or pandas.DataFrame
        ``publish(combine_effects([...]))`` (columns ``method``, ``measure``,
        ``estimate``, ``ci_low``, ``ci_high``).
    method : str
        The row to state (``"aipw"``).
    treated, comparison : str
        The programme and the one it is compared with.
    horizon : float
        The outcome's horizon (months).
    population : str, optional
        For whom the effect holds (``"Brussels, 18–33, non-EU"``), named in the sentence.
    conf_level : float, default=0.95
    language : str, default="en"

    Returns
    -------
    Finding

    Raises
    ------
    TypeError
        If ``published`` is a result, not a published table.
    ValueError
        If the table has no risk difference for ``method``.

    Examples
    --------
    >>> t = pd.DataFrame({"method": ["aipw"], "measure": ["risk_difference"],
    ...                   "estimate": [0.118], "ci_low": [0.021], "ci_high": [0.215]})
    >>> f = effect_finding(t, method="aipw", treated="A", comparison="B", horizon=12)
    >>> f  # doctest: +NORMALIZE_WHITESPACE
    Enrolling in A rather than B changed the share with a job within 12 months by +11.8 pp
    (95% CI 2.1–21.5 pp; doubly robust (AIPW)): the interval rules out no difference.
    """
    rows = _rows(published)
    rows = rows[(rows["method"] == method) & (rows["measure"] == "risk_difference")]
    if rows.empty:
        raise ValueError(f"the effect table has no risk difference for method {method!r}; "
                         "use a method of its 'method' column.")
    row = rows.iloc[0]
    if not _shown(row["estimate"]):
        return Finding("effect", text("finding.hidden", language))
    sentence = text(
        "finding.effect", language, treated=treated, comparison=comparison,
        horizon=format_number(horizon, 0, language), estimate=_points(row["estimate"], language),
        level=_level(conf_level, language), method=value_label(method, language),
        ci=format_interval(row["ci_low"], row["ci_high"], "points", language=language),
        reading=_reading(row["ci_low"], row["ci_high"], 0.0, language))
    if population:
        sentence = _among(population, sentence, language)
    return Finding("effect", sentence)


def change_finding(
    published: PublishedTable | pd.DataFrame,
    *,
    scale: str,
    conf_level: float = 0.95,
    language: str = "en",
) -> Finding:
    """The mean change of a paired pre/post score, in words, with its CI.

    Parameters
    ----------
    published : PublishedTable or pandas.DataFrame
        ``publish(paired_change(...))`` (rows ``term``: ``mean_difference``).
    scale : str
        The scale's name (its catalogue label when it has one; ``_`` read as spaces).
    conf_level : float, default=0.95
    language : str, default="en"

    Returns
    -------
    Finding

    Raises
    ------
    TypeError
        If ``published`` is a result, not a published table.
    ValueError
        If the table has no ``mean_difference`` row.

    Examples
    --------
    >>> t = pd.DataFrame({"term": ["mean_difference"], "estimate": [0.26], "ci_low": [0.231],
    ...                   "ci_high": [0.289], "n": [793.0]})
    >>> change_finding(t, scale="self-confidence")  # doctest: +NORMALIZE_WHITESPACE
    Among the 793 participants who answered both questionnaires, the mean self-confidence
    score changed by +0.26 points (95% CI 0.23–0.29) during the programme: the interval
    rules out no change.
    """
    rows = _rows(published)
    rows = rows[rows["term"] == "mean_difference"]
    if rows.empty:
        raise ValueError("the table has no 'mean_difference' row; pass "
                         "publish(paired_change(...)).")
    row = rows.iloc[0]
    if not _shown(row["estimate"]) or not _shown(row["n"]):
        return Finding("change", text("finding.hidden", language))
    sign = "+" if row["estimate"] > 0 else ""
    return Finding("change", text(
        "finding.change", language, n=format_number(row["n"], 0, language),
        scale=column_label(scale, language).replace("_", " "),
        estimate=sign + format_number(row["estimate"], 2, language),
        level=_level(conf_level, language),
        ci=format_interval(row["ci_low"], row["ci_high"], language=language),
        reading=_reading(row["ci_low"], row["ci_high"], 0.0, language, "_change")))


def estimate_finding(
    published: PublishedTable | pd.DataFrame,
    *,
    label_column: str,
    labels: dict[str, str] | None = None,
    what: str,
    decimals: int = 2,
    conf_level: float = 0.95,
    language: str = "en",
) -> Finding:
    """Several estimates of one quantity side by side, and whether their CIs agree.

    For a table that compares methods (complete case vs weighted vs imputed):
    "``what``: complete cases 0.26 (95% CI 0.23–0.29), weighted (IPW) 0.22 (…)".

    Parameters
    ----------
    published : PublishedTable or pandas.DataFrame
        A table with ``estimate``, ``ci_low``, ``ci_high`` and ``label_column``.
    label_column : str
        The column naming each row (``"method"``).
    labels : dict, optional
        Shown name of each row's label (default: the catalogue's).
    what : str
        What is estimated (the sentence's subject), in English: shown in ``language``
        through the catalogue (:func:`~evalkit.reporting.catalogue.translate`).
    decimals : int, default=2
    conf_level : float, default=0.95
    language : str, default="en"

    Returns
    -------
    Finding
        Not a headline (a part's detail).

    Raises
    ------
    TypeError
        If ``published`` is a result, not a published table.

    Examples
    --------
    >>> t = pd.DataFrame({"method": ["complete_case", "ipw"], "estimate": [0.26, 0.21],
    ...                   "ci_low": [0.23, 0.17], "ci_high": [0.29, 0.25]})
    >>> f = estimate_finding(t, label_column="method", what="Mean change")
    >>> f  # doctest: +NORMALIZE_WHITESPACE
    Mean change: complete cases 0.26 (95% CI 0.23–0.29), weighted (IPW) 0.21 (95% CI
    0.17–0.25); the largest and smallest estimates differ by 0.05.
    """
    what = translate(what, language)
    rows = _rows(published)
    rows = rows[rows["estimate"].notna()]
    if rows.empty:
        return Finding("estimate", text("finding.hidden", language), headline=False)
    parts = []
    for _, row in rows.iterrows():
        name = (labels or {}).get(row[label_column], value_label(row[label_column], language))
        parts.append(text("finding.estimate_item", language, name=name,
                          estimate=format_number(row["estimate"], decimals, language),
                          level=_level(conf_level, language),
                          ci=format_interval(row["ci_low"], row["ci_high"], decimals=decimals,
                                             language=language)))
    spread = float(rows["estimate"].max() - rows["estimate"].min())
    return Finding("estimate", text("finding.estimates", language, what=what,
                                    items=", ".join(parts),
                                    spread=format_number(spread, decimals, language)),
                   headline=False)


def largest_difference_finding(
    published: PublishedTable | pd.DataFrame,
    *,
    language: str = "en",
) -> Finding:
    """Which characteristic differs most between two groups (published SMD table).

    Parameters
    ----------
    published : PublishedTable or pandas.DataFrame
        ``publish(standardized_mean_difference(...))`` (columns ``variable``, ``level``,
        ``smd``): blanked rows are left out.
    language : str, default="en"

    Returns
    -------
    Finding
        Not a headline (a figure's title).

    Raises
    ------
    TypeError
        If ``published`` is a result, not a published table.

    Examples
    --------
    >>> t = pd.DataFrame({"variable": ["age", "gender"], "level": [None, "male"],
    ...                   "smd": [-0.85, 0.05]})
    >>> largest_difference_finding(t)  # doctest: +NORMALIZE_WHITESPACE
    The programmes' participants differ most in Age (standardized mean difference −0.85);
    1 of 2 characteristics differ by more than 0.1.
    """
    from evalkit.reporting.format import term_label

    rows = _rows(published)
    rows = rows[rows["smd"].notna()]
    if rows.empty:
        return Finding("smd", text("finding.hidden", language), headline=False)
    top = rows.loc[rows["smd"].abs().idxmax()]
    name = term_label(top["variable"], language)
    if "level" in rows and isinstance(top["level"], str) and top["level"]:
        name = text("term.level", language, variable=name,
                    level=value_label(top["level"], language))
    return Finding("smd", text("finding.smd", language, name=name,
                               smd=format_number(top["smd"], 2, language),
                               large=int((rows["smd"].abs() > 0.1).sum()), n=len(rows)),
                   headline=False)


#: How :func:`icer_finding` states each case of a cost-effectiveness result.
_ICER_CASES = ("icer", "dominant", "dominated", "cheaper_fewer_jobs", "undefined")


def _euros(value: float, language: str) -> str:
    return format_money(value, 0, language)


def icer_finding(
    published: PublishedTable | pd.DataFrame,
    *,
    status: str,
    treated: str,
    comparison: str,
    horizon: float,
    population: str | None = None,
    conf_level: float = 0.95,
    language: str = "en",
) -> Finding:
    """The cost per extra job with its CIs, or in words why there is none.

    Parameters
    ----------
    published : PublishedTable or pandas.DataFrame
        ``publish(cost_effectiveness(...))`` (columns ``quantity``, ``interval``,
        ``estimate``, ``ci_low``, ``ci_high``, ``bounded``; rows ``incremental_cost``,
        ``incremental_effect``, ``icer`` by ``bootstrap`` and by ``fieller``).
    status : {"icer", "dominant", "dominated", "cheaper_fewer_jobs", "undefined"}
        The result's ``status`` (from the point estimates).
    treated, comparison : str
        The programme and its comparator.
    horizon : float
        The job outcome's horizon (months).
    population : str, optional
        For whom it holds (``"Brussels, 18–33, non-EU"``), named in the sentence.
    conf_level : float, default=0.95
    language : str, default="en"

    Returns
    -------
    Finding
        A headline. With ``status="icer"`` and both intervals of the ratio bounded:
        the cost per extra job with its bootstrap and Fieller intervals. When an
        interval of the ratio is unbounded (the extra jobs' interval includes 0), the
        extra cost and jobs with their intervals and no ratio (never a huge number);
        dominance, fewer jobs for less money and no difference in jobs say so.

    Raises
    ------
    TypeError
        If ``published`` is a result, not a published table.
    ValueError
        If ``status`` is not one of the cases, or a row is missing.

    Examples
    --------
    >>> t = pd.DataFrame({
    ...     "quantity": ["incremental_cost", "incremental_effect", "icer", "icer"],
    ...     "interval": ["bootstrap", "bootstrap", "bootstrap", "fieller"],
    ...     "estimate": [122.6, 0.168, 728.0, 728.0], "ci_low": [43.1, 0.062, 298.0, 276.0],
    ...     "ci_high": [202.0, 0.277, 1750.0, 1920.0], "bounded": [True] * 4})
    >>> icer_finding(t, status="icer", treated="A", comparison="B", horizon=12)
    ... # doctest: +NORMALIZE_WHITESPACE
    Enrolling in A rather than B costs 123 EUR more per participant (95% CI 43–202 EUR) and
    raises the share with a job within 12 months by +16.8 pp (95% CI 6.2–27.7 pp): each
    extra job costs 728 EUR (95% CI 298–1,750 EUR by the bootstrap, 276–1,920 EUR by
    Fieller's method).
    """
    check_one_of(status, _ICER_CASES, name="status")
    rows = _rows(published).set_index(["quantity", "interval"])
    wanted = [("incremental_cost", "bootstrap"), ("incremental_effect", "bootstrap"),
              ("icer", "bootstrap"), ("icer", "fieller")]
    missing = [key for key in wanted if key not in rows.index]
    if missing:
        raise ValueError(f"the table has no row {missing[0]}; pass "
                         "publish(cost_effectiveness(...)).")
    cost, effect, *ratios = (rows.loc[key] for key in wanted)
    if not (_shown(cost["estimate"]) and _shown(effect["estimate"])):
        return Finding("icer", text("finding.hidden", language))
    values = {"treated": treated, "comparison": comparison,
              "level": _level(conf_level, language),
              "horizon": format_number(horizon, 0, language),
              "effect": _points(effect["estimate"], language),
              "cost": _euros(cost["estimate"], language),
              "cost_ci": format_interval(cost["ci_low"], cost["ci_high"], "money",
                                         language=language),
              "effect_ci": format_interval(effect["ci_low"], effect["ci_high"], "points",
                                           language=language),
              "reading": _reading(effect["ci_low"], effect["ci_high"], 0.0, language)}
    if status != "icer":
        sentence = text(f"finding.icer_{status}", language, **values)
    elif not all(bool(r["bounded"]) and _shown(r["ci_low"]) for r in ratios):
        sentence = text("finding.icer_unbounded", language, **values)
    else:
        boot, fieller = ratios
        sentence = text(
            "finding.icer", language, **values, icer=_euros(boot["estimate"], language),
            icer_ci=format_interval(boot["ci_low"], boot["ci_high"], "money", language=language),
            fieller=format_interval(fieller["ci_low"], fieller["ci_high"], "money",
                                    language=language))
    if population:
        sentence = _among(population, sentence, language)
    return Finding("icer", sentence)


def plan_finding(
    plans: pd.DataFrame,
    *,
    language: str = "en",
) -> Finding:
    """The participants each planning question needs, in one sentence.

    Parameters
    ----------
    plans : pandas.DataFrame
        ``compare_plans(...).table`` (columns ``question``, ``power``, ``alpha``,
        ``design_effect``, ``n_total``): planning numbers, not counts of people (no
        disclosure control applies). A question that is a catalogue value
        (``two_proportions``…) is shown by its label.
    language : str, default="en"

    Returns
    -------
    Finding
        A headline; the power, level and design effect are the first row's with a
        power (one plan for all questions; a precision plan has none).

    Raises
    ------
    ValueError
        If the table is empty.

    Examples
    --------
    >>> t = pd.DataFrame({"question": ["two_proportions", "hazard_ratio"], "power": [0.8, 0.8],
    ...                   "alpha": [0.05, 0.05], "design_effect": [1.12, 1.12],
    ...                   "n_total": [1446.0, 913.0]})
    >>> plan_finding(t)  # doctest: +NORMALIZE_WHITESPACE
    For 80% power at the 5% level (two-sided), with this study's observed rates and
    clustering (design effect 1.12), the next evaluation would need: share with a job at the
    horizon, 1,446 participants; time to a job (hazard ratio), 913 participants.
    """
    rows = _rows(plans)
    if rows.empty:
        raise ValueError("the plan table is empty; pass compare_plans({...}).table.")
    items = [text("finding.plan_item", language, question=value_label(row.question, language),
                  n=format_number(math.ceil(row.n_total), 0, language))
             for row in rows.itertuples(index=False)]
    tested = rows[rows["power"].notna()]  # a precision plan has no power
    first = (tested if not tested.empty else rows).iloc[0]
    return Finding("plan", text(
        "finding.plans", language, power=_level(first["power"], language),
        alpha=_level(first["alpha"], language),
        deff=format_number(first["design_effect"], 2, language),
        items=text("finding.list_separator", language).join(items)))


def post_due_finding(due: object, *, threshold: int = 10, language: str = "en") -> Finding:
    """Which intakes were not yet due their second questionnaire, in one sentence.

    Parameters
    ----------
    due : PostDueResult
        :func:`evalkit.questionnaire.post_due`.
    threshold : int, default=10
        A count of fewer people (but not none) reads "fewer than ``threshold``".
    language : str, default="en"

    Returns
    -------
    Finding
        Not a headline (a note on the analysis sample).

    Examples
    --------
    >>> due = pd.DataFrame({"extraction_date": [pd.Timestamp("2025-06-30")],
    ...                     "post_delay_days": [213.0], "cutoff": [pd.Timestamp("2024-11-29")],
    ...                     "n_due": [1200], "n_not_due": [3]})
    >>> post_due_finding(type("Due", (), {"table": due})())  # doctest: +NORMALIZE_WHITESPACE
    The second questionnaire is answered up to 213 days after intake and the data were
    extracted on 2025-06-30, so it was due for intakes up to 2024-11-29; fewer than 10 with a
    later intake were not yet due it and are left out of the attrition analysis.
    """
    row = due.table.iloc[0]
    n = int(row["n_not_due"])
    fields = {"delay": format_number(row["post_delay_days"], 0, language),
              "extraction": format_date(row["extraction_date"], language),
              "cutoff": format_date(row["cutoff"], language)}
    if n == 0:
        return Finding("post_due", text("finding.post_due_all", language, **fields), False)
    count = (format_number(n, 0, language) if n >= threshold
             else text("finding.fewer_than", language, threshold=threshold))
    return Finding("post_due", text("finding.post_due", language, not_due=count, **fields),
                   False)


def acceptability_finding(
    curve: pd.DataFrame,
    *,
    wtp: float,
    treated: str,
    language: str = "en",
) -> Finding:
    """What the acceptability curve says at one price per extra job, and where it crosses 50%.

    Parameters
    ----------
    curve : pandas.DataFrame
        ``CostEffectivenessResult.acceptability().table`` (``wtp``, ``probability``):
        shares of bootstrap replicates, not counts of people.
    wtp : float
        The willingness to pay per extra job to state (euro), read off the curve by
        linear interpolation.
    treated : str
        The programme.
    language : str, default="en"

    Returns
    -------
    Finding
        Not a headline (a figure's title).

    Examples
    --------
    >>> t = pd.DataFrame({"wtp": [0.0, 1000.0, 2000.0], "probability": [0.01, 0.6, 0.97]})
    >>> acceptability_finding(t, wtp=2000, treated="A")  # doctest: +NORMALIZE_WHITESPACE
    At 2,000 EUR per extra job, A is cost-effective in 97% of the bootstrap replicates; it is
    more likely than not from 1,000 EUR per extra job.
    """
    rows = _rows(curve)
    share = float(np.interp(wtp, rows["wtp"], rows["probability"]))
    above = rows.loc[rows["probability"] > 0.5, "wtp"]
    values = {"wtp": _euros(wtp, language), "treated": treated,
              "share": format_percent(share * 100, 0, language=language)}
    if above.empty:
        return Finding("acceptability", text("finding.acceptability_never", language, **values),
                       headline=False)
    return Finding("acceptability", text("finding.acceptability", language, **values,
                                         half=_euros(above.iloc[0], language)), headline=False)


def sensitivity_finding(
    sensitivity: pd.DataFrame,
    *,
    base_icer: float,
    language: str = "en",
) -> Finding:
    """Which input moves the cost per extra job most, and how far (a tornado's title).

    Parameters
    ----------
    sensitivity : pandas.DataFrame
        ``one_way_sensitivity(...).table`` (``parameter``, ``icer``): euros per extra
        job, no counts of people.
    base_icer : float
        The base case's cost per extra job (NaN when it is not a ratio).
    language : str, default="en"

    Returns
    -------
    Finding
        Not a headline; says how many scenarios give no ratio (dominance, fewer jobs).

    Examples
    --------
    >>> t = pd.DataFrame({"parameter": ["overhead", "overhead", "horizon", "horizon"],
    ...                   "icer": [700.0, 760.0, 940.0, 520.0]})
    >>> sensitivity_finding(t, base_icer=728.0)  # doctest: +NORMALIZE_WHITESPACE
    The cost per extra job (728 EUR) moves most with horizon (months): from 520 to 940 EUR;
    every scenario gives a cost per extra job.
    """
    rows = _rows(sensitivity)
    spans = rows.groupby("parameter", sort=False)["icer"].agg(["min", "max"]).dropna()
    if not _shown(base_icer) or spans.empty:
        return Finding("sensitivity", text("finding.sensitivity_none", language),
                       headline=False)
    top = (spans["max"] - spans["min"]).idxmax()
    missing = int(rows["icer"].isna().sum())
    tail = (text("finding.sensitivity_all", language) if not missing else
            text("finding.sensitivity_missing", language, n=missing))
    return Finding("sensitivity", text(
        "finding.sensitivity", language, base=_euros(base_icer, language),
        parameter=value_label(top, language),
        span=_money_span(spans.loc[top, "min"], spans.loc[top, "max"], language), tail=tail),
        headline=False)


def _money_span(low: float, high: float, language: str) -> str:
    """``520 to 940 EUR``: two amounts joined by a word, the currency written once."""
    joined = text("table.interval", language, low=format_number(low, 0, language),
                  high=format_number(high, 0, language))
    return NUMERALS[language].money.format(joined)


def summary_findings(notebook: object) -> list[str]:
    """The headline sentences an executed notebook displayed, in order.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    list of str
    """
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get(METADATA_KEY, {})
            if meta.get("finding") and meta.get("headline", True):
                found.append(meta["finding"])
    return found
