"""The demo's two logins: an organiser and a member, with passwords everybody knows.

Known passwords are only acceptable because the demo is a throwaway federation on the
visitor's own machine (``councils demo`` rebuilds it on every run); ``councils serve`` never
makes an account by itself.

- ``@organiser`` ("Demo organiser", organiser@demo.invalid): the demo appoints this handle
  organiser of every council (:data:`councils.sim.demo_data.DEMO_ORGANISER`), so it can create
  constituencies, register members and open and close elections anywhere in the demo.
- A member of the Putilov Works (member@demo.invalid): active, holding no seat, who has not
  signed the Putilov petition, so they can sign it (or vote, if an election is open there).
  Chosen from the built state, not by a fixed id, so a change of the demo's seed or data
  still yields someone who can act.

``.invalid`` is the top-level domain reserved never to exist (RFC 2606): nothing can be sent to
these addresses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from councils.domain.errors import NotFound
from councils.domain.ids import ConstituencyId, MemberId
from councils.domain.view import StateView
from councils.service.uow import UnitOfWork
from councils.sim.demo_data import DEMO_ORGANISER
from councils.storage.accounts import SqlAccounts

__all__ = [
    "DEMO_CONSTITUENCY",
    "MEMBER_EMAIL",
    "MEMBER_PASSWORD",
    "ORGANISER",
    "ORGANISER_EMAIL",
    "ORGANISER_PASSWORD",
    "DemoLogin",
    "demo_member",
    "make_demo_accounts",
]

ORGANISER = DEMO_ORGANISER
ORGANISER_NAME = "Demo organiser"
ORGANISER_EMAIL = "organiser@demo.invalid"
ORGANISER_PASSWORD = "organiser-demo-1917"
MEMBER_EMAIL = "member@demo.invalid"
MEMBER_PASSWORD = "member-demo-1917"
#: Where the demo member works.
DEMO_CONSTITUENCY = ConstituencyId("putilov")


@dataclass(frozen=True)
class DemoLogin:
    """One login to print: who it is, and how to log in."""

    role: str
    actor: str
    name: str
    email: str
    password: str


def demo_member(view: StateView, constituency: ConstituencyId = DEMO_CONSTITUENCY) -> MemberId:
    """A member of ``constituency`` who can act there now: active, in its electorate, holding
    no seat in it, not yet voted in its open election (if any), not a signer of its petitions
    (so they can sign one). The first such by id, so the choice is the same on every run."""
    if not view.has_constituency(constituency):
        raise NotFound(
            "constituency.not_found",
            f"the demo has no constituency {constituency}",
            {"constituency": constituency},
        )
    holders = {s.holder for s in view.seats(constituency)}
    signers = {
        s
        for p in view.petitions_in(constituency)
        for s in view.signatures(constituency, p.delegate)
    }
    open_elections = view.open_elections(constituency)
    candidates = sorted(
        m.member
        for m in view.members()
        if m.active
        and m.member not in holders
        and m.member not in signers
        and view.in_electorate(constituency, m.member)
        and not any(view.has_voted(e.election, m.member) for e in open_elections)
    )
    if not candidates:
        raise NotFound(
            "member.not_found",
            f"no member of {constituency} is free to act in the demo",
            {"constituency": constituency},
        )
    return candidates[0]


def make_demo_accounts(factory: Callable[[], UnitOfWork], accounts: SqlAccounts) -> list[DemoLogin]:
    """Make the demo's organiser and member accounts with their known passwords."""
    with factory() as uow:
        member = demo_member(uow.view)
        name = uow.view.member(member).name
    logins = [
        DemoLogin("organiser", ORGANISER, ORGANISER_NAME, ORGANISER_EMAIL, ORGANISER_PASSWORD),
        DemoLogin("member", member, name, MEMBER_EMAIL, MEMBER_PASSWORD),
    ]
    for login in logins:
        invitation = accounts.create(login.actor, login.name, login.email)
        session, _ = accounts.accept(invitation, login.password)
        accounts.logout(session)  # accepting logs in; nobody's browser holds this session
    return logins
