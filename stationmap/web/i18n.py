"""The interface language of a request: Chinese first, English when asked.

One mechanism for every page (public and admin): ``?lang=en`` (or ``zh``) chooses,
and the choice is remembered in the ``lang`` cookie (set after the request, SameSite=Lax,
for a year); without either a page is Chinese. Templates and views write each string in
both languages where it is used: ``tr("中文", "English")``; ``html_lang()`` is the
``<html lang>`` value and ``lang_switch()`` the link to the same page in the other
language.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from flask import Flask, Response, has_request_context, request

LANGS = ("zh", "en")
LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


def current_lang() -> str:
    """``zh`` or ``en`` for the request being served (``zh`` outside a request)."""
    if not has_request_context():
        return "zh"
    asked = request.args.get("lang", "")
    if asked in LANGS:
        return asked
    saved = request.cookies.get(LANG_COOKIE, "")
    return saved if saved in LANGS else "zh"


def tr(zh: str, en: str) -> str:
    """The string for the request's language."""
    return en if current_lang() == "en" else zh


def html_lang() -> str:
    """The page's ``<html lang>``: ``en`` or ``zh-CN``."""
    return "en" if current_lang() == "en" else "zh-CN"


def lang_switch() -> dict[str, Any]:
    """The same page in the other language: ``switch_url`` (the path with its query
    kept and only ``lang`` changed), ``switch_lang`` and ``switch_label``. The query is
    never passed to url_for: a ``code``, ``_method`` or ``_external`` there would
    collide with its own arguments or point the link at the Host header's domain."""
    lang = current_lang()
    other = "en" if lang == "zh" else "zh"
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    url = f"{request.script_root}{quote(request.path)}?{urlencode([*args, ('lang', other)])}"
    return {
        "switch_url": url,
        "switch_lang": other,
        "switch_label": "English" if lang == "zh" else "中文",
    }


def remember_lang(response: Response) -> Response:
    """Keep an asked-for language in the cookie, on HTML pages and redirects only (an
    API answer stays free of cookies)."""
    if b"lang=" not in request.query_string:  # most requests: no query to parse
        return response
    asked = request.args.get("lang", "")
    if (
        asked in LANGS
        and request.cookies.get(LANG_COOKIE) != asked
        and (response.mimetype == "text/html" or 300 <= response.status_code < 400)
    ):
        response.set_cookie(
            LANG_COOKIE, asked, max_age=LANG_COOKIE_MAX_AGE, samesite="Lax", httponly=False
        )
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["tr"] = tr
    app.jinja_env.globals["current_lang"] = current_lang
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.globals["lang_switch"] = lang_switch
    app.after_request(remember_lang)
