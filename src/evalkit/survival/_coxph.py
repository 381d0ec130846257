"""Cox partial likelihood with Efron (or Breslow) ties, vectorised over distinct times.

The engine never loops over subjects. For each Newton step it forms the risk-set
sums ``R0, R1`` by time with :func:`numpy.bincount` and reverse cumulative sums (one
column of the design at a time: no ``n × p`` temporary), expands Efron's correction
over the tied deaths (one scalar per death), and builds the information matrix as
``Xᵀ diag(c) X`` minus a ``T × p`` correction, so a step costs a few passes over the
``n × p`` design. The deaths and their covariates are gathered once, sorted by time,
so that sums over the deaths of each time are contiguous runs
(:func:`numpy.add.reduceat`, pairwise summation). Late entry
(``entry < t <= exit``), case weights (R's convention: Efron terms weighted by the mean
weight of the tied deaths) and time-varying inverse-probability-of-censoring weights of
the Fine–Gray model are supported through the same sums.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from evalkit._stats.arrays import reverse_cumsum

__all__ = ["CoxFit", "fit_cox"]


@dataclass
class _Layout:
    """Subject-to-time bookkeeping shared by every Newton step."""

    times: np.ndarray  # (T,) distinct death times
    exit_idx: np.ndarray  # (n,) last death-time index with t_j <= exit (-1: none)
    entry_idx: np.ndarray  # (n,) last death-time index with t_j <= entry (-1: none)
    death: np.ndarray  # (n,) bool
    death_idx: np.ndarray  # (n_deaths,) time index of each death
    # the deaths sorted by time (stable): time j holds positions starts[j] to
    # starts[j] + d_j - 1, so sums by time are np.add.reduceat over contiguous runs
    death_rows: np.ndarray  # (n_deaths,) row of each death, by time
    x_death: np.ndarray  # (n_deaths, p) their covariates, columns contiguous
    w_death: np.ndarray  # (n_deaths,) their weights
    wx_death: np.ndarray  # (p,) Σ_deaths w x (the event term of the score)
    starts: np.ndarray  # (T,) first position of each time (also in rep_idx)
    d_count: np.ndarray  # (T,) number of deaths
    d_weight: np.ndarray  # (T,) sum of weights of deaths
    rep_idx: np.ndarray  # (sum d,) time index of each Efron term
    frac: np.ndarray  # (sum d,) l / d of each Efron term
    # Fine–Gray: competing-event rows stay at risk with weight G(t-)/G(T_i-) after T_i.
    fg_rows: np.ndarray | None = None  # (n_c,) rows with a competing event
    fg_start: np.ndarray | None = None  # (n_c,) first death-time index after T_i
    fg_g: np.ndarray | None = None  # (T,) censoring survival G(t_j-) at death times
    fg_gi: np.ndarray | None = None  # (n_c,) G(T_i-) of each competing row


def _last_at_or_before(times: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Index of the last of the sorted ``times`` at or before each value (−1: none).

    Integer-valued ``values`` over a small range (days, months) go through a lookup
    table instead of a binary search per value: the same indices, a fraction of the cost.
    """
    if values.size > 4 * times.size:
        lo, hi = float(values.min()), float(values.max())
        if hi - lo <= values.size and lo == int(lo) and (np.trunc(values) == values).all():
            table = np.searchsorted(times, np.arange(lo, hi + 1), side="right") - 1
            return table[values.astype(np.int64) - int(lo)]
    return np.searchsorted(times, values, side="right") - 1


def _layout(time, death, entry, weights, ties, x):
    """Bookkeeping of one fit; ``x`` and ``weights`` are those passed to :func:`_sums`."""
    times = np.unique(time[death])
    exit_idx = _last_at_or_before(times, time)
    entry_idx = np.full(time.size, -1) if entry is None else _last_at_or_before(times, entry)
    death_idx = exit_idx[death]
    n_t = times.size
    d_count = np.bincount(death_idx, minlength=n_t).astype(float)
    d_weight = np.bincount(death_idx, weights=weights[death], minlength=n_t)
    # one Efron term per death: l / d for l = 0..d-1 (Breslow: all zero)
    counts = d_count.astype(np.int64)
    starts = np.cumsum(counts) - counts
    rep_idx = np.repeat(np.arange(n_t), counts)
    if ties == "efron":
        ell = np.arange(rep_idx.size) - np.repeat(starts, counts)
        frac = ell / np.repeat(d_count, counts)
    else:
        frac = np.zeros(rep_idx.size)
    key = death_idx.astype(np.int16) if n_t < 2**15 else death_idx  # 16 bits: radix sort
    by_time = np.argsort(key, kind="stable")
    in_order = np.flatnonzero(death)
    death_rows = in_order[by_time]
    w_death = weights[death_rows]
    x_death = np.empty((death_rows.size, x.shape[1]), order="F")
    for a in range(x.shape[1]):  # gather in row order, then sort the (cached) deaths
        np.take(np.take(x[:, a], in_order), by_time, out=x_death[:, a])
    wx_death = (w_death[:, None] * x_death).sum(axis=0)
    return _Layout(times, exit_idx, entry_idx, death, death_idx, death_rows, x_death, w_death,
                   wx_death, starts, d_count, d_weight, rep_idx, frac)


@dataclass
class _Sums:
    """Log partial likelihood, its derivatives and the per-time sums at one ``beta``."""

    loglik: float
    grad: np.ndarray
    info: np.ndarray
    # per-time quantities for residuals
    r0: np.ndarray
    r1: np.ndarray
    dd0: np.ndarray
    dd1: np.ndarray
    sc: np.ndarray  # w̄ Σ_l c_l          (hazard increment)
    sfc: np.ndarray  # w̄ Σ_l f_l c_l
    sc2: np.ndarray  # w̄ Σ_l c_l²
    sfc2: np.ndarray  # w̄ Σ_l f_l c_l²
    sffc2: np.ndarray  # w̄ Σ_l f_l² c_l²
    sa: np.ndarray  # Σ_l c_l, Σ_l f_l c_l unweighted (for Schoenfeld means)
    sfa: np.ndarray
    risk: np.ndarray  # (n,) w_i exp(eta_i)


def _risk_set_sums(risk: np.ndarray, x: np.ndarray, lay: _Layout):
    """``R0 = Σ risk`` ``(T,)`` and ``R1 = Σ risk x`` ``(T, p)`` over each death time's risk set.

    Rows with ``exit_idx >= j``, minus rows with ``entry_idx >= j`` (late entry), plus
    the Fine–Gray competing rows weighted by ``G(t_j−)/G(T_i−)`` after their exit; one
    column of ``x`` at a time (no ``n × p`` temporary).
    """
    _n, p = x.shape
    n_t = lay.times.size
    pos = lay.exit_idx + 1
    r0 = reverse_cumsum(np.bincount(pos, weights=risk, minlength=n_t + 1))[1:]
    r1 = np.empty((n_t, p))
    for a in range(p):
        r1[:, a] = reverse_cumsum(np.bincount(pos, weights=risk * x[:, a], minlength=n_t + 1))[1:]
    entered = lay.entry_idx >= 0
    if entered.any():
        ei = lay.entry_idx[entered] + 1
        re = risk[entered]
        r0 = r0 - reverse_cumsum(np.bincount(ei, weights=re, minlength=n_t + 1))[1:]
        for a in range(p):
            xe = x[entered, a]
            r1[:, a] -= reverse_cumsum(np.bincount(ei, weights=re * xe, minlength=n_t + 1))[1:]
    if lay.fg_rows is not None and lay.fg_rows.size:
        # competing rows: weight G(t_j-)/G(T_i-) at death times after T_i
        cw = risk[lay.fg_rows] / lay.fg_gi
        s0 = np.cumsum(np.bincount(lay.fg_start, weights=cw, minlength=n_t + 1))[:n_t]
        r0 = r0 + lay.fg_g * s0
        for a in range(p):
            s1 = np.cumsum(
                np.bincount(lay.fg_start, weights=cw * x[lay.fg_rows, a], minlength=n_t + 1)
            )[:n_t]
            r1[:, a] += lay.fg_g * s1
    return r0, r1


def _death_sums(risk: np.ndarray, lay: _Layout):
    """Risk of each death (by time), and ``D0 = Σ risk``, ``D1 = Σ risk x`` over the
    deaths of each time."""
    p = lay.x_death.shape[1]
    risk_death = risk[lay.death_rows]
    dd0 = np.add.reduceat(risk_death, lay.starts)
    dd1 = np.empty((lay.times.size, p))
    for a in range(p):
        dd1[:, a] = np.add.reduceat(risk_death * lay.x_death[:, a], lay.starts)
    return risk_death, dd0, dd1


def _information(x, risk, risk_death, lay: _Layout, r1, dd1, sc, sfc, sc2, sfc2, sffc2):
    """Minus the Hessian of the log partial likelihood (Efron terms weighted by w̄)."""
    # Σ_j Σ_l w̄ (R2 − f D2) c_l  as  Xᵀ diag(coef) X
    pos = lay.exit_idx + 1
    cum = np.concatenate([[0.0], np.cumsum(sc)])
    entered = lay.entry_idx >= 0
    coef = risk * (cum[pos] - cum[lay.entry_idx + 1] if entered.any() else cum[pos])
    coef[lay.death_rows] -= risk_death * sfc[lay.rep_idx]  # time of each death, by time
    info = (x * coef[:, None]).T @ x  # one BLAS call (many small ones stall threads)
    if lay.fg_rows is not None and lay.fg_rows.size:
        cumg = np.concatenate([[0.0], np.cumsum(lay.fg_g * sc)])
        xf = x[lay.fg_rows]
        cf = risk[lay.fg_rows] / lay.fg_gi * (cumg[-1] - cumg[lay.fg_start])
        info += (xf * cf[:, None]).T @ xf
    # minus Σ_j w̄ Σ_l a_l a_lᵀ
    info -= (r1 * sc2[:, None]).T @ r1
    cross = (r1 * sfc2[:, None]).T @ dd1
    info += cross + cross.T
    info -= (dd1 * sffc2[:, None]).T @ dd1
    return info


def efron_terms(r0: np.ndarray, dd0: np.ndarray, lay) -> tuple[np.ndarray, ...]:
    """Efron terms, one per death: ``c_l = 1 / (R0 − f_l D0)`` and ``f_l c_l``, and by
    time the sums ``Σ_l c_l``, ``Σ_l f_l c_l`` and ``Σ_l log(R0 − f_l D0)``."""
    j, f = lay.rep_idx, lay.frac
    denom = r0[j] - f * dd0[j]
    c = 1.0 / denom
    fc = f * c
    return (c, fc, np.add.reduceat(c, lay.starts), np.add.reduceat(fc, lay.starts),
            np.add.reduceat(np.log(denom), lay.starts))


def efron_squares(c: np.ndarray, fc: np.ndarray, lay) -> tuple[np.ndarray, ...]:
    """By time: ``Σ_l c_l²``, ``Σ_l f_l c_l²`` and ``Σ_l f_l² c_l²`` (the information)."""
    fcc = fc * c
    return (np.add.reduceat(c * c, lay.starts), np.add.reduceat(fcc, lay.starts),
            np.add.reduceat(fcc * lay.frac, lay.starts))


def _sums(beta, x, w, lay: _Layout, *, need_info=True) -> _Sums:
    """Log partial likelihood, gradient, information and the per-time sums at ``beta``."""
    _n, p = x.shape
    eta = x @ beta
    shift = eta.max() if eta.size else 0.0
    risk = w * np.exp(eta - shift)
    r0, r1 = _risk_set_sums(risk, x, lay)
    risk_death, dd0, dd1 = _death_sums(risk, lay)
    wbar = lay.d_weight / lay.d_count
    c, fc, sa, sfa, slog = efron_terms(r0, dd0, lay)
    loglik = float(
        np.sum(lay.w_death * eta[lay.death_rows]) - np.sum(wbar * (slog + shift * lay.d_count))
    )
    sc = wbar * sa
    sfc = wbar * sfa
    # gradient: Σ_deaths w x − Σ_j w̄_j Σ_l a_l,  a_l = (R1 − f D1) c_l
    grad = lay.wx_death - (sc @ r1 - sfc @ dd1)
    sc2, sfc2, sffc2 = (wbar * v for v in efron_squares(c, fc, lay))
    info = np.empty((p, p))
    if need_info:
        info = _information(x, risk, risk_death, lay, r1, dd1, sc, sfc, sc2, sfc2, sffc2)
    return _Sums(loglik, grad, info, r0, r1, dd0, dd1, sc, sfc, sc2, sfc2, sffc2, sa, sfa, risk)


@dataclass
class CoxFit:
    """Estimates and the pieces needed for residual-based inference."""

    beta: np.ndarray
    information: np.ndarray
    loglik: float
    loglik_null: float
    iterations: int
    converged: bool
    layout: _Layout
    sums: _Sums
    # (p,) bool: coefficients that may be infinite (monotone likelihood); none by default
    diverging: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    # score test of beta = 0: U(0)' I(0)^-1 U(0) (R's "Score (logrank) test")
    score_null: float = float("nan")

    def __post_init__(self) -> None:
        if self.diverging.size != self.beta.size:
            self.diverging = np.zeros(self.beta.size, dtype=bool)

    @property
    def covariance(self) -> np.ndarray:
        """Inverse information; with diverging coefficients, that of the others given
        them (their own rows and columns 0: the information there is gone)."""
        if not self.diverging.any():
            return np.linalg.inv(self.information)
        keep = np.flatnonzero(~self.diverging)
        cov = np.zeros_like(self.information)
        cov[np.ix_(keep, keep)] = np.linalg.inv(self.information[np.ix_(keep, keep)])
        return cov

    def score_residuals(self, x: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Per-row score residuals (Efron-adjusted, as R's ``residuals(fit, "score")``).

        They sum to the gradient of the log partial likelihood (zero at the estimate).
        """
        lay, s = self.layout, self.sums
        _n, p = x.shape
        risk = s.risk
        # hazard-increment sums per time: H = Σ_l dΛ_l, HA = Σ_l dΛ_l a_l
        h = s.sc
        ha = s.r1 * s.sc2[:, None] - s.dd1 * s.sfc2[:, None]
        hf = s.sfc
        hfa = s.r1 * s.sfc2[:, None] - s.dd1 * s.sffc2[:, None]
        ch = np.concatenate([[0.0], np.cumsum(h)])
        cha = np.vstack([np.zeros((1, p)), np.cumsum(ha, axis=0)])
        hi = ch[lay.exit_idx + 1] - ch[lay.entry_idx + 1]
        hai = cha[lay.exit_idx + 1] - cha[lay.entry_idx + 1]
        resid = -risk[:, None] * (x * hi[:, None] - hai)
        dead = lay.death
        k = lay.death_idx
        resid[dead] += risk[dead, None] * (x[dead] * hf[k, None] - hfa[k])
        # event term: w_i (x_i − ā_j), ā_j = mean over l of a_l (unweighted Efron mean)
        abar = (s.r1 * s.sa[:, None] - s.dd1 * s.sfa[:, None]) / lay.d_count[:, None]
        resid[dead] += w[dead, None] * (x[dead] - abar[k])
        if lay.fg_rows is not None and lay.fg_rows.size:
            rows = lay.fg_rows
            chg = np.concatenate([[0.0], np.cumsum(lay.fg_g * h)])
            chag = np.vstack([np.zeros((1, p)), np.cumsum(lay.fg_g[:, None] * ha, axis=0)])
            hg = chg[-1] - chg[lay.fg_start]
            hag = chag[-1] - chag[lay.fg_start]
            resid[rows] -= (risk[rows] / lay.fg_gi)[:, None] * (x[rows] * hg[:, None] - hag)
        return resid

    def schoenfeld(self, x: np.ndarray) -> np.ndarray:
        """Schoenfeld residuals of the deaths (rows in data order of the deaths)."""
        lay, s = self.layout, self.sums
        abar = (s.r1 * s.sa[:, None] - s.dd1 * s.sfa[:, None]) / lay.d_count[:, None]
        return x[lay.death] - abar[lay.death_idx]


def fit_cox(
    x: np.ndarray,
    time: np.ndarray,
    death: np.ndarray,
    *,
    entry: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    ties: str = "efron",
    tol: float = 1e-10,
    max_iter: int = 50,
    fine_gray: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> CoxFit:
    """Newton–Raphson with step halving on the log partial likelihood.

    ``fine_gray`` is ``(rows, G(T_i-), G(t_j-) at the death times)`` for the rows with
    a competing event.
    """
    n, p = x.shape
    w = np.ones(n) if weights is None else weights
    x = np.asfortranarray(x)  # columns contiguous: each Newton step works column by column
    lay = _layout(time, death, entry, w, ties, x)
    if fine_gray is not None:
        rows, gi, gfun = fine_gray
        lay.fg_rows = rows
        lay.fg_start = np.searchsorted(lay.times, time[rows], side="right")
        lay.fg_gi = gi
        lay.fg_g = gfun(lay.times)
    beta = np.zeros(p)
    s = _sums(beta, x, w, lay)
    loglik_null = s.loglik
    score_null = float(s.grad @ _newton_step(s.info, s.grad)) if p else float("nan")
    with np.errstate(all="ignore"):  # only far-out (diverging) steps under- or overflow
        beta, s, it, converged, diverging = _newton(beta, s, x, w, lay, tol, max_iter)
    return CoxFit(beta, s.info, s.loglik, loglik_null, it, converged, lay, s, diverging,
                  score_null)


def _newton(beta, s, x, w, lay, tol, max_iter, sums=_sums):
    """Newton–Raphson with step halving from ``beta`` (sums ``s``): the estimate, its
    sums, the iterations, whether it converged and which coefficients diverge.
    ``sums(beta, x, w, lay)`` gives the log-likelihood and its derivatives (rows, or
    counts by covariate pattern: :mod:`evalkit.survival._coxcounts`).

    A coefficient diverges (R's coxph check, "Loglik converged before variable") when its
    Newton step stays large once the log-likelihood no longer changes, or when the fit
    stops without converging on a large step (or on sums that overflow, far out).
    """
    span = np.ptp(x, axis=0) if x.shape[0] else np.zeros(x.shape[1])

    def large(step):
        return np.abs(step) * span > 1e-3 * np.maximum(1.0, np.abs(beta) * span)

    plateau, converged, it = False, False, 0
    diverging = np.zeros(beta.size, dtype=bool)
    last = np.zeros(beta.size)
    for it in range(1, max_iter + 1):  # noqa: B007
        step = _newton_step(s.info, s.grad)
        if not np.isfinite(step).all():
            break
        if plateau:
            diverging |= large(step)
        new = beta + step
        s_new = sums(new, x, w, lay)
        halvings = 0
        while not np.isfinite(s_new.loglik) or s_new.loglik < s.loglik - 1e-12:
            step = step / 2
            new = beta + step
            s_new = sums(new, x, w, lay)
            halvings += 1
            if halvings > 30:
                break
        if not np.isfinite(s_new.loglik):
            break
        change = abs(s_new.loglik - s.loglik)
        beta, s, last = new, s_new, step
        plateau = change < tol * (abs(s.loglik) + 1)
        if plateau and np.max(np.abs(step)) < 1e-7:
            converged = True
            break
    if not converged:
        diverging |= large(last)
    return beta, s, it, converged, diverging


def _newton_step(info: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """``info⁻¹ grad``; least squares when the information is singular (a coefficient
    gone to infinity leaves no information in its direction)."""
    try:
        return np.linalg.solve(info, grad)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(info, grad, rcond=None)[0]
