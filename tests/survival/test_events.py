"""Analysis data from the participants table (evalkit.survival.events.time_to_event)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from evalkit.data.schema import EXIT_GROUPS
from evalkit.survival import time_to_event


def _participants():
    return pd.DataFrame({
        "intake_date": pd.to_datetime(["2020-01-01"] * 4),
        "exit_date": pd.to_datetime(["2020-02-01", "2020-04-01", None, "2020-01-01"]),
        "follow_up_end": pd.to_datetime(["2021-01-01"] * 4),
        "exit_type": ["job_permanent", "training", "censored", "dropout"],
    })


def test_time_to_event_months_and_groups():
    res = time_to_event(_participants())
    assert_allclose(res.data.time, np.array([31, 91, 366, 0]) / (365.25 / 12))
    assert list(res.data.event) == ["job", "training", "censored", "dropout"]
    assert list(res.data.event.cat.categories) == ["job", "training", "dropout", "censored"]
    assert res.table.n.sum() == 4


def test_time_to_event_errors():
    df = _participants()
    with pytest.raises(ValueError, match=r"exit types \['job_permanent'\] .* have no group"):
        time_to_event(df, exit_groups={"training": "training", "censored": "censored",
                                       "dropout": "dropout"})
    bad = df.assign(exit_date=df.exit_date.where(df.index != 0))
    with pytest.raises(ValueError, match="1 row\\(s\\) have an exit but no 'exit_date'"):
        time_to_event(bad)
    early = df.assign(exit_date=pd.to_datetime(["2019-12-01", "2020-04-01", None, "2020-01-01"]))
    with pytest.raises(ValueError, match="end before they start"):
        time_to_event(early)
    with pytest.raises(ValueError, match="unit must be one of"):
        time_to_event(df, unit="fortnights")
    with pytest.raises(ValueError, match="must hold dates"):
        time_to_event(df.assign(intake_date="2020-01-01"))


def test_time_to_event_keeps_the_exit_groups():
    res = time_to_event(_participants(), exit_groups={**EXIT_GROUPS, "dropout": "training"})
    assert res.exit_groups["dropout"] == "training"
    assert list(res.data.event) == ["job", "training", "censored", "training"]
    assert list(res.data.event.cat.categories) == ["job", "training", "censored"]
