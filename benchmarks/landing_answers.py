"""Dump landing and compare answers for many varied questions, to compare two versions.

    python benchmarks/landing_answers.py OUT_DIR

writes one file per store (the seed set, a 4,000-node synthetic corridor) holding, per
question, the landing answer, the corridor comparison and the store's evidence, so that
`diff -r` of two runs (before and after a change) shows any answer that moved.
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from alliance.ingest.records import RecordBatch
from alliance.ingest.seed import read_seed_dir
from alliance.ingest.synth import synthesize
from alliance.services import corridor, landing
from alliance.services.ingest import load
from alliance.services.landing import LandingRequest
from alliance.store.base import ParkEvidence
from alliance.store.embedded import EmbeddedStore
from alliance.store.evidence import park_policies
from graph_schema.vocabulary import BenefitKind, FacilityType, Label, RelType, Role

ROOT = Path(__file__).resolve().parent.parent


def seed_store() -> EmbeddedStore:
    store = EmbeddedStore(":memory:")
    load(store, read_seed_dir(ROOT / "seed"))
    return store


def synth_store(nodes: int) -> EmbeddedStore:
    batch = RecordBatch.of(synthesize(nodes=nodes, seed=7))
    store = EmbeddedStore(":memory:")
    load(store, batch)
    return store


def requests(store: EmbeddedStore, count: int) -> list[dict[str, Any]]:
    """Varied questions drawn from the data: origins, industries with subfields and
    ancestors, area, facilities, rent, rail limits, dates, asker, why_not, top_k."""
    rng = random.Random(13)
    cities = [n.id for n in store.list_nodes(Label.CITY, limit=500)]
    industries = [n.id for n in store.list_nodes(Label.INDUSTRY, limit=500)]
    parents = {r.source for r in store.get_relationships(RelType.SUBFIELD_OF)}
    children = {r.target for r in store.get_relationships(RelType.SUBFIELD_OF)}
    middle = sorted(parents & children) or industries
    parks = [n.id for n in store.list_nodes(Label.PARK, limit=500)]
    people = [n.id for n in store.list_nodes(Role.BROKER, limit=500)]
    found = []
    for i in range(count):
        pool = (middle, sorted(children), sorted(parents - children), industries)[i % 4]
        ask: dict[str, Any] = {
            "origin_city": rng.choice(cities), "industry": rng.choice(pool),
            "area_m2": rng.choice([0, 0, 300, 800, 2000, 5000]),
            "as_of": rng.choice([date(2023, 6, 1), date(2025, 3, 1), date(2026, 11, 1),
                                 date(2028, 1, 15)]),
            "top_k": rng.choice([1, 3, 10, 10, 25]),
        }
        if rng.random() < 0.4:
            ask["facility_types"] = rng.sample(list(FacilityType), rng.choice([1, 1, 2]))
        if rng.random() < 0.4:
            ask["max_rent_cny_m2_month"] = rng.choice([20.0, 35.0, 50.0, 80.0])
        if rng.random() < 0.7:
            ask["max_rail_minutes"] = rng.choice([0, 30, 60, 90, 150, 300])
        if rng.random() < 0.3:
            ask["benefit_kinds"] = rng.sample(list(BenefitKind), 2)
        if rng.random() < 0.5:
            ask["profile"] = {"stage": rng.choice(["seed", "angel", "series_a", "series_b"]),
                              "founded_year": rng.choice([2015, 2020, 2022]),
                              "high_tech_certified": rng.random() < 0.5,
                              "headcount": rng.choice([5, 30, 200])}
            ask["planned_capex_cny"] = rng.choice([None, 2e6, 3e7])
            ask["headcount"] = rng.choice([None, 25, 120])
        if rng.random() < 0.3 and people:
            ask["asker"] = rng.choice(people)
        if rng.random() < 0.3 and parks:
            ask["why_not"] = rng.choice(parks)
        if rng.random() < 0.2:
            ask["broader_last"] = False
        found.append(ask)
    return found


def listed(candidates: list[ParkEvidence]) -> str:
    """The store's evidence as it was listed before a city's policies were shared by its
    parks (each park's policies and its city's as one list, `park_policies`), so dumps
    made on either side of that change compare."""
    return repr([replace(c, policies=tuple(park_policies(c)), city_policies=())
                 for c in candidates]).replace(", city_policies=()", "")


def dump(store: EmbeddedStore, count: int, out: Path) -> None:
    lines = []
    for number, ask in enumerate(requests(store, count)):
        try:
            request = LandingRequest.model_validate(ask)
        except ValueError as exc:
            lines.append(f"## {number} invalid {exc}")
            continue
        reveal = number % 3 == 0
        lines.append(f"## {number} {request.model_dump_json()}")
        lines.append(landing.search(store, request, reveal_contacts=reveal).model_dump_json())
        lines.append(corridor.compare(store, request, reveal_contacts=reveal)
                     .model_dump_json())
        lines.append(listed(store.landing_candidates(request.to_filter())))
        if number % 4 == 1:  # the store's other contact rankings: categories, keep
            query = request.to_filter()
            for change in ({"contact_skill_categories": ("legal", "ip")},
                           {"contacts_per_kind": (0, 1, 12, -1)[number % 16 // 4]}):
                lines.append(listed(store.landing_candidates(replace(query, **change))))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    dump(seed_store(), 40, out / "seed.txt")
    dump(synth_store(4000), 40, out / "synth4000.txt")


if __name__ == "__main__":
    main()
