"""Small checks several command families share; each raises the error its rule names."""

from __future__ import annotations

from councils.domain.context import Context
from councils.domain.entities import Member
from councils.domain.errors import NotPermitted, RuleViolation
from councils.domain.ids import ConstituencyId, CouncilId, MemberId
from councils.domain.view import StateView

__all__ = ["active_member", "eligible", "require_organiser", "require_self"]


def require_self(ctx: Context, member: MemberId, code: str, doing: str) -> None:
    """Rule "only the member themselves": a command whose ``actor`` is someone else is refused.
    A command without an actor is the operator's (authentication is the API's business)."""
    if ctx.actor is not None and str(ctx.actor) != str(member):
        raise NotPermitted(
            code,
            f"{ctx.actor} may not {doing} for {member}: only {member} may",
            {"actor": ctx.actor, "member": member},
        )


def require_organiser(ctx: Context, view: StateView, council: CouncilId, doing: str) -> None:
    """Rule "an organiser of the council": a command with an ``actor`` who does not organise
    ``council`` is refused (``council.not_organiser``). A command without an actor is the
    operator's, who may do anything (``councils apply``, an operator's account); who the actor
    is, is the API's business (it fills in the logged-in account's actor)."""
    if ctx.actor is None or ctx.actor in view.organisers(council):
        return
    raise NotPermitted(
        "council.not_organiser",
        f"{ctx.actor} may not {doing}: only an organiser of council {council} may",
        {"actor": ctx.actor, "council": council},
    )


def active_member(view: StateView, member: MemberId) -> Member:
    """The member, who must exist (``member.not_found``) and not have left (``member.left``)."""
    m = view.member(member)
    if not m.active:
        raise RuleViolation("member.left", f"member {member} has left", {"member": member})
    return m


def eligible(view: StateView, constituency: ConstituencyId, member: MemberId) -> bool:
    """Whether ``member`` may stand for (or be given by countback) a seat of ``constituency``
    now: an active member of its electorate who holds no seat of it yet (one member, at most
    one seat per constituency)."""
    if not view.has_member(member) or not view.member(member).active:
        return False
    if not view.in_electorate(constituency, member):
        return False
    return not any(s.constituency == constituency for s in view.seats_held_by(member))
