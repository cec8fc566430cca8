"""What facilitators do with feedback rounds: build, invite by QR code, revoke, translate."""
from __future__ import annotations

from sqlalchemy import select

from webapp.extensions import db
from webapp.findings.models import Contributor, Finding
from webapp.surveys.models import Invitation, Survey

from .conftest import text_of, follow_refused
from .test_feedback_member import ARABIC_ANSWER, agree, choose, make_round, send


def test_a_round_belongs_to_an_advisory_board_session(client, auth, make_activity):
    meeting = make_activity()  # a learning-network meeting, not an advisory-board session
    session = make_activity(type="maab", number=3, title="Advisory board consultation round 3")
    auth.login("facilitator", locale="en")
    refused = follow_refused(client, client.post("/feedback/new", data={"activity_id": meeting.id, "title_en": "Round"}))
    assert "advisory-board session" in refused.get_data(as_text=True)
    assert 'value="Round"' in refused.get_data(as_text=True)
    made = client.post("/feedback/new", data={"activity_id": session.id, "title_nl": "Ronde", "title_en": "Round"})
    assert made.status_code in (302, 303)
    survey = db.session.scalar(select(Survey))
    assert made.location == f"/p/learn/feedback/{survey.id}"
    assert survey.purpose == "feedback" and survey.activity_id == session.id and not survey.ask_name
    # a feedback round is a survey, but not one of the survey screens' (it has no public link)
    assert client.get(f"/surveys/{survey.id}").status_code == 404
    assert "Round" not in text_of(client.get("/surveys/"))


def test_prompts_in_dutch_english_and_further_languages(client, auth, make_activity):
    session = make_activity(type="maab", number=1, title="Session 1")
    auth.login("facilitator", locale="en")
    client.post("/feedback/new", data={"activity_id": session.id, "title_en": "Round"})
    survey = db.session.scalar(select(Survey))
    client.post(f"/feedback/{survey.id}/prompts/new", data={
        "label_nl": "Wat vond je ervan?", "label_en": "What did you think?", "label_ar": "ما رأيك؟",
        "label_ti": "", "other_language": "fa", "other_label": "نظر شما چیست؟"})
    question = survey.questions[0]
    assert question.type == "text"
    assert question.extra_labels == {"ar": "ما رأيك؟", "fa": "نظر شما چیست؟"}
    html = text_of(client.get(f"/feedback/{survey.id}"))
    assert 'lang="ar" dir="rtl">ما رأيك؟' in html


def test_invite_existing_and_new_members_with_expiring_links_and_qr_codes(client, auth, make_activity):
    survey, (link,) = make_round(make_activity)
    auth.login("facilitator", locale="en")
    member = db.session.get(Contributor, link.contributor_id)
    response = client.post(f"/feedback/{survey.id}/invite", data={
        "members": [member.id], "new_count": 2, "new_language": "ti", "days": 7})
    assert response.status_code == 302
    links = db.session.scalars(select(Invitation).where(Invitation.survey_id == survey.id)
                               .order_by(Invitation.id)).all()
    assert len(links) == 3  # the member who had a working link keeps it
    new = [i.contributor for i in links[1:]]
    assert [c.pseudonym_number for c in new] == [2, 3] and {c.language for c in new} == {"ti"}
    assert all(c.name is None for c in new)
    assert all(5 < (i.expires_at - i.created_at).days <= 7 for i in links[1:])
    qr = client.get(f"/feedback/{survey.id}/links/{links[1].id}/qr.svg")
    assert qr.status_code == 200 and qr.content_type == "image/svg+xml" and b"<svg" in qr.data
    page = text_of(client.get(f"/feedback/{survey.id}/links/{links[1].id}"))
    assert f"/f/{links[1].token}" in page


def test_revoking_a_link(client, auth, make_activity):
    survey, (link,) = make_round(make_activity)
    auth.login("facilitator", locale="en")
    client.post(f"/feedback/{survey.id}/links/{link.id}/revoke")
    db.session.expire_all()
    assert db.session.get(Invitation, link.id).revoked_at is not None
    assert client.get(f"/f/{link.token}").status_code == 404


def test_staff_see_pseudonyms_never_names(client, auth, make_activity):
    survey, (link,) = make_round(make_activity)
    choose(client, link, "ar")
    agree(client, link)
    send(client, survey, link, ARABIC_ANSWER)
    auth.login("facilitator", locale="en")
    for url in (f"/feedback/{survey.id}", f"/feedback/{survey.id}/contributions", "/feedback/",
                f"/activities/{survey.activity_id}/findings", f"/activities/{survey.activity_id}/findings.csv"):
        html = text_of(client.get(url))
        assert "Member Name 1" not in html and "06-12345671" not in html, url
    assert "Advisory board member 1" in text_of(client.get(f"/feedback/{survey.id}/contributions"))


def test_a_translation_beside_the_original(client, auth, make_activity):
    survey, (link,) = make_round(make_activity)
    choose(client, link, "ar")
    agree(client, link)
    send(client, survey, link, ARABIC_ANSWER)
    finding = db.session.scalar(select(Finding))
    auth.login("facilitator", locale="en")
    client.post(f"/feedback/{survey.id}/findings/{finding.id}/translation", data={
        f"f{finding.id}-translation": "Ik heb één vaste contactpersoon nodig bij de gemeente.",
        f"f{finding.id}-translation_language": "nl"})
    db.session.expire_all()
    finding = db.session.get(Finding, finding.id)
    assert finding.text == ARABIC_ANSWER and finding.language == "ar"
    assert [(t.language, t.text[:6]) for t in finding.translations] == [("nl", "Ik heb")]
    html = text_of(client.get(f"/feedback/{survey.id}/contributions"))
    assert 'lang="ar" dir="rtl"' in html and ARABIC_ANSWER in html and "Ik heb één vaste" in html


def test_members_and_participants_cannot_manage_rounds(client, auth, make_activity):
    survey, _links = make_round(make_activity)
    auth.login("advisor")
    assert client.get("/feedback/").status_code == 403
    assert client.get(f"/feedback/{survey.id}").status_code == 403


def test_a_refused_translation_comes_back_in_its_own_box(client, auth, make_activity):
    survey, (link,) = make_round(make_activity)
    choose(client, link, "ar")
    agree(client, link)
    send(client, survey, link, ARABIC_ANSWER)
    finding = db.session.scalar(select(Finding))
    auth.login("facilitator", locale="en")
    typed = "Een vertaling met een stuurteken\x1b erin"
    refused = client.post(f"/feedback/{survey.id}/findings/{finding.id}/translation", data={
        f"f{finding.id}-translation": typed, f"f{finding.id}-translation_language": "nl"})
    html = follow_refused(client, refused, page=f"/feedback/{survey.id}/contributions").get_data(as_text=True)
    assert "U+001B" in html and "Een vertaling met een stuurteken" in html
    db.session.expire_all()
    assert db.session.get(Finding, finding.id).translation_texts == {}
