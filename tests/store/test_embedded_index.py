"""EmbeddedStore's evidence index: updated by every write, it equals the index built
from scratch from the resulting graph, and the file reopened builds the same one."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

from alliance.ingest.synth import synthesize
from alliance.store.embedded import EmbeddedStore
from alliance.store.embedded.index import build
from alliance.store.embedded.queries import assembly
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import Label, RelType

INDEXED = (RelType.HSR_LINK, RelType.HOSTS, RelType.HAS_SKILL, RelType.EXPERT_IN,
           RelType.COVERS, RelType.BASED_IN, RelType.IN_CITY, RelType.SUBFIELD_OF,
           RelType.OFFERED_IN, RelType.TARGETS, RelType.NOT_STACKABLE_WITH,
           RelType.COLLABORATED_WITH, RelType.REFERRED_TO, RelType.REFERRED_BY)

# property changes that move a node in the index: rank, category, numbers, dates
CHANGES: dict[str, tuple[str, list[object]]] = {
    "Person": ("certification_level", [None, "junior", "intermediate", "senior"]),
    "Skill": ("category", ["legal", "technology", "tax", "landing"]),
    "Park": ("available_area_m2", [0.0, 500.0, 20000.0]),
    "Policy": ("valid_to", [None, "2024-12-31", "2030-01-01"]),
    "Referral": ("stage", ["proposed", "signed", "landed"]),
}


STAGES = ["landed", "signed", "first_meeting", "dropped"]
"""Deal stages a rewritten COLLABORATED_WITH takes (closed or not)."""


def changed(node: NodeRecord, rng: random.Random) -> NodeRecord:
    """The node with an indexed property changed (as it comes)."""
    name, values = CHANGES.get(node.label.value, ("", []))
    if not values:
        return node
    properties = {**node.properties, name: rng.choice(values)}
    return replace(node, properties={k: v for k, v in properties.items() if v is not None})


def assert_place_evidence_is_fresh(store: EmbeddedStore) -> None:
    """Every place's kept policy evidence is what its policies give now (and every
    place's is kept from here on, so the next write must drop what it changes)."""
    index, made = store.index, assembly(store.graph)
    for place, kept in index.offered_evidence.items():
        if place not in index.offered:
            assert kept == (), place
    for place, offered in index.offered.items():
        fresh = made.policies(place, store.graph.nodes[place].label, offered.values())
        assert index.offered_evidence.setdefault(place, fresh) == fresh, place


def test_index_after_random_writes_equals_a_rebuild(tmp_path: Path) -> None:
    records = list(synthesize(nodes=1000, seed=3))
    nodes = [r for r in records if isinstance(r, NodeRecord)]
    rels = [r for r in records if isinstance(r, RelRecord)]
    indexed = [r for r in rels if r.type in INDEXED]
    rng = random.Random(5)
    path = tmp_path / "g.sqlite3"
    with EmbeddedStore(path, synchronous="NORMAL") as store:
        store.write(nodes=nodes, relationships=rels)
        assert store.index == build(store.graph)
        assert store.index.hosted_by
        assert store.index.reach
        assert store.index.rail
        for entry in ("parks", "taxonomy", "offered", "covering", "brokers", "dual",
                      "professionals", "contact_skills", "referral_stages"):
            assert getattr(store.index, entry), entry
        for entry in ("cities", "collaborations", "holders", "experts", "in_city",
                      "referred", "landed", "signed"):
            assert getattr(store.index.people, entry), entry
        closed_seen = False  # the synthetic deals have no stage until rewritten with one
        for _ in range(80):
            move = rng.randrange(7)
            if move == 0:  # drop a few indexed relationships
                store.write(delete_relationships=[r.key for r in rng.sample(indexed, 5)])
            elif move == 1:  # put some back, some with new numbers
                back = [r for r in rng.sample(indexed, 8)
                        if r.source in store.graph and r.target in store.graph]
                store.write(relationships=[
                    replace(r, properties={**r.properties, "minutes": rng.randint(5, 90)})
                    if r.type is RelType.HSR_LINK else
                    replace(r, properties={**r.properties, "stage": rng.choice(STAGES)})
                    if r.type is RelType.COLLABORATED_WITH else r for r in back])
            elif move == 2:  # delete a node with everything attached
                victim = rng.choice(nodes)
                store.write(delete_nodes=[victim.id])
                nodes.remove(victim)
            elif move == 3:  # rewrite nodes unchanged
                store.write(nodes=rng.sample(nodes, 5))
            elif move == 4:  # rewrite nodes with the properties the index ranks by
                rewritten = [changed(node, rng) for node in rng.sample(nodes, 12)]
                store.write(nodes=rewritten)
                nodes = [n for n in nodes if n.id not in {r.id for r in rewritten}] + rewritten
            elif move == 6:  # people cover more places; a covered park moves city
                people = sorted(store.by_label.get("Person", ()))
                places = sorted(store.by_label.get("City", ())) + sorted(
                    park for park in store.index.covering if park in store.graph)
                moved = rng.choice(sorted(store.index.covering))
                cities = store.graph.out_rels(moved, RelType.IN_CITY)
                store.write(relationships=[
                    RelRecord(RelType.COVERS, rng.choice(people), rng.choice(places))
                    for _ in range(6)] + [RelRecord(RelType.IN_CITY, moved, rng.choice(
                        sorted(store.by_label.get("City", ()))))],
                    delete_relationships=[rel.key for rel in cities])
            else:  # one write doing all of it
                alive = [r for r in indexed if r.source in store.graph
                         and r.target in store.graph]
                store.write(relationships=rng.sample(alive, 3),
                            delete_relationships=[r.key for r in rng.sample(alive, 3)],
                            delete_nodes=[rng.choice(nodes).id])
                nodes = [n for n in nodes if n.id in store.graph]
            assert store.index == build(store.graph)
            assert_place_evidence_is_fresh(store)
            closed_seen = closed_seen or bool(store.index.people.closed)
            assert store.park_facts() == build(store.graph).park_facts()
            origin = rng.choice(sorted(store.by_label.get("City", ())))
            assert store.index.routes_from(origin) == build(store.graph).routes_from(origin)
        assert closed_seen
        final = store.index
    with EmbeddedStore(path) as reopened:
        assert reopened.index == final


def test_people_facts_are_what_the_graph_says() -> None:
    """Cities: base first, then covered cities directly or through a covered park;
    collaborations: COLLABORATED_WITH either way; skill holders (best level), experts
    and the people of each city; referrals (landed and signed ones too) and closed deals.
    Checked after moving a park, giving deals stages and moving referrals on."""
    records = list(synthesize(nodes=1000, seed=4))
    with EmbeddedStore(":memory:") as store:
        store.write(nodes=[r for r in records if isinstance(r, NodeRecord)],
                    relationships=[r for r in records if isinstance(r, RelRecord)])
        covered = store.get_relationships(RelType.COVERS)
        park_cover = next(rel for rel in covered if rel.target.startswith("park:"))
        [in_city] = store.get_relationships(RelType.IN_CITY, source=park_cover.target)
        other = next(c for c in sorted(store.by_label["City"]) if c != in_city.target)
        store.write(delete_relationships=[in_city.key],
                    relationships=[replace(in_city, target=other)])
        staged = store.get_relationships(RelType.COLLABORATED_WITH)[::7]
        store.write(relationships=[
            replace(rel, properties={**rel.properties, "stage": STAGES[at % len(STAGES)]})
            for at, rel in enumerate(staged)])
        store.write(nodes=[replace(node, properties={**node.properties, "stage": STAGES[at % 2]})
                           for at, node in enumerate(store.list_nodes(Label.REFERRAL, limit=40))])
        for person in sorted(store.by_label["Person"]):
            base = sorted(r.target for r in store.get_relationships(RelType.BASED_IN,
                                                                    source=person))
            cities: set[str] = set()
            for rel in store.get_relationships(RelType.COVERS, source=person):
                if rel.target.startswith("city:"):
                    cities.add(rel.target)
                else:
                    cities.update(r.target for r in store.get_relationships(
                        RelType.IN_CITY, source=rel.target))
            expected = (*base, *sorted(cities - set(base)))
            assert store.index.people.cities.get(person, ()) == expected
            deals = (len(store.get_relationships(RelType.COLLABORATED_WITH, source=person))
                     + len(store.get_relationships(RelType.COLLABORATED_WITH, target=person)))
            assert store.index.people.collaborations.get(person, 0) == deals
            closed = sum(1 for side in ({"source": person}, {"target": person})
                         for rel in store.get_relationships(RelType.COLLABORATED_WITH, **side)
                         if rel.properties.get("stage") in ("signed", "landed"))
            referrals = store.get_relationships(RelType.REFERRED_BY, target=person)
            assert store.proof_counts([person]) == {person: (len(referrals), closed)}
            stages = [node.properties.get("stage")
                      for node in store.get_nodes([rel.source for rel in referrals])]
            assert store.index.people.landed.get(person, 0) == stages.count("landed")
            assert store.index.people.signed.get(person, 0) == stages.count("signed")
        assert other in store.index.people.cities[park_cover.source]
        facts = store.index.people
        for skill in sorted(store.by_label["Skill"]):
            held: dict[str, int] = {}
            for rel in store.get_relationships(RelType.HAS_SKILL, target=skill):
                held[rel.source] = max(int(rel.properties["level"]), held.get(rel.source, 0))
            assert facts.holders.get(skill, {}) == held
        for industry in sorted(store.by_label["Industry"]):
            assert facts.experts.get(industry, set()) == {
                rel.source for rel in store.get_relationships(RelType.EXPERT_IN,
                                                               target=industry)}
        for city in sorted(store.by_label["City"]):
            assert facts.in_city.get(city, set()) == {
                person for person, cities in facts.cities.items() if city in cities}
