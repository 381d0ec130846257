"""Report parameters: ``params/*.yaml`` files checked against their notebook.

Each notebook ``notebooks/NN_name.ipynb`` has one cell tagged ``parameters``
(papermill's convention) and a parameter file ``params/NN_name.yaml`` with the
same stem. :func:`load_params` reads the YAML file and checks it against the
notebook's parameters cell: every key must be a parameter of the notebook, and
every value must have the type of the notebook's default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import papermill
import yaml

from evalkit.errors import DataError

__all__ = ["load_params", "notebook_parameters"]

# papermill's inferred type names -> Python types accepted for a YAML value.
_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (float, int),
    "bool": (bool,),
    "list": (list,),
    "dict": (dict,),
    "None": (type(None), str, int, float, list, dict, bool),
}


def notebook_parameters(notebook: str | Path) -> dict[str, Any]:
    """Return the defaults of a notebook's ``parameters`` cell.

    Parameters
    ----------
    notebook : str or Path
        Path to the ``.ipynb`` file.

    Returns
    -------
    dict
        Parameter name to its default value (as written in the cell).

    Raises
    ------
    DataError
        If the notebook has no cell tagged ``parameters``.
    """
    inspected = papermill.inspect_notebook(str(notebook))
    if not inspected:
        raise DataError(
            f"{notebook}: no cell tagged 'parameters' was found; tag the notebook's first "
            "code cell with 'parameters' so that papermill can inject report parameters."
        )
    return {name: info for name, info in inspected.items()}


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
        The parameters, ready for ``papermill.execute_notebook(parameters=...)``.

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
        type_name = allowed[name]["inferred_type_name"]
        accepted = _TYPES.get(type_name)
        if accepted is None:
            continue
        if isinstance(value, bool) and bool not in accepted:
            accepted = ()
        if not isinstance(value, accepted):
            raise DataError(
                f"{path}: parameter {name!r} must be of type {type_name} like the notebook's "
                f"default {allowed[name]['default']}, but got {value!r} "
                f"({type(value).__name__})."
            )
    return values
