"""Sandwich variances of M-estimators and weighted cross-products, shared by the estimators."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["cluster_sum", "cluster_variance", "sandwich", "weighted_gram"]

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
