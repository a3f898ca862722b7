"""Station codes cannot be squatted or pushed out of range, demo and real codes never
collide, and a station moved into another district is saved (keeping its code) and
recorded, through the API, the editor, the admin import and the command line."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from stationmap.app_state import state
from stationmap.models import Station, StationRevision
from tests.integration.admin_support import (
    KUNMING_XISHAN,
    SAIHAN,
    XINCHENG,
    form_of,
    free_point,
    login,
    make_user,
    new_form,
    page_csrf,
    station_in,
)
from tests.integration.unchanged import assert_unchanged, snapshot

MANAS = "652324"
CHANGJI = "652301"
# The same squatted code three ways: ASCII, full-width and Arabic-Indic digits.
SQUATTED = ("530112-0777", "５３０１１２-９００１", "٥٣٠١١٢-٩٠٠١")
COLUMNS = ["code", "name", "address", "lat", "lon", "amenities"]


def _csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _stations(app) -> dict[str, Station]:
    with state(app).db.session() as session:
        return {s.code: s for s in session.scalars(select(Station))}


def _admin(app, username: str, districts: tuple[str, ...], role: str = "district_admin"):
    make_user(app, username, role, districts)
    client = app.test_client()
    login(client, username)
    return client, page_csrf(client)


def _upload(client, token: str, data: bytes):
    return client.post(
        "/admin/import",
        data={"csrf_token": token, "datum": "wgs84", "file": (io.BytesIO(data), "stations.csv")},
        content_type="multipart/form-data",
    )


def _confirm(client, token: str, preview):
    html = preview.get_data(as_text=True)
    action = re.search(r'action="(/admin/import/[^"]+)"', html)
    assert action, html[:3000]
    return client.post(action.group(1), data={"csrf_token": token})


def _cli_import(app, tmp_path, data: bytes):
    path = tmp_path / "rows.csv"
    path.write_bytes(data)
    return app.test_cli_runner().invoke(args=["import-stations", str(path), "--datum", "wgs84"])


def _api_token(app, username: str, role: str, districts: tuple[str, ...]) -> str:
    client, token = _admin(app, username, districts, role)
    page = client.post("/admin/tokens", data={"csrf_token": token, "name": "t"})
    match = re.search(r'id="new-token">([^<]+)<', page.get_data(as_text=True))
    assert match
    return match.group(1)


def _revisions(app, station_id: int) -> list[StationRevision]:
    with state(app).db.session() as session:
        return list(
            session.scalars(
                select(StationRevision)
                .where(StationRevision.station_id == station_id)
                .order_by(StationRevision.number)
            )
        )


# -- squatting another district's codes -------------------------------------------------
@pytest.mark.parametrize(
    ("code", "message"),
    [
        (SQUATTED[0], "新驿站的编号须以 652324- 开头"),
        (SQUATTED[1], "半角数字"),
        (SQUATTED[2], "半角数字"),
    ],
)
def test_an_administrator_cannot_import_another_districts_codes(app, code, message):
    client, token = _admin(app, "manas", (MANAS,))
    lat, lon = free_point(app, MANAS)
    before = snapshot(app)
    response = _upload(client, token, _csv([[code, "占位驿站", "", lat, lon, "water"]]))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'action="/admin/import/' not in html  # nothing to confirm
    assert message in html
    assert_unchanged(before, app)
    assert not any(
        c.endswith(("-0777", "-9001")) and not s.is_demo for c, s in _stations(app).items()
    )


@pytest.mark.parametrize("code", SQUATTED)
def test_the_command_line_refuses_a_code_of_another_district(app, tmp_path, code):
    lat, lon = free_point(app, MANAS)
    before = snapshot(app)
    result = _cli_import(app, tmp_path, _csv([[code, "占位驿站", "", lat, lon, "water"]]))
    assert result.exit_code == 1, result.output
    assert "code" in result.output
    assert_unchanged(before, app)


@pytest.mark.parametrize("code", ["530112-0777", "５３０１１２-０７７７", "٥٣٠١١٢-٠٧٧٧"])
def test_the_api_refuses_a_client_code(app, code):
    secret = _api_token(app, "manas", "district_admin", (MANAS,))
    lat, lon = free_point(app, MANAS)
    before = snapshot(app)
    response = app.test_client().post(
        "/api/v1/stations",
        json={"name": "接口驿站", "lat": lat, "lon": lon, "code": code},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 422
    assert_unchanged(before, app)


@pytest.mark.parametrize("code", SQUATTED)
def test_the_editor_assigns_its_own_code_whatever_the_form_says(app, code):
    client, token = _admin(app, "manas", (MANAS,))
    lat, lon = free_point(app, MANAS)
    response = client.post(
        "/admin/stations/new", data=new_form(lat, lon, csrf_token=token, code=code)
    )
    assert response.status_code == 303
    created = set(_stations(app)) - {s.code for s in _demo_stations(app)}
    assert created == {f"{MANAS}-0001"}  # Manas has only demo stations before this one


def _demo_stations(app) -> list[Station]:
    return [s for s in _stations(app).values() if s.is_demo]


def test_own_district_code_is_taken_and_the_next_one_follows(app, tmp_path):
    lat, lon = free_point(app, MANAS)
    result = _cli_import(
        app, tmp_path, _csv([[f"{MANAS}-0777", "自编号驿站", "", lat, lon, "water"]])
    )
    assert result.exit_code == 0, result.output
    result = _cli_import(app, tmp_path, _csv([["", "下一个驿站", "", lat + 0.01, lon, "water"]]))
    assert result.exit_code == 0, result.output
    stations = _stations(app)
    assert stations[f"{MANAS}-0777"].name == "自编号驿站"
    assert stations[f"{MANAS}-0778"].name == "下一个驿站"


@pytest.mark.parametrize(
    "serial",
    ["999999", "990000", "00777", "0000"],  # past the real range, demo range, padded, zero
)
def test_a_code_outside_the_serial_range_is_refused(app, tmp_path, serial):
    lat, lon = free_point(app, KUNMING_XISHAN)
    code = f"{KUNMING_XISHAN}-{serial}"
    result = _cli_import(app, tmp_path, _csv([[code, "越界驿站", "", lat, lon, "water"]]))
    assert result.exit_code == 1, result.output
    assert code not in _stations(app)
    # The district's next code is still an ordinary one, and its own export imports back.
    result = _cli_import(app, tmp_path, _csv([["", "正常驿站", "", lat, lon, "water"]]))
    assert result.exit_code == 0, result.output
    assert _stations(app)[f"{KUNMING_XISHAN}-0001"].name == "正常驿站"
    out = tmp_path / "export.csv"
    runner = app.test_cli_runner()
    exported = runner.invoke(args=["export-stations", "-o", str(out), "--district", KUNMING_XISHAN])
    assert exported.exit_code == 0, exported.output
    again = runner.invoke(args=["import-stations", str(out), "--datum", "wgs84"])
    assert again.exit_code == 0 and "created 0, updated 0" in again.output, again.output


# -- demo and real serials ----------------------------------------------------------------
def _insert_real(app, district: str, serials: range, lat: float, lon: float, demo=False):
    now = datetime.now(UTC)
    rows = [
        {
            "code": f"{district}-{n:04d}",
            "name": f"批量{n}",
            "address": "",
            "lat": lat,
            "lon": lon,
            "entered_datum": "wgs84",
            "district_code": district,
            "host_type": "other",
            "phone": "",
            "contact": "",
            "services": [],
            "status": "active",
            "is_demo": demo,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for n in serials
    ]
    with state(app).db.write_session() as session:
        session.execute(insert(Station), rows)


def test_demo_codes_lie_outside_every_real_serial(app):
    demo = _demo_stations(app)
    assert demo
    assert all(int(s.code.partition("-")[2]) > 899_999 for s in demo)
    assert all(s.code.startswith((s.district_code or "000000") + "-") for s in demo)


def test_a_district_with_9000_real_stations_still_creates(app, tmp_path):
    lat, lon = free_point(app, XINCHENG)
    far_lat, far_lon = free_point(app, SAIHAN)
    _insert_real(app, XINCHENG, range(1, 9101), far_lat, far_lon)
    # A demo station left from the old numbering (9001 and up) holds 9103.
    _insert_real(app, XINCHENG, range(9103, 9104), far_lat, far_lon, demo=True)
    client, token = _admin(app, "super", (), role="superadmin")
    editor = client.post("/admin/stations/new", data=new_form(lat, lon, csrf_token=token))
    assert editor.status_code == 303
    secret = _api_token(app, "api", "superadmin", ())
    api = app.test_client().post(
        "/api/v1/stations",
        json={"name": "接口驿站", "lat": lat + 0.003, "lon": lon},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert api.status_code == 201, api.get_json()
    result = _cli_import(app, tmp_path, _csv([["", "导入驿站", "", lat - 0.003, lon, "water"]]))
    assert result.exit_code == 0, result.output
    stations = _stations(app)
    assert stations[f"{XINCHENG}-9101"].name == "测试驿站"
    assert stations[f"{XINCHENG}-9102"].name == "接口驿站"
    assert stations[f"{XINCHENG}-9103"].is_demo
    assert stations[f"{XINCHENG}-9104"].name == "导入驿站"


# -- moving a station into another district -------------------------------------------------
def _moved_check(app, station: Station, district: str, action: str, actor: str) -> None:
    after = _stations(app)[station.code]  # the code is kept
    assert after.id == station.id and after.district_code == district
    last = _revisions(app, station.id)[-1]
    assert (last.action, last.actor) == (action, actor)
    assert last.changes["district_code"] == [station.district_code, district]


def test_api_patch_moves_a_station_across_districts(app):
    station = station_in(app, XINCHENG)
    lat, lon = free_point(app, SAIHAN)
    secret = _api_token(app, "super", "superadmin", ())
    response = app.test_client().patch(
        f"/api/v1/stations/{station.id}",
        json={"lat": lat, "lon": lon},
        headers={"Authorization": f"Bearer {secret}", "If-Match": f'"{station.version}"'},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["properties"]["district_code"] == SAIHAN
    _moved_check(app, station, SAIHAN, "update", "super")


def test_api_patch_out_of_scope_is_refused_and_changes_nothing(app):
    station = station_in(app, XINCHENG)
    lat, lon = free_point(app, SAIHAN)
    secret = _api_token(app, "xc", "district_admin", (XINCHENG,))
    before = snapshot(app)
    response = app.test_client().patch(
        f"/api/v1/stations/{station.id}",
        json={"lat": lat, "lon": lon},
        headers={"Authorization": f"Bearer {secret}", "If-Match": f'"{station.version}"'},
    )
    assert response.status_code == 403
    assert_unchanged(before, app)


def test_editor_moves_a_station_for_an_administrator_of_both(app):
    station = station_in(app, XINCHENG)
    lat, lon = free_point(app, SAIHAN)
    client, token = _admin(app, "both", (XINCHENG, SAIHAN))
    form = form_of(station, lat=f"{lat:.7f}", lon=f"{lon:.7f}", csrf_token=token)
    response = client.post(f"/admin/stations/{station.id}", data=form)
    assert response.status_code == 303
    _moved_check(app, station, SAIHAN, "update", "both")


def test_cli_import_moves_a_station(app, tmp_path):
    station = station_in(app, XINCHENG)
    lat, lon = free_point(app, SAIHAN)
    row = [station.code, station.name, station.address, lat, lon, ";".join(station.amenities)]
    result = _cli_import(app, tmp_path, _csv([row]))
    assert result.exit_code == 0, result.output
    _moved_check(app, station, SAIHAN, "import", "cli")


def test_admin_import_moves_for_both_and_refuses_out_of_scope(app):
    station = station_in(app, XINCHENG)
    lat, lon = free_point(app, SAIHAN)
    row = [station.code, station.name, station.address, lat, lon, ";".join(station.amenities)]
    data = _csv([row])
    only, only_token = _admin(app, "xc", (XINCHENG,))
    before = snapshot(app)
    refused = _upload(only, only_token, data)
    assert refused.status_code == 422
    assert_unchanged(before, app)
    both, token = _admin(app, "both", (XINCHENG, SAIHAN))
    preview = _upload(both, token, data)
    assert preview.status_code == 200
    done = _confirm(both, token, preview)
    assert done.status_code in (200, 303), done.get_data(as_text=True)[:2000]
    _moved_check(app, station, SAIHAN, "import", "both")


def test_a_high_serial_of_its_own_does_not_block_a_district(app, tmp_path):
    """652301-9000 made every create in 652301 fail (9001 was a demo code)."""
    lat, lon = free_point(app, CHANGJI)
    row = [f"{CHANGJI}-9000", "九千号驿站", "", lat, lon, "water"]
    assert _cli_import(app, tmp_path, _csv([row])).exit_code == 0
    client, token = _admin(app, "cj", (CHANGJI,))
    form = new_form(lat + 0.003, lon, csrf_token=token)
    assert client.post("/admin/stations/new", data=form).status_code == 303
    assert _stations(app)[f"{CHANGJI}-9001"].name == "测试驿站"


def test_a_district_at_the_last_real_serial_is_refused_with_a_message(app, tmp_path):
    lat, lon = free_point(app, KUNMING_XISHAN)
    _insert_real(app, KUNMING_XISHAN, range(899_999, 900_000), lat + 0.01, lon)
    before = snapshot(app)
    result = _cli_import(app, tmp_path, _csv([["", "多一个驿站", "", lat, lon, "water"]]))
    assert result.exit_code == 1
    assert "used every station serial" in result.output
    assert_unchanged(before, app)


def test_a_district_at_the_last_real_serial_answers_409_in_the_api_and_editor(app):
    lat, lon = free_point(app, KUNMING_XISHAN)
    _insert_real(app, KUNMING_XISHAN, range(899_999, 900_000), lat + 0.01, lon)
    before = snapshot(app)
    secret = _api_token(app, "api", "superadmin", ())
    api = app.test_client().post(
        "/api/v1/stations",
        json={"name": "接口驿站", "lat": lat, "lon": lon},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert api.status_code == 409, api.get_json()
    assert api.get_json()["error"]["code"] == "codes_exhausted"
    client, token = _admin(app, "super", (), role="superadmin")
    editor = client.post("/admin/stations/new", data=new_form(lat, lon, csrf_token=token))
    assert editor.status_code == 409
    assert "序号（0001–899999）已用完" in editor.get_data(as_text=True)
    assert_unchanged(before, app)
