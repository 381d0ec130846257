"""Notebook 05 (self-confidence): its parameters cell mirrors the params file."""


from tests.questionnaire._shared import (
    ROOT,
)


def test_notebook_parameters_mirror_the_params_file():
    from evalkit.reporting.params import load_params, notebook_parameters

    notebook = ROOT / "notebooks" / "05_self_confidence.ipynb"
    params = load_params(ROOT / "params" / "05_self_confidence.yaml", notebook)
    defaults = notebook_parameters(notebook)
    assert defaults.pop("language") == "en"  # the report's language, set by the build
    assert params == defaults
