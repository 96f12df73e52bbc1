"""`alliance keys create|list|revoke`: API keys for partner sites and staff.

The key text is printed once, at creation; only its hash is stored, so a lost key is
revoked and replaced, never recovered.
"""

from __future__ import annotations

import typer
from rich.table import Table

from alliance.access.keys import KeyInfo
from alliance.access.scopes import Scope
from alliance.api.access import Access, open_access
from alliance.cli.output import console, err_console, fail, print_json
from alliance.errors import AllianceError
from alliance.settings import get_settings

app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)


def _access() -> Access:
    """Where the server keeps keys: the access SQLite file, or Neo4j for that backend."""
    try:
        return open_access(get_settings())
    except AllianceError as exc:
        fail(exc.message)


def _as_dict(info: KeyInfo) -> dict[str, object]:
    return {"id": info.id, "name": info.name, "scopes": [s.value for s in info.scopes],
            "quota_per_minute": info.quota_per_minute, "created_at": info.created_at,
            "revoked_at": info.revoked_at}


@app.command("create")
def create(
    scopes: list[Scope] = typer.Option(..., "--scope", "-s",
                                       help="Scope to grant (repeatable)."),
    name: str = typer.Option(..., "--name", "-n", help="Who or what uses the key."),
    quota: int | None = typer.Option(None, "--quota", min=1,
                                     help="Requests per minute (default: the setting)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Create a key and print it (this is the only time it is shown)."""
    access = _access()
    try:
        info, key = access.keys.create(name=name, scopes=scopes, quota_per_minute=quota)
    except AllianceError as exc:
        fail(exc.message)
    finally:
        access.close()
    if as_json:
        print_json({**_as_dict(info), "key": key})
        return
    err_console.print(f"key {info.id} for {info.name!r} "
                      f"({', '.join(s.value for s in info.scopes)}); store it now, it is "
                      "not shown again:")
    typer.echo(key)


@app.command("list")
def list_keys(as_json: bool = typer.Option(False, "--json")) -> None:
    """Every key (never the key text itself)."""
    access = _access()
    try:
        keys = access.keys.list()
    finally:
        access.close()
    if as_json:
        print_json([_as_dict(info) for info in keys])
        return
    table = Table("name", "scopes", "quota/min", "created", "revoked")
    table.add_column("id", no_wrap=True)
    for info in keys:
        table.add_row(info.name, ", ".join(s.value for s in info.scopes),
                      str(info.quota_per_minute or "default"), info.created_at,
                      info.revoked_at or "", info.id)
    console.print(table)


@app.command("revoke")
def revoke(key_id: str = typer.Argument(..., help="The key's id (from `keys list`).")) -> None:
    """Revoke a key; a running server refuses it within seconds."""
    access = _access()
    try:
        info = access.keys.revoke(key_id)
    except AllianceError as exc:
        fail(exc.message)
    finally:
        access.close()
    console.print(f"revoked {info.id} ({info.name}) at {info.revoked_at}")
