"""Invitations and reminders by e-mail for feedback rounds, review rounds and survey links,
read back from a real SMTP server on loopback; opt-out; staff invitations and password reset."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from webapp.contributors.erasure import erase_contributor
from webapp.db_types import utcnow
from webapp.extensions import db
from webapp.findings.models import Contributor
from webapp.mail.models import MailOptOut, OutgoingMessage
from webapp.mail.services import send_queued

from .mail_server import parts
from .test_feedback_member import agree, choose, make_round, send
from .test_review_services import make_report, make_reviewers, open_test_round
from .conftest import text_of

LINK = re.compile(r"https?://[^/\s\"<]+(/[a-z]/[A-Za-z0-9_-]+)")



def _give_addresses(links):
    for number, link in enumerate(links, start=1):
        link.contributor.contact = f"member{number}@example.test"
    db.session.commit()


def test_feedback_invitations_go_to_each_member_in_their_language_with_only_their_link(
        app, client, auth, make_activity, smtp):
    survey, links = make_round(make_activity, languages=("ar", "nl"))
    _give_addresses(links)
    auth.login("facilitator", locale="en")
    preview = text_of(client.get(f"/feedback/{survey.id}/mail/invitation"))
    assert "2 members get this message" in preview and 'dir="rtl"' in preview
    assert "Member Name" not in preview  # pseudonyms only on staff screens that are not admin's
    assert client.post(f"/feedback/{survey.id}/mail/invitation").status_code == 302
    show = text_of(client.get(f"/feedback/{survey.id}"))
    assert show.count("E-mail queued") == 2
    assert send_queued().sent == 2
    (arabic,) = smtp.to("member1@example.test")
    (dutch,) = smtp.to("member2@example.test")
    assert arabic["Content-Language"] == "ar" and arabic["Subject"].strip() == "رأيك للمجلس الاستشاري"
    text, html = parts(arabic)
    assert '<html lang="ar" dir="rtl">' in html and "يطلب المجلس الاستشاري رأيك" in text
    assert f"/f/{links[0].token}" in text and f'href="http://localhost/f/{links[0].token}"' in html
    assert links[1].token not in text + html  # nobody else's link
    assert "Member Name" not in text + html and "member2@" not in text + html
    assert "/mail/opt-out/" in text and "/mail/opt-out/" in html
    assert dutch["Subject"] == "Je feedback voor de adviesraad"
    dutch_text, dutch_html = parts(dutch)
    assert '<html lang="nl" dir="ltr">' in dutch_html and f"/f/{links[1].token}" in dutch_text
    assert links[0].token not in dutch_text + dutch_html
    assert text_of(client.get(f"/feedback/{survey.id}")).count("E-mail sent") == 2
    # invited once: the invitation button now finds nobody new
    assert 'data-testid="mail-nobody"' in text_of(client.get(f"/feedback/{survey.id}/mail/invitation"))


def test_no_reminder_after_an_answer_a_withdrawal_a_revoked_link_an_erasure_or_an_opt_out(
        app, client, auth, make_activity, smtp):
    survey, links = make_round(make_activity, languages=("ar", "nl", "en", "nl", "en", "ar"))
    _give_addresses(links)
    answered, withdrew, revoked, erased, opted, waiting = links
    for number, link in enumerate((answered, withdrew)):
        choose(client, link, "en")
        agree(client, link)
        assert send(client, survey, link, "Meer stageplekken.", token=f"{number:032x}").status_code == 302
    assert client.post(f"/f/{withdrew.token}/withdraw").status_code == 302
    auth.login("facilitator", locale="en")
    client.post(f"/feedback/{survey.id}/links/{revoked.id}/revoke")
    erase_contributor(db.session.get(Contributor, erased.contributor_id), "identity", None)
    # the member opts out through the link in an earlier message
    client.post(f"/feedback/{survey.id}/mail/invitation")
    message = db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.recipient == "member5@example.test"))
    opt_out_path = LINK.sub(r"\1", re.search(r"https?://\S+/mail/opt-out/\S+", message.body_text).group(0))
    assert client.post(opt_out_path).status_code == 200
    preview = text_of(client.get(f"/feedback/{survey.id}/mail/reminder"))
    assert "1 member gets this message" in preview
    client.post(f"/feedback/{survey.id}/mail/reminder")
    send_queued()
    reminded = [m for m in smtp.messages if "Reminder" in m["Subject"] or "تذكير" in m["Subject"]]
    assert [m["To"] for m in reminded] == ["member6@example.test"]
    assert "لم تصلنا إجاباتك بعد" in parts(reminded[0])[0]


def test_the_opt_out_page_speaks_the_message_language_and_a_tampered_link_changes_nothing(app, client):
    from flask import current_app

    from webapp.mail.services import opt_out_token

    with current_app.test_request_context():
        token = opt_out_token("amira@example.test")
    page = text_of(client.get(f"/mail/opt-out/{token}?lang=ar"))
    assert '<html lang="ar" dir="rtl">' in page and "هل نوقف إرسال الدعوات" in page
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(f"/mail/opt-out/{tampered}?lang=en").status_code == 200
    assert db.session.scalar(select(MailOptOut)) is None
    done = text_of(client.post(f"/mail/opt-out/{token}?lang=en"))
    assert 'data-testid="opt-out-done"' in done
    assert db.session.scalar(select(MailOptOut)) is not None
    assert "amira" not in db.session.scalar(select(MailOptOut)).address_hash


def test_review_links_are_mailed_when_made_and_reminders_carry_a_new_link(app, client, auth, smtp):
    report = make_report()
    reviewers = make_reviewers()
    auth.login("author", locale="en")
    review_round, _tokens = open_test_round(report, reviewers)
    first, second = review_round.assignments
    # the author makes a new link for the first reviewer: shown once on screen, and mailed
    page = text_of(client.post(f"/review/assignments/{first.id}/renew"))
    shown = re.search(r'value="https?://[^/"]+(/r/[A-Za-z0-9_-]+)"', page).group(1)
    assert "E-mail queued" in page
    send_queued()
    (invitation,) = smtp.to("r0@example.test")
    text, html = parts(invitation)
    assert shown in text and shown in html and invitation["Subject"] == "Graag je review van het conceptrapport"
    # the second reviewer submits; the reminder goes to the first only, with a fresh link
    from webapp.review.comments import CommentInput, save_comment, submit

    save_comment(second, CommentInput(target="report", text="Clear enough."))
    submit(second)
    preview = text_of(client.get(f"/review/rounds/{review_round.id}/remind"))
    assert "Reviewer Person 0" in preview and "Reviewer Person 1" not in preview
    client.post(f"/review/rounds/{review_round.id}/remind")
    send_queued()
    reminder = smtp.to("r0@example.test")[-1]
    assert reminder["Subject"].startswith("Herinnering")
    new_link = LINK.search(parts(reminder)[0]).group(1)
    assert new_link != shown
    auth.logout()
    assert client.get(new_link).status_code == 200 and client.get(shown).status_code == 404
    assert not smtp.to("r1@example.test") or all("Herinnering" not in m["Subject"] for m in smtp.to("r1@example.test"))


def test_survey_links_with_an_address_are_mailed_and_reminded_until_answered(app, client, auth, smtp):
    from webapp.surveys.models import Invitation, Survey

    auth.login("facilitator", locale="en")
    survey = Survey(title_nl="Werkgevers", title_en="Employers", public_token="pub-token", status="open")
    db.session.add(survey)
    db.session.commit()
    client.post(f"/surveys/{survey.id}/invitations", data={
        "labels": "Gemeente Utrecht; werk@example.test; en\nTeam Zorg; zorg@example.test; ar\nNo address"})
    made = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    assert [(i.label, i.email, i.email_language) for i in made] == [
        ("Gemeente Utrecht", "werk@example.test", "en"), ("Team Zorg", "zorg@example.test", "ar"),
        ("No address", None, "nl")]
    client.post(f"/surveys/{survey.id}/invitations/mail/invitation")
    send_queued()
    english = smtp.to("werk@example.test")[0]
    assert english["Subject"] == "Invitation: Employers" and f"/i/{made[0].token}" in parts(english)[0]
    arabic_html = parts(smtp.to("zorg@example.test")[0])[1]
    assert 'dir="rtl"' in arabic_html and made[0].token not in arabic_html
    made[0].completed = True
    db.session.commit()
    from datetime import date

    from webapp.surveys.answering import set_invitation_expiry

    set_invitation_expiry(made[1], date(2099, 3, 14))
    client.post(f"/surveys/{survey.id}/invitations/mail/reminder")
    send_queued()
    assert len(smtp.to("werk@example.test")) == 1 and len(smtp.to("zorg@example.test")) == 2
    assert "2099" in parts(smtp.to("zorg@example.test")[1])[0]  # the link's last day, in the message


# --- staff accounts --------------------------------------------------------------------------

def _choose_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/password/choose/[A-Za-z0-9_.-]+)", parts(message)[0]).group(1)


def test_an_admin_invites_a_colleague_who_chooses_a_password_once(app, client, auth, smtp):
    auth.login("admin", locale="en")
    response = client.post("/users/invite", data={"name": "Sanne de Vries", "email": "Sanne@Example.test",
                                                  "role": "facilitator", "locale": "nl"})
    assert response.status_code == 302
    assert "E-mail queued" in text_of(client.get("/users/"))
    auth.logout()
    send_queued()
    (message,) = smtp.to("sanne@example.test")
    assert message["Subject"] == "Je account voor Klankbord" and "Facilitator" in parts(message)[0]
    link = _choose_link(message)
    page = client.get(link)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert client.post(link, data={"password": "a good long password", "confirm": "a good long password"}
                       ).status_code == 302
    assert client.post("/login", data={"email": "sanne@example.test", "password": "a good long password"}
                       ).status_code == 302
    client.post("/logout")
    assert client.get(link).status_code == 404  # single use


def test_forgot_password_answers_the_same_for_any_address_and_the_link_works_once(app, client, smtp, monkeypatch):
    from .conftest import PASSWORD, follow_refused
    from webapp.auth.services import create_user

    create_user("known@example.test", "Known", "author", PASSWORD, locale="en")
    unknown = client.post("/password/forgot", data={"email": "nobody@example.test"})
    known = client.post("/password/forgot", data={"email": "known@example.test"})
    assert unknown.status_code == known.status_code == 200

    def page(response):  # the CSRF token of the language switch is signed with a timestamp
        return re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))

    assert page(unknown) == page(known)
    send_queued()
    assert not smtp.to("nobody@example.test")
    (message,) = smtp.to("known@example.test")
    link = _choose_link(message)
    tampered = client.get(link[:-3] + "xyz")
    assert tampered.status_code == 404 and 'data-testid="password-link-invalid"' in tampered.get_data(as_text=True)
    refused = follow_refused(client, client.post(link, data={"password": "another fine password", "confirm": "different"}))
    assert "another fine password" not in refused.get_data(as_text=True)  # a password is never kept
    assert refused.headers["Cache-Control"] == "no-store"
    assert client.post(link, data={"password": "another fine password", "confirm": "another fine password"}
                       ).status_code == 302
    used = client.get(link)  # used: the same page as a tampered link
    assert used.status_code == 404 and 'data-testid="password-link-invalid"' in used.get_data(as_text=True)
    assert client.post("/login", data={"email": "known@example.test", "password": PASSWORD}).status_code == 303
    # a reset link older than its two hours no longer works
    client.post("/password/forgot", data={"email": "known@example.test"})
    send_queued()
    late = _choose_link(smtp.to("known@example.test")[-1])
    monkeypatch.setattr("webapp.auth.services.RESET_HOURS", 0)
    assert client.get(late).status_code == 404


def test_erasing_a_member_removes_their_messages_from_the_outbox(app, client, auth, make_activity):
    survey, links = make_round(make_activity, languages=("ar", "nl"))
    _give_addresses(links)
    auth.login("facilitator", locale="en")
    client.post(f"/feedback/{survey.id}/mail/invitation")
    assert len(db.session.scalars(select(OutgoingMessage)).all()) == 2
    erase_contributor(db.session.get(Contributor, links[0].contributor_id), "identity", None)
    left = db.session.scalars(select(OutgoingMessage)).all()
    assert [m.recipient for m in left] == ["member2@example.test"]


def test_a_failed_invitation_shows_its_reason_and_a_retry_beside_the_link(app, client, auth, make_activity):
    from .mail_server import closed_port

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port())
    survey, links = make_round(make_activity, languages=("nl",))
    _give_addresses(links)
    auth.login("facilitator", locale="en")
    client.post(f"/feedback/{survey.id}/mail/invitation")
    send_queued()
    page = text_of(client.get(f"/feedback/{survey.id}"))
    assert "E-mail failed: connection refused" in page and 'data-testid="mail-retry"' in page
    message = db.session.scalar(select(OutgoingMessage))
    response = client.post(f"/mail/outbox/{message.id}/retry", data={"next": f"/feedback/{survey.id}"})
    assert response.status_code == 302 and response.location == f"/feedback/{survey.id}"
    assert "E-mail queued" in text_of(client.get(f"/feedback/{survey.id}"))
    assert client.get("/mail/outbox").status_code == 403  # the outbox itself stays the admin's


def test_forgot_password_requests_are_limited_per_address(app, client):
    from webapp.auth.services import create_user

    from .conftest import PASSWORD

    create_user("busy@example.test", "Busy", "author", PASSWORD, locale="en")
    answers = [client.post("/password/forgot", data={"email": "busy@example.test"}).status_code for _i in range(6)]
    assert answers == [200] * 5 + [429]
    assert len(db.session.scalars(select(OutgoingMessage)).all()) == 5
    # the same limit for an address without an account: the answers still tell nothing apart
    unknown = [client.post("/password/forgot", data={"email": "ghost@example.test"}).status_code for _i in range(6)]
    assert unknown == answers
