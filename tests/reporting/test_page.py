"""A part's page from its executed notebook (issue 16)."""

import nbformat

from evalkit.reporting.page import part_page


def test_a_skipped_part_shows_its_title_and_the_reason_only():
    skipped = nbformat.v4.new_code_cell("report.skip('no_costs')")
    skipped.outputs = [nbformat.v4.new_output(
        "execute_result", data={"text/html": '<p class="ek-skipped">Not run: no costs.</p>',
                                "text/plain": "Not run: no costs."}, execution_count=2)]
    later = nbformat.v4.new_markdown_cell("## 1. What each programme spends\nSECTION_TEXT")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Value for money\nPURPOSE_TEXT"), skipped, later])
    shown = part_page(nb, "06_value_for_money")
    assert shown.title == "Value for money" and shown.sections == ()
    assert "Not run: no costs." in shown.body
    assert "PURPOSE_TEXT" not in shown.body and "SECTION_TEXT" not in shown.body
    nb.cells.pop(1)
    assert "SECTION_TEXT" in part_page(nb, "06_value_for_money").body
