"""The embedded backend: SQLite for durability, a compact graph (adjacency.py) as the read index."""

from alliance.store.embedded.store import SCHEMA_VERSION, EmbeddedStore

__all__ = ["SCHEMA_VERSION", "EmbeddedStore"]
