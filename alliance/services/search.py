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
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from alliance.errors import Invalid
from alliance.services.professions import all_nodes
from alliance.store.base import MAX_PAGE, GraphStore
from alliance.store.search import LABEL_RANK, hit_order, normalise_query
from graph_schema.nodes import pinyin_syllables
from graph_schema.records import NodeRecord
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


@dataclass
class _Match:
    score: float
    reasons: list[str] = field(default_factory=list)


Matches = dict[str, _Match]


def _keep(found: Matches, node: str, score: float, reason: str) -> None:
    known = found.get(node)
    if known is None:
        found[node] = _Match(round(score, 6), [reason])
    elif score > known.score:
        found[node] = _Match(round(score, 6), [reason, *known.reasons])


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


def _term_matches(store: GraphStore, term: str) -> Matches:
    """Everything one term finds, with its score and why."""
    found: Matches = {}
    concepts: dict[Label, dict[str, tuple[float, str]]] = {}
    for hit in store.search(term, limit=NAME_LIMIT):
        name = str(hit.node.properties.get("name_zh", hit.node.id))
        _keep(found, hit.node.id, hit.score, f"name matches {term!r}")
        if hit.node.label in CONTAINMENT and hit.score >= CONCEPT_FLOOR and len(term) >= 2:
            concepts.setdefault(hit.node.label, {})[hit.node.id] = (hit.score, name)
    role = ROLE_WORDS.get(term)
    if role is not None:
        for person in all_nodes(store, role):
            _keep(found, person.id, ROLE_SCORE, f"role {role.value} ({term})")
    for label, named in concepts.items():
        ids = dict(named)
        if label is Label.INDUSTRY:  # a subfield counts 0.9 per level below
            for parent, (score, name) in named.items():
                for child, depth in _subfields(store, parent).items():
                    ids.setdefault(child, (score * SUBFIELD_FACTOR ** depth, name))
        for rel_type in CONTAINMENT[label]:
            for rel in store.relationships_of(sorted(ids), rel_type, outgoing=False):
                score, name = ids[rel.target]
                strength = float(rel.properties.get("strength", 1.0))  # HOSTS
                _keep(found, rel.source, CONTAINED * score * strength,
                      f"{rel_type.value.lower().replace('_', ' ')} {name}")
    return found


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


def _with_typos(store: GraphStore, term: str, found: Matches,
                vocabulary: dict[str, str] | None) -> tuple[Matches, dict[str, str] | None]:
    """The term's matches, or those of the nearest catalogue word when it finds none."""
    if found or not term.isascii() or len(term) < 4 or " " in term:
        return found, vocabulary
    vocabulary = vocabulary if vocabulary is not None else _vocabulary(store)
    best = process.extractOne(term, sorted(vocabulary), scorer=fuzz.ratio,
                              score_cutoff=TYPO_CUTOFF)
    if best is None or best[0] == term:
        return found, vocabulary
    corrected = vocabulary[best[0]]
    fixed: Matches = {}
    for node, match in _term_matches(store, corrected).items():
        fixed[node] = _Match(round(match.score * TYPO_FACTOR, 6),
                             [f"{term!r} read as {corrected!r}", *match.reasons])
    return fixed, vocabulary


def _combine(whole: Matches, words: list[Matches]) -> Matches:
    found = dict(whole)
    if len(words) > 1:
        common = set(words[0]).intersection(*words[1:])
        for node in common:
            score = WORDS_FACTOR * sum(w[node].score for w in words) / len(words)
            reasons = [reason for w in words for reason in w[node].reasons[:1]]
            if node not in found or score > found[node].score:
                found[node] = _Match(round(score, 6), reasons)
    return found


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


def _cities(store: GraphStore, nodes: Sequence[NodeRecord]) -> dict[str, str]:
    """The city each hit lies in or is based in (a city is its own)."""
    ids = [node.id for node in nodes]
    found = {node.id: node.id for node in nodes if node.label is Label.CITY}
    for rel_type in (RelType.IN_CITY, RelType.BASED_IN):
        for rel in store.relationships_of(ids, rel_type, incoming=False):
            found.setdefault(rel.source, rel.target)
    return found


def search(store: GraphStore, *, text: str, labels: Sequence[Label | Role] = (),
           limit: int = 20, cursor: str | None = None) -> SearchPage:
    """Ranked hits for what staff typed (see the module docstring)."""
    query = normalise_query(text)
    after = _decode(cursor) if cursor else None
    if not query:
        return SearchPage(text, [], 0, {"label": {}, "city": {}, "role": {}}, None)
    whole, vocabulary = _with_typos(store, query, _term_matches(store, query), None)
    words: list[Matches] = []
    tokens = query.split()
    if len(tokens) > 1:
        for token in tokens:
            matches, vocabulary = _with_typos(store, token, _term_matches(store, token),
                                              vocabulary)
            words.append(matches)
    found = _combine(whole, words)
    records = {node.id: node for node in store.get_nodes(sorted(found))}
    wanted = {str(label) for label in labels}
    kept = [node for node_id, node in records.items()
            if not wanted or wanted & node.labels]
    kept.sort(key=lambda node: hit_order(found[node.id].score, node.label.value, node.id))
    cities = _cities(store, kept)
    facets: dict[str, Counter[str]] = {"label": Counter(), "city": Counter(),
                                       "role": Counter()}
    for node in kept:
        facets["label"][node.label.value] += 1
        if node.id in cities:
            facets["city"][cities[node.id]] += 1
        for role in sorted(node.labels - {node.label.value}):
            facets["role"][role] += 1
    keys = [(-found[n.id].score, LABEL_RANK.get(n.label.value, len(LABEL_RANK)), n.id)
            for n in kept]
    start = 0
    if after is not None:
        start = next((i for i, key in enumerate(keys) if key > after), len(keys))
    page = kept[start:start + limit]
    more = start + limit < len(kept)
    items = [SearchItem(found[n.id].score, n, tuple(found[n.id].reasons), cities.get(n.id))
             for n in page]
    return SearchPage(
        query=text, items=items, total=len(kept),
        facets={name: dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
                for name, counts in facets.items()},
        next_cursor=_encode(keys[start + limit - 1]) if more and page else None)
