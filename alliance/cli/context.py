"""The store a CLI command works on, and the translation of errors into clean exits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import ValidationError
from rich.progress import Progress

from alliance.cli.output import err_console, fail
from alliance.errors import AllianceError
from alliance.services.ingest import is_empty, load_seed
from alliance.settings import Settings, get_settings
from alliance.store.base import GraphStore
from alliance.store.factory import open_store
from alliance.store.file_lock import StoreInUse, holder


def describe_validation(error: ValidationError) -> str:
    """A pydantic error as one line per field: 'field: message'."""
    parts = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "input"
        parts.append(f"{field}: {item['msg']}")
    return "; ".join(parts)


def _open(settings: Settings, *, read_only: bool) -> GraphStore:
    """The configured store. A reading command on an embedded file another process
    writes (a running server) reads it without the lock, and says so."""
    if settings.backend != "embedded" or not read_only:
        return open_store(settings)
    try:
        store = open_store(settings)
    except StoreInUse:
        err_console.print(f"reading {settings.db_path} read-only (in use by "
                          f"{holder(settings.db_path)})", highlight=False, soft_wrap=True)
        return open_store(settings, read_only=True)
    err_console.print(f"reading {settings.db_path}", highlight=False, soft_wrap=True)
    return store


@contextmanager
def cli_store(*, seed_if_empty: bool = True, read_only: bool = False
              ) -> Iterator[GraphStore]:
    """Open the configured store (loading the seed set into an empty one) and turn every
    domain or validation error into one message and exit code 2. `read_only` commands
    say which file they read, and read a file a server holds without its lock."""
    settings = get_settings()
    try:
        store = _open(settings, read_only=read_only)
    except AllianceError as exc:
        fail(exc.message)
    try:
        writable = not getattr(store, "read_only", False)
        if seed_if_empty and settings.load_seed_if_empty and writable and is_empty(store):
            with Progress(console=err_console, transient=True) as progress:
                task = progress.add_task("loading seed data", total=None)
                load_seed(store, settings.seed_dir,
                          progress=lambda n: progress.advance(task, n))
        yield store
    except AllianceError as exc:
        where = f" ({exc.field})" if exc.field else ""
        fail(f"{exc.message}{where}")
    except ValidationError as exc:
        fail(describe_validation(exc))
    finally:
        store.close()


def with_prefix(value: str, prefix: str) -> str:
    """Let people type `suzhou` for `city:suzhou`."""
    return value if ":" in value else f"{prefix}:{value}"
