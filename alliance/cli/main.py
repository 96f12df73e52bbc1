"""The root `alliance` command; each area registers its sub-app here."""

from __future__ import annotations

import typer

from alliance.cli import (
    analytics,
    db,
    graph,
    imports,
    keys,
    landing,
    people,
    schema,
    search,
    seed,
    serve,
    verify,
)

app = typer.Typer(
    help="Resource directory of the Shanghai–Nanjing corridor technology-manager alliance.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(seed.app, name="seed")
app.add_typer(schema.app, name="schema")
app.command("landing")(landing.landing_command)
app.command("compare")(landing.compare_command)
app.command("collaborators")(people.collaborators_command)
app.command("team")(people.team_command)
app.command("search")(search.search_command)
app.command("path")(graph.path_command)
app.command("stats")(graph.stats_command)
app.command("serve")(serve.serve_command)
app.add_typer(keys.app, name="keys")
app.add_typer(db.app, name="db")
app.command("import")(imports.import_command)
app.command("export")(imports.export_command)
app.command("template")(imports.template_command)
app.add_typer(analytics.app, name="analytics")
app.add_typer(verify.app, name="verify")
