"""The predictors' published tables: no count of 1-9 people, estimates of rare levels and
small subgroups blank, rounded (issue 15: the cross-validation subgroup table and the odds
ratios of report 04 may hold small groups)."""

import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from evalkit import EvalkitWarning
from evalkit.predictors import cross_validate_models, delong_auc, odds_ratios
from evalkit.reporting.disclosure import publish
from tests.predictors.shared import FORMULA, PREDICTORS
from tests.published import assert_safely_published

GENDER_FORMULA = FORMULA + " + gender"


@pytest.fixture(scope="module")
def few_x(data):
    """The sample with 4 people of gender "x" left (the rest of them dropped)."""
    x = np.flatnonzero(data["gender"] == "x")
    return data.drop(index=data.index[x[4:]]).reset_index(drop=True)


def test_odds_ratios_of_a_level_few_people_have_are_blank_when_published(few_x):
    fit = odds_ratios(few_x, GENDER_FORMULA)
    row = fit.table.set_index("term").loc["gender[T.x]"]
    assert (row["n_with"], row["n_without"]) == (4, len(few_x) - 4)
    assert np.isfinite(row["estimate"])  # the analysis table keeps it
    out = assert_safely_published(fit).set_index("term")
    assert out.loc["gender[T.x]", ["estimate", "ci_low", "p_value", "n_without"]].isna().all()
    assert out.drop(index="gender[T.x]")["estimate"].notna().all()
    effects = assert_safely_published(fit, "marginal_effects")
    x = (effects["variable"] == "gender") & (effects["level"] == "x")
    assert effects.loc[x, "estimate"].isna().all() and effects.loc[~x, "estimate"].notna().all()
    # The published table blanks exactly the levels rare_indicators names.
    flagged = odds_ratios(few_x, GENDER_FORMULA, min_count=10).table
    assert out["estimate"].isna().tolist() == flagged["suppressed"].tolist()
    ax = fit.plot(threshold=10)
    assert np.isnan(ax.lines[0].get_xdata()[list(out.index).index("gender[T.x]")])
    plt.close("all")


def test_subgroup_events_below_the_threshold_are_suppressed_within_their_variable(cv):
    table = cv.subgroups
    assert ((table["n_events"] + table["n_non_events"]) == table["n"]).all()
    out = assert_safely_published(cv, "subgroups")
    # Gender "x": 10 people, 6 with a job and 4 without: both counts and the rates go.
    x = out["level"] == "x"
    assert out.loc[x, ["n_events", "n_non_events", "n", "observed", "auc"]].isna().all(axis=None)
    # No subgroup variable leaves one hidden count to subtract from its known total.
    for measure in ("n_events", "n_non_events"):
        hidden = out[measure].isna().groupby([out["model"], out["variable"]]).sum()
        assert not (hidden == 1).any(), measure


def test_subgroups_suppressed_by_the_analysis_stay_hidden_when_published(cv):
    small = cv.subgroups.copy()
    rows = small.index[small["variable"] == "age"][:2]  # one age band, both models
    small.loc[rows, ["n", "n_events", "n_non_events", "observed"]] = pd.NA
    result = dataclasses.replace(cv, subgroups=small)
    out = assert_safely_published(result, "subgroups")
    assert out.loc[rows, "n_events"].isna().all()
    hidden = out["n_events"].isna().groupby([out["model"], out["variable"]]).sum()
    assert not (hidden == 1).any()


def test_metrics_calibration_and_auc_publish_safely(cv):
    assert_safely_published(cv)
    assert_safely_published(cv, "folds")
    calibration = cv.calibration.copy()
    calibration.loc[0, "n"] = 4.5  # a tenth of fewer than 10 people (per repetition)
    small = dataclasses.replace(cv, calibration=calibration)
    assert np.isnan(assert_safely_published(small, "calibration").loc[0, "observed"])
    ax = small.plot()
    assert len(ax.lines[0].get_xdata()) == (calibration["model"] == cv.models[0]).sum() - 1
    plt.close("all")
    rng = np.random.default_rng(3)
    y = np.r_[np.ones(5), np.zeros(60)].astype(bool)
    auc = delong_auc(y, rng.normal(size=(1, 65)) + y)
    out = assert_safely_published(auc)
    assert out[["n_events", "estimate", "ci_low"]].isna().all(axis=None)


def test_threshold_arguments_are_checked_before_fitting(data):
    with pytest.raises(ValueError, match="min_count must be an integer of at least 5, but was 3"):
        odds_ratios(data, FORMULA, min_count=3)
    with pytest.raises(
        ValueError, match="min_subgroup_size must be an integer of at least 5, but was 4"
    ):
        cross_validate_models(data, "job_within_12m", PREDICTORS, fold_group="mentor_id",
                              min_subgroup_size=4)
    with pytest.raises(ValueError, match="threshold must be an integer of at least 5"):
        publish(odds_ratios(data, FORMULA), threshold=1)


def test_an_auc_with_few_non_events_is_blank_though_its_n_and_events_are_large():
    # 40 people, 33 with the event: the 7 without it are n - n_events.
    rng = np.random.default_rng(3)
    y = np.r_[np.ones(33), np.zeros(7)]
    out = publish(delong_auc(y, rng.normal(size=(1, 40)) + y)).table
    assert out["n"].tolist() == [40]
    assert out[["n_events", "estimate", "ci_low", "ci_high"]].isna().all().all()


def test_the_fit_summary_and_the_intercept_row_publish_safely(few_x):
    fit = odds_ratios(few_x, GENDER_FORMULA, intercept=True)
    summary = assert_safely_published(fit, "summary")
    assert summary[["loglik", "pseudo_r2", "aic"]].notna().all(axis=None)
    table = assert_safely_published(fit).set_index("term")
    assert table.loc["Intercept", "estimate"] == round(fit.table["estimate"].iloc[0], 3)
    assert np.isnan(table.loc["gender[T.x]", "estimate"])
    # 5 non-events: n - n_events is a small count, so n_events is hidden (n stays)
    y = few_x["job_within_12m"].astype(bool)
    rows = few_x[y].index.union(few_x[~y].index[:5])
    with pytest.warns(EvalkitWarning, match="events per coefficient"):
        few = odds_ratios(few_x.loc[rows], "job_within_12m ~ age")
    shown = publish(few, "summary").table
    assert shown["n_events"].isna().all() and shown["n"].notna().all()
