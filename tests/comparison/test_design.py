"""Design matrices of formulas: the fast path equals formulaic; unused levels are left out."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from evalkit.comparison._design import formula_design


def test_fast_design_matrix_equals_formulaic():
    from formulaic import model_matrix as formulaic_matrix

    from evalkit._stats.formula import model_matrix

    rng = np.random.default_rng(2)
    df = pd.DataFrame(
        {"a": rng.normal(size=50), "b": rng.integers(0, 5, 50), "flag": rng.random(50) < 0.5}
    )
    x, names = model_matrix(df, " a + b ")
    reference = formulaic_matrix("1 + a + b", df)
    assert names == list(reference.columns)
    assert_allclose(x, reference.to_numpy(), rtol=0)
    x, names = model_matrix(df, "a + flag")  # booleans are categorical: formulaic's path
    assert names == list(formulaic_matrix("1 + a + flag", df).columns)
    df.loc[[3, 7], "b"] = np.nan
    with pytest.raises(ValueError, match=r"columns \['b'\] have missing values"):
        model_matrix(df, "a + b")


def test_formula_design_leaves_out_levels_nobody_has():
    data = pd.DataFrame(
        {
            "g": ["a", "b", "a", "b"],
            "c": pd.Categorical(["p", "q", "q", "p"], categories=["p", "q", "r"]),
            "x": [0.5, 1.0, 2.0, 0.0],
        }
    )
    group, x, names = formula_design(data, "g ~ C(c) + x")
    assert group == "g"
    assert names == ["Intercept", "C(c)[T.q]", "x"]
    assert_allclose(x, [[1, 0, 0.5], [1, 1, 1.0], [1, 1, 2.0], [1, 0, 0.0]], rtol=0)
