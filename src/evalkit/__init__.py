"""evalkit: evaluation workbench for employment-support programmes."""

from evalkit.errors import DataError, EvalkitWarning, IdentifierWarning

__all__ = ["DataError", "EvalkitWarning", "IdentifierWarning", "__version__"]
__version__ = "0.1.0"
