"""`alliance path` and `alliance stats`: how things connect, and what the graph holds."""

from __future__ import annotations

import typer
from rich.table import Table

from alliance.cli.context import cli_store
from alliance.cli.output import console, print_json
from alliance.services import paths
from alliance.services.paths import PathRequest
from graph_schema.vocabulary import RelType


def path_command(
    source: str = typer.Argument(..., help="Entity id, e.g. city:shanghai."),
    target: str = typer.Argument(..., help="Entity id."),
    k: int = typer.Option(3, "-k", help="How many paths."),
    max_hops: int = typer.Option(4, "--max-hops"),
    rel_types: list[RelType] = typer.Option([], "--rel", help="Allowed type (repeatable)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The k shortest paths between two entities."""
    with cli_store(read_only=True) as store:
        request = PathRequest.model_validate({"source": source, "target": target, "k": k,
                                              "max_hops": max_hops, "rel_types": rel_types})
        result = paths.connect(store, request)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    if not result.paths:
        console.print(f"No path within {max_hops} hops.")
    for path in result.paths:
        hops = [f"{node.name_en} ({node.id})" for node in path.nodes]
        line = hops[0]
        for rel, node in zip(path.rel_types, hops[1:], strict=True):
            line += f" -[{rel}]- {node}"
        console.print(line)


def stats_command(as_json: bool = typer.Option(False, "--json")) -> None:
    """Counts of nodes per label and relationships per type."""
    with cli_store(read_only=True) as store:
        counts = store.counts()
    if as_json:
        print_json({"labels": counts.labels, "relationships": counts.relationships})
        return
    table = Table("label / relationship", "count")
    for name, count in sorted(counts.labels.items()):
        table.add_row(f":{name}", str(count))
    for name, count in sorted(counts.relationships.items()):
        table.add_row(f"[{name}]", str(count))
    console.print(table)
