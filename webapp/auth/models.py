from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..access import ROLES


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __audit_kind__ = "user"  # its create, update, delete are audited
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", "known_role"),
        CheckConstraint("locale IN ('nl', 'en')", "known_locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case; the login looks it up lower-cased too.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    #: Interface language, remembered across devices.
    locale: Mapped[str] = mapped_column(String(5), default="nl")
    #: Soft delete: a deactivated user keeps authorship of what they captured.
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: SHA-256 of the personal API token (`flask users token EMAIL`); the token itself is never stored.
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Part of every session and remember cookie (`get_id`): raising it ends them all.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    #: The project the switcher last showed; `/` and old unprefixed links go there.
    last_project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))

    def set_password(self, password: str) -> None:
        """A new password ends every session opened with the old one (see `end_sessions`)."""
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Log this user out everywhere: every cookie holds the old version and stops working."""
        self.session_version = (self.session_version or 0) + 1

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: id and session version."""
        return f"{self.id}:{self.session_version}"

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
