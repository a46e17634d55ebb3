"""What a verification found: every failure, each with what went wrong and where.

DESIGN.md ("Conventions"): verification returns a report listing every failure, not a bool.
A verifier keeps going after a failure wherever the rest can still be checked, so that one run
tells a federation everything that is wrong with its record, not just the first thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from councils.domain.errors import RecordCorrupt

__all__ = ["Failure", "Report"]


@dataclass(frozen=True)
class Failure:
    """One thing that does not verify.

    ``what`` says what is wrong, for people; ``where`` names the place (a file and line, an
    entry index, a tree head); ``code`` is stable for programs (``record.entry_changed``);
    ``index`` is the 0-based index of the log entry concerned, when there is one.
    """

    what: str
    where: str
    code: str = field(kw_only=True)
    index: int | None = field(default=None, kw_only=True)

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass
class Report:
    """The failures of one verification (empty means it verified) and notes of what was checked.

    ``notes`` tell a reader what a passing report covered ("1000 entries", "3 signed heads"),
    so that "ok" is never taken to mean more than was actually checked.
    """

    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures

    def fail(self, code: str, what: str, where: str, index: int | None = None) -> None:
        """Record one failure."""
        self.failures.append(Failure(what, where, code=code, index=index))

    def note(self, text: str) -> None:
        """Record what was checked."""
        self.notes.append(text)

    def extend(self, other: Report) -> None:
        """Take in the failures and notes of ``other``."""
        self.failures.extend(other.failures)
        self.notes.extend(other.notes)

    def codes(self) -> list[str]:
        """The codes of the failures, in order (handy for programs and tests)."""
        return [f.code for f in self.failures]

    def indices(self) -> list[int]:
        """The entry indices that failures name, in order, without repeats."""
        seen: dict[int, None] = {}
        for f in self.failures:
            if f.index is not None:
                seen.setdefault(f.index, None)
        return list(seen)

    def __iter__(self) -> Iterator[Failure]:
        return iter(self.failures)

    def raise_if_failed(self) -> None:
        """Raise :class:`RecordCorrupt` naming the first failure and how many there are."""
        if self.failures:
            first = self.failures[0]
            more = f" (and {len(self.failures) - 1} more)" if len(self.failures) > 1 else ""
            raise RecordCorrupt(
                first.code,
                f"the record does not verify: {first}{more}",
                {"failures": len(self.failures), "where": first.where},
            )

    @classmethod
    def of(cls, failures: Iterable[Failure]) -> Report:
        """A report with these failures."""
        return cls(failures=list(failures))
