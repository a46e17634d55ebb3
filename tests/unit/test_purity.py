"""The pure core never imports I/O frameworks (../DESIGN.md, "Layout")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "councils"
PURE = ["domain", "counting", "record"]
FORBIDDEN = {
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "typer",
    "click",
    "rich",
    "uvicorn",
    "psycopg",
    "httpx",
    "requests",
    "jinja2",
    "random",
    "secrets",
    "time",
    "datetime",
    "socket",
    "subprocess",
    "councils.storage",
    "councils.api",
    "councils.web",
    "councils.cli",
    "councils.service",
    "councils.sim",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", PURE)
def test_pure_packages_import_no_io_framework(package: str) -> None:
    offenders = []
    for path in sorted((SRC / package).rglob("*.py")):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


def test_the_walker_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlalchemy\nfrom rich.table import Table\n")
    assert _imports(bad) == {"sqlalchemy", "rich.table"}
