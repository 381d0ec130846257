"""Report parameters: ``params/*.yaml`` files checked against their notebook.

Each notebook ``notebooks/NN_name.ipynb`` has one cell tagged ``parameters``
(papermill's convention) and a parameter file ``params/NN_name.yaml`` with the
same stem. :func:`load_params` reads the YAML file and checks it against the
notebook's parameters cell: every key must be a parameter of the notebook, and
every value must have the type of the notebook's default.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import papermill
import yaml

from evalkit.errors import DataError

__all__ = ["load_params", "notebook_parameters"]


def notebook_parameters(notebook: str | Path) -> dict[str, Any]:
    """Return the defaults of a notebook's ``parameters`` cell.

    Parameters
    ----------
    notebook : str or Path
        Path to the ``.ipynb`` file.

    Returns
    -------
    dict
        Parameter name to its default value (a Python literal: str, int, float, bool,
        None, list or dict).

    Raises
    ------
    DataError
        If the notebook has no cell tagged ``parameters``, or a default is not a literal.
    """
    inspected = papermill.inspect_notebook(str(notebook))
    if not inspected:
        raise DataError(
            f"{notebook}: no cell tagged 'parameters' was found; tag the notebook's first "
            "code cell with 'parameters' so that papermill can inject report parameters."
        )
    defaults = {}
    for name, info in inspected.items():
        try:
            defaults[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError) as exc:
            raise DataError(
                f"{notebook}: parameter {name!r} has default {info['default']!r}, which is not a "
                "literal; parameters must be plain values (str, int, float, bool, list, dict)."
            ) from exc
    return defaults


def load_params(path: str | Path, notebook: str | Path) -> dict[str, Any]:
    """Read a YAML parameter file and check it against the notebook it parameterises.

    Parameters
    ----------
    path : str or Path
        The ``params/*.yaml`` file: a mapping of parameter names to values.
    notebook : str or Path
        The notebook whose ``parameters`` cell defines the allowed names and types.

    Returns
    -------
    dict
        The parameters given in the file, ready for
        ``papermill.execute_notebook(parameters=...)``.

    Raises
    ------
    DataError
        If the file is missing or is not a YAML mapping, names a parameter the
        notebook does not have, or gives a value of another type than the default.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: parameter file not found; create it or pass an existing path.")
    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML ({exc}).") from exc
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise DataError(
            f"{path}: expected a mapping of parameter names to values, got {type(values).__name__}."
        )
    allowed = notebook_parameters(notebook)
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise DataError(
            f"{path}: unknown parameter(s) {unknown} for {Path(notebook).name}; "
            f"allowed parameters are {sorted(allowed)}."
        )
    for name, value in values.items():
        default = allowed[name]
        if default is None or _same_type(value, default):
            continue
        raise DataError(
            f"{path}: parameter {name!r} must be of type {type(default).__name__} like the "
            f"notebook's default {default!r}, but got {value!r} ({type(value).__name__})."
        )
    return values


def _same_type(value: Any, default: Any) -> bool:
    """Whether a YAML value may replace a default (an int may replace a float)."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))
