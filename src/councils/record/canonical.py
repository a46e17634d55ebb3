"""The canonical encoding of a record entry: one entry, one byte string, and only one.

An entry's bytes are what the Merkle log hashes (RFC 9162 §2.1.1: the leaf input), so the
encoding must be unambiguous: if two byte strings could stand for one entry, a log could show
a verifier one and a court the other. The rules (docs/record-format.md, "Canonical entries"):

* a JSON object, UTF-8, no whitespace, keys sorted by Unicode code point (the same order as
  their UTF-8 bytes), no duplicate keys;
* values are only strings, integers with ``|n| < 2**63``, lists and objects — no ``true``,
  ``false``, ``null`` or fractions, whose text forms are not unique across JSON libraries;
* strings are written as ``json.dumps(..., ensure_ascii=False)`` writes them: ``"`` and ``\\``
  escaped, ``\\b \\f \\n \\r \\t`` as two-character escapes, other characters below U+0020 as
  ``\\u00xx`` (lower-case hex), everything else (DEL, U+2028, non-BMP) as raw UTF-8; lone
  surrogates are refused because they have no UTF-8 form;
* the top-level object has ``"type"`` (a dotted lower-case name such as ``recall.signed``) and
  ``"v"`` (the version of that type's fields, an integer >= 1);
* containers nest at most :data:`MAX_DEPTH` deep.

:func:`decode` accepts a byte string only if :func:`encode` of what it parses gives back the
same bytes, so every non-canonical spelling (spaces, ``\\u00e9`` for ``é``, ``1.0``, ``-0``,
reordered or repeated keys) is refused rather than silently normalised.
"""

from __future__ import annotations

import json
import json.scanner
import re
from collections.abc import Callable, Mapping
from typing import Any, NoReturn, cast

from councils.domain.errors import InvalidCommand, RecordCorrupt

__all__ = ["INT_LIMIT", "MAX_DEPTH", "TYPE_PATTERN", "check", "decode", "encode"]

#: Integers must satisfy ``-INT_LIMIT < n < INT_LIMIT`` so that any 64-bit reader holds them.
INT_LIMIT = 2**63
#: The deepest nesting of lists and objects an entry may have (the top-level object is depth 1).
MAX_DEPTH = 32
#: What an entry's ``"type"`` looks like: dotted lower-case words, at least two.
TYPE_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def _path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        return f"{parent}.{key}" if parent else key
    return f"{parent}[{json.dumps(key, ensure_ascii=False)}]"


def _problem(value: object, path: str, depth: int) -> tuple[str, str] | None:
    """The first (path, reason) that makes ``value`` unencodable, walking depth-first."""
    if isinstance(value, bool) or value is None:
        return path, f"{json.dumps(value)} is not allowed (only strings and integers)"
    if isinstance(value, int):
        if not -INT_LIMIT < value < INT_LIMIT:
            return path, "integer out of range (|n| must be below 2**63)"
        return None
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path, "string holds a lone surrogate, which has no UTF-8 form"
        return None
    if isinstance(value, Mapping | list | tuple):
        if depth >= MAX_DEPTH:
            return path, f"nested more than {MAX_DEPTH} deep"
        if isinstance(value, Mapping):
            for key, item in value.items():
                if not isinstance(key, str):
                    return path, f"key {key!r} is not a string"
                try:
                    key.encode("utf-8")
                except UnicodeEncodeError:
                    return path, "a key holds a lone surrogate, which has no UTF-8 form"
                found = _problem(item, _path(path, key), depth + 1)
                if found:
                    return found
        else:
            for i, item in enumerate(value):
                found = _problem(item, _path(path, i), depth + 1)
                if found:
                    return found
        return None
    kind = type(value).__name__
    return path, f"a {kind} is not allowed (only strings, integers, lists and objects)"


def _fast_ok(entry: Any, keys_known_str: bool = False) -> bool:
    """A quick yes for the common case: the value tree holds only allowed types, in range, not
    too deep. (Surrogates are caught when the text is encoded.) Any "no" is explained by the
    slow walk of :func:`check`, which builds field paths. ``keys_known_str``: the value came
    from a JSON parser, whose keys are always strings."""
    if type(entry) is not dict:
        return False
    kind, version = entry.get("type"), entry.get("v")
    if type(kind) is not str or not TYPE_PATTERN.fullmatch(kind):
        return False
    if type(version) is not int or version < 1:
        return False
    limit = INT_LIMIT
    stack: list[tuple[Any, int]] = [(entry, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if type(value) is dict:
            if not keys_known_str:
                for key in value:
                    if type(key) is not str:
                        return False
            value = value.values()
        for item in value:
            kind_of = type(item)
            if kind_of is str:
                continue
            if kind_of is int:
                if not -limit < item < limit:
                    return False
            elif kind_of is dict or kind_of is list:
                stack.append((item, depth + 1))
            else:
                return False
    return True


def check(entry: object) -> tuple[str, str] | None:
    """Why ``entry`` cannot be encoded, as ``(field path, reason)``, or None if it can.

    The field path names the offending value the way a reader finds it: ``ballot.ranking[2]``.
    """
    if not isinstance(entry, Mapping):
        return "(entry)", "an entry must be an object"
    kind = entry.get("type")
    if not isinstance(kind, str) or not TYPE_PATTERN.fullmatch(kind):
        return "type", 'every entry needs a "type" like "recall.signed" (dotted lower-case words)'
    version = entry.get("v")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return "v", 'every entry needs a "v": its version, an integer >= 1'
    return _problem(entry, "", 1)


def encode(entry: Mapping[str, object]) -> bytes:
    """The canonical bytes of ``entry`` (the leaf input of the Merkle log).

    Raises :class:`InvalidCommand` (``record.not_encodable``) naming the field path of the first
    value that the encoding does not allow.
    """
    if not _fast_ok(entry):
        found = check(entry)
        if found:
            _not_encodable(*found)
        entry = _plain(entry)  # tuples or other mappings: what JSON calls arrays and objects
    try:
        return _dumps(entry).encode("utf-8")
    except UnicodeEncodeError:
        _not_encodable(*(check(entry) or ("(entry)", "a string has no UTF-8 form")))


def _not_encodable(path: str, reason: str) -> NoReturn:
    raise InvalidCommand(
        "record.not_encodable",
        f"cannot put this entry on the record: {path}: {reason}",
        {"field": path, "reason": reason},
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not allowed")


def _refuse_float(text: str) -> object:
    raise ValueError(f"{text} is not an integer")


#: The C scanner of a decoder that refuses fractions and NaN/Infinity; ``decode`` calls it
#: directly (it returns the value and where it ended) to skip ``JSONDecoder.decode``'s wrapper.
_scan: Callable[[str, int], tuple[object, int]] = json.scanner.make_scanner(
    cast(Any, json.JSONDecoder(parse_float=_refuse_float, parse_constant=_refuse_constant))
)


def decode(data: bytes) -> dict[str, object]:
    """The entry that ``data`` canonically encodes.

    Raises :class:`RecordCorrupt` (``record.not_canonical``) unless ``data`` is exactly
    ``encode(entry)`` for some entry, so that no second spelling of an entry can verify.
    """

    def refuse(reason: str) -> RecordCorrupt:
        return RecordCorrupt(
            "record.not_canonical", f"not a canonical entry: {reason}", {"reason": reason}
        )

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(f"not UTF-8 (byte {exc.start})") from None
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        raise refuse("not JSON (no value at the start)") from None
    except (ValueError, RecursionError) as exc:
        raise refuse(f"not JSON ({exc})") from None
    if end != len(text):
        raise refuse(f"not JSON (extra data after character {end})")
    if not _fast_ok(value, keys_known_str=True):
        path, reason = check(value) or ("(entry)", "cannot be encoded")
        raise refuse(f"{path}: {reason}")
    entry = cast(dict[str, object], value)
    if _dumps(entry) != text:
        found = check(entry)
        if found:  # a lone surrogate, written as an escape
            raise refuse(f"{found[0]}: {found[1]}")
        raise refuse("not in canonical form (whitespace, key order, escapes or number spelling)")
    return entry
