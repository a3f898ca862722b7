"""A NUL character in a station form's field (pasted with text from another program;
it shows as nothing) is refused naming the field it is in, in the page's language, and
how to get rid of it: before, the page said only that the request held one, and the
administrator had to guess which of a dozen fields. The words are written out here."""

from __future__ import annotations

import pytest

from tests.integration.admin_support import XINCHENG, district_admins, form_of, station_in


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", "请求中含有空字符（NUL, \\0），位于“地址”一栏：请清空该栏后重新输入。"),
        ("en", "The request contains a NUL character (\\0) in the field “Address”: clear"),
    ],
)
def test_a_nul_in_a_station_field_is_refused_naming_the_field(app, lang, words):
    [(client, token)] = district_admins(app, "nul-admin")
    client.set_cookie("lang", lang)
    station = station_in(app, XINCHENG)
    form = form_of(station, address="人民路\x001 号", csrf_token=token)
    response = client.post(f"/admin/stations/{station.id}", data=form)
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
