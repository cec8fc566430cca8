"""Publishing a report version and closing the loop: each contributor hears, in their own
language and on their own page, what became of their words; nobody sees anybody else's."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from webapp.contributors.erasure import erase_contributor
from webapp.db_types import utcnow
from webapp.extensions import db
from webapp.findings.models import Contributor, Finding
from webapp.mail.services import send_queued
from webapp.outcome.models import OutcomeLink
from webapp.reports.models import RecommendationFinding, ReportVersion
from webapp.reports.builds import start_build
from webapp.review.board import set_disposition
from webapp.review.comments import CommentInput, save_comment, submit

from .mail_server import parts
from .test_review_services import make_report, make_reviewers, open_test_round, recs
from .conftest import text_of

ARABIC_WORDS = "أحتاج إلى شخص واحد ثابت يساعدني في البلدية."
DUTCH_WORDS = "Meer stageplekken bij de gemeente."
OUTCOME_LINK = re.compile(r"https?://[^/\s\"<]+(/o/[A-Za-z0-9_-]+)")



@pytest.fixture
def published(app, make_activity):
    """A report with two advisory-board members' words as evidence, a reviewer's handled
    comment, and a built version (not yet published)."""
    report = make_report()
    session = make_activity(type="maab", number=3, title="Advisory board session 3")
    amira = Contributor(kind="advisory_member", pseudonym_number=1, language="ar", name="Amira Secret",
                        contact="amira@example.test")
    bram = Contributor(kind="advisory_member", pseudonym_number=2, language="nl", name="Bram Secret",
                       contact="bram@example.test")
    db.session.add_all([amira, bram])
    db.session.flush()
    amira_finding = Finding(activity_id=session.id, text=ARABIC_WORDS, language="ar", kind="quote",
                            contributor_id=amira.id)
    bram_finding = Finding(activity_id=session.id, text=DUTCH_WORDS, language="nl", kind="quote",
                           contributor_id=bram.id)
    db.session.add_all([amira_finding, bram_finding])
    db.session.flush()
    first, second, third = recs(report)
    db.session.add_all([RecommendationFinding(recommendation_id=first.id, finding_id=amira_finding.id, quoted=True),
                        RecommendationFinding(recommendation_id=third.id, finding_id=bram_finding.id)])
    db.session.commit()
    (reviewer,) = make_reviewers(1)
    review_round, _tokens = open_test_round(report, [reviewer])
    (assignment,) = review_round.assignments
    comment = save_comment(assignment, CommentInput(target="recommendation", chapter_id=report.chapters[0].id,
                                                    recommendation_id=first.id, text="Name the budget line."))
    submit(assignment)
    set_disposition(comment, "partly", "We name it in the summary.", None)
    version = start_build(report, "en", "docx", background=False)
    return {"report": report, "version": version, "amira": amira, "bram": bram, "reviewer": reviewer}


def test_an_author_publishes_a_version_and_the_public_page_offers_it(app, client, auth, published):
    version = published["version"]
    auth.login("facilitator", locale="en")
    assert client.post(f"/reports/builds/{version.id}/publish").status_code == 403
    client.post("/logout")
    assert client.get(f"/published/{published['report'].id}").status_code == 404  # nothing published yet
    assert client.get(f"/published/versions/{version.id}/download").status_code == 404
    auth.login("author", locale="en")
    # its preflight lists open items (the Arabic quote has no English translation): a reason is asked
    assert client.post(f"/reports/builds/{version.id}/publish").status_code == 303
    response = client.post(f"/reports/builds/{version.id}/publish", data={"reason": "A test draft."})
    assert response.status_code == 302 and response.location.endswith(f"/reports/versions/{version.id}/outcome")
    db.session.refresh(version)
    assert version.published_at is not None
    again = client.post(f"/reports/builds/{version.id}/publish", follow_redirects=True)
    assert again.status_code == 200
    assert "already published" in again.get_data(as_text=True)
    client.post("/logout")
    page = text_of(client.get(f"/published/{published['report'].id}"))
    assert "Draft report" in page and f"/published/versions/{version.id}/download" in page
    download = client.get(f"/published/versions/{version.id}/download")
    assert download.status_code == 200 and download.data[:2] == b"PK"


def _publish(client, auth, version, role="author"):
    auth.login(role, locale="en")
    client.post(f"/reports/builds/{version.id}/publish", data={"reason": "A test draft."})


def test_staff_preview_each_person_and_choose_who_gets_the_message(app, client, auth, published, smtp):
    version, amira, bram, reviewer = (published[k] for k in ("version", "amira", "bram", "reviewer"))
    _publish(client, auth, version)
    choose = text_of(client.get(f"/reports/versions/{version.id}/outcome"))
    assert "Advisory board member 1" in choose and "Advisory board member 2" in choose
    assert "Amira Secret" not in choose and "Bram Secret" not in choose  # an author is not an admin
    preview = text_of(client.get(f"/reports/versions/{version.id}/outcome/{amira.id}/preview"))
    assert '<html lang="ar" dir="rtl">' in preview and ARABIC_WORDS in preview and DUTCH_WORDS not in preview
    assert "مقتبسة في التوصية 1.1" in preview  # quoted under recommendation 1.1, in Arabic
    # the banner speaks to the staff member, in the staff member's language
    assert ('<p class="notice" data-testid="outcome-preview" lang="en" dir="ltr">'
            "Preview: this is the page the person will see.</p>") in preview
    # only Amira and the reviewer are chosen
    response = client.post(f"/reports/versions/{version.id}/outcome", data={"contributor": [amira.id, reviewer.id]})
    assert response.status_code == 302
    assert text_of(client.get(f"/reports/versions/{version.id}/outcome")).count("E-mail queued") == 2
    send_queued()
    assert not smtp.to("bram@example.test")
    (arabic,) = smtp.to("amira@example.test")
    text, html = parts(arabic)
    assert arabic["Subject"].strip() == "نُشر التقرير: ما حدث لمساهمتك" and '<html lang="ar" dir="rtl">' in html
    assert OUTCOME_LINK.search(text) and "Amira Secret" not in text + html and "Bram" not in text + html
    (english,) = smtp.to("r0@example.test")
    assert OUTCOME_LINK.search(parts(english)[0]).group(1) != OUTCOME_LINK.search(text).group(1)


def test_each_page_shows_only_that_persons_input_and_a_foreign_or_bad_token_gets_the_same_page(
        app, client, auth, published, smtp):
    version, amira, bram, reviewer = (published[k] for k in ("version", "amira", "bram", "reviewer"))
    _publish(client, auth, version)
    client.post(f"/reports/versions/{version.id}/outcome", data={"contributor": [amira.id, bram.id, reviewer.id]})
    client.post("/logout")
    send_queued()
    links = {who: OUTCOME_LINK.search(parts(smtp.to(f"{who}@example.test")[0])[0]).group(1)
             for who in ("amira", "bram", "r0")}
    amira_page = client.get(links["amira"])
    html = amira_page.get_data(as_text=True)
    assert amira_page.status_code == 200 and amira_page.headers["Cache-Control"] == "no-store"
    assert '<html lang="ar" dir="rtl">' in html and "ما حدث لمساهمتك" in html
    assert ARABIC_WORDS in html and DUTCH_WORDS not in html and "Name the budget line." not in html
    assert "Amira Secret" not in html and "عضو المجلس الاستشاري 1" in html
    assert f"/published/versions/{version.id}/download" in html
    bram_html = text_of(client.get(links["bram"]))
    assert '<html lang="nl" dir="ltr">' in bram_html
    assert DUTCH_WORDS in bram_html and ARABIC_WORDS not in bram_html and "Ondersteunt" not in bram_html
    assert "Onderbouwt aanbeveling 2.1" in bram_html
    reviewer_html = text_of(client.get(links["r0"]))
    assert "Name the budget line." in reviewer_html and "We name it in the summary." in reviewer_html
    assert "Deels verwerkt" in reviewer_html
    assert ARABIC_WORDS not in reviewer_html and DUTCH_WORDS not in reviewer_html
    # unknown, tampered, revoked and expired links all get one and the same page
    invalid = client.get("/o/" + "x" * 43)
    assert invalid.status_code == 404
    assert text_of(client.get(links["amira"][:-2] + "zz"), 404) == invalid.get_data(as_text=True)
    link = db.session.scalar(select(OutcomeLink).where(OutcomeLink.contributor_id == bram.id))
    link.revoked_at = utcnow()
    other = db.session.scalar(select(OutcomeLink).where(OutcomeLink.contributor_id == reviewer.id))
    other.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    for path in (links["bram"], links["r0"]):
        response = client.get(path)
        assert response.status_code == 404 and response.get_data(as_text=True) == invalid.get_data(as_text=True)


def test_withdrawn_and_erased_people_are_not_offered_and_their_page_goes(app, client, auth, published, smtp):
    version, amira, bram = published["version"], published["amira"], published["bram"]
    _publish(client, auth, version)
    client.post(f"/reports/versions/{version.id}/outcome", data={"contributor": [amira.id]})
    send_queued()
    link = OUTCOME_LINK.search(parts(smtp.to("amira@example.test")[0])[0]).group(1)
    db.session.execute(db.delete(Finding).where(Finding.contributor_id == bram.id))  # words taken back
    db.session.commit()
    page = text_of(client.get(f"/reports/versions/{version.id}/outcome"))
    assert "Advisory board member 1" in page and "Advisory board member 2" not in page
    erase_contributor(db.session.get(Contributor, amira.id), "everything", None)
    # The version printed her words: it is withdrawn, so nobody is offered its outcome any more.
    assert client.get(f"/reports/versions/{version.id}/outcome").status_code == 404
    client.post("/logout")
    assert client.get(link).status_code == 404
