"""Every refusal of a GeoJSON file says so in Chinese too.

The admin pages are Chinese first, and show an import error's ``message_zh``; the
GeoJSON reader gave none for most of its refusals, so a Chinese page read "The number
1e309 is too large.", "GeoJSON must be a FeatureCollection or a Feature, not 'list'."
or "Invalid JSON: maximum recursion depth exceeded ...". Found uploading hostile files
through the admin import.
"""

from __future__ import annotations

import json
import re

import pytest

from stationmap.tabular.columns import TableError
from stationmap.tabular.reading import read_table


def _feature(properties: object, geometry: object = None) -> dict[str, object]:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _collection(*features: object) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


POINT = {"type": "Point", "coordinates": [86.2, 44.3]}
SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 1], [0, 0]]]}
CASES = [
    (
        "huge-float",
        b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1e309, 1]}}',
        "1e309",
    ),
    (
        "huge-int",
        b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1'
        + b"0" * 400
        + b", 1]}}",
        "太大",
    ),
    ("nan", b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": [NaN, 1]}}', "NaN"),
    ("duplicate-key", b'{"type": "Feature", "type": "Feature"}', "“type”出现了两次"),
    ("not-utf8", b'{"type": "Feature", "properties": {"name": "\xff"}}', "UTF-8"),
    ("syntax", b'{"type":\n    ,}', "第 2 行第 5 列"),
    (
        "too-deep",
        b'{"type": "FeatureCollection", "features": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "嵌套过深",
    ),
    ("lone-surrogate", b'{"type": "Feature", "properties": {"name": "x\\ud800"}}', "不成对"),
    ("array", b"[1, 2]", "'list'"),
    ("not-a-feature", _collection({"type": "Point"}), "第 1 个要素不是 GeoJSON Feature"),
    ("properties-list", _collection(_feature([1])), "第 1 个要素：properties 应为对象"),
    (
        "unknown-property",
        _collection(_feature({"name": "A", "colour": "red"}, POINT)),
        "不认识的属性 'colour'",
    ),
    ("given-twice", _collection(_feature({"name": "A", "名称": "B"}, POINT)), "name 给了两次"),
    (
        "bad-coordinates",
        _collection(_feature({"name": "A"}, {"type": "Point", "coordinates": ["1", 2]})),
        "[经度, 纬度]",
    ),
    (
        "disagrees",
        _collection(_feature({"name": "A", "lat": 5}, POINT)),
        "属性 lat 与点的坐标不一致",
    ),
    ("no-geometry", _collection(_feature({"name": "A"})), "第 1 个要素没有几何"),
    ("polygon", _collection(_feature({"name": "A"}, SQUARE)), "第 1 个要素的几何不是点"),
]


@pytest.mark.parametrize(
    ("data", "words"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_each_geojson_refusal_has_chinese_words(data: bytes, words: str) -> None:
    with pytest.raises(TableError) as info:
        read_table(data, "geojson")
    error = info.value
    assert words in error.message_zh, error.message_zh
    # Chinese words, not the English message again (or an English sentence inside).
    assert re.search("[\u4e00-\u9fff]", error.message_zh), error.message_zh
    assert str(error) not in error.message_zh
    assert not re.search(r"\b(?:is|must|not a|the)\b", error.message_zh), error.message_zh
