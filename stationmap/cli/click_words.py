"""click's own words (``Usage:``, ``Error: ...``, a missing file or argument, an
unknown command or option) in Chinese under a Chinese locale.

click marks these messages for gettext (``from gettext import gettext as _`` in each
of its modules) and formats them after looking them up. :func:`install` points those
look-ups at :data:`WORDS` (and :data:`PLURAL_WORDS` for ``ngettext``) while the
terminal reads Chinese (:func:`~stationmap.cli.lang.message_lang`, asked at each
message, so one process can run commands in both languages); anything not listed, and
every message under another locale, is click's own English. A template keeps click's
placeholders, so click fills it in as before (it may leave one out: the kind of a
missing parameter, say). ``tests/unit/test_click_words.py`` checks each key against
the installed click, so an upgrade that rewords one is noticed.
"""

from __future__ import annotations

import gettext
import sys
from collections.abc import Callable

from stationmap.cli.lang import message_lang

#: click's message -> the same in Chinese, saying what to do where click says it.
WORDS: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "default: {default}": "默认：{default}",
    "required": "必填",  # looked up as _(extra["required"])
    "Try '{command} {option}' for help.": "输入 {command} {option} 查看用法。",
    "Error: {message}": "错误：{message}",
    "Aborted!": "已中止。",
    "Error: The two entered values do not match.": "错误：两次输入不一致，请重新输入。",
    "Error: invalid input": "错误：输入无效，请重新输入。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少参数",
    "Missing command.": "缺少命令：请在 stationmap 后写命令名，stationmap --help 列出全部命令。",
    "No such command {name!r}.": (
        "没有名为 {name!r} 的命令：stationmap --help 列出全部命令，请检查拼写。"
    ),
    "No such option {name!r}.": "没有选项 {name!r}：请检查拼写，或用 --help 查看可用的选项。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "{name} {filename!r} does not exist.": (
        "找不到 {filename!r}：请检查文件名和所在文件夹（可写完整路径）。"
    ),
    "{name} {filename!r} is a directory.": "{filename!r} 是文件夹：请写其中的文件名。",
    "{name} {filename!r} is a file.": "{filename!r} 是文件：这里要写文件夹。",
    "{name} {filename!r} is not readable.": "无法读取 {filename!r}：请检查文件的读取权限。",
    "{name} {filename!r} is not writable.": "无法写入 {filename!r}：请检查写入权限或换一个位置。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字，请写数字（如 40.81）。",
    "{value} is not in the range {range}.": "{value} 超出范围 {range}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 后面不能跟值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
}

#: click's (singular, plural) message -> the same in Chinese (one form for both).
PLURAL_WORDS: dict[tuple[str, str], str] = {
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "您是否要写 {possibilities}？"
    ),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "多出了参数（{args}）：请删除，或给含空格的值加上引号。"
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "选项 {name!r} 后面需要写 {nargs} 个值。"
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} 不可用：请从 {choices} 中选一个。"
    ),
}


def _words(english: Callable[[str], str]) -> Callable[[str], str]:
    def look_up(message: str) -> str:
        if message_lang() == "zh" and message in WORDS:
            return WORDS[message]
        return english(message)

    look_up.stationmap_words = True  # type: ignore[attr-defined]
    return look_up


def _plural_words(english: Callable[[str, str, int], str]) -> Callable[[str, str, int], str]:
    def look_up(singular: str, plural: str, n: int) -> str:
        if message_lang() == "zh" and (singular, plural) in PLURAL_WORDS:
            return PLURAL_WORDS[(singular, plural)]
        return english(singular, plural, n)

    look_up.stationmap_words = True  # type: ignore[attr-defined]
    return look_up


_installed: list[bool] = []


def install() -> None:
    """Point every loaded click module's gettext look-ups at these words (once: the
    command line and every app the process creates call this)."""
    if _installed:
        return
    _installed.append(True)
    for name, module in list(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _words(gettext.gettext)  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = _plural_words(gettext.ngettext)  # type: ignore[attr-defined]
