"""SQLite (in-process index) and PostGIS (KNN, ST_Covers) give the same answers for the
same data: same stations in the same order, distances within 0.5 m."""

from __future__ import annotations

import numpy as np
import pytest

from stationmap.app_state import state
from stationmap.services import postgis
from tests.conftest import POSTGRES_URL, _copy_sqlite, _drop_postgres, _make_app, _postgres_database

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="set STATIONMAP_TEST_POSTGRES_URL to compare with PostGIS"
)


@pytest.fixture(scope="module")
def clients(sqlite_templates, postgres_templates, tmp_path_factory):
    folder = tmp_path_factory.mktemp("parity")
    path = folder / "stationmap.sqlite3"
    _copy_sqlite(sqlite_templates[True], path)
    lite = _make_app(f"sqlite:///{path}", folder)
    url = _postgres_database(postgres_templates[True])
    pg = _make_app(url, folder / "pg")
    assert state(pg).nearest.uses_database(), "PostGIS is not enabled in the test database"
    assert not state(lite).nearest.uses_database()
    yield lite.test_client(), pg.test_client()
    state(lite).db.dispose()
    state(pg).db.dispose()
    _drop_postgres(url)


def _queries():
    rng = np.random.default_rng(11)
    centres = [
        (44.305, 86.214),
        (40.81, 111.66),
        (25.03, 102.67),
        (46.73, 131.14),
        (36.41, 111.10),
        (40.40, 110.04),
        (44.01, 87.30),
    ]
    filters = [
        {},
        {"amenity": "toilet"},
        {"amenity": "microwave,heating"},
        {"radius_m": 3000},
        {"open_now": "true", "at": "2026-11-23T12:00:00+08:00"},
        {"open_now": "true", "at": "2026-11-28T21:30:00+08:00", "amenity": "water"},
        {"host_type": "pharmacy,bank"},
        {"worker_group": "taxi"},
        {"k": 30},
    ]
    out = []
    for i in range(70):
        lat, lon = centres[i % len(centres)]
        out.append(
            {
                "lat": round(lat + rng.normal(0, 0.05), 6),
                "lon": round(lon + rng.normal(0, 0.05), 6),
                **filters[i % len(filters)],
            }
        )
    return out


@pytest.mark.parametrize("near_cap", [postgis.NEAR_CAP, 64], ids=["cap", "small-cap"])
@pytest.mark.parametrize(
    "query", _queries(), ids=lambda q: ",".join(f"{k}={v}" for k, v in q.items())
)
def test_nearest_agrees(clients, query, near_cap, monkeypatch):
    """With a small cap on the KNN scan, the answers that cannot be proven from the
    nearest stations come from the statement that applies the filters first."""
    monkeypatch.setattr(postgis, "NEAR_CAP", near_cap)
    lite, pg = clients
    a = lite.get("/api/v1/stations/nearest", query_string=query).get_json()["features"]
    b = pg.get("/api/v1/stations/nearest", query_string=query).get_json()["features"]
    assert [f["id"] for f in a] == [f["id"] for f in b]
    for fa, fb in zip(a, b, strict=True):
        assert abs(fa["properties"]["distance_m"] - fb["properties"]["distance_m"]) <= 0.5
        assert fa["properties"] == {
            **fb["properties"],
            "distance_m": fa["properties"]["distance_m"],
        }


@pytest.mark.parametrize(
    "query",
    [
        {"bbox": "111.6,40.7,111.8,40.9"},
        {"district": "150100"},
        {"district": "652300"},
        {"amenity": "aed"},
        {"q": "社区"},
        {"district": "530112", "amenity": "toilet"},
    ],
)
def test_listing_agrees(clients, query):
    lite, pg = clients
    params = {**query, "limit": 1000}
    a = lite.get("/api/v1/stations", query_string=params).get_json()
    b = pg.get("/api/v1/stations", query_string=params).get_json()
    assert a["features"] and a["features"] == b["features"]


def test_district_assignment_agrees(clients, tmp_path):
    """Stations imported on each backend land in the same districts (ST_Covers vs the
    in-process locator), including points on and near shared borders."""
    lite, pg = clients
    rng = np.random.default_rng(5)
    rows = ["name,lat,lon"]
    for i in range(300):
        lat = 40.80 + rng.normal(0, 0.08)
        lon = 111.68 + rng.normal(0, 0.08)
        rows.append(f"边界测试{i},{lat:.6f},{lon:.6f}")
    path = tmp_path / "border.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    for client in (lite, pg):
        runner = client.application.test_cli_runner()
        result = runner.invoke(args=["import-stations", str(path), "--datum", "wgs84"])
        assert result.exit_code == 0, result.output
    a = lite.get("/api/v1/stations", query_string={"q": "边界测试", "limit": 1000}).get_json()
    b = pg.get("/api/v1/stations", query_string={"q": "边界测试", "limit": 1000}).get_json()
    assert len(a["features"]) == 300
    assert [(f["properties"]["name"], f["properties"]["district_code"]) for f in a["features"]] == [
        (f["properties"]["name"], f["properties"]["district_code"]) for f in b["features"]
    ]
