"""Where EmbeddedStore's name search looks instead of every node: a work in proportion
to the page, not to the store (write-through, rebuilt from the graph when dropped).

A hit's rank is (score, label order, id) (`alliance.store.search`), and the score is one
of four tiers, each answered by its own structure:

- 1.0 / 0.9, name_zh or name_en equal to / starting with the text, and 0.8, name_pinyin
  starting with it (or with it without spaces): a contiguous range of `by_field`, the ids
  sorted by that field, found by bisection, so its size is known at once;
- 0.7, any name containing the text: the nodes in rank order (`order`: per label, blocks
  of ids in id order, each with its names joined in one string that `str.find` scans),
  scanned until the page is full.

A tier whose range is small is taken whole and sorted; a large one is dense, so the
ordered scan finds the page's share of it after a few times as many nodes (`_small`
picks by the two costs). Only a text contained in fewer names than the page holds, and
not at their start, costs a scan of every name (at C speed, `str.find` over the blocks).

`texts` holds the three names lower-cased, joined by SEPARATOR (which
`normalise_query` removes from any text, so a match never spans two names). A node with
the separator inside a name is kept in `odd` and scored directly by `search_score`.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from alliance.store.search import LABEL_RANK, SEARCHABLE_LABELS, search_score
from graph_schema.records import NodeRecord

__all__ = ["SEPARATOR", "NameIndex", "build"]

SEPARATOR = "\x1f"
"""Between the three names in `texts`: whitespace to `str.split`, so never in a query."""

NAMES = ("name_zh", "name_en", "name_pinyin")
_ZH, _EN, _PINYIN = range(3)
_LAST = "\U0010ffff"
_SEARCHABLE = frozenset(label.value for label in SEARCHABLE_LABELS)
_SCAN_COST = 0.5
"""What testing one node of the ordered scan costs beside taking one of a range."""
BLOCK = 2048
"""Ids per block of `order` when built; a block twice as large is split in two."""
_BETWEEN = "\x1e"
"""Between two nodes' texts in a block's joined string (whitespace too)."""


@dataclass
class Block:
    """Consecutive ids of one label, in order, and their texts joined (made on demand,
    dropped when the block changes)."""

    ids: list[str]
    joined: str | None = None
    starts: list[int] = field(default_factory=list)
    """Where each id's text starts in `joined`, and its length at the end."""

    def text(self, texts: dict[str, str]) -> str:
        if self.joined is None:
            parts = [texts[node_id] for node_id in self.ids]
            self.starts = [0, *itertools.accumulate(len(part) + 1 for part in parts)]
            self.joined = _BETWEEN.join(parts)
        return self.joined


def names_text(record: NodeRecord) -> str:
    """The three names, lower-cased (like `search_score` reads them), joined."""
    props = record.properties
    return SEPARATOR.join(str(props.get(name) or "").lower() for name in NAMES)


@dataclass
class NameIndex:
    """Names of the searchable nodes, sorted three ways and in rank order."""

    texts: dict[str, str] = field(default_factory=dict)
    by_field: tuple[list[str], list[str], list[str]] = field(
        default_factory=lambda: ([], [], []))
    """Ids sorted by (name_zh, id), (name_en, id), (name_pinyin, id)."""
    order: dict[str, list[Block]] = field(default_factory=dict)
    """Primary label -> its searchable ids, sorted, in blocks."""
    firsts: dict[str, list[str]] = field(default_factory=dict)
    """Primary label -> a lower bound of each block's ids (the first block's: "")."""
    odd: set[str] = field(default_factory=set)
    """Ids with SEPARATOR inside a name (scored by `search_score` itself)."""

    # ------------------------------------------------------------------ upkeep

    def _key(self, which: int) -> Callable[[str], tuple[str, str]]:
        texts = self.texts

        def key(node_id: str) -> tuple[str, str]:
            return texts[node_id].split(SEPARATOR)[which], node_id

        return key

    def put(self, old: NodeRecord | None, new: NodeRecord | None) -> None:
        """Bring the index up to date with one node's change (None: absent)."""
        if old is not None and old.id in self.texts:
            self._remove(old)
        if new is not None and new.label.value in _SEARCHABLE:
            self._add(new)

    def _remove(self, old: NodeRecord) -> None:
        node_id = old.id
        for which, ids in enumerate(self.by_field):
            key = self._key(which)
            at = bisect.bisect_left(ids, key(node_id), key=key)
            del ids[at]
        block = self._block(old.label.value, node_id)
        del block.ids[bisect.bisect_left(block.ids, node_id)]
        block.joined = None
        del self.texts[node_id]
        self.odd.discard(node_id)

    def _add(self, new: NodeRecord) -> None:
        node_id = new.id
        text = names_text(new)
        self.texts[node_id] = text
        if text.count(SEPARATOR) != len(NAMES) - 1:
            self.odd.add(node_id)
        for which, ids in enumerate(self.by_field):
            key = self._key(which)
            ids.insert(bisect.bisect_left(ids, key(node_id), key=key), node_id)
        label = new.label.value
        block = self._block(label, node_id)
        bisect.insort(block.ids, node_id)
        block.joined = None
        if len(block.ids) >= 2 * BLOCK:
            at = self.order[label].index(block)
            half = Block(block.ids[BLOCK:])
            del block.ids[BLOCK:]
            self.order[label].insert(at + 1, half)
            self.firsts[label].insert(at + 1, half.ids[0])

    def _block(self, label: str, node_id: str) -> Block:
        """The block of this label that holds (or would hold) the id."""
        if label not in self.order:
            self.order[label], self.firsts[label] = [Block([])], [""]
        return self.order[label][bisect.bisect_right(self.firsts[label], node_id) - 1]

    # ------------------------------------------------------------------ reads

    def _range(self, which: int, prefix: str, exact: bool = False) -> list[str]:
        """Ids whose name `which` equals (exact) or starts with the prefix (the list is
        sorted by the name, so by any length of its start too)."""
        ids, texts, size = self.by_field[which], self.texts, len(prefix)

        def name(node_id: str) -> str:
            whole = texts[node_id].split(SEPARATOR)[which]
            return whole if exact else whole[:size]

        start = bisect.bisect_left(ids, prefix, key=name)
        return ids[start:bisect.bisect_right(ids, prefix, lo=start, key=name)]

    def _ids(self, labels: Iterable[str]) -> Iterator[str]:
        for label in labels:
            for block in self.order.get(label, ()):
                yield from block.ids

    def _scan(self, labels: Iterable[str], test: Callable[[str], bool],
              keep: Callable[[str], bool], skip: set[str], need: int) -> list[str]:
        """The first `need` kept ids in rank order that pass the test."""
        found: list[str] = []
        for node_id in self._ids(labels):
            if node_id not in skip and test(node_id) and keep(node_id):
                found.append(node_id)
                if len(found) == need:
                    break
        return found

    def _containing(self, labels: Iterable[str], needle: str) -> Iterator[str]:
        """Ids in rank order whose text contains the needle (found by `str.find`)."""
        texts = self.texts
        for label in labels:
            for block in self.order.get(label, ()):
                joined, starts = block.text(texts), block.starts
                at = joined.find(needle)
                while at >= 0:
                    which = bisect.bisect_right(starts, at) - 1
                    yield block.ids[which]
                    at = joined.find(needle, starts[which + 1])

    def _small(self, size: int, need: int) -> bool:
        """Whether taking a range of this size whole costs less than scanning for
        `need` of its members among all nodes (density size / all)."""
        return size * size <= _SCAN_COST * need * max(len(self.texts), 1) or size <= need

    def hits(self, needle: str, limit: int, *, label_of: Callable[[str], str],
             wanted: Callable[[str], bool] | None, labels: frozenset[str] | None,
             record: Callable[[str], NodeRecord]) -> list[tuple[str, float]]:
        """The best `limit` (id, score) pairs for a normalised needle, in hit order;
        `wanted` (when given) filters ids, `labels` (when not None) are the primary labels that can
        pass it."""
        def rank(node_id: str) -> tuple[int, str]:
            return LABEL_RANK.get(label_of(node_id), len(LABEL_RANK)), node_id

        scan_labels = [label.value for label in SEARCHABLE_LABELS
                       if labels is None or label.value in labels]
        scan_labels.sort(key=lambda label: LABEL_RANK[label])
        texts, odd = self.texts, self.odd
        found: list[tuple[str, float]] = []

        def keep(node_id: str) -> bool:
            return node_id not in odd and (wanted is None or wanted(node_id))

        taken: set[str] = set()

        def take(tier: Iterable[str], score: float) -> None:
            for node_id in tier:
                found.append((node_id, score))
                taken.add(node_id)

        def by_range(ids: set[str], score: float) -> None:
            kept = [node_id for node_id in ids - taken if keep(node_id)]
            take(heapq.nsmallest(limit - len(found), kept, key=rank), score)

        exact = set(self._range(_ZH, needle, exact=True)) | set(
            self._range(_EN, needle, exact=True))
        by_range(exact, 1.0)
        tiers: list[tuple[float, list[list[str]], Callable[[str], bool]]] = [
            (0.9, [self._range(_ZH, needle), self._range(_EN, needle)],
             lambda node_id: _starts(texts[node_id], needle, (_ZH, _EN))),
            (0.8, [self._range(_PINYIN, needle), self._range(_PINYIN, needle.replace(" ", ""))],
             lambda node_id: _starts(texts[node_id], needle, (_PINYIN,))),
        ]
        for score, ranges, test in tiers:
            need = limit - len(found)
            if need <= 0:
                break
            size = sum(len(ids) for ids in ranges)
            if self._small(size, need):
                by_range(set().union(*ranges), score)
            else:
                take(self._scan(scan_labels, test, keep, taken, need), score)
        if len(found) < limit:  # the prefix tiers are complete: the rest contain it
            rest: list[str] = []
            need = limit - len(found)
            for node_id in self._containing(scan_labels, needle):
                if (node_id not in taken and keep(node_id)
                        and not _starts(texts[node_id], needle, (_ZH, _EN, _PINYIN))):
                    rest.append(node_id)
                    if len(rest) == need:
                        break
            take(rest, 0.7)
        if odd:
            found = self._with_odd(found, needle, limit, wanted, record, rank)
        return found

    def _with_odd(self, found: list[tuple[str, float]], needle: str, limit: int,
                  wanted: Callable[[str], bool] | None,
                  record: Callable[[str], NodeRecord],
                  rank: Callable[[str], tuple[int, str]]) -> list[tuple[str, float]]:
        """Found hits with the odd nodes scored directly, re-ranked."""
        merged = dict(found)
        for node_id in self.odd:
            score = search_score(needle, record(node_id).properties)
            if score is not None and (wanted is None or wanted(node_id)):
                merged[node_id] = score
        ordered = sorted(merged.items(), key=lambda item: (-item[1], *rank(item[0])))
        return ordered[:limit]


def _starts(text: str, needle: str, which: tuple[int, ...]) -> bool:
    """Whether a name of `which` starts with the needle (name_pinyin: or with the needle
    without spaces)."""
    names = text.split(SEPARATOR)
    return any(names[at].startswith(needle) for at in which) or (
        _PINYIN in which and names[_PINYIN].startswith(needle.replace(" ", "")))


def build(records: Iterable[NodeRecord]) -> NameIndex:
    """The index of these nodes (the searchable ones), from scratch."""
    index = NameIndex()
    texts = index.texts
    by_label: dict[str, list[str]] = {}
    for record in records:
        if record.label.value in _SEARCHABLE:
            text = texts[record.id] = names_text(record)
            by_label.setdefault(record.label.value, []).append(record.id)
            if text.count(SEPARATOR) != len(NAMES) - 1:
                index.odd.add(record.id)
    for label, ids in by_label.items():
        ids.sort()
        index.order[label] = [Block(ids[at:at + BLOCK]) for at in range(0, len(ids), BLOCK)]
        index.firsts[label] = ["", *(block.ids[0] for block in index.order[label][1:])]
    split = [(text.split(SEPARATOR), node_id) for node_id, text in texts.items()]
    for which, ids in enumerate(index.by_field):
        split.sort(key=lambda row: (row[0][which], row[1]))
        ids.extend(node_id for _, node_id in split)
    return index
