"""Stations as KML and KMZ for Ovital Map (奥维互动地图) and Google Earth. Pure.

One placemark per station in a folder per host type: its name, a description (address,
hours, amenities, phone, services) and ExtendedData with the station's fields; one
style per host type, coloured as on the printed map (:mod:`stationmap.render.colours`).
The document's description and each placemark's ``datum`` say which datum the
coordinates are in.

Text is escaped for where it lands: a description is HTML (readers render it), so each
value in it is HTML-escaped first; ElementTree then escapes everything for XML. Characters
XML 1.0 cannot hold are dropped.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from xml.etree import ElementTree as ET

from stationmap import catalog
from stationmap.geo.datum import Datum
from stationmap.render.colours import host_colour

KML_NS = "http://www.opengis.net/kml/2.2"
# A white pin tinted by each style's colour (Google Earth's and Ovital Map's own icon).
PIN_ICON = "https://maps.google.com/mapfiles/kml/pushpin/wht-pushpin.png"
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: ExtendedData names (the field codes) with the Chinese label shown for each.
EXTENDED: Mapping[str, str] = {
    "code": "编号",
    "datum": "坐标系",
    "host_type": "依托单位类型",
    "address": "地址",
    "opening_hours": "开放时间",
    "amenities": "服务设施",
    "worker_groups": "服务对象",
    "phone": "联系电话",
    "contact": "联系人",
    "status": "状态",
}
_WORDS = {
    "host_type": catalog.HOST_TYPE_BY_CODE,
    "amenities": {t.code: t for t in catalog.AMENITIES},
    "worker_groups": {t.code: t for t in catalog.WORKER_GROUPS},
    "status": {t.code: t for t in catalog.STATUSES},
}


def kml_colour(hex_rgb: str) -> str:
    """``#rrggbb`` as KML's opaque ``aabbggrr``."""
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"ff{b}{g}{r}".lower()


def _clean(text: object) -> str:
    return _XML_ILLEGAL.sub("", "" if text is None else str(text))


def _words(column: str, value: object) -> str:
    """A field's value as a person reads it: codes as Chinese words, lists joined."""
    terms = _WORDS.get(column, {})
    items = value if isinstance(value, list | tuple) else ([] if value is None else [value])
    names = [t.zh if (t := terms.get(str(item))) is not None else str(item) for item in items]
    return ("\n" if column == "services" else "、").join(names)


def description_html(row: Mapping[str, object]) -> str:
    """A station's balloon: each value HTML-escaped, line breaks as ``<br>``."""
    parts = []
    for column, label in (
        ("address", "地址"),
        ("opening_hours", "开放时间"),
        ("amenities", "服务设施"),
        ("phone", "联系电话"),
        ("contact", "联系人"),
        ("services", "服务内容"),
    ):
        text = _clean(_words(column, row.get(column)))
        if text:
            body = "<br>".join(html.escape(line) for line in text.splitlines())
            parts.append(f"<b>{html.escape(label)}</b>：{body}")
    parts.append(f"编号：{html.escape(_clean(row.get('code')))}")
    return "<br>".join(parts)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{KML_NS}}}{tag}", attrs)
    if text is not None:
        element.text = _clean(text)
    return element


def _style(document: ET.Element, term: catalog.Term) -> None:
    style = _sub(document, "Style", id=f"host-{term.code}")
    icon_style = _sub(style, "IconStyle")
    _sub(icon_style, "color", kml_colour(host_colour(term.code)))
    _sub(_sub(icon_style, "Icon"), "href", PIN_ICON)
    _sub(_sub(style, "LabelStyle"), "scale", "0.8")


def _placemark(folder: ET.Element, row: Mapping[str, object], host: str) -> None:
    placemark = _sub(folder, "Placemark")
    _sub(placemark, "name", str(row.get("name") or ""))
    _sub(placemark, "description", description_html(row))
    _sub(placemark, "styleUrl", f"#host-{host}")
    data = _sub(placemark, "ExtendedData")
    for column, label in EXTENDED.items():
        value = row.get(column)
        if value is None or value == "" or value == []:
            continue
        entry = _sub(data, "Data", name=column)
        _sub(entry, "displayName", label)
        _sub(entry, "value", _words(column, value) if column in _WORDS else str(value))
    lon, lat = float(row["lon"]), float(row["lat"])  # type: ignore[arg-type]
    _sub(_sub(placemark, "Point"), "coordinates", f"{lon:.8f},{lat:.8f},0")


def kml_document(rows: Sequence[Mapping[str, object]], datum: Datum, statement: str) -> bytes:
    """A KML document of ``rows`` (``lat``/``lon`` already in ``datum``), UTF-8; its
    description is ``statement`` (what the coordinates are)."""
    ET.register_namespace("", KML_NS)
    root = ET.Element(f"{{{KML_NS}}}kml")
    document = _sub(root, "Document")
    _sub(document, "name", "驿站")
    _sub(document, "description", statement)
    data = _sub(document, "ExtendedData")
    _sub(_sub(data, "Data", name="datum"), "value", datum)
    by_host: dict[str, list[Mapping[str, object]]] = {}
    for row in rows:
        host = str(row.get("host_type") or "other")
        by_host.setdefault(host if host in catalog.HOST_TYPE_BY_CODE else "other", []).append(row)
    for term in catalog.HOST_TYPES:
        _style(document, term)
    for term in catalog.HOST_TYPES:
        if term.code not in by_host:
            continue
        folder = _sub(document, "Folder")
        _sub(folder, "name", term.zh)
        for row in by_host[term.code]:
            _placemark(folder, row, term.code)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def kmz(document: bytes) -> bytes:
    """A KMZ: the KML ``document`` as ``doc.kml`` in a zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", document)
    return out.getvalue()


def _rings(parent: ET.Element, rings: Sequence[Sequence[Sequence[float]]]) -> None:
    polygon = _sub(parent, "Polygon")
    for i, ring in enumerate(rings):
        boundary = _sub(polygon, "outerBoundaryIs" if i == 0 else "innerBoundaryIs")
        text = " ".join(f"{float(x):.8f},{float(y):.8f},0" for x, y, *_ in ring)
        _sub(_sub(boundary, "LinearRing"), "coordinates", text)


def _geometry(parent: ET.Element, geometry: Mapping[str, object] | None) -> None:
    """A GeoJSON Point, MultiPoint, Polygon or MultiPolygon as KML (an empty one as
    nothing: the placemark keeps its data)."""
    kind = geometry.get("type") if geometry else None
    coords: object = geometry.get("coordinates") if geometry else None
    if not coords or kind not in ("Point", "MultiPoint", "Polygon", "MultiPolygon"):
        return
    if kind == "Polygon":
        _rings(parent, coords)  # type: ignore[arg-type]
        return
    if kind == "Point":
        x, y = coords[:2]  # type: ignore[index]
        _sub(_sub(parent, "Point"), "coordinates", f"{float(x):.8f},{float(y):.8f},0")
        return
    multi = _sub(parent, "MultiGeometry")
    for part in coords:  # type: ignore[attr-defined]
        _geometry(multi, {"type": kind.removeprefix("Multi"), "coordinates": part})


def layers_document(
    layers: Mapping[str, Sequence[Mapping[str, object]]],
    titles: Mapping[str, str],
    datum: Datum,
    statement: str,
    name: str,
) -> bytes:
    """A KML document with one Folder per layer (named ``titles[layer]``) of GeoJSON
    ``features`` (coordinates already in ``datum``), named ``name`` and described by
    ``statement``; each placemark is named by its
    ``name``, ``label``, ``code`` or ``radius_m`` property, its balloon lists the
    properties (HTML-escaped) and its ExtendedData holds them."""
    ET.register_namespace("", KML_NS)
    root = ET.Element(f"{{{KML_NS}}}kml")
    document = _sub(root, "Document")
    _sub(document, "name", name)
    _sub(document, "description", statement)
    _sub(_sub(_sub(document, "ExtendedData"), "Data", name="datum"), "value", datum)
    for layer, features in layers.items():
        folder = _sub(document, "Folder", id=layer)
        _sub(folder, "name", titles.get(layer, layer))
        for feature in features:
            props: Mapping[str, object] = feature.get("properties") or {}  # type: ignore[assignment]
            placemark = _sub(folder, "Placemark")
            label = next((props[k] for k in ("name", "label", "code") if props.get(k)), None)
            if label is None and props.get("radius_m") is not None:
                label = f"{float(props['radius_m']):g} m"  # type: ignore[arg-type]
            _sub(placemark, "name", "" if label is None else str(label))
            shown = [(k, v) for k, v in props.items() if v is not None and v != ""]
            _sub(
                placemark,
                "description",
                "<br>".join(
                    f"<b>{html.escape(_clean(k))}</b>：{html.escape(_clean(v))}" for k, v in shown
                ),
            )
            data = _sub(placemark, "ExtendedData")
            for key, value in shown:
                _sub(_sub(data, "Data", name=key), "value", str(value))
            _geometry(placemark, feature.get("geometry"))  # type: ignore[arg-type]
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
