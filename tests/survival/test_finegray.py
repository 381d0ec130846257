"""The Fine–Gray model (evalkit.survival.finegray); its coverage is checked by
simulation in test_simulation.py."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from evalkit.survival import cox_model, fine_gray_model

ITERATIVE = 1e-8  # Newton fits against another Newton fit
ITERATIVE_SE = 1e-6


def test_fine_gray_without_competing_events_is_cox(rossi):
    df = rossi.assign(e=rossi.arrest.map({1: "arrest", 0: "censored"}))
    fg = fine_gray_model(df, "week", "e", "fin + age", cause="arrest")
    cox = cox_model(rossi, "week", "arrest", "fin + age", ties="breslow", robust=True)
    assert_allclose(fg.table.log_hr, cox.table.log_hr, rtol=ITERATIVE)
    assert_allclose(fg.table.std_error, cox.table.std_error, rtol=ITERATIVE_SE)


def test_fine_gray_errors(rossi):
    df = rossi.assign(e=rossi.arrest.map({1: "arrest", 0: "censored"}))
    with pytest.raises(ValueError, match="cause must be one or several of the event types"):
        fine_gray_model(df, "week", "e", "fin", cause="job")
    with pytest.raises(TypeError):
        fine_gray_model(df, "week", "e", "fin")  # cause is required
    with pytest.raises(ValueError, match="cluster column 'site' has missing values"):
        fine_gray_model(df.assign(site=np.where(df.index == 0, None, "a")), "week", "e", "fin",
                        cause="arrest", cluster="site")
