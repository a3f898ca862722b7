"""click's own words in Chinese: every message the table translates is one the
installed click really looks up (an upgrade that rewords one fails here), and each
Chinese template asks only for what click fills in."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import click
import pytest

from stationmap.cli.click_words import PLURAL_WORDS, WORDS


def _click_messages() -> tuple[set[str], set[tuple[str, str]]]:
    """The messages click's own source passes to ``_`` and ``ngettext``."""
    singular: set[str] = set()
    plural: set[tuple[str, str]] = set()
    for path in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if node.func.id == "_" and len(texts) == 1:
                singular.add(texts[0])
            elif node.func.id == "ngettext" and len(texts) == 2:
                plural.add((texts[0], texts[1]))
    return singular, plural


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_translated_message_is_one_click_looks_up():
    singular, plural = _click_messages()
    assert "Usage:" in singular  # the reading of click's source works
    # "required" is looked up by value: _(extra["required"]), extra["required"] = "required"
    source = (Path(click.__file__).parent / "core.py").read_text(encoding="utf-8")
    assert '_(extra["required"])' in source and '"required"' in source
    assert set(WORDS) - {"required"} <= singular, set(WORDS) - singular
    assert set(PLURAL_WORDS) <= plural, set(PLURAL_WORDS) - plural


@pytest.mark.parametrize(("english", "chinese"), list(WORDS.items()))
def test_a_chinese_template_asks_only_for_what_click_gives(english, chinese):
    assert _fields(chinese) <= _fields(english)
    assert chinese.format(**dict.fromkeys(_fields(english), "x"))


@pytest.mark.parametrize(("english", "chinese"), list(PLURAL_WORDS.items()))
def test_a_chinese_plural_template_asks_only_for_what_click_gives(english, chinese):
    given = _fields(english[0]) | _fields(english[1])
    assert _fields(chinese) <= given
