"""Import jobs: an upload is read and checked once, its checked rows kept for the
preview and the confirmation, and a large one checked and imported in the background
with its progress visible to every worker process.

A job lives in a folder of its own under the instance folder (``import-jobs/<token>``),
so any gunicorn worker on the host can answer for it and it survives a page reload:

- ``state.json``: who, which file, the stage, progress and the reason of a failure;
- ``upload``: the file as received, until it has been checked (then removed);
- ``checked``: the checked rows (:class:`~stationmap.services.transfer.CheckedFile`),
  the one reading of the file that both the preview and the import use;
- ``report``: the preview's or the import's :class:`~stationmap.services.transfer.ImportReport`.

Stages: ``checking`` -> ``ready`` (the preview is there and may be confirmed) or
``rejected`` (the file has errors; nothing was written) -> ``importing`` -> ``done`` or
``rejected`` (errors found under the write lock) or ``failed`` (an error of ours; the
reason is kept). An import runs in one transaction: all or nothing. A job whose worker
died is shown as failed: at once on the same host (its process is gone), else after
:data:`STALE_AFTER` without progress.

The pickled files are written by this module only, in a folder the app owns; never
from anything a client sends. A token is checked against :data:`TOKEN_RE` before it
names a path.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import secrets
import shutil
import socket
import time
import zlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from stationmap.db import Database
from stationmap.geo.datum import Datum
from stationmap.services import admin as admin_service
from stationmap.services import transfer
from stationmap.services.revisions import Actor

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")
STALE_AFTER = timedelta(minutes=30)
KEEP_FOR = timedelta(hours=24)
RUNNING = ("checking", "importing")
# Progress is written at most this often (seconds), and always at the end.
_WRITE_EVERY_S = 0.5


@dataclass
class JobState:
    token: str
    user_id: int | None
    username: str
    codes: list[str] | None  # the uploader's district scope; None: every district
    filename: str
    stage: str
    done: int = 0
    total: int = 0
    reason: str = ""  # why a job failed (English)
    reason_zh: str = ""
    created_at: str = ""
    updated_at: str = ""
    background: bool = False  # checked and imported in a thread, not in the request
    host: str = ""  # where the job runs: its process is checked while it runs
    pid: int = 0
    # The datum the uploader gave for rows that do not state theirs (None: the file says).
    datum: Datum | None = None
    # The codes of conflicting rows (exported before a later edit) chosen to be applied.
    overwrite: list[str] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.stage in RUNNING

    @property
    def scope(self) -> frozenset[str] | None:
        return None if self.codes is None else frozenset(self.codes)

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.username)

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "done": self.done,
            "total": self.total,
            "filename": self.filename,
            "reason": self.reason,
            "reason_zh": self.reason_zh,
            "updated_at": self.updated_at,
        }


class JobStore:
    """The job folders under ``root`` (``<instance>/import-jobs``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    # -- files ------------------------------------------------------------------------
    def _folder(self, token: str) -> Path:
        if not TOKEN_RE.match(token):
            raise KeyError(token)
        return self.root / token

    def _write_state(self, job: JobState) -> None:
        if job.running:
            job.host, job.pid = socket.gethostname(), os.getpid()
        job.updated_at = datetime.now(UTC).isoformat()
        folder = self._folder(job.token)
        temporary = folder / f"state.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(asdict(job), ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, folder / "state.json")  # readers see the old or the new

    def _read_state(self, token: str) -> JobState | None:
        try:
            text = (self._folder(token) / "state.json").read_text(encoding="utf-8")
        except (KeyError, OSError):
            return None
        return JobState(**json.loads(text))

    def _dump(self, token: str, name: str, value: object) -> None:
        path = self._folder(token) / name
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(zlib.compress(pickle.dumps(value, protocol=5), 1))
        os.replace(temporary, path)

    def _load(self, token: str, name: str) -> Any:
        return pickle.loads(zlib.decompress((self._folder(token) / name).read_bytes()))  # noqa: S301 - our own file

    # -- what the views call --------------------------------------------------------------
    def create(
        self,
        data: bytes,
        filename: str,
        user_id: int | None,
        username: str,
        codes: frozenset[str] | None,
        *,
        background: bool = False,
        datum: Datum | None = None,
    ) -> JobState:
        """Keep an upload as a new job in stage ``checking``; old jobs are removed."""
        self._prune()
        token = secrets.token_urlsafe(24)
        folder = self._folder(token)
        folder.mkdir(parents=True)
        (folder / "upload").write_bytes(data)
        now = datetime.now(UTC).isoformat()
        job = JobState(
            token=token,
            user_id=user_id,
            username=username,
            codes=None if codes is None else sorted(codes),
            filename=filename[:200],
            stage="checking",
            created_at=now,
            background=background,
            datum=datum,
        )
        self._write_state(job)
        return job

    def get(self, token: str, user_id: int | None) -> JobState | None:
        """The job if it exists and is ``user_id``'s; a running job that has not
        reported for :data:`STALE_AFTER` (its process died) is marked failed."""
        job = self._read_state(token)
        if job is None or job.user_id != user_id:
            return None
        if job.running and not self._alive(job):
            job.stage = "failed"
            job.reason = (
                "the job stopped without finishing (its process ended); nothing was imported"
            )
            job.reason_zh = "任务未完成就中断了（处理它的进程已结束），没有导入任何内容，请重新上传"
            self._write_state(job)
        return job

    @staticmethod
    def _alive(job: JobState) -> bool:
        if job.host == socket.gethostname() and job.pid:
            try:
                os.kill(job.pid, 0)
            except ProcessLookupError:
                return False
            except PermissionError:
                return True
            return True
        return datetime.now(UTC) - datetime.fromisoformat(job.updated_at) <= STALE_AFTER

    def report(self, job: JobState) -> transfer.ImportReport | None:
        """The preview's (or, once imported, the import's) report."""
        try:
            report: transfer.ImportReport = self._load(job.token, "report")
        except OSError:
            return None
        return report

    def recheck(self, token: str, user_id: int | None, datum: Datum) -> JobState | None:
        """Move a job whose file did not say its datum (its upload kept) back to
        ``checking`` with the datum its owner gave; None if there is no such job."""
        job = self.get(token, user_id)
        if job is None or job.stage != "rejected" or not (self._folder(token) / "upload").exists():
            return None
        job.stage, job.done, job.datum = "checking", 0, datum
        self._write_state(job)
        return job

    def claim(
        self, token: str, user_id: int | None, overwrite: list[str] | None = None
    ) -> JobState | None:
        """Move a ``ready`` job to ``importing`` for its owner, once: a second confirm
        (a double click, another tab) gets None. ``overwrite``: the conflicting rows'
        codes the owner chose to apply."""
        job = self.get(token, user_id)
        if job is None or job.stage != "ready":
            return None
        try:  # the claim file exists once: O_EXCL decides between racing requests
            os.close(os.open(self._folder(token) / "claimed", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return None
        job.stage, job.done, job.total = "importing", 0, 0
        job.overwrite = list(overwrite or [])
        self._write_state(job)
        return job

    # -- the work ---------------------------------------------------------------------
    def run_check(self, database: Database, token: str) -> JobState:
        """Read and check the upload once, preview it (nothing written) and keep both."""
        job = self._read_state(token)
        assert job is not None
        try:
            folder = self._folder(token)
            checked = transfer.check_file(
                (folder / "upload").read_bytes(), job.filename, datum=job.datum
            )
            job.total = checked.rows
            self._write_state(job)
            with database.session() as session:
                report = admin_service.preview_import(session, checked, job.scope)
            if report.ok:
                self._dump(token, "checked", checked)
            self._dump(token, "report", report)
            if not checked.datum_needed:  # kept to be checked again with the datum given
                (folder / "upload").unlink()
            job.stage, job.done = ("ready" if report.ok else "rejected"), checked.rows
        except Exception as exc:  # any failure is the job's result
            self._fail(job, exc)
        self._write_state(job)
        return job

    def run_import(self, database: Database, token: str) -> JobState:
        """Import the checked rows in one transaction under the write lock, recording a
        revision per station as every import does; progress is written as it goes."""
        job = self._read_state(token)
        assert job is not None
        last = [0.0]

        def progress(done: int, total: int) -> None:
            job.done, job.total = done, total
            if time.monotonic() - last[0] >= _WRITE_EVERY_S:
                last[0] = time.monotonic()
                self._write_state(job)

        try:
            checked: transfer.CheckedFile = self._load(token, "checked")
            with database.write_session() as session:
                report = admin_service.apply_import(
                    session,
                    checked,
                    job.scope,
                    job.actor,
                    progress,
                    overwrite=job.overwrite,
                    source=job.filename,
                )
                if not report.ok:
                    session.rollback()
            self._dump(token, "report", report)
            job.stage = "done" if report.ok else "rejected"
        except Exception as exc:  # any failure is the job's result
            self._fail(job, exc)
        self._write_state(job)
        return job

    def _fail(self, job: JobState, exc: BaseException) -> None:
        job.stage = "failed"
        job.reason = f"{type(exc).__name__}: {exc}"[:500] + "; nothing was imported"
        job.reason_zh = (
            f"处理失败（{type(exc).__name__}），没有导入任何内容；请稍后重试，或把此信息告知管理员"
        )

    def _prune(self) -> None:
        """Remove finished jobs older than :data:`KEEP_FOR`."""
        if not self.root.is_dir():
            return
        cutoff = datetime.now(UTC) - KEEP_FOR
        for folder in self.root.iterdir():
            job = self._read_state(folder.name) if TOKEN_RE.match(folder.name) else None
            if job is not None and datetime.fromisoformat(job.updated_at) < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
