"""The CPU cost of one opening-hours evaluation (issue 11), the way stationmap makes it
(``parse_hours(text).state(at, tz)``: the next change searched a week ahead at most)
beside the baseline from the same run: the ``opening_hours`` library asked the same
(state and next change) without a limit. Each text is parsed afresh and evaluated at
``--minutes`` different minutes (a remembered minute would cost nothing); CPU time of
this process, median per evaluation.

The never-changing forms cost the unlimited library seconds each, so the baseline
evaluates each of them at ``--baseline-minutes`` minutes only (default 1).

    python bench/hours.py [--minutes 200] [--baseline-minutes 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import opening_hours

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stationmap.geo.hours import parse_hours

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 12, 4, 10, 0)

# Rules that never change (the slow forms) and ordinary weekly ones.
NEVER_CHANGING = [
    "Mo-Su 00:00-24:00",
    "Mo-Su 00:00-24:00 unknown",
    'Mo-Su 00:00-24:00 "24小时"',
    "week 01-53 Mo-Su 00:00-24:00",
    "Jan-Dec Mo-Su 00:00-24:00",
    "Mo-Su 00:00-24:00; SH off",
]
WEEKLY = [
    "Mo-Fr 08:00-20:00; Sa,Su 10:00-16:00",
    "Mo-Fr 09:00-17:00; PH off",
    "Mo-Su 22:00-06:00",
    "24/7",
]


def _median_cpu(evaluate: Callable[[datetime], object], minutes: int) -> float:
    """Median CPU seconds of ``evaluate`` over ``minutes`` consecutive minutes."""
    costs = []
    for minute in range(minutes):
        at = START + timedelta(minutes=minute)
        began = time.process_time()
        evaluate(at)
        costs.append(time.process_time() - began)
    return statistics.median(costs)


def stationmap_cost(text: str, minutes: int) -> float:
    hours = parse_hours.__wrapped__(text)  # fresh: nothing remembered
    return _median_cpu(lambda at: hours.state(at.replace(tzinfo=SHANGHAI), SHANGHAI), minutes)


def library_cost(text: str, minutes: int) -> float:
    """The baseline: the library without a search limit, state and next change."""
    unlimited = opening_hours.OpeningHours(text, country="CN")

    def evaluate(at: datetime) -> object:
        return unlimited.state(at), unlimited.next_change(at)

    return _median_cpu(evaluate, minutes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=int, default=200)
    parser.add_argument("--baseline-minutes", type=int, default=1)
    args = parser.parse_args()
    print(f"{'opening_hours':40} {'stationmap ms':>13} {'unlimited ms':>13} {'ratio':>11}")
    for group, baseline_minutes in ((NEVER_CHANGING, args.baseline_minutes), (WEEKLY, 20)):
        for text in group:
            ours = stationmap_cost(text, args.minutes)
            theirs = library_cost(text, baseline_minutes)
            ratio = f"{theirs / ours:10.1f}x" if ours > 0 else "       inf"
            print(f"{text:40} {ours * 1000:13.3f} {theirs * 1000:13.3f} {ratio}")


if __name__ == "__main__":
    main()
