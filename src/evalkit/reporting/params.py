"""Report parameters: ``params/*.yaml`` files checked against their notebook.

Each notebook ``notebooks/NN_name.ipynb`` has one cell tagged ``parameters``
(papermill's convention) and a parameter file ``params/NN_name.yaml`` with the
same stem. :func:`load_params` reads the YAML file and checks it against the
notebook's parameters cell: every key must be a parameter of the notebook, and
every value must have the type of the notebook's default.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import Any

import papermill
import yaml

from evalkit.errors import DataError

__all__ = [
    "RESERVED",
    "check_data_files",
    "check_params",
    "load_params",
    "notebook_parameters",
    "parse_override",
]

#: Parameters the report runner sets itself; a parameter file or ``-p`` may not.
RESERVED = ("disclosure_ledger",)


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
    path = Path(notebook)
    try:  # a report asks for each notebook's parameters several times
        inspected = _inspect(str(path.resolve()), path.stat().st_mtime_ns)
    except FileNotFoundError:
        inspected = papermill.inspect_notebook(str(notebook))  # papermill's own message
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


@functools.lru_cache(maxsize=64)
def _inspect(path: str, mtime_ns: int) -> dict[str, Any]:
    """papermill's parameters of a notebook, once per version of the file."""
    return papermill.inspect_notebook(path)


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
    return check_params(values, notebook, source=str(path))


def check_params(values: dict[str, Any], notebook: str | Path, *, source: str) -> dict[str, Any]:
    """Check parameter values against a notebook's ``parameters`` cell.

    Parameters
    ----------
    values : dict
        Parameter name to value.
    notebook : str or Path
        The notebook whose ``parameters`` cell defines the allowed names and types.
    source : str
        Where the values come from, for messages (a file, ``"-p"``).

    Returns
    -------
    dict
        ``values``, unchanged.

    Raises
    ------
    DataError
        If a name is not a parameter of the notebook, or a value has another type
        than the default (an int may replace a float; ``None`` defaults take anything;
        a ``*_path`` parameter may be ``None``: the study has no such file).
        The message is one line and names the parameter.
    """
    allowed = notebook_parameters(notebook)
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise DataError(
            f"{source}: unknown parameter(s) {unknown} for {Path(notebook).name}; "
            f"allowed parameters are {sorted(allowed)}."
        )
    for name, value in values.items():
        default = allowed[name]
        if default is None or _same_type(value, default) or (
                value is None and name.endswith("_path")):
            continue
        raise DataError(
            f"{source}: parameter {name!r} must be of type {type(default).__name__} like the "
            f"notebook's default {default!r}, but got {value!r} ({type(value).__name__})."
        )
    return values


def parse_override(name: str, value: str) -> tuple[str, Any]:
    """A ``-p NAME VALUE`` override as papermill reads it: YAML scalars and lists.

    ``12`` is an int, ``0.5`` a float, ``true``/``false`` booleans, ``null`` None,
    ``[3, 6, 12]`` a list; anything else is the string as given.

    Raises
    ------
    DataError
        If ``name`` is set by the report runner itself (:data:`RESERVED`).

    Examples
    --------
    >>> parse_override("threshold", "12"), parse_override("programmes", "[A, B]")
    (('threshold', 12), ('programmes', ['A', 'B']))
    >>> parse_override("label", "DUO for a JOB")
    ('label', 'DUO for a JOB')
    """
    if name in RESERVED:
        raise DataError(
            f"-p {name}: {name!r} is set by the report runner, not by the user; "
            "remove it from the command."
        )
    try:
        parsed = yaml.safe_load(value)
    except yaml.YAMLError:
        parsed = value
    if isinstance(parsed, (dict, list, int, float, bool)) or parsed is None:
        return name, parsed
    return name, value


def check_data_files(values: dict[str, Any], notebook: str | Path, *, source: str) -> None:
    """Check that every ``*_path`` parameter names an existing file.

    Paths are relative to the notebook's directory (the kernel's working directory).

    Raises
    ------
    DataError
        Naming the first parameter whose file does not exist (one line).
    """
    base = Path(notebook).parent
    for name, value in values.items():
        if name.endswith("_path") and isinstance(value, str) and not (base / value).is_file():
            raise DataError(
                f"{source}: parameter {name!r} of {Path(notebook).stem} names {value!r}, which "
                f"is not a file (paths are relative to {base.name or base}/); give an existing "
                "file."
            )


def _same_type(value: Any, default: Any) -> bool:
    """Whether a YAML value may replace a default (an int may replace a float)."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))
