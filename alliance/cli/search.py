"""`alliance search`: find entities the way staff type (中文, English, pinyin, initials)."""

from __future__ import annotations

import typer
from rich.table import Table

from alliance.cli.context import cli_store
from alliance.cli.output import console, print_json
from alliance.services import search as search_service
from graph_schema.vocabulary import Label, Role


def search_command(
    text: str = typer.Argument(..., help="What to find: 苏州, szgx, '苏州 生物', 律师, suzou."),
    labels: list[str] = typer.Option([], "--label", "-l",
                                     help="Only this label or role (repeatable)."),
    limit: int = typer.Option(10, "--limit", min=1, max=500),
    cursor: str | None = typer.Option(None, "--cursor", help="next_cursor of the page before."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Search names, roles, places and fields; ranked, with total, facets and a cursor."""
    wanted: list[Label | Role] = []
    for name in labels:
        try:
            wanted.append(Label(name) if name in Label._value2member_map_ else Role(name))
        except ValueError:
            msg = f"--label: unknown label or role {name!r}"
            raise typer.BadParameter(msg) from None
    with cli_store() as store:
        page = search_service.search(store, text=text, labels=wanted, limit=limit,
                                     cursor=cursor)
    if as_json:
        print_json({"query": page.query, "total": page.total, "facets": page.facets,
                    "next_cursor": page.next_cursor,
                    "items": [{"score": item.score, "id": item.node.id, "why": item.reasons,
                               "city": item.city} for item in page.items]})
        return
    table = Table("score", "id", "name", "why", title=f"{page.total} hits")
    for item in page.items:
        props = item.node.properties
        table.add_row(f"{item.score:.2f}", item.node.id,
                      f"{props.get('name_zh', '')} {props.get('name_en', '')}",
                      item.reasons[0] if item.reasons else "")
    console.print(table)
    for facet, counts in page.facets.items():
        top = ", ".join(f"{name} {count}" for name, count in list(counts.items())[:6])
        console.print(f"{facet}: {top}")
    if page.next_cursor:
        console.print(f"next page: --cursor {page.next_cursor}")
