"""The command line's language: Chinese under a Chinese locale, English otherwise.

Administrators read Chinese: every command words what it prints with :func:`say` (or an
error's own ``text(lang)``) in the language :func:`message_lang` reads from the
terminal's locale, and fails with :class:`Failure`, whose ``错误：`` prefix follows it.
"""

from __future__ import annotations

import os
from typing import IO, Any

import click


def message_lang() -> str:
    """``zh`` when the terminal's locale is Chinese (LC_ALL, LC_MESSAGES, LANG), else ``en``."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := os.environ.get(name):
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def say(zh: str, en: str) -> str:
    """``zh`` or ``en``, whichever the terminal reads."""
    return zh if message_lang() == "zh" else en


def worded(exc: BaseException) -> str:
    """An error's message in the terminal's language where the error carries both
    (``text(lang)``: an import's field error, a boundary error), else as it was raised."""
    text = getattr(exc, "text", None)
    return str(text(message_lang())) if callable(text) else str(exc)


def datum_problem(value: str) -> str:
    """What to write instead of a datum that no name matches (``--datum``)."""
    return say(
        f"无法识别的坐标系 {value!r}：请写 wgs84（GPS、天地图）、gcj02（高德、腾讯）"
        "或 bd09（百度）",
        f"unknown datum {value!r}: give wgs84 (GPS, Tianditu), gcj02 (AMap, Tencent) "
        "or bd09 (Baidu)",
    )


class Failure(click.ClickException):
    """A command's refusal, printed as ``错误：...`` or ``Error: ...`` (exit code 1)."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"{say('错误：', 'Error: ')}{self.format_message()}", file=file, err=True)
