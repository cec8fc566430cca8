"""Every staff page on a phone (390x844), as an administrator and as a facilitator: the page
never scrolls sideways (a wide table scrolls in its own box), the header folds into a menu
button, and the tablet keeps its one-line menu."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import submit_login
from .staff_pages import ADMIN, FACILITATOR, demo_ids, staff_page_urls

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
#: What sticks out: the page is wider than the screen, or an element passes either edge (right to
#: left text that overflows goes off the left edge, which widens nothing). A phone browser zooms
#: out to show a page wider than the screen, so window.innerWidth grows with the page: the
#: screen's width is the phone's, 390. Inside a box that scrolls (a wide table) is fine.
WIDER_THAN_SCREEN = """(width) => {
  const out = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    if (r.width <= 2 || e.parentElement.closest('.table-scroll, .main-nav, select')) { return false; }
    // its own text running out of its box (a line that cannot wrap) counts too
    const spills = e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible';
    return r.right > width + 1 || r.left < -1 || spills;
  });
  if (document.documentElement.scrollWidth <= width && window.innerWidth <= width && !out.length) { return null; }
  return [document.documentElement.scrollWidth,
          out.slice(0, 4).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''))];
}"""
#: Touch targets under 44x44 px: buttons, fields, menus and links that stand alone (a link in a
#: sentence is exempt, as in WCAG 2.5.5); a checkbox or radio counts with its label.
SMALL_TARGETS = """() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .filter(e => !(e.tagName === 'A' && e.closest('p, li, dd, .help, .meta, caption, label, legend, small')))
  .map(e => [e, ['checkbox', 'radio'].includes(e.type) && e.labels && e.labels.length ? e.labels[0] : e])
  .filter(([e, target]) => { const r = target.getBoundingClientRect(); return r.height < 43.5 || r.width < 43.5; })
  .slice(0, 3).map(([e, target]) => e.tagName.toLowerCase() + '[' + (e.name || e.textContent.trim().slice(0, 20)) + '] '
    + Math.round(target.getBoundingClientRect().width) + 'x' + Math.round(target.getBoundingClientRect().height))"""


@pytest.fixture(scope="module")
def demo(live_server):
    result = live_server.app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return demo_ids(live_server.app)


def phone_page(browser, live_server) -> Page:
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    return context.new_page()


def log_in_demo(page: Page, user: dict) -> None:
    from webapp.demo.services import DEMO_PASSWORD

    submit_login(page, user["email"], DEMO_PASSWORD)
    expect(page.locator("header.site-header")).to_be_visible()
    assert "/login" not in page.url


@pytest.mark.parametrize("user", [ADMIN, FACILITATOR], ids=["admin", "facilitator"])
def test_no_staff_page_scrolls_sideways_on_a_phone_and_every_target_is_44_px(browser, live_server, demo, user):
    page = phone_page(browser, live_server)
    try:
        log_in_demo(page, user)
        urls = staff_page_urls(live_server.app, user["role"], demo)
        assert len(urls) > (60 if user is ADMIN else 30), urls
        too_wide, too_small = {}, {}
        for url in urls:
            response = page.goto(url)
            assert response is not None and response.status == 200, (url, response and response.status)
            if found := page.evaluate(WIDER_THAN_SCREEN, PHONE["width"]):
                too_wide[url] = found
            if found := page.evaluate(SMALL_TARGETS):
                too_small[url] = found
        assert not too_wide, "wider than a phone:\n" + "\n".join(f"{url}: {found}" for url, found in too_wide.items())
        assert not too_small, "under 44 px:\n" + "\n".join(f"{url}: {found}" for url, found in too_small.items())
    finally:
        page.context.close()


def test_the_header_folds_into_a_menu_button_on_a_phone(browser, live_server, demo):
    page = phone_page(browser, live_server)
    try:
        log_in_demo(page, ADMIN)
        page.goto("/p/learn/activities/")
        menu = page.locator("nav.main-nav")
        toggle = page.get_by_test_id("menu-toggle")
        expect(toggle).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(menu).to_be_hidden()
        box = toggle.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(menu).to_be_visible()
        # every item and the tools (language, account, log out) are in reach, one under the other
        for link in menu.locator("a").all() + [page.get_by_test_id("account"), page.get_by_test_id("log-out")]:
            link.scroll_into_view_if_needed()
            expect(link).to_be_in_viewport()
            box = link.bounding_box()
            assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        page.get_by_role("link", name="Organisaties").click()
        expect(page).to_have_url("/p/learn/organisations/")
        expect(page.get_by_test_id("menu-toggle")).to_have_attribute("aria-expanded", "false")
    finally:
        page.context.close()


def test_the_tablet_keeps_its_one_line_menu(page: Page, demo):
    log_in_demo(page, ADMIN)
    page.goto("/p/learn/activities/")
    expect(page.get_by_test_id("menu-toggle")).to_be_hidden()
    expect(page.locator("nav.main-nav")).to_be_visible()
    expect(page.get_by_test_id("nav-more")).to_be_visible()
    expect(page.get_by_test_id("log-out")).to_be_visible()
    assert page.locator("nav.main-nav").bounding_box()["height"] < 60  # one line
