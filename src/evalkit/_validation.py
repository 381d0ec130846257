"""Argument checks shared by the analysis modules.

Every check raises with a message that names what was wrong, what is allowed,
what was got, and how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "absent_optional_hint",
    "check_binary_outcome",
    "check_cluster",
    "check_columns",
    "check_conf_level",
    "check_data",
    "check_date",
    "check_finite_number",
    "check_fold_group",
    "check_horizons",
    "check_integer",
    "check_keys",
    "check_name_list",
    "check_name_map",
    "check_numbers",
    "check_numeric",
    "check_observed",
    "check_one_of",
    "check_optional_text",
    "check_positive",
    "check_probability_range",
    "check_rng",
    "check_scores",
    "check_secret_key",
    "check_subset",
    "check_truncate",
    "check_two_groups",
    "check_unit_interval",
    "check_weights",
    "flagged_rows",
]


def check_data(data: object, *, name: str = "data") -> pd.DataFrame:
    """Return ``data`` if it is a non-empty DataFrame, else raise ``TypeError``/``ValueError``."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, but got {type(data).__name__}.")
    if data.empty:
        raise ValueError(f"{name} is empty (0 rows); pass a DataFrame with at least one row.")
    return data


def check_columns(data: pd.DataFrame, columns: Iterable[str | None], *, name: str = "data") -> None:
    """Raise ``ValueError`` naming the entries of ``columns`` missing from ``data``."""
    wanted = [c for c in columns if c is not None]
    missing = [c for c in wanted if c not in data.columns]
    if missing:
        raise ValueError(
            f"{name} has no column(s) {missing}; available columns are {list(data.columns)}. "
            "Pass the name of an existing column." + absent_optional_hint(missing)
        )


def absent_optional_hint(missing: Iterable[str]) -> str:
    """The fix for columns an analysis wants that a participants file may lack (the
    optional columns, :data:`evalkit.data.schema.OPTIONAL_COLUMNS`): ``""`` when none
    of ``missing`` is one.

    Examples
    --------
    >>> absent_optional_hint(["mentor_id", "score"])[:60]
    " ['mentor_id'] are optional participants' columns, which the"
    """
    from evalkit.data.schema import OPTIONAL_COLUMNS

    optional = [c for c in missing if c in OPTIONAL_COLUMNS]
    if not optional:
        return ""
    cluster = " (cluster=None without mentor_id)" if "mentor_id" in optional else ""
    return (
        f" {optional} are optional participants' columns, which the participants file "
        "did not have: add them to the file (or map the file's names under model: "
        f"columns: {{name in the file: {optional[0]}}} in the study file), or leave them "
        f"out of this call{cluster}; evalkit.data.availability.available_parts says which "
        "report parts and steps run without them."
    )


def check_binary_outcome(data: pd.DataFrame, outcome: str) -> None:
    """Raise ``ValueError`` unless column ``outcome`` is boolean or 0/1 without missing values.

    The message shows a few values only of a numeric column (a text column may hold
    identifiers or free text, which are never echoed).
    """
    check_columns(data, [outcome])
    values = data[outcome]
    dtype = values.dtype
    boolean = pd.api.types.is_bool_dtype(dtype)
    numeric = pd.api.types.is_numeric_dtype(dtype) and not boolean
    missing = int(values.isna().sum())
    if missing:
        got = f"has missing values in {missing} rows"
    elif boolean or (numeric and values.isin([0, 1]).all()):
        return
    elif numeric:
        got = f"has values {sorted(map(str, values.unique()[:5]))}"
    else:
        got = f"has dtype {dtype} with {values.nunique()} distinct values"
    raise ValueError(
        f"outcome {outcome!r} must be 0/1 or boolean without missing values, but {got}; build "
        "it with evalkit.data.outcomes.job_within (which sets aside people with too short "
        "follow-up) or as (data[col] == value).astype(int)."
    )


def check_cluster(data: pd.DataFrame, cluster: str | None) -> None:
    """Raise ``ValueError`` unless ``cluster`` is ``None`` or a column without missing values.

    Cluster columns (mentors, sites) group people for cluster-robust variances and
    cluster bootstraps; a person without a cluster has no place in either, and one
    cluster alone gives a variance of about 0 (its scores sum to 0), so at least 2
    distinct clusters are required.
    """
    if cluster is None:
        return
    _check_complete(
        data,
        cluster,
        role="cluster",
        fix="every person needs a cluster (give people without a mentor their own id, or "
        "drop them).",
    )
    if data[cluster].nunique() < 2:
        raise ValueError(
            f"cluster column {cluster!r} has a single value: a cluster-robust variance (or "
            "a cluster bootstrap) needs at least 2 clusters, and 20 or more to be reliable; "
            "pass cluster=None, or cluster by a finer unit (e.g. mentor_id)."
        )


def _check_complete(data: pd.DataFrame, column: str, *, role: str, fix: str) -> None:
    """Raise ``ValueError`` unless ``column`` (a ``role`` column) exists without missing values."""
    check_columns(data, [column])
    missing = int(data[column].isna().sum())
    if missing:
        raise ValueError(f"{role} column {column!r} has missing values in {missing} rows; {fix}")


def check_complete(data: pd.DataFrame, columns: Iterable[str], *, role: str, fix: str) -> None:
    """Raise ``ValueError`` naming the first of ``columns`` (``role`` columns) that is absent
    or has missing values, and in how many rows (never the values)."""
    for column in columns:
        _check_complete(data, column, role=role, fix=fix)


def check_conf_level(conf_level: float) -> float:
    """Return ``conf_level`` if it lies in (0, 1), else raise ``ValueError``."""
    if not isinstance(conf_level, (int, float)) or not 0.0 < float(conf_level) < 1.0:
        raise ValueError(
            f"conf_level must be a float in the range (0.0, 1.0), but was {conf_level!r}; "
            "for a 95% interval pass conf_level=0.95."
        )
    return float(conf_level)


def check_date(value: object, *, name: str) -> pd.Timestamp:
    """Return a day (``str`` ``YYYY-MM-DD``, ``datetime.date`` or ``Timestamp``) as a
    midnight ``Timestamp`` without time zone, else raise ``ValueError``."""
    import datetime

    ok = isinstance(value, datetime.date) and not pd.isna(value)
    if isinstance(value, str):
        try:
            value, ok = pd.Timestamp(datetime.date.fromisoformat(value)), True
        except ValueError:
            ok = False
    if not ok or getattr(value, "tzinfo", None) is not None:
        raise ValueError(
            f"{name} must be a date such as '2025-06-30' (a YYYY-MM-DD string, datetime.date "
            f"or a Timestamp without time zone), but was {value!r}."
        )
    return pd.Timestamp(value).normalize()


def check_finite_number(value: object, *, name: str, fix: str = "") -> float:
    """Return ``value`` as ``float`` if it is a finite real number, else raise ``ValueError``.

    The message reads "<name> must be a finite number, but was <value>", then ``fix``.
    """
    ok = isinstance(value, (int, float, np.integer, np.floating)) and np.isfinite(value)
    if not ok:
        raise ValueError(
            f"{name} must be a finite number, but was {value!r}" + (f"; {fix}" if fix else ".")
        )
    return float(value)


def check_fold_group(data: pd.DataFrame, fold_group: str, *, n_splits: int) -> None:
    """Raise ``ValueError`` unless ``fold_group`` is a complete column with ``n_splits`` values.

    A fold group (mentor, cohort, site) is the unit that grouped cross-validation keeps
    whole: all of its people are in the training folds or all in the test fold.
    """
    _check_complete(
        data,
        fold_group,
        role="fold_group",
        fix="every person needs a group (give people without one their own id, or drop them).",
    )
    n_groups = data[fold_group].nunique()
    if n_groups < n_splits:
        raise ValueError(
            f"fold_group column {fold_group!r} has {n_groups} distinct values but "
            f"n_splits={n_splits}; use at most as many folds as groups, or a finer grouping "
            "(e.g. mentor_id)."
        )


def check_horizons(horizons: float | Iterable[float]) -> list[float]:
    """Return ``horizons`` (a number or a sequence) as a list of positive finite floats.

    Otherwise raise ``ValueError`` ("horizons must be positive numbers (in the time
    unit), but got ...").
    """
    values = [horizons] if np.isscalar(horizons) else list(horizons)
    if not values or any(not np.isfinite(h) or h <= 0 for h in values):
        raise ValueError(
            f"horizons must be positive numbers (in the time unit), but got {horizons!r}; "
            "e.g. horizons=[3, 6, 12] for months."
        )
    return [float(h) for h in values]


def check_integer(
    value: object,
    *,
    name: str,
    minimum: int | None = None,
    maximum: int | None = None,
    fix: str = "",
) -> int:
    """Return ``value`` as ``int`` if it is an integer (not a bool) in [minimum, maximum].

    Otherwise raise ``ValueError``: "<name> must be an integer from <minimum> to
    <maximum> (or: of at least <minimum>), but was <value>", then ``fix``.
    """
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    ok = ok and (minimum is None or value >= minimum) and (maximum is None or value <= maximum)
    if not ok:
        if minimum is not None and maximum is not None:
            allowed = f" from {minimum} to {maximum}"
        elif minimum is not None:
            allowed = f" of at least {minimum}"
        elif maximum is not None:
            allowed = f" of at most {maximum}"
        else:
            allowed = ""
        raise ValueError(
            f"{name} must be an integer{allowed}, but was {value!r}" + (f"; {fix}" if fix else ".")
        )
    return int(value)


def check_name_list(
    value: object, *, key: str, allow_empty: bool = False, fix: str = ""
) -> tuple[str, ...]:
    """A configuration's list of distinct non-empty names (strings), as a tuple.

    Messages start with the configuration ``key`` (``"programmes: must be a non-empty
    list of names, but was 'DUO'"``), the way a study file's keys are named.
    """
    what = "a list of names" if allow_empty else "a non-empty list of names"
    if (
        isinstance(value, str | bytes)
        or not isinstance(value, Sequence)
        or not (value or allow_empty)
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        raise ValueError(f"{key}: must be {what}, but was {value!r}. {fix}".rstrip())
    twice = sorted({v for v in value if list(value).count(v) > 1})
    if twice:
        raise ValueError(f"{key}: names must be distinct, but {twice} appear more than once.")
    return tuple(value)


def check_name_map(value: object, *, key: str, what: str) -> dict[str, str]:
    """A configuration's mapping of non-empty names to non-empty names, as a dict.

    ``what`` says what it maps (``"each exit type to its exit group"``); messages start
    with the configuration ``key``.
    """
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
        for k, v in value.items()
    ):
        raise ValueError(f"{key}: must map {what} (names to names), but was {value!r}.")
    return dict(value)


def check_keys(
    value: object, allowed: Sequence[str], *, what: str, required: Sequence[str] = ()
) -> Mapping:
    """A configuration mapping whose keys are among ``allowed``, with every ``required``.

    ``what`` names the mapping (``"a study file"``). Messages start with the first
    offending key (``"horizon: unknown key; a study file's keys are [...]"``), the way a
    study file's keys are named.
    """
    if not isinstance(value, Mapping):
        raise ValueError(
            f"{what} must be a mapping with keys {list(allowed)}, but was a "
            f"{type(value).__name__}."
        )
    unknown = [str(k) for k in value if k not in allowed]
    if unknown:
        raise ValueError(
            f"{unknown[0]}: unknown key; {what}'s keys are {list(allowed)}. Fix the spelling "
            "or remove it."
        )
    missing = [k for k in required if value.get(k) is None]
    if missing:
        raise ValueError(f"{missing[0]}: missing; {what} must give {list(required)}.")
    return value


def check_optional_text(value: object, *, key: str) -> str | None:
    """A configuration's optional text: a non-empty string (stripped) or None."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key}: must be a non-empty text or null, but was {value!r}.")
    return value.strip()


def check_numbers(
    values: Iterable[float], *, name: str, minimum: float, fix: str = ""
) -> list[float]:
    """Return ``values`` as a non-empty list of floats, each at least ``minimum``.

    Otherwise raise ``ValueError``: "<name> must be numbers of at least <minimum>, but
    were <values>", then ``fix``.
    """
    numbers = [float(v) for v in values]
    if not numbers or min(numbers) < minimum:
        raise ValueError(
            f"{name} must be numbers of at least {minimum}, but were {numbers}"
            + (f"; {fix}" if fix else ".")
        )
    return numbers


def check_numeric(
    data: pd.DataFrame,
    columns: Iterable[str],
    *,
    boolean: bool = False,
    what: str = "column",
    fix: str = "convert it to numbers first.",
) -> None:
    """Raise ``ValueError`` naming the first of ``columns`` that is not numeric.

    Boolean columns count as numeric only with ``boolean=True`` (0/1 items, say).
    """
    for column in columns:
        dtype = data[column].dtype
        numeric = pd.api.types.is_numeric_dtype(dtype)
        if not numeric or (pd.api.types.is_bool_dtype(dtype) and not boolean):
            raise ValueError(f"{what} {column!r} must be numeric, but has dtype {dtype}; {fix}")


def check_observed(
    data: pd.DataFrame, columns: Iterable[str], *, what: str = "column", fix: str = ""
) -> None:
    """Raise ``ValueError`` naming the ``columns`` that are missing in every row.

    A column nobody has a value for carries no information: a model or a score cannot
    use it (imputation has nothing to impute from). ``fix`` ends the message.
    """
    empty = [c for c in columns if not data[c].notna().any()]
    if empty:
        raise ValueError(
            f"{what}(s) {empty} are missing in all {len(data)} rows, so they cannot be used; "
            + (fix or "drop them, or check the merge or the column mapping that should fill "
               "them.")
        )


def check_one_of(value: object, allowed: Sequence[object], *, name: str) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)}, but was {value!r}.")


def check_positive(value: object, *, name: str, zero_allowed: bool = False, fix: str = "") -> float:
    """Return ``value`` as ``float`` if it is a finite number > 0 (>= 0 if ``zero_allowed``).

    Otherwise raise ``ValueError``: "<name> must be a positive number (or: a number
    >= 0), but was <value>", then ``fix``. Booleans, NaN and infinity are refused.
    """
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    ok = ok and bool(np.isfinite(value)) and (value >= 0 if zero_allowed else value > 0)
    if not ok:
        allowed = "a number >= 0" if zero_allowed else "a positive number"
        raise ValueError(
            f"{name} must be {allowed}, but was {value!r}" + (f"; {fix}" if fix else ".")
        )
    return float(value)


def check_probability_range(
    bounds: tuple[float, float], *, name: str = "bounds"
) -> tuple[float, float]:
    """Return ``(low, high)`` if ``0 <= low < high <= 1``, else raise ``ValueError``."""
    low, high = bounds
    if not 0 <= low < high <= 1:
        raise ValueError(
            f"{name} must satisfy 0 <= low < high <= 1, but were {(low, high)}; e.g. "
            f"{name}=(0.1, 0.9)."
        )
    return low, high


def check_rng(rng: int | np.random.Generator | None) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from a seed or a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise TypeError(
        f"rng must be an int seed or a numpy.random.Generator, but got {type(rng).__name__}."
    )


def check_scores(
    y: object, scores: object, clusters: object | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return outcomes ``y`` as booleans and ``scores`` as a 2-D float array (models in rows).

    Raises ``ValueError`` unless ``scores`` has one column per person, both outcomes
    occur, and ``clusters`` (if given) names a cluster for each person, at least two
    in all.
    """
    y = np.asarray(y).astype(bool)
    scores = np.atleast_2d(np.asarray(scores, dtype=float))
    if scores.shape[1] != len(y):
        raise ValueError(
            f"scores must have one column per person ({len(y)}), but has shape {scores.shape}."
        )
    if y.all() or not y.any():
        raise ValueError("the AUC needs both outcomes (0 and 1) among the people scored.")
    if clusters is not None:
        codes = pd.factorize(np.asarray(clusters))[0]
        if len(codes) != len(y) or (codes < 0).any():
            raise ValueError(
                f"clusters must name the cluster of each of the {len(y)} people, but has "
                f"{len(codes)} entries, {int((codes < 0).sum())} of them missing."
            )
        if codes.max() < 1:
            raise ValueError(
                "a clustered AUC variance needs at least 2 clusters, but clusters has 1; pass "
                "clusters=None for independent people."
            )
    return y, scores


def check_secret_key(key: object, *, minimum: int, fix: str) -> bytes:
    """Return ``key`` as bytes if it is bytes (or str, UTF-8 encoded) of ``minimum`` bytes
    or more; else raise ``TypeError``/``ValueError`` naming its length, never the key."""
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes | bytearray):
        raise TypeError(f"key must be bytes, but was a {type(key).__name__}; {fix}")
    if len(key) < minimum:
        raise ValueError(
            f"key must be at least {minimum} bytes, but has {len(key)} (not shown); {fix}"
        )
    return bytes(key)


def check_subset(values: Sequence[object], allowed: Sequence[object], *, name: str) -> None:
    """Raise ``ValueError`` unless ``values`` is a non-empty list (not a str) from ``allowed``."""
    if isinstance(values, str) or not values or not set(values) <= set(allowed):
        raise ValueError(
            f"{name} must be a non-empty list from {list(allowed)}, but was {values!r}."
        )


def check_truncate(truncate: float | None) -> None:
    """Raise ``ValueError`` unless ``truncate`` is ``None`` or a quantile in (0.5, 1).

    Weights above that quantile of all weights are capped at it (e.g. 0.99).
    """
    if truncate is not None and not (isinstance(truncate, float) and 0.5 < truncate < 1):
        raise ValueError(
            f"truncate must be a quantile in (0.5, 1) such as 0.99, or None, but was "
            f"{truncate!r}; weights above that quantile of all weights are capped at it."
        )


def check_unit_interval(value: object, *, name: str, fix: str = "") -> float:
    """Return ``value`` as ``float`` if it is a number (not a bool) strictly between 0 and 1.

    Otherwise raise ``ValueError``: "<name> must be a number in (0, 1), but was
    <value>", then ``fix``.
    """
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not (ok and 0.0 < float(value) < 1.0):
        raise ValueError(
            f"{name} must be a number in (0, 1), but was {value!r}" + (f"; {fix}" if fix else ".")
        )
    return float(value)


def check_two_groups(
    values: pd.Series, reference: object | None, *, column: str
) -> tuple[object, object]:
    """Return ``(reference, other)`` labels of a two-level group column."""
    observed = values.dropna().unique().tolist()
    if isinstance(values.dtype, pd.CategoricalDtype):
        observed = [c for c in values.cat.categories if c in set(observed)]
    else:
        observed = sorted(observed)
    if len(observed) != 2:
        raise ValueError(
            f"group column {column!r} must have exactly 2 distinct values, but has "
            f"{len(observed)}: {observed}. Filter the data to the two groups to compare."
        )
    if reference is None:
        return observed[0], observed[1]
    if reference not in observed:
        raise ValueError(f"reference must be one of {observed}, but was {reference!r}.")
    other = observed[1] if reference == observed[0] else observed[0]
    return reference, other


def check_weights(
    data: pd.DataFrame, weights: str | None, *, group: str | None = None
) -> np.ndarray | None:
    """Return the ``weights`` column as floats, or ``None`` when ``weights`` is ``None``.

    Raise ``ValueError`` when a weight is missing, infinite or negative, naming how many
    rows and the first of them (index labels, never values), and when the weights sum
    to zero (in all, or within a level of the ``group`` column): nobody would then
    count, and an estimate from no one is undefined. Weights are case or
    inverse-probability weights.
    """
    if weights is None:
        return None
    check_columns(data, [weights, group])
    w = data[weights].to_numpy(dtype="float64", na_value=np.nan)
    bad = ~(np.isfinite(w) & (w >= 0))
    if bad.any():
        raise ValueError(
            f"weights column {weights!r} must be finite and non-negative, but "
            f"{flagged_rows(data.index, bad)} are not; fix or drop those rows (e.g. trim "
            "extreme inverse-probability weights)."
        )
    if not w.sum() > 0:
        raise ValueError(
            f"weights column {weights!r} is zero for all {w.size} rows, so nobody counts and "
            "every estimate would be undefined; pass positive weights (or weights=None)."
        )
    if group is not None:
        totals = pd.Series(w).groupby(data[group].to_numpy(), observed=True, sort=True).sum()
        check_group_weights(totals, weights, group)
    return w


def check_group_weights(totals: pd.Series, weights: str, group: str) -> None:
    """Raise ``ValueError`` naming the levels of ``group`` whose weights sum to zero
    (``totals``: the sums of column ``weights`` by level)."""
    empty = totals.index[totals.to_numpy() <= 0].tolist()
    if empty:
        raise ValueError(
            f"weights column {weights!r} is zero for everyone in group(s) {empty} of "
            f"{group!r}, so those groups have no estimate; drop them from the data or "
            "fix their weights."
        )


def flagged_rows(index: pd.Index, mask: np.ndarray, *, limit: int = 5) -> str:
    """``"<n> row(s) (first: [labels])"``: how many rows ``mask`` flags, and the first
    ``limit`` index labels (row numbers, never values)."""
    rows = index[np.asarray(mask, dtype=bool)][:limit].tolist()
    return f"{int(np.count_nonzero(mask))} row(s) (first: {rows})"
