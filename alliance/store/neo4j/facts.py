"""The store-internal facts Neo4jStore keeps on nodes, computed from records.

A write keeps them in its own transaction (`cypher.SET_PARK_FACTS`, `SET_PERSON_FACTS`,
the rail minutes from `rail_minute_rows`). An offline import has no transaction: its
CSV rows carry the same values, gathered here while the records stream past, so
`import-finish` has no fact to rebuild. The values are the statements' exactly (the
same order, the same omissions); an empty list is left out, as CSV cannot carry one, and
every read takes a missing list for an empty one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from alliance.store.rail import RailLink, fastest_routes
from graph_schema.nodes import label_of_id
from graph_schema.vocabulary import Label, RelType

__all__ = ["FACT_LABELS", "RecordFacts", "rail_minute_rows"]

FACT_LABELS = frozenset({Label.CITY, Label.PARK, Label.PERSON})
"""The labels whose nodes hold facts (their rows wait until every record was seen)."""


def rail_minute_rows(cities: Iterable[str], links: list[RailLink]) -> list[dict[str, Any]]:
    """Per city its fastest minutes to every city it reaches (itself included), by id:
    the rows of `cypher.SET_RAIL_MINUTES`."""
    rows = []
    for city in cities:
        routes = fastest_routes(links, city)
        reached = sorted(routes)
        rows.append({"id": city, "cities": reached,
                     "minutes": [routes[other].minutes for other in reached]})
    return rows


class RecordFacts:
    """What the facts come from, gathered from store-shaped rows (`Neo4jStore._node_row`,
    `_rel_row`), then each fact-bearing node's facts."""

    def __init__(self) -> None:
        self.cities: list[str] = []
        self.categories: dict[str, Any] = {}
        self.links: list[RailLink] = []
        self.park_cities: dict[str, list[str]] = defaultdict(list)
        self.hosts: dict[str, set[str]] = defaultdict(set)
        self.expert_in: dict[str, list[str]] = defaultdict(list)
        self.skills: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        self.covered_cities: dict[str, set[str]] = defaultdict(set)
        self.base_cities: dict[str, set[str]] = defaultdict(set)
        self._rail: dict[str, dict[str, Any]] | None = None

    def node(self, label: Label, row: dict[str, Any]) -> None:
        if label is Label.CITY:
            self.cities.append(row["id"])
        elif label is Label.SKILL:
            self.categories[row["id"]] = row["properties"].get("category")

    def relationship(self, rel_type: RelType, row: dict[str, Any]) -> None:
        source, target = row["source"], row["target"]
        if rel_type is RelType.HSR_LINK:
            properties = row["properties"]
            self.links.append(RailLink(source, target, int(properties["minutes"]),
                                       float(properties["km"])))
        elif rel_type is RelType.IN_CITY:
            self.park_cities[source].append(target)
        elif rel_type is RelType.HOSTS:
            self.hosts[source].add(target)
        elif rel_type is RelType.EXPERT_IN:
            self.expert_in[source].append(target)
        elif rel_type is RelType.HAS_SKILL:
            self.skills[source].append((target, row["properties"].get("level")))
        elif rel_type is RelType.COVERS and label_of_id(target) is Label.CITY:
            self.covered_cities[source].add(target)
        elif rel_type is RelType.BASED_IN and label_of_id(target) is Label.CITY:
            self.base_cities[source].add(target)

    def of(self, label: Label, node_id: str) -> dict[str, Any]:
        """The node's facts as properties (empty lists and nulls left out)."""
        if label is Label.CITY:
            if self._rail is None:
                self._rail = {row["id"]: row for row in
                              rail_minute_rows(self.cities, self.links)}
            rail = self._rail[node_id]
            found = {"_rail_cities": rail["cities"], "_rail_minutes": rail["minutes"]}
        elif label is Label.PARK:
            cities = self.park_cities.get(node_id)
            found = {"_city": min(cities) if cities else None,
                     "_hosts": sorted(self.hosts.get(node_id, ()))}
        else:
            held = sorted(self.skills.get(node_id, ()),
                          key=lambda pair: (pair[0], pair[1] is None, pair[1] or 0))
            # collect() leaves nulls out: a missing level or category is skipped.
            found = {"_expert_in": sorted(self.expert_in.get(node_id, ())),
                     "_skills": [skill for skill, _ in held],
                     "_skill_levels": [level for _, level in held if level is not None],
                     "_skill_categories": [category for skill, _ in held
                                           if (category := self.categories.get(skill))
                                           is not None],
                     "_covered_cities": sorted(self.covered_cities.get(node_id, ())),
                     "_base_cities": sorted(self.base_cities.get(node_id, ()))}
        return {name: value for name, value in found.items() if value not in (None, [])}
