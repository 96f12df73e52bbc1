"""`alliance import / export / template / verify` on a real embedded store file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alliance.cli.main import app

runner = CliRunner()

PARKS = ("园区名称,所在城市,租金(元/㎡/月),可用面积,载体类型,纬度,经度\n"
         "苏州园区,苏州,30,100,办公,31.3,120.7\n"
         "命令行测试园,无锡,25,1.2万,仓储,31.5,120.3\n")


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store file for the module (the seed loads once); the tests touch other rows."""
    return tmp_path_factory.mktemp("cli-import") / "alliance.sqlite3"


def test_import_asks_once_then_applies_and_export_round_trips(tmp_path: Path) -> None:
    sheet = tmp_path / "园区.csv"
    sheet.write_bytes(PARKS.encode("gbk"))
    first = runner.invoke(app, ["import", str(sheet), "--json"])
    assert first.exit_code == 1, first.output
    rows = {row["name"]: row for row in json.loads(first.output)["rows"]}
    assert rows["苏州园区"]["status"] == "review"
    applied = runner.invoke(app, ["import", str(sheet), "--apply",
                                  "--confirm", "苏州园区=park:suzhou-sip"])
    assert applied.exit_code == 0, applied.output
    assert "1 new, 1 changed" in applied.output
    again = runner.invoke(app, ["import", str(sheet), "--json"])
    assert json.loads(again.output)["counts"]["unchanged"] == 2
    exported = tmp_path / "parks.xlsx"
    assert runner.invoke(app, ["export", "-o", str(exported), "-l", "园区"]).exit_code == 0
    back = runner.invoke(app, ["import", str(exported), "--json"])
    counts = json.loads(back.output)["counts"]
    assert counts["changed"] == counts["new"] == counts["error"] == 0
    template = tmp_path / "t.xlsx"
    assert runner.invoke(app, ["template", "company", "-o", str(template)]).exit_code == 0
    assert template.stat().st_size > 0


def test_verify_queue_and_confirm() -> None:
    queue = runner.invoke(app, ["verify", "queue", "--label", "Park", "--json", "--limit", "3"])
    assert queue.exit_code == 0, queue.output
    items = json.loads(queue.output)
    assert items
    assert all(item["stale"] for item in items)
    first = items[0]["id"]
    confirmed = runner.invoke(app, ["verify", "confirm", first])
    assert confirmed.exit_code == 0, confirmed.output
    after = json.loads(runner.invoke(app, ["verify", "queue", "--label", "Park", "--json",
                                           "--limit", "500"]).output)
    assert first not in {item["id"] for item in after}
