"""The demo's two logins: an organiser and a member, with passwords everybody knows.

Known passwords are only acceptable because the demo is a throwaway federation on the
visitor's own machine (``councils demo`` rebuilds it on every run); ``councils serve`` never
makes an account by itself.

- ``@organiser`` ("Demo organiser", organiser@demo.invalid): the demo appoints this handle
  organiser of every council (:data:`councils.sim.demo_data.DEMO_ORGANISER`), so it can create
  constituencies, register members and open and close elections anywhere in the demo.
- A member (member@demo.invalid), active and holding no seat, who can vote in an election
  under way (the demo leaves the Russian Renault Works' open) and sign a recall petition under
  way (many of that works' members live in the Vyborg District, where one is), having done
  neither yet. Chosen from the built state, not by a fixed id, so a change of the demo's seed or
  data still yields someone who can act; :func:`demo_member` says what they can do, and
  ``councils demo`` prints where.

``.invalid`` is the top-level domain reserved never to exist (RFC 2606): nothing can be sent to
these addresses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from councils.domain.errors import NotFound
from councils.domain.ids import ConstituencyId, ElectionId, MemberId
from councils.domain.view import StateView
from councils.service.uow import UnitOfWork
from councils.sim.demo_data import DEMO_ORGANISER
from councils.storage.accounts import SqlAccounts

__all__ = [
    "MEMBER_EMAIL",
    "MEMBER_PASSWORD",
    "ORGANISER",
    "ORGANISER_EMAIL",
    "ORGANISER_PASSWORD",
    "DemoLogin",
    "DemoMember",
    "demo_member",
    "make_demo_accounts",
]

ORGANISER = DEMO_ORGANISER
ORGANISER_NAME = "Demo organiser"
ORGANISER_EMAIL = "organiser@demo.invalid"
ORGANISER_PASSWORD = "organiser-demo-1917"
MEMBER_EMAIL = "member@demo.invalid"
MEMBER_PASSWORD = "member-demo-1917"


@dataclass(frozen=True)
class DemoLogin:
    """One login to print: who it is, how to log in, and (for the member) what they can do:
    the open election they can vote in and the constituency whose recall petition they can
    sign, if any."""

    role: str
    actor: str
    name: str
    email: str
    password: str
    election: ElectionId | None = None
    recall: ConstituencyId | None = None


@dataclass(frozen=True)
class DemoMember:
    """The demo member and what they can do now: an open election they have not voted in, a
    constituency where they can sign a petition they have not signed (``None`` if none)."""

    member: MemberId
    election: ElectionId | None
    recall: ConstituencyId | None


def demo_member(view: StateView) -> DemoMember:
    """A member who can act: active, holding no seat, free to vote in an open election of one
    of their constituencies (not voted, not a candidate) and to sign a recall petition in one of
    them (not signed, not a delegate of it). One who can do both if anyone can, else one or the
    other, else any active member; the first such by id, the first election and petition by
    id, so the choice is the same on every run."""
    elections = sorted(
        (e for e in view.elections() if e.status == "open"), key=lambda e: e.election
    )
    petitions = sorted(view.petitions(), key=lambda p: (p.constituency, p.delegate))
    signers = {
        (p.constituency, p.delegate): set(view.signatures(p.constituency, p.delegate))
        for p in petitions
    }
    delegates = {p.constituency: {s.holder for s in view.seats(p.constituency)} for p in petitions}
    best: tuple[int, DemoMember] | None = None
    for m in sorted(view.members(), key=lambda m: m.member):
        if not m.active or view.seats_held_by(m.member):
            continue
        mine = set(view.memberships(m.member))
        vote = next(
            (
                e.election
                for e in elections
                if e.constituency in mine
                and m.member not in e.candidates
                and not view.has_voted(e.election, m.member)
            ),
            None,
        )
        sign = next(
            (
                p.constituency
                for p in petitions
                if view.in_electorate(p.constituency, m.member)
                and m.member not in delegates[p.constituency]
                and m.member not in signers[p.constituency, p.delegate]
            ),
            None,
        )
        score = (vote is not None) + (sign is not None)
        if best is None or score > best[0]:
            best = (score, DemoMember(m.member, vote, sign))
            if score == 2:
                break
    if best is None:
        raise NotFound("member.not_found", "the demo has no active member free to act", {})
    return best[1]


def make_demo_accounts(factory: Callable[[], UnitOfWork], accounts: SqlAccounts) -> list[DemoLogin]:
    """Make the demo's organiser and member accounts with their known passwords."""
    with factory() as uow:
        chosen = demo_member(uow.view)
        name = uow.view.member(chosen.member).name
    logins = [
        DemoLogin("organiser", ORGANISER, ORGANISER_NAME, ORGANISER_EMAIL, ORGANISER_PASSWORD),
        DemoLogin(
            "member",
            chosen.member,
            name,
            MEMBER_EMAIL,
            MEMBER_PASSWORD,
            chosen.election,
            chosen.recall,
        ),
    ]
    for login in logins:
        invitation = accounts.create(login.actor, login.name, login.email)
        session, _ = accounts.accept(invitation, login.password)
        accounts.logout(session)  # accepting logs in; nobody's browser holds this session
    return logins
