"""``councils record export DIR``: the public record, read from the database.

Reads exactly what is public: the entries, the signed tree heads and the public key (the
``federation`` row). The ``signing_key`` table is never read here. The files themselves are
made by the pure :func:`councils.record.export.export_files`.
"""

from __future__ import annotations

from sqlalchemy import Engine

from councils.record.export import export_files
from councils.storage.reader import reading
from councils.storage.record import load_entries, load_federation, load_heads

__all__ = ["export_record"]


def export_record(engine: Engine) -> dict[str, bytes]:
    """The export's files (relative path -> bytes), from one snapshot of the database."""
    with reading(engine) as (conn, _):
        info = load_federation(conn)
        _, entries, _ = load_entries(conn)
        heads = load_heads(conn, info.log)
    return export_files(entries, heads, info.public_key)
