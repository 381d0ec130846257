"""Findings: sentences generated from published tables, never hand-written."""

import math

import nbformat
import pandas as pd
import pytest

from evalkit.reporting import publish
from evalkit.reporting.catalogue import translate
from evalkit.reporting.findings import (
    Finding,
    acceptability_finding,
    change_finding,
    difference_finding,
    effect_finding,
    estimate_finding,
    icer_finding,
    largest_difference_finding,
    plan_finding,
    post_due_finding,
    rate_findings,
    sensitivity_finding,
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
    french = estimate_finding(t, label_column="method", what="Mean change", language="fr")
    assert french.sentence.startswith(translate("Mean change", "fr"))
    assert translate("Mean change", "fr") != "Mean change"
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
    assert "score moyen de confiance en soi a changé de +0,26 points" in change_finding(
        change, scale="self_confidence", language="fr").sentence
    assert "mean my scale score" in change_finding(change, scale="my_scale").sentence


def _ce_table(cost, effect, ratio_bounded=(True, True)):
    """A published cost-effectiveness table (quantity x interval), as publish() gives it."""
    icer = cost[0] / effect[0] if cost[0] > 0 and effect[0] > 0 else math.nan
    return pd.DataFrame({
        "quantity": ["incremental_cost", "incremental_effect", "icer", "icer"],
        "interval": ["bootstrap", "bootstrap", "bootstrap", "fieller"],
        "estimate": [cost[0], effect[0], icer, icer],
        "ci_low": [cost[1], effect[1], *(300.0 if b else math.nan for b in ratio_bounded)],
        "ci_high": [cost[2], effect[2], *(1750.0 if b else math.nan for b in ratio_bounded)],
        "bounded": [True, True, *ratio_bounded], "n": [385] * 4})


ICER_OPTIONS = {"treated": "DUO", "comparison": "T4J", "horizon": 12}


def test_the_cost_per_extra_job_is_stated_with_both_intervals():
    f = icer_finding(_ce_table((122.6, 43.1, 202.0), (0.168, 0.062, 0.277)), status="icer",
                     **ICER_OPTIONS)
    assert f.key == "icer" and f.headline
    assert f.sentence == (
        "Enrolling in DUO rather than T4J costs 123 EUR more per participant (95% CI 43–202 "
        "EUR) and raises the share with a job within 12 months by +16.8 pp (95% CI 6.2–27.7 "
        "pp): each extra job costs 730 EUR (95% CI 300–1,750 EUR by the bootstrap, 300–1,750 "
        "EUR by Fieller's method).")
    fr = icer_finding(_ce_table((122.6, 43.1, 202.0), (0.168, 0.062, 0.277)), status="icer",
                      language="fr", **ICER_OPTIONS).sentence
    assert fr.startswith("S'inscrire à DUO plutôt qu'à T4J coûte 123\u00a0€ de plus par "
                         "participant") and "chaque emploi supplémentaire coûte 730\u00a0€" in fr
    among = icer_finding(_ce_table((122.6, 43.1, 202.0), (0.168, 0.062, 0.277)),
                         status="icer", population="Brussels, 18–33", **ICER_OPTIONS).sentence
    assert among.startswith("In the population compared (Brussels, 18–33): Enrolling in DUO")


@pytest.mark.parametrize("bounded", [(False, False), (True, False), (False, True)])
def test_an_unbounded_interval_gives_no_ratio_never_a_huge_number(bounded):
    table = _ce_table((150.0, 60.0, 240.0), (0.001, -0.09, 0.1), bounded)
    sentence = icer_finding(table, status="icer", **ICER_OPTIONS).sentence
    assert "has no upper bound and is not given" in sentence
    assert "150,000" not in sentence and "each extra job costs" not in sentence
    assert "(95% CI −9.0 to 10.0 pp)" in sentence


@pytest.mark.parametrize(("status", "cost", "effect", "words"), [
    ("dominant", (-40.0, -90.0, 10.0), (0.05, 0.01, 0.09),
     "costs no more (−40 EUR per participant, 95% CI −90 to 10 EUR) and raises the share with "
     "a job within 12 months by +5.0 pp (95% CI 1.0–9.0 pp): DUO dominates, so no cost per "
     "extra job is needed; for the jobs, the interval rules out no difference."),
    ("dominated", (40.0, 10.0, 70.0), (-0.05, -0.12, 0.02),
     "DUO is dominated, so no cost per extra job is meaningful; for the jobs, the interval "
     "includes no difference"),
    ("cheaper_fewer_jobs", (-40.0, -70.0, -10.0), (-0.05, -0.09, -0.01),
     "changes the cost per participant by −40 EUR (95% CI −70 to −10 EUR) and the share with "
     "a job within 12 months by −5.0 pp (95% CI −9.0 to −1.0 pp): it saves money but finds "
     "fewer jobs, so the ratio would be a saving per job lost"),
    ("undefined", (40.0, 10.0, 70.0), (0.0, -0.05, 0.05),
     "finds exactly as many jobs within 12 months: the cost per extra job is undefined."),
])
def test_dominance_and_fewer_jobs_are_said_in_words(status, cost, effect, words):
    table = _ce_table(cost, effect, (False, False))
    assert words in icer_finding(table, status=status, **ICER_OPTIONS).sentence


def test_a_hidden_or_incomplete_cost_effectiveness_table():
    hidden = _ce_table((math.nan, math.nan, math.nan), (math.nan, math.nan, math.nan))
    assert icer_finding(hidden, status="icer", **ICER_OPTIONS).sentence == (
        "This result is not shown: too few people.")
    with pytest.raises(ValueError, match=r"status must be one of \['icer', 'dominant'"):
        icer_finding(hidden, status="cheap", **ICER_OPTIONS)
    with pytest.raises(ValueError, match=r"the table has no row \('icer', 'fieller'\)"):
        icer_finding(hidden.iloc[:3], status="icer", **ICER_OPTIONS)


def test_the_planning_table_in_one_sentence():
    from evalkit.planning import compare_plans, events_needed, sample_size_proportions

    plans = compare_plans({
        "two_proportions": sample_size_proportions(0.5, 0.4, design_effect=1.2),
        "hazard_ratio": events_needed(1.3, event_probability=0.5, design_effect=1.2)})
    f = plan_finding(plans.table)
    assert f.key == "plan" and f.headline
    assert f.sentence == (
        "For 80% power at the 5% level (two-sided), with this study's observed rates and "
        "clustering (design effect 1.20), the next evaluation would need: share with a job at "
        f"the horizon, {plans.table['n_total'][0]:,.0f} participants; time to a job (hazard "
        f"ratio), {plans.table['n_total'][1]:,.0f} participants.")
    assert plan_finding(plans.table, language="nl").sentence.startswith(
        "Voor 80% power bij een significantieniveau van 5% (tweezijdig)")
    with pytest.raises(ValueError, match="the plan table is empty"):
        plan_finding(plans.table.iloc[:0])


def test_the_acceptability_curve_at_a_price_and_where_it_passes_one_half():
    curve = pd.DataFrame({"wtp": [0.0, 1000.0, 2000.0], "probability": [0.0, 0.4, 0.8]})
    f = acceptability_finding(curve, wtp=1500, treated="DUO")
    assert not f.headline and f.sentence == (
        "At 1,500 EUR per extra job, DUO is cost-effective in 60% of the bootstrap replicates; "
        "it is more likely than not from 2,000 EUR per extra job.")
    never = acceptability_finding(curve.assign(probability=[0.0, 0.1, 0.3]), wtp=500,
                                  treated="DUO", language="fr").sentence
    assert never.startswith("À 500\u00a0€ par emploi supplémentaire, DUO est coût-efficace dans "
                            "5\u00a0%") and "à aucun prix montré" in never


def test_the_tornado_names_the_input_that_moves_the_ratio_most():
    t = pd.DataFrame({"parameter": ["overhead", "overhead", "horizon", "horizon"],
                      "icer": [700.0, 760.0, math.nan, 520.0]})
    assert sensitivity_finding(t, base_icer=728.0).sentence == (
        "The cost per extra job (728 EUR) moves most with overhead: from 700 to 760 EUR; 1 "
        "scenario(s) give no cost per extra job (dominance or fewer jobs).")
    assert sensitivity_finding(t, base_icer=math.nan).sentence.startswith(
        "The base case gives no cost per extra job")


def test_a_french_and_a_dutch_sentence_write_their_numbers_as_the_language_does():
    nbsp, nnbsp = "\u00a0", "\u202f"
    assert rate_findings(RATES, 12, language="fr")[0].sentence == (
        f"En 12 mois, 48,0{nbsp}% (IC à 95{nbsp}% 44,0–52,0{nbsp}%) des participants de A ont "
        "trouvé un emploi.")
    assert icer_finding(_ce_table((122.6, 43.1, 202.0), (0.168, 0.062, 0.277)), status="icer",
                        language="nl", **ICER_OPTIONS).sentence == (
        f"Deelnemen aan DUO in plaats van T4J kost €{nbsp}123 meer per deelnemer (95%-BI "
        f"€{nbsp}43–202) en verhoogt het aandeel met werk binnen 12 maanden met +16,8{nbsp}pp "
        f"(95%-BI 6,2–27,7{nbsp}pp): elke extra baan kost €{nbsp}730 (95%-BI €{nbsp}300–1.750 "
        f"met de bootstrap, €{nbsp}300–1.750 met de methode van Fieller).")
    spans = pd.DataFrame({"parameter": ["horizon", "horizon"], "icer": [1940.0, 520.0]})
    assert f"de 520 à 1{nnbsp}940{nbsp}€ ;" in sensitivity_finding(
        spans, base_icer=1728.0, language="fr").sentence
    assert "(−40 EUR per participant, 95% CI −90 to 10 EUR)" in icer_finding(
        _ce_table((-40.0, -90.0, 10.0), (0.168, 0.062, 0.277)), status="dominant",
        **ICER_OPTIONS).sentence  # English as before: the currency after the amount


def test_a_characteristic_and_its_level_are_named_in_the_language():
    smd = pd.DataFrame({"variable": ["migration_background", "age"], "level": ["non-EU", None],
                        "smd": [-1.27, 0.2]})
    assert "verschillen het meest in Migratieachtergrond: niet-EU (" in (
        largest_difference_finding(smd, language="nl").sentence)
    assert "par « Origine migratoire : hors UE » (" in (
        largest_difference_finding(smd, language="fr").sentence)
    assert "differ most in Migration background: non-EU (" in (
        largest_difference_finding(smd).sentence)


def test_the_questionnaire_cut_off_writes_its_numbers_in_the_language():
    due = pd.DataFrame({"extraction_date": [pd.Timestamp("2025-06-30")],
                        "post_delay_days": [1213.0], "cutoff": [pd.Timestamp("2024-11-29")],
                        "n_due": [1200], "n_not_due": [1500]})
    result = type("Due", (), {"table": due})()
    assert "1.213" in post_due_finding(result, language="nl").sentence
    assert "1.500" in post_due_finding(result, language="nl").sentence
    assert "1\u202f213" in post_due_finding(result, language="fr").sentence
    assert "le 30 juin 2025 : il était dû pour les entrées jusqu'au 29 novembre 2024" in (
        post_due_finding(result, language="fr").sentence)
    assert "instroomde" in post_due_finding(result, language="nl").sentence


def test_the_compared_population_and_a_list_are_written_in_the_language():
    from evalkit.reporting.story import population_label

    assert population_label(["Brussels"], [18, 33], ["non-EU"], language="fr") == (
        "Brussels, 18–33 ans, hors UE")
    assert population_label(["Brussels"], [18, 33], ["non-EU"]) == "Brussels, 18–33, non-EU"
    t = pd.DataFrame({"method": ["aipw"], "measure": ["risk_difference"],
                      "estimate": [0.118], "ci_low": [0.021], "ci_high": [0.215]})
    among = effect_finding(t, method="aipw", treated="A", comparison="B", horizon=12,
                           population="X", language="fr").sentence
    assert among.startswith("Dans la population comparée (X) : s'inscrire à A")
    assert effect_finding(t, method="aipw", treated="A", comparison="B", horizon=12,
                          population="X").sentence.startswith("In the population compared "
                                                              "(X): Enrolling in A")
    plans = pd.DataFrame({"question": ["two_proportions", "hazard_ratio"], "power": [0.8, 0.8],
                          "alpha": [0.05, 0.05], "design_effect": [1.12, 1.12],
                          "n_total": [1446.0, 913.0]})
    assert "1\u202f446 participants ; " in plan_finding(plans, language="fr").sentence
