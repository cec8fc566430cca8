"""Users: creating, authenticating, changing. Called by views and the CLI alike."""
from __future__ import annotations

import secrets
from functools import lru_cache

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import signals
from ..access import ROLES, ROLE_LABELS
from ..db_types import utcnow
from ..extensions import db
from ..i18n import _
from ..mail.services import queue_message
from ..text import TextRefused, clean_text
from . import throttle
from .models import User
from .passwords import password_problem


class UserError(ValueError):
    """A user could not be created or changed; the message is translated for display."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(email: str, name: str, role: str, password: str, locale: str = "nl") -> User:
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
    db.session.flush()
    signals.user_created.send(user)  # projects: a one-project installation's colleague joins it
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


# --- Links to choose a password: staff invitations and "forgot password" ---------------------

#: How long the link in an invitation works, and the one in a "forgot password" message.
INVITATION_HOURS = 7 * 24
RESET_HOURS = 2


def _password_serializer():
    from flask import current_app
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="choose-password")


def _password_fingerprint(user: User) -> str:
    # The current password hash is in the signed token: once a password is chosen the hash
    # changes, so a link works once; a newer link does not revive an older one's password.
    import hashlib

    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def password_token(user: User, purpose: str) -> str:
    """A signed, expiring, single-use token to choose a password ("invite" or "reset")."""
    return _password_serializer().dumps({"u": user.id, "p": _password_fingerprint(user), "k": purpose})


def user_for_password_token(token: str) -> User | None:
    """The active user a valid token is for; None for an unknown, expired, used or tampered token."""
    from itsdangerous import BadSignature, SignatureExpired

    if not token or len(token) > 500:
        return None
    try:
        data, signed_at = _password_serializer().loads(token, max_age=INVITATION_HOURS * 3600,
                                                       return_timestamp=True)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or data.get("k") not in ("invite", "reset"):
        return None
    if data["k"] == "reset" and (utcnow() - signed_at).total_seconds() > RESET_HOURS * 3600:
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.active or data.get("p") != _password_fingerprint(user):
        return None
    return user


def invite_user(email: str, name: str, role: str, locale: str, inviter: User | None, link_for) -> User:
    """Create an account without a usable password and e-mail a link to choose one.

    `link_for(token)` makes the link's external address."""
    import secrets
    from datetime import timedelta

    from flask_babel import format_datetime, force_locale

    user = create_user(email, name, role, secrets.token_urlsafe(32), locale=locale)
    with force_locale(user.locale):
        context = {"name": user.name, "inviter": inviter.name if inviter else "Klankbord",
                   "role": str(ROLE_LABELS[user.role]), "link_url": link_for(password_token(user, "invite")),
                   "link_label": _("Choose your password"),
                   "expires": format_datetime(utcnow() + timedelta(hours=INVITATION_HOURS), "short")}
    queue_message(user.email, user.locale, "staff_invitation", "staff_invitation", context,
                  related_type="user", related_id=user.id)
    db.session.commit()
    return user


def request_password_reset(email: str, link_for) -> None:
    """E-mail a link to choose a new password, if an active account has this address.

    The caller answers the same either way, so the form reveals no addresses."""
    from datetime import timedelta

    from flask_babel import format_datetime, force_locale

    user = get_user_by_email(email or "")
    if user is None or not user.active:
        return
    with force_locale(user.locale):
        context = {"link_url": link_for(password_token(user, "reset")), "link_label": _("Choose a new password"),
                   "expires": format_datetime(utcnow() + timedelta(hours=RESET_HOURS), "short")}
    queue_message(user.email, user.locale, "password_reset", "password_reset", context,
                  related_type="user", related_id=user.id)
    db.session.commit()


def choose_password(token: str, password: str) -> User | None:
    """Set the password a valid token allows; the token is spent by it."""
    user = user_for_password_token(token)
    if user is None:
        return None
    user.set_password(password)
    db.session.commit()
    throttle.lift(user.email)  # a successful reset lifts any wait the failed logins set
    return user
