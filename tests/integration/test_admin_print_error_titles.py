"""A district map that cannot be printed tells the administrator why under a title in
the interface's language: a boundary that cannot be drawn (422) and a server without a
Chinese font (500) were titled in werkzeug's English ("Unprocessable Entity",
"Internal Server Error") above the Chinese message. The words are written out here."""

from __future__ import annotations

import re

import pytest

from stationmap.render.sheet import FontMissingError
from stationmap.services import printing as printing_service
from tests.integration.admin_support import XINCHENG, login, make_user


def _no_boundary(*args, **kwargs):
    raise ValueError("the district's boundary cannot be drawn")


def _no_font(*args, **kwargs):
    raise FontMissingError("no_font", {"family": "WenQuanYi Micro Hei", "package": "p"})


@pytest.mark.parametrize(
    ("fails", "status", "lang", "title"),
    [
        (_no_boundary, 422, "zh", "无法处理"),
        (_no_boundary, 422, "en", "Cannot be done"),
        (_no_font, 500, "zh", "服务器出错"),
        (_no_font, 500, "en", "Server error"),
    ],
)
def test_a_map_that_cannot_be_printed_is_titled_in_the_interface_language(
    app, monkeypatch, fails, status, lang, title
):
    monkeypatch.setattr(printing_service, "district_map", fails)
    make_user(app, "printer", "district_admin", (XINCHENG,))
    client = app.test_client()
    client.set_cookie("lang", lang)
    login(client, "printer")
    response = client.get(f"/admin/print/{XINCHENG}/map")
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert re.search(rf"<h1>{status} {title}</h1>", page), page[:2000]
    assert "Unprocessable Entity" not in page and "Internal Server Error" not in page
