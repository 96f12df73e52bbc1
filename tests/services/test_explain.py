"""`explain.copied` is pydantic's shallow `model_copy(update=...)`, made directly;
`explain.made` is the validated model of fields already of their types, and the paths and
people an answer holds are made so."""

from __future__ import annotations

from alliance.services.explain import (
    NameBook,
    NodeRef,
    PathOut,
    PersonOut,
    copied,
    made,
    person_out,
)
from alliance.store.base import GraphPath
from alliance.store.embedded import EmbeddedStore
from graph_schema.vocabulary import Label


def test_copied_is_model_copy() -> None:
    ref = NodeRef(id="park:a", label="Park", name_zh="园", name_en="A")
    path = PathOut(nodes=[ref], rel_types=[], forward=[])
    other = PathOut(nodes=[ref, ref], rel_types=["IN_CITY"], forward=[True])
    for update in ({}, {"rel_types": ["HOSTS"]}, {"nodes": other.nodes, "forward": [False]}):
        made, expected = copied(path, update), path.model_copy(update=update)
        assert made == expected
        assert made.model_dump_json() == expected.model_dump_json()
        assert made.model_fields_set == expected.model_fields_set
        assert made is not path
        assert made.__dict__ is not path.__dict__


def test_made_is_the_validated_model(seed_store: EmbeddedStore) -> None:
    ref = NodeRef(id="park:a", label="Park", name_zh="园", name_en="A")
    fields = {"nodes": [ref, ref], "rel_types": ["IN_CITY"], "forward": [True]}
    found, expected = made(PathOut, dict(fields)), PathOut(**fields)
    assert found == expected
    assert found.model_dump_json() == expected.model_dump_json()
    assert found.model_fields_set == expected.model_fields_set
    people = seed_store.list_nodes(Label.PERSON, limit=50)
    for record in people:
        for reveal in (False, True):
            shown = person_out(record, reveal_contacts=reveal)
            expected_person = PersonOut.model_validate(shown.model_dump())
            assert shown == expected_person
            assert shown.model_dump_json() == expected_person.model_dump_json()
    parks = seed_store.list_nodes(Label.PARK, limit=3)
    path = GraphPath((people[0].id, parks[0].id, "missing:node"), ("Person", "Park", "City"),
                     ("COVERS", "IN_CITY"), (True, False))
    shown_path = NameBook(seed_store, [path]).path(path)
    assert shown_path == PathOut.model_validate(shown_path.model_dump())
