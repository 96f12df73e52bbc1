"""The declaration is consistent and everything generated from it is current."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from graph_schema.ddl import ddl_statements
from graph_schema.docs import schema_markdown
from graph_schema.nodes import NODE_MODELS, Park, Policy, Referral, label_of_id
from graph_schema.records import SchemaError, validate_node, validate_relationship
from graph_schema.relationships import REL_SPECS, specs_from
from graph_schema.vocabulary import Label, RelType

ROOT = Path(__file__).resolve().parents[2]

PARK = {
    "id": "park:demo", "name_zh": "苏州工业园区", "name_en": "Suzhou Industrial Park",
    "source": "test", "as_of": "2025-01-01", "available_area_m2": 1000,
    "facility_types": ["gmp_cleanroom"], "rent_cny_m2_month": 40, "lat": 31.3, "lon": 120.6,
}


def test_docs_schema_md_is_current() -> None:
    assert (ROOT / "docs" / "schema.md").read_text(encoding="utf-8") == schema_markdown(), \
        "run `alliance schema docs -o docs/schema.md`"


def test_ddl_is_named_and_repeatable() -> None:
    statements = ddl_statements()
    assert len(statements) == len({s.split()[2] if "FULLTEXT" not in s else s.split()[3]
                                   for s in statements})
    assert all("IF NOT EXISTS" in s for s in statements)
    assert sum("REQUIRE n.id IS UNIQUE" in s for s in statements) == len(NODE_MODELS)
    assert any("'cjk'" in s for s in statements)
    # Community edition: no existence, type or key constraints.
    assert not any("IS NOT NULL" in s or "IS NODE KEY" in s or "IS ::" in s
                   for s in statements)


def test_seed_fields_are_unique_per_label_and_not_properties() -> None:
    for label, model in NODE_MODELS.items():
        fields = [spec.seed_field for spec in specs_from(label)]
        assert len(fields) == len(set(fields)), label
        assert not set(fields) & set(model.model_fields), label


def test_every_relationship_type_is_declared() -> None:
    assert set(REL_SPECS) == set(RelType)


def test_properties_round_trip_through_storage_form() -> None:
    policy = Policy.model_validate({
        "id": "policy:demo", "name_zh": "测试政策", "name_en": "Demo", "source": "test",
        "as_of": "2025-01-01", "issuer": "SIP", "benefit_kind": "rent_subsidy",
        "beneficiary": "company", "level": "park",
        "valid_from": "2024-01-01",
        "eligibility": [{"field": "founded_year", "op": "gte", "value": 2020}],
    })
    stored = policy.to_properties()
    assert isinstance(stored["eligibility"], str)
    assert Policy.model_validate(stored) == policy


def test_pinyin_is_derived_for_search() -> None:
    park = Park.model_validate(PARK)
    assert "suzhou" in park.name_pinyin.split()
    assert "su" in park.name_pinyin.split()


@pytest.mark.parametrize(("change", "field"), [
    ({"id": "suzhou-park"}, None),
    ({"id": "city:suzhou"}, None),
    ({"rent_cny_m2_month": -1}, "rent_cny_m2_month"),
    ({"facility_types": ["spaceport"]}, "facility_types"),
    ({"colour": "blue"}, "colour"),
    ({"estimated": ["colour"]}, None),
])
def test_bad_nodes_name_the_field(change: dict[str, object], field: str | None) -> None:
    with pytest.raises(ValidationError) as caught:
        Park.model_validate({**PARK, **change})
    if field:
        assert caught.value.errors()[0]["loc"][0] == field


def test_referral_dates_must_follow_the_funnel() -> None:
    base = {"id": "referral:r1", "name_zh": "转介", "name_en": "R", "source": "t",
            "as_of": date(2025, 1, 1), "proposed_on": date(2024, 3, 1)}
    Referral.model_validate({**base, "stage": "first_meeting", "first_meeting_on": "2024-04-01"})
    with pytest.raises(ValidationError, match="before"):
        Referral.model_validate({**base, "stage": "first_meeting",
                                 "first_meeting_on": "2024-01-01"})
    with pytest.raises(ValidationError, match="dropped_reason"):
        Referral.model_validate({**base, "stage": "dropped", "dropped_on": "2024-05-01"})
    with pytest.raises(ValidationError, match="needs signed_on"):
        Referral.model_validate({**base, "stage": "signed"})


def test_relationship_ends_are_checked() -> None:
    validate_relationship(RelType.IN_CITY, "park:a", "city:b")
    with pytest.raises(SchemaError) as caught:
        validate_relationship(RelType.IN_CITY, "park:a", "industry:b")
    assert caught.value.field == "target"
    with pytest.raises(ValidationError):
        validate_relationship(RelType.HAS_SKILL, "person:a", "skill:b", {"level": 9})


def test_role_labels_are_added_to_person() -> None:
    record = validate_node(Label.PERSON, {
        "id": "person:a", "name_zh": "张三", "name_en": "Zhang San", "source": "t",
        "as_of": "2025-01-01", "roles": ["Broker", "Lawyer"]})
    assert record.labels == {"Person", "Broker", "Lawyer"}
    assert label_of_id("person:a") is Label.PERSON
