"""`alliance import FILE`, `alliance export`, `alliance template LABEL`: spreadsheets in
and out, previewed first, applied all or nothing, audited as the local user."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from alliance.access.audit import AuditLog, Auditor
from alliance.access.database import AccessDB, access_db_path
from alliance.access.scopes import Principal
from alliance.cli.context import cli_store
from alliance.cli.output import console, err_console, fail, print_json
from alliance.ingest.decisions import Decision, Decisions, decisions_path
from alliance.ingest.export import ExportFormat, export_to
from alliance.ingest.preview import ImportPlan, apply, plan_dict, preview
from alliance.ingest.template import template_bytes
from alliance.settings import get_settings
from alliance.store.base import GraphStore
from graph_schema.aliases import label_of_name
from graph_schema.nodes import label_of_id
from graph_schema.vocabulary import Label

STATUS_STYLE = {"new": "green", "changed": "yellow", "unchanged": "dim", "review": "magenta",
                "error": "red"}


class CliAudit(Auditor):
    """The audit sink of a CLI import: the access database's log, as `cli:<user>`."""

    def __init__(self, log: AuditLog, store: GraphStore) -> None:
        super().__init__(log, cli_principal(), store)

    @property
    def actor(self) -> str:
        return self.principal.name


def cli_principal() -> Principal:
    """Who imports from the command line: the local user."""
    return Principal(key_id=None, name=f"cli:{getpass.getuser()}", scopes=frozenset())


def _label(value: str | None) -> Label | None:
    if value is None:
        return None
    found = label_of_name(value)
    if found is None:
        fail(f"unknown label {value!r}; one of {', '.join(label.value for label in Label)}")
    return found


def _decide(decisions: Decisions, pairs: list[str], *, confirm: bool, actor: str) -> None:
    """`TEXT=ID` pairs from --confirm / --reject, remembered before the preview."""
    for pair in pairs:
        text, equals, candidate = pair.rpartition("=")
        label = label_of_id(candidate.strip())
        if not equals or not text.strip() or label is None:
            fail(f"expected NAME=ID (e.g. 苏州园区=park:suzhou-sip), got {pair!r}")
        decisions.record(Decision(label, text.strip(), candidate.strip(), confirm, actor))


def _print_plan(plan: ImportPlan, limit: int) -> None:
    table = Table("sheet", "row", "id", "status", "detail", title=f"import preview: {plan.file}")
    shown = [row for row in plan.rows if row.status != "unchanged"]
    for row in shown[:limit]:
        if row.problems:
            detail = "\n".join(f"{p.column or '-'}: {p.zh} / {p.en}" for p in row.problems)
        elif row.suggestions:
            detail = "did you mean 是否指: " + ", ".join(
                f"{s.name} {s.candidate} ({s.score:g})" for s in row.suggestions)
        else:
            detail = "\n".join(f"{name}: {before!r} → {after!r}"
                               for name, (before, after) in row.changes.items())
        style = STATUS_STYLE[row.status]
        table.add_row(row.sheet or "", str(row.row), row.id or "",
                      f"[{style}]{row.status}[/]", detail)
    if shown:
        console.print(table)
    if len(shown) > limit:
        console.print(f"… {len(shown) - limit} more rows (use --json for all)")
    for note in plan.notes:
        console.print(f"note: {note.zh} / {note.en}", style="dim")
    counts = plan.counts()
    console.print(", ".join(f"{count} {status}" for status, count in counts.items()))


def import_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV, XLSX or JSON."),
    apply_: bool = typer.Option(False, "--apply", help="Write (default: preview only)."),
    sheet: str | None = typer.Option(None, "--sheet", help="Only this worksheet."),
    label: str | None = typer.Option(None, "--label", help="Label of the rows (园区, Park…)."),
    confirm: list[str] = typer.Option([], "--confirm",  # noqa: B006 (typer reads it)
                                      help="NAME=ID: the name means this entity (remembered)."),
    reject: list[str] = typer.Option([], "--reject",  # noqa: B006
                                     help="NAME=ID: the name is not this entity (remembered)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable preview."),
    limit: int = typer.Option(50, "--limit", help="Rows shown in the table."),
) -> None:
    """Preview a spreadsheet import row by row; with --apply write it all or nothing.

    Exit 1 when a row is an error or awaits a did-you-mean answer (nothing written)."""
    settings = get_settings()
    decisions = Decisions(decisions_path(settings.db_path))
    access = AccessDB(access_db_path(settings))
    actor = cli_principal().name
    try:
        _decide(decisions, confirm, confirm=True, actor=actor)
        _decide(decisions, reject, confirm=False, actor=actor)
        with cli_store() as store:
            audit = CliAudit(AuditLog(access), store)
            with Progress(TextColumn("reading {task.description}"), BarColumn(),
                          TextColumn("{task.completed:,} rows"), TimeElapsedColumn(),
                          console=err_console, transient=True,
                          disable=as_json) as progress:
                task = progress.add_task(file.name, total=None)
                with file.open("rb") as stream:
                    plan = preview(store, stream, file.name, decisions=decisions.snapshot(),
                                   actor=audit.actor, label=_label(label), sheet=sheet,
                                   progress=lambda n: progress.advance(task, n))
            if as_json:
                print_json(plan_dict(plan, limit=limit))
            else:
                _print_plan(plan, limit)
            if not plan.ok:
                raise typer.Exit(1)
            if apply_:
                apply(store, plan, audit=audit)
                if not as_json:
                    console.print(f"applied: {len(plan.nodes)} entities written", style="green")
            elif not as_json:
                console.print("dry run: nothing written (add --apply)", style="dim")
    finally:
        decisions.close()
        access.close()


def export_command(
    output: Path = typer.Option(..., "--output", "-o",
                                help="File (folder for CSV of several labels)."),
    fmt: ExportFormat | None = typer.Option(None, "--format", "-f",
                                            help="Default: from the file's extension."),
    labels: list[str] = typer.Option([], "--label", "-l",  # noqa: B006
                                     help="Labels to export (default: all)."),
) -> None:
    """Export labels or the whole graph to XLSX (a sheet per label), CSV or JSONL."""
    chosen = [found for name in labels if (found := _label(name)) is not None]
    kind = fmt or next((f for f in ExportFormat if output.suffix.lower() == f".{f.value}"),
                       ExportFormat.CSV if output.suffix == "" else None)
    if kind is None:
        fail(f"cannot tell the format of {output.name}: use --format xlsx|csv|jsonl")
    with cli_store() as store:
        export_to(store, output, kind, chosen)
    console.print(f"exported {', '.join(c.value for c in chosen) or 'every label'} → {output}")


def template_command(
    label: str = typer.Argument(..., help="Label (园区, Park, parks…)."),
    output: Path | None = typer.Option(None, "--output", "-o",
                                       help="Default: <Label>-template.xlsx."),
) -> None:
    """Write the XLSX template of a label: bilingual headers, an example row, drop-downs."""
    found = _label(label)
    assert found is not None
    target = output or Path(f"{found.value}-template.xlsx")
    with cli_store() as store:
        target.write_bytes(template_bytes(found, store))
    console.print(f"template → {target}")
