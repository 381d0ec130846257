"""The report's HTML: a part's body from its executed notebook, the page shell, the front page.

Every page is one self-contained file: the style sheet is inline, figures are inline
PNG data, and there is no script at all, so a page opens offline and makes no network
request (its Content-Security-Policy forbids any). A part's body is nbconvert's
``basic`` template (cells only, code hidden) of the executed notebook, without
standard-error output (warnings and kernel messages go to the report's log; a part's
data notes say in words what its warnings meant) and without empty code cells.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

import nbformat
from nbconvert import HTMLExporter

from evalkit.reporting.catalogue import LANGUAGES, text

__all__ = ["PartPage", "footer", "front_page", "page", "part_page"]

#: The mark of a skipped part's reason (:meth:`ReportPart.skip`).
_SKIPPED = 'class="ek-skipped"'
_STOPPED = 'class="ek-stopped"'

_HEADING = re.compile(r'<h(?P<level>[12]) id="(?P<id>[^"]*)">(?P<text>.*?)(?:<a class="anchor-link"'
                      r'[^>]*>.*?</a>)?</h(?P=level)>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
# nbconvert's alt text of an image output without one (HTMLExporter.from_notebook_node).
_NO_ALT = 'alt="No description has been provided for this image"'

#: No network: nothing but inline styles and inline (data:) images.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src 'none'; "
    "script-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'"
)


@dataclass(frozen=True)
class PartPage:
    """One part of the report, ready to be placed on a page.

    Attributes
    ----------
    stem : str
        The notebook's name without suffix (``"02_time_to_employment"``): the part's
        page is ``<stem>.html``, its anchor in ``index.html`` ``part-<stem>``.
    title : str
        The first heading of the notebook (plain text).
    body : str
        The cells as HTML (anchors prefixed with the stem, so parts can share a page).
    sections : tuple of (str, str)
        ``(anchor, heading)`` of the part's second-level headings, for the contents.
    """

    stem: str
    title: str
    body: str
    sections: tuple[tuple[str, str], ...]


def _style() -> str:
    return resources.files("evalkit.reporting").joinpath("report.css").read_text(encoding="utf-8")


def _clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without standard-error output and without code cells that show nothing.

    A skipped part (:meth:`~evalkit.reporting.part.ReportPart.skip`) keeps its title
    (the first line of its first markdown cell) and the reason only; a part stopped
    after some tables keeps what came before the reason and the reason.
    """
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.output_type == "stream" and o.get("name") == "stderr")]
    nb.cells = [c for c in nb.cells if c.cell_type != "code" or c.outputs]
    skipped = [c for c in nb.cells if c.cell_type == "code" and any(
        _SKIPPED in o.get("data", {}).get("text/html", "") for o in c.outputs)]
    if skipped:
        title = next((c.source.splitlines()[0] for c in nb.cells
                      if c.cell_type == "markdown" and c.source.startswith("#")), None)
        nb.cells = ([nbformat.v4.new_markdown_cell(title)] if title else []) + skipped[:1]
    stopped = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and any(
        _STOPPED in o.get("data", {}).get("text/html", "") for o in c.outputs)]
    if stopped:
        nb.cells = nb.cells[:stopped[0] + 1]
    return nb


def part_page(nb: nbformat.NotebookNode, stem: str) -> PartPage:
    """The body, title and sections of an executed notebook.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.
    stem : str
        Its name without suffix.

    Returns
    -------
    PartPage
    """
    exporter = HTMLExporter(template_name="basic", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True)
    cleaned = _clean(nb)
    body, _ = exporter.from_notebook_node(cleaned)
    body = _alt_texts(body, cleaned)
    body = re.sub(r'id="cell-id=[^"]*"', "", body)
    body = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{stem}-{m.group(1)}"', body)
    body = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{stem}-{m.group(1)}"', body)
    title, sections = stem, []
    for match in _HEADING.finditer(body):
        heading = html.unescape(_TAG.sub("", match["text"])).strip()
        if match["level"] == "1" and title == stem:
            title = heading
        elif match["level"] == "2":
            sections.append((match["id"], heading))
    return PartPage(stem=stem, title=title, body=body, sections=tuple(sections))


def _alt_texts(body: str, nb: nbformat.NotebookNode) -> str:
    """Every figure's ``<img>`` with an alternative text in the report's language.

    nbconvert writes the alt text the kernel gave a figure output (its metadata's
    ``alt``: the figure's title, i.e. its finding, from
    :func:`~evalkit.reporting.figures.label_figures`); a figure without one says
    "Figure" in the notebook's ``language`` parameter instead of nbconvert's English
    placeholder.
    """
    language = nb.metadata.get("papermill", {}).get("parameters", {}).get("language", "en")
    fallback = text("figure.alt", language if language in LANGUAGES else "en")
    return body.replace(_NO_ALT, f'alt="{html.escape(fallback, quote=True)}"')


def page(*, title: str, report_title: str, body: str, footer: str, language: str = "en",
         home: bool = False) -> str:
    """A whole HTML document: header (report title, link to the contents), body, footer.

    Parameters
    ----------
    title : str
        The browser tab's title.
    report_title : str
        The report's title, in the header of every page.
    body : str
        The page's content (HTML).
    footer : str
        The footer's content (HTML).
    language : str, default="en"
        The page's language (``<html lang>``, and the words of the header).
    home : bool, default=False
        Whether this is the contents page itself (no link back).

    Returns
    -------
    str
    """
    back = "" if home else (f'<a class="ek-back" href="index.html">'
                            f'{html.escape(text("report.back", language))}</a>')
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{_style()}</style>\n</head>\n<body>\n"
        f'<header class="ek-header"><span class="ek-report-title">{html.escape(report_title)}'
        f"</span>{back}</header>\n<main>\n{body}\n</main>\n"
        f'<footer class="ek-footer">{footer}</footer>\n</body>\n</html>\n'
    )


def footer(*, version: str, date: str, manifest: str = "manifest.json",
           language: str = "en") -> str:
    """The footer of every page: evalkit's version, the date and the manifest's link."""
    made = html.escape(text("report.footer", language, version=version, date=date))
    label = html.escape(text("report.manifest", language))
    return f'<p>{made} <a href="{html.escape(manifest)}">{label}</a></p>'


def front_page(
    *,
    title: str,
    facts: Sequence[tuple[str, str]],
    fingerprints: Mapping[str, str],
    parts: Sequence[PartPage],
    notes: Sequence[str] = (),
    summary: Sequence[str] = (),
    funnel: str = "",
    skipped: Sequence[tuple[str, str]] = (),
    guessed: Sequence[tuple[str, str]] = (),
    language: str = "en",
) -> str:
    """The body of ``index.html``: title page, summary, funnel, contents, then every part.

    Parameters
    ----------
    title : str
        The report's title.
    facts : sequence of (str, str)
        Label and value of each line of the title page (programmes, period, …).
    fingerprints : mapping of str to str
        Data file name to its SHA-256.
    parts : sequence of PartPage
        The parts, in order.
    notes : sequence of str, default=()
        Sentences for the title page (a threshold below 10).
    summary : sequence of str, default=()
        The executive summary: the parts' headline findings (generated sentences).
    funnel : str, default=""
        The participant funnel's tables (HTML).
    skipped : sequence of (str, str), default=()
        Parts not run and why.
    guessed : sequence of (str, str), default=()
        Values of the study file that ``evalkit init`` guessed: key and what was
        guessed (listed on the title page, each marked as a guess).
    language : str, default="en"

    Returns
    -------
    str
    """
    rows = "".join(f"<tr><th scope=\"row\">{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                   for k, v in facts)
    prints = "".join(f"<li><code>{html.escape(name)}</code> <code class=\"ek-hash\">"
                     f"{html.escape(digest)}</code></li>" for name, digest in fingerprints.items())
    rows += (f'<tr><th scope="row">{html.escape(text("report.fingerprint", language))}</th>'
             f"<td><ul class=\"ek-plain\">{prints}</ul></td></tr>")
    said = "".join(f"<p>{html.escape(n)}</p>" for n in notes) + _guesses(guessed, language)
    toc = "".join(_toc_entry(part) for part in parts)
    sections = "".join(
        f'<section class="ek-part" id="part-{p.stem}"><p class="ek-own-page">'
        f'<a href="{p.stem}.html">{html.escape(text("report.part_page", language))}</a></p>'
        f"{p.body}</section>"
        for p in parts
    )
    return (
        f'<section class="ek-title-page"><h1>{html.escape(title)}</h1>'
        f'<table class="ek-facts">{rows}</table>{said}</section>\n'
        + _summary(summary, skipped, language)
        + (f'<section class="ek-funnel"><h2>{html.escape(text("report.funnel", language))}</h2>'
           f"{funnel}</section>\n" if funnel else "")
        + f'<nav class="ek-toc"><h2>{html.escape(text("report.contents", language))}</h2>'
        f"<ol>{toc}</ol></nav>\n{sections}"
    )


def _guesses(guessed: Sequence[tuple[str, str]], language: str) -> str:
    if not guessed:
        return ""
    mark = html.escape(text("report.guess", language))
    items = "".join(f'<li><code>{html.escape(key)}</code>: {html.escape(value)} '
                    f'<span class="ek-guess">({mark})</span></li>' for key, value in guessed)
    return (f'<div class="ek-guessed"><h3>{html.escape(text("report.guessed", language))}</h3>'
            f"<ul>{items}</ul></div>")


def _summary(summary: Sequence[str], skipped: Sequence[tuple[str, str]], language: str) -> str:
    if not summary and not skipped:
        return ""
    items = "".join(f"<li>{html.escape(s)}</li>" for s in summary)
    out = (f'<section class="ek-summary"><h2>{html.escape(text("report.summary", language))}</h2>'
           f"<ul>{items}</ul>")
    if skipped:
        out += f"<h3>{html.escape(text('report.skipped', language))}</h3><ul>" + "".join(
            f"<li>{html.escape(part)}: {html.escape(why)}</li>" for part, why in skipped) + "</ul>"
    return out + "</section>\n"


def _toc_entry(part: PartPage) -> str:
    sections = "".join(f'<li><a href="#{html.escape(anchor)}">{html.escape(heading)}</a></li>'
                       for anchor, heading in part.sections)
    inner = f'<ul class="ek-plain">{sections}</ul>' if sections else ""
    return (f'<li><a href="#part-{part.stem}">{html.escape(part.title)}</a> '
            f'(<a href="{part.stem}.html">{html.escape(part.stem)}.html</a>){inner}</li>')
