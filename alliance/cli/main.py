"""The root `alliance` command; each area registers its sub-app here."""

from __future__ import annotations

import typer

from alliance.cli import schema, seed

app = typer.Typer(
    help="Resource directory of the Shanghai–Nanjing corridor technology-manager alliance.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(seed.app, name="seed")
app.add_typer(schema.app, name="schema")
