"""Explanation pieces shared by every service: paths with names, people with or without
contact data.

Every recommendation carries the graph paths behind it; a path is shown with both ids
(for machines and links) and names (for people), fetched in one `get_nodes` call per
answer rather than one per path.

A path serialized with a `names` dictionary in its context (`NAMES_CONTEXT`) is written
compactly, its nodes as ids, and adds their names to that dictionary: the HTTP API's
default answer names each node once (`alliance.api.compact`) instead of in every path.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, Field, FieldSerializationInfo, field_serializer

from alliance.store.base import GraphPath, GraphStore
from graph_schema.nodes import Person
from graph_schema.records import NodeRecord

NAMES_CONTEXT = "names"
"""Serialization context key of the dictionary (id → NodeRef) compact paths fill."""


class NodeRef(BaseModel):
    """A node as a link: id, label and names."""

    id: str
    label: str
    name_zh: str
    name_en: str


class PathOut(BaseModel):
    """An explanation path: `rel_types[i]` joins `nodes[i]` and `nodes[i + 1]`."""

    nodes: list[NodeRef] = Field(description="The nodes in order: their ids (the default "
                                 "HTTP answer; names in the answer's `names`), or NodeRefs "
                                 "with `explain=full`.")
    rel_types: list[str]
    forward: list[bool] = Field(description="Whether each relationship points along the path.")

    @field_serializer("nodes", return_type=list[str] | list[NodeRef])
    def _nodes_out(self, nodes: list[NodeRef], info: FieldSerializationInfo) -> Any:
        """Ids, with the names noted in the context's book, when one is given."""
        book = info.context.get(NAMES_CONTEXT) if info.context else None
        if book is None:
            return nodes
        for node in nodes:
            book[node.id] = node
        return [node.id for node in nodes]

    def __eq__(self, other: object) -> bool:
        """As pydantic compares models (the same type, equal fields; a path has neither
        extra fields nor private attributes), without its generic checks: a compact answer
        compares hundreds of paths (`PolicyMatch`'s compact form)."""
        if type(other) is not type(self):
            return NotImplemented if not isinstance(other, BaseModel) else False
        return self.__dict__ == other.__dict__


    @property
    def node_ids(self) -> list[str]:
        return [node.id for node in self.nodes]


class ContactDetails(BaseModel):
    """Personal contact data: only for staff keys or people who opted in."""

    email: str | None = None
    phone: str | None = None
    wechat: str | None = None


class PersonOut(BaseModel):
    """A person as shown in results; `contact` is null unless it may be shown."""

    id: str
    name_zh: str
    name_en: str
    roles: list[str]
    certification_level: str | None = None
    public_contact: bool
    contact: ContactDetails | None = None


def node_ref(record: NodeRecord) -> NodeRef:
    props = record.properties
    return NodeRef(id=record.id, label=record.label.value, name_zh=str(props["name_zh"]),
                   name_en=str(props["name_en"]))


def person_out(record: NodeRecord, *, reveal_contacts: bool) -> PersonOut:
    """The person, with contact data only when allowed (staff, or the person opted in)."""
    props = record.properties
    public = bool(props.get("public_contact", False))
    contact = None
    if reveal_contacts or public:
        contact = ContactDetails(**{name: props.get(name) for name in Person.CONTACT_FIELDS})
    roles = sorted(record.labels - {record.label.value})
    level = props.get("certification_level")
    return made(PersonOut, {"id": record.id, "name_zh": str(props["name_zh"]),
                            "name_en": str(props["name_en"]), "roles": roles,
                            "certification_level": None if level is None else str(level),
                            "public_contact": public, "contact": contact})


class NameBook:
    """Names for the nodes of many paths, looked up together."""

    def __init__(self, store: GraphStore, paths: Iterable[GraphPath],
                 nodes: Iterable[str] = ()) -> None:
        """Names for the nodes of `paths`, and of `nodes` (`record` only: whether a name
        kept from an earlier answer is still its node's)."""
        ids = sorted({node for path in paths for node in path.nodes}.union(nodes))
        self._records = {record.id: record for record in store.get_nodes(ids)}
        self._refs: dict[str, NodeRef] = {}
        self._made: dict[int, tuple[GraphPath, PathOut]] = {}

    def record(self, node: str) -> NodeRecord | None:
        """The node's record as this answer reads it (None: not in the store)."""
        return self._records.get(node)

    def ref(self, node: str, label: str) -> NodeRef:
        """The node as a link (named by its id when it is not in the store)."""
        found = self._refs.get(node)
        if found is None:
            record = self._records.get(node)
            if record is None:
                return NodeRef(id=node, label=label, name_zh=node, name_en=node)
            found = self._refs[node] = node_ref(record)
        return found

    def path(self, path: GraphPath) -> PathOut:
        """The path with names (`made`: an answer holds thousands of paths, and every
        field is of its type here); the same `PathOut` again for the same `GraphPath`
        (an answer shows a park's rail and industry paths twice)."""
        found = self._made.get(id(path))
        if found is not None and found[0] is path:
            return found[1]
        refs, ref = self._refs, self.ref
        nodes = [refs.get(node) or ref(node, label)
                 for node, label in zip(path.nodes, path.labels, strict=True)]
        out = made(PathOut, {"nodes": nodes, "rel_types": [str(t) for t in path.rel_types],
                             "forward": [bool(f) for f in path.forward]})
        self._made[id(path)] = (path, out)  # held, so its id is not another's meanwhile
        return out


Model = TypeVar("Model", bound=BaseModel)


def made(model: type[Model], fields: dict[str, Any]) -> Model:
    """`model(**fields)` for `fields` that name every field of the model, each already of
    its type (so validating would change nothing), without validating: an answer makes
    thousands of paths and people, and validation costs half again as much."""
    new = object.__new__(model)
    put = object.__setattr__
    put(new, "__dict__", fields)
    put(new, "__pydantic_fields_set__", set(fields))
    put(new, "__pydantic_extra__", None)
    put(new, "__pydantic_private__", None)
    return new


def copied(model: Model, update: dict[str, Any]) -> Model:
    """`model.model_copy(update=update)` (a shallow copy with those fields replaced, not
    validated), made directly: an answer copies hundreds of matches, and the generic
    copy costs twice this."""
    new = object.__new__(type(model))
    put = object.__setattr__
    put(new, "__dict__", {**model.__dict__, **update})
    put(new, "__pydantic_fields_set__", model.__pydantic_fields_set__ | update.keys())
    put(new, "__pydantic_extra__", model.__pydantic_extra__)
    put(new, "__pydantic_private__", model.__pydantic_private__)
    return new


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """`count` and the noun in the right English number, for explanation texts.

    >>> counted(1, "company", "companies"), counted(2, "referral"), counted(0, "referral")
    ('1 company', '2 referrals', '0 referrals')
    """
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
