"""DeLong AUC: scikit-learn ``roc_auc_score`` and a brute-force DeLong variance."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from sklearn.metrics import roc_auc_score

from evalkit.predictors import delong_auc
from tests.predictors.shared import CLOSED_FORM_RTOL


def test_delong_auc_matches_sklearn_and_a_brute_force_variance():
    rng = np.random.default_rng(3)
    y = rng.random(300) < 0.4
    a = y + rng.normal(0, 1.0, 300)
    b = np.round(y * 0.5 + rng.normal(0, 1.0, 300), 1)  # with ties
    result = delong_auc(y, np.vstack([a, b]))
    auc, cov = result.auc, result.cov
    assert_allclose(auc, [roc_auc_score(y, a), roc_auc_score(y, b)], rtol=CLOSED_FORM_RTOL)

    def components(s):
        pos, neg = s[y], s[~y]
        psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
        return psi.mean(axis=1), psi.mean(axis=0)

    (v10a, v01a), (v10b, v01b) = components(a), components(b)
    expected = (
        np.cov(np.vstack([v10a, v10b])) / y.sum() + np.cov(np.vstack([v01a, v01b])) / (~y).sum()
    )
    assert_allclose(cov, expected, rtol=CLOSED_FORM_RTOL)
    # Singleton clusters: Obuchowski's variance is DeLong's with (k-1)/k and I/(I-1) factors.
    clustered = delong_auc(y, np.vstack([a, b]), clusters=np.arange(300)).cov
    m, n = y.sum(), (~y).sum()
    s10 = np.cov(np.vstack([v10a, v10b]))
    s01 = np.cov(np.vstack([v01a, v01b]))
    expected = 300 / 299 * ((m - 1) / m**2 * s10 + (n - 1) / n**2 * s01)
    assert_allclose(clustered, expected, rtol=CLOSED_FORM_RTOL)
    with pytest.raises(ValueError, match="needs both outcomes"):
        delong_auc(np.zeros(5), np.arange(5.0))


def test_delong_auc_result_table_has_logit_intervals():
    """The table's estimate and SE are the AUC and sqrt(var); the interval is
    expit(logit(A) ± z SE / (A (1 - A))) (Pepe 2003, 4.3)."""
    rng = np.random.default_rng(4)
    y = rng.random(200) < 0.3
    scores = np.vstack([y + rng.normal(0, 1.0, 200), rng.normal(0, 1.0, 200)])
    clusters = rng.integers(0, 30, 200)
    for kw, method in (({}, "delong"), ({"clusters": clusters}, "obuchowski")):
        r = delong_auc(y, scores, conf_level=0.9, **kw)
        assert r.method == method and r.conf_level == 0.9
        assert r.n == 200 and r.n_events == int(y.sum())
        assert r.n_clusters == (None if not kw else len(np.unique(clusters)))
        t = r.table
        assert list(t.columns) == [
            "model",
            "estimate",
            "std_error",
            "ci_low",
            "ci_high",
            "n",
            "n_events",
        ]
        assert_allclose(t["estimate"], r.auc, rtol=0)
        assert_allclose(t["std_error"], np.sqrt(np.diag(r.cov)), rtol=0)
        a, se, z = t["estimate"], t["std_error"], stats.norm.isf(0.05)
        logit, half = np.log(a / (1 - a)), z * se / (a * (1 - a))
        assert_allclose(t["ci_low"], 1 / (1 + np.exp(-(logit - half))), rtol=CLOSED_FORM_RTOL)
        assert_allclose(t["ci_high"], 1 / (1 + np.exp(-(logit + half))), rtol=CLOSED_FORM_RTOL)
        assert "<b>AUCResult</b>" in r._repr_html_()


def test_delong_auc_argument_errors():
    y = np.array([0, 1, 0, 1, 1, 0])
    scores = np.arange(6.0)
    with pytest.raises(ValueError, match=r"one column per person \(6\), but has shape \(1, 5\)"):
        delong_auc(y, scores[:5])
    with pytest.raises(ValueError, match="at least 2 clusters, but clusters has 1"):
        delong_auc(y, scores, clusters=np.zeros(6))
    with pytest.raises(ValueError, match="6 people, but has 6 entries, 1 of them missing"):
        delong_auc(y, scores, clusters=np.array([1, 2, 3, np.nan, 1, 2]))
    with pytest.raises(ValueError, match="conf_level must be a float in the range"):
        delong_auc(y, scores, conf_level=95)
