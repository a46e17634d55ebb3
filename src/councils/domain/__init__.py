"""The rules of council democracy. Pure: no I/O, no clock, no randomness."""

from councils.domain.errors import (
    Conflict,
    CouncilError,
    InvalidCommand,
    NotFound,
    NotPermitted,
    ParseError,
    RecordCorrupt,
    RuleViolation,
)

__all__ = [
    "Conflict",
    "CouncilError",
    "InvalidCommand",
    "NotFound",
    "NotPermitted",
    "ParseError",
    "RecordCorrupt",
    "RuleViolation",
]
