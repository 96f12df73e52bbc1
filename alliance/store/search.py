"""Name search scoring shared by every store, so each ranks the same hits the same way.

A node is a hit only when one of its three names contains the text, so a store may find
candidates with a plain substring test (CONTAINS), then keeps and ranks exactly those
for which `search_score` is not None, ordered by `hit_order`. Matching is
case-insensitive (`str.lower`, like Cypher's `toLower`); the text's inner whitespace is
collapsed to single spaces, so "su  zhou" and "su zhou" are the same query.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph_schema.nodes import NODE_MODELS
from graph_schema.vocabulary import Label

__all__ = ["LABEL_RANK", "SEARCHABLE_LABELS", "hit_order", "normalise_query", "search_score"]

SEARCHABLE_LABELS: tuple[Label, ...] = tuple(
    label for label in NODE_MODELS if label is not Label.REFERRAL
)
"""Labels search looks at: the ones graph_schema.ddl puts in the full-text index
(a referral is a record of work, not something one looks up by name)."""

LABEL_RANK: dict[str, int] = {label.value: rank for rank, label in enumerate(NODE_MODELS)}
"""Tie-break between equal scores: declaration order of NODE_MODELS (cities first)."""


def normalise_query(text: str) -> str:
    """The text as matched: lower case, inner whitespace collapsed, ends stripped.

    >>> normalise_query("  Su   Zhou ")
    'su zhou'
    """
    return " ".join(text.lower().split())


def search_score(text: str, properties: Mapping[str, Any]) -> float | None:
    """How well `text` matches a node's names; None when no name contains it.

    Given that one does: 1.0 when name_zh or name_en equals the text; 0.9 when one of
    them starts with it; 0.8 when name_pinyin starts with it, or with it minus its spaces
    (name_pinyin opens with the whole name's syllables joined, so "su zhou gong" ranks
    苏州工业园区 here); 0.7 otherwise.

    >>> from graph_schema.nodes import pinyin_of
    >>> park = {"name_zh": "苏州工业园区", "name_en": "Suzhou Industrial Park",
    ...         "name_pinyin": pinyin_of("苏州工业园区")}
    >>> search_score("苏州工业园区", park), search_score("suzhou", park)
    (1.0, 0.9)
    >>> search_score("苏州", park), search_score("su zhou gong", park)
    (0.9, 0.8)
    >>> search_score("industrial", park), search_score("上海", park) is None
    (0.7, True)
    >>> search_score("suzhou gong", park) is None  # a prefix without spaces, but no name has it
    True
    """
    needle = normalise_query(text)
    if not needle:
        return None
    zh, en, pinyin = (
        str(properties.get(name) or "").lower() for name in ("name_zh", "name_en", "name_pinyin")
    )
    if not (needle in zh or needle in en or needle in pinyin):
        return None
    if needle in (zh, en):
        return 1.0
    if zh.startswith(needle) or en.startswith(needle):
        return 0.9
    if pinyin.startswith(needle) or pinyin.startswith(needle.replace(" ", "")):
        return 0.8
    return 0.7


def hit_order(score: float, label: str, node_id: str) -> tuple[float, int, str]:
    """Sort key of a hit: best score first, then label order, then id."""
    return (-score, LABEL_RANK.get(label, len(LABEL_RANK)), node_id)
