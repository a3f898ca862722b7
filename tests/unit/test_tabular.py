"""Station tables: CSV, XLSX and GeoJSON read and write, round trips and file guards."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from stationmap import catalog
from stationmap.station_fields import FIELDS, parse_station
from stationmap.tabular import (
    TableError,
    detect_format,
    guards,
    read_rows,
    read_table,
    template_xlsx,
    write_table,
)

FULL = {
    "code": "659001-0001",
    "name": '=HYPERLINK("x")',
    "address": "新疆石河子市人民路 8 号，“暖新”驿站",
    "lat": 44.305,
    "lon": 86.214,
    "datum": "wgs84",
    "host_type": "community",
    "amenities": ["water", "toilet", "phone_charging"],
    "worker_groups": ["food_delivery", "courier"],
    "opening_hours": "Mo-Fr 08:30-18:00; Sa,Su 09:00-17:00",
    "phone": "+86 991 1234567",
    "contact": "@王女士",
    "services": ["免费饮水", "手机充电, 微波炉加热", "-夏季防暑用品"],
    "status": "active",
    "district_code": "659001",
    "updated_at": "2024-05-01T08:00:00+08:00",
}
SPARSE = {
    "name": "西域超市爱心驿站",
    "lat": -33.5,
    "lon": -70.25,
    "address": "",
    "amenities": [],
    "worker_groups": None,
    "services": [],
    "phone": None,
}
ROWS = [FULL, SPARSE]
EXTRAS = ("district_code", "updated_at")


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def xlsx_bytes(rows: list[list[object]], title: str = "Sheet") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def tabular_cells(row: dict[str, object]) -> dict[str, object]:
    """What CSV/XLSX give back for ``row``: lists joined, empty cells None."""
    out: dict[str, object] = {}
    for field in FIELDS:
        value = row.get(field)
        if isinstance(value, list):
            value = ("\n" if field == "services" else ";").join(value)
        out[field] = value if value not in ("", None) else None
    return out


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, replace.get(info.filename, src.read(info)))
    return out.getvalue()


# --- round trips ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_spreadsheet_round_trip_gives_back_every_value(fmt):
    data = write_table(ROWS, fmt, extra_columns=EXTRAS)
    assert detect_format(data) == fmt
    rows = read_table(data, fmt)
    assert [number for number, _ in rows] == [2, 3]
    for (_, got), sent in zip(rows, ROWS, strict=True):
        expected = tabular_cells(sent)
        assert {k: v for k, v in got.items() if k not in ("lat", "lon")} == {
            k: v for k, v in expected.items() if k not in ("lat", "lon")
        }
        assert float(got["lat"]) == sent["lat"] and float(got["lon"]) == sent["lon"]
        assert parse_station(got) == parse_station({k: sent.get(k) for k in FIELDS})


def test_geojson_round_trip_gives_back_lists_and_wgs84_points():
    data = write_table(ROWS, "geojson", extra_columns=EXTRAS)
    doc = json.loads(data)
    assert doc["features"][0]["geometry"] == {"type": "Point", "coordinates": [86.214, 44.305]}
    assert doc["features"][0]["properties"]["updated_at"] == FULL["updated_at"]
    rows = read_table(data, detect_format(data, "x.geojson"))
    assert [number for number, _ in rows] == [1, 2]
    got = rows[0][1]
    assert {k: got[k] for k in FIELDS} == {k: FULL[k] for k in FIELDS}
    sparse = rows[1][1]
    assert (sparse["amenities"], sparse["services"], sparse["phone"]) == ([], [], None)
    assert parse_station(sparse) == parse_station({k: SPARSE.get(k) for k in FIELDS})


def test_exported_csv_cells_starting_with_formula_characters_carry_a_quote():
    text = write_table([FULL], "csv").decode("utf-8")
    assert text.startswith("\ufeffcode,name,address,lat,lon,")
    assert '"\'=HYPERLINK(""x"")"' in text
    assert ",'+86 991 1234567," in text and ",'@王女士," in text
    assert ",44.305,86.214," in text  # numbers are never guarded


def test_exported_xlsx_cells_are_guarded_strings_under_chinese_headers():
    data = write_table([FULL], "xlsx", extra_columns=EXTRAS)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["驿站"]
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == ["编号", "名称", "地址", "纬度", "经度"]
    assert header[-2:] == ["所属区县", "更新时间"] and sheet["A1"].font.b
    name, lat, phone = sheet["B2"], sheet["D2"], sheet["K2"]
    assert name.value == '\'=HYPERLINK("x")' and name.data_type == "s"
    assert phone.value == "'+86 991 1234567" and lat.value == 44.305
    assert sheet.freeze_panes == "A2"


def test_write_refuses_nan_unknown_extras_and_unknown_datums():
    with pytest.raises(ValueError, match="finite"):
        write_table([{**SPARSE, "lat": float("nan")}], "geojson")
    with pytest.raises(ValueError, match="finite"):
        write_table([{**SPARSE, "lon": float("inf")}], "csv")
    with pytest.raises(ValueError, match="read-only"):
        write_table([SPARSE], "csv", extra_columns=("secret",))
    with pytest.raises(ValueError, match="datum"):
        write_table([{**SPARSE, "datum": "mars"}], "geojson")


def test_geojson_outside_wgs84_states_its_datum():
    """RFC 7946 coordinates are WGS-84: a GCJ-02 file says it is not, on the collection
    and on each feature (which the reader takes back)."""
    doc = json.loads(write_table([{**SPARSE, "datum": "gcj02"}], "geojson"))
    assert doc["datum"] == "gcj02"
    assert doc["features"][0]["properties"]["datum"] == "gcj02"
    assert "datum" not in json.loads(write_table([SPARSE], "geojson"))


# --- CSV ------------------------------------------------------------------------------

CHINESE_CSV = "名称,纬度,经度,联系电话,服务设施\n人民路驿站,44.3,86.2,0993-1234567,饮用水;卫生间\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_reads_in_every_encoding_excel_writes(encoding):
    rows = read_table(csv_bytes(CHINESE_CSV, encoding), "csv")
    assert rows == [
        (
            2,
            {
                "name": "人民路驿站",
                "lat": "44.3",
                "lon": "86.2",
                "phone": "0993-1234567",
                "amenities": "饮用水;卫生间",
            },
        )
    ]


def test_csv_in_no_known_encoding_names_both_attempts():
    with pytest.raises(TableError, match=r"not UTF-8 .* not GBK/GB18030"):
        read_table(b"name,lat,lon\n\xff\xff,1,2\n", "csv")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiter_is_sniffed_from_the_header(delimiter):
    text = delimiter.join(["name", "lat", "lon", "amenities"]) + "\n"
    text += delimiter.join(['"a, b; c"', "1", "2", '"water;toilet"']) + "\n"
    rows = read_table(text.encode(), "csv")
    assert rows[0][1]["name"] == "a, b; c" and rows[0][1]["amenities"] == "water;toilet"


def test_row_numbers_count_spreadsheet_rows_across_blank_and_multiline_rows():
    text = 'name,lat,lon,services\n"A",1,2,"one\r\ntwo"\n,,,\n\n  ,  ,,\nB,3,4,\n'
    rows = read_table(text.encode(), "csv")
    assert [(n, r["name"], r["services"]) for n, r in rows] == [
        (2, "A", "one\ntwo"),
        (6, "B", None),
    ]


@pytest.mark.parametrize(
    ("header", "message", "message_zh"),
    [
        (
            "名称,name,lat,lon",
            r"Row 1: the header row has problems: A '名称', B 'name' are the same field name",
            "第 1 行：表头有问题：A 列“名称”、B 列“name” 是同一个字段（名称），请只保留一列。",
        ),
        (
            "name,纬度,phone",
            r"Row 1: .*no lon column: add a column headed 经度",
            "第 1 行：表头有问题：缺少“经度”列："
            "请加上此列（列名可用 “经度”、“lng”、“longitude”、“东经”）。",
        ),
    ],
)
def test_bad_headers_are_named_in_both_languages(header, message, message_zh):
    with pytest.raises(TableError, match=message) as caught:
        read_table(f"{header}\nA,B,1,2\n".encode(), "csv")
    assert caught.value.message_zh == message_zh and caught.value.row == 1


def test_unknown_and_headerless_columns_are_ignored_with_a_note():
    table = read_rows("名称,,lat,lon,colour\nA,B,1,2,red\n".encode(), "csv")
    assert [(r.number, r.values) for r in table.rows] == [
        (2, {"name": "A", "lat": "1", "lon": "2"})
    ]
    assert [(n.row, n.column, n.message_zh) for n in table.notes] == [
        (None, None, "第 1 行是表头；读入 1 行驿站"),
        (1, "E", "“colour”列不是驿站字段，已忽略（无需修改）"),
        (1, "B", "此列有内容但没有表头，未读入：如需保留，请填上列名（如“备注”）"),
    ]


def test_reading_undoes_only_the_export_quote():
    text = "name,lat,lon,address,contact\n'=SUM(A1),1,2,'abc,''=x\n"
    [(_, row)] = read_table(text.encode(), "csv")
    assert (row["name"], row["address"], row["contact"]) == ("=SUM(A1)", "'abc", "'=x")


@pytest.mark.parametrize(("text", "expected"), [("name,lat,lon\n", []), ("\n,,\n", None)])
def test_header_only_gives_no_rows_and_blank_file_has_no_header(text, expected):
    if expected is None:
        with pytest.raises(TableError, match="no header row"):
            read_table(text.encode(), "csv")
    else:
        assert read_table(text.encode(), "csv") == expected


def test_headers_match_aliases_in_any_case_and_drop_export_columns_but_the_version():
    header = " Name ,LATITUDE,Lng,Opening Hours,坐标系统,ID,所属区县,demo,版本,verified_at"
    rows = read_table(f"{header}\nA,1,2,24/7,gcj02,7,659001,true,3,x\n".encode(), "csv")
    assert rows == [
        (
            2,
            {
                "name": "A",
                "lat": "1",
                "lon": "2",
                "opening_hours": "24/7",
                "datum": "gcj02",
                "version": "3",
            },
        )
    ]


# --- XLSX -----------------------------------------------------------------------------


def test_xlsx_keeps_numbers_turns_dates_into_iso_and_counts_real_rows():
    from datetime import date, datetime

    data = xlsx_bytes(
        [
            ["名称", "纬度", "经度", "电话", "编号"],
            [],
            ["A", 44.3, 86, 13812345678, datetime(2024, 5, 1)],
            [None, "  "],
            ["B", 1.5, 2.5, None, date(2024, 1, 2)],
        ]
    )
    assert read_table(data, "xlsx") == [
        (3, {"name": "A", "lat": 44.3, "lon": 86, "phone": 13812345678, "code": "2024-05-01"}),
        (5, {"name": "B", "lat": 1.5, "lon": 2.5, "phone": None, "code": "2024-01-02"}),
    ]


def test_xlsx_prefers_the_sheet_named_stations():
    book = openpyxl.Workbook()
    book.active.append(["notes"])
    book.create_sheet("Stations").append(["name", "lat", "lon"])
    out = io.BytesIO()
    book.save(out)
    assert read_table(out.getvalue(), "xlsx") == []


def test_template_has_no_station_row_and_its_marked_example_is_valid():
    data = template_xlsx()
    assert read_table(data, "xlsx") == []  # nothing in 驿站 that an upload would import
    notes = openpyxl.load_workbook(io.BytesIO(data))["说明"]
    lines = [row for row in notes.iter_rows(values_only=True) if any(row)]
    headers = {"编号": "code", "名称": "name", "纬度": "lat", "经度": "lon", "坐标系": "datum"}
    headers |= {"依托单位类型": "host_type", "服务设施": "amenities", "服务内容": "services"}
    headers |= {"地址": "address", "服务对象": "worker_groups", "开放时间": "opening_hours"}
    headers |= {"联系电话": "phone", "联系人": "contact", "状态": "status"}
    example = {headers[line[1]]: line[3] for line in lines if line[0] == "示例"}
    assert set(example) == set(FIELDS)
    station = parse_station(example)
    assert station.name == "人民路社区党群服务中心暖新驿站"
    assert (station.lat, station.lon) == (44.305, 86.214) and len(station.services) == 2
    assert example["host_type"] == "社区/党群服务中心" and station.host_type == "community"
    assert station.amenities == ("water", "phone_charging", "toilet")
    text = "\n".join(str(c) for row in lines for c in row if c)
    assert "示例（仅供参考，请勿复制到“驿站”表；导入时会拒绝这一行）" in text
    for terms in (catalog.HOST_TYPES, catalog.AMENITIES, catalog.WORKER_GROUPS, catalog.STATUSES):
        for term in terms:
            assert f"{term.code}（{term.zh}）" in text
    assert all(field in text for field in FIELDS)


def test_zip_bomb_member_is_rejected_before_openpyxl():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(4):
                member.write(b"\0" * 2**20)
    with pytest.raises(TableError, match="zip bomb"):
        read_table(out.getvalue(), "xlsx")


def test_workbook_over_the_size_or_member_limit_is_rejected(monkeypatch):
    data = write_table([SPARSE], "xlsx")
    monkeypatch.setattr(guards, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(TableError, match="unpacks to more than"):
        read_table(data, "xlsx")
    monkeypatch.setattr(guards, "MAX_UNCOMPRESSED_BYTES", 2**20)
    monkeypatch.setattr(guards, "MAX_ZIP_MEMBERS", 3)
    with pytest.raises(TableError, match="parts"):
        read_table(data, "xlsx")


@pytest.mark.parametrize(
    "prolog",
    [
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">]>\n',
        '<?xml version="1.0"?><!--' + "x" * 20_000 + '--><!DOCTYPE a [<!ENTITY b "c">]>',
    ],
)
def test_xlsx_with_an_entity_declaration_is_rejected(prolog):
    data = write_table([SPARSE], "xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    bad = rezip(data, {"xl/worksheets/sheet1.xml": (prolog + sheet).encode()})
    with pytest.raises(TableError, match=r"DOCTYPE|prolog"):
        read_table(bad, "xlsx")


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"PK\x03\x04rest", None, "xlsx"),
        (b'\xef\xbb\xbf  \n{"type": "FeatureCollection"}', "x.csv", "geojson"),
        (b"name,lat,lon\n", None, "csv"),
        (b"[1]", "stations.GeoJSON", "geojson"),
        (b"name\tlat\tlon\n", "export.xls", "csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "名单.xls", "xls"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, None, "xls"),
    ],
)
def test_detect_format_by_content_then_name(data, name, expected):
    assert detect_format(data, name) == expected


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<html><body><p>no table</p></body></html>", "stations.xls", "web page or XML without"),
        (b"<html><table></table></html>", "stations.csv", "web page"),  # a table, named .csv
        (b"<html><table></table></html>", None, "web page"),
        (b"%PDF-1.7", "stations.xls", "PDF"),
        (b"\xef\xbb\xbf \n ", "stations.xls", "empty"),
    ],
)
def test_detect_format_refuses_what_is_not_a_table(data, name, message):
    with pytest.raises(TableError, match=message):
        detect_format(data, name)


def test_legacy_xls_read_as_xlsx_is_refused():
    with pytest.raises(TableError, match="not a valid zip"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "xlsx")


# --- GeoJSON --------------------------------------------------------------------------


def feature(properties: object, geometry: object = None) -> dict[str, object]:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def geojson(*features: object) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_geojson_non_finite_numbers_are_rejected(number):
    data = (
        '{"type": "Feature", "properties": {"name": "A"}, '
        f'"geometry": {{"type": "Point", "coordinates": [{number}, 1]}}}}'
    ).encode()
    with pytest.raises(TableError, match=r"not a number|too large"):
        read_table(data, "geojson")


def test_geojson_invalid_json_names_line_and_column():
    with pytest.raises(TableError, match="line 2, column 5"):
        read_table(b'{"type":\n    ,}', "geojson")


def test_geojson_single_feature_with_chinese_properties_and_a_datum():
    point = {"type": "Point", "coordinates": [86.22, 44.31, 450]}
    data = json.dumps(feature({"名称": "甲", "坐标系": "gcj02", "设施": ["water"]}, point))
    assert read_table(data.encode(), "geojson") == [
        (1, {"name": "甲", "datum": "gcj02", "amenities": ["water"], "lon": 86.22, "lat": 44.31})
    ]


def test_geojson_lat_lon_properties_stand_in_for_a_missing_point():
    polygon = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 1], [0, 0]]]}
    data = geojson(
        feature({"name": "A", "lat": 1, "lon": 2}, polygon),
        feature({}),
        feature({"name": "B"}, polygon),
    )
    with pytest.raises(TableError, match="Feature 3 has a geometry that is not a Point"):
        read_table(data, "geojson")
    assert read_table(data[: data.rindex(b', {"type"')] + b"]}", "geojson") == [
        (1, {"name": "A", "lat": 1, "lon": 2})
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (geojson(feature({"name": "A", "colour": "red"})), r"Feature 1: unknown .*'colour'"),
        (geojson(feature({"name": "A", "名称": "B"})), "name is given twice"),
        (b'{"type": "Feature", "type": "Feature"}', "appears twice"),
        (b'{"type": "Point", "coordinates": [1, 2]}', "not 'Point'"),
        (
            geojson(feature({"name": "A", "lat": 5}, {"type": "Point", "coordinates": [1, 2]})),
            "lat property disagrees",
        ),
        (
            geojson(feature({"name": "A"}, {"type": "Point", "coordinates": ["1", 2]})),
            r"\[lon, lat\]",
        ),
    ],
)
def test_geojson_structure_problems_name_the_feature(data, message):
    with pytest.raises(TableError, match=message):
        read_table(data, "geojson")


# --- property: any text survives CSV and XLSX -------------------------------------------

TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("=+-@'\"\t\r\n,;，；、 \u3000人民路驿站#&<>"),
        st.characters(categories=("L", "N", "P", "S", "Zs"), codec="utf-8"),
    ),
    max_size=40,
)


def expected_text(text: str) -> str | None:
    """read_table normalises line breaks to \\n, strips the cell and gives None if empty."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip() or None


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@settings(max_examples=40, deadline=None)
@given(name=TEXT, address=TEXT, contact=TEXT)
@example(name="=1+2", address="'=x", contact="''")
@example(name="'", address="\r=x", contact=" '=x")
@example(name="-", address="@@", contact="'\t=x")
@example(name="a\r\nb", address='"=HYPERLINK(""x"")"', contact="'abc")
def test_any_text_round_trips_through_spreadsheets(fmt, name, address, contact):
    row = {"name": name, "address": address, "contact": contact, "lat": 1.25, "lon": 2.5}
    [(number, got)] = read_table(write_table([row], fmt), fmt)
    assert number == 2
    assert (got["name"], got["address"], got["contact"]) == (
        expected_text(name),
        expected_text(address),
        expected_text(contact),
    )
