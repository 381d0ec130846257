"""Cumulative incidence at horizons and differences (evalkit.survival.difference)."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from evalkit import EvalkitWarning
from evalkit.survival import cumulative_incidence, survival_difference

CLOSED_FORM = 1e-10  # same formula, same data: floating point only


def test_survival_difference_at_horizons(unempdur):
    res = survival_difference(unempdur, "spell", "exit", group="ui", cause="full_time",
                              horizons=[3, 6, 12])
    cif = cumulative_incidence(unempdur, "spell", "exit", group="ui")
    for h in (3, 6, 12):
        at = cif.at(h).query("cause == 'full_time'")
        got = res.table[res.table.horizon == h]
        assert_allclose(got.estimate, at.estimate, rtol=CLOSED_FORM)
        assert_allclose(got.std_error, at.std_error, rtol=CLOSED_FORM)
    d = res.differences.iloc[0]
    a, b = res.table.iloc[3], res.table.iloc[0]
    assert_allclose(d.estimate, a.estimate - b.estimate)
    assert d.contrast == "yes − no"


def test_survival_difference_horizon_beyond_follow_up_is_nan_with_reason(unempdur):
    with pytest.warns(EvalkitWarning, match="beyond the last follow-up time 2[78]"):
        res = survival_difference(unempdur, "spell", "exit", group="ui", horizons=[6, 40])
    late = res.table[res.table.horizon == 40]
    assert late.estimate.isna().all()
    assert late.note.str.contains("beyond").all()


def test_survival_difference_errors(rossi):
    with pytest.raises(ValueError, match="horizons must be positive"):
        survival_difference(rossi, "week", "arrest", group="fin", horizons=[-1])
    with pytest.raises(ValueError, match="group is required"):
        survival_difference(rossi, "week", "arrest")
    with pytest.raises(ValueError, match="reference must be one of"):
        survival_difference(rossi, "week", "arrest", group="fin", reference=2)


def test_plot_returns_axes(unempdur):
    import matplotlib.pyplot as plt

    survival_difference(unempdur, "spell", "exit", group="ui", horizons=[3, 6]).plot()
    _, given = plt.subplots()
    res = survival_difference(unempdur, "spell", "exit", group="ui", horizons=[3],
                              cause="full_time")
    assert res.plot(ax=given) is given
    plt.close("all")


def test_plot_labels_its_axes_in_the_language(unempdur):
    import matplotlib.pyplot as plt

    ax = survival_difference(unempdur, "spell", "exit", group="ui", horizons=[3],
                             cause="full_time").plot(language="nl")
    assert ax.get_xlabel() == "horizon"
    assert ax.get_ylabel().startswith("cumulatieve incidentie: ")
    plt.close("all")
