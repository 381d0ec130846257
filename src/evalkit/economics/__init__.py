"""Value for money: what a programme costs per participant, per duo and per extra job.

- :mod:`~evalkit.economics.costs`: :func:`programme_costs` (cost per duo formed from the
  costs file), :func:`costs_from_totals` (from a total and a number of duos) and
  :func:`cost_per_outcome` (per participant, duo formed, completed duo and job; ITT and
  per completer);
- :mod:`~evalkit.economics.icer`: :func:`cost_effectiveness` (incremental cost per extra
  job from the comparison family's adjusted effects, bootstrap and Fieller intervals,
  the cost-effectiveness plane, dominance and unbounded cases);
- :mod:`~evalkit.economics.fieller`: :func:`fieller_interval`;
- :mod:`~evalkit.economics.acceptability`: :func:`acceptability_curve` (CEAC);
- :mod:`~evalkit.economics.sensitivity`: :func:`one_way_sensitivity` (tornado over the
  cost items and the horizon).

Typical use::

    costs = programme_costs(load_costs("evaldata/costs.csv").data)
    ce = cost_effectiveness(outcome.data, outcome.column, ps, costs, n_boot=500)
    ce.table; ce.plot(); ce.acceptability().plot()
    one_way_sensitivity(ce, horizons={6: ce6, 24: ce24}).plot()
"""

from evalkit.economics.acceptability import AcceptabilityResult, acceptability_curve
from evalkit.economics.costs import (
    CostsResult,
    UnitCostResult,
    cost_per_outcome,
    costs_from_totals,
    programme_costs,
)
from evalkit.economics.fieller import FiellerResult, fieller_interval
from evalkit.economics.icer import CostEffectivenessResult, cost_effectiveness
from evalkit.economics.sensitivity import SensitivityResult, one_way_sensitivity

__all__ = [
    "AcceptabilityResult",
    "CostEffectivenessResult",
    "CostsResult",
    "FiellerResult",
    "SensitivityResult",
    "UnitCostResult",
    "acceptability_curve",
    "cost_effectiveness",
    "cost_per_outcome",
    "costs_from_totals",
    "fieller_interval",
    "one_way_sensitivity",
    "programme_costs",
]
