"""Real headless Chromium (Debian's ``/usr/bin/chromium``) against the app served on
127.0.0.1 with the demo data and a few stations whose text is an attack.

Every request that would leave 127.0.0.1 is aborted and recorded; every console error,
page error and dialog is recorded; a test fails if any of them happened. Skips, with
the reason, when Chromium or the ``playwright`` package is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from stationmap import create_app
from stationmap.app_state import state
from stationmap.db import upgrade
from stationmap.models import Station
from stationmap.services import demo as demo_service
from stationmap.services import districts as district_service
from stationmap.services.stations import save_inputs
from stationmap.station_fields import StationInput

CHROMIUM = os.environ.get("STATIONMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1366, "height": 768}
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"

XSS_PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "${alert(1)}",
    "`",
    "\\`",
    # Jinja text: branca renders folium's script twice, so it ran on the server.
    "{{7*7}} {% if %}",
)
# A district grown to BUDGET_STATIONS stations (集贤县) for the first-load budget.
BUDGET_DISTRICT = "230521"
BUDGET_STATIONS = 150
BUDGET_CENTRE = (46.7494, 131.1848)
# Where the attack stations stand (西山区, 昆明): far from every demo test point.
XSS_LAT, XSS_LON = 25.0300, 102.6300


def _requirements() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install playwright)"
    return None


_MISSING = _requirements()
if _MISSING:
    print(f"browser tests skipped: {_MISSING}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)
            if _MISSING:
                item.add_marker(pytest.mark.skip(reason=f"browser tests need {_MISSING}"))


def xss_inputs() -> list[StationInput]:
    out = []
    for i, payload in enumerate(XSS_PAYLOADS):
        out.append(
            StationInput(
                name=f"XSS{i} {payload} 驿站",
                lat=XSS_LAT + 0.001 * i,
                lon=XSS_LON + 0.001 * i,
                code=f"530112-{7000 + i}",
                address=f"地址 {payload} 路{i}号",
                host_type="union",
                amenities=("water", "toilet"),
                worker_groups=("food_delivery",),
                opening_hours="24/7",
                phone="0871-1234567",
                contact=payload,
                services=(f"服务 {payload}", payload),
            )
        )
    return out


def budget_inputs(
    seeds: list[tuple[float, float]], inside: Callable[[float, float], bool]
) -> list[StationInput]:
    """Extra stations a few hundred metres around the district's own (``seeds``, lat,
    lon), kept only where ``inside`` says they fall in it, up to BUDGET_STATIONS."""
    out: list[StationInput] = []
    step = 0
    while len(seeds) + len(out) < BUDGET_STATIONS and step < 50:
        step += 1
        for k, (seed_lat, seed_lon) in enumerate(seeds):
            if len(seeds) + len(out) >= BUDGET_STATIONS:
                break
            lat = seed_lat + 0.0011 * step * (1 if (k + step) % 2 else -1)
            lon = seed_lon + 0.0013 * step * (1 if (k + step) % 3 else -1)
            if not inside(lat, lon):
                continue
            i = len(out)
            out.append(
                StationInput(
                    name=f"集贤县测试驿站{i:03d}号（社区服务中心）",
                    lat=lat,
                    lon=lon,
                    code=f"{BUDGET_DISTRICT}-{8000 + i}",
                    address=f"黑龙江省双鸭山市集贤县福利镇测试路{i}号",
                    host_type="community",
                    amenities=("water", "toilet", "phone_charging", "microwave", "seating"),
                    worker_groups=("food_delivery", "courier"),
                    opening_hours="Mo-Su 08:00-20:00",
                    phone="0469-1234567",
                    services=("免费饮水", "手机充电", "加热饭菜"),
                )
            )
    return out


@dataclass
class LiveServer:
    url: str
    app: Any

    def api(self, path: str) -> Any:
        with self.app.test_client() as client:
            response = client.get(path)
            assert response.status_code == 200, response.data
            return response.get_json()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    instance = tmp_path_factory.mktemp("browser-instance")
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "STATIONMAP_ENV": "testing",
            "STATIONMAP_TILES": "none",
            # Every test logs in from 127.0.0.1: the 10 a minute a person gets would stop
            # the suite (the limit itself is tested in tests/integration/test_rate_limit.py).
            "STATIONMAP_LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    database = state(app).db
    upgrade(database)
    with database.write_session() as session:
        district_service.load_shipped(session)
        demo_service.load_demo(session)
        save_inputs(session, xss_inputs())
        seeds = [
            (s.lat, s.lon)
            for s in session.scalars(
                select(Station).where(Station.district_code == BUDGET_DISTRICT)
            )
        ]
        locator = district_service.locator(session)
        save_inputs(
            session,
            budget_inputs(seeds, lambda lat, lon: locator.locate(lat, lon) == BUDGET_DISTRICT),
        )
    yield from serve(app)


def demo_app(instance: Path, tiles: str, **settings: str) -> Any:
    """The app on a fresh SQLite database in ``instance`` with the shipped districts and
    the demo stations, on the base map ``tiles`` (STATIONMAP_TILES), with any other
    ``settings`` (STATIONMAP_*)."""
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "STATIONMAP_ENV": "testing",
            "STATIONMAP_TILES": tiles,
            **settings,
        }
    )
    database = state(app).db
    upgrade(database)
    with database.write_session() as session:
        district_service.load_shipped(session)
        demo_service.load_demo(session)
    return app


def serve(app: Any) -> Iterator[LiveServer]:
    """Serve ``app`` on 127.0.0.1 (a port of its own) until the generator is closed."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        state(app).db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Watch:
    """What a page did that a test must not allow."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    responses: list[Any] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.outside_requests == [], "requests left 127.0.0.1"
        assert self.dialogs == [], "a dialog fired (script ran)"
        assert self.page_errors == [], "uncaught page errors"
        assert self.console_errors == [], "console errors"


@dataclass
class PhoneSession:
    context: Any
    watch: Watch

    def new_page(self) -> Any:
        page = self.context.new_page()
        watch = self.watch
        page.on(
            "console",
            lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: watch.page_errors.append(str(exc)))

        def on_dialog(dialog: Any) -> None:
            watch.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("response", lambda response: watch.responses.append(response))
        return page


def _open_context(
    browser: Any,
    watch: Watch,
    geolocation: dict[str, float] | None,
    lang: str = "zh-CN",
    viewport: dict[str, int] = PHONE,
) -> Any:
    on_phone = viewport == PHONE
    options: dict[str, Any] = {
        "viewport": viewport,
        "device_scale_factor": 2 if on_phone else 1,
        "is_mobile": on_phone,
        "has_touch": on_phone,
        "locale": lang,
        "timezone_id": "Asia/Shanghai",
    }
    if geolocation is not None:
        options["geolocation"] = geolocation
        options["permissions"] = ["geolocation"]
    context = browser.new_context(**options)

    def guard(route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            watch.outside_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    context.set_default_timeout(10_000)
    return context


def _sessions(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    """Yield an opener of watched browser contexts of ``viewport``; after the test,
    close them and assert nothing bad happened in any."""
    made: list[PhoneSession] = []

    def open_session(geolocation: dict[str, float] | None = None) -> PhoneSession:
        watch = Watch()
        context = _open_context(browser, watch, geolocation, viewport=viewport)
        session = PhoneSession(context, watch)
        made.append(session)
        return session

    yield open_session
    for session in made:
        session.context.close()
    for session in made:
        session.watch.assert_clean()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """Open a phone-sized context: ``phone(geolocation={...})`` or ``phone()`` for a
    refused location. Asserts, after the test, that nothing bad happened."""
    yield from _sessions(browser, PHONE)


def ensure_admin(live_server: LiveServer, username: str, password: str, district: str) -> str:
    """A district administrator of ``district`` (made once per server); its name."""
    from stationmap.app_state import state
    from stationmap.services import users as user_service

    with state(live_server.app).db.write_session() as session:
        if user_service.get_user(session, username) is None:
            user_service.create_user(session, username, password, "district_admin", (district,))
    return username


def log_in(
    page: Any, live_server: LiveServer, username: str, password: str, query: str = ""
) -> None:
    """Log ``page`` in through the login form (``query`` e.g. ``?lang=en``); it ends on
    the dashboard."""
    page.goto(f"{live_server.url}/admin/login{query}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def open_editor(
    live_server: LiveServer, session: PhoneSession, username: str, password: str
) -> Any:
    """A page of ``session`` logged in as ``username``, on the new-station editor with
    its district outlines drawn."""
    page = session.new_page()
    log_in(page, live_server, username, password)
    page.goto(f"{live_server.url}/admin/stations/new")
    page.wait_for_selector("#picker[data-ready='1']")
    return page


def assert_marker_in_view(page: Any) -> None:
    """The picker's marker is drawn wholly inside the map (never off-screen)."""
    picker = page.locator("#picker").bounding_box()
    icon = page.locator("#picker .leaflet-marker-icon").bounding_box()
    assert picker["x"] <= icon["x"] <= picker["x"] + picker["width"] - icon["width"]
    assert picker["y"] <= icon["y"] <= picker["y"] + picker["height"] - icon["height"]


@pytest.fixture
def desktop(browser: Any) -> Iterator[Any]:
    """Like ``phone``, on an office computer's screen (1366×768, mouse, no touch)."""
    yield from _sessions(browser, DESKTOP)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def save_readme_screenshot(source: Path) -> None:
    """Copy ``source`` to the README's picture, only when asked
    (``STATIONMAP_UPDATE_SCREENSHOT=1``): a test run leaves the working tree as it found
    it; the picture stays in the run's artifacts either way."""
    if os.environ.get("STATIONMAP_UPDATE_SCREENSHOT") != "1":
        return
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    shutil.copyfile(source, docs / "screenshot-phone.png")
