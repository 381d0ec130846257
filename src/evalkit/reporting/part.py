"""One part of a report, as its notebook writes it: tables, rows used, data notes.

A notebook creates one :class:`ReportPart` after its parameters and shows every
table through it::

    report = ReportPart(threshold=threshold, ledger=disclosure_ledger)
    participants = load_participants(participants_path)
    report.rows(participants, analysed=len(data))
    report.show(rates, caption="Share with a job by each horizon", population="sample")
    ...
    report.notes()

:meth:`ReportPart.show` publishes the result (disclosure control, the report's
ledger) and formats it (:func:`evalkit.reporting.format.format_table`), numbering the
tables of the part. From its creation until :meth:`ReportPart.notes`, the part records
the warnings evalkit raises; ``notes()`` prints them as a "Data notes" box in words,
each once, without file paths, in the part's language (:func:`reword_note`), and
passes other warnings (a library's deprecation) to standard error, which the report
runner keeps in its log, never in the report.
"""

from __future__ import annotations

import html
import re
import sys
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from evalkit.errors import DisclosureWarning, EvalkitWarning, IdentifierWarning
from evalkit.reporting.catalogue import text, translate
from evalkit.reporting.disclosure import (
    DEFAULT_THRESHOLD,
    DisclosureLedger,
    PublicationSpec,
    PublishedTable,
    at_risk_label,
    check_threshold,
    publish,
)
from evalkit.reporting.format import (
    RESULT_KINDS,
    ReportTable,
    ReportText,
    format_number,
    format_table,
    localise_digits,
)
from evalkit.reporting.notes import reword_note

__all__ = ["ReportPart", "scrub_paths"]

# An absolute path (POSIX or Windows) or a kernel's temporary cell file.
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][\w.@~+-]+){2,}[\\/]?")


def scrub_paths(message: str) -> str:
    """``message`` with every absolute path replaced by its last part (the file's name).

    Examples
    --------
    >>> scrub_paths("/tmp/ipykernel_17/3225.py:1: x in /home/me/data/p.csv")
    '3225.py:1: x in p.csv'
    """
    return _PATH.sub(lambda m: re.split(r"[\\/]", m.group(0).rstrip("\\/"))[-1], message)


class ReportPart:
    """The tables, row counts and data notes of one part of a report.

    Parameters
    ----------
    threshold : int, default=10
        Smallest count published (see :func:`~evalkit.reporting.check_threshold`).
    ledger : DisclosureLedger, str, Path or None, default=None
        The report's disclosure ledger, or the path of its file (the notebook's
        ``disclosure_ledger`` parameter); ``None``: this part only.
    language : str, default="en"
        Language of headings, labels and notes.

    Raises
    ------
    ValueError
        If ``threshold`` is below 5.

    Warns
    -----
    DisclosureWarning
        If ``threshold`` is below 10 (recorded: the part's data notes say so).

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.reporting import PublicationSpec
    >>> report = ReportPart()
    >>> t = pd.DataFrame({"site": ["A", "B"], "n": [40, 25]})
    >>> report.show(t, spec=PublicationSpec(counts=("n",)), caption="People by site")
    Table 1. People by site
    Site People
       A     40
       B     25
    >>> report.notes()
    <BLANKLINE>
    """

    def __init__(
        self,
        *,
        threshold: int = DEFAULT_THRESHOLD,
        ledger: DisclosureLedger | str | Path | None = None,
        language: str = "en",
    ) -> None:
        self._catcher = warnings.catch_warnings(record=True)
        self._caught = self._catcher.__enter__()
        warnings.simplefilter("always", EvalkitWarning)
        self._open = True
        self.threshold = check_threshold(threshold)
        self.ledger = ledger if isinstance(ledger, DisclosureLedger) else DisclosureLedger(ledger)
        text("report.contents", language)  # checks the language
        self.language = language
        self.n_tables = 0
        shell = _ipython()
        if shell is not None and hasattr(shell, "display_formatter"):
            from evalkit.reporting.figures import label_figures

            label_figures(shell, language)  # each figure's alt text: its finding

    def show(
        self,
        source: object,
        part: str = "table",
        *,
        caption: str,
        population: str = "all",
        spec: PublicationSpec | None = None,
        columns: Sequence[str] | None = None,
        kinds: Mapping[str, str] | None = None,
        across: str | None = None,
        decimals: int | None = None,
    ) -> ReportTable:
        """Publish ``source`` and format it as the part's next numbered table.

        Parameters
        ----------
        source : result, PublishedTable or pandas.DataFrame
            A result with publication specs (published with ``part``), a table already
            published, or a DataFrame: published with ``spec`` when given, else shown
            as it is (it must count no people). A result without publication specs
            counts no people (evalkit's convention): its table is shown as it is.
        part : str, default="table"
            Which table of the result.
        caption : str
            What the table shows, in English: shown in the part's language when the
            catalogue translates it (:func:`~evalkit.reporting.catalogue.translate`).
        population : str, default="all"
            The set of people counted, for the report's ledger.
        spec : PublicationSpec, optional
            How to publish a DataFrame that counts people.
        columns, kinds, across, decimals
            As :func:`~evalkit.reporting.format.format_table`; ``kinds`` adds to what
            evalkit knows of the result's columns.

        Returns
        -------
        ReportTable

        Raises
        ------
        ValueError, TypeError, DisclosureError
            As :func:`~evalkit.reporting.publish`.
        """
        if isinstance(source, PublishedTable):
            published = source
        elif isinstance(source, pd.DataFrame) and spec is None:
            published = source
        elif not isinstance(source, pd.DataFrame) and not hasattr(type(source), "publication"):
            published = getattr(source, part)  # a result that counts no people
        else:
            published = self.publish(source, part, spec=spec, population=population)
        known = dict(RESULT_KINDS.get((type(source).__name__, part), {}))
        self.n_tables += 1
        return format_table(
            published, caption=translate(caption, self.language), number=self.n_tables,
            kinds={**known, **(kinds or {})},
            columns=columns, across=across, conf_level=getattr(source, "conf_level", 0.95),
            decimals=decimals, language=self.language,
        )

    def publish(
        self,
        source: object,
        part: str = "table",
        *,
        spec: PublicationSpec | None = None,
        population: str = "all",
    ) -> PublishedTable:
        """:func:`~evalkit.reporting.publish` at the part's threshold, with its ledger.

        For a table a result formats itself (``table_one(...).formatted(published=...)``).
        """
        return publish(source, part, spec=spec, threshold=self.threshold, ledger=self.ledger,
                       population=population)

    def rows(self, loaded: object, analysed: int | None = None) -> ReportText:
        """Rows read, rejected and analysed of a loaded file, in one sentence.

        Parameters
        ----------
        loaded : LoadResult
            What :func:`~evalkit.data.load_participants` (or another loader) returned.
        analysed : int, optional
            Rows this part analyses (default: the valid rows are not all analysed and
            the sentence says only read and rejected).

        Returns
        -------
        ReportText
        """
        name = loaded.source.name if loaded.source is not None else loaded.table_name
        values = {"file": name, "read": format_number(loaded.n_read, 0, self.language),
                  "rejected": format_number(loaded.n_rejected, 0, self.language)}
        if analysed is None:
            sentence = text("rows.unused", self.language, **values)
        else:
            sentence = text("rows.sentence", self.language, **values,
                            analysed=localise_digits(at_risk_label(analysed, self.threshold),
                                                     self.language))
        return ReportText(f'<p class="ek-rows">{html.escape(sentence)}</p>', sentence)

    def skip(self, reason: str, *, when: bool = True) -> ReportText:
        """When ``when``: say why the part is not run, and run none of its later cells.

        For a part the study's data do not allow (no costs: no value for money). The
        notebook stays safe when the report builder runs it anyway: the sentence is
        its only output (its page shows its title and the reason), the later cells of
        the kernel execute nothing (restart the kernel to run cells again), and the
        part's recording of warnings ends. After the part has shown a table, the
        sentence says that the *rest* of the part is not run, and the page keeps what
        was shown before it. Call it as the last line of a cell: the cell's own later
        lines still run.

        Parameters
        ----------
        reason : str
            A catalogue key under ``skip.`` (``"no_costs"``): the reason in words.
        when : bool, default=True
            Whether to skip (``False``: nothing happens and nothing is shown).

        Returns
        -------
        ReportText
            "This part is not run: <reason>" ("The rest of this part…" after a table),
            or nothing when ``when`` is false.

        Raises
        ------
        KeyError
            If ``skip.<reason>`` is not in the catalogue (a programming error).

        Examples
        --------
        >>> ReportPart().skip("no_costs", when=False)
        <BLANKLINE>
        """
        if not when:
            return ReportText("", "")
        kind = "stopped" if self.n_tables else "skipped"  # the rest of the part, or all of it
        sentence = text(f"part.{kind}", self.language,
                        reason=text(f"skip.{reason}", self.language))
        self.notes()
        shell = _ipython()
        if shell is not None:
            shell.input_transformers_post.append(_run_nothing)
        return ReportText(f'<p class="ek-{kind}">{html.escape(sentence)}</p>', sentence)

    def notes(self) -> ReportText:
        """The part's data notes: each evalkit warning once, in words, without paths, in
        the part's language (:func:`reword_note`; a note evalkit did not write is shown as
        it is).

        Ends the recording of warnings (call it last). Warnings that are not
        evalkit's go to standard error (the report's log).

        Returns
        -------
        ReportText
            A "Data notes" box, or nothing when there was no note.
        """
        if self._open:
            self._catcher.__exit__(None, None, None)
            self._open = False
        counts: Counter[tuple[str, str]] = Counter()
        for caught in self._caught:
            if issubclass(caught.category, EvalkitWarning):
                note = reword_note(scrub_paths(str(caught.message)), self.language)
                counts[(_kind(caught.category), note)] += 1
            else:
                print(scrub_paths(warnings.formatwarning(
                    caught.message, caught.category, caught.filename, caught.lineno, None
                )).rstrip(), file=sys.stderr)
        self._caught.clear()
        if not counts:
            return ReportText("", "")
        return _notes_box(counts, self.language)


def _ipython():
    """The running IPython shell (a notebook's kernel), or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebooks' kernel
        return None
    return get_ipython()


def _run_nothing(lines: list[str]) -> list[str]:
    """An IPython input transformer that turns every cell into no code."""
    return []


def _kind(category: type[Warning]) -> str:
    privacy = issubclass(category, (IdentifierWarning, DisclosureWarning))
    return "notes.privacy" if privacy else "notes.caveat"


def _notes_box(counts: Counter, language: str) -> ReportText:
    items, plain = [], [text("notes.title", language)]
    for (kind, message), count in counts.items():
        repeated = f" {text('notes.repeated', language, count=count)}" if count > 1 else ""
        label = text(kind, language)
        items.append(f"<li><strong>{html.escape(label)}.</strong> "
                     f"{html.escape(message)}{html.escape(repeated)}</li>")
        plain.append(f"- {label}. {message}{repeated}")
    body = (f'<aside class="ek-notes"><h3>{html.escape(text("notes.title", language))}</h3>'
            f"<ul>{''.join(items)}</ul></aside>")
    return ReportText(body, "\n".join(plain))
