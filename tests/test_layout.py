"""The package's shape stays readable: file and function sizes, test layout, clean notebooks.

These are the structure rules of the house style (``shared/STYLE.md``): source files
of at most 800 lines, function bodies of at most 60 (docstrings excluded), tests that
mirror the packages with one convention for slow tests, and committed notebooks
without a papermill-injected parameters cell.
"""

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "evalkit"
MAX_FILE_LINES = 800
MAX_BODY_LINES = 60
FAMILIES = (
    "survival", "comparison", "predictors", "questionnaire", "data", "descriptives", "reporting",
    "planning", "economics",
)


def _sources() -> list[Path]:
    return sorted(SOURCE.rglob("*.py"))


def _body_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function's body, its docstring left out."""
    body = function.body
    first = body[0]
    has_docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    if has_docstring and isinstance(first.value.value, str):
        if len(body) == 1:
            return 0
        first = body[1]
    return function.end_lineno - first.lineno + 1


def test_body_lines_leave_out_the_docstring():
    tree = ast.parse('def f():\n    """Doc.\n\n    More.\n    """\n    a = 1\n    return a\n')
    assert _body_lines(tree.body[0]) == 2


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(SOURCE)))
def test_source_files_are_short(path):
    n_lines = len(path.read_text(encoding="utf-8").splitlines())
    assert n_lines <= MAX_FILE_LINES, f"{path.name} has {n_lines} lines"


def test_function_bodies_are_short():
    long = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if (n := _body_lines(node)) > MAX_BODY_LINES:
                    long.append(f"{path.relative_to(SOURCE)}:{node.lineno} {node.name} ({n})")
    assert not long, "function bodies over 60 lines: " + ", ".join(long)


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_is_a_package_with_its_tests_beside(family):
    package = SOURCE / family
    assert (package / "__init__.py").is_file()
    assert (ROOT / "tests" / family / "__init__.py").is_file()
    tree = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
    names = [
        node for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__"
    ]
    assert names, f"evalkit.{family} re-exports its public names with __all__"


def _slow_marks(tree: ast.Module) -> tuple[bool, int]:
    """Whether the module sets ``pytestmark = pytest.mark.slow``, and its other slow marks."""
    module_level = any(
        isinstance(node, ast.Assign)
        and getattr(node.targets[0], "id", "") == "pytestmark"
        and ast.unparse(node.value) == "pytest.mark.slow"
        for node in tree.body
    )
    marks = sum(
        isinstance(node, ast.Attribute) and node.attr == "slow"
        and isinstance(node.value, ast.Attribute) and node.value.attr == "mark"
        for node in ast.walk(tree)
    )
    return module_level, marks - module_level


def test_slow_tests_follow_one_convention():
    """Slow tests live in ``tests/<family>/test_simulation.py``, marked at module level."""
    misplaced = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        module_level, others = _slow_marks(ast.parse(path.read_text(encoding="utf-8")))
        if path.name == "test_simulation.py":
            assert module_level and not others, path
        elif module_level or others:
            misplaced.append(str(path.relative_to(ROOT)))
    assert not misplaced, f"slow tests outside a test_simulation.py: {misplaced}"


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_committed_notebooks_have_one_parameters_cell_and_no_injected_one(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    tags = [tag for cell in cells for tag in cell.get("metadata", {}).get("tags", [])]
    assert tags.count("parameters") == 1
    assert "injected-parameters" not in tags
