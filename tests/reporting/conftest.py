"""A small parameterised notebook for the params and runner tests."""

import nbformat
import pytest


@pytest.fixture
def notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('data_path = "data.csv"\nthreshold = 10\nlabel = "all"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A report"),
        params,
        nbformat.v4.new_code_cell(
            "import pandas as pd\nSECRET_CODE_MARKER = 1\n"
            "print(f'rows={len(pd.read_csv(data_path))} threshold={threshold} label={label}')"
        ),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "nb" / "01_demo.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    (path.parent / "data.csv").write_text("a\n1\n2\n3\n")
    return path
