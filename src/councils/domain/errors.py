"""The one tree of errors that Councils raises for anything a user can get wrong.

::

    CouncilError                 every error a user can cause; has .code, .message, .args_
    ├── InvalidCommand   (422)   a command or input that is malformed or names nonsense
    │   └── ParseError           a file that cannot be read: knows its FILE and LINE
    ├── NotAuthenticated (401)   nobody is logged in, or the log-in failed (no actor known)
    ├── NotPermitted     (403)   the actor may not do this
    ├── NotFound         (404)   a named thing does not exist
    ├── RuleViolation    (409)   well-formed, but the constitution or a counting rule forbids it
    ├── Conflict         (409)   clashes with the current state (double vote, duplicate id)
    └── RecordCorrupt            the public record fails verification

Each error carries a stable ``code`` (``parse.blt.bad_weight``) that programs may match on, a
message for people, and its arguments. The API turns them into ``{"code", "message", "args",
"index"}``; the CLI prints one line on stderr and exits non-zero. Nothing else is raised for a
user's mistake: a traceback means a bug in Councils.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

__all__ = [
    "Conflict",
    "CouncilError",
    "InvalidCommand",
    "NotAuthenticated",
    "NotFound",
    "NotPermitted",
    "ParseError",
    "RecordCorrupt",
    "RuleViolation",
    "inconsistent",
    "not_found",
    "petition_not_found",
]

Arg = str | int | float | bool | None


class CouncilError(Exception):
    """Base of every error a user can cause. ``code`` is stable; ``message`` is for people."""

    http_status: ClassVar[int] = 400

    def __init__(self, code: str, message: str, args: Mapping[str, Arg] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.args_: dict[str, Arg] = dict(args or {})
        #: In a batch, the 0-based position of the command that failed (set by the bus).
        self.index: int | None = None

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"code": self.code, "message": self.message, "args": self.args_}
        if self.index is not None:
            out["index"] = self.index
        return out


class InvalidCommand(CouncilError):
    """The input is malformed: a wrong field, a wrong type, an impossible value."""

    http_status = 422


class ParseError(InvalidCommand):
    """A file that cannot be read. Prints as ``FILE:LINE: what is wrong``.

    ``line`` is 1-based; 0 means the file as a whole (empty, binary, truncated at its end).
    """

    def __init__(self, file: str, line: int, what: str, code: str = "parse.invalid") -> None:
        super().__init__(code, f"{file}:{line}: {what}", {"file": file, "line": line, "what": what})
        self.file = file
        self.line = line
        self.what = what


class NotAuthenticated(CouncilError):
    """Nobody is logged in (no session, no API token), or a log-in was refused
    (``login.failed``, ``login.limited`` with ``retry_after`` seconds). Apart from
    :class:`NotPermitted` because the answer differs: log in first, rather than "you may not"."""

    http_status = 401


class NotPermitted(CouncilError):
    """The actor is not allowed to do this."""

    http_status = 403


class NotFound(CouncilError):
    """A named thing (council, member, election, candidate, method) does not exist."""

    http_status = 404


class RuleViolation(CouncilError):
    """Well-formed, but a rule (of the constitution or of a counting method) forbids it."""

    http_status = 409


class Conflict(CouncilError):
    """Clashes with the current state: a second ballot, a duplicate identifier."""

    http_status = 409


class RecordCorrupt(CouncilError):
    """The public record does not verify."""

    http_status = 500


def not_found(noun: str, key: object) -> NotFound:
    """``{noun}.not_found``: no council, member, election… ``key`` (what every store raises)."""
    return NotFound(f"{noun}.not_found", f"no {noun} {key}", {noun: str(key)})


def petition_not_found(constituency: str, delegate: str) -> NotFound:
    """``recall.not_found``: no open petition to recall ``delegate`` in ``constituency``."""
    return NotFound(
        "recall.not_found",
        f"no petition to recall {delegate} in {constituency}",
        {"constituency": constituency, "delegate": delegate},
    )


def inconsistent(what: str) -> RecordCorrupt:
    """``state.inconsistent``: state that no sequence of events can produce (a bug, or a store
    edited by hand); raised alike by the SQL store, the in-memory store and the policies."""
    return RecordCorrupt("state.inconsistent", f"inconsistent state: {what}", {"what": what})
