"""Shared CLI output: one rich console, clean failures with exit code 2."""

from __future__ import annotations

import json
from typing import Any, NoReturn

import typer
from rich.console import Console

console = Console()
err_console = Console(stderr=True)

EXIT_BAD_INPUT = 2


def fail(message: str) -> NoReturn:
    """Print one clear line and exit 2: the CLI never shows a traceback for bad input."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def print_json(data: Any) -> None:
    """Machine output for --json: plain UTF-8 JSON on stdout."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
