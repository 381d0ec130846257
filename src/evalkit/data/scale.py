"""A questionnaire scale's definition: its items, response range, keying and scoring rule.

The definition is part of the data model (:class:`evalkit.data.model.DataModel` holds
the scale of a study's questionnaire: which columns are items and which answers are
valid), so it lives here, with no dependency on the analysis families; scoring it is
the questionnaire family's job (:func:`evalkit.questionnaire.score_scale`), which
re-exports :class:`Scale` as ``evalkit.questionnaire.Scale``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evalkit._validation import (
    check_columns,
    check_integer,
    check_numeric,
    check_observed,
    check_one_of,
)
from evalkit._warning_texts import warning_text
from evalkit.errors import DataError, EvalkitWarning

__all__ = ["MOSTLY_MISSING", "SCALE_KEYS", "SCORING_METHODS", "Scale"]

SCORING_METHODS = ("mean", "sum")
#: An item missing in more than this share of the rows is named in a warning.
MOSTLY_MISSING = 0.5
SCALE_KEYS = (
    "name",
    "description",
    "items",
    "reversed",
    "response_min",
    "response_max",
    "min_items",
    "scoring",
)
_REQUIRED_SCALE_KEYS = ("items", "response_min", "response_max")


@dataclass(frozen=True)
class Scale:
    """A questionnaire scale: its items, response range, keying and scoring rule.

    Parameters
    ----------
    items : tuple of str
        Item column names, in order.
    response_min, response_max : int
        Inclusive range of the answers (e.g. 1 and 4).
    reversed : tuple of str, default=()
        Reverse-keyed items (a subset of ``items``), stored as answered and scored as
        ``response_min + response_max - answer``.
    min_items : int, optional
        Minimum number of answered items to score a questionnaire (default: all items).
    scoring : {"mean", "sum"}, default="mean"
        ``"mean"``: mean of the answered keyed items; ``"sum"``: that mean times the
        number of items (a prorated sum; the plain sum when all items were answered).
    name, description : str
        Labels.

    Raises
    ------
    ValueError
        If ``items`` is not a list of at least 2 distinct names, ``reversed`` names
        other columns, the response range is empty or not whole numbers, ``min_items``
        lies outside 1 to the number of items, or ``scoring`` is unknown.
    """

    items: tuple[str, ...]
    response_min: int
    response_max: int
    reversed: tuple[str, ...] = ()
    min_items: int | None = None
    scoring: str = "mean"
    name: str = "scale"
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", _checked_items(self.items))
        object.__setattr__(self, "reversed", _checked_reversed(self.reversed, self.items))
        _check_response_range(self.response_min, self.response_max)
        k = len(self.items)
        min_items = check_integer(
            k if self.min_items is None else self.min_items,
            name="min_items",
            minimum=1,
            maximum=k,
            fix=f"it counts answered items, at most the {k} items of the scale.",
        )
        object.__setattr__(self, "min_items", min_items)
        check_one_of(self.scoring, SCORING_METHODS, name="scoring")

    @property
    def n_items(self) -> int:
        """Number of items."""
        return len(self.items)

    @classmethod
    def from_mapping(cls, spec: Mapping, *, source: str = "scale") -> Scale:
        """The scale defined by a parsed YAML mapping (a scale file, or a study's ``scale:``).

        Parameters
        ----------
        spec : mapping
            ``items`` (list), ``response_min`` and ``response_max`` (integers), and
            optionally ``reversed`` (list), ``min_items`` (integer), ``scoring``
            (``"mean"`` or ``"sum"``), ``name`` and ``description``.
        source : str, default="scale"
            What the messages name first (a file, or the key of a study file).

        Returns
        -------
        Scale
            The checked scale.

        Raises
        ------
        DataError
            If ``spec`` is not a mapping, has unknown or missing keys, or defines an
            inconsistent scale; the message starts with ``source``.

        Examples
        --------
        >>> scale = Scale.from_mapping({"items": ["q1", "q2", "q3"], "response_min": 0,
        ...                             "response_max": 3, "reversed": ["q2"]})
        >>> scale.reversed, scale.min_items
        (('q2',), 3)
        >>> Scale.from_mapping(scale.to_mapping()) == scale
        True
        """
        return _scale_from_mapping(spec, source)

    def to_mapping(self) -> dict:
        """The definition as a plain mapping (lists, not tuples), as a YAML file holds it."""
        return {
            "name": self.name,
            "description": self.description,
            "items": list(self.items),
            "reversed": list(self.reversed),
            "response_min": self.response_min,
            "response_max": self.response_max,
            "min_items": self.min_items,
            "scoring": self.scoring,
        }

    def keyed(self, data: pd.DataFrame) -> pd.DataFrame:
        """The item columns as float, reverse-keyed items flipped, range-checked.

        Raises
        ------
        ValueError
            If an item column is missing, not numeric, missing in every row (nobody
            answered it: the scale cannot be scored as defined), or holds an answer
            outside ``[response_min, response_max]`` or not a whole number (naming row
            and item).

        Warns
        -----
        EvalkitWarning
            Naming the items missing in more than half of the rows.
        """
        check_columns(data, self.items)
        check_numeric(data, self.items, what="item", fix="convert the answers to numbers first.")
        self._check_answered(data)
        out = pd.DataFrame(index=data.index)
        for item in self.items:
            x = data[item].astype("float64")
            self._check_answers(x, item)
            if item in self.reversed:
                x = (self.response_min + self.response_max) - x
            out[item] = x
        return out

    def _check_answered(self, data: pd.DataFrame) -> None:
        """Raise naming items nobody answered; warn naming items most people left blank."""
        check_observed(
            data, self.items, what="item",
            fix=f"nobody answered them, so scale {self.name!r} cannot be scored as defined. "
            "Check the column mapping (the item may be named differently in this file), or "
            "define the scale without them and say so in the report.",
        )
        share = data[list(self.items)].isna().mean()
        mostly = share[share > MOSTLY_MISSING]
        if not mostly.empty:
            warnings.warn(
                warning_text("warning.scale.mostly_missing", items=list(mostly.index),
                             scale=repr(self.name), n=len(data),
                             shares=", ".join(f"{v:.0%}" for v in mostly)),
                EvalkitWarning,
                stacklevel=4,
            )

    def _check_answers(self, x: pd.Series, item: str) -> None:
        """Raise naming the first row whose answer is outside the range or not whole."""
        bad = x.notna() & ((x < self.response_min) | (x > self.response_max) | (x % 1 != 0))
        if bad.any():
            row = x.index[bad.to_numpy()][0]
            row = row.item() if isinstance(row, np.generic) else row
            raise ValueError(
                f"item {item!r} has answer {float(x[bad].iloc[0])!r} in row {row!r} "
                f"({int(bad.sum())} such row(s)); answers must be whole numbers from "
                f"{self.response_min} to {self.response_max} or missing. Correct or blank "
                "those answers."
            )


def _checked_items(items: object) -> tuple[str, ...]:
    """The scale's item names as a tuple: at least 2, distinct strings."""
    if isinstance(items, str) or not isinstance(items, Sequence) or len(items) < 2:
        raise ValueError(
            f"items must be a list of at least 2 column names, but was {items!r}; "
            "list the scale's item columns."
        )
    if not all(isinstance(i, str) for i in items) or len(set(items)) != len(items):
        raise ValueError(f"items must be distinct column names (str), but were {list(items)}.")
    return tuple(items)


def _checked_reversed(reversed_items: object, items: tuple[str, ...]) -> tuple[str, ...]:
    """The reverse-keyed item names as a tuple, each one of ``items``."""
    if isinstance(reversed_items, str) or not isinstance(reversed_items, Sequence):
        raise ValueError(f"reversed must be a list of item names, but was {reversed_items!r}.")
    unknown = [r for r in reversed_items if r not in items]
    if unknown:
        raise ValueError(
            f"reversed items {unknown} are not among the items {list(items)}; "
            "list only item columns of the scale as reverse-keyed."
        )
    return tuple(reversed_items)


def _check_response_range(response_min: object, response_max: object) -> None:
    """Raise unless the lowest and highest answers are integers, the lowest below."""
    for key, value in (("response_min", response_min), ("response_max", response_max)):
        check_integer(value, name=key, fix="give the answers' integer codes.")
    if response_min >= response_max:
        raise ValueError(
            f"response_min must be below response_max, but got {response_min} and "
            f"{response_max}; give the lowest and highest possible answers."
        )


def _scale_from_mapping(spec: object, source: str) -> Scale:
    """The :class:`Scale` of a parsed YAML mapping; ``DataError`` naming ``source`` if invalid."""
    if not isinstance(spec, Mapping):
        raise DataError(
            f"{source}: a scale file must be a YAML mapping with keys {list(SCALE_KEYS)}, "
            f"but it holds a {type(spec).__name__}."
        )
    unknown = sorted(set(spec) - set(SCALE_KEYS))
    if unknown:
        raise DataError(
            f"{source}: unknown key(s) {unknown}; allowed keys are {list(SCALE_KEYS)}. "
            "Fix the spelling or remove them."
        )
    missing = [k for k in _REQUIRED_SCALE_KEYS if k not in spec]
    if missing:
        raise DataError(f"{source}: required key(s) {missing} are missing; add them.")
    kwargs = dict(spec)
    for key in ("items", "reversed"):
        if key in kwargs and isinstance(kwargs[key], list):
            kwargs[key] = tuple(kwargs[key])
    if kwargs.get("reversed") is None:
        kwargs["reversed"] = ()
    try:
        return Scale(**kwargs)
    except ValueError as exc:
        raise DataError(f"{source}: {exc}") from exc
