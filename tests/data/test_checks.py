"""Row checks: the range and required-value checks give pandera's failures.

``_schema_problems`` runs the checks of the pandera schema built from the data
dictionary (``_pandera_schema``) as numpy comparisons; on random parsed tables (values in
and out of range, missing, unparseable) it rejects the same cells with the same reasons
as pandera's lazy validation, which the loader used before issue 18.
"""

import warnings

import numpy as np
import pandas as pd
import pandera.pandas as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from evalkit.data.checks import _pandera_schema, _range_reason, _schema_problems
from evalkit.data.rejected import _Problems
from evalkit.data.schema import COSTS, PARTICIPANTS, QUESTIONNAIRE


def _pandera_problems(table, parsed, text, problems):
    """The loader's checks before issue 18: pandera's lazy validation, its failure cases."""
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "The behavior of DataFrame concatenation",
                                    FutureWarning)
            _pandera_schema(table).validate(parsed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.dropna(subset=["index"])
        for (name, check), group in cases.groupby(["column", "check"], sort=False):
            positions = group["index"].astype("int64").to_numpy()
            if check == "not_nullable":
                positions = positions[text[name].reindex(positions).isna().to_numpy()]
                problems.add(positions, name, None, "missing value (required)")
            else:
                problems.add(positions, name, text[name], _range_reason(table[name]))


def _parsed_table(table, rng, n):
    """Parsed values of every kind, some out of range, missing or unparseable."""
    parsed, text = {}, {}
    for column in table.columns:
        missing = rng.random(n) < 0.2
        if column.kind in {"integer", "number"}:
            low = -5 if column.minimum is None else column.minimum - 3
            high = 500 if column.maximum is None else column.maximum + 3
            values = pd.array(rng.integers(low, high + 1, n).astype(float), dtype="Float64")
        elif column.kind == "date":
            values = pd.Series(pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 900, n),
                                                                            unit="D")).array
        elif column.kind == "boolean":
            values = pd.array(rng.random(n) < 0.5, dtype="boolean")
        else:
            values = pd.array([f"v{k}" for k in rng.integers(0, 5, n)], dtype="string")
        values = pd.Series(values)
        values[missing] = None
        parsed[column.name] = values
        shown = values.astype("string")
        unparseable = missing & (rng.random(n) < 0.5)  # present in the file, not parsed
        shown[unparseable] = "??"
        text[column.name] = shown
    index = pd.Index(np.sort(rng.choice(2 * n, n, replace=False)))  # rows left after empty ones
    return pd.DataFrame(parsed).set_axis(index), pd.DataFrame(text).set_axis(index)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60),
       which=st.sampled_from([PARTICIPANTS, QUESTIONNAIRE, COSTS]))
def test_range_and_required_checks_reject_what_pandera_rejects(seed, n, which):
    parsed, text = _parsed_table(which, np.random.default_rng(seed), n)
    text = text.reindex(range(2 * n))
    ours, theirs = _Problems(), _Problems()
    _schema_problems(which, parsed, text, ours)
    _pandera_problems(which, parsed, text, theirs)
    pd.testing.assert_frame_equal(ours.frame(), theirs.frame())


def test_a_value_out_of_range_is_rejected_with_the_range():
    parsed = pd.DataFrame({c.name: pd.Series([None], dtype=object) for c in COSTS.columns})
    parsed["year"] = pd.array([1999.0], dtype="Float64")
    text = parsed.astype("string")
    problems = _Problems()
    _schema_problems(COSTS, parsed, text, problems)
    reasons = problems.frame().set_index("column")["reason"]
    assert reasons["year"] == _range_reason(COSTS["year"])
    assert reasons["programme"] == "missing value (required)"
