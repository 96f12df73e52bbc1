"""`alliance db ...`: the Neo4j database itself: schema, bulk load, export; and `check`.

These commands always talk to Neo4j through the ALLIANCE_NEO4J_* settings, whatever
ALLIANCE_BACKEND says: they prepare the server the API will use, and an operator runs
them before switching the API over. `check` reads the configured backend (or the
embedded file given) and reports stored data that today's validation would refuse.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import networkx as nx
import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from alliance.cli.output import console, err_console, fail, print_json
from alliance.errors import AllianceError, Invalid
from alliance.ingest.jsonl import GraphRecord, check_jsonl, jsonl_batches, write_jsonl
from alliance.ingest.records import RecordBatch
from alliance.ingest.seed import read_seed_dir
from alliance.services.ingest import load, load_stream
from alliance.services.integrity import check_store
from alliance.settings import get_settings
from alliance.store.embedded import EmbeddedStore
from alliance.store.neo4j import Neo4jStore
from graph_schema.ddl import ddl_statements
from graph_schema.records import NodeRecord

app = typer.Typer(help="Neo4j: apply the schema, bulk-load data, export the graph; "
                       "check any store's data.",
                  no_args_is_help=True)

MAX_ERRORS_SHOWN = 20


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    GRAPHML = "graphml"


@contextmanager
def neo4j_store(*, apply_schema: bool = True) -> Iterator[Neo4jStore]:
    """The Neo4j the settings name; every domain error becomes one line and exit 2."""
    settings = get_settings()
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    try:
        store = Neo4jStore(settings.neo4j_uri, auth=auth, database=settings.neo4j_database,
                           apply_schema=apply_schema)
    except AllianceError as exc:
        fail(f"{exc.message} ({settings.neo4j_uri})")
    try:
        yield store
    except AllianceError as exc:
        where = f" ({exc.field})" if exc.field else ""
        fail(f"{exc.message}{where}")
    finally:
        store.close()


@app.command("init")
def init() -> None:
    """Create the constraints and indexes from graph_schema (repeatable) and wait for them."""
    with neo4j_store() as store:
        console.print(f"schema applied to {store.uri} (database {store.database}): "
                      f"{len(ddl_statements())} constraints and indexes online")


@app.command("load")
def load_command(
    seed: Path | None = typer.Option(None, "--seed", help="Load this seed folder."),
    jsonl: Path | None = typer.Option(None, "--jsonl", help="Load this JSON-lines file."),
    embedded: Path | None = typer.Option(None, "--embedded",
                                         help="Copy this embedded store (SQLite file)."),
    batch_size: int = typer.Option(5000, "--batch-size", min=1,
                                   help="Records per transaction."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable summary, no bar."),
) -> None:
    """Validate everything first, then upsert it in batches (one transaction each).

    The source is a seed folder (default: the configured one), a JSON-lines file, or an
    embedded store's SQLite file (to move from the embedded backend to Neo4j).

    Nothing is written unless every record is valid. Loading is idempotent, so a load
    cut short (server down mid-way) is finished by running it again. A JSON-lines file
    is streamed: read twice, a batch of lines at a time (check, then load), so memory
    follows the batch size (and the file's node ids), not the file size.
    """
    given = [option for option in (seed, jsonl, embedded) if option is not None]
    if len(given) > 1:
        fail("give one of --seed, --jsonl and --embedded")
    source = given[0] if given else get_settings().seed_dir
    batch = RecordBatch()
    if jsonl is not None:  # streamed: checked, then loaded, a batch of lines at a time
        checked = check_jsonl(jsonl, batch_lines=batch_size)
        errors, nodes, relationships = checked.errors, checked.nodes, checked.relationships
    else:
        batch = embedded_batch(embedded) if embedded is not None else read_seed_dir(source)
        errors, nodes, relationships = batch.errors, len(batch.nodes), len(batch.relationships)
    if errors:
        for error in errors[:MAX_ERRORS_SHOWN]:
            err_console.print(f"[red]✗[/] {error}", highlight=False)
        more = len(errors) - MAX_ERRORS_SHOWN
        if more > 0:
            err_console.print(f"... and {more} more", highlight=False)
        fail(f"{len(errors)} invalid record(s) in {source}; nothing was loaded")
    columns = (TextColumn("loading {task.fields[source]}"), BarColumn(), MofNCompleteColumn(),
               TaskProgressColumn(), TimeElapsedColumn())
    with neo4j_store() as store:
        started = time.perf_counter()
        with Progress(*columns, console=err_console, disable=as_json) as progress:
            task = progress.add_task("load", total=nodes + relationships, source=source.name)

            def advance(count: int) -> None:
                progress.advance(task, count)

            if jsonl is not None:
                written = load_stream(store, jsonl_batches(jsonl, batch_lines=batch_size),
                                      progress=advance)
            else:
                written = load(store, batch, chunk_size=batch_size, progress=advance)
        store.refresh_city_contacts()  # the batches left the cities they touched stale
        elapsed = time.perf_counter() - started
    rate = written / elapsed if elapsed > 0 else 0.0
    if as_json:
        print_json({"source": str(source), "nodes": nodes, "relationships": relationships,
                    "seconds": round(elapsed, 2), "records_per_second": round(rate)})
    else:
        console.print(f"loaded {nodes:,} nodes and {relationships:,} "
                      f"relationships in {elapsed:.1f} s ({rate:,.0f} records/s)")


@app.command("check")
def check_command(
    embedded: Path | None = typer.Option(
        None, "--embedded", help="Check this embedded store file (default: the configured "
                                 "backend: ALLIANCE_DB_PATH, or Neo4j when "
                                 "ALLIANCE_BACKEND=neo4j)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable findings."),
) -> None:
    """Report stored data a write today would refuse: non-finite numbers, integers
    outside int64, unstorable text, relationship ends of undeclared labels, SUBFIELD_OF
    cycles (left by older versions). Read-only; exit 1 when anything is found."""
    settings = get_settings()
    if embedded is not None or settings.backend == "embedded":
        path = embedded or settings.db_path
        if not Path(path).is_file():
            fail(f"no embedded store at {path}")
        err_console.print(f"checking {path} (read-only)", highlight=False, soft_wrap=True)
        with EmbeddedStore(path, read_only=True) as store:
            with store.lock:
                records: list[GraphRecord] = [
                    *store.graph.nodes.values(), *store.graph.relationships()]
            findings = check_store(store, records)
    else:
        with neo4j_store(apply_schema=False) as neo:
            err_console.print(f"checking {neo.uri} (database {neo.database})",
                              highlight=False, soft_wrap=True)
            findings = check_store(neo, neo.export_records())
    if as_json:
        print_json({"findings": [{"where": f.where, "field": f.field, "problem": f.problem}
                                 for f in findings]})
    else:
        for finding in findings:
            field = f" {finding.field}:" if finding.field else ""
            console.print(f"[red]✗[/] {finding.where}{field} {finding.problem}",
                          highlight=False)
        console.print(f"{len(findings)} problem(s) found" if findings
                      else "no problems found")
    if findings:
        raise typer.Exit(1)


@app.command("import-files")
def import_files(
    out: Path = typer.Argument(..., help="Folder for the CSV files (created)."),
    jsonl: Path | None = typer.Option(None, "--jsonl", help="Records from this JSON-lines "
                                      "file."),
    embedded: Path | None = typer.Option(None, "--embedded",
                                         help="Records from this embedded store file."),
) -> None:
    """Write the CSV input of `neo4j-admin database import full` for a first load of a
    large graph into an empty, stopped database (see docs/operations.md), after
    validating every record. Then import (`tools/neo4j.sh import OUT` on the development
    server) and run `alliance db import-finish OUT`."""
    from alliance.store.neo4j.offline_import import write_import_files

    if (jsonl is None) == (embedded is None):
        fail("give one of --jsonl and --embedded")
    records: Iterator[GraphRecord]
    if jsonl is not None:
        checked = check_jsonl(jsonl)
        if checked.errors:
            for error in checked.errors[:MAX_ERRORS_SHOWN]:
                err_console.print(f"[red]✗[/] {error}", highlight=False)
            fail(f"{len(checked.errors)} invalid record(s) in {jsonl}; nothing was written")
        records = _streamed(jsonl)
    elif embedded is not None:
        records = embedded_records(embedded)
    started = time.perf_counter()
    try:
        files = write_import_files(records, out)
    except AllianceError as exc:
        fail(str(exc))
    (out / "import.args").write_text("\n".join(files.arguments()) + "\n", encoding="utf-8")
    console.print(f"wrote {files.node_count:,} nodes and {files.relationship_count:,} "
                  f"relationships to {len(files.nodes) + len(files.relationships)} CSV files "
                  f"in {out} ({time.perf_counter() - started:.1f} s; {files.fixups:,} nodes "
                  f"with properties set afterwards, {files.leftovers:,} relationships "
                  "upserted afterwards)")
    console.print(f"next: neo4j-admin database import full neo4j $(cat {out}/import.args), "
                  f"then alliance db import-finish {out}", highlight=False, soft_wrap=True)


def _streamed(path: Path) -> Iterator[GraphRecord]:
    """The records of a checked JSON-lines file, a batch of lines at a time."""
    for batch in jsonl_batches(path):
        if batch.errors:
            raise Invalid(str(batch.errors[0]), field=batch.errors[0].field)
        yield from batch.nodes
        yield from batch.relationships


@app.command("import-finish")
def import_finish(
    folder: Path = typer.Argument(..., help="The folder `alliance db import-files` wrote."),
) -> None:
    """After an offline import: apply the schema (constraints and indexes are built on
    the imported data), rebuild the store-internal facts, set the properties CSV could
    not carry and upsert the relationships it could not."""
    from alliance.store.neo4j.offline_import import finish

    started = time.perf_counter()
    with neo4j_store() as store:
        fixed, leftovers = finish(store, folder)
    console.print(f"schema applied, {fixed:,} nodes fixed up and {leftovers:,} relationships "
                  f"upserted in {time.perf_counter() - started:.1f} s")


def embedded_records(path: Path) -> Iterator[GraphRecord]:
    """Every record of an embedded store file, nodes first, streamed from one read (a
    10^6-node graph's records are not all held at once)."""
    if not path.is_file():
        fail(f"no embedded store at {path}")
    with EmbeddedStore(path, read_only=True) as store, store.lock:
        yield from store.graph.nodes.values()
        yield from store.graph.relationships()


def embedded_batch(path: Path) -> RecordBatch:
    """Every record of an embedded store file (validated when it was written there)."""
    if not path.is_file():
        fail(f"no embedded store at {path}")
    batch = RecordBatch()
    with EmbeddedStore(path, read_only=True) as store, store.lock:
        batch.nodes = list(store.graph.nodes.values())
        batch.relationships = list(store.graph.relationships())
    return batch


@app.command("export")
def export(
    output: Path = typer.Option(..., "--output", "-o", help="File to write."),
    export_format: ExportFormat = typer.Option(ExportFormat.JSONL, "--format", "-f",
                                               help="jsonl (re-loadable) or graphml."),
) -> None:
    """Write the whole graph, from one consistent read, as JSON lines or GraphML.

    The file appears whole or not at all (written next to its place, then renamed).
    """
    with neo4j_store(apply_schema=False) as store:
        try:
            if export_format is ExportFormat.JSONL:
                count = write_jsonl(output, store.export_records())
            else:
                count = write_graphml(output, store.export_records())
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror or exc}")
    console.print(f"wrote {count:,} records to {output} ({export_format.value})")


# --------------------------------------------------------------------------- graphml


def _graphml_value(value: Any) -> str | int | float | bool:
    """GraphML holds scalars only: lists (facility types, roles, ...) become JSON text."""
    if isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def records_graph(records: Iterator[GraphRecord]) -> tuple[nx.MultiDiGraph, int]:
    """The records as a MultiDiGraph with GraphML-safe attributes, and how many there were."""
    graph = nx.MultiDiGraph()
    count = 0
    for record in records:
        count += 1
        if isinstance(record, NodeRecord):
            attributes = {key: _graphml_value(value)
                          for key, value in record.properties.items() if value is not None}
            graph.add_node(record.id, **attributes, label=record.label.value,
                           labels=":".join(sorted(record.labels)))
        else:
            attributes = {key: _graphml_value(value)
                          for key, value in record.properties.items() if value is not None}
            key = json.dumps(list(record.key), ensure_ascii=False)
            graph.add_edge(record.source, record.target, key=key, **attributes,
                           type=record.type.value)
    return graph, count


def write_graphml(path: Path, records: Iterator[GraphRecord]) -> int:
    """Write GraphML whole or not at all: temporary file, fsync, rename, fsync the folder."""
    graph, count = records_graph(records)
    folder = path.parent
    temporary = folder / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        with temporary.open("wb") as handle:
            nx.write_graphml(graph, handle, encoding="utf-8")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return count
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return count
