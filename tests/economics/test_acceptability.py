"""The CEAC against its definition."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from evalkit.economics import acceptability_curve


def test_ceac_is_the_share_of_replicates_with_positive_net_benefit():
    rng = np.random.default_rng(3)
    draws = pd.DataFrame({"incremental_cost": rng.normal(150, 60, 400),
                          "incremental_effect": rng.normal(0.1, 0.06, 400)})
    wtp = np.linspace(0, 10_000, 41)
    curve = acceptability_curve(draws, wtp, point=(150.0, 0.1)).table
    by_hand = [np.mean([lam * e - c > 0 for c, e in draws.itertuples(index=False)])
               for lam in wtp]
    assert_allclose(curve["probability"], by_hand)
    assert_allclose(curve["probability"].iloc[0], np.mean(draws.incremental_cost < 0))
    assert_allclose(curve["net_benefit"], wtp * 0.1 - 150.0)


def test_ceac_needs_replicates_and_non_negative_wtp():
    empty = pd.DataFrame({"incremental_cost": [], "incremental_effect": []})
    with pytest.raises(ValueError, match="no bootstrap replicates"):
        acceptability_curve(empty, [0.0])
    one = pd.DataFrame({"incremental_cost": [1.0], "incremental_effect": [0.1]})
    with pytest.raises(ValueError, match="wtp must be finite"):
        acceptability_curve(one, [-1.0])
