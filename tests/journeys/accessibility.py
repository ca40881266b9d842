"""axe-core and the Content Security Policy on every page a journey visits.

axe-core comes from npm (package.json at the repository root, installed by
`make test` into node_modules/) and is served to the browser from disk: it is
added to every document as an init script, so nothing is fetched from elsewhere
and the page's own policy does not have to allow it.

Every document of the app is checked once it has loaded. Leaving a page waits
for its check: a link click or form submission made before the check finished is
held in the page and replayed when it has (the same link clicked, the same form
submitted with the same button), and `page.goto` checks the page it leaves. The
last page of a journey is checked when the journey ends, and a page that was
never checked fails the journey, so no page slips through. Any WCAG 2.0, 2.1 or
2.2 A or AA violation, and any Content Security Policy violation the browser
reports, fails the journey. `assert_accessible(page)` checks the page as it is
now (for states a script draws without a navigation).
"""

import json
import weakref
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# The audit of each browser context, for assert_accessible(page).
AUDITS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()

# Runs in every document before its own scripts.
INIT_SCRIPT = """
(() => {
  if (window.__rvAudit || !location.href.startsWith(__BASE__)) { return; }
  const audit = { id: Math.random().toString(36).slice(2), csp: [], run: null,
                  settled: null, done: false };
  window.__rvAudit = audit;
  document.addEventListener("securitypolicyviolation", (event) => {
    audit.csp.push({
      directive: event.violatedDirective,
      blocked: event.blockedURI,
      source: event.sourceFile + ":" + event.lineNumber,
    });
  });
  const loaded = () => new Promise((resolve) => {
    if (document.readyState === "complete") { resolve(); return; }
    window.addEventListener("load", () => resolve(), { once: true });
  });
  audit.check = (fresh) => {
    if (!audit.run || fresh) {
      // axe allows one run at a time: a fresh check waits for the one under way.
      const previous = audit.run ? audit.run.catch(() => null) : Promise.resolve();
      audit.run = previous.then(loaded).then(() => window.axe.run(document, {
        runOnly: { type: "tag", values: __TAGS__ },
        resultTypes: ["violations"],
      })).then((results) => results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 300),
                                     summary: (n.failureSummary || "").slice(0, 300) })),
      })));
    }
    return audit.run;
  };
  audit.result = (fresh) => audit.check(fresh).then(
    (violations) => violations,
    (error) => [{ id: "axe-error", impact: "critical", help: String(error), nodes: [] }],
  ).then((violations) => ({
    id: audit.id, url: location.href, title: document.title,
    violations: violations, csp: audit.csp.slice(),
  }));
  // Checked once loaded; reported to the test through a binding.
  audit.settle = () => {
    if (!audit.settled) {
      audit.settled = audit.result(false)
        .then((result) => window.__rvReport(result))
        .then(() => { audit.done = true; });
    }
    return audit.settled;
  };
  document.addEventListener("DOMContentLoaded", () => window.__rvStarted(audit.id, location.href));
  window.addEventListener("load", () => { audit.settle(); });

  // Leaving before the check has finished: hold, then replay the same action.
  window.addEventListener("click", (event) => {
    if (audit.done || event.button !== 0 || event.metaKey || event.ctrlKey
        || event.shiftKey || event.altKey || !event.target.closest) { return; }
    const link = event.target.closest("a[href]");
    if (!link || link.getAttribute("href").startsWith("#")) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    audit.settle().then(() => link.click());
  }, true);
  window.addEventListener("submit", (event) => {
    if (audit.done) { return; }
    const form = event.target;
    const submitter = event.submitter;
    event.preventDefault();
    event.stopImmediatePropagation();
    audit.settle().then(() => {
      if (submitter && submitter.form === form) { form.requestSubmit(submitter); }
      else { form.requestSubmit(); }
    });
  }, true);
})();
"""

CHECK_SCRIPT = """
(fresh) => {
  const audit = window.__rvAudit;
  if (!audit || !window.axe) { return null; }
  if (fresh) { return audit.result(true); }
  return audit.settle().then(() => audit.result(false));
}
"""


def axe_source() -> Path:
    if not AXE.exists():
        pytest.fail(
            f"{AXE.relative_to(ROOT)} is missing: run `make test` (it runs "
            "`npm ci` for axe-core), or `npm ci` at the repository root",
            pytrace=False,
        )
    return AXE


def describe(result: dict) -> str:
    lines = [f"{result['title']} <{result['url']}>"]
    for violation in result["violations"]:
        lines.append(
            f"  axe {violation['id']} ({violation['impact']}): {violation['help']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    {node['target']} {node['html']}")
            if node.get("summary"):
                lines.append("      " + node["summary"].replace("\n", " "))
    lines += [
        f"  CSP {c['directive']} blocked {c['blocked']} at {c['source']}"
        for c in result["csp"]
    ]
    return "\n".join(lines)


class AccessibilityAudit:
    """Checks every document of one browser context; `finish()` reports."""

    def __init__(self, context, base_url: str):
        self.base_url = base_url
        self.started: dict[str, str] = {}
        self.checked: dict[str, dict] = {}
        self.failures: list[str] = []
        context.expose_binding("__rvReport", lambda source, result: self.record(result))
        context.expose_binding(
            "__rvStarted", lambda source, doc, url: self.started.setdefault(doc, url)
        )
        context.add_init_script(path=str(axe_source()))
        context.add_init_script(
            script=INIT_SCRIPT.replace("__BASE__", json.dumps(base_url)).replace(
                "__TAGS__", json.dumps(WCAG_TAGS)
            )
        )
        for open_page in context.pages:
            self.watch(open_page)
        context.on("page", self.watch)
        AUDITS[context] = self

    def watch(self, page) -> None:
        """`page.goto` checks the page it leaves before going."""
        goto = page.goto

        def checked_goto(*args, **kwargs):
            self.check(page)
            return goto(*args, **kwargs)

        page.goto = checked_goto

    def record(self, result: dict) -> None:
        if result["id"] in self.checked:
            return
        self.checked[result["id"]] = result
        if result["violations"] or result["csp"]:
            self.failures.append(describe(result))

    def check(self, page, *, fresh: bool = False) -> dict | None:
        """Check the page's current document (once, unless `fresh`)."""
        if page.is_closed() or not page.url.startswith(self.base_url):
            return None
        result = page.evaluate(CHECK_SCRIPT, fresh)
        if result is None:
            self.failures.append(f"axe was not injected into {page.url}")
        elif fresh:
            if result["violations"] or result["csp"]:
                self.failures.append(describe(result))
        else:
            self.record(result)
        return result

    def finish(self, context) -> None:
        for open_page in context.pages:
            self.check(open_page)
        unchecked = [
            url for doc, url in self.started.items() if doc not in self.checked
        ]
        self.failures += [
            f"left before it could be checked: {url}" for url in unchecked
        ]
        if self.failures:
            pytest.fail(
                "Accessibility (WCAG 2.2 AA, axe-core) or Content Security Policy "
                "problems on pages of this journey:\n" + "\n".join(self.failures),
                pytrace=False,
            )
        assert self.checked, "the journey visited no page of the app"

    @property
    def pages(self) -> list[str]:
        return [result["url"] for result in self.checked.values()]


def assert_accessible(page) -> None:
    """Check the page as it is now (after a script changed it), and fail at once."""
    audit = AUDITS[page.context]
    before = len(audit.failures)
    audit.check(page, fresh=True)
    assert len(audit.failures) == before, "\n".join(audit.failures[before:])
