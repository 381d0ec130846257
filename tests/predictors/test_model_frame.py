"""The logistic model's frame and design: reference levels, unused levels, outcome and
missing-value checks, separation and collinearity refused with the culprit named.
"""

import numpy as np
import pandas as pd
import pytest

from evalkit.predictors import odds_ratios
from tests.predictors.shared import FORMULA


def test_reference_levels_are_explicit_and_reported(data):
    result = odds_ratios(
        data, FORMULA, reference={"education": "tertiary", "programme": "Team4Job"}
    )
    t = result.table.set_index("term")
    assert t.loc["programme[T.DUO for a JOB]", "reference"] == "Team4Job"
    assert set(t.loc[t["variable"] == "education", "reference"]) == {"tertiary"}
    assert "education[T.tertiary]" not in t.index
    assert t.loc["language_level[T.A2]", "reference"] == "A1"  # dictionary order: first level
    assert t.loc["age", "level"] is None and t.loc["age", "reference"] is None
    with pytest.raises(ValueError, match="reference level 'PhD' of 'education' is not among"):
        odds_ratios(data, FORMULA, reference={"education": "PhD"})
    with pytest.raises(ValueError, match=r"reference names \['site'\], which are not variables"):
        odds_ratios(data, FORMULA, reference={"site": "Ghent"})


def test_unused_levels_after_subsetting_are_dropped(data):
    subset = data[data["education"] != "primary"]  # Categorical keeps 'primary' as a category
    result = odds_ratios(subset, FORMULA)
    assert not result.table["term"].str.contains("primary]").any()
    assert result.n == len(subset)


def test_outcome_and_missing_values_are_checked(data):
    as_bool = data.assign(job=data["job_within_12m"].astype(bool))
    r = odds_ratios(as_bool, FORMULA.replace("job_within_12m", "job"))
    assert r.n_events == int(data["job_within_12m"].sum())
    with pytest.raises(ValueError, match=r"outcome 'exit_type' must be 0/1 or boolean"):
        odds_ratios(data, "exit_type ~ age")
    holes = data.assign(age=data["age"].astype(float).mask(data.index < 7))
    with pytest.raises(ValueError, match=r"missing values in the model's columns \{'age': 7\}"):
        odds_ratios(holes, FORMULA)
    with pytest.raises(ValueError, match="formula must be 'outcome ~ terms'"):
        odds_ratios(data, "age + programme")
    with pytest.raises(ValueError, match=r"formula uses \['motivation'\], which are not columns"):
        odds_ratios(data, "job_within_12m ~ age + motivation")


def test_separation_is_named_not_fitted(data):
    separated = data.assign(language_level=data["language_level"].cat.add_categories("native"))
    separated.loc[separated.index[:12], "language_level"] = "native"
    separated.loc[separated.index[:12], "job_within_12m"] = 1.0
    with pytest.raises(ValueError, match=r"separation: language_level = 'native': 12 people, all"):
        odds_ratios(separated, FORMULA)
    # complete separation on a numeric predictor
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.normal(40, 10, 300)})
    frame["y"] = (frame["age"] > 40).astype(int)
    with pytest.raises(ValueError, match=r"separation: the outcome is perfectly predicted"):
        odds_ratios(frame, "y ~ age")
    # a large but finite coefficient (predictor in small units) is not separation
    frame = pd.DataFrame({"age": rng.normal(0, 0.02, 3000)})
    frame["y"] = (rng.random(3000) < 1 / (1 + np.exp(-30 * frame["age"]))).astype(int)
    assert odds_ratios(frame, "y ~ age").table.loc[0, "log_odds_ratio"] > 10


def test_collinear_terms_are_refused(data):
    frame = data.assign(age_again=data["age"] * 2.0)
    with pytest.raises(
        ValueError, match=r"rank 2 but 3 columns: \['age', 'age_again'\] are collinear"
    ):
        odds_ratios(frame, "job_within_12m ~ age + age_again")
