"""Long staff lists page: a fixed number of rows per page, previous/next keeping the filters."""
from __future__ import annotations

import re

from tests.test_analysis_helpers import make_finding
from webapp.extensions import db
from webapp.organisations.models import Organisation
from .conftest import text_of


def test_activities_page_through_with_their_filter(client, auth, make_activity):
    for number in range(1, 8):
        make_activity(title=f"Meeting {number}")
    auth.login("facilitator", locale="en")
    first = text_of(client.get("/activities/?per_page=50&type=ln_meeting"))
    assert first.count("Meeting ") == 7 and 'data-testid="pagination"' not in first
    from webapp import pagination

    original = pagination.PER_PAGE_CHOICES
    pagination.PER_PAGE_CHOICES = (3,)
    try:
        page = text_of(client.get("/activities/?per_page=3&type=ln_meeting"))
        assert len(re.findall(r">Meeting \d<", page)) == 3 and "7 activities" in page
        assert "Page 1 of 3" in page and "type=ln_meeting" in re.search(r'rel="next" href="([^"]+)"', page).group(1)
        last = text_of(client.get("/activities/?per_page=3&type=ln_meeting&page=3"))
        assert len(re.findall(r">Meeting \d<", last)) == 1 and 'rel="prev"' in last and 'rel="next"' not in last
        beyond = text_of(client.get("/activities/?per_page=3&page=99"))
        assert "Page 3 of 3" in beyond  # past the end: the last page
    finally:
        pagination.PER_PAGE_CHOICES = original


def test_organisations_and_an_activitys_findings_page(client, auth, make_activity, count_queries):
    db.session.add_all([Organisation(name=f"Organisation {n:03d}", stakeholder_type="employer") for n in range(120)])
    db.session.commit()
    activity = make_activity()
    for n in range(120):
        make_finding(activity, f"Bevinding nummer {n}", [])
    auth.login("facilitator", locale="en")
    organisations = text_of(client.get("/organisations/"))
    assert "Organisation 099" in organisations and "Organisation 100" not in organisations
    assert "120 organisations" in organisations and "Page 1 of 2" in organisations
    url = f"/activities/{activity.id}/findings"
    with count_queries() as first_page:
        findings = text_of(client.get(url))
    assert findings.count('data-testid="delete-finding"') == 100 and "120 findings" in findings
    with count_queries() as second_page:
        rest = text_of(client.get(url + "?page=2"))
    assert rest.count('data-testid="delete-finding"') == 20
    assert len(first_page) == len(second_page)  # a page costs the same whatever its rows


def test_survey_free_text_answers_page_by_fifty(client, auth, make_activity):
    from tests.test_surveys_services import build_survey
    from tests.test_surveys_views import answer_form

    survey = build_survey(activity_id=make_activity().id)
    for n in range(53):
        answer_form(client, f"/s/{survey.public_token}", survey, "1", None, "4", None, f"Antwoord nummer {n:02d}")
    auth.login("author", locale="en")
    first = text_of(client.get(f"/surveys/{survey.id}/results"))
    assert len(re.findall(r"Antwoord nummer \d\d", first)) == 50 and "Page 1 of 2" in first
    link = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = text_of(client.get(link))
    assert len(re.findall(r"Antwoord nummer \d\d", second)) == 3 and "51–53 of 53" in second
