"""The interface language of a request: Chinese first, English when asked.

``?lang=en`` (or ``zh``) chooses, and the public pages remember it in the ``lang``
cookie; without either a page is Chinese. Templates and views write each string in
both languages where it is used: ``tr("中文", "English")``.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request

LANGS = ("zh", "en")
LANG_COOKIE = "lang"


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


def init_app(app: Flask) -> None:
    app.jinja_env.globals["tr"] = tr
    app.jinja_env.globals["current_lang"] = current_lang
