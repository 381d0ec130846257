"""Questionnaire scales: the definition (from YAML), scoring, and pre/post scores side by side.

Validation (tests/questionnaire/test_scales.py): the shipped RSE definition matches the
schema; scores on the shipped questionnaire equal the generator's rule; the derived
``job_within_6_months`` equals the generator's definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from evalkit._plotting import axes, merged_bins
from evalkit._results import TableResult
from evalkit._validation import check_columns, check_data
from evalkit.data.model import DataModel
from evalkit.data.scale import Scale
from evalkit.errors import DataError
from evalkit.reporting.catalogue import column_label, text, value_label
from evalkit.reporting.disclosure import DEFAULT_THRESHOLD, PublicationSpec, check_threshold
from evalkit.reporting.format import format_level

#: The summary of scored questionnaires as published: the scored and unscored counts
#: below the threshold suppressed (their sum ``n`` goes with either), the statistics
#: of a suppressed number of scores blanked, rounded.
_SCORE_SUMMARY = PublicationSpec(
    counts=("n_scored", "n_unscored"),
    derived={"n": ("n_scored", "n_unscored"), "mean": ("n_scored",), "sd": ("n_scored",)},
    decimals={"mean": 2, "sd": 2},
)

__all__ = [
    "PrePostResult",
    "Scale",
    "ScaleScoreResult",
    "load_scale",
    "pre_post_scores",
    "score_scale",
]

#: Days after intake within which a first exit to a job counts for ``job_within_6_months``.
_SIX_MONTHS = 183


# --------------------------------------------------------------------------------------
# Scale definition (the class is evalkit.data.scale.Scale, part of the data model)
# --------------------------------------------------------------------------------------


def load_scale(path: str | Path) -> Scale:
    """Read a scale definition from a YAML file and validate it.

    Parameters
    ----------
    path : str or Path
        YAML mapping with ``items`` (list), ``response_min`` and ``response_max``
        (integers), and optionally ``reversed`` (list), ``min_items`` (integer),
        ``scoring`` (``"mean"`` or ``"sum"``), ``name`` and ``description``.

    Returns
    -------
    Scale

    Raises
    ------
    DataError
        If the file is missing, is not a YAML mapping, has unknown or missing keys, or
        defines an inconsistent scale (reverse-keyed item not among the items, empty
        response range, ``min_items`` out of range, unknown scoring).

    Examples
    --------
    >>> scale = load_scale("params/scales/rse.yaml")  # doctest: +SKIP
    >>> scale.n_items, scale.min_items  # doctest: +SKIP
    (10, 8)
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        raise DataError(f"scale file {path} does not exist; pass the path of a scale YAML file.")
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML ({exc}); fix the file's syntax.") from exc
    return Scale.from_mapping(spec, source=str(path))


def _as_scale(scale: Scale | str | Path) -> Scale:
    """``scale`` itself, or the :class:`Scale` defined in the YAML file at that path."""
    if isinstance(scale, Scale):
        return scale
    if isinstance(scale, (str, Path)):
        return load_scale(scale)
    raise TypeError(
        f"scale must be a Scale or the path of a scale YAML file, but got {type(scale).__name__}."
    )


# --------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleScoreResult(TableResult):
    """Scale scores of each row.

    Attributes
    ----------
    scores : pandas.DataFrame
        Row-level (kept out of the repr): index of the input, columns ``score``
        (NaN when fewer than ``min_items`` items were answered) and ``n_items``
        (number of answered items used).
    table : pandas.DataFrame
        One row: ``n`` rows, ``n_scored``, ``n_unscored``, ``mean``, ``sd``, ``min``,
        ``max`` of the scores.
    scale : Scale
        The scale definition used.
    """

    scores: pd.DataFrame = field(repr=False)
    table: pd.DataFrame
    scale: Scale

    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=_SCORE_SUMMARY.counts,
            derived={**_SCORE_SUMMARY.derived_from(), "min": ("n_scored",),
                     "max": ("n_scored",)},
            decimals={**_SCORE_SUMMARY.decimals, "min": 2, "max": 2},
        ),
    }

    def plot(self, ax=None, *, bins: int = 20, threshold: int = DEFAULT_THRESHOLD,
             language: str = "en"):
        """Histogram of the scores; return the Axes.

        Adjacent bins are merged until every bar holds 0 or at least ``threshold``
        questionnaires (:func:`evalkit._plotting.merged_bins`), with heights per
        ``1/bins`` of the range so a merged bar is not taller for its width. Axis
        labels are in ``language`` (the report catalogue's). Raises ``ValueError`` if
        ``threshold`` is below 5 or ``language`` is unknown; warns
        (``DisclosureWarning``) below 10.
        """
        threshold = check_threshold(threshold)
        scores = self.scores["score"].dropna().to_numpy()
        low, high = (scores.min(), scores.max()) if scores.size else (0.0, 1.0)
        start = np.linspace(low, high if high > low else low + 1.0, bins + 1)
        edges, (counts,) = merged_bins([scores], start, threshold)
        width = np.diff(edges)
        ax = axes(ax, (5, 3))
        ax.bar(edges[:-1], counts * (start[1] - start[0]) / width, width, align="edge",
               color="C0")
        ax.set_xlabel(_score_label(self.scale, language))
        ax.set_ylabel(text("figure.per_range_bin", language, bins=bins))
        return ax


def _score_keyed(keyed: pd.DataFrame, scale: Scale) -> pd.DataFrame:
    """Per row: the score (mean or prorated sum of the answered keyed items) and ``n_items``."""
    n_items = keyed.notna().sum(axis=1).astype("int64")
    mean = keyed.mean(axis=1, skipna=True).where(n_items >= scale.min_items)
    score = mean * scale.n_items if scale.scoring == "sum" else mean
    return pd.DataFrame({"score": score.astype("float64"), "n_items": n_items})


def score_scale(data: pd.DataFrame, scale: Scale | str | Path) -> ScaleScoreResult:
    """Score a scale on each row: reverse-key, then mean (or prorated sum) of the items.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per completed questionnaire, with the scale's item columns (numeric;
        missing = not answered).
    scale : Scale or str or Path
        The scale, or the path of its YAML definition (:func:`load_scale`).

    Returns
    -------
    ScaleScoreResult
        ``scores`` (per row: ``score``, ``n_items``) and a one-row summary ``table``.

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame or ``scale`` neither a Scale nor a path.
    ValueError
        If an item column is missing, not numeric or missing in every row (nobody
        answered it), or an answer lies outside the response range (the message names
        the row and the item).
    DataError
        If ``scale`` is a path to a missing or invalid scale file.

    Warns
    -----
    EvalkitWarning
        Naming the items missing in more than half of the rows (their scores rest
        mostly on the other items).

    Notes
    -----
    Reverse-keyed items are scored ``response_min + response_max - answer``. With
    ``scoring="mean"`` the score is the mean of the answered keyed items; with
    ``"sum"`` it is that mean times the number of items (prorating, the usual rule for
    a few missing answers). A row with fewer than ``min_items`` answered items gets a
    missing score.

    References
    ----------
    Rosenberg, M. (1965). *Society and the adolescent self-image*. Princeton
    University Press.

    Examples
    --------
    >>> import pandas as pd
    >>> s = Scale(items=("a", "b", "c"), response_min=1, response_max=4, reversed=("b",),
    ...           min_items=2)
    >>> df = pd.DataFrame({"a": [4, 1, 2], "b": [1, 4, None], "c": [4, 1, None]})
    >>> score_scale(df, s).scores["score"].tolist()
    [4.0, 1.0, nan]
    """
    check_data(data)
    scale = _as_scale(scale)
    scores = _score_keyed(scale.keyed(data), scale)
    s = scores["score"]
    table = pd.DataFrame(
        {
            "n": [len(scores)],
            "n_scored": [int(s.notna().sum())],
            "n_unscored": [int(s.isna().sum())],
            "mean": [s.mean()],
            "sd": [s.std()],
            "min": [s.min()],
            "max": [s.max()],
        }
    )
    return ScaleScoreResult(scores=scores, table=table, scale=scale)


# --------------------------------------------------------------------------------------
# Pre and post scores
# --------------------------------------------------------------------------------------

_WIDE_FRONT = ("score_pre", "score_post", "n_items_pre", "n_items_post")


@dataclass(frozen=True)
class PrePostResult(TableResult):
    """Pre and post scale scores side by side, one row per participant.

    Attributes
    ----------
    data : pandas.DataFrame
        Row-level (kept out of the repr): ``participant_id`` (or the id column),
        ``score_pre``, ``score_post``, ``n_items_pre``, ``n_items_post``,
        ``change`` (post − pre), ``responded_post`` (a post questionnaire was
        answered), the participants' columns when given, and ``job_within_6_months``
        (first exit a job within 183 days of intake) when they have exit columns.
    table : pandas.DataFrame
        One row per wave: ``wave``, ``n`` questionnaires, ``n_scored``,
        ``n_unscored``, ``mean``, ``sd``.
    scale : Scale
        The scale definition used.
    """

    data: pd.DataFrame = field(repr=False)
    table: pd.DataFrame
    scale: Scale

    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=_SCORE_SUMMARY.counts,
            derived=_SCORE_SUMMARY.derived_from(),
            decimals=_SCORE_SUMMARY.decimals,
            dimensions=("wave",),
        ),
    }

    def plot(self, ax=None, *, threshold: int = DEFAULT_THRESHOLD, language: str = "en"):
        """Paired distributions: pre and post scores of the people with both; return the Axes.

        Violins of the pre and the post scores of the same participants (complete
        pairs only, so the two shapes are comparable), with the quartiles marked and
        the mean of each wave (95% t interval) joined by a line: the paired mean
        change. Individual trajectories are not drawn (row-level data), nor
        distributions of fewer than ``threshold`` people. Labels, legend and title are
        in ``language`` (the report catalogue's).

        Raises
        ------
        ValueError
            If fewer than 2 participants, or fewer than ``threshold``, have both a pre
            and a post score; if ``threshold`` is below 5 or ``language`` is unknown.

        Warns
        -----
        DisclosureWarning
            If ``threshold`` is below 10.
        """
        threshold = check_threshold(threshold)
        both = self.data[["score_pre", "score_post"]].dropna()
        n = len(both)
        if n < max(2, threshold):
            raise ValueError(
                f"need at least {max(2, threshold)} participants with both a pre and a post "
                "score to plot (the disclosure threshold): a distribution of fewer people "
                "shows individuals' scores; report the table instead."
            )
        ax = axes(ax, (4.5, 3.5))
        values = [both["score_pre"].to_numpy(), both["score_post"].to_numpy()]
        parts = ax.violinplot(values, positions=[0, 1], showextrema=False, widths=0.8)
        for body in parts["bodies"]:
            body.set_facecolor("C0")
            body.set_alpha(0.35)
        q = np.percentile(values, [25, 50, 75], axis=1)
        ax.vlines([0, 1], q[0], q[2], color="C0", linewidth=4,
                  label=text("figure.interquartile_range", language))
        ax.scatter([0, 1], q[1], color="white", edgecolor="C0", zorder=3,
                   label=text("figure.median", language))
        means = np.array([v.mean() for v in values])
        half = stats.t.isf(0.025, n - 1) * np.array([v.std(ddof=1) for v in values]) / np.sqrt(n)
        ax.errorbar(
            [0, 1], means, yerr=half, color="C3", marker="o", capsize=4,
            label=text("figure.mean_ci", language, level=format_level(0.95, language)),
        )
        ax.set_xticks([0, 1], [value_label("pre", language), value_label("post", language)])
        ax.set_xlim(-0.6, 1.6)
        factor = self.scale.n_items if self.scale.scoring == "sum" else 1
        pad = 0.03 * factor * (self.scale.response_max - self.scale.response_min)
        ax.set_ylim(factor * self.scale.response_min - pad, factor * self.scale.response_max + pad)
        ax.set_ylabel(_score_label(self.scale, language))
        ax.set_title(text("figure.both_questionnaires", language, n=n), fontsize="medium")
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize="small", frameon=False
        )
        return ax



def _score_label(scale: Scale, language: str) -> str:
    """The axis label of a scale's scores: its name and how it is scored, in ``language``."""
    return text(f"figure.score_{scale.scoring}", language, scale=column_label(scale.name, language))

def pre_post_scores(
    questionnaire: pd.DataFrame,
    scale: Scale | str | Path,
    *,
    participants: pd.DataFrame | None = None,
    id_column: str = "participant_id",
    wave_column: str = "wave",
    pre: str = "pre",
    post: str = "post",
    model: DataModel | None = None,
) -> PrePostResult:
    """Score a long-format questionnaire and put the pre and post scores side by side.

    Parameters
    ----------
    questionnaire : pandas.DataFrame
        Long format: one row per participant and answered wave, with the scale items.
    scale : Scale or str or Path
        The scale or the path of its YAML definition.
    participants : pandas.DataFrame, optional
        One row per participant. When given, the result has one row per participant
        (those who answered no questionnaire get missing scores) with their columns.
    id_column, wave_column : str
        Participant id and wave columns.
    pre, post : str
        Labels of the two waves.
    model : DataModel, optional
        The data model whose ``job_exits`` define ``job_within_6_months`` (default:
        the shipped data's).

    Returns
    -------
    PrePostResult

    Raises
    ------
    TypeError
        If ``questionnaire`` or ``participants`` is not a DataFrame, ``scale``
        neither a Scale nor a path, or ``model`` not a DataModel.
    ValueError
        If a column is missing, the wave column holds other labels than ``pre`` and
        ``post``, a participant answered a wave twice, an item is missing in every
        questionnaire or an answer is out of range (see :func:`score_scale`), or the
        questionnaire names participants that are not in ``participants``.
    DataError
        If ``scale`` is a path to a missing or invalid scale file.

    Warns
    -----
    EvalkitWarning
        Naming the items missing in more than half of the questionnaires.

    Notes
    -----
    ``job_within_6_months`` is derived when ``participants`` has ``exit_type``,
    ``exit_date`` and ``intake_date``: the first exit is a job (the ``job_exits`` of
    ``model``; by default ``job_permanent``, ``job_temporary`` and ``self_employed``, the
    ``"job"`` exits of :data:`evalkit.data.schema.EXIT_GROUPS`) at most 183 days after
    intake. It predicts
    answering the post questionnaire (see :func:`attrition_analysis`).

    Examples
    --------
    >>> import pandas as pd
    >>> s = Scale(items=("a", "b"), response_min=1, response_max=4)
    >>> q = pd.DataFrame({"participant_id": ["p1", "p1", "p2"], "wave": ["pre", "post", "pre"],
    ...                   "a": [1, 3, 2], "b": [1, 3, 2]})
    >>> pre_post_scores(q, s).data["change"].tolist()
    [2.0, nan]
    """
    check_data(questionnaire, name="questionnaire")
    scale = _as_scale(scale)
    check_columns(questionnaire, [id_column, wave_column], name="questionnaire")
    waves = _two_waves(questionnaire[wave_column], wave_column, pre, post)
    _check_one_questionnaire_per_wave(questionnaire, id_column, wave_column)
    scored = _score_keyed(scale.keyed(questionnaire), scale)
    scored[id_column] = questionnaire[id_column].to_numpy()
    scored["wave"] = waves.to_numpy()
    wide, summary = _side_by_side(scored, id_column, pre, post)
    if model is not None and not isinstance(model, DataModel):
        raise TypeError(f"model must be a DataModel or None, but got {type(model).__name__}.")
    if participants is not None:
        job_exits = (DataModel.shipped() if model is None else model).job_exits
        wide = _with_participants(wide, participants, id_column, job_exits)
    for c in ("n_items_pre", "n_items_post"):
        wide[c] = wide[c].fillna(0).astype("int64")
    wide["change"] = wide["score_post"] - wide["score_pre"]
    wide["responded_post"] = wide["n_items_post"] > 0
    return PrePostResult(data=wide.reset_index(drop=True), table=summary, scale=scale)


def _two_waves(waves: pd.Series, wave_column: str, pre: str, post: str) -> pd.Series:
    """The wave labels (as objects), after checking they are only ``pre`` and ``post``."""
    waves = waves.astype("object")
    unknown = sorted(set(waves.dropna().unique()) - {pre, post})
    if unknown:
        raise ValueError(
            f"{wave_column!r} must hold only {pre!r} and {post!r}, but also holds {unknown}; "
            "filter the questionnaire to the two waves or pass pre=/post= labels."
        )
    return waves


def _check_one_questionnaire_per_wave(
    questionnaire: pd.DataFrame, id_column: str, wave_column: str
) -> None:
    """Raise if a participant answered a wave more than once."""
    dup = questionnaire.duplicated([id_column, wave_column])
    if dup.any():
        raise ValueError(
            f"questionnaire has {int(dup.sum())} duplicate (participant, wave) row(s), e.g. "
            f"row {questionnaire.index[dup.to_numpy()][0]!r}; keep one questionnaire per "
            "participant and wave."
        )


def _side_by_side(
    scored: pd.DataFrame, id_column: str, pre: str, post: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each participant's pre and post score in one row, and a summary row per wave."""
    summary = []
    wide = None
    for label, suffix in ((pre, "pre"), (post, "post")):
        part = scored[scored["wave"] == label]
        summary.append(
            {
                "wave": label,
                "n": len(part),
                "n_scored": int(part["score"].notna().sum()),
                "n_unscored": int(part["score"].isna().sum()),
                "mean": part["score"].mean(),
                "sd": part["score"].std(),
            }
        )
        part = part.drop(columns="wave").rename(
            columns={"score": f"score_{suffix}", "n_items": f"n_items_{suffix}"}
        )
        wide = part if wide is None else wide.merge(part, on=id_column, how="outer")
    return wide[[id_column, *_WIDE_FRONT]], pd.DataFrame(summary)


def _with_participants(
    wide: pd.DataFrame, participants: pd.DataFrame, id_column: str, job_exits: tuple[str, ...]
) -> pd.DataFrame:
    """One row per participant: their columns after the scores (and ``job_within_6_months``)."""
    check_data(participants, name="participants")
    check_columns(participants, [id_column], name="participants")
    unknown_ids = ~wide[id_column].isin(participants[id_column])
    if unknown_ids.any():
        raise ValueError(
            f"{int(unknown_ids.sum())} participant(s) in the questionnaire are not in "
            "participants; load the questionnaire with load_questionnaire(..., "
            "participants=...) so that such rows are rejected with a reason."
        )
    wide = participants.merge(wide, on=id_column, how="left", validate="one_to_one")
    front = [id_column, *_WIDE_FRONT]
    wide = wide[front + [c for c in wide.columns if c not in front]]
    if {"exit_type", "exit_date", "intake_date"} <= set(participants.columns):
        wide["job_within_6_months"] = _job_within_6_months(wide, job_exits)
    return wide


def _job_within_6_months(wide: pd.DataFrame, job_exits: Sequence[str]) -> np.ndarray:
    """Whether the first exit is one of ``job_exits`` within 183 days."""
    job = wide["exit_type"].astype("object").isin(job_exits)
    days = (wide["exit_date"] - wide["intake_date"]).dt.days
    return (job & (days <= _SIX_MONTHS)).to_numpy()
