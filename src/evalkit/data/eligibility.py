"""Eligibility rules: checked and reported, never used to filter.

A programme admits people within limits (DUO for a JOB: ages 18 to 33). Records
outside them are real: a late registration, an exception granted, a typing error. An
evaluation reports how many there are, per rule and programme, and analyses everyone
unless the study decides otherwise, openly. So a rule of a
:class:`~evalkit.data.model.DataModel` never drops a row: :func:`check_eligibility`
counts the people outside each rule (and those whose value is missing), and the
participants' loader puts that table in ``LoadResult.eligibility``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd

from evalkit._results import TableResult
from evalkit._validation import check_columns, check_data
from evalkit.reporting.disclosure import PublicationSpec

if TYPE_CHECKING:
    from evalkit.data.model import DataModel
    from evalkit.data.schema import Table

__all__ = ["EligibilityResult", "EligibilityRule", "check_eligibility"]


@dataclass(frozen=True)
class EligibilityRule:
    """Who a programme admits, on one participants' column.

    Parameters
    ----------
    column : str
        A participants' column: a number (``age``, ``months_unemployed``) with
        ``minimum``/``maximum``, or a category or boolean (``gender``,
        ``single_parent``) with ``values``.
    programme : str, optional
        The programme the rule is for (default: every programme).
    minimum, maximum : float, optional
        Inclusive bounds of a number (one or both).
    values : tuple, optional
        The admitted values of a category or boolean column.

    Raises
    ------
    ValueError
        If the rule sets neither bounds nor values, or both, or ``minimum`` is above
        ``maximum``.

    Examples
    --------
    >>> EligibilityRule("age", "DUO for a JOB", minimum=18, maximum=33).label
    'age from 18 to 33'
    >>> EligibilityRule("single_parent", values=(True,)).label
    'single_parent in [True]'
    """

    column: str
    programme: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    values: tuple | None = None

    def __post_init__(self) -> None:
        bounded = self.minimum is not None or self.maximum is not None
        if bounded == (self.values is not None):
            raise ValueError(
                f"eligibility rule on {self.column!r}: give min and/or max (a number) or "
                f"values (a category or boolean), exactly one of the two, but got "
                f"min={self.minimum!r}, max={self.maximum!r}, values={self.values!r}."
            )
        for bound in (self.minimum, self.maximum):
            number = isinstance(bound, int | float) and not isinstance(bound, bool)
            if bound is not None and not number:
                raise ValueError(
                    f"eligibility rule on {self.column!r}: min and max must be numbers, but "
                    f"got {bound!r}."
                )
        if None not in (self.minimum, self.maximum) and self.minimum > self.maximum:
            raise ValueError(
                f"eligibility rule on {self.column!r}: min ({self.minimum:g}) is above max "
                f"({self.maximum:g})."
            )
        if self.values is not None:
            if isinstance(self.values, str) or not isinstance(self.values, Sequence):
                raise ValueError(
                    f"eligibility rule on {self.column!r}: values must be a list, but got "
                    f"{self.values!r}."
                )
            object.__setattr__(self, "values", tuple(self.values))

    @property
    def label(self) -> str:
        """The rule in words: ``"age from 18 to 33"``, ``"gender in ['female']"``."""
        if self.values is not None:
            return f"{self.column} in {list(self.values)}"
        if self.maximum is None:
            return f"{self.column} at least {self.minimum:g}"
        if self.minimum is None:
            return f"{self.column} at most {self.maximum:g}"
        return f"{self.column} from {self.minimum:g} to {self.maximum:g}"

    def check_column(self, table: Table, key: str) -> None:
        """Raise ``ValueError`` (starting with ``key``) unless the rule fits its column."""
        if self.column not in table.names:
            raise ValueError(
                f"{key}: column must be a participants' column {list(table.names)}, but was "
                f"{self.column!r}."
            )
        column = table[self.column]
        numeric = column.kind in {"integer", "number"}
        if self.values is None and not numeric:
            raise ValueError(
                f"{key}: min/max need a numeric column, but {self.column!r} is a "
                f"{column.kind}; give values instead."
            )
        if self.values is not None and column.kind not in {"category", "boolean"}:
            raise ValueError(
                f"{key}: values need a category or boolean column, but {self.column!r} is a "
                f"{column.kind}; give min/max instead."
            )
        allowed = (True, False) if column.kind == "boolean" else column.allowed
        unknown = [v for v in self.values or () if allowed is not None and v not in allowed]
        if unknown:
            raise ValueError(
                f"{key}: values {unknown} are not values of {self.column!r} {list(allowed)}."
            )

    def outside(self, values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Which values break the rule, and which are missing (neither in nor out)."""
        missing = values.isna().to_numpy(bool)
        if self.values is not None:
            inside = values.astype(object).isin(self.values).to_numpy(bool)
        else:
            x = values.astype("float64")
            low = -np.inf if self.minimum is None else self.minimum
            high = np.inf if self.maximum is None else self.maximum
            inside = x.between(low, high).to_numpy(bool)
        return ~inside & ~missing, missing


@dataclass(frozen=True)
class EligibilityResult(TableResult):
    """How many participants each eligibility rule leaves outside (nobody is dropped).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per rule and programme (a rule for every programme has a row for each):
        ``rule`` (in words), ``programme``, ``column``, ``n_checked`` (participants
        of the programme), ``n_outside`` (breaking the rule) and ``n_missing`` (value
        missing: neither in nor out). Empty (with these columns) without rules.
    eligible : pandas.Series
        Row-level (kept out of the repr): per participant, whether no rule puts them
        outside (a missing value puts nobody outside). For a participant funnel.
    """

    table: pd.DataFrame
    eligible: pd.Series = field(repr=False)

    #: Published: counts of 1-9 people suppressed, with the part of a programme's
    #: count whose complement (the people inside) would give them away.
    publication: ClassVar[dict] = {
        "table": PublicationSpec(
            counts=("n_checked", "n_outside", "n_missing"),
            complements=(("n_checked", "n_outside"), ("n_checked", "n_missing")),
            dimensions=("programme",),
        )
    }


_COLUMNS = ("rule", "programme", "column", "n_checked", "n_outside", "n_missing")


def check_eligibility(
    data: pd.DataFrame, model: DataModel | None = None, *, programme: str = "programme"
) -> EligibilityResult:
    """Count the participants outside each eligibility rule of a data model.

    Parameters
    ----------
    data : pandas.DataFrame
        Participants (``load_participants(...).data``).
    model : DataModel, optional
        The data model whose rules are checked (default: the shipped one, which has
        none).
    programme : str, default="programme"
        The programme column.

    Returns
    -------
    EligibilityResult
        ``table`` (rule, programme, column, n_checked, n_outside, n_missing) and
        ``eligible`` (per row). Nothing is filtered.

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If ``data`` is empty or lacks the programme column or a rule's column.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.data.model import DataModel
    >>> model = DataModel(programmes=("A", "B"),
    ...                   eligibility=(EligibilityRule("age", "A", minimum=18, maximum=33),))
    >>> data = pd.DataFrame({"programme": ["A", "A", "A", "B"], "age": [17, 25, 40, 50]})
    >>> result = check_eligibility(data, model)
    >>> result.table[["rule", "programme", "n_checked", "n_outside"]].to_dict("records")
    [{'rule': 'age from 18 to 33', 'programme': 'A', 'n_checked': 3, 'n_outside': 2}]
    >>> result.eligible.tolist()
    [False, True, False, True]
    """
    from evalkit.data.model import DataModel

    check_data(data)
    model = DataModel.shipped() if model is None else model
    check_columns(data, [programme, *(r.column for r in model.eligibility)])
    return _count_outside(data, model, programme)


def _count_outside(
    data: pd.DataFrame, model: DataModel, programme: str = "programme"
) -> EligibilityResult:
    """The counts of :func:`check_eligibility`, without the argument checks (for the
    loader, whose data have the columns and may have no rows)."""
    eligible = np.ones(len(data), dtype=bool)
    rows = []
    for rule in model.eligibility:
        outside, missing = rule.outside(data[rule.column])
        for name in model.programmes if rule.programme is None else (rule.programme,):
            member = (data[programme] == name).to_numpy(bool)
            eligible &= ~(outside & member)
            rows.append((rule.label, name, rule.column, int(member.sum()),
                         int((outside & member).sum()), int((missing & member).sum())))
    table = pd.DataFrame(rows, columns=list(_COLUMNS)).astype(
        {"n_checked": "int64", "n_outside": "int64", "n_missing": "int64"}
    )
    return EligibilityResult(table=table, eligible=pd.Series(eligible, index=data.index))
