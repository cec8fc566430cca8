"""A facilitator in two projects switches between them in the header; each shows only its own."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import submit_login

pytestmark = pytest.mark.browser


@pytest.fixture
def second_project(live_server, browser_login):
    from sqlalchemy import select

    from webapp.activities.services import ActivityInput, save_activity
    from webapp.auth.services import get_user_by_email
    from webapp.extensions import db
    from webapp.projects.models import Project, ProjectMembership
    from webapp.projects.scope import in_project

    with live_server.app.app_context():
        learn = db.session.scalar(select(Project).where(Project.slug == "learn"))
        pilot = db.session.scalar(select(Project).where(Project.slug == "coa-pilots"))
        if pilot is None:
            pilot = Project(slug="coa-pilots", name_nl="COA-pilots", name_en="COA pilots")
            db.session.add(pilot)
            db.session.flush()
            user = get_user_by_email(browser_login["email"])
            db.session.add(ProjectMembership(project_id=pilot.id, user_id=user.id, role="facilitator"))
            db.session.commit()
            with in_project(pilot):
                save_activity(None, ActivityInput(type="ln_meeting", title="Pilot Almere: naar werk"))
            with in_project(learn):
                save_activity(None, ActivityInput(type="ln_meeting", title="Werkconferentie LEARN"))
    return "coa-pilots"


def test_switch_project_in_the_header(page: Page, browser_login: dict, second_project: str):
    submit_login(page, browser_login["email"], browser_login["password"])
    expect(page).to_have_url(re.compile(r"/p/learn/$"))
    switcher = page.get_by_test_id("project-switcher")
    expect(switcher).to_be_visible()

    page.select_option("#project-switch", second_project)
    switcher.get_by_role("button").click()
    expect(page).to_have_url(re.compile(rf"/p/{second_project}/$"))
    page.locator("nav.main-nav").get_by_role("link", name="Activiteiten").click()
    expect(page).to_have_url(re.compile(rf"/p/{second_project}/activities/$"))
    expect(page.locator("main")).to_contain_text("Pilot Almere: naar werk")
    expect(page.locator("main")).not_to_contain_text("Werkconferentie LEARN")

    # Remembered: the start page opens the project chosen last.
    page.goto("/")
    expect(page).to_have_url(re.compile(rf"/p/{second_project}/$"))
