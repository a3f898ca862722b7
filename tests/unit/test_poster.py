"""Station door posters: A4 portrait, readable text, icons, a QR code to /s/<code>."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from stationmap.catalog import AMENITY_CODES
from stationmap.render.poster import ICONS, PosterStation, build_poster, posters_pdf
from stationmap.render.sheet import PrintSettings, pdf_bytes, png_bytes

SETTINGS = PrintSettings(public_url="https://map.example.cn")
STATION = PosterStation(
    code="150102-0007",
    name="海拉尔东路社区户外劳动者服务站",
    address="内蒙古自治区呼和浩特市新城区海拉尔东路12号",
    host_type="community",
    amenities=("water", "toilet", "phone_charging", "microwave", "aed"),
    opening_hours="Mo-Fr 08:00-20:00; PH off",
    phone="0471-6563358",
    district_name="新城区",
)


def test_every_amenity_has_an_icon():
    assert set(ICONS) == set(AMENITY_CODES)


def test_poster_is_an_a4_portrait_page_with_extractable_text():
    fig, _ = build_poster(STATION, SETTINGS)
    reader = PdfReader(io.BytesIO(pdf_bytes([fig])))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = page.extract_text()
    for expected in (STATION.name, STATION.code, "0471-6563358", "饮用水", "卫生间", "周一至周五"):
        assert expected in text, expected
    assert "演示" not in text


def test_poster_qr_code_opens_the_station_page():
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    fig, layout = build_poster(STATION, SETTINGS)
    assert layout.url == "https://map.example.cn/s/150102-0007"
    assert layout.qr_size >= 60  # large enough to scan from a step away
    image = Image.open(io.BytesIO(png_bytes(fig, dpi=100)))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [layout.url]


def test_a_batch_is_one_page_per_station_and_marks_demo():
    stations = [
        PosterStation(code=f"150102-{9001 + i}", name=f"演示驿站{i}", is_demo=True)
        for i in range(3)
    ]
    reader = PdfReader(io.BytesIO(posters_pdf(stations, SETTINGS)))
    assert len(reader.pages) == 3
    assert "演示数据" in reader.pages[2].extract_text()
    assert "演示驿站2" in reader.pages[2].extract_text()


def test_each_page_of_a_batch_shows_only_its_own_station():
    """The batch reuses one sheet: nothing of a station is left on the next page."""
    demo = PosterStation(code="150102-9001", name="演示驿站甲", is_demo=True, host_type="bank")
    reader = PdfReader(io.BytesIO(posters_pdf([demo, STATION, demo], SETTINGS, title="批量")))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 3
    assert pages[0] == pages[2]
    assert "演示驿站甲" in pages[0] and "演示数据" in pages[0]
    assert "https://map.example.cn/s/150102-9001" in pages[0]
    second = pages[1]
    assert STATION.name in second and "https://map.example.cn/s/150102-0007" in second
    for gone in ("演示", "150102-9001", "暂无设施信息"):
        assert gone not in second, gone
    assert "扫一扫" in second and "stationmap · https://map.example.cn" in second
    assert reader.metadata.title == "批量"


def test_every_page_of_a_batch_pdf_scans_to_its_own_station():
    """Each page of the PDF itself, rendered by an independent renderer (PDFium), holds
    one QR code that a decoder (zxing-cpp) reads as that page's station URL."""
    zxingcpp = pytest.importorskip("zxingcpp")
    pdfium = pytest.importorskip("pypdfium2")
    stations = [STATION] + [
        PosterStation(code=f"150105-{k:04d}", name=f"赛罕区第{k}号户外劳动者服务站")
        for k in (1, 27, 999)
    ]
    pdf = posters_pdf(stations, SETTINGS)
    names = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    document = pdfium.PdfDocument(pdf)
    try:
        for station, page, text in zip(stations, document, names, strict=True):
            image = page.render(scale=100 / 72).to_pil()
            found = [r.text for r in zxingcpp.read_barcodes(image)]
            assert found == [f"https://map.example.cn/s/{station.code}"]
            assert station.name in text
    finally:
        document.close()


# Real names run long: an office's full name of a street station (60 characters).
LONG_NAME = (
    "内蒙古自治区呼和浩特市新城区海拉尔东街街道办事处"
    "锡林北路社区党群服务中心户外劳动者服务站点暨工会爱心驿站"
    "北门第一分站临时"
)


@pytest.mark.parametrize("length", [30, 52, 60])
def test_a_long_station_name_is_printed_whole_on_its_poster(length):
    """The door poster carries the station's whole name (a smaller size when needed),
    never the name cut with an ellipsis, up to 60 characters."""
    name = LONG_NAME[:length]
    assert len(name) == length
    fig, _ = build_poster(PosterStation(code="150102-0008", name=name), SETTINGS)
    text = PdfReader(io.BytesIO(pdf_bytes([fig]))).pages[0].extract_text()
    assert name in text.replace("\n", "")
    assert "…" not in text
