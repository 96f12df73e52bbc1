"""Dump the answers of ~50 varied collaborator, team and landing-helper questions, so a
speed change can be checked to change no answer (compare two dumps byte for byte).

    python benchmarks/collaborator_answers.py before.jsonl   # on the old code
    python benchmarks/collaborator_answers.py after.jsonl    # on the new code
    cmp before.jsonl after.jsonl

Questions are drawn deterministically from the seed set and a 4,000-node synthetic
corridor (seed 7): skills (any / all), levels, verticals, cities, roles, certification,
with and without an asker, hop limits, excluded people, team seats and sizes.
"""

from __future__ import annotations

import os
import random
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from pathlib import Path

from pydantic import BaseModel

from alliance.errors import NotFound
from alliance.ingest.records import RecordBatch
from alliance.ingest.seed import DEFAULT_SEED_DIR, read_seed_dir
from alliance.ingest.synth import synthesize
from alliance.services import collaborators, landing
from alliance.services.collaborators import CollaboratorRequest, TeamRequest
from alliance.services.ingest import load
from alliance.services.landing_models import LandingRequest
from alliance.store.base import CollaboratorFilter, GraphStore
from alliance.store.embedded import EmbeddedStore
from graph_schema.vocabulary import CertificationLevel, Label, RelType, Role

AS_OF = date(2026, 12, 1)


def stores() -> Iterator[tuple[str, EmbeddedStore]]:
    seed = read_seed_dir(DEFAULT_SEED_DIR)
    synth = RecordBatch.of(synthesize(nodes=4000, seed=7))
    for name, batch in (("seed", seed), ("synth4000", synth)):
        store = EmbeddedStore(":memory:")
        load(store, batch)
        yield name, store
        store.close()


def questions(store: GraphStore) -> list[tuple[str, Callable[[], BaseModel]]]:
    rng = random.Random(5)
    skills = [n.id for n in store.list_nodes(Label.SKILL, limit=500)]
    industries = [n.id for n in store.list_nodes(Label.INDUSTRY, limit=500)]
    cities = [n.id for n in store.list_nodes(Label.CITY, limit=500)]
    degree: Counter[str] = Counter()
    for rel in store.get_relationships(RelType.COLLABORATED_WITH):
        degree.update([rel.source, rel.target])
    askers = sorted(degree, key=lambda p: (-degree[p], p))
    hubs, quiet = askers[:10], askers[-10:]
    people = [n.id for n in store.list_nodes(Label.PERSON, limit=500)]
    roles = list(Role)
    found: list[tuple[str, Callable[[], BaseModel]]] = []

    def ask(request: CollaboratorRequest) -> None:
        found.append((f"collaborators {request.model_dump_json()}",
                      lambda: collaborators.search(store, request, reveal_contacts=True)))

    def team(request: TeamRequest) -> None:
        found.append((f"team {request.model_dump_json()}",
                      lambda: collaborators.team(store, request)))

    ask(CollaboratorRequest(as_of=AS_OF))
    ask(CollaboratorRequest(asker=hubs[0], as_of=AS_OF, top_k=100))
    for index in range(30):
        asker = rng.choice([None, rng.choice(hubs), rng.choice(quiet), rng.choice(people)])
        request = CollaboratorRequest(
            asker=asker,
            skills=rng.sample(skills, rng.choice([0, 1, 1, 2, 3])),
            require_all_skills=rng.random() < 0.3,
            min_level=rng.choice([1, 1, 2, 3, 4, 5]),
            verticals=rng.sample(industries, rng.choice([0, 0, 1, 2])),
            cities=rng.sample(cities, rng.choice([0, 0, 1, 2])),
            roles=rng.sample(roles, rng.choice([0, 0, 1, 2])),
            min_certification=rng.choice([None, None, *CertificationLevel]),
            max_hops=rng.choice([1, 2, 3, 3, 4]),
            top_k=rng.choice([3, 5, 10, 10, 25, 100]),
            as_of=rng.choice([AS_OF, date(2025, 9, 1)]),
            weights={"trust": rng.choice([0.2, 0.0, 1.0])} if index % 5 == 0 else {},
        )
        ask(request)
    for index in range(12):  # one or two filters, mostly from a hub: non-empty answers
        request = CollaboratorRequest(
            asker=rng.choice([*hubs[:3], None]), as_of=AS_OF, top_k=rng.choice([5, 10, 30]),
            max_hops=rng.choice([2, 3, 3]),
            skills=rng.sample(skills, 1) if index % 3 != 2 else [],
            verticals=rng.sample(industries, 1) if index % 3 == 1 else [],
            cities=rng.sample(cities, 1) if index % 4 == 3 else [],
            roles=rng.sample(roles, 1) if index % 3 == 2 else [],
            min_level=2 if index % 5 == 4 else 1)
        ask(request)
    for index in range(4):  # excluded people go through team seats' filters
        request = CollaboratorRequest(asker=rng.choice(hubs), skills=rng.sample(skills, 2),
                                      as_of=AS_OF)
        excluded = collaborators.search(store, request).collaborators[:index + 1]
        filtered = request.to_filter(exclude=tuple(c.person.id for c in excluded))
        found.append((f"candidates {filtered}", partial(_candidates, store, filtered)))
    for index in range(12):
        team(TeamRequest(
            asker=rng.choice([None, rng.choice(hubs), rng.choice(hubs), rng.choice(quiet)]),
            vertical=rng.choice(industries),
            cities=rng.sample(cities, rng.choice([0, 0, 1])),
            roles=rng.sample(roles, rng.choice([0, 0, 1, 2, 3])) if index % 3 else [],
            max_hops=rng.choice([2, 3, 3, 4]),
            shortlist=rng.choice([2, 4, 6, 8]),
            as_of=AS_OF))
    for index in range(4):
        asker = rng.choice(hubs)
        landing_request = LandingRequest(origin_city=rng.choice(cities),
                                         industry=rng.choice(industries), area_m2=500,
                                         asker=asker, as_of=AS_OF)
        picked = tuple(rng.sample(skills, 1 + index % 2))
        found.append((f"helpers {asker} {picked}",
                      partial(_helpers, store, landing_request, picked)))
    return found


class _Evidence(BaseModel):
    text: str


def _candidates(store: GraphStore, query: CollaboratorFilter) -> _Evidence:
    return _Evidence(text=repr(store.collaborator_candidates(query)))


def _helpers(store: GraphStore, request: LandingRequest, skills: tuple[str, ...]
             ) -> _Evidence:
    found = landing.Helpers(store, request, reveal_contacts=False)(skills)
    return _Evidence(text="\n".join(c.model_dump_json() for c in found))


def main(out: Path) -> None:
    with out.open("w", encoding="utf-8") as handle:
        for name, store in stores():
            for title, answer in questions(store):
                try:
                    text = answer().model_dump_json()
                except NotFound as error:
                    text = f"NotFound {error}"
                handle.write(f"{name} {title}\n{text}\n")


if __name__ == "__main__":
    if os.environ.get("PYTHONHASHSEED") != "0":  # store evidence holds frozensets
        os.execve(sys.executable, [sys.executable, *sys.argv],
                  {**os.environ, "PYTHONHASHSEED": "0"})
    main(Path(sys.argv[1]))
