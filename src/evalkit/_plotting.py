"""The one place figures get their Axes, and the numbers at risk printed under curves.

Plotting methods take ``ax=None``: they draw on the Axes given, or on a new figure of
their own size. They never call ``plt.show()`` or change global settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from evalkit.reporting.catalogue import text
from evalkit.reporting.disclosure import at_risk_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["at_risk_rows", "axes", "merged_bins"]


def axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """Return ``ax``, or the Axes of a new figure of ``figsize`` inches when it is ``None``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> axes(None, (4, 3)).figure.get_size_inches().tolist()
    [4.0, 3.0]
    """
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize)[1]


def at_risk_rows(
    ax: Axes,
    rows: Sequence[tuple[str, Sequence[float]]],
    ticks: Sequence[float],
    threshold: int,
    colors: Sequence[str | None] | None = None,
    language: str = "en",
) -> None:
    """Print the numbers at risk at ``ticks`` under the x axis, one row per curve.

    ``rows`` holds ``(label, numbers at ticks)``; each number is printed by
    :func:`~evalkit.reporting.disclosure.at_risk_label`, so fewer than ``threshold``
    reads ``<10``, never the number itself. The row's heading ("at risk") is in
    ``language`` (the report catalogue's).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = axes(None, (4, 3))
    >>> at_risk_rows(ax, [("a", [40, 3])], [0, 5], threshold=10)
    >>> [t.get_text() for t in ax.texts][-2:]
    ['40', '<10']
    """
    ax.set_xticks(list(ticks))
    trans = ax.get_xaxis_transform()
    # labels sit left of the axes, clear of a number centred at its left end
    ax.text(-0.05, -0.2, text("figure.at_risk", language), transform=ax.transAxes, ha="right",
            va="top", fontsize=8)
    for row, (label, counts) in enumerate(rows):
        y = -0.27 - 0.07 * row
        color = None if colors is None else colors[row]
        ax.text(-0.05, y, f"{label}", transform=ax.transAxes, ha="right", va="top", fontsize=8,
                color=color)
        for t, n in zip(ticks, counts, strict=True):
            ax.text(t, y, at_risk_label(n, threshold), transform=trans, ha="center", va="top",
                    fontsize=8)


def merged_bins(
    samples: Sequence[np.ndarray], edges: np.ndarray, threshold: int
) -> tuple[np.ndarray, np.ndarray]:
    """Histogram bins merged until no bar of any sample holds 1 to ``threshold - 1`` values.

    Adjacent bins are joined from left to right until every sample's count in the
    joined bin is 0 or at least ``threshold``; a small remainder at the right end is
    joined to the bins before it. The samples share the bins, so their bars stay
    comparable (mirrored or overlaid histograms). A sample of fewer than
    ``threshold`` values in all cannot be drawn without a small bar: its counts are
    all 0.

    Parameters
    ----------
    samples : sequence of numpy.ndarray
        Values of each group (e.g. propensity scores of the treated and the others).
    edges : numpy.ndarray
        Initial bin edges, increasing; values outside them are not counted.
    threshold : int
        Smallest number of people a bar may show (already checked).

    Returns
    -------
    edges : numpy.ndarray
        The merged bin edges.
    counts : numpy.ndarray
        Counts of shape ``(len(samples), len(edges) - 1)``: each 0 or >= ``threshold``.

    Examples
    --------
    >>> values = np.array([0.5, 1.5, 1.6, 2.5, 2.6, 2.7, 3.5, 3.6, 3.7])
    >>> e, c = merged_bins([values], np.arange(6.0), threshold=2)
    >>> e.tolist(), c.tolist()
    ([0.0, 2.0, 3.0, 4.0, 5.0], [[3, 3, 3, 0]])
    """
    edges = np.asarray(edges, dtype=float)
    counts = np.array([np.histogram(s, edges)[0] for s in samples], dtype=np.int64)
    counts[counts.sum(axis=1) < threshold] = 0

    def safe(c: np.ndarray) -> bool:
        return bool(np.all((c == 0) | (c >= threshold)))

    kept, bars, pending = [edges[0]], [], np.zeros(len(counts), dtype=np.int64)
    for b in range(counts.shape[1]):
        pending = pending + counts[:, b]
        if safe(pending):
            kept.append(edges[b + 1])
            bars.append(pending)
            pending = np.zeros_like(pending)
    if pending.any() or not bars:
        bars.append(pending)
        kept.append(edges[-1])
    kept[-1] = edges[-1]
    while len(bars) > 1 and not safe(bars[-1]):
        last = bars.pop()
        bars[-1] = bars[-1] + last
        kept.pop(-2)
    return np.array(kept), np.column_stack(bars)
