"""The Fine–Gray model of the subdistribution hazard of one exit.

Its hazard ratios describe how a covariate shifts the cumulative incidence of the exit
(its effect on the exit and on the competing exits together), where the cause-specific
Cox model of :mod:`evalkit.survival.cox` describes the exit's hazard alone.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from evalkit._stats.arrays import reverse_cumsum
from evalkit._validation import check_conf_level
from evalkit.survival._coxph import fit_cox
from evalkit.survival.cox import (
    CoxResult,
    _weighted_rows,
    cox_result,
    event_indicator,
    model_data,
    robust_covariance,
    warn_fit,
)
from evalkit.survival.risktable import CENSORED

__all__ = ["fine_gray_model"]


def _censoring_survival_before(
    t: np.ndarray, censored: np.ndarray, weights: np.ndarray | None = None
) -> Callable:
    """``G(s−)``: the left-continuous Kaplan–Meier curve of the censoring times (rows
    counted by their ``weights``)."""
    grid, idx = np.unique(t, return_inverse=True)
    w = np.ones(t.size) if weights is None else weights
    cens = np.bincount(idx, weights=np.where(censored, w, 0.0))
    at_risk = reverse_cumsum(np.bincount(idx, weights=w))
    g_after = np.cumprod(1 - cens / at_risk)
    g_before = np.r_[1.0, g_after[:-1]]

    def g_minus(at):
        i = np.searchsorted(grid, at, side="left")  # first grid >= at: G(at−) = g_before[i]
        return np.where(i < grid.size, g_before[np.minimum(i, grid.size - 1)], g_after[-1])

    return g_minus


def fine_gray_model(
    data: pd.DataFrame,
    time: str,
    event: str,
    formula: str,
    *,
    cause: str,
    weights: str | None = None,
    cluster: str | None = None,
    censored: object = CENSORED,
    conf_level: float = 0.95,
    min_count: int | None = None,
) -> CoxResult:
    """Fine–Gray model of the subdistribution hazard of one exit.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    time, event : str
        Columns of the time to the first exit or censoring and of the exit type.
    formula : str
        Covariates, as in :func:`~evalkit.survival.cox_model`.
    cause : str
        The exit modelled; the other exits compete.
    weights : str, optional
        Case or inverse-probability weights (e.g. propensity weights). Each row counts
        by its weight in the censoring curve ``G`` and in the partial likelihood; rows
        of weight 0 are left out (``n`` counts the others). The variance is always
        the robust sandwich.
    cluster : str, optional
        Clusters for the robust variance (default: each row its own cluster).
    censored : object, default="censored"
    conf_level : float, default=0.95
    min_count : int, optional
        Disclosure control for published tables, as in
        :func:`~evalkit.survival.cox_model` (rare levels blanked and flagged
        ``suppressed``; the model itself is unchanged).

    Returns
    -------
    CoxResult
        ``estimate`` is the subdistribution hazard ratio: a covariate with SHR > 1
        raises the cumulative incidence of the exit (its effect on the exit's hazard
        and on the competing exits together).

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        On missing columns; non-numeric, missing or negative times (naming the rows);
        negative, missing or infinite weights, or weights that are all zero; a cluster
        column with missing values or a single value; a formula without covariates
        that vary or that cannot be evaluated; an unknown ``cause``; a ``conf_level``
        outside (0, 1).

    Warns
    -----
    EvalkitWarning
        If a coefficient may be infinite (e.g. no exits of the cause in one level):
        its row is NaN; if a covariate takes a single value (it is left out); if the
        fit does not converge.

    Notes
    -----
    Rows with a competing exit stay in the risk set after their exit with the
    inverse-probability-of-censoring weight ``G(t−)/G(T_i−)``, ``G`` the
    Kaplan–Meier curve of the censoring times (Fine & Gray 1999). Ties by Breslow
    (as cmprsk's ``crr``). Variance: the robust sandwich from the weighted score
    residuals, ignoring the estimation of ``G`` (as R's ``finegray`` + ``coxph``;
    slightly conservative). Checked by simulation from a known subdistribution
    model (tests/survival/test_simulation.py). With ``weights`` each row counts by its
    weight in ``G``, in the risk sets and among the events, and its score residual
    is multiplied by its weight (R's ``coxph(weights=, robust=TRUE)`` on the
    ``finegray()`` data with the case weights in the censoring curve): integer
    weights give the fit of the replicated rows clustered by the original row
    (tested to 1e-8). With propensity weights the sandwich also ignores that the
    weights were estimated (conservative for the ATE, Austin 2016); for the
    cumulative incidence itself, :func:`evalkit.comparison.compare_exits` bootstraps
    the propensity model. ``global_tests`` are those of the weighted partial
    likelihood: read the Wald test (robust), not the likelihood-ratio or score
    test. No concordance is reported (NaN).

    References
    ----------
    Fine J.P., Gray R.J. (1999). JASA 94:496–509. Geskus R.B. (2011). Biometrics
    67:39–49. Austin P.C. (2016). Variance estimation when using inverse probability
    of treatment weighting (IPTW) with survival analysis. Stat Med 35:5642–5655.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> df = pd.DataFrame({"x": rng.integers(0, 2, 300), "time": rng.exponential(1, 300),
    ...                    "event": rng.choice(["job", "training", "censored"], 300)})
    >>> fine_gray_model(df, "time", "event", "x", cause="job").model
    'Fine-Gray'
    """
    conf_level = check_conf_level(conf_level)
    data = _weighted_rows(data, weights)
    t, _, w, x, names = model_data(data, time, event, formula, None, weights, cluster)
    death, cause_name, codes, _ = event_indicator(data, event, cause, censored)
    competing = (codes > 0) & ~death
    g_minus = _censoring_survival_before(t, codes == 0, w)
    rows = np.flatnonzero(competing)
    fit = fit_cox(x, t, death, weights=w, ties="breslow",
                  fine_gray=(rows, g_minus(t[rows]), g_minus))
    warn_fit(fit, names, "Fine-Gray")
    cov, variance = robust_covariance(fit, x, np.ones(t.size) if w is None else w, data,
                                      cluster)
    return cox_result(fit, x, names, death, cov, variance, model="Fine-Gray", cause=cause_name,
                      ties="breslow", ph_test=None, conf_level=conf_level, min_count=min_count)
