"""Per-user API tokens for the write API. The secret is shown once; only its SHA-256 is
stored. A revoked token, or one whose user is disabled, no longer authenticates."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationmap.models import ApiToken, User
from stationmap.services.users import Principal, principal

PREFIX = "smt_"
MAX_NAME = 100


@dataclass(frozen=True)
class NewToken:
    id: int
    name: str
    secret: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(session: Session, user_id: int, name: str) -> NewToken:
    label = " ".join(name.split())[:MAX_NAME] or "token"
    secret = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user_id,
        name=label,
        prefix=secret[: len(PREFIX) + 6],
        token_hash=_digest(secret),
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return NewToken(row.id, label, secret)


def list_tokens(session: Session, user_id: int) -> list[ApiToken]:
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id))
    )


def revoke_token(session: Session, user_id: int, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False when they have no such token."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id:
        return False
    row.revoked_at = row.revoked_at or datetime.now(UTC)
    return True


def authenticate_token(session: Session, secret: str) -> Principal | None:
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled_at is not None:
        return None
    return principal(session, user)


def touch_token(session: Session, secret: str) -> None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if row is not None:
        row.last_used_at = datetime.now(UTC)
