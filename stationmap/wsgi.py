"""The app for gunicorn, ready before it accepts a request.

``stationmap serve`` uses it; under a gunicorn of your own run
``gunicorn --preload --workers N 'stationmap.wsgi:app'``.

With ``--preload`` (``preload_app``) gunicorn imports this module in its master process
before it opens the listening socket and forks the workers. :func:`warm_up` builds the
nearest index there and renders the map page once (importing folium, compiling the
templates), so

* no connection is accepted before the index is ready (until then the port refuses, so
  a client or a proxy retries at once instead of waiting in the backlog), and
* each worker starts with the master's index (copied on write), not a rebuild of its own.

folium is thus imported once, in the master, and shared by every worker: ``create_app``
itself does not import it, but every worker serves the map page. It is imported without
the pandas it would otherwise load (:mod:`stationmap.render.map_library`; folium needs
pandas only for a DataFrame), and an empty index builds no KD-tree (no scipy), so a
worker on an empty database starts at about 84 MB RSS instead of about 122 MB
(``bench/floor.py``, 2 workers). Leaving folium to each worker's first page instead
would make that page slower by the import and the worker larger after it, unshared.

Freshness is unchanged: each worker checks the data version every
``STATIONMAP_INDEX_CHECK_S`` and rebuilds when another process has written.
"""

from __future__ import annotations

import ctypes
import gc
import logging

from flask import Flask

from stationmap import create_app
from stationmap.app_state import state
from stationmap.web.assets import precompress

log = logging.getLogger(__name__)


def warm_up(app: Flask) -> None:
    """Compress the static text files, build the nearest index and render ``/`` once,
    then close the database connections so that no forked worker shares the master's.
    A database that is down is logged, not fatal: the workers then answer 503 and
    build the index when it is back."""
    precompress(app)  # no database needed: done even when it is down
    try:
        state(app).nearest.warm()
        with app.test_client() as client:
            client.get("/").close()
    except Exception:
        log.exception("could not warm up (nearest index, map page) at start")
    finally:
        state(app).db.dispose()
    # Everything built so far lives as long as the process: out of the collector's
    # sight, a worker's first full collection neither walks the index's objects (a
    # second or more at 200,000 stations) nor copies every page they sit on.
    gc.collect()
    gc.freeze()
    release_free_memory()


def release_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``): the
    rows read while building the index are freed, but glibc keeps their pages, which
    every forked worker would otherwise carry in its resident size. Elsewhere than
    glibc, nothing is done."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def ready_app() -> Flask:
    app = create_app()
    warm_up(app)
    return app


app = ready_app()
