"""A real headless browser opens the report with the network blocked (issue 16).

The shipped study's whole report is opened in tests/reporting/test_audit.py, which builds
it once. Every test skips, with the reason, when Chromium is not installed.
"""

import base64
import io
from pathlib import Path

import pytest

from evalkit.reporting.browser import check_in_browser, find_chromium
from evalkit.reporting.page import PartPage, front_page, page

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(find_chromium() is None,
                       reason="Chromium is not installed (`which chromium` finds nothing)"),
]


def _png() -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def test_a_report_page_opens_offline_with_its_figures_title_and_language(tmp_path):
    body = (f'<h1 id="p">Partie</h1><img src="data:image/png;base64,{_png()}">'
            '<p>Tableau 1. Participants par programme</p>')
    part = PartPage(stem="01_x", title="Partie", body=body, sections=())
    index = tmp_path / "index.html"
    index.write_text(page(title="Rapport 2024", report_title="Rapport 2024", home=True,
                          body=front_page(title="Rapport 2024", facts=[], fingerprints={},
                                          parts=[part], summary=["En 12 mois, 48 %."],
                                          language="fr"),
                          footer="", language="fr"), encoding="utf-8")
    seen = check_in_browser(index)
    assert seen.errors == () and seen.requests == ()
    assert seen.title == "Rapport 2024" and seen.language == "fr"
    assert seen.images and all(s == "data" and w > 0 and h > 0 for s, w, h in seen.images)
    assert "Sommaire" in seen.text and "Résumé" in seen.text and "Contents" not in seen.text


def test_a_request_to_the_network_is_seen_and_blocked(tmp_path):
    index = tmp_path / "index.html"
    index.write_text('<html lang="en"><head><title>x</title></head><body>'
                     '<img src="https://cdn.example.org/a.png"></body></html>', encoding="utf-8")
    seen = check_in_browser(index)
    assert seen.requests == ("https://cdn.example.org/a.png",)
    assert seen.images == (("https", 0, 0),)



def test_a_french_part_built_by_the_runner_reads_french_in_the_browser(tmp_path):
    import re

    from evalkit.reporting.runner import run_report

    report = run_report(ROOT / "notebooks" / "01_data_overview.ipynb",
                        ROOT / "params" / "01_data_overview.yaml", tmp_path, language="fr",
                        overrides={"language": "fr"})
    seen = check_in_browser(report.html)
    assert seen.errors == () and seen.requests == ()
    assert seen.language == "fr" and seen.title.startswith("Aperçu des données – ")
    assert "1. Ce qui a été chargé" in seen.text and "Tableau 1." in seen.text
    assert "Table 1." not in seen.text and "What was loaded" not in seen.text
    assert seen.images and all(s == "data" and w > 0 and h > 0 for s, w, h in seen.images)
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', report.html.read_text(encoding="utf-8"))
    assert len(alts) == len(seen.images)
    assert alts[0].startswith("Les participants des programmes diffèrent le plus par « ")
    assert not any(a.startswith(("Figure:", "The ")) for a in alts)
