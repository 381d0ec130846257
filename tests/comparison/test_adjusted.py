"""Propensity-weighted cumulative incidence curves."""

from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from numpy.testing import assert_allclose

from evalkit.comparison import adjusted_cumulative_incidence, programme_effect
from evalkit.survival import time_to_event


@pytest.fixture(scope="module")
def tte(sample):
    return time_to_event(sample, unit="months").data


def test_adjusted_cif_equals_the_ipw_risk_without_censoring(sample, ps, tte):
    """With follow-up beyond the horizon for all, the weighted AJ CIF is the Hajek risk."""
    horizon = 12 * 365 / (365.25)  # 365 days in months, the horizon of job_within(12)
    # Everyone in `sample` is followed >= 365 days, so nobody is censored before it.
    assert (tte.loc[tte.event.astype(str) == "censored", "time"] >= horizon).all()
    adj = adjusted_cumulative_incidence(tte, ps, horizons=[horizon], n_boot=20, rng=2)
    fit = programme_effect(sample, "job_within_12m", ps).table
    ipw = fit[(fit.method == "ipw") & (fit.measure == "risk_difference")].iloc[0]
    cif = adj.table.iloc[0]
    assert_allclose(cif["mean_treated"], ipw["mean_treated"], rtol=1e-10)
    assert_allclose(cif["mean_comparison"], ipw["mean_comparison"], rtol=1e-10)
    assert adj.table["n_boot"].iloc[0] == 20


def test_one_horizon_may_be_a_number(ps, tte):
    one = adjusted_cumulative_incidence(tte, ps, horizons=6, n_boot=3, rng=1)
    listed = adjusted_cumulative_incidence(tte, ps, horizons=[6], n_boot=3, rng=1)
    assert one.table["horizon"].tolist() == [6.0, 6.0]
    assert one.table.equals(listed.table)
    _, ax = plt.subplots()
    assert one.plot(ax=ax) is ax
    plt.close("all")


def test_adjusted_arguments_are_checked(ps, tte):
    with pytest.raises(ValueError, match="horizons must be positive numbers"):
        adjusted_cumulative_incidence(tte, ps, horizons=[6, 0])
    with pytest.raises(ValueError, match="horizons must be positive numbers"):
        adjusted_cumulative_incidence(tte, ps, horizons=[])
    with pytest.raises(ValueError, match=r"cause must be one of \[.*'job'.*\], but was 'work'"):
        adjusted_cumulative_incidence(tte, ps, cause="work")
    with pytest.raises(ValueError, match="n_boot must be an integer of at least 2, but was 1"):
        adjusted_cumulative_incidence(tte, ps, n_boot=1)
    with pytest.raises(ValueError, match="estimand must be one of"):
        adjusted_cumulative_incidence(tte, ps, estimand="ATU")



def test_notebook_03_prints_months_in_work_as_months_not_percent(ps, tte):
    """Regression (issue 16): notebook 03 printed the mean months in work of the adjusted
    curves as percentages ("416.3% / 253.0%"); its cell now shows shares and months apart."""
    import ast

    import nbformat

    from evalkit.reporting.part import ReportPart

    path = Path(__file__).resolve().parents[2] / "notebooks" / "03_programme_comparison.ipynb"
    cell = next(c for c in nbformat.read(path, as_version=4).cells if c.get("id") == "210e68ac")
    *lines, last = ast.parse(cell.source).body  # run the cell; its last expression is shown
    curves = adjusted_cumulative_incidence(tte, ps, horizons=[6, 12], n_boot=3, rng=1)
    report, shown = ReportPart(), []
    scope = {"report": report, "curves": curves, "display": shown.append}
    exec(compile(ast.Module(lines, []), "cell", "exec"), scope)
    shown.append(eval(compile(ast.Expression(last.value), "cell", "eval"), scope))
    report.notes()
    shares, months = (t.table for t in shown)
    assert list(shares.columns)[:2] == ["Measure", "Months"]  # no index column
    assert len(shares) == 2 and shares["Programme"].str.endswith("%").all()
    assert shares["Estimate"].str.endswith(" pp").all()
    assert len(months) == 1 and not months.apply(lambda c: c.str.contains("%")).any().any()
    assert float(months["Programme"].iloc[0]) == round(curves.table["mean_treated"].iloc[-1], 2)


def test_a_french_figure_draws_french_words(ps, tte):
    """Issue 16: labels, legend and the at-risk row from the catalogue, exits translated."""
    curves = adjusted_cumulative_incidence(tte, ps, horizons=[6], n_boot=3, rng=1)
    ax = curves.plot(language="fr")
    assert ax.get_xlabel() == "temps depuis l'entrée"
    assert ax.get_ylabel() == "part sortie vers : emploi (pondération ATE)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["DUO for a JOB",
                                                                    "comparaison"]
    texts = [t.get_text() for t in ax.texts]
    assert {"à risque", "comparaison"} <= set(texts) and "at risk" not in texts
    plt.close("all")
