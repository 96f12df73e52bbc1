"""EmbeddedStore's collaborator questions over the node numbering (store/embedded/
people.py): on a reopened file (its relationships in the arrays) and after random writes
(people added, dropped, re-skilled, re-employed: nodes with rows of their own and ids
without a number), the candidates, the last layer's ties and the score columns are those
of the set-based reads."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import numpy as np

from alliance.ingest.synth import synthesize
from alliance.store.base import CollaboratorFilter, NumberedSet
from alliance.store.embedded import EmbeddedStore, queries
from alliance.store.embedded import people as people_queries
from alliance.store.embedded.index import PersonColumns
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import Label, RelType, Role


def _queries(store: EmbeddedStore, rng: random.Random) -> list[CollaboratorFilter]:
    people = sorted(store.by_label["Person"])
    skills, cities = sorted(store.by_label["Skill"]), sorted(store.by_label["City"])
    industries = sorted(store.by_label["Industry"])
    return [CollaboratorFilter(
        skills=tuple(rng.sample(skills, rng.choice([0, 1, 2]))),
        require_all_skills=rng.random() < 0.3, min_level=rng.choice([1, 3]),
        verticals=tuple(rng.sample(industries, rng.choice([0, 0, 1]))),
        cities=tuple(rng.sample(cities, rng.choice([0, 0, 1]))),
        roles=tuple(rng.sample(list(Role), rng.choice([0, 1]))),
        asker=rng.choice([None, rng.choice(people)]),
        among=rng.choice([None, frozenset(rng.sample(people, 50))]),
        exclude=tuple(rng.sample(people, rng.choice([0, 3])))) for _ in range(6)]


def _ties(deals: list[RelRecord]) -> list[tuple[object, ...]]:
    return sorted((rel.source, rel.target, tuple(sorted(rel.properties.items())))
                  for rel in deals)


def _rows(columns: PersonColumns, people: list[str]) -> dict[str, tuple[object, ...]]:
    """The people's rows of the table with the numbers into its lists read back."""
    found = {}
    for person in people:
        best, expert, home, collaborations, certification, dated, *counts = (
            columns.table[columns.row[person]].tolist())
        record = columns.dates[dated]
        found[person] = (best, expert, columns.cities[home] if home >= 0 else None,
                         collaborations, columns.certifications[certification],
                         record.properties.get("last_verified"),
                         record.properties.get("as_of"), *counts)
    return found


def _check(store: EmbeddedStore, rng: random.Random) -> int:
    """Every question's ids, ties and columns against the set-based reads; returns how
    many candidates the questions had (so the test knows they were not all empty)."""
    found = 0
    graph, index = store.graph, store.index
    people = sorted(store.by_label["Person"])
    assert index.person_columns is not None  # kept by every write, never made again
    assert _rows(index.person_columns, people) == _rows(PersonColumns.of(index, graph), people)
    for query in _queries(store, rng):
        ids = store.collaborator_ids(query)
        assert isinstance(ids, NumberedSet)
        expected = {c.person.id for c in store.collaborator_candidates(query)}
        assert set(ids) == expected, query
        assert len(ids) == len(expected)
        assert all(person in ids for person in expected)
        found += len(ids)
        if not ids:
            continue
        # the last layer's ties: people around (some written, some targets themselves)
        around = set(rng.sample(people, 40))
        around.update(rng.sample(sorted(ids), min(5, len(ids))))
        deals, staff = people_queries.ties_towards(graph, around, ids)
        old_deals, old_staff = store._ties(around, set(ids))
        assert _ties(deals) == _ties(old_deals)
        assert staff == {org: {p for p in members if p in ids or p in around}
                         for org, members in old_staff.items()}
        # score columns of the candidates, by number and by id
        skills = sorted(set(query.skills))
        by_number = people_queries.score_columns(graph, index, ids, skills, query.min_level)
        by_id = queries.score_columns(graph, index, tuple(by_number.people), skills,
                                      query.min_level)
        assert list(by_number.people) == list(by_id.people)
        for name in ("levels", "expert", "home", "collaborations", "certification",
                     "dated", "landed", "signed", "closed"):
            assert np.array_equal(getattr(by_number, name), getattr(by_id, name)), name
        assert by_number.dates == by_id.dates
        assert by_number.cities == by_id.cities
    return found


def test_numbered_questions_after_random_writes(tmp_path: Path) -> None:
    records = list(synthesize(nodes=1200, seed=4))
    nodes = [r for r in records if isinstance(r, NodeRecord)]
    rels = [r for r in records if isinstance(r, RelRecord)]
    path = tmp_path / "g.sqlite3"
    with EmbeddedStore(path, synchronous="NORMAL") as store:
        store.write(nodes=nodes, relationships=rels)
    rng = random.Random(8)
    with EmbeddedStore(path, synchronous="NORMAL") as store:
        assert store.graph.compact.ids  # the relationships are the arrays'
        found = _check(store, rng)
        models = [n for n in nodes if n.label is Label.PERSON]
        skills = sorted(store.by_label["Skill"])
        orgs = sorted(store.by_label["Organization"])
        for step in range(14):
            move = step % 4
            alive = sorted(store.by_label["Person"])
            if move == 0:  # new people (no number) with skills, an employer and deals
                fresh = [replace(rng.choice(models), id=f"person:new-{step}-{k}")
                         for k in range(3)]
                store.write(nodes=fresh, relationships=[
                    rel for person in fresh for rel in (
                        RelRecord(RelType.HAS_SKILL, person.id, rng.choice(skills),
                                  {"level": rng.randint(1, 5)}),
                        RelRecord(RelType.WORKS_AT, person.id, rng.choice(orgs)),
                        RelRecord(RelType.COLLABORATED_WITH, person.id, rng.choice(alive),
                                  {"deal": f"d{step}", "year": 2024}))])
            elif move == 1:  # people of the arrays re-skilled and re-employed
                store.write(relationships=[
                    rel for person in rng.sample(alive, 6) for rel in (
                        RelRecord(RelType.HAS_SKILL, person, rng.choice(skills),
                                  {"level": rng.randint(1, 5)}),
                        RelRecord(RelType.WORKS_AT, person, rng.choice(orgs)))])
            elif move == 2:  # people dropped with everything attached
                store.write(delete_nodes=rng.sample(alive, 4))
            else:  # deals between people of the arrays, some dropped
                pairs = [rng.sample(alive, 2) for _ in range(6)]
                dropped = [rel.key for person in rng.sample(alive, 4)
                           for rel in store.graph.out_rels(person, RelType.COLLABORATED_WITH)]
                store.write(relationships=[
                    RelRecord(RelType.COLLABORATED_WITH, a, b, {"deal": f"x{step}",
                                                                "year": 2023})
                    for a, b in pairs], delete_relationships=dropped)
            found += _check(store, rng)
        assert any(store.graph.has_own_rows(person) for person in store.by_label["Person"])
        assert found > 100
        kept = store.index.person_columns
    with EmbeddedStore(path, synchronous="NORMAL") as reopened:  # from the snapshot
        assert reopened.index.person_columns is not None
        alive = sorted(reopened.by_label["Person"])
        assert kept is not None
        assert _rows(reopened.index.person_columns, alive) == _rows(kept, alive)
        _check(reopened, rng)
