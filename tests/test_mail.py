"""Outgoing e-mail: the outbox without a server, a real SMTP server on loopback, and servers
that refuse or time out (never holding up a page)."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.mail.models import OutgoingMessage
from webapp.mail.services import email_address, queue_message, send_queued

from .mail_server import Inbox, RefusingInbox, SilentServer, closed_port, parts, start_smtp
from .conftest import text_of



def _queue(address="someone@example.test", language="nl"):
    with current_request():
        message = queue_message(address, language, "staff_invitation", "staff_invitation", {
            "name": "Sanne", "inviter": "Admin", "role": "Facilitator", "expires": "1 Dec",
            "link_url": "http://localhost/password/choose/abc", "link_label": "Choose your password"})
    db.session.commit()
    return message


def current_request():
    from flask import current_app

    return current_app.test_request_context("/")


def test_contact_fields_hold_addresses_or_not():
    assert email_address(" Amira@Example.test ") == "Amira@example.test"
    assert email_address("06-12345678") is None and email_address("") is None and email_address(None) is None


def test_without_a_mail_server_messages_wait_in_the_admin_outbox(app, client, auth):
    message = _queue()
    assert send_queued().sent == 0
    db.session.refresh(message)
    assert message.state == "queued" and message.body_text
    auth.login("admin", locale="en")
    page = text_of(client.get("/mail/outbox"))
    assert "someone@example.test" in page and "No mail server is configured" in page
    assert "E-mail queued" in page
    shown = text_of(client.get(f"/mail/outbox/{message.id}"))
    assert "http://localhost/password/choose/abc" in shown
    auth.logout()
    auth.login("facilitator")
    assert client.get("/mail/outbox").status_code == 403


def test_sent_through_a_real_smtp_server_with_text_and_html(app, smtp):
    message = _queue("sanne@example.test", "en")
    result = send_queued()
    assert result.sent == 1 and result.failed == 0
    (received,) = smtp.to("sanne@example.test")
    assert received["Subject"] == "Your account for Klankbord"
    assert received["From"] == "klankbord@example.test"
    text, html = parts(received)
    assert "http://localhost/password/choose/abc" in text and 'href="http://localhost/password/choose/abc"' in html
    assert '<html lang="en" dir="ltr">' in html
    db.session.refresh(message)
    # once sent, the personal link is no longer kept in the database
    assert message.state == "sent" and message.body_text == "" and message.body_html == ""


def test_a_refusing_server_leaves_the_message_failed_with_a_reason_and_a_retry(app, client, auth):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port())
    message = _queue()
    result = send_queued()
    assert result.failed == 1
    db.session.refresh(message)
    assert message.state == "failed" and message.last_error == "connection refused"
    assert message.attempts == 1 and message.next_attempt_at is not None
    # not due yet: the backoff holds it back
    assert send_queued().failed == 0
    auth.login("admin", locale="en")
    page = text_of(client.get("/mail/outbox"))
    assert "E-mail failed: connection refused" in page and 'data-testid="mail-retry"' in page
    assert client.post(f"/mail/outbox/{message.id}/retry").status_code == 302
    db.session.refresh(message)
    assert message.state == "queued" and message.attempts == 0


def test_a_recipient_refused_by_the_server_is_failed_without_the_address_in_the_reason(app):
    inbox = RefusingInbox()
    controller = start_smtp(inbox)
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
        message = _queue("nobody@example.test")
        send_queued()
        db.session.refresh(message)
        assert message.state == "failed" and message.last_error == "recipient refused (550)"
        assert "nobody" not in message.last_error
    finally:
        controller.stop()


def test_a_server_that_never_answers_times_out_and_the_message_stays_queued_for_retry(app):
    server = SilentServer()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=1)
        message = _queue()
        started = time.monotonic()
        send_queued()
        assert time.monotonic() - started < 10
        db.session.refresh(message)
        assert message.state == "failed" and message.last_error == "timed out"
    finally:
        server.stop()


def test_a_hanging_server_never_holds_up_the_page_that_queues_mail(app, client, auth):
    """Sending happens after the response, in the background: the invite page answers at once."""
    server = SilentServer()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=30)
        auth.login("admin", locale="en")
        started = time.monotonic()
        response = client.post("/users/invite", data={"name": "Sanne", "email": "sanne@example.test",
                                                      "role": "facilitator", "locale": "en"})
        assert response.status_code == 302 and time.monotonic() - started < 5
        message = db.session.scalar(select(OutgoingMessage))
        assert message.state == "queued"
    finally:
        server.stop()


def test_retries_back_off_and_stop_after_the_last_attempt(app):
    from datetime import timedelta

    from webapp.db_types import utcnow

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port(), MAIL_MAX_ATTEMPTS=3,
                      MAIL_RETRY_SECONDS=60)
    message = _queue()
    now = utcnow()
    waits = []
    for _attempt in range(3):
        send_queued(now=now)
        db.session.refresh(message)
        if message.next_attempt_at:
            waits.append((message.next_attempt_at - now).total_seconds())
            now = message.next_attempt_at
    assert waits == [60, 120]
    assert message.attempts == 3 and message.next_attempt_at is None and message.state == "failed"
    assert send_queued(now=now + timedelta(days=1)).failed == 0


def test_the_cli_sends_the_queue(app, runner, smtp):
    _queue("cli@example.test")
    result = runner.invoke(args=["mail", "send"])
    assert "sent 1" in result.output and smtp.to("cli@example.test")


def test_after_the_commit_a_background_thread_sends_what_a_page_queued(tmp_path):
    """The real path: a page queues mail, the commit wakes the sender thread, the SMTP server gets it."""
    from webapp import create_app
    from webapp.auth.services import create_user
    from webapp.config import TestConfig

    from .conftest import PASSWORD, IsolatedClient

    inbox = Inbox()
    controller = start_smtp(inbox)

    class BackgroundConfig(TestConfig):
        # A file: the sender thread takes its own connection.
        SQLALCHEMY_DATABASE_URI = "sqlite:///" + str(tmp_path / "mail.db")
        MAIL_SERVER = "127.0.0.1"
        MAIL_PORT = controller.port
        MAIL_BACKGROUND = True

    app = create_app(BackgroundConfig)
    app.test_client_class = IsolatedClient
    try:
        with app.app_context():
            db.create_all()
            create_user("admin@example.test", "Admin", "admin", PASSWORD, locale="en")
        client = app.test_client()
        client.post("/login", data={"email": "admin@example.test", "password": PASSWORD})
        started = time.monotonic()
        response = client.post("/users/invite", data={"name": "Sanne", "email": "sanne@example.test",
                                                      "role": "author", "locale": "en"})
        assert response.status_code == 302 and time.monotonic() - started < 5
        for _tick in range(100):
            if inbox.to("sanne@example.test"):
                break
            time.sleep(0.1)
        assert inbox.to("sanne@example.test")
        with app.app_context():
            for _tick in range(50):
                state = db.session.scalar(select(OutgoingMessage.state))
                db.session.remove()
                if state == "sent":
                    break
                time.sleep(0.1)
            assert state == "sent"
    finally:
        controller.stop()
        with app.app_context():
            db.engine.dispose()
