"""The leakage guard: only columns known at intake may be predictors."""

import numpy as np
import pytest

from evalkit import EvalkitWarning
from evalkit.predictors import check_predictors, cross_validate_models, odds_ratios
from tests.predictors.shared import FORMULA


def test_leakage_guard_refuses_post_intake_columns_ids_and_outcomes(data):
    for column in ("exit_type", "duo_completed", "first_meeting_dropout", "follow_up_end"):
        with pytest.raises(ValueError, match=rf"\['{column}'\] are only known after intake"):
            check_predictors(["age", column])
    with pytest.raises(ValueError, match="are identifiers"):
        check_predictors(["mentor_id"])
    with pytest.raises(ValueError, match="are outcomes"):
        check_predictors(["job_within_6m"])
    with pytest.raises(ValueError, match="are outcomes"):
        check_predictors(["age", "y"], outcome="y", intake_columns=["y"])
    with pytest.raises(ValueError, match=r"\['days_to_exit'\] are not in the data dictionary"):
        check_predictors(["age", "days_to_exit"])
    check_predictors(["age", "cohort", "pre_score"], intake_columns=["pre_score"])
    with pytest.raises(ValueError, match=r"\['exit_type'\] are only known after intake"):
        cross_validate_models(data, "job_within_12m", ["age", "exit_type"], fold_group="mentor_id")


def test_association_models_take_any_column_but_warn_about_post_intake_ones(data):
    """Issue 17: the leakage guard is for prediction; odds_ratios (an association model)
    accepts columns outside the dictionary, warns about post-intake ones, refuses ids."""
    with pytest.warns(EvalkitWarning, match=r"\['duo_completed'\] are only known after intake"):
        fit = odds_ratios(data, FORMULA + " + duo_completed")
    assert "duo_completed[T.True]" in set(fit.table["term"])
    with pytest.warns(EvalkitWarning, match=r"\['job_within_6m'\] are only known after"):
        odds_ratios(data.assign(job_within_6m=data["job_within_12m"].sample(
            frac=1.0, random_state=1).to_numpy()), FORMULA + " + job_within_6m")
    noise = np.random.default_rng(3).normal(size=len(data))
    fit = odds_ratios(data.assign(noise=noise), FORMULA + " + noise")  # no warning
    assert fit.table["term"].iloc[-1] == "noise"
    with pytest.raises(ValueError, match=r"predictors \['mentor_id'\] are not allowed"):
        odds_ratios(data, FORMULA + " + mentor_id")
    with pytest.warns(DeprecationWarning, match=r"intake_columns=...\) has no effect"):
        odds_ratios(data.assign(noise=noise), FORMULA + " + noise", intake_columns=["noise"])


def test_no_predictors_are_refused(data):
    with pytest.raises(ValueError, match="predictors is empty"):
        check_predictors([])
    with pytest.raises(ValueError, match="predictors is empty"):
        cross_validate_models(data, "job_within_12m", [], fold_group="mentor_id")
