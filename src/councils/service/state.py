"""``councils state --json``: the federation as it stands, from any :class:`StateView`.

Who sits where and who organises each council, every constituency's electorate and holders,
every election's outcome, and every recall petition with its counted signatures and the
threshold that would end the mandate now.
"""

from __future__ import annotations

from councils.domain.view import StateView

__all__ = ["state_json"]


def state_json(view: StateView) -> dict[str, object]:
    constituencies = list(view.constituencies())
    return {
        "councils": [
            {
                "council": c.council,
                "name": c.name,
                "organisers": list(view.organisers(c.council)),
                "seats": [
                    {"constituency": s.constituency, "holder": s.holder}
                    for k in view.constituencies_electing(c.council)
                    for s in view.seats(k.constituency)
                ],
            }
            for c in view.councils()
        ],
        "constituencies": [
            {
                "constituency": k.constituency,
                "kind": k.kind,
                "council": k.council,
                "of": k.of,
                "seats": k.seats,
                "electorate": view.electorate_size(k.constituency),
                "holders": [s.holder for s in view.seats(k.constituency) if s.holder],
            }
            for k in constituencies
        ],
        "elections": [
            {
                "election": e.election,
                "constituency": e.constituency,
                "status": e.status,
                "elected": list(e.elected),
            }
            for e in view.elections()
        ],
        "recalls": [
            {
                "constituency": p.constituency,
                "delegate": p.delegate,
                "signatures": view.counted_signatures(p.constituency, p.delegate),
                "threshold": p.needed(view.electorate_size(p.constituency)),
            }
            for p in view.petitions()
        ],
    }
