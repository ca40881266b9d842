"""Real headless Chromium for the browser journeys (Playwright, sync API)."""

import os
import re
from pathlib import Path

# Playwright's sync API runs an event loop in the test thread, so Django's ORM
# would otherwise refuse the factory and Client calls the journeys make.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def screenshot_path(name: str) -> str:
    """Return where a screenshot called `name` is saved, creating the folder."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return str(SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png")


@pytest.fixture(scope="session")
def browser():
    # A missing browser is a broken environment, not a reason to skip journeys.
    if not CHROMIUM.exists():
        pytest.fail(
            "Chromium not installed: run make test, which installs Debian chromium",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    # Accept-Language and the page clock as for users in England.
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        timezone_id="Europe/London",
    )
    page = context.new_page()
    yield page
    try:
        page.screenshot(path=screenshot_path(request.node.name), full_page=True)
    finally:
        context.close()


def sign_in(page, live_server, username: str, password: str) -> None:
    """Sign in through the real sign-in form and wait for the page it leads to."""
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


@pytest.fixture(autouse=True)
def accessibility(page, live_server):
    """axe-core (WCAG 2.0-2.2 A and AA) and the Content Security Policy on every
    page the journey visits; any violation fails the journey (see accessibility.py)."""
    from tests.journeys.accessibility import AccessibilityAudit

    audit = AccessibilityAudit(page.context, live_server.url)
    yield audit
    audit.finish(page.context)
