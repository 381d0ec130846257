"""The questionnaire family's published tables: no count of 1-9 people, statistics of small
groups blank, rounded (issue 15: report 05 printed attrition SMDs to 6 decimals, which gave a
suppressed Table 1 cell back, and an ANCOVA term of gender "x" estimated from 5 people)."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from evalkit.questionnaire import (
    ancova,
    attrition_analysis,
    cronbach_alpha,
    item_analysis,
    mcdonald_omega,
    paired_change,
    pre_post_scores,
    score_scale,
)
from tests.published import assert_safely_published, bar_counts
from tests.questionnaire._shared import QUESTIONNAIRE_CSV, mar_data, mar_data_by_group


def _with_gender(df: pd.DataFrame, n_x: int, seed: int = 0) -> pd.DataFrame:
    """``df`` with a gender column: ``n_x`` people of gender "x", the others female/male."""
    rng = np.random.default_rng(seed)
    gender = rng.choice(["female", "male"], len(df)).astype(object)
    gender[rng.choice(len(df), n_x, replace=False)] = "x"
    return df.assign(gender=gender)


def test_an_ancova_term_of_five_people_is_blank_when_published():
    df = _with_gender(mar_data_by_group().dropna(subset=["post"]), 5)
    fit = ancova(df, "post", "pre", "programme", covariates=["gender"])
    row = fit.table.set_index("term").loc["gender[x]"]
    assert (row["n_with"], row["n_without"]) == (5, len(df) - 5)
    out = assert_safely_published(fit).set_index("term")
    assert out.loc["gender[x]", ["estimate", "std_error", "ci_low", "p_value", "n"]].isna().all()
    assert out.drop(index="gender[x]")["estimate"].notna().all()
    assert out.loc["Intercept", "n"] == len(df)


def test_attrition_smds_are_rounded_and_blank_for_small_levels():
    df = _with_gender(mar_data_by_group(), 12, seed=3)
    r = attrition_analysis(df, "pre", "post", group="programme", response_predictors=["job"],
                           baseline=["gender", "job"], rng=1)
    smd = r.smd.set_index(["group", "variable", "level"])
    x = smd.xs("x", level="level")
    # The analysis table: the SMD of a handful of people to full precision.
    assert (x[["n_non_completers", "n_completers"]] < 10).any(axis=None)
    out = assert_safely_published(r, "smd").set_index(["group", "variable", "level"])
    assert out.xs("x", level="level")["smd"].isna().all()
    shown = out["smd"].dropna()
    assert len(shown) and (shown == shown.round(2)).all()
    no_group = attrition_analysis(df, "pre", "post", response_predictors=["job"],
                                  baseline=["gender"], rng=1)
    assert set(no_group.smd["group"]) == {"all"}
    assert_safely_published(no_group, "smd")
    assert_safely_published(r)
    ax = r.plot()
    assert len(ax.lines) or len(ax.collections)
    plt.close("all")


def test_reliable_change_categories_of_few_people_are_suppressed_with_a_partner():
    rng = np.random.default_rng(2)
    pre = rng.normal(2.8, 0.6, 300)
    post = pre + rng.normal(0.35, 0.25, 300)
    post[:3] = pre[:3] - 2.0  # three people deteriorate
    r = paired_change(pd.DataFrame({"pre": pre, "post": post}), "pre", "post", reliability=0.85)
    assert r.reliable_change.set_index("category").loc["deteriorated", "n"] == 3
    out = assert_safely_published(r, "reliable_change").set_index("category")
    assert out["n"].isna().sum() == 2 and np.isnan(out.loc["deteriorated", "share"])
    assert_safely_published(r)


def test_scores_reliability_and_items_publish_safely(rse):
    q = pd.read_csv(QUESTIONNAIRE_CSV)
    pre = q[q["wave"] == "pre"]
    scores = pre_post_scores(q, rse)
    # Report 05 showed 1451 questionnaires and 1450 scored: 1 unscored, given back.
    out = assert_safely_published(scores).set_index("wave")
    unscored = scores.table.set_index("wave")["n_unscored"]
    for wave in unscored.index[unscored.between(1, 9)]:
        assert np.isnan(out.loc[wave, "n"]) and np.isnan(out.loc[wave, "n_unscored"])
    assert_safely_published(score_scale(pre, rse))
    assert_safely_published(cronbach_alpha(pre, rse))
    assert_safely_published(mcdonald_omega(pre.iloc[:200], rse, n_boot=20, rng=1))
    assert_safely_published(item_analysis(pre, rse))
    few = cronbach_alpha(pre.iloc[:8], rse)
    assert assert_safely_published(few)[["estimate", "ci_low", "n"]].isna().all(axis=None)


def test_the_score_histogram_has_no_bar_of_1_to_9_questionnaires(rse):
    q = pd.read_csv(QUESTIONNAIRE_CSV)
    result = score_scale(q[q["wave"] == "pre"].iloc[:150], rse)
    scores = result.scores["score"].dropna()
    ax = result.plot(bins=20)
    counts = bar_counts(ax, (scores.max() - scores.min()) / 20)
    assert not any(1 <= c < 10 for c in counts) and sum(counts) == pytest.approx(len(scores))
    plt.close("all")


def test_plots_leave_out_small_groups():
    df = mar_data(n=8, seed=1).assign(post=lambda d: d["full"])
    r = paired_change(df, "pre", "post")
    ax = r.plot()
    assert len(ax.containers[0][0].get_xdata()) == 0  # the effect sizes' markers
    plt.close("all")
    with pytest.raises(ValueError, match="threshold must be an integer of at least 5, but was 4"):
        r.plot(threshold=4)
