"""The FastAPI application factory: routes under /v1, problem details, keys and quotas,
and the web console's static files at /.

Nothing happens at import time: `create_app()` builds the app, and its lifespan opens
the one store (and the access database) when the server starts and closes them when it
stops; an empty store gets the seed data first. `alliance serve` runs
`uvicorn alliance.api.app:create_app --factory`.

Middleware, outermost first: CORS (so browsers can read even 401/413/429 answers), the
request target (query length, encoded slashes), the body-size limit, keys and quotas,
gzip, ETag (so the tag is computed on the uncompressed body). Every /v1 route reads its
body as strict JSON (`alliance.api.json_body`).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.telemetry import TelemetryConfig
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import Scope as StarletteScope

from alliance.access.quota import Quota
from alliance.api.access import API_KEY_HEADER, Access, AccessMiddleware, open_access
from alliance.api.answer_cache import AnswerCache
from alliance.api.compact import compact_schemas
from alliance.api.docs import add_docs
from alliance.api.errors import add_exception_handlers, problem_media_types, problem_responses
from alliance.api.etag import ETagMiddleware
from alliance.api.json_body import StrictJSONRoute
from alliance.api.limits import BodySizeLimitMiddleware
from alliance.api.request_target import RequestTargetMiddleware
from alliance.api.routes import (
    analytics,
    audit,
    collaborators,
    collections,
    entities,
    health,
    imports,
    keys,
    landing,
    me,
    paths,
    referrals,
    relationships,
    search,
    stats,
    sync,
    verification,
    webhooks,
)
from alliance.api.schemas import ImportRecords
from alliance.services.ingest import is_empty, load_seed
from alliance.services.webhooks import Deliverer, deliver_forever
from alliance.settings import Settings, get_settings
from alliance.store.base import GraphStore
from alliance.store.factory import open_store

logger = logging.getLogger("alliance.api")

API_VERSION = "1.0.0"
STATIC_DIR = Path(__file__).resolve().parents[1] / "web" / "static"
GZIP_MINIMUM_BYTES = 1024
GZIP_LEVEL = 1
"""Fastest gzip: Starlette's default (9) took 12 ms for a 400 kB landing answer, level 1
4.8 ms for a body 40 % larger (72 kB instead of 51 kB), which a 100 Mbit/s link carries
in 1.7 ms more; most of what level 9 saves is spent compressing."""

DESCRIPTION = """\
The resource directory of the Shanghai–Nanjing corridor technology-manager alliance
(沿沪宁技术经理人联盟): parks, policies, industries, people, organizations, companies and
referrals, as a graph. 沿沪宁技术经理人联盟资源目录：园区、政策、产业、人员、机构、企业与转介。

- **Keys / 密钥**: send `X-API-Key`. Without one a request is anonymous with `public:read`
  (unless the server requires keys). Scopes: `public:read`, `staff:read`, `staff:write`,
  `admin`.
- **Privacy / 隐私**: a person's e-mail, phone and WeChat appear only for `staff:read` keys
  or when the person opted in (`public_contact`).
- **Collections / 列表**: filter by properties and by relationships in partners' words
  (`/v1/parks?city=suzhou&industry=biomedicine`), `sort=`, cursor pages with a `total`,
  `include=` related entities, `fields=`, `updated_since=`.
- **Sync / 同步**: `GET /v1/export` (JSON lines, with the `X-Changes-Cursor` header) for a
  first full copy, then `GET /v1/changes?cursor=` for every create, update and delete in
  commit order, the same on every host.
- **Errors / 错误**: RFC 9457 `application/problem+json`; 422 names each bad field.
- **Quotas / 配额**: `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` on every /v1
  answer; 429 with `Retry-After`. Counted once across all workers and hosts.
- **Caching / 缓存**: GET answers carry an `ETag`; send it as `If-None-Match` for a 304.

Docs offline at `/docs` (Swagger UI) and `/redoc` (ReDoc); examples in docs/api.md.
"""

TAGS: list[dict[str, Any]] = [
    {"name": "landing", "description": "Where can a company land its production?"},
    {"name": "collaborators", "description": "Who can help: skills, trust paths, teams."},
    {"name": "paths", "description": "How two entities connect."},
    {"name": "search", "description": "Search names, roles, places, fields (中文, English, "
                                      "pinyin, initials)."},
    {"name": "analytics", "description": "Bridging brokers, coverage gaps, communities, "
                                         "funnel (staff)."},
    {"name": "entities", "description": "Any entity by id, and its neighbours."},
    *({"name": name, "description": f"The {name} collection."} for name in (
        "cities", "parks", "industries", "policies", "people", "skills", "organizations",
        "companies")),
    {"name": "referrals", "description": "The referral funnel and its analytics."},
    {"name": "relationships", "description": "Staff writes of single relationships."},
    {"name": "import", "description": "Bulk import (JSON, CSV), all or nothing."},
    {"name": "stats", "description": "What the graph holds."},
    {"name": "sync", "description": "Stay in sync: bulk export (JSON lines), then the change "
                                    "feed. 同步：全量导出 + 变更流。"},
    {"name": "audit", "description": "The audit log of writes (admin)."},
    {"name": "keys", "description": "API keys (admin). API 密钥管理。"},
    {"name": "webhooks", "description": "Signed pushes of the change feed (admin). 变更推送。"},
    {"name": "health", "description": "Liveness and readiness."},
]


def operation_id(route: APIRoute) -> str:
    """`{tag}-{name}`, e.g. `landing-search`, `parks-list`: clean names for generated
    partner clients."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


ROUTE_OPTIONS = (
    "response_model", "status_code", "tags", "dependencies", "summary", "description",
    "response_description", "deprecated", "methods", "operation_id",
    "response_model_include", "response_model_exclude", "response_model_by_alias",
    "response_model_exclude_unset", "response_model_exclude_defaults",
    "response_model_exclude_none", "include_in_schema", "response_class", "name",
    "openapi_extra",
)
"""What `add_api_route` needs to re-create a route declared on a module's router."""

API_MODULES = (landing, collaborators, paths, search, analytics, entities, referrals,
               collections, relationships, imports, verification, audit, stats, me, sync, keys,
               webhooks)

API_PROBLEMS = problem_responses(400, 401, 414, 415, 429, 500, 503)
"""What every /v1 route may answer: unparseable body, no key, long query, a body that is
not JSON, quota, bug, store down."""


def add_routes(app: FastAPI, router: APIRouter, *, prefix: str = "",
               responses: dict[int | str, dict[str, Any]] | None = None) -> None:
    """Add the router's routes to the app itself, flat.

    Not `include_router`: FastAPI (0.16x) keeps included routers nested and matches a
    request through every level twice, which cost more per request than reading an
    entity (measured with 75 routes: 0.5 ms of a 1 ms /healthz). Flat routes are matched
    once, in order.
    """
    for route in router.routes:
        if not isinstance(route, APIRoute):
            msg = f"only APIRoutes can be added flat, not {route!r}"
            raise TypeError(msg)
        options = {name: getattr(route, name) for name in ROUTE_OPTIONS}
        app.add_api_route(prefix + route.path, route.endpoint,
                          responses={**(responses or {}), **route.responses}, **options)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the store (unless one was given) and the access database; load the seed into
    an empty store; close what was opened here on shutdown."""
    settings: Settings = app.state.settings
    given: GraphStore | None = app.state.given_store
    store = given if given is not None else await run_in_threadpool(open_store, settings)
    access: Access | None = None
    delivery: asyncio.Task[None] | None = None
    deliverer: Deliverer | None = None
    try:
        if settings.load_seed_if_empty and await run_in_threadpool(is_empty, store):
            count = await run_in_threadpool(load_seed, store, settings.seed_dir)
            logger.info("loaded %d seed records from %s", count, settings.seed_dir)
        access = await run_in_threadpool(open_access, settings)
        app.state.store = store
        app.state.access = access
        if settings.webhook_poll_seconds > 0:
            deliverer = Deliverer(access.webhooks, access.audit)
            delivery = asyncio.create_task(deliver_forever(
                deliverer, every_seconds=settings.webhook_poll_seconds))
        yield
    finally:
        if delivery is not None and deliverer is not None:
            delivery.cancel()
            deliverer.close()
        app.state.store = None
        app.state.access = None
        if access is not None:
            access.close()
        if given is None:
            store.close()


QUICK_READS = re.compile(r"/v1/[a-z]+/\{id\}")
"""GET of one entity (`/v1/entities/{id}`, `/v1/parks/{id}`, ...)."""


def _matched_first(route: BaseRoute) -> bool:
    """Sort key putting GET of one entity first (a stable sort keeps the rest in order).

    The router tries routes in order, ~1–4 µs each: `/v1/parks/{id}` was the 30th, so
    matching it cost more than reading the entity. No other route matches such a path
    (other methods of the same path only partly match, and the router goes on to find
    them); the OpenAPI document keeps the declared order."""
    return not (isinstance(route, APIRoute) and route.methods == {"GET"}
                and QUICK_READS.fullmatch(route.path) is not None)


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version,
                             description=app.description, routes=app.state.declared_routes,
                             tags=app.openapi_tags)
        schema.setdefault("components", {}).setdefault("schemas", {})["ImportRecords"] = \
            ImportRecords.model_json_schema(ref_template="#/components/schemas/{model}")
        compact_schemas(schema["components"]["schemas"])
        app.openapi_schema = problem_media_types(schema)
    return app.openapi_schema


async def index() -> dict[str, str]:
    """What `/` says when the web console is not installed."""
    return {"name": "alliance resource directory API", "version": API_VERSION,
            "docs": "/docs", "openapi": "/openapi.json", "health": "/healthz"}


class ConsoleMount(Mount):
    """The console's files at `/`, leaving /v1 to the API: a plain mount at `/` matches
    every path, which turns the API's 405 (wrong method) into the files' 404."""

    def matches(self, scope: StarletteScope) -> tuple[Match, StarletteScope]:
        if scope["type"] == "http" and str(scope["path"]).startswith("/v1/"):
            return Match.NONE, {}
        return super().matches(scope)


NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False,
                                 "operation_spans": False}
"""FastAPI's native OpenTelemetry off: the project configures no provider, and asking
for one on every request (`NativeTelemetry.enabled`) cost a sixth of a GET entity."""


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """The application. `settings` default to the environment's; a given `store` is used
    as is and left open (tests), otherwise the lifespan opens one from the settings."""
    settings = settings or get_settings()
    app = FastAPI(title="Corridor alliance resource directory", version=API_VERSION,
                  description=DESCRIPTION, openapi_tags=TAGS, lifespan=lifespan,
                  generate_unique_id_function=operation_id, docs_url=None,
                  redoc_url=None, telemetry=NO_TELEMETRY)
    app.state.settings = settings
    app.state.given_store = store
    app.state.store = None
    app.state.access = None
    app.state.quota = Quota(settings.quota_storage_url)
    app.state.answers = AnswerCache(settings.answer_cache_mib * 2**20)
    add_exception_handlers(app)
    app.router.route_class = StrictJSONRoute
    app.router.redirect_slashes = False
    add_routes(app, health.router)
    for module in API_MODULES:
        add_routes(app, module.router, prefix="/v1", responses=API_PROBLEMS)
    app.state.declared_routes = list(app.router.routes)
    app.router.routes.sort(key=_matched_first)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    add_docs(app)
    if STATIC_DIR.is_dir():
        app.router.routes.append(
            ConsoleMount("/", app=StaticFiles(directory=STATIC_DIR, html=True), name="console"))
    else:
        app.add_api_route("/", index, methods=["GET"], include_in_schema=False)
    app.add_middleware(ETagMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES,
                       compresslevel=GZIP_LEVEL)
    app.add_middleware(AccessMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(RequestTargetMiddleware, max_query_bytes=settings.max_query_bytes)
    app.add_middleware(
        CORSMiddleware, allow_origins=settings.cors_origins, allow_credentials=False,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=[API_KEY_HEADER, "Content-Type", "If-None-Match", "If-Match"],
        expose_headers=["ETag", "Location", "RateLimit-Limit", "RateLimit-Remaining",
                        "RateLimit-Reset", "Retry-After", "X-Changes-Cursor"],
        max_age=600,
    )
    return app
