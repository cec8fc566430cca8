"""Takes docs/screens/*.png on a throwaway demo database (see bin/screenshots): the main
screens on a tablet (768x1024), and as `phone-*.png` on a phone (390x844)."""
from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TABLET_VIEWPORT  # noqa: E402

PHONE_VIEWPORT = {"width": 390, "height": 844}
from webapp import create_app  # noqa: E402
from webapp.config import TestConfig  # noqa: E402
from webapp.extensions import db  # noqa: E402

OUT = ROOT / "docs" / "screens"
LOGIN = {"email": "admin@klankbord.test", "password": "klankbord-demo"}


def main() -> None:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per screenshot, not per request
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        class ScreenshotConfig(TestConfig):
            WTF_CSRF_ENABLED = True
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/klankbord.db"

        app = create_app(ScreenshotConfig)
        with app.app_context():
            db.create_all()
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        if result.exit_code != 0:
            sys.exit(result.output)
        with app.app_context():
            from webapp.activities.models import Activity
            from webapp.findings.models import Finding
            from webapp.reports.builds import demo_report
            from webapp.surveys.models import Invitation, Survey

            activity_id = db.session.scalar(select(Finding.activity_id).join(Activity)
                                            .where(Activity.type == "ln_meeting").limit(1))
            report_id = demo_report().id
            from webapp.photos.models import Photo

            wall_id = db.session.scalar(select(Photo.id).where(Photo.cleared_at.is_not(None)).order_by(Photo.id))
            member_token = db.session.scalar(select(Invitation.token).join(Survey).where(
                Survey.purpose == "feedback", Invitation.consented_at.is_(None)).limit(1))

        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                shoot(browser, base, activity_id, report_id, member_token, wall_id)
                shoot_phone(browser, base, activity_id, member_token)
                browser.close()
        finally:
            server.shutdown()
            with app.app_context():
                db.engine.dispose()


def log_in(browser, base: str, viewport: dict):
    context = browser.new_context(viewport=viewport, base_url=base, has_touch=True,
                                  is_mobile=viewport["width"] < 500)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=email]", LOGIN["email"])
    page.fill("input[name=password]", LOGIN["password"])
    page.click("main form button[type=submit]")
    expect(page.locator("header.site-header")).to_be_visible()
    if page.locator("html").get_attribute("lang") != "nl":
        page.get_by_test_id("switch-language").click()
        expect(page.locator("html")).to_have_attribute("lang", "nl")
    return context, page


def member_form_in_arabic(browser, base: str, viewport: dict, member_token: str, name: str) -> None:
    member = browser.new_context(viewport=viewport, base_url=base, has_touch=True, is_mobile=viewport["width"] < 500)
    page = member.new_page()
    page.goto(f"/f/{member_token}")
    # The member's own language opens by itself when the pages speak it; else they choose.
    page.locator("[data-testid=choose-ar], [data-testid=language-ar]").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    if page.get_by_test_id("consent-agree").count():  # consent given once: the form comes back at once
        page.get_by_test_id("consent-agree").click()
    expect(page.get_by_test_id("feedback-form")).to_be_visible()
    save(page, name)
    member.close()


def shoot(browser, base: str, activity_id: int, report_id: int, member_token: str, wall_id: int) -> None:
    context, page = log_in(browser, base, TABLET_VIEWPORT)

    page.goto(f"/capture/activities/{activity_id}")
    page.fill("[data-testid=finding-text]", "Werkgevers vragen om één vast aanspreekpunt per regio.")
    page.fill("[data-theme-search]", "taal")
    page.click("[data-testid=save-finding]")  # no kind yet: the message shows in the Save bar
    expect(page.get_by_test_id("capture-message")).not_to_be_empty()
    save(page, "capture")

    page.goto(f"/photos/{wall_id}")  # the demo's wall of sticky notes, transcribed beside the form
    page.get_by_test_id("transcribe-link").click()
    expect(page.get_by_test_id("transcribe-pane")).to_be_visible()
    expect(page.get_by_test_id("photo-viewer").locator("img")).to_have_js_property("complete", True)
    save(page, "transcribe")

    page.goto("/analysis/findings")
    save(page, "findings-browser")

    page.goto(f"/reports/{report_id}")
    page.get_by_test_id("start-build").click()  # the state in words, then the version in the list
    expect(page.get_by_test_id("download-link")).to_be_visible(timeout=120_000)
    page.locator("#build").scroll_into_view_if_needed()
    save(page, "report")
    context.close()
    member_form_in_arabic(browser, base, TABLET_VIEWPORT, member_token, "member-form-ar")


def shoot_phone(browser, base: str, activity_id: int, member_token: str) -> None:
    context, page = log_in(browser, base, PHONE_VIEWPORT)
    page.goto("/activities/")
    save(page, "phone-activities")  # the header folded; the table scrolls in its own box
    page.get_by_test_id("menu-toggle").click()
    save(page, "phone-menu")
    page.goto(f"/capture/activities/{activity_id}")
    page.fill("[data-testid=finding-text]", "Eén vast aanspreekpunt per regio.")
    save(page, "phone-capture")
    context.close()
    member_form_in_arabic(browser, base, PHONE_VIEWPORT, member_token, "phone-member-form-ar")


def save(page, name: str) -> None:
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path))
    print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
