"""Command family ``council.create``, ``constituency.create``, ``faction.create``: the shape of
the federation.

Rules:

- ids are unique within their kind, forever (``council.exists``, ``constituency.exists``,
  ``faction.exists``);
- a constituency elects ``seats`` ≥ 1 seats in an existing council; its kind is ``workplace``,
  ``territory`` or ``council``; a ``council`` constituency names the lower council ``of`` whose
  seated members are its electorate, a base one names none;
- councils elect councils upwards only: a ``council`` constituency may not make a council elect
  itself, directly or through others (``constituency.cycle``), which is what makes the cascade
  end;
- an explicit counting method must exist;
- anyone may found a council or a faction; the founder (the command's ``actor``) becomes the
  council's first organiser (``organiser.appointed``, :mod:`councils.domain.organisers`); only
  an organiser of a council may create its constituencies (``council.not_organiser``).
"""

from __future__ import annotations

from councils.counting import REGISTRY
from councils.domain.checks import require_organiser
from councils.domain.commands import CreateConstituency, CreateCouncil, CreateFaction
from councils.domain.context import Context
from councils.domain.entities import KINDS
from councils.domain.errors import Conflict, InvalidCommand, RuleViolation
from councils.domain.events import (
    ConstituencyCreated,
    CouncilCreated,
    Event,
    FactionCreated,
    OrganiserAppointed,
)
from councils.domain.ids import CouncilId
from councils.domain.organisers import check_actor
from councils.domain.view import StateView

__all__ = ["create_constituency", "create_council", "create_faction"]


def create_council(cmd: CreateCouncil, view: StateView, ctx: Context) -> list[Event]:
    if view.has_council(cmd.council):
        raise Conflict(
            "council.exists", f"council {cmd.council} already exists", {"council": cmd.council}
        )
    if ctx.actor is None:
        return [CouncilCreated(cmd.council, cmd.name)]
    check_actor(ctx.actor)
    return [CouncilCreated(cmd.council, cmd.name), OrganiserAppointed(cmd.council, ctx.actor)]


def create_faction(cmd: CreateFaction, view: StateView, ctx: Context) -> list[Event]:
    if view.has_faction(cmd.faction):
        raise Conflict(
            "faction.exists", f"faction {cmd.faction} already exists", {"faction": cmd.faction}
        )
    return [FactionCreated(cmd.faction, cmd.name)]


def create_constituency(cmd: CreateConstituency, view: StateView, ctx: Context) -> list[Event]:
    cid = cmd.constituency
    view.council(cmd.council)
    require_organiser(ctx, view, cmd.council, f"create constituencies in {cmd.council}")
    if view.has_constituency(cid):
        raise Conflict(
            "constituency.exists", f"constituency {cid} already exists", {"constituency": cid}
        )
    if cmd.kind not in KINDS:
        raise InvalidCommand(
            "constituency.bad_kind",
            f"constituency.create: kind must be one of {', '.join(KINDS)}, not {cmd.kind!r}",
            {"kind": cmd.kind},
        )
    if cmd.seats < 1:
        raise InvalidCommand(
            "constituency.bad_seats",
            f"constituency.create: seats must be at least 1, not {cmd.seats}",
            {"seats": cmd.seats},
        )
    if cmd.kind == "council":
        if cmd.of is None:
            raise InvalidCommand(
                "constituency.of_required",
                'constituency.create: a constituency of kind "council" needs "of", the lower '
                "council whose seated members elect",
                {"constituency": cid},
            )
        view.council(cmd.of)
        _refuse_cycle(view, lower=cmd.of, higher=cmd.council)
    elif cmd.of is not None:
        raise InvalidCommand(
            "constituency.of_not_allowed",
            f'constituency.create: "of" is only for constituencies of kind "council", not '
            f"{cmd.kind!r}",
            {"constituency": cid},
        )
    if cmd.method is not None:
        REGISTRY.get(cmd.method)
    ballot = None if cmd.secret is None else ("secret" if cmd.secret else "open")
    return [
        ConstituencyCreated(
            cid, cmd.name, cmd.kind, cmd.council, cmd.seats, cmd.of, cmd.method, ballot
        )
    ]


def _refuse_cycle(view: StateView, lower: CouncilId, higher: CouncilId) -> None:
    """Refuse ``lower`` electing into ``higher`` if ``higher`` already elects, through any chain
    of council constituencies, into ``lower`` (or is it)."""
    seen: set[CouncilId] = set()
    todo = [higher]
    while todo:
        council = todo.pop()
        if council == lower:
            raise RuleViolation(
                "constituency.cycle",
                f"council {lower} cannot elect into {higher}: "
                + (
                    "a council cannot elect itself"
                    if lower == higher
                    else f"{higher} already elects into {lower}"
                ),
                {"of": lower, "council": higher},
            )
        if council in seen:
            continue
        seen.add(council)
        todo.extend(k.council for k in view.council_constituencies_of(council))
