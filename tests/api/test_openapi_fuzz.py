"""Schemathesis over the whole OpenAPI document: generated requests, valid and invalid,
to every operation never get a server error, and every answer matches the documented
status codes, content types and schemas.

Bounded and deterministic: per operation MAX_EXAMPLES valid and MAX_EXAMPLES invalid
cases (20 in all), derandomised, no example database. Reads run with a public:read key on one app;
writes with an admin key on another, so the writes cannot disturb the reads.

(Schemathesis' lazy pytest plugin, `schemathesis.pytest.from_fixture`, does not run
under pytest 9, so each operation is a subtest driving Hypothesis directly with the
operation's own strategy; the checks are the same.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from alliance.api.app import create_app
from tests.api.support import fresh_settings, make_keys

MAX_EXAMPLES = 10
"""Per operation and mode: 10 valid and 10 invalid requests, 20 in all."""

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]

READ_POSTS = ["landing-search", "landing-compare", "collaborators-search",
              "collaborators-team", "paths-connect"]

MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


def target(seeded_db: Path, folder: Path, scope: str) -> tuple[Any, dict[str, str]]:
    """The schema of an app whose lifespan schemathesis started, and a key's header."""
    app = create_app(fresh_settings(seeded_db, folder))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return schema, {"X-API-Key": make_keys(app)[scope]}


def fuzz(schema: Any, headers: dict[str, str], subtests: Any) -> int:
    """Run every operation of the schema as a subtest; the number of operations."""
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for mode in MODES:
            strategy = operation.as_strategy(generation_mode=mode, headers=headers)

            @given(case=strategy)
            @settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None,
                      deadline=None, suppress_health_check=list(HealthCheck))
            def run(case: Any) -> None:
                case.call_and_validate(headers=dict(headers), checks=CHECKS)

            with subtests.test(msg=f"{operation.label} [{mode.value}]"):
                try:
                    run()
                except Unsatisfiable:
                    if mode is schemathesis.GenerationMode.POSITIVE:
                        raise  # (no parameters to make invalid is fine for NEGATIVE)
    return len(operations)


def test_read_operations(seeded_db: Path, tmp_path: Path, subtests: Any) -> None:
    schema, headers = target(seeded_db, tmp_path, "public:read")
    reads = schema.include(method="GET").exclude(operation_id="audit-list")
    assert fuzz(reads, headers, subtests) >= 20
    assert fuzz(schema.include(operation_id=READ_POSTS), headers, subtests) == len(READ_POSTS)


def test_write_operations(seeded_db: Path, tmp_path: Path, subtests: Any) -> None:
    schema, headers = target(seeded_db, tmp_path, "admin")
    writes = schema.exclude(method="GET").exclude(operation_id=READ_POSTS)
    assert fuzz(writes, headers, subtests) >= 30
    assert fuzz(schema.include(operation_id="audit-list"), headers, subtests) == 1

