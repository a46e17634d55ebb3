"""The count of a closed election, round by round, for its page.

The record keeps what a recount needs, not the rounds: the ballots (published in
``election.closed`` for a secret election, public with their voters for an open one), the
method and seats fixed in ``election.opened``, the candidates withdrawn at the close and the
seed of any lot. Counting them again with the same method is deterministic, so the rounds shown
are the rounds that elected the winners, and anyone holding the record can redo them
(:func:`councils.domain.tally.order_of_election` is the same count).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from councils.counting import REGISTRY, Count, Profile
from councils.domain.entities import Election
from councils.domain.view import StateView
from councils.web.charts import rounds_svg

__all__ = ["CountTable", "count_of"]


@dataclass(frozen=True)
class CountTable:
    """A count laid out as a returning officer's sheet: one row per candidate, one column per
    round; ``None`` where the candidate takes no part (withdrawn or already out)."""

    method: str
    quota: str | None
    rounds: list[tuple[int, str]]
    rows: list[tuple[str, list[str | None], str]]
    non_transferable: list[str]
    notes: list[tuple[int, str]]
    svg: str


def recount(view: StateView, election: Election, names: dict[str, str]) -> Count | None:
    """The count of a closed election, over its candidates as ``names`` labels them; ``None``
    if it is open, or every candidate was withdrawn (nothing was counted)."""
    if election.status != "closed" or all(c in election.withdrawn for c in election.candidates):
        return None
    ballots = view.ballots(election.election)
    labels = [names.get(c, c) for c in election.candidates]
    if len(set(labels)) != len(labels):  # two namesakes: fall back to names with ids
        labels = [f"{names.get(c, c)} ({c})" for c in election.candidates]
    label = dict(zip(election.candidates, labels, strict=True))
    profile = Profile.from_ballots(
        labels,
        [[label[c] for c in b.ranking] for b in ballots],
        [b.weight for b in ballots],
        withdrawn=sorted(label[c] for c in election.withdrawn),
    )
    method = REGISTRY.get(election.method)
    return method.count(profile, len(election.seats), seed=election.seed)


def _fmt(value: Decimal | None) -> str | None:
    if value is None:
        return None
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def count_of(view: StateView, election: Election, names: dict[str, str]) -> CountTable | None:
    count = recount(view, election, names)
    if count is None:
        return None
    rows = []
    for i, name in enumerate(count.candidates):
        cells = [_fmt(r.totals[i]) if i < len(r.totals) else None for r in count.rounds]
        if i in count.elected:
            outcome = f"elected ({count.elected.index(i) + 1})"
        elif any(i in r.excluded for r in count.rounds):
            outcome = "excluded"
        elif all(c is None for c in cells):
            outcome = "withdrawn"
        else:
            outcome = "not elected"
        rows.append((name, cells, outcome))
    rows.sort(key=lambda r: (not r[2].startswith("elected"), r[2], r[0]))
    return CountTable(
        count.method,
        _fmt(count.quota),
        [(r.number, r.action) for r in count.rounds],
        rows,
        [_fmt(r.non_transferable) or "0" for r in count.rounds],
        [(r.number, note) for r in count.rounds for note in r.notes],
        rounds_svg(count, title=election.election),
    )
