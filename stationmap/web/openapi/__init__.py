"""The OpenAPI 3.1 description of the v1 API, built from the same constants the views
use (caps, vocabularies), so the document cannot drift from the code.

``schemas`` holds the small builders and the component schemas both halves use,
``reads`` the document with the read paths, and ``writes`` the write paths and
:func:`build_spec`, which adds them to it."""

from stationmap.web.openapi.writes import build_spec

__all__ = ["build_spec"]
