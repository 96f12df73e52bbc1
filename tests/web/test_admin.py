"""The console's admin page in a real browser (same harness as test_console.py): upload a
GBK spreadsheet, see errors highlighted at their column, answer a did-you-mean, apply,
and download a template."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.test_console import (  # noqa: F401 (fixtures)
    OpenPage,
    browser,
    goto,
    open_page,
    screenshot,
    server,
    sign_in,
    staff_key,
)

pytestmark = pytest.mark.browser

HEADER = "园区名称,所在城市,租金(元/㎡/月),可用面积,载体类型,纬度,经度\n"
NEAR = "苏州园区,苏州,\"1,200\",8000㎡,标准厂房;办公,31.3,120.7\n"
NEW = "浏览器测试园,无锡,25,1.2万,仓储,31.5,120.3\n"
BAD = "坏园,亚特兰蒂斯,-3,100,办公,31,120\n"


def choose(page: object, text: str) -> None:
    page.locator("#admin-file").set_input_files(  # type: ignore[attr-defined]
        {"name": "园区.csv", "mimeType": "text/csv", "buffer": text.encode("gbk")})
    page.locator("#admin-preview").click()  # type: ignore[attr-defined]


def test_admin_page_previews_resolves_and_applies(open_page: OpenPage,  # noqa: F811
                                                  staff_key: str) -> None:  # noqa: F811
    page = open_page("#/admin")
    sign_in(page, staff_key)
    goto(page, "#/admin")
    choose(page, HEADER + NEAR + NEW + BAD)
    error_row = page.locator("tr.row-error")
    expect(error_row).to_have_count(1)
    expect(error_row.locator(".cell-error .column").first).to_have_text("所在城市")
    expect(error_row).to_contain_text("亚特兰蒂斯")
    review = page.locator("tr.row-review")
    expect(review.locator(".did-you-mean")).to_contain_text("park:suzhou-sip")
    expect(page.locator("#admin-apply")).to_be_disabled()
    screenshot(page, "admin-preview-errors")

    choose(page, HEADER + NEAR + NEW)
    review.locator(".suggestion", has_text="(park:suzhou-sip,").get_by_role(
        "button", name="是", exact=True).click()
    changed = page.locator("tr.row-changed")
    expect(changed).to_contain_text("park:suzhou-sip")
    expect(changed).to_contain_text("rent_cny_m2_month")
    expect(page.locator("tr.row-new")).to_have_count(1)
    expect(page.locator("#admin-apply")).to_be_enabled()
    page.locator("#admin-apply").click()
    expect(page.locator("#toast")).to_contain_text("已导入 2 条记录")
    expect(page.locator(".counts [data-status=unchanged]")).to_contain_text("2")
    screenshot(page, "admin-applied")

    with page.expect_download() as download:
        page.locator("#admin-template").click()
    assert download.value.suggested_filename == "City-template.xlsx"
