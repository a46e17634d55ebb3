"""Typed identifiers: a member id can never be passed where a council id is expected.

IDs are chosen by the people who create things (``"putilov"``, ``"m017"``) or, for what the
rules create by themselves (an election opened for a vacancy), supplied by the service layer;
the domain never invents one. At run time each is a plain ``str``, so events stay encodable.
"""

from __future__ import annotations

import re
from typing import NewType

__all__ = [
    "ACTOR_PATTERN",
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
#: Who issues a command: a member id (a member's account), or ``@handle`` for an organiser who
#: is not a member (``@`` is not allowed in ids, so the two never clash). Checked where a rule
#: says "only the member themselves" or "an organiser of the council".
Actor = NewType("Actor", str)
#: What an actor who is appointed organiser must look like: an id (letters, digits and
#: ``. _ : - ~``, starting with a letter or digit, up to 128 characters), optionally after ``@``.
ACTOR_PATTERN = re.compile(r"^@?[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$")
#: An ISO 8601 timestamp, supplied with a command; the domain stores and compares it, never reads
#: a clock.
Timestamp = NewType("Timestamp", str)
