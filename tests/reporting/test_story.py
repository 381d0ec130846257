"""One effect story: every effect side by side, with why they differ (issue 16)."""

import math

import pandas as pd
import pytest

from evalkit.reporting.story import SCALES, cox_effect, effect_story, table_effects


def _row(estimate, low, high):
    return {"estimate": estimate, "ci_low": low, "ci_high": high}


EFFECTS = {
    "hr_crude": _row(1.40, 1.05, 1.87),
    "hr_adjusted": _row(2.00, 1.49, 2.68),
    "naive": _row(0.098, -0.002, 0.197),
    "ipw": _row(0.169, 0.072, 0.266),
    "aipw": _row(0.168, 0.075, 0.262),
    "matching": _row(0.163, 0.032, 0.293),
    "curves": _row(0.202, 0.100, 0.309),
}


def _story(effects=EFFECTS, language="en"):
    return effect_story(effects, treated="DUO", comparison="T4J", horizon=12,
                        population="Brussels, 18–33", language=language)


def test_every_effect_is_one_row_with_its_scale_estimand_and_reading():
    story = _story()
    assert story.table["effect"].tolist() == list(EFFECTS)
    assert story.shown.columns.tolist() == ["story_effect", "estimate", "95% CI",
                                            "story_estimand", "story_reading"]
    assert story.shown["estimate"].tolist()[:3] == ["1.40", "2.00", "+9.8 pp"]
    assert story.shown["95% CI"].tolist()[2] == "−0.2 to 19.7 pp"
    estimands = story.shown.set_index("story_effect")["story_estimand"]
    assert "conditional" in estimands["Hazard ratio, adjusted (Cox)"]
    assert "marginal, ATE" in estimands["Risk difference, doubly robust (AIPW)"]
    assert "ATT" in estimands["Risk difference, matched pairs"]
    assert story.shown["story_reading"].tolist()[:3] == ["favours DUO", "favours DUO",
                                                   "cannot be told apart from no effect"]


def test_the_paragraph_says_why_they_differ_from_the_numbers():
    sentence = _story().finding.sentence
    assert sentence.startswith("All 7 estimates point towards DUO, and 6 of their intervals "
                               "exclude no effect.")
    assert "Hazard ratios (1.40, 2.00) compare how fast" in sentence
    assert "moved the hazard ratio from 1.40 to 2.00 and the risk difference from +9.8 pp " \
           "to +16.8 pp" in sentence
    assert "conditional" in sentence and "marginal" in sentence
    assert "Brussels, 18–33 after trimming" in sentence
    assert not _story().finding.headline


def test_estimates_pointing_different_ways_are_said_to():
    effects = {"hr_adjusted": _row(0.8, 0.6, 1.1), "aipw": _row(0.05, -0.01, 0.11)}
    sentence = _story(effects).finding.sentence
    assert sentence.startswith("The estimates do not all point the same way: 1 point towards "
                               "DUO, 1 towards T4J.")
    assert "moved" not in sentence  # no crude estimates to compare with
    assert _story(effects).shown["story_reading"].tolist() == ["cannot be told apart from no "
                                                         "effect"] * 2


def test_a_suppressed_estimate_is_shown_as_hidden_and_left_out_of_the_paragraph():
    effects = {**EFFECTS, "matching": _row(float("nan"), float("nan"), float("nan"))}
    story = _story(effects)
    hidden = story.shown.set_index("story_effect").loc["Risk difference, matched pairs"]
    assert hidden["estimate"] == "not shown (too few people)" and hidden["95% CI"] == "–"
    assert story.finding.sentence.startswith("All 6 estimates")
    assert math.isnan(story.table.set_index("effect").loc["matching", "estimate"])


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_story_is_in_the_reports_language(language):
    story = _story(language=language)
    assert "Hazard ratio, adjusted" not in story.shown["story_effect"].tolist()
    assert "DUO" in story.finding.sentence and "estimates" not in story.finding.sentence


def test_an_unknown_effect_is_refused():
    with pytest.raises(ValueError, match="unknown effect 'odds_ratio'; the effects of a story"):
        _story({"odds_ratio": _row(1.2, 1.0, 1.4)})
    assert set(SCALES) == set(EFFECTS)


def test_rows_are_taken_from_published_cox_and_effect_tables():
    cox = pd.DataFrame({"term": ["C(programme, contr.treatment('T4J'))[T.DUO]", "age"],
                        "estimate": [1.4, 1.0], "ci_low": [1.05, 0.9], "ci_high": [1.87, 1.1]})
    assert cox_effect(cox, "DUO")["estimate"] == 1.4
    with pytest.raises(ValueError, match="the Cox table has no term for programme 'X'"):
        cox_effect(cox, "X")
    effects = pd.DataFrame({"method": ["naive", "naive", "aipw"],
                            "measure": ["risk_difference", "risk_ratio", "risk_difference"],
                            "estimate": [0.1, 1.2, 0.17], "ci_low": [0, 1, 0.07],
                            "ci_high": [0.2, 1.5, 0.26]})
    rows = table_effects(effects)
    assert list(rows) == ["naive", "aipw"] and rows["naive"]["estimate"] == 0.1


def test_the_story_writes_its_numbers_in_the_language():
    nl = _story(language="nl")
    assert nl.shown["estimate"].tolist()[:3] == ["1,40", "2,00", "+9,8\u00a0pp"]
    assert nl.shown["95%-BI"].tolist()[2] == "−0,2 tot 19,7\u00a0pp"
    assert "(1,40; 2,00)" in nl.finding.sentence
    assert "(1,40 ; 2,00)" in _story(language="fr").finding.sentence
