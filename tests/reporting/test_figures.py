"""One palette, titles that state the finding, labelled axes."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from evalkit.reporting.figures import (
    PALETTE,
    describe_figure,
    programme_colours,
    report_style,
)
from evalkit.reporting.findings import Finding


def test_each_programme_keeps_one_colour_whatever_the_order():
    assert programme_colours(["B", "A"]) == programme_colours(["A", "B", "A"])
    assert programme_colours(["A", "B"]) == {"A": PALETTE[0], "B": PALETTE[1]}
    with matplotlib.rc_context(report_style()):
        fig, ax = plt.subplots()
        line, = ax.plot([0, 1])
        assert line.get_color() == PALETTE[0]
        plt.close(fig)


def test_a_figure_gets_its_finding_as_title_and_units_on_its_axes():
    fig, axes = plt.subplots(1, 2)
    first = describe_figure(axes, Finding("rate", "Within 12 months, 48% found work."),
                            x="months_since_intake", y="share_job")
    assert first is axes[0] and first.get_title(loc="left") == "Within 12 months, 48% found work."
    assert first.get_xlabel() == "months since intake"
    assert "proportion" in first.get_ylabel()
    plt.close(fig)


def test_an_english_title_is_translated_a_finding_is_kept():
    fig, ax = plt.subplots()
    describe_figure(ax, "Mean change", x="months_since_intake", language="nl")
    assert ax.get_title(loc="left") == "Gemiddelde verandering"
    assert ax.get_xlabel() == "maanden sinds de instroom"
    describe_figure(ax, Finding("rate", "Mean change"), language="nl")
    assert ax.get_title(loc="left") == "Mean change"
    plt.close(fig)


def test_tick_labels_and_numbers_at_risk_are_written_in_the_report_language():
    from matplotlib.ticker import ScalarFormatter

    from evalkit._plotting import at_risk_rows

    fig, (fr, en) = plt.subplots(1, 2)
    for ax in (fr, en):
        ax.plot([0, 12], [-0.5, 0.75])
        at_risk_rows(ax, [("DUO", [1240, 3])], [0, 12], threshold=10)
    describe_figure(fr, "Mean change", language="fr")
    describe_figure(en, "Mean change")
    fig.canvas.draw()
    assert "−0,4" in [t.get_text() for t in fr.get_yticklabels()]
    assert [t.get_text() for t in fr.texts][-2:] == ["1\u202f240", "<10"]
    assert "DUO" in [t.get_text() for t in fr.texts]  # a name is no number: left alone
    assert "−0.4" in [t.get_text() for t in en.get_yticklabels()]
    assert type(en.yaxis.get_major_formatter()) is ScalarFormatter  # English: untouched
    assert plt.rcParams["axes.formatter.use_locale"] is False
    plt.close(fig)


def test_a_figure_output_carries_its_finding_as_alt_text():
    """Issue 16: in a kernel, each figure's PNG output has the alt text of its title."""
    from types import SimpleNamespace

    from IPython.core.formatters import DisplayFormatter
    from matplotlib.figure import Figure

    from evalkit.reporting.figures import figure_alt, label_figures

    formatters = DisplayFormatter()
    formatters.formatters["image/png"].for_type(Figure, lambda fig: b"png")
    shell = SimpleNamespace(display_formatter=formatters)
    label_figures(shell, "fr")
    label_figures(shell, "nl")  # the language is replaced, the wrapper not stacked
    fig, ax = plt.subplots()
    ax.set(xlabel="maanden", ylabel="aandeel")
    data, metadata = formatters.format(fig, include={"image/png"})
    assert data == {"image/png": b"png"}
    assert metadata == {"image/png": {"alt": "Figuur: aandeel tegenover maanden"}}
    describe_figure(ax, Finding("rate", "Binnen 12 maanden vond 48% werk."), language="nl")
    assert formatters.format(fig, include={"image/png"})[1]["image/png"]["alt"] == (
        "Binnen 12 maanden vond 48% werk.")
    assert figure_alt(plt.figure(), "fr") == "Figure"
    fig, ax = plt.subplots()
    ax.set_xlabel("score")
    assert figure_alt(fig, "fr") == "Figure : score"
    plt.close("all")


def test_a_figure_shown_without_describe_figure_has_its_ticks_in_the_language():
    """A plot a notebook shows as it is (part 04's odds ratios) writes 0,5 in French too."""
    from types import SimpleNamespace

    from IPython.core.formatters import DisplayFormatter
    from matplotlib.figure import Figure

    from evalkit.reporting.figures import label_figures

    def ticks(fig):
        fig.canvas.draw()
        return "|".join(t.get_text() for t in fig.axes[0].get_yticklabels()).encode()

    formatters = DisplayFormatter()
    formatters.formatters["image/png"].for_type(Figure, ticks)
    label_figures(SimpleNamespace(display_formatter=formatters), "fr")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0.5, 1.5])
    ax.text(0.5, 1.25, "0.5")
    shown = formatters.format(fig, include={"image/png"})[0]["image/png"].decode()
    assert "|0,6|" in shown and "." not in shown
    describe_figure(ax, "Mean change", language="fr")  # then shown again: ticks once
    assert formatters.format(fig, include={"image/png"})[0]["image/png"].decode() == shown
    assert [t.get_text() for t in ax.texts] == ["0,5"]
    plt.close(fig)
