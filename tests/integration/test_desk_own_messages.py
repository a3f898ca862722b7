"""Error pages raised with a message of their own (a token that is not the user's, a
staff link replaced, an expired staff or courier form, an export's lang, a NUL
character in a form, too many requests) say it in the page's language only, not in
English (or in both at once); the API keeps answering JSON in English naming the
field."""

from __future__ import annotations

import html as html_text
import re
from datetime import UTC, datetime

import pytest

from stationmap.app_state import state
from stationmap.models import Station
from stationmap.services import staff as staff_service
from tests.integration.admin_support import XINCHENG, csrf_of, station_in
from tests.integration.report_queue_support import admin_client

CJK = re.compile(r"[\u4e00-\u9fff]")


def _message(response) -> str:
    match = re.search(r"<h1>.*?</h1>\s*<p>(.*?)</p>", response.get_data(as_text=True), re.S)
    assert match, response.get_data(as_text=True)[:500]
    return html_text.unescape(match.group(1))


def _in_language(response, status: int, lang: str, words: str) -> None:
    assert response.status_code == status
    _says_in(_message(response), lang, words)


def _says_in(message: str, lang: str, words: str) -> None:
    assert words in message, message
    if lang == "zh":  # no English sentence beside the Chinese one
        assert not re.search(r"[A-Za-z]{4,} [a-z]{2,} [a-z]{2,}", message), message
    else:
        assert not CJK.search(message), message


@pytest.fixture
def admin(app):
    return admin_client(app, "jia", "district_admin", (XINCHENG,))


@pytest.mark.parametrize(("lang", "words"), [("zh", "没有这个令牌"), ("en", "No such token")])
def test_revoking_a_token_that_is_not_yours_says_so_in_the_page_language(admin, lang, words):
    client, csrf = admin
    refused = client.post(f"/admin/tokens/987654/revoke?lang={lang}", data={"csrf_token": csrf})
    _in_language(refused, 404, lang, words)


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", "lang（表头语言）只能是"), ("en", "lang (the headers")]
)
def test_an_export_in_an_unknown_language_says_so_in_the_page_language(admin, lang, words):
    """The export's ``lang`` names its headers' language, so the page's language is the
    one the administrator chose before (kept in a cookie)."""
    client, _csrf = admin
    client.get(f"/admin/?lang={lang}")
    refused = client.get("/admin/export?format=csv&lang=fr")
    _in_language(refused, 400, lang, words)


def _staff_token(app) -> str:
    station = station_in(app, XINCHENG)
    with state(app).db.write_session() as session:
        row = session.get(Station, station.id)
        return staff_service.rotate_link(session, row, None, "test", datetime.now(UTC))


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", "工作人员链接无效或已更换"), ("en", "staff link is not valid")]
)
def test_a_replaced_staff_link_says_so_in_the_page_language(app, lang, words):
    client = app.test_client()
    old = _staff_token(app)
    _staff_token(app)  # the administrator printed a new slip: the old link is replaced
    _in_language(client.get(f"/staff/{old}?lang={lang}"), 404, lang, words)


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", "表单已过期，没有保存"), ("en", "The form expired")]
)
def test_an_expired_staff_form_says_so_in_the_page_language(app, lang, words):
    client = app.test_client()
    token = _staff_token(app)
    refused = client.post(f"/staff/{token}/open?lang={lang}", data={"csrf_token": "old"})
    _in_language(refused, 400, lang, words)


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", "表单已过期，报告没有发送"), ("en", "The form expired")]
)
def test_an_expired_courier_report_form_says_so_in_the_page_language(app, lang, words):
    station = station_in(app, XINCHENG)
    refused = app.test_client().post(
        f"/s/{station.code}/report?lang={lang}", data={"csrf_token": "old"}
    )
    # The form comes back with the message above it (what was typed is kept).
    assert refused.status_code == 400
    alert = re.search(
        r'<p class="form-error" role="alert">(.*?)</p>', refused.get_data(as_text=True), re.S
    )
    assert alert, refused.get_data(as_text=True)[:500]
    _says_in(html_text.unescape(alert.group(1)), lang, words)


@pytest.mark.parametrize(("lang", "words"), [("zh", "请求中含有空字符"), ("en", "NUL character")])
def test_a_nul_in_an_admin_form_says_so_in_the_page_language(admin, lang, words):
    client, csrf = admin
    refused = client.post(f"/admin/tokens?lang={lang}", data={"csrf_token": csrf, "name": "a\x00b"})
    _in_language(refused, 400, lang, words)


def test_the_api_still_answers_a_nul_in_english_json_naming_the_field(app):
    response = app.test_client().get("/api/v1/stations?q=a%00b")
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["field"] == "q"
    assert "NUL character" in error["message"] and not CJK.search(error["message"])


def _title(response) -> str:
    match = re.search(r"<h1>(.*?)</h1>", response.get_data(as_text=True), re.S)
    assert match
    return html_text.unescape(match.group(1))


@pytest.mark.parametrize(
    ("lang", "title", "words"),
    [("zh", "请求过多", "请求过多，请"), ("en", "Too many requests", "try again in")],
)
def test_too_many_staff_requests_says_so_in_the_page_language(app, lang, title, words):
    from stationmap.web.staff import LIMIT

    client = app.test_client()
    token = _staff_token(app)
    for _ in range(LIMIT):
        client.get(f"/staff/{token}?lang={lang}")
    refused = client.get(f"/staff/{token}?lang={lang}")
    _in_language(refused, 429, lang, words)
    assert title in _title(refused) and (lang == "en") != bool(CJK.search(_title(refused)))


@pytest.mark.parametrize(
    ("lang", "title", "words"),
    [("zh", "登录尝试过多", "登录尝试过多，请"), ("en", "Too many login attempts", "try again in")],
)
def test_too_many_logins_says_so_in_the_page_language(app, lang, title, words):
    client = app.test_client()
    csrf = csrf_of(client.get(f"/admin/login?lang={lang}").get_data(as_text=True))
    form = {"username": "nobody", "password": "wrong", "csrf_token": csrf}
    for _ in range(10):
        client.post(f"/admin/login?lang={lang}", data=form)
    refused = client.post(f"/admin/login?lang={lang}", data=form)
    _in_language(refused, 429, lang, words)
    assert title in _title(refused) and (lang == "en") != bool(CJK.search(_title(refused)))
