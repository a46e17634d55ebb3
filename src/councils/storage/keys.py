"""The federation's signing key: an Ed25519 key pair made once, at ``councils init``.

Where it lives, and why (docs/storage.md, "The signing key"): the private key is in the
database's ``signing_key`` table, a table of its own that nothing which publishes ever reads
(``record export`` reads ``federation.public_key``, the entries and the heads). Every process
that commits a batch must sign its tree head, so the key has to be wherever writers are; the
database is the one place every writer already reaches, inside the transaction that needs it.
The price: a copy of the database (a backup) holds the key, so backups are secret.

Randomness is drawn here, not in ``councils.record``, which is pure.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = ["generate_private_key", "log_name"]


def generate_private_key() -> bytes:
    """A fresh raw 32-byte Ed25519 private key (RFC 8032's seed), from the OS's randomness."""
    return Ed25519PrivateKey.generate().private_bytes_raw()


def log_name(public_key: bytes) -> str:
    """The log's name in its signed heads: derived from its key, so that two federations'
    heads never carry the same name by accident."""
    return "councils-" + hashlib.sha256(public_key).hexdigest()[:16]
