"""Findings: sentences generated from published tables, never hand-written."""

import math

import nbformat
import pandas as pd
import pytest

from evalkit.reporting import publish
from evalkit.reporting.findings import (
    Finding,
    change_finding,
    difference_finding,
    effect_finding,
    estimate_finding,
    largest_difference_finding,
    rate_findings,
    summary_findings,
)

RATES = pd.DataFrame({"group": ["A", "B", "A"], "horizon": [12.0, 12.0, 6.0],
                      "estimate": [0.48, math.nan, 0.3], "ci_low": [0.44, math.nan, 0.25],
                      "ci_high": [0.52, math.nan, 0.35]})


def test_rates_state_each_group_with_its_interval_or_that_it_is_hidden():
    found = rate_findings(RATES, 12)
    assert [f.sentence for f in found] == [
        "Within 12 months, 48.0% (95% CI 44.0–52.0%) of A participants found work.",
        "Within 12 months, the share of B participants who found work is not shown (too few "
        "people).",
    ]
    positive = rate_findings(RATES, 6, outcome="positive", conf_level=0.9)[0].sentence
    assert positive.startswith("Within 6 months, 30.0% (90% CI 25.0–35.0%) of A participants "
                               "had a positive exit")


def test_a_result_must_be_published_first():
    class Result:
        table = RATES

    with pytest.raises(TypeError, match="got Result; publish the result first"):
        rate_findings(Result(), 12)
    with pytest.raises(ValueError, match="outcome must be one of"):
        rate_findings(RATES, 12, outcome="work")


def test_the_reading_follows_the_interval_not_a_fixed_sentence():
    t = pd.DataFrame({"contrast": ["B − A"] * 2, "horizon": [6.0, 12.0],
                      "estimate": [0.02, -0.053], "ci_low": [-0.01, -0.105],
                      "ci_high": [0.05, -0.002]})
    assert difference_finding(t, 6).sentence.endswith(
        "+2.0 pp (95% CI −1.0 to 5.0 pp): the interval includes no difference, so the data "
        "cannot tell this apart from no difference.")
    assert difference_finding(t, 12, adjusted=True).sentence.endswith(
        "is −5.3 pp (95% CI −10.5 to −0.2 pp): the interval rules out no difference.")
    with pytest.raises(ValueError, match="no difference at horizon 3; use a horizon"):
        difference_finding(t, 3)


def test_effect_and_change_findings():
    effects = pd.DataFrame({"method": ["aipw", "aipw"], "measure": ["risk_difference",
                                                                    "risk_ratio"],
                            "estimate": [0.118, 1.3], "ci_low": [0.021, 1.03],
                            "ci_high": [0.215, 1.66]})
    sentence = effect_finding(effects, method="aipw", treated="A", comparison="B",
                              horizon=12).sentence
    assert "by +11.8 pp (95% CI 2.1–21.5 pp; doubly robust (AIPW))" in sentence
    with pytest.raises(ValueError, match="no risk difference for method 'ipw'"):
        effect_finding(effects, method="ipw", treated="A", comparison="B", horizon=12)
    change = pd.DataFrame({"term": ["mean_difference"], "estimate": [-0.01], "ci_low": [-0.05],
                           "ci_high": [0.03], "n": [math.nan]})
    assert change_finding(change, scale="s").sentence == "This result is not shown: too few people."
    with pytest.raises(ValueError, match="no 'mean_difference' row"):
        change_finding(change.assign(term="d_z"), scale="s")


def test_estimates_side_by_side_and_largest_difference_are_not_headlines():
    t = pd.DataFrame({"method": ["complete_case"], "estimate": [0.26], "ci_low": [0.23],
                      "ci_high": [0.29]})
    assert not estimate_finding(t, label_column="method", what="Change").headline
    smd = pd.DataFrame({"variable": ["age", "gender"], "level": [None, "x"],
                        "smd": [math.nan, 0.3]})
    found = largest_difference_finding(smd)
    assert "differ most in Gender: x (standardized mean difference 0.30)" in found.sentence
    assert not found.headline


def test_a_displayed_finding_carries_its_sentence_for_the_summary():
    data, meta = Finding("rate", "A < B & C.")._repr_mimebundle_()
    assert data["text/html"] == '<p class="ek-finding">A &lt; B &amp; C.</p>'
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=meta),
                    nbformat.v4.new_output("display_data", data={"text/plain": "x"},
                                           metadata={"evalkit": {"finding": "y",
                                                                 "headline": False}})]
    nb.cells = [cell]
    assert summary_findings(nb) == ["A < B & C."]


def test_findings_use_published_numbers():
    from evalkit.survival import survival_difference

    rng = pd.Series(range(40))
    data = pd.DataFrame({"time": (rng % 13 + 1).astype(float), "event": (rng % 3 == 0).map(
        {True: "job", False: "censored"}), "group": ["A"] * 20 + ["B"] * 20})
    rates = survival_difference(data, group="group", cause="job", horizons=[6])
    published = publish(rates, threshold=10)
    found = rate_findings(published, 6)
    assert len(found) == 2 and all("of A" in f.sentence or "of B" in f.sentence for f in found)


def test_the_effect_names_its_population_and_the_change_its_scale_in_the_language():
    effects = pd.DataFrame({"method": ["aipw"], "measure": ["risk_difference"],
                            "estimate": [0.118], "ci_low": [0.021], "ci_high": [0.215]})
    sentence = effect_finding(effects, method="aipw", treated="A", comparison="B", horizon=12,
                              population="Brussels, 18–33, non-EU").sentence
    assert sentence.startswith("In the population compared (Brussels, 18–33, non-EU): Enrolling")
    change = pd.DataFrame({"term": ["mean_difference"], "estimate": [0.26], "ci_low": [0.23],
                           "ci_high": [0.29], "n": [793.0]})
    assert "score moyen de confiance en soi a changé de +0.26 points" in change_finding(
        change, scale="self_confidence", language="fr").sentence
    assert "mean my scale score" in change_finding(change, scale="my_scale").sentence
