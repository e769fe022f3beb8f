"""The main pages work under the Content-Security-Policy: no violation reported, no console error, maps and
charts drawn (issue 9, point 1: no inline script may run)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_COORDINATOR, sign_in

pytestmark = pytest.mark.e2e

# Runs before any page script, outside the page's CSP: records every violation the browser reports.
RECORDER = """
window.slViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = (e.sourceFile || "") + ":" + e.lineNumber;
  window.slViolations.push(e.violatedDirective + " " + e.blockedURI + " " + where);
});
"""


def _listen(page, problems):
    def on_console(message):
        # The admin declares no icon: the browser's own request for /favicon.ico is not a page's error.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))


def _visit(page, url, problems):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    header = page.evaluate("() => window.slViolations")
    problems.extend(f"{url}: {violation}" for violation in header)


def test_main_pages_report_no_csp_violation_and_no_console_error(page):
    problems = []
    page.add_init_script(RECORDER)
    _listen(page, problems)

    for url in ["/", "/comptes/connexion/", "/observatoire/", "/observatoire/couverture/", "/carte/"]:
        _visit(page, url, problems)
    expect(page.locator("[data-sl-map][data-loaded]")).to_have_count(1)

    sign_in(page, DEMO_COORDINATOR)
    _visit(page, "/territoires/commune/81004/", problems)
    expect(page.locator("[data-sl-map][data-loaded]")).to_have_count(1)
    _visit(page, "/perimetres/", problems)
    page.locator("main a[href^='/perimetres/']").filter(has_not_text=re.compile("Créer")).first.click()
    _visit(page, page.url, problems)
    _visit(page, "/contrats/", problems)
    page.get_by_role("link", name="CLS d’Albi", exact=True).first.click()
    contract_url = page.url
    _visit(page, contract_url, problems)
    expect(page.locator("[data-sl-map][data-loaded]")).to_have_count(1)
    for suffix in ["plan/", "plan/tableau/", "plan/calendrier/", "plan/indicateurs/", "gouvernance/"]:
        _visit(page, contract_url + suffix, problems)
    _visit(page, contract_url + "plan/tableau/", problems)
    page.locator("#plan-table a[href*='/fiches/']").first.click()
    _visit(page, page.url, problems)
    _visit(page, "/observatoire/", problems)
    expect(page.locator("[data-obs-map][data-loaded]")).to_have_count(1)

    assert problems == []


def test_the_admin_and_the_api_documentation_work_under_the_csp(page):
    problems = []
    page.add_init_script(RECORDER)
    _listen(page, problems)
    _visit(page, "/api/docs", problems)
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    sign_in(page, "admin@demo.santelocale.test")
    for url in ["/admin/", "/admin/accounts/organisation/add/", "/admin/accounts/user/"]:
        _visit(page, url, problems)
    assert problems == []
