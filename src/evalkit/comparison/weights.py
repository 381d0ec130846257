"""Propensity-score weights for the ATE, ATT and overlap population, and their ESS."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._plotting import axes, merged_bins
from evalkit._results import TableResult
from evalkit._validation import check_one_of, check_truncate
from evalkit.comparison._design import ESTIMANDS
from evalkit.comparison.propensity import PropensityResult
from evalkit.reporting.catalogue import text
from evalkit.reporting.disclosure import (
    ACROSS_COUNTS,
    DEFAULT_THRESHOLD,
    PublicationSpec,
    check_threshold,
)

__all__ = ["WeightsResult", "effective_sample_size", "propensity_weights"]


def _tilting(e: np.ndarray, estimand: str) -> tuple[np.ndarray, np.ndarray]:
    """Weights of treated and control rows as functions of the score."""
    if estimand == "ATE":
        return 1.0 / e, 1.0 / (1.0 - e)
    if estimand == "ATT":
        return np.ones_like(e), e / (1.0 - e)
    return 1.0 - e, e  # ATO: overlap weights


def _tilting_derivative(e: np.ndarray, estimand: str) -> tuple[np.ndarray, np.ndarray]:
    """d weight / d linear predictor for treated and control rows."""
    if estimand == "ATE":
        return -(1.0 - e) / e, e / (1.0 - e)
    if estimand == "ATT":
        return np.zeros_like(e), e / (1.0 - e)
    return -e * (1.0 - e), e * (1.0 - e)


def _expanded_quantile(values: np.ndarray, counts: np.ndarray, q: float) -> float:
    """``np.quantile`` (linear) of ``values`` with each repeated ``counts`` times."""
    order = np.argsort(values, kind="stable")
    ends = np.cumsum(counts[order])
    position = q * (ends[-1] - 1)
    below = int(np.floor(position))
    low, high = values[order[np.searchsorted(ends, [below + 1, below + 2])
                             .clip(max=len(ends) - 1)]]
    return float(low + (position - below) * (high - low))


def _weight_arrays(e, t, estimand, truncate, counts=None):
    """Tilting weights of each row, their derivative in the linear predictor, and the cap.

    Rows whose weight is capped get derivative 0 (the cap is treated as fixed). With
    ``counts`` (a bootstrap replicate's frequency weights) the cap is the quantile of
    the replicate's weights, as if its rows were repeated.
    """
    w1, w0 = _tilting(e, estimand)
    d1, d0 = _tilting_derivative(e, estimand)
    w = np.where(t, w1, w0)
    d = np.where(t, d1, d0)
    cap = None
    if truncate is not None:
        cap = float(
            np.quantile(w, truncate) if counts is None else _expanded_quantile(w, counts, truncate)
        )
        capped = w > cap
        w = np.where(capped, cap, w)
        d = np.where(capped, 0.0, d)
    return w, d, cap


@dataclass(frozen=True)
class WeightsResult(TableResult):
    """Propensity-score weights for an estimand, with their effective sample size.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group (treated label, then ``comparison``): ``n``, ``sum_weights``,
        ``min``, ``max``, ``mean`` of the weights, ``effective_n`` (Kish) and
        ``n_truncated`` (weights capped).
    estimand : str
        ATE, ATT or ATO.
    stabilized : bool
        Whether the weights were stabilised.
    truncate : float or None
        The quantile at which weights were capped.
    cap : float or None
        The cap: that quantile of the unstabilised weights.
    weights : numpy.ndarray
        One weight per row of the data (row-level: not shown in reprs).
    treated : numpy.ndarray
        Boolean treated indicator of each row.
    """

    table: pd.DataFrame
    estimand: str
    stabilized: bool
    truncate: float | None
    cap: float | None
    weights: np.ndarray = field(repr=False)
    treated: np.ndarray = field(repr=False)

    #: How the table is published: group sizes and truncated counts suppressed below
    #: the threshold (the total over the groups is known), the weights' summaries of a
    #: suppressed group blanked, all rounded.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n", "n_truncated"),
            derived={c: ("n",) for c in ("sum_weights", "min", "max", "mean", "effective_n")},
            margins=((ACROSS_COUNTS,),),
            decimals={"sum_weights": 1, "min": 2, "max": 2, "mean": 2, "effective_n": 1},
            dimensions=("group",),
        ),
    }

    def plot(self, ax=None, *, bins: int = 30, threshold: int = DEFAULT_THRESHOLD,
             language: str = "en"):
        """Histograms of the weights by group on a log scale; returns the Axes.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        bins : int, default=30
            Bins of equal width in log weight before merging.
        threshold : int, default=10
            No bar shows fewer people: adjacent bins are merged (for both groups at
            once) until each bar holds 0 or at least ``threshold`` people
            (:func:`evalkit._plotting.merged_bins`); heights are people per
            ``1/bins`` of the log range, so a merged bar is not taller for its width.
            The largest weights, the ones to watch, stay visible as a bar of real
            people rather than the tail of a smoothed density.
        language : str, default="en"
            Language of the axis labels and the legend (the report catalogue's).

        Raises ``ValueError`` if ``threshold`` is below 5; warns (``DisclosureWarning``)
        below 10.
        """
        threshold = check_threshold(threshold)
        ax = axes(ax, (6, 3.5))
        positive = self.weights[self.weights > 0]
        log_edges = np.linspace(np.log(positive.min()), np.log(positive.max() * 1.0001), bins + 1)
        groups = ((self.table["group"].iloc[0], self.treated),
                  (text("figure.comparison_group", language), ~self.treated))
        edges, counts = merged_bins(
            [np.log(self.weights[member & (self.weights > 0)]) for _, member in groups],
            log_edges,
            threshold,
        )
        scale = (log_edges[1] - log_edges[0]) / np.diff(edges)
        for (label, _), count, color in zip(groups, counts, ("C0", "C1"), strict=True):
            ax.bar(np.exp(edges[:-1]), count * scale, np.diff(np.exp(edges)), align="edge",
                   alpha=0.6, color=color, label=str(label))
        ax.set_xscale("log")
        if self.cap is not None:
            ax.axvline(self.cap, color="grey", linestyle="--", linewidth=1)
        ax.set_xlabel(text("figure.weight", language, estimand=self.estimand))
        ax.set_ylabel(text("figure.per_weight_bin", language, bins=bins))
        ax.legend(frameon=False)
        return ax


def propensity_weights(
    ps: PropensityResult,
    *,
    estimand: str = "ATE",
    stabilize: bool = False,
    truncate: float | None = None,
) -> WeightsResult:
    """Weights that make the two groups comparable for an estimand.

    Parameters
    ----------
    ps : PropensityResult
        The fitted propensity model.
    estimand : {"ATE", "ATT", "ATO"}, default="ATE"
        ATE: inverse probability weights ``1/e`` and ``1/(1-e)``; ATT: 1 for the
        treated and ``e/(1-e)`` for the comparison group; ATO: overlap weights
        ``1-e`` and ``e`` (Li, Morgan & Zaslavsky 2018), which target the people
        who could plausibly be in either programme and are bounded by 1.
    stabilize : bool, default=False
        Multiply by marginal proportions so the weights average about 1 in each
        group: ATE ``p/e`` and ``(1-p)/(1-e)``; ATT ``(1-p)/p`` on the comparison
        weights (``p`` the treated share). Weighted means (and so every effect
        estimate of this module) are unchanged; only the scale of the weights moves.
        Overlap weights are bounded and have no stabilised form: ``stabilize=True``
        with ``estimand="ATO"`` raises.
    truncate : float, optional
        Cap weights at this quantile of all (unstabilised) weights, e.g. 0.99.
        Truncation trades bias for variance and changes the estimand slightly; report
        it. The same option of :func:`programme_effect` caps the same people.

    Returns
    -------
    WeightsResult
        ``weights`` (one per row) and a ``table`` per group with the Kish effective
        sample size :math:`(\\sum w)^2 / \\sum w^2`.

    Raises
    ------
    ValueError
        If ``estimand`` is not ATE, ATT or ATO; ``truncate`` is not ``None`` or a
        quantile in (0.5, 1); ``stabilize=True`` with ``estimand="ATO"``.

    Notes
    -----
    The effective sample size says how many unweighted people the weighted group is
    worth; a large drop signals extreme weights (poor overlap). Weights are the
    "tilting functions" of Li, Morgan & Zaslavsky (2018): ``h(e)/e`` and ``h(e)/(1-e)``
    with ``h = 1`` (ATE), ``e`` (ATT) and ``e(1-e)`` (ATO).

    References
    ----------
    Li, F., Morgan, K. L. & Zaslavsky, A. M. (2018). Balancing covariates via
    propensity score weighting. *JASA*, 113, 390-400. Cole, S. R. & Hernán, M. A.
    (2008). Constructing inverse probability weights for marginal structural models.
    *Am. J. Epidemiol.*, 168, 656-664. The ATE/ATT/ATO weights equal R ``WeightIt``'s
    ``method = "glm"`` weights (tested against the closed forms).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from evalkit.comparison import propensity_score
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=400)})
    >>> df["g"] = np.where(rng.random(400) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> w = propensity_weights(propensity_score(df, "g ~ x", treated="a"), estimand="ATO")
    >>> bool(w.weights.max() < 1)
    True
    """
    check_one_of(estimand, ESTIMANDS, name="estimand")
    check_truncate(truncate)
    if stabilize and estimand == "ATO":
        raise ValueError(
            "stabilize=True applies to ATE and ATT weights; overlap (ATO) weights are "
            "bounded by 1 and have no stabilised form. Pass stabilize=False."
        )
    t = ps.treated
    raw = np.where(t, *_tilting(ps.scores, estimand))
    w, _, cap = _weight_arrays(ps.scores, t, estimand, truncate)
    n_capped = w < raw
    if stabilize:
        w = w * _stabilizing_factors(t, estimand)
    return WeightsResult(
        table=_weight_summary(w, n_capped, t, ps.treated_label),
        estimand=estimand,
        stabilized=stabilize,
        truncate=truncate,
        cap=cap,
        weights=w,
        treated=t,
    )


def _stabilizing_factors(t: np.ndarray, estimand: str) -> np.ndarray:
    """Marginal proportions that make ATE or ATT weights average about 1 in each group."""
    p = t.mean()
    return np.where(t, p, 1 - p) if estimand == "ATE" else np.where(t, 1.0, (1 - p) / p)


def _weight_summary(
    w: np.ndarray, n_capped: np.ndarray, t: np.ndarray, treated_label: object
) -> pd.DataFrame:
    """Sum, range, mean, effective size and truncated count of the weights, by group."""
    return pd.DataFrame(
        [
            {
                "group": label,
                "n": int(member.sum()),
                "sum_weights": float(w[member].sum()),
                "min": float(w[member].min()),
                "max": float(w[member].max()),
                "mean": float(w[member].mean()),
                "effective_n": effective_sample_size(w[member]),
                "n_truncated": int(n_capped[member].sum()),
            }
            for label, member in ((treated_label, t), ("comparison", ~t))
        ]
    )


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` of a set of weights.

    Examples
    --------
    >>> effective_sample_size(np.array([1.0, 1.0, 2.0]))
    2.6666666666666665
    """
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / np.dot(w, w))
