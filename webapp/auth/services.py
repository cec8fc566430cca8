"""Users: creating, authenticating, changing. Called by views and the CLI alike."""
from __future__ import annotations

import secrets
from functools import lru_cache

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..db_types import utcnow
from ..extensions import db
from .models import User
from .passwords import password_problem
from .roles import ROLES


class UserError(ValueError):
    """A user could not be created or changed; the message is translated for display."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(email: str, name: str, role: str, password: str, locale: str = "nl") -> User:
    from ..i18n import _

    from ..text import TextRefused, clean_text

    if role not in ROLES:
        raise UserError(_("Unknown role: %(role)s", role=role))
    try:
        email, name = clean_text(email, multiline=False), clean_text(name or "", multiline=False)
    except TextRefused as refused:
        raise UserError(refused.message) from None
    if get_user_by_email(email) is not None:
        raise UserError(_("A user with this e-mail address already exists."))
    problem = password_problem(password, email)
    if problem:
        raise UserError(problem)
    user = User(email=normalise_email(email), name=name.strip() or normalise_email(email),
                role=role, locale=locale)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (without saying which was wrong).

    An unknown or inactive address costs one password hash as well, so the time a login takes
    does not tell which addresses have an account.
    """
    user = get_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.commit()


def count_active_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True))
    )


def change_password(user: User, current_password: str, new_password: str) -> None:
    """The user's own change: the current password first; every other session of theirs ends."""
    from ..i18n import _

    if not user.check_password(current_password):
        raise UserError(_("The current password is not correct."))
    problem = password_problem(new_password, user.email)
    if problem:
        raise UserError(problem)
    user.set_password(new_password)
    db.session.commit()


def end_all_sessions(user: User) -> None:
    """"Log out everywhere": every session and remember cookie of `user` stops working."""
    user.end_sessions()
    db.session.commit()
