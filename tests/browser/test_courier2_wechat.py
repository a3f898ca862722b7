"""The station page inside WeChat's browser (at 360x640, user agent ``MicroMessenger``).
WeChat keeps map apps from opening from its own browser (custom schemes are blocked; the
maps' https links open their web page, whose "open the app" button meets the same block,
or WeChat's own "open in browser" wall). So under WeChat, and only there, the page says
in its language how to get round it (··· then 在浏览器打开 / Open in Browser) and offers
the station's address and name to copy, with a fallback when the clipboard is refused.
A plain mobile Chrome sees the page as before. Expected text comes from the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import XSS_LAT, XSS_LON, XSS_PAYLOADS, LiveServer

pytestmark = pytest.mark.browser

WECHAT_ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; V2183A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/111.0.5563.116 Mobile Safari/537.36 "
    "XWEB/1110047 MMWEBSDK/20231105 MMWEBID/2457 MicroMessenger/8.0.44.2502(0x28002C37) "
    "WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)
# In 玛纳斯县, where the courier page tests' rider stands.
MANAS = (44.3050, 86.2170)
HINT_ZH = "若没有打开导航 App：点右上角 ··· 选「在浏览器打开」"
HINT_EN = "If no navigation app opens: tap ··· at the top right and choose “Open in Browser”"


def _nearest(server: LiveServer, lat: float, lon: float) -> dict[str, Any]:
    data = server.api(f"/api/v1/stations/nearest?lat={lat}&lon={lon}&k=1")
    props: dict[str, Any] = data["features"][0]["properties"]
    return props


def _page_as(session: Any, user_agent: str) -> Any:
    page = session.new_page()
    cdp = session.context.new_cdp_session(page)
    cdp.send("Network.setUserAgentOverride", {"userAgent": user_agent})
    return page


def _open_station(server: LiveServer, page: Any, code: str, query: str = "") -> None:
    page.goto(f"{server.url}/s/{code}{query}")
    page.wait_for_selector("a.nav-amap")


def _clipboard(page: Any) -> str:
    text: str = page.evaluate("navigator.clipboard.readText()")
    return text


def test_inside_wechat_the_hint_and_the_copy_button_are_by_the_navigation_links(
    live_server: LiveServer, phone: Any, artifacts: Path
) -> None:
    station = _nearest(live_server, *MANAS)
    session = phone()
    session.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = _page_as(session, WECHAT_ANDROID)
    # A link shared in a WeChat chat comes back with WeChat's parameters.
    _open_station(live_server, page, station["code"], "?from=singlemessage&isappinstalled=0")
    assert page.evaluate("navigator.userAgent") == WECHAT_ANDROID
    help_box = page.locator("#wechat-help")
    assert help_box.is_visible()
    assert page.locator(".wx-hint").inner_text() == HINT_ZH
    # Right after the navigation links, inside the first screen's reach.
    assert (
        page.evaluate("document.querySelector('.nav-links').nextElementSibling.id") == "wechat-help"
    )
    button = page.locator("button.copy-address")
    assert button.inner_text() == "复制地址"
    assert button.bounding_box()["height"] >= 44
    button.tap()
    page.locator(".copy-status").filter(has_text="已复制").wait_for()
    assert _clipboard(page) == f"{station['address']}（{station['name']}）"
    assert page.locator(".copy-spare").is_hidden()
    help_box.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "ux-wechat-station-copied.png"))

    page.goto(f"{live_server.url}/s/{station['code']}?lang=en&from=groupmessage")
    assert page.locator(".wx-hint").inner_text() == HINT_EN
    page.locator("button.copy-address").tap()
    page.locator(".copy-status").filter(has_text="Copied").wait_for()
    assert _clipboard(page) == f"{station['address']} ({station['name']})"


def test_a_refused_clipboard_falls_back_to_the_copy_command_then_to_selected_text(
    live_server: LiveServer, phone: Any
) -> None:
    station = _nearest(live_server, XSS_LAT, XSS_LON)
    # Its text is an attack: copied as text.
    assert any(payload in station["name"] for payload in XSS_PAYLOADS)
    session = phone()
    page = _page_as(session, WECHAT_ANDROID)
    page.add_init_script(
        "navigator.clipboard.writeText = () =>"
        " Promise.reject(new DOMException('refused', 'NotAllowedError'));"
        "window.smCommands = [];"
        "document.execCommand = (name) => {"
        "  window.smCommands.push([name, document.activeElement.value]); return false; };"
    )
    _open_station(live_server, page, station["code"])
    page.locator("button.copy-address").tap()
    page.locator(".copy-status").filter(has_text="没能自动复制").wait_for()
    expected = f"{station['address']}（{station['name']}）"
    # The old copy command was tried with the text, then the text is shown selected.
    assert page.evaluate("window.smCommands") == [["copy", expected]]
    spare = page.locator("textarea.copy-spare")
    assert spare.is_visible()
    assert spare.input_value() == expected
    assert (
        page.evaluate(
            "window.getSelection().toString() || document.activeElement.value.slice("
            "document.activeElement.selectionStart,"
            " document.activeElement.selectionEnd)"
        )
        == expected
    )
    assert page.locator(".copy-status").inner_text() == "没能自动复制：请长按下面的文字，选「复制」"


def test_a_plain_mobile_chrome_sees_no_wechat_hint(live_server: LiveServer, phone: Any) -> None:
    station = _nearest(live_server, *MANAS)
    session = phone()
    page = _page_as(session, CHROME_ANDROID)
    _open_station(live_server, page, station["code"])
    assert page.evaluate("navigator.userAgent") == CHROME_ANDROID
    assert page.locator("#wechat-help").is_hidden()
    assert "在浏览器打开" not in page.locator("main").inner_text()
    assert page.locator("button.copy-address").is_hidden()


@pytest.mark.parametrize(
    ("user_agent", "hint"),
    [
        (
            WECHAT_ANDROID,
            "若没有打开导航 App：点右上角 ··· 选「在浏览器打开」；地址可在「详情」里复制",
        ),
        (CHROME_ANDROID, None),
    ],
)
def test_the_lists_navigation_menu_has_the_hint_inside_wechat_only(
    live_server: LiveServer, phone: Any, user_agent: str, hint: str | None
) -> None:
    session = phone(geolocation={"latitude": MANAS[0], "longitude": MANAS[1]})
    page = _page_as(session, user_agent)
    # A link shared in a group chat: WeChat's parameters beside the chips'.
    page.goto(f"{live_server.url}/?amenity=water&from=groupmessage&isappinstalled=0")
    page.wait_for_selector("body[data-list-state=ready]", state="attached")
    assert page.locator("#filters input[value=water]").is_checked()
    card = page.locator("#list > li").first
    card.locator(".item-toggle").tap()
    card.locator("details.nav > summary").tap()
    assert card.locator("a.nav-amap").is_visible()
    if hint is None:
        assert card.locator(".wx-hint").is_hidden()
    else:
        assert card.locator(".wx-hint").inner_text() == hint
        assert card.locator(".wx-hint").is_visible()
