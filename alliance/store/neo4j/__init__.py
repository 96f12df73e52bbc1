"""The Neo4j backend: Neo4jStore and the Cypher it runs (`cypher`, `statements/`)."""

from alliance.store.neo4j.store import Neo4jStore

__all__ = ["Neo4jStore"]
