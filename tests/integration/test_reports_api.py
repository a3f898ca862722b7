"""Workers' reports through the public API (issue 14), on SQLite and PostgreSQL: 201
with a tracking code, field errors, merging, per-client limits, the honeypot, the
public view (never the phone, never a note) and that a report changes no station."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from stationmap.app_state import state
from stationmap.models import Report, ReportEvent, Station
from tests.conftest import BACKENDS
from tests.integration.admin_support import XINCHENG, station_in
from tests.integration.report_support import reply_to, report_row

CODE_RE = re.compile(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}")
XSS = "<img src=x onerror=alert(1)></script><script>alert(2)</script>${alert(3)}"
# 玛纳斯县 (652324), WGS-84: a pin where a station is needed.
MANAS = (44.3050, 86.2170)


def _post(client, station_id, body, address="10.1.0.1"):
    return client.post(
        f"/api/v1/stations/{station_id}/reports",
        json=body,
        environ_base={"REMOTE_ADDR": address},
    )


def _count(app, model=Report) -> int:
    with state(app).db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_closed_report_is_stored_new_with_its_first_event(app, client):
    station = station_in(app, XINCHENG)
    response = _post(client, station.id, {"kind": "closed", "text": "门锁着"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert CODE_RE.fullmatch(body["tracking_code"])
    assert body["status"] == "new" and body["url"] == f"/r/{body['tracking_code']}"
    row = report_row(app, body["tracking_code"])
    assert (row.kind, row.station_id, row.district_code) == ("closed", station.id, XINCHENG)
    assert row.text == "门锁着" and row.repeats == 0
    assert "10.1.0.1" not in row.client_hash and len(row.client_hash) == 64
    assert [(e.from_status, e.to_status, e.user_id) for e in row.events] == [(None, "new", None)]


def test_a_report_never_changes_the_station(app, client):
    station = station_in(app, XINCHENG)
    before = client.get(f"/api/v1/stations/{station.id}").get_json()
    body = {"kind": "location", "lat": station.lat + 0.01, "lon": station.lon, "datum": "wgs84"}
    assert _post(client, station.id, body).status_code == 201
    assert _post(client, station.id, {"kind": "closed"}).status_code == 201
    after = client.get(f"/api/v1/stations/{station.id}").get_json()
    assert after == before


def test_a_location_in_gcj02_is_stored_in_wgs84(app, client):
    from stationmap.geo.datum import wgs84_to_gcj02

    station = station_in(app, XINCHENG)
    want = (station.lat + 0.002, station.lon - 0.001)
    g_lat, g_lon = wgs84_to_gcj02(*want)
    body = {"kind": "location", "lat": g_lat, "lon": g_lon, "datum": "gcj02"}
    code = _post(client, station.id, body).get_json()["tracking_code"]
    row = report_row(app, code)
    assert row.lat == pytest.approx(want[0], abs=1e-7) and row.lon == pytest.approx(
        want[1], abs=1e-7
    )


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"kind": "broken"}, "kind", 422),
        ({"kind": "amenity"}, "amenity", 422),
        ({"kind": "amenity", "amenity": "beer"}, "amenity", 422),
        ({"kind": "location", "lat": 95, "lon": 86}, "lat", 422),
        ({"kind": "location", "lat": 44, "lon": 86, "datum": "mars"}, "datum", 422),
        ({"kind": "other"}, "text", 422),
        ({"kind": "other", "text": "x" * 1001}, "text", 422),
        ({"kind": "other", "text": "a\u0000b"}, "text", 422),
        ({"kind": "closed", "phone": "not a phone"}, "phone", 422),
        ({"kind": "closed", "station": 3}, "station", 422),
    ],
)
def test_a_bad_field_is_named_in_the_error(app, client, body, field, status):
    station = station_in(app, XINCHENG)
    response = _post(client, station.id, body)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["field"] == field
    assert error["code"] in ("invalid_value", "unknown_field")
    assert _count(app) == 0


def test_field_errors_come_in_chinese_too(app, client):
    station = station_in(app, XINCHENG)
    error = _post(client, station.id, {"kind": "amenity"}).get_json()["error"]
    assert error["details"][0]["message_zh"].startswith("设施")
    assert "设施" in error["message"]


@pytest.mark.parametrize("body", [b"{", b"[]", b'"closed"', b'{"kind": NaN}'])
def test_a_body_that_is_not_a_json_object_is_a_400(app, client, body):
    station = station_in(app, XINCHENG)
    response = client.post(
        f"/api/v1/stations/{station.id}/reports", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "error" in response.get_json()


@pytest.mark.parametrize("station_id", [0, 999_999, 2**40])
def test_a_report_on_no_station_is_a_404(app, client, station_id):
    response = _post(client, station_id, {"kind": "closed"})
    assert response.status_code == 404
    assert response.get_json()["error"]["field"] == "station_id"


def test_the_same_report_from_the_same_client_is_merged(app, client):
    station = station_in(app, XINCHENG)
    body = {"kind": "amenity", "amenity": "water", "text": "没有 热水"}
    first = _post(client, station.id, body)
    again = _post(client, station.id, {**body, "text": "  没有   热水 "})
    assert first.status_code == 201 and again.status_code == 200
    code = first.get_json()["tracking_code"]
    assert again.get_json()["tracking_code"] == code and again.get_json()["merged"] is True
    assert _count(app) == 1 and report_row(app, code).repeats == 1
    # a merge leaves the report's version alone (an administrator's If-Match stays good)
    assert report_row(app, code).version == 1
    _post(client, station.id, {**body, "phone": "13912345678"})
    assert (report_row(app, code).repeats, report_row(app, code).phone) == (2, "13912345678")
    other_text = _post(client, station.id, {**body, "text": "水龙头坏了"})
    other_client = _post(client, station.id, body, address="10.9.9.9")
    assert other_text.status_code == 201 and other_client.status_code == 201
    assert _count(app) == 3


def test_a_resolved_report_is_not_merged_into(app, client):
    station = station_in(app, XINCHENG)
    code = _post(client, station.id, {"kind": "closed"}).get_json()["tracking_code"]
    reply_to(app, code, "已核实，驿站正常开放。", "resolved")
    again = _post(client, station.id, {"kind": "closed"})
    assert again.status_code == 201 and again.get_json()["tracking_code"] != code


def test_the_seventh_report_in_ten_minutes_is_refused_with_retry_after(app, client):
    station = station_in(app, XINCHENG)
    for i in range(6):
        assert _post(client, station.id, {"kind": "other", "text": f"问题{i}"}).status_code == 201
    refused = _post(client, station.id, {"kind": "other", "text": "问题7"})
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    assert _count(app) == 6
    # another client is not held back by this one
    assert (
        _post(client, station.id, {"kind": "other", "text": "问题7"}, "10.2.0.2").status_code == 201
    )
    # the same report again is still merged (it stores nothing new)
    assert _post(client, station.id, {"kind": "other", "text": "问题0"}).status_code == 200


def test_the_honeypot_answers_like_success_and_stores_nothing(app, client):
    station = station_in(app, XINCHENG)
    response = _post(client, station.id, {"kind": "closed", "website": "http://spam.example"})
    assert response.status_code == 201
    code = response.get_json()["tracking_code"]
    assert CODE_RE.fullmatch(code)
    assert _count(app) == 0
    assert client.get(f"/api/v1/reports/{code}").status_code == 404


def test_a_demand_pin_goes_to_the_district_containing_it(app, client):
    response = client.post(
        "/api/v1/demand",
        json={
            "lat": MANAS[0],
            "lon": MANAS[1],
            "needs": ["water", "toilet"],
            "text": "这条路上没有",
        },
    )
    assert response.status_code == 201, response.get_json()
    row = report_row(app, response.get_json()["tracking_code"])
    assert (row.kind, row.station_id, row.district_code) == ("demand", None, "652324")
    assert row.needs == ["water", "toilet"]
    missing = client.post("/api/v1/demand", json={"needs": ["water"]})
    assert missing.status_code == 422 and missing.get_json()["error"]["field"] == "lat"
    wrong = client.post("/api/v1/demand", json={"lat": 44, "lon": 86, "kind": "closed"})
    assert wrong.status_code == 422 and wrong.get_json()["error"]["field"] == "kind"


def test_a_demand_pin_outside_every_district_is_refused_and_nothing_stored(app, client):
    before = _count(app)
    response = client.post("/api/v1/demand", json={"lat": 10.0, "lon": 10.0, "needs": ["water"]})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["field"] == "lat" and "不在本系统服务的区县内" in error["message"]
    assert _count(app) == before


def test_the_public_view_shows_replies_and_never_the_phone_notes_or_client(app, client):
    station = station_in(app, XINCHENG)
    body = {"kind": "other", "text": XSS, "phone": "13912345678"}
    code = _post(client, station.id, body).get_json()["tracking_code"]
    reply_to(app, code, "", "assigned", note="内部备注：王五负责")
    reply_to(app, code, "已联系驿站，<b>明天</b>恢复开放。", "resolved", note="秘密备注")
    response = client.get(f"/api/v1/reports/{code.lower()}")
    assert response.status_code == 200
    view = response.get_json()
    assert view["tracking_code"] == code and view["status"] == "resolved"
    assert view["kind"] == "other"
    assert view["station"] == {"name": station.name, "code": station.code}
    assert view["text"] == XSS  # data, as sent
    assert [(r["to_status"], r["reply"]) for r in view["replies"]] == [
        ("resolved", "已联系驿站，<b>明天</b>恢复开放。")
    ]
    raw = response.get_data(as_text=True)
    for secret in ("13912345678", "内部备注", "秘密备注", report_row(app, code).client_hash):
        assert secret not in raw
    assert set(view) == {
        "tracking_code", "kind", "status", "created_at", "updated_at", "station", "needs",
        "text", "replies",
    }  # fmt: skip


@pytest.mark.parametrize("code", ["ZZZZZZZZ", "nope", "ABCD234O", "x" * 300])
def test_an_unknown_tracking_code_is_a_404(app, client, code):
    response = client.get(f"/api/v1/reports/{code}")
    assert response.status_code == 404
    assert response.get_json()["error"]["field"] == "tracking_code"


def test_the_openapi_document_describes_the_report_paths(client):
    spec = client.get("/api/openapi.json").get_json()
    assert "post" in spec["paths"]["/api/v1/stations/{station_id}/reports"]
    assert "post" in spec["paths"]["/api/v1/demand"]
    get = spec["paths"]["/api/v1/reports/{tracking_code}"]["get"]
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PublicReport"
    }
    assert "phone" not in spec["components"]["schemas"]["PublicReport"]["properties"]


def test_no_station_row_is_touched_by_reports(app, client):
    with state(app).db.session() as session:
        versions = dict(session.execute(select(Station.id, Station.version)).all())
    station = station_in(app, XINCHENG)
    _post(client, station.id, {"kind": "amenity", "amenity": "toilet"})
    with state(app).db.session() as session:
        assert dict(session.execute(select(Station.id, Station.version)).all()) == versions
        assert session.scalar(select(func.count()).select_from(ReportEvent)) == 1


# SQLite write sessions are serial, so nothing can interleave there: PostgreSQL only.
@pytest.mark.parametrize("backend", [b for b in BACKENDS if b == "postgres"], indirect=True)
def test_two_reports_at_once_from_one_client_are_counted_in_turn(app, backend):
    """On PostgreSQL the second of two simultaneous reports waits for the first's commit
    and then counts it: the 6th and 7th arriving together do not both pass."""
    import threading
    from datetime import UTC, datetime

    from sqlalchemy import text

    from stationmap.report_fields import ReportInput
    from stationmap.services import reports as report_service

    station = station_in(app, XINCHENG)
    client_hash, rates = "c" * 64, ((6, 600),)
    database = state(app).db

    def submit(i: int) -> None:
        data = ReportInput("other", text=f"问题{i}")
        with database.write_session() as session:
            report_service.submit_report(
                session, data, station.id, client_hash, datetime.now(UTC), rates
            )

    for i in range(5):
        submit(i)
    outcome: list[object] = []

    def second() -> None:
        try:
            submit(7)
            outcome.append("stored")
        except report_service.RateLimited as exc:
            outcome.append(exc)

    with database.write_session() as session:
        report_service.submit_report(
            session, ReportInput("other", text="问题6"), station.id,
            client_hash, datetime.now(UTC), rates,
        )  # fmt: skip
        thread = threading.Thread(target=second)
        thread.start()
        # Wait (polling the server, not the clock) until the second is blocked on a lock.
        with database.engine.connect() as watcher:
            for _ in range(10_000):
                waiting = watcher.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND datname = current_database()"
                    )
                ).scalar()
                if waiting or outcome:
                    break
        assert not outcome, "the second report did not wait for the first"
    thread.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], report_service.RateLimited)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "location", "lat": "44.3", "lon": 86.2}, "lat"),
        ({"kind": "closed", "text": 5}, "text"),
        ({"kind": "closed", "lang": "fr"}, "lang"),
        ({"kind": "closed", "website": 1}, "website"),
        ({"kind": ["closed"]}, "kind"),
    ],
)
def test_the_api_takes_each_field_in_its_documented_json_type(app, client, body, field):
    station = station_in(app, XINCHENG)
    response = _post(client, station.id, body)
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field
    assert _count(app) == 0


def test_a_pins_district_is_the_one_every_boundary_would_give(app):
    """districts.locate (one pin, reading only the boundaries around it) answers as the
    locator over every stored boundary does, inside, between and outside districts."""
    from stationmap.services import districts as district_service

    with state(app).db.session() as session:
        points = [(s.lat, s.lon) for s in session.scalars(select(Station).limit(40))]
        points += [(MANAS[0] + 0.3 * i, MANAS[1] - 0.2 * i) for i in range(-5, 6)]
        points += [(30.0, 100.0), (0.0, 0.0), (40.8, 111.7)]
        everything = district_service.locator(session)
        for lat, lon in points:
            assert district_service.locate(session, lat, lon) == everything.locate(lat, lon)


def test_three_couriers_reporting_closed_mark_the_station_in_nearest_answers(app, client):
    """The report API itself applies the 3-reporter rule: two addresses (one of them
    twice) leave the station as it was; a third marks it reported closed."""
    station = station_in(app, XINCHENG)

    def marked() -> bool:
        query = {"lat": station.lat, "lon": station.lon, "k": 3}
        answer = client.get("/api/v1/stations/nearest", query_string=query).get_json()
        (mine,) = [f for f in answer["features"] if f["properties"]["id"] == station.id]
        return mine["properties"]["reported_closed"]

    for address in ("10.2.0.1", "10.2.0.2", "10.2.0.2"):
        assert _post(client, station.id, {"kind": "closed"}, address).status_code in (200, 201)
    assert marked() is False
    assert _post(client, station.id, {"kind": "closed"}, "10.2.0.3").status_code == 201
    assert marked() is True
