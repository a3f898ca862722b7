"""A station's status has one label per language, the catalog's, wherever it is shown."""

from __future__ import annotations

import pytest

from stationmap import catalog
from stationmap.station_fields import InvalidStation, parse_station


def test_the_catalog_names_active_as_open():
    assert catalog.STATUS_BY_CODE["active"].zh == "正常开放"
    assert catalog.STATUS_BY_CODE["active"].en == "Active"


def test_a_bad_status_names_the_catalog_labels_in_both_languages():
    with pytest.raises(InvalidStation) as caught:
        parse_station({"name": "驿站", "lat": "43.9", "lon": "87.6", "status": "营业"})
    (error,) = [e for e in caught.value.errors if e.field == "status"]
    assert error.message == "must be active, suspended or closed"
    assert (
        error.message_zh == "状态应为 正常开放（active）、暂停服务（suspended）或 已关闭（closed）"
    )
