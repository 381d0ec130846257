"""How a report's figures look: one palette, titles that state the finding, labelled axes.

The palette is in one place: :data:`PALETTE` (Okabe & Ito's, safe for the common
colour-vision deficiencies). :func:`report_style` makes it matplotlib's colour cycle,
so the programmes, drawn in the same (sorted) order by every evalkit plot, keep one
colour across all figures of a report; :func:`programme_colours` says which.
:func:`describe_figure` gives a figure its title (a generated finding) and axis labels
with units from the catalogue, in the report's language, and writes the numbers of its
tick labels and annotations (numbers at risk) as the language writes them
(:func:`~evalkit.reporting.format.localise_digits`: ``0,2`` and ``1 240`` in French),
on those axes only: matplotlib's global settings are left alone; :func:`figure_alt`
makes the title the image's alternative text on the page (:func:`label_figures` in a
notebook).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from functools import partial

from cycler import cycler
from matplotlib.ticker import Formatter

from evalkit.reporting.catalogue import text, translate
from evalkit.reporting.format import NUMERALS, localise_digits

__all__ = ["PALETTE", "describe_figure", "figure_alt", "label_figures", "programme_colours",
           "report_style"]

#: Okabe & Ito (2008), "Color Universal Design": blue, orange, green, purple, sky blue,
#: vermillion, yellow, black.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")


def report_style() -> dict[str, object]:
    """matplotlib settings of every report figure (``rcParams.update(report_style())``).

    Examples
    --------
    >>> report_style()["axes.prop_cycle"].by_key()["color"][:2]
    ['#0072B2', '#E69F00']
    """
    return {"axes.prop_cycle": cycler(color=list(PALETTE)), "figure.dpi": 80,
            "font.size": 9, "axes.titlesize": 10, "svg.hashsalt": "evalkit"}


def programme_colours(programmes: Iterable[str]) -> dict[str, str]:
    """The colour of each programme: the palette in the programmes' sorted order.

    Examples
    --------
    >>> programme_colours(["Team4Job", "DUO for a JOB"])
    {'DUO for a JOB': '#0072B2', 'Team4Job': '#E69F00'}
    """
    names = sorted({str(p) for p in programmes})
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def describe_figure(ax, title: object, *, x: str | None = None, y: str | None = None,
                    language: str = "en"):
    """Give ``ax`` its finding as a title and axis labels with units from the catalogue.

    The finding is the figure's one title: a title the plot drew itself (a stacked
    plot's group) is removed.

    Parameters
    ----------
    ax : matplotlib.axes.Axes or array of Axes
        What a ``plot()`` returned (the first axes gets the title and labels).
    title : Finding or str
        The finding the figure shows (a generated sentence), wrapped to the width; a
        str is English, translated by the catalogue.
    x, y : str, optional
        Catalogue keys of the axis labels (``"months_since_intake"`` -> ``axis.*``);
        ``None`` keeps the plot's own label.
    language : str, default="en"
        Language of the title, the labels and the numbers of tick labels and
        annotations (English ones are left as matplotlib wrote them).

    Returns
    -------
    matplotlib.axes.Axes
    """
    every = list(ax.flat) if hasattr(ax, "flat") else [ax]
    if language != "en":
        for one in every:
            _localise_numbers(one, language)
    first = every[0]
    if isinstance(title, str):  # an English title; a Finding is in its language already
        title = translate(title, language)
    first.set_title("", loc="center")  # one title: the finding
    first.set_title("\n".join(textwrap.wrap(str(title), 70)), loc="left")
    if x is not None:
        first.set_xlabel(text(f"axis.{x}", language))
    if y is not None:
        first.set_ylabel(text(f"axis.{y}", language))
    return first


#: A label that is only a number, as matplotlib or evalkit writes it (``−1,240.5``, ``40%``).
_NUMBER = re.compile(r"[\u2212+-]?\d[\d,]*(\.\d+)?%?")


def _localised(label: str, language: str) -> str:
    """``label`` in ``language``'s numerals if it is only a number; else as it is."""
    if not _NUMBER.fullmatch(label):
        return label
    if label.endswith("%"):
        return NUMERALS[language].percent.format(localise_digits(label[:-1], language))
    return localise_digits(label, language)


class _LocalisedTicks(Formatter):
    """Another tick formatter's labels, with the numbers in the report's language."""

    def __init__(self, inner: Formatter, language: str):
        self.inner, self.language = inner, language

    def set_axis(self, axis) -> None:
        self.axis = axis
        self.inner.set_axis(axis)

    def set_locs(self, locs) -> None:
        self.inner.set_locs(locs)

    def __call__(self, x, pos=None) -> str:
        return _localised(self.inner(x, pos), self.language)

    def format_ticks(self, values) -> list[str]:
        return [_localised(t, self.language) for t in self.inner.format_ticks(values)]

    def get_offset(self) -> str:
        return _localised(self.inner.get_offset(), self.language)


def _localise_numbers(ax, language: str, *, texts: bool = True) -> None:
    """The numbers of ``ax``'s tick labels (and texts) written as ``language`` writes them.

    Tick labels can be localised again (their formatter is wrapped once); texts cannot
    (``0,5`` would be read as a thousands group), hence ``texts=False`` when a figure
    may have been through :func:`describe_figure` already.
    """
    for axis in (ax.xaxis, ax.yaxis):
        for get, put in ((axis.get_major_formatter, axis.set_major_formatter),
                         (axis.get_minor_formatter, axis.set_minor_formatter)):
            inner = get()
            if not isinstance(inner, _LocalisedTicks):
                put(_LocalisedTicks(inner, language))
    for label in ax.texts if texts else ():
        label.set_text(_localised(label.get_text(), language))


def figure_alt(figure, language: str = "en") -> str:
    """The alternative text of a figure: its title (the finding), else its axes' labels.

    What a screen reader says, and what a page shows if the image cannot be drawn:
    the figure's title (a suptitle, else the first title of its Axes), else
    "Figure: <y label> against <x label>" (or its one label) in ``language``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set(xlabel="mois", ylabel="part")
    >>> figure_alt(fig, "fr")
    'Figure : part en fonction de mois'
    >>> _ = describe_figure(ax, "Mean change", language="fr")
    >>> figure_alt(fig, "fr")
    'Changement moyen'
    >>> plt.close(fig)
    """
    titles = [figure.get_suptitle()]
    titles += [ax.get_title(loc) for ax in figure.axes for loc in ("left", "center")]
    title = next((t for t in titles if t.strip()), "")
    if title:
        return " ".join(title.split())
    for ax in figure.axes:
        x, y = (" ".join(label.split()) for label in (ax.get_xlabel(), ax.get_ylabel()))
        if x and y:
            return text("figure.alt_axes", language, y=y, x=x)
        if x or y:
            return text("figure.alt_axis", language, label=x or y)
    return text("figure.alt", language)


def label_figures(shell, language: str = "en") -> None:
    """Make every figure a notebook shows carry its alternative text (``figure_alt``).

    Wraps the PNG formatter of ``shell`` (an IPython kernel) for matplotlib figures so
    that each figure output's metadata holds ``{"alt": figure_alt(figure, language)}``
    and its tick labels write their numbers as ``language`` does (``0,5``);
    :func:`~evalkit.reporting.page.part_page` puts it on the page's ``<img>``. Calling
    it again replaces the language (the wrapper is not stacked).
    """
    import importlib

    import matplotlib
    from matplotlib.figure import Figure

    backend = matplotlib.get_backend()
    if backend.startswith("module://"):  # the inline backend sets its formatters on import
        importlib.import_module(backend.removeprefix("module://"))

    formatter = shell.display_formatter.formatters["image/png"]
    try:
        draw = formatter.lookup_by_type(Figure)
    except KeyError:  # no PNG output of figures in this shell
        return
    draw = getattr(draw, "keywords", {}).get("draw", draw)
    formatter.for_type(Figure, partial(_png_with_alt, draw=draw, language=language))


def _png_with_alt(figure, *, draw, language: str):
    if language != "en":  # every figure's tick labels, titled by describe_figure or not
        for ax in figure.axes:
            _localise_numbers(ax, language, texts=False)
    data = draw(figure)
    return None if data is None else (data, {"alt": figure_alt(figure, language)})
