"""/docs and /redoc name only files the package ships, and those files are served."""

from __future__ import annotations

import re

from alliance.api.docs import DOCS_ASSETS
from tests.api.support import Api

ASSET = re.compile(r"""(?:src|href)=["']?([^"' >]+)""")


def test_docs_pages_load_only_shipped_assets(api: Api) -> None:
    for page in ("/docs", "/redoc"):
        response = api.get(page)
        assert response.status_code == 200, page
        urls = ASSET.findall(response.text)
        assert urls, page
        for url in urls:
            assert url.startswith("/"), f"{page} loads {url} from elsewhere"
            asset = api.get(url)
            assert asset.status_code == 200, url
            assert asset.content, url


def test_vendored_viewers_are_in_the_package_tree() -> None:
    versions = (DOCS_ASSETS / "VERSIONS").read_text()
    assert "swagger-ui-dist" in versions
    assert "redoc" in versions
    assert (DOCS_ASSETS / "swagger-ui" / "swagger-ui-bundle.js").stat().st_size > 500_000
    assert (DOCS_ASSETS / "redoc" / "redoc.standalone.js").stat().st_size > 500_000
