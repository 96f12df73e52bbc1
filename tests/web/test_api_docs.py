"""/docs (Swagger UI) and /redoc (ReDoc) render in Debian's chromium with the network cut:
every request that does not go to the server under test is aborted, and the test fails
if a page asked for one (a CDN script, a web font), so the viewers must come from the
files shipped in the package."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from alliance.api.app import create_app
from alliance.settings import Settings
from tests.api.test_serve import free_port

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
RENDER_MS = 30_000
"""How long a viewer may take to render a 2 MB bundle on a busy machine."""
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]



@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The API in this process (embedded store in memory, seed loaded) on a free port."""
    port = free_port()
    settings = Settings(db_path=Path(":memory:"), access_db_path=None)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=1.0).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            pytest.fail("the API did not get ready")
        time.sleep(0.05)
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = "Debian's chromium is missing: `apt-get install chromium` (tools/test.sh does)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()
    finally:
        playwright.stop()


def _offline_page(browser: Browser, base_url: str, refused: list[str]) -> Page:
    """A page whose every request off the server under test is aborted and recorded."""
    host = urlsplit(base_url).netloc
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)

    def cut(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == host or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            refused.append(url)
            route.abort("internetdisconnected")

    page.route("**/*", cut)
    return page


def test_swagger_ui_renders_every_tag_offline(browser: Browser, base_url: str) -> None:
    refused: list[str] = []
    page = _offline_page(browser, base_url, refused)
    page.goto(f"{base_url}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Corridor alliance",
                                                                      timeout=RENDER_MS)
    paths = httpx.get(f"{base_url}/openapi.json").json()["paths"]
    tags = {tag for item in paths.values() for op in item.values() for tag in op["tags"]}
    expect(page.locator(".opblock-tag-section")).to_have_count(len(tags), timeout=RENDER_MS)
    expect(page.locator("#operations-parks-parks-list")).to_be_visible(timeout=RENDER_MS)
    assert refused == [], f"the docs page asked the network for {refused}"
    page.context.close()


def test_redoc_renders_operations_offline(browser: Browser, base_url: str) -> None:
    refused: list[str] = []
    page = _offline_page(browser, base_url, refused)
    page.goto(f"{base_url}/redoc")
    expect(page.locator(".api-info h1")).to_contain_text("Corridor alliance", timeout=RENDER_MS)
    expect(page.locator("[data-section-id='tag/parks']")).to_be_attached()
    expect(page.get_by_text("沿沪宁技术经理人联盟").first).to_be_visible()
    assert refused == [], f"ReDoc asked the network for {refused}"
    page.context.close()

