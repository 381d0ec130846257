"""Events and participants for a hazard ratio (Schoenfeld, Freedman) and an RMST difference."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from evalkit._validation import check_one_of, check_positive, check_unit_interval
from evalkit.planning._common import (
    PlanResult,
    check_design_effect,
    check_error_rates,
    plan_table,
    solve_between,
    two_sided_power,
)

__all__ = [
    "detectable_hazard_ratio",
    "detectable_rmst_difference",
    "events_needed",
    "rmst_variance",
    "sample_size_rmst",
]

METHODS = ("schoenfeld", "freedman")


def _standardised_hr(hazard_ratio, allocation, method):
    """``sqrt(D)`` times this is the mean of the test statistic (per event)."""
    if method == "schoenfeld":
        return math.sqrt(allocation * (1 - allocation)) * abs(math.log(hazard_ratio))
    r = allocation / (1 - allocation)  # treated per comparison participant
    return math.sqrt(r) * abs(hazard_ratio - 1) / (r * hazard_ratio + 1)


def _check_hr(hazard_ratio, allocation, method):
    hazard_ratio = check_positive(hazard_ratio, name="hazard_ratio",
                                  fix="e.g. hazard_ratio=1.25 (25% higher job hazard).")
    if hazard_ratio == 1:
        raise ValueError(
            "hazard_ratio is 1: there is no effect to detect, so no number of events is "
            "large enough; plan for the smallest hazard ratio worth detecting (e.g. 1.25)."
        )
    allocation = check_unit_interval(allocation, name="allocation",
                                     fix="the share of participants in the programme, e.g. 0.5.")
    check_one_of(method, METHODS, name="method")
    return hazard_ratio, allocation


def _event_share(event_probability, allocation, censoring):
    """Expected share of participants with an observed event."""
    if event_probability is None:
        return np.nan
    if isinstance(event_probability, Sequence) and not isinstance(event_probability, str):
        if len(event_probability) != 2:
            raise ValueError(
                "event_probability must be one probability or a pair (programme, comparison), "
                f"but had {len(event_probability)} values; e.g. event_probability=(0.55, 0.45)."
            )
        p1, p0 = (check_unit_interval(p, name="event_probability") for p in event_probability)
        share = allocation * p1 + (1 - allocation) * p0
    else:
        share = check_unit_interval(event_probability, name="event_probability",
                                    fix="e.g. event_probability=0.5.")
    loss = check_unit_interval(censoring, name="censoring", fix="e.g. censoring=0.1.") \
        if censoring else 0.0
    return share * (1 - loss)


def events_needed(
    hazard_ratio: float,
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    allocation: float = 0.5,
    method: str = "schoenfeld",
    event_probability: float | tuple[float, float] | None = None,
    censoring: float = 0.0,
    design_effect: float = 1.0,
) -> PlanResult:
    """Events needed to detect a hazard ratio, and the participants that gives them.

    Parameters
    ----------
    hazard_ratio : float
        The hazard ratio to detect (programme vs comparison), positive and not 1.
    power : float, default=0.8
    alpha : float, default=0.05
        Two-sided significance level.
    allocation : float, default=0.5
        Share of participants in the programme.
    method : {"schoenfeld", "freedman"}, default="schoenfeld"
        Schoenfeld (1983): the log-rank / Cox score test on the log hazard ratio.
        Freedman (1982): the log-rank test with the expected events under the
        alternative (needs a few more events for ratios far from 1).
    event_probability : float or (float, float), optional
        Probability that a participant has the event (a job) during the planned
        follow-up, overall or for (programme, comparison). With it, the table's
        ``n_total`` is ``events / (share with an event x (1 - censoring))``.
    censoring : float, default=0.0
        Share of participants lost to follow-up before the end of follow-up
        (independent censoring); their events are not observed.
    design_effect : float or result of :func:`design_effect`, default=1.0
        Multiplies the required events and participants (clustering).

    Returns
    -------
    PlanResult
        ``value`` is the number of events (fractional); ``required`` is it rounded up
        (times the design effect); ``n_total`` the participants (NaN without
        ``event_probability``).

    Raises
    ------
    ValueError
        If ``hazard_ratio`` is 1 (nothing to detect) or not positive; ``power``,
        ``alpha``, ``allocation``, ``method``, ``event_probability``, ``censoring`` or
        ``design_effect`` is not one allowed.

    Notes
    -----
    Schoenfeld: ``D = (z_(1-alpha/2) + z_power)^2 / (a (1 - a) log(HR)^2)`` with
    ``a`` the allocation. Freedman: ``D = (z_(1-alpha/2) + z_power)^2 (r HR + 1)^2 /
    (r (HR - 1)^2)`` with ``r = a / (1 - a)``. Both ignore the far tail of the
    two-sided test (the power curve counts it). The events do not depend on the
    follow-up; the participants do, through ``event_probability`` (e.g. the observed
    cumulative incidence of a job at the planned follow-up, ``1 - S(t)`` without
    competing exits).

    References
    ----------
    Schoenfeld, D. A. (1983). Sample-size formula for the proportional-hazards
    regression model. *Biometrics*, 39, 499-503. Freedman, L. S. (1982). Tables of
    the number of patients required in clinical trials using the logrank test.
    *Statistics in Medicine*, 1, 121-129. Freedman's participants agree with
    lifelines 0.30 ``sample_size_necessary_under_cph`` (R ``powerSurvEpi::ssizeCT.default``);
    Stata ``power logrank`` (Freedman by default, ``schoenfeld`` option).

    Examples
    --------
    >>> plan = events_needed(1.25, event_probability=0.5)
    >>> round(plan.value, 1), int(plan.table["required"].iloc[0])
    (630.5, 631)
    >>> int(plan.table["n_total"].iloc[0])
    1262
    """
    hazard_ratio, allocation = _check_hr(hazard_ratio, allocation, method)
    alpha, power, z_alpha, z_power = check_error_rates(alpha, power)
    deff = check_design_effect(design_effect)
    share = _event_share(event_probability, allocation, censoring)
    per_event = _standardised_hr(hazard_ratio, allocation, method)
    events = ((z_alpha + z_power) / per_event) ** 2
    n_total = math.ceil(events * deff / share - 1e-9) if share == share else np.nan
    table = plan_table(
        design="hazard_ratio", method=method, quantity="events", value=events,
        required=math.ceil(events * deff - 1e-9), n_total=n_total, effect=hazard_ratio,
        effect_size=math.log(hazard_ratio), alpha=alpha, power=power, allocation=allocation,
        event_share=share, censoring=censoring, design_effect=deff,
    )
    return PlanResult(
        table=table, value=events, quantity="events", size_label="events", size=events,
        alpha=alpha, power=power,
        power_at=lambda d: two_sided_power(per_event * np.sqrt(np.asarray(d, float)), z_alpha),
    )


def detectable_hazard_ratio(
    events: float,
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    allocation: float = 0.5,
    method: str = "schoenfeld",
) -> PlanResult:
    """The smallest hazard ratio above 1 detected with ``power`` from ``events`` events.

    Parameters
    ----------
    events : float
        Expected number of events (e.g. participants x share with a job).
    power, alpha, allocation, method
        As in :func:`events_needed`.

    Returns
    -------
    PlanResult
        ``value`` is the detectable hazard ratio (> 1; its inverse is the detectable
        decrease under Schoenfeld's formula).

    Raises
    ------
    ValueError
        If ``events`` is not positive, or an option is not one allowed.

    Notes
    -----
    Schoenfeld: ``HR = exp((z_(1-alpha/2) + z_power) / sqrt(a (1 - a) D))``;
    Freedman: the root of his formula in ``HR``.

    Examples
    --------
    >>> round(detectable_hazard_ratio(400).value, 3)
    1.323
    """
    events = check_positive(events, name="events", fix="e.g. events=400.")
    _, allocation = _check_hr(2.0, allocation, method)
    alpha, power, z_alpha, z_power = check_error_rates(alpha, power)
    target = (z_alpha + z_power) / math.sqrt(events)
    if method == "schoenfeld":
        hr = math.exp(target / math.sqrt(allocation * (1 - allocation)))
    else:
        r = allocation / (1 - allocation)
        if math.sqrt(r) / r <= target:  # the statistic per event is bounded by 1 / sqrt(r)
            raise ValueError(f"with {events!r} events no hazard ratio is detected with power "
                             f"{power}; plan for more events.")
        hr = solve_between(lambda h: _standardised_hr(h, allocation, method) - target,
                           1 + 1e-12, 1e12)
    per_event = _standardised_hr(hr, allocation, method)
    table = plan_table(
        design="hazard_ratio", method=method, quantity="detectable_hazard_ratio", value=hr,
        required=np.nan, n_total=np.nan, effect=hr, effect_size=math.log(hr), alpha=alpha,
        power=power, allocation=allocation, event_share=np.nan, censoring=0.0,
        design_effect=1.0,
    )
    return PlanResult(
        table=table, value=hr, quantity="detectable_hazard_ratio", size_label="events",
        size=events, alpha=alpha, power=power,
        power_at=lambda d: two_sided_power(per_event * np.sqrt(np.asarray(d, float)), z_alpha),
    )


def _curve(curve: object, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Times and values of a step curve (a pair of arrays or a two-column DataFrame)."""
    if hasattr(curve, "columns") and len(curve.columns) == 2:
        curve = (curve.iloc[:, 0], curve.iloc[:, 1])
    try:
        times, values = (np.asarray(v, dtype=float) for v in curve)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a pair (times, survival) of equal-length numeric arrays or a "
            "two-column DataFrame, e.g. km.table[['time', 'survival']] of one group."
        ) from None
    bad = (times.shape != values.shape or times.ndim != 1 or not len(times)
           or np.any(np.diff(times) <= 0) or times[0] <= 0 or np.any(np.diff(values) > 0)
           or values.min() < 0 or values.max() > 1 or not np.isfinite(times).all())
    if bad:
        raise ValueError(
            f"{name} must have increasing positive times and non-increasing values in [0, 1] "
            "(a survival curve that is 1 before its first time); got another shape or order."
        )
    return times, values


def rmst_variance(
    curve: object, *, tau: float, censoring: object | None = None
) -> tuple[float, float]:
    """RMST up to ``tau`` of a step survival curve, and its per-person asymptotic variance.

    Parameters
    ----------
    curve : (times, survival) or DataFrame
        Step survival curve (right-continuous, 1 before the first time).
    tau : float
        Horizon of the restricted mean.
    censoring : (times, probability) or DataFrame, optional
        Probability of still being under follow-up, ``G(t)`` (a step curve); default:
        nobody is lost before ``tau``.

    Returns
    -------
    rmst : float
        ``int_0^tau S(t) dt``.
    variance : float
        ``n`` times the variance of the Kaplan-Meier RMST from ``n`` people.

    Raises
    ------
    ValueError
        If a curve is not increasing in time and non-increasing in [0, 1], or ``tau``
        is not positive.

    Notes
    -----
    The Greenwood-type variance of the estimated restricted mean (Klein &
    Moeschberger 2003, eq. 4.5.2), ``sum_j A_j^2 d_j / (Y_j (Y_j - d_j))`` with
    ``A_j = int_(t_j)^tau S``, evaluated at its expected counts
    ``Y_j = n S(t_j-) G(t_j-)``, ``d_j = Y_j (1 - S(t_j) / S(t_j-))``:
    ``sigma^2 = sum_(t_j <= tau) A_j^2 (S(t_j-) - S(t_j)) / (S(t_j-) S(t_j) G(t_j-))``.
    Without censoring it equals the variance of ``min(T, tau)`` under the curve.

    Examples
    --------
    >>> rmst, var = rmst_variance(([1.0, 2.0], [0.5, 0.0]), tau=3.0)
    >>> rmst, var
    (1.5, 0.25)
    """
    tau = check_positive(tau, name="tau", fix="the horizon in the curve's time unit.")
    times, surv = _curve(curve, "curve")
    keep = times <= tau
    t, s = times[keep], surv[keep]
    before = np.concatenate([[1.0], s[:-1]])
    grid = np.concatenate([[0.0], t, [tau]])
    heights = np.concatenate([[1.0], s])
    areas = heights * np.diff(grid)
    rmst = float(areas.sum())
    tail = np.cumsum(areas[::-1])[::-1][1:]  # A_j = int_(t_j)^tau S
    if censoring is None:
        g = np.ones_like(t)
    else:
        ct, cg = _curve(censoring, "censoring")
        index = np.searchsorted(ct, t, side="left") - 1  # G(t_j-)
        g = np.where(index >= 0, cg[np.maximum(index, 0)], 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(tail > 0, tail**2 * (before - s) / (before * s * g), 0.0)
    return rmst, float(terms.sum())


def sample_size_rmst(
    curve1: object,
    curve2: object,
    *,
    tau: float,
    power: float = 0.8,
    alpha: float = 0.05,
    ratio: float = 1.0,
    censoring: object | None = None,
    design_effect: float = 1.0,
) -> PlanResult:
    """Participants per group to detect a difference in restricted mean survival time.

    Parameters
    ----------
    curve1, curve2 : (times, survival) or DataFrame
        The expected (or observed) survival curves of each group, e.g. the
        Kaplan-Meier curve of still searching for a job, in months.
    tau : float
        Horizon of the restricted mean (e.g. 12 months).
    power, alpha : float
        Power and two-sided significance level.
    ratio : float, default=1.0
        ``n2 / n1``.
    censoring : (times, probability) or DataFrame, optional
        Probability of still being under follow-up (both groups); default none lost.
    design_effect : float or result of :func:`design_effect`, default=1.0

    Returns
    -------
    PlanResult
        ``value`` is ``n1``; the table has ``rmst1``, ``rmst2``, their difference
        (``effect``) and the per-person variances ``variance1``, ``variance2``.

    Raises
    ------
    ValueError
        If the curves have the same RMST (nothing to detect) or are not survival
        curves, or an option is not one allowed.

    Notes
    -----
    ``n1 = (z_(1-alpha/2) + z_power)^2 (sigma1^2 + sigma2^2 / ratio) / (RMST1 - RMST2)^2``
    with ``sigma^2`` of :func:`rmst_variance` (the normal test of the difference of
    Kaplan-Meier RMSTs; Royston & Parmar 2013, section 3; the far tail ignored).

    References
    ----------
    Royston, P. & Parmar, M. K. B. (2013). Restricted mean survival time: an
    alternative to the hazard ratio for the design and analysis of randomized
    trials with a time-to-event outcome. *BMC Medical Research Methodology*, 13,
    152. Klein, J. P. & Moeschberger, M. L. (2003). *Survival Analysis* (2nd ed.),
    section 4.5. R ``SSRMST`` (by simulation) and Stata ``power rmst`` (not in core).

    Examples
    --------
    >>> t = np.arange(1.0, 13.0)
    >>> plan = sample_size_rmst((t, np.exp(-0.08 * t)), (t, np.exp(-0.06 * t)), tau=12)
    >>> int(plan.table["required"].iloc[0])
    411
    """
    ratio = check_positive(ratio, name="ratio", fix="n2 / n1, e.g. ratio=1.")
    alpha, power, z_alpha, z_power = check_error_rates(alpha, power)
    deff = check_design_effect(design_effect)
    (m1, v1), (m2, v2) = (rmst_variance(c, tau=tau, censoring=censoring)
                          for c in (curve1, curve2))
    if m1 == m2:
        raise ValueError(
            f"the two curves have the same RMST up to tau={tau!r} ({m1:.4g}): there is no "
            "difference to detect; plan for the smallest difference worth detecting."
        )
    spread = math.sqrt(v1 + v2 / ratio)
    n1 = ((z_alpha + z_power) * spread / (m1 - m2)) ** 2
    table = plan_table(
        design="rmst_difference", method="kaplan_meier", quantity="n_per_group", value=n1,
        required=math.ceil(n1 * deff - 1e-9), n2_required=math.ceil(ratio * n1 * deff - 1e-9),
        effect=m1 - m2, effect_size=(m1 - m2) / spread, alpha=alpha, power=power, tau=tau,
        rmst1=m1, rmst2=m2, variance1=v1, variance2=v2, ratio=ratio, design_effect=deff,
    )
    size = abs(m1 - m2) / spread
    return PlanResult(
        table=table, value=n1, quantity="n_per_group", size_label="participants in group 1",
        size=n1, alpha=alpha, power=power,
        power_at=lambda n: two_sided_power(size * np.sqrt(np.asarray(n, float)), z_alpha),
    )


def detectable_rmst_difference(
    n1: float, variance1: float, variance2: float, *, power: float = 0.8,
    alpha: float = 0.05, ratio: float = 1.0,
) -> PlanResult:
    """The smallest RMST difference detected with ``power`` when group 1 has ``n1`` people.

    Parameters
    ----------
    n1 : float
        Size of group 1 (``n2 = ratio * n1``).
    variance1, variance2 : float
        Per-person variances of each group's RMST (:func:`rmst_variance`).
    power, alpha, ratio
        As in :func:`sample_size_rmst`.

    Returns
    -------
    PlanResult
        ``value`` is the detectable difference (time units of the curves).

    Raises
    ------
    ValueError
        If a size or variance is not positive, or an option is not one allowed.

    Notes
    -----
    ``(z_(1-alpha/2) + z_power) sqrt((sigma1^2 + sigma2^2 / ratio) / n1)``.

    Examples
    --------
    >>> round(detectable_rmst_difference(450, 10.0, 10.0).value, 3)
    0.591
    """
    n1 = check_positive(n1, name="n1", fix="e.g. n1=450.")
    v1 = check_positive(variance1, name="variance1", fix="see rmst_variance.")
    v2 = check_positive(variance2, name="variance2", fix="see rmst_variance.")
    ratio = check_positive(ratio, name="ratio", fix="n2 / n1, e.g. ratio=1.")
    alpha, power, z_alpha, z_power = check_error_rates(alpha, power)
    spread = math.sqrt(v1 + v2 / ratio)
    diff = (z_alpha + z_power) * spread / math.sqrt(n1)
    table = plan_table(
        design="rmst_difference", method="kaplan_meier", quantity="detectable_difference",
        value=diff, required=np.nan, n2_required=np.nan, effect=diff,
        effect_size=diff / spread, alpha=alpha, power=power, tau=np.nan, rmst1=np.nan,
        rmst2=np.nan, variance1=v1, variance2=v2, ratio=ratio, design_effect=1.0,
    )
    return PlanResult(
        table=table, value=diff, quantity="detectable_difference",
        size_label="participants in group 1", size=n1, alpha=alpha, power=power,
        power_at=lambda n: two_sided_power(diff / spread * np.sqrt(np.asarray(n, float)),
                                           z_alpha),
    )
