"""Command family ``member.register``, ``member.join``, ``member.leave``.

Rules:

- a member registers in one workplace or territory constituency and may join further ones (a
  workplace and a district); the electorate of a ``council`` constituency is never joined, it is
  whoever holds a seat in the lower council (``member.council_constituency``);
- a member id is never reused, even after the member left (``member.exists``);
- factions are labels on members: the faction must exist (``faction.not_found``);
- leaving the federation (``member.leave``) ends every membership; the seats the member holds are
  vacated by the ``member.left`` policy (:mod:`councils.domain.policies`), with the cascade.
  Only the member themselves may leave (``member.not_self``) when the command names an actor;
- registering a member in a constituency, or letting a member join one, is for an organiser
  of the constituency's council (``council.not_organiser``) when the command names an actor.
"""

from __future__ import annotations

from councils.domain.checks import active_member, require_organiser, require_self
from councils.domain.commands import JoinConstituency, LeaveFederation, RegisterMember
from councils.domain.context import Context
from councils.domain.entities import Constituency
from councils.domain.errors import Conflict, RuleViolation
from councils.domain.events import Event, MemberJoined, MemberLeft, MemberRegistered
from councils.domain.ids import ConstituencyId
from councils.domain.view import StateView

__all__ = ["join", "leave", "register"]


def register(cmd: RegisterMember, view: StateView, ctx: Context) -> list[Event]:
    constituency = _base(view, cmd.constituency)
    require_organiser(
        ctx, view, constituency.council, f"register members in {constituency.constituency}"
    )
    if view.has_member(cmd.member):
        raise Conflict(
            "member.exists", f"member {cmd.member} already exists", {"member": cmd.member}
        )
    if cmd.faction is not None:
        view.faction(cmd.faction)
    return [MemberRegistered(cmd.member, cmd.name, cmd.constituency, cmd.faction)]


def join(cmd: JoinConstituency, view: StateView, ctx: Context) -> list[Event]:
    constituency = _base(view, cmd.constituency)
    require_organiser(
        ctx, view, constituency.council, f"add members to {constituency.constituency}"
    )
    active_member(view, cmd.member)
    if cmd.constituency in view.memberships(cmd.member):
        raise Conflict(
            "member.already_in_constituency",
            f"member {cmd.member} already belongs to {cmd.constituency}",
            {"member": cmd.member, "constituency": cmd.constituency},
        )
    return [MemberJoined(cmd.member, cmd.constituency)]


def leave(cmd: LeaveFederation, view: StateView, ctx: Context) -> list[Event]:
    require_self(ctx, cmd.member, "member.not_self", "leave the federation")
    active_member(view, cmd.member)
    return [MemberLeft(cmd.member, view.memberships(cmd.member))]


def _base(view: StateView, cid: ConstituencyId) -> Constituency:
    constituency = view.constituency(cid)
    if not constituency.is_base:
        raise RuleViolation(
            "member.council_constituency",
            f"{cid} is a constituency of kind council: its electorate is whoever holds a seat "
            f"in {constituency.of}, nobody registers or joins it",
            {"constituency": cid},
        )
    return constituency
