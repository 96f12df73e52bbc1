"""`alliance schema ...`: what graph_schema generates."""

from __future__ import annotations

from pathlib import Path

import typer

from graph_schema.ddl import ddl_script
from graph_schema.docs import schema_markdown

app = typer.Typer(help="Print what the graph schema generates.", no_args_is_help=True)


@app.command("cypher")
def cypher() -> None:
    """Print the Neo4j DDL: named, repeatable constraints and indexes."""
    typer.echo(ddl_script(), nl=False)


@app.command("docs")
def docs(
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead."),
) -> None:
    """Print (or write) docs/schema.md, generated from graph_schema."""
    text = schema_markdown()
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
