"""The data model as configuration: programmes, levels, exits, the questionnaire, rules.

A :class:`DataModel` says what a study's files hold, beyond the column layout of the
data dictionary (:mod:`evalkit.data.schema`): the programmes (any number, any names)
and the reference programme; the levels of each category column, closed (a fixed list)
or open (any label is kept); the exit types, their exit groups and which exits count
as a job and as a positive exit; the questionnaire's scale (its items are the item
columns); the ranges of numbers; eligibility rules, checked and reported, never used to
filter; and the aliases of column names and labels in English, French and Dutch
(:mod:`evalkit.data.aliases`). The loaders (:func:`evalkit.data.load_participants`...)
take it as ``model=``; without one they use :meth:`DataModel.shipped`, the model of
the shipped data, so everything behaves as before.

A study file holds the model as YAML; :meth:`DataModel.from_mapping` builds it from the
parsed mapping (every error names its key) and :meth:`DataModel.to_mapping` writes it
back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from evalkit._validation import check_name_list, check_name_map
from evalkit.data.aliases import Aliases, label_key
from evalkit.data.eligibility import EligibilityRule
from evalkit.data.scale import Scale
from evalkit.data.schema import (
    COSTS,
    EDUCATION_LEVELS,
    EXIT_GROUPS,
    GENDERS,
    LANGUAGE_LEVELS,
    MIGRATION_BACKGROUNDS,
    OPTIONAL_COLUMNS,
    PARTICIPANTS,
    PROGRAMMES,
    QUESTIONNAIRE,
    RSE_ITEMS,
    RSE_REVERSED,
    SITES,
    Column,
    Table,
)

__all__ = [
    "CENSORED",
    "DEFAULT_LEVELS",
    "LEVEL_COLUMNS",
    "MODEL_KEYS",
    "POSITIVE_GROUPS",
    "DataModel",
    "check_model",
]

#: The exit group of people still searching at the end of follow-up (no exit observed).
CENSORED = "censored"
#: Exit groups whose exit types are positive exits by default (the Actiris-style
#: composite: a job, an internship, a training or a return to studies).
POSITIVE_GROUPS = ("job", "internship", "training", "studies")
#: Category columns whose levels a model sets (besides ``programme`` and ``exit_type``,
#: whose levels are the programmes and the exit types).
LEVEL_COLUMNS = (
    "site", "gender", "migration_background", "education", "language_level", "wave", "cost_item",
)
#: Levels of a model that does not set them: evalkit's vocabulary, with ``site`` and
#: ``cost_item`` open (None: any label is accepted and kept), as they differ by programme.
DEFAULT_LEVELS: dict[str, tuple[str, ...] | None] = {
    "site": None,
    "gender": GENDERS,
    "migration_background": MIGRATION_BACKGROUNDS,
    "education": EDUCATION_LEVELS,
    "language_level": LANGUAGE_LEVELS,
    "wave": QUESTIONNAIRE["wave"].allowed,
    "cost_item": None,
}
_TABLES = (PARTICIPANTS, QUESTIONNAIRE, COSTS)
#: Columns whose range a model may set, and the data dictionary's ranges.
_RANGES = {
    c.name: (c.minimum, c.maximum)
    for t in (PARTICIPANTS, COSTS) for c in t.columns if c.kind in {"integer", "number"}
}
#: The keys of a model's mapping (a study file's data model), in the order written.
MODEL_KEYS = (
    "programmes", "reference", "exit_groups", "job_exits", "positive_exits", "levels",
    "ranges", "scale", "eligibility", "languages", "columns", "labels",
)


@dataclass(frozen=True, repr=False)
class DataModel:
    """What a study's files hold: programmes, levels, exits, questionnaire, rules, aliases.

    Parameters
    ----------
    programmes : tuple of str
        The programmes (one or more, any names), as the ``programme`` column's levels.
    reference : str, optional
        The programme the others are compared with (the comparison group, and the
        baseline level of models); default the first programme.
    exit_groups : mapping of str to str, default=evalkit.data.schema.EXIT_GROUPS
        Exit types (the ``exit_type`` column's levels, in this order) → exit group
        (the competing events of the survival analyses: ``job``, ``training``,
        ``dropout``...). The group ``"censored"`` marks people still searching at the
        end of follow-up; at least one exit type must be in it.
    job_exits : tuple of str, optional
        Exit types that count as finding a job (default: those in group ``"job"``).
    positive_exits : tuple of str, optional
        Exit types that count as a positive exit: a job, an internship, a training,
        studies (default: those in the groups of :data:`POSITIVE_GROUPS`). They
        include every job exit.
    levels : mapping of str to tuple of str or None, optional
        Levels of the category columns of :data:`LEVEL_COLUMNS`: a tuple (closed: other
        labels are rejected) or None (open: any label is accepted and kept). Columns
        left out get :data:`DEFAULT_LEVELS`.
    ranges : mapping of str to (float or None, float or None), optional
        Inclusive ranges of numbers (``age``, ``months_unemployed``, ``mentor_age``,
        ``year``, ``amount_eur``, ``duos_formed``); None is no bound. Columns left out
        keep the data dictionary's range.
    scale : Scale, optional
        The questionnaire's scale (:class:`evalkit.questionnaire.Scale`): its items are
        the questionnaire's item columns, its response range their valid answers.
        None: the study has no questionnaire.
    eligibility : tuple of EligibilityRule, default=()
        Rules on participants' columns (DUO for a JOB's ages 18 to 33), checked at load
        and reported (:func:`evalkit.data.eligibility.check_eligibility`), never used
        to filter.
    aliases : Aliases, default=Aliases()
        Column and label aliases: the packaged English, French and Dutch vocabularies
        and the study's own.

    Raises
    ------
    ValueError
        Naming the key of what is wrong (``"programmes: must be a non-empty list of
        names, but was []"``): programmes not distinct names (also once case, accents
        and punctuation are ignored), a reference that is no programme, exit groups
        without ``censored``, job or positive exits that are not exit types, levels of
        unknown columns, ranges of columns without one, scale items that clash with the
        questionnaire's columns, rules on unknown columns or programmes, aliases to
        unknown columns or labels.

    Examples
    --------
    >>> model = DataModel(programmes=("Maman Solo - Maman Boulot",),
    ...                   exit_groups={"job": "job", "internship": "internship",
    ...                                "dropout": "dropout", "censored": "censored"})
    >>> model.reference, model.job_exits, model.positive_exits
    ('Maman Solo - Maman Boulot', ('job',), ('job', 'internship'))
    >>> model.levels_of("site") is None  # open: any site is kept
    True
    >>> DataModel(programmes=[])
    Traceback (most recent call last):
    ...
    ValueError: programmes: must be a non-empty list of names, but was []. Name the programmes as in the programme column.
    """  # noqa: E501

    programmes: tuple[str, ...]
    reference: str | None = None
    exit_groups: Mapping[str, str] = field(default_factory=lambda: dict(EXIT_GROUPS))
    job_exits: tuple[str, ...] | None = None
    positive_exits: tuple[str, ...] | None = None
    levels: Mapping[str, tuple[str, ...] | None] = field(default_factory=dict)
    ranges: Mapping[str, tuple[float | None, float | None]] = field(default_factory=dict)
    scale: Scale | None = None
    eligibility: tuple[EligibilityRule, ...] = ()
    aliases: Aliases = field(default_factory=Aliases)

    def __post_init__(self) -> None:
        programmes = _distinct_labels(
            check_name_list(self.programmes, key="programmes",
                            fix="Name the programmes as in the programme column."),
            "programmes",
        )
        set_ = self._set
        set_("programmes", programmes)
        reference = programmes[0] if self.reference is None else self.reference
        if reference not in programmes:
            raise ValueError(
                f"reference: must be one of the programmes {list(programmes)}, but was "
                f"{reference!r}."
            )
        set_("reference", reference)
        groups = _exit_groups(self.exit_groups)
        set_("exit_groups", groups)
        set_("job_exits", _exits(self.job_exits, groups, "job_exits", ("job",)))
        positive = _exits(self.positive_exits, groups, "positive_exits", POSITIVE_GROUPS)
        lacking = [e for e in self.job_exits if e not in positive]
        if lacking:
            raise ValueError(
                f"positive_exits: must include every job exit, but lacks {lacking}; a job "
                "is a positive exit."
            )
        set_("positive_exits", positive)
        set_("levels", _levels(self.levels))
        set_("ranges", _ranges(self.ranges))
        set_("eligibility", tuple(self.eligibility))
        _check_scale(self.scale)
        _check_rules(self)
        _check_aliases(self)

    def _set(self, name: str, value: object) -> None:
        """Set a checked field (the instance is frozen to its users)."""
        object.__setattr__(self, name, value)

    # ------------------------------------------------------------------ construction

    @classmethod
    def shipped(cls) -> DataModel:
        """The model of the shipped data (``evaldata/``): today's data dictionary.

        Programmes DUO for a JOB and Team4Job (Team4Job the reference: effects are DUO
        for a JOB vs Team4Job), closed levels (the five sites included), the six exit
        types of :data:`evalkit.data.schema.EXIT_GROUPS`, job exits
        ``job_permanent``, ``job_temporary``, ``self_employed``, positive exits those
        and ``training``, the 10-item self-confidence scale (``rse_01`` ..
        ``rse_10``, answers 1 to 4, items 2, 5, 6, 8, 9 reverse-keyed, scored when 8
        are answered), the programmes' eligibility (DUO for a JOB: ages 18 to 33 and a
        non-EU background; Team4Job: the Brussels site; the shipped data keep to them),
        the packaged aliases. Its tables are the data dictionary's
        (:data:`~evalkit.data.schema.PARTICIPANTS`...), and the constants of
        :mod:`evalkit.data.schema` its values.

        Examples
        --------
        >>> model = DataModel.shipped()
        >>> model.programmes, model.reference
        (('DUO for a JOB', 'Team4Job'), 'Team4Job')
        >>> [rule.label for rule in model.eligibility]
        ['age from 18 to 33', "migration_background in ['non-EU']", "site in ['Brussels']"]
        """
        return _shipped()

    @classmethod
    def from_mapping(cls, mapping: Mapping) -> DataModel:
        """Build a model from a parsed mapping, as a study file holds it.

        Parameters
        ----------
        mapping : mapping
            Keys (all optional but ``programmes``)::

                programmes: [DUO for a JOB, Team4Job]
                reference: Team4Job
                exit_groups: {job_permanent: job, internship: internship, ...,
                              censored: censored}
                job_exits: [job_permanent, job_temporary]
                positive_exits: [job_permanent, job_temporary, internship]
                levels: {site: open, gender: [female, male, x]}
                ranges: {age: [16, 70]}
                scale: {items: [q01, q02, ...], response_min: 1, response_max: 5,
                        reversed: [q02], min_items: 10}
                eligibility:
                  - {programme: DUO for a JOB, column: age, min: 18, max: 33}
                languages: [en, fr, nl]
                columns: {Numéro pseudo: participant_id}
                labels: {exit_type: {CDI temps partiel: job_permanent}}

            ``levels`` take a list or ``open``; ``scale`` the keys of a scale file
            (:meth:`evalkit.questionnaire.Scale.from_mapping`); an eligibility rule
            ``column``, optionally ``programme``, and ``min``/``max`` or ``values``.

        Returns
        -------
        DataModel

        Raises
        ------
        ValueError
            If ``mapping`` is not a mapping, has unknown keys, or a value is invalid;
            the message starts with the key (``"programmes: must be a non-empty list
            of names, but was 'DUO'"``, ``"eligibility[0]: unknown key(s) ..."``).

        Examples
        --------
        >>> model = DataModel.from_mapping({
        ...     "programmes": ["Feeling Low, Aiming High"],
        ...     "eligibility": [{"column": "age", "min": 18, "max": 30}]})
        >>> model.programmes, model.eligibility[0].label
        (('Feeling Low, Aiming High',), 'age from 18 to 30')
        >>> DataModel.from_mapping({"programmes": "Team4Job"})
        Traceback (most recent call last):
        ...
        ValueError: programmes: must be a non-empty list of names, but was 'Team4Job'. Name the programmes as in the programme column.
        """  # noqa: E501
        from evalkit.data._modelmap import model_kwargs

        return cls(**model_kwargs(mapping))

    def to_mapping(self) -> dict:
        """The model as a study file holds it (plain lists and mappings; the packaged
        vocabularies named, not copied): ``from_mapping(model.to_mapping()) == model``."""
        from evalkit.data._modelmap import model_mapping

        return model_mapping(self)

    # ------------------------------------------------------------------ reading

    @property
    def exit_types(self) -> tuple[str, ...]:
        """The exit types, in order (the ``exit_type`` column's levels)."""
        return tuple(self.exit_groups)

    @property
    def censored_exits(self) -> tuple[str, ...]:
        """Exit types of people still searching at the end of follow-up."""
        return tuple(e for e, g in self.exit_groups.items() if g == CENSORED)

    @property
    def groups(self) -> tuple[str, ...]:
        """The exit groups other than ``censored``, in order of first appearance."""
        return tuple(dict.fromkeys(g for g in self.exit_groups.values() if g != CENSORED))

    def levels_of(self, column: str) -> tuple[str, ...] | None:
        """The levels of a category column (None: open, any label is kept).

        Raises ``KeyError`` if ``column`` is no category column of the data dictionary.
        """
        if column == "programme":
            return self.programmes
        if column == "exit_type":
            return self.exit_types
        return self.levels[column]

    def table(self, name: str) -> Table:
        """The data dictionary's table ``name`` with this model's levels, ranges and items.

        Raises ``KeyError`` for a name other than ``participants``, ``questionnaire``
        and ``costs``.
        """
        base = {t.name: t for t in _TABLES}[name]
        columns = [self._column(c) for c in base.columns]
        if name == "questionnaire":
            fixed = [c for c in columns if c.name in {"participant_id", "wave", "response_date"}]
            columns = fixed + self._items(base)
        return replace(base, columns=tuple(columns))

    @property
    def constant_programme(self) -> str | None:
        """The programme of every row when a file has no programme column: the model's
        one programme (None when it has several: then the column is required)."""
        return self.programmes[0] if len(self.programmes) == 1 else None

    def optional_columns(self, name: str) -> tuple[str, ...]:
        """The columns of table ``name`` that a file may lack (it loads without them).

        Participants: those of :data:`~evalkit.data.schema.OPTIONAL_COLUMNS` (site,
        the intake covariates, mentor, first-meeting dropout, duo completed), and
        ``programme`` when the model has one programme (:attr:`constant_programme`);
        costs: ``programme`` likewise; the questionnaire: none. The others are
        :meth:`required_columns`.

        Raises ``KeyError`` for a name other than ``participants``, ``questionnaire``
        and ``costs``.

        Examples
        --------
        >>> model = DataModel(programmes=("Tremplin",))
        >>> model.optional_columns("participants")[:3], model.optional_columns("costs")
        (('programme', 'site', 'age'), ('programme',))
        >>> DataModel.shipped().optional_columns("costs")
        ()
        """
        names = self.table(name).names
        optional = set(OPTIONAL_COLUMNS) if name == "participants" else set()
        if self.constant_programme is not None:
            optional.add("programme")
        return tuple(c for c in names if c in optional)

    def required_columns(self, name: str) -> tuple[str, ...]:
        """The columns of table ``name`` that a file must have (it is refused without
        one): the table's columns but :meth:`optional_columns`.

        Examples
        --------
        >>> DataModel(programmes=("Tremplin",)).required_columns("participants")
        ('participant_id', 'intake_date', 'exit_type', 'exit_date', 'follow_up_end')
        """
        optional = self.optional_columns(name)
        return tuple(c for c in self.table(name).names if c not in optional)

    def _column(self, column: Column) -> Column:
        """A dictionary column with this model's levels or range."""
        if column.kind == "category":
            return replace(column, allowed=self.levels_of(column.name))
        if column.name in self.ranges:
            low, high = self.ranges[column.name]
            return replace(column, minimum=low, maximum=high)
        return column

    def _items(self, base: Table) -> list[Column]:
        """The item columns of the questionnaire (none without a scale)."""
        if self.scale is None:
            return []
        known = {c.name: c for c in base.columns}
        low, high = self.scale.response_min, self.scale.response_max
        items = []
        for item in self.scale.items:
            keyed = " (reverse-keyed)." if item in self.scale.reversed else "."
            column = known.get(item) or Column(
                item, "integer", f"Item of scale {self.scale.name!r}, answers {low} to "
                f"{high}{keyed}", required=False,
            )
            items.append(replace(column, minimum=low, maximum=high))
        return items

    def __repr__(self) -> str:
        scale = None if self.scale is None else self.scale.name
        return (
            f"DataModel(programmes={self.programmes!r}, reference={self.reference!r}, "
            f"exit_types={self.exit_types!r}, scale={scale!r}, "
            f"eligibility={[r.label for r in self.eligibility]!r})"
        )


def check_model(model: object) -> DataModel:
    """``model`` if it is a DataModel, the shipped data's for None.

    Raises
    ------
    TypeError
        If ``model`` is anything else.

    Examples
    --------
    >>> check_model(None).reference
    'Team4Job'
    """
    if model is None:
        return DataModel.shipped()
    if not isinstance(model, DataModel):
        raise TypeError(
            f"model must be a DataModel (evalkit.data.DataModel.from_mapping(...), or a "
            f"study's: Study.from_yaml(...).model) or None for the shipped data's, but got "
            f"{type(model).__name__}."
        )
    return model


@cache
def _shipped() -> DataModel:
    """The shipped model, built once."""
    return DataModel(
        programmes=PROGRAMMES,
        reference=PROGRAMMES[1],
        exit_groups=dict(EXIT_GROUPS),
        levels={"site": SITES, "cost_item": COSTS["cost_item"].allowed},
        scale=Scale(
            items=RSE_ITEMS, response_min=1, response_max=4, reversed=RSE_REVERSED,
            min_items=8, scoring="mean", name="self_confidence",
            description="Rosenberg-type self-confidence scale, 10 items, 1 = strongly "
            "disagree ... 4 = strongly agree",
        ),
        eligibility=(
            EligibilityRule("age", PROGRAMMES[0], minimum=18, maximum=33),
            EligibilityRule("migration_background", PROGRAMMES[0], values=("non-EU",)),
            EligibilityRule("site", PROGRAMMES[1], values=("Brussels",)),
        ),
    )


# ---------------------------------------------------------------------- validation


def _distinct_labels(names: tuple[str, ...], key: str) -> tuple[str, ...]:
    """``names``, after checking no two are the same label once normalised."""
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(label_key(name), name)
        if other != name:
            raise ValueError(
                f"{key}: {other!r} and {name!r} are the same label once case, accents and "
                "punctuation are ignored (as labels in the files are matched); keep one."
            )
    return names


def _exit_groups(value: object) -> dict[str, str]:
    """The exit types and their groups, after the checks."""
    groups = check_name_map(value, key="exit_groups", what="each exit type to its exit group")
    if not groups:
        raise ValueError("exit_groups: must map each exit type to its exit group, but was {}.")
    _distinct_labels(tuple(groups), "exit_groups")
    if CENSORED not in groups.values():
        raise ValueError(
            "exit_groups: no exit type is in group 'censored' (still searching at the end "
            f"of follow-up), but the groups are {sorted(set(groups.values()))}; add one, "
            "e.g. censored: censored."
        )
    return groups


def _exits(
    value: object, groups: dict[str, str], key: str, default_groups: Sequence[str]
) -> tuple[str, ...]:
    """Job or positive exit types: given, or those of ``default_groups``; never censored."""
    if value is None:
        exits = tuple(e for e, g in groups.items() if g in default_groups)
        if not exits:
            raise ValueError(
                f"{key}: no exit type is in group(s) {list(default_groups)}, so none counts "
                f"by default; list the exit types that count under {key}."
            )
        return exits
    exits = check_name_list(value, key=key)
    unknown = [e for e in exits if e not in groups]
    if unknown:
        raise ValueError(f"{key}: {unknown} are not exit types; exit types are {list(groups)}.")
    censored = [e for e in exits if groups[e] == CENSORED]
    if censored:
        raise ValueError(f"{key}: {censored} are censored (no exit observed), not an exit.")
    return exits


def _levels(value: object) -> dict[str, tuple[str, ...] | None]:
    """Every level column's levels: given (a tuple, or None for open) or the default."""
    if not isinstance(value, Mapping):
        raise ValueError(f"levels: must map category columns to their levels, but was {value!r}.")
    unknown = sorted(set(value) - set(LEVEL_COLUMNS))
    if unknown:
        raise ValueError(
            f"levels: {unknown} are not category columns whose levels a model sets; they "
            f"are {list(LEVEL_COLUMNS)} (programme and exit_type levels are programmes and "
            "exit_groups)."
        )
    levels = dict(DEFAULT_LEVELS)
    for column, given in value.items():
        key = f"levels.{column}"
        levels[column] = (
            None if given is None else _distinct_labels(check_name_list(given, key=key), key)
        )
    return levels


def _ranges(value: object) -> dict[str, tuple[float | None, float | None]]:
    """Every numeric column's range: given, or the data dictionary's."""
    if not isinstance(value, Mapping):
        raise ValueError(f"ranges: must map numeric columns to [min, max], but was {value!r}.")
    ranges = dict(_RANGES)
    for column, given in value.items():
        key = f"ranges.{column}"
        if column not in _RANGES:
            raise ValueError(
                f"{key}: {column!r} is not a numeric column with a range; those are "
                f"{list(_RANGES)} (questionnaire answers: the scale's response range)."
            )
        pair = list(given) if isinstance(given, Sequence) and not isinstance(given, str) else []
        if len(pair) != 2 or not all(
            v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in pair
        ) or (None not in pair and pair[0] > pair[1]):
            raise ValueError(
                f"{key}: must be [min, max] (numbers, min <= max; null for no bound), but "
                f"was {given!r}."
            )
        ranges[column] = (pair[0], pair[1])
    return ranges


def _check_scale(scale: object) -> None:
    """Raise unless ``scale`` is None or a Scale whose items are free column names."""
    if scale is None:
        return
    if not isinstance(scale, Scale):
        raise ValueError(
            f"scale: must be a Scale (evalkit.questionnaire.Scale) or None, but was "
            f"{type(scale).__name__}."
        )
    clash = [i for i in scale.items if i in {"participant_id", "wave", "response_date"}]
    if clash:
        raise ValueError(
            f"scale: items {clash} are columns of the questionnaire table, not items; name "
            "the item columns."
        )


def _check_rules(model: DataModel) -> None:
    """Raise unless every eligibility rule names a participants' column of the right kind
    and a programme of the model."""
    for i, rule in enumerate(model.eligibility):
        key = f"eligibility[{i}]"
        if not isinstance(rule, EligibilityRule):
            raise ValueError(f"{key}: must be an EligibilityRule, but was {rule!r}.")
        if rule.programme is not None and rule.programme not in model.programmes:
            raise ValueError(
                f"{key}: programme must be one of {list(model.programmes)}, but was "
                f"{rule.programme!r}."
            )
        rule.check_column(model.table("participants"), key)


def _check_aliases(model: DataModel) -> None:
    """Raise unless the study's aliases name dictionary columns and levels of the model."""
    aliases = model.aliases
    if not isinstance(aliases, Aliases):
        raise ValueError(f"aliases: must be an Aliases, but was {type(aliases).__name__}.")
    columns = {c.name for t in _TABLES for c in model.table(t.name).columns}
    for name, target in aliases.columns.items():
        if target not in columns:
            raise ValueError(
                f"columns.{name}: {target!r} is not an evalkit column; evalkit columns are "
                f"{sorted(columns)}."
            )
    categories = ["programme", "exit_type", *LEVEL_COLUMNS]
    for column, labels in aliases.labels.items():
        if column not in categories:
            raise ValueError(
                f"labels.{column}: not a category column; label aliases are for {categories}."
            )
        levels = model.levels_of(column)
        for label, target in labels.items():
            if levels is not None and target not in levels:
                raise ValueError(
                    f"labels.{column}.{label}: {target!r} is not a level of {column} "
                    f"{list(levels)}."
                )
