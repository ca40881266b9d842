"""Keyboard-only journeys, one per area (the review booking one is in
test_review_journeys.py): signing in, the skip link, following links and filling
in and sending forms with Tab, typing, Space, arrow keys and Enter alone. Every
element the focus lands on must show that it has the focus (WCAG 2.4.7).
"""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from cases.selectors import clock_get
from lado.models import Allegation
from meetings.models import StrategyDiscussion
from reg44.models import Visit
from tests.factories import PASSWORD, AllocationFactory, ChildFactory, UserFactory
from tests.journeys.conftest import screenshot_path
from tests.lado.factories import AllegationFactory
from tests.reg44.factories import HomeFactory, VisitorAssignmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    id: el.id, tag: el.tagName.toLowerCase(), type: el.type || "",
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim(),
    outline: style.outlineStyle + " " + style.outlineWidth, shadow: style.boxShadow,
    focusVisible: el.matches(":focus-visible"),
    inMain: !!el.closest("main"),
    onScreen: box.right > 0 && box.bottom > 0 && box.width > 0,
    ring: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
          || style.boxShadow !== "none",
  };
}
"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def tab_until(page, matches, what: str, limit: int = 120) -> dict:
    """Press Tab until the focused element `matches`; each stop must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if element is None:
            continue
        assert element["ring"], f"no visible focus on {element}"
        assert element["onScreen"], f"focus went off screen: {element}"
        if matches(element):
            return element
    pytest.fail(f"{what} was not reached with {limit} presses of Tab")


def tab_to_id(page, element_id: str) -> None:
    tab_until(page, lambda e: e["id"] == element_id, f"#{element_id}")


def tab_to_text(page, text: str) -> None:
    tab_until(page, lambda e: e["text"] == text, repr(text))


def press_enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def follow(page, text: str) -> None:
    tab_to_text(page, text)
    press_enter_and_wait(page)


def keyboard_sign_in(page, live_server, username: str) -> None:
    # Bootstrap animates its focus rings; without motion they are there at once.
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server.url}/accounts/sign-in/")
    tab_to_id(page, "id_username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    press_enter_and_wait(page)


def skip_to_main(page) -> None:
    """The first Tab reaches the visible skip link; it takes the focus into main."""
    page.keyboard.press("Tab")
    link = focused(page)
    assert link["text"] == "Skip to main content"
    assert link["onScreen"] and link["ring"]
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page)["inMain"], "the skip link did not lead into the page content"


def date_order(page) -> str:
    """The order Chromium's date field takes day, month and year in (it follows
    the browser's language), found by typing into a field on a scratch page."""
    scratch = page.context.new_page()
    try:
        scratch.set_content('<input id="a"><input type="date" id="d">')
        scratch.focus("#a")
        scratch.keyboard.press("Tab")
        scratch.keyboard.type("11122026")
        typed = scratch.input_value("#d")
    finally:
        scratch.close()
    orders = {"2026-12-11": "%d%m%Y", "2026-11-12": "%m%d%Y"}
    if typed not in orders:
        pytest.fail(f"Unknown date field layout: typing gave {typed!r}")
    return orders[typed]


def type_time(page, hour: int, minute: int) -> None:
    """Type a time into the focused time segment, 12- or 24-hour as the field is."""
    before = page.evaluate("document.activeElement.value")
    page.keyboard.type(f"{hour:02d}{minute:02d}")
    if page.evaluate("document.activeElement.value") == before:
        page.keyboard.type(f"{(hour - 1) % 12 + 1:02d}{minute:02d}")
        page.keyboard.type("P" if hour >= 12 else "A")


def shot(page, name: str) -> None:
    page.screenshot(path=screenshot_path(name), full_page=True)


def test_cp_strategy_discussion_recorded_with_keyboard_only(page, live_server):
    """An IRO records a strategy discussion with the keyboard alone."""
    # given
    iro = UserFactory(username="kb_iro", roles=[Role.IRO])
    child = ChildFactory(first_name="Nia", last_name="Hughes")
    AllocationFactory(child=child, worker=iro, started_on=date(2026, 1, 5))
    strategy_on = timezone.localdate() - timedelta(days=7)
    icpc_due = clock_get().due("cp_icpc", strategy_on).due
    order = date_order(page)
    keyboard_sign_in(page, live_server, iro.username)
    page.goto(f"{live_server.url}/children/{child.pk}/meetings/")

    # when
    skip_to_main(page)
    follow(page, "Strategy discussions, conferences, core groups and other meetings")
    follow(page, "Record a strategy discussion")
    tab_to_id(page, "id_held_on")
    page.keyboard.type(f"{strategy_on:{order}}")
    tab_to_id(page, "id_chaired_by")
    page.keyboard.type("Jo Bloggs, team manager")
    tab_until(page, lambda e: e["type"] == "checkbox", "the first agency")
    police = page.get_by_label("Police", exact=True)
    while not police.evaluate("el => el === document.activeElement"):
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    tab_to_id(page, "id_decision")
    page.keyboard.type("Section 47 enquiries: joint")
    tab_to_id(page, "id_reasons")
    page.keyboard.type("Bruising seen at school.")
    tab_to_text(page, "Record the strategy discussion")
    shot(page, "keyboard_cp-1-filled")
    press_enter_and_wait(page)
    shot(page, "keyboard_cp-2-recorded")

    # then
    expect(
        page.get_by_text(f"The initial conference is due by {icpc_due:%d/%m/%Y}.")
    ).to_be_visible()
    discussion = StrategyDiscussion.objects.get()
    assert discussion.held_on == strategy_on
    assert discussion.decision == "s47_joint"
    assert discussion.chaired_by == "Jo Bloggs, team manager"


def test_lado_initial_consideration_recorded_with_keyboard_only(page, live_server):
    """A LADO records the initial consideration with the keyboard alone: radio
    buttons by arrow keys, boxes by Space, a date and the reasons typed."""
    # given
    lado = UserFactory(username="kb_lado", roles=[Role.LADO])
    allegation = AllegationFactory(lado_officer=lado)
    decided_on = timezone.localdate() - timedelta(days=1)
    order = date_order(page)
    keyboard_sign_in(page, live_server, lado.username)
    page.goto(f"{live_server.url}/lado/allegations/{allegation.pk}/")

    # when
    skip_to_main(page)
    follow(page, "Record the initial consideration")
    tab_until(page, lambda e: e["type"] == "radio", "the decision")
    threshold_met = page.locator("input[name=decision][value=threshold_met]")
    for _ in range(10):
        if threshold_met.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")  # checks the focused option if arrows did not
    assert threshold_met.is_checked()
    harmed = page.locator("input[name=harm_criteria][value=harmed]")
    while not harmed.evaluate("el => el === document.activeElement"):
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    tab_to_id(page, "id_decided_on")
    page.keyboard.type(f"{decided_on:{order}}")
    tab_to_id(page, "id_rationale")
    page.keyboard.type("A child was hurt; the police will consider an assault.")
    tab_to_text(page, "Record the decision")
    shot(page, "keyboard_lado-1-filled")
    press_enter_and_wait(page)
    shot(page, "keyboard_lado-2-decided")

    # then
    expect(page.locator("#status")).to_have_text("Being managed")
    allegation = Allegation.objects.get()
    assert allegation.decision == "threshold_met"
    assert allegation.decided_on == decided_on


def test_reg44_visit_booked_with_keyboard_only(page, live_server):
    """A visitor books this month's visit to a home with the keyboard alone."""
    # given
    visitor = UserFactory(username="kb_visitor", roles=[Role.REG44_VISITOR])
    home = HomeFactory(name="Larch House", urn="SC975310")
    VisitorAssignmentFactory(home=home, visitor=visitor)
    when = timezone.localtime() - timedelta(hours=2)
    when = when.replace(minute=15, second=0, microsecond=0)
    order = date_order(page)
    keyboard_sign_in(page, live_server, visitor.username)
    page.goto(f"{live_server.url}/reg44/")

    # when
    skip_to_main(page)
    follow(page, "Larch House")
    follow(page, "Book or record a visit")
    tab_to_id(page, "id_visit_at")
    page.keyboard.type(f"{when:{order}}")
    page.keyboard.press("Tab")
    type_time(page, when.hour, when.minute)
    tab_to_id(page, "id_is_unannounced")
    page.keyboard.press("Space")
    tab_to_text(page, "Save visit")
    shot(page, "keyboard_reg44-1-filled")
    press_enter_and_wait(page)
    shot(page, "keyboard_reg44-2-saved")

    # then
    expect(page.get_by_role("heading", name="Record the visit")).to_be_visible()
    visit = Visit.objects.get()
    assert timezone.localtime(visit.visit_at).replace(tzinfo=None) == datetime(
        when.year, when.month, when.day, when.hour, when.minute
    )
    assert visit.is_unannounced is True
