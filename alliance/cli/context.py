"""The store a CLI command works on, and the translation of errors into clean exits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import ValidationError
from rich.progress import Progress

from alliance.cli.output import err_console, fail
from alliance.errors import AllianceError
from alliance.services.ingest import is_empty, load_seed
from alliance.settings import get_settings
from alliance.store.base import GraphStore
from alliance.store.factory import open_store


def describe_validation(error: ValidationError) -> str:
    """A pydantic error as one line per field: 'field: message'."""
    parts = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "input"
        parts.append(f"{field}: {item['msg']}")
    return "; ".join(parts)


@contextmanager
def cli_store(*, seed_if_empty: bool = True) -> Iterator[GraphStore]:
    """Open the configured store (loading the seed set into an empty one) and turn every
    domain or validation error into one message and exit code 2."""
    settings = get_settings()
    try:
        store = open_store(settings)
    except AllianceError as exc:
        fail(exc.message)
    try:
        if seed_if_empty and settings.load_seed_if_empty and is_empty(store):
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
