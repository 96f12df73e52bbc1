"""The professions collaborator search promises to cover, read from the data.

A professional role's core skills are the skills whose `core_for` names it
(seed/skills.yaml); major verticals are the taxonomy's roots and their direct subfields.
The seed set guarantees a candidate for every role × core skill × major vertical × city
(tools/make_seed.py builds it so, tests/services/test_professions.py checks it), and the
collaborator search's relaxation widens a filter to the next broader meaning of it.
"""

from __future__ import annotations

from alliance.store.base import MAX_PAGE, GraphStore
from graph_schema.records import NodeRecord
from graph_schema.vocabulary import Label, RelType, Role

__all__ = ["MAJOR_VERTICAL_DEPTH", "all_nodes", "core_skills", "industry_depths",
           "major_verticals", "sibling_skills"]

MAJOR_VERTICAL_DEPTH = 1
"""Major verticals: taxonomy roots (depth 0) and their direct subfields (depth 1)."""


def all_nodes(store: GraphStore, label: Label | Role) -> list[NodeRecord]:
    """Every node of a (small, catalogue) label, paging through `list_nodes`."""
    found: list[NodeRecord] = []
    after: str | None = None
    while True:
        page = store.list_nodes(label, after=after, limit=MAX_PAGE)
        found += page
        if len(page) < MAX_PAGE:
            return found
        after = page[-1].id


def core_skills(store: GraphStore) -> dict[Role, list[str]]:
    """Professional role → its core skill ids (sorted), from Skill.core_for."""
    found: dict[Role, list[str]] = {}
    for skill in all_nodes(store, Label.SKILL):
        for role in skill.properties.get("core_for") or ():
            found.setdefault(Role(role), []).append(skill.id)
    return {role: sorted(ids) for role, ids in sorted(found.items())}


def industry_depths(store: GraphStore) -> dict[str, int]:
    """Industry id → SUBFIELD_OF hops up to its root."""
    parent = {rel.source: rel.target for rel in store.get_relationships(RelType.SUBFIELD_OF)}
    depths: dict[str, int] = {}
    for industry in all_nodes(store, Label.INDUSTRY):
        node, depth, seen = industry.id, 0, {industry.id}
        while node in parent and parent[node] not in seen:
            node = parent[node]
            seen.add(node)
            depth += 1
        depths[industry.id] = depth
    return depths


def major_verticals(store: GraphStore) -> list[str]:
    """Industry ids at most MAJOR_VERTICAL_DEPTH below a root, sorted."""
    return sorted(i for i, depth in industry_depths(store).items()
                  if depth <= MAJOR_VERTICAL_DEPTH)


def sibling_skills(store: GraphStore, skills: list[str]) -> list[str]:
    """The skills' parent meaning: every skill of the same categories, sorted."""
    records = store.get_nodes(skills)
    categories = {record.properties.get("category") for record in records}
    return sorted(s.id for s in all_nodes(store, Label.SKILL)
                  if s.properties.get("category") in categories)
