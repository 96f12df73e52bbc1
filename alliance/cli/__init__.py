"""The `alliance` command line: one sub-app per area (seed, schema, ...)."""

from alliance.cli.main import app

__all__ = ["app"]
