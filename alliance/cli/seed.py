"""`alliance seed ...`: check the seed folder (and, later, load and synthesise graphs)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from alliance.cli.output import console, err_console, print_json
from alliance.ingest.seed import DEFAULT_SEED_DIR, read_seed_dir

app = typer.Typer(help="Work with the seed data set.", no_args_is_help=True)

SeedDirOption = typer.Option(DEFAULT_SEED_DIR, "--dir", "-d", help="Seed folder.")


@app.command("check")
def check(
    seed_dir: Path = SeedDirOption,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Validate every seed file against the schema; print counts; exit 1 on any error."""
    batch = read_seed_dir(seed_dir)
    labels, types = batch.counts()
    if as_json:
        print_json({
            "errors": [str(error) for error in batch.errors],
            "labels": dict(sorted(labels.items())),
            "relationships": dict(sorted(types.items())),
        })
    else:
        for error in batch.errors:
            err_console.print(f"[red]✗[/] {error}", highlight=False)
        table = Table("label / relationship", "count", title=f"seed: {seed_dir}")
        for name, count in sorted(labels.items()):
            table.add_row(f":{name}", str(count))
        for name, count in sorted(types.items()):
            table.add_row(f"[{name}]", str(count))
        console.print(table)
        summary = f"{len(batch.errors)} error(s)" if batch.errors else "seed is valid"
        console.print(summary, style="red" if batch.errors else "green")
    if batch.errors:
        raise typer.Exit(1)
