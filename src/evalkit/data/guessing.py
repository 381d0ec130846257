"""What ``evalkit init`` guesses from a study's files, and the rule of each guess.

Each function takes what a file holds (its labels, counts or item answers, never
identifier values) and returns the guess with the rule that made it, in words, for
the study file's ``# guessed:`` comments and the report's front page:

- :func:`guess_programme`: a participants file without a programme column has one
  programme, named after the file (``export_tremplin.xlsx`` is ``Tremplin``).
- :func:`guess_reference`: the reference programme is the one with the most
  participants (ties: the first in alphabetical order); with one programme there is
  nothing to guess.
- :func:`guess_exits`: each exit label is mapped to an exit type of evalkit's
  vocabulary by the English, French and Dutch aliases (``CDI`` is ``job_permanent``,
  ``stage`` is ``internship``) and takes that type's exit group
  (:data:`VOCABULARY_GROUPS`); job exits are those of group ``job``, positive exits
  those of groups ``job``, ``internship``, ``training`` and ``studies`` (the
  Actiris-style composite). A label no alias maps is kept as its own exit type in
  group ``other``: neither a job nor a positive exit.
- :func:`guess_items`: the questionnaire's items are the columns named by one stem and
  a number (``q01``, ``item_7``, ``vraag 3``), the largest such family.
- :func:`guess_scale`: the response range is the observed minimum to maximum of the
  whole-number answers, within the run of consecutive numbers that holds most of
  them (answers apart from it, such as a missing code 9 or 99, are left out and named
  in the rule); the reverse-keyed items are those correlating negatively with
  the rest score (the sum of the other items, keyed as the first principal component
  of the items' correlations suggests); at least 80% of the items must be answered
  for a score (the shipped scale's rule, 8 of 10).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evalkit.data.aliases import Aliases, label_key
from evalkit.data.model import CENSORED, POSITIVE_GROUPS
from evalkit.data.schema import MISSING_MARKERS
from evalkit.reporting.guess_texts import TEXTS

__all__ = [
    "OTHER_GROUP",
    "VOCABULARY_GROUPS",
    "ExitGuess",
    "ScaleGuess",
    "count_labels",
    "guess_exits",
    "guess_items",
    "guess_programme",
    "guess_reference",
    "guess_scale",
]

#: The exit group of each exit type of evalkit's vocabulary (the exit types that the
#: packaged aliases map labels to).
VOCABULARY_GROUPS = {
    "job_permanent": "job",
    "job_temporary": "job",
    "self_employed": "job",
    "job": "job",
    "internship": "internship",
    "training": "training",
    "studies": "studies",
    "dropout": "dropout",
    CENSORED: CENSORED,
}
#: The group of an exit label that no alias maps.
OTHER_GROUP = "other"
#: A share of the items that must be answered for a score.
MIN_ANSWERED = 0.8
#: Fewest rows with answers to guess reverse-keyed items from correlations.
MIN_ROWS_FOR_KEYS = 10
_EN = {key: texts[0] for key, texts in TEXTS.items()}
_ITEM = re.compile(r"^([a-z][a-z_]*?)_?(\d{1,3})$")

#: Words of a file name that name the file, not the programme (compared as labels).
FILE_WORDS = frozenset(label_key(w) for w in (
    "export", "exports", "extract", "extraction", "extractie", "participants",
    "participant", "deelnemers", "deelnemer", "data", "donnees", "gegevens", "file",
    "fichier", "bestand", "list", "liste", "lijst", "final", "definitif", "v",
))
#: The rules in English (their French and Dutch: :mod:`evalkit.reporting.guess_texts`).
RULE_PROGRAMME = _EN["guess.programme"]
RULE_REFERENCE = _EN["guess.reference"]
RULE_EXIT_GROUPS = _EN["guess.exit_groups"]
RULE_JOB = _EN["guess.job_exits"]
RULE_POSITIVE = _EN["guess.positive_exits"].format(groups=", ".join(POSITIVE_GROUPS))
RULE_ITEMS = _EN["guess.items"]
RULE_RANGE = _EN["guess.range"]
RULE_RANGE_APART = _EN["guess.range_apart"]
RULE_REVERSED = _EN["guess.reversed"]
RULE_REVERSED_NONE = _EN["guess.reversed_none"]
RULE_MIN_ITEMS = _EN["guess.min_items"]


def guess_programme(filename: str) -> tuple[str, str]:
    """The programme of a file without a programme column, named after the file, and
    the rule.

    The file's stem, split into words at spaces, ``_``, ``-`` and ``.``, without the
    words that name a file rather than a programme (:data:`FILE_WORDS`: export,
    participants, deelnemers, données...) and numbers (dates); lower-case names are
    capitalised. A file named by such words alone gives ``"Programme"``.

    Parameters
    ----------
    filename : str
        The file's name (``export_tremplin_2023.xlsx``).

    Returns
    -------
    (str, str)

    Examples
    --------
    >>> guess_programme("export_tremplin_mentorat_2023-01.xlsx")[0]
    'Tremplin Mentorat'
    >>> guess_programme("JobCoach Plus - deelnemers.csv")[0]
    'JobCoach Plus'
    >>> guess_programme("participants.csv")[0]
    'Programme'
    """
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    words = [w for w in re.split(r"[\s_.\-]+", stem)
             if w and not w.isdigit() and label_key(w) not in FILE_WORDS]
    name = " ".join(w.capitalize() if w.islower() else w for w in words) or "Programme"
    return name, RULE_PROGRAMME.format(file=repr(filename))


def guess_reference(counts: Mapping[str, int]) -> tuple[str, str | None]:
    """The reference programme and the rule (None when there is one programme).

    Parameters
    ----------
    counts : mapping of str to int
        Participants per programme.

    Returns
    -------
    (str, str or None)

    Examples
    --------
    >>> guess_reference({"Brussel": 30, "Gent": 70})
    ('Gent', 'the programme with the most participants (70 of 100) is the reference')
    >>> guess_reference({"Feeling Low, Aiming High": 42})
    ('Feeling Low, Aiming High', None)
    """
    names = sorted(counts)
    if len(names) == 1:
        return names[0], None
    best = max(names, key=lambda name: counts[name])  # first of the largest, alphabetically
    return best, RULE_REFERENCE.format(n=counts[best], total=sum(counts.values()))


@dataclass(frozen=True)
class ExitGuess:
    """Exit types guessed from a file's exit labels.

    Attributes
    ----------
    exit_groups : dict of str to str
        Exit type → exit group, in order of the vocabulary then the labels'.
    job_exits, positive_exits : tuple of str
        Exit types that count as a job, as a positive exit.
    mapped : dict of str to tuple of (str, str)
        File label → (exit type, alias language) for labels an alias mapped.
    unmapped : tuple of str
        Labels no alias maps (kept as their own exit type in group ``other``).
    censored_added : bool
        True when no label meant "still searching" and ``censored`` was added (the
        model needs one).
    """

    exit_groups: dict[str, str]
    job_exits: tuple[str, ...]
    positive_exits: tuple[str, ...]
    mapped: dict[str, tuple[str, str]]
    unmapped: tuple[str, ...]
    censored_added: bool


def guess_exits(labels: Sequence[str], aliases: Aliases | None = None) -> ExitGuess:
    """Exit types, their groups, job and positive exits from a file's exit labels.

    Parameters
    ----------
    labels : sequence of str
        The distinct labels of the exit column.
    aliases : Aliases, optional
        The aliases (default: the packaged English, French and Dutch ones).

    Returns
    -------
    ExitGuess

    Examples
    --------
    >>> guess = guess_exits(["CDI", "stage", "abandon", "en recherche", "déménagement"])
    >>> guess.exit_groups
    {'job_permanent': 'job', 'internship': 'internship', 'dropout': 'dropout', 'censored': 'censored', 'déménagement': 'other'}
    >>> guess.job_exits, guess.positive_exits
    (('job_permanent',), ('job_permanent', 'internship'))
    """  # noqa: E501
    aliases = Aliases() if aliases is None else aliases
    known = {label_key(t): (t, "name") for t in VOCABULARY_GROUPS}
    by_alias = {
        k: v for k, v in aliases.labels_of("exit_type").items() if v[0] in VOCABULARY_GROUPS
    }
    mapped: dict[str, tuple[str, str]] = {}
    unmapped: list[str] = []
    for label in labels:
        key = label_key(label)
        hit = known.get(key) or by_alias.get(key)
        if hit is None:
            unmapped.append(label)
        else:
            mapped[label] = hit
    types = [t for t in VOCABULARY_GROUPS if t in {hit[0] for hit in mapped.values()}]
    groups = {t: VOCABULARY_GROUPS[t] for t in types}
    censored_added = CENSORED not in groups.values()
    if censored_added:
        groups[CENSORED] = CENSORED
    groups.update({label: OTHER_GROUP for label in unmapped})
    job = tuple(t for t, g in groups.items() if g == "job")
    positive = tuple(t for t, g in groups.items() if g in POSITIVE_GROUPS)
    return ExitGuess(groups, job, positive, mapped, tuple(unmapped), censored_added)


def guess_items(names: Sequence[str]) -> tuple[tuple[str, ...], str | None]:
    """The questionnaire's item columns: the largest family named by one stem and a number.

    Parameters
    ----------
    names : sequence of str
        Column names (normalised: ``q01``, ``item_7``), not those of dictionary columns.

    Returns
    -------
    (tuple of str, str or None)
        The items in the order of their numbers (none if no family has two columns),
        and the stem.

    Examples
    --------
    >>> guess_items(["q_2", "q_1", "q_10", "age", "remark_1"])
    (('q_1', 'q_2', 'q_10'), 'q')
    """
    families: dict[str, list[tuple[int, str]]] = {}
    for name in names:
        match = _ITEM.match(name)
        if match:
            families.setdefault(match.group(1).rstrip("_"), []).append((int(match.group(2)), name))
    if not families:
        return (), None
    stem = max(sorted(families), key=lambda s: len(families[s]))
    if len(families[stem]) < 2:
        return (), None
    return tuple(name for _, name in sorted(families[stem])), stem


@dataclass(frozen=True)
class ScaleGuess:
    """A questionnaire scale guessed from the answers.

    Attributes
    ----------
    response_min, response_max : int
        The observed range of the whole-number answers.
    reversed : tuple of str
        Items guessed reverse-keyed.
    min_items : int
        Items that must be answered for a score.
    rules : dict of str to str
        The rule of each guess, by scale key (``reversed``...).
    """

    response_min: int
    response_max: int
    reversed: tuple[str, ...]
    min_items: int
    rules: dict[str, str]


def guess_scale(answers: pd.DataFrame) -> ScaleGuess:
    """The response range, reverse-keyed items and minimum answered of a scale.

    Parameters
    ----------
    answers : pandas.DataFrame
        One column per item, in order; cells as read (text or numbers). Cells that are
        not whole numbers are left out (the loader rejects them).

    Returns
    -------
    ScaleGuess

    Raises
    ------
    ValueError
        If no cell is a whole number.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> trait = rng.normal(size=200)
    >>> answers = pd.DataFrame({f"q{i}": np.clip(np.round(3 + s * trait + rng.normal(size=200)), 1, 5)
    ...                         for i, s in zip(range(1, 5), (1, -1, 1, 1))})
    >>> guess = guess_scale(answers)
    >>> guess.response_min, guess.response_max, guess.reversed, guess.min_items
    (1, 5, ('q2',), 4)
    """  # noqa: E501
    numbers = answers.apply(_whole_numbers)
    values = numbers.to_numpy().ravel()
    values = values[~np.isnan(values)]
    if values.size == 0:
        raise ValueError(
            f"the items {list(answers.columns)} hold no whole-number answers; the response "
            "range cannot be guessed."
        )
    low, high, outside = _answer_range(values)
    reversed_, rule = _reversed(numbers.where((numbers >= low) & (numbers <= high)))
    span = (RULE_RANGE_APART.format(low=low, high=high, outside=outside) if outside
            else RULE_RANGE.format(low=low, high=high))
    rules = {"reversed": rule, "response_min": span, "response_max": span,
             "min_items": RULE_MIN_ITEMS}
    min_items = max(1, math.ceil(MIN_ANSWERED * numbers.shape[1]))
    return ScaleGuess(low, high, reversed_, min_items, rules)


def _answer_range(values: np.ndarray) -> tuple[int, int, list[int]]:
    """The run of consecutive whole numbers holding most answers, and the answers apart
    from it (``1..5`` and ``[9]`` for answers 1 to 5 with a missing code 9)."""
    answers, counts = np.unique(values.astype(np.int64), return_counts=True)
    breaks = np.flatnonzero(np.diff(answers) > 1) + 1
    runs = np.split(np.arange(len(answers)), breaks)
    best = max(runs, key=lambda run: counts[run].sum())
    outside = [int(a) for k, a in enumerate(answers) if k not in set(best)]
    return int(answers[best[0]]), int(answers[best[-1]]), outside


def _whole_numbers(cells: pd.Series) -> pd.Series:
    """Cells as floats where they are whole numbers, else NaN."""
    text = cells.astype(object).where(cells.notna())
    numbers = pd.to_numeric(text.map(lambda v: str(v).strip().replace(",", "."),
                                     na_action="ignore"), errors="coerce")
    return numbers.where(np.isfinite(numbers) & (numbers == np.round(numbers)))


def _reversed(numbers: pd.DataFrame) -> tuple[tuple[str, ...], str]:
    """Reverse-keyed items: negative correlation with the keyed rest score."""
    rows = numbers.dropna(thresh=max(2, numbers.shape[1] - 1))
    if numbers.shape[1] < 3 or len(rows) < MIN_ROWS_FOR_KEYS:
        return (), RULE_REVERSED_NONE.format(n=len(rows), minimum=MIN_ROWS_FOR_KEYS)
    corr = rows.corr().fillna(0.0).to_numpy()
    _, vectors = np.linalg.eigh(corr)
    loading = vectors[:, -1]
    positive = loading >= 0
    if positive.sum() * 2 < len(loading) or (positive.sum() * 2 == len(loading)
                                             and not positive[0]):
        loading = -loading  # most items (ties: the first) are positively keyed
    signs = np.where(loading < 0, -1.0, 1.0)
    centred = rows - rows.mean()
    keyed = centred * signs
    flagged = []
    for item in rows.columns:
        rest = keyed.drop(columns=item).mean(axis=1)
        both = pd.concat([centred[item], rest], axis=1).dropna()
        if len(both) > 2 and both.iloc[:, 0].std() > 0 and both.iloc[:, 1].std() > 0:
            if both.iloc[:, 0].corr(both.iloc[:, 1]) < 0:
                flagged.append(item)
    return tuple(flagged), RULE_REVERSED


def count_labels(cells: pd.Series) -> Counter:
    """Rows per label of a category column (labels stripped, white space runs made one;
    spellings that differ by case, accents or punctuation counted as the most frequent;
    empty cells and missing markers left out).

    Examples
    --------
    >>> sorted(count_labels(pd.Series(["Gent", "gent ", "Brussel", "NA", None])).items())
    [('Brussel', 1), ('Gent', 2)]
    """
    text = cells.dropna().astype(str).str.strip().str.replace(r"\s+", " ", regex=True)
    text = text[(text != "") & ~text.str.casefold().isin(MISSING_MARKERS)]
    counts = Counter(text)
    by_key: dict[str, Counter] = {}
    for label, n in counts.items():
        by_key.setdefault(label_key(label), Counter())[label] = n
    return Counter({
        spellings.most_common(1)[0][0]: sum(spellings.values()) for spellings in by_key.values()
    })
