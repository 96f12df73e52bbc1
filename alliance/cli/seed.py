"""`alliance seed ...`: check the seed folder (and, later, load and synthesise graphs)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from alliance.cli.output import console, err_console, fail, print_json
from alliance.errors import Invalid
from alliance.ingest.jsonl import GraphRecord, write_jsonl
from alliance.ingest.records import RecordError
from alliance.ingest.seed import DEFAULT_SEED_DIR, read_seed_dir
from alliance.ingest.synth import MIN_NODES, plan, synthesize
from alliance.store.base import GraphStore, StreamWriter
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
    A JSON-lines file is read a batch of lines at a time, so memory follows the batch
    size, not the file size: once, validated as it is written, into a store that loads
    a stream as one transaction (the embedded store; an error rolls it back), else
    twice (check, then load)."""
    from alliance.cli.context import cli_store
    from alliance.services.ingest import load

    batch = None if jsonl else read_seed_dir(seed_dir)
    if batch is not None:
        _refuse(batch.errors)
    with cli_store(seed_if_empty=False) as store, Progress(
            TextColumn("loading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err_console) as progress:
        if batch is not None:
            total = len(batch.nodes) + len(batch.relationships)
            task = progress.add_task("load", total=total)
            load(store, batch, progress=partial(progress.advance, task))
        elif jsonl is not None:
            total = _load_jsonl(store, jsonl, chunk_size, progress)
        counts = store.counts()
    console.print(f"loaded {total:,} records; the store now holds "
                  f"{sum(counts.relationships.values()):,} relationships")


def _refuse(errors: Sequence[RecordError]) -> None:
    """Print the first errors and stop (nothing was stored)."""
    if errors:
        for error in errors[:20]:
            err_console.print(f"[red]✗[/] {error}", highlight=False)
        fail(f"{len(errors)} invalid records; nothing was loaded")


def _load_jsonl(store: GraphStore, path: Path, chunk_size: int, progress: Progress) -> int:
    """Load a JSON-lines graph (see `load_command`); the number of records."""
    from alliance.ingest.jsonl import CheckedStream, check_jsonl, jsonl_batches
    from alliance.services.ingest import load_stream

    if isinstance(store, StreamWriter):
        stream = CheckedStream(path, batch_lines=chunk_size)
        task = progress.add_task("load", total=None)
        try:
            return load_stream(store, stream, progress=partial(progress.advance, task))
        except Invalid:
            if not stream.check.errors:
                raise
            progress.stop()
            _refuse(stream.check.errors)
            raise
    checked = check_jsonl(path, batch_lines=chunk_size)
    progress.stop()
    _refuse(checked.errors)
    progress.start()
    task = progress.add_task("load", total=checked.nodes + checked.relationships)
    return load_stream(store, jsonl_batches(path, batch_lines=chunk_size),
                       progress=partial(progress.advance, task))
