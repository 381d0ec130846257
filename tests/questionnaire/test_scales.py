"""Scales: definition files, scoring, pre/post scores, and the results' plots."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from evalkit import DataError, EvalkitWarning
from evalkit.data.schema import RSE_ITEMS, RSE_REVERSED
from evalkit.data.synthetic.questionnaire import _job_within as generator_job_within
from evalkit.questionnaire import (
    Scale,
    attrition_analysis,
    cronbach_alpha,
    item_analysis,
    load_scale,
    paired_change,
    pre_post_scores,
    score_scale,
)
from tests.questionnaire._shared import (
    CLOSED_FORM_RTOL,
    QUESTIONNAIRE_CSV,
    ROOT,
)


def test_shipped_scale_file_matches_the_schema(rse):
    assert rse.items == RSE_ITEMS
    assert rse.reversed == RSE_REVERSED
    assert (rse.response_min, rse.response_max) == (1, 4)
    assert rse.scoring == "mean"


def _write(tmp_path, text):
    path = tmp_path / "scale.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("- a\n- b\n", "must be a YAML mapping"),
        ("items: [a, b]\nresponse_min: 1\nresponse_max: 4\nreverse: [a]\n", "unknown key"),
        ("items: [a, b]\nresponse_min: 1\n", r"required key\(s\) \['response_max'\]"),
        ("items: [a, b]\nresponse_min: 1\nresponse_max: 4\nreversed: [c]\n", "not among"),
        ("items: [a, b]\nresponse_min: 4\nresponse_max: 1\n", "must be below"),
        ("items: [a, b]\nresponse_min: 1\nresponse_max: 4\nmin_items: 3\n", "from 1 to 2"),
        ("items: [a, b]\nresponse_min: 1\nresponse_max: 4\nscoring: median\n", "scoring must"),
        ("items: [a]\nresponse_min: 1\nresponse_max: 4\n", "at least 2"),
        ("items: [a, b]\nresponse_min: 1.5\nresponse_max: 4\n", "must be an integer"),
        ("items: [a, b\n", "not valid YAML"),
    ],
)
def test_load_scale_rejects_bad_definitions(tmp_path, text, match):
    with pytest.raises(DataError, match=match):
        load_scale(_write(tmp_path, text))


def test_load_scale_missing_file(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load_scale(tmp_path / "nope.yaml")


def test_score_scale_reverse_keys_and_applies_min_items():
    s = Scale(
        items=("a", "b", "c", "d"), response_min=1, response_max=4, reversed=("b",), min_items=3
    )
    df = pd.DataFrame(
        {"a": [4, 1, 2, 3], "b": [1, 4, None, None], "c": [4, 1, 2, None], "d": [3, 2, 2, None]}
    )
    r = score_scale(df, s)
    assert_allclose(r.scores["score"], [(4 + 4 + 4 + 3) / 4, (1 + 1 + 1 + 2) / 4, 2.0, np.nan])
    assert r.scores["n_items"].tolist() == [4, 4, 3, 1]
    summed = score_scale(df, Scale(**{**s.__dict__, "scoring": "sum"}))
    assert_allclose(summed.scores["score"], r.scores["score"] * 4)
    assert int(r.table["n_unscored"].iloc[0]) == 1
    assert "scores=" not in repr(r)  # row-level data stay out of the repr


def test_score_scale_names_row_and_item_of_out_of_range_answer(rse):
    df = pd.DataFrame({item: [2.0, 3.0, 1.0] for item in rse.items}, index=[10, 11, 12])
    df.loc[11, "rse_04"] = 5
    with pytest.raises(ValueError, match=r"item 'rse_04' has answer 5.0 in row 11"):
        score_scale(df, rse)
    df.loc[11, "rse_04"] = 2.5
    with pytest.raises(ValueError, match="whole numbers from 1 to 4"):
        score_scale(df, rse)


def test_score_scale_missing_item_column(rse):
    df = pd.DataFrame({"rse_01": [1]})
    with pytest.raises(ValueError, match=r"has no column\(s\) \['rse_02'"):
        score_scale(df, rse)


def test_an_item_nobody_answered_is_refused_and_a_mostly_blank_one_named(rse):
    q = pd.read_csv(QUESTIONNAIRE_CSV)
    match = r"item\(s\) \['rse_03'\] are missing in all .* cannot be scored as defined"
    with pytest.raises(ValueError, match=match):
        score_scale(q.assign(rse_03=np.nan), rse)
    with pytest.raises(ValueError, match=match):
        pre_post_scores(q.assign(rse_03=np.nan), rse)
    with pytest.raises(ValueError, match=r"item\(s\) \['rse_03'\] are missing in all"):
        cronbach_alpha(q.assign(rse_03=np.nan), list(rse.items))
    blank = q.assign(rse_05=q["rse_05"].where(q.index % 4 == 0))
    with pytest.warns(EvalkitWarning, match=r"item\(s\) \['rse_05'\] of scale .* missing in 7"):
        score_scale(blank, rse)


def test_shipped_questionnaire_scores_match_the_generator_rule(rse):
    q = pd.read_csv(QUESTIONNAIRE_CSV)
    r = score_scale(q, rse)
    keyed = q[list(RSE_ITEMS)].astype(float)
    keyed[list(RSE_REVERSED)] = 5 - keyed[list(RSE_REVERSED)]
    expected = keyed.mean(axis=1).where(keyed.notna().sum(axis=1) >= 8)
    assert_allclose(r.scores["score"], expected, rtol=CLOSED_FORM_RTOL)


def test_pre_post_scores_pairs_waves(rse):
    q = pd.read_csv(QUESTIONNAIRE_CSV)
    r = pre_post_scores(q, rse)
    assert r.table["n"].tolist() == [1451, 796]
    assert len(r.data) == 1451
    assert int(r.data["responded_post"].sum()) == 796
    assert "P0" not in repr(r)


def test_pre_post_scores_with_participants_derives_job_within_6_months(rse):
    from evalkit.data import load_participants, load_questionnaire

    participants = load_participants(ROOT / "evaldata" / "participants.csv").data
    q = load_questionnaire(QUESTIONNAIRE_CSV, participants=participants).data
    r = pre_post_scores(q, rse, participants=participants)
    assert len(r.data) == len(participants)
    expected = generator_job_within(participants, 183)  # the generator's definition
    assert (r.data["job_within_6_months"].to_numpy() == expected).all()
    with pytest.raises(ValueError, match="not in participants"):
        pre_post_scores(q, rse, participants=participants.iloc[10:])


def test_result_plots_return_axes(rse):
    import matplotlib.pyplot as plt

    q = pd.read_csv(QUESTIONNAIRE_CSV)
    scores = pre_post_scores(q, rse)
    ax = scores.plot()
    n_pairs = int(scores.data[["score_pre", "score_post"]].notna().all(axis=1).sum())
    assert ax.get_title() == f"{n_pairs} participants with both questionnaires"
    pre = q[q["wave"] == "pre"]
    item_analysis(pre, rse).plot()
    paired_change(scores.data, "score_pre", "score_post").plot()
    score_scale(pre, rse).plot()
    plt.close("all")
    only_pre = pre_post_scores(q[q["wave"] == "pre"], rse)
    with pytest.raises(ValueError, match="at least 10 participants with both"):
        only_pre.plot()


def test_result_plots_draw_on_the_given_axes(rse):
    import matplotlib.pyplot as plt

    q = pd.read_csv(QUESTIONNAIRE_CSV)
    scores = pre_post_scores(q, rse)
    pre = q[q["wave"] == "pre"]
    results = [
        score_scale(pre, rse),
        scores,
        item_analysis(pre, rse),
        paired_change(scores.data, "score_pre", "score_post"),
        attrition_analysis(scores.data, "score_pre", "score_post", n_imputations=2, rng=0),
    ]
    for result in results:
        fig, ax = plt.subplots()
        assert result.plot(ax=ax) is ax, type(result).__name__
        assert len(plt.get_fignums()) == 1  # no figure of its own
        plt.close(fig)


# ---------------------------------------------------------------------------- reliability
