"""The command line for a newcomer: help lists every command without any settings, and
a setting that stops the app is told in one line (never a traceback) by every command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

#: Every command the project offers, written out here (not read from the code).
PROJECT_COMMANDS = (
    "add-district",
    "create-user",
    "demo",
    "disable-user",
    "enable-user",
    "export-stations",
    "find-district",
    "import-stations",
    "init-db",
    "list-users",
    "nearest",
    "print-map",
    "print-poster",
    "send-notifications",
    "serve",
    "set-password",
)


@pytest.fixture
def no_settings(tmp_path, monkeypatch):
    """The environment of someone who has just installed the package."""
    for name in ("SECRET_KEY", "STATIONMAP_ENV", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STATIONMAP_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _listed_commands(help_text: str) -> set[str]:
    section = help_text.split("Commands:", 1)[1]
    return {line.split()[0] for line in section.splitlines() if line.strip()}


def test_help_without_a_secret_key_lists_every_command(no_settings):
    from stationmap.console import main

    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    assert set(PROJECT_COMMANDS) <= _listed_commands(result.output)
    assert "SECRET_KEY" not in result.output  # help needs no settings, so tells of none
    assert "Traceback" not in result.output


def test_a_command_s_own_help_needs_no_settings(no_settings):
    from stationmap.console import main

    result = CliRunner().invoke(main, ["import-stations", "--help"])
    assert result.exit_code == 0, result.output
    assert "--dry-run" in result.output or "FILE" in result.output


def test_an_unknown_command_is_named_not_blamed_on_settings(no_settings):
    from stationmap.console import main

    result = CliRunner().invoke(main, ["no-such-command"])
    assert result.exit_code == 2
    assert "no-such-command" in result.output
    assert "SECRET_KEY" not in result.output


def _invocations(tmp_path: Path) -> list[tuple[list[str], str | None]]:
    workbook = tmp_path / "stations.csv"
    workbook.write_text("name,lat,lon\n", encoding="utf-8")
    return [
        (["init-db"], None),
        (["demo"], None),
        (["import-stations", str(workbook)], None),
        (["export-stations", "-o", str(tmp_path / "out.csv")], None),
        (["nearest", "39.9", "116.4"], None),
        (["add-district", "652324"], None),
        (["create-user", "ann", "--role", "viewer", "--password-stdin"], "long enough pw\n"),
        (["disable-user", "ann"], None),
        (["enable-user", "ann"], None),
        (["set-password", "ann", "--password-stdin"], "long enough pw\n"),
        (["list-users"], None),
        (["send-notifications"], None),
        (["print-map", "652324", "-o", str(tmp_path / "m.pdf")], None),
        (["print-poster", "-o", str(tmp_path / "p.pdf")], None),
        (["serve"], None),
    ]


def test_every_command_tells_a_missing_secret_key_in_one_line(no_settings):
    from stationmap.console import main

    invocations = _invocations(no_settings)
    # find-district only reads the shipped boundary index: it needs no settings.
    assert {args[0] for args, _ in invocations} == set(PROJECT_COMMANDS) - {"find-district"}
    for args, stdin in invocations:
        result = CliRunner().invoke(main, args, input=stdin)
        assert result.exit_code == 2, (args, result.output)
        assert isinstance(result.exception, SystemExit), (args, result.exception)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert lines == [lines[0]] and lines[0].startswith("Error: SECRET_KEY is not set"), (
            args,
            result.output,
        )


def test_the_installed_entry_point_lists_commands_and_fails_cleanly(no_settings):
    script = shutil.which("stationmap", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the stationmap entry point is not installed beside this Python")
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "STATIONMAP_ENV")}
    env.pop("DATABASE_URL", None)
    env["STATIONMAP_INSTANCE_PATH"] = str(no_settings / "instance")

    shown = subprocess.run(
        [script, "--help"], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert shown.returncode == 0, shown.stderr
    assert set(PROJECT_COMMANDS) <= _listed_commands(shown.stdout)
    assert shown.stderr == ""

    failed = subprocess.run(
        [script, "init-db"], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert failed.returncode == 2
    assert "Traceback" not in failed.stderr + failed.stdout
    assert failed.stderr.strip().splitlines() == [failed.stderr.strip()]
    assert failed.stderr.startswith("Error: SECRET_KEY is not set")


# LC_ALL and LC_MESSAGES outrank LANG: emptied, whatever the machine running the tests has.
ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
EN = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (
            ["import-stations", "名单.xlsx"],
            "错误：'FILE' 的值无效：找不到 '名单.xlsx'：请检查文件名和所在文件夹（可写完整路径）。",
            "Error: Invalid value for 'FILE': File '名单.xlsx' does not exist.",
        ),
        (
            ["import-stationz", "名单.xlsx"],
            "错误：没有名为 'import-stationz' 的命令：stationmap --help 列出全部命令，请检查拼写。",
            "Error: No such command 'import-stationz'.",
        ),
        (
            ["print-map"],
            "错误：缺少参数 'DISTRICT'.",
            "Error: Missing argument 'DISTRICT'.",
        ),
        (
            ["nearest", "北纬40", "111.6"],
            "错误：'LAT' 的值无效：'北纬40' 不是有效的数字，请写数字（如 40.81）。",
            "Error: Invalid value for 'LAT': '北纬40' is not a valid float.",
        ),
        (
            ["export-stations", "--format", "xls", "-o", "out.xls"],
            "错误：'--format' 的值无效：'xls' 不可用：请从 'csv', 'xlsx', 'geojson', 'gpkg', "
            "'shp', 'kml', 'kmz' 中选一个。",
            "Error: Invalid value for '--format': 'xls' is not one of 'csv', 'xlsx', "
            "'geojson', 'gpkg', 'shp', 'kml', 'kmz'.",
        ),
        (
            ["nearest", "40.8", "111.6", "3"],
            "错误：多出了参数（3）：请删除，或给含空格的值加上引号。",
            "Error: Got unexpected extra argument (3)",
        ),
    ],
    ids=["missing file", "unknown command", "missing argument", "not a number", "choice", "extra"],
)
def test_a_mistyped_command_is_told_in_the_terminals_language(no_settings, args, zh, en):
    """What click itself says about a command line (usage, the error) follows the
    locale as the commands' own messages do, and stays click's English otherwise."""
    from stationmap.console import main

    for env, line, usage, foreign in (
        (ZH, zh, "用法： stationmap ", re.compile("Usage|Error|Invalid|Missing|No such")),
        (EN, en, "Usage: stationmap ", re.compile("[\u4e00-\u9fff]")),
    ):
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == 2, result.output
        lines = result.output.splitlines()
        assert lines[0].startswith(usage), result.output
        assert lines[-1] == line, result.output
        assert not foreign.search(result.output.replace("名单", "").replace("北纬", ""))


def _help_in(locale: dict[str, str], *command: str) -> str:
    """``stationmap [COMMAND] --help`` as the installed command prints it under
    ``locale`` (a process each: click words its own help option once per process)."""
    script = shutil.which("stationmap", path=str(Path(sys.executable).parent))
    assert script is not None, "the stationmap entry point is not installed beside this Python"
    shown = subprocess.run(
        [script, *command, "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, **locale},
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0 and shown.stderr == "", shown.stderr
    return shown.stdout


def test_the_command_list_is_in_the_terminals_language(no_settings):
    """``stationmap --help`` under a Chinese locale lists every command with a Chinese
    line; under an English one, with the English line."""
    lines = _help_in(ZH).splitlines()
    assert lines[0].startswith("用法： stationmap ")
    assert "  stationmap：户外劳动者驿站。" in lines
    assert {"命令:", "选项:", "  --help  显示本帮助并退出。"} <= set(lines)
    listed = {
        words[0]: words[1]
        for words in (line.split(None, 1) for line in lines if line.startswith("  "))
        if len(words) == 2 and words[0] in PROJECT_COMMANDS
    }
    assert set(listed) == set(PROJECT_COMMANDS)
    assert listed["import-stations"] == "导入驿站（CSV、XLSX、XLS、GeoJSON、GPKG、SHP）。"
    assert listed["serve"] == "用 gunicorn 提供网站服务（前面请加反向代理）。"
    assert all(re.search("[\u4e00-\u9fff]", line) for line in listed.values()), listed

    english = _help_in(EN)
    assert {"Commands:", "  --help  Show this message and exit."} <= set(english.splitlines())
    assert "  import-stations        Import stations from a CSV (UTF-8 or GBK), XLSX,..." in (
        english.splitlines()
    )
    assert not re.search("[\u4e00-\u9fff]", english.replace("网格", ""))  # a term it names


def test_a_commands_own_help_is_in_the_terminals_language(no_settings):
    """``stationmap import-stations --help``: description and options in Chinese under a
    Chinese locale, as written here; in English under an English one."""
    lines = _help_in(ZH, "import-stations").splitlines()
    assert lines[0] == "用法： stationmap import-stations [OPTIONS] FILE"
    assert "  按编号匹配的行更新已有驿站，其余新建。只要有一行有错，整个文件都不导入。每个" in lines
    assert "  --dry-run          只检查并报告，不做任何改动。" in lines
    assert (
        "  --datum TEXT       未写坐标系的行的坐标系：wgs84、gcj02 或 bd09（无坐标系列时必填）。"
        in lines
    )
    assert "  --help             显示本帮助并退出。" in lines
    english = _help_in(EN, "import-stations").splitlines()
    assert "  --dry-run          Check and report; change nothing." in english
    assert not re.search(
        "[\u4e00-\u9fff]", "\n".join(english).replace("坐标系", "").replace("版本", "")
    )


def test_a_missing_setting_is_told_in_the_terminals_language(no_settings):
    """The first stop a newcomer meets (no SECRET_KEY in production), in one line."""
    from stationmap.console import main

    for env, line in (
        (ZH, "错误：没有设置 SECRET_KEY：请设为一串足够长的随机字符，例如 "),
        (EN, "Error: SECRET_KEY is not set. Set it to a long random string, for example "),
    ):
        result = CliRunner().invoke(main, ["list-users"], env=env)
        assert result.exit_code == 2
        assert len(result.output.strip().splitlines()) == 1 and result.output.startswith(line)
