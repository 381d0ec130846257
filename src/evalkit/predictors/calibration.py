"""Calibration: recalibration slope and intercept, Brier score, and the calibration curve.

The curve's observed proportions have Wilson intervals on their number of people or,
with clusters, on their effective number given the clustering.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalkit._stats.mestimation import cluster_sum


def _recalibration(
    y: np.ndarray, p: np.ndarray, clusters: np.ndarray | None = None
) -> dict[str, tuple[float, float]]:
    """Calibration slope and intercept (estimate, variance) and the Brier score.

    With ``clusters``, cluster-robust variances (statsmodels' cluster sandwich, and the
    between-cluster variance of the Brier score's mean), as for the AUC.
    """
    import statsmodels.api as sm

    p = np.clip(p, 1e-10, 1 - 1e-10)
    logit = np.log(p / (1 - p))
    binomial = sm.families.Binomial()
    robust = (
        {}
        if clusters is None
        else {"cov_type": "cluster", "cov_kwds": {"groups": pd.factorize(clusters)[0]}}
    )
    slope = sm.GLM(y, np.column_stack([np.ones_like(logit), logit]), family=binomial).fit(**robust)
    large = sm.GLM(y, np.ones((len(y), 1)), family=binomial, offset=logit).fit(**robust)
    brier = (p - y) ** 2
    if clusters is None:
        brier_var = float(brier.var(ddof=1)) / len(y)
    else:
        brier_var = _clustered_variance_of_mean(brier - brier.mean(), clusters)
    return {
        "calibration_slope": (float(slope.params[1]), float(slope.bse[1]) ** 2),
        "calibration_intercept": (float(large.params[0]), float(large.bse[0]) ** 2),
        "brier": (float(brier.mean()), brier_var),
    }


def _clustered_variance_of_mean(deviations: np.ndarray, clusters: np.ndarray) -> float:
    """Cluster-robust variance of a mean from its terms' deviations: G/(G-1) Σ_c T_c² / n².

    Infinite with a single cluster (no information on the between-cluster variance).
    """
    totals = cluster_sum(deviations[:, None], clusters)[:, 0]
    g = len(totals)
    if g < 2:
        return float("inf")
    return float(g / (g - 1) * np.sum(totals**2) / len(deviations) ** 2)


def _calibration_curve(
    oof: np.ndarray, y: np.ndarray, clusters: np.ndarray | None, z: float
) -> pd.DataFrame:
    """Calibration curve of out-of-fold predictions ``oof`` (repetitions × people).

    Tenths of predicted risk pooled over repetitions; the observed proportion of each
    tenth has a Wilson interval on its number of people or, with ``clusters``, on its
    effective number ``p(1-p)/var`` with the cluster-robust variance of the proportion
    (Korn & Graubard 1998; never more than the number of people).
    """
    n_repeats = oof.shape[0]
    p = oof.ravel()
    yy = np.tile(y, n_repeats)
    bins = pd.qcut(p, 10, labels=False, duplicates="drop")
    curve = pd.DataFrame({"bin": bins, "p": p, "y": yy}).groupby("bin")
    people = curve.size().to_numpy() / n_repeats
    observed = curve["y"].mean().to_numpy()
    effective = people
    if clusters is not None:
        repeated = np.tile(clusters, n_repeats)
        variance = np.array(
            [
                _clustered_variance_of_mean(yy[bins == b] - o, repeated[bins == b])
                for b, o in zip(curve.size().index, observed, strict=True)
            ]
        )
        with np.errstate(invalid="ignore"):  # p = 0 or 1: no variance, n people
            effective = np.fmin(people, observed * (1 - observed) / variance)
    with np.errstate(divide="ignore", invalid="ignore"):  # one cluster: no interval
        low, high = _wilson(observed, effective, z)
    return pd.DataFrame(
        {
            "bin": curve.size().index.to_numpy() + 1,
            "n": people,
            "n_effective": effective,
            "predicted": curve["p"].mean().to_numpy(),
            "observed": observed,
            "observed_ci_low": low,
            "observed_ci_high": high,
        }
    )


def _wilson(p: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of proportions ``p`` of ``n`` people (n may be an average)."""
    denominator = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    return centre - half, centre + half


def _calibration_table(
    oof: np.ndarray, y: np.ndarray, names: list[str], clusters: np.ndarray | None, z: float
) -> pd.DataFrame:
    """The calibration curve of each model's out-of-fold predictions (models × repetitions
    × people), stacked with a ``model`` column."""
    calibration = []
    for i, name in enumerate(names):
        curve = _calibration_curve(oof[i], y, clusters, z)
        curve.insert(0, "model", name)
        calibration.append(curve)
    return pd.concat(calibration, ignore_index=True)
