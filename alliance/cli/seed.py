"""`alliance seed ...`: check the seed folder (and, later, load and synthesise graphs)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from alliance.cli.output import console, err_console, fail, print_json
from alliance.ingest.jsonl import GraphRecord, write_jsonl
from alliance.ingest.seed import DEFAULT_SEED_DIR, read_seed_dir
from alliance.ingest.synth import MIN_NODES, plan, synthesize
from graph_schema.records import NodeRecord

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


@app.command("synth")
def synth(
    nodes: int = typer.Option(10_000, "--nodes", "-n", min=MIN_NODES,
                              help="Nodes in the graph (exactly; edges come on top)."),
    seed: int = typer.Option(7, "--seed", help="Random seed: same seed, same bytes."),
    output: Path = typer.Option(..., "--output", "-o", help="JSON-lines file to write."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable counts, no bar."),
) -> None:
    """Write a deterministic synthetic corridor graph as JSON lines, for load tests."""
    labels: Counter[str] = Counter()
    types: Counter[str] = Counter()
    total_nodes = sum(plan(nodes).values())
    columns = (TextColumn("writing {task.fields[path]}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("nodes, {task.fields[records]:,} records"), TimeElapsedColumn())
    started = time.perf_counter()
    with Progress(*columns, console=err_console, disable=as_json) as progress:
        task = progress.add_task("synth", total=total_nodes, path=output.name, records=0)

        def counted(records: Iterable[GraphRecord]) -> Iterator[GraphRecord]:
            """Count records on their way to the file and move the bar every 1000 nodes."""
            written_nodes = number = 0
            for number, record in enumerate(records, start=1):
                if isinstance(record, NodeRecord):
                    labels.update(record.labels)
                    written_nodes += 1
                    if written_nodes % 1000 == 0:
                        progress.update(task, completed=written_nodes, records=number)
                else:
                    types[record.type.value] += 1
                yield record
            progress.update(task, completed=written_nodes, records=number)

        try:
            written = write_jsonl(output, counted(synthesize(nodes, seed)))
        except OSError as exc:
            progress.stop()
            fail(f"cannot write {output}: {exc.strerror or exc}")
    elapsed = time.perf_counter() - started
    if as_json:
        print_json({
            "output": str(output), "records": written, "seconds": round(elapsed, 2),
            "labels": dict(sorted(labels.items())),
            "relationships": dict(sorted(types.items())),
        })
        return
    table = Table("label / relationship", "count", title=f"synthetic graph: {output}")
    for name, count in sorted(labels.items()):
        table.add_row(f":{name}", f"{count:,}")
    for name, count in sorted(types.items()):
        table.add_row(f"[{name}]", f"{count:,}")
    console.print(table)
    console.print(f"wrote {written:,} records ({sum(types.values()):,} relationships) "
                  f"in {elapsed:.1f}s", style="green")


@app.command("load")
def load_command(
    seed_dir: Path = SeedDirOption,
    jsonl: Path | None = typer.Option(None, "--jsonl", help="Load a JSON-lines graph instead."),
    chunk_size: int = typer.Option(20_000, "--chunk-size", min=1,
                                   help="Lines read (and written) at a time for --jsonl."),
) -> None:
    """Validate and upsert the seed folder (or a JSON-lines graph) into the configured
    store; running it twice changes nothing, and a file with any error stores nothing.
    A JSON-lines file is read twice, a batch of lines at a time (check, then load), so
    memory follows the batch size, not the file size."""
    from alliance.cli.context import cli_store
    from alliance.ingest.jsonl import check_jsonl, jsonl_batches
    from alliance.services.ingest import load, load_stream

    if jsonl:
        checked = check_jsonl(jsonl, batch_lines=chunk_size)
        errors, total = checked.errors, checked.nodes + checked.relationships
    else:
        batch = read_seed_dir(seed_dir)
        errors, total = batch.errors, len(batch.nodes) + len(batch.relationships)
    if errors:
        for error in errors[:20]:
            err_console.print(f"[red]✗[/] {error}", highlight=False)
        fail(f"{len(errors)} invalid records; nothing was loaded")
    with cli_store(seed_if_empty=False) as store, Progress(
            TextColumn("loading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err_console) as progress:
        task = progress.add_task("load", total=total)
        advance = partial(progress.advance, task)
        if jsonl:
            load_stream(store, jsonl_batches(jsonl, batch_lines=chunk_size),
                        progress=advance)
        else:
            load(store, batch, progress=advance)
        counts = store.counts()
    console.print(f"loaded {total:,} records; the store now holds "
                  f"{sum(counts.relationships.values()):,} relationships")
