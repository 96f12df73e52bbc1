"""Sync for partner sites: a full copy as JSON lines, then the change feed from there.

The feed is the audit log read oldest first. Each item names the node a write changed
and carries that node's whole state after the write (labels, properties, outgoing
relationships) or null once it was deleted, so a copy is kept true by one rule per item:
replace the node and its outgoing relationships with the state, or delete the node and
every relationship touching it. Items are numbered in commit order; a cursor is the
number of the last item seen, so a client resumes where it stopped, on any host.

The export is preceded by the feed's cursor at the moment it begins; replaying the feed
from there over the copy converges on the server's graph even when writes happened
during the export (each state is whole, so applying one twice changes nothing).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from alliance.access.audit import AuditStore, FeedEntry
from alliance.api.privacy import CONTACT_FIELDS
from alliance.errors import Invalid
from alliance.store.base import MAX_PAGE, GraphStore
from graph_schema.nodes import label_of_id
from graph_schema.records import NodeRecord
from graph_schema.vocabulary import Label, RelType

DELETE_ACTIONS = frozenset({"delete"})


@dataclass(frozen=True)
class ChangesPage:
    """Feed items after a cursor; `next_cursor` is where to resume (the last item's, or
    the given cursor when nothing is new)."""

    items: list[dict[str, Any]]
    next_cursor: str
    more: bool


def parse_cursor(cursor: str | None) -> int:
    """The seq a feed cursor stands for (no cursor: from the beginning)."""
    if cursor is None or cursor == "":
        return 0
    if not cursor.isdigit() or len(cursor) > 18:
        msg = "not a change-feed cursor (a number this API returned)"
        raise Invalid(msg, field="cursor")
    return int(cursor)


def _hide_contacts(properties: dict[str, Any], *, reveal_contacts: bool) -> dict[str, Any]:
    if reveal_contacts or properties.get("public_contact") is True:
        return properties
    return {key: value for key, value in properties.items() if key not in CONTACT_FIELDS}


def _state_out(state: dict[str, Any] | None, *, reveal_contacts: bool) -> dict[str, Any] | None:
    if state is None:
        return None
    return {**state, "properties": _hide_contacts(state.get("properties", {}),
                                                  reveal_contacts=reveal_contacts)}


def item_out(entry: FeedEntry, *, reveal_contacts: bool) -> dict[str, Any]:
    """One feed item as JSON."""
    label = label_of_id(entry.subject)
    return {"seq": entry.seq, "cursor": str(entry.seq), "at": entry.at,
            "action": entry.action,
            "change": "delete" if entry.state is None else "upsert",
            "id": entry.subject, "label": label.value if label else None,
            "entity": _state_out(entry.state, reveal_contacts=reveal_contacts)}


def changes(audit: AuditStore, *, cursor: str | None, limit: int, reveal_contacts: bool
            ) -> ChangesPage:
    """Feed items after the cursor, oldest first."""
    after = parse_cursor(cursor)
    limit = max(1, min(limit, MAX_PAGE))
    found = audit.feed(after_seq=after, limit=limit + 1)
    page = found[:limit]
    return ChangesPage([item_out(entry, reveal_contacts=reveal_contacts) for entry in page],
                       str(page[-1].seq) if page else str(after), len(found) > limit)


def _line(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"


def _nodes(store: GraphStore, label: Label) -> Iterator[NodeRecord]:
    after: str | None = None
    while True:
        page = store.list_nodes(label, after=after, limit=MAX_PAGE)
        yield from page
        if len(page) < MAX_PAGE:
            return
        after = page[-1].id


def export_lines(store: GraphStore, *, reveal_contacts: bool) -> Iterator[str]:
    """The whole graph as JSON lines (the format `alliance db load` reads): every node by
    label then id, then every relationship by type. Take the feed's cursor first
    (`AuditStore.last_seq`) and follow the feed from it."""
    for label in Label:
        for node in _nodes(store, label):
            yield _line({"kind": "node", "label": node.label.value,
                         "properties": _hide_contacts(node.properties,
                                                      reveal_contacts=reveal_contacts)})
    for rel_type in RelType:
        for rel in store.get_relationships(rel_type):
            yield _line({"kind": "relationship", "type": rel.type.value, "source": rel.source,
                         "target": rel.target, "properties": rel.properties})
