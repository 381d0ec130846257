"""Quantiles, p-values and percentile intervals of the normal and bootstrap kind."""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["normal_p_value", "normal_quantile", "percentile_interval", "probability_ci"]


def normal_quantile(conf_level: float) -> float:
    """The two-sided normal quantile ``z`` of a ``conf_level`` interval (1.959964 for 0.95).

    Examples
    --------
    >>> round(normal_quantile(0.95), 6)
    1.959964
    """
    return float(stats.norm.isf((1 - conf_level) / 2))


def normal_p_value(z: np.ndarray | float) -> np.ndarray | float:
    """Two-sided p-value of a standard normal statistic, ``2 P(Z > |z|)`` (from ``sf``).

    Examples
    --------
    >>> round(float(normal_p_value(1.959964)), 6)
    0.05
    """
    return 2 * stats.norm.sf(np.abs(z))


def percentile_interval(draws: np.ndarray, conf_level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of each column of ``draws`` (replicates in rows).

    Examples
    --------
    >>> low, high = percentile_interval(np.arange(101.0)[:, None], 0.5)
    >>> low.tolist(), high.tolist()
    ([25.0], [75.0])
    """
    alpha = 1 - conf_level
    return np.quantile(draws, alpha / 2, axis=0), np.quantile(draws, 1 - alpha / 2, axis=0)


#: How far from 1 a probability summed from weighted terms may be by rounding alone.
_ROUNDING = 1e-12


def probability_ci(est: np.ndarray, se: np.ndarray, z: float, conf_type: str):
    """Pointwise CI of a probability: log(−log p) transform (or plain, clipped to [0, 1]).

    Shared by the survival curves and the adjusted curves of the comparison family.

    Examples
    --------
    >>> low, high = probability_ci(np.array([0.5]), np.array([0.1]), 1.959964, "plain")
    >>> [round(float(low[0]), 4), round(float(high[0]), 4)]
    [0.304, 0.696]
    """
    if conf_type == "plain":
        return np.clip(est - z * se, 0, 1), np.clip(est + z * se, 0, 1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # limits 0 and 1
        lg = np.log(-np.log(est))
        se_g = se / np.abs(est * np.log(est))
        low = np.exp(-np.exp(lg + z * se_g))
        high = np.exp(-np.exp(lg - z * se_g))
    one = est >= 1 - _ROUNDING  # 1 but for rounding: its SE is rounding too
    low = np.where(one, 1.0, np.where(est <= 0, np.nan, low))
    high = np.where(one, 1.0, np.where(est <= 0, np.nan, high))
    return low, high
