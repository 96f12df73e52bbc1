"""The seed's policies read like a policy database: who is paid, sources, rolling validity."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from alliance.ingest.records import RecordBatch
from graph_schema.nodes import Policy
from graph_schema.vocabulary import Beneficiary, Label, MoneyKind, RelType

HORIZON_START = date(2026, 12, 1)
"""The first day of the twelve months the seed must cover (the demonstration's 'today')."""
MIN_VALID = 60


@pytest.fixture(scope="module")
def policies(seed_batch: RecordBatch) -> list[Policy]:
    found = [node.to_model() for node in seed_batch.nodes if node.label is Label.POLICY]
    return [p for p in found if isinstance(p, Policy)]


def _valid_on(policy: Policy, day: date) -> bool:
    return policy.valid_from <= day and (policy.valid_to is None or day <= policy.valid_to)


def test_enough_policies_are_valid_on_every_day_of_the_next_twelve_months(
        policies: list[Policy]) -> None:
    days = [HORIZON_START + timedelta(days=offset) for offset in range(365)]
    thin = {day: n for day in days
            if (n := sum(_valid_on(p, day) for p in policies)) < MIN_VALID}
    assert not thin, f"fewer than {MIN_VALID} valid policies on {sorted(thin)[:5]}"


def test_some_editions_have_ended_and_some_end_within_the_year(policies: list[Policy]) -> None:
    """A real database keeps expired editions; the test above is not passed by open dates."""
    assert any(p.valid_to and p.valid_to < HORIZON_START for p in policies)
    assert any(p.valid_to and HORIZON_START < p.valid_to < HORIZON_START + timedelta(365)
               for p in policies)


def test_every_beneficiary_and_money_kind_occurs(policies: list[Policy]) -> None:
    assert {p.beneficiary for p in policies} == set(Beneficiary)
    assert {p.money_kind for p in policies} == set(MoneyKind)


def test_sources_are_citations_not_notes_about_the_seed(policies: list[Policy]) -> None:
    for policy in policies:
        source = policy.source
        for hint in (".md", ".py", "seed", "generated"):
            assert hint not in source.lower(), policy.id
        if source != "estimate":
            assert len(source) > 30, f"{policy.id}: a citation names the body and document"


def test_exclusive_groups_have_distinct_tiers(policies: list[Policy]) -> None:
    groups: dict[str, list[int]] = {}
    for policy in policies:
        if policy.exclusive_group and policy.tier is not None:
            groups.setdefault(policy.exclusive_group, []).append(policy.tier)
    assert groups
    for group, tiers in groups.items():
        assert len(tiers) > 1, group
        assert len(tiers) == len(set(tiers)), group


def test_no_stacking_links_exist(seed_batch: RecordBatch) -> None:
    assert any(rel.type is RelType.NOT_STACKABLE_WITH for rel in seed_batch.relationships)
