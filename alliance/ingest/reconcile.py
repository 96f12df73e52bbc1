"""Which entity a name in a spreadsheet means: exact, near ("did you mean"), or none.

Names are compared after `aliases.normalise` (case, width, spaces). An exact Chinese or
English name, a unique code (统一社会信用代码) or an id is a match. Otherwise a near
match is scored 0–100 with rapidfuzz over three views of a name, best one wins:
the name without its generic suffix (苏州工业园区 and 苏州园区 are both "苏州"), its pinyin
(typos of a homophone: 苏洲 → suzhou) and the English name; a short form contained in the
long one (张江 in 张江科学城) also counts. Near matches are only suggestions: an admin
confirms or rejects them (`alliance.ingest.decisions`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from graph_schema.aliases import normalise
from graph_schema.nodes import pinyin_syllables
from graph_schema.records import NodeRecord
from graph_schema.vocabulary import Label

SUGGEST_FROM = 80.0
"""The lowest score shown as "did you mean"."""

_SUFFIXES = sorted((
    "股份有限公司", "有限责任公司", "有限公司", "集团", "高新技术产业开发区", "经济技术开发区",
    "经济开发区", "工业园区", "高新区", "开发区", "产业园", "科技园", "工业园", "园区", "科学城",
    "新区", "示范区", "市", "co.,ltd.", "co.ltd", "ltd.", "ltd", "inc.", "inc", "industrialpark",
    "sciencepark", "park", "zone", "company", "city",
), key=len, reverse=True)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def core(text: str) -> str:
    """A name without its generic suffix, for matching short and full forms.

    >>> core("苏州工业园区"), core("苏州园区"), core("Suzhou Industrial Park")
    ('苏州', '苏州', 'suzhou')
    """
    name = normalise(text)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=65536)
def pinyin_key(text: str) -> str:
    """The pinyin of a name's core ('' for names without Chinese)."""
    base = core(text)
    return "".join(pinyin_syllables(base)) if _CJK.search(base) else ""


@dataclass(frozen=True)
class Candidate:
    """A stored (or earlier in the file) entity a name may mean."""

    id: str
    label: Label
    name: str
    score: float


@dataclass
class _Entry:
    id: str
    label: Label
    name_zh: str
    name_en: str


@dataclass
class NameIndex:
    """Ids, exact names and codes of the entities of some labels; fuzzy views for
    suggestions. Filled from the store, then from the file's own rows as they are read."""

    entries: dict[str, _Entry] = field(default_factory=dict)
    exact: dict[tuple[Label, str], set[str]] = field(default_factory=dict)
    _suggestible: set[str] = field(default_factory=set)
    _starts: dict[Label, dict[str, list[int]]] = field(default_factory=dict)
    _views: dict[Label, tuple[list[str], list[str], list[str], list[str]]] = field(
        default_factory=dict)

    def add(self, node_id: str, label: Label, name_zh: str, name_en: str,
            codes: Iterable[str] = (), *, suggest: bool = True) -> None:
        """Index an entity; `suggest=False` (the file's own new rows) keeps it out of
        near matches, so a large file does not rebuild the fuzzy views row by row."""
        self.entries[node_id] = _Entry(node_id, label, name_zh, name_en)
        for name in (name_zh, name_en, *codes):
            if name:
                self.exact.setdefault((label, normalise(name)), set()).add(node_id)
        if suggest:
            self._suggestible.add(node_id)
            self._views.pop(label, None)
            self._starts.pop(label, None)

    def add_node(self, node: NodeRecord) -> None:
        props = node.properties
        code = props.get("credit_code")
        self.add(node.id, node.label, str(props.get("name_zh", "")),
                 str(props.get("name_en", "")), [code] if isinstance(code, str) else [])

    def name_of(self, node_id: str) -> str:
        entry = self.entries.get(node_id)
        return entry.name_zh or entry.name_en if entry else node_id

    def label_of(self, node_id: str) -> Label | None:
        entry = self.entries.get(node_id)
        return entry.label if entry else None

    def exact_ids(self, labels: Iterable[Label], text: str) -> set[str]:
        """Ids whose Chinese or English name, or code, is the text."""
        key = normalise(text)
        return {node_id for label in labels for node_id in self.exact.get((label, key), ())}

    def _views_of(self, label: Label) -> tuple[list[str], list[str], list[str], list[str]]:
        if label not in self._views:
            items = [entry for entry in self.entries.values()
                     if entry.label is label and entry.id in self._suggestible]
            self._views[label] = ([e.id for e in items], [core(e.name_zh) for e in items],
                                  [pinyin_key(e.name_zh) for e in items],
                                  [normalise(e.name_en) for e in items])
        return self._views[label]

    def _by_start(self, label: Label) -> dict[str, list[int]]:
        """First two characters of each core → positions in the label's views (short
        and full forms share their start: 张江 / 张江科学城)."""
        if label not in self._starts:
            starts: dict[str, list[int]] = {}
            for index, value in enumerate(self._views_of(label)[1]):
                starts.setdefault(value[:2], []).append(index)
            self._starts[label] = starts
        return self._starts[label]

    def near(self, labels: Iterable[Label], text: str, *, limit: int = 5,
             exclude: set[str] | None = None) -> list[Candidate]:
        """The best near matches (score ≥ SUGGEST_FROM), best first, then by id."""
        wanted_core, wanted_pinyin, wanted_en = core(text), pinyin_key(text), normalise(text)
        scores: dict[str, float] = {}
        for label in labels:
            ids, cores, pinyins, english = self._views_of(label)
            if not ids:
                continue
            queries = ((wanted_core, cores), (wanted_pinyin, pinyins), (wanted_en, english))
            for query, choices in queries:
                if not query:
                    continue
                for _, score, index in process.extract(
                        query, choices, scorer=fuzz.ratio, score_cutoff=SUGGEST_FROM - 10,
                        limit=limit * 2):
                    node_id = ids[index]
                    entry = self.entries[node_id]
                    whole = max(fuzz.ratio(wanted_en, normalise(entry.name_zh)),
                                fuzz.ratio(wanted_en, normalise(entry.name_en)))
                    blended = 0.85 * float(score) + 0.15 * whole
                    scores[node_id] = max(scores.get(node_id, 0.0), blended)
            if len(wanted_core) >= 2 and _CJK.match(wanted_core):
                for index in self._by_start(label).get(wanted_core[:2], ()):
                    short, long_ = sorted((wanted_core, cores[index]), key=len)
                    if len(short) >= 2 and short != long_ and long_.startswith(short):
                        scores[ids[index]] = max(scores.get(ids[index], 0.0), 85.0)
        found = [Candidate(node_id, self.entries[node_id].label, self.name_of(node_id),
                           round(min(score, 99.0), 1))
                 for node_id, score in scores.items()
                 if score >= SUGGEST_FROM and node_id not in (exclude or set())]
        found.sort(key=lambda c: (-c.score, c.id))
        return found[:limit]
