"""The admin print buttons: a district map (A4/A3, portrait/landscape, PDF/PNG) and a
poster batch per district, as downloads, only for districts in the user's scope."""

from __future__ import annotations

import io
from html import escape as html_escape

import pytest
from pypdf import PdfReader

from stationmap.app_state import state
from stationmap.models import District
from tests.integration.admin_support import SAIHAN, XINCHENG, login, make_user


@pytest.fixture
def xc(app):
    """A logged-in district admin of 新城区."""
    make_user(app, "xc", "district_admin", (XINCHENG,))
    client = app.test_client()
    login(client, "xc")
    return client


def _points(page) -> tuple[int, int]:
    return round(float(page.mediabox.width)), round(float(page.mediabox.height))


def test_print_page_offers_only_the_districts_in_scope(xc):
    html = xc.get("/admin/print").get_data(as_text=True)
    assert f"/admin/print/{XINCHENG}/map" in html
    assert f"/admin/print/{XINCHENG}/posters" in html
    assert f"/admin/print/{SAIHAN}/" not in html
    assert 'href="/admin/print"' in xc.get("/admin/").get_data(as_text=True)


def test_district_map_downloads_as_a_pdf_of_the_paper_asked_for(xc):
    response = xc.get(f"/admin/print/{XINCHENG}/map?paper=A3&orientation=landscape&format=pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f"attachment; filename=district-{XINCHENG}-A3-landscape.pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) >= 2  # the map sheet and the station table
    assert {_points(page) for page in reader.pages} == {(1191, 842)}
    assert "新城区暖新驿站分布图" in reader.pages[0].extract_text()


def test_district_map_as_png_is_the_map_sheet_at_300_dpi(xc):
    from PIL import Image

    response = xc.get(f"/admin/print/{XINCHENG}/map?paper=A4&format=png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].endswith(f"district-{XINCHENG}-A4-portrait.png")
    image = Image.open(io.BytesIO(response.data))
    assert abs(image.size[0] - 2480) <= 1 and abs(image.size[1] - 3508) <= 1


def test_poster_batch_has_one_page_per_active_station(app, xc):
    from stationmap.app_state import state
    from stationmap.services import printing

    with state(app).db.session() as session:
        expected = len(printing.poster_stations(session, district=XINCHENG))
    response = xc.get(f"/admin/print/{XINCHENG}/posters")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename=posters-{XINCHENG}.pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == expected > 0
    assert {_points(page) for page in reader.pages} == {(595, 842)}


@pytest.mark.parametrize(
    "path",
    [
        f"/admin/print/{SAIHAN}/map",
        f"/admin/print/{SAIHAN}/posters",
        "/admin/print/999999/map",
        "/admin/print/..%2F..%2Fetc/map",
        "/admin/print/150102%0D%0AX-Evil:1/map",
    ],
)
def test_districts_outside_the_scope_answer_404_like_missing_ones(xc, path):
    assert xc.get(path).status_code == 404


def test_a_city_admin_prints_its_child_districts(app):
    make_user(app, "city", "district_admin", ("150100",))
    client = app.test_client()
    login(client, "city")
    assert client.get(f"/admin/print/{SAIHAN}/posters").status_code == 200


@pytest.mark.parametrize(
    "query", ["paper=A5", "format=svg", "orientation=sideways", "format=pdf&paper=a4"]
)
def test_bad_print_options_are_refused_with_400(xc, query):
    assert xc.get(f"/admin/print/{XINCHENG}/map?{query}").status_code == 400


def test_printing_needs_a_login(app):
    client = app.test_client()
    response = client.get(f"/admin/print/{XINCHENG}/map")
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["Location"]


def test_a_viewer_may_print(app):
    make_user(app, "viewer", "viewer", (XINCHENG,))
    client = app.test_client()
    login(client, "viewer")
    assert client.get(f"/admin/print/{XINCHENG}/map").status_code == 200
    assert client.get(f"/admin/print/{SAIHAN}/map").status_code == 404


@pytest.fixture
def root(app):
    """A logged-in superadmin (every district is in scope)."""
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    return client


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("zh", "行政区 150102 没有边界，无法印制地图：请先添加它的边界（add-district 150102）"),
        ("en", "district 150102 has no boundary to print"),
    ],
)
def test_a_district_without_a_boundary_is_told_in_the_interface_language(app, root, lang, message):
    with state(app).db.write_session() as session:
        district = session.get(District, XINCHENG)
        district.boundary_geojson = None
        district.min_lon = district.min_lat = district.max_lon = district.max_lat = None
    response = root.get(f"/admin/print/{XINCHENG}/map?lang={lang}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert ("没有" in html) == (lang == "zh")


@pytest.mark.parametrize("what", ["map", "posters"])
@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (
            "zh",
            "服务器上没有印制所需的中文字体：请安装 WenQuanYi Micro Hei（文泉驿微米黑，"
            "Debian 上运行 `apt-get install fonts-wqy-microhei`）后再试。",
        ),
        (
            "en",
            "No CJK font for printed sheets: install WenQuanYi Micro Hei "
            "(Debian: `apt-get install fonts-wqy-microhei`), then run again.",
        ),
    ],
)
def test_a_missing_font_is_told_in_the_interface_language(xc, monkeypatch, what, lang, message):
    from matplotlib import font_manager

    from stationmap.render import sheet

    sheet.cjk_font_path.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(sheet, "FONT_FILES", ())
    try:
        response = xc.get(f"/admin/print/{XINCHENG}/{what}?lang={lang}")
    finally:
        sheet.cjk_font_path.cache_clear()
    assert response.status_code == 500
    assert html_escape(message) in response.get_data(as_text=True)
