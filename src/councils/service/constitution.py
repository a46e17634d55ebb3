"""Reading the constitution file (TOML). The rules themselves are checked in
:func:`councils.domain.constitution.parse_constitution`; this adds the file name to the error."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from councils.domain.constitution import Constitution, parse_constitution
from councils.domain.errors import InvalidCommand, ParseError

__all__ = ["load_constitution"]

_AT_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def load_constitution(path: str | Path) -> Constitution:
    """The constitution in ``path``; :class:`ParseError` if it is not TOML,
    :class:`InvalidCommand` (``constitution.unknown_key`` / ``bad_value``) naming the key."""
    file = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise ParseError(
            file, 0, f"cannot read: {err.strerror}", "constitution.unreadable"
        ) from None
    except UnicodeDecodeError:
        raise ParseError(file, 0, "not UTF-8 text", "constitution.unreadable") from None
    except tomllib.TOMLDecodeError as err:
        match = _AT_LINE.search(str(err))
        line = int(match[1]) if match else 0
        what = _AT_LINE.sub("", str(err)).strip()
        raise ParseError(file, line, what, "constitution.not_toml") from None
    try:
        return parse_constitution(data)
    except InvalidCommand as err:
        raise InvalidCommand(err.code, f"{file}: {err.message}", err.args_) from None
