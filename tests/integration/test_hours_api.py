"""Issue 11 at the API: stations whose hours never change cost a week's search each.

Each of these strings cost 0.75-4 s to evaluate before the next-change search was
capped; every request at a new minute evaluated each distinct string again, so a
``k=50`` nearest answer over them took tens of seconds and the bbox listing hit the
worker timeout. The tests look at the work asked of the library (the search limit and
how often each string is searched per request, tests/hours_library_spy.py), not at the
time a request takes: bench/hours.py prints that.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import datetime, timedelta

from stationmap.app_state import state
from tests.hours_library_spy import MAX_SEARCH_DAYS, LibraryLog, spied_library

SLOW_FORMS = [
    "Mo-Su 00:00-24:00",
    "Mo-Su 00:00-24:00 unknown",
    "week 01-53 Mo-Su 00:00-24:00",
    "Jan-Dec Mo-Su 00:00-24:00",
    "Mo-Su 00:00-24:00; SH off",
    "Mo-Su 00:00-12:00,12:00-24:00",
]
STATIONS = 60
MANAS = (44.305, 86.214)


def _import_slow_stations(app, tmp_path) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "address", "lat", "lon", "datum", "opening_hours"])
    for i in range(STATIONS):
        # Each string distinct, so no answer is shared between stations.
        hours = f'{SLOW_FORMS[i % len(SLOW_FORMS)]} "驿站{i}"'
        lat, lon = MANAS[0] + i * 0.001, MANAS[1] + (i % 7) * 0.001
        writer.writerow([f"慢驿站{i}", f"玛纳斯县{i}号", lat, lon, "wgs84", hours])
    path = tmp_path / "slow.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-stations", str(path)])
    assert result.exit_code == 0, result.output


def _assert_bounded(log: LibraryLog, texts: set[str], what: str) -> None:
    """Every string the request evaluated was searched at most a week ahead, and at
    most once: one state and one next-change call per string, none twice; the day's
    spans (the words ``hours_zh`` and ``hours_en``) asked for one day at a time, at most
    once per language."""
    searched = [call.text for call in log.of("next_change")]
    assert searched, f"{what}: no opening hours were evaluated"
    assert {limit for _, limit in log.built} == {MAX_SEARCH_DAYS}, what
    assert len(searched) == len(set(searched)), f"{what}: a string searched twice"
    assert set(searched) <= texts, what
    assert len(log.of("state")) == len(searched), what
    days = log.of("intervals")
    assert all(call.end is not None and call.end - call.start <= timedelta(days=1) for call in days)
    asked = Counter(call.text for call in days)
    assert set(asked) <= texts and max(asked.values(), default=0) <= 2, what


def test_nearest_and_listing_over_never_changing_hours_search_a_week_once(empty_app, tmp_path):
    _import_slow_stations(empty_app, tmp_path)
    client = empty_app.test_client()
    tz = state(empty_app).settings.tz
    start = datetime(2026, 12, 4, 10, 0, tzinfo=tz)
    texts = {f'{SLOW_FORMS[i % len(SLOW_FORMS)]} "驿站{i}"' for i in range(STATIONS)}
    with spied_library() as log:
        for minute in range(3):  # a different minute each time: nothing remembered helps
            at = (start + timedelta(minutes=minute)).isoformat()
            log.calls.clear()  # the parsed strings stay, their limits checked each time
            response = client.get(
                "/api/v1/stations/nearest",
                query_string={"lat": MANAS[0], "lon": MANAS[1], "k": 50, "at": at},
            )
            # First: a search refused for want of a limit answers 500.
            assert {limit for _, limit in log.built} == {MAX_SEARCH_DAYS}
            assert response.status_code == 200, response.get_data(as_text=True)
            features = response.get_json()["features"]
            assert len(features) == 50
            _assert_bounded(log, texts, f"nearest at {at}")
            by_form = {f["properties"]["opening_hours"]: f["properties"] for f in features}
            always = by_form['Mo-Su 00:00-24:00 "驿站0"']
            assert (always["open_now"], always["next_change_at"]) == (True, None)
            unknown = by_form['Mo-Su 00:00-24:00 unknown "驿站1"']
            assert (unknown["open_now"], unknown["next_change_at"]) == (None, None)

        bbox = f"{MANAS[1] - 0.1},{MANAS[0] - 0.1},{MANAS[1] + 0.1},{MANAS[0] + 0.2}"
        log.calls.clear()  # the parsed strings stay, their limits checked each time
        response = client.get("/api/v1/stations", query_string={"bbox": bbox, "limit": 1000})
        assert response.status_code == 200
        assert len(response.get_json()["features"]) == STATIONS
        _assert_bounded(log, texts, "bbox listing")


WEEKLY = "Mo-Fr 08:00-20:00; Sa,Su 10:00-16:00"
SATURDAY_NOON = "2026-12-05T12:00:00+08:00"


def _import_rows(app, tmp_path, rows: list[tuple[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "address", "lat", "lon", "datum", "opening_hours"])
    for i, (name, hours) in enumerate(rows):
        writer.writerow([name, "玛纳斯县", MANAS[0] + i * 0.001, MANAS[1], "wgs84", hours])
    path = tmp_path / "rows.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-stations", str(path)])
    assert result.exit_code == 0, result.output


def test_api_answers_carry_the_hours_in_words_with_the_day_asked_about_first(empty_app, tmp_path):
    _import_rows(empty_app, tmp_path, [("周末驿站", WEEKLY), ("全天驿站", "24/7")])
    client = empty_app.test_client()
    body = client.get(
        "/api/v1/stations/nearest",
        query_string={"lat": MANAS[0], "lon": MANAS[1], "k": 2, "at": SATURDAY_NOON},
    ).get_json()
    props = {f["properties"]["name"]: f["properties"] for f in body["features"]}
    weekly = props["周末驿站"]
    assert (
        weekly["hours_zh"] == "今天 10:00-16:00（周一至周五 08:00-20:00；周六、周日 10:00-16:00）"
    )
    assert weekly["hours_en"] == "Today 10:00-16:00 (Mon–Fri 08:00-20:00; Sat, Sun 10:00-16:00)"
    assert weekly["opening_hours"] == WEEKLY  # the machine-readable form stays
    assert props["全天驿站"]["hours_zh"] == "全天24小时"
    assert props["全天驿站"]["hours_en"] == "open 24 hours"

    # The bbox listing (the map's popups) and the detail carry the same words.
    bbox = f"{MANAS[1] - 0.1},{MANAS[0] - 0.1},{MANAS[1] + 0.1},{MANAS[0] + 0.1}"
    listed = client.get("/api/v1/stations", query_string={"bbox": bbox}).get_json()["features"]
    assert {f["properties"]["name"] for f in listed if f["properties"]["hours_zh"]} == {
        "周末驿站",
        "全天驿站",
    }
    detail = client.get(f"/api/v1/stations/{weekly['id']}").get_json()["properties"]
    assert detail["hours_zh"].endswith("（周一至周五 08:00-20:00；周六、周日 10:00-16:00）")

    # Documented in OpenAPI beside opening_hours.
    spec = client.get("/api/openapi.json").get_json()
    assert "hours_zh" in str(spec) and "hours_en" in str(spec)


def test_station_page_shows_the_hours_in_its_language_not_osm_syntax(empty_app, tmp_path):
    _import_rows(empty_app, tmp_path, [("周末驿站", WEEKLY + "; PH off")])
    client = empty_app.test_client()
    code = client.get(
        "/api/v1/stations/nearest", query_string={"lat": MANAS[0], "lon": MANAS[1], "k": 1}
    ).get_json()["features"][0]["properties"]["code"]
    zh = client.get(f"/s/{code}").get_data(as_text=True)
    assert "周一至周五 08:00-20:00；周六、周日 10:00-16:00；节假日 休息" in zh
    assert "Mo-Fr" not in zh
    en = client.get(f"/s/{code}?lang=en").get_data(as_text=True)
    assert "Mon–Fri 08:00-20:00; Sat, Sun 10:00-16:00; public holidays closed" in en
    assert "Mo-Fr" not in en
