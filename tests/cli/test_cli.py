"""The CLI as a user meets it: readable output, --json, exit 2 for bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from alliance.cli import app
from alliance.settings import get_settings
from graph_schema.vocabulary import Label

runner = CliRunner()


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli") / "alliance.sqlite3"


def test_seed_check_passes_and_counts_meet_the_sizes() -> None:
    result = runner.invoke(app, ["seed", "check", "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    labels, rels = counts["labels"], counts["relationships"]
    minimum = {"City": 12, "Park": 35, "Industry": 30, "Policy": 60, "Skill": 60,
               "Organization": 40, "Person": 250, "Company": 300, "Referral": 150}
    for label, size in minimum.items():
        assert labels.get(label, 0) >= size, label
    assert rels["COLLABORATED_WITH"] >= 400
    assert rels["HSR_LINK"] >= 11


def test_seed_check_names_file_record_and_field(seed_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "seed"
    shutil.copytree(seed_dir, broken)
    parks_file = broken / "parks.yaml"
    parks = yaml.safe_load(parks_file.read_text(encoding="utf-8"))
    parks["records"][0]["city"] = "city:atlantis"  # broken reference
    parks["records"][1]["rent_cny_m2_month"] = "cheap"  # wrong type
    parks["records"][2]["id"] = parks["records"][3]["id"]  # duplicate id
    parks_file.write_text(yaml.safe_dump(parks, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["seed", "check", "--dir", str(broken), "--json"])
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert any("parks.yaml" in e and parks["records"][0]["id"] in e and "'city'" in e
               and "city:atlantis" in e for e in errors), errors
    assert any("parks.yaml" in e and "'rent_cny_m2_month'" in e and "cheap" in e
               for e in errors), errors
    assert any("parks.yaml" in e and "duplicate id" in e and "'id'" in e for e in errors)
    assert all("line " in e for e in errors)


def test_landing_table_and_json() -> None:
    table = runner.invoke(app, ["landing", "--industry", "medical-devices", "--area", "1000",
                                "--facility", "gmp_cleanroom", "--max-minutes", "45",
                                "--as-of", "2025-09-01"])
    assert table.exit_code == 0, table.output
    assert "Why" in table.output
    as_json = runner.invoke(app, ["landing", "--industry", "medical-devices", "--json",
                                  "--as-of", "2025-09-01", "--top", "3"])
    assert as_json.exit_code == 0
    parks = json.loads(as_json.stdout)["parks"]
    assert 0 < len(parks) <= 3
    assert parks[0]["parts"][0]["name"] == "industry_fit"


def test_landing_horizon_capex_and_why_not() -> None:
    result = runner.invoke(app, ["landing", "--industry", "medical-devices", "--area", "1000",
                                 "--facility", "gmp_cleanroom", "--max-minutes", "45",
                                 "--as-of", "2026-12-01", "--horizon", "2", "--capex",
                                 "5000000", "--headcount", "25", "--why-not", "suzhou-sip",
                                 "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["horizon_years"] == 2
    assert body["why_not"]["failures"][0]["constraint"] == "facility_types"
    assert all(park["net_cost"]["horizon_years"] == 2 for park in body["parks"])
    table = runner.invoke(app, ["landing", "--industry", "medical-devices", "--area", "1000",
                                "--as-of", "2026-12-01", "--why-not", "suzhou-sip"])
    assert table.exit_code == 0, table.output
    assert "Why not:" in table.output
    assert "net cost:" in table.output


@pytest.mark.parametrize("args", [
    ["landing", "--industry", "industry:unobtainium"],
    ["landing", "--industry", "biomedicine", "--from", "atlantis"],
    ["landing", "--industry", "biomedicine", "--area", "-5"],
    ["landing", "--industry", "biomedicine", "--as-of", "2025-13-45"],
    ["landing", "--industry", "biomedicine", "--founded", "2030", "--as-of", "2025-01-01"],
    ["landing", "--industry", "biomedicine", "--why-not", "park:atlantis"],
    ["landing", "--industry", "biomedicine", "--horizon", "0"],
    ["collaborators", "--skill", "juggling"],
    ["collaborators", "--asker", "person:nobody"],
    ["path", "city:shanghai", "park:nowhere"],
    ["team", "--vertical", "industry:unobtainium"],
])
def test_bad_input_gives_one_message_and_exit_2(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_compare_collaborators_team_path_stats() -> None:
    for args in (["compare", "--industry", "medical-devices", "--as-of", "2025-09-01"],
                 ["collaborators", "--role", "Lawyer", "--top", "3"],
                 ["team", "--vertical", "biomedicine"],
                 ["path", "city:shanghai", "city:nanjing", "--rel", "HSR_LINK"],
                 ["stats"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
    stats = runner.invoke(app, ["stats", "--json"])
    assert json.loads(stats.stdout)["labels"]["Park"] >= 35


def test_seed_load_is_idempotent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIANCE_DB_PATH", str(tmp_path / "fresh.sqlite3"))
    get_settings.cache_clear()
    first = runner.invoke(app, ["seed", "load"])
    assert first.exit_code == 0, first.output
    counts = runner.invoke(app, ["stats", "--json"]).output
    second = runner.invoke(app, ["seed", "load"])
    assert second.exit_code == 0
    assert runner.invoke(app, ["stats", "--json"]).output == counts


def test_seed_load_jsonl_streams_all_or_nothing(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A JSON-lines graph loads in batches (here of 7 lines); one bad line anywhere, even
    after many good batches, stores nothing."""
    from alliance.ingest.jsonl import record_line
    from alliance.ingest.synth import synthesize
    from alliance.store.embedded import EmbeddedStore

    path = tmp_path / "stream.sqlite3"
    monkeypatch.setenv("ALLIANCE_DB_PATH", str(path))
    get_settings.cache_clear()
    lines = [record_line(record) for record in synthesize(1000, 5)]
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([*lines, lines[-1].replace('"source":"', '"source":"x')]),
                      encoding="utf-8")
    refused = runner.invoke(app, ["seed", "load", "--jsonl", str(broken), "--chunk-size", "7"])
    assert refused.exit_code != 0
    assert f"line {len(lines) + 1}" in refused.output
    with EmbeddedStore(path) as store:
        assert not any(store.counts().labels.values())
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = runner.invoke(app, ["seed", "load", "--jsonl", str(good), "--chunk-size", "7"])
    assert loaded.exit_code == 0, loaded.output
    with EmbeddedStore(path) as store:
        counts = store.counts()
    assert sum(counts.relationships.values()) == sum(
        1 for line in lines if '"kind":"relationship"' in line)
    assert sum(counts.labels[label.value] for label in Label) == sum(
        1 for line in lines if '"kind":"node"' in line)
