"""The import's garbage-collector setting is raised only while a bulk job runs and always
restored: a job that fails, nested jobs and overlapping jobs in threads leave the
process as they found it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from stationmap.services import transfer
from stationmap.services.bulk_gc import fewer_collections


@pytest.fixture
def threshold() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield (700, 10, 10)
    gc.set_threshold(*before)


def test_the_young_generation_is_collected_less_often_only_inside(
    threshold: tuple[int, int, int],
) -> None:
    with fewer_collections():
        assert gc.get_threshold()[0] >= 100_000
        assert gc.get_threshold()[1:] == threshold[1:]
    assert gc.get_threshold() == threshold


def test_a_failing_job_and_nested_jobs_restore_the_setting(
    threshold: tuple[int, int, int],
) -> None:
    with pytest.raises(RuntimeError), fewer_collections():
        with fewer_collections():
            pass
        assert gc.get_threshold()[0] >= 100_000  # the inner job's end keeps the outer's
        raise RuntimeError("bad row")
    assert gc.get_threshold() == threshold


def test_overlapping_jobs_in_threads_restore_the_setting_when_the_last_ends(
    threshold: tuple[int, int, int],
) -> None:
    first_in, second_done = threading.Event(), threading.Event()
    seen: list[int] = []

    def first() -> None:
        with fewer_collections():
            first_in.set()
            second_done.wait(10)
            seen.append(gc.get_threshold()[0])

    def second() -> None:
        first_in.wait(10)
        with fewer_collections():
            pass
        second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen and seen[0] >= 100_000  # the second job's end did not undo the first's
    assert gc.get_threshold() == threshold


def test_reading_a_file_runs_with_fewer_collections(threshold: tuple[int, int, int]) -> None:
    seen: list[int] = []
    original = transfer.read_station_file

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(gc.get_threshold()[0])
        return original(*args, **kwargs)  # type: ignore[arg-type]

    data = "名称,纬度,经度,坐标系\n甲驿站,40.1,116.3,WGS-84\n".encode()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transfer, "read_station_file", spy)
        transfer.check_file(data, "a.csv")
    assert seen and seen[0] >= 100_000
    assert gc.get_threshold() == threshold


def test_a_jobs_first_half_million_new_objects_cost_no_collection_pass(
    threshold: tuple[int, int, int],
) -> None:
    # Each pass looks at every object made since the last: a pass every 100,000 new
    # objects cost a 100,000-row import 0.78 s of 7 (bench/import.py).
    passes: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.collect()
    with fewer_collections():
        gc.callbacks.append(count)
        try:
            kept = [[i] for i in range(500_000)]
        finally:
            gc.callbacks.remove(count)  # (the pass after the job, at the old setting, is due)
    assert len(kept) == 500_000
    assert passes == []
