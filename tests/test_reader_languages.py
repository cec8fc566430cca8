"""Titles in the reader's language (issue 24): what an advisory-board member reads - the round's
title, the report's, its recommendations' and chapters', in mail and on their pages - comes
from a per-language field; a title missing in their language is listed on the staff screen
that sends the mail; the link in a member's mail opens in the member's language."""
from __future__ import annotations

import re

from sqlalchemy import select

from webapp.extensions import db
from webapp.findings.models import Contributor, Finding
from webapp.mail.services import send_queued
from webapp.reader_texts import language_order, page_language, reader_text, set_extra_text
from webapp.reports.models import RecommendationFinding
from webapp.reports.services import start_build

from .conftest import text_of
from .mail_server import parts
from .test_feedback_member import make_round
from .test_review_services import make_report, recs

ROUND_AR = "مراجعة الجلسة الثالثة"
REPORT_AR = "توصيات تقنية: نموذج وطني"
RECOMMENDATION_AR = "تمويل لعدة سنوات"
CHAPTER_AR = "التمويل"
LINK = re.compile(r"https?://[^/\s\"<]+(/[a-z]/[A-Za-z0-9_-]+)")
#: Latin letters that may stand in an Arabic message: the brand and the addresses.
ALLOWED_LATIN = re.compile(r"Klankbord|https?://\S+|[a-z]+@[a-z.]+")


def latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{3,}", ALLOWED_LATIN.sub("", text)))


def test_language_order_and_fallback():
    assert language_order("ar") == ("ar", "en", "nl")
    assert language_order("ti", "ar") == ("ti", "ar", "en", "nl")
    assert page_language(language_order("ti", "ar")) == "ar" and page_language(language_order("ti")) == "en"

    class Round:
        title_nl, title_en, extra_texts = "Terugblik", "Looking back", {"ar": {"title": ROUND_AR}}

    assert reader_text(Round, "title", language_order("ar")) == (ROUND_AR, "ar")
    assert reader_text(Round, "title", language_order("ti", "nl")) == ("Terugblik", "nl")  # their order, not English
    Round.extra_texts = None
    assert reader_text(Round, "title", language_order("ar")) == ("Looking back", "en")


def _arabic_round(make_activity):
    survey, (link,) = make_round(make_activity, languages=("ar",))
    survey.extra_texts = {"ar": {"title": ROUND_AR}}
    link.contributor.contact = "amira@example.test"
    db.session.commit()
    return survey, link


def test_an_arabic_members_mail_quotes_no_latin_title_and_opens_an_arabic_page(
        app, client, auth, make_activity, smtp):
    survey, link = _arabic_round(make_activity)
    auth.login("facilitator", locale="en")
    assert client.post(f"/feedback/{survey.id}/mail/invitation").status_code == 302
    assert client.post(f"/feedback/{survey.id}/mail/reminder").status_code == 302
    send_queued()
    invitation, reminder = smtp.to("amira@example.test")
    for message in (invitation, reminder):
        text, html = parts(message)
        assert ROUND_AR in text and f"<bdi lang=\"ar\">{ROUND_AR}</bdi>" in html
        assert latin_words(message["Subject"] + text) == set(), latin_words(text)
        assert "Looking back" not in html and "Terugblik" not in html
    # the outcome: the member's words support a recommendation of a report with Arabic titles
    report = make_report()
    first = recs(report)[0]
    set_extra_text(report, "title", "ar", REPORT_AR)
    set_extra_text(first, "title", "ar", RECOMMENDATION_AR)
    set_extra_text(first.chapter, "title", "ar", CHAPTER_AR)
    finding = Finding(activity_id=survey.activity_id, text="أحتاج إلى مرشد ثابت.", language="ar", kind="quote",
                      contributor_id=link.contributor_id)
    db.session.add(finding)
    db.session.flush()
    db.session.add(RecommendationFinding(recommendation_id=first.id, finding_id=finding.id, quoted=True))
    db.session.commit()
    version = start_build(report, "en", "docx", background=False)
    client.post("/logout")
    auth.login("author", locale="en")
    # a test report has open items (preflight): publishing asks for a reason
    assert client.post(f"/reports/builds/{version.id}/publish", data={"reason": "A test draft."}).status_code == 302
    assert client.post(f"/reports/versions/{version.id}/outcome",
                       data={"contributor": [link.contributor_id]}).status_code == 302
    send_queued()
    outcome = smtp.to("amira@example.test")[-1]
    text, html = parts(outcome)
    assert REPORT_AR in text and latin_words(outcome["Subject"] + text) == set(), latin_words(text)
    assert report.title_en not in html and report.title_nl not in html
    client.post("/logout")
    # each link lands on an Arabic page, with the other languages one tap away
    member_page = client.get(LINK.search(parts(invitation)[0]).group(1))
    assert member_page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in member_page.get_data(as_text=True)
    assert 'data-testid="language-nl"' in member_page.get_data(as_text=True)
    outcome_page = client.get(LINK.search(text).group(1))
    assert outcome_page.status_code == 200
    page = outcome_page.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert f'<bdi lang="ar" data-testid="outcome-title">{REPORT_AR}</bdi>' in page
    assert f'<bdi lang="ar">{RECOMMENDATION_AR}</bdi>' in page
    assert first.title_en not in page and report.title_en not in page


def test_a_title_missing_in_the_members_language_is_listed_where_the_mail_is_sent(
        app, client, auth, make_activity):
    survey, link = _arabic_round(make_activity)
    auth.login("facilitator", locale="en")
    page = client.get(f"/feedback/{survey.id}/mail/invitation")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Title of the round" not in html  # it is in Arabic
    assert 'data-testid="missing-text" data-language="ar">Arabic: Prompt 2' in html  # only in Dutch and English
    survey.extra_texts = None
    db.session.commit()
    html = text_of(client.get(f"/feedback/{survey.id}/mail/invitation"))
    assert "Arabic: Title of the round" in html and '<bdi lang="en">Looking back at session 3</bdi>' in html
    assert f'href="/p/learn/feedback/{survey.id}/edit"' in html


def test_the_outcome_screen_lists_missing_arabic_titles_and_the_titles_screen_adds_them(
        app, client, auth, make_activity):
    report = make_report()
    first = recs(report)[0]
    member = Contributor(kind="advisory_member", pseudonym_number=7, language="ar", contact="m7@example.test")
    activity = make_activity(type="maab", number=7, title="Advisory board 7")
    db.session.add(member)
    db.session.flush()
    finding = Finding(activity_id=activity.id, text="نص", language="ar", kind="quote", contributor_id=member.id)
    db.session.add(finding)
    db.session.flush()
    db.session.add(RecommendationFinding(recommendation_id=first.id, finding_id=finding.id))
    db.session.commit()
    version = start_build(report, "en", "docx", background=False)
    auth.login("author", locale="en")
    # a test report has open items (preflight): publishing asks for a reason
    assert client.post(f"/reports/builds/{version.id}/publish", data={"reason": "A test draft."}).status_code == 302
    page = client.get(f"/reports/versions/{version.id}/outcome")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Arabic: Report title" in html and "Arabic: Recommendation 1.1" in html
    titles_url = f"/p/learn/reports/{report.id}/titles/ar"
    assert f'href="{titles_url}"' in html
    form = client.get(titles_url)
    assert form.status_code == 200 and 'dir="rtl"' in form.get_data(as_text=True)
    saved = client.post(titles_url, data={"report": REPORT_AR, f"recommendation-{first.id}": RECOMMENDATION_AR,
                                          f"chapter-{first.chapter_id}": CHAPTER_AR})
    assert saved.status_code == 302
    db.session.expire_all()
    assert report.extra_texts == {"ar": {"title": REPORT_AR}}
    assert db.session.get(type(first), first.id).extra_texts == {"ar": {"title": RECOMMENDATION_AR}}
    html = text_of(client.get(f"/reports/versions/{version.id}/outcome"))
    assert 'data-testid="missing-texts"' not in html
    # a refused title (a control character) keeps what was typed and stores nothing
    refused = client.post(titles_url, data={"report": "bad\x07title"})
    assert refused.status_code == 303
    shown = client.get(refused.location)
    assert shown.status_code == 200 and "U+0007" in shown.get_data(as_text=True)
    db.session.expire_all()
    assert report.extra_texts == {"ar": {"title": REPORT_AR}}
    assert db.session.scalar(select(Contributor.second_language).where(Contributor.id == member.id)) is None
