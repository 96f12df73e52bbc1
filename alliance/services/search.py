"""Search that finds what staff type: names, roles, places and fields, in any script.

A query is read as a whole and word by word (whitespace splits "苏州 生物"). Each term
finds, in this order of score:

- names: Chinese, English or pinyin containing it (full pinyin, syllables, initials such
  as "szgx"; `store.search`, ranked by `store.search.search_score`: exact 1.0, prefix
  0.9, pinyin prefix 0.8, contained 0.7);
- role words: 律师 / lawyer → every Lawyer (0.75);
- containment: a city, industry or skill the term names (score ≥ 0.8) brings what lies
  in it: a city its parks, the people based in or covering it and the companies and
  organizations based there; an industry (with its subfields, 0.9 per level) the parks
  hosting it (× the HOSTS strength), its experts and its companies; a skill the people
  holding it (0.6 × the concept's score);
- typos: an ASCII term of 4+ letters that finds nothing is corrected to the nearest
  catalogue word (city, park, industry, skill and role names; rapidfuzz ratio ≥ 80) and
  found at 0.9 × its score.

A hit of the whole query counts as is; a hit of every word counts at 0.95 × the mean of
its words' scores (so an exact name still comes first). Hits are ordered by score, label
order, then id; the answer has the total, facets (label, city, role) and a cursor. It is
built only from store calls both stores answer alike, so both rank the same.
"""

from __future__ import annotations

import base64
import binascii
import functools
import heapq
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from alliance.errors import Invalid
from alliance.services.professions import all_nodes
from alliance.store.base import MAX_PAGE, EndReader, GraphStore
from alliance.store.search import LABEL_RANK, normalise_query
from graph_schema.nodes import pinyin_syllables
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.relationships import REL_SPECS
from graph_schema.vocabulary import Label, RelType, Role

__all__ = ["ROLE_WORDS", "SearchPage", "search"]

ROLE_WORDS: dict[str, Role] = {
    "律师": Role.LAWYER, "lawyer": Role.LAWYER, "lawyers": Role.LAWYER, "lvshi": Role.LAWYER,
    "会计师": Role.ACCOUNTANT, "会计": Role.ACCOUNTANT, "accountant": Role.ACCOUNTANT,
    "accountants": Role.ACCOUNTANT, "kuaijishi": Role.ACCOUNTANT, "kuaiji": Role.ACCOUNTANT,
    "专利代理人": Role.PATENT_AGENT, "专利代理师": Role.PATENT_AGENT,
    "patent agent": Role.PATENT_AGENT, "patentagent": Role.PATENT_AGENT,
    "投资人": Role.INVESTOR, "投资经理": Role.INVESTOR, "investor": Role.INVESTOR,
    "investors": Role.INVESTOR, "touziren": Role.INVESTOR,
    "技术经理人": Role.BROKER, "技术经纪人": Role.BROKER, "经纪人": Role.BROKER,
    "broker": Role.BROKER, "brokers": Role.BROKER, "jishujingliren": Role.BROKER,
    "顾问": Role.CONSULTANT, "咨询师": Role.CONSULTANT, "consultant": Role.CONSULTANT,
    "consultants": Role.CONSULTANT, "guwen": Role.CONSULTANT,
    "园区联系人": Role.PARK_CONTACT, "招商": Role.PARK_CONTACT,
}
"""Words staff use for a role (Chinese, English, pinyin), matched as a whole term."""

NAME_LIMIT = MAX_PAGE
"""Name hits fetched per term (the store's page cap)."""

ROLE_SCORE = 0.75
CONTAINED = 0.6
CONCEPT_FLOOR = 0.8
"""A concept must be named this well (exact or prefix) to bring what it contains."""
SUBFIELD_FACTOR = 0.9
TYPO_CUTOFF = 80.0
TYPO_FACTOR = 0.9
WORDS_FACTOR = 0.95

CONTAINMENT: dict[Label, tuple[RelType, ...]] = {
    Label.CITY: (RelType.IN_CITY, RelType.BASED_IN, RelType.COVERS),
    Label.INDUSTRY: (RelType.HOSTS, RelType.EXPERT_IN, RelType.IN_INDUSTRY),
    Label.SKILL: (RelType.HAS_SKILL,),
}
"""What a city, an industry or a skill contains: the sources of these relationships."""
_PRIMARY = frozenset(label.value for label in Label)


@dataclass
class _Match:
    score: float
    reasons: list[str] = field(default_factory=list)


def _keep(found: dict[str, float], node: str, score: float) -> None:
    """Note a score of the node: a better one replaces what it had (kept rounded)."""
    known = found.get(node)
    if known is None or score > known:
        found[node] = round(score, 6)


def _replay(events: Iterable[tuple[float, str]]) -> _Match | None:
    """The match a node's events make, in the order they were found (`_keep` with the
    reasons: a better score puts its reason first)."""
    match: _Match | None = None
    for score, reason in events:
        if match is None:
            match = _Match(round(score, 6), [reason])
        elif score > match.score:
            match = _Match(round(score, 6), [reason, *match.reasons])
    return match


def _subfields(store: GraphStore, industry: str) -> dict[str, int]:
    """The industry and every subfield, with its depth below it."""
    below: dict[str, set[str]] = {}
    for rel in store.get_relationships(RelType.SUBFIELD_OF):
        below.setdefault(rel.target, set()).add(rel.source)
    found, stack = {industry: 0}, [industry]
    while stack:
        node = stack.pop()
        for child in sorted(below.get(node, ())):
            if child not in found:
                found[child] = found[node] + 1
                stack.append(child)
    return found


_PLACED_BY = (RelType.IN_CITY, RelType.BASED_IN)
"""The relationships that give a hit its city (single-valued: one per node)."""


class _Found:
    """What one term finds: every hit's score, and how to tell why for the few hits a
    page shows (the reasons of thousands of contained hits are never read)."""

    def __init__(self, store: GraphStore, term: str) -> None:
        self.store, self.term = store, term
        self.scores: dict[str, float] = {}
        self.cities: dict[str, str] = {}
        """Hit -> its city, where the containment that found it says (IN_CITY, BASED_IN)."""
        self.named: dict[str, float] = {}
        self.role: tuple[Role, set[str]] | None = None
        """The role the term names, and the people holding it."""
        self.concepts: dict[Label, dict[str, tuple[float, str]]] = {}
        """Containing label -> concept id -> (score, name) (industries with subfields)."""

    def match(self, node: str) -> _Match | None:
        """The node's score and reasons, as a single pass over every event would give."""
        return _replay(self._events(node))

    def _events(self, node: str) -> Iterator[tuple[float, str]]:
        """The node's events in the order `_term_matches` met them."""
        term = self.term
        if node in self.named:
            yield self.named[node], f"name matches {term!r}"
        if self.role is not None and node in self.role[1]:
            yield ROLE_SCORE, f"role {self.role[0].value} ({term})"
        for label, ids in self.concepts.items():
            for rel_type in CONTAINMENT[label]:
                for rel in self.store.relationships_of([node], rel_type, incoming=False):
                    if rel.target in ids:
                        yield (_contained(rel, ids),
                               f"{rel_type.value.lower().replace('_', ' ')} {ids[rel.target][1]}")


def _contained(rel: RelRecord, ids: dict[str, tuple[float, str]]) -> float:
    """The score of a hit a concept contains (HOSTS weighs by its strength)."""
    return CONTAINED * ids[rel.target][0] * float(rel.properties.get("strength", 1.0))


def _term_matches(store: GraphStore, term: str) -> _Found:
    """Everything one term finds, with its score (and, on demand, why)."""
    found = _Found(store, term)
    scores = found.scores
    concepts = found.concepts
    for hit in store.search(term, limit=NAME_LIMIT):
        found.named.setdefault(hit.node.id, hit.score)
        _keep(scores, hit.node.id, hit.score)
        if hit.node.label in CONTAINMENT and hit.score >= CONCEPT_FLOOR and len(term) >= 2:
            name = str(hit.node.properties.get("name_zh", hit.node.id))
            concepts.setdefault(hit.node.label, {})[hit.node.id] = (hit.score, name)
    role = ROLE_WORDS.get(term)
    if role is not None:
        people = [person.id for person in all_nodes(store, role)]
        found.role = (role, set(people))
        for person in people:
            _keep(scores, person, ROLE_SCORE)
    for label, named in list(concepts.items()):
        ids = dict(named)
        if label is Label.INDUSTRY:  # a subfield counts 0.9 per level below
            for parent, (score, name) in named.items():
                for child, depth in _subfields(store, parent).items():
                    ids.setdefault(child, (score * SUBFIELD_FACTOR ** depth, name))
        concepts[label] = ids
        for rel_type in CONTAINMENT[label]:
            if isinstance(store, EndReader) and rel_type not in _WEIGHED:
                ends = store.relationship_ends(ids, rel_type, outgoing=False)
                if rel_type in _PLACED_BY:
                    found.cities.update(ends)
                _keep_contained(scores, ends, ids)
                continue
            rels = store.relationships_of(sorted(ids), rel_type, outgoing=False)
            if rel_type in _PLACED_BY:
                found.cities.update((rel.source, rel.target) for rel in rels)
            for rel in rels:
                _keep(scores, rel.source, _contained(rel, ids))
    return found


_WEIGHED = frozenset(rel_type for rel_type in RelType
                     if "strength" in REL_SPECS[rel_type].properties.model_fields)
"""Containment whose score reads the relationship (HOSTS: × its strength)."""


def _keep_contained(scores: dict[str, float], ends: Iterable[tuple[str, str]],
                    ids: dict[str, tuple[float, str]]) -> None:
    """`_keep` of every source at its target's contained score (no strength: × 1),
    each target's score computed and rounded once."""
    by_target = {target: (CONTAINED * score, round(CONTAINED * score, 6))
                 for target, (score, _) in ids.items()}
    get = scores.get
    for source, target in ends:
        score, rounded = by_target[target]
        known = get(source)
        if known is None or score > known:
            scores[source] = rounded


@functools.lru_cache(maxsize=1 << 16)
def _joined_pinyin(name_zh: str) -> str:
    """A name's pinyin syllables joined (pypinyin costs ~0.2 ms a name; a typo query
    reads every park's, so each name is converted once per process)."""
    return "".join(pinyin_syllables(name_zh))


def _vocabulary(store: GraphStore) -> dict[str, str]:
    """Catalogue words (lower case) → the term they stand for."""
    words: dict[str, str] = {word: word for word in ROLE_WORDS if word.isascii()}
    for label in (Label.CITY, Label.PARK, Label.INDUSTRY, Label.SKILL):
        for node in all_nodes(store, label):
            english = str(node.properties.get("name_en", "")).lower()
            for word in english.replace("(", " ").replace(")", " ").replace(",", " ").split():
                if len(word) >= 4:
                    words.setdefault(word, word)
            joined = _joined_pinyin(str(node.properties.get("name_zh", "")))
            if len(joined) >= 4:
                words.setdefault(joined, joined)
    return words


class _Corrected:
    """A term's matches read as the nearest catalogue word's."""

    def __init__(self, term: str, corrected: str, found: _Found) -> None:
        self.reason = f"{term!r} read as {corrected!r}"
        self.found = found
        self.scores = {node: round(score * TYPO_FACTOR, 6)
                       for node, score in found.scores.items()}
        self.cities = found.cities

    def match(self, node: str) -> _Match | None:
        inner = self.found.match(node)
        if inner is None:
            return None
        return _Match(round(inner.score * TYPO_FACTOR, 6), [self.reason, *inner.reasons])


_Term = _Found | _Corrected


def _with_typos(store: GraphStore, term: str, found: _Found,
                vocabulary: dict[str, str] | None) -> tuple[_Term, dict[str, str] | None]:
    """The term's matches, or those of the nearest catalogue word when it finds none."""
    if found.scores or not term.isascii() or len(term) < 4 or " " in term:
        return found, vocabulary
    vocabulary = vocabulary if vocabulary is not None else _vocabulary(store)
    best = process.extractOne(term, sorted(vocabulary), scorer=fuzz.ratio,
                              score_cutoff=TYPO_CUTOFF)
    if best is None or best[0] == term:
        return found, vocabulary
    corrected = vocabulary[best[0]]
    return _Corrected(term, corrected, _term_matches(store, corrected)), vocabulary


class _Combined:
    """The whole query's hits, and the hits of every word (at 0.95 × their mean score)
    where that is better."""

    def __init__(self, whole: _Term, words: list[_Term]) -> None:
        self.whole, self.words = whole, words
        self.scores = dict(whole.scores)
        self.by_words: set[str] = set()
        self.cities = dict(whole.cities)
        for word in words:
            self.cities.update(word.cities)
        if len(words) > 1:
            common = set(words[0].scores).intersection(*(w.scores for w in words[1:]))
            for node in common:
                score = WORDS_FACTOR * sum(w.scores[node] for w in words) / len(words)
                if node not in self.scores or score > self.scores[node]:
                    self.scores[node] = round(score, 6)
                    self.by_words.add(node)

    def match(self, node: str) -> _Match:
        if node in self.by_words:
            reasons = []
            for word in self.words:
                found = word.match(node)
                reasons += found.reasons[:1] if found is not None else []
            return _Match(self.scores[node], reasons)
        found = self.whole.match(node)
        return found if found is not None else _Match(self.scores[node], [])


# --------------------------------------------------------------------------- the answer


@dataclass(frozen=True)
class SearchItem:
    score: float
    node: NodeRecord
    reasons: tuple[str, ...]
    city: str | None


@dataclass(frozen=True)
class SearchPage:
    """One page of hits, the total, facets over all hits and the next page's cursor."""

    query: str
    items: list[SearchItem]
    total: int
    facets: dict[str, dict[str, int]]
    next_cursor: str | None


def _encode(key: tuple[float, int, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[float, int, str]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        score, rank, node = raw
        return float(score), int(rank), str(node)
    except (ValueError, TypeError, binascii.Error) as exc:
        msg = "cursor is not one this search returned"
        raise Invalid(msg, field="cursor") from exc


def _cities(store: GraphStore, nodes: Sequence[NodeRecord], known: dict[str, str]
            ) -> dict[str, str]:
    """The city each hit lies in or is based in (a city is its own): `known` where the
    search met it, else its IN_CITY or BASED_IN target (asked only of the labels each
    may start at)."""
    found: dict[str, str] = {}
    asked: dict[RelType, list[str]] = {rel_type: [] for rel_type in _PLACED_BY}
    for node in nodes:
        if node.label is Label.CITY:
            found[node.id] = node.id
        elif node.id in known:
            found[node.id] = known[node.id]
        else:
            for rel_type in _PLACED_BY:
                if node.label in REL_SPECS[rel_type].sources:
                    asked[rel_type].append(node.id)
    for rel_type, ids in asked.items():
        if not ids:
            continue
        if isinstance(store, EndReader):
            for source, target in store.relationship_ends(ids, rel_type, outgoing=True):
                found.setdefault(source, target)
            continue
        for rel in store.relationships_of(ids, rel_type, incoming=False):
            found.setdefault(rel.source, rel.target)
    return found


def _facets(kept: Sequence[NodeRecord], cities: dict[str, str]) -> dict[str, dict[str, int]]:
    """Hits per label, city and role, most first (ties by name)."""
    label_sets = Counter(node.labels for node in kept)
    counts: dict[str, Counter[str]] = {"label": Counter(), "city": Counter(),
                                       "role": Counter()}
    for labels, count in label_sets.items():
        for name in labels:
            counts["label" if name in _PRIMARY else "role"][name] += count
    counts["city"].update(cities[node.id] for node in kept if node.id in cities)
    return {name: dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))
            for name, found in counts.items()}


def search(store: GraphStore, *, text: str, labels: Sequence[Label | Role] = (),
           limit: int = 20, cursor: str | None = None) -> SearchPage:
    """Ranked hits for what staff typed (see the module docstring). Every hit is
    scored and counted; only the page's are explained."""
    query = normalise_query(text)
    after = _decode(cursor) if cursor else None
    if not query:
        return SearchPage(text, [], 0, {"label": {}, "city": {}, "role": {}}, None)
    whole, vocabulary = _with_typos(store, query, _term_matches(store, query), None)
    words: list[_Term] = []
    tokens = query.split()
    if len(tokens) > 1:
        for token in tokens:
            matches, vocabulary = _with_typos(store, token, _term_matches(store, token),
                                              vocabulary)
            words.append(matches)
    found = _Combined(whole, words)
    scores = found.scores
    wanted = {str(label) for label in labels}
    kept = [node for node in store.get_nodes(list(scores))
            if not wanted or wanted & node.labels]
    cities = _cities(store, kept, found.cities)
    rank = LABEL_RANK.get
    keys = [(-scores[node.id], rank(node.label, len(LABEL_RANK)), node.id, node)
            for node in kept]
    if after is not None:
        keys = [key for key in keys if key[:3] > after]
    page = heapq.nsmallest(limit, keys)  # ids are unique: the record is never compared
    items = [SearchItem(-key[0], key[3], tuple(found.match(key[2]).reasons),
                        cities.get(key[2])) for key in page]
    more = len(keys) > limit
    return SearchPage(
        query=text, items=items, total=len(kept), facets=_facets(kept, cities),
        next_cursor=_encode(page[-1][:3]) if more and page else None)
