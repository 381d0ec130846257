"""Logistic regression by Newton-Raphson, shared by the propensity and outcome models."""

from __future__ import annotations

import numpy as np

from evalkit._stats.mestimation import weighted_gram

__all__ = ["bernoulli_variance", "expit", "fit_logistic", "separating_terms"]

# Larger logistic fits without a start first fit every tenth row (recursively).
_CASCADE = 50_000


def expit(z: np.ndarray) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-z))``, computed in place in ``z``.

    Equals :func:`scipy.special.expit` to within an ulp or two, and is faster; ``exp``
    overflows harmlessly to ``inf`` (probability 0) below ``z = -709``.
    """
    with np.errstate(over="ignore"):
        np.exp(np.negative(z, out=z), out=z)
    z += 1.0
    return np.divide(1.0, z, out=z)



def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    start: np.ndarray | None = None,
    hessian: np.ndarray | None = None,
    exact: bool = True,
    fitted: bool = True,
    tol: float = 1e-16,
    max_iter: int = 100,
):
    """Maximum likelihood logistic regression by Newton-Raphson.

    Returns the coefficients, the Fisher information ``X'WX`` at them (with
    ``exact=False``, the approximation last used in the iterations) and the fitted
    probabilities (``None`` with ``exact=False, fitted=False``, for callers that
    predict on other rows anyway). ``weights`` are frequency weights (a bootstrap
    replicate's counts: the fit equals that on repeated rows).

    The gradient is exact at every step, so the solution does not depend on the
    Hessian used; forming ``X'WX`` (n k^2) is the costly part, so it is reused while
    each step shrinks the Newton decrement :math:`\\lambda^2 = g'H^{-1}g` at least
    a hundredfold, and recomputed otherwise. Without ``start``, a problem of more than
    50,000 rows first fits every tenth row (which does the same in turn) and starts
    from that solution and its information, scaled: the start's decrement is then
    about ten times the number of coefficients and that information within a few per
    cent of the full one, so a few gradient passes over the data suffice. (A start
    whose decrement is a thousand times the number of coefficients, as when rare
    events or a rare level separate the subsample, is dropped for Newton from zero.)
    ``start`` with ``hessian`` (a bootstrap replicate starting from the full-data fit)
    likewise needs a few gradient passes. Stops after the step whose
    :math:`\\lambda^2` (about the deviance still to gain) is below ``tol`` times the
    number of people: the score equations then hold to about machine precision (which
    gives overlap weights their exact balance). Quasi-separated data end with fitted
    probabilities near 0 or 1 (which :func:`propensity_score` then reports) rather
    than an error, as with R's ``glm``.
    """
    n, k = x.shape
    total = float(n) if weights is None else float(weights.sum())
    beta = np.zeros(k) if start is None else np.array(start, dtype=float)
    subsampled = start is None and n > _CASCADE
    if subsampled:
        every = slice(None, None, 10)
        sub_weights = None if weights is None else weights[every]
        try:
            # Only a start: its decrement here, about ten times that left in the
            # subsample, is negligible beside the start's sampling error once below 1e-4.
            beta, hessian, _ = fit_logistic(
                np.asfortranarray(x[every]), y[every], weights=sub_weights, tol=max(tol, 1e-10)
            )
            hessian *= total / (len(y[every]) if sub_weights is None else sub_weights.sum())
        except ValueError:
            beta, hessian, subsampled = np.zeros(k), None, False
    scale = tol * (total + 0.1)
    p, r = np.empty(n), np.empty(n)
    fresh, previous = False, np.inf
    for _ in range(max_iter):
        expit(np.matmul(x, beta, out=p))
        np.subtract(y, p, out=r)
        if weights is not None:
            r *= weights
        gradient = r @ x
        if hessian is not None:
            step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
            decrement = gradient @ step
        if subsampled:
            subsampled = False
            if decrement > 1000 * k:
                # Far beyond a subsample's sampling error (about 9 k): rare events or a
                # rare level separated the subsample. Newton from zero instead.
                beta, hessian = np.zeros(k), None
                continue
        if hessian is None or (not fresh and scale < decrement > 0.01 * previous):
            hessian, fresh = weighted_gram(x, bernoulli_variance(p, weights, out=r)), True
            step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
            decrement = gradient @ step
        beta, previous, fresh = beta + step, decrement, False
        if decrement <= scale:
            break
    else:
        raise ValueError(
            f"the logistic model did not converge in {max_iter} Newton steps; a covariate "
            "probably separates the groups: remove it or restrict the data."
        )
    if not (exact or fitted):
        return beta, hessian, None
    expit(np.matmul(x, beta, out=p))
    if exact:
        hessian = weighted_gram(x, bernoulli_variance(p, weights, out=r))
    return beta, hessian, p



def bernoulli_variance(
    p: np.ndarray, weights: np.ndarray | None, out: np.ndarray
) -> np.ndarray:
    """The (frequency-weighted) Bernoulli variances ``w p (1 - p)``, written to ``out``."""
    np.subtract(1.0, p, out=out)
    out *= p
    if weights is not None:
        out *= weights
    return out


def separating_terms(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Which coefficients of a logistic model of ``y`` on ``x`` are infinite (separation).

    The data are (quasi-)completely separated when some direction ``b != 0`` of the
    coefficients has ``x_i b >= 0`` for every ``y_i = 1`` and ``x_i b <= 0`` for every
    ``y_i = 0``: the likelihood then keeps growing along ``b`` and the maximum
    likelihood estimate does not exist. One linear programme (Konis 2007; R's
    ``detectseparation``) finds such a direction, within the box ``|b_j| <= 1`` on
    columns scaled to at most 1, that maximises ``sum_i s_i x_i b`` (``s = 2y - 1``);
    the coefficients it moves are flagged. A full-rank design without separation
    gives ``b = 0`` and no flag.
    """
    from scipy.optimize import linprog

    scale = np.abs(x).max(axis=0)
    scale[scale == 0] = 1.0
    signed = (x / scale) * np.where(y > 0, 1.0, -1.0)[:, None]
    fit = linprog(
        -signed.sum(axis=0),
        A_ub=-signed,
        b_ub=np.zeros(len(y)),
        bounds=[(-1.0, 1.0)] * x.shape[1],
        method="highs",
    )
    if fit.status != 0 or -fit.fun <= 1e-6:
        return np.zeros(x.shape[1], dtype=bool)
    return np.abs(fit.x) > 1e-6

