"""Outgoing e-mail: one row per message, rendered when it is queued.

A message is rendered in the recipient's language when it is queued, so what the outbox
shows is exactly what is sent. Once sent, the bodies are emptied: they carry personal
links, and a copy of the database should open no one's page.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..i18n import _l

MESSAGE_STATES = {
    "queued": _l("Queued"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
}

MESSAGE_KINDS = {
    "survey_invitation": _l("Survey invitation"),
    "survey_reminder": _l("Survey reminder"),
    "feedback_invitation": _l("Feedback round invitation"),
    "feedback_reminder": _l("Feedback round reminder"),
    "review_invitation": _l("Review invitation"),
    "review_reminder": _l("Review reminder"),
    "staff_invitation": _l("Account invitation"),
    "password_reset": _l("Password reset"),
    "outcome": _l("What became of your input"),
}


class OutgoingMessage(db.Model):
    __tablename__ = "outgoing_messages"
    __table_args__ = (
        CheckConstraint(f"state IN ({', '.join(repr(s) for s in MESSAGE_STATES)})", "known_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Personal data: shown on the admin outbox only, never logged.
    recipient: Mapped[str] = mapped_column(String(254))
    #: The language the message was written in (nl, en or ar).
    language: Mapped[str] = mapped_column(String(5), default="nl")
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    #: A code of MESSAGE_KINDS.
    kind: Mapped[str] = mapped_column(String(30))
    #: What the message belongs to, so its state shows beside that link: ("invitation", 12),
    #: ("assignment", 3), ("user", 5), ("outcome", 7).
    related_type: Mapped[str] = mapped_column(String(30), default="")
    related_id: Mapped[int | None] = mapped_column(index=True)
    #: queued -> sending -> sent, or failed (retried with backoff, or by hand).
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    #: A short technical reason for the last failure (never an address or a message text).
    last_error: Mapped[str] = mapped_column(String(200), default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:  # no address, no subject: reprs end up in logs
        return f"<OutgoingMessage {self.id} {self.kind} {self.state}>"


class MailOptOut(db.Model):
    """An address that asked for no more invitations or reminders (stored as a hash)."""

    __tablename__ = "mail_opt_outs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the lower-cased address.
    address_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
