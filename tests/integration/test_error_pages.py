"""A page that is not there (a courier's old link to a station since removed, a typo)
is told in the page's language, not in Werkzeug's English; an error raised with its
own message keeps it. The sentences are written out here."""

from __future__ import annotations

import re

import pytest


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


@pytest.mark.parametrize("url", ["/s/150102-999999", "/no-such-page"])
def test_a_missing_page_is_told_in_chinese(client, url):
    response = client.get(url)
    assert response.status_code == 404
    text = _text(response)
    assert "找不到这个页面：链接可能已失效，或驿站已撤销。请回首页查找附近的驿站。" in text
    assert "找不到页面" in text
    assert "The requested URL" not in text and "Not Found" not in text


def test_a_missing_page_is_told_in_english_on_the_english_page(client):
    response = client.get("/s/150102-999999?lang=en")
    assert response.status_code == 404
    text = _text(response)
    assert "There is no such page: the link may be out of date, or the station gone." in text
    assert "The requested URL" not in text


def test_a_wrong_method_on_a_page_is_told_in_chinese_and_keeps_allow(client):
    response = client.delete("/")
    assert response.status_code == 405
    assert "此页面不接受这种请求。" in _text(response)
    assert "GET" in response.headers["Allow"]


def test_an_error_with_its_own_message_keeps_it(client):
    response = client.get("/r/ABCDEFGH")
    assert response.status_code == 404
    text = _text(response)
    assert "没有这个跟踪码的报告" in text and "找不到页面" in text


def test_the_api_still_answers_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
