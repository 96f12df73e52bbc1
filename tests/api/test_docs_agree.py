"""docs/api.md and the OpenAPI description say the same about what partners read: every
named relationship filter is in the doc's table and in the operation's parameters, and
both name the sync operations."""

from __future__ import annotations

from pathlib import Path

from alliance.api.schemas import COLLECTIONS
from alliance.services.listing import NAMED_FILTERS
from graph_schema.vocabulary import Label
from tests.api.support import Api

API_DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_named_filters_are_documented_in_both_places(api: Api) -> None:
    doc = API_DOC.read_text(encoding="utf-8")
    schema = api.get("/openapi.json").json()
    by_label = {label: name for name, label in COLLECTIONS.items()}
    for label, filters in NAMED_FILTERS.items():
        collection = by_label[label]
        operation = schema["paths"][f"/v1/{collection}"]["get"]
        parameters = {param["name"]: param for param in operation["parameters"]}
        rows = [line.strip() for line in doc.splitlines()
                if line.strip().startswith(f"| {collection} |")]
        for name, relation in filters.items():
            assert parameters[name]["description"].startswith(relation.description)
            if label is not Label.ORGANIZATION:
                assert any(f"`{name}`" in row for row in rows), (collection, name)


def test_description_and_doc_name_the_sync_operations(api: Api) -> None:
    doc = API_DOC.read_text(encoding="utf-8")
    schema = api.get("/openapi.json").json()
    for path in ("/v1/export", "/v1/changes", "X-Changes-Cursor", "/docs", "/redoc"):
        assert path in schema["info"]["description"], path
        assert path in doc, path
    assert "沿沪宁技术经理人联盟" in schema["info"]["description"]
    assert {"/v1/export", "/v1/changes", "/v1/keys"} <= set(schema["paths"])
