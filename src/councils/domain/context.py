"""What a decision needs from outside the domain: the constitution, and a :class:`Supply` of
the things the domain may not make itself (fresh ids, random tokens, lot seeds).

Why a protocol: the domain is pure (no clock, no randomness), yet secret ballots need random
tokens and ties need lots. The service layer supplies them (tokens from :mod:`secrets`, seeds
from the record's root at the moment of the draw); tests supply fixed ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from councils.domain.constitution import DEFAULT, Constitution
from councils.domain.ids import Actor

__all__ = ["Context", "Supply"]


class Supply(Protocol):
    def token(self) -> str:
        """A fresh unguessable token (the storage key of a secret ballot)."""
        ...

    def new_id(self, hint: str) -> str:
        """A fresh id, unused so far, for something the rules create by themselves (an election
        opened for a vacancy); ``hint`` may be used in it (``"putilov"`` → ``"putilov~41"``)."""
        ...

    def seed(self, context: str) -> int:
        """The seed (0 <= seed < 2**63) for the lots of the draw named ``context``
        (``"election e7"``), drawn now: the service derives it from the record's root at this
        moment, so anyone holding the record can redraw."""
        ...


@dataclass(frozen=True)
class Context:
    """Everything outside the command and the state that a decision may use."""

    supply: Supply
    constitution: Constitution = DEFAULT
    actor: Actor | None = None
