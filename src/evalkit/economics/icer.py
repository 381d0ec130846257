"""Cost per extra job: the incremental cost-effectiveness ratio with bootstrap and Fieller CIs."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._plotting import axes
from evalkit._results import TableResult
from evalkit._validation import (
    check_binary_outcome,
    check_conf_level,
    check_data,
    check_integer,
    check_one_of,
    check_rng,
)
from evalkit._warning_texts import ICER_STATUSES, warning_text
from evalkit.comparison import PropensityResult, bootstrap_effect, programme_effect
from evalkit.economics.acceptability import AcceptabilityResult, acceptability_curve
from evalkit.economics.costs import CostsResult
from evalkit.economics.fieller import fieller_interval
from evalkit.errors import EvalkitWarning
from evalkit.reporting.catalogue import text
from evalkit.reporting.disclosure import PublicationSpec
from evalkit.reporting.format import format_money

__all__ = ["CostEffectivenessResult", "cost_effectiveness"]

_COST = "__cost_eur__"
_STATISTICS = ("estimate", "std_error", "ci_low", "ci_high")
#: Decimals of each row of the published table: euros whole, risk differences to 3.
_ROW_DECIMALS = {"incremental_cost": 0, "incremental_effect": 3, "icer": 0}
STATUSES = {status: texts[0] for status, texts in ICER_STATUSES.items()}


@dataclass(frozen=True)
class CostEffectivenessResult(TableResult):
    """Incremental cost, incremental effect and the cost per extra job, with CIs.

    Attributes
    ----------
    table : pandas.DataFrame
        Rows ``quantity`` x ``interval``: ``incremental_cost`` (euro per participant),
        ``incremental_effect`` (extra jobs per participant: the adjusted risk
        difference) and ``icer`` (euro per extra job), each with the ``bootstrap``
        interval, and the ``icer`` with the ``fieller`` one; columns ``estimate``,
        ``std_error``, ``ci_low``, ``ci_high`` (NaN where the set is unbounded),
        ``bounded`` and ``n``.
    status : str
        One of :data:`STATUSES` (``"icer"``, ``"dominant"``, ``"dominated"``,
        ``"cheaper_fewer_jobs"``, ``"undefined"``) from the point estimates.
    note : str
        What the result says in words (status, and whether the CI is bounded).
    treated, comparison : object
        The programme and its comparator.
    estimand, method, outcome : str
    conf_level : float
    n : int
    mean_costs : tuple of float
        Adjusted mean cost per participant in the programme and in the comparator.
    unit_costs : pandas.DataFrame
        Cost per duo formed by item of the two programmes (rows: treated, comparison).
    draws : pandas.DataFrame
        Bootstrap replicates: ``incremental_cost``, ``incremental_effect`` (not in reprs).
    """

    table: pd.DataFrame
    status: str
    note: str
    treated: object
    comparison: object
    estimand: str
    method: str
    outcome: str
    conf_level: float
    n: int
    mean_costs: tuple[float, float]
    unit_costs: pd.DataFrame = field(repr=False)
    draws: pd.DataFrame = field(repr=False)

    #: Published: blank if built from fewer than the threshold (``n``); the rows mix
    #: units, so each row has its own decimals: euros (incremental cost, ICER) whole,
    #: the risk difference (extra jobs per participant) to 3 decimals.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n",), derived=_STATISTICS,
            decimals=dict.fromkeys(_STATISTICS, 3), dimensions=("quantity", "interval"),
            row_decimals=("quantity", _ROW_DECIMALS),
        ),
    }

    def estimate(self, quantity: str) -> float:
        """The point estimate of ``incremental_cost``, ``incremental_effect`` or ``icer``."""
        return float(self.table.loc[self.table["quantity"] == quantity, "estimate"].iloc[0])

    def acceptability(self, wtp=None) -> AcceptabilityResult:
        """Cost-effectiveness acceptability curve over willingness to pay per extra job.

        ``wtp`` defaults to 101 values from 0 to 4 x the ICER (or to 50,000 euro when
        the ICER is not a cost per extra job). Raises ``ValueError`` without bootstrap
        replicates (``n_boot=0``).
        """
        if wtp is None:
            icer = self.estimate("icer")
            top = 4 * icer if self.status == "icer" and np.isfinite(icer) else 50_000.0
            wtp = np.linspace(0.0, top, 101)
        return acceptability_curve(self.draws, wtp, point=(self.estimate("incremental_cost"),
                                                           self.estimate("incremental_effect")))

    def plot(self, ax=None, *, wtp: float | None = None, language: str = "en"):
        """The cost-effectiveness plane: replicates, the estimate, and a WTP line; the Axes.

        Legend and axis labels are in ``language`` (the report catalogue's);
        ``ValueError`` if it is not one of its languages.
        """
        ax = axes(ax, (5.0, 4.0))
        if len(self.draws):
            ax.scatter(self.draws["incremental_effect"], self.draws["incremental_cost"], s=6,
                       alpha=0.3, color="C0", label=text("figure.replicates", language))
        ax.plot([self.estimate("incremental_effect")], [self.estimate("incremental_cost")],
                "o", color="C1", label=text("figure.estimate", language))
        ax.axhline(0, color="grey", linewidth=1)
        ax.axvline(0, color="grey", linewidth=1)
        if wtp is not None:
            x = np.array(ax.get_xlim())
            ax.plot(x, wtp * x, "--", color="C2",
                    label=text("figure.wtp_line", language, wtp=format_money(wtp, 0, language)))
            ax.set_xlim(*x)
        ax.set_xlabel(text("axis.incremental_effect", language))
        ax.set_ylabel(text("axis.incremental_cost", language))
        ax.legend(fontsize=8)
        return ax


def _status(d_cost: float, d_effect: float) -> str:
    if d_effect > 0:
        return "icer" if d_cost > 0 else "dominant"
    if d_effect < 0:
        return "dominated" if d_cost >= 0 else "cheaper_fewer_jobs"
    return "undefined"


def bootstrap_ratio_interval(d_cost, d_effect, draws: pd.DataFrame, conf_level: float):
    """Percentile interval of the ICER by the angle of the replicates on the CE plane.

    Each replicate's angle is measured from the estimate's direction (so the ordering
    runs across quadrants, as Glick et al. 2014 advise, not by the ratio's value);
    the limits are the tangents of the percentile angles, and the interval is
    unbounded (NaN) when a limit reaches the vertical (the effect's replicates cross 0).
    """
    if not len(draws) or d_effect <= 0:
        return math.nan, math.nan, False
    base = math.atan2(d_cost, d_effect)
    angles = np.arctan2(draws["incremental_cost"], draws["incremental_effect"]) - base
    angles = (angles + np.pi) % (2 * np.pi) - np.pi
    alpha = 1 - conf_level
    low, high = base + np.quantile(angles, [alpha / 2, 1 - alpha / 2])
    if not (-np.pi / 2 < low and high < np.pi / 2):
        return math.nan, math.nan, False
    return math.tan(low), math.tan(high), True


def _paired_draws(work, outcome, ps, method, options, n_boot, rng):
    """Paired bootstrap replicates of the incremental cost and effect (propensity refitted).

    Both calls of :func:`evalkit.comparison.bootstrap_effect` get the same integer seed,
    so replicate ``b`` of the cost and of the effect resample the same people.
    """
    if n_boot == 0:
        return pd.DataFrame({"incremental_cost": [], "incremental_effect": []})
    seed = int(rng.integers(2**32))
    effect = bootstrap_effect(work, outcome, ps, n_boot=n_boot, rng=seed, **options).draws
    cost = bootstrap_effect(work, _COST, ps, n_boot=n_boot, rng=seed, **options).draws
    draws = pd.DataFrame({"incremental_cost": cost[f"{method}_mean_difference"],
                          "incremental_effect": effect[f"{method}_risk_difference"]})
    return draws.dropna().reset_index(drop=True)


def _table(d_cost, d_effect, se, draws, conf_level, n):
    """The tidy table: bootstrap rows of the cost, effect and ICER, and Fieller's ICER."""
    z_rows = []
    icer = d_cost / d_effect if d_effect > 0 and d_cost > 0 else math.nan
    for quantity, estimate, column in (("incremental_cost", d_cost, "incremental_cost"),
                                       ("incremental_effect", d_effect, "incremental_effect")):
        values = draws[column].to_numpy()
        alpha = 1 - conf_level
        low, high = (np.quantile(values, [alpha / 2, 1 - alpha / 2]) if len(values)
                     else (math.nan, math.nan))
        z_rows.append({"quantity": quantity, "interval": "bootstrap", "estimate": estimate,
                       "std_error": values.std(ddof=1) if len(values) > 1 else se[quantity],
                       "ci_low": low, "ci_high": high, "bounded": bool(len(values))})
    low, high, bounded = bootstrap_ratio_interval(d_cost, d_effect, draws, conf_level)
    z_rows.append({"quantity": "icer", "interval": "bootstrap", "estimate": icer,
                   "std_error": math.nan, "ci_low": low, "ci_high": high, "bounded": bounded})
    fieller = _fieller(d_cost, d_effect, draws, conf_level)
    z_rows.append({"quantity": "icer", "interval": "fieller", "estimate": icer,
                   "std_error": math.nan, **fieller})
    return pd.DataFrame(z_rows).assign(n=n)


def _fieller(d_cost, d_effect, draws, conf_level):
    """Fieller's interval with the bootstrap covariance of the incremental cost and effect."""
    if len(draws) < 2 or d_effect <= 0:
        return {"ci_low": math.nan, "ci_high": math.nan, "bounded": False}
    cov = np.cov(draws["incremental_cost"], draws["incremental_effect"])
    f = fieller_interval(d_cost, d_effect, cov[0, 0], cov[1, 1], cov[0, 1],
                         conf_level=conf_level)
    return {"ci_low": f.table["ci_low"].iloc[0], "ci_high": f.table["ci_high"].iloc[0],
            "bounded": f.kind == "bounded"}


def _note(status, table, treated, comparison, n_draws):
    """The result in words, and whether to warn."""
    unbounded = status == "icer" and n_draws > 0 and not table["bounded"].iloc[2:].all()
    key = f"warning.icer.{status}" + "_no_interval" * (not n_draws) + "_unbounded" * unbounded
    return (warning_text(key, treated=treated, comparison=comparison),
            unbounded or status != "icer")


def cost_effectiveness(
    data: pd.DataFrame,
    outcome: str,
    ps: PropensityResult,
    costs: CostsResult,
    *,
    formed: str = "duo_formed",
    estimand: str = "ATE",
    method: str = "aipw",
    outcome_formula: str | None = None,
    cluster: str | None = None,
    n_boot: int = 1000,
    conf_level: float = 0.95,
    rng: int | np.random.Generator | None = 0,
) -> CostEffectivenessResult:
    """Incremental cost per extra job of a programme against its comparator, with CIs.

    Parameters
    ----------
    data : pandas.DataFrame
        The data the propensity model was fitted on (same rows, same order).
    outcome : str
        0/1 job outcome at the horizon (``job_within(...).column``).
    ps : PropensityResult
        Propensity model of the programme (:func:`evalkit.comparison.propensity_score`);
        its treated label is the programme, the other group the comparator.
    costs : CostsResult
        Cost per duo formed of both programmes (:func:`programme_costs` or
        :func:`costs_from_totals`).
    formed : str, default="duo_formed"
        0/1 or boolean column: a duo was formed (the costs are per duo formed).
    estimand, outcome_formula, cluster
        As in :func:`evalkit.comparison.programme_effect` (``cluster`` also makes the
        bootstrap resample clusters).
    method : {"aipw", "ipw"}, default="aipw"
        The adjusted estimator of the incremental cost and effect (never the naive
        difference).
    n_boot : int, default=1000
        Bootstrap replicates (0: point estimates only, no intervals or CEAC).
    conf_level : float, default=0.95
    rng : int or numpy.random.Generator, default=0

    Returns
    -------
    CostEffectivenessResult
        ``plot()`` draws the cost-effectiveness plane, ``acceptability()`` the CEAC.

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If ``outcome`` or ``formed`` is not 0/1, a programme has no costs, or an
        option is not one allowed (and as :func:`~evalkit.comparison.programme_effect`).

    Warns
    -----
    EvalkitWarning
        When the ICER is not a cost per extra job (dominance, fewer jobs, no
        difference), or its interval is unbounded because the effect's interval
        includes 0: the limits are NaN, never a huge number.

    Notes
    -----
    Each participant's cost is the cost per duo formed of their programme if a duo was
    formed, else 0. The incremental cost ``dC`` and effect ``dE`` (risk difference) are
    adjusted means of the same estimator and estimand, so they describe the same
    population; ``ICER = dC / dE`` euro per extra job when both are positive.
    Intervals: (1) the non-parametric bootstrap resampling participants (or
    clusters) with the propensity and outcome models refitted in every replicate
    (paired replicates of ``dC`` and ``dE``); the ICER's percentile interval orders
    the replicates by their angle on the cost-effectiveness plane (Glick et al.
    2014, ch. 7), unbounded when the replicates of ``dE`` cross 0; (2) Fieller's
    interval with the bootstrap covariance of ``(dC, dE)`` (:func:`fieller_interval`).

    Costs are nominal (euros as spent, not converted to one price year) and nothing is
    discounted. Discounting turns costs and effects that fall in later years into
    present values (NICE 2013, section 5.6.2: 3.5% a year for both); by convention it
    is applied only beyond the first year (Drummond et al. 2015; Glick et al. 2014),
    and the horizons here are at most 24 months: the costs fall when the duos are
    formed, in the first months, and a job found in the second year would count
    ``1 / 1.035`` of one, which raises the ICER by at most 3.5%, well inside its CI.

    References
    ----------
    Briggs, A. H., Wonderling, D. E. & Mooney, C. Z. (1997). Pulling cost-effectiveness
    analysis up by its bootstraps. *Health Economics*, 6, 327-340. Willan, A. R. &
    O'Brien, B. J. (1996). *Health Economics*, 5, 297-305. Glick, H. A., Doshi, J. A.,
    Sonnad, S. S. & Polsky, D. (2014). *Economic Evaluation in Clinical Trials* (2nd
    ed.), OUP. R: ``BCEA::bcea`` on the replicates, ``icerui``; Stata: ``bootstrap``
    of the two adjusted differences, then ``fieller``. NICE (2013). *Guide to the
    methods of technology appraisal 2013* (PMG9), section 5.6. Drummond, M. F.,
    Sculpher, M. J., Claxton, K., Stoddart, G. L. & Torrance, G. W. (2015). *Methods
    for the Economic Evaluation of Health Care Programmes* (4th ed.), OUP.

    Examples
    --------
    >>> from evalkit.comparison import propensity_score
    >>> from evalkit.economics import costs_from_totals
    >>> rng = np.random.default_rng(2)
    >>> df = pd.DataFrame({"x": rng.normal(size=800)})
    >>> df["g"] = np.where(rng.random(800) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> df["duo_formed"] = rng.random(800) < 0.8
    >>> df["job"] = (rng.random(800) < 0.3 + 0.15 * (df.g == "a")).astype(int)
    >>> ps = propensity_score(df, "g ~ x", treated="a")
    >>> costs = costs_from_totals({"a": 8000.0, "b": 5000.0}, {"a": 10, "b": 10})
    >>> ce = cost_effectiveness(df, "job", ps, costs, n_boot=100, rng=1)
    >>> ce.status, round(ce.estimate("icer"))
    ('icer', 1771)
    """
    check_data(data)
    check_binary_outcome(data, outcome)
    check_binary_outcome(data, formed)
    check_one_of(method, ("aipw", "ipw"), name="method")
    n_boot = check_integer(n_boot, name="n_boot", minimum=0, fix="e.g. n_boot=1000 (0: none).")
    if n_boot == 1:
        raise ValueError("n_boot must be 0 (no intervals) or at least 2, but was 1.")
    conf_level, rng = check_conf_level(conf_level), check_rng(rng)
    treated = ps.treated_label
    comparison = data.loc[~ps.treated, ps.group].iloc[0] if (~ps.treated).any() else None
    per_duo = np.where(ps.treated, costs.per_duo(treated), costs.per_duo(comparison))
    unit = costs.unit_costs.loc[[treated, comparison]]
    work = data.assign(**{_COST: per_duo * data[formed].astype(float).to_numpy()})
    options = {"estimand": estimand, "outcome_formula": outcome_formula, "cluster": cluster,
               "conf_level": conf_level}
    effect = programme_effect(work, outcome, ps, methods=(method,), **options).table
    cost = programme_effect(work, _COST, ps, methods=(method,), **options).table
    d_effect, d_cost = float(effect["estimate"].iloc[0]), float(cost["estimate"].iloc[0])
    draws = _paired_draws(work, outcome, ps, method, options, n_boot, rng)
    se = {"incremental_cost": float(cost["std_error"].iloc[0]),
          "incremental_effect": float(effect["std_error"].iloc[0])}
    table = _table(d_cost, d_effect, se, draws, conf_level, len(data))
    status = _status(d_cost, d_effect)
    note, warn = _note(status, table, treated, comparison, len(draws))
    if warn:
        warnings.warn(note, EvalkitWarning, stacklevel=2)
    return CostEffectivenessResult(
        table=table, status=status, note=note, treated=treated, comparison=comparison,
        estimand=estimand, method=method, outcome=outcome, conf_level=conf_level,
        n=len(data), mean_costs=(float(cost["mean_treated"].iloc[0]),
                                 float(cost["mean_comparison"].iloc[0])),
        unit_costs=unit, draws=draws,
    )
