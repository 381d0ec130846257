"""Old module paths of the flat layout, kept working after the move to subpackages.

``evalkit.schema`` is now ``evalkit.data.schema``, and so on: importing an old path
warns once (``DeprecationWarning``) and gives the module at its new place, the same
module object, so settings changed through either name are seen by both.
"""

from __future__ import annotations

import sys
import warnings
from importlib import import_module

__all__ = ["MOVED", "moved"]

#: Old module path -> new module path.
MOVED = {
    "evalkit.disclosure": "evalkit.reporting.disclosure",
    "evalkit.outcomes": "evalkit.data.outcomes",
    "evalkit.params": "evalkit.reporting.params",
    "evalkit.report": "evalkit.reporting.runner",
    "evalkit.schema": "evalkit.data.schema",
    "evalkit.synthetic": "evalkit.data.synthetic",
}


def moved(old: str) -> None:
    """Make the module being imported as ``old`` its new module, with a warning."""
    new = MOVED[old]
    warnings.warn(
        f"{old} moved to {new}; import from {new} (the old path will be removed).",
        DeprecationWarning,
        stacklevel=3,
    )
    sys.modules[old] = import_module(new)
