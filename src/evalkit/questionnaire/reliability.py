"""Reliability of a scale: Cronbach's alpha (Feldt interval), McDonald's omega, item analysis.

Validation (tests/questionnaire/test_reliability.py): alpha agrees with pingouin
``cronbach_alpha`` to 1e-15 on pingouin's ``cronbach_alpha`` and ``cronbach_wide_missing``
sets and psych::bfi's five scales, listwise and pairwise; the Feldt interval to
pingouin's 3-decimal rounding (on complete rows: pingouin's listwise interval uses the
row count before deletion, its pairwise one the row count too).
Omega agrees with statsmodels ML ``Factor`` to 1e-7; its bootstrap interval covers
0.92-0.975 in simulation (tests/questionnaire/test_simulation.py).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from evalkit._plotting import axes
from evalkit._results import TableResult
from evalkit._stats.intervals import percentile_interval
from evalkit._stats.mestimation import weighted_gram
from evalkit._stats.resample import bootstrap_replicates
from evalkit._validation import (
    check_columns,
    check_conf_level,
    check_data,
    check_integer,
    check_numeric,
    check_observed,
    check_one_of,
    check_rng,
)
from evalkit._warning_texts import warning_text
from evalkit.errors import EvalkitWarning
from evalkit.questionnaire.scales import Scale
from evalkit.reporting.catalogue import text
from evalkit.reporting.disclosure import DEFAULT_THRESHOLD, PublicationSpec, publish

_INTERVAL = ("estimate", "ci_low", "ci_high")
#: A reliability coefficient as published: blank when fewer than the threshold people
#: answered every item, rounded.
_COEFFICIENT = PublicationSpec(counts=("n",), derived=_INTERVAL,
                               decimals=dict.fromkeys(_INTERVAL, 3))
_ITEM_STATISTICS = ("mean", "sd", "item_total_r", "alpha_if_deleted")

__all__ = [
    "AlphaResult",
    "ItemAnalysisResult",
    "OmegaResult",
    "cronbach_alpha",
    "item_analysis",
    "mcdonald_omega",
]


def _item_frame(
    data: pd.DataFrame, items: Sequence[str] | Scale, *, complete: bool = True
) -> pd.DataFrame:
    """Keyed item columns as float, complete rows only (listwise deletion); with
    ``complete=False`` every row, missing answers as NaN."""
    check_data(data)
    if isinstance(items, Scale):
        x = items.keyed(data)
    else:
        if isinstance(items, str) or len(items) < 2:
            raise ValueError(
                f"items must be a list of at least 2 item columns (or a Scale), but was {items!r}."
            )
        items = list(items)
        check_columns(data, items)
        check_numeric(
            data, items, boolean=True, what="item", fix="convert the answers to numbers."
        )
        check_observed(data, items, what="item", fix="nobody answered them; check the "
                       "column mapping, or leave them out of the items.")
        x = data[items].astype("float64")
    if not complete:
        return x
    x = x.dropna(axis=0, how="any")
    if len(x) < 3:
        raise ValueError(
            f"need at least 3 rows with every item answered, but got {len(x)}; "
            "reliability needs more complete questionnaires."
        )
    return x


# --------------------------------------------------------------------------------------
# Cronbach's alpha
# --------------------------------------------------------------------------------------


def _alpha(x: np.ndarray) -> float:
    """Cronbach's alpha of the columns of ``x`` (complete rows)."""
    k = x.shape[1]
    cov = np.cov(x, rowvar=False, ddof=1)
    return float(k / (k - 1) * (1.0 - np.trace(cov) / cov.sum()))


@dataclass(frozen=True)
class AlphaResult(TableResult):
    """Cronbach's alpha with its Feldt confidence interval.

    Attributes
    ----------
    table : pandas.DataFrame
        One row: ``estimate``, ``ci_low``, ``ci_high``, ``n`` (the people behind the
        Feldt interval: the complete rows, or with ``missing="pairwise"`` the fewest
        people who answered a pair of items), ``n_items``.
    estimate : float
        Alpha.
    conf_level : float
        Confidence level of the interval.
    missing : str
        ``"listwise"`` or ``"pairwise"``.
    """

    table: pd.DataFrame
    estimate: float
    conf_level: float
    missing: str = "listwise"

    publication: ClassVar[dict[str, PublicationSpec]] = {"table": _COEFFICIENT}


def cronbach_alpha(
    data: pd.DataFrame,
    items: Sequence[str] | Scale,
    *,
    missing: str = "listwise",
    conf_level: float = 0.95,
) -> AlphaResult:
    """Cronbach's alpha of a set of items, with the Feldt confidence interval.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per questionnaire.
    items : sequence of str or Scale
        Item columns, already keyed in the same direction; or a :class:`Scale`, whose
        reverse-keyed items are keyed first.
    missing : {"listwise", "pairwise"}, default="listwise"
        Missing answers: keep the rows with every item answered (listwise), or
        compute each item variance and covariance from the people who answered it
        or the pair (pairwise deletion: psych's default ``alpha(use="pairwise")``,
        pingouin's ``nan_policy="pairwise"``).
    conf_level : float, default=0.95
        Confidence level.

    Returns
    -------
    AlphaResult

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If ``conf_level`` is not in (0, 1), ``missing`` is neither ``"listwise"`` nor
        ``"pairwise"``, ``items`` names fewer than 2 columns, a column is missing, not
        numeric or missing in every row, an answer is out of a Scale's range, or
        fewer than 3 rows have every item answered (listwise) or fewer than 3 people
        answered some pair of items (pairwise).

    Notes
    -----
    On the rows with every item answered (listwise deletion, R ``psych::alpha(use=
    "complete.obs")``), :math:`\\alpha = \\frac{k}{k-1}(1 - \\sum_i s_i^2 / s_X^2)` with
    item variances :math:`s_i^2` and total-score variance :math:`s_X^2`. The Feldt
    (1965) interval uses :math:`(1-\\hat\\alpha)/(1-\\alpha) \\sim F(n-1, (n-1)(k-1))`:
    :math:`[1 - (1-\\hat\\alpha) F_{1-\\gamma/2},\\ 1 - (1-\\hat\\alpha) F_{\\gamma/2}]`.
    Alpha is a lower bound of reliability unless the items are tau-equivalent; see
    :func:`mcdonald_omega` for congeneric items.

    With ``missing="pairwise"`` the same formula runs on the pairwise-complete
    covariance matrix (each entry from the people who answered both items; it equals
    psych's and pingouin's alpha). The Feldt interval then uses ``n`` = the smallest
    number of people who answered a pair of items: every covariance in alpha rests
    on at least that many, and with complete data it is the number of rows. psych
    and pingouin use the number of rows of the data instead, which counts people who
    answered one item or none and makes the interval too narrow. The pairwise
    interval lies between the listwise one (complete rows) and theirs.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika*, 16(3), 297-334. Feldt, L. S. (1965). The approximate sampling
    distribution of Kuder-Richardson reliability coefficient twenty. *Psychometrika*,
    30(3), 357-370. Agrees with ``pingouin.cronbach_alpha`` to 1e-15 (estimate) and
    to its 3-decimal rounding (interval) on complete data (pingouin's shipped
    ``cronbach_alpha`` set, psych::bfi's five scales). With missing answers, pingouin's
    ``nan_policy="listwise"`` computes alpha on the complete rows but its interval with
    the number of rows *before* deletion (too narrow); here :math:`n` is the number of
    complete rows, as in pingouin applied to ``data.dropna()``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    >>> round(cronbach_alpha(df, ["a", "b", "c"]).estimate, 4)
    0.9538
    """
    conf_level = check_conf_level(conf_level)
    check_one_of(missing, ["listwise", "pairwise"], name="missing")
    if missing == "listwise":
        x = _item_frame(data, items).to_numpy()
        n, k = x.shape
        alpha = _alpha(x)
    else:
        alpha, n, k = _pairwise_alpha(_item_frame(data, items, complete=False))
    low, high = _feldt_interval(alpha, n, k, conf_level)
    table = pd.DataFrame(
        {"estimate": [alpha], "ci_low": [low], "ci_high": [high], "n": [n], "n_items": [k]}
    )
    return AlphaResult(table=table, estimate=alpha, conf_level=conf_level, missing=missing)


def _pairwise_alpha(x: pd.DataFrame) -> tuple[float, int, int]:
    """Alpha of the pairwise-complete covariance, the fewest people behind a pair of
    items, and the number of items."""
    answered = x.notna().to_numpy(dtype=np.int64)
    together = answered.T @ answered
    k = x.shape[1]
    off = ~np.eye(k, dtype=bool)
    n = int(together[off].min())
    if n < 3:
        i, j = np.unravel_index(np.argmin(np.where(off, together, np.iinfo(np.int64).max)),
                                together.shape)
        raise ValueError(
            f"need at least 3 people answering each pair of items, but {x.columns[i]!r} and "
            f"{x.columns[j]!r} were answered together by {n}; leave one of them out, or "
            "collect more questionnaires."
        )
    cov = x.cov().to_numpy()
    alpha = float(k / (k - 1) * (1.0 - np.trace(cov) / cov.sum()))
    return alpha, n, k


def _feldt_interval(alpha: float, n: int, k: int, conf_level: float) -> tuple[float, float]:
    """Feldt's interval of alpha: :math:`(1-\\hat\\alpha)/(1-\\alpha) \\sim F(n-1, (n-1)(k-1))`."""
    g = 1.0 - conf_level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1.0 - (1.0 - alpha) * stats.f.isf(g / 2, df1, df2)
    high = 1.0 - (1.0 - alpha) * stats.f.ppf(g / 2, df1, df2)
    return low, high


# --------------------------------------------------------------------------------------
# McDonald's omega
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OmegaResult(TableResult):
    """McDonald's omega (total) from a one-factor maximum-likelihood fit.

    Attributes
    ----------
    table : pandas.DataFrame
        One row: ``estimate``, ``ci_low``, ``ci_high`` (percentile bootstrap), ``n``,
        ``n_items``, ``standardized``, ``n_boot``.
    loadings : pandas.DataFrame
        One row per item: ``item``, ``loading``, ``uniqueness``.
    estimate : float
        Omega.
    conf_level : float
        Confidence level of the interval.
    """

    table: pd.DataFrame
    loadings: pd.DataFrame
    estimate: float
    conf_level: float

    publication: ClassVar[dict[str, PublicationSpec]] = {"table": _COEFFICIENT}


def _one_factor_ml(
    s: np.ndarray, psi: np.ndarray | None = None, *, tol: float = 1e-13, max_iter: int = 100_000
) -> tuple[np.ndarray, np.ndarray]:
    """Loadings and uniquenesses of a one-factor model fitted by ML to a covariance matrix.

    The fixed-point iteration of Jöreskog (1967), as in scikit-learn's
    ``FactorAnalysis``: given the uniquenesses, the loadings come from the leading
    eigenvector of :math:`\\Psi^{-1/2} S \\Psi^{-1/2}`; then
    :math:`\\psi_i = s_{ii} - \\lambda_i^2` (floored). Stops when the log-likelihood
    gains less than ``tol`` (relative). ``psi`` starts it (a bootstrap replicate
    starts from the full-data solution).
    """
    diag = np.diag(s)
    psi = diag / 2 if psi is None else psi
    previous = -np.inf
    for _ in range(max_iter):
        root = np.sqrt(psi)
        values, vectors = np.linalg.eigh(s / np.outer(root, root))
        lam = root * vectors[:, -1] * np.sqrt(max(values[-1] - 1.0, 0.0))
        psi = np.maximum(diag - lam**2, 1e-12)
        sigma = np.outer(lam, lam) + np.diag(psi)
        loglik = -(np.linalg.slogdet(sigma)[1] + np.trace(np.linalg.solve(sigma, s)))
        if loglik - previous <= tol * abs(loglik):
            break
        previous = loglik
    return (-lam if lam.sum() < 0 else lam), psi


def _covariance(x: np.ndarray, counts: np.ndarray | None, standardized: bool) -> np.ndarray:
    """ML covariance (or correlation) matrix of the rows, each repeated ``counts`` times.

    From the second moments about the origin, in one blocked pass: ``x`` should be
    centred (e.g. at the full-data mean) so that nothing cancels.
    """
    if counts is None:
        total, mean, s = len(x), x.mean(axis=0), x.T @ x
    else:
        total, mean, s = counts.sum(), counts @ x / counts.sum(), weighted_gram(x, counts)
    s = s / total - np.outer(mean, mean)
    if standardized:
        sd = np.sqrt(np.diag(s))
        s = s / np.outer(sd, sd)
    return s


def _omega(lam: np.ndarray, psi: np.ndarray) -> float:
    """Omega total of a one-factor model: common share of the sum score's variance."""
    return float(lam.sum() ** 2 / (lam.sum() ** 2 + psi.sum()))


def mcdonald_omega(
    data: pd.DataFrame,
    items: Sequence[str] | Scale,
    *,
    standardized: bool = False,
    conf_level: float = 0.95,
    n_boot: int = 1000,
    rng: int | np.random.Generator | None = 0,
) -> OmegaResult:
    """McDonald's omega total from a one-factor maximum-likelihood factor analysis.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per questionnaire.
    items : sequence of str or Scale
        Item columns (already keyed), or a :class:`Scale` (keyed first).
    standardized : bool, default=False
        Fit the factor model to the correlation matrix (omega of the sum of
        standardized items) instead of the covariance matrix (omega of the raw sum score).
    conf_level : float, default=0.95
        Confidence level of the interval.
    n_boot : int, default=1000
        Bootstrap replicates (resampled respondents, model refitted) for the interval.
    rng : int or numpy.random.Generator, default=0
        Seed or generator of the bootstrap: the same seed gives the same interval.

    Returns
    -------
    OmegaResult

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame or ``rng`` neither a seed nor a Generator.
    ValueError
        If ``conf_level`` is not in (0, 1), ``n_boot`` is not an integer of at least 2,
        ``items`` names fewer than 2 columns, a column is missing, not numeric or
        missing in every row, an answer is out of a Scale's range, fewer than 3 rows
        have every item answered, or the factor model cannot be fitted in a bootstrap replicate.

    Notes
    -----
    A one-factor model :math:`x_i = \\mu_i + \\lambda_i F + e_i`, ``Var(e_i) = psi_i``,
    is fitted by maximum likelihood to the ML covariance (or correlation) matrix of the
    complete rows; then
    :math:`\\omega = (\\sum \\lambda_i)^2 / ((\\sum \\lambda_i)^2 + \\sum \\psi_i)`, the
    share of the model-implied variance of the sum score due to the common factor
    (McDonald 1999). It equals alpha for tau-equivalent items and exceeds it for
    congeneric ones. The interval is the percentile bootstrap over respondents,
    recommended for omega by Kelley & Pornprasertmanit (2016); each replicate refits
    the model on the replicate's covariance matrix (k x k), so 1,000 replicates take
    about a second.

    References
    ----------
    McDonald, R. P. (1999). *Test theory: A unified treatment*. Erlbaum. Kelley, K. &
    Pornprasertmanit, S. (2016). Confidence intervals for population reliability
    coefficients: evaluation of methods, recommendations, and software for composite
    measures. *Psychological Methods*, 21(1), 69-92. Agrees with statsmodels
    ``Factor(method="ml")`` on the correlation matrix to 1e-7 (omega; 1e-6 for the
    loadings) on psych::bfi's five scales, standardized and raw (ML is
    scale-equivariant: raw loadings are the standardized ones times the item SDs).
    R's ``psych::omega`` fits by minimum residuals by default, so it differs slightly.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=500)
    >>> df = pd.DataFrame({f"i{j}": f + rng.normal(size=500) for j in range(4)})
    >>> r = mcdonald_omega(df, list(df.columns))
    >>> round(r.estimate, 1), bool(r.table.ci_low[0] < r.estimate < r.table.ci_high[0])
    (0.8, True)
    """
    conf_level = check_conf_level(conf_level)
    n_boot = check_integer(n_boot, name="n_boot", minimum=2, fix="e.g. 1000.")
    gen = check_rng(rng)
    frame = _item_frame(data, items)
    x = frame.to_numpy(dtype=float)
    x = x - x.mean(axis=0)
    lam, psi = _one_factor_ml(_covariance(x, None, standardized))
    omega = _omega(lam, psi)
    draws = _omega_draws(frame, x, psi, standardized, n_boot, gen)
    low, high = percentile_interval(draws, conf_level)
    loadings = pd.DataFrame({"item": list(frame.columns), "loading": lam, "uniqueness": psi})
    table = pd.DataFrame(
        {
            "estimate": [omega],
            "ci_low": [low],
            "ci_high": [high],
            "n": [len(x)],
            "n_items": [x.shape[1]],
            "standardized": [standardized],
            "n_boot": [n_boot],
        }
    )
    return OmegaResult(table=table, loadings=loadings, estimate=omega, conf_level=conf_level)


def _omega_draws(
    frame: pd.DataFrame,
    x: np.ndarray,
    psi: np.ndarray,
    standardized: bool,
    n_boot: int,
    gen: np.random.Generator,
) -> np.ndarray:
    """Bootstrap replicates of omega: respondents resampled, the model refitted from ``psi``.

    Respondents with the same answers form one pattern (few, on a Likert scale): a
    replicate draws n rows as usual, but its covariance is a pass over the patterns
    weighted by how often each was drawn, not over the rows.
    """
    pattern = frame.groupby(list(frame.columns), sort=False).ngroup().to_numpy()
    patterns = np.empty((pattern.max() + 1, x.shape[1]), order="F")
    patterns[pattern] = x
    statistic = partial(
        _replicate_omega, pattern=pattern, patterns=patterns, psi=psi, standardized=standardized
    )
    draws = bootstrap_replicates(
        statistic, np.arange(len(x)), len(x), n_boot=n_boot, size=1, rng=gen
    )[:, 0]
    failed = int(np.isnan(draws).sum())
    if failed:
        raise ValueError(
            f"the factor model could not be fitted in {failed} of {n_boot} bootstrap "
            "replicates, so omega's interval is undefined; drop items that (nearly) everyone "
            "answers alike, or use more questionnaires."
        )
    return draws


def _replicate_omega(
    counts: np.ndarray,
    *,
    pattern: np.ndarray,
    patterns: np.ndarray,
    psi: np.ndarray,
    standardized: bool,
) -> list[float]:
    """Omega of one replicate: the model refitted to the patterns, weighted by the draws."""
    weights = np.bincount(pattern, weights=counts, minlength=len(patterns))
    return [_omega(*_one_factor_ml(_covariance(patterns, weights, standardized), psi))]


# --------------------------------------------------------------------------------------
# Item analysis
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemAnalysisResult(TableResult):
    """Item statistics: mean, SD, corrected item-total correlation, alpha if deleted.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per item: ``item``, ``n``, ``mean``, ``sd``, ``item_total_r``
        (corrected: the item against the sum of the other items) and
        ``alpha_if_deleted``.
    alpha : float
        Alpha of all items on the same rows.
    """

    table: pd.DataFrame
    alpha: float

    #: Item statistics as published: blank for an item fewer than the threshold people
    #: answered, rounded.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n",),
            derived=_ITEM_STATISTICS,
            decimals={"mean": 2, "sd": 2, "item_total_r": 3, "alpha_if_deleted": 3},
            dimensions=("item",),
        ),
    }

    def plot(self, ax=None, *, threshold: int = DEFAULT_THRESHOLD, language: str = "en"):
        """Corrected item-total correlation per item; return the Axes.

        Items that fewer than ``threshold`` people answered have no bar. The axis label
        is in ``language`` (the report catalogue's). Raises ``ValueError`` if
        ``threshold`` is below 5 or ``language`` is unknown; warns
        (``DisclosureWarning``) below 10.
        """
        shown = publish(self, "table", threshold=threshold).table["n"].notna()
        ax = axes(ax, (5, 0.3 * len(self.table) + 1))
        y = np.arange(len(self.table))
        ax.barh(y, self.table["item_total_r"].where(shown), color="C0")
        ax.axvline(0, color="grey", linewidth=1)
        ax.set_yticks(y, self.table["item"])
        ax.invert_yaxis()
        ax.set_xlabel(text("figure.item_total", language))
        return ax


def item_analysis(data: pd.DataFrame, items: Sequence[str] | Scale) -> ItemAnalysisResult:
    """Corrected item-total correlations and alpha-if-item-deleted.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per questionnaire.
    items : sequence of str or Scale
        Item columns (already keyed), or a :class:`Scale` (keyed first).

    Returns
    -------
    ItemAnalysisResult

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If ``items`` names fewer than 2 columns, a column is missing, not numeric or
        missing in every row, an answer is out of a Scale's range, or fewer than 3 rows
        have every item answered.

    Warns
    -----
    EvalkitWarning
        When an item's corrected item-total correlation is negative: the item is
        probably reverse-keyed and not keyed (or mis-keyed in the scale definition).

    Notes
    -----
    On complete rows, the corrected item-total correlation is Pearson's r between the
    item and the sum of the *other* items (R ``psych::alpha``'s ``r.drop``);
    alpha-if-deleted is :func:`cronbach_alpha` of the remaining items.

    References
    ----------
    Nunnally, J. C., & Bernstein, I. H. (1994). *Psychometric theory* (3rd ed.).
    McGraw-Hill. Agrees with ``pingouin.cronbach_alpha`` on the reduced item sets.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    >>> item_analysis(df, ["a", "b", "c"]).table["item"].tolist()
    ['a', 'b', 'c']
    """
    frame = _item_frame(data, items)
    x = frame.to_numpy()
    total = x.sum(axis=1)
    table = pd.DataFrame([_item_row(x, total, j, item) for j, item in enumerate(frame.columns)])
    _warn_negative_item_total(table)
    return ItemAnalysisResult(table=table, alpha=_alpha(x))


def _item_row(x: np.ndarray, total: np.ndarray, j: int, item: str) -> dict:
    """Item ``j``'s statistics: mean, SD, corrected item-total r, alpha if deleted."""
    rest = total - x[:, j]
    others = np.delete(x, j, axis=1)
    return {
        "item": item,
        "n": x.shape[0],
        "mean": float(x[:, j].mean()),
        "sd": float(x[:, j].std(ddof=1)),
        "item_total_r": float(np.corrcoef(x[:, j], rest)[0, 1]),
        "alpha_if_deleted": _alpha(others) if others.shape[1] >= 2 else np.nan,
    }


def _warn_negative_item_total(table: pd.DataFrame) -> None:
    """Warn about items running against the others (probably reverse-keyed, not keyed)."""
    negative = table.loc[table["item_total_r"] < 0, "item"].tolist()
    if negative:
        warnings.warn(
            warning_text("warning.reliability.reversed", items=negative),
            EvalkitWarning,
            stacklevel=3,
        )
