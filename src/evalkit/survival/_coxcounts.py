"""Cox partial likelihood from counts by event time × covariate pattern.

With categorical covariates every participant has one of ``P`` covariate patterns
``x_p``, and the partial likelihood depends on the data only through ``d_jp`` (events
of pattern ``p`` at the ``j``-th event time) and ``n_jp`` (its number at risk just
before). With ``e_p = exp(x_p'β)``, ``R0_j = Σ_p n_jp e_p``, ``D0_j = Σ_p d_jp e_p``
and ``d_j = Σ_p d_jp``, Efron's log partial likelihood is

    ``ℓ(β) = Σ_jp d_jp x_p'β − Σ_j Σ_{l=0}^{d_j−1} log(R0_j − (l / d_j) D0_j)``

(Breslow: every ``l / d_j`` is 0), the same sum as over the rows, whose tied deaths
all enter Efron's correction one by one (one term per event, as in
:mod:`evalkit.survival._coxph`). Score and information follow as there, with the
sums over rows replaced by ``T × P`` matrix products; a Newton step costs
``O(T P p + d)`` for ``d`` events, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evalkit.survival._coxph import CoxFit, _newton, _newton_step, efron_squares, efron_terms

__all__ = ["fit_cox_counts"]


@dataclass
class _CountLayout:
    """Counts of one fit: events and numbers at risk ``(T, P)`` at the event times."""

    deaths: np.ndarray  # (T, P) events by event time and pattern
    at_risk: np.ndarray  # (T, P) at risk just before each event time
    d_count: np.ndarray  # (T,) events at each time
    starts: np.ndarray  # (T,) first Efron term of each time
    rep_idx: np.ndarray  # (d,) time of each Efron term
    frac: np.ndarray  # (d,) l / d_j of each Efron term (Breslow: 0)
    d_pattern: np.ndarray  # (P,) events by pattern


@dataclass
class _CountSums:
    """Log partial likelihood and its derivatives at one ``beta``."""

    loglik: float
    grad: np.ndarray
    info: np.ndarray


def _count_layout(deaths: np.ndarray, at_risk: np.ndarray, ties: str) -> _CountLayout:
    counts = deaths.sum(axis=1).astype(np.int64)
    starts = np.cumsum(counts) - counts
    rep_idx = np.repeat(np.arange(counts.size), counts)
    if ties == "efron":
        frac = (np.arange(rep_idx.size) - np.repeat(starts, counts)) / np.repeat(counts, counts)
    else:
        frac = np.zeros(rep_idx.size)
    return _CountLayout(deaths, at_risk, counts.astype(float), starts, rep_idx, frac,
                        deaths.sum(axis=0))


def _count_sums(beta, x, _w, lay: _CountLayout, *, need_info=True) -> _CountSums:
    """Log partial likelihood, gradient and information at ``beta`` (see the module)."""
    eta = x @ beta
    shift = eta.max()
    e = np.exp(eta - shift)
    ex = e[:, None] * x
    r0, r1 = lay.at_risk @ e, lay.at_risk @ ex
    dd0, dd1 = lay.deaths @ e, lay.deaths @ ex
    c, fc, sc, sfc, slog = efron_terms(r0, dd0, lay)
    loglik = float(lay.d_pattern @ eta - np.sum(slog + shift * lay.d_count))
    grad = lay.d_pattern @ x - (sc @ r1 - sfc @ dd1)
    info = np.empty((beta.size, beta.size))
    if need_info:
        coef = e * (lay.at_risk.T @ sc - lay.deaths.T @ sfc)
        sc2, sfc2, sffc2 = efron_squares(c, fc, lay)
        info = (x * coef[:, None]).T @ x - (r1 * sc2[:, None]).T @ r1
        cross = (r1 * sfc2[:, None]).T @ dd1
        info += cross + cross.T
        info -= (dd1 * sffc2[:, None]).T @ dd1
    return _CountSums(loglik, grad, info)


def fit_cox_counts(
    x: np.ndarray,
    deaths: np.ndarray,
    at_risk: np.ndarray,
    *,
    ties: str = "efron",
    tol: float = 1e-10,
    max_iter: int = 50,
) -> CoxFit:
    """Newton–Raphson (the steps, halving and divergence checks of
    :func:`evalkit.survival._coxph.fit_cox`) on the partial likelihood of counts.

    ``x`` is the design of the ``P`` patterns ``(P, p)``; ``deaths`` and ``at_risk``
    are ``(T, P)`` at the ``T`` event times. The fit has no row-level layout: residuals
    (robust variance, Schoenfeld test) need rows.
    """
    lay = _count_layout(deaths, at_risk, ties)
    beta = np.zeros(x.shape[1])
    s = _count_sums(beta, x, None, lay)
    loglik_null = s.loglik
    score_null = float(s.grad @ _newton_step(s.info, s.grad))
    with np.errstate(all="ignore"):  # only far-out (diverging) steps under- or overflow
        beta, s, it, converged, diverging = _newton(beta, s, x, None, lay, tol, max_iter,
                                                    sums=_count_sums)
    return CoxFit(beta, s.info, s.loglik, loglik_null, it, converged, lay, s, diverging,
                  score_null)
