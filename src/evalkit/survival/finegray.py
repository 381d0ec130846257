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
    cox_result,
    event_indicator,
    model_data,
    robust_covariance,
    warn_fit,
)
from evalkit.survival.risktable import CENSORED

__all__ = ["fine_gray_model"]


def _censoring_survival_before(t: np.ndarray, censored: np.ndarray) -> Callable:
    """``G(s−)``: the left-continuous Kaplan–Meier curve of the censoring times."""
    grid, idx = np.unique(t, return_inverse=True)
    cens = np.bincount(idx, weights=censored.astype(float))
    at_risk = reverse_cumsum(np.bincount(idx)).astype(float)
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
        a cluster column with missing values or a single value; a formula without
        covariates that vary or that cannot be evaluated; an unknown ``cause``; a
        ``conf_level`` outside (0, 1).

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
    model (tests/survival/test_simulation.py).

    References
    ----------
    Fine J.P., Gray R.J. (1999). JASA 94:496–509. Geskus R.B. (2011). Biometrics
    67:39–49.

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
    t, _, _, x, names = model_data(data, time, event, formula, None, None, cluster)
    death, cause_name, codes, _ = event_indicator(data, event, cause, censored)
    competing = (codes > 0) & ~death
    g_minus = _censoring_survival_before(t, codes == 0)
    rows = np.flatnonzero(competing)
    fit = fit_cox(x, t, death, ties="breslow",
                  fine_gray=(rows, g_minus(t[rows]), g_minus))
    warn_fit(fit, names, "Fine-Gray")
    cov, variance = robust_covariance(fit, x, np.ones(t.size), data, cluster)
    return cox_result(fit, x, names, death, cov, variance, model="Fine-Gray", cause=cause_name,
                      ties="breslow", ph_test=None, conf_level=conf_level, min_count=min_count)
