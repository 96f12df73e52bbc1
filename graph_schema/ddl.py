"""Neo4j DDL derived from the declaration: named, repeatable, Community-edition only.

Neo4j 5 Community supports uniqueness constraints and indexes; existence, type and key
constraints are Enterprise-only, so property types are enforced by the pydantic models
before anything reaches the database.
"""

from __future__ import annotations

from graph_schema.nodes import FULLTEXT_FIELDS, NODE_MODELS
from graph_schema.vocabulary import Label

FULLTEXT_INDEX = "entity_names"
"""Name of the full-text index over names (CJK analyzer: Chinese bigrams, Latin words)."""


def _snake(label: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in label).lstrip("_")


def constraint_statements() -> list[str]:
    """One uniqueness constraint on `id` per label."""
    return [
        f"CREATE CONSTRAINT {_snake(label.value)}_id IF NOT EXISTS "
        f"FOR (n:{label.value}) REQUIRE n.id IS UNIQUE"
        for label in NODE_MODELS
    ]


def index_statements() -> list[str]:
    """Range indexes on the properties each model marks INDEXED, then the full-text index."""
    statements = [
        f"CREATE INDEX {_snake(label.value)}_{prop} IF NOT EXISTS "
        f"FOR (n:{label.value}) ON (n.{prop})"
        for label, model in NODE_MODELS.items()
        for prop in model.INDEXED
    ]
    labels = "|".join(label.value for label in NODE_MODELS if label is not Label.REFERRAL)
    fields = ", ".join(f"n.{name}" for name in FULLTEXT_FIELDS)
    statements.append(
        f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{labels}) "
        f"ON EACH [{fields}] OPTIONS {{indexConfig: {{`fulltext.analyzer`: 'cjk'}}}}"
    )
    return statements


def ddl_statements() -> list[str]:
    """Every statement, constraints first (they create the id indexes MERGE relies on)."""
    return constraint_statements() + index_statements()


def ddl_script() -> str:
    """The statements as a cypher-shell script."""
    return "".join(f"{statement};\n" for statement in ddl_statements())
