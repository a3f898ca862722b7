"""The printed district map builder: page sizes, fonts, text, scale bar, labels, QR."""

from __future__ import annotations

import io
import itertools
import math
import re

import numpy as np
import pytest
from pypdf import PdfReader
from pyproj import CRS, Geod, Transformer
from shapely.geometry import box

from stationmap.geo.districts import DistrictShape
from stationmap.render import sheet
from stationmap.render.labels import boxes_overlap, place_labels
from stationmap.render.printmap import (
    MapArea,
    MapOptions,
    MapStation,
    build_district_map,
    nice_scale,
)
from stationmap.render.sheet import PrintSettings, hours_zh, wrap

SETTINGS = PrintSettings(public_url="https://map.example.cn")
PROVINCE = DistrictShape("150000", "内蒙古自治区", "province", None, box(106, 37, 120, 45), "t")
CITY = DistrictShape("150100", "呼和浩特市", "city", "150000", box(110.5, 40.0, 112.5, 41.5), "t")
COUNTY = DistrictShape("150102", "新城区", "county", "150100", box(111.6, 40.8, 112.0, 41.1), "t")
AREA = MapArea(COUNTY, parents=(CITY, PROVINCE))


def _stations(n: int, seed: int = 1, spread_deg: float = 0.012) -> list[MapStation]:
    """A dense urban core plus a few outlying stations, deterministic."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        if i % 6 == 5:
            lat, lon = rng.uniform(40.82, 41.08), rng.uniform(111.62, 111.98)
        else:
            lat, lon = 40.85 + rng.normal(0, spread_deg), 111.70 + rng.normal(0, spread_deg)
        out.append(
            MapStation(
                code=f"150102-{i + 1:04d}",
                name=f"测试驿站{i + 1:03d}号",
                lat=float(lat),
                lon=float(lon),
                address=f"内蒙古自治区呼和浩特市新城区人民路{i + 1}号",
                host_type=("community", "union", "pharmacy", "bank")[i % 4],
                amenities=("water", "toilet", "phone_charging"),
                opening_hours="Mo-Fr 08:00-20:00; Sa,Su 10:00-16:00",
                phone="0471-1234567",
                is_demo=i == 0,
            )
        )
    return out


@pytest.fixture(scope="module")
def a4_map():
    return build_district_map(AREA, _stations(40), SETTINGS, MapOptions(data_date=None))


@pytest.fixture(scope="module")
def a4_pdf(a4_map) -> PdfReader:
    return PdfReader(io.BytesIO(a4_map.pdf()))


def _size(page) -> tuple[int, int]:
    return round(float(page.mediabox.width)), round(float(page.mediabox.height))


@pytest.mark.parametrize(
    ("paper", "landscape", "size"),
    [
        ("A4", False, (595, 842)),
        ("A4", True, (842, 595)),
        ("A3", False, (842, 1191)),
        ("A3", True, (1191, 842)),
    ],
)
def test_every_page_has_the_paper_size_asked_for(paper, landscape, size):
    built = build_district_map(
        AREA, _stations(12), SETTINGS, MapOptions(paper=paper, landscape=landscape)
    )
    reader = PdfReader(io.BytesIO(built.pdf()))
    assert len(reader.pages) >= 2
    assert {_size(page) for page in reader.pages} == {size}


def test_the_cjk_font_is_embedded_as_truetype(a4_pdf):
    fonts = []
    for page in a4_pdf.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts.append(str(font["/BaseFont"]))
            if "WenQuanYi" in str(font["/BaseFont"]):
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                assert "/FontFile2" in descriptor.get_object()
    assert any("WenQuanYi" in name for name in fonts), fonts


def test_title_and_station_names_are_extractable_text(a4_map, a4_pdf):
    text = "".join(page.extract_text() for page in a4_pdf.pages)
    assert "新城区暖新驿站分布图" in text
    for station in a4_map.stations:
        assert station.name in text
    assert "演示数据" in text  # one demo station marks the sheet


def test_dollar_signs_in_a_title_are_printed_not_parsed_as_mathtext():
    title = r"新城区 $\frac{1}{$ 价格 $5 至 $8"  # four: an even count is what mathtext parses
    built = build_district_map(AREA, _stations(3), SETTINGS, MapOptions(title=title))
    first = PdfReader(io.BytesIO(built.pdf())).pages[0].extract_text()
    assert "$\\frac{1}{$" in first


def test_the_table_flows_onto_more_pages_when_long():
    few = build_district_map(AREA, _stations(10), SETTINGS)
    many = build_district_map(AREA, _stations(150), SETTINGS)
    assert len(few.figures) == 2
    assert len(many.figures) > len(few.figures) + 2
    reader = PdfReader(io.BytesIO(many.pdf()))
    last = reader.pages[-1].extract_text()
    assert f"第 {len(reader.pages)} / {len(reader.pages)} 页" in last


def _table_lines(figure) -> list[tuple[float, float, str]]:
    """(x, y, text) of every cell line on a table page, in paper mm."""
    from stationmap.render.textlines import TextLines

    texts = [a for a in figure.axes[0].artists if isinstance(a, TextLines)]
    body = max(texts, key=lambda lines: len(lines.texts))
    return [(float(x), float(y), t) for (x, y), t in zip(body.xy, body.texts, strict=True)]


def test_table_cells_share_row_baselines_and_column_edges():
    """Drawn a page at a time as one artist, the table keeps its columns aligned and
    every cell's first line on its row's baseline, whatever the cells' lengths; every
    name and page number stays extractable text."""
    from stationmap.render.table import COLUMNS, TablePageSpec, TableRow, line_pitch_mm, table_pages

    rows = [
        TableRow(
            str(i + 1),
            (
                "测试驿站" * (1 + i % 4) + f"{i + 1}号",
                f"人民路{i + 1}号",
                ("周一至周五 08:00-20:00；周六、周日 10:00-16:00；节假日 休息", "全天24小时", "")[
                    i % 3
                ],
                "0471-1234567",
                "饮用水、卫生间",
            ),
        )
        for i in range(90)
    ]
    spec = TablePageSpec(title="新城区 驿站一览", footer="测试", demo=False)
    with sheet.sheet_style():
        pages = table_pages(rows, spec, (210.0, 297.0), 10.0, 2, 1)
    assert len(pages) >= 2
    pitch = line_pitch_mm()
    numbers: list[str] = []
    for page in pages:
        lines = _table_lines(page)
        columns = sorted({x for x, _, _ in lines})
        assert len(columns) == len(COLUMNS)
        starts = {y: text for x, y, text in lines if x == columns[0]}  # a row each
        for y in starts:
            assert sorted(x for x, yy, _ in lines if yy == y) == columns
        for _, y, _ in lines:
            # Further lines of a cell hang below its row's baseline at the line pitch.
            below = min(r - y for r in starts if r >= y - 1e-9)
            assert below / pitch == pytest.approx(round(below / pitch), abs=1e-9)
            assert round(below / pitch) < 3
        numbers += [starts[y] for y in sorted(starts, reverse=True)]
    assert numbers == [row.number for row in rows]
    reader = PdfReader(io.BytesIO(sheet.pdf_bytes(pages)))
    flat = "".join("".join(page.extract_text() for page in reader.pages).split())
    assert all(row.cells[0] in flat for row in rows)
    total = len(pages) + 1
    assert f"第 {total} / {total} 页" in reader.pages[-1].extract_text()


def test_scale_bar_states_the_geodesic_distance_it_spans(a4_map):
    bar = a4_map.scale_bar
    inverse = Transformer.from_crs(CRS.from_proj4(bar.crs), CRS.from_epsg(4326), always_xy=True)
    lon0, lat0 = inverse.transform(*bar.start_m)
    lon1, lat1 = inverse.transform(*bar.end_m)
    spanned = Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)[2]
    assert abs(spanned - bar.stated_m) / bar.stated_m < 0.02
    assert abs(spanned - bar.stated_m) < 1.0  # in fact to the metre
    # The drawn length on paper is the projected length at the map scale.
    drawn_mm = bar.end_mm[0] - bar.start_mm[0]
    assert math.isclose(
        drawn_mm * a4_map.scale_denominator / 1000, bar.end_m[0] - bar.start_m[0], rel_tol=1e-9
    )
    assert bar.label.startswith(f"{bar.stated_m / 1000:g} ")


def test_the_projection_is_centred_on_the_district(a4_map):
    crs = CRS.from_proj4(a4_map.crs)
    assert "Azimuthal Equidistant" in crs.to_wkt() or "aeqd" in a4_map.crs
    assert "+lat_0=40.950000" in a4_map.crs and "+lon_0=111.800000" in a4_map.crs


@pytest.mark.parametrize(
    ("metres_per_mm", "expected"), [(0.9, 1000), (26.0, 30000), (180.0, 200000), (249.9, 250000)]
)
def test_map_scale_is_rounded_to_a_familiar_value(metres_per_mm, expected):
    assert nice_scale(metres_per_mm) == expected


def _panel_boxes(built) -> list[list]:
    """The labels of each panel: the main map, then each enlarged core."""
    return [built.labels, *(inset.labels for inset in built.insets)]


def test_every_station_is_numbered_once(a4_map):
    numbered = sorted(
        [lab.index for lab in a4_map.labels] + [lab.index for lab in a4_map.inset_labels]
    )
    assert numbered == list(range(len(a4_map.stations)))
    assert a4_map.unplaced == []


@pytest.mark.parametrize("count", [40, 150])
def test_label_boxes_never_overlap_each_other_or_markers(count, a4_map):
    built = a4_map if count == 40 else build_district_map(AREA, _stations(count), SETTINGS)
    assert built.inset_members, "a dense core gets an enlarged inset"
    for labels in _panel_boxes(built):
        for a, b in itertools.combinations(labels, 2):
            assert not boxes_overlap(a.box, b.box), (a, b)
        for lab in labels:
            for other in labels:
                if other.index != lab.index:
                    r = 1.05
                    marker = (
                        other.anchor_x - r,
                        other.anchor_y - r,
                        other.anchor_x + r,
                        other.anchor_y + r,
                    )
                    assert not boxes_overlap(lab.box, marker), (lab, other)


def test_drawn_numbers_fit_inside_their_label_boxes(a4_map):
    """The text matplotlib draws for a label, as the renderer measures it, lies within
    the box the placer reserved."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from stationmap.render.textlines import TextLines

    fig = a4_map.figures[0]
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    px_per_mm = fig.dpi / 25.4
    boxes = {lab.text: lab for lab in [*a4_map.labels, *a4_map.inset_labels]}
    checked = 0
    for ax in fig.axes[1:]:
        for lines in ax.artists:
            if not isinstance(lines, TextLines):
                continue
            for (x, y), text in zip(lines.origins(renderer), lines.texts, strict=True):
                lab = boxes.get(text)
                if lab is None or not text.isdigit():
                    continue
                width, height, descent = renderer.get_text_width_height_descent(
                    text, lines.font, ismath=False
                )
                assert lab.x0 * px_per_mm - 0.5 <= x and x + width <= lab.x1 * px_per_mm + 0.5
                assert lab.y0 * px_per_mm - 0.5 <= y - descent
                assert y - descent + height <= lab.y1 * px_per_mm + 0.5
                checked += 1
    assert checked >= len(a4_map.stations) // 2


def _three_cores(n: int) -> list[MapStation]:
    """``n`` stations in three dense urban cores (sigma about 400 m) and a sprinkle over
    the county: the worst case for numbers on a printed map."""
    rng = np.random.default_rng(7)
    cores = ((40.86, 111.70), (40.95, 111.86), (41.04, 111.74))
    out = []
    for i in range(n):
        if i % 10 == 9:
            lat, lon = rng.uniform(40.81, 41.09), rng.uniform(111.61, 111.99)
        else:
            c_lat, c_lon = cores[i % 3]
            lat, lon = c_lat + rng.normal(0, 0.0036), c_lon + rng.normal(0, 0.0048)
        out.append(MapStation(code=f"150102-{i + 1:04d}", name=f"驿站{i + 1}", lat=lat, lon=lon))
    return out


def _overlapping_pairs(boxes: np.ndarray, others: np.ndarray | None = None) -> int:
    """How many pairs of boxes (x0, y0, x1, y1 rows) overlap; with ``others``, how many
    (box, other) pairs do."""
    b = boxes[:, None, :]
    o = (boxes if others is None else others)[None, :, :]
    hit = (b[..., 0] < o[..., 2] - 1e-6) & (o[..., 0] < b[..., 2] - 1e-6)
    hit &= (b[..., 1] < o[..., 3] - 1e-6) & (o[..., 1] < b[..., 3] - 1e-6)
    if others is None:
        return int(np.triu(hit, k=1).sum())
    return int(hit.sum())


@pytest.fixture(scope="module")
def dense_a3():
    return build_district_map(AREA, _three_cores(1000), SETTINGS, MapOptions(paper="A3"))


def test_a_thousand_stations_in_three_cores_all_get_a_readable_number(dense_a3):
    """Every station is numbered exactly once, on the main map or in one enlarged core,
    in type no smaller than the legible minimum."""
    from stationmap.render.insets import MIN_LABEL_PT

    built = dense_a3
    numbered = [lab.index for panel in _panel_boxes(built) for lab in panel]
    assert sorted(numbered) == list(range(1000))
    assert built.unplaced == []
    assert len(built.insets) >= 2, "several cores get their own insets"
    assert built.label_font_pt >= MIN_LABEL_PT
    for inset in built.insets:
        assert inset.font_pt >= MIN_LABEL_PT
        assert {lab.index for lab in inset.labels} == set(inset.members)
        for lab in inset.labels:
            assert lab.text == str(lab.index + 1)


def test_a_thousand_station_pdf_names_every_station_in_extractable_text(dense_a3):
    """All 1,000 names come back out of the PDF with an independent reader (pypdf), and
    the pages' text ends with the last page number."""
    reader = PdfReader(io.BytesIO(dense_a3.pdf()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    found = {int(n) for n in re.findall(r"驿站(\d+)", text)}
    assert found == set(range(1, 1001))
    total = len(reader.pages)
    assert f"第 {total} / {total} 页" in reader.pages[-1].extract_text()


def test_a_thousand_stations_no_two_number_boxes_overlap(dense_a3):
    built = dense_a3
    r = 1.05
    main = np.array([lab.box for lab in built.labels])
    assert _overlapping_pairs(main) == 0
    # Nor does a main-map number cover any marker but its own (cores included).
    markers = np.column_stack((built.points_mm - r, built.points_mm + r))
    hits = [
        (lab.index, k)
        for lab, row in zip(built.labels, main, strict=True)
        for k in np.flatnonzero(
            (row[0] < markers[:, 2] - 1e-6)
            & (markers[:, 0] < row[2] - 1e-6)
            & (row[1] < markers[:, 3] - 1e-6)
            & (markers[:, 1] < row[3] - 1e-6)
        )
        if k != lab.index
    ]
    assert hits == []
    # Cores' numbers stay off the main map's.
    cores = np.array([inset.core for inset in built.insets])
    assert _overlapping_pairs(main, cores) == 0
    for inset in built.insets:
        boxes = np.array([lab.box for lab in inset.labels])
        assert _overlapping_pairs(boxes) == 0, inset.letter
        anchors = np.array([(lab.anchor_x, lab.anchor_y) for lab in inset.labels])
        own = np.column_stack((anchors - r, anchors + r))
        assert _overlapping_pairs(boxes, own) == 0 or all(
            _overlapping_pairs(boxes[k : k + 1], np.delete(own, k, axis=0)) == 0
            for k in range(len(boxes))
        ), inset.letter
    # Panels on the same page keep apart.
    for a, b in itertools.combinations(built.insets, 2):
        if a.page == b.page:
            assert not boxes_overlap(a.frame, b.frame)
    assert all(0 <= inset.page < len(built.figures) for inset in built.insets)


def test_placer_leaves_a_point_unplaced_rather_than_overlap():
    points = np.array([[10.0, 10.0]] * 30)
    frame = (0.0, 0.0, 20.0, 20.0)
    placed = place_labels(
        points, [str(i) for i in range(30)], 7, frame, marker_r_mm=1.0, max_leader_mm=3.0
    )
    done = [p for p in placed if p is not None]
    assert 0 < len(done) < 30
    for a, b in itertools.combinations(done, 2):
        assert not boxes_overlap(a.box, b.box)


def test_placer_giving_up_early_keeps_what_it_placed():
    """``max_unplaced`` only cuts the work short: labels placed before the placer gives
    up are where a full run puts them, and a limit it never reaches changes nothing."""
    rng = np.random.default_rng(3)
    points = rng.normal(50.0, 6.0, size=(300, 2))
    texts = [str(i + 1) for i in range(300)]
    frame = (0.0, 0.0, 100.0, 100.0)
    full = place_labels(points, texts, 7, frame, marker_r_mm=1.05)
    failures = sum(lab is None for lab in full)
    assert 0 < failures < 300
    assert place_labels(points, texts, 7, frame, marker_r_mm=1.05, max_unplaced=failures) == full
    early = place_labels(points, texts, 7, frame, marker_r_mm=1.05, max_unplaced=0)
    kept = [lab for lab in early if lab is not None]
    assert 0 < len(kept) < len(full) - failures
    assert all(lab == full[lab.index] for lab in kept)


@pytest.mark.parametrize(("count", "fits"), [(20, True), (600, False)])
def test_a_core_goes_on_the_sheet_only_if_all_its_numbers_fit(count, fits):
    from stationmap.render.insets import Inset, fit_panel

    rng = np.random.default_rng(5)
    xy = rng.normal(100.0, 4.0, size=(count, 2))
    core = (*(xy.min(axis=0) - 3), *(xy.max(axis=0) + 3))
    inset = Inset("A", core, list(range(count)))
    numbers = [str(i + 1) for i in range(count)]
    panel = (10.0, 10.0, 110.0, 80.0)
    assert fit_panel(inset, xy, numbers, panel, 7.0, 1.05, allow_list=False) is fits
    if fits:
        assert sorted(lab.index for lab in inset.labels) == list(range(count))
        boxes = np.array([lab.box for lab in inset.labels])
        assert _overlapping_pairs(boxes) == 0
    else:
        assert inset.labels == [] and inset.zoom == 1.0  # nothing set


def test_qr_code_on_the_map_sheet_opens_the_district_map(a4_map):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    image = Image.open(io.BytesIO(sheet.png_bytes(a4_map.figures[0], dpi=150)))
    found = {r.text for r in zxingcpp.read_barcodes(image)}
    assert "https://map.example.cn/?district=150102" in found


def test_footer_carries_base_map_source_and_approval_when_configured():
    settings = PrintSettings(
        public_url="https://x.cn", basemap_source="天地图", basemap_approval="GS(2024)0650号"
    )
    built = build_district_map(AREA, _stations(5), settings)
    text = PdfReader(io.BytesIO(built.pdf())).pages[0].extract_text()
    assert "天地图" in text and "GS(2024)0650号" in text
    plain = PdfReader(io.BytesIO(build_district_map(AREA, _stations(5), SETTINGS).pdf()))
    assert "审图号" not in plain.pages[0].extract_text()


def test_a_png_page_is_300_dpi():
    from PIL import Image

    built = build_district_map(AREA, _stations(3), SETTINGS)
    image = Image.open(io.BytesIO(built.png()[0]))
    # 210 x 297 mm at 300 dpi is 2480.3 x 3507.9 px; matplotlib truncates.
    assert abs(image.size[0] - 2480) <= 1 and abs(image.size[1] - 3508) <= 1
    assert round(image.info["dpi"][0]) == 300


def test_missing_font_names_the_debian_package(monkeypatch):
    from matplotlib import font_manager

    sheet.cjk_font_path.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(sheet, "FONT_FILES", ())
    try:
        with pytest.raises(sheet.FontMissingError, match="fonts-wqy-microhei"):
            build_district_map(AREA, _stations(1), SETTINGS)
    finally:
        sheet.cjk_font_path.cache_clear()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24/7", "全天24小时"),
        ("Mo-Fr 08:00-20:00; PH off", "周一至周五 08:00-20:00；节假日 休息"),
        ("Sa,Su 10:00-16:00", "周六、周日 10:00-16:00"),
        (None, "未知"),
    ],
)
def test_opening_hours_read_in_chinese(text, expected):
    assert hours_zh(text) == expected


def test_wrap_keeps_lines_narrow_and_never_starts_with_punctuation():
    lines = wrap("周一至周五 08:30-18:00；周六、周日 09:00-17:00", 12, 3)
    assert all(not line.startswith(("；", "、")) for line in lines)
    assert len(lines) <= 3
    assert wrap("很长的名字" * 10, 10, 2)[-1].endswith("…")
