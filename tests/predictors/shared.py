"""Constants and helpers shared by the tests of evalkit.predictors."""

from evalkit.predictors.learners import _kinds

#: Same maximum-likelihood model fitted by another algorithm, both converged tightly.
SAME_FIT_RTOL = 1e-8
#: Closed-form identities (DeLong pieces, AME by counterfactual prediction).
CLOSED_FORM_RTOL = 1e-10
#: Delta-method SE against a numerical Jacobian (central differences).
NUMERIC_SE_RTOL = 1e-5
#: Published estimates are printed to 3 significant digits.
PUBLISHED_ATOL = 5e-4

FORMULA = (
    "job_within_12m ~ age + education + language_level + months_unemployed"
    " + single_parent + programme"
)
PREDICTORS = [
    "age",
    "education",
    "language_level",
    "months_unemployed",
    "single_parent",
    "programme",
    "gender",
]
MROZ_X = ["nwifeinc", "educ", "exper", "age", "kidslt6", "kidsge6"]

CV_OPTIONS = dict(
    fold_group="mentor_id",
    n_splits=3,
    n_repeats=2,
    n_permutations=2,
    n_partial_dependence=2,
    subgroups=["programme", "gender", "age"],
    subgroup_bins={"age": [16, 26, 34, 46, 71]},
    cluster="mentor_id",
    rng=7,
)
# One repetition, no permutations or partial dependence: the metrics alone, quickly.
METRICS_ONLY = dict(
    fold_group="mentor_id", n_splits=4, n_repeats=1, n_permutations=0, n_partial_dependence=0, rng=1
)


def predictor_frame(data, categorical_dtype=object):
    """The predictor frame as cross_validate_models builds it (numeric: float)."""
    x = data[PREDICTORS]
    numeric, categorical = _kinds(x)
    x = x.astype({c: float for c in numeric} | {c: categorical_dtype for c in categorical})
    return x.reset_index(drop=True), numeric, categorical
