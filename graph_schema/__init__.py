"""The single source of truth for the alliance graph: labels, relationships, properties.

`vocabulary` names things, `nodes` and `relationships` declare them, `records` is the
flat shape stores keep, `ddl` and `docs` are generated from the declaration.
"""

from graph_schema.nodes import NODE_MODELS, NodeBase, label_of_id
from graph_schema.records import NodeRecord, RelRecord, validate_node, validate_relationship
from graph_schema.relationships import REL_SPECS, RelSpec
from graph_schema.vocabulary import Label, RelType, Role

__all__ = [
    "NODE_MODELS",
    "REL_SPECS",
    "Label",
    "NodeBase",
    "NodeRecord",
    "RelRecord",
    "RelSpec",
    "RelType",
    "Role",
    "label_of_id",
    "validate_node",
    "validate_relationship",
]
