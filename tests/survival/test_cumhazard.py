"""The Nelson–Aalen cumulative hazard (evalkit.survival.cumhazard).

References: lifelines' NelsonAalenFitter (estimate, Aalen variance and log interval on
untied times; the estimate without smoothing on tied times) and scikit-survival's
nelson_aalen_estimator, on the Rossi and UnempDur data (see conftest.py).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from lifelines import NelsonAalenFitter
from numpy.testing import assert_allclose
from sksurv.nonparametric import nelson_aalen_estimator

from evalkit.errors import DisclosureWarning
from evalkit.reporting import publish
from evalkit.survival import kaplan_meier, nelson_aalen

CLOSED_FORM = 1e-10  # same formula, same data: floating point only


def test_nelson_aalen_matches_lifelines_on_untied_times(rossi):
    df = rossi.assign(week=rossi.week + np.arange(len(rossi)) * 1e-4)
    na = nelson_aalen(df, "week", "arrest", group="fin", conf_level=0.9)
    for g in (0, 1):
        sub = df[df.fin == g]
        tab = na.table[na.table.group == g]
        ll = NelsonAalenFitter(alpha=0.1).fit(sub.week, sub.arrest)
        assert_allclose(tab.estimate, ll.cumulative_hazard_.loc[tab.time].iloc[:, 0],
                        rtol=CLOSED_FORM)
        assert_allclose(tab.std_error**2, ll._cumulative_sq.loc[tab.time], rtol=CLOSED_FORM)
        ci = ll.confidence_interval_.loc[tab.time].to_numpy()
        assert_allclose(tab[["ci_low", "ci_high"]], ci, rtol=CLOSED_FORM)


def test_nelson_aalen_estimate_on_tied_times_matches_lifelines_and_scikit_survival(unempdur):
    na = nelson_aalen(unempdur, "spell", "exit", cause="full_time")
    event = (unempdur.exit == "full_time").to_numpy()
    times, cumhaz = nelson_aalen_estimator(event, unempdur.spell.to_numpy())
    assert_allclose(na.table.time, times)
    assert_allclose(na.table.estimate, cumhaz, rtol=CLOSED_FORM)
    ll = NelsonAalenFitter(nelson_aalen_smoothing=False).fit(unempdur.spell, event)
    assert_allclose(na.table.estimate, ll.cumulative_hazard_.loc[na.table.time].iloc[:, 0],
                    rtol=CLOSED_FORM)
    # Aalen's variance sum d / n^2 (R's survfit std.chaz with ctype = 1)
    t = na.table
    assert_allclose(t.std_error**2, np.cumsum(t.n_events / t.n_risk**2), rtol=CLOSED_FORM)


def test_nelson_aalen_weights_and_plain_interval(rossi):
    plain = nelson_aalen(rossi, "week", "arrest").table
    unit = nelson_aalen(rossi.assign(w=1.0), "week", "arrest", weights="w").table
    assert_allclose(unit[["estimate", "std_error"]], plain[["estimate", "std_error"]],
                    rtol=CLOSED_FORM)
    w = (np.arange(len(rossi)) % 3 + 1).astype(float)
    weighted = nelson_aalen(rossi.assign(w=w), "week", "arrest", weights="w").table
    replicated = nelson_aalen(rossi.loc[rossi.index.repeat(w.astype(int))], "week",
                              "arrest").table
    assert_allclose(weighted.estimate, replicated.estimate, rtol=CLOSED_FORM)
    wide = nelson_aalen(rossi, "week", "arrest", conf_type="plain").table
    assert_allclose(wide.ci_high - wide.estimate, 1.959963984540054 * wide.std_error,
                    rtol=1e-9)
    assert (wide.ci_low >= 0).all()
    # exp(-H) stays above the Kaplan-Meier curve (log(1 - x) <= -x), close while d/n is small
    km = kaplan_meier(rossi, "week", "arrest").table
    assert (np.exp(-plain.estimate) >= km.estimate - 1e-15).all()
    assert np.max(np.abs(np.exp(-plain.estimate) - km.estimate)) < 0.002


def test_nelson_aalen_at_plot_and_publication(rossi):
    na = nelson_aalen(rossi, "week", "arrest", group="fin")
    at = na.at([0.5, 10, 52])
    assert at.loc[at.time == 0.5, "estimate"].eq(0).all()
    for g in (0, 1):
        tab = na.table[(na.table.group == g) & (na.table.time <= 10)]
        got = at[(at.group == g) & (at.time == 10)]
        assert got.estimate.iloc[0] == tab.estimate.iloc[-1]
    ax = na.plot()
    assert ax.get_ylabel() == "cumulative hazard: any exit"
    _, given = plt.subplots()
    assert na.plot(ax=given, risk_counts=False) is given
    plt.close("all")
    shown = publish(na).table
    assert (shown["n_risk"] >= 10).all()
    with pytest.warns(DisclosureWarning):
        na.plot(threshold=5)
    plt.close("all")


def test_nelson_aalen_errors(rossi):
    with pytest.raises(ValueError, match="conf_type must be one of"):
        nelson_aalen(rossi, "week", "arrest", conf_type="log-log")
    with pytest.raises(ValueError, match="cause must be one or several of the event types"):
        nelson_aalen(rossi, "week", "arrest", cause="job")
    with pytest.raises(ValueError, match="horizons must be positive"):
        nelson_aalen(rossi, "week", "arrest").at(-1)
    with pytest.raises(TypeError):
        nelson_aalen([1, 2, 3])
    with pytest.raises(ValueError, match="time column 'time' has negative values"):
        nelson_aalen(pd.DataFrame({"time": [-1.0, 2.0], "event": [1, 0]}))


def test_nelson_aalen_plot_in_the_language(rossi):
    ax = nelson_aalen(rossi, "week", "arrest", group="fin").plot(language="fr")
    assert ax.get_xlabel() == "temps" and ax.get_ylabel().startswith("risque cumulé : ")
    assert "à risque" in [t.get_text() for t in ax.texts]
    plt.close("all")
