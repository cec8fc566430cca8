"""What an advisory-board member does with a personal link: language, consent, answer,
save and resume, send, view and withdraw; and what a broken link shows."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from webapp.db_types import utcnow
from webapp.extensions import db
from webapp.feedback.services import RoundInput, add_prompt, invite_members, revoke_link, save_round
from webapp.findings.models import Contributor, Finding
from webapp.surveys.models import Answer, Invitation, Response
from webapp.surveys.services import open_survey
from .conftest import text_of

ARABIC_ANSWER = "أحتاج إلى شخص واحد ثابت يساعدني في البلدية."
TIGRINYA_PROMPT = "ብዛዕባ እቲ ኣኼባ እንታይ ተሰሚዑካ?"


def make_round(make_activity, languages=("ar",), open_round=True):
    """A round of advisory-board session 3 with two prompts and one link per member."""
    activity = make_activity(type="maab", number=3, title="Advisory board consultation round 3")
    survey = save_round(None, RoundInput(activity_id=activity.id, title_nl="Terugblik sessie 3",
                                         title_en="Looking back at session 3"))
    add_prompt(survey, "Wat vond je van de sessie?", "What did you think of the session?",
               {"ar": "ما رأيك في الجلسة؟", "ti": TIGRINYA_PROMPT})
    add_prompt(survey, "Wat moet er veranderen?", "What should change?")
    members = []
    for number, language in enumerate(languages, start=1):
        member = Contributor(kind="advisory_member", pseudonym_number=number, language=language,
                             name=f"Member Name {number}", contact=f"06-1234567{number}")
        db.session.add(member)
        members.append(member)
    db.session.commit()
    if open_round:
        open_survey(survey)
    links = invite_members(survey, members)
    return survey, links


def fields(survey, first="", second=""):
    one, two = survey.questions
    return {f"q{one.id}": first, f"q{two.id}": second}


def choose(client, link, language="en"):
    return client.post(f"/f/{link.token}/language", data={"language": language})


def agree(client, link):
    return client.post(f"/f/{link.token}/consent", data={"answer": "agree"})


def send(client, survey, link, first="", second="", language="ar", action="submit", token="a" * 32):
    return client.post(f"/f/{link.token}", data={**fields(survey, first, second), "written_language": language,
                                                 "action": action, "submission_token": token})


def stored_anything(link) -> bool:
    db.session.expire_all()
    invitation = db.session.get(Invitation, link.id)
    return bool(invitation.consented_at or invitation.draft or invitation.contributor.consent_given_at
                or db.session.scalar(select(func.count()).select_from(Response)))


def test_language_first_then_consent_and_nothing_is_stored_before_consent(client, make_activity):
    survey, (link, tigrinya) = make_round(make_activity, languages=("ar", "ti"))
    # the member's language is known and the pages speak it: the link opens in it (issue 24),
    # the other languages one tap away in the header
    page = client.get(f"/f/{link.token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html and 'data-testid="consent"' in html
    assert 'data-testid="language-choice"' not in html
    assert 'data-testid="language-nl"' in html and 'data-testid="language-en"' in html
    # a language the pages do not speak (Tigrinya): the member chooses first
    page = client.get(f"/f/{tigrinya.token}")
    assert page.status_code == 200 and 'data-testid="language-choice"' in page.get_data(as_text=True)
    # even a form posted before consent stores nothing
    choose(client, link, "ar")
    send(client, survey, link, ARABIC_ANSWER, action="save")
    send(client, survey, link, ARABIC_ANSWER)
    html = text_of(client.get(f"/f/{link.token}"))
    assert '<html lang="ar" dir="rtl">' in html
    assert 'data-testid="consent"' in html and "قبل البدء" in html
    assert "«عضو المجلس الاستشاري 1»" in html  # the pseudonym the quotes will carry, in Arabic
    assert "Member Name 1" not in html
    assert not stored_anything(link)


def test_declining_stores_nothing(client, make_activity):
    survey, (link,) = make_round(make_activity)
    choose(client, link, "en")
    html = text_of(client.post(f"/f/{link.token}/consent", data={"answer": "decline"}))
    assert "Nothing has been stored" in html
    assert not stored_anything(link)


def test_consent_is_recorded_on_the_person_with_the_words_shown(client, make_activity):
    survey, (link,) = make_round(make_activity)
    choose(client, link, "en")
    assert agree(client, link).status_code == 302
    db.session.expire_all()
    member = db.session.get(Contributor, link.contributor_id)
    assert member.consent_given_at is not None
    assert "only under a pseudonym" in member.consent_scope and "Advisory board member 1" in member.consent_scope
    html = text_of(client.get(f"/f/{link.token}"))
    assert 'data-testid="feedback-form"' in html and "What did you think of the session?" in html


def test_save_and_resume_with_the_same_link_on_another_device(app, client, make_activity):
    survey, (link,) = make_round(make_activity)
    choose(client, link, "ar")
    agree(client, link)
    response = send(client, survey, link, ARABIC_ANSWER, action="save")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0  # saved is not sent
    other_device = app.test_client()  # nothing chosen there: the member's own language, Arabic
    html = text_of(other_device.get(f"/f/{link.token}"))
    assert '<html lang="ar" dir="rtl">' in html
    assert ARABIC_ANSWER in html  # consent was given once; the text is back
    assert '<option value="ar" selected>' in html


def test_sending_makes_findings_in_the_original_language_under_the_pseudonym(client, make_activity):
    survey, (link,) = make_round(make_activity)
    choose(client, link, "ar")
    agree(client, link)
    assert send(client, survey, link, ARABIC_ANSWER, "Meer stageplekken.", language="ar").status_code == 302
    # the same form posted again (a double tap) is stored once
    send(client, survey, link, ARABIC_ANSWER, "Meer stageplekken.", language="ar")
    findings = db.session.scalars(select(Finding).order_by(Finding.id)).all()
    assert [f.text for f in findings] == [ARABIC_ANSWER, "Meer stageplekken."]
    assert {f.language for f in findings} == {"ar"}
    assert {f.contributor_id for f in findings} == {link.contributor_id}
    assert {f.activity_id for f in findings} == {survey.activity_id}
    response = db.session.scalar(select(Response))
    assert response.contributor_id == link.contributor_id and response.respondent_name is None
    html = text_of(client.get(f"/f/{link.token}"))
    assert 'data-testid="contributions"' in html and ARABIC_ANSWER in html


def test_an_empty_form_is_not_sent(client, make_activity):
    survey, (link,) = make_round(make_activity)
    choose(client, link, "en")
    agree(client, link)
    response = send(client, survey, link)
    assert response.status_code == 303  # post/redirect/get
    response = client.get(response.location)
    assert response.status_code == 200
    assert "at least one question" in response.get_data(as_text=True)
    assert "at least one question" not in text_of(client.get(f"/f/{link.token}"))  # shown once
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def _submitted(client, make_activity):
    survey, (link,) = make_round(make_activity)
    choose(client, link, "en")
    agree(client, link)
    send(client, survey, link, ARABIC_ANSWER, "Meer stageplekken.")
    return survey, link


def test_withdrawing_one_answer_removes_its_finding_outright(client, make_activity):
    survey, link = _submitted(client, make_activity)
    first = db.session.scalar(select(Answer).where(Answer.value == ARABIC_ANSWER))
    confirm = client.get(f"/f/{link.token}/withdraw?answer={first.id}")
    assert confirm.status_code == 200
    assert 'data-testid="withdraw-confirm"' in confirm.get_data(as_text=True)
    assert client.post(f"/f/{link.token}/withdraw", data={"answer": first.id}).status_code == 302
    texts = db.session.scalars(select(Finding.text).execution_options(include_deleted=True)).all()
    assert texts == ["Meer stageplekken."]  # gone, not merely hidden
    html = text_of(client.get(f"/f/{link.token}"))
    assert ARABIC_ANSWER not in html and "Meer stageplekken." in html


def test_withdrawing_everything_leaves_no_trace_of_the_answers(client, auth, make_activity):
    survey, link = _submitted(client, make_activity)
    assert client.post(f"/f/{link.token}/withdraw").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Finding)
                             .execution_options(include_deleted=True)) == 0
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    html = text_of(client.get(f"/f/{link.token}"))
    assert 'data-testid="no-contributions"' in html
    auth.login("facilitator", locale="en")
    export = text_of(client.get(f"/activities/{survey.activity_id}/findings.csv"))
    assert ARABIC_ANSWER not in export


def test_after_the_round_closes_members_can_still_view_and_withdraw(client, make_activity):
    survey, link = _submitted(client, make_activity)
    from webapp.surveys.services import close_survey

    close_survey(survey)
    assert ARABIC_ANSWER in text_of(client.get(f"/f/{link.token}"))
    client.post(f"/f/{link.token}/withdraw")
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0


def test_prompts_show_in_the_page_language_and_in_the_members_own_language(client, make_activity):
    survey, (arabic, tigrinya) = make_round(make_activity, languages=("ar", "ti"))
    choose(client, arabic, "ar")
    agree(client, arabic)
    html = text_of(client.get(f"/f/{arabic.token}"))
    assert 'lang="ar" dir="rtl">ما رأيك في الجلسة؟' in html
    assert 'lang="en" dir="ltr">What should change?' in html  # no Arabic given: English
    agree(client, tigrinya)
    choose(client, tigrinya, "nl")
    html = text_of(client.get(f"/f/{tigrinya.token}"))
    assert "Wat vond je van de sessie?" in html and TIGRINYA_PROMPT in html


def _invalid_pages(client, make_activity):
    survey, (expired, revoked, fine) = make_round(make_activity, languages=("ar", "ti", "nl"))
    expired.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    revoke_link(revoked)
    tampered = fine.token[:-2] + ("aa" if not fine.token.endswith("aa") else "bb")
    return survey, [expired.token, revoked.token, tampered, "x"]


def test_expired_revoked_and_tampered_links_get_one_page_that_reveals_nothing(client, make_activity):
    """One page, in the language the link was made for where that is known (issue 24)."""
    survey, tokens = _invalid_pages(client, make_activity)
    bodies = {}
    for token in tokens:
        for method, path in (("GET", f"/f/{token}"), ("POST", f"/f/{token}"), ("POST", f"/f/{token}/consent"),
                             ("POST", f"/f/{token}/language"), ("GET", f"/f/{token}/withdraw")):
            response = client.open(path, method=method, data={"answer": "agree", "language": "ar"})
            assert response.status_code == 404, (path, method)
            bodies.setdefault(token, set()).add(response.get_data(as_text=True))
    assert all(len(pages) == 1 for pages in bodies.values())
    (arabic,) = bodies.pop(tokens[0])  # the expired link of an Arabic member: Arabic
    assert '<html lang="ar" dir="rtl">' in arabic and "هذا الرابط لا يعمل" in arabic
    assert len(set().union(*bodies.values())) == 1  # Tigrinya (no page language), tampered, unknown: alike
    (body,) = set().union(*bodies.values())
    assert '<html lang="nl" dir="ltr">' in body
    assert text_of(client.get("/f/x?lang=ar"), status=404) == arabic  # one page, asked in Arabic
    for page in (arabic, body):
        assert 'data-testid="link-invalid"' in page
        for secret in ("session 3", "sessie 3", "Advisory board member", "Member Name", *tokens[:2]):
            assert secret not in page


def test_a_revoked_link_stores_nothing_more(client, make_activity):
    survey, (link,) = make_round(make_activity)
    choose(client, link, "en")
    revoke_link(link)
    agree(client, link)
    send(client, survey, link, "Nog iets.")
    db.session.expire_all()
    assert db.session.get(Invitation, link.id).consented_at is None
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0


def test_feedback_links_do_not_open_through_the_survey_pages(client, make_activity):
    survey, (link,) = make_round(make_activity)
    assert client.get(f"/i/{link.token}").status_code == 404
    assert client.get(f"/s/{survey.public_token}").status_code == 404
    assert client.get(f"/s/{survey.public_token}/kiosk").status_code == 404


def test_member_pages_are_not_cached_and_send_no_referrer(client, make_activity):
    survey, (link,) = make_round(make_activity)
    response = client.get(f"/f/{link.token}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_staff_pages_stay_dutch_or_english_after_a_member_page_in_arabic(client, auth, make_activity, language):
    survey, (link,) = make_round(make_activity)
    choose(client, link, "ar")
    assert 'lang="ar"' in text_of(client.get(f"/f/{link.token}"))
    auth.login("facilitator", locale=language)
    html = text_of(client.get("/feedback/"))
    assert re.search(rf'<html lang="{language}">', html)


def test_a_refused_answer_of_a_megabyte_is_kept_cut_and_the_member_is_told(client, make_activity):
    from webapp.surveys.models import MAX_DRAFT_VALUE

    survey, (link,) = make_round(make_activity)
    choose(client, link, "en")
    agree(client, link)
    pasted = "Werk. " * 180_000  # ~1 MB: refused for its length
    response = send(client, survey, link, pasted, "Korter.", language="nl")
    assert response.status_code == 303
    page = text_of(client.get(response.location))  # right after: what was typed, up to what a stash keeps
    assert "Please keep your answer under" in page and "This text was longer than 100,000 characters" in page
    db.session.expire_all()
    draft = db.session.get(Invitation, link.id).draft
    assert len(json.dumps(draft)) < 2 * MAX_DRAFT_VALUE  # the stored draft is not the megabyte
    later = text_of(client.get(f"/f/{link.token}"))  # coming back later: the draft, and it says it was cut
    assert f"Only the first {MAX_DRAFT_VALUE} characters are kept below" in later
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0
