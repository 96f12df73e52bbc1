"""`alliance verify queue` and `alliance verify confirm ID`: the re-verification queue."""

from __future__ import annotations

from datetime import date

import typer
from rich.table import Table

from alliance.access.audit import AuditLog
from alliance.access.database import AccessDB, access_db_path
from alliance.cli.context import cli_store
from alliance.cli.imports import CliAudit
from alliance.cli.output import console, fail, print_json
from alliance.ingest.cells import number
from alliance.services import freshness
from alliance.settings import get_settings
from graph_schema.aliases import label_of_name
from graph_schema.vocabulary import Label

app = typer.Typer(help="Stale facts and who should check them.", no_args_is_help=True)


@app.command("queue")
def queue_command(
    labels: list[str] = typer.Option([], "--label", "-l", help="Only these labels."),  # noqa: B006
    limit: int = typer.Option(20, "--limit"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Stale entities, oldest and most used first, with who should verify them."""
    chosen: list[Label] = []
    for name in labels:
        found = label_of_name(name)
        if found is None:
            fail(f"unknown label {name!r}")
        chosen.append(found)
    settings = get_settings()
    with cli_store() as store:
        items = freshness.queue(store, today=date.today(), horizons=settings.freshness_days,
                                default=settings.freshness_default_days,
                                labels=tuple(chosen), limit=limit)
    if as_json:
        print_json([{"id": item.node.id, **item.staleness.as_dict(), "uses": item.uses,
                     "verifiers": [v.person for v in item.verifiers]} for item in items])
        return
    table = Table("id", "name", "checked on", "age (days)", "uses", "who should verify",
                  title="re-verification queue 待核实")
    for item in items:
        state = item.staleness
        table.add_row(item.node.id, str(item.node.properties.get("name_zh", "")),
                      state.checked_on.isoformat() if state.checked_on else "-",
                      str(state.age_days), str(item.uses),
                      ", ".join(f"{v.name} ({v.reason})" for v in item.verifiers) or "-")
    console.print(table)


@app.command("confirm")
def confirm_command(
    entity_id: str = typer.Argument(..., help="The entity checked, e.g. park:suzhou-sip."),
    sets: list[str] = typer.Option([], "--set",  # noqa: B006
                                   help="FIELD=VALUE corrections found while checking."),
) -> None:
    """Mark an entity as checked today, applying any corrections (audited)."""
    corrections: dict[str, object] = {}
    for pair in sets:
        name, equals, value = pair.partition("=")
        if not equals:
            fail(f"expected FIELD=VALUE, got {pair!r}")
        parsed = number(value)
        corrections[name.strip()] = value if parsed is None else parsed
    access = AccessDB(access_db_path(get_settings()))
    try:
        with cli_store() as store:
            node = freshness.verify(store, entity_id=entity_id, today=date.today(),
                                    audit=CliAudit(AuditLog(access), store),
                                    corrections=corrections)
    finally:
        access.close()
    console.print(f"{node.id} verified on {node.properties['last_verified']}", style="green")
