"""The web console in a real browser: Debian's chromium, driven by Playwright, against a
real `alliance serve` on a free loopback port with a temporary database (the seed loads
at start).

Each test saves screenshots at laptop (1280×800) and phone (390×844) widths under
test-artifacts/screenshots/, for people to look at; the assertions are about what the
page shows: ranked cards with drawn paths, the map and the comparison, trust paths,
entity pages, labels in one language only, field errors beside their fields, and
contact data for staff only.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from playwright.sync_api import (
    Browser,
    Locator,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

from alliance.access.database import AccessDB
from alliance.access.keys import KeyRing
from tests.api.test_serve import free_port

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)  # a shared 2-core machine: a search may take seconds

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
CLI = [sys.executable, "-c", "from alliance.cli import app; app()"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LAPTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
CJK = re.compile(r"[\u3400-\u9fff]")
CONTACT_TEXT = re.compile(r"@example\.(com|org)|\+86-555|demo_\w+")

LANDING = ("#/landing?industry=industry:medical-devices&area_m2=2000"
           "&facility_types=gmp_cleanroom&max_rail_minutes=60"
           "&benefit_kinds=rent_subsidy,equipment_subsidy&profile.stage=angel"
           "&profile.founded_year=2021&profile.headcount=25")
COLLABORATORS = "#/collaborators?asker=person:chen-jing&skills=skill:ip-litigation&top_k=5"
TEAM = ("#/collaborators?mode=team&asker=person:chen-jing&vertical=industry:medical-devices"
        "&cities=city:suzhou")
OPTED_IN_PERSON = "person:cai-hai"
"""A person with public_contact: the API shows their contact data to anyone; the console
in public mode still shows none."""

LABELS = ("header nav a, .tabs a, label, legend, button:not(#lang-toggle), h1, h2, h3, h4, "
          "th, summary, figcaption, caption, dt, .score-label, .chip, .muted:not(.data), .intro, "
          ".graph-legend .legend-item, .map-figure .legend, .map .minutes, .stage-name")
"""Elements whose text is a label (or made of labels and names in the page language);
`.data` marks text that is data in one language only (deal names, English notes)."""


# --------------------------------------------------------------------------- server



@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`alliance serve` with an empty temporary database: the seed loads at start."""
    folder = tmp_path_factory.mktemp("console")
    db_path = folder / "alliance.sqlite3"
    port = free_port()
    env = {**os.environ, "ALLIANCE_DB_PATH": str(db_path),
           "ALLIANCE_ACCESS_DB_PATH": str(folder / "access.sqlite3"),
           "ALLIANCE_QUOTA_PER_MINUTE": "100000",
           "ALLIANCE_ANONYMOUS_QUOTA_PER_MINUTE": "100000"}
    log = (folder / "serve.log").open("wb")
    process = subprocess.Popen([*CLI, "serve", "--host", "127.0.0.1", "--port", str(port),
                                "--log-level", "warning"],
                               env=env, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"alliance serve exited with {process.returncode}: "
                            f"{(folder / 'serve.log').read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{base}/readyz", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("alliance serve did not get ready")
            time.sleep(0.1)
        yield base, db_path
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def staff_key(server: tuple[str, Path]) -> str:
    """A staff:write key in the running server's access database."""
    _, db_path = server
    ring = KeyRing(AccessDB(db_path.with_name("access.sqlite3")))
    try:
        _, key = ring.create(name="console test", scopes=["staff:write"])
    finally:
        ring.db.close()
    return key


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = "Debian's chromium is missing: `apt-get install chromium` (tools/test.sh does)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    playwright: Playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()
    finally:
        playwright.stop()


OpenPage = Callable[..., Page]


@pytest.fixture
def open_page(browser: Browser, server: tuple[str, Path]) -> Iterator[OpenPage]:
    """Pages in fresh contexts (own storage); at the end, no page may have thrown."""
    base, _ = server
    contexts = []
    errors: list[str] = []

    def make(route: str = "", viewport: ViewportSize | None = None) -> Page:
        context = browser.new_context(viewport=viewport or LAPTOP, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base}/{route}")
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def goto(page: Page, route: str) -> None:
    page.evaluate("route => { location.hash = route; }", route)


def sign_in(page: Page, key: str) -> None:
    page.get_by_role("button", name="员工登录").click()
    page.locator("#staff-key").fill(key)
    page.locator("#staff-key").press("Enter")
    expect(page.get_by_role("button", name="退出员工模式")).to_be_visible()


GRAPH_JS = """el => { const cy = el.cy; const boxes = [];
  const box = (ele, opts) => ele.renderedBoundingBox({includeOverlays: false, ...opts});
  cy.nodes(':visible').forEach(n => {
    boxes.push({id: n.id(), kind: 'node', ...box(n, {includeLabels: false})});
    boxes.push({id: n.id(), kind: 'label', ...box(n, {includeNodes: false, includeEdges: false,
                                                       includeLabels: true})}); });
  cy.edges(':visible').forEach(e => {
    const b = box(e, {includeNodes: false, includeEdges: false, includeLabels: true});
    if (b.w > 0) boxes.push({id: e.id(), kind: 'edge label', ...b}); });
  return {nodes: cy.nodes(':visible').map(n => n.data('name')),
          kinds: cy.nodes(':visible').map(n => n.data('kind')),
          edges: cy.edges(':visible').map(e => e.data('text')), boxes,
          zoom: cy.zoom()}; }"""
"""What a cytoscape graph shows: node names and kinds, edge labels, and the on-screen
boxes of every node, node label and edge label (the drawing is a canvas: the boxes
come from cytoscape itself)."""


def drawn(graph: Locator) -> dict[str, Any]:
    """Scroll the graph into view, wait for its layout, and read what it shows."""
    graph.scroll_into_view_if_needed()
    expect(graph).to_have_attribute("data-ready", "true")
    result: dict[str, Any] = graph.evaluate(GRAPH_JS)
    return result


def assert_no_overlap(boxes: list[dict[str, Any]], where: str) -> None:
    """No two boxes of different elements share more than a pixel each way."""
    clashes = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["id"] == b["id"]:
                continue
            wide = min(a["x2"], b["x2"]) - max(a["x1"], b["x1"])
            high = min(a["y2"], b["y2"]) - max(a["y1"], b["y1"])
            if wide > 1 and high > 1:
                clashes.append(f"{a['kind']} {a['id']} × {b['kind']} {b['id']}")
    assert not clashes, f"{where}: overlapping text: {clashes[:5]}"


MAP_TEXT_JS = """svg => [...svg.querySelectorAll('text')].map(t => {
  const r = t.getBoundingClientRect();
  return {id: t.textContent, kind: t.getAttribute('class'), x1: r.left, y1: r.top,
          x2: r.right, y2: r.bottom}; })"""


# --------------------------------------------------------------------------- tests


def test_landing_search_shows_ranked_cards_with_drawn_paths(open_page: OpenPage) -> None:
    page = open_page("#/landing")
    form = page.locator("form.need-form")
    form.get_by_label("产业").select_option("industry:medical-devices")
    form.get_by_label("所需面积（m²）").fill("2000")
    form.get_by_label("GMP 洁净厂房").check()
    form.get_by_label("最长高铁时间（分钟）").fill("60")
    form.get_by_label("最长高铁时间（分钟）").press("Enter")  # submits, as a form should

    cards = page.locator(".park-card")
    expect(cards.first).to_be_visible()
    assert "industry=industry%3Amedical-devices" in page.url
    assert "area_m2=2000" in page.url
    assert "facility_types=gmp_cleanroom" in page.url
    ranks = cards.locator(".rank").all_inner_texts()
    assert ranks == [f"#{n}" for n in range(1, len(ranks) + 1)]
    assert len(ranks) >= 3
    scores = [float(text) for text in cards.locator(".score-num").all_inner_texts()]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= score <= 1 for score in scores), "scores on the API's 0-1 scale"

    first = cards.first
    expect(first.locator(".score-row")).to_have_count(6)  # the API's score parts
    graph = drawn(first.locator(".cy"))
    kinds = graph["kinds"]
    assert len(graph["nodes"]) >= 4
    assert len(graph["edges"]) >= 3
    assert {"City", "Park", "Industry"} <= set(kinds)
    edge_labels = {label.split("\n")[0] for label in graph["edges"]}
    assert {"承载", "位于", "高铁"} <= edge_labels
    park_name = first.locator("h3").inner_text()
    assert park_name in graph["nodes"]
    assert len(set(graph["nodes"])) == len(graph["nodes"]), "node labels are distinct"
    assert_no_overlap(graph["boxes"], "landing card graph")
    expect(first.locator(".policies h4").first).to_contain_text("可申请的政策")
    screenshot(page, "landing-laptop")

    shared = page.url  # the whole search is in the address: it opens on a phone too
    phone = open_page(viewport=PHONE)
    phone.goto(shared)
    expect(phone.locator(".park-card").first).to_be_visible()
    assert phone.locator(".park-card h3").first.inner_text() == park_name
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page must not scroll sideways on a phone"
    screenshot(phone, "landing-phone")
    phone.locator(".park-card .why").first.scroll_into_view_if_needed()
    screenshot(phone, "landing-card-phone")


def test_corridor_map_has_outlines_isochrone_and_no_overlapping_text(
        open_page: OpenPage, server: tuple[str, Path]) -> None:
    base, _ = server
    stats = httpx.get(f"{base}/v1/stats").json()
    cities = stats["labels"]["City"]
    page = open_page(LANDING)
    corridor = page.locator(".corridor")
    corridor.scroll_into_view_if_needed()
    svg = corridor.locator("svg.map")
    expect(svg).to_be_visible()
    expect(svg.locator("path.outline")).to_have_count(cities)  # every city has its outline
    expect(svg.locator(".city")).to_have_count(cities)
    expect(svg.locator("line.hsr")).to_have_count(stats["relationships"]["HSR_LINK"])
    assert svg.locator(".park-mark.ranked").count() >= 3
    assert svg.locator(".park-mark.other").count() >= 1, "every park is placed"
    assert all("分钟" in text for text in svg.locator(".minutes").all_text_contents())
    fills = set(svg.locator("path.outline").evaluate_all(
        "ps => ps.map(p => p.getAttribute('fill'))"))
    assert len(fills) >= 3, "cities are shaded by rail minutes from the origin"
    origin = svg.locator("path.outline.origin")
    expect(origin).to_have_attribute("data-minutes", "0")
    expect(corridor.locator(".legend").first).to_contain_text("≤ 20 分钟")
    assert svg.locator(".park-name").count() >= 3, "ranked parks are labelled"
    assert_no_overlap(svg.evaluate(MAP_TEXT_JS), "map at laptop width")

    # zoom: the map is drawn again, labels keep their size and still do not collide
    corridor.get_by_role("button", name="放大地图").click()
    expect(corridor.locator(".map-box")).to_have_attribute("data-zoom", "1.5")
    zoomed = corridor.locator("svg.map")
    assert zoomed.locator(".park-name").count() >= 3
    assert_no_overlap(zoomed.evaluate(MAP_TEXT_JS), "zoomed map")
    zoomed.locator(".park-mark.ranked").first.hover()
    expect(corridor.locator(".map-tip")).to_contain_text("得分")
    screenshot(page, "corridor-laptop")

    table = corridor.locator("table.compare")
    expect(table.locator("tbody tr")).to_have_count(cities)
    first_row = table.locator("tbody tr").first
    expect(first_row.locator("th")).to_have_text("上海")
    expect(first_row.locator("td").first).to_have_text("0 分钟")
    assert table.locator("tbody tr:not(.no-park)").count() >= 3
    # sortable: by rail time, descending on the second press
    rail = table.get_by_role("button", name="高铁时间")
    rail.click()
    rail.click()
    expect(table.locator("thead th").nth(1)).to_have_attribute("aria-sort", "descending")
    expect(table.locator("tbody tr").last.locator("th")).to_have_text("上海")

    phone = open_page(LANDING, viewport=PHONE)
    phone_map = phone.locator(".corridor svg.map")
    phone_map.scroll_into_view_if_needed()
    expect(phone_map.locator(".city")).to_have_count(cities)
    assert_no_overlap(phone_map.evaluate(MAP_TEXT_JS), "map at phone width")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    screenshot(phone, "corridor-phone")


def test_collaborator_search_shows_trust_path_and_team(open_page: OpenPage) -> None:
    page = open_page("#/collaborators")
    form = page.locator("form.need-form")
    asker = form.get_by_role("combobox", name="我是（提问人）")
    asker.fill("陈静")
    option = form.locator(".suggestion", has_text="陈静").first
    expect(option).to_be_visible()
    option.click()
    form.get_by_label("知识产权诉讼").check()
    form.get_by_role("button", name="查找").click()

    cards = page.locator(".person-card")
    expect(cards.first).to_be_visible()
    assert "asker=person%3Achen-jing" in page.url
    warm = cards.filter(has=page.locator(".cy")).first
    graph = drawn(warm.locator(".cy"))
    assert "陈静" in graph["nodes"]
    assert len(graph["nodes"]) >= 2
    assert {label.split("\n")[0] for label in graph["edges"]} <= {"合作过", "任职于"}
    expect(warm.locator(".trust-steps > li")).to_have_count(len(graph["edges"]))
    assert_no_overlap(graph["boxes"], "trust path")
    screenshot(page, "collaborators-laptop")

    team = open_page(TEAM, viewport=PHONE)
    seats = team.locator(".person-card")
    expect(seats.first).to_be_visible()
    assert 1 <= seats.count() <= 3
    assert_no_overlap(drawn(team.locator(".team-graph .cy"))["boxes"], "team graph")
    screenshot(team, "team-phone")


def test_entity_pages_open_from_results_and_search(open_page: OpenPage) -> None:
    page = open_page(LANDING)
    first = page.locator(".park-card").first
    park = first.locator("h3 a")
    name = park.inner_text()
    park.click()
    expect(page.locator("h1")).to_have_text(name)
    assert "#/entity/park" in page.url
    neighbours = page.locator(".neighbours li a.entity-link")
    assert neighbours.count() >= 3
    assert_no_overlap(drawn(page.locator(".entity-grid .cy"))["boxes"], "entity graph")
    screenshot(page, "entity-park-laptop")

    city = page.locator(".neighbour-group", has=page.locator(".chip-city")).locator("a").first
    city_name = city.inner_text()
    city.click()
    expect(page.locator("h1")).to_have_text(city_name)
    expect(page.get_by_role("link", name="以此城市为出发地查找园区")).to_be_visible()

    box = page.locator("#quick-search-input")
    for text, expected in (("苏州", "苏州"), ("suzhou", "苏州"), ("Biobay", "BioBAY")):
        box.fill(text)
        expect(page.locator("#quick-search-list .suggestion").first).to_contain_text(expected)
    box.fill("苏州")
    expect(page.locator("#quick-search-list .suggestion").first).to_contain_text("苏州")
    box.press("ArrowDown")
    box.press("Enter")
    expect(page.locator("h1")).to_have_text("苏州")

    phone = open_page("#/entity/policy:biobay-incubator-rent", viewport=PHONE)
    expect(phone.locator("h1")).to_have_text("BioBAY孵化器租金减免")
    expect(phone.locator("text=申请条件")).to_be_visible()
    screenshot(phone, "entity-policy-phone")


def labels_in(page: Page) -> list[str]:
    texts: list[str] = page.locator(LABELS).evaluate_all(
        "nodes => nodes.filter(n => n.getClientRects().length || n.closest('svg'))"
        ".map(n => n.textContent.trim()).filter(Boolean)")
    placeholders: list[str] = page.locator("[placeholder]").evaluate_all(
        "nodes => nodes.map(n => n.placeholder).filter(Boolean)")
    return texts + placeholders


def near_miss_reasons(page: Page) -> list[str]:
    """The "missing" lines of the near-miss policies on the landing cards (folded away in
    a <details>, so read as text content)."""
    reasons: list[str] = page.locator(".park-card .near-miss .missing").all_text_contents()
    assert reasons, "no near-miss reasons on the landing cards"
    return reasons


def test_language_toggle_switches_every_label(open_page: OpenPage) -> None:
    for route, name in ((LANDING, "landing"), ("#/funnel", "funnel"),
                        (COLLABORATORS, "collaborators")):
        page = open_page(route)
        expect(page.locator(".park-card, .board, .person-card").first).to_be_visible()
        chinese = labels_in(page)
        without = [text for text in chinese if not CJK.search(text)
                   and not re.fullmatch(r"[\d\s.,:%×#*–→↓()+-]+", text)]
        assert not without, f"{name}: labels without Chinese in Chinese mode: {without[:10]}"
        if name == "landing":
            reasons = near_miss_reasons(page)
            assert any("高新技术企业" in text for text in reasons), reasons[:5]
            latin = [text for text in reasons if re.search(r"[A-Za-z]{3,}", text)]
            assert not latin, f"English near-miss reasons in Chinese mode: {latin[:5]}"

        page.get_by_role("button", name="切换到英文").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator(".park-card, .board, .person-card").first).to_be_visible()
        english = labels_in(page)
        leftover = [text for text in english if CJK.search(text)]
        assert not leftover, f"{name}: Chinese labels left in English mode: {leftover[:10]}"
        assert len(english) >= len(chinese) * 0.9
        if name == "landing":
            reasons = near_miss_reasons(page)
            assert any("high-tech" in text for text in reasons), reasons[:5]
            assert not [text for text in reasons if CJK.search(text)], reasons[:5]
        screenshot(page, f"english-{name}-laptop")

        page.get_by_role("button", name="Switch to Chinese").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        expect(page.locator("h1")).to_contain_text(CJK)


def test_invalid_input_shows_an_error_beside_the_field(open_page: OpenPage) -> None:
    page = open_page("#/landing")
    form = page.locator("form.need-form")
    form.get_by_label("产业").select_option("industry:medical-devices")
    area = form.get_by_label("所需面积（m²）")
    area.fill("-5")
    area.press("Enter")
    error = form.locator('.field[data-field="area_m2"] .field-error')
    expect(error).to_be_visible()
    expect(error).to_contain_text("应大于或等于 0")
    expect(area).to_have_attribute("aria-invalid", "true")
    expect(area).to_be_focused()
    expect(page.locator("h1")).to_be_visible()  # never a blank page
    screenshot(page, "field-error-laptop")

    # A rule only the service knows (founded after the as-of date), also beside its field.
    page.locator("#quick-search-input").focus()  # leave the field before navigating
    goto(page, "#/landing?industry=industry:medical-devices&as_of=2020-01-01"
               "&profile.founded_year=2024")
    founded = page.locator('.field[data-field="profile.founded_year"]')
    expect(founded.locator(".field-error")).to_contain_text("2024")
    expect(founded.locator("input")).to_have_attribute("aria-invalid", "true")

    phone = open_page("#/collaborators?asker=nobody-at-all&skills=skill:ip-litigation",
                      viewport=PHONE)
    asker = phone.locator('.field[data-field="asker"]')
    expect(asker.locator(".field-error")).to_contain_text("nobody-at-all")
    screenshot(phone, "field-error-phone")

    missing = open_page("#/entity/park:does-not-exist")
    expect(missing.locator(".error-panel")).to_contain_text("未找到")


def pages_with_people(page: Page) -> Iterator[str]:
    for route in (LANDING, COLLABORATORS, TEAM, f"#/entity/{OPTED_IN_PERSON}",
                  "#/entity/person:chen-jing", "#/funnel"):
        goto(page, route)
        expect(page.locator(".park-card, .person-card, .entity-head, .board").first) \
            .to_be_visible()
        page.wait_for_load_state("networkidle")
        yield route



def test_public_mode_shows_no_contact_data(open_page: OpenPage,
                                           server: tuple[str, Path]) -> None:
    base, _ = server
    assert "@example" in httpx.get(f"{base}/v1/people/{OPTED_IN_PERSON}").text, \
        "the opted-in person's contact data is public in the API"
    page = open_page()
    for route in pages_with_people(page):
        html = page.content()
        assert not CONTACT_TEXT.search(html), f"contact data on {route}"
        assert page.locator(".contact, .contacts, .contact-section").count() == 0, route
        words = set(page.locator("main").inner_text().split())
        assert not words & {"null", "undefined", "NaN", "[object"}, route
    assert page.locator(".referral-actions").count() == 0
    screenshot(page, "public-funnel-laptop")


def test_staff_mode_shows_contact_data_and_write_actions(open_page: OpenPage,
                                                         staff_key: str) -> None:
    page = open_page("#/landing")
    page.get_by_role("button", name="员工登录").click()
    page.locator("#staff-key").fill("ak.wrong.key")
    page.locator("#staff-key").press("Enter")
    expect(page.locator("#staff-key-error")).to_contain_text("密钥无效")
    page.locator("#staff-key").fill(staff_key)
    page.locator("#staff-key").press("Enter")
    expect(page.locator("#staff-status")).to_be_visible()

    goto(page, LANDING)
    contacts = page.locator(".park-card").first.locator(".contacts")
    expect(contacts).to_contain_text("@example.com")
    screenshot(page, "staff-landing-laptop")
    goto(page, "#/entity/person:chen-jing")
    expect(page.locator(".contact-section")).to_contain_text("@example.com")

    goto(page, "#/funnel")
    proposed = page.locator('.column[data-stage="proposed"]')
    meeting = page.locator('.column[data-stage="first_meeting"]')
    expect(proposed.locator(".referral").first).to_be_visible()
    before = int(meeting.locator(".count").inner_text())
    card = proposed.locator(".referral").first
    referral = card.get_attribute("data-referral")
    card.get_by_role("button", name=re.compile("推进到")).click()
    expect(page.locator("#toast")).to_contain_text("已推进")
    expect(meeting.locator(".count")).to_have_text(str(before + 1))
    expect(meeting.locator(f'.referral[data-referral="{referral}"]')).to_have_count(1)
    screenshot(page, "staff-funnel-laptop")

    phone = open_page("#/landing", viewport=PHONE)
    sign_in(phone, staff_key)
    goto(phone, f"#/entity/{OPTED_IN_PERSON}")
    expect(phone.locator(".contact-section")).to_contain_text("@example.com")
    screenshot(phone, "staff-person-phone")

    page.get_by_role("button", name="退出员工模式").click()
    expect(page.locator("#staff-status")).to_be_hidden()
    assert not CONTACT_TEXT.search(page.content())


@pytest.fixture(scope="module")
def reader_key(server: tuple[str, Path]) -> str:
    """A staff:read key: contact data, but no write."""
    _, db_path = server
    ring = KeyRing(AccessDB(db_path.with_name("access.sqlite3")))
    try:
        _, key = ring.create(name="console reader", scopes=["staff:read"])
    finally:
        ring.db.close()
    return key


def visible_count(graph: Locator) -> int:
    count: int = graph.evaluate("el => el.cy.nodes(':visible').length")
    return count


def test_graph_expands_hides_and_pins_from_the_keyboard(open_page: OpenPage) -> None:
    page = open_page("#/entity/park:suzhou-sip-biobay")
    graph = page.locator(".entity-grid .cy")
    before = drawn(graph)
    figure = page.locator(".entity-grid .graph-view")
    figure.locator(".graph-list summary").click()
    city = figure.locator('.graph-nodes li[data-node="city:suzhou"]')
    expand = city.get_by_role("button", name="展开关联")
    expand.focus()
    expand.press("Enter")
    page.wait_for_function("([el, n]) => el.cy.nodes().length > n",
                           arg=[graph.element_handle(), len(before["nodes"])])
    expect(figure.locator(".graph-info")).to_contain_text("新增")
    after = drawn(graph)
    assert len(after["nodes"]) > len(before["nodes"])
    assert_no_overlap(after["boxes"], "graph after expanding")
    screenshot(page, "graph-expanded-laptop")

    shown = visible_count(graph)
    row = figure.locator(".graph-nodes li", has_text="苏州").first
    hide = row.get_by_role("button", name="隐藏")
    hide.focus()
    hide.press("Enter")
    assert visible_count(graph) == shown - 1
    expect(figure.get_by_role("button", name="显示隐藏的节点（1）")).to_be_visible()
    figure.get_by_role("button", name="显示隐藏的节点（1）").click()
    assert visible_count(graph) == shown

    suzhou = figure.locator('.graph-nodes li[data-node="city:suzhou"]')
    pin = suzhou.get_by_role("button", name="固定")
    pin.focus()
    pin.press("Enter")
    assert graph.evaluate("el => el.cy.getElementById('city:suzhou').locked()")
    zoom = drawn(graph)["zoom"]
    figure.get_by_role("button", name="放大关系图").click()
    assert drawn(graph)["zoom"] > zoom

    figure.locator('.graph-nodes li[data-node="city:suzhou"]').get_by_role(
        "link", name="两者之间的路径").click()
    expect(page.locator("h1")).to_have_text("两者之间的关系路径")
    expect(page.locator(".path-list li").first).to_be_visible()


def test_path_between_any_two_entities(open_page: OpenPage) -> None:
    page = open_page("#/path", viewport=PHONE)
    form = page.locator("form.path-form")
    for name, text in (("起点", "上海"), ("终点", "陈静")):
        box = form.get_by_role("combobox", name=name)
        box.fill(text)
        form.locator(".suggestion", has_text=text).first.click()
    form.get_by_role("button", name="查找路径").press("Enter")
    expect(page.locator(".path-list li").first).to_be_visible()
    assert "from=city%3Ashanghai" in page.url
    assert "to=person%3Achen-jing" in page.url
    graph = drawn(page.locator(".results .cy"))
    assert {"上海", "陈静"} <= set(graph["nodes"])
    assert_no_overlap(graph["boxes"], "path graph on a phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "path-phone")


def landing_body(**extra: Any) -> dict[str, Any]:
    return {"industry": "industry:medical-devices", "area_m2": 2000,
            "facility_types": ["gmp_cleanroom"], "max_rail_minutes": 60,
            "benefit_kinds": ["rent_subsidy", "equipment_subsidy"],
            "profile": {"stage": "angel", "founded_year": 2021, "headcount": 25}, **extra}


def test_weights_rerank_in_place_and_parks_compare_export_and_print(
        open_page: OpenPage, server: tuple[str, Path], tmp_path: Path) -> None:
    base, _ = server
    page = open_page(LANDING)
    cards = page.locator(".park-card")
    expect(cards.first).to_be_visible()
    page.evaluate("window.__sameDocument = true")
    weights = page.locator("details.weights")
    weights.locator("summary").click()
    weights.get_by_label("产业匹配").fill("0")
    weights.get_by_label("通勤").fill("1")
    expect(cards.first.locator(".score-row", has_text="通勤")).to_contain_text("权重 1")
    assert "w.travel=1" in page.url
    assert page.evaluate("window.__sameDocument") is True, "re-ranked without a reload"
    expected = httpx.post(f"{base}/v1/landing/search", json=landing_body(
        weights={"industry_fit": 0, "travel": 1})).json()
    shown = cards.evaluate_all("cs => cs.map(c => c.dataset.park)")
    assert shown == [p["summary"]["park"]["id"] for p in expected["parks"]]
    scores = [float(s) for s in cards.locator(".score-num").all_inner_texts()]
    assert scores == [round(p["score"], 3) for p in expected["parks"]]

    cards.nth(0).get_by_role("button", name="加入对比").click()
    cards.nth(1).get_by_role("button", name="加入对比").press("Enter")
    table = page.locator("table.side-by-side")
    expect(table.locator("thead th")).to_have_count(3)
    for part in ("产业匹配", "净成本", "通勤", "空间", "人脉", "落地记录"):
        expect(table.get_by_role("rowheader", name=part, exact=True)).to_have_count(1)
    assert table.locator("tr.policy").count() >= 1
    assert "pin=" in page.url
    screenshot(page, "compare-laptop")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="导出 Excel").click()
    saved = tmp_path / "landing.xlsx"
    download_info.value.save_as(saved)
    book = openpyxl.load_workbook(saved)
    assert book.sheetnames == ["推荐园区", "政策", "城市对比"]
    rows = list(book["推荐园区"].iter_rows(values_only=True))
    assert "净成本" in rows[0]
    assert len(rows) == len(expected["parks"]) + 1
    assert rows[1][1] == expected["parks"][0]["summary"]["park"]["name_zh"]
    assert rows[1][3] == pytest.approx(expected["parks"][0]["score"])

    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator(".report-head")).to_be_visible()
    assert cards.first.evaluate("c => getComputedStyle(c).breakAfter") == "page"
    pdf = page.pdf(format="A4")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "landing-report.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= len(expected["parks"]), "one page (at least) per park"


def test_numbers_are_the_apis_own_and_formatted(open_page: OpenPage,
                                                server: tuple[str, Path]) -> None:
    base, _ = server
    expected = httpx.post(f"{base}/v1/landing/search", json=landing_body()).json()
    page = open_page(LANDING)
    first = page.locator(".park-card").first
    park = expected["parks"][0]
    contacts = first.locator(".score-row", has_text="人脉")
    expect(contacts).to_contain_text(f"{park['brokers_total']} 位产业经纪人")
    expect(contacts).to_contain_text(f"{park['professionals_total']} 位附近专业人士")
    expect(page.locator(".candidates")).to_contain_text(f"{expected['candidates']} 个园区")
    expect(first.locator(".score-num")).to_have_text(f"{park['score']:.3f}")

    company = httpx.get(f"{base}/v1/companies", params={"limit": 1}).json()["items"][0]
    goto(page, f"#/entity/{company['id']}")
    founded = page.locator(".props div", has=page.locator("dt", has_text="成立年份")).locator("dd")
    expect(founded).to_have_text(str(company["founded_year"]))

    page.get_by_role("button", name="切换到英文").click()
    for route in (LANDING, "#/funnel", COLLABORATORS):
        goto(page, route)
        expect(page.locator(".park-card, .board, .person-card").first).to_be_visible()
        text = page.locator("main").inner_text()
        wrong = re.findall(r"\b1 (?:parks|policies|brokers|professionals|companies|referrals|"
                           r"hops|results|candidates|collaborations|stops|days)\b", text)
        assert not wrong, f"{route}: {wrong}"
        assert not re.search(r"\b(?:19|20)\d\d,\d\d\d\b|\b\d,\d\d\d-\d\d", text), route


def test_cut_policy_lists_show_full_counts_and_say_so(open_page: OpenPage,
                                                      server: tuple[str, Path]) -> None:
    """A list cut to `policies_per_list` shows the API's full count in its heading and
    says the rest were left out; a list in full says nothing more."""
    base, _ = server
    expected = httpx.post(f"{base}/v1/landing/search",
                          json=landing_body(policies_per_list=1)).json()
    page = open_page(LANDING + "&policies_per_list=1")
    cards = page.locator(".park-card")
    expect(cards.first).to_be_visible()
    cut = 0
    for index, park in enumerate(expected["parks"]):
        card = cards.nth(index)
        expect(card.locator(".policies h4").first).to_have_text(
            f"可申请的政策（{park['eligible_count']}）")
        expect(card.locator(".policies > ul > li")).to_have_count(len(park["eligible_policies"]))
        notes = sum(park[f"{name}_count"] > len(park[field]) for name, field in (
            ("eligible", "eligible_policies"), ("near_miss", "near_miss_policies"),
            ("founding_team", "founding_team_policies"), ("broker_side", "broker_side")))
        expect(card.locator(".listed-note")).to_have_count(notes)
        cut += notes
    assert cut, "the seed set has parks with more than one match in some list"
    full = open_page(LANDING)
    expect(full.locator(".park-card").first).to_be_visible()
    expect(full.locator(".listed-note")).to_have_count(0)


def test_every_message_in_both_languages(open_page: OpenPage, browser: Browser,
                                         server: tuple[str, Path]) -> None:
    page = open_page("#/no-such-page")
    expect(page.locator("h1")).to_have_text("页面不存在")
    page.get_by_role("button", name="切换到英文").click()
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Back to the landing finder")).to_be_visible()

    base, _ = server
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    try:
        offline = context.new_page()
        offline.route("**/v1/landing/**", lambda route: route.abort())
        offline.goto(f"{base}/{LANDING}")
        expect(offline.locator(".error-panel")).to_contain_text("无法连接服务器")
        assert "Failed to fetch" not in offline.locator("main").inner_text()
        screenshot(offline, "network-error-laptop")
    finally:
        context.close()

    chinese = open_page("#/funnel")
    expect(chinese.locator(".board .referral").first).to_be_visible()
    intro = chinese.locator(".intro").inner_text()
    assert "50" not in intro, "no fixed sentence about ratios"
    assert "3–4" not in intro
    sentence = chinese.locator(".funnel-sentence").inner_text()
    overall = httpx.get(f"{base}/v1/funnel").json()["overall"]
    share = 100 * overall["reached"]["first_meeting"] / overall["reached"]["proposed"]
    assert f"{share:.1f}%" in sentence
    english_reasons = chinese.locator('.column[data-stage="dropped"] .data[lang="en"]')
    expect(english_reasons.first.locator(".lang-mark")).to_have_text("英")


def test_board_drag_drop_notes_and_no_write_controls_without_the_scope(
        open_page: OpenPage, staff_key: str, reader_key: str,
        server: tuple[str, Path]) -> None:
    base, _ = server
    page = open_page("#/landing")
    sign_in(page, staff_key)
    goto(page, "#/funnel")
    board = page.locator(".board")
    proposed = board.locator('.column[data-stage="proposed"]')
    card = proposed.locator(".referral").first
    expect(card).to_be_visible()
    referral_id = card.get_attribute("data-referral")
    api = httpx.get(f"{base}/v1/referrals/{referral_id}").json()
    expect(card.locator(".ends")).to_contain_text(api["ends"]["company"]["name_zh"])
    expect(card.locator(".ends")).to_contain_text(api["ends"]["park"]["name_zh"])
    expect(card.locator(".ends")).to_contain_text(api["ends"]["broker"]["name_zh"])
    days = (date.today() - date.fromisoformat(api["stage_since"])).days
    expect(card.locator(".in-stage")).to_contain_text(f"在此阶段 {days} 天")
    assert board.locator(".referral.stale").count() >= 1

    # a move the API refuses is refused on the board too
    card.drag_to(board.locator('.column[data-stage="signed"]'))
    expect(page.locator("#toast")).to_contain_text("只能推进到下一阶段或放弃")
    expect(proposed.locator(f'.referral[data-referral="{referral_id}"]')).to_have_count(1)
    card.drag_to(board.locator('.column[data-stage="first_meeting"]'))
    expect(page.locator("#toast")).to_contain_text("已推进")
    one = f'.referral[data-referral="{referral_id}"]'
    moved = board.locator(f'.column[data-stage="first_meeting"] {one}')
    expect(moved).to_have_count(1)
    assert httpx.get(f"{base}/v1/referrals/{referral_id}").json()["stage"] == "first_meeting"

    # dropping asks for the reason first
    moved.drag_to(board.locator('.column[data-stage="dropped"]'))
    reason = moved.get_by_label("放弃原因")
    expect(reason).to_be_focused()
    reason.fill("预算不足")
    reason.press("Enter")
    expect(board.locator(f'.column[data-stage="dropped"] {one}')).to_have_count(1)

    # a note and a follow-up, from the keyboard, stored in the graph
    other = board.locator('.column[data-stage="second_meeting"] .referral').first
    other_id = other.get_attribute("data-referral")
    other.locator(".notes-box summary").click()
    other.get_by_label("新备注").fill("园区要求提供洁净室参数")
    other.get_by_label("跟进日期").fill("2030-02-01")
    save = other.get_by_role("button", name="保存")
    save.focus()
    save.press("Enter")
    expect(page.locator("#toast")).to_contain_text("已保存")
    stored = httpx.get(f"{base}/v1/referrals/{other_id}").json()
    assert stored["follow_up_on"] == "2030-02-01"
    assert stored["notes"][-1].endswith("园区要求提供洁净室参数")
    card_now = board.locator(f'.referral[data-referral="{other_id}"]')
    expect(card_now).to_contain_text("跟进：2030-02-01")
    screenshot(page, "board-laptop")

    reader = open_page("#/landing", viewport=PHONE)
    sign_in(reader, reader_key)
    goto(reader, "#/funnel")
    expect(reader.locator(".board .referral").first).to_be_visible()
    for control in (".referral-actions", ".referral[draggable=true]", ".note-form",
                    ".create-form", ".drop-form"):
        assert reader.locator(control).count() == 0, control
    screenshot(reader, "board-reader-phone")


def test_search_page_shows_the_apis_total_facets_and_more(open_page: OpenPage,
                                                          server: tuple[str, Path]) -> None:
    base, _ = server
    expected = httpx.get(f"{base}/v1/search", params={"q": "suzhou", "limit": 50}).json()
    page = open_page("#/search?q=suzhou")
    results = page.locator(".search-results")
    expect(results.locator(".muted").first).to_contain_text(f"{expected['total']} 个结果")
    persons = expected["facets"]["label"]["Person"]
    facet = results.get_by_role("link", name=f"人员 ({persons})")
    expect(results.locator(".result-list li")).to_have_count(len(expected["items"]))
    results.get_by_role("button", name="加载更多").click()
    expect(results.locator(".result-list li")).to_have_count(min(expected["total"], 100))
    facet.click()
    expect(page.locator(".search-results .muted").first).to_contain_text(f"{persons} 个结果")
    assert "label=Person" in page.url
