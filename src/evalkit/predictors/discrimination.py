"""Discrimination: the AUC of several scores with DeLong's (or clustered) covariance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from evalkit._results import TableResult
from evalkit._stats.intervals import normal_quantile
from evalkit._stats.logistic import expit
from evalkit._validation import check_conf_level, check_scores
from evalkit.reporting.disclosure import PublicationSpec

__all__ = ["AUCResult", "delong_auc"]


@dataclass(frozen=True)
class AUCResult(TableResult):
    """AUCs of several scores for the same people, with their covariance.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per score (row of ``scores``): ``model`` (its position, 0 first),
        ``estimate`` (AUC), ``std_error``, ``ci_low``, ``ci_high`` (on the logit scale,
        so within 0 and 1; missing for an AUC of 0 or 1), ``n`` (people scored),
        ``n_events`` (people with outcome 1).
    method : str
        ``"delong"`` (independent people) or ``"obuchowski"`` (clustered).
    n : int
        People scored.
    n_events : int
        People with outcome 1.
    n_clusters : int or None
        Clusters of the clustered covariance.
    conf_level : float
        Confidence level of the intervals.
    auc : numpy.ndarray, shape (n_models,)
        The AUCs (the table's ``estimate``).
    cov : numpy.ndarray, shape (n_models, n_models)
        Their covariance matrix: the variance of a difference of two AUCs is
        ``cov[i, i] + cov[j, j] - 2 cov[i, j]`` (paired on the same people).
    """

    table: pd.DataFrame
    method: str
    n: int
    n_events: int
    n_clusters: int | None
    conf_level: float
    auc: np.ndarray = field(repr=False)
    cov: np.ndarray = field(repr=False)

    #: How the table is published: an AUC of fewer than the threshold people, events
    #: or non-events (``n - n_events``) is blanked with its counts; rounded.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n", "n_events"),
            complements=(("n", "n_events"),),
            derived=("estimate", "std_error", "ci_low", "ci_high"),
            decimals=dict.fromkeys(("estimate", "std_error", "ci_low", "ci_high"), 3),
        ),
    }


def delong_auc(
    y: np.ndarray,
    scores: np.ndarray,
    *,
    clusters: np.ndarray | None = None,
    conf_level: float = 0.95,
) -> AUCResult:
    """AUCs of several score vectors and their covariance matrix (DeLong; clustered).

    Parameters
    ----------
    y : array of 0/1
        Outcomes.
    scores : array, shape (n_models, n)
        Predicted scores of each model for the same people.
    clusters : array, optional
        Cluster of each person (e.g. mentor). When given, the covariance allows for
        correlation within clusters (Obuchowski 1997); otherwise people are independent
        (DeLong et al. 1988).
    conf_level : float, default=0.95
        Confidence level of the intervals in the table.

    Returns
    -------
    AUCResult
        ``table`` (one row per score: AUC, standard error, interval), ``auc`` and
        ``cov`` (the AUCs and their covariance matrix), ``method``.

    Raises
    ------
    ValueError
        When ``scores`` does not have one column per person, the people scored do not
        have both outcomes, ``clusters`` does not name a cluster for each person or has
        fewer than 2, or ``conf_level`` is not in (0, 1).

    Notes
    -----
    Structural components (placement values) :math:`V_{10}` of the positives and
    :math:`V_{01}` of the negatives, computed with midranks (Sun & Xu 2014); ties count
    one half. Unclustered: :math:`S_{10}/m + S_{01}/n` with the sample covariances of
    the components. Clustered, with :math:`I` clusters, component sums
    :math:`V_{10,i}, V_{01,i}` and counts :math:`m_i, n_i` per cluster:
    :math:`\\frac{I}{I-1}[\\sum_i (V_{10,i}-m_i A)^2/M^2 + \\sum_i (V_{01,i}-n_i A)^2/N^2
    + 2 \\sum_i (V_{10,i}-m_i A)(V_{01,i}-n_i A)/(MN)]`. The AUC equals scikit-learn's
    ``roc_auc_score``; the unclustered variance equals the brute-force DeLong
    variance and R ``pROC::var(method="delong")`` (tested to 1e-10). The interval is
    computed on the logit scale with a delta-method standard error, so it stays within
    0 and 1 (Pepe 2003, 4.3).

    References
    ----------
    DeLong, E. R., DeLong, D. M. & Clarke-Pearson, D. L. (1988). Comparing the areas
    under two or more correlated ROC curves. *Biometrics* 44, 837–845.
    Obuchowski, N. A. (1997). Nonparametric analysis of clustered ROC curve data.
    *Biometrics* 53, 567–578.
    Sun, X. & Xu, W. (2014). Fast implementation of DeLong's algorithm. *IEEE Signal
    Processing Letters* 21(11), 1389–1393.
    Pepe, M. S. (2003). *The Statistical Evaluation of Medical Tests for Classification
    and Prediction*. Oxford University Press.

    Examples
    --------
    >>> r = delong_auc([0, 0, 1, 1], [[0.1, 0.4, 0.35, 0.8]])
    >>> float(r.auc[0])
    0.75
    >>> r.table[["model", "estimate", "n", "n_events"]].to_dict("records")
    [{'model': 0, 'estimate': 0.75, 'n': 4, 'n_events': 2}]
    """
    conf_level = check_conf_level(conf_level)
    y, scores = check_scores(y, scores, clusters)
    aucs, cov = _delong_auc(y, scores, clusters)
    z = normal_quantile(conf_level)
    se = np.sqrt(np.diag(cov))
    intervals = [_auc_ci(a, s, z) for a, s in zip(aucs, se, strict=True)]
    table = pd.DataFrame(
        {
            "model": np.arange(len(aucs)),
            "estimate": aucs,
            "std_error": se,
            "ci_low": [low for low, _ in intervals],
            "ci_high": [high for _, high in intervals],
            "n": len(y),
            "n_events": int(y.sum()),
        }
    )
    return AUCResult(
        table=table,
        auc=aucs,
        cov=cov,
        method="delong" if clusters is None else "obuchowski",
        n=len(y),
        n_events=int(y.sum()),
        n_clusters=None if clusters is None else len(pd.unique(np.asarray(clusters))),
        conf_level=conf_level,
    )


def _delong_auc(
    y: np.ndarray, scores: np.ndarray, clusters: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The AUCs of the rows of ``scores`` and their (clustered) covariance, unchecked.

    ``y`` holds booleans and ``scores`` one row per model (as :func:`check_scores`
    returns them); both outcomes occur, and ``clusters``, if given, has two or more.
    """
    pos, neg = scores[:, y], scores[:, ~y]
    m, n = pos.shape[1], neg.shape[1]
    aucs, v10, v01 = _placement_values(pos, neg)
    if clusters is None:
        cov = np.atleast_2d(np.cov(v10)) / m + np.atleast_2d(np.cov(v01)) / n
        return aucs, cov
    return aucs, _clustered_covariance(y, aucs, v10, v01, clusters)


def _placement_values(
    pos: np.ndarray, neg: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """AUCs and the structural components of the positives (V10) and negatives (V01),
    from midranks."""
    m, n = pos.shape[1], neg.shape[1]
    aucs, v10, v01 = [], [], []
    for p, q in zip(pos, neg, strict=True):
        all_ranks = stats.rankdata(np.concatenate([p, q]))
        rank_p = stats.rankdata(p)
        rank_q = stats.rankdata(q)
        aucs.append((all_ranks[:m].sum() - m * (m + 1) / 2) / (m * n))
        v10.append((all_ranks[:m] - rank_p) / n)
        v01.append(1.0 - (all_ranks[m:] - rank_q) / m)
    return np.array(aucs), np.array(v10), np.array(v01)


def _clustered_covariance(
    y: np.ndarray, aucs: np.ndarray, v10: np.ndarray, v01: np.ndarray, clusters: np.ndarray
) -> np.ndarray:
    """Obuchowski's covariance of the AUCs from the components' cluster sums.

    Positives and negatives are summed separately over the clusters of all people, so
    a cluster without positives (or negatives) still counts, and each sum is centred
    on its own count times the AUC (not :func:`~evalkit._stats.mestimation.cluster_sum`
    of one centred term per person, which rounds differently).
    """
    m, n = v10.shape[1], v01.shape[1]
    codes, uniques = pd.factorize(np.asarray(clusters))
    n_clusters = len(uniques)
    cp, cn = codes[y], codes[~y]
    m_i = np.bincount(cp, minlength=n_clusters)
    n_i = np.bincount(cn, minlength=n_clusters)
    s10 = np.array([np.bincount(cp, w, minlength=n_clusters) for w in v10])
    s01 = np.array([np.bincount(cn, w, minlength=n_clusters) for w in v01])
    d = (s10 - m_i * aucs[:, None]) / m + (s01 - n_i * aucs[:, None]) / n
    return n_clusters / (n_clusters - 1) * (d @ d.T)


def _auc_ci(auc: float, se: float, z: float) -> tuple[float, float]:
    """CI of an AUC on the logit scale (stays inside (0, 1)); delta-method SE."""
    if not 0.0 < auc < 1.0:
        return float("nan"), float("nan")
    centre = np.log(auc / (1 - auc))
    half = z * se / (auc * (1 - auc))
    low, high = expit(np.array([centre - half, centre + half]))
    return float(low), float(high)
