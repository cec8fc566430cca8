"""Survey personal links (/i/<token>) honour revoke and expiry; staff revoke or extend them on a screen."""
from __future__ import annotations

import re
from datetime import timedelta

from webapp.db_types import utcnow
from webapp.extensions import db
from webapp.surveys.models import Invitation
from webapp.surveys.services import create_invitations, today

from .test_surveys_services import build_survey
from .conftest import text_of


def _page(client, url):
    response = client.get(url)
    # The same page apart from the CSP nonce, the language switch's way back to this URL and its
    # CSRF token, which carries the second it was signed in (two requests may straddle a second).
    page = re.sub(r'nonce="[^"]*"', "", response.get_data(as_text=True))
    page = re.sub(r'name="csrf_token" value="[^"]*"', "", page)
    return response.status_code, re.sub(r'name="next" value="[^"]*"', "", page)


def test_revoked_expired_and_unknown_links_show_the_same_page(app, client):
    survey = build_survey()
    revoked, expired, good = create_invitations(survey, ["Revoked", "Expired", "Good"])
    revoked.revoked_at = utcnow()
    expired.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    status, page = _page(client, f"/i/{good.token}")
    assert status == 200 and "Meeting evaluation" in page or "Evaluatie bijeenkomst" in page
    pages = [_page(client, url) for url in (f"/i/{revoked.token}", f"/i/{expired.token}", "/i/not-a-token")]
    assert {status for status, _page_text in pages} == {404}
    assert len({text for _status, text in pages}) == 1  # nothing tells the three apart
    assert "Evaluatie bijeenkomst" not in pages[0][1] and "Meeting evaluation" not in pages[0][1]
    # a revoked link cannot be used to answer either
    assert client.post(f"/i/{revoked.token}", data={"submission_token": "a" * 32}).status_code == 404


def test_staff_revoke_and_extend_a_link_on_the_screen(app, client, auth):
    survey = build_survey()
    link, = create_invitations(survey, ["Gemeente Utrecht"])
    auth.login("facilitator", locale="en")
    screen = text_of(client.get(f"/surveys/{survey.id}/invitations"))
    assert "without end" in screen and f'data-testid="revoke-{link.id}"' in screen

    last_day = today() + timedelta(days=7)
    response = client.post(f"/surveys/{survey.id}/invitations/{link.id}/expiry",
                           data={"valid_until": last_day.isoformat()}, follow_redirects=True)
    assert response.status_code == 200
    assert "The link works until" in response.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Invitation, link.id)
    assert stored.expires_at > utcnow() + timedelta(days=6)
    assert client.get(f"/i/{link.token}").status_code == 200
    refused = client.post(f"/surveys/{survey.id}/invitations/{link.id}/expiry",
                          data={"valid_until": (today() - timedelta(days=1)).isoformat()}, follow_redirects=True)
    assert refused.status_code == 200
    assert "Choose today or a later day." in refused.get_data(as_text=True)

    client.post(f"/surveys/{survey.id}/invitations/{link.id}/revoke")
    screen = text_of(client.get(f"/surveys/{survey.id}/invitations"))
    assert "revoked" in screen and f'data-testid="revoke-{link.id}"' not in screen
    auth.logout()
    assert client.get(f"/i/{link.token}").status_code == 404


def test_only_staff_manage_links_and_only_links_of_that_survey(app, client, auth):
    survey, other = build_survey(), build_survey()
    link, = create_invitations(other, ["Elders"])
    auth.login("advisor", locale="en")
    assert client.post(f"/surveys/{other.id}/invitations/{link.id}/revoke").status_code == 403
    auth.logout()
    auth.login("facilitator", locale="en")
    assert client.post(f"/surveys/{survey.id}/invitations/{link.id}/revoke").status_code == 404
    db.session.expire_all()
    assert db.session.get(Invitation, link.id).revoked_at is None
