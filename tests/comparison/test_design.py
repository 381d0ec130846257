"""Design matrices of formulas: the fast path equals formulaic."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose


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
