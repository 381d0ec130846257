"""Fieller's confidence set for a ratio of two (correlated) normal estimates, as the ICER."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from evalkit._results import TableResult
from evalkit._stats.intervals import normal_quantile
from evalkit._validation import check_conf_level, check_finite_number, check_positive

__all__ = ["FiellerResult", "fieller_interval"]


@dataclass(frozen=True)
class FiellerResult(TableResult):
    """Fieller's confidence set of a ratio.

    Attributes
    ----------
    table : pandas.DataFrame
        One row: ``estimate`` (the ratio), ``ci_low``, ``ci_high`` (NaN unless the set
        is an interval), ``kind``.
    value : float
        The ratio of the estimates.
    kind : str
        ``"bounded"`` (an interval: the denominator differs from 0 at the level),
        ``"exclusive"`` (two rays, ``(-inf, a] U [b, inf)``: the denominator's CI
        contains 0 but the numerator's does not) or ``"unbounded"`` (every ratio).
    outer : tuple of float
        For ``"exclusive"``, the ends ``(a, b)`` of the two rays; otherwise NaN.
    conf_level : float
    """

    table: pd.DataFrame
    value: float
    kind: str
    outer: tuple[float, float]
    conf_level: float


def fieller_interval(
    numerator: float,
    denominator: float,
    var_numerator: float,
    var_denominator: float,
    covariance: float = 0.0,
    *,
    conf_level: float = 0.95,
) -> FiellerResult:
    """Fieller's confidence set of ``numerator / denominator`` (an ICER: ``dC / dE``).

    Parameters
    ----------
    numerator, denominator : float
        The estimates (incremental cost, incremental effect).
    var_numerator, var_denominator : float
        Their variances (squared standard errors).
    covariance : float, default=0.0
        Their covariance.
    conf_level : float, default=0.95

    Returns
    -------
    FiellerResult

    Raises
    ------
    ValueError
        If an estimate or the covariance is not finite, a variance is negative, the
        covariance matrix is not positive semi-definite, or ``conf_level`` is not in
        (0, 1).

    Notes
    -----
    The set of ratios ``R`` with ``(dC - R dE)^2 <= z^2 (V_C - 2 R C + R^2 V_E)``, the
    roots of ``a R^2 - 2 b R + c = 0`` with ``a = dE^2 - z^2 V_E``,
    ``b = dC dE - z^2 C``, ``c = dC^2 - z^2 V_C``: the interval
    ``[(b - sqrt(b^2 - ac)) / a, (b + sqrt(b^2 - ac)) / a]`` when ``a > 0`` (``dE``
    significantly different from 0), two rays when ``a <= 0 < b^2 - ac``, and every
    ratio otherwise. An unbounded set is reported as such (NaN limits), never as a
    huge number.

    References
    ----------
    Fieller, E. C. (1954). Some problems in interval estimation. *JRSS B*, 16,
    175-185. Willan, A. R. & O'Brien, B. J. (1996). Confidence intervals for
    cost-effectiveness ratios: an application of Fieller's theorem. *Health
    Economics*, 5, 297-305. Chaudhary, M. A. & Stearns, S. C. (1996). *Statistics in
    Medicine*, 15, 1447-1458. Glick, H. A. et al. (2014). *Economic Evaluation in
    Clinical Trials* (2nd ed.), ch. 7. Agrees with R ``icerui::fieller`` (its README
    on BCEA's Smoking example, bounded and exclusive sets) to the 5 printed decimals;
    Stata ``fieller``.

    Examples
    --------
    >>> f = fieller_interval(100.0, 0.1, 400.0, 0.0004)
    >>> f.kind, round(f.value), f.table[["ci_low", "ci_high"]].round(1).iloc[0].tolist()
    ('bounded', 1000, [552.2, 1810.9])
    """
    dc = check_finite_number(numerator, name="numerator")
    de = check_finite_number(denominator, name="denominator")
    vc = check_positive(var_numerator, name="var_numerator", zero_allowed=True)
    ve = check_positive(var_denominator, name="var_denominator", zero_allowed=True)
    cov = check_finite_number(covariance, name="covariance")
    conf_level = check_conf_level(conf_level)
    if cov**2 > vc * ve * (1 + 1e-12):
        raise ValueError(
            f"covariance^2 = {cov**2:.6g} exceeds var_numerator x var_denominator = "
            f"{vc * ve:.6g}: not a covariance matrix; check the variances and covariance."
        )
    z2 = normal_quantile(conf_level) ** 2
    a, b, c = de**2 - z2 * ve, dc * de - z2 * cov, dc**2 - z2 * vc
    disc = b * b - a * c
    nan = math.nan
    low = high = nan
    outer = (nan, nan)
    if a > 0:
        kind = "bounded"
        root = math.sqrt(max(disc, 0.0))
        low, high = (b - root) / a, (b + root) / a
    elif disc > 0 and a < 0:
        kind = "exclusive"
        root = math.sqrt(disc)
        outer = tuple(sorted(((b - root) / a, (b + root) / a)))
    else:
        kind = "unbounded"
    value = dc / de if de != 0 else nan
    table = pd.DataFrame([{"estimate": value, "ci_low": low, "ci_high": high, "kind": kind}])
    return FiellerResult(table=table, value=value, kind=kind, outer=outer, conf_level=conf_level)
