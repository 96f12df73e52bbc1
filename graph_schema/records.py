"""The two record shapes every store reads and writes: a node and a relationship.

Stores never see pydantic models, only these flat records whose properties are already
validated and encoded (`NodeBase.to_properties`), so both stores hold the same values.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from graph_schema.nodes import NODE_MODELS, NodeBase, label_of_id
from graph_schema.relationships import REL_SPECS
from graph_schema.vocabulary import Label, RelType


class SchemaError(ValueError):
    """A record does not fit the schema; `field` names the property at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """A node as stored: id, labels (primary first in `label`) and flat properties."""

    id: str
    label: Label
    labels: frozenset[str]
    properties: dict[str, Any] = field(hash=False, compare=True)

    @classmethod
    def from_model(cls, model: NodeBase) -> NodeRecord:
        return cls(model.id, model.LABEL, model.labels(), model.to_properties())

    def to_model(self) -> NodeBase:
        """The typed model back (properties were validated on the way in)."""
        return NODE_MODELS[self.label].model_validate(self.properties)


_DICTIONARY = 16 * 1024
"""Bytes of sample texts a `TextPacker` starts from: 16 KiB of samples pack a synthetic
company's 650-byte text to ~95 bytes (measured; 4 KiB: ~135)."""
_WINDOW_BITS = -14
"""Raw deflate (no header) with a 16 KiB window, the dictionary's size."""
_MEMORY_LEVEL = 4
"""A small match table: packing copies the packer's state, which this keeps ~70 KiB
(the default, 8, ~260 KiB and about twice the time), at the same packed size."""


class TextPacker:
    """Packs the stored texts of `StoredNodeRecord`s with a preset dictionary made of
    sample texts (raw deflate): texts of a kind repeat their keys and most values, so a
    synthetic company's 650-byte text packs to ~95 bytes in ~15-25 µs and unpacks in ~2 µs
    (docs/benchmarks.md, "Compact store (session 6)"). Deterministic: the same
    dictionary packs a text to the same bytes."""

    __slots__ = ("_packer", "dictionary")

    def __init__(self, dictionary: bytes) -> None:
        self.dictionary = dictionary
        self._packer = zlib.compressobj(6, zlib.DEFLATED, _WINDOW_BITS, _MEMORY_LEVEL,
                                        zlib.Z_DEFAULT_STRATEGY, dictionary)

    @classmethod
    def of(cls, samples: Sequence[bytes]) -> TextPacker:
        """A packer whose dictionary is the samples end to end (their last part)."""
        return cls(b"".join(samples)[-_DICTIONARY:])

    def pack(self, text: bytes) -> bytes:
        packer = self._packer.copy()  # the dictionary already read: a third of the cost
        return packer.compress(text) + packer.flush()

    def unpack(self, packed: bytes) -> bytes:
        unpacker = zlib.decompressobj(_WINDOW_BITS, self.dictionary)
        return unpacker.decompress(packed) + unpacker.flush()

    def __reduce__(self) -> tuple[type[TextPacker], tuple[bytes]]:
        return TextPacker, (self.dictionary,)


class StoredNodeRecord(NodeRecord):
    """A NodeRecord that keeps its properties as the UTF-8 JSON text they were stored
    as (packed by `packer` when it has one), decoding them on each read: a store holds
    nodes no question indexes this way (a decoded map is three to four times its text,
    the text six times what it packs to; docs/benchmarks.md). It equals, hashes, prints
    and pickles as the NodeRecord it stands for; `properties` is a new map on each read
    (read-only by contract, like every record's)."""

    __slots__ = ("packer", "text")
    text: bytes
    packer: TextPacker | None

    def __new__(cls, id: str, label: Label, labels: frozenset[str],  # type: ignore[misc]  # noqa: A002
                text: bytes = b"", properties: dict[str, Any] | None = None) -> NodeRecord:
        """With `properties` (as `dataclasses.replace` calls it), a plain NodeRecord."""
        del text  # only __init__ reads it
        if properties is not None:
            return NodeRecord(id, label, labels, properties)
        return object.__new__(cls)

    def __init__(self, id: str, label: Label, labels: frozenset[str],  # noqa: A002
                 text: bytes = b"", properties: dict[str, Any] | None = None) -> None:
        del properties  # only __new__ reads it
        setattr_ = object.__setattr__
        setattr_(self, "id", id)
        setattr_(self, "label", label)
        setattr_(self, "labels", labels)
        setattr_(self, "text", text)
        setattr_(self, "packer", None)

    @property
    def properties(self) -> dict[str, Any]:
        packer = self.packer
        decoded: dict[str, Any] = json.loads(
            self.text if packer is None else packer.unpack(self.text))
        return decoded

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NodeRecord):
            return NotImplemented
        return (self.id, self.label, self.labels, self.properties) == (
            other.id, other.label, other.labels, other.properties)

    __hash__ = NodeRecord.__hash__

    def __repr__(self) -> str:
        return (f"NodeRecord(id={self.id!r}, label={self.label!r}, labels={self.labels!r}, "
                f"properties={self.properties!r})")

    def __reduce__(self) -> tuple[type[NodeRecord], tuple[Any, ...]]:
        return NodeRecord, (self.id, self.label, self.labels, self.properties)


RelKey = tuple[str, str, str, tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class RelRecord:
    """A relationship as stored: type, source id, target id and flat properties."""

    type: RelType
    source: str
    target: str
    properties: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)

    @property
    def key(self) -> RelKey:
        """Identity: type, ends and the type's key properties (see RelSpec.key)."""
        spec = REL_SPECS[self.type]
        return (self.type.value, self.source, self.target,
                tuple(self.properties.get(name) for name in spec.key))


def validate_node(label: Label, data: dict[str, Any]) -> NodeRecord:
    """Validate raw properties as a node of `label`; raises pydantic's ValidationError."""
    return NodeRecord.from_model(NODE_MODELS[label].model_validate(data))


def validate_relationship(
    rel_type: RelType, source: str, target: str, properties: dict[str, Any] | None = None
) -> RelRecord:
    """Check the ends' labels against the declaration and validate the properties.

    Raises SchemaError for wrong ends and pydantic's ValidationError for properties.
    The ends' existence is the store's (or the seed checker's) business.
    """
    check_ends(rel_type, source, target)
    props = REL_SPECS[rel_type].properties.model_validate(properties or {})
    return RelRecord(rel_type, source, target, props.model_dump(mode="json", exclude_none=True))


def check_ends(rel_type: RelType, source: str, target: str) -> None:
    """SchemaError when the ends' labels (by their id prefixes) may not be joined by
    this type, or when the relationship would join a node to itself."""
    spec = REL_SPECS[rel_type]
    source_label, target_label = label_of_id(source), label_of_id(target)
    if source_label not in spec.sources:
        expected = " or ".join(sorted(spec.sources))
        msg = f"{rel_type.value} must start at a {expected} id, got {source!r}"
        raise SchemaError(msg, field="source")
    if target_label not in spec.targets:
        expected = " or ".join(sorted(spec.targets))
        msg = f"{rel_type.value} must end at a {expected} id, got {target!r}"
        raise SchemaError(msg, field="target")
    if source == target:
        msg = f"{rel_type.value} cannot join {source!r} to itself"
        raise SchemaError(msg, field="target")


__all__ = [
    "NodeRecord",
    "RelKey",
    "RelRecord",
    "SchemaError",
    "StoredNodeRecord",
    "TextPacker",
    "ValidationError",
    "check_ends",
    "validate_node",
    "validate_relationship",
]
