"""The map page's quality bar at 360x640 in headless Chromium: tap targets of at least
44 px, text beside every icon, a visible keyboard focus, landmarks and headings for a
screen reader's basic navigation, and text contrast of at least 4.5:1 (3:1 for large
text), measured on the rendered page rather than assumed from the CSS."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import LiveServer
from test_map_page import HOHHOT, _wait_ready

pytestmark = pytest.mark.browser

MIN_TARGET_PX = 44
# Everything a finger taps on the page: header, map controls, filters, the list (with
# one navigation menu open), the district picker and the footer. The map's credit line
# ("Leaflet") is excepted as an inline text link (WCAG 2.5.8's inline exception).
TARGETS = (
    ".bar a, .map-wrap button, .map-wrap .leaflet-bar a, #filters label.chip, "
    "#filters select, .results button, .results a, .results summary, "
    ".district-pick select, .district-pick button, .foot a"
)

# For each visible element with text of its own: its text colour and the colour behind
# it (backgrounds composed up the tree), its font size and weight.
_CONTRAST_JS = """
() => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, under) => { const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat([1]); };
  const background = el => { const layers = [];
    for (let n = el; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    let colour = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) colour = over(layers[i], colour);
    return colour; };
  const lum = c => { const ch = c.slice(0, 3).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]; };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.closest('.sr-only, template, script, style, .skip-link, option')) continue;
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (!r.width || !r.height || s.visibility === 'hidden' || Number(s.opacity) === 0) continue;
    const bg = background(el), fg = over(parse(s.color), bg);
    const a = lum(fg), b = lum(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(s.fontSize), bold = Number(s.fontWeight) >= 700;
    out.push({text: el.textContent.trim().slice(0, 30), tag: el.tagName,
      cls: String(el.className), ratio: ratio, large: size >= 24 || (bold && size >= 18.66)});
  }
  return out;
}
"""


def _open_located(live_server: LiveServer, phone: Any) -> Any:
    page = phone(geolocation=HOHHOT).new_page()
    page.goto(live_server.url + "/")
    _wait_ready(page)
    return page


def test_tap_targets_are_at_least_44px(live_server: LiveServer, phone: Any) -> None:
    page = _open_located(live_server, phone)
    page.locator("#list > li .item-toggle").first.click()  # one card unfolded
    page.locator("#list > li summary").first.click()  # one navigation menu open
    boxes = page.eval_on_selector_all(
        TARGETS,
        """els => els.filter(e => e.getClientRects().length).map(e => {
             const r = e.getBoundingClientRect();
             return {what: e.tagName + '.' + e.className + ' ' + e.textContent.trim().slice(0, 20),
                     w: r.width, h: r.height}; })""",
    )
    assert len(boxes) > 30, "the list, filters and controls were measured"
    small = [b for b in boxes if b["w"] < MIN_TARGET_PX - 0.5 or b["h"] < MIN_TARGET_PX - 0.5]
    assert small == []


def test_every_icon_has_a_text_label_beside_it(live_server: LiveServer, phone: Any) -> None:
    page = _open_located(live_server, phone)
    unlabelled = page.eval_on_selector_all(
        "main svg.ic",
        # Left out: what no one sees or hears (a station without a phone keeps its call
        # button hidden and empty) and the markers (their names are checked below).
        """els => els.filter(svg => !svg.closest('template, .sm-pin, [hidden]')).filter(svg => {
             const holder = svg.closest('a, button, summary, label, li, span.eta');
             return !holder || !holder.textContent.trim(); })
           .map(svg => (svg.closest('a, button, summary, label, li, span') || svg)
                       .outerHTML.slice(0, 300))""",
    )
    assert unlabelled == []
    # Markers carry the station's name for assistive technology.
    titles = page.eval_on_selector_all(
        ".leaflet-marker-icon.sm-pin", "els => els.map(e => e.getAttribute('title'))"
    )
    assert titles and all(titles)


def test_keyboard_focus_is_always_visible(live_server: LiveServer, phone: Any) -> None:
    page = _open_located(live_server, phone)
    seen = []
    for _ in range(45):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const a = document.activeElement;
                 if (!a || a === document.body) return null;
                 const shown = a.matches('.chip input') ? a.closest('label') : a;
                 const s = getComputedStyle(shown);
                 return {what: a.tagName + '.' + a.className, style: s.outlineStyle,
                         width: parseFloat(s.outlineWidth), shadow: s.boxShadow}; }"""
        )
        if info is not None:
            seen.append(info)
    assert len({s["what"] for s in seen}) > 10
    invisible = [s for s in seen if s["style"] == "none" or s["width"] < 2]
    assert invisible == []


def test_landmarks_headings_and_live_status(live_server: LiveServer, phone: Any) -> None:
    page = _open_located(live_server, phone)
    assert page.get_by_role("banner").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("navigation").count() == 1
    assert page.get_by_role("search", name="筛选驿站").count() == 1
    assert page.get_by_role("region", name="地图").count() == 1
    assert page.get_by_role("status").count() == 1
    assert page.get_by_role("heading", level=1).count() == 1
    assert page.get_by_role("heading", level=2, name="离你最近的驿站").count() == 1
    assert page.get_by_role("heading", level=2, name="选择区县").count() == 1
    stations = page.get_by_role("list", name="离你最近的驿站")
    assert stations.count() == 1
    items = stations.locator(":scope > li")
    assert items.count() == 10
    assert page.get_by_role("heading", level=3).count() == 10
    assert page.locator("#list .amen").first.get_attribute("aria-label") == "设施"
    assert page.get_by_role("combobox", name="省份").count() == 1
    assert page.get_by_role("link", name="跳到正文").count() == 1


def test_text_contrast_meets_wcag_aa(live_server: LiveServer, phone: Any) -> None:
    page = _open_located(live_server, phone)
    page.locator("label.chip", has=page.locator("input[value='water']")).click()  # a red chip
    _wait_ready(page)
    page.locator("#list > li .item-toggle").first.click()
    page.locator("#list > li summary").first.click()
    measured = page.evaluate(_CONTRAST_JS)
    assert len(measured) > 40
    failing = [m for m in measured if m["ratio"] < (3.0 if m["large"] else 4.5)]
    assert failing == []
    lowest = min(m["ratio"] for m in measured)
    print(f"lowest text contrast on the page: {lowest:.2f}:1 over {len(measured)} elements")
