"""Every public link fails kindly (issue 24): a survey's public link and kiosk, personal
survey, member, outcome and reviewer links and the opt-out link, unknown, expired, revoked or
tampered, all get one friendly page (404, no staff navigation, nothing about the link), in the
language the link was made for when that is known."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from webapp.db_types import utcnow
from webapp.extensions import db
from webapp.mail.services import send_queued
from webapp.outcome.models import OutcomeLink

from .mail_server import parts
from .test_outcome import OUTCOME_LINK, _publish, published  # noqa: F401 (a fixture)

BAD_PATHS = ["/s/not-a-token", "/s/not-a-token/kiosk", "/s/not-a-token/thanks", "/i/not-a-token",
             "/f/not-a-token", "/f/not-a-token/withdraw", "/o/" + "x" * 43, "/r/" + "x" * 43,
             "/r/" + "x" * 43 + "/chapters/1", "/mail/opt-out/not-a-token", "/f/", "/s/a/b/c"]


def _page(response) -> str:
    assert response.status_code == 404, response.request.path
    html = response.get_data(as_text=True)
    assert 'data-testid="link-invalid"' in html, response.request.path
    assert "main-nav" not in html and "/login" not in html and "not-a-token" not in html
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Referrer-Policy"] == "no-referrer"
    return html


def test_every_bad_public_link_gets_the_same_friendly_page(client):
    pages = {path: _page(client.get(path, as_written=True)) for path in BAD_PATHS}  # no project prefix added
    assert len(set(pages.values())) == 1, [path for path, html in pages.items() if html != pages[BAD_PATHS[0]]]
    dutch = pages[BAD_PATHS[0]]
    assert '<html lang="nl" dir="ltr">' in dutch and "Deze link werkt niet" in dutch
    # its language links, one tap away, and the browser's language when the link's is unknown
    assert 'href="?lang=ar"' in dutch and 'href="?lang=en"' in dutch
    arabic = _page(client.get("/o/" + "x" * 43 + "?lang=ar"))
    assert '<html lang="ar" dir="rtl">' in arabic and "هذا الرابط لا يعمل" in arabic
    english = _page(client.get("/s/not-a-token", headers={"Accept-Language": "en-GB,en;q=0.8"}))
    assert '<html lang="en" dir="ltr">' in english and "This link does not work" in english
    # a POST to a bad link changes nothing and gets the same page
    assert _page(client.post("/mail/opt-out/not-a-token")) == dutch


def test_an_expired_arabic_outcome_link_says_so_in_arabic(app, client, auth, published, smtp):  # noqa: F811
    version, amira, bram = (published[k] for k in ("version", "amira", "bram"))
    _publish(client, auth, version)
    client.post(f"/reports/versions/{version.id}/outcome", data={"contributor": [amira.id, bram.id]})
    client.post("/logout")
    send_queued()
    links = {who: OUTCOME_LINK.search(parts(smtp.to(f"{who}@example.test")[0])[0]).group(1) for who in ("amira", "bram")}
    for link in db.session.scalars(select(OutcomeLink)):
        link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    arabic = _page(client.get(links["amira"]))
    assert '<html lang="ar" dir="rtl">' in arabic and "هذا الرابط لا يعمل" in arabic
    assert arabic == _page(client.get("/o/" + "x" * 43 + "?lang=ar"))  # the same page, in the link's language
    dutch = _page(client.get(links["bram"]))
    assert '<html lang="nl" dir="ltr">' in dutch and dutch == _page(client.get("/o/" + "x" * 43))


def test_an_expired_survey_link_speaks_the_language_it_was_mailed_in(app, client):
    from webapp.surveys.services import create_invitations

    from .test_surveys_services import build_survey

    (invitation,) = create_invitations(build_survey(), ["Mailed in English"])
    invitation.token, invitation.email_language = "expired-english-link", "en"
    invitation.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    english = _page(client.get("/i/expired-english-link"))
    assert '<html lang="en" dir="ltr">' in english and english == _page(client.get("/i/unknown?lang=en"))
