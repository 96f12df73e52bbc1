"""The seed set answers every professional role × core skill × major vertical × city.

The combinations come from the data (Skill.core_for, the taxonomy, the City nodes), not
from a list in this file, so a new core skill, vertical or city is checked too.
"""

from __future__ import annotations

import random

from alliance.services.professions import all_nodes, core_skills, major_verticals
from alliance.store.base import CollaboratorFilter, GraphStore
from graph_schema.vocabulary import Label, Role


def test_every_professional_role_has_core_skills(seed_store: GraphStore) -> None:
    roles = core_skills(seed_store)
    assert {Role.LAWYER, Role.ACCOUNTANT, Role.PATENT_AGENT, Role.INVESTOR,
            Role.CONSULTANT} <= set(roles)
    assert all(len(skills) >= 2 for skills in roles.values())


def test_every_role_skill_vertical_city_has_a_candidate(seed_store: GraphStore) -> None:
    """One real query per role × skill × vertical; the city of each combination must be
    among some candidate's cities (what the city filter tests); a random sample of the
    full combinations is then asked with the city filter itself."""
    cities = [city.id for city in all_nodes(seed_store, Label.CITY)]
    verticals = major_verticals(seed_store)
    assert len(cities) >= 7
    assert len(verticals) >= 10
    missing = []
    combos = []
    for role, skills in core_skills(seed_store).items():
        for skill in skills:
            for vertical in verticals:
                found = seed_store.collaborator_candidates(CollaboratorFilter(
                    skills=(skill,), verticals=(vertical,), roles=(role,)))
                reached = {city for item in found for city in item.cities}
                missing += [(role.value, skill, vertical, c) for c in cities if c not in reached]
                combos += [(role, skill, vertical, c) for c in cities]
    assert not missing, f"{len(missing)} combinations without a candidate, e.g. {missing[:5]}"
    for role, skill, vertical, city in random.Random(7).sample(combos, 150):
        found = seed_store.collaborator_candidates(CollaboratorFilter(
            skills=(skill,), verticals=(vertical,), roles=(role,), cities=(city,)))
        assert found, (role, skill, vertical, city)
