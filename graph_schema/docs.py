"""docs/schema.md, generated from the declaration (a test keeps the file current)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from graph_schema.ddl import ddl_statements
from graph_schema.nodes import NODE_MODELS, EligibilityRule
from graph_schema.relationships import REL_SPECS
from graph_schema.vocabulary import (
    Beneficiary,
    BenefitKind,
    CertificationLevel,
    CompanyStage,
    FacilityType,
    MoneyKind,
    OrganizationKind,
    PaymentShape,
    PolicyLevel,
    ProfileField,
    RateBase,
    ReferralStage,
    Role,
    RuleOp,
    SkillCategory,
)

HEADER = """# Graph schema

Generated from `graph_schema/` by `alliance schema docs -o docs/schema.md`; do not edit
by hand (a test fails when this file is stale).

Every node has a stable slug `id` whose prefix names its label, `name_zh`, `name_en`,
`name_pinyin` (derived from `name_zh` when empty), and provenance: `source`, `as_of`,
and `estimated` (the properties whose values are estimates).
"""


def _render(schema: dict[str, Any]) -> str:
    """A JSON-schema fragment as a short type, e.g. `float ≥ 0 | null`, `list[FacilityType]`."""
    if "anyOf" in schema:
        return " or ".join(_render(option) for option in schema["anyOf"])
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    kind = str(schema.get("type", "any"))
    names = {"number": "float", "integer": "int", "string": "str", "boolean": "bool"}
    text = names.get(kind, kind)
    if kind == "array":
        text = f"list[{_render(schema.get('items', {}))}]"
    if schema.get("format") == "date":
        text = "date"
    bounds = [f"≥ {schema[key]}" for key in ("minimum",) if key in schema]
    bounds += [f"> {schema[key]}" for key in ("exclusiveMinimum",) if key in schema]
    bounds += [f"≤ {schema[key]}" for key in ("maximum",) if key in schema]
    return " ".join([text, *bounds])


def _property_rows(model: type[BaseModel], skip: set[str]) -> list[str]:
    properties = model.model_json_schema()["properties"]
    rows = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        required = "yes" if info.is_required() else "no"
        rows.append(f"| `{name}` | `{_render(properties[name])}` | {required} | "
                    f"{info.description or ''} |")
    return rows


def schema_markdown() -> str:
    """The whole document."""
    base = {"id", "name_zh", "name_en", "name_pinyin", "source", "as_of", "estimated"}
    out = [HEADER, "## Node labels\n"]
    for label, model in NODE_MODELS.items():
        out.append(f"### {label.value} (`{model.ID_PREFIX}:`)\n")
        out.append(f"{(model.__doc__ or '').strip()}\n")
        rows = _property_rows(model, base)
        if rows:
            out.append("| property | type | required | meaning |\n|---|---|---|---|")
            out.extend(rows)
            out.append("")
    out.append(f"Person role labels: {', '.join(role.value for role in Role)}.\n")
    out.append("## Relationship types\n")
    out.append("| type | from | to | properties | key | seed field | meaning |")
    out.append("|---|---|---|---|---|---|---|")
    for spec in REL_SPECS.values():
        fields = spec.properties.model_json_schema().get("properties", {})
        props = ", ".join(f"`{name}: {_render(info)}`" for name, info in fields.items())
        flags = " (symmetric)" if spec.symmetric else ""
        flags += " (one per source)" if spec.single else ""
        out.append(
            f"| {spec.type.value} | {'/'.join(sorted(spec.sources))} | "
            f"{'/'.join(sorted(spec.targets))} | {props or '—'} | "
            f"{', '.join(spec.key) or '—'} | `{spec.seed_field}` | {spec.description}{flags} |"
        )
    out.append("\n## Eligibility rules\n")
    out.append(f"{(EligibilityRule.__doc__ or '').strip()} Fields: "
               f"{', '.join(f'`{f.value}`' for f in ProfileField)}; operators: "
               f"{', '.join(f'`{op.value}`' for op in RuleOp)}.\n")
    out.append("## Value sets\n")
    for enum in (FacilityType, BenefitKind, Beneficiary, PolicyLevel, PaymentShape, RateBase,
                 MoneyKind, CompanyStage, CertificationLevel, SkillCategory, OrganizationKind,
                 ReferralStage):
        out.append(f"- **{enum.__name__}**: {', '.join(f'`{v.value}`' for v in enum)}")
    out.append("\n## Neo4j DDL (`alliance schema cypher`)\n")
    out.append("```cypher")
    out.extend(f"{statement};" for statement in ddl_statements())
    out.append("```\n")
    return "\n".join(out)
