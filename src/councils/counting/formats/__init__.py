"""Ballot files: read BLT, PrefLib and CSV into a :class:`~councils.counting.Profile`; write BLT.

The formats and their error messages are described for organisers in docs/formats.md.

Every reader takes the file's bytes and a name to use in messages, and either returns a
profile or raises :class:`~councils.domain.errors.ParseError` (``FILE:LINE: what is wrong``);
no other exception escapes for bad input (a property test feeds them arbitrary bytes).
:func:`read_profile` is the one function here that touches the file system.
"""

from __future__ import annotations

import os
from typing import Final

from councils.counting.formats._common import ProgressCallback
from councils.counting.formats.blt import parse_blt, write_blt
from councils.counting.formats.csvformat import parse_csv
from councils.counting.formats.preflib import parse_preflib
from councils.counting.profile import Profile
from councils.domain.errors import ParseError

__all__ = [
    "FORMATS",
    "ProgressCallback",
    "parse_blt",
    "parse_csv",
    "parse_preflib",
    "read_profile",
    "write_blt",
]

#: The formats :func:`read_profile` knows, by name.
FORMATS: Final = ("blt", "preflib", "csv")

_BY_EXTENSION: Final[dict[str, tuple[str, str | None]]] = {
    ".blt": ("blt", None),
    ".soi": ("preflib", "soi"),
    ".soc": ("preflib", "soc"),
    ".toi": ("preflib", "toi"),
    ".toc": ("preflib", "toc"),
    ".csv": ("csv", None),
}


def read_profile(
    path: str | os.PathLike[str],
    fmt: str | None = None,
    *,
    on_progress: ProgressCallback | None = None,
) -> Profile:
    """Read a ballot file into an effective profile.

    ``fmt`` is ``"blt"``, ``"preflib"`` or ``"csv"``; ``None`` takes it from the extension
    (``.blt``; ``.soi .soc .toi .toc``; ``.csv``). ``on_progress(done_bytes, total_bytes)`` is
    called while a large file is read. A file that cannot be opened or read is a
    :class:`ParseError` on line 0, like any other unreadable input.
    """
    name = os.fspath(path)
    ext = os.path.splitext(name)[1].lower()
    known = _BY_EXTENSION.get(ext)
    if fmt is None:
        if known is None:
            choices = ", ".join(sorted(_BY_EXTENSION))
            raise ParseError(
                name,
                0,
                f"cannot tell the ballot format from the file name; name the file "
                f"{choices}, or give the format ({', '.join(FORMATS)})",
                "parse.unknown_format",
            )
        fmt = known[0]
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ParseError(
            name,
            0,
            f"unknown ballot format {fmt!r}; choose one of {', '.join(FORMATS)}",
            "parse.unknown_format",
        )
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as err:
        raise ParseError(
            name, 0, f"cannot read the file: {err.strerror or err}", "parse.unreadable"
        ) from None
    if fmt == "preflib":
        kind = known[1] if known is not None and known[0] == "preflib" else None
        return parse_preflib(data, name, kind, on_progress)
    if fmt == "csv":
        return parse_csv(data, name, on_progress)
    return parse_blt(data, name, on_progress)
