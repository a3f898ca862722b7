"""A district code is 6 ASCII digits: full-width digits (１５０１０２), superscripts (²) and
other scripts' digits, which ``str.isdigit()`` takes, are refused with a 400 naming the
field and the format in the API, and open the pages as any unknown code does."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.integration.admin_support import XINCHENG
from tests.integration.report_queue_support import api_token

FULL_WIDTH = XINCHENG.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
ARABIC_INDIC = XINCHENG.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
NOT_ASCII_CODES = [FULL_WIDTH, ARABIC_INDIC, XINCHENG[:5] + "²", "①" + XINCHENG[1:]]


def _assert_refused(response, field):
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["field"] == field
    assert "6 ASCII digits" in error["message"]
    assert error["message"].startswith(f"{field} must be a 6-digit administrative code")


@pytest.mark.parametrize("code", NOT_ASCII_CODES)
def test_station_list_refuses_a_district_in_other_digits(client, code):
    assert client.get(f"/api/v1/stations?district={XINCHENG}").status_code == 200
    _assert_refused(client.get(f"/api/v1/stations?district={quote(code)}"), "district")


@pytest.mark.parametrize("code", NOT_ASCII_CODES)
def test_district_list_refuses_a_parent_in_other_digits(client, code):
    assert client.get("/api/v1/districts?parent=150100").status_code == 200
    _assert_refused(client.get(f"/api/v1/districts?parent={quote(code)}"), "parent")


@pytest.mark.parametrize("code", NOT_ASCII_CODES)
def test_report_queue_refuses_a_district_in_other_digits(app, code):
    secret = api_token(app, "words-sa", "superadmin")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"/api/v1/reports?district={XINCHENG}", headers=headers).status_code == 200
    _assert_refused(
        client.get(f"/api/v1/reports?district={quote(code)}", headers=headers), "district"
    )


@pytest.mark.parametrize("code", NOT_ASCII_CODES)
def test_pages_answer_other_digits_as_a_code_that_is_not_one(client, code):
    # ?district=: as an unknown code (999999), a 404.
    assert client.get("/?district=999999").status_code == 404
    assert client.get(f"/?district={quote(code)}").status_code == 404
    # The picker's selects: as a value no select offers (test_pages: province=abc), a 404.
    assert client.get("/?province=abc").status_code == 404
    for query in (
        f"province={quote(code)}",
        f"province=150000&city={quote(code)}",
        f"province=150000&city=150100&county={quote(code)}",
    ):
        assert client.get(f"/?{query}").status_code == 404, query
