"""A shown park's book-and-evidence parts (`landing.SHOWN`: its policy matches, contacts,
industry matches, summary) kept across questions: a park shown again by a question of
the same facts reuses them; the answer is always the one made afresh, also after writes
that rename the nodes its paths show, and a kept part is not used when a node it names
reads differently, even from the same evidence."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from alliance.api.compact import encoded
from alliance.ingest.synth import synthesize
from alliance.services import corridor, landing
from alliance.services.landing import LandingRequest
from alliance.store.embedded import EmbeddedStore
from graph_schema.records import NodeRecord, RelRecord
from tests.services.test_kept import _forget, _requests


def _store() -> EmbeddedStore:
    records = list(synthesize(nodes=1500, seed=3))
    store = EmbeddedStore(":memory:")
    store.write(nodes=[r for r in records if isinstance(r, NodeRecord)],
                relationships=[r for r in records if isinstance(r, RelRecord)])
    return store


def _asked(store: EmbeddedStore, count: int, seed: int) -> list[LandingRequest]:
    """Questions whose answers show parks (with contacts and policies, mostly)."""
    found = [request.model_copy(update={"top_k": 5})
             for request in _requests(store, random.Random(seed), 4 * count)]
    return [request for request in found if landing.search(store, request).parks][:count]


def _bodies(store: EmbeddedStore, requests: list[LandingRequest], *, afresh: bool = False
            ) -> list[bytes]:
    found = []
    for request in requests:
        for reveal in (False, True):  # the same parks with and without contact data
            for ask in (landing.search, corridor.compare):
                if afresh:
                    _forget(store)
                answer = ask(store, request, reveal_contacts=reveal)
                found += [encoded(answer, "full"), encoded(answer, "compact")]
    return found


def test_a_park_shown_again_reuses_its_kept_parts() -> None:
    store = _store()
    request = _asked(store, 1, 5)[0]
    _forget(store)
    first = landing.search(store, request).parks[0]
    again = landing.search(store, request.model_copy(update={"area_m2": 333.0})).parks
    shown = next(park for park in again if park.summary.park.id == first.summary.park.id)
    assert shown.contacts[0] is first.contacts[0] if first.contacts else True
    assert shown.industries[0] is first.industries[0]
    other = landing.search(store, request.model_copy(update={"policies_per_list": 1})).parks
    assert all(park.industries[0] is not first.industries[0] for park in other)
    store.close()


def test_answers_after_renames_are_made_afresh() -> None:
    rng = random.Random(11)
    store = _store()
    requests = _asked(store, 5, 9)
    assert _bodies(store, requests) == _bodies(store, requests, afresh=True)
    _bodies(store, requests)  # every shown park kept from here on
    shown = {node for request in requests for park in landing.search(store, request).parks
             for path in (park.rail_path, *(m.path for m in park.eligible_policies),
                          *(c.path for c in park.contacts), *(i.path for i in park.industries))
             for node in path.node_ids}
    for round_number in range(6):
        renamed = [replace(node, properties={
            **node.properties, "name_en": f"{node.properties['name_en']} r{round_number}"})
            for node in store.get_nodes(rng.sample(sorted(shown), 8))]
        store.write(nodes=renamed)
        assert _bodies(store, requests) == _bodies(store, requests, afresh=True)
    store.close()


class Renaming:
    """A store that hands out the same evidence as the one it wraps, but reads one node
    under another name (as a store keeping evidence across such a write would)."""

    def __init__(self, store: EmbeddedStore, node: str) -> None:
        self.store, self.node = store, node

    def get_nodes(self, node_ids: Sequence[str]) -> list[NodeRecord]:
        return [replace(record, properties={**record.properties, "name_en": "Renamed"})
                if record.id == self.node else record
                for record in self.store.get_nodes(node_ids)]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_a_kept_part_is_not_used_when_a_name_it_shows_changed() -> None:
    store = _store()
    request = _asked(store, 1, 5)[0]
    _forget(store)
    park = landing.search(store, request).parks[0]
    named = next(path.node_ids[0] for path in (
        *(m.path for m in park.eligible_policies), *(c.path for c in park.contacts),
        *(i.path for i in park.industries)) if path.node_ids[0] != park.summary.park.id)
    assert store.get_node(named) is not None
    renamed = landing.search(Renaming(store, named), request)
    names = {ref.name_en for found in renamed.parks for path in (
        *(m.path for m in found.eligible_policies), *(c.path for c in found.contacts),
        *(i.path for i in found.industries)) for ref in path.nodes if ref.id == named}
    assert names == {"Renamed"}
    store.close()
