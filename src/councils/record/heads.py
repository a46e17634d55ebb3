"""Signed tree heads: the log operator's signed word "my log of N entries has this root".

RFC 9162 §4.10 has a log sign its tree heads so that anyone holding two of them can demand a
consistency proof (§2.1.4), and anyone holding one can check an inclusion proof (§2.1.3):
a log that showed different histories to different people would have signed two heads that
no consistency proof ties together. We sign with Ed25519 (RFC 8032) through ``cryptography``.

The signed bytes are the canonical encoding (:mod:`councils.record.canonical`) of::

    {"type": "tree.head", "v": 1, "log": LOG, "size": N, "root": HEX, "timestamp": MS}

``log`` names the log, so that a signature over one federation's head cannot be passed off as
another's; ``timestamp`` is milliseconds since 1970-01-01T00:00:00Z as the signer's clock read
it (the caller passes it in: nothing here reads a clock). The published head is that object
with one more key, ``"signature"`` (128 lower-case hex digits), canonically encoded on one line.

Keys are raw 32-byte Ed25519 keys (the private key is RFC 8032's 32-byte seed). Generating
them is the caller's business: this package draws no randomness.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from councils.domain.errors import InvalidCommand, RecordCorrupt
from councils.record import canonical
from councils.record.merkle import HASH_SIZE
from councils.record.report import Report

__all__ = [
    "HEAD_TYPE",
    "KEY_SIZE",
    "SIGNATURE_SIZE",
    "SignedTreeHead",
    "TreeHead",
    "parse_hex",
    "public_key_of",
]

HEAD_TYPE = "tree.head"
KEY_SIZE = 32
SIGNATURE_SIZE = 64

_HEX = re.compile(r"(?:[0-9a-f]{2})*")


def parse_hex(text: object, size: int | None, what: str) -> bytes:
    """Lower-case hex digits as bytes, of ``size`` bytes when given; else :class:`RecordCorrupt`.

    Only lower-case is accepted so that every value has one spelling in the record.
    """
    if not isinstance(text, str) or not _HEX.fullmatch(text):
        raise RecordCorrupt(
            "record.bad_hex", f"{what} is not lower-case hexadecimal", {"what": what}
        )
    data = bytes.fromhex(text)
    if size is not None and len(data) != size:
        raise RecordCorrupt(
            "record.bad_hex", f"{what} has {len(data)} bytes, not {size}", {"what": what}
        )
    return data


def public_key_of(private_key: bytes) -> bytes:
    """The raw 32-byte Ed25519 public key of a raw 32-byte private key (RFC 8032 §5.1.5)."""
    return _private(private_key).public_key().public_bytes_raw()


def _private(private_key: bytes) -> Ed25519PrivateKey:
    if len(private_key) != KEY_SIZE:
        raise InvalidCommand("record.bad_key", f"an Ed25519 private key is {KEY_SIZE} bytes")
    return Ed25519PrivateKey.from_private_bytes(private_key)


@dataclass(frozen=True)
class TreeHead:
    """What a signature vouches for: log ``log`` had ``size`` entries with root ``root``."""

    log: str
    size: int
    root: bytes
    timestamp: int

    def __post_init__(self) -> None:
        if not isinstance(self.size, int) or self.size < 0 or self.size >= canonical.INT_LIMIT:
            raise InvalidCommand("record.bad_head", f"a tree size is >= 0, not {self.size!r}")
        if len(self.root) != HASH_SIZE:
            raise InvalidCommand("record.bad_head", f"a root is {HASH_SIZE} bytes")
        if not -canonical.INT_LIMIT < self.timestamp < canonical.INT_LIMIT:
            raise InvalidCommand("record.bad_head", "the timestamp is out of range")

    def to_entry(self) -> dict[str, object]:
        """The head as a canonical object (without signature)."""
        return {
            "type": HEAD_TYPE,
            "v": 1,
            "log": self.log,
            "size": self.size,
            "root": self.root.hex(),
            "timestamp": self.timestamp,
        }

    def signing_input(self) -> bytes:
        """The exact bytes Ed25519 signs: the canonical encoding of :meth:`to_entry`."""
        return canonical.encode(self.to_entry())

    def sign(self, private_key: bytes) -> SignedTreeHead:
        """Sign this head with a raw 32-byte Ed25519 private key."""
        return SignedTreeHead(self, _private(private_key).sign(self.signing_input()))


@dataclass(frozen=True)
class SignedTreeHead:
    """A tree head and the Ed25519 signature over its :meth:`TreeHead.signing_input`."""

    head: TreeHead
    signature: bytes

    @property
    def log(self) -> str:
        return self.head.log

    @property
    def size(self) -> int:
        return self.head.size

    @property
    def root(self) -> bytes:
        return self.head.root

    @property
    def timestamp(self) -> int:
        return self.head.timestamp

    def verify(self, public_key: bytes, where: str = "tree head") -> Report:
        """Check the signature with a raw 32-byte Ed25519 public key."""
        report = Report()
        if len(public_key) != KEY_SIZE:
            report.fail("record.bad_key", f"the public key is not {KEY_SIZE} bytes", where)
            return report
        try:
            key = Ed25519PublicKey.from_public_bytes(public_key)
            key.verify(self.signature, self.head.signing_input())
        except (InvalidSignature, ValueError):
            report.fail(
                "record.bad_signature",
                f"the signature over the head of size {self.size} does not verify with the "
                "public key",
                where,
            )
        return report

    def to_json(self) -> bytes:
        """One canonical line (no newline): the head's object plus ``"signature"`` in hex."""
        return canonical.encode({**self.head.to_entry(), "signature": self.signature.hex()})

    @classmethod
    def from_json(cls, data: bytes) -> SignedTreeHead:
        """Parse :meth:`to_json`'s output; :class:`RecordCorrupt` for anything else."""
        obj = canonical.decode(data)
        expected = {"type", "v", "log", "size", "root", "timestamp", "signature"}
        if obj.get("type") != HEAD_TYPE or obj.get("v") != 1 or set(obj) != expected:
            raise RecordCorrupt(
                "record.bad_head",
                'a signed tree head has exactly the keys "type" ("tree.head"), "v" (1), "log", '
                '"size", "root", "timestamp" and "signature"',
            )
        log, size, timestamp = obj["log"], obj["size"], obj["timestamp"]
        if not isinstance(log, str) or not isinstance(size, int) or size < 0:
            raise RecordCorrupt("record.bad_head", '"log" is a string and "size" an integer >= 0')
        if not isinstance(timestamp, int):
            raise RecordCorrupt("record.bad_head", '"timestamp" is an integer')
        root_hash = parse_hex(obj["root"], HASH_SIZE, "the root")
        signature = parse_hex(obj["signature"], SIGNATURE_SIZE, "the signature")
        return cls(TreeHead(log, size, root_hash, timestamp), signature)
