"""GET /api/v1/reports and PATCH /api/v1/reports/<tracking_code>: token auth, district
scope, If-Match (428 missing, 412 stale), field-named errors, the phone to
administrators only, paging, and the OpenAPI document."""

from __future__ import annotations

import pytest

from tests.integration.admin_support import SAIHAN, XINCHENG, station_in
from tests.integration.report_queue_support import api_token, get_report, make_report


def _auth(secret, version=None):
    headers = {"Authorization": f"Bearer {secret}"}
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return headers


@pytest.fixture
def xc(app):
    return app.test_client(), api_token(app, "xc", "district_admin", (XINCHENG,))


def test_the_list_is_scoped_and_carries_what_the_queue_shows(app, xc):
    client, secret = xc
    station = station_in(app, XINCHENG)
    mine = make_report(app, station, phone="13912345678", text="没开门")
    theirs = make_report(app, station_in(app, SAIHAN))
    body = client.get("/api/v1/reports", headers=_auth(secret)).get_json()
    codes = [item["tracking_code"] for item in body["reports"]]
    assert codes == [mine.tracking_code] and theirs.tracking_code not in codes
    item = body["reports"][0]
    assert item["station_code"] == station.code and item["station_name"] == station.name
    assert item["district_code"] == XINCHENG and item["phone"] == "13912345678"
    assert item["status"] == "new" and item["assignee"] is None and item["repeats"] == 0
    assert item["first_reply_at"] is None and item["version"] == 1


def test_a_viewer_token_reads_without_phones_and_cannot_change(app):
    client = app.test_client()
    secret = api_token(app, "look", "viewer", (XINCHENG,))
    report = make_report(app, station_in(app, XINCHENG), phone="13912345678")
    item = client.get("/api/v1/reports", headers=_auth(secret)).get_json()["reports"][0]
    assert "phone" not in item
    refused = client.patch(
        f"/api/v1/reports/{report.tracking_code}",
        json={"status": "rejected"},
        headers=_auth(secret, 1),
    )
    assert refused.status_code == 403
    assert get_report(app, report.id).status == "new"


def test_no_token_is_401(client):
    assert client.get("/api/v1/reports").status_code == 401
    assert client.patch("/api/v1/reports/TABC", json={"status": "resolved"}).status_code == 401


def test_filters_and_pages(app, xc):
    client, secret = xc
    station = station_in(app, XINCHENG)
    made = [make_report(app, station, kind="closed") for _ in range(3)]
    demand = make_report(app, None, kind="demand", district=XINCHENG, hours_ago=40)
    seen, url = [], "/api/v1/reports?limit=2&kind=closed"
    while url:
        body = client.get(url, headers=_auth(secret)).get_json()
        seen += [item["tracking_code"] for item in body["reports"]]
        url = body["links"]["next"]
    assert seen == [r.tracking_code for r in made]
    old = client.get("/api/v1/reports?older_than=24", headers=_auth(secret)).get_json()
    assert [i["tracking_code"] for i in old["reports"]] == [demand.tracking_code]
    by_station = client.get(f"/api/v1/reports?station={station.code}", headers=_auth(secret))
    assert len(by_station.get_json()["reports"]) == 3
    other = client.get(f"/api/v1/reports?district={SAIHAN}", headers=_auth(secret))
    assert other.get_json()["reports"] == []
    opened = client.get("/api/v1/reports?status=open", headers=_auth(secret)).get_json()
    assert len(opened["reports"]) == 4
    bad = client.get("/api/v1/reports?status=closed", headers=_auth(secret))
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "status"
    typo = client.get("/api/v1/reports?stauts=new", headers=_auth(secret))
    assert typo.status_code == 400 and typo.get_json()["error"]["field"] == "stauts"


def test_patch_moves_a_report_on_with_if_match(app, xc):
    client, secret = xc
    report = make_report(app, station_in(app, XINCHENG))
    url = f"/api/v1/reports/{report.tracking_code}"
    missing = client.patch(url, json={"status": "in_progress"}, headers=_auth(secret))
    assert missing.status_code == 428 and missing.get_json()["error"]["field"] == "If-Match"
    done = client.patch(
        url, json={"status": "assigned", "assignee": "xc", "note": "我来"}, headers=_auth(secret, 1)
    )
    assert done.status_code == 200, done.get_json()
    assert done.headers["ETag"] == '"2"'
    assert done.get_json()["status"] == "assigned" and done.get_json()["assignee"] == "xc"
    stale = client.patch(url, json={"status": "resolved"}, headers=_auth(secret, 1))
    assert stale.status_code == 412 and stale.get_json()["error"]["field"] == "If-Match"
    resolved = client.patch(
        url, json={"status": "resolved", "reply": "已恢复开放"}, headers=_auth(secret, 2)
    )
    assert resolved.status_code == 200
    after = get_report(app, report.id)
    assert after.status == "resolved" and after.first_reply_at is not None
    assert [(e.actor, e.to_status) for e in after.events] == [
        ("xc", "assigned"),
        ("xc", "resolved"),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "closed"}, "status"),
        ({"status": "assigned", "assignee": "nobody"}, "assignee"),
        ({"reply": 5}, "reply"),
        ({"colour": "red"}, "colour"),
        ({}, "status"),
        ({"reply": "x" * 2001}, "reply"),
    ],
)
def test_patch_errors_name_the_field(app, xc, body, field):
    client, secret = xc
    report = make_report(app, station_in(app, XINCHENG))
    response = client.patch(
        f"/api/v1/reports/{report.tracking_code}", json=body, headers=_auth(secret, 1)
    )
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == field
    assert get_report(app, report.id).version == 1


def test_another_districts_report_is_404_through_the_api(app, xc):
    client, secret = xc
    theirs = make_report(app, station_in(app, SAIHAN))
    response = client.patch(
        f"/api/v1/reports/{theirs.tracking_code}",
        json={"status": "rejected"},
        headers=_auth(secret, 1),
    )
    assert response.status_code == 404
    assert get_report(app, theirs.id).status == "new"


def test_openapi_describes_the_admin_report_api(client):
    spec = client.get("/api/openapi.json").get_json()
    assert "get" in spec["paths"]["/api/v1/reports"]
    patch = spec["paths"]["/api/v1/reports/{tracking_code}"]["patch"]
    assert {"412", "428", "404"} <= set(patch["responses"])
    assert "AdminReport" in spec["components"]["schemas"]


def test_merge_paths_joins_methods_of_one_path():
    from stationmap.web.openapi.schemas import merge_paths

    spec = {"paths": {"/a": {"get": {"operationId": "read"}}}}
    merge_paths(spec, {"/a": {"patch": {"operationId": "change"}}, "/b": {"get": {}}})
    assert set(spec["paths"]["/a"]) == {"get", "patch"} and "/b" in spec["paths"]
    with pytest.raises(ValueError, match="GET /a"):
        merge_paths(spec, {"/a": {"get": {}}})


def test_a_reply_alone_keeps_the_state_and_the_assignee(app, xc):
    client, secret = xc
    report = make_report(app, station_in(app, XINCHENG))
    url = f"/api/v1/reports/{report.tracking_code}"
    client.patch(url, json={"status": "assigned", "assignee": "xc"}, headers=_auth(secret, 1))
    replied = client.patch(url, json={"reply": "明天去看"}, headers=_auth(secret, 2))
    assert replied.status_code == 200, replied.get_json()
    body = replied.get_json()
    assert (body["status"], body["assignee"]) == ("assigned", "xc")
    assert body["first_reply_at"] is not None
