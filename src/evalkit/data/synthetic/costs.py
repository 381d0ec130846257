"""Simulated programme costs by programme, site, year and cost item."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalkit._validation import check_rng
from evalkit.data.synthetic.model import DEFAULT_SEED, DUO, MODEL, T4J

__all__ = ["INFLATION", "OVERHEAD_RATE", "UNIT_COSTS", "simulate_costs"]

COSTS = MODEL.table("costs")

#: Cost per formed duo (euro, 2020 prices) by programme and cost item. DUO for a JOB:
#: €20,000 for 30 duos = training 3,000 + rooms 5,000 + coordinators 12,000. Team4Job
#: meets at the mentor's workplace (rooms: 0) and trains workplace mentors in-house.
UNIT_COSTS = {
    DUO: {"mentor_training": 100.0, "meeting_rooms": 5000 / 30, "coordinator_salaries": 400.0},
    T4J: {"mentor_training": 60.0, "meeting_rooms": 0.0, "coordinator_salaries": 450.0},
}
OVERHEAD_RATE = 0.12
INFLATION = 0.02


def simulate_costs(
    participants: pd.DataFrame, *, rng: int | np.random.Generator = DEFAULT_SEED + 2
) -> pd.DataFrame:
    """Simulate programme costs by programme, site, year and cost item.

    Parameters
    ----------
    participants : pandas.DataFrame
        Output of :func:`simulate_participants`; ``duos_formed`` counts the participants
        without first-meeting dropout by programme, site and intake year.
    rng : int or numpy.random.Generator, default=DEFAULT_SEED + 2
        Seed or generator.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`evalkit.data.schema.COSTS`: one row per programme, site, year
        (with at least one duo formed) and the four cost items; ``amount_eur`` float
        (euro cents), ``year`` and ``duos_formed`` ``int64``.

    Raises
    ------
    KeyError
        If ``participants`` lacks ``programme``, ``site``, ``intake_date`` or
        ``first_meeting_dropout``.
    TypeError
        If ``rng`` is neither an integer seed nor a ``numpy.random.Generator``.

    Notes
    -----
    Direct cost of an item = duos formed × unit cost (:data:`UNIT_COSTS`, 2020 prices)
    × 1.02^(year − 2020) × a uniform ±5% budget deviation; ``overhead`` = 12% of the
    year's direct costs. Team4Job keeps a ``meeting_rooms`` row of exactly 0 euro
    (meetings at the mentor's workplace), so every programme lists the same four items
    and a missing row is always an error.

    Examples
    --------
    >>> from evalkit.data.synthetic import simulate_participants
    >>> c = simulate_costs(simulate_participants(300, rng=1), rng=2)
    >>> sorted(c.cost_item.unique())[:2]
    ['coordinator_salaries', 'meeting_rooms']
    """
    rng = check_rng(rng)
    formed = participants.loc[~participants["first_meeting_dropout"].astype(bool)]
    counts = formed.groupby(
        [formed["programme"], formed["site"], formed["intake_date"].dt.year.rename("year")]
    ).size()
    rows = []
    for (programme, site, year), duos in counts.items():
        factor = (1 + INFLATION) ** (int(year) - 2020)
        direct = 0.0
        for item, unit in UNIT_COSTS[programme].items():
            amount = round(duos * unit * factor * rng.uniform(0.95, 1.05), 2)
            direct += amount
            rows.append((programme, site, int(year), item, amount, int(duos)))
        rows.append(
            (programme, site, int(year), "overhead", round(OVERHEAD_RATE * direct, 2), int(duos))
        )
    out = pd.DataFrame(rows, columns=list(COSTS.names))
    return out.astype({"year": "int64", "amount_eur": "float64", "duos_formed": "int64"})
