"""Account, printing and font errors say why in the reader's language: each carries its
kind and values, ``text("zh")`` is the Chinese an administrator reads (with how to fix
it), ``text("en")`` and ``str()`` the English. Every expected sentence is written out
here by hand."""

from __future__ import annotations

import pickle

import pytest

from stationmap.render import sheet
from stationmap.services import printing, users
from stationmap.worded_error import WordedError


@pytest.mark.parametrize(
    ("password", "zh", "en"),
    [
        (
            "x" * 11,
            "密码至少要有 12 个字符：请换一个更长的密码（可以用一句话）",
            "the password must be at least 12 characters",
        ),
        (
            "x" * 1025,
            "密码最多 1024 个字符：请换一个短一些的密码",
            "the password must be at most 1024 characters",
        ),
    ],
    ids=["short", "long"],
)
def test_a_refused_password_says_why_in_chinese_and_english(password, zh, en):
    with pytest.raises(users.AccountError) as info:
        users.check_password(password)
    assert info.value.text("zh") == zh
    assert info.value.text("zh_CN") == zh
    assert info.value.text("en") == en
    assert str(info.value) == en


@pytest.mark.parametrize("name", ["", "王伟", "a b", "x" * 65])
def test_a_refused_username_says_what_a_username_is(name):
    with pytest.raises(users.AccountError) as info:
        users.normalise_username(name)
    assert info.value.text("zh") == (
        "用户名应为 1 到 64 个字符，只能用小写字母 a-z、数字 0-9 和 . _ - @：请换一个用户名"
    )
    assert str(info.value) == "a username is 1-64 of a-z, 0-9 and . _ - @"


@pytest.mark.parametrize(
    ("error", "zh", "en"),
    [
        (
            printing.NotFound("no_district", {"code": "999999"}),
            "没有代码为 999999 的行政区：请检查代码，或先用 add-district 添加",
            "no district 999999",
        ),
        (
            printing.NotFound("no_station", {"code": "150102-0099"}),
            "没有编码为 150102-0099 的驿站：请检查驿站编码（如 652324-0001）",
            "no station 150102-0099",
        ),
        (
            printing.NotFound("no_stations", {"code": "150102"}),
            "行政区 150102 没有正常开放的驿站，没有门贴可印：请检查行政区代码",
            "district 150102 has no active stations",
        ),
        (
            printing.NoBoundary("no_boundary", {"code": "150102"}),
            "行政区 150102 没有边界，无法印制地图：请先添加它的边界（add-district 150102）",
            "district 150102 has no boundary to print",
        ),
    ],
    ids=["district", "station", "no-stations", "no-boundary"],
)
def test_nothing_to_print_says_why_in_chinese_and_english(error, zh, en):
    assert (error.text("zh"), error.text("en"), str(error)) == (zh, en, en)
    # What callers catch: a lookup that found nothing, a value that cannot be drawn.
    assert isinstance(error, LookupError if error.kind != "no_boundary" else ValueError)


def test_a_missing_font_names_the_package_in_chinese(monkeypatch):
    from matplotlib import font_manager

    sheet.cjk_font_path.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(sheet, "FONT_FILES", ())
    try:
        with pytest.raises(sheet.FontMissingError) as info:
            sheet.cjk_font_path()
    finally:
        sheet.cjk_font_path.cache_clear()
    assert info.value.text("zh") == (
        "服务器上没有印制所需的中文字体：请安装 WenQuanYi Micro Hei（文泉驿微米黑，"
        "Debian 上运行 `apt-get install fonts-wqy-microhei`）后再试。"
    )
    assert str(info.value) == (
        "No CJK font for printed sheets: install WenQuanYi Micro Hei "
        "(Debian: `apt-get install fonts-wqy-microhei`), then run again."
    )


@pytest.mark.parametrize(
    "error",
    [
        users.AccountError("no_user", {"name": "root"}),
        printing.NotFound("no_station", {"code": "150102-0099"}),
        sheet.FontMissingError("no_font", {"family": "F", "package": "p"}),
    ],
    ids=["account", "print", "font"],
)
def test_a_worded_error_keeps_its_words_across_processes(error):
    # Pickled as a worker pool or a job queue would: the kind and values survive.
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert (copy.kind, copy.values, copy.text("zh")) == (error.kind, error.values, error.text("zh"))


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown AccountError kind 'nope'"):
        users.AccountError("nope")
    with pytest.raises(ValueError, match="unknown WordedError kind 'empty'"):
        WordedError("empty")  # the base has no words of its own
