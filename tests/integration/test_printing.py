"""print-map and print-poster through the CLI on a real database."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader

from stationmap.app_state import state
from stationmap.services import printing
from stationmap.services.stations import save_inputs
from stationmap.station_fields import parse_station
from tests.conftest import _make_app


def _reader(path: Path) -> PdfReader:
    return PdfReader(io.BytesIO(path.read_bytes()))


def _names(app: Flask, district: str) -> list[str]:
    with state(app).db.session() as session:
        stations, _ = printing.district_stations(session, district)
    return [s.name for s in stations]


def test_print_map_writes_a_vector_pdf_with_every_station_named(app, runner, tmp_path):
    out = tmp_path / "map.pdf"
    result = runner.invoke(args=["print-map", "150102", "-o", str(out)])
    assert result.exit_code == 0, result.output
    reader = _reader(out)
    sizes = {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    }
    assert sizes == {(595, 842)}
    text = "".join(page.extract_text() for page in reader.pages)
    assert "新城区暖新驿站分布图" in text and "演示数据" in text
    names = _names(app, "150102")
    # Long names wrap onto two lines of their table cell: compare without line breaks.
    flat = "".join(text.split())
    assert names and all("".join(name.split()) in flat for name in names)
    fonts = {
        str(ref.get_object()["/BaseFont"])
        for page in reader.pages
        for ref in page["/Resources"]["/Font"].values()
    }
    assert any("WenQuanYi" in f for f in fonts)


def test_print_map_a3_landscape_and_amenity_filter(app, runner, tmp_path):
    out = tmp_path / "map.pdf"
    result = runner.invoke(
        args=[
            "print-map",
            "150102",
            "-o",
            str(out),
            "--paper",
            "A3",
            "--landscape",
            "--amenity",
            "aed",
            "--title",
            "新城区AED驿站",
        ]
    )
    assert result.exit_code == 0, result.output
    reader = _reader(out)
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (1191, 842)
    text = page.extract_text()
    assert "新城区AED驿站" in text and "仅含设施" in text
    with state(app).db.session() as session:
        with_aed, _ = printing.district_stations(session, "150102", ["aed"])
        every, _ = printing.district_stations(session, "150102")
    assert 0 < len(with_aed) < len(every)
    assert f"共 {len(with_aed)} 个驿站" in text


def test_print_map_png_is_300_dpi(runner, tmp_path):
    from PIL import Image

    out = tmp_path / "map.png"
    result = runner.invoke(args=["print-map", "652324", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with Image.open(out) as image:
        assert round(image.info["dpi"][0]) == 300
        assert abs(image.size[0] - 2480) <= 1
    assert (tmp_path / "map-2.png").exists()  # the table page


def test_print_map_refuses_an_unknown_district(runner, tmp_path):
    result = runner.invoke(args=["print-map", "999999", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0
    assert "no district 999999" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_table_pages_grow_with_the_number_of_stations(empty_app, tmp_path):
    runner = empty_app.test_cli_runner()
    counts = {}
    for total in (5, 120):
        inputs = [
            parse_station(
                {
                    "name": f"批量驿站{total}-{i:03d}",
                    "lat": 40.850 + (i % 12) * 0.0015,
                    "lon": 111.660 + (i // 12) * 0.0015,
                    "address": f"新城区测试路{i}号",
                    "opening_hours": "24/7",
                    "amenities": "water;toilet",
                    "phone": "0471-1234567",
                }
            )
            for i in range(total)
        ]
        with state(empty_app).db.write_session() as session:
            save_inputs(session, inputs)
        out = tmp_path / f"map-{total}.pdf"
        result = runner.invoke(args=["print-map", "150102", "-o", str(out)])
        assert result.exit_code == 0, result.output
        counts[total] = len(_reader(out).pages)
    assert counts[5] == 2  # the map and one table page
    # 125 rows overflow onto a second table page (and the pages are counted right).
    reader = _reader(tmp_path / "map-120.pdf")
    table = [page.extract_text() for page in reader.pages if "驿站一览" in page.extract_text()]
    assert len(table) >= 2 and counts[120] > counts[5]
    assert f"第 {counts[120]} / {counts[120]} 页" in table[-1]
    text = _reader(tmp_path / "map-120.pdf").pages[0].extract_text()
    assert "演示数据" not in text


def test_print_poster_for_one_station_and_for_a_district(app, runner, tmp_path):
    with state(app).db.session() as session:
        stations = printing.poster_stations(session, district="652324")
    one = tmp_path / "one.pdf"
    result = runner.invoke(args=["print-poster", stations[0].code, "-o", str(one)])
    assert result.exit_code == 0, result.output
    reader = _reader(one)
    assert len(reader.pages) == 1
    assert stations[0].name in reader.pages[0].extract_text()

    batch = tmp_path / "batch.pdf"
    result = runner.invoke(args=["print-poster", "--district", "652324", "-o", str(batch)])
    assert result.exit_code == 0, result.output
    reader = _reader(batch)
    assert len(reader.pages) == len(stations)
    for page, station in zip(reader.pages, stations, strict=True):
        assert station.code in page.extract_text()


def test_print_poster_needs_exactly_one_target(runner, tmp_path):
    out = str(tmp_path / "p.pdf")
    assert runner.invoke(args=["print-poster", "-o", out]).exit_code != 0
    assert (
        runner.invoke(
            args=["print-poster", "150102-900001", "--district", "150102", "-o", out]
        ).exit_code
        != 0
    )
    missing = runner.invoke(args=["print-poster", "150102-0000", "-o", out])
    assert missing.exit_code != 0 and "no station" in missing.output


def test_base_map_source_and_approval_come_from_configuration(app, tmp_path, monkeypatch):
    monkeypatch.setenv("STATIONMAP_BASEMAP_SOURCE", " 天地图 ")
    monkeypatch.setenv("STATIONMAP_BASEMAP_APPROVAL", "GS(2024)0650号")
    # Read at start, like every setting: a second app on the same database.
    configured = _make_app(state(app).settings.database_url, tmp_path)
    out = tmp_path / "map.pdf"
    result = configured.test_cli_runner().invoke(args=["print-map", "652324", "-o", str(out)])
    state(configured).db.dispose()
    assert result.exit_code == 0, result.output
    text = _reader(out).pages[0].extract_text()
    assert "底图：天地图" in text and "审图号：GS(2024)0650号" in text


@pytest.mark.parametrize("code", ["150100"])
def test_a_city_map_draws_its_child_districts(app, code):
    with state(app).db.session() as session:
        area = printing.map_area(session, code)
    assert {c.code for c in area.children} >= {"150102", "150103", "150104", "150105"}
    assert [p.code for p in area.parents] == ["150000"]
