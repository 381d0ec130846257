"""Nearest-neighbour matching on the logit score and matched effects."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from tests.comparison.samples import CLOSED_FORM_RTOL


def test_matching_without_replacement_respects_caliper_and_exact_strata(sample, ps):
    from evalkit.comparison import match

    m = match(sample, ps, caliper=0.2, exact=["gender"], rng=1)
    pairs = m.pairs
    assert pairs["control_row"].is_unique
    logit = np.log(ps.scores / (1 - ps.scores))
    width = 0.2 * logit.std(ddof=1)
    gap = np.abs(logit[pairs["treated_row"]] - logit[pairs["control_row"]])
    assert (gap <= width).all()
    g = sample["gender"].to_numpy()
    assert (g[pairs["treated_row"]] == g[pairs["control_row"]]).all()
    assert ps.treated[pairs["treated_row"]].all() and not ps.treated[pairs["control_row"]].any()
    counts = m.table.iloc[0]
    assert counts["n_matched"] + counts["n_unmatched"] == ps.treated.sum()
    assert m.weights.sum() == 2 * len(pairs)


def test_matching_with_replacement_takes_the_nearest_control(sample, ps):
    from evalkit.comparison import match

    m = match(sample, ps, caliper=None, replace=True)
    logit = np.log(ps.scores / (1 - ps.scores))
    controls = np.flatnonzero(~ps.treated)
    for t_row, c_row in m.pairs[["treated_row", "control_row"]].to_numpy()[:200]:
        best = np.min(np.abs(logit[controls] - logit[t_row]))
        assert_allclose(abs(logit[c_row] - logit[t_row]), best, rtol=0, atol=1e-12)
    assert len(m.pairs) == ps.treated.sum()


def test_matched_effect_is_the_paired_t_analysis(sample, ps):
    from scipy import stats

    from evalkit.comparison import match, matched_effect

    m = match(sample, ps, rng=2)
    fit = matched_effect(sample, "job_within_12m", m).table.iloc[0]
    y = sample["job_within_12m"].to_numpy(float)
    y1, y0 = y[m.pairs["treated_row"]], y[m.pairs["control_row"]]
    t = stats.ttest_rel(y1, y0)
    assert_allclose(fit["estimate"], (y1 - y0).mean(), rtol=CLOSED_FORM_RTOL)
    assert_allclose(fit["std_error"], (y1 - y0).mean() / t.statistic, rtol=CLOSED_FORM_RTOL)


def test_matched_effect_with_replacement_abadie_imbens_variance():
    """Toy data: variance = [sum (d - tau)^2 + sum K(K-1) s0^2] / n1^2 (AI 2006, M=1)."""
    from evalkit.comparison import MatchResult, matched_effect

    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    pairs = pd.DataFrame({"treated_row": [0, 1, 2, 3], "control_row": [4, 4, 5, 6]})
    pairs["pair"] = range(4)
    m = MatchResult(table=pd.DataFrame(), pairs=pairs, weights=np.ones(7), replace=True)
    fit = matched_effect(pd.DataFrame({"y": y}), "y", m).table.iloc[0]
    d = y[[0, 1, 2, 3]] - y[[4, 4, 5, 6]]
    y0 = y[[4, 4, 5, 6]]
    var = (np.sum((d - d.mean()) ** 2) + 2 * 1 * y0.var(ddof=1)) / 16
    assert_allclose(fit["estimate"], d.mean(), rtol=CLOSED_FORM_RTOL)
    assert_allclose(fit["std_error"], np.sqrt(var), rtol=CLOSED_FORM_RTOL)


def test_greedy_matching_equals_the_brute_force_search():
    """The union-find search takes what a scan of all free controls would take."""
    from evalkit.comparison.matching import _greedy_nearest

    rng = np.random.default_rng(12)
    for _ in range(300):
        m, n = rng.integers(1, 40), rng.integers(1, 40)
        controls = np.sort(rng.integers(0, 15, m) / 4)  # many ties
        queries = rng.integers(-2, 17, n) / 4
        width = rng.choice([np.inf, 0.3, 1.0])
        free = np.ones(m, dtype=bool)
        expected = []
        for x in queries:
            candidates = np.flatnonzero(free)
            if candidates.size == 0:
                expected.append(-1)
                continue
            best = candidates[np.argmin(np.abs(controls[candidates] - x))]
            if abs(controls[best] - x) <= width:
                free[best] = False
                expected.append(int(best))
            else:
                expected.append(-1)
        assert _greedy_nearest(controls, queries, width) == expected


def test_caliper_must_be_positive(sample, ps):
    from evalkit.comparison import match

    with pytest.raises(ValueError, match=r"caliper must be a positive number, but was -0\.2"):
        match(sample, ps, caliper=-0.2)
