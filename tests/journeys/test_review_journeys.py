"""Children in Care review journeys in real headless Chromium, through the real forms.

Each journey builds the state before the step under test with services, so it
goes through the browser only where the IRO does.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from cases import codes as case_codes
from cases.selectors import clock_get
from cases.services import care_episode_start
from meetings import codes
from meetings.models import (
    ChairReport,
    ConsultationResponse,
    Dispute,
    Distribution,
    Meeting,
    MonitoringNote,
    Participant,
)
from meetings.services import (
    action_add,
    meeting_hold,
    participant_add,
    review_book,
)
from tests.factories import (
    LONDON,
    PASSWORD,
    AllocationFactory,
    ChildFactory,
    UserFactory,
)
from tests.journeys.conftest import screenshot_path, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARENT_EMAIL = "marie.lawson@example.org"


# --- how the pages print dates --------------------------------------------------------


def _long(day: date) -> str:
    """Return `day` as the meeting pages print a due date ("l j F Y")."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _short(day: date) -> str:
    """Return `day` as explanations and dispute stages print it ("D j M Y")."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


# --- state built with services (steps not under test) ---------------------------------


def _iro():
    return UserFactory(
        username="kadeyemi", first_name="Kemi", last_name="Adeyemi", roles=[Role.IRO]
    )


def _looked_after_child(*, iro, started_on: date):
    """Return a child allocated to `iro` whose period of care began `started_on`."""
    child = ChildFactory(first_name="Leah", last_name="Brennan")
    AllocationFactory(child=child, worker=iro, started_on=started_on)
    episode = care_episode_start(
        child=child,
        started_by=iro,
        started_on=started_on,
        reason_new_episode=case_codes.ReasonNewEpisode.S,
        legal_status=case_codes.LegalStatus.C2,
        placement_type=case_codes.PlacementType.U1,
    )
    return child, episode


def _booked_review(*, iro, child, on: datetime) -> Meeting:
    return review_book(
        child=child, booked_by=iro, scheduled_for=on, venue="Foster home"
    )


def _held_review(*, iro, child, held_on: date) -> Meeting:
    meeting = _booked_review(iro=iro, child=child, on=_at(held_on, 10))
    return meeting_hold(
        meeting=meeting, held_by=iro, held_on=held_on, participation_code="PN1"
    )


# --- browser helpers ------------------------------------------------------------------


def _submit(page, button: str) -> None:
    """Press a form's submit button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def _follow(page, link: str, within=None) -> None:
    """Follow a link by its accessible name and wait for the page it leads to."""
    scope = within if within is not None else page
    with page.expect_navigation():
        scope.get_by_role("link", name=link, exact=True).click()


def _shot(page, name: str) -> None:
    page.screenshot(path=screenshot_path(name), full_page=True)


def _datetime_field_layout(page) -> tuple[str, bool]:
    """Return the order the browser's datetime-local field takes the date in
    ("%d%m%Y" or "%m%d%Y") and whether its time has an AM/PM part.

    The field follows the browser's own language, not the page's locale, so
    it is found out by typing into a field on a scratch page.
    """
    scratch = page.context.new_page()
    try:
        scratch.set_content('<input id="a"><input type="datetime-local" id="dt">')
        scratch.focus("#a")
        scratch.keyboard.press("Tab")
        scratch.keyboard.type("11122026")
        scratch.keyboard.press("Tab")
        scratch.keyboard.type("1030")
        typed = scratch.input_value("#dt")
        twelve_hour = not typed
        if twelve_hour:
            scratch.keyboard.type("A")
            typed = scratch.input_value("#dt")
    finally:
        scratch.close()
    layouts = {"2026-12-11T10:30": "%d%m%Y", "2026-11-12T10:30": "%m%d%Y"}
    if typed not in layouts:
        pytest.fail(f"Unknown datetime-local layout: typing gave {typed!r}")
    return layouts[typed], twelve_hour


def _type_datetime(page, when: datetime, layout: tuple[str, bool]) -> None:
    """Type `when` into the focused datetime-local field, segment by segment."""
    date_order, twelve_hour = layout
    page.keyboard.type(f"{when:{date_order}}")
    page.keyboard.press("Tab")
    if twelve_hour:
        page.keyboard.type(f"{when:%I%M}")
        page.keyboard.type(f"{when:%p}"[0])
    else:
        page.keyboard.type(f"{when:%H%M}")


def _tab_to(page, element_id: str, limit: int = 60) -> None:
    """Press Tab until the element with `element_id` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement?.id") == element_id:
            return
    pytest.fail(f"#{element_id} was not reached with {limit} presses of Tab")


# --- 1. scheduling --------------------------------------------------------------------


def test_review_booking_inside_timescale_then_rebooking_keeps_due_date(
    page, live_server
):
    """The IRO sees why the first review is due, books it in time and rebooks it;
    the due date never moves."""
    # given
    iro = _iro()
    started_on = timezone.localdate() - timedelta(days=5)
    child, episode = _looked_after_child(iro=iro, started_on=started_on)
    due = clock_get().due("cic_review_1", started_on).due
    assert episode.first_review_due_on == due
    booked_day = due - timedelta(days=2)
    rebooked_day = due + timedelta(days=3)
    sign_in(page, live_server, iro.username, PASSWORD)

    # when: the meetings tab explains the due date
    page.goto(f"{live_server.url}/children/{child.pk}/meetings/")
    next_review = page.locator("section[aria-labelledby='next-heading']")
    expect(next_review).to_contain_text(
        f"Review 1 of this period of care is due by {_long(due)}."
    )
    next_review.get_by_text("Why this date?").click()
    explanation = next_review.locator("details.explain")
    expect(explanation).to_have_attribute("open", "")
    expect(explanation).to_contain_text("cic_review_1")
    expect(explanation).to_contain_text(_short(started_on))
    _shot(page, "review_scheduling-1-due-explained")

    # when: the review is booked two days before it is due
    _follow(page, "Book the review", within=next_review)
    page.get_by_label("Date and time").fill(f"{booked_day:%Y-%m-%d}T10:00")
    page.get_by_label("Venue").fill("Foster home")
    _submit(page, "Book review")
    _shot(page, "review_scheduling-2-booked")

    # then
    meeting = Meeting.objects.get(child=child, sequence=1)
    assert page.url == f"{live_server.url}/meetings/{meeting.pk}/"
    expect(
        page.get_by_text("Review booked inside the statutory timescale.")
    ).to_be_visible()
    clock = page.locator("section[aria-labelledby='clock-heading']")
    expect(clock).to_contain_text(f"Due by {_long(due)}.")
    expect(clock).to_contain_text(f"Booked for {_long(booked_day)}, 10:00, Foster home")
    expect(clock.locator(".badge")).to_have_text("inside the timescale")
    expect(page.get_by_text("Chair: Kemi Adeyemi")).to_be_visible()

    # when: it is rebooked past the due date, with a reason
    _follow(page, "Rebook")
    page.get_by_label("New date and time").fill(f"{rebooked_day:%Y-%m-%d}T14:00")
    page.get_by_label("Reason for rebooking").fill("The foster carer is in hospital.")
    _submit(page, "Rebook")
    _shot(page, "review_scheduling-3-rebooked")

    # then
    expect(
        page.get_by_text("Meeting rebooked; its due date is unchanged.")
    ).to_be_visible()
    expect(clock).to_contain_text(f"Due by {_long(due)}.")
    expect(clock).to_contain_text(f"Booked for {_long(rebooked_day)}, 14:00")
    expect(clock.locator(".badge")).to_have_text("after the due date")
    expect(page.locator("section[aria-labelledby='log-heading']")).to_contain_text(
        "The foster carer is in hospital."
    )
    meeting.refresh_from_db()
    assert meeting.due_on == due
    assert timezone.localtime(meeting.scheduled_for) == _at(rebooked_day, 14)
    assert list(meeting.rebookings.values_list("reason", flat=True)) == [
        "The foster carer is in hospital."
    ]


def test_review_booking_form_completes_with_keyboard_only(page, live_server):
    """The booking form can be filled in and sent with Tab, typing and Enter."""
    # given
    iro = _iro()
    started_on = timezone.localdate() - timedelta(days=5)
    child, _ = _looked_after_child(iro=iro, started_on=started_on)
    due = clock_get().due("cic_review_1", started_on).due
    booked_day = due - timedelta(days=1)
    layout = _datetime_field_layout(page)
    sign_in(page, live_server, iro.username, PASSWORD)
    page.goto(f"{live_server.url}/children/{child.pk}/meetings/book/")

    # when
    _tab_to(page, "id_scheduled_for")
    _type_datetime(page, _at(booked_day, 9, 30), layout)
    expect(page.locator("#id_scheduled_for")).to_have_value(
        f"{booked_day:%Y-%m-%d}T09:30"
    )
    _tab_to(page, "id_venue")
    page.keyboard.type("Oakfield School, meeting room 2")
    _shot(page, "review_keyboard-1-filled")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _shot(page, "review_keyboard-2-booked")

    # then
    expect(
        page.get_by_text("Review booked inside the statutory timescale.")
    ).to_be_visible()
    meeting = Meeting.objects.get(child=child, sequence=1)
    assert timezone.localtime(meeting.scheduled_for) == _at(booked_day, 9, 30)
    assert meeting.venue == "Oakfield School, meeting room 2"
    assert meeting.chair == iro


# --- 2. before the review -------------------------------------------------------------


def test_review_preparation_records_views_invites_parent_and_report(page, live_server):
    """Before the review the IRO records the child's own words, invites a parent
    by email and marks the social worker's report received."""
    # given
    iro = _iro()
    today = timezone.localdate()
    child, _ = _looked_after_child(iro=iro, started_on=today - timedelta(days=5))
    meeting = _booked_review(
        iro=iro, child=child, on=_at(today + timedelta(days=7), 10)
    )
    words = "I want to stay with Auntie Jo.\nI miss my brother Callum."
    sign_in(page, live_server, iro.username, PASSWORD)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")

    # when: the child's views, in their own words
    _follow(page, "Record views")
    expect(page.locator("#id_from_role")).to_have_value("child")
    expect(page.locator("#id_name")).to_have_value("Leah")
    page.get_by_label("Wishes, feelings and views (in their own words)").fill(words)
    page.locator("#id_how_child_takes_part").select_option(
        codes.HowChildTakesPart.ATTEND_AND_SPEAK
    )
    page.locator("#id_advocate_needed").check()
    _submit(page, "Save views")

    # then
    expect(page.get_by_text("Views recorded.")).to_be_visible()
    views = page.locator("section[aria-labelledby='views-heading']")
    expect(views.locator("blockquote")).to_have_text(
        "I want to stay with Auntie Jo.I miss my brother Callum."
    )
    expect(views).to_contain_text("Wants to: Attend and speak for themselves.")
    expect(views).to_contain_text("Advocate needed.")

    # when: a parent is invited with an email address
    _follow(page, "Invite someone")
    page.locator("#id_name").fill("Marie Lawson")
    page.locator("#id_role").select_option(codes.ParticipantRole.PARENT)
    page.locator("#id_email").fill(PARENT_EMAIL)
    _submit(page, "Save")

    # then
    expect(page.get_by_text("Invitation recorded.")).to_be_visible()
    invited = page.locator(
        "section[aria-labelledby='people-heading'] tbody tr", has_text="Marie Lawson"
    )
    expect(invited).to_contain_text("Parent")
    expect(invited).to_contain_text(f"{today:%d/%m/%Y}")
    expect(invited).to_contain_text("Invited")

    # when: the social worker's report arrives
    report_row = page.locator(
        "section[aria-labelledby='reports-heading'] tbody tr",
        has_text="Social worker's report",
    )
    _follow(page, "Update", within=report_row)
    page.locator("#id_author").fill("Sam Okafor")
    page.locator("#id_received_on").fill(today.isoformat())
    _submit(page, "Save")
    _shot(page, "review_preparation-1-prepared")

    # then
    expect(page.get_by_text("Report tracking saved.")).to_be_visible()
    expect(report_row).to_contain_text("Sam Okafor")
    expect(report_row.locator(".badge")).to_have_text(f"{today:%d/%m/%Y}")
    response = ConsultationResponse.objects.get(meeting=meeting)
    assert (response.views, response.how_child_takes_part) == (
        words.replace("\n", "\r\n"),
        "attend_speak",
    )
    assert response.advocate_needed is True
    parent = Participant.objects.get(meeting=meeting)
    assert (parent.role, parent.email, parent.receives_record) == (
        "parent",
        PARENT_EMAIL,
        True,
    )
    assert meeting.expected_reports.get(kind="social_worker").received_on == today


# --- 3. at the review -----------------------------------------------------------------


def test_review_held_with_checklist_and_decision_owes_next_review(page, live_server):
    """The chair records the review as held (PN1), ticks topics and records a
    decision; the second review is then owed 3 months after the held date."""
    # given
    iro = _iro()
    today = timezone.localdate()
    child, _ = _looked_after_child(iro=iro, started_on=today - timedelta(days=10))
    meeting = _booked_review(iro=iro, child=child, on=_at(today, 9, 30))
    decision_due = today + timedelta(days=28)
    next_due = clock_get().due("cic_review_2", today).due
    sign_in(page, live_server, iro.username, PASSWORD)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")

    # when: recorded as held
    _follow(page, "Record as held")
    expect(page.locator("#id_held_on")).to_have_value(today.isoformat())
    page.get_by_label("Child's participation").select_option("PN1")
    page.get_by_label(
        "Did you see or speak to the child before the review?"
    ).select_option("true")
    _submit(page, "Record as held")

    # then
    expect(
        page.get_by_text("Review recorded as held. The next review is now owed.")
    ).to_be_visible()
    at_review = page.locator("section[aria-labelledby='at-heading']")
    expect(at_review).to_contain_text("PN1 Child attends and speaks for him or herself")

    # when: the checklist
    _follow(page, "Update the checklist")
    page.get_by_label("Care plan and permanence: considered").check()
    page.get_by_label("Health assessment: considered").check()
    page.get_by_label("Health assessment: notes").fill(
        "Initial health assessment is overdue."
    )
    _submit(page, "Save checklist")

    # then
    expect(page.get_by_text("Checklist saved.")).to_be_visible()
    topics = at_review.locator("li.list-group-item")
    expect(topics.filter(has_text="Care plan and permanence")).to_contain_text(
        "Considered"
    )
    expect(topics.filter(has_text="Health assessment")).to_contain_text(
        "Initial health assessment is overdue."
    )
    expect(topics.filter(has_text="Placement")).to_contain_text("Not yet")

    # when: a decision with its owner and due date
    _follow(page, "Record a decision")
    page.locator("#id_text").fill("Book the initial health assessment.")
    page.locator("#id_owner_name").fill("Sam Okafor")
    page.locator("#id_owner_role").select_option(codes.ParticipantRole.SOCIAL_WORKER)
    page.locator("#id_due_on").fill(decision_due.isoformat())
    _submit(page, "Save decision")
    _shot(page, "review_held-1-meeting")

    # then
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    decision = page.locator(
        "section[aria-labelledby='actions-heading'] tbody tr",
        has_text="Book the initial health assessment.",
    )
    expect(decision).to_contain_text("Sam Okafor")
    expect(decision).to_contain_text("Social worker")
    expect(decision).to_contain_text(f"{decision_due:%d/%m/%Y}")
    expect(decision).to_contain_text("Open")

    # when: back on the child's meetings tab
    _follow(page, f"← {child.full_name} ({child.la_child_id})")
    _shot(page, "review_held-2-next-owed")

    # then
    next_review = page.locator("section[aria-labelledby='next-heading']")
    expect(next_review).to_contain_text(
        f"Review 2 of this period of care is due by {_long(next_due)}."
    )
    expect(next_review).to_contain_text("Not booked yet.")
    next_review.get_by_text("Why this date?").click()
    expect(next_review.locator("details.explain")).to_contain_text("cic_review_2")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_on, meeting.participation_code) == (
        "held",
        today,
        "PN1",
    )
    assert set(
        meeting.checklist.filter(considered=True).values_list("topic", flat=True)
    ) == {"care_plan", "health"}
    following = Meeting.objects.get(child=child, sequence=2)
    assert (following.status, following.due_on, following.scheduled_for) == (
        "scheduled",
        next_due,
        None,
    )


# --- 4. the record --------------------------------------------------------------------


def test_review_record_approved_rendered_distributed_and_amended(
    page, live_server, settings, tmp_path, mailoutbox
):
    """The chair writes, submits and approves the record; its PDF downloads, it
    is emailed to the invited parent, the ledger says Sent, and an amendment
    starts version 2."""
    # given
    settings.MEDIA_ROOT = str(tmp_path)
    iro = _iro()
    today = timezone.localdate()
    child, _ = _looked_after_child(iro=iro, started_on=today - timedelta(days=10))
    meeting = _booked_review(iro=iro, child=child, on=_at(today, 9, 30))
    participant_add(
        meeting=meeting,
        added_by=iro,
        name="Marie Lawson",
        role=codes.ParticipantRole.PARENT,
        email=PARENT_EMAIL,
    )
    meeting = meeting_hold(
        meeting=meeting, held_by=iro, held_on=today, participation_code="PN1"
    )
    action_add(
        meeting=meeting,
        added_by=iro,
        text="Book the initial health assessment.",
        owner_name="Sam Okafor",
        owner_role=codes.ParticipantRole.SOCIAL_WORKER,
        due_on=today + timedelta(days=28),
    )
    sign_in(page, live_server, iro.username, PASSWORD)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    panel = page.locator("section#record")

    # when: written
    with page.expect_navigation():
        panel.get_by_role("button", name="Write the record").click()
    page.locator("#id_summary").fill("Leah is settled with her aunt.")
    page.locator("#id_child_views").fill("Leah wants to stay with Auntie Jo.")
    page.locator("#id_family_views").fill("Her mother agrees with the plan.")
    page.locator("#id_chair_view").fill("The care plan meets Leah's needs.")
    page.locator("#id_letter_to_child").fill("Dear Leah, thank you for coming.")
    _submit(page, "Save")

    # then
    expect(page.get_by_text("Version 1 saved.")).to_be_visible()

    # when: submitted and approved
    _submit(page, "Submit for approval")
    expect(page.get_by_text("Version 1 submitted for approval.")).to_be_visible()
    _follow(page, "Approve", within=panel)
    page.get_by_label(
        "I have read this version and approve it as the record of the review."
    ).check()
    _submit(page, "Approve this version")
    _shot(page, "review_record-1-approved")

    # then: the PDFs were prepared and the record downloads as a PDF
    expect(page.get_by_text("Version 1 approved.")).to_be_visible()
    expect(panel).to_contain_text("PDFs prepared")
    record_link = panel.get_by_role("link", name="review record", exact=True)
    download = page.request.get(f"{live_server.url}{record_link.get_attribute('href')}")
    assert download.status == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.body().startswith(b"%PDF-")

    # when: sent to the invited parent
    _follow(page, "Send the record", within=panel)
    parent_box = page.get_by_label(f"Marie Lawson (Parent), {PARENT_EMAIL}").first
    expect(parent_box).to_be_checked()
    _submit(page, "Send")
    _shot(page, "review_record-2-ledger")

    # then: the ledger shows the sending as Sent
    expect(page.get_by_role("heading", name="Distribution ledger")).to_be_visible()
    row = page.locator("table tbody tr", has_text="Marie Lawson")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Review record")
    expect(row).to_contain_text("Email")
    expect(row.locator("td").nth(5)).to_contain_text("Sent")
    assert [m.to for m in mailoutbox] == [[PARENT_EMAIL]]
    assert mailoutbox[0].attachments[0][2] == "application/pdf"
    sending = Distribution.objects.get(report__meeting=meeting)
    assert (sending.status, sending.participant.email) == ("sent", PARENT_EMAIL)

    # when: amended
    _follow(page, "Back to the meeting")
    _follow(page, "Amend", within=panel)
    page.get_by_label("Reason").fill("The date of the health assessment was wrong.")
    _submit(page, "Start an amended version")

    # then
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Write the record: version 2"
    )
    expect(page.locator("#id_summary")).to_have_value("Leah is settled with her aunt.")
    assert list(
        ChairReport.objects.filter(meeting=meeting)
        .order_by("version")
        .values_list("version", "status")
    ) == [(1, "approved"), (2, "draft")]


# --- 5. between reviews ---------------------------------------------------------------


def test_review_oversight_note_drift_dispute_and_formal_escalation(page, live_server):
    """Between reviews the IRO notes contact; at the second review an open action
    of the first shows as drift, becomes a dispute in one click and is escalated
    to formal stage 1 with a named manager and the 20 working day deadline."""
    # given
    iro = _iro()
    UserFactory(
        username="hmarsh", first_name="Helen", last_name="Marsh", roles=[Role.MANAGER]
    )
    today = timezone.localdate()
    first_held = today - timedelta(days=60)
    child, _ = _looked_after_child(iro=iro, started_on=first_held - timedelta(days=14))
    first = _held_review(iro=iro, child=child, held_on=first_held)
    action = action_add(
        meeting=first,
        added_by=iro,
        text="Book the initial health assessment.",
        owner_name="Sam Okafor",
        owner_role=codes.ParticipantRole.SOCIAL_WORKER,
        due_on=first_held + timedelta(days=21),
    )
    second = _held_review(iro=iro, child=child, held_on=today)
    clock = clock_get()
    response_due = clock.due("drp_stage_response", today).due
    formal_due = clock.due("drp_formal", today).due
    sign_in(page, live_server, iro.username, PASSWORD)

    # when: a monitoring note
    page.goto(f"{live_server.url}/children/{child.pk}/oversight/")
    _follow(page, "Add a note")
    expect(page.locator("#id_noted_on")).to_have_value(today.isoformat())
    page.locator("#id_kind").select_option(codes.NoteKind.CONTACT_SW)
    page.locator("#id_text").fill(
        "Called Sam Okafor: the health assessment is not booked."
    )
    _submit(page, "Save note")

    # then
    expect(page.get_by_text("Note added.")).to_be_visible()
    note = page.locator("section[aria-labelledby='notes-heading'] li.list-group-item")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("Contact with the social worker · Kemi Adeyemi")
    expect(note).to_contain_text("the health assessment is not booked.")
    _shot(page, "review_oversight-1-note")

    # when: the second review shows the first review's open action as drift
    page.goto(f"{live_server.url}/meetings/{second.pk}/")
    drift = page.locator(
        "section[aria-labelledby='drift-heading'] tbody tr",
        has_text="Book the initial health assessment.",
    )
    expect(drift).to_contain_text("Children in Care review 1")
    expect(drift).to_contain_text(f"held {first_held:%d/%m/%Y}")
    expect(drift).to_contain_text("Sam Okafor")
    _shot(page, "review_oversight-2-drift")
    _follow(page, "Raise a dispute", within=drift)

    # then: the dispute form is prefilled as drift
    expect(page.locator("#id_category")).to_have_value(codes.DisputeCategory.DRIFT)
    expect(page.locator("#id_stage")).to_have_value(codes.DisputeStage.INFORMAL)
    expect(page.locator("#id_summary")).to_have_value(
        f"A decision of the Children in Care review held on {first_held:%d/%m/%Y} "
        'is still not done: "Book the initial health assessment." (owner Sam '
        f"Okafor, due {action.due_on:%d/%m/%Y})."
    )

    # when: raised with the social worker, then escalated to formal stage 1
    page.get_by_label("Raised with").fill("Sam Okafor, social worker")
    _submit(page, "Raise dispute")
    expect(page.get_by_text("Dispute raised.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Dispute: Implementation drift or delay"
    )
    expect(
        page.get_by_text("From a decision still open: “Book the initial")
    ).to_be_visible()
    _follow(page, "Escalate")
    page.get_by_label("Escalate to").select_option(codes.DisputeStage.STAGE_1)
    expect(page.get_by_label("Escalated on")).to_have_value(today.isoformat())
    page.get_by_label("Manager (a user of this system)").select_option(
        label="Helen Marsh"
    )
    _submit(page, "Escalate")
    _shot(page, "review_oversight-3-formal")

    # then
    expect(page.get_by_text("Dispute escalated.")).to_be_visible()
    stage_1 = page.locator(
        "section[aria-labelledby='steps-heading'] li",
        has_text="Formal stage 1: team manager",
    )
    expect(stage_1).to_contain_text(
        f"Raised with Helen Marsh on {_short(today)}; "
        f"response due by {_short(response_due)}."
    )
    formal = page.locator("section[aria-labelledby='clock-heading']")
    expect(formal).to_contain_text(f"the whole process is due by {_short(formal_due)}.")
    expect(formal).to_contain_text("20 allowed")
    formal.get_by_text("Why this date?").click()
    expect(formal.locator("details.explain")).to_contain_text("drp_formal")
    dispute = Dispute.objects.get(child=child)
    assert (dispute.category, dispute.stage, dispute.source_action_id) == (
        "drift",
        "stage_1",
        action.pk,
    )
    assert dispute.formal_due_on == formal_due
    assert list(dispute.steps.values_list("stage", "escalated_to_name")) == [
        ("informal", "Sam Okafor, social worker"),
        ("stage_1", "Helen Marsh"),
    ]
    assert MonitoringNote.objects.filter(child=child).count() == 1
