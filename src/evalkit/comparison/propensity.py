"""Propensity scores: the logistic model of who enrols where, overlap and trimming."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._plotting import axes, merged_bins
from evalkit._results import TableResult
from evalkit._stats.arrays import level_counts
from evalkit._stats.intervals import normal_p_value, normal_quantile
from evalkit._stats.logistic import fit_logistic, separating_terms
from evalkit._validation import (
    check_columns,
    check_conf_level,
    check_data,
    check_one_of,
    check_probability_range,
)
from evalkit._warning_texts import warning_text
from evalkit.comparison._design import formula_design
from evalkit.descriptives import standardized_mean_difference
from evalkit.errors import EvalkitWarning
from evalkit.reporting.catalogue import text
from evalkit.reporting.disclosure import (
    ACROSS_COUNTS,
    DEFAULT_THRESHOLD,
    PUBLICATION_DECIMALS,
    PublicationSpec,
    check_threshold,
)

__all__ = ["PropensityResult", "TrimResult", "propensity_score", "trim"]


@dataclass(frozen=True)
class PropensityResult(TableResult):
    """A fitted propensity-score model with overlap diagnostics.

    Attributes
    ----------
    table : pandas.DataFrame
        Logistic coefficients: ``term``, ``estimate`` (log odds of the treated group),
        ``std_error``, ``ci_low``, ``ci_high``, ``p_value``.
    overlap : pandas.DataFrame
        By group: ``n``, propensity ``min``, ``max``, and ``n_outside`` the common
        support (the range where both groups have scores).
    support : tuple of float
        The common-support interval ``(low, high)``.
    treated_label : object
        The group modelled as "treated" (score = its probability).
    group : str
        The group column.
    formula : str
        The model formula.
    conf_level : float
        Confidence level of the coefficient CIs.
    scores : numpy.ndarray
        Propensity score of each row of the data (row-level: not shown in reprs).
    treated : numpy.ndarray
        Boolean treated indicator of each row.
    design : numpy.ndarray
        Design matrix of the model (for the variance of weighted estimators, and for
        refitting the model in bootstrap replicates).
    information : numpy.ndarray
        Fisher information ``X'diag(e(1-e))X`` of the model at its estimate.
    """

    table: pd.DataFrame
    overlap: pd.DataFrame
    support: tuple[float, float]
    treated_label: object
    group: str
    formula: str
    conf_level: float
    scores: np.ndarray = field(repr=False)
    treated: np.ndarray = field(repr=False)
    design: np.ndarray = field(repr=False)
    information: np.ndarray = field(repr=False)

    #: How the overlap table is published: counts of people suppressed below the
    #: threshold (secondary suppression across the groups, whose total is known), the
    #: score range of a suppressed group blanked.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "overlap": PublicationSpec(
            counts=("n", "n_outside"),
            derived={"min": ("n",), "max": ("n",)},
            margins=((ACROSS_COUNTS,),),
            decimals={"min": 3, "max": 3},
            dimensions=("group",),
        ),
    }

    @property
    def coefficients(self) -> np.ndarray:
        """The logistic coefficients (the ``estimate`` column of ``table``)."""
        return self.table["estimate"].to_numpy()

    @property
    def inside_support(self) -> np.ndarray:
        """Boolean mask of the rows whose score lies in the common support."""
        low, high = self.support
        return (self.scores >= low) & (self.scores <= high)

    def plot(self, ax=None, *, bins: int = 30, threshold: int = DEFAULT_THRESHOLD,
             language: str = "en"):
        """Mirrored histograms of the scores by group, with the common support; the Axes.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        bins : int, default=30
            Bins of equal width on [0, 1] before merging.
        threshold : int, default=10
            No bar shows fewer people: adjacent bins are merged (for both groups at
            once) until each bar holds 0 or at least ``threshold`` people
            (:func:`evalkit._plotting.merged_bins`); bar heights are people per
            ``1/bins`` of score, so a merged (wider) bar is not taller for its width.
            Merged bins rather than a smoothed density: the tails, where overlap
            fails, stay visible as bars of real people, and a bar's area is a count
            that can be checked against the overlap table.
        language : str, default="en"
            Language of the axis labels and the legend (the report catalogue's).

        Raises
        ------
        ValueError
            If ``threshold`` is below 5, or ``language`` is not a catalogue language.

        Warns
        -----
        DisclosureWarning
            If ``threshold`` is below 10.
        """
        threshold = check_threshold(threshold)
        ax = axes(ax, (6, 3.5))
        edges, (top, bottom) = merged_bins(
            [self.scores[self.treated], self.scores[~self.treated]],
            np.linspace(0, 1, bins + 1),
            threshold,
        )
        width = np.diff(edges)
        scale = 1.0 / (width * bins)
        ax.bar(edges[:-1], top * scale, width, align="edge", color="C0",
               label=str(self.treated_label))
        ax.bar(edges[:-1], -bottom * scale, width, align="edge", color="C1",
               label=text("figure.comparison_group", language))
        for bound in self.support:
            ax.axvline(bound, color="grey", linestyle="--", linewidth=1)
        ax.axhline(0, color="black", linewidth=0.5)
        ax.set_xlabel(text("figure.propensity_score", language, treated=self.treated_label))
        ax.set_ylabel(text("figure.per_score_bin", language, bins=bins))
        ax.legend(frameon=False)
        return ax


def propensity_score(
    data: pd.DataFrame,
    formula: str,
    *,
    treated: object,
    conf_level: float = 0.95,
) -> PropensityResult:
    """Fit a logistic propensity-score model and describe the overlap of the groups.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person; no missing values in the model's columns.
    formula : str
        ``"group ~ covariates"`` in formulaic/patsy syntax, e.g.
        ``"programme ~ age + C(education) + months_unemployed"``.
    treated : object
        The value of the group column whose probability is modelled.
    conf_level : float, default=0.95
        Confidence level of the coefficient intervals.

    Returns
    -------
    PropensityResult

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If ``data`` is empty; the formula is not ``group ~ covariates`` or names
        missing columns; a covariate or the group has missing values; the group
        column does not have exactly two values or ``treated`` is not one of them;
        ``conf_level`` is not in (0, 1); the fit does not converge.

    Warns
    -----
    EvalkitWarning
        When scores lie within 1e-6 of 0 or 1 (a positivity violation); when the
        groups are (quasi-)completely separated, naming the infinite coefficients,
        which the table reports as NaN (never a huge finite number such as 8340).

    Notes
    -----
    Maximum likelihood logistic regression by Newton-Raphson; coefficients and
    model-based standard errors agree with ``statsmodels.Logit`` (tested to 1e-5). The
    common support is ``[max(min_treated, min_control), min(max_treated, max_control)]``
    of the scores; people outside it have no comparable counterpart in the other group. Scores of
    exactly 0 or 1 (complete separation, e.g. people over 33 exist only in one
    programme) are a positivity violation: restrict the data to the population both
    programmes serve before estimating effects.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=400)})
    >>> df["g"] = np.where(rng.random(400) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> ps = propensity_score(df, "g ~ x", treated="a")
    >>> round(float(ps.table.loc[1, "estimate"]), 1)
    1.0
    """
    check_data(data)
    conf_level = check_conf_level(conf_level)
    group, x, terms = formula_design(data, formula)
    check_columns(data, [group])
    t = _treated_indicator(data, group, treated)
    beta, information, scores = fit_logistic(x, t.astype(float))
    support, overlap = _common_support(scores, t, treated)
    _warn_positivity(scores)
    table = _coefficient_table(terms, beta, information, conf_level)
    _blank_infinite(table, x, t, scores)
    return PropensityResult(
        table=table,
        overlap=overlap,
        support=support,
        treated_label=treated,
        group=group,
        formula=formula,
        conf_level=conf_level,
        scores=scores,
        treated=t,
        design=x,
        information=information,
    )


def _treated_indicator(data: pd.DataFrame, group: str, treated: object) -> np.ndarray:
    """Whether each person is in the ``treated`` group of a two-valued group column."""
    codes, uniques = pd.factorize(data[group])
    if (codes < 0).any():
        rows = data.index[codes < 0][:5].tolist()
        raise ValueError(
            f"group column {group!r} is missing in rows {rows}; every person needs a programme."
        )
    labels = uniques.tolist()
    check_one_of(treated, labels, name="treated")
    if len(labels) != 2:
        raise ValueError(
            f"group column {group!r} must have exactly 2 values, but has {labels}; filter the "
            "data to the two programmes to compare."
        )
    return codes == labels.index(treated)


def _coefficient_table(
    terms: list[str], beta: np.ndarray, information: np.ndarray, conf_level: float
) -> pd.DataFrame:
    """Coefficients with model-based (inverse information) standard errors, Wald CIs, p."""
    se = np.sqrt(np.diag(np.linalg.pinv(information)))
    z = normal_quantile(conf_level)
    return pd.DataFrame(
        {
            "term": terms,
            "estimate": beta,
            "std_error": se,
            "ci_low": beta - z * se,
            "ci_high": beta + z * se,
            "p_value": normal_p_value(beta / se),
        }
    )


def _blank_infinite(table: pd.DataFrame, x: np.ndarray, t: np.ndarray, scores: np.ndarray) -> None:
    """NaN (in place), with a warning, for coefficients that separation makes infinite.

    Only fits whose scores come within 1e-10 of 0 or 1 (where a separated fit ends)
    are checked, by the linear programme of :func:`evalkit._stats.logistic.separating_terms`.
    """
    if not ((scores < 1e-10) | (scores > 1 - 1e-10)).any():
        return
    infinite = separating_terms(x, t.astype(float))
    if not infinite.any():
        return
    table.loc[infinite, ["estimate", "std_error", "ci_low", "ci_high", "p_value"]] = np.nan
    warnings.warn(
        warning_text("warning.propensity.separation",
                     terms=table.loc[infinite, "term"].tolist()),
        EvalkitWarning,
        stacklevel=3,
    )


def _common_support(
    scores: np.ndarray, t: np.ndarray, treated: object
) -> tuple[tuple[float, float], pd.DataFrame]:
    """The common support of the scores, and by group its range and how many lie outside."""
    groups = ((treated, t), ("comparison", ~t))
    ranges = [
        (np.min(own, initial=1.0), np.max(own, initial=0.0))
        for own in (np.compress(member, scores) for _, member in groups)
    ]
    low, high = max(r[0] for r in ranges), min(r[1] for r in ranges)
    outside = (scores < low) | (scores > high)
    overlap = pd.DataFrame(
        [
            {
                "group": label,
                "n": int(np.count_nonzero(member)),
                "min": smallest,
                "max": largest,
                "n_outside": int(np.count_nonzero(outside & member)),
            }
            for (label, member), (smallest, largest) in zip(groups, ranges, strict=True)
        ]
    )
    return (float(low), float(high)), overlap


def _warn_positivity(scores: np.ndarray) -> None:
    """Warn when scores lie within 1e-6 of 0 or 1 (the groups do not overlap there)."""
    extreme = (scores < 1e-6) | (scores > 1 - 1e-6)
    if extreme.any():
        warnings.warn(
            warning_text("warning.propensity.positivity", n=int(extreme.sum())),
            EvalkitWarning,
            stacklevel=3,
        )


def _check_same_rows(data: pd.DataFrame, ps: PropensityResult) -> None:
    """Raise ``ValueError`` unless ``data`` has as many rows as the model was fitted on."""
    if len(data) != len(ps.scores):
        raise ValueError(
            f"data has {len(data)} rows but the propensity model was fitted on "
            f"{len(ps.scores)}; pass the same data (after trimming, refit the model on "
            "the trimmed data)."
        )


@dataclass(frozen=True)
class TrimResult(TableResult):
    """The data restricted to a propensity-score range, with who was excluded.

    Attributes
    ----------
    table : pandas.DataFrame
        By group: ``n_before``, ``n_excluded``, ``n_after``.
    excluded : pandas.DataFrame or None
        Who was excluded, compared with who was kept, on the ``describe`` columns: one
        row per variable (level) with ``n_kept`` and ``n_excluded`` (people with the
        level, or with a value of a numeric variable), ``mean_kept``, ``mean_excluded``
        (proportions for levels) and ``smd`` (excluded minus kept). Small cells are
        blank: all means when fewer than ``threshold`` people were excluded, and a
        proportion when it stands for 1 to ``threshold - 1`` people (or all but that
        many of the excluded). ``None`` without ``describe``.
    data : pandas.DataFrame
        The kept rows, re-indexed 0..n-1 (row-level: not shown in reprs).
    bounds : tuple of float
        The propensity-score range kept.
    """

    table: pd.DataFrame
    excluded: pd.DataFrame | None
    data: pd.DataFrame = field(repr=False)
    bounds: tuple[float, float]

    #: How the tables are published. ``table``: ``n_before = n_excluded + n_after``
    #: (a margin across the counts of a row) and the totals over the groups are known,
    #: so a small count hides a partner in its row and in its column. ``excluded``: the
    #: means and SMD of a level that fewer than the threshold kept or excluded people
    #: have are blanked (kept + excluded is a known total of the level: both go), the
    #: levels of a variable are a margin, and the statistics are rounded.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n_before", "n_excluded", "n_after"),
            margins=((ACROSS_COUNTS,), ("group",)),
            dimensions=("group",),
        ),
        "excluded": PublicationSpec(
            counts=("n_kept", "n_excluded"),
            derived={
                "mean_kept": ("n_kept",),
                "mean_excluded": ("n_excluded",),
                "smd": ("n_kept", "n_excluded"),
            },
            margins=(("variable", ACROSS_COUNTS), ("variable", "level")),
            decimals={"mean_kept": 3, "mean_excluded": 3, "smd": PUBLICATION_DECIMALS["smd"]},
            dimensions=("variable", "level"),
        ),
    }


def trim(
    data: pd.DataFrame,
    ps: PropensityResult,
    *,
    bounds: tuple[float, float] | None = None,
    describe: Sequence[str] = (),
    threshold: int = DEFAULT_THRESHOLD,
) -> TrimResult:
    """Keep people whose propensity score lies in a range (default: the common support).

    Parameters
    ----------
    data : pandas.DataFrame
        The data the propensity model was fitted on.
    ps : PropensityResult
        Fitted propensity model.
    bounds : (float, float), optional
        Scores to keep, e.g. ``(0.1, 0.9)`` (Crump et al. 2009); default: the common
        support of the two groups.
    describe : sequence of str, default=()
        Columns on which to compare the excluded with the kept people.
    threshold : int, default=10
        Small-cell threshold (5 at the least): the profile of fewer excluded people is
        not shown.

    Returns
    -------
    TrimResult
        Refit the propensity model on ``result.data`` before estimating effects: the
        estimates then hold for the people kept, not for the excluded.

    Raises
    ------
    ValueError
        If ``bounds`` (or the common support, when the groups do not overlap) is not
        ``0 <= low < high <= 1``; ``threshold`` is not an integer of at least 5; a
        ``describe`` column is missing; ``data`` is empty or has another number of
        rows than the model was fitted on.
    TypeError
        If ``data`` is not a DataFrame.

    Warns
    -----
    DisclosureWarning
        If ``threshold`` is below 10.

    Notes
    -----
    Trimming changes the target population; it is the honest response to a lack of
    overlap (nobody comparable in the other group), not a statistical nuisance.
    Crump et al. (2009) show that keeping scores within [0.1, 0.9] is close to optimal
    for the variance of the ATE in many settings.

    References
    ----------
    Crump, R. K., Hotz, V. J., Imbens, G. W. & Mitnik, O. A. (2009). Dealing with
    limited overlap in estimation of average treatment effects. *Biometrika*, 96,
    187-199.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=500) * 2})
    >>> df["g"] = np.where(rng.random(500) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> kept = trim(df, propensity_score(df, "g ~ x", treated="a"), bounds=(0.1, 0.9))
    >>> bool(kept.table["n_excluded"].sum() == 500 - len(kept.data))
    True
    """
    check_data(data)
    check_columns(data, list(describe))
    _check_same_rows(data, ps)
    threshold = check_threshold(threshold)
    low, high = check_probability_range(ps.support if bounds is None else bounds)
    keep = (ps.scores >= low) & (ps.scores <= high)
    excluded = None
    if describe and (~keep).any() and keep.any():
        excluded = _excluded_profile(data, describe, keep, threshold)
    return TrimResult(
        table=_trim_counts(ps, keep),
        excluded=excluded,
        data=data.loc[keep].reset_index(drop=True),
        bounds=(float(low), float(high)),
    )


def _trim_counts(ps: PropensityResult, keep: np.ndarray) -> pd.DataFrame:
    """People before, excluded and after trimming, by group."""
    return pd.DataFrame(
        [
            {
                "group": label,
                "n_before": int(member.sum()),
                "n_excluded": int((member & ~keep).sum()),
                "n_after": int((member & keep).sum()),
            }
            for label, member in ((ps.treated_label, ps.treated), ("comparison", ~ps.treated))
        ]
    )


def _excluded_profile(
    data: pd.DataFrame, describe: Sequence[str], keep: np.ndarray, threshold: int
) -> pd.DataFrame:
    """Means of the excluded and the kept, and their SMD, with small cells blanked."""
    smd = standardized_mean_difference(
        data[list(describe)].assign(_kept=keep), list(describe), "_kept", reference=True
    ).table
    excluded = pd.DataFrame(
        {
            "variable": smd["variable"],
            "level": smd["level"],
            "n_kept": level_counts(smd["kind"], smd["mean_reference"], smd["n_reference"]),
            "n_excluded": level_counts(smd["kind"], smd["mean_other"], smd["n_other"]),
            "mean_kept": smd["mean_reference"],
            "mean_excluded": smd["mean_other"],
            "smd": smd["smd"],
        }
    )
    # Small cells: a proportion of few people (or of all but few) reveals a count.
    n_out, n_in = int((~keep).sum()), int(keep.sum())
    binary = (smd["kind"] == "binary").to_numpy()
    counts_out = np.where(binary, smd["mean_other"] * n_out, threshold)
    counts_in = np.where(binary, smd["mean_reference"] * n_in, threshold)
    small_out = ((counts_out > 0.5) & (counts_out < threshold - 0.5)) | (
        (n_out - counts_out > 0.5) & (n_out - counts_out < threshold - 0.5) & binary
    )
    small_in = (counts_in > 0.5) & (counts_in < threshold - 0.5)
    if n_out < threshold:
        small_out[:] = True
    excluded.loc[small_out, ["mean_excluded", "smd"]] = np.nan
    excluded.loc[small_in, ["mean_kept", "smd"]] = np.nan
    return excluded
