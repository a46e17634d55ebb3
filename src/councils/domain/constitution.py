"""The constitution: every rule a federation may choose, validated, with per-council overrides.

The TOML file is read outside the domain (:func:`councils.service.constitution.load`); here a
plain mapping becomes a frozen :class:`Constitution`, or a :class:`InvalidCommand` naming the
dotted key that is wrong (``constitution.unknown_key`` / ``constitution.bad_value``). Every key,
its meaning and its default is documented in docs/constitution.md; a test keeps the two in step.

Rules never change inside an open election or petition: the rules an election or petition needs
are copied into its opening event, so a later constitution cannot reach it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from councils.counting import REGISTRY
from councils.domain.entities import Comparison, VacancyRule
from councils.domain.errors import InvalidCommand, NotFound
from councils.domain.ids import CouncilId

__all__ = ["DEFAULT", "Constitution", "Rules", "parse_constitution"]


@dataclass(frozen=True)
class Rules:
    """The rules in force in one council. Field names are the TOML keys, section_key."""

    methods_single: str = "irv"
    methods_multi: str = "scottish-stv"
    ballots_secret: bool = True
    ballots_secret_in_councils: bool = False
    recall_threshold: tuple[int, int] = (1, 2)
    recall_comparison: Comparison = "more-than"
    vacancy_rule: VacancyRule = "countback"

    def method_for(self, seats: int) -> str:
        """The default method for an election that fills ``seats`` seats."""
        return self.methods_single if seats == 1 else self.methods_multi

    def secret_for(self, base: bool) -> bool:
        """Whether ballots are secret by default in a base (or a ``council``) constituency."""
        return self.ballots_secret if base else self.ballots_secret_in_councils


@dataclass(frozen=True)
class Constitution:
    """The federation's defaults and each council's overrides (already merged over them)."""

    defaults: Rules = field(default_factory=Rules)
    overrides: tuple[tuple[CouncilId, Rules], ...] = ()

    def rules_for(self, council: CouncilId) -> Rules:
        for cid, rules in self.overrides:
            if cid == council:
                return rules
        return self.defaults


DEFAULT = Constitution()

_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def _method(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise _bad(where, value, "a counting method name")
    try:
        REGISTRY.get(value)
    except NotFound:
        raise _bad(where, value, "one of " + ", ".join(REGISTRY.names())) from None
    return value


def _bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise _bad(where, value, "true or false")
    return value


def _fraction(value: object, where: str) -> tuple[int, int]:
    match = _FRACTION.match(value) if isinstance(value, str) else None
    if match is None:
        raise _bad(where, value, 'a fraction such as "1/2"')
    num, den = int(match[1]), int(match[2])
    if den == 0 or num == 0 or num > den:
        raise _bad(where, value, "a fraction above 0 and at most 1")
    return num, den


def _choice(*options: str) -> Callable[[object, str], str]:
    def check(value: object, where: str) -> str:
        if value not in options:
            raise _bad(where, value, " or ".join(f'"{o}"' for o in options))
        return str(value)

    return check


#: section → key → (Rules field, validator). The one table of what a constitution may say.
_SCHEMA: dict[str, dict[str, tuple[str, Callable[[object, str], Any]]]] = {
    "methods": {
        "single": ("methods_single", _method),
        "multi": ("methods_multi", _method),
    },
    "ballots": {
        "secret": ("ballots_secret", _bool),
        "secret_in_councils": ("ballots_secret_in_councils", _bool),
    },
    "recall": {
        "threshold": ("recall_threshold", _fraction),
        "comparison": ("recall_comparison", _choice("more-than", "at-least")),
    },
    "vacancy": {
        "rule": ("vacancy_rule", _choice("countback", "by-election")),
    },
}


def parse_constitution(data: Mapping[str, object]) -> Constitution:
    """Validate a constitution read from TOML (or JSON). Unknown keys are errors, not ignored:
    a misspelt ``treshold`` silently falling back to the default would be worse than refusing.
    """
    for key in data:
        if key not in _SCHEMA and key not in ("councils", "version"):
            raise _unknown(key)
    if "version" in data and data["version"] != 1:
        raise _bad("version", data["version"], "1")
    defaults = _rules(data, Rules(), "")
    overrides: list[tuple[CouncilId, Rules]] = []
    councils = data.get("councils", {})
    if not isinstance(councils, Mapping):
        raise _bad("councils", councils, "a table of councils")
    for cid, table in councils.items():
        where = f"councils.{cid}"
        if not isinstance(table, Mapping):
            raise _bad(where, table, "a table")
        for key in table:
            if key not in _SCHEMA:
                raise _unknown(f"{where}.{key}")
        overrides.append((CouncilId(str(cid)), _rules(table, defaults, where + ".")))
    return Constitution(defaults, tuple(sorted(overrides, key=lambda pair: pair[0])))


def _rules(data: Mapping[str, object], base: Rules, prefix: str) -> Rules:
    changes: dict[str, Any] = {}
    for section, keys in _SCHEMA.items():
        table = data.get(section, {})
        if not isinstance(table, Mapping):
            raise _bad(prefix + section, table, "a table")
        for key, value in table.items():
            where = f"{prefix}{section}.{key}"
            if key not in keys:
                raise _unknown(where)
            attr, check = keys[key]
            changes[attr] = check(value, where)
    return replace(base, **changes)


def _unknown(where: str) -> InvalidCommand:
    return InvalidCommand(
        "constitution.unknown_key",
        f"constitution: unknown key {where!r} (see docs/constitution.md)",
        {"key": where},
    )


def _bad(where: str, value: object, expected: str) -> InvalidCommand:
    return InvalidCommand(
        "constitution.bad_value",
        f"constitution: {where} = {value!r}: expected {expected}",
        {"key": where, "value": repr(value), "expected": expected},
    )
