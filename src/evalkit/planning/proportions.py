"""Sample size, power and detectable difference for two proportions (job rates at a horizon)."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from evalkit._validation import check_one_of, check_positive, check_unit_interval
from evalkit.planning._common import (
    PlanResult,
    check_design_effect,
    check_error_rates,
    plan_table,
    solve_between,
    solve_increasing,
    two_sided_power,
)

__all__ = ["detectable_difference_proportions", "sample_size_proportions"]

METHODS = ("arcsine", "pooled")


def _cohen_h(p1: float, p2: float) -> float:
    """Cohen's effect size for proportions, ``2 asin(sqrt(p1)) - 2 asin(sqrt(p2))``."""
    return 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2))


def _power_function(p1, p2, ratio, method, z_alpha):
    """Power as a function of the first group's size ``n1`` (``n2 = ratio * n1``)."""
    if method == "arcsine":
        h = _cohen_h(p1, p2)

        def power(n1):
            n1 = np.asarray(n1, dtype=float)
            return two_sided_power(h / np.sqrt(1 / n1 + 1 / (ratio * n1)), z_alpha)

        return power
    diff = p1 - p2
    pooled = (p1 + ratio * p2) / (1 + ratio)
    sd_null = math.sqrt(pooled * (1 - pooled) * (1 + 1 / ratio))
    sd_alt = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / ratio)

    def power(n1):
        root = np.sqrt(np.asarray(n1, dtype=float))
        d = abs(diff) * root
        return (stats.norm.sf((z_alpha * sd_null - d) / sd_alt)
                + stats.norm.cdf((-z_alpha * sd_null - d) / sd_alt))

    return power



def _check_proportions(p1: float, p2: float, ratio: float, method: str) -> float:
    check_unit_interval(p1, name="p1", fix="a proportion such as 0.45 (45% found a job).")
    check_unit_interval(p2, name="p2", fix="a proportion such as 0.40.")
    check_one_of(method, METHODS, name="method")
    return check_positive(ratio, name="ratio", fix="n2 / n1, e.g. ratio=1 for equal groups.")


def sample_size_proportions(
    p1: float,
    p2: float,
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    ratio: float = 1.0,
    method: str = "arcsine",
    design_effect: float = 1.0,
) -> PlanResult:
    """Participants per group to detect a difference of two proportions (job rates).

    Parameters
    ----------
    p1, p2 : float
        The proportions in the first (e.g. the programme) and second group, in (0, 1).
    power : float, default=0.8
        Power of the two-sided test.
    alpha : float, default=0.05
        Two-sided significance level.
    ratio : float, default=1.0
        ``n2 / n1`` (statsmodels' convention).
    method : {"arcsine", "pooled"}, default="arcsine"
        ``"arcsine"``: Cohen's ``h`` and the normal test of the arcsine-transformed
        proportions (statsmodels ``NormalIndPower`` with ``proportion_effectsize``;
        R ``pwr::pwr.2p2n.test``). ``"pooled"``: the z-test with the pooled variance
        under the null and the unpooled under the alternative (Fleiss, Levin & Paik
        2003, eq. 4.14; statsmodels ``samplesize_proportions_2indep_onetail``; Stata
        ``power twoproportions``).
    design_effect : float or result of :func:`design_effect`, default=1.0
        Multiplies the sizes in ``required`` (clustering by mentor or site).

    Returns
    -------
    PlanResult
        ``value`` is ``n1`` (fractional); the table's ``required`` is
        ``ceil(n1 * design_effect)`` and ``n2_required`` is
        ``ceil(ratio * n1 * design_effect)``.

    Raises
    ------
    ValueError
        If ``p1`` or ``p2`` is not in (0, 1), or ``p1 == p2`` (no difference to
        detect: the size is infinite); ``power``, ``alpha``, ``ratio``, ``method`` or
        ``design_effect`` is not one allowed.

    Notes
    -----
    Arcsine: ``h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p2))`` and power
    ``Phi(|h| sqrt(n) - z) + Phi(-|h| sqrt(n) - z)`` with ``n = 1 / (1/n1 + 1/n2)``,
    ``z = z_(1-alpha/2)``; ``n1`` is the root of power = target (both tails, as
    statsmodels' ``solve_power``). Pooled (one tail, the textbook closed form):
    ``n1 = (z sd0 + z_power sd1)^2 / (p1 - p2)^2`` with
    ``sd0^2 = pbar (1 - pbar)(1 + 1/ratio)``, ``pbar = (p1 + ratio p2) / (1 + ratio)``
    and ``sd1^2 = p1 (1 - p1) + p2 (1 - p2) / ratio``. The power curve of both
    methods counts both tails.

    References
    ----------
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd
    ed.), ch. 6. Fleiss, J. L., Levin, B. & Paik, M. C. (2003). *Statistical Methods
    for Rates and Proportions* (3rd ed.), section 4.2. Agrees with statsmodels 0.15
    ``NormalIndPower().solve_power`` and ``samplesize_proportions_2indep_onetail``
    (1e-6 and 1e-7).

    Examples
    --------
    >>> plan = sample_size_proportions(0.51, 0.45)
    >>> round(plan.value, 1), int(plan.table["required"].iloc[0])
    (1087.1, 1088)
    """
    ratio = _check_proportions(p1, p2, ratio, method)
    alpha, power, z_alpha, z_power = check_error_rates(alpha, power)
    deff = check_design_effect(design_effect)
    if p1 == p2:
        raise ValueError(
            f"p1 and p2 are equal ({p1!r}): there is no difference to detect, so no sample "
            "size is large enough; plan for the smallest difference worth detecting."
        )
    power_at = _power_function(p1, p2, ratio, method, z_alpha)
    if method == "arcsine":
        h = _cohen_h(p1, p2)
        start = ((z_alpha + z_power) / h) ** 2 * (1 + 1 / ratio)
        n1 = solve_increasing(lambda n: float(power_at(n)), power, start / 4, start * 2)
        effect_size = h
    else:
        pooled = (p1 + ratio * p2) / (1 + ratio)
        sd_null = math.sqrt(pooled * (1 - pooled) * (1 + 1 / ratio))
        sd_alt = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / ratio)
        n1 = (z_alpha * sd_null + z_power * sd_alt) ** 2 / (p1 - p2) ** 2
        effect_size = (p1 - p2) / sd_alt
    table = plan_table(
        design="two_proportions", method=method, quantity="n_per_group", value=n1,
        required=math.ceil(n1 * deff - 1e-9), n2_required=math.ceil(ratio * n1 * deff - 1e-9),
        effect=p1 - p2, effect_size=effect_size, alpha=alpha, power=power, p1=p1, p2=p2,
        ratio=ratio, design_effect=deff,
    )
    return PlanResult(table=table, value=n1, quantity="n_per_group",
                      size_label="participants in group 1", size=n1, alpha=alpha,
                      power=power, power_at=power_at)


def detectable_difference_proportions(
    n1: float,
    p2: float,
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    ratio: float = 1.0,
    method: str = "arcsine",
) -> PlanResult:
    """The smallest ``p1 > p2`` detected with ``power`` when group 1 has ``n1`` people.

    Parameters
    ----------
    n1 : float
        Size of group 1 (``n2 = ratio * n1``); divide by the design effect first for
        clustered data.
    p2 : float
        Proportion in group 2 (the comparison), in (0, 1).
    power, alpha, ratio, method
        As in :func:`sample_size_proportions`.

    Returns
    -------
    PlanResult
        ``value`` is the detectable difference ``p1 - p2``; the table also has ``p1``.

    Raises
    ------
    ValueError
        If ``n1`` is not positive, or an option is not one allowed (as
        :func:`sample_size_proportions`); if even ``p1`` near 1 is not detected.

    Notes
    -----
    The root in ``p1`` of the two-sided power at ``n1`` (the power functions of
    :func:`sample_size_proportions`); an increase is looked for (for a decrease,
    swap the labels of the groups).

    Examples
    --------
    >>> mde = detectable_difference_proportions(400, 0.45)
    >>> round(mde.value, 3)
    0.099
    """
    ratio = _check_proportions(0.5, p2, ratio, method)
    n1 = check_positive(n1, name="n1", fix="the planned size of group 1, e.g. n1=400.")
    alpha, power, z_alpha, _ = check_error_rates(alpha, power)

    def at(p1):
        return float(_power_function(p1, p2, ratio, method, z_alpha)(n1))

    top = 1 - 1e-9
    if at(top) < power:
        raise ValueError(
            f"with n1={n1!r} no proportion above p2={p2!r} is detected with power {power}; "
            "plan a larger study."
        )
    p1 = float(solve_between(lambda p: at(p) - power, p2 + 1e-12, top))
    power_at = _power_function(p1, p2, ratio, method, z_alpha)
    effect_size = _cohen_h(p1, p2) if method == "arcsine" else (p1 - p2) / math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2) / ratio)
    table = plan_table(
        design="two_proportions", method=method, quantity="detectable_difference",
        value=p1 - p2, required=np.nan, n2_required=np.nan, effect=p1 - p2,
        effect_size=effect_size, alpha=alpha, power=power, p1=p1, p2=p2, ratio=ratio,
        design_effect=1.0,
    )
    return PlanResult(table=table, value=p1 - p2, quantity="detectable_difference",
                      size_label="participants in group 1", size=n1, alpha=alpha,
                      power=power, power_at=power_at)
