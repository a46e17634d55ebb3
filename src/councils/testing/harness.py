"""A federation in memory, driven through the real message bus: the tests' and simulator's door.

::

    fed = Federation()
    fed("council.create", council="city", name="City soviet")
    fed.run({"command": "member.register", ...}, {...})   # one batch, all or nothing
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from councils.domain.commands import Command
from councils.domain.constitution import DEFAULT, Constitution
from councils.domain.errors import CouncilError
from councils.domain.ids import ConstituencyId
from councils.domain.snapshot import snapshot
from councils.service.bus import Result, execute
from councils.testing.memory import InMemoryState
from councils.testing.record import InMemoryRecord
from councils.testing.supply import FixedSupply
from councils.testing.uow import InMemoryUnitOfWork

__all__ = ["Federation"]


class Federation:
    def __init__(self, constitution: Constitution = DEFAULT, seed: int = 0) -> None:
        self.uow = InMemoryUnitOfWork(constitution)
        self.supply = FixedSupply(seed)

    def run(self, *commands: Command | Mapping[str, object]) -> list[Result]:
        """Execute one batch."""
        return execute(commands, self.uow, supply=self.supply)

    def __call__(self, command: str, **fields: object) -> Result:
        """Execute one command given as its name and fields."""
        return self.run({"command": command, **fields})[0]

    @property
    def view(self) -> InMemoryState:
        return self.uow.state

    @property
    def record(self) -> InMemoryRecord:
        return self.uow.record

    def refuses(self, code: str, command: str, **fields: object) -> CouncilError:
        """Run one command that must be refused with ``code``, and check it changed nothing
        (state and record). Returns the error, for its class, message and args."""
        before, size = self.snapshot(), len(self.record)
        try:
            self(command, **fields)
        except CouncilError as err:
            if err.code != code:
                raise AssertionError(f"expected {code}, got {err.code}: {err}") from err
            if self.snapshot() != before or len(self.record) != size:
                raise AssertionError(f"{command} was refused but changed the state") from err
            return err
        raise AssertionError(f"{command} was not refused (expected {code})")

    def elect(
        self,
        election: str,
        constituency: str,
        candidates: Sequence[str],
        ballots: Mapping[str, Sequence[str]],
    ) -> list[Result]:
        """Open an election, cast ``ballots`` (voter → ranking) and close it, in one batch."""
        batch: list[Mapping[str, object]] = [
            {
                "command": "election.open",
                "election": election,
                "constituency": constituency,
                "candidates": list(candidates),
            }
        ]
        batch += [
            {"command": "ballot.cast", "election": election, "voter": v, "ranking": list(r)}
            for v, r in ballots.items()
        ]
        batch.append({"command": "election.close", "election": election})
        return self.run(*batch)

    def holders(self, constituency: str) -> list[str | None]:
        """Who holds each seat of the constituency, by seat number."""
        return [s.holder for s in self.view.seats(ConstituencyId(constituency))]

    def types(self) -> list[str]:
        """The types of every record entry so far, in order."""
        return [str(e["type"]) for e in self.record.entries]

    def snapshot(self) -> dict[str, object]:
        return snapshot(self.view)
