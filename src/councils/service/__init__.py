"""The service layer: runs commands (parse, decide, record, apply, policies) in a unit of work.

``councils apply FILE.jsonl`` is ``execute([json.loads(line) for line in lines], uow)``;
``councils state --json`` is :func:`state_json` over the unit of work's view; ``councils
verify`` compares :func:`~councils.domain.snapshot.snapshot` of the stored state with that of
:func:`replay` of the record.
"""

from councils.service.bus import Result, execute
from councils.service.constitution import load_constitution
from councils.service.parsing import parse_command
from councils.service.registry import COMMANDS, CommandRegistry, Handler
from councils.service.replay import replay, replay_into
from councils.service.state import state_json
from councils.service.supply import RecordSupply
from councils.service.uow import RecordSink, UnitOfWork

__all__ = [
    "COMMANDS",
    "CommandRegistry",
    "Handler",
    "RecordSink",
    "RecordSupply",
    "Result",
    "UnitOfWork",
    "execute",
    "load_constitution",
    "parse_command",
    "replay",
    "replay_into",
    "state_json",
]
