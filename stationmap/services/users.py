"""Administrators: accounts, roles, district scopes and server-side login sessions.

Passwords are hashed with scrypt (werkzeug); length is what is required, not character
classes. A login session is a row keyed by the SHA-256 of a random token that only the
browser's cookie carries, so ending the row ends every copy of the cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from stationmap.models import ROLES, ApiToken, District, User, UserDistrict, UserSession
from stationmap.services import districts as district_service
from stationmap.worded_error import WordedError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-@")
SESSION_LIFETIME = timedelta(hours=12)  # absolute: from login, however active
SESSION_IDLE = timedelta(hours=2)  # unused for this long, a session ends
# The idle deadline is pushed forward at most this often (a write, not one per request).
_TOUCH_EVERY = timedelta(minutes=1)
# Checked against when the user does not exist, so both paths cost one scrypt. Written
# out (werkzeug's scrypt, its default cost n=2**15, r=8, p=1) rather than computed at
# import, which cost every process that imports this module one scrypt (0.1-0.3 s).
_DUMMY_HASH = (
    "scrypt:32768:8:1$qS87TVGkT5p8sFXR$ecac328d661c2246630b6a6ee32872cc5ada808a9df72f08437"
    "30175edfe8d8dfbfe404c0bff1389586239a01d99bf52631f3368283dcc73059980fef6212539"
)


#: What an :class:`AccountError` says, by kind, in English and in Chinese: templates
#: filled from the error's ``values`` (:meth:`str.format` fields).
_ACCOUNT_TEXT: dict[str, tuple[str, str]] = {
    "password_short": (
        "the password must be at least {length} characters",
        "密码至少要有 {length} 个字符：请换一个更长的密码（可以用一句话）",
    ),
    "password_long": (
        "the password must be at most {length} characters",
        "密码最多 {length} 个字符：请换一个短一些的密码",
    ),
    "bad_username": (
        "a username is 1-64 of a-z, 0-9 and . _ - @",
        "用户名应为 1 到 64 个字符，只能用小写字母 a-z、数字 0-9 和 . _ - @：请换一个用户名",
    ),
    "bad_role": (
        "role must be one of {roles}",
        "角色应为 {roles} 之一：请改用其中一个",
    ),
    "district_needed": (
        "a district_admin needs at least one --district",
        "区县管理员（district_admin）至少要负责一个区县：请用 --district 给出行政区代码",
    ),
    "superadmin_district": (
        "a superadmin covers every district; give no --district",
        "超级管理员（superadmin）负责全部行政区：请去掉 --district",
    ),
    "no_district": (
        "no district {code} (see `stationmap find-district`)",
        "没有代码为 {code} 的行政区：请检查代码（可用 `stationmap find-district 名称` 查找），"
        "或先用 add-district 添加",
    ),
    "user_exists": (
        "user {name} already exists",
        "用户 {name} 已存在：请换一个用户名，或用 set-password 为它设置新密码",
    ),
    "no_user": (
        "no user {name}",
        "没有用户 {name}：请检查用户名（list-users 列出全部账户）",
    ),
}


class AccountError(WordedError, ValueError):
    """The account cannot be created or changed.

    ``kind`` names the problem (a key of the module's text table: ``"no_user"``,
    ``"password_short"``, ...) and ``values`` fills its message, so that each interface
    words it in its reader's language: ``str(error)`` is the English, :meth:`text`
    either language.
    """

    TEXT = _ACCOUNT_TEXT


@dataclass(frozen=True)
class Scope:
    """What a user may see (``codes``: district codes, ``None`` for all) and whether they
    may change it."""

    codes: frozenset[str] | None
    can_write: bool

    def covers(self, district_code: str | None) -> bool:
        if self.codes is None:
            return True
        return district_code is not None and district_code in self.codes


@dataclass(frozen=True)
class Principal:
    """The authenticated user, as plain data for the web layer."""

    user_id: int
    username: str
    role: str
    districts: tuple[str, ...]
    scope: Scope


def _now() -> datetime:
    return datetime.now(UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_short", {"length": MIN_PASSWORD_LENGTH})
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError("password_long", {"length": MAX_PASSWORD_LENGTH})


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not 1 <= len(name) <= 64 or not set(name) <= USERNAME_CHARS:
        raise AccountError("bad_username")
    return name


def create_user(
    session: Session, username: str, password: str, role: str, districts: Iterable[str] = ()
) -> User:
    name = normalise_username(username)
    if role not in ROLES:
        raise AccountError("bad_role", {"roles": ", ".join(ROLES)})
    codes = sorted(set(districts))
    if role == "district_admin" and not codes:
        raise AccountError("district_needed")
    if role == "superadmin" and codes:
        raise AccountError("superadmin_district")
    for code in codes:
        if session.get(District, code) is None:
            raise AccountError("no_district", {"code": code})
    check_password(password)
    if session.scalar(select(User.id).where(User.username == name)) is not None:
        raise AccountError("user_exists", {"name": name})
    user = User(
        username=name,
        password_hash=generate_password_hash(password, method="scrypt"),
        role=role,
        created_at=_now(),
        district_rows=[UserDistrict(district_code=c) for c in codes],
    )
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, username: str) -> User | None:
    try:
        name = normalise_username(username)
    except AccountError:
        return None
    return session.scalar(select(User).where(User.username == name))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def _end_credentials(session: Session, user: User) -> None:
    """End every login session of ``user`` and revoke every API token they hold, so
    nothing issued under the old credentials works again (enabling the account or
    learning the new password later brings none of them back)."""
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=_now())
    )


def disable_user(session: Session, username: str) -> User:
    """Disable the account, end its sessions and revoke its API tokens (enabling it
    again brings none of them back)."""
    user = get_user(session, username)
    if user is None:
        raise AccountError("no_user", {"name": username})
    user.disabled_at = user.disabled_at or _now()
    _end_credentials(session, user)
    return user


def enable_user(session: Session, username: str) -> User:
    user = get_user(session, username)
    if user is None:
        raise AccountError("no_user", {"name": username})
    user.disabled_at = None
    return user


def set_password(session: Session, username: str, password: str) -> User:
    """Set a new password, end the user's sessions and revoke their API tokens."""
    user = get_user(session, username)
    if user is None:
        raise AccountError("no_user", {"name": username})
    check_password(password)
    user.password_hash = generate_password_hash(password, method="scrypt")
    _end_credentials(session, user)
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, or None (same cost either way)."""
    user = get_user(session, username)
    if user is None or len(password) > MAX_PASSWORD_LENGTH:
        check_password_hash(_DUMMY_HASH, password[:MAX_PASSWORD_LENGTH])
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    return user if user.disabled_at is None else None


def scope_of(session: Session, user: User) -> Scope:
    """superadmin: everything; district_admin: their districts and all below, writable;
    viewer: their districts and all below (everything when none), read-only."""
    if user.role == "superadmin":
        return Scope(None, True)
    codes = user.district_codes
    if user.role == "viewer" and not codes:
        return Scope(None, False)
    within: set[str] = set()
    for code in codes:
        within |= district_service.codes_within(session, code)
    return Scope(frozenset(within), user.role == "district_admin")


def principal(session: Session, user: User) -> Principal:
    return Principal(
        user.id, user.username, user.role, tuple(user.district_codes), scope_of(session, user)
    )


# -- login sessions ----------------------------------------------------------------------
def start_session(
    session: Session,
    user: User,
    lifetime: timedelta = SESSION_LIFETIME,
    idle: timedelta = SESSION_IDLE,
) -> tuple[str, str]:
    """A new login session; returns (cookie token, CSRF token). Expired rows of this
    user are removed on the way.

    ``expires_at`` is the idle deadline: ``idle`` after the last use, never later than
    ``lifetime`` after login (see :func:`touch_session`)."""
    now = _now()
    session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at < now)
    )
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=_digest(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + min(idle, lifetime),
        )
    )
    session.flush()
    return token, csrf


def resume_session(
    session: Session, token: str, lifetime: timedelta = SESSION_LIFETIME
) -> tuple[Principal, str] | None:
    """The user and CSRF token of a live session, or None (unknown, ended, idle too
    long, older than ``lifetime``, or the user disabled)."""
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))
    now = _now()
    if row is None or row.expires_at <= now or row.created_at + lifetime <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled_at is not None:
        return None
    return principal(session, user), row.csrf_token


def _new_deadline(
    row: UserSession | None, now: datetime, idle: timedelta, lifetime: timedelta
) -> datetime | None:
    """The idle deadline to write for ``row`` now, or None when it should stay."""
    if row is None or row.expires_at <= now:
        return None
    deadline = min(now + idle, row.created_at + lifetime)
    return deadline if deadline - row.expires_at > _TOUCH_EVERY else None


def needs_touch(
    session: Session,
    token: str,
    idle: timedelta = SESSION_IDLE,
    lifetime: timedelta = SESSION_LIFETIME,
) -> bool:
    """Whether :func:`touch_session` would write; a read, so most requests need no
    write transaction."""
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))
    return _new_deadline(row, _now(), idle, lifetime) is not None


def touch_session(
    session: Session,
    token: str,
    idle: timedelta = SESSION_IDLE,
    lifetime: timedelta = SESSION_LIFETIME,
) -> None:
    """Push a live session's idle deadline to ``idle`` from now (never past ``lifetime``
    after login). Writes only when the deadline moves by more than a minute."""
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))
    deadline = _new_deadline(row, _now(), idle, lifetime)
    if row is not None and deadline is not None:
        row.expires_at = deadline


def end_session(session: Session, token: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_hash == _digest(token)))


def tokens_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
