"""What administrators read (issue 13, point 7): times in the configured zone with the
zone named (Beijing time, not UTC), districts by name, and codes as Chinese words with
one label per status."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station, StationRevision
from tests.integration.admin_support import XINCHENG, login, make_user, station_in


def _import_change(app, runner, tmp_path, station: Station) -> None:
    """Change the station's amenities and status through an import (a revision)."""
    path = tmp_path / "change.csv"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "name", "lat", "lon", "datum", "amenities", "status"])
    writer.writerow(
        [station.code, station.name, station.lat, station.lon, "wgs84", "aed", "suspended"]
    )
    path.write_text(out.getvalue(), encoding="utf-8")
    result = runner.invoke(args=["import-stations", str(path)])
    assert result.exit_code == 0, result.output


def test_history_and_dashboard_show_beijing_time_and_chinese_words(app, runner, tmp_path):
    station = station_in(app, XINCHENG)
    _import_change(app, runner, tmp_path, station)
    with state(app).db.write_session() as session:
        revision = session.scalars(
            select(StationRevision).where(StationRevision.station_id == station.id)
        ).all()[-1]
        revision.created_at = datetime(2026, 12, 4, 14, 30, 5, tzinfo=UTC)  # 22:30 in Beijing
    make_user(app, "xc", "district_admin", (XINCHENG,))
    client = app.test_client()
    login(client, "xc")

    history = client.get(f"/admin/stations/{station.id}/history").get_data(as_text=True)
    assert "2026-12-04 22:30:05（北京时间）" in history
    assert "14:30" not in history and " UTC" not in history
    assert "<td>状态</td><td>正常开放</td><td>暂停服务</td>" in history
    assert "AED除颤仪" in history and "<td>aed</td>" not in history

    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "2026-12-04 22:30（北京时间）" in dashboard
    assert "暂停服务" in dashboard and "运营中" not in dashboard

    listing = client.get("/admin/stations").get_data(as_text=True)
    assert "<td>新城区</td>" in listing and f"<td>{XINCHENG}</td>" not in listing
    assert "正常开放" in listing or "暂停服务" in listing

    editor = client.get(f"/admin/stations/{station.id}").get_data(as_text=True)
    assert "区县 新城区" in editor


def test_dates_in_lists_are_the_local_day_not_the_utc_one(app):
    station = station_in(app, XINCHENG)
    with state(app).db.write_session() as session:
        stored = session.get(Station, station.id)
        # 23:00 UTC on the 4th is 07:00 on the 5th in Beijing: the day shown is the 5th.
        stored.verified_at = datetime(2026, 12, 4, 23, 0, tzinfo=UTC)
    make_user(app, "xc", "district_admin", (XINCHENG,))
    client = app.test_client()
    login(client, "xc")
    editor = client.get(f"/admin/stations/{station.id}").get_data(as_text=True)
    assert "核实时间 2026-12-05（北京时间）" in editor and "2026-12-04" not in editor
    listing = client.get("/admin/stations").get_data(as_text=True)
    assert "2026-12-05（北京时间）" in listing and "2026-12-04" not in listing
