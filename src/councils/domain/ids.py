"""Typed identifiers: a member id can never be passed where a council id is expected.

IDs are chosen by the people who create things (``"putilov"``, ``"m017"``) or, for what the
rules create by themselves (an election opened for a vacancy), supplied by the service layer;
the domain never invents one. At run time each is a plain ``str``, so events stay encodable.
"""

from __future__ import annotations

from typing import NewType

__all__ = [
    "Actor",
    "ConstituencyId",
    "CouncilId",
    "ElectionId",
    "FactionId",
    "MemberId",
    "Timestamp",
]

CouncilId = NewType("CouncilId", str)
ConstituencyId = NewType("ConstituencyId", str)
FactionId = NewType("FactionId", str)
MemberId = NewType("MemberId", str)
ElectionId = NewType("ElectionId", str)
#: Who issues a command (a member id, or an operator's name); checked where a rule says "only
#: the member themselves".
Actor = NewType("Actor", str)
#: An ISO 8601 timestamp, supplied with a command; the domain stores and compares it, never reads
#: a clock.
Timestamp = NewType("Timestamp", str)
