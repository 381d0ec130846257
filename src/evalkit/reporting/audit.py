"""Audit of rendered reports: no small count and nothing identifying in what is published.

:func:`audit` reads every HTML report and executed notebook under a directory and lists
what should not be there: a count of 1 to ``threshold - 1`` people in a table column
that counts people (``n``, ``n_excluded``, ``at risk``, ``events``…, or any column
whose header cell has the class ``ek-count``, as report tables mark theirs), and strings that
look like a person's identifier (an e-mail address, a Belgian phone or national
register number). A finding names the file, the table or output, the row and the
column, and the kind of problem; never the string found. ``evalkit audit DIR`` exits
with 1 when anything is found, so CI can gate on it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from evalkit._results import TableResult
from evalkit.reporting.disclosure.policy import DEFAULT_THRESHOLD, check_threshold

__all__ = ["AuditResult", "audit"]

#: Column headers that count people (case-insensitive, whole header).
COUNT_HEADER = re.compile(
    r"(n|n_\w+|\w+_n|count|counts|number|number at risk|at risk|n at risk|events|"
    r"excluded|included|rows|people|participants|persons|respondents|\w+_count)",
    re.IGNORECASE,
)
#: The class of a header cell whose column counts people (evalkit's report tables).
COUNT_CLASS = "ek-count"
_NUMBER = re.compile(r"[+-]?\d[\d,\u202f\u00a0 ]*(\.\d+)?")
#: A count with dots between groups of three digits (how Dutch writes 5,000).
_DOTTED_GROUPS = re.compile(r"\d{1,3}(\.\d{3})+")


@dataclass(frozen=True)
class AuditResult(TableResult):
    """What an audit of rendered reports found.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per finding: ``file``, ``location`` (table or output), ``row``,
        ``column``, ``kind`` (``"small count"`` or ``"identifier: <kind>"``). Never
        the string that was found.
    threshold : int
        Counts ``1 <= n < threshold`` are findings.
    n_files : int
        Files read.
    """

    table: pd.DataFrame
    threshold: int
    n_files: int

    @property
    def clean(self) -> bool:
        """Whether nothing was found."""
        return self.table.empty


class _Tables(HTMLParser):
    """The tables (header cells, body rows) and the other text of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[list[str], list[list[str]], list[bool]]] = []
        self.text: list[str] = []
        self._row: list[str] | None = None
        self._counted: list[bool] = []
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self.tables.append(([], [], []))
        elif tag == "tr" and self.tables:
            self._row, self._counted = [], []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            # evalkit's report tables mark the columns that count people, whatever their label
            self._counted.append(COUNT_CLASS in (dict(attrs).get("class") or "").split())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self._add_row(self._row)
            self._row = None

    def _add_row(self, row: list[str]) -> None:
        header, body, counted = self.tables[-1]
        if not header:
            header.extend(row)
            counted.extend(self._counted)
        else:
            body.append(row)

    def handle_data(self, data):
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        self.text.append(data)


def _small_counts(tables, threshold: int, file: str, where: str) -> list[dict]:
    """Findings for counts of 1 to ``threshold - 1`` in the count columns of ``tables``."""
    found = []
    for t, (header, body, counted) in enumerate(tables, start=1):
        for row_number, row in enumerate(body, start=1):
            # Row labels (an index) make a body row longer than the header: align right.
            offset = len(row) - len(header)
            for j, name in enumerate(header):
                is_count = COUNT_HEADER.fullmatch(name.strip()) or (j < len(counted) and counted[j])
                if not is_count or not 0 <= j + offset < len(row):
                    continue
                value = _as_number(row[j + offset])
                if value is not None and 1 <= value < threshold and value == int(value):
                    found.append({"file": file, "location": f"{where}table {t}",
                                  "row": row_number, "column": name, "kind": "small count"})
    return found


def _as_number(cell: str) -> float | None:
    """The number a table cell shows, or ``None`` (text, ``<10``, a blank)."""
    match = _NUMBER.fullmatch(cell.strip())
    if match is None:
        return None
    if _DOTTED_GROUPS.fullmatch(match.group(0)):  # a Dutch count: 5.000 is five thousand
        return float(match.group(0).replace(".", ""))
    return float(re.sub(r"[,\u202f\u00a0 ]", "", match.group(0)))


def _identifiers(texts: list[str], file: str, where: str) -> list[dict]:
    """Findings for identifier-like strings in ``texts`` (the kind only, never the string)."""
    from evalkit.data.identifiers import identifier_kinds

    return [
        {"file": file, "location": where.strip() or "text", "row": None, "column": None,
         "kind": f"identifier: {kind}"}
        for kind in identifier_kinds("\n".join(texts))
    ]


def _audit_html(html: str, threshold: int, file: str, where: str = "") -> list[dict]:
    parser = _Tables()
    parser.feed(html)
    return _small_counts(parser.tables, threshold, file, where) + _identifiers(
        parser.text, file, where
    )


def _audit_notebook(path: Path, threshold: int) -> list[dict]:
    """Findings in the outputs of an executed notebook (HTML tables, text, streams)."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    found = []
    for number, cell in enumerate(cells, start=1):
        for output in cell.get("outputs", []):
            where = f"cell {number} "
            data = output.get("data", {})
            if "text/html" in data:
                found += _audit_html("".join(data["text/html"]), threshold, path.name, where)
            # A table's text/plain twin adds nothing to its HTML form but column noise.
            plain = [] if "text/html" in data else data.get("text/plain", [])
            found += _identifiers(["".join([*plain, *output.get("text", [])])], path.name, where)
    return found


def audit(path: str | Path, *, threshold: int = DEFAULT_THRESHOLD) -> AuditResult:
    """Scan rendered reports (``*.html``, ``*.ipynb``) for small counts and identifiers.

    Parameters
    ----------
    path : str or Path
        A report file or a directory (searched recursively).
    threshold : int, default=10
        Counts ``1 <= n < threshold`` in count columns are findings.

    Returns
    -------
    AuditResult

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If ``threshold`` is below 5.

    Notes
    -----
    Counts are recognised by their column header (:data:`COUNT_HEADER`); a count
    printed in running text or inside a figure (a PNG) is not seen, which is why
    figures and sentences take their numbers from published tables.
    """
    threshold = check_threshold(threshold)
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"{root}: no such file or directory to audit.")
    files = [root] if root.is_file() else sorted(
        p for p in root.rglob("*") if p.suffix in (".html", ".ipynb")
    )
    found = []
    for file in files:
        if file.suffix == ".ipynb":
            found += _audit_notebook(file, threshold)
        else:
            found += _audit_html(file.read_text(encoding="utf-8"), threshold, file.name)
    table = pd.DataFrame(found, columns=["file", "location", "row", "column", "kind"])
    return AuditResult(table=table, threshold=threshold, n_files=len(files))
