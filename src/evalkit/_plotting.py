"""The one place figures get their Axes, and the numbers at risk printed under curves.

Plotting methods take ``ax=None``: they draw on the Axes given, or on a new figure of
their own size. They never call ``plt.show()`` or change global settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from evalkit.reporting.disclosure import at_risk_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["at_risk_rows", "axes"]


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
) -> None:
    """Print the numbers at risk at ``ticks`` under the x axis, one row per curve.

    ``rows`` holds ``(label, numbers at ticks)``; each number is printed by
    :func:`~evalkit.reporting.disclosure.at_risk_label`, so fewer than ``threshold``
    reads ``<10``, never the number itself.

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
    ax.text(-0.05, -0.2, "at risk", transform=ax.transAxes, ha="right", va="top", fontsize=8)
    for row, (label, counts) in enumerate(rows):
        y = -0.27 - 0.07 * row
        color = None if colors is None else colors[row]
        ax.text(-0.05, y, f"{label}", transform=ax.transAxes, ha="right", va="top", fontsize=8,
                color=color)
        for t, n in zip(ticks, counts, strict=True):
            ax.text(t, y, at_risk_label(n, threshold), transform=trans, ha="center", va="top",
                    fontsize=8)
