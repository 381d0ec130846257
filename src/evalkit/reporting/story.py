"""One effect story: every programme effect a report shows, in one table, and why they differ.

A comparison of two programmes shows several effects: a crude and an adjusted hazard
ratio from Cox models, a crude risk difference, weighted, doubly robust and matched
risk differences, a difference of weighted curves. They answer different questions
(scale: a ratio of rates or a difference of shares; conditional on the
characteristics or marginal over a population; which population; which horizon), so
they are different numbers even when they tell the same story. :func:`effect_story`
puts them side by side, each with its estimand in words, and a generated paragraph
(:class:`~evalkit.reporting.findings.Finding`) says where they agree and why they
differ. Every number comes from a *published* table (after disclosure control).

The conventions are those of the rest of the report: ``treated`` is the programme
whose effect is estimated, ``comparison`` the reference (a hazard ratio above 1 and a
risk difference above 0 favour ``treated``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from evalkit.reporting.catalogue import text, value_label
from evalkit.reporting.disclosure import PublishedTable
from evalkit.reporting.findings import Finding
from evalkit.reporting.format import (
    NUMERALS,
    format_interval,
    format_level,
    format_number,
    format_points,
)

__all__ = ["EffectStory", "cox_effect", "effect_story", "population_label", "table_effects"]

#: Effects a story knows: key -> scale (``ratio``: hazard ratio, null 1; ``points``:
#: risk difference, null 0).
SCALES = {"hr_crude": "ratio", "hr_adjusted": "ratio", "naive": "points", "ipw": "points",
          "aipw": "points", "matching": "points", "curves": "points"}
_ESTIMANDS = {"aipw": "ipw"}  # AIPW estimates the IPW's estimand


def population_label(sites, age_range, migration_backgrounds, *, language: str = "en") -> str:
    """For whom a comparison holds, in words: ``Brussels, 18–33, non-EU``.

    Sites are named as the data name them; the ages and the migration backgrounds are
    written in ``language`` (``Brussels, 18–33 ans, hors UE``).

    Examples
    --------
    >>> population_label(["Brussels"], [18, 33], ["non-EU"], language="nl")
    'Brussels, 18–33 jaar, niet-EU'
    """
    ages = text("finding.ages", language, low=format_number(age_range[0], 0, language),
                high=format_number(age_range[1], 0, language))
    return ", ".join([*map(str, sites), ages,
                      *(value_label(m, language) for m in migration_backgrounds)])


@dataclass(frozen=True)
class EffectStory:
    """The effects side by side and the paragraph that reconciles them.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per effect: ``effect`` (key), ``estimate``, ``ci_low``, ``ci_high``
        (published values; NaN when hidden).
    shown : pandas.DataFrame
        The table as a reader sees it (``story_effect``, ``estimate``, the interval,
        ``story_estimand``, ``story_reading``; text in the report's language), for
        :meth:`~evalkit.reporting.part.ReportPart.show`.
    finding : Finding
        Why the numbers differ, and where they agree.
    """

    table: pd.DataFrame
    shown: pd.DataFrame
    finding: Finding


def _rows(published: PublishedTable | pd.DataFrame) -> pd.DataFrame:
    return published.table if isinstance(published, PublishedTable) else published


def cox_effect(published: PublishedTable | pd.DataFrame, level: str) -> pd.Series:
    """The row of a published Cox table for the programme ``level`` (its term ``…[T.level]``).

    Raises
    ------
    ValueError
        If no term of the table ends with ``[T.level]``.
    """
    rows = _rows(published)
    found = rows[rows["term"].astype(str).str.endswith(f"[T.{level}]")]
    if found.empty:
        raise ValueError(f"the Cox table has no term for programme {level!r}; put the "
                         "programme in the model's formula (C(programme, "
                         "contr.treatment('REFERENCE'))).")
    return found.iloc[0]


def table_effects(published: PublishedTable | pd.DataFrame,
                  methods: Sequence[str] = ("naive", "ipw", "aipw", "matching")) -> dict:
    """Risk-difference rows of a published ``combine_effects`` table, by method."""
    rows = _rows(published)
    rows = rows[rows["measure"] == "risk_difference"].set_index("method")
    return {m: rows.loc[m] for m in methods if m in rows.index}


def effect_story(
    effects: dict,
    *,
    treated: str,
    comparison: str,
    horizon: float,
    population: str,
    conf_level: float = 0.95,
    language: str = "en",
) -> EffectStory:
    """Every effect side by side, with its estimand in words and a reconciling paragraph.

    Parameters
    ----------
    effects : dict
        Effect key -> a published row (a mapping with ``estimate``, ``ci_low``,
        ``ci_high``): keys of :data:`SCALES` (``"hr_crude"``, ``"hr_adjusted"``: Cox
        hazard ratios of ``treated``; ``"naive"``, ``"ipw"``, ``"aipw"``,
        ``"matching"``: risk differences at ``horizon``; ``"curves"``: the difference
        of the weighted cumulative incidence curves at ``horizon``), in the order shown.
    treated, comparison : str
        The programme whose effect is estimated and the reference.
    horizon : float
        Months of the risk differences.
    population : str
        Who is compared, in words (``"Brussels, 18–33, non-EU"``).
    conf_level : float, default=0.95
    language : str, default="en"

    Returns
    -------
    EffectStory

    Raises
    ------
    ValueError
        If a key is not a known effect.

    Examples
    --------
    >>> story = effect_story(
    ...     {"hr_crude": {"estimate": 1.4, "ci_low": 1.05, "ci_high": 1.87},
    ...      "hr_adjusted": {"estimate": 2.0, "ci_low": 1.49, "ci_high": 2.68},
    ...      "naive": {"estimate": 0.098, "ci_low": -0.002, "ci_high": 0.197},
    ...      "aipw": {"estimate": 0.168, "ci_low": 0.075, "ci_high": 0.262}},
    ...     treated="A", comparison="B", horizon=12, population="everyone")
    >>> story.shown["estimate"].tolist()
    ['1.40', '2.00', '+9.8 pp', '+16.8 pp']
    >>> print(story.finding.sentence.split(". ")[0])
    All 4 estimates point towards A, and 3 of their intervals exclude no effect
    """
    unknown = sorted(set(effects) - set(SCALES))
    if unknown:
        raise ValueError(f"unknown effect {unknown[0]!r}; the effects of a story are "
                         f"{list(SCALES)}.")
    table = pd.DataFrame(
        [{"effect": key, **{c: _value(row, c) for c in ("estimate", "ci_low", "ci_high")}}
         for key, row in effects.items()])
    names = {"treated": treated, "comparison": comparison}
    shown = pd.DataFrame({
        "story_effect": [text(f"story.effect.{k}", language) for k in table["effect"]],
        "estimate": [_estimate(SCALES[k], v, language)
                     for k, v in zip(table["effect"], table["estimate"], strict=True)],
        "ci": [format_interval(lo, hi, "points" if SCALES[k] == "points" else "number",
                               language=language)
               for k, lo, hi in zip(table["effect"], table["ci_low"], table["ci_high"],
                                    strict=True)],
        "story_estimand": [text(f"story.estimand.{_ESTIMANDS.get(k, k)}", language,
                          horizon=format_number(horizon, 0, language), **names)
                           for k in table["effect"]],
        "story_reading": [_reading(r, names, language) for r in table.itertuples()],
    })
    level = format_level(conf_level, language)
    shown = shown.rename(columns={"ci": text("table.ci", language, level=level)})
    finding = Finding("effect_story", _paragraph(table, names, horizon, population, language),
                      headline=False)
    return EffectStory(table=table, shown=shown, finding=finding)


def _value(row, column: str) -> float:
    value = row[column]
    return float("nan") if value is None or pd.isna(value) else float(value)


def _null(key: str) -> float:
    return 1.0 if SCALES[key] == "ratio" else 0.0


def _estimate(scale: str, value: float, language: str) -> str:
    if math.isnan(value):
        return text("story.hidden", language)
    if scale == "ratio":
        return format_number(value, 2, language)
    return format_points(value, 1, signed=True, language=language)


def _reading(row, names: dict, language: str) -> str:
    """Which programme the row favours, when its interval excludes no effect."""
    if math.isnan(row.ci_low) or math.isnan(row.ci_high):
        return text("story.hidden", language) if math.isnan(row.estimate) else ""
    null = _null(row.effect)
    if row.ci_low > null:
        return text("story.favours", language, programme=names["treated"])
    if row.ci_high < null:
        return text("story.favours", language, programme=names["comparison"])
    return text("story.unclear", language)


def _paragraph(table: pd.DataFrame, names: dict, horizon: float, population: str,
               language: str) -> str:
    shown = table.dropna(subset=["estimate"])
    if shown.empty:
        return text("finding.hidden", language)
    nulls = shown["effect"].map(_null)
    up = int((shown["estimate"] > nulls).sum())
    sentences = []
    if up in (0, len(shown)):
        excludes = ((shown["ci_low"] > nulls) | (shown["ci_high"] < nulls)).sum()
        sentences.append(text("story.agree", language, n=len(shown), k=int(excludes),
                              programme=names["treated" if up else "comparison"]))
    else:
        sentences.append(text("story.disagree", language, first=up, second=len(shown) - up,
                              **names))
    by_key = shown.set_index("effect")["estimate"]
    ratios = [k for k in by_key.index if SCALES[k] == "ratio"]
    points = [k for k in by_key.index if SCALES[k] == "points"]
    if ratios and points:
        sentences.append(text(
            "story.scale", language, horizon=format_number(horizon, 0, language),
            ratios=_span([_estimate("ratio", by_key[k], language) for k in ratios], language),
            differences=_span([_estimate("points", by_key[k], language) for k in points],
                              language)))
    adjusted = next((k for k in ("aipw", "ipw") if k in by_key.index), None)
    if {"hr_crude", "hr_adjusted", "naive"} <= set(by_key.index) and adjusted:
        sentences.append(text(
            "story.adjustment", language,
            crude_ratio=_estimate("ratio", by_key["hr_crude"], language),
            adjusted_ratio=_estimate("ratio", by_key["hr_adjusted"], language),
            crude_difference=_estimate("points", by_key["naive"], language),
            adjusted_difference=_estimate("points", by_key[adjusted], language)))
    if "hr_adjusted" in by_key.index and adjusted:
        sentences.append(text("story.conditional", language))
    sentences.append(text("story.population", language, population=population))
    if "matching" in by_key.index:
        sentences.append(text("story.matched", language, **names))
    if "curves" in by_key.index:
        sentences.append(text("story.censored", language))
    return " ".join(sentences)


def _span(values: list[str], language: str) -> str:
    """Numbers in a list: a semicolon between them where a comma is the decimal mark
    (``1,40; 2,00``; French ``1,40 ; 2,00``)."""
    comma = NUMERALS[language].decimal == ","
    return (text("finding.list_separator", language) if comma else ", ").join(values)
