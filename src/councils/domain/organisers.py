"""Command family ``organiser.appoint``: who organises a council.

Rules:

- an **organiser** of a council may create its constituencies, register members in them and
  let members join them, open, close and nominate for its elections, and appoint further
  organisers (:func:`councils.domain.checks.require_organiser`); the founder of a council (the
  actor of its ``council.create``) is its first organiser;
- an organiser is an actor: a member id, or ``@handle`` for an organiser who is not a member
  (``@`` is never part of an id, so the two never clash); anything else is refused
  (``organiser.bad_actor``);
- an organiser is appointed once per council (``organiser.already``); the appointment is on
  the record (``organiser.appointed``), so ``councils verify`` checks who may act, too.

A command with no actor is the operator's, who may appoint anyone.
"""

from __future__ import annotations

from councils.domain.checks import require_organiser
from councils.domain.commands import AppointOrganiser
from councils.domain.context import Context
from councils.domain.errors import Conflict, InvalidCommand
from councils.domain.events import Event, OrganiserAppointed
from councils.domain.ids import ACTOR_PATTERN
from councils.domain.view import StateView

__all__ = ["appoint", "check_actor"]


def appoint(cmd: AppointOrganiser, view: StateView, ctx: Context) -> list[Event]:
    check_actor(cmd.organiser)
    view.council(cmd.council)
    require_organiser(ctx, view, cmd.council, f"appoint organisers of {cmd.council}")
    if cmd.organiser in view.organisers(cmd.council):
        raise Conflict(
            "organiser.already",
            f"{cmd.organiser} is already an organiser of council {cmd.council}",
            {"council": cmd.council, "organiser": cmd.organiser},
        )
    return [OrganiserAppointed(cmd.council, cmd.organiser)]


def check_actor(actor: str) -> None:
    """Refuse what cannot be an actor (``organiser.bad_actor``): neither a member id nor
    ``@`` followed by one."""
    if not ACTOR_PATTERN.fullmatch(actor):
        raise InvalidCommand(
            "organiser.bad_actor",
            f"{actor!r} cannot be an organiser: an organiser is a member id or @handle "
            "(letters, digits and . _ : - ~, starting with a letter or digit, after an "
            "optional @)",
            {"organiser": actor},
        )
