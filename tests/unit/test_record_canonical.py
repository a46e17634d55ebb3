"""The canonical entry encoding: one entry, one byte string (docs/record-format.md)."""

from __future__ import annotations

import json
from types import MappingProxyType

import pytest

from councils.domain.errors import InvalidCommand, RecordCorrupt
from councils.record.canonical import INT_LIMIT, MAX_DEPTH, check, decode, encode

SIGNED = {"type": "recall.signed", "v": 1, "delegate": "m017", "signer": "m204"}


def test_keys_sorted_no_whitespace_utf8() -> None:
    entry = {"v": 1, "type": "recall.signed", "zeta": "ž", "Alpha": [3, -2, {"b": "", "a": 0}]}
    assert encode(entry) == (
        '{"Alpha":[3,-2,{"a":0,"b":""}],"type":"recall.signed","v":1,"zeta":"ž"}'.encode()
    )


def test_keys_sort_by_code_point_which_is_utf8_byte_order() -> None:
    keys = ["b", "a", "B", "é", "\uffff", "\U0001f600", "aa", ""]
    entry = {"type": "x.y", "v": 1, **{k: 1 for k in keys}}
    data = encode(entry)
    order = list(json.loads(data))
    assert order == sorted(order)
    assert order == sorted(order, key=lambda k: k.encode("utf-8"))


def test_string_escapes_exactly_as_documented() -> None:
    s = "".join(chr(c) for c in range(0x20)) + '"\\/\x7f\u2028\U0001f600é'
    data = encode({"type": "x.y", "v": 1, "s": s})
    body = data.decode()[len('{"s":"') : -len('","type":"x.y","v":1}')]
    assert body == (
        "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
        "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019"
        '\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\\"\\\\/\x7f\u2028\U0001f600é'
    )
    assert b"\n" not in data  # so one entry is always one line of entries.jsonl
    assert decode(data)["s"] == s


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({**SIGNED, "ok": True}, "ok"),
        ({**SIGNED, "x": None}, "x"),
        ({**SIGNED, "share": 0.5}, "share"),
        ({**SIGNED, "ballot": {"ranking": ["a", "b", False]}}, "ballot.ranking[2]"),
        ({**SIGNED, "n": INT_LIMIT}, "n"),
        ({**SIGNED, "n": -INT_LIMIT}, "n"),
        ({**SIGNED, "s": "\ud800"}, "s"),
        ({**SIGNED, "a b": 1.0}, '["a b"]'),
        ({**SIGNED, "m": {1: "x"}}, "m"),
        ({**SIGNED, "b": b"bytes"}, "b"),
        ({"v": 1, "delegate": "m017"}, "type"),
        ({**SIGNED, "type": "Recall"}, "type"),
        ({**SIGNED, "type": "recall"}, "type"),
        ({**SIGNED, "v": 0}, "v"),
        ({**SIGNED, "v": "1"}, "v"),
        ({**SIGNED, "v": True}, "v"),
    ],
)
def test_refused_values_name_their_field(entry: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidCommand) as err:
        encode(entry)
    assert err.value.code == "record.not_encodable"
    assert err.value.args_["field"] == field
    assert field in err.value.message


def test_the_integer_range_is_inclusive_of_2_63_minus_1() -> None:
    top = INT_LIMIT - 1
    assert decode(encode({**SIGNED, "n": top, "m": -top})) == {**SIGNED, "n": top, "m": -top}


def test_nesting_is_limited() -> None:
    deep: object = "leaf"
    for _ in range(MAX_DEPTH - 1):
        deep = [deep]
    assert decode(encode({**SIGNED, "d": deep}))["d"] == deep
    with pytest.raises(InvalidCommand):
        encode({**SIGNED, "d": [deep]})
    with pytest.raises(RecordCorrupt):
        decode(b'{"d":' + b"[" * 5000 + b"]" * 5000 + b',"type":"x.y","v":1}')


def test_other_mappings_and_tuples_encode_as_objects_and_arrays() -> None:
    proxy = MappingProxyType({"type": "x.y", "v": 1, "t": (1, "a")})
    assert encode(proxy) == b'{"t":[1,"a"],"type":"x.y","v":1}'


def test_decode_round_trips() -> None:
    data = encode(SIGNED)
    assert decode(data) == SIGNED
    assert encode(decode(data)) == data


@pytest.mark.parametrize(
    "text",
    [
        b'{"delegate":"m017", "signer":"m204","type":"recall.signed","v":1}',  # a space
        b'{"signer":"m204","delegate":"m017","type":"recall.signed","v":1}',  # key order
        b'{"delegate":"m017","delegate":"m017","signer":"m204","type":"recall.signed","v":1}',
        b'{"n":1.0,"type":"x.y","v":1}',
        b'{"n":1e2,"type":"x.y","v":1}',
        b'{"n":-0,"type":"x.y","v":1}',
        b'{"n":01,"type":"x.y","v":1}',
        b'{"n":NaN,"type":"x.y","v":1}',
        b'{"n":true,"type":"x.y","v":1}',
        b'{"n":null,"type":"x.y","v":1}',
        b'{"n":9223372036854775808,"type":"x.y","v":1}',
        b'{"s":"\\u00e9","type":"x.y","v":1}',  # escaped where canonical is raw UTF-8
        b'{"s":"\\/","type":"x.y","v":1}',
        b'{"s":"\\u001F","type":"x.y","v":1}',  # upper-case hex
        b'{"s":"\\ud800","type":"x.y","v":1}',  # a lone surrogate
        b'{"s":"\xff","type":"x.y","v":1}',  # not UTF-8
        b'\xef\xbb\xbf{"type":"x.y","v":1}',  # a byte-order mark
        b'{"type":"x.y","v":1}\n',
        b'["type","x.y"]',
        b'{"type":"x.y"}',
        b"",
    ],
)
def test_decode_refuses_every_other_spelling(text: bytes) -> None:
    with pytest.raises(RecordCorrupt) as err:
        decode(text)
    assert err.value.code == "record.not_canonical"


def test_check_returns_none_for_a_good_entry() -> None:
    assert check(SIGNED) is None
    assert check("not a mapping") == ("(entry)", "an entry must be an object")
