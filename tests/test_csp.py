"""Content Security Policy: nothing inline, nothing from elsewhere.

The policy (config/settings/base.py, django-csp) allows scripts and styles only
from this site's own files. For that to hold without 'unsafe-inline', no page may
carry a <script> body, a <style> element, a style="" attribute, an on* handler
attribute or a javascript: address. Two checks: every template file is read as
text, and every page of the app is rendered (each URL in tests/policies, as a
role that may see it) and its HTML parsed.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory
from tests.policies import ADMIN, ROLES, merged
from tests.test_access_matrix import URL_PARAMS, _url, records  # noqa: F401

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
POLICY = merged()

EXPECTED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
# Script types a browser does not run: data blocks such as json_script's.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def parse_policy(header: str) -> dict[str, str]:
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = " ".join(value.split())
    return directives


class InlineFinder(HTMLParser):
    """Collects everything in a page that a strict policy would refuse to run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: tuple[str, bool] | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>")
            elif name.startswith("on") or (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            kind = (attributes.get("type") or "text/javascript").lower()
            self._script = (kind, "src" in attributes)
            self._script_text = []

    def handle_data(self, data):
        if self._script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            kind, has_src = self._script
            body = "".join(self._script_text).strip()
            if kind not in DATA_SCRIPT_TYPES and (body or not has_src):
                self.problems.append(f"inline <script> {body[:60]!r}")
            self._script = None


def inline_problems(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


# Template source: a tag's attributes may hold template tags, so this is a
# pattern check on the text rather than a parse.
TEMPLATE_PATTERNS = {
    "style attribute": re.compile(r"""\sstyle\s*=""", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "on* handler attribute": re.compile(r"""<[^>]*\son[a-z]+\s*=""", re.IGNORECASE),
    "javascript: address": re.compile(r"javascript:", re.IGNORECASE),
    "script without src": re.compile(
        r"""<script\b(?![^>]*\b(?:src=|type="application/(?:ld\+)?json"))[^>]*>""",
        re.IGNORECASE,
    ),
}
PDF_TEMPLATES = TEMPLATES / "pdf"


def template_files():
    # PDF templates are read by WeasyPrint on the server, never by a browser,
    # and the policy does not apply there; they are still scanned for script.
    return sorted(TEMPLATES.rglob("*.html"))


def template_problems(path: Path) -> list[str]:
    text = path.read_text()
    found = []
    for label, pattern in TEMPLATE_PATTERNS.items():
        if path.is_relative_to(PDF_TEMPLATES) and label.startswith("style"):
            continue
        found += [f"{label}: {m.group(0)!r}" for m in pattern.finditer(text)]
    return found


@pytest.mark.parametrize(
    "path", template_files(), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_template_has_nothing_inline(path):
    assert template_problems(path) == []


@pytest.mark.parametrize(
    "html",
    [
        '<div style="color: red">x</div>',
        "<style>p { color: red }</style>",
        '<button onclick="go()">Go</button>',
        '<a href="javascript:go()">Go</a>',
        "<script>alert(1)</script>",
    ],
)
def test_the_checks_find_what_they_look_for(html, tmp_path):
    """Both checks can fail: each refuses a page carrying one inline construct."""
    assert inline_problems(html)
    template = tmp_path / "bad.html"
    template.write_text(html)
    assert template_problems(template)


def test_the_checks_allow_files_and_data_blocks(tmp_path):
    html = (
        '<script src="/static/a.js" defer></script>'
        '<script id="chart-data" type="application/json">{"a": 1}</script>'
        '<link rel="stylesheet" href="/static/a.css"><p class="online">x</p>'
    )
    assert inline_problems(html) == []
    template = tmp_path / "good.html"
    template.write_text(html)
    assert template_problems(template) == []


def assert_strict_policy(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = parse_policy(header)
    for name, value in EXPECTED_DIRECTIVES.items():
        assert directives.get(name) == value, (name, header)
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header


def _page_cases():
    """Each URL once, as the first role that the policy lets see it."""
    for name, entry in POLICY.items():
        role = next((r for r in ROLES if entry.inside[r] == 200), None)
        if role is not None:
            yield pytest.param(name, role, id=name)


@pytest.mark.parametrize(("name", "role"), list(_page_cases()))
def test_every_page_has_the_policy_and_nothing_inline(
    client,
    records,  # noqa: F811
    name,
    role,
):
    client.force_login(UserFactory(roles=[role], is_staff=role == ADMIN))
    response = client.get(_url(name, records, "inside"))
    assert response.status_code == 200
    assert_strict_policy(response)
    if response["Content-Type"].startswith("text/html"):
        assert inline_problems(response.content.decode()) == []


def test_sign_in_error_and_admin_pages_have_the_policy(client, administrator):
    sign_in = client.get(reverse("accounts:login"))
    assert_strict_policy(sign_in)
    assert inline_problems(sign_in.content.decode()) == []
    failed = client.post(
        reverse("accounts:login"), {"username": "nobody", "password": "wrong"}
    )
    assert_strict_policy(failed)
    client.force_login(administrator)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert_strict_policy(missing)
    assert inline_problems(missing.content.decode()) == []
    admin = client.get(reverse("admin:index"))
    assert admin.status_code == 200
    assert_strict_policy(admin)
    assert inline_problems(admin.content.decode()) == []


def test_the_page_sweep_covers_the_app():
    """The sweep above renders many pages, not a handful the policy happened to list."""
    assert len(list(_page_cases())) > 50
