"""axe-core (from npm, injected into the page) finds no serious or critical violation on any
kind of page the site serves, as the demo fills them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

#: One page of each kind, and the variants that render differently (open ballots, a council's
#: delegation, the top council, an election under way, a 404).
PAGES = [
    "/",
    "/councils/petrograd",
    "/councils/northern-executive",
    "/constituencies/putilov",
    "/constituencies/petrograd-delegation",
    "/elections/putilov-1917",
    "/elections/petrograd-delegation-1917",
    "/elections/renault-1917",
    "/councils/nowhere",
]

#: The impacts that fail the test; "minor" and "moderate" ones are reported, not failed.
BLOCKING = {"serious", "critical"}


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:5]]
        lines.append(
            f"{v['impact']}: {v['id']} ({v['help']}), {len(v['nodes'])} element(s): "
            + "; ".join(targets)
        )
    return "\n".join(lines)


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_or_critical_violation(page: Any, axe_path: Path, path: str) -> None:
    page.goto(path)
    page.add_script_tag(path=str(axe_path))
    result = page.evaluate("async () => await axe.run(document)")
    assert result["passes"], "axe ran no check"
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"axe on {path}:\n{_describe(blocking)}"
