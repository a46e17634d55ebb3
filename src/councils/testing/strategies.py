"""Hypothesis strategies for commands, as JSON objects the bus accepts.

Each takes the ids it may use (so that a caller, such as the state machine in
tests/property/test_council_state_machine.py or the simulator, can aim most commands at things
that exist) and returns a strategy of one command. Invalid commands are welcome: a refused
command must leave the state untouched, which is itself a property worth testing.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

__all__ = [
    "ballot_cast",
    "election_close",
    "election_nominate",
    "election_open",
    "member_join",
    "member_leave",
    "member_register",
    "organiser_appoint",
    "rankings",
    "recall_sign",
    "recall_withdraw",
]

Command = dict[str, object]


def rankings(candidates: Sequence[str]) -> st.SearchStrategy[list[str]]:
    """A ranking of some of ``candidates``, each at most once (possibly blank)."""
    if not candidates:
        return st.just([])
    return st.permutations(list(candidates)).flatmap(
        lambda order: st.integers(0, len(order)).map(lambda n: list(order[:n]))
    )


def _pick(options: Sequence[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(list(options)) if options else st.just("nobody")


def organiser_appoint(
    councils: Sequence[str], organisers: Sequence[str], actors: Sequence[str | None]
) -> st.SearchStrategy[Command]:
    """An appointment of one of ``organisers`` (member ids, ``@handles``, or nonsense) in one
    of ``councils``, made by one of ``actors`` (``None``: the operator)."""
    return st.builds(
        lambda council, organiser, actor: {
            "command": "organiser.appoint",
            "council": council,
            "organiser": organiser,
            **({} if actor is None else {"actor": actor}),
        },
        _pick(councils),
        _pick(organisers),
        st.sampled_from(list(actors)) if actors else st.none(),
    )


def member_register(member: str, constituencies: Sequence[str]) -> st.SearchStrategy[Command]:
    return st.fixed_dictionaries(
        {
            "command": st.just("member.register"),
            "member": st.just(member),
            "name": st.just(member.upper()),
            "constituency": _pick(constituencies),
        }
    )


def member_join(
    members: Sequence[str], constituencies: Sequence[str]
) -> st.SearchStrategy[Command]:
    return st.fixed_dictionaries(
        {
            "command": st.just("member.join"),
            "member": _pick(members),
            "constituency": _pick(constituencies),
        }
    )


def member_leave(members: Sequence[str]) -> st.SearchStrategy[Command]:
    return st.fixed_dictionaries({"command": st.just("member.leave"), "member": _pick(members)})


def election_open(
    election: str, constituencies: Sequence[str], candidates: Sequence[str]
) -> st.SearchStrategy[Command]:
    return st.fixed_dictionaries(
        {
            "command": st.just("election.open"),
            "election": st.just(election),
            "constituency": _pick(constituencies),
            "candidates": st.lists(_pick(candidates), min_size=1, max_size=4, unique=True)
            if candidates
            else st.just([]),
        }
    )


def election_nominate(election: str, candidates: Sequence[str]) -> st.SearchStrategy[Command]:
    return st.fixed_dictionaries(
        {
            "command": st.just("election.nominate"),
            "election": st.just(election),
            "candidate": _pick(candidates),
        }
    )


def ballot_cast(
    election: str, voters: Sequence[str], candidates: Sequence[str]
) -> st.SearchStrategy[Command]:
    return st.fixed_dictionaries(
        {
            "command": st.just("ballot.cast"),
            "election": st.just(election),
            "voter": _pick(voters),
            "ranking": rankings(candidates),
        }
    )


def election_close(election: str) -> st.SearchStrategy[Command]:
    return st.just({"command": "election.close", "election": election})


def recall_sign(
    constituency: str, delegates: Sequence[str], signers: Sequence[str]
) -> st.SearchStrategy[Command]:
    return st.fixed_dictionaries(
        {
            "command": st.just("recall.sign"),
            "constituency": st.just(constituency),
            "delegate": _pick(delegates),
            "signer": _pick(signers),
        }
    )


def recall_withdraw(
    constituency: str, delegate: str, signers: Sequence[str]
) -> st.SearchStrategy[Command]:
    return st.fixed_dictionaries(
        {
            "command": st.just("recall.withdraw"),
            "constituency": st.just(constituency),
            "delegate": st.just(delegate),
            "signer": _pick(signers),
        }
    )
