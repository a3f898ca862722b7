"""Administrator accounts. There is no default account: the first superadmin is made
here.

stationmap create-user NAME --role superadmin|district_admin|viewer [--district CODE ...]
                                  [--password-stdin]
stationmap disable-user NAME      ends the user's sessions and revokes their API tokens
stationmap enable-user NAME
stationmap set-password NAME [--password-stdin]
stationmap list-users
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import with_appcontext

from stationmap.app_state import state
from stationmap.cli.lang import Failure, say, worded
from stationmap.models import ROLES
from stationmap.services import users as user_service

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@contextmanager
def _account_change() -> Iterator[Session]:
    """A write session for one account change; an account error ends the command,
    worded in the terminal's language."""
    try:
        with state(current_app).db.write_session() as session:
            yield session
    except user_service.AccountError as exc:
        raise Failure(worded(exc)) from exc


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(
        click.prompt(
            say(
                f"密码（至少 {user_service.MIN_PASSWORD_LENGTH} 个字符）",
                f"Password (at least {user_service.MIN_PASSWORD_LENGTH} characters)",
            ),
            hide_input=True,
            confirmation_prompt=say("再输入一次密码", "Repeat for confirmation"),
        )
    )


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--district", "districts", multiple=True, help="District code (repeatable).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user_command(
    username: str, role: str, districts: tuple[str, ...], password_stdin: bool
) -> None:
    """Create an administrator account (prompts for the password)."""
    password = _password(password_stdin)
    with _account_change() as session:
        user = user_service.create_user(session, username, password, role, districts)
        name, codes = user.username, ", ".join(user.district_codes)
    click.echo(
        say(
            f"已创建账户 {name}（{role}，{codes or '全部行政区'}）。",
            f"Created {role} {name} ({codes or 'all districts'}).",
        )
    )


@click.command("disable-user")
@click.argument("username")
@with_appcontext
def disable_user_command(username: str) -> None:
    """Disable an account: its sessions end at once and its API tokens are revoked."""
    with _account_change() as session:
        user_service.disable_user(session, username)
    click.echo(
        say(
            f"已停用 {username}：其登录已结束，API 令牌已撤销。",
            f"Disabled {username}.",
        )
    )


@click.command("enable-user")
@click.argument("username")
@with_appcontext
def enable_user_command(username: str) -> None:
    """Enable a disabled account again."""
    with _account_change() as session:
        user_service.enable_user(session, username)
    click.echo(say(f"已重新启用 {username}。", f"Enabled {username}."))


@click.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def set_password_command(username: str, password_stdin: bool) -> None:
    """Set a user's password (their sessions end and their API tokens are revoked)."""
    password = _password(password_stdin)
    with _account_change() as session:
        user_service.set_password(session, username, password)
    click.echo(
        say(
            f"已为 {username} 设置密码：其登录已结束，API 令牌已撤销。",
            f"Password set for {username}.",
        )
    )


@click.command("list-users")
@with_appcontext
def list_users_command() -> None:
    """List accounts with their roles and districts."""
    with state(current_app).db.session() as session:
        for user in user_service.list_users(session):
            status = say("已停用", "disabled") if user.disabled_at else say("正常", "active")
            codes = ",".join(user.district_codes) or "-"
            click.echo(f"{user.username}\t{user.role}\t{codes}\t{status}")
