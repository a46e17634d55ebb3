"""Every registered command has its page (docs/commands/<name>.md, with the five sections) and a
test file that mentions it (DESIGN.md, "One vocabulary of commands")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from councils.service import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ["Payload", "Rules", "Who may", "Events", "Errors"]
TESTS = [p for p in (ROOT / "tests").rglob("test_*.py") if p.name != Path(__file__).name]


@pytest.mark.parametrize("name", COMMANDS.names())
def test_the_command_has_a_page_with_the_five_sections(name: str) -> None:
    page = ROOT / "docs" / "commands" / f"{name}.md"
    assert page.exists(), f"{page.relative_to(ROOT)} is missing"
    headings = re.findall(r"^## (.+)$", page.read_text(), flags=re.M)
    assert headings == SECTIONS


@pytest.mark.parametrize("name", COMMANDS.names())
def test_the_command_has_a_test(name: str) -> None:
    assert any(f'"{name}"' in p.read_text() for p in TESTS), f"no test mentions {name!r}"


@pytest.mark.parametrize("name", COMMANDS.names())
def test_the_page_lists_every_field_of_the_command(name: str) -> None:
    from dataclasses import fields

    text = (ROOT / "docs" / "commands" / f"{name}.md").read_text()
    for f in fields(COMMANDS.get(name).command):
        assert f"| `{f.name}` |" in text, f"{name}: field {f.name} is not documented"


def test_no_page_without_a_command() -> None:
    pages = {p.stem for p in (ROOT / "docs" / "commands").glob("*.md")}
    assert pages <= set(COMMANDS.names())
