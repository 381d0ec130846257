"""Programme costs: per duo formed from the costs file or a total, and per participant or job."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._results import TableResult
from evalkit._validation import (
    check_binary_outcome,
    check_columns,
    check_data,
    check_integer,
    check_positive,
)
from evalkit.reporting.disclosure import PublicationSpec

__all__ = ["CostsResult", "UnitCostResult", "cost_per_outcome", "costs_from_totals",
           "programme_costs"]

_KEY = ["programme", "site", "year"]


@dataclass(frozen=True)
class CostsResult(TableResult):
    """What each programme spends per duo formed, by cost item.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per programme and cost item: ``programme``, ``cost_item``,
        ``amount_eur`` (total over the sites and years used), ``duos_formed`` and
        ``cost_per_duo`` (``amount_eur / duos_formed``).
    unit_costs : pandas.DataFrame
        Cost per duo formed, programmes in rows and cost items in columns (euro).
    source : str
        ``"costs file"`` or ``"totals"``.
    """

    table: pd.DataFrame
    unit_costs: pd.DataFrame = field(repr=False)
    source: str

    #: Published: the number of duos is a count of people; the cost per duo would give
    #: it back from the amount, so it is blank with it. Euros to the unit.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("duos_formed",), derived=("cost_per_duo",),
            decimals={"amount_eur": 0, "cost_per_duo": 0}, dimensions=("programme",),
        ),
    }

    def per_duo(self, programme: object) -> float:
        """Total cost per duo formed of ``programme`` (all items); ``ValueError`` if absent."""
        if programme not in self.unit_costs.index:
            raise ValueError(
                f"the costs have no programme {programme!r}; they cover "
                f"{list(self.unit_costs.index)}. Add its costs (a costs file row per item, or "
                "its total and number of duos in costs_from_totals)."
            )
        return float(self.unit_costs.loc[programme].sum())


def _where(key: tuple) -> str:
    """``programme=..., site=..., year=...`` of a site-year (plain values, no numpy reprs)."""
    return ", ".join(f"{k}={getattr(v, 'item', lambda v=v: v)()}"
                     for k, v in zip(_KEY, key, strict=True))


def _result(table: pd.DataFrame, source: str) -> CostsResult:
    table = table.assign(cost_per_duo=table["amount_eur"] / table["duos_formed"])
    unit = table.pivot_table(index="programme", columns="cost_item", values="cost_per_duo",
                           observed=True, aggfunc="sum")
    unit.columns.name = None
    return CostsResult(table=table.reset_index(drop=True), unit_costs=unit.fillna(0.0),
                       source=source)


def programme_costs(costs: pd.DataFrame, *, years: Sequence[int] | None = None) -> CostsResult:
    """Cost per duo formed by programme and cost item, from a costs table.

    Parameters
    ----------
    costs : pandas.DataFrame
        The costs table (``load_costs(path).data``; columns of
        :data:`evalkit.data.schema.COSTS`): one row per programme, site, year and
        cost item, with the duos formed at that site in that year on each row.
    years : sequence of int, optional
        Keep these years only (e.g. the intake years of the people evaluated).

    Returns
    -------
    CostsResult

    Raises
    ------
    TypeError
        If ``costs`` is not a DataFrame.
    ValueError
        If a column is missing, no row is left, a programme, site and year lacks one
        of the cost items the others have (a missing row is an error, never "no
        cost": write 0), its rows disagree on ``duos_formed``, or a programme has no
        duo formed.

    Notes
    -----
    ``cost per duo = sum of amount_eur / sum of duos_formed`` over the sites and years
    (each site-year's duos counted once): nominal euros, not deflated. In R:
    ``aggregate(amount_eur ~ programme + cost_item, costs, sum)`` over the duos of
    ``unique(costs[c("programme", "site", "year", "duos_formed")])``; Stata
    ``collapse (sum)``.

    Examples
    --------
    >>> costs = pd.DataFrame({"programme": ["A", "A"], "site": ["x", "x"],
    ...                       "year": [2020, 2020], "cost_item": ["rooms", "salaries"],
    ...                       "amount_eur": [300.0, 900.0], "duos_formed": [3, 3]})
    >>> programme_costs(costs).per_duo("A")
    400.0
    """
    check_data(costs, name="costs")
    check_columns(costs, [*_KEY, "cost_item", "amount_eur", "duos_formed"], name="costs")
    if years is not None:
        costs = costs[costs["year"].isin(list(years))]
        check_data(costs, name=f"costs of years {list(years)}")
    items = costs.groupby("programme", observed=True)["cost_item"].agg(lambda s: frozenset(s))
    for key, rows in costs.groupby(_KEY, observed=True):
        if frozenset(rows["cost_item"]) != items[key[0]]:
            missing = sorted(items[key[0]] - frozenset(rows["cost_item"]))
            raise ValueError(
                f"costs of {_where(key)} lack the item(s) {missing} that "
                "other years or sites of the programme have; a missing row is an error, not "
                "'no cost': add the rows (with amount_eur 0 where nothing was spent)."
            )
        if (rows["duos_formed"] != rows["duos_formed"].iloc[0]).any():
            raise ValueError(
                f"costs of {_where(key)} give different duos_formed on "
                "their item rows; each row repeats the site-year's number of duos: correct them."
            )
    duos = costs.drop_duplicates(_KEY).groupby("programme", observed=True)["duos_formed"].sum()
    if (duos <= 0).any():
        raise ValueError(f"programme(s) {list(duos.index[duos <= 0])} formed no duo in the "
                         "costs used, so no cost per duo exists; check the years kept.")
    table = costs.groupby(["programme", "cost_item"], as_index=False, observed=True)[
        "amount_eur"].sum()
    table["duos_formed"] = table["programme"].map(duos).astype("int64")
    return _result(table, "costs file")


def costs_from_totals(
    totals: Mapping[object, float], duos_formed: Mapping[object, int]
) -> CostsResult:
    """Cost per duo formed from a total cost and a number of duos per programme.

    Parameters
    ----------
    totals : mapping of programme to float
        Total cost in euro (e.g. ``{"DUO for a JOB": 7.76e6}``).
    duos_formed : mapping of programme to int
        Duos formed with that money (e.g. ``{"DUO for a JOB": 855}``).

    Returns
    -------
    CostsResult
        One cost item, ``"total"``, per programme.

    Raises
    ------
    ValueError
        If the programmes of the two mappings differ, a total is negative or not a
        number, or a number of duos is not a positive integer.

    Examples
    --------
    >>> costs_from_totals({"DUO for a JOB": 7.76e6}, {"DUO for a JOB": 855}).table[
    ...     "cost_per_duo"].round(2).tolist()
    [9076.02]
    """
    if set(totals) != set(duos_formed):
        raise ValueError(
            f"totals and duos_formed must name the same programmes, but got {sorted(totals)} "
            f"and {sorted(duos_formed)}; give each programme its total and its duos."
        )
    rows = [
        {"programme": p, "cost_item": "total",
         "amount_eur": check_positive(totals[p], name=f"totals[{p!r}]", zero_allowed=True),
         "duos_formed": check_integer(duos_formed[p], name=f"duos_formed[{p!r}]", minimum=1)}
        for p in totals
    ]
    return _result(pd.DataFrame(rows).astype({"duos_formed": "int64"}), "totals")


#: The published table's counts and what each cost is computed from (a cost per unit
#: gives the count back from the costs per duo, so it is blank with every count in it).
_UNIT_DERIVED = {
    "cost_eur": ("n_duos_formed",),
    "cost_completers_eur": ("n_duos_completed",),
    "cost_per_participant": ("n_participants", "n_duos_formed"),
    "cost_per_duo_formed": ("n_duos_formed",),
    "cost_per_duo_completed": ("n_duos_completed", "n_duos_formed"),
    "cost_per_job": ("n_jobs", "n_duos_formed"),
    "cost_per_job_completer": ("n_jobs_completers", "n_duos_completed"),
}
_UNIT_COUNTS = ("n_participants", "n_duos_formed", "n_duos_completed", "n_jobs",
                "n_jobs_completers")


@dataclass(frozen=True)
class UnitCostResult(TableResult):
    """Cost per participant, duo formed, completed duo and job, by programme.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per programme: the counts ``n_participants``, ``n_duos_formed``,
        ``n_duos_completed``, ``n_jobs`` (all participants) and ``n_jobs_completers``
        (participants whose duo completed); ``cost_eur`` (every duo formed) and
        ``cost_completers_eur`` (the completed duos); intention to treat
        ``cost_per_participant``, ``cost_per_duo_formed``, ``cost_per_duo_completed``,
        ``cost_per_job`` (``cost_eur`` over each count); per completer
        ``cost_per_job_completer`` (``cost_completers_eur / n_jobs_completers``).
    outcome : str
        The job outcome column.
    """

    table: pd.DataFrame
    outcome: str

    #: Published: counts of people suppressed below the threshold with the differences a
    #: reader could take (dropouts at the first meeting, duos not completed, no job);
    #: each cost blank with the counts it is computed from; euros to the unit.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=_UNIT_COUNTS, derived=_UNIT_DERIVED,
            decimals=dict.fromkeys(_UNIT_DERIVED, 0), dimensions=("programme",),
            complements=(("n_participants", "n_duos_formed"),
                         ("n_duos_formed", "n_duos_completed"),
                         ("n_participants", "n_jobs"),
                         ("n_duos_completed", "n_jobs_completers")),
        ),
    }


def cost_per_outcome(
    data: pd.DataFrame,
    costs: CostsResult,
    *,
    group: str = "programme",
    formed: str = "duo_formed",
    completed: str = "duo_completed",
    outcome: str = "job",
) -> UnitCostResult:
    """Cost per participant, duo formed, completed duo and job: ITT and per completer.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant evaluated (e.g. ``job_within(...).data``).
    costs : CostsResult
        Cost per duo formed (:func:`programme_costs` or :func:`costs_from_totals`).
    group : str, default="programme"
        Programme column.
    formed, completed : str
        0/1 or boolean columns: a duo was formed (no first-meeting dropout;
        ``data.assign(duo_formed=~data.first_meeting_dropout)``), the duo completed.
    outcome : str, default="job"
        0/1 or boolean job outcome at the horizon.

    Returns
    -------
    UnitCostResult

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If a column is missing or not 0/1, or a programme of ``data`` has no costs.

    Notes
    -----
    The cost of the people evaluated is ``cost per duo formed x duos formed`` among
    them (the costs scale with duos: a participant who leaves at the first meeting
    costs nothing in the costs file). Intention to treat divides it by every
    participant, duo, completed duo or job; per completer divides the cost of the
    completed duos by the jobs of their participants. A count of 0 gives a NaN cost.
    In R: ``aggregate`` the counts by programme, then divide; Stata ``collapse (sum)``.

    Examples
    --------
    >>> df = pd.DataFrame({"programme": ["A"] * 4, "duo_formed": [1, 1, 1, 0],
    ...                    "duo_completed": [1, 1, 0, 0], "job": [1, 0, 1, 0]})
    >>> costs = costs_from_totals({"A": 3000.0}, {"A": 10})
    >>> cost_per_outcome(df, costs).table[["cost_per_job", "cost_per_job_completer"]]
       cost_per_job  cost_per_job_completer
    0         450.0                   600.0
    """
    check_data(data)
    check_columns(data, [group, formed, completed, outcome])
    for column in (formed, completed, outcome):
        check_binary_outcome(data, column)
    rows = []
    for programme, part in data.groupby(group, sort=True, observed=True):
        unit = costs.per_duo(programme)
        f, c, y = (part[col].astype(float).to_numpy() for col in (formed, completed, outcome))
        counts = dict(zip(_UNIT_COUNTS, (len(part), f.sum(), c.sum(), y.sum(), (y * c).sum()),
                          strict=True))
        total, completers = unit * counts["n_duos_formed"], unit * counts["n_duos_completed"]
        with np.errstate(divide="ignore", invalid="ignore"):
            per = {f"cost_per_{name}": np.float64(cost) / counts[count] if counts[count]
                   else np.nan for name, count, cost in (
                       ("participant", "n_participants", total),
                       ("duo_formed", "n_duos_formed", total),
                       ("duo_completed", "n_duos_completed", total),
                       ("job", "n_jobs", total),
                       ("job_completer", "n_jobs_completers", completers))}
        rows.append({"programme": programme, **{k: int(v) for k, v in counts.items()},
                     "cost_eur": total, "cost_completers_eur": completers, **per})
    return UnitCostResult(table=pd.DataFrame(rows), outcome=outcome)
