"""`alliance serve`: the HTTP API (and the web console) under uvicorn.

uvicorn runs the `create_app` factory with uvloop and httptools, the fastest event loop
and HTTP parser it has (with problem+json for requests the parser refuses). Proxy headers
(X-Forwarded-For/-Proto) are read only when ALLIANCE_TRUST_PROXY_HEADERS says so.
The embedded store is one process's (one SQLite file loaded into memory), so several
workers need the Neo4j backend (ALLIANCE_BACKEND=neo4j), and a quota storage they share
(ALLIANCE_QUOTA_STORAGE_URL=redis://...); the settings refuse anything else, in this
process and in every worker, which reads the same environment.
"""

from __future__ import annotations

import os

import typer
import uvicorn
from pydantic import ValidationError

from alliance.api.http_protocol import ProblemHttpToolsProtocol
from alliance.cli.output import fail
from alliance.settings import Settings, get_settings
from alliance.store.file_lock import StoreInUse, check_free

APP_FACTORY = "alliance.api.app:create_app"


def serve_command(
    host: str | None = typer.Option(None, "--host", help="Interface (default from "
                                    "ALLIANCE_HOST, 127.0.0.1)."),
    port: int | None = typer.Option(None, "--port", "-p", help="Port (default from "
                                    "ALLIANCE_PORT, 8000)."),
    workers: int | None = typer.Option(None, "--workers", "-w", min=1,
                                       help="Worker processes (Neo4j backend only)."),
    reload: bool = typer.Option(False, "--reload", help="Restart on code changes (dev)."),
    log_level: str = typer.Option("info", "--log-level"),
) -> None:
    """Serve the HTTP API on host:port; an empty store gets the seed data first."""
    if workers is not None:
        os.environ["ALLIANCE_WORKERS"] = str(workers)  # the workers read it too
    try:
        settings = Settings()
    except ValidationError as exc:
        fail("; ".join(str(error["msg"]).removeprefix("Value error, ")
                       for error in exc.errors()))
    get_settings.cache_clear()
    worker_count = settings.workers
    if worker_count > 1 and reload:
        fail("--reload runs one process; drop --workers or --reload")
    if settings.backend == "embedded" and str(settings.db_path) != ":memory:":
        try:  # refuse now, not in the server's lifespan under a traceback
            check_free(settings.db_path)
        except StoreInUse as exc:
            fail(exc.message)
    uvicorn.run(
        APP_FACTORY, factory=True, host=host or settings.host, port=port or settings.port,
        workers=worker_count, reload=reload, loop="uvloop", http=ProblemHttpToolsProtocol,
        log_level=log_level, proxy_headers=settings.trust_proxy_headers,
        forwarded_allow_ips=settings.forwarded_allow_ips, server_header=False,
    )
