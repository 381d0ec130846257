"""Which intakes were due their second questionnaire when the data were extracted."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from evalkit._results import TableResult
from evalkit._validation import check_columns, check_data, check_positive

__all__ = ["PostDueResult", "post_due"]


@dataclass(frozen=True)
class PostDueResult(TableResult):
    """The last intake whose second questionnaire was due at the extraction.

    Attributes
    ----------
    table : pandas.DataFrame
        One row: ``extraction_date``, ``post_delay_days`` (the longest delay from intake
        to a second questionnaire), ``cutoff`` (``extraction_date - post_delay_days``),
        ``n_due`` and ``n_not_due`` (people with a first questionnaire whose intake is on
        or before the cutoff, and after it).
    cutoff : pandas.Timestamp
        The last intake date whose second questionnaire was due.
    """

    table: pd.DataFrame
    cutoff: pd.Timestamp


def post_due(
    questionnaire: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    extraction_date: object = None,
    post_delay_days: float | None = None,
    cutoff: object = None,
    waves: tuple[str, str] = ("pre", "post"),
) -> PostDueResult:
    """The last intake due its second questionnaire, derived from the data.

    An attrition analysis compares those who answered the second questionnaire with
    those who did not; people whose second questionnaire was not yet due when the data
    were extracted did not fail to answer it, and are left out.

    Parameters
    ----------
    questionnaire : pandas.DataFrame
        Questionnaire rows: ``participant_id``, ``wave``, ``response_date``.
    participants : pandas.DataFrame
        Participants: ``participant_id``, ``intake_date`` and ``follow_up_end``.
    extraction_date : date-like, optional
        The day the data were extracted (the study file's ``extraction_date``); default
        the latest ``follow_up_end`` (follow-up ends at the extraction at the latest).
    post_delay_days : float, optional
        Days from intake by which the second questionnaire is answered (the protocol's
        window); default the longest delay observed.
    cutoff : date-like, optional
        The last intake due, when it is known otherwise (a date in the study's
        protocol): it replaces the derived one (``post_delay_days`` is then the days
        from it to the extraction).
    waves : (str, str), default=("pre", "post")
        The first and second waves.

    Returns
    -------
    PostDueResult

    Raises
    ------
    ValueError
        If a column is missing, ``post_delay_days`` is not positive, or no second
        questionnaire was answered and ``post_delay_days`` is not given (there is no
        delay to derive).

    Notes
    -----
    ``cutoff = extraction_date - post_delay_days``: every intake on or before it had its
    whole answering window before the extraction. With the longest observed delay, a
    window longer than any answer seen is not known: give ``post_delay_days`` then.

    Examples
    --------
    >>> q = pd.DataFrame({"participant_id": ["A", "A", "B"], "wave": ["pre", "post", "pre"],
    ...                   "response_date": pd.to_datetime(["2024-01-02", "2024-07-01",
    ...                                                    "2024-06-01"])})
    >>> p = pd.DataFrame({"participant_id": ["A", "B"],
    ...                   "intake_date": pd.to_datetime(["2024-01-01", "2024-06-01"]),
    ...                   "follow_up_end": pd.to_datetime(["2024-09-30", "2024-09-30"])})
    >>> due = post_due(q, p)
    >>> str(due.cutoff.date()), int(due.table["n_not_due"].iloc[0])
    ('2024-04-01', 1)
    """
    check_data(questionnaire, name="questionnaire")
    check_data(participants, name="participants")
    check_columns(questionnaire, ["participant_id", "wave", "response_date"],
                  name="questionnaire")
    check_columns(participants, ["participant_id", "intake_date", "follow_up_end"],
                  name="participants")
    intake = participants.set_index("participant_id")["intake_date"]
    extraction = pd.Timestamp(participants["follow_up_end"].max() if extraction_date is None
                              else extraction_date)
    pre, post = waves
    answered = questionnaire[questionnaire["wave"] == post]
    if cutoff is not None:
        post_delay_days = float((extraction - pd.Timestamp(cutoff)).days)
    elif post_delay_days is None:
        delays = (answered["response_date"]
                  - answered["participant_id"].map(intake)).dt.days.dropna()
        if delays.empty:
            raise ValueError(
                f"no {post!r} questionnaire was answered, so the delay from intake to it "
                "cannot be derived; pass post_delay_days (the protocol's answering window)."
            )
        post_delay_days = float(delays.max())
    delay = check_positive(post_delay_days, name="post_delay_days",
                           fix="days from intake, e.g. post_delay_days=213.")
    cutoff = (extraction - pd.Timedelta(days=delay)).normalize()
    first = intake[intake.index.isin(questionnaire.loc[questionnaire["wave"] == pre,
                                                       "participant_id"])]
    table = pd.DataFrame([{
        "extraction_date": extraction, "post_delay_days": delay, "cutoff": cutoff,
        "n_due": int((first <= cutoff).sum()), "n_not_due": int((first > cutoff).sum()),
    }])
    return PostDueResult(table=table, cutoff=cutoff)
