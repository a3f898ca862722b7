"""Large imports run as background jobs: the upload is read once, checked and imported
in a thread with progress that any worker can read, the job survives a page reload, the
result is recorded in history, and a failed job says why and leaves nothing behind."""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from stationmap.app_state import state
from stationmap.models import Station, StationRevision, User
from stationmap.services import import_jobs, revisions, transfer
from stationmap.services.import_jobs import JobStore
from tests.conftest import _make_app
from tests.integration.admin_support import XINCHENG, free_point, login, make_user, page_csrf
from tests.integration.unchanged import assert_unchanged, snapshot

ROWS = 1500


@pytest.fixture
def job_app(app, tmp_path):
    """The same database, with every upload over 2,000 bytes handled as a job."""
    url = state(app).settings.database_url
    other = _make_app(url, tmp_path / "jobs", STATIONMAP_IMPORT_JOB_BYTES="2000")
    yield other
    state(other).db.dispose()


@pytest.fixture
def xc(job_app):
    make_user(job_app, "xc", "district_admin", (XINCHENG,))
    client = job_app.test_client()
    login(client, "xc")
    return client, page_csrf(client)


def _big_csv(app, rows: int = ROWS) -> bytes:
    lat, lon = free_point(app, XINCHENG)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "lat", "lon", "amenities"])
    for i in range(rows):  # a grid of points 20 m apart, all inside the district
        writer.writerow(
            [
                f"批量驿站{i}",
                f"{lat + (i // 40) * 0.0002:.7f}",
                f"{lon + (i % 40) * 0.0002:.7f}",
                "water",
            ]
        )
    return out.getvalue().encode("utf-8")


def _counts(app) -> tuple[int, int]:
    with state(app).db.session() as session:
        stations = session.scalar(select(func.count()).select_from(Station))
        history = session.scalar(select(func.count()).select_from(StationRevision))
    return int(stations or 0), int(history or 0)


def _wait(client, location: str, stages: tuple[str, ...], seen: list[dict]) -> dict:
    url = location + ".json"
    deadline = time.monotonic() + 300  # far above the few seconds this takes
    while time.monotonic() < deadline:
        body = client.get(url).get_json()
        seen.append(body)
        if body["stage"] in stages:
            return body
        time.sleep(0.1)
    raise AssertionError(f"job stuck: {seen[-1]}")


def _upload(client, token: str, data: bytes):
    return client.post(
        "/admin/import",
        data={"csrf_token": token, "datum": "wgs84", "file": (io.BytesIO(data), "big.csv")},
        content_type="multipart/form-data",
    )


def test_a_large_import_runs_as_a_job_to_completion(job_app, xc, monkeypatch):
    client, token = xc
    reads: list[int] = []
    real_check = transfer.check_file
    monkeypatch.setattr(
        transfer, "check_file", lambda *a, **k: reads.append(1) or real_check(*a, **k)
    )
    data = _big_csv(job_app)
    before = _counts(job_app)
    uploaded = _upload(client, token, data)
    assert uploaded.status_code == 303
    job_url = uploaded.headers["Location"]
    assert "/admin/import/jobs/" in job_url
    seen: list[dict] = []
    checked = _wait(client, job_url, ("ready", "rejected", "failed"), seen)
    assert checked["stage"] == "ready", checked
    preview = client.get(job_url)  # a reload shows the same preview
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and f"将新建 <strong>{ROWS}</strong>" in html
    action = re.search(r'action="(/admin/import/[^"]+)"', html)
    assert action
    confirmed = client.post(action.group(1), data={"csrf_token": token})
    assert confirmed.status_code == 303 and confirmed.headers["Location"] == job_url
    done = _wait(client, job_url, ("done", "rejected", "failed"), seen)
    assert done["stage"] == "done", done
    assert done["done"] == done["total"] > 0
    assert len(done["result"]["created"]) == ROWS
    assert reads == [1]  # the file was read and checked once, for preview and import
    stations, history = _counts(job_app)
    assert (stations, history) == (before[0] + ROWS, before[1] + ROWS)
    with state(job_app).db.session() as session:
        actions = set(session.execute(select(StationRevision.action, StationRevision.actor)))
        new = session.scalars(select(Station).where(Station.name.like("批量驿站%"))).all()
    assert ("import", "xc") in actions
    assert {s.district_code for s in new} == {XINCHENG}
    page = client.get(job_url).get_data(as_text=True)
    assert f"新建 {ROWS}" in page
    # A second confirmation (another tab, a double click) imports nothing more.
    assert client.post(action.group(1), data={"csrf_token": token}).status_code == 404
    assert _counts(job_app)[0] == before[0] + ROWS


def test_progress_is_written_where_another_worker_reads_it(job_app, xc, monkeypatch):
    """While the import runs, a second reader of the job folder (as another gunicorn
    worker would be) sees the stage and a growing count."""
    assert xc  # the user exists
    monkeypatch.setattr(import_jobs, "_WRITE_EVERY_S", 0.0)
    store = JobStore(Path(job_app.instance_path) / "import-jobs")
    other_worker = JobStore(store.root)
    observed: list[tuple[str, int, int]] = []
    real_write = JobStore._write_state

    def spy(self, job):
        real_write(self, job)
        read = other_worker.get(job.token, job.user_id)
        assert read is not None
        observed.append((read.stage, read.done, read.total))

    monkeypatch.setattr(JobStore, "_write_state", spy)
    job = store.create(
        _big_csv(job_app),
        "big.csv",
        _user_id(job_app),
        "xc",
        frozenset({XINCHENG}),
        datum="wgs84",
    )
    assert store.run_check(state(job_app).db, job.token).stage == "ready"
    assert store.claim(job.token, job.user_id) is not None
    assert store.run_import(state(job_app).db, job.token).stage == "done"
    importing = [(d, t) for stage, d, t in observed if stage == "importing" and t]
    assert any(0 < d < t for d, t in importing), observed
    assert [d for d, _t in importing] == sorted(d for d, _t in importing)
    assert observed[-1][0] == "done" and observed[-1][1] == observed[-1][2]


def _user_id(app) -> int:
    with state(app).db.session() as session:
        return int(session.scalar(select(User.id).where(User.username == "xc")))


def test_a_running_job_page_shows_progress_and_reloads(job_app, xc):
    client, _token = xc
    store = JobStore(Path(job_app.instance_path) / "import-jobs")
    job = store.create(b"name,lat,lon\n", "x.csv", _user_id(job_app), "xc", None)
    page = client.get(f"/admin/import/jobs/{job.token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in html and 'id="job-progress"' in html
    assert client.get(f"/admin/import/jobs/{job.token}.json").get_json()["stage"] == "checking"
    # Someone else's job, or one that does not exist, is not found.
    make_user(job_app, "other", "district_admin", (XINCHENG,))
    stranger = job_app.test_client()
    login(stranger, "other")
    assert stranger.get(f"/admin/import/jobs/{job.token}").status_code == 404
    assert client.get("/admin/import/jobs/../../etc").status_code == 404
    assert client.get("/admin/import/jobs/" + "a" * 32).status_code == 404


def test_a_failing_job_says_why_and_leaves_nothing(job_app, xc, monkeypatch):
    client, token = xc
    before = snapshot(job_app)
    uploaded = _upload(client, token, _big_csv(job_app))
    job_url = uploaded.headers["Location"]
    seen: list[dict] = []
    assert _wait(client, job_url, ("ready", "rejected", "failed"), seen)["stage"] == "ready"

    def broken(*_args, **_kwargs):  # the history write fails after the stations went in
        raise RuntimeError("disk full")

    monkeypatch.setattr(revisions, "record_created", broken)
    html = client.get(job_url).get_data(as_text=True)
    action = re.search(r'action="(/admin/import/[^"]+)"', html)
    assert action
    client.post(action.group(1), data={"csrf_token": token})
    failed = _wait(client, job_url, ("done", "failed"), seen)
    assert failed["stage"] == "failed"
    assert "disk full" in failed["reason"] and "没有导入任何内容" in failed["reason_zh"]
    page = client.get(job_url)
    assert page.status_code == 200 and "没有导入任何内容" in page.get_data(as_text=True)
    assert_unchanged(before, job_app)


def test_a_large_file_without_datum_is_asked_then_its_chosen_conflicts_are_applied(job_app, xc):
    """The datum question and the chosen conflicts travel with a background job: the
    kept upload is checked again with the answer, and only the ticked stale row is
    applied."""
    client, token = xc
    data = _big_csv(job_app, 200)
    uploaded = client.post(
        "/admin/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), "big.csv")},
        content_type="multipart/form-data",
    )
    job_url = uploaded.headers["Location"]
    seen: list[dict] = []
    assert _wait(client, job_url, ("ready", "rejected", "failed"), seen)["stage"] == "rejected"
    page = client.get(job_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="datum-question"' in html
    ask = re.search(r'action="(/admin/import/[^"]+/preview)"', html)
    assert ask
    answered = client.post(ask.group(1), data={"csrf_token": token, "datum": "gcj02"})
    assert answered.status_code == 303 and answered.headers["Location"] == job_url
    assert _wait(client, job_url, ("ready", "rejected", "failed"), seen)["stage"] == "ready"
    action = re.search(
        r'action="(/admin/import/[^"]+)"', client.get(job_url).get_data(as_text=True)
    )
    assert action
    client.post(action.group(1), data={"csrf_token": token})
    assert _wait(client, job_url, ("done", "rejected", "failed"), seen)["stage"] == "done"
    with state(job_app).db.session() as session:
        first, second = session.scalars(
            select(Station)
            .where(Station.name.in_(["批量驿站0", "批量驿站1"]))
            .order_by(Station.name)
        ).all()
        assert first.entered_datum == "gcj02"
        codes, version = (first.code, second.code), first.version
    # An export of two stations at their version, then both edited in the system: the
    # rows are stale. Only the ticked one is applied, in a job as in a request.
    with state(job_app).db.write_session() as session:
        for station in session.scalars(select(Station).where(Station.code.in_(codes))):
            station.phone = "0991-1234567"
    stale = io.StringIO()
    writer = csv.writer(stale)
    writer.writerow(["code", "name", "lat", "lon", "datum", "version", "services"])
    with state(job_app).db.session() as session:
        for station in session.scalars(select(Station).where(Station.code.in_(codes))):
            writer.writerow(
                [station.code, station.name, station.lat, station.lon, "wgs84", version, "改"]
            )
    body = stale.getvalue().encode("utf-8")
    store = JobStore(Path(job_app.instance_path) / "import-jobs")
    user_id = _user_id(job_app)
    job = store.create(body, "stale.csv", user_id, "xc", frozenset({XINCHENG}), background=True)
    assert store.run_check(state(job_app).db, job.token).stage == "ready"
    report = store.report(store.get(job.token, user_id))
    assert report is not None and {c.code for c in report.conflicts} == set(codes)
    claimed = store.claim(job.token, user_id, [codes[0]])
    assert claimed is not None and claimed.overwrite == [codes[0]]
    assert store.run_import(state(job_app).db, job.token).stage == "done"
    with state(job_app).db.session() as session:
        got = {
            s.code: list(s.services)
            for s in session.scalars(select(Station).where(Station.code.in_(codes)))
        }
    assert got[codes[0]] == ["改"] and got[codes[1]] != ["改"]
