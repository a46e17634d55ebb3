"""Random command sequences against the real bus over the in-memory store.

After every step (the issue's four invariants, and two more the rules imply):

1. every holder belongs to the electorate of their seat's constituency;
2. nobody holds a seat through a ``council`` constituency without a seat in the lower council;
3. no voter has two ballots in one election (nor an election more ballots than voters);
4. replaying the record gives the same state;
5. no recall petition stands at its threshold (the mandate would have ended at once);
6. nobody holds two seats of one constituency;
7. the organisers of each council are exactly those its ``organiser.appointed`` entries name,
   and every command with an actor that needs an organiser was made by one.

And a refused command changes neither the state nor the record.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from councils.domain.constitution import parse_constitution
from councils.domain.elections import free_seats
from councils.domain.errors import CouncilError
from councils.domain.snapshot import snapshot
from councils.service import replay
from councils.testing import Federation
from councils.testing import strategies as cs
from councils.testing.scenarios import PUTILOV, VYBORG, petrograd

BASE = ["putilov", "vyborg", "docks"]
COUNCILS = ["city", "region", "exec"]
HANDLES = ["@olga", "@ivan", "@vera", "not an actor"]
#: Commands that, made by an actor, need an organiser of the council (election.nominate: or
#: the candidate themselves).
ORGANISERS_ONLY = {"organiser.appoint", "election.open", "election.close"}


class CouncilMachine(RuleBasedStateMachine):
    fed: Federation

    @initialize(
        vacancy=st.sampled_from(["countback", "by-election"]),
        multi=st.sampled_from(["scottish-stv", "plurality"]),
    )
    def start(self, vacancy: str, multi: str) -> None:
        self.fed = petrograd(
            parse_constitution({"vacancy": {"rule": vacancy}, "methods": {"multi": multi}})
        )
        self.fed(
            "constituency.create",
            constituency="docks",
            name="Docks",
            kind="workplace",
            council="city",
            seats=3,
        )
        self.fed("organiser.appoint", council="city", organiser="@olga")
        self.members = [*PUTILOV, *VYBORG]
        self.next_member = 100
        self.next_election = 1
        self.refused = 0
        # Start with seats filled, so that recalls and cascades happen early.
        self.fed.elect("s1", "putilov", PUTILOV[:3], {m: PUTILOV[:3] for m in PUTILOV})
        self.fed.elect("s2", "vyborg", VYBORG, {m: VYBORG for m in VYBORG})
        self.fed.elect("s3", "city-delegation", ["m1", "m6"], {"m1": ["m1"], "m6": ["m6"]})

    # ------------------------------------------------------------------ helpers

    def run(self, command: dict[str, object]) -> None:
        before, size = snapshot(self.fed.view), len(self.fed.record)
        allowed = self.may(command)
        try:
            self.fed.run(command)
        except CouncilError as err:
            self.refused += 1
            assert snapshot(self.fed.view) == before, command
            assert len(self.fed.record) == size, command
            assert allowed or err.code in {"council.not_organiser", "organiser.bad_actor"}, (
                command,
                err.code,
            )
        else:
            assert allowed, command

    def may(self, command: dict[str, object]) -> bool:
        """Whether the actor of ``command`` may make it, by the roles alone (the state may
        still refuse it for other reasons): the rule of invariant 7, decided independently."""
        actor = command.get("actor")
        name = command["command"]
        if actor is None or name not in ORGANISERS_ONLY:
            return True
        view = self.fed.view
        if name == "organiser.appoint":
            council = str(command["council"])
        else:
            election = str(command["election"])
            if name == "election.open":
                constituency = str(command["constituency"])
            elif view.has_election(election):  # type: ignore[arg-type]
                constituency = view.election(election).constituency  # type: ignore[arg-type]
            else:
                return True  # refused for not existing, whoever asks
            if not view.has_constituency(constituency):  # type: ignore[arg-type]
                return True
            council = view.constituency(constituency).council  # type: ignore[arg-type]
        if not view.has_council(council):  # type: ignore[arg-type]
            return True
        return actor in view.organisers(council)  # type: ignore[arg-type]

    def constituencies(self) -> list[str]:
        return [k.constituency for k in self.fed.view.constituencies()]

    def electorate(self, constituency: str) -> list[str]:
        return [m for m in self.members if self.fed.view.in_electorate(constituency, m)]  # type: ignore[arg-type]

    def open_elections(self) -> list[str]:
        return [e.election for e in self.fed.view.elections() if e.status == "open"]

    def mandates(self) -> list[tuple[str, str]]:
        return [
            (s.constituency, s.holder)
            for k in self.fed.view.constituencies()
            for s in self.fed.view.seats(k.constituency)
            if s.holder is not None
        ]

    # ------------------------------------------------------------------ rules

    @rule(data=st.data())
    def register(self, data: st.DataObject) -> None:
        member = f"m{self.next_member}"
        self.next_member += 1
        self.run(data.draw(cs.member_register(member, [*BASE, "city-delegation"])))
        self.members.append(member)

    @rule(data=st.data())
    def join(self, data: st.DataObject) -> None:
        self.run(data.draw(cs.member_join(self.members, BASE)))

    @rule(data=st.data(), often=st.integers(0, 3))
    def leave(self, data: st.DataObject, often: int) -> None:
        if often == 0:  # leaving is final: keep it rarer than the rest
            self.run(data.draw(cs.member_leave(self.members)))

    @rule(data=st.data())
    def open(self, data: st.DataObject) -> None:
        free = [k for k in self.constituencies() if free_seats(self.fed.view, k)]  # type: ignore[arg-type]
        constituency = data.draw(st.sampled_from(free or self.constituencies()))
        election = f"e{self.next_election}"
        self.next_election += 1
        pool = self.electorate(constituency) or self.members
        self.run(data.draw(cs.election_open(election, [constituency], pool)))

    @precondition(lambda self: bool(self.open_elections()))
    @rule(data=st.data())
    def nominate(self, data: st.DataObject) -> None:
        election = self.fed.view.election(data.draw(st.sampled_from(self.open_elections())))  # type: ignore[arg-type]
        pool = self.electorate(election.constituency) or self.members
        self.run(data.draw(cs.election_nominate(election.election, pool)))

    @precondition(lambda self: bool(self.open_elections()))
    @rule(data=st.data(), outsider=st.booleans(), n=st.integers(1, 3))
    def cast(self, data: st.DataObject, outsider: bool, n: int) -> None:
        election = self.fed.view.election(data.draw(st.sampled_from(self.open_elections())))  # type: ignore[arg-type]
        voters = self.members if outsider else self.electorate(election.constituency)
        for _ in range(n):
            self.run(data.draw(cs.ballot_cast(election.election, voters, election.candidates)))

    @precondition(lambda self: bool(self.open_elections()))
    @rule(data=st.data(), often=st.integers(0, 2))
    def close(self, data: st.DataObject, often: int) -> None:
        if often == 0:  # let ballots accumulate first
            self.run(
                data.draw(cs.election_close(data.draw(st.sampled_from(self.open_elections()))))
            )

    @rule(data=st.data())
    def appoint(self, data: st.DataObject) -> None:
        organised = sorted({o for c in COUNCILS for o in self.fed.view.organisers(c)})  # type: ignore[arg-type]
        actors: list[str | None] = [None, None, *organised, *self.members[:2]]
        candidates = [*HANDLES, *self.members[:4]]
        self.run(data.draw(cs.organiser_appoint(COUNCILS, candidates, actors)))

    @rule(data=st.data(), closing=st.booleans())
    def act_as(self, data: st.DataObject, closing: bool) -> None:
        """Open or close an election as an organiser, or as someone who is not one."""
        organised = sorted({o for c in COUNCILS for o in self.fed.view.organisers(c)})  # type: ignore[arg-type]
        actor = data.draw(st.sampled_from(organised) | st.sampled_from(self.members[:3]))
        if closing and self.open_elections():
            command = data.draw(
                cs.election_close(data.draw(st.sampled_from(self.open_elections())))
            )
        else:
            election = f"e{self.next_election}"
            self.next_election += 1
            free = [k for k in self.constituencies() if free_seats(self.fed.view, k)]  # type: ignore[arg-type]
            constituency = data.draw(st.sampled_from(free or self.constituencies()))
            pool = self.electorate(constituency) or self.members
            command = data.draw(cs.election_open(election, [constituency], pool))
        self.run({**command, "actor": actor})

    @precondition(lambda self: bool(self.mandates()))
    @rule(data=st.data(), outsider=st.booleans())
    def sign(self, data: st.DataObject, outsider: bool) -> None:
        constituency, delegate = data.draw(st.sampled_from(self.mandates()))
        signers = self.members if outsider else self.electorate(constituency)
        self.run(data.draw(cs.recall_sign(constituency, [delegate], signers)))

    @precondition(lambda self: any(True for _ in self.fed.view.petitions()))
    @rule(data=st.data())
    def withdraw(self, data: st.DataObject) -> None:
        petition = data.draw(st.sampled_from(list(self.fed.view.petitions())))
        signers = self.fed.view.signatures(petition.constituency, petition.delegate)
        command = cs.recall_withdraw(petition.constituency, petition.delegate, signers or ["x"])
        self.run(data.draw(command))

    # ------------------------------------------------------------------ invariants

    @invariant()
    def holders_belong_to_the_electorate(self) -> None:
        view = self.fed.view
        for k in view.constituencies():
            for seat in view.seats(k.constituency):
                if seat.holder is not None:
                    assert view.in_electorate(k.constituency, seat.holder), seat

    @invariant()
    def council_seats_rest_on_a_seat_below(self) -> None:
        view = self.fed.view
        for k in view.constituencies():
            if k.of is None:
                continue
            for seat in view.seats(k.constituency):
                if seat.holder is not None:
                    assert view.holds_seat_in(k.of, seat.holder), seat

    @invariant()
    def nobody_votes_twice(self) -> None:
        cast = Counter(
            (e["election"], e["voter"])
            for e in self.fed.record.entries
            if e["type"] == "ballot.cast"
        )
        assert all(n == 1 for n in cast.values())
        for election in self.fed.view.elections():
            ballots = sum(b.weight for b in self.fed.view.ballots(election.election))
            assert ballots == self.fed.view.turnout(election.election)

    @invariant()
    def replay_gives_the_same_state(self) -> None:
        assert snapshot(replay(self.fed.record.entries)) == snapshot(self.fed.view)

    @invariant()
    def no_petition_stands_at_its_threshold(self) -> None:
        view = self.fed.view
        for p in view.petitions():
            needed = p.needed(view.electorate_size(p.constituency))
            assert view.counted_signatures(p.constituency, p.delegate) < needed, p

    @invariant()
    def organisers_are_what_the_record_appointed(self) -> None:
        view = self.fed.view
        appointed: dict[str, set[str]] = {c.council: set() for c in view.councils()}
        for e in self.fed.record.entries:
            if e["type"] == "organiser.appointed":
                appointed[str(e["council"])].add(str(e["organiser"]))
        for council, organisers in appointed.items():
            assert set(view.organisers(council)) == organisers  # type: ignore[arg-type]
            for o in organisers:
                assert council in view.organised_by(o)  # type: ignore[arg-type]

    @invariant()
    def one_seat_per_member_per_constituency(self) -> None:
        held = Counter(self.mandates())
        assert all(n == 1 for n in held.values()), held


TestCouncilStateMachine = CouncilMachine.TestCase
TestCouncilStateMachine.settings = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.slow
def test_council_state_machine_long_runs() -> None:
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(
        CouncilMachine,
        settings=settings(
            max_examples=200,
            stateful_step_count=60,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
