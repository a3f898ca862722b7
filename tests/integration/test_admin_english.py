"""The admin in English (issue 13): with ``?lang=en`` (remembered in the ``lang``
cookie) every admin page, flash message, form error and import message is English,
apart from what users and offices wrote (station names, addresses, district names from
the boundary data); the same pages without it stay Chinese. One mechanism serves the
public pages and the admin."""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import District, PendingPlacement, Station
from tests.integration.admin_support import (
    XINCHENG,
    csrf_of,
    form_of,
    free_point,
    login,
    make_user,
    station_in,
)

# Han ideographs, CJK punctuation (、。“”「」) and full-width forms (：，（）).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# The switch to the Chinese page is written in Chinese on purpose, marked lang="zh".
# Hours as an office writes them: the English note quotes them as written.
OFFICE_HOURS = "每天8点到20点"
ZH_LINK = re.compile(r'<a [^>]*\blang="zh"[^>]*>[^<]*</a>')


def _data_strings(app) -> list[str]:
    """What users, offices and the boundary data wrote: never translated."""
    texts: set[str] = set()
    with state(app).db.session() as session:
        for station in session.scalars(select(Station)):
            texts |= {station.name, station.address, station.contact, station.phone}
            texts |= set(station.services)
            texts.add(station.opening_hours_text or "")
        texts |= set(session.scalars(select(District.name)))
        for row in session.scalars(select(PendingPlacement)):
            texts |= {row.name, row.address, row.source}
    return sorted((t for t in texts if t), key=len, reverse=True)


def _chrome_cjk(app, page: str, written: tuple[str, ...] = ()) -> list[str]:
    """Each piece of the page's own text (markup, attributes, labels, messages) that is
    Chinese, with some context: the page without the data strings and the language
    link. ``written``: further text from an uploaded file, quoted in its messages."""
    text = html_lib.unescape(ZH_LINK.sub("", page))
    for data in [*written, *_data_strings(app)]:
        text = text.replace(data, "")
    return [text[max(0, m.start() - 40) : m.end() + 40] for m in CJK.finditer(text)]


def _assert_english(app, response, status: int = 200, written: tuple[str, ...] = ()) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == status, page[:2000]
    assert '<html lang="en">' in page
    leftovers = _chrome_cjk(app, page, written)
    assert leftovers == [], leftovers[:5]
    return page


def _assert_chinese(response, *words: str, status: int = 200) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == status, page[:2000]
    assert '<html lang="zh-CN">' in page
    for word in words:
        assert word in page, word
    return page


def _csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["code", "name", "address", "lat", "lon", "amenities", "opening_hours", "datum"]
    )
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _upload(client: FlaskClient, token: str, data: bytes, lang: str):
    return client.post(
        f"/admin/import?lang={lang}",
        data={"csrf_token": token, "file": (io.BytesIO(data), "stations.csv")},
        content_type="multipart/form-data",
    )


@pytest.fixture
def admin(app) -> FlaskClient:
    make_user(app, "boss", "superadmin")
    client = app.test_client()
    login(client, "boss")
    return client


def test_the_language_is_asked_once_and_remembered_in_a_cookie(app, admin):
    first = admin.get("/admin/?lang=en")
    cookie = first.headers.get("Set-Cookie", "")
    assert cookie.startswith("lang=en;"), cookie
    assert "SameSite=Lax" in cookie
    max_age = int(re.search(r"Max-Age=(\d+)", cookie).group(1))
    assert max_age >= 180 * 24 * 3600
    # Without ?lang the cookie decides, on the admin and on the courier's pages alike.
    _assert_english(app, admin.get("/admin/stations"))
    public = admin.get("/")
    assert public.status_code == 200 and '<html lang="en">' in public.get_data(as_text=True)
    # The switch link in the admin header leads back to Chinese, keeping the query.
    listing = admin.get("/admin/stations?q=abc").get_data(as_text=True)
    assert 'href="/admin/stations?q=abc&amp;lang=zh"' in listing
    back = admin.get("/admin/stations?q=abc&lang=zh")
    assert back.headers.get("Set-Cookie", "").startswith("lang=zh;")
    _assert_chinese(admin.get("/admin/"), "概览", "按区县")
    # A JSON answer never sets the cookie.
    assert "Set-Cookie" not in admin.get("/api/v1/districts?lang=en").headers


def test_a_public_page_choice_carries_into_the_admin(app):
    make_user(app, "reader", "viewer")
    client = app.test_client()
    assert client.get("/?lang=en").status_code == 200
    login_page = client.get("/admin/login")
    _assert_english(app, login_page)
    assert "Administrator login" in login_page.get_data(as_text=True)
    login(client, "reader")
    page = _assert_english(app, client.get("/admin/"))
    assert "reader (read-only)" in page


def test_every_admin_page_in_english_has_no_chinese_chrome(app, admin):
    station = station_in(app, XINCHENG)
    dashboard = _assert_english(app, admin.get("/admin/?lang=en"))
    assert "Overview" in dashboard and "By district" in dashboard
    token = csrf_of(dashboard)

    for path in (
        "/admin/stations",
        "/admin/stations?deleted=1",
        "/admin/unverified",
        "/admin/stations/new",
        f"/admin/stations/{station.id}",
        "/admin/import",
        "/admin/pending",
        "/admin/print",
        "/admin/tokens",
    ):
        _assert_english(app, admin.get(f"{path}{'&' if '?' in path else '?'}lang=en"))
        # The same page in Chinese keeps its Chinese chrome.
        _assert_chinese(
            admin.get(f"{path}{'&' if '?' in path else '?'}lang=zh"), "驿站管理", "概览", "退出"
        )
    admin.get("/admin/?lang=en")

    # A save: its flash on the next page, then the history with Beijing time in English.
    saved = admin.post(
        f"/admin/stations/{station.id}?lang=en",
        data={
            **form_of(station, status="suspended", amenities=["water", "aed"]),
            "csrf_token": token,
        },
    )
    assert saved.status_code == 303, saved.get_data(as_text=True)[:2000]
    editor = _assert_english(app, admin.get(saved.headers["Location"]))
    assert "<li>Saved</li>" in editor
    history = _assert_english(app, admin.get(f"/admin/stations/{station.id}/history?lang=en"))
    assert "Suspended" in history and "AED" in history
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(Beijing time\)", history), history
    dashboard = _assert_english(app, admin.get("/admin/?lang=en"))
    assert "(Beijing time)" in dashboard and "Changed" in dashboard

    # A stale save: the conflict page.
    stale = admin.post(
        f"/admin/stations/{station.id}?lang=en",
        data={**form_of(station, name="Renamed"), "csrf_token": token},
    )
    page = _assert_english(app, stale, 409)
    assert "Edit conflict" in page

    # Tokens: created, then revoked with a flash.
    created = _assert_english(
        app, admin.post("/admin/tokens?lang=en", data={"name": "sync", "csrf_token": token})
    )
    token_id = re.search(r'action="/admin/tokens/(\d+)/revoke"', created).group(1)
    revoked = admin.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": token})
    page = _assert_english(app, admin.get(revoked.headers["Location"]))
    assert "Token revoked" in page and "Revoked" in page


def test_a_form_error_is_shown_again_in_english(app, admin):
    lat, lon = free_point(app, XINCHENG)
    token = csrf_of(admin.get("/admin/stations/new?lang=en").get_data(as_text=True))
    form = {
        "csrf_token": token,
        "name": "Test station",
        "lat": "north",
        "lon": f"{lon:.7f}",
        "datum": "wgs84",
        "host_type": "union",
        "status": "active",
    }
    page = _assert_english(app, admin.post("/admin/stations/new", data=form), 422)
    assert "Please correct these problems:" in page
    assert re.search(r'data-field="lat">Latitude: [A-Za-z]', page), page
    assert 'value="north"' in page

    form["lat"] = f"{lat:.7f}"
    form["opening_hours"] = "every day sometimes"
    page = _assert_english(app, admin.post("/admin/stations/new", data=form), 422)
    assert 'data-field="opening_hours">Opening hours: ' in page

    chinese = admin.post("/admin/stations/new?lang=zh", data={**form, "lat": "north"})
    page = _assert_chinese(chinese, "请改正以下问题：", 'data-field="lat">纬度：', status=422)
    assert re.search(r'data-field="lat">纬度：[^<]*[\u4e00-\u9fff]', page)


def test_import_preview_errors_and_notes_in_english(app, admin):
    token = csrf_of(admin.get("/admin/import?lang=en").get_data(as_text=True))
    lat, lon = free_point(app, XINCHENG)
    data = _csv(
        [
            ["", "Good row", "Road 1", lat, lon, "water", "24/7", "wgs84"],
            ["", "Bad row", "Road 2", "north", lon, "water", "24/7", "wgs84"],
        ]
    )
    preview = _upload(admin, token, data, "en")
    page = _assert_english(app, preview, 422)
    errors = re.search(
        r'<div class="error-summary" role="alert" id="import-errors">.*?</div>', page, re.S
    )
    assert errors, page[:3000]
    # The bad row (file row 3, under the header) named with its field, in English (the
    # preview groups a problem's rows, so the cell names them: "row 3").
    assert re.search(r"<td>row 3</td><td>D</td><td>Latitude</td><td>[A-Za-z]", errors.group(0)), (
        errors.group(0)
    )
    chinese = _upload(admin, token, data, "zh")
    page = _assert_chinese(chinese, "文件有错误，未导入任何内容", "<td>纬度</td>", status=422)

    # A good file with a row to place on the map: the preview, the confirmation's flash
    # and the list of rows to place, all in English.
    data = _csv(
        [
            ["", "Placed row", "Road 3", lat, lon, "water;toilet", OFFICE_HOURS, "wgs84"],
            ["", "Unplaced row", "Road 4", "", "", "", "", "wgs84"],
        ]
    )
    chinese = _upload(admin, token, data, "zh")
    _assert_chinese(chinese, "待定位：1 行有地址、没有坐标", "饮用水（冷热）、卫生间", "已按")
    preview = _upload(admin, token, data, "en")
    page = _assert_english(app, preview, written=(OFFICE_HOURS,))
    assert "To place: 1 rows have an address and no coordinates" in page
    # The catalogue's English names, and the note on how the hours were read.
    assert "<td>Drinking water, hot and cold, Toilet</td>" in page, page
    notes = re.search(r'<div class="notes" id="import-notes".*?</div>', page, re.S)
    assert notes and "were read as" in notes.group(0), page
    action = re.search(r'action="(/admin/import/[^"/]+)"', page).group(1)
    done = admin.post(action, data={"csrf_token": token})
    assert done.status_code == 303
    page = _assert_english(app, admin.get(done.headers["Location"]))
    assert "Import finished: 1 created" in page
    pending = _assert_english(app, admin.get("/admin/pending"))
    assert "Unplaced row" in pending and "Place on the map" in pending


def test_an_import_job_page_in_english(app, admin):
    from stationmap.models import User
    from stationmap.services.import_jobs import JobStore

    with state(app).db.session() as session:
        user_id = session.scalar(select(User.id).where(User.username == "boss"))
    store = JobStore(Path(app.instance_path) / "import-jobs")
    job = store.create(b"name,lat,lon\n", "x.csv", int(user_id), "boss", None)
    page = _assert_english(app, admin.get(f"/admin/import/jobs/{job.token}?lang=en"))
    assert "Reading and checking the file" in page
    _assert_chinese(admin.get(f"/admin/import/jobs/{job.token}?lang=zh"), "正在读取和检查文件")
