"""Where EmbeddedStore's name search looks instead of every node: work in proportion to
the page, not to the store (write-through, rebuilt from the graph when dropped).

A hit's rank is (score, label order, id) (`alliance.store.search`), and the score is one
of four tiers, each answered by its own structure, label by label in rank order:

- 1.0 / 0.9, name_zh or name_en equal to / starting with the text, and 0.8, name_pinyin
  starting with it (or with it without spaces): a contiguous range of the label's ids
  sorted by that name (`by_field`), found by bisection, so its size is known at once;
- 0.7, any name containing the text: the label's ids in order (`order`: blocks of ids,
  each with its Chinese names and its other names joined in two strings that `str.find`
  scans; a text with non-ASCII letters skips an all-ASCII string), until the page is full.

A label's tier range that is small is taken whole and sorted; a large one is dense, so
the ordered scan of the label finds the page's share of it after a few times as many
nodes (`_small` picks by the two costs). Only a text contained in fewer names than the
page holds, and not at their start, costs a scan of every name (at C speed).

`texts` holds the three names lower-cased, joined by SEPARATOR (which
`normalise_query` removes from any text, so a match never spans two names). A node with
the separator inside a name is kept in `odd` and scored directly by `search_score`.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from alliance.store.search import LABEL_RANK, SEARCHABLE_LABELS, search_score
from graph_schema.records import NodeRecord

__all__ = ["NAMES", "SEPARATOR", "Block", "NameIndex", "build"]

SEPARATOR = "\x1f"
"""Between the three names in `texts`: whitespace to `str.split`, so never in a query."""

NAMES = ("name_zh", "name_en", "name_pinyin")
_ZH, _EN, _PINYIN = range(3)
_SEARCHABLE = frozenset(label.value for label in SEARCHABLE_LABELS)
_SCAN_COST = 0.5
"""What testing one node of the ordered scan costs beside taking one of a range."""
BLOCK = 2048
"""Ids per block of `order` when built; a block twice as large is split in two."""
_BETWEEN = "\x1e"
"""Between two nodes' names in a block's joined strings (whitespace too)."""

Fields = tuple[list[str], list[str], list[str]]


@dataclass
class _Joined:
    """One string of a block: some names of each of its ids, joined, and where each
    id's part starts (with the total length at the end)."""

    text: str
    starts: array[int]
    ascii: bool

    @classmethod
    def of(cls, parts: list[str]) -> _Joined:
        text = _BETWEEN.join(parts)
        starts = array("q", [0, *itertools.accumulate(len(part) + 1 for part in parts)])
        return cls(text, starts, text.isascii())

    def holding(self, needle: str) -> Iterator[int]:
        """Positions (in the block) of the ids whose part contains the needle."""
        if self.ascii and not needle.isascii():
            return
        text, starts = self.text, self.starts
        at = text.find(needle)
        while at >= 0:
            which = bisect.bisect_right(starts, at) - 1
            yield which
            at = text.find(needle, starts[which + 1])


@dataclass
class Block:
    """Consecutive ids of one label, in order, and their names joined (made by the
    build, dropped when the block changes, made again by the next scan): Chinese names
    in one string, the others in another (mostly ASCII, so stored and searched a byte a
    letter)."""

    ids: list[str]
    joined: tuple[_Joined, _Joined] | None = None

    def join(self, texts: dict[str, str]) -> tuple[_Joined, _Joined]:
        if self.joined is None:
            names = [texts[node_id].split(SEPARATOR, 1) for node_id in self.ids]
            self.joined = (_Joined.of([parts[0] for parts in names]),
                           _Joined.of([parts[-1] for parts in names]))
        return self.joined

    def containing(self, texts: dict[str, str], needle: str) -> Iterator[str]:
        """The block's ids whose names contain the needle, in order (found as they are
        asked for: the two strings' positions merged)."""
        chinese, others = self.join(texts)
        last = -1
        for at in heapq.merge(chinese.holding(needle), others.holding(needle)):
            if at != last:
                yield self.ids[at]
                last = at


@dataclass
class NameIndex:
    """Names of the searchable nodes: per primary label, its ids sorted three ways and
    in id order."""

    texts: dict[str, str] = field(default_factory=dict)
    by_field: dict[str, Fields] = field(default_factory=dict)
    """Label -> its ids sorted by (name_zh, id), (name_en, id), (name_pinyin, id)."""
    order: dict[str, list[Block]] = field(default_factory=dict)
    """Label -> its ids, sorted, in blocks."""
    firsts: dict[str, list[str]] = field(default_factory=dict)
    """Label -> a lower bound of each block's ids (the first block's: "")."""
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
        node_id, label = old.id, old.label.value
        for which, ids in enumerate(self.by_field[label]):
            key = self._key(which)
            del ids[bisect.bisect_left(ids, key(node_id), key=key)]
        block = self._block(label, node_id)
        del block.ids[bisect.bisect_left(block.ids, node_id)]
        block.joined = None
        del self.texts[node_id]
        self.odd.discard(node_id)

    def _add(self, new: NodeRecord) -> None:
        node_id, label = new.id, new.label.value
        text = names_text(new)
        self.texts[node_id] = text
        if text.count(SEPARATOR) != len(NAMES) - 1:
            self.odd.add(node_id)
        for which, ids in enumerate(self.by_field.setdefault(label, ([], [], []))):
            key = self._key(which)
            ids.insert(bisect.bisect_left(ids, key(node_id), key=key), node_id)
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

    def _range(self, label: str, which: int, prefix: str, exact: bool = False) -> list[str]:
        """The label's ids whose name `which` equals (exact) or starts with the prefix
        (the list is sorted by the name, so by any length of its start too)."""
        ids, texts, size = self.by_field[label][which], self.texts, len(prefix)

        def name(node_id: str) -> str:
            whole = texts[node_id].split(SEPARATOR)[which]
            return whole if exact else whole[:size]

        start = bisect.bisect_left(ids, prefix, key=name)
        return ids[start:bisect.bisect_right(ids, prefix, lo=start, key=name)]

    def _ids(self, label: str) -> Iterator[str]:
        for block in self.order.get(label, ()):
            yield from block.ids

    def _small(self, size: int, need: int, population: int) -> bool:
        """Whether taking a range of this size whole costs less than scanning the label
        (`population` ids) for `need` of its members."""
        return size <= need or size * size <= _SCAN_COST * need * population

    def hits(self, needle: str, limit: int, *, label_of: Callable[[str], str],
             wanted: Callable[[str], bool] | None, labels: frozenset[str] | None,
             record: Callable[[str], NodeRecord]) -> list[tuple[str, float]]:
        """The best `limit` (id, score) pairs for a normalised needle, in hit order;
        `wanted` (when given) filters ids, `labels` (when not None) are the primary
        labels that can pass it."""
        scan_labels = [label.value for label in SEARCHABLE_LABELS
                       if label.value in self.by_field
                       and (labels is None or label.value in labels)]
        scan_labels.sort(key=lambda label: LABEL_RANK[label])
        texts, odd = self.texts, self.odd
        found: list[tuple[str, float]] = []
        taken: set[str] = set()

        def keep(node_id: str) -> bool:
            return node_id not in odd and (wanted is None or wanted(node_id))

        def take(ids: Iterable[str], score: float) -> None:
            for node_id in ids:
                found.append((node_id, score))
                taken.add(node_id)

        nospace = needle.replace(" ", "")
        tiers: list[tuple[float, list[tuple[int, str, bool]], Callable[[str], bool]]] = [
            (1.0, [(_ZH, needle, True), (_EN, needle, True)], bool),  # always taken whole
            (0.9, [(_ZH, needle, False), (_EN, needle, False)],
             lambda node_id: _starts(texts[node_id], needle, (_ZH, _EN))),
            (0.8, [(_PINYIN, needle, False), (_PINYIN, nospace, False)],
             lambda node_id: _starts(texts[node_id], needle, (_PINYIN,))),
        ]
        for score, ranges, test in tiers:
            for label in scan_labels:
                need = limit - len(found)
                if need <= 0:
                    break
                ids = [self._range(label, which, prefix, exact)
                       for which, prefix, exact in ranges]
                size = sum(len(part) for part in ids)
                if not size:
                    continue
                if score == 1.0 or self._small(size, need, len(self.by_field[label][0])):
                    kept = [node_id for node_id in set().union(*ids) - taken if keep(node_id)]
                    take(heapq.nsmallest(need, kept), score)
                else:
                    take(self._scan(label, test, keep, taken, need), score)
        for label in scan_labels:  # the prefix tiers are complete: the rest contain it
            if len(found) >= limit:
                break
            take(self._containing(label, needle, keep, taken, limit - len(found)), 0.7)
        if odd:
            found = self._with_odd(found, needle, limit, wanted, record, label_of)
        return found

    def _scan(self, label: str, test: Callable[[str], bool], keep: Callable[[str], bool],
              skip: set[str], need: int) -> list[str]:
        """The label's first `need` kept ids that pass the test."""
        found: list[str] = []
        for node_id in self._ids(label):
            if node_id not in skip and test(node_id) and keep(node_id):
                found.append(node_id)
                if len(found) == need:
                    break
        return found

    def _containing(self, label: str, needle: str, keep: Callable[[str], bool],
                    skip: set[str], need: int) -> list[str]:
        """The label's first `need` kept ids with a name containing the needle but none
        starting with it (those are in the tiers above)."""
        found: list[str] = []
        texts = self.texts
        for block in self.order.get(label, ()):
            for node_id in block.containing(texts, needle):
                if (node_id not in skip and keep(node_id)
                        and not _starts(texts[node_id], needle, (_ZH, _EN, _PINYIN))):
                    found.append(node_id)
                    if len(found) == need:
                        return found
        return found

    def _with_odd(self, found: list[tuple[str, float]], needle: str, limit: int,
                  wanted: Callable[[str], bool] | None,
                  record: Callable[[str], NodeRecord],
                  label_of: Callable[[str], str]) -> list[tuple[str, float]]:
        """Found hits with the odd nodes scored directly, re-ranked."""
        merged = dict(found)
        for node_id in self.odd:
            score = search_score(needle, record(node_id).properties)
            if score is not None and (wanted is None or wanted(node_id)):
                merged[node_id] = score
        ordered = sorted(merged.items(), key=lambda item: (
            -item[1], LABEL_RANK.get(label_of(item[0]), len(LABEL_RANK)), item[0]))
        return ordered[:limit]


def names_text(record: NodeRecord) -> str:
    """The three names, lower-cased (like `search_score` reads them), joined."""
    props = record.properties
    return SEPARATOR.join(str(props.get(name) or "").lower() for name in NAMES)


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
    by_label: dict[str, list[tuple[list[str], str]]] = {}
    for record in records:
        if record.label.value in _SEARCHABLE:
            text = texts[record.id] = names_text(record)
            by_label.setdefault(record.label.value, []).append(
                (text.split(SEPARATOR), record.id))
            if text.count(SEPARATOR) != len(NAMES) - 1:
                index.odd.add(record.id)
    for label, rows in by_label.items():
        fields: Fields = ([], [], [])
        for which, ids in enumerate(fields):
            rows.sort(key=lambda row: (row[0][which], row[1]))
            ids.extend(node_id for _, node_id in rows)
        index.by_field[label] = fields
        ids = sorted(node_id for _, node_id in rows)
        index.order[label] = [Block(ids[at:at + BLOCK]) for at in range(0, len(ids), BLOCK)]
        for block in index.order[label]:  # joined now, not by the first scan of each
            block.join(texts)
        index.firsts[label] = ["", *(block.ids[0] for block in index.order[label][1:])]
    return index
