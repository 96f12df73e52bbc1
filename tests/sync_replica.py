"""A partner's copy of the directory, kept by the bulk export and the change feed, as a
partner site would keep it: the tests compare it with the server's own export."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

RelId = tuple[str, str, str, str]
"""(type, source, target, properties as JSON): a relationship in the copy."""

Get = Callable[[str, dict[str, Any]], Any]
"""GET a path with query parameters, answering the parsed JSON (or, for the export,
the raw text and the cursor header)."""


def _rel_id(line: dict[str, Any]) -> RelId:
    return (line["type"], line["source"], line["target"],
            json.dumps(line.get("properties", {}), sort_keys=True))


@dataclass
class Replica:
    """Nodes by id (label, labels, properties) and relationships, from export lines."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    relationships: set[RelId] = field(default_factory=set)
    cursor: str = "0"

    @classmethod
    def from_export(cls, lines: Iterable[str], cursor: str) -> Replica:
        copy = cls(cursor=cursor)
        for text in lines:
            if not text.strip():
                continue
            line = json.loads(text)
            if line["kind"] == "node":
                props = line["properties"]
                copy.nodes[props["id"]] = {"label": line["label"], "properties": props}
            else:
                copy.relationships.add(_rel_id(line))
        return copy

    def apply(self, item: dict[str, Any]) -> None:
        """One feed item: replace the node and its outgoing edges, or delete it."""
        node_id = item["id"]
        if item["change"] == "delete":
            self.nodes.pop(node_id, None)
            self.relationships = {rel for rel in self.relationships
                                  if node_id not in (rel[1], rel[2])}
            return
        entity = item["entity"]
        self.nodes[node_id] = {"label": entity["label"], "properties": entity["properties"]}
        self.relationships = {rel for rel in self.relationships if rel[1] != node_id}
        self.relationships |= {_rel_id(rel) for rel in entity["relationships"]}

    def follow(self, get_changes: Callable[[str], dict[str, Any]]) -> int:
        """Apply every item after the cursor; how many were applied."""
        applied = 0
        while True:
            page = get_changes(self.cursor)
            for item in page["items"]:
                self.apply(item)
                applied += 1
            self.cursor = page["next_cursor"]
            if not page["more"]:
                return applied

    def same_as(self, other: Replica) -> bool:
        return self.nodes == other.nodes and self.relationships == other.relationships
