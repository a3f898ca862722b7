"""The command table (stationmap/cli/__init__.py) and the commands agree: each line
names a real command under its own name with its own first help line, and every
command written in stationmap/cli is in the table (a command left out would vanish
from ``stationmap``)."""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata

import click
import pytest
from click.testing import CliRunner

import stationmap.cli
from stationmap.cli import TABLE, TableCommands
from stationmap.cli.help_zh import COLUMNS, HELP_ZH, _wrap, in_chinese


def _commands_written_in_the_package() -> dict[str, str]:
    """``"module:attribute"`` -> command name, for every click command defined at the
    top level of a module of stationmap.cli."""
    found = {}
    for module_info in pkgutil.iter_modules(stationmap.cli.__path__):
        name = f"stationmap.cli.{module_info.name}"
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if (
                isinstance(value, click.Command)
                and value.callback is not None
                and value.callback.__module__ == name
            ):
                found[f"{name}:{attribute}"] = value.name or ""
    return found


def test_every_command_in_the_package_is_in_the_table() -> None:
    written = _commands_written_in_the_package()
    assert written, "no command found: the scan is broken"
    assert {entry.target: entry.name for entry in TABLE} == written


@pytest.mark.parametrize("entry", TABLE, ids=lambda entry: entry.name)
def test_each_line_names_its_command_with_its_own_help(entry: stationmap.cli.Entry) -> None:
    command = entry.load()
    assert isinstance(command, click.Command)
    assert command.name == entry.name
    # The listing shows the table's line; the command's own help must say the same.
    first_paragraph = " ".join((command.help or "").split("\n\n", 1)[0].split())
    assert first_paragraph == entry.help


def test_names_are_dashed_verbs_and_unique() -> None:
    names = [entry.name for entry in TABLE]
    assert len(names) == len(set(names))
    assert all(name == name.lower() and " " not in name and "_" not in name for name in names)


def test_a_listing_shows_each_line_without_loading_a_command() -> None:
    loaded: list[str] = []

    class Watched(TableCommands):
        def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
            loaded.append(cmd_name)
            return super().get_command(ctx, cmd_name)

    group = Watched("stationmap")
    result = CliRunner().invoke(group, ["--help"], terminal_width=400)
    assert result.exit_code == 0, result.output
    listing = result.output.split("Commands:", 1)[1]
    rows = {line.split(None, 1)[0]: line.split(None, 1)[1] for line in listing.strip().splitlines()}
    assert rows == {entry.name: entry.help for entry in TABLE}
    assert loaded == []


@pytest.mark.parametrize("entry", TABLE, ids=lambda entry: entry.name)
def test_each_line_has_a_chinese_line(entry: stationmap.cli.Entry) -> None:
    """Administrators read Chinese: the line listed under a Chinese locale is Chinese,
    one sentence short enough for a terminal (CJK characters take two columns)."""
    columns = sum(
        2 if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in entry.help_zh
    )
    assert any("\u4e00" <= ch <= "\u9fff" for ch in entry.help_zh)
    assert entry.help_zh.endswith("。") and columns <= 56


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _every_command() -> list[click.Command]:
    from stationmap.console import serve_command

    return [*(entry.load() for entry in TABLE), serve_command]


@pytest.mark.parametrize("command", _every_command(), ids=lambda command: command.name)
def test_each_command_and_option_has_chinese_help(command: click.Command) -> None:
    """Under a Chinese locale a command's own --help is Chinese: its description and
    every option that has help (an option added later without one fails here)."""
    description, options = HELP_ZH[command.name or ""]
    assert re.search("[\u4e00-\u9fff]", description)
    with_help = {p.name for p in command.params if isinstance(p, click.Option) and p.help}
    assert set(options) == with_help
    for text in options.values():
        assert re.search("[\u4e00-\u9fff]", text) and _columns(text) <= 68, text
    chinese = in_chinese(command)
    assert chinese is not command and chinese.help != command.help
    shown = {p.name: p.help for p in chinese.params if isinstance(p, click.Option)}
    assert {name: shown[name] for name in options} == options


@pytest.mark.parametrize(
    "text",
    [
        HELP_ZH["coverage"][0],
        "从 CSV（UTF-8 或 GBK）、XLSX、GeoJSON、GeoPackage 或 Shapefile 压缩包 FILE 导入驿站。",
        "a" * 100,
        "短。",
    ],
)
def test_a_chinese_description_is_wrapped_to_the_terminal(text: str) -> None:
    lines = _wrap(text, COLUMNS)
    too_wide = [line for line in lines if _columns(line) > COLUMNS]
    assert all(" " not in line and line.isascii() for line in too_wide), too_wide  # one word
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(line == line.strip() and line for line in lines)
