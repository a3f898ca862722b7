"""Notifications of reports to the districts' group chats.

stationmap send-notifications [--loop SECONDS]   enqueue and deliver what is due
"""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from stationmap.app_state import state
from stationmap.cli.lang import say
from stationmap.services import report_notify


@click.command("send-notifications")
@click.option(
    "--loop",
    "every_s",
    type=click.FloatRange(min=1),
    default=None,
    help="Keep running, once every this many seconds (default: once, then exit).",
)
@with_appcontext
def send_notifications_command(every_s: float | None) -> None:
    """Tell the districts' webhooks of new and unanswered reports; failed deliveries
    are retried with back-off on later runs (run it from cron, or with --loop)."""
    app_state = state(current_app)
    while True:
        added, done = report_notify.run_once(
            app_state.db.write_session,
            app_state.settings.public_url,
            post=report_notify.poster(app_state.settings.notify_local),
        )
        click.echo(
            say(
                f"新排队 {added} 条，已发送 {done.sent} 条，待重试 {done.retrying} 条，"
                f"已放弃 {done.failed} 条",
                f"queued {added}, sent {done.sent}, to retry {done.retrying}, "
                f"gave up {done.failed}",
            )
        )
        if every_s is None:
            return
        time.sleep(every_s)
