"""The ballot form: numbers typed next to the candidates, read as a ranking.

The page works without JavaScript, so the form is what the member typed: a box per candidate
(``rank-<candidate id>``) holding 1 for the first choice, 2 for the next, and so on; a blank
box means "not ranked". A ranking is only what the member meant if the numbers are whole,
each used once, and run from 1 without a gap: a paper ballot with two "2"s or a "1" and a "3"
is spoiled or ambiguous, so the form refuses it and says which boxes, rather than guess.
Everything here is pure (no HTTP), so the rules are unit-tested on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["FIELD_PREFIX", "RankingForm", "parse_ranking", "rank_field"]

#: Each candidate's box is named ``rank-<candidate id>`` (ids never hold spaces or quotes).
FIELD_PREFIX = "rank-"


def rank_field(candidate: str) -> str:
    """The form field of ``candidate``'s box."""
    return FIELD_PREFIX + candidate


@dataclass(frozen=True)
class RankingForm:
    """What the form said: the numbers as typed (to show them again), and either the ranking
    (candidates, first choice first) or the problems (``errors``: candidate -> what is wrong
    with their box; ``message``: the whole form's problem, in words)."""

    typed: dict[str, str]
    ranking: tuple[str, ...] = ()
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""

    @property
    def ok(self) -> bool:
        return not self.message


def parse_ranking(
    form: Mapping[str, str], candidates: Sequence[str], names: Mapping[str, str] | None = None
) -> RankingForm:
    """Read the boxes of ``candidates`` from ``form``; fields of other names are ignored.

    ``names`` (candidate -> name) makes the messages speak of people rather than ids.
    """
    label = names or {}

    def who(c: str) -> str:
        return label.get(c, c)

    typed = {c: form.get(rank_field(c), "").strip() for c in candidates}
    errors: dict[str, str] = {}
    numbers: dict[str, int] = {}
    n = len(candidates)
    for c, text in typed.items():
        if not text:
            continue
        if not text.isdecimal() or not text.isascii():
            errors[c] = (
                f"“{text}” is not a whole number: type 1 for your first choice, 2 for the next…"
            )
            continue
        value = int(text)
        if not 1 <= value <= n:
            errors[c] = f"{value} is out of range: use the numbers 1 to {n}, or leave the box blank"
            continue
        numbers[c] = value
    if errors:
        return RankingForm(typed, errors=errors, message=_sentence(errors, who))
    by_number: dict[int, list[str]] = {}
    for c, value in numbers.items():
        by_number.setdefault(value, []).append(c)
    for value, same in sorted(by_number.items()):
        if len(same) > 1:
            for c in same:
                errors[c] = f"{value} is given to more than one candidate"
            return RankingForm(
                typed,
                errors=errors,
                message=f"You gave number {value} to "
                + _and([who(c) for c in same])
                + ": each number may be used once.",
            )
    used = sorted(by_number)
    for expected, value in enumerate(used, 1):
        if value != expected:
            for c in by_number[value]:
                errors[c] = f"{expected} is missing before {value}"
            return RankingForm(
                typed,
                errors=errors,
                message=f"Number {expected} is missing: number your choices 1, 2, 3… "
                "without a gap.",
            )
    ranking = tuple(by_number[value][0] for value in used)
    return RankingForm(typed, ranking=ranking)


def _sentence(errors: Mapping[str, str], name: Callable[[str], str]) -> str:
    first = next(iter(errors))
    more = len(errors) - 1
    extra = f" (and {more} more box{'es' if more != 1 else ''})" if more else ""
    return f"The box of {name(first)}: {errors[first]}{extra}."


def _and(words: list[str]) -> str:
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
