"""Referral notes and follow-ups (stored on the Referral node, audited), the names of a
referral's ends and its stage date, and the funnel per industry."""

from __future__ import annotations

from datetime import date

from tests.api.support import REFERRAL, Api, assert_problem

W = "staff:write"
URL = f"/v1/referrals/{REFERRAL}"
NOTES = f"{URL}/notes"


def test_notes_append_with_date_and_author_and_are_audited(module_api: Api) -> None:
    first = module_api.request("POST", NOTES, W, json={"note": "asked for the GMP spec",
                                           "follow_up_on": "2030-01-15"})
    assert first.status_code == 200, first.text
    second = module_api.request("POST", NOTES, W, json={"note": "  spec sent  "}).json()
    assert second["follow_up_on"] == "2030-01-15"
    today = date.today().isoformat()
    assert second["notes"] == [f"{today} api:staff:write: asked for the GMP spec",
                               f"{today} api:staff:write: spec sent"]
    cleared = module_api.request("POST", NOTES, W, json={"follow_up_on": None}).json()
    assert cleared["follow_up_on"] is None
    assert len(cleared["notes"]) == 2
    assert module_api.get(URL).json()["notes"] == cleared["notes"]
    entries = module_api.get("/v1/audit", "admin", params={"entity_id": REFERRAL}).json()
    updates = [e for e in entries["items"] if e["action"] == "referral.update"]
    assert len(updates) == 3
    assert updates[-1]["before"]["notes"] == []


def test_referral_names_its_ends_and_stage_date(module_api: Api) -> None:
    referral = module_api.get(URL).json()
    ends = referral["ends"]
    assert ends["company"]["id"] == referral["company"]
    assert ends["park"]["id"] == referral["park"]
    assert ends["broker"]["id"] == referral["broker"]
    assert all(end["name_zh"] and end["name_en"] for end in ends.values())
    stage = referral["stage"]
    expected = referral["proposed_on"] if stage == "proposed" else referral[f"{stage}_on"]
    assert referral["stage_since"] == expected


def test_update_bad_input_names_the_field(api: Api) -> None:
    assert_problem(api.request("POST", NOTES, W, json={}), 422, "body.note")
    assert_problem(api.request("POST", NOTES, W, json={"note": ""}), 422, "body.note")
    assert_problem(api.request("POST", NOTES, W, json={"follow_up_on": "soon"}), 422,
                   "body.follow_up_on")
    assert_problem(api.request("POST", NOTES, W, json={"colour": "red"}), 422, "body.colour")
    assert_problem(api.request("POST", "/v1/referrals/referral:nope/notes", W,
                               json={"note": "x"}), 404, "path.id")
    assert api.request("POST", NOTES, json={"note": "x"}).status_code in (401, 403)
    assert api.get(URL).json()["notes"] == []


def test_funnel_by_industry_groups_by_the_companys_vertical(api: Api) -> None:
    report = api.get("/v1/funnel", params={"by": "industry"}).json()
    assert report["by"] == "industry"
    keys = [g["key"] for g in report["groups"] if g["key"]]
    assert keys
    assert all(key.startswith("industry:") for key in keys)
    assert sum(g["total"] for g in report["groups"]) == report["overall"]["total"]
