"""The control for the accessibility audit every journey runs (accessibility.py):
it does find violations, of WCAG and of the Content Security Policy."""

import pytest

from tests.journeys.accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"
BAD_PAGE = """<!DOCTYPE html><html><head><title>Control</title></head><body>
<main><h1>Control</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p><a href="#x"></a></p><script>document.title = "ran";</script></main></body></html>"""
GOOD_PAGE = """<!DOCTYPE html><html lang="en-GB"><head><title>Control</title></head>
<body><main><h1>Control</h1><p>Plain text.</p></main></body></html>"""


def _serve(page, url: str, html: str) -> None:
    page.route(
        url,
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": POLICY},
            body=html,
        ),
    )


def test_audit_reports_wcag_and_policy_violations(page, live_server, accessibility):
    url = f"{live_server.url}/__audit-control/"
    _serve(page, url, BAD_PAGE)
    page.goto(url)
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    report = str(failure.value)
    assert "axe image-alt" in report
    assert "axe html-has-lang" in report
    assert "axe link-name" in report
    assert "CSP script-src" in report
    assert page.title() == "Control"  # the inline script did not run
    accessibility.failures.clear()  # the control's own findings, not the journey's


def test_audit_passes_a_clean_page(page, live_server, accessibility):
    url = f"{live_server.url}/__audit-control/"
    _serve(page, url, GOOD_PAGE)
    page.goto(url)
    assert_accessible(page)
    accessibility.check(page)
    assert accessibility.pages == [url]
