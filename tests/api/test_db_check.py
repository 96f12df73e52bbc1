"""`alliance db check` finds what older versions stored and today's writes refuse, and
reads never fail on it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from alliance.api.app import create_app
from alliance.cli.main import app
from tests.api.support import fresh_settings, make_keys

PARK = "park:changshu-etdz"


def spoil(seeded_db: Path, folder: Path) -> Path:
    """A copy of the seeded store with an infinite rent, a 2^70 year and a taxonomy cycle
    written behind the validation's back, as an older version could."""
    path = folder / "old.sqlite3"
    path.write_bytes(seeded_db.read_bytes())
    conn = sqlite3.connect(path)
    (text,) = conn.execute("SELECT properties FROM nodes WHERE id = ?", (PARK,)).fetchone()
    properties = {**json.loads(text), "rent_cny_m2_month": float("inf"),
                  "established_year": 2**70}
    conn.execute("UPDATE nodes SET properties = ? WHERE id = ?", (json.dumps(properties), PARK))
    (child, parent), *_ = conn.execute(
        "SELECT source, target FROM relationships WHERE type = 'SUBFIELD_OF'").fetchall()
    conn.execute("INSERT INTO relationships VALUES ('SUBFIELD_OF', ?, ?, '[]', '{}')",
                 (parent, child))
    conn.commit()
    conn.close()
    return path


def test_check_reports_old_bad_data_and_reads_survive_it(seeded_db: Path,
                                                         tmp_path: Path) -> None:
    path = spoil(seeded_db, tmp_path)
    result = CliRunner().invoke(app, ["db", "check", "--embedded", str(path), "--json"])
    assert result.exit_code == 1, result.output
    assert f"checking {path}" in result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert {(f["where"], f["field"]) for f in findings} >= {
        (PARK, "rent_cny_m2_month"), (PARK, "established_year"), ("SUBFIELD_OF", None)}
    api = create_app(fresh_settings(path, tmp_path / "app"))
    with TestClient(api, raise_server_exceptions=False) as client:
        staff = {"X-API-Key": make_keys(api)["admin"]}
        for url in ("/v1/parks", f"/v1/parks/{PARK}", "/v1/search?q=changshu",
                    f"/v1/entities/{PARK}/neighbours"):
            assert client.get(url, headers=staff).status_code == 200, url
        park = client.get(f"/v1/parks/{PARK}", headers=staff).json()
        assert park["rent_cny_m2_month"] is None
        repaired = client.patch(f"/v1/parks/{PARK}", headers=staff,
                                json={"rent_cny_m2_month": 20, "established_year": 2001})
        assert repaired.status_code == 200, repaired.text
        assert client.get("/v1/audit", headers=staff).status_code == 200


def test_check_of_clean_data_finds_nothing(seeded_db: Path) -> None:
    result = CliRunner().invoke(app, ["db", "check", "--embedded", str(seeded_db)])
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.stdout
