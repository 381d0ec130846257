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


def test_a_part_stopped_after_some_tables_keeps_them_and_the_reason():
    table = nbformat.v4.new_code_cell("report.show(costs)")
    table.outputs = [nbformat.v4.new_output("execute_result", data={
        "text/html": "<table>COST_TABLE</table>", "text/plain": "COST_TABLE"}, execution_count=1)]
    stopped = nbformat.v4.new_code_cell("report.skip('missing_costs')")
    stopped.outputs = [nbformat.v4.new_output(
        "execute_result", data={"text/html": '<p class="ek-stopped">The rest: no costs.</p>',
                                "text/plain": "The rest: no costs."}, execution_count=2)]
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Value for money\nPURPOSE_TEXT"), table, stopped,
        nbformat.v4.new_markdown_cell("## 3. Cost per extra job\nSECTION_TEXT")])
    body = part_page(nb, "06_value_for_money").body
    assert "PURPOSE_TEXT" in body and "COST_TABLE" in body and "The rest: no costs." in body
    assert "SECTION_TEXT" not in body


def test_each_figure_has_its_alt_text_in_the_reports_language():
    """Issue 16: nbconvert's "No description has been provided" never reaches a page."""
    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJ"
           "RU5ErkJggg==")
    described, bare = nbformat.v4.new_code_cell("a"), nbformat.v4.new_code_cell("b")
    described.outputs = [nbformat.v4.new_output(
        "display_data", data={"image/png": png, "text/plain": "<Figure>"},
        metadata={"image/png": {"alt": "Binnen 12 maanden vond 48% <werk>."}})]
    bare.outputs = [nbformat.v4.new_output("display_data", data={"image/png": png})]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Deel"), described,
                                         bare])
    nb.metadata["papermill"] = {"parameters": {"language": "nl"}}
    body = part_page(nb, "02_x").body
    assert 'alt="Binnen 12 maanden vond 48% &lt;werk&gt;."' in body
    assert 'alt="Figuur"' in body and "No description" not in body
    assert body.count("alt=") == 2
