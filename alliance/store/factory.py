"""Open the store the settings choose: embedded (default) or Neo4j."""

from __future__ import annotations

from alliance.settings import Settings
from alliance.store.base import GraphStore


def open_store(settings: Settings, *, read_only: bool = False) -> GraphStore:
    """One store per process; the caller closes it. `read_only` opens an embedded file
    without its writer's lock (for commands that only read)."""
    if settings.backend == "neo4j":
        from alliance.store.neo4j import Neo4jStore

        return Neo4jStore(settings.neo4j_uri,
                          auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
                          database=settings.neo4j_database)
    from alliance.store.embedded import EmbeddedStore

    if str(settings.db_path) != ":memory:":
        settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    return EmbeddedStore(settings.db_path, read_only=read_only)
