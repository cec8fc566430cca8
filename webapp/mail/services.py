"""Queue, render and send e-mail. One service for every sender: views, the CLI and (later) a job queue.

- `queue_message(...)` renders a message in the recipient's language and adds it to the
  outbox; nothing is sent inside a request.
- `send_queued(...)` sends what is due through SMTP (Flask-Mailman), with retries and backoff.
  Without MAIL_SERVER it sends nothing: the messages wait in the admin outbox.
- After a commit that queued mail, `kick()` hands the sending to a job on the RQ queue when
  REDIS_URL is set (webapp/jobs: any `flask worker` sends), else starts a daemon thread that
  calls `send_queued`; either way a slow or refusing mail server never holds up a page.
"""
from __future__ import annotations

import hashlib
import logging
import smtplib
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, has_app_context, render_template
from flask_babel import force_locale
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, event, or_, select, update
from sqlalchemy.orm import Session

from .. import signals
from ..db_types import utcnow
from ..extensions import db, mail
from ..i18n import RTL_LANGUAGES
from ..jobs.models import Job
from ..jobs.services import enqueue, reconcile
from .models import MESSAGE_KINDS, MailOptOut, OutgoingMessage

log = logging.getLogger(__name__)

#: Languages a message can be written in; anything else falls back to English.
MAIL_LANGUAGES = ("nl", "en", "ar")
#: Kinds a recipient may opt out of; account mail (password, invitation to an account) always goes.
OPTIONAL_KINDS = {"survey_invitation", "survey_reminder", "feedback_invitation", "feedback_reminder",
                  "review_invitation", "review_reminder", "outcome"}
#: A message claimed for sending this long ago is taken to have died with its process.
STALE_SENDING = timedelta(minutes=15)


# --- Addresses and opt-out ------------------------------------------------------------------

def email_address(value: str | None) -> str | None:
    """The e-mail address in `value` (a contact field may also hold a phone number), or None."""
    from email_validator import EmailNotValidError, validate_email  # ~40 ms: not at start-up

    value = (value or "").strip()
    if "@" not in value or len(value) > 254:
        return None
    try:
        return validate_email(value, check_deliverability=False, test_environment=True).normalized
    except EmailNotValidError:
        return None


def address_hash(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


def _opt_out_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="mail-opt-out")


def opt_out_token(address: str) -> str:
    return _opt_out_serializer().dumps(address_hash(address))


def address_hash_from_token(token: str) -> str | None:
    """The address hash a (signed) opt-out token carries, or None for a tampered one."""
    if not token or len(token) > 200:
        return None
    try:
        value = _opt_out_serializer().loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) and len(value) == 64 else None


def opt_out(token: str) -> bool:
    """Honour an opt-out link: no more invitations, reminders or outcome messages to that address."""
    hashed = address_hash_from_token(token)
    if hashed is None:
        return False
    if db.session.scalar(select(MailOptOut).where(MailOptOut.address_hash == hashed)) is None:
        db.session.add(MailOptOut(address_hash=hashed))
        # Whatever was still waiting for this address is not sent either.
        for message in db.session.scalars(select(OutgoingMessage).where(
                OutgoingMessage.state.in_(("queued", "failed")), OutgoingMessage.kind.in_(OPTIONAL_KINDS))):
            if address_hash(message.recipient) == hashed:
                message.state, message.last_error, message.next_attempt_at = "failed", "opted out", None
        db.session.commit()
    return True


def opted_out_addresses(addresses) -> set[str]:
    """Which of `addresses` opted out, in one query."""
    hashes = {address_hash(a): a for a in addresses if a}
    if not hashes:
        return set()
    return {hashes[h] for h in db.session.scalars(select(MailOptOut.address_hash)
                                                  .where(MailOptOut.address_hash.in_(list(hashes))))}


def opted_out(address: str) -> bool:
    return db.session.scalar(select(MailOptOut.id).where(MailOptOut.address_hash == address_hash(address))) \
        is not None


# --- Queueing -------------------------------------------------------------------------------

def mail_language(language: str | None) -> str:
    return language if language in MAIL_LANGUAGES else "en"


def render_message(template: str, language: str, **context) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of `mail/messages/<template>.*` in `language`."""
    language = mail_language(language)
    context.update(language=language, direction="rtl" if language in RTL_LANGUAGES else "ltr")
    with force_locale(language):
        subject = render_template(f"mail/messages/{template}.subject.txt", **context)
        text = render_template(f"mail/messages/{template}.txt", **context)
        html = render_template(f"mail/messages/{template}.html", **context)
    return " ".join(subject.split())[:300], text.strip() + "\n", html


def queue_message(recipient: str, language: str, kind: str, template: str, context: dict | None = None, *,
                  related_type: str = "", related_id: int | None = None) -> OutgoingMessage | None:
    """Render a message and put it in the outbox (added to the session; the caller commits).

    Returns None, queueing nothing, for an address that is not one or that opted out of
    this kind of message. After the commit, a configured mail server gets it in the background.
    """
    if kind not in MESSAGE_KINDS:
        raise ValueError(f"unknown message kind {kind}")
    address = email_address(recipient)
    if address is None:
        return None
    optional = kind in OPTIONAL_KINDS
    if optional and opted_out(address):
        return None
    context = dict(context or {})
    if optional:
        from flask import url_for

        context["opt_out_url"] = url_for("mail.opt_out_page", token=opt_out_token(address),
                                         lang=mail_language(language), _external=True)
    for links in signals.answers(signals.message_footer_links.send(related_type, related_id=related_id,
                                                                   language=mail_language(language))):
        context.update(links)  # the privacy statement of the link's project (webapp/privacy/)
    subject, text, html = render_message(template, language, **context)
    message = OutgoingMessage(recipient=address, language=mail_language(language), subject=subject,
                              body_text=text, body_html=html, kind=kind, related_type=related_type,
                              related_id=related_id)
    db.session.add(message)
    db.session.info["mail_queued"] = True
    return message


def latest_messages(related_type: str, ids) -> dict[int, OutgoingMessage]:
    """The newest message for each of `ids`, to show its state beside the link it carries."""
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    latest: dict[int, OutgoingMessage] = {}
    for message in db.session.scalars(select(OutgoingMessage).where(
            OutgoingMessage.related_type == related_type, OutgoingMessage.related_id.in_(ids))
            .order_by(OutgoingMessage.id)):
        latest[message.related_id] = message
    return latest


def forget_recipient(address: str | None, related: list[tuple[str, int]]) -> int:
    """Erasure: remove every message to `address` or about the links in `related` (queued,
    failed and sent alike), so the outbox keeps no trace of the person. Returns how many went."""
    from sqlalchemy import delete, tuple_

    conditions = []
    if address:
        conditions.append(OutgoingMessage.recipient == address)
    if related:
        conditions.append(tuple_(OutgoingMessage.related_type, OutgoingMessage.related_id).in_(related))
    if not conditions:
        return 0
    return db.session.execute(delete(OutgoingMessage).where(or_(*conditions))
                              .execution_options(synchronize_session=False)).rowcount


def retry(message: OutgoingMessage) -> None:
    """Put a failed message back in the queue (the outbox's retry button); not one emptied by
    the retention purge (webapp/privacy/), which has no address left."""
    if message.state == "failed" and message.last_error != "opted out" and message.recipient:
        message.state, message.attempts, message.next_attempt_at = "queued", 0, None
        db.session.info["mail_queued"] = True
        db.session.commit()


# --- Sending --------------------------------------------------------------------------------

def mail_configured(app=None) -> bool:
    return bool((app or current_app).config.get("MAIL_SERVER"))


def failure_reason(error: BaseException) -> str:
    """A short technical reason: never the address or the server's full reply (which may quote it)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _text in error.recipients.values()})
        return f"recipient refused ({', '.join(str(c) for c in codes)})"
    if isinstance(error, smtplib.SMTPSenderRefused):
        return f"sender refused ({error.smtp_code})"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"authentication failed ({error.smtp_code})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"server answered {error.smtp_code}"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        # smtplib turns a read that timed out into "disconnected"; the timeout is its context.
        cause = error.__context__ or error.__cause__
        return "timed out" if isinstance(cause, (socket.timeout, TimeoutError)) else "server disconnected"
    if isinstance(error, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, OSError):
        return f"network error ({type(error).__name__})"
    return type(error).__name__


def _backoff(attempts: int) -> timedelta:
    base = int(current_app.config.get("MAIL_RETRY_SECONDS", 60))
    return timedelta(seconds=base * 2 ** max(0, attempts - 1))


def _due(now: datetime):
    max_attempts = int(current_app.config.get("MAIL_MAX_ATTEMPTS", 5))
    return or_(
        and_(OutgoingMessage.state == "queued",
             or_(OutgoingMessage.next_attempt_at.is_(None), OutgoingMessage.next_attempt_at <= now)),
        and_(OutgoingMessage.state == "failed", OutgoingMessage.attempts < max_attempts,
             OutgoingMessage.next_attempt_at.is_not(None), OutgoingMessage.next_attempt_at <= now),
        and_(OutgoingMessage.state == "sending", OutgoingMessage.next_attempt_at < now - STALE_SENDING),
    )


def _claim(message_id: int, now: datetime) -> bool:
    """Mark one message as being sent; False when another sender got it first."""
    claimed = db.session.execute(
        update(OutgoingMessage).where(OutgoingMessage.id == message_id, _due(now))
        .values(state="sending", next_attempt_at=now).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return claimed == 1


def _email(message: OutgoingMessage, connection):
    from flask_mailman import EmailMultiAlternatives

    email = EmailMultiAlternatives(subject=message.subject, body=message.body_text,
                                   from_email=current_app.config.get("MAIL_DEFAULT_SENDER"),
                                   to=[message.recipient], connection=connection,
                                   headers={"Content-Language": message.language})
    email.attach_alternative(message.body_html, "text/html")
    return email


def _connection():
    """An SMTP connection from the current configuration (read at each batch, not frozen at start-up)."""
    config = current_app.config
    return mail.get_connection(backend=config.get("MAIL_BACKEND") or "smtp", fail_silently=False,
                               host=config["MAIL_SERVER"], port=int(config.get("MAIL_PORT") or 25),
                               username=config.get("MAIL_USERNAME"), password=config.get("MAIL_PASSWORD"),
                               use_tls=bool(config.get("MAIL_USE_TLS")), use_ssl=bool(config.get("MAIL_USE_SSL")),
                               timeout=config.get("MAIL_TIMEOUT"))


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    reasons: list[str] = field(default_factory=list)


def send_queued(limit: int = 100, now: datetime | None = None) -> SendResult:
    """Send the messages that are due. Without a mail server nothing happens (the outbox keeps them)."""
    result = SendResult()
    if not mail_configured():
        return result
    now = now or utcnow()
    ids = db.session.scalars(select(OutgoingMessage.id).where(_due(now)).order_by(OutgoingMessage.id)
                             .limit(limit)).all()
    connection = None
    try:
        for message_id in ids:
            if not _claim(message_id, now):
                continue
            message = db.session.get(OutgoingMessage, message_id)
            try:
                if connection is None:
                    connection = _connection()
                _email(message, connection).send()
            except Exception as error:  # noqa: BLE001 - any failure leaves the message to be retried
                reason = failure_reason(error)
                message.attempts += 1
                message.state, message.last_error = "failed", reason[:200]
                max_attempts = int(current_app.config.get("MAIL_MAX_ATTEMPTS", 5))
                message.next_attempt_at = now + _backoff(message.attempts) if message.attempts < max_attempts \
                    else None
                result.failed += 1
                result.reasons.append(reason)
                log.warning("mail %s not sent: %s", message.id, reason)  # the id only: no address
                if connection is not None:
                    try:
                        connection.close()
                    except Exception:  # noqa: BLE001
                        pass
                    connection = None
            else:
                message.attempts += 1
                message.state, message.last_error, message.sent_at = "sent", "", utcnow()
                message.next_attempt_at = None
                # The bodies carry personal links: once delivered to the server they are not kept.
                message.body_text = message.body_html = ""
                result.sent += 1
            db.session.commit()
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001
                pass
    return result


def next_retry_at() -> datetime | None:
    max_attempts = int(current_app.config.get("MAIL_MAX_ATTEMPTS", 5))
    return db.session.scalar(select(OutgoingMessage.next_attempt_at).where(
        OutgoingMessage.state == "failed", OutgoingMessage.attempts < max_attempts,
        OutgoingMessage.next_attempt_at.is_not(None)).order_by(OutgoingMessage.next_attempt_at).limit(1))


# --- The background sender ------------------------------------------------------------------

_lock = threading.Lock()
_running = False
_again = False


def kick(app=None) -> bool:
    """Start the background sender (one thread per process); True when one runs now."""
    global _running, _again
    app = app or current_app._get_current_object()
    if not mail_configured(app) or not app.config.get("MAIL_BACKGROUND", True):
        return False
    if app.config.get("REDIS_URL"):
        return _enqueue_sending(app)
    with _lock:
        if _running:
            _again = True
            return True
        _running = True
        _again = False
    threading.Thread(target=_background, args=(app,), name="klankbord-mail", daemon=True).start()
    return True


def _enqueue_sending(app) -> bool:
    """One sending job at a time on the queue: a second kick while one waits adds nothing
    (the waiting job sends everything due when it runs; `_claim` keeps two senders apart)."""
    with app.app_context():
        try:
            waiting = [job for job in db.session.scalars(select(Job).where(Job.kind == "send_mail", Job.state == "queued"))
                       if not reconcile(job).finished]
            if not waiting:
                enqueue(send_mail_job, kind="send_mail", inline=False)
        finally:
            db.session.remove()
    return True


def send_mail_job() -> None:
    """Job: send everything that is due now (the queue's side of `kick`)."""
    while True:
        result = send_queued()
        if result.sent + result.failed < 100:  # less than a full batch: nothing more is due
            return


def _background(app) -> None:
    global _running, _again
    try:
        while True:
            with app.app_context():
                try:
                    send_queued()
                    retry_at = next_retry_at()
                except Exception:  # noqa: BLE001 - the thread must not die silently with mail waiting
                    log.exception("mail sender failed")
                    retry_at = None
                finally:
                    db.session.remove()
            with _lock:
                if _again:
                    _again = False
                    continue
                if retry_at is None:
                    _running = False
                    return
            wait = (retry_at - utcnow()).total_seconds()
            time.sleep(min(max(wait, 1), 300))
    except BaseException:
        with _lock:
            _running = False
        raise


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    if session.info.pop("mail_queued", False) and has_app_context():
        kick()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session) -> None:
    session.info.pop("mail_queued", None)
