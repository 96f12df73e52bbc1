"""Search finds what staff type: a fixed list of queries and the ids a person expects
among the first ten, plus the promises about ranking, facets and cursors."""

from __future__ import annotations

import pytest

from alliance.errors import Invalid
from alliance.services import search
from alliance.store.base import GraphStore
from graph_schema.records import RelRecord
from graph_schema.vocabulary import Label, RelType, Role

EXPECTED: list[tuple[str, tuple[Label | Role, ...], list[str]]] = [
    ("苏州", (), ["city:suzhou"]),
    ("suzhou", (), ["city:suzhou", "park:suzhou-sip"]),
    ("su zhou", (), ["city:suzhou"]),
    ("苏州", (Label.PARK,), ["park:suzhou-wuzhong", "park:suzhou-xiangcheng",
                             "park:suzhou-sip-biobay"]),
    ("szgx", (), ["park:suzhou-snd"]),
    ("吴中", (), ["park:suzhou-wuzhong"]),
    ("陈静", (), ["person:chen-jing"]),
    ("chenjing", (), ["person:chen-jing"]),
    ("Jing Chen", (), ["person:chen-jing"]),
    ("苏州 生物", (), ["park:suzhou-sip-biobay"]),
    ("Biobay", (), ["park:suzhou-sip-biobay"]),
    ("zhangjiang", (), ["park:shanghai-zhangjiang"]),
    ("医疗器械", (), ["industry:medical-devices"]),
    ("medical devices", (), ["industry:medical-devices"]),
    ("生物医药", (Label.PARK,), ["park:suzhou-sip-biobay", "park:shanghai-zhangjiang"]),
    ("知识产权诉讼", (), ["skill:ip-litigation"]),
    ("IP litigation", (), ["skill:ip-litigation"]),
    ("suzou", (), ["city:suzhou"]),
    ("shanghia", (), ["city:shanghai"]),
    ("biomedicne", (), ["industry:biomedicine"]),
]


@pytest.mark.parametrize(("text", "labels", "expected"), EXPECTED)
def test_recall_in_the_first_ten(seed_store: GraphStore, text: str,
                                 labels: tuple[Label | Role, ...], expected: list[str]) -> None:
    page = search.search(seed_store, text=text, labels=labels, limit=10)
    found = [item.node.id for item in page.items]
    assert set(expected) <= set(found), (text, found)


@pytest.mark.parametrize(("word", "role"), [("律师", Role.LAWYER), ("会计师", Role.ACCOUNTANT),
                                            ("技术经理人", Role.BROKER), ("lawyer", Role.LAWYER)])
def test_role_words_find_the_people_of_the_role(seed_store: GraphStore, word: str,
                                                role: Role) -> None:
    page = search.search(seed_store, text=word, limit=10)
    assert len(page.items) == 10
    assert all(role.value in item.node.labels for item in page.items)
    assert page.facets["role"][role.value] >= 30


def test_a_city_and_a_role_mean_both(seed_store: GraphStore) -> None:
    page = search.search(seed_store, text="无锡 律师", limit=500)
    people = [item.node for item in page.items if item.node.label is Label.PERSON]
    assert people
    for person in people:
        assert Role.LAWYER.value in person.labels
        places = {rel.target for t in (RelType.BASED_IN, RelType.COVERS)
                  for rel in seed_store.get_relationships(t, source=person.id)}
        parks = [p for p in places if p.startswith("park:")]
        places |= {rel.target for p in parks
                   for rel in seed_store.get_relationships(RelType.IN_CITY, source=p)}
        assert "city:wuxi" in places, person.id


def test_exact_name_first_and_pages_cover_everything_once(seed_store: GraphStore) -> None:
    first = search.search(seed_store, text="苏州", limit=7)
    assert first.items[0].node.id == "city:suzhou"
    assert first.items[0].score == 1.0
    seen, cursor = [], None
    while True:
        page = search.search(seed_store, text="苏州", limit=7, cursor=cursor)
        assert page.total == first.total
        seen += [item.node.id for item in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == first.total
    assert sum(first.facets["label"].values()) == first.total
    assert first.facets["city"]["city:suzhou"] > first.total / 2
    with pytest.raises(Invalid) as caught:
        search.search(seed_store, text="苏州", cursor="not-a-cursor")
    assert caught.value.field == "cursor"


def test_nothing_found_is_empty(seed_store: GraphStore) -> None:
    page = search.search(seed_store, text="zz-nothing-here", limit=5)
    assert (page.total, page.items, page.next_cursor) == (0, [], None)


@pytest.mark.parametrize("text", ["苏州", "su", "律师", "生物医药", "苏州 生物", "suzou", "上海"])
def test_facets_count_what_the_pages_show(seed_store: GraphStore, text: str) -> None:
    """Totals and facets are counted over every hit without building them, and only a
    page's hits are explained: walking every page must give the same counts, each hit
    with a reason and with the city its IN_CITY or BASED_IN names (a city its own)."""
    first = search.search(seed_store, text=text, limit=500)
    labels: dict[str, int] = {}
    roles: dict[str, int] = {}
    cities: dict[str, int] = {}
    seen: list[str] = []
    cursor = None
    while True:
        page = search.search(seed_store, text=text, limit=9, cursor=cursor)
        for item in page.items:
            seen.append(item.node.id)
            assert item.reasons
            labels[item.node.label.value] = labels.get(item.node.label.value, 0) + 1
            for role in item.node.labels - {item.node.label.value}:
                roles[role] = roles.get(role, 0) + 1
            placed = [rel.target for rel_type in (RelType.IN_CITY, RelType.BASED_IN)
                      for rel in seed_store.get_relationships(rel_type, source=item.node.id)]
            city = item.node.id if item.node.label is Label.CITY else (
                placed[0] if placed else None)
            assert item.city == city, item.node.id
            if city is not None:
                cities[city] = cities.get(city, 0) + 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == first.total > 0
    assert [item.node.id for item in first.items] == seen[:500]
    assert first.facets == {"label": dict(sorted(labels.items(), key=lambda kv: (-kv[1], kv[0]))),
                            "city": dict(sorted(cities.items(), key=lambda kv: (-kv[1], kv[0]))),
                            "role": dict(sorted(roles.items(), key=lambda kv: (-kv[1], kv[0])))}


class _WithoutEnds:
    """The same store, seen without `relationship_ends` (as Neo4jStore is)."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store

    def __getattr__(self, name: str) -> object:
        if name == "relationship_ends":
            raise AttributeError(name)
        return getattr(self._store, name)


def test_containment_from_relationship_ends_answers_as_from_relationships(
        synth_store: GraphStore) -> None:
    """Counting what a city, an industry or a skill contains from the adjacency arrays'
    ids gives the answers the sorted `relationships_of` records give, page by page."""
    from typing import cast

    from alliance.store.base import EndReader

    assert isinstance(synth_store, EndReader)
    plain = cast(GraphStore, _WithoutEnds(synth_store))
    assert not isinstance(plain, EndReader)
    concepts = [node for label in (Label.CITY, Label.INDUSTRY, Label.SKILL)
                for node in synth_store.list_nodes(label, limit=4)]
    texts = [str(node.properties[name]) for node in concepts
             for name in ("name_zh", "name_en")]
    asked = 0
    for text in texts:
        for labels in ((), (Label.PERSON,), (Label.PARK, Label.COMPANY)):
            fast = search.search(synth_store, text=text, labels=labels, limit=7)
            assert fast == search.search(plain, text=text, labels=labels, limit=7)
            if fast.next_cursor:
                again = search.search(synth_store, text=text, labels=labels, limit=7,
                                      cursor=fast.next_cursor)
                assert again == search.search(plain, text=text, labels=labels, limit=7,
                                              cursor=fast.next_cursor)
            asked += fast.total > 20
    assert asked >= 10, "too few questions found a containment's many hits"


def test_relationship_ends_are_the_relationships_ends_after_writes() -> None:
    """The unsorted ends equal `relationships_of`'s, for nodes read from the arrays and
    for nodes a write has since touched."""
    from alliance.ingest.records import RecordBatch
    from alliance.ingest.synth import synthesize
    from alliance.services.ingest import load
    from alliance.store.embedded import EmbeddedStore

    store = EmbeddedStore(":memory:")
    try:
        load(store, RecordBatch.of(synthesize(nodes=2000, seed=3)))
        person = store.list_nodes(Label.PERSON, limit=1)[0]
        moved = store.relationships_of([person.id], RelType.BASED_IN, incoming=False)[0]
        cities = [node.id for node in store.list_nodes(Label.CITY, limit=50)]
        other = next(city for city in cities if city != moved.target)
        store.write(nodes=[], relationships=[RelRecord(
            RelType.BASED_IN, person.id, other, {})], delete_relationships=[moved.key])
        people = [node.id for node in store.list_nodes(Label.PERSON, limit=200)]
        for rel_type, ids in ((RelType.BASED_IN, cities), (RelType.COVERS, cities),
                              (RelType.HAS_SKILL, [node.id for node in store.list_nodes(
                                  Label.SKILL, limit=50)])):
            expected = sorted((rel.source, rel.target) for rel in store.relationships_of(
                ids, rel_type, outgoing=False))
            assert expected
            assert sorted(store.relationship_ends(ids, rel_type, outgoing=False)) == expected
        expected = sorted((rel.source, rel.target) for rel in store.relationships_of(
            people, RelType.BASED_IN, incoming=False))
        assert (person.id, other) in expected
        assert sorted(store.relationship_ends(people, RelType.BASED_IN,
                                              outgoing=True)) == expected
    finally:
        store.close()
