"""Parameter files checked against their notebook's parameters cell."""

import pytest

from evalkit.errors import DataError
from evalkit.reporting.params import load_params


def test_load_params_accepts_known_names_and_types(notebook, tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text("threshold: 5\nlabel: DUO\n")
    assert load_params(p, notebook) == {"threshold": 5, "label": "DUO"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("treshold: 5\n", r"unknown parameter\(s\) \['treshold'\] for 01_demo.ipynb; allowed"),
        ("threshold: ten\n", r"parameter 'threshold' must be of type int .* got 'ten'"),
        ("threshold: true\n", r"parameter 'threshold' must be of type int"),
        ("- 1\n- 2\n", "expected a mapping of parameter names to values, got list"),
        ("a: [\n", "not valid YAML"),
    ],
)
def test_load_params_refuses_bad_files(notebook, tmp_path, text, message):
    p = tmp_path / "p.yaml"
    p.write_text(text)
    with pytest.raises(DataError, match=message):
        load_params(p, notebook)


def test_load_params_names_a_missing_file(notebook, tmp_path):
    with pytest.raises(DataError, match=r"nope.yaml: parameter file not found"):
        load_params(tmp_path / "nope.yaml", notebook)


def test_a_path_parameter_may_be_null_when_the_study_has_no_such_file(notebook, tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text("data_path: null\n")
    assert load_params(p, notebook) == {"data_path": None}
    p.write_text("label: null\n")
    with pytest.raises(DataError, match=r"parameter 'label' must be of type str"):
        load_params(p, notebook)
