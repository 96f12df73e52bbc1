"""The API's reading rooms: Swagger UI at /docs and ReDoc at /redoc, from files shipped
in the package (vendored from npm by tools/vendor_docs.sh).

FastAPI's defaults load both from a public CDN, which fails offline and is often
unreachable from mainland China, where most partners read the docs.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

DOCS_ASSETS = Path(__file__).resolve().parent / "static" / "docs"
ASSETS_URL = "/_docs"


def add_docs(app: FastAPI, *, openapi_url: str = "/openapi.json") -> None:
    """Mount the vendored assets and serve the two viewers over them."""
    title = f"{app.title} · API 文档"

    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=title,
            swagger_js_url=f"{ASSETS_URL}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/swagger-ui/favicon-32x32.png",
            swagger_ui_parameters={"persistAuthorization": True})

    async def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url=openapi_url, title=title,
                              redoc_js_url=f"{ASSETS_URL}/redoc/redoc.standalone.js",
                              redoc_favicon_url=f"{ASSETS_URL}/swagger-ui/favicon-32x32.png",
                              with_google_fonts=False)

    app.add_api_route("/docs", swagger_ui, methods=["GET"], include_in_schema=False)
    app.add_api_route("/redoc", redoc, methods=["GET"], include_in_schema=False)
    app.mount(ASSETS_URL, StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
