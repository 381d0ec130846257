"""Sandwich variances of M-estimators and weighted cross-products, shared by the estimators."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "cluster_sum", "cluster_variance", "curve_influence", "sandwich", "weighted_gram",
]

#: Rows per block of a blocked pass over a design: a block stays in cache between the
#: operations on it.
_BLOCK = 16_384


def cluster_sum(psi: np.ndarray, clusters: np.ndarray | None) -> np.ndarray:
    """Sum estimating-function rows within clusters (identity without clusters)."""
    if clusters is None:
        return psi
    codes, uniques = pd.factorize(clusters)
    return np.column_stack(
        [np.bincount(codes, weights=psi[:, j], minlength=len(uniques)) for j in range(psi.shape[1])]
    )


def cluster_variance(influence: np.ndarray, clusters: np.ndarray | None) -> np.ndarray:
    """Column variances of an ``n x q`` influence matrix: sums of squared row (or,
    with ``clusters``, cluster-summed) influences."""
    total = cluster_sum(influence, clusters)
    return np.einsum("ij,ij->j", total, total)


def sandwich(psi: np.ndarray, bread: np.ndarray, clusters: np.ndarray | None = None) -> np.ndarray:
    """Covariance ``A^-1 B A^-T`` of an M-estimator.

    ``psi`` holds one row of stacked estimating functions per observation, ``bread``
    is minus the derivative of their sum (its sign and any common scaling cancel),
    and ``B`` sums ``psi psi'`` over observations or, with ``clusters``, over cluster
    totals.
    """
    meat = cluster_sum(psi, clusters)
    a_inv = np.linalg.inv(bread)
    return a_inv @ (meat.T @ meat) @ a_inv.T


def weighted_gram(x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``X' diag(v) X`` for non-negative ``v``, accumulated over blocks of rows.

    Each block of ``diag(sqrt(v)) X`` is formed in cache, so no ``n x k`` scratch array
    passes through memory.
    """
    n, k = x.shape
    root = np.sqrt(v)
    scratch = np.empty((min(n, _BLOCK), k), order="F")
    gram = np.zeros((k, k))
    for first in range(0, n, _BLOCK):
        block = x[first : first + _BLOCK]
        scaled = np.multiply(block, root[first : first + _BLOCK, None], out=scratch[: len(block)])
        gram += scaled.T @ scaled
    return gram


def curve_influence(t: np.ndarray, d: np.ndarray, y: np.ndarray, time: np.ndarray,
                    entry: np.ndarray | None, weight: np.ndarray, cause: np.ndarray, *,
                    incidence: bool = True):
    """Rows' influence on the (weighted) Kaplan–Meier / Aalen–Johansen curves of a sample.

    ``t`` are the sample's distinct times, ``d`` (``T x K``) its (weighted) exits of each
    cause and ``y`` its (weighted) numbers at risk; per row: its ``time`` (one of ``t``),
    late ``entry`` (or ``None``), case ``weight`` and ``cause`` (``0..K−1``, −1 censored).
    Returns the influence on ``log S(t_j)`` (``n x T``; S the survival of any cause) and,
    if ``incidence``, on each ``F_k(t_j)`` (``n x T x K``; else ``None``): the derivative
    in the row's case weight times that weight (the infinitesimal jackknife).

    With ``λ_kj = d_kj / Y_j`` a row's influence on ``λ_kj`` is
    ``w_i (dN_ikj − Y_ij λ_kj) / Y_j``; on ``log S(t_j)`` it is
    ``−Σ_{l≤j} IF(λ_l) / (1 − λ_l)``, and on ``F_k(t_j) = Σ_{l≤j} S(t_{l−1}) λ_kl``
    it is ``Σ_{l≤j} [λ_kl S(t_{l−1}) IF(log S(t_{l−1})) + S(t_{l−1}) IF(λ_kl)]``.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        lam_k = np.where(y[:, None] > 0, d / y[:, None], 0.0)
        lam = lam_k.sum(axis=1)
        c = np.where((y > 0) & (lam < 1), 1.0 / (y * (1.0 - lam)), 0.0)
        per_risk = np.where(y > 0, 1.0 / y, 0.0)
    k = np.searchsorted(t, time)
    a = (np.zeros(k.size, dtype=np.int64) if entry is None
         else np.searchsorted(t, entry, side="right"))
    steps = np.arange(t.size)[None, :]
    at_risk_from = steps >= a[:, None]
    left = steps >= k[:, None]
    log_s = _between(np.cumsum(lam * c), a, k, at_risk_from)
    log_s -= np.where(left, ((cause >= 0) * c[k])[:, None], 0.0)
    log_s *= weight[:, None]
    if not incidence:
        return log_s, None
    s_prev = np.r_[1.0, np.cumprod(1.0 - lam)[:-1]]
    log_s_prev = np.zeros_like(log_s)
    log_s_prev[:, 1:] = log_s[:, :-1]
    out = np.empty((*log_s.shape, lam_k.shape[1]))
    for q in range(lam_k.shape[1]):
        out[:, :, q] = np.cumsum(log_s_prev * (s_prev * lam_k[:, q])[None, :], axis=1)
        jump = np.where(cause == q, s_prev[k] * per_risk[k], 0.0)
        own = np.where(left, jump[:, None], 0.0)
        own -= _between(np.cumsum(s_prev * lam_k[:, q] * per_risk), a, k, at_risk_from)
        out[:, :, q] += weight[:, None] * own
    return log_s, out


def _between(cum: np.ndarray, a: np.ndarray, k: np.ndarray, at_risk_from: np.ndarray):
    """``Σ_{a_i ≤ l ≤ min(j, k_i)} x_l`` for every row ``i`` and step ``j`` (0 before
    ``a_i``), from the cumulative sums ``cum`` of ``x``."""
    steps = np.arange(cum.size)[None, :]
    upto = cum[np.minimum(steps, k[:, None])]
    before = np.where(a > 0, cum[np.maximum(a - 1, 0)], 0.0)
    return np.where(at_risk_from, upto - before[:, None], 0.0)
