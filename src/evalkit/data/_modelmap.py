"""A data model to and from the plain mapping a study file holds (YAML lists and maps).

:func:`model_kwargs` turns the parsed mapping into :class:`~evalkit.data.model.DataModel`
arguments (lists to tuples, ``open`` levels to None, the scale and the rules to their
classes, the aliases to :class:`~evalkit.data.aliases.Aliases`); the model checks them.
Every error starts with the key it is about.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from evalkit.data.aliases import LANGUAGES, Aliases
from evalkit.data.eligibility import EligibilityRule
from evalkit.data.scale import Scale

if TYPE_CHECKING:
    from evalkit.data.model import DataModel

__all__: list[str] = []

#: What a level list may be instead: any label is kept.
OPEN = "open"
_RULE_KEYS = ("column", "programme", "min", "max", "values")


def model_kwargs(mapping: object) -> dict:
    """The :class:`DataModel` arguments of a study file's mapping."""
    from evalkit.data.model import MODEL_KEYS

    if not isinstance(mapping, Mapping):
        raise ValueError(
            f"a data model must be a mapping with keys {list(MODEL_KEYS)}, but was a "
            f"{type(mapping).__name__}."
        )
    unknown = [k for k in mapping if k not in MODEL_KEYS]
    if unknown:
        raise ValueError(
            f"{unknown[0]}: unknown key; a data model's keys are {list(MODEL_KEYS)}. Fix "
            "the spelling or remove it."
        )
    if "programmes" not in mapping:
        raise ValueError("programmes: missing; list the programmes, e.g. programmes: [Team4Job].")
    kwargs = {k: mapping[k] for k in ("programmes", "reference") if k in mapping}
    for key in ("programmes", "job_exits", "positive_exits"):
        if isinstance(mapping.get(key), list):
            kwargs[key] = tuple(mapping[key])
    for key in ("exit_groups", "ranges"):
        if key in mapping:
            kwargs[key] = mapping[key]
    if "levels" in mapping:
        kwargs["levels"] = _levels(mapping["levels"])
    if mapping.get("scale") is not None:
        try:
            kwargs["scale"] = Scale.from_mapping(mapping["scale"], source="scale")
        except ValueError as exc:
            raise ValueError(str(exc)) from None
    kwargs["eligibility"] = _rules(mapping.get("eligibility") or [])
    kwargs["aliases"] = Aliases(
        languages=mapping.get("languages", LANGUAGES),
        columns=mapping.get("columns") or {},
        labels=mapping.get("labels") or {},
    )
    return kwargs


def _levels(value: object) -> object:
    """Levels with ``open`` as None and lists as tuples (the model checks the rest)."""
    if not isinstance(value, Mapping):
        return value
    return {
        column: None if given == OPEN else tuple(given) if isinstance(given, list) else given
        for column, given in value.items()
    }


def _rules(value: object) -> tuple[EligibilityRule, ...]:
    """The eligibility rules of a list of mappings."""
    if not isinstance(value, list):
        raise ValueError(
            f"eligibility: must be a list of rules ({{column: age, min: 18, max: 33}}), but "
            f"was {value!r}."
        )
    rules = []
    for i, spec in enumerate(value):
        key = f"eligibility[{i}]"
        if not isinstance(spec, Mapping) or "column" not in spec:
            raise ValueError(f"{key}: must be a mapping with a column, but was {spec!r}.")
        unknown = sorted(set(spec) - set(_RULE_KEYS))
        if unknown:
            raise ValueError(
                f"{key}: unknown key(s) {unknown}; a rule's keys are {list(_RULE_KEYS)}."
            )
        values = spec.get("values")
        try:
            rules.append(EligibilityRule(
                spec["column"], spec.get("programme"), spec.get("min"), spec.get("max"),
                tuple(values) if isinstance(values, list) else values,
            ))
        except ValueError as exc:
            raise ValueError(f"{key}: {exc}") from None
    return tuple(rules)


def model_mapping(model: DataModel) -> dict:
    """A model as a study file holds it: plain lists and mappings."""
    out: dict = {
        "programmes": list(model.programmes),
        "reference": model.reference,
        "exit_groups": dict(model.exit_groups),
        "job_exits": list(model.job_exits),
        "positive_exits": list(model.positive_exits),
        "levels": {c: OPEN if v is None else list(v) for c, v in model.levels.items()},
        "ranges": {c: list(v) for c, v in model.ranges.items()},
        "scale": None if model.scale is None else model.scale.to_mapping(),
        "eligibility": [_rule_mapping(rule) for rule in model.eligibility],
    }
    return out | model.aliases.to_mapping()


def _rule_mapping(rule: EligibilityRule) -> dict:
    """One rule as a mapping, without the keys it leaves unset."""
    spec = {"column": rule.column, "programme": rule.programme, "min": rule.minimum,
            "max": rule.maximum, "values": None if rule.values is None else list(rule.values)}
    return {k: v for k, v in spec.items() if v is not None}
