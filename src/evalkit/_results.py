"""Shared behaviour of result objects."""

from __future__ import annotations

import pandas as pd

__all__ = ["TableResult"]


class TableResult:
    """Mixin for frozen dataclass results that expose a tidy ``table`` DataFrame.

    Gives the result a notebook representation (``_repr_html_``) built from its table.
    """

    table: pd.DataFrame

    def _repr_html_(self) -> str:
        title = type(self).__name__
        return f"<p><b>{title}</b></p>" + self.table.to_html(
            index=False, float_format="{:.4g}".format
        )
