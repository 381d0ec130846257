"""The cost-effectiveness acceptability curve (CEAC) from bootstrap replicates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evalkit._plotting import axes
from evalkit._results import TableResult
from evalkit.reporting.catalogue import text

__all__ = ["AcceptabilityResult", "acceptability_curve"]


@dataclass(frozen=True)
class AcceptabilityResult(TableResult):
    """Probability that the programme is cost-effective at each willingness to pay.

    Attributes
    ----------
    table : pandas.DataFrame
        ``wtp`` (euro per extra job), ``probability`` (share of replicates with a
        positive net monetary benefit ``wtp x dE - dC``), ``net_benefit`` (of the
        point estimates).
    n_boot : int
        Replicates used.
    """

    table: pd.DataFrame
    n_boot: int

    def plot(self, ax=None, *, language: str = "en"):
        """The CEAC: probability cost-effective against willingness to pay; the Axes.

        Axis labels are in ``language`` (the report catalogue's); ``ValueError`` if it
        is not one of its languages.
        """
        ax = axes(ax, (5.0, 3.5))
        ax.plot(self.table["wtp"], self.table["probability"], color="C0")
        ax.axhline(0.5, color="grey", linewidth=1, linestyle=":")
        ax.set_ylim(0, 1)
        ax.set_xlabel(text("axis.wtp", language))
        ax.set_ylabel(text("axis.probability_cost_effective", language))
        return ax


def acceptability_curve(
    draws: pd.DataFrame, wtp, *, point: tuple[float, float] | None = None
) -> AcceptabilityResult:
    """CEAC from replicates of the incremental cost and effect.

    Parameters
    ----------
    draws : pandas.DataFrame
        Columns ``incremental_cost`` and ``incremental_effect`` (one row per
        replicate, e.g. ``CostEffectivenessResult.draws``).
    wtp : array-like
        Willingness to pay per extra job (euro), non-negative.
    point : (float, float), optional
        The point estimates ``(dC, dE)`` for the ``net_benefit`` column.

    Returns
    -------
    AcceptabilityResult

    Raises
    ------
    ValueError
        If there are no replicates, or ``wtp`` has negative or non-finite values.

    Notes
    -----
    ``CEAC(l) = P(l dE - dC > 0)``, estimated by the share of replicates (van Hout et
    al. 1994; Fenwick, O'Brien & Briggs 2004). At ``l = 0`` it is the share of
    replicates that save money; as ``l`` grows it tends to the share with ``dE > 0``.
    R ``BCEA::ceac.plot``; Stata by hand from the replicates.

    References
    ----------
    van Hout, B. A., Al, M. J., Gordon, G. S. & Rutten, F. F. (1994). Costs, effects
    and C/E-ratios alongside a clinical trial. *Health Economics*, 3, 309-319.
    Fenwick, E., O'Brien, B. J. & Briggs, A. (2004). Cost-effectiveness acceptability
    curves. *Health Economics*, 13, 405-415.

    Examples
    --------
    >>> draws = pd.DataFrame({"incremental_cost": [100.0, 200.0, -50.0],
    ...                       "incremental_effect": [0.1, 0.05, 0.02]})
    >>> acceptability_curve(draws, [0, 1500, 5000]).table["probability"].round(3).tolist()
    [0.333, 0.667, 1.0]
    """
    if not len(draws):
        raise ValueError(
            "no bootstrap replicates: the acceptability curve needs them; rerun "
            "cost_effectiveness with n_boot of at least 200."
        )
    wtp = np.atleast_1d(np.asarray(wtp, dtype=float))
    if not np.isfinite(wtp).all() or (wtp < 0).any():
        raise ValueError("wtp must be finite euro amounts >= 0 per extra job, e.g. "
                         "numpy.linspace(0, 20000, 101).")
    cost = draws["incremental_cost"].to_numpy()[:, None]
    effect = draws["incremental_effect"].to_numpy()[:, None]
    probability = np.mean(wtp[None, :] * effect - cost > 0, axis=0)
    net = (wtp * point[1] - point[0]) if point is not None else np.full(len(wtp), np.nan)
    table = pd.DataFrame({"wtp": wtp, "probability": probability, "net_benefit": net})
    return AcceptabilityResult(table=table, n_boot=len(draws))
