"""A GIS file's reading is bounded in time: GDAL runs in a process of its own.

A GeoPackage is an SQLite database and GDAL runs the SQL it holds. A layer that is a
view waiting on a recursive query never ended: a 96 KB upload held the gunicorn worker until
it was killed at 30 s (the administrator saw the connection drop), and a larger one kept
a background import job's thread spinning for ever. Found uploading crafted files
through the admin import.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from stationmap.tabular import TableError
from stationmap.tabular.gis_bounded import run_bounded
from stationmap.tabular.gis_read import read_station_file


def _geopackage(path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"name": ["甲"], "datum": ["wgs84"]}, geometry=[Point(86.2, 44.3)], crs="EPSG:4326"
    )
    frame.to_file(path, layer="st", driver="GPKG", engine="pyogrio")


def _endless_geopackage(path: Path) -> bytes:
    """The one point layer replaced by a view whose first row never comes: it waits for
    the largest number a recursive query without end counts to."""
    _geopackage(path)
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE VIEW v AS SELECT st.fid AS fid, st.geom AS geom, st.name AS name FROM st "
            "WHERE (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
            "SELECT max(i) FROM n) > 0"
        )
        db.execute(
            "INSERT INTO gpkg_contents(table_name, data_type, identifier, srs_id) "
            "VALUES ('v', 'features', 'v', 4326)"
        )
        db.execute("INSERT INTO gpkg_geometry_columns VALUES ('v', 'geom', 'POINT', 4326, 0, 0)")
        db.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = 'st'")
        db.execute("DELETE FROM gpkg_contents WHERE table_name = 'st'")
    db.close()
    return path.read_bytes()


def test_a_geopackage_whose_layer_never_ends_is_refused_at_the_limit(tmp_path: Path) -> None:
    data = _endless_geopackage(tmp_path / "endless.gpkg")
    started = time.monotonic()
    with pytest.raises(TableError) as caught:
        read_station_file(data, "endless.gpkg", max_seconds=3)
    waited = time.monotonic() - started
    assert waited < 3 + 5, waited  # the limit, and the child's killing: not for ever
    assert "limit of 3 seconds" in str(caught.value)
    assert "读取超过 3 秒的上限" in caught.value.message_zh


def test_an_ordinary_geopackage_still_reads_through_the_child(tmp_path: Path) -> None:
    path = tmp_path / "ok.gpkg"
    _geopackage(path)
    (row,) = read_station_file(path.read_bytes(), "ok.gpkg").rows
    assert (row.sheet, row.number) == ("st", 1)
    assert row.values == {"name": "甲", "datum": "wgs84", "lon": 86.2, "lat": 44.3}


def test_the_child_hands_back_the_exception_it_raised() -> None:
    with pytest.raises(ValueError, match="invalid literal"):
        run_bounded(int, "x", max_seconds=30)


def test_a_child_that_dies_without_answering_is_a_refusal_not_a_crash() -> None:
    with pytest.raises(TableError) as caught:
        run_bounded(os._exit, 3, max_seconds=30)
    assert "exit status 3" in str(caught.value)
    assert "意外退出" in caught.value.message_zh


def test_a_coverage_layer_that_never_ends_is_refused_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The district coverage page's layer upload reads GIS files through GDAL too.
    from stationmap.geo import layer_files

    monkeypatch.setattr(layer_files, "READ_SECONDS", 3, raising=False)
    data = _endless_geopackage(tmp_path / "endless.gpkg")
    started = time.monotonic()
    with pytest.raises(layer_files.LayerError) as caught:
        layer_files.read_layer("pins.gpkg", data, "demand")
    assert time.monotonic() - started < 3 + 5
    assert "limit of 3 seconds" in str(caught.value)
    assert "读取超过 3 秒的上限" in caught.value.message_zh
