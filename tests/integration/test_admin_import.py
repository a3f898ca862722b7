"""Import and export in the admin: preview, all-or-nothing confirm, idempotence,
district scope, size limit, template, and an export of the scope that imports back
unchanged."""

from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile

import pytest
from sqlalchemy import func, select

from stationmap.app_state import state
from stationmap.models import Station, StationRevision
from stationmap.tabular import guards, template_xlsx
from tests.conftest import _copy_sqlite, _make_app
from tests.integration.admin_support import (
    SAIHAN,
    XINCHENG,
    free_point,
    login,
    make_user,
    page_csrf,
    station_in,
)
from tests.integration.unchanged import assert_unchanged, snapshot


@pytest.fixture
def xc(app):
    make_user(app, "xc", "district_admin", (XINCHENG,))
    client = app.test_client()
    login(client, "xc")
    return client, page_csrf(client)


def _count(app):
    with state(app).db.session() as session:
        return session.scalar(select(func.count()).select_from(Station))


def _csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    # These files say their datum (files that do not are asked about: test_placement).
    writer.writerow(
        ["code", "name", "address", "lat", "lon", "amenities", "opening_hours", "datum"]
    )
    writer.writerows([[*row, "wgs84"] for row in rows])
    return out.getvalue().encode("utf-8")


def _upload(client, token, data, filename="stations.csv"):
    return client.post(
        "/admin/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _confirm(client, token, preview):
    action = re.search(r'action="(/admin/import/[^"]+)"', preview.get_data(as_text=True))
    assert action, preview.get_data(as_text=True)[:3000]
    return client.post(action.group(1), data={"csrf_token": token})


def test_preview_then_confirm_then_same_file_changes_nothing(app, xc):
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    existing = station_in(app, XINCHENG)
    data = _csv(
        [
            ["", "新导入驿站", "新路1号", lat, lon, "water;toilet", "24/7"],
            [
                existing.code,
                existing.name,
                "改过的地址",
                existing.lat,
                existing.lon,
                ";".join(existing.amenities),
                existing.opening_hours or "",
            ],
        ]
    )
    before = _count(app)
    preview = _upload(client, token, data)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "将新建 <strong>1</strong> 个，更新 <strong>1</strong> 个" in html
    assert "改过的地址" in html and existing.code in html
    assert _count(app) == before  # a preview writes nothing
    done = _confirm(client, token, preview)
    assert done.status_code == 303
    assert _count(app) == before + 1
    with state(app).db.session() as session:
        assert session.get(Station, existing.id).address == "改过的地址"
        actions = session.scalars(
            select(StationRevision.action).where(StationRevision.actor == "xc")
        ).all()
        assert sorted(actions) == ["import", "import"]
    again = _upload(client, token, data)
    assert "将新建 <strong>0</strong> 个，更新 <strong>0</strong> 个" in again.get_data(
        as_text=True
    )
    assert 'id="confirm"' not in again.get_data(as_text=True)


def test_one_bad_row_rejects_the_whole_file_with_row_and_field(app, xc):
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    data = _csv(
        [
            ["", "好驿站", "", lat, lon, "water", ""],
            ["", "坏驿站", "", "91", lon, "jacuzzi", "Mo-Fr 8"],
        ]
    )
    before = snapshot(app)
    response = _upload(client, token, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    cells = r"<tr><td>—</td><td>第 (\d+) 行</td><td>([A-Z]+)</td><td>([^<]+)</td>"
    errors = re.findall(cells, html)
    assert ("3", "D", "纬度") in errors and ("3", "F", "服务设施") in errors
    assert ("3", "G", "开放时间") in errors
    assert 'id="confirm"' not in html
    assert_unchanged(before, app)


def test_rows_outside_the_scope_are_errors_and_nothing_is_imported(app, xc):
    client, token = xc
    mine_lat, mine_lon = free_point(app, XINCHENG)
    theirs_lat, theirs_lon = free_point(app, SAIHAN)
    other = station_in(app, SAIHAN)
    before = snapshot(app)
    response = _upload(
        client,
        token,
        _csv(
            [
                ["", "我的驿站", "", mine_lat, mine_lon, "", ""],
                ["", "别人的驿站", "", theirs_lat, theirs_lon, "", ""],
                [other.code, "改别人的", "", other.lat, other.lon, "", ""],
            ]
        ),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "不在您负责的区县内" in html and "属于您负责区县以外" in html
    assert_unchanged(before, app)


def test_upload_size_limit_gives_413(sqlite_templates, tmp_path):
    path = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
    _copy_sqlite(sqlite_templates[True], path)
    app = _make_app(f"sqlite:///{path}", tmp_path, STATIONMAP_IMPORT_MAX_BYTES="2000")
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    token = page_csrf(client)
    big = _csv([["", f"驿站{i}", "x" * 50, 40.8, 111.7, "", ""] for i in range(60)])
    before = snapshot(app)
    assert _upload(client, token, big).status_code == 413
    assert_unchanged(before, app)
    state(app).db.dispose()


def test_file_name_is_only_a_label(app, xc):
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    response = _upload(
        client, token, _csv([["", "名字", "", lat, lon, "", ""]]), filename="../../../etc/x.csv"
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "预览：x.csv" in html and "../" not in html


def test_pending_upload_belongs_to_its_uploader(app, xc):
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    preview = _upload(client, token, _csv([["", "名字", "", lat, lon, "", ""]]))
    action = re.search(r'action="(/admin/import/[^"]+)"', preview.get_data(as_text=True)).group(1)
    make_user(app, "root", "superadmin")
    other = app.test_client()
    login(other, "root")
    before = snapshot(app)
    assert other.post(action, data={"csrf_token": page_csrf(other)}).status_code == 404
    assert_unchanged(before, app)


def test_template_download(app, xc):
    client, _token = xc
    response = client.get("/admin/template.xlsx")
    assert response.status_code == 200
    assert response.data[:2] == b"PK"
    assert "attachment" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_export_of_the_scope_imports_back_unchanged(app, xc, fmt):
    client, token = xc
    # The test data are demo stations: exports leave them out unless asked.
    response = client.get("/admin/export", query_string={"format": fmt, "demo": "1"})
    assert response.status_code == 200
    data = response.data
    # The charset once: werkzeug added a second to a mimetype that had one.
    expected_type = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "geojson": "application/geo+json",
    }
    assert response.headers["Content-Type"] == expected_type[fmt]
    if fmt == "csv":
        text = data.decode("utf-8-sig")
        assert station_in(app, XINCHENG).code in text
        assert station_in(app, SAIHAN).code not in text
    preview = _upload(client, token, data, filename=f"export.{fmt}")
    assert preview.status_code == 200, preview.get_data(as_text=True)[:2000]
    assert "将新建 <strong>0</strong> 个，更新 <strong>0</strong> 个" in preview.get_data(
        as_text=True
    )


def test_export_neutralises_formulas(app, xc):
    client, _token = xc
    station = station_in(app, XINCHENG)
    with state(app).db.write_session() as session:
        session.get(Station, station.id).contact = '=HYPERLINK("http://x")'
    export = client.get("/admin/export", query_string={"format": "csv", "demo": "1"})
    text = export.data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def _history(app, code):
    with state(app).db.session() as session:
        return list(
            session.scalars(
                select(StationRevision)
                .join(Station, Station.id == StationRevision.station_id)
                .where(Station.code == code)
                .order_by(StationRevision.number)
            )
        )


def test_command_line_import_records_revisions_by_cli(app, runner, tmp_path):
    lat, lon = free_point(app, XINCHENG)
    existing = station_in(app, XINCHENG)
    path = tmp_path / "stations.csv"
    path.write_bytes(
        _csv(
            [
                ["", "命令行驿站", "", lat, lon, "water", "24/7"],
                [
                    existing.code,
                    existing.name,
                    "命令行改的地址",
                    existing.lat,
                    existing.lon,
                    ";".join(existing.amenities),
                    existing.opening_hours or "",
                ],
            ]
        )
    )
    dry = runner.invoke(args=["import-stations", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert _history(app, existing.code) == []
    result = runner.invoke(args=["import-stations", str(path)])
    assert result.exit_code == 0, result.output
    changed = _history(app, existing.code)
    assert [(r.action, r.actor, r.user_id) for r in changed] == [
        ("baseline", "（历史记录开始前）", None),
        ("import", "cli", None),
    ]
    assert changed[1].changes["address"] == [existing.address, "命令行改的地址"]
    assert changed[0].snapshot["address"] == existing.address  # restorable
    with state(app).db.session() as session:
        code = session.scalar(select(Station.code).where(Station.name == "命令行驿站"))
    created = _history(app, code)
    assert [(r.action, r.actor, r.number) for r in created] == [("import", "cli", 1)]
    assert created[0].snapshot["name"] == "命令行驿站" and created[0].snapshot["amenities"] == [
        "water"
    ]
    assert created[0].station_version == 1
    again = runner.invoke(args=["import-stations", str(path)])
    assert again.exit_code == 0, again.output
    assert len(_history(app, existing.code)) == 2 and len(_history(app, code)) == 1


def test_transfer_import_without_an_actor_keeps_no_history(app):
    """Only bulk loads with nothing to keep (demo data, benchmarks) pass no actor."""
    from stationmap.services import transfer

    lat, lon = free_point(app, XINCHENG)
    with state(app).db.write_session() as session:
        report = transfer.import_stations(session, _csv([["", "无历史", "", lat, lon, "", ""]]))
    assert report.ok and len(report.result.created) == 1
    assert _history(app, report.result.created[0]) == []


def _bomb_xlsx() -> bytes:
    """The real template with one extra part of 20 MB of zeros (about 20 kB packed)."""
    source = zipfile.ZipFile(io.BytesIO(template_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            bomb.writestr(info, source.read(info))
        bomb.writestr("xl/media/padding.bin", b"\0" * (20 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    ("limit", "message"),
    [(None, "倍的上限），不安全，已拒绝"), (1_000_000, "工作簿解压后超过 1,000,000 字节的上限")],
)
def test_zip_bomb_xlsx_upload_is_refused_with_a_clear_message(app, xc, monkeypatch, limit, message):
    client, token = xc
    if limit is not None:
        monkeypatch.setattr(guards, "MAX_UNCOMPRESSED_BYTES", limit)
    data = _bomb_xlsx()
    assert len(data) < 200_000
    before = snapshot(app)
    response = _upload(client, token, data, filename="bomb.xlsx")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'id="confirm"' not in html
    assert_unchanged(before, app)
