"""Personal API tokens: shown once when made, stored only as a SHA-256 hash.

A token is 32 random bytes, so a fast hash is enough (no password stretching needed) and
lets the lookup be a plain indexed equality.
"""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from ..auth.models import User
from ..extensions import db


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(user: User) -> str:
    """Make a new token for `user` (replacing any earlier one) and return it: it is shown once."""
    token = "kb_" + secrets.token_urlsafe(32)
    user.api_token_hash = _hash(token)
    db.session.commit()
    return token


def revoke_api_token(user: User) -> None:
    user.api_token_hash = None
    db.session.commit()


def user_for_api_token(token: str) -> User | None:
    """The active user holding `token`, or None."""
    if not token or len(token) > 200:
        return None
    user = db.session.scalar(select(User).where(User.api_token_hash == _hash(token)))
    return user if user is not None and user.active else None
