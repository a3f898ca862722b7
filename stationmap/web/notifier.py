"""The background sender of report notifications, for a deployment without cron:
with ``STATIONMAP_NOTIFY_INTERVAL_S`` set (seconds, > 0), each app process starts one
daemon thread at its first request (after gunicorn has forked it) that runs
:func:`stationmap.services.report_notify.run_once` at that interval. Without it, run
``stationmap send-notifications`` from cron or with ``--loop``."""

from __future__ import annotations

import logging
import os
import threading

from flask import Flask

from stationmap.app_state import state
from stationmap.config import ConfigError
from stationmap.services import report_notify

log = logging.getLogger(__name__)
SETTING = "STATIONMAP_NOTIFY_INTERVAL_S"
EXTENSION = "stationmap_notifier_stop"


def interval_s(app: Flask) -> float:
    raw = str(app.config.get(SETTING) or os.environ.get(SETTING, "") or "0")
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(
            f"{SETTING} must be a number of seconds (0: no thread)",
            f"{SETTING} 应为秒数（0：不另开线程）",
        ) from None
    if not 0 <= value < 86_400:
        raise ConfigError(
            f"{SETTING} must be between 0 and 86400 seconds", f"{SETTING} 应在 0 到 86400 秒之间"
        )
    return value


def _loop(app: Flask, every_s: float, stop: threading.Event) -> None:
    app_state = state(app)
    while not stop.is_set():
        try:
            report_notify.run_once(
                app_state.db.write_session,
                app_state.settings.public_url,
                post=report_notify.poster(app_state.settings.notify_local),
            )
        except Exception:  # a database outage must not end the thread
            log.exception("sending report notifications failed; trying again later")
        stop.wait(every_s)


def stop(app: Flask) -> None:
    """Ask the app's sender thread to end (tests; a process's exit ends it anyway)."""
    event = app.extensions.get(EXTENSION)
    if event is not None:
        event.set()


def init_app(app: Flask) -> None:
    every_s = interval_s(app)
    if every_s <= 0:
        return
    started: set[int] = set()
    lock = threading.Lock()
    app.extensions[EXTENSION] = stopped = threading.Event()

    @app.before_request
    def _start_sender() -> None:
        pid = os.getpid()
        if pid in started:
            return
        with lock:
            if pid in started:
                return
            started.add(pid)
            threading.Thread(
                target=_loop, args=(app, every_s, stopped), daemon=True, name="report-notify"
            ).start()
