"""Users: creating, authenticating, changing. Called by views and the CLI alike."""
from __future__ import annotations

from sqlalchemy import func, select

from ..db_types import utcnow
from ..extensions import db
from .models import User
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
    user = User(email=normalise_email(email), name=name.strip() or normalise_email(email),
                role=role, locale=locale)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (without saying which was wrong)."""
    user = get_user_by_email(email)
    if user is None or not user.active or not user.check_password(password):
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
