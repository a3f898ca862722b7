"""The JSON text the bulk writer stores for a column (``bulk_rows.json_text``) is
exactly what ``json.dumps`` writes for the same values, so the stored text is the same
as the ORM's; a created station's first revision (written by orjson) reads back as the
values it was made from."""

from __future__ import annotations

import json
import random

import pytest

from stationmap.services.bulk_rows import json_text
from stationmap.services.revisions import _created_texts

ODD_TEXT = [
    "",
    "plain",
    "驿站 “引号” 和\\反斜杠",
    'quote " and slash /',
    "tab\tnewline\nreturn\r nul\x00 bell\x07 del\x7f",
    "\u2028\u2029 line separators",
    "emoji 🚲 and a lone surrogate \ud800",
    "é ü ß",
]
VALUES = [
    *ODD_TEXT,
    None,
    0.0,
    -0.0,
    1e-07,
    40.812345,
    111.6543211,
    -179.99999999999997,
    1e16,
    123456789012345.67,
    float("nan"),
    float("inf"),
    float("-inf"),
    0,
    -7,
    2**70,
    True,
    False,
    [],
    ["饮水", "充电"],
    ["a", None, 1.5, ["nested", []]],
    (1, "tuple"),
    {"key": "值", "n": None},
    {},
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_json_text_writes_what_json_dumps_writes(value):
    assert json_text(value) == json.dumps(value)


def _random_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(6 if depth < 2 else 4)
    if kind == 0:
        return "".join(
            chr(rng.choice((rng.randrange(0, 0x80), rng.randrange(0x80, 0x30000))))
            for _ in range(rng.randrange(8))
        )
    if kind == 1:
        return None
    if kind == 2:
        return rng.uniform(-180, 180) * 10 ** rng.randrange(-9, 9)
    if kind == 3:
        return rng.choice(ODD_TEXT)
    if kind == 4:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(ODD_TEXT): _random_value(rng, depth + 1) for _ in range(rng.randrange(3))}


def test_json_text_matches_json_dumps_on_random_values():
    rng = random.Random(2026)
    for _ in range(3000):
        value = _random_value(rng)
        assert json_text(value) == json.dumps(value), value


@pytest.mark.parametrize(
    "snap",
    [
        {
            "code": "150102-0001",
            "name": "站“1”",
            "address": "",
            "lat": 40.812345,
            "lon": 111.6543211,
            "entered_datum": "wgs84",
            "district_code": None,
            "host_type": "other",
            "amenities": [],
            "worker_groups": ["courier"],
            "opening_hours": None,
            "opening_hours_text": "周一至周五 8:00-18:00",
            "phone": "0471-6000001",
            "contact": "",
            "services": ["饮水", "驿站类型：爱心\\驿站"],
            "status": "active",
            "verified_at": None,
            "deleted_at": None,
        },
        {"name": "", "lat": 0.0, "services": [], "opening_hours": None},
        {},
    ],
)
def test_a_created_stations_first_revision_reads_back_as_its_values(snap):
    """Changes are the non-empty fields as [None, value], the snapshot is the state:
    strict JSON (no NaN), read back by the standard library as the same values."""
    changes = {name: [None, value] for name, value in snap.items() if value not in (None, "", [])}
    changes_text, snapshot_text = _created_texts(snap)

    def strict(text: str) -> object:
        return json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in {text}"))

    assert strict(changes_text) == changes
    assert strict(snapshot_text) == snap
    assert list(strict(snapshot_text)) == list(snap)  # the fields in the state's order


def test_a_first_revision_keeps_text_orjson_refuses():
    """A lone surrogate (a JSON body may carry one) is kept as json.dumps escapes it."""
    snap = {"name": "emoji 🚲 and a lone surrogate \ud800", "lat": 40.5, "services": []}
    changes_text, snapshot_text = _created_texts(snap)
    assert json.loads(snapshot_text) == snap
    assert json.loads(changes_text) == {"name": [None, snap["name"]], "lat": [None, 40.5]}
