"""Child protection journeys in real headless Chromium, through the real forms.

Each journey builds the state before the step under test with services, so it
goes through the browser only where the IRO, the minute-taker or the chair does.
"""

import subprocess
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from cases.models import CPPlanEpisode
from cases.selectors import clock_get
from meetings import services
from meetings.models import ConferenceChild, ConferenceSending, Meeting, Minutes
from tests.factories import (
    LONDON,
    PASSWORD,
    AllocationFactory,
    ChildFactory,
    ParticipantFactory,
    UserFactory,
)
from tests.journeys.conftest import screenshot_path, sign_in
from tests.meetings.factories import ConferenceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESTRICTED = "The mother's new address is 12 Elm Road, Northtown."
PRIVATE = "Police intelligence: an associate of the father has convictions."
DECISION = "The conference agreed Mia needs a child protection plan."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _long(day: date) -> str:
    """Return `day` as the pages print a due date ("l j F Y")."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _submit(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def _follow(page, link: str, within=None) -> None:
    scope = within if within is not None else page
    with page.expect_navigation():
        scope.get_by_role("link", name=link, exact=True).click()


def _shot(page, name: str) -> None:
    page.screenshot(path=screenshot_path(name), full_page=True)


def _switch_user(page, live_server, user) -> None:
    page.context.clear_cookies()
    sign_in(page, live_server, user.username, PASSWORD)


def _pdf_text(path) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


# --- 1. strategy discussion to plan ---------------------------------------------------


def test_strategy_to_initial_conference_to_plan_and_core_group_due(page, live_server):
    """An IRO records a strategy discussion that starts section 47 enquiries for two
    sisters, books the initial conference with a minute-taker, records each child's
    outcome, and sees the first core group and review conference owed."""
    # given
    iro = UserFactory(
        username="kadeyemi", first_name="Kemi", last_name="Adeyemi", roles=[Role.IRO]
    )
    UserFactory(
        username="lgrant",
        first_name="Leo",
        last_name="Grant",
        roles=[Role.MINUTE_TAKER],
    )
    mia = ChildFactory(
        first_name="Mia", last_name="Reid", date_of_birth=date(2017, 4, 2)
    )
    ella = ChildFactory(
        first_name="Ella", last_name="Reid", date_of_birth=date(2019, 9, 9)
    )
    for child in (mia, ella):
        AllocationFactory(child=child, worker=iro, started_on=date(2026, 1, 5))
    today = timezone.localdate()
    strategy_on = today - timedelta(days=14)
    held_on = today - timedelta(days=3)
    icpc_due = clock_get().due("cp_icpc", strategy_on).due
    sign_in(page, live_server, iro.username, PASSWORD)

    # when: from the child's meetings to the child protection page
    page.goto(f"{live_server.url}/children/{mia.pk}/meetings/")
    _follow(page, "Strategy discussions, conferences, core groups and other meetings")
    _follow(page, "Record a strategy discussion")
    page.get_by_label("Date of the strategy discussion").fill(f"{strategy_on:%Y-%m-%d}")
    page.get_by_label("Chaired by").fill("Jo Bloggs, team manager")
    page.get_by_label("Police", exact=True).check()
    page.get_by_label("Health", exact=True).check()
    page.locator("#id_decision").select_option("s47_joint")
    page.get_by_label("Concerns and reasons for the decision").fill(
        "Bruising seen at school; the sisters live together."
    )
    page.get_by_label("Brothers and sisters it also concerns").fill(ella.la_child_id)
    _submit(page, "Record the strategy discussion")
    _shot(page, "cp_strategy-1-recorded")

    # then: the conference is owed, and the date explains itself
    expect(
        page.get_by_text(f"The initial conference is due by {icpc_due:%d/%m/%Y}.")
    ).to_be_visible()
    due_box = page.locator(
        ".alert-info", has_text="initial child protection conference"
    )
    expect(due_box).to_contain_text(_long(icpc_due))
    due_box.get_by_text("Why this date?").click()
    expect(due_box.locator("details.explain")).to_contain_text("cp_icpc")
    expect(due_box.locator("details.explain")).to_contain_text("15 working days")

    # when: the conference is booked with a minute-taker, and a parent invited
    _follow(page, "Open the conference")
    _follow(page, "Book")
    page.get_by_label("Date and time").fill(f"{held_on:%Y-%m-%d}T10:00")
    page.get_by_label("Venue").fill("Civic Centre, room 4")
    page.get_by_label("Minute-taker").select_option(label="Leo Grant")
    _submit(page, "Book")
    expect(
        page.get_by_text("Meeting booked; its due date is unchanged.")
    ).to_be_visible()
    _follow(page, "Invite someone")
    page.locator("#id_name").fill("Anna Reid")
    page.locator("#id_role").select_option("parent")
    page.locator("#id_email").fill("anna.reid@example.org")
    page.locator("#id_attendance").select_option("attended")
    _submit(page, "Save")
    _shot(page, "cp_strategy-2-booked")

    # when: the chair records each child's outcome
    _follow(page, "Record as held")
    page.get_by_label("Date held").fill(f"{held_on:%Y-%m-%d}")
    page.check(f"input[name=outcome_{mia.pk}][value=plan]")
    page.select_option(f"#id_category_{mia.pk}", "NEG")
    page.fill(f"#id_dissent_{mia.pk}", "The school thought a plan was not needed.")
    page.check(f"input[name=outcome_{ella.pk}][value=no_plan]")
    page.select_option(f"#id_alternative_{ella.pk}", "cin_plan")
    _submit(page, "Record the conference as held")
    _shot(page, "cp_strategy-3-held")

    # then: Mia's plan starts on the conference date; the meetings owed are shown
    core_due = clock_get().due("cp_core_group_1", held_on).due
    rcpc_due = clock_get().due("cp_rcpc_1", held_on).due
    plan = CPPlanEpisode.objects.get(child=mia)
    assert (plan.started_on, plan.initial_category) == (held_on, "NEG")
    assert not CPPlanEpisode.objects.filter(child=ella).exists()
    owed = page.locator("section[aria-labelledby='next-heading']")
    expect(owed).to_contain_text(f"Core group meeting 1: due by {_long(core_due)}")
    expect(owed).to_contain_text(
        f"Review child protection conference 1: due by {_long(rcpc_due)}"
    )
    children = page.locator("section[aria-labelledby='children-heading']")
    expect(children.locator("tr", has_text="Mia Reid")).to_contain_text("Neglect")
    expect(children.locator("tr", has_text="Ella Reid")).to_contain_text(
        "Child in need plan"
    )

    # when: the child's page explains when the first core group is due
    page.goto(f"{live_server.url}/children/{mia.pk}/child-protection/")
    plans = page.locator("section[aria-labelledby='plans-heading']")
    expect(plans).to_contain_text(f"First core group due by {_long(core_due)}.")
    plans.get_by_text("Why this date?").first.click()
    expect(plans.locator("details.explain").first).to_contain_text("cp_core_group_1")
    expect(plans.locator("details.explain").first).to_contain_text("10 working days")
    _shot(page, "cp_strategy-4-core-group-due")
    core = Meeting.objects.get(kind="core_group")
    assert (core.due_on, core.due_rule) == (core_due, "cp_core_group_1")
    assert list(core.cp_children.values_list("child", flat=True)) == [mia.pk]


# --- 2. the minute-taker's minutes to the chair to the family -------------------------


def _held_conference(*, chair, taker):
    held_on = timezone.localdate() - timedelta(days=2)
    child = ChildFactory(first_name="Mia", last_name="Reid")
    AllocationFactory(child=child, worker=chair, started_on=date(2026, 1, 5))
    meeting = ConferenceFactory(
        child=child,
        chair=chair,
        minute_taker=taker,
        held=True,
        held_on=held_on,
        due_start_on=held_on - timedelta(days=10),
        due_on=held_on + timedelta(days=5),
        scheduled_for=datetime.combine(held_on, time(10), tzinfo=LONDON),
        decisions_due_on=clock_get().due("cp_outline_plan", held_on).due,
        record_due_on=clock_get().due("cp_minutes", held_on).due,
    )
    ConferenceChild.objects.filter(meeting=meeting).update(
        outcome="plan", category="NEG"
    )
    mother = ParticipantFactory(
        meeting=meeting,
        name="Anna Reid",
        role="parent",
        email="anna.reid@example.org",
        attendance="attended",
    )
    police = ParticipantFactory(
        meeting=meeting,
        name="DC Sam Jones",
        role="police",
        email="s.jones@example.org",
        attendance="attended",
    )
    return meeting, mother, police


def _section(page, heading):
    return page.locator("fieldset[data-section]", has_text=heading)


def test_minute_taker_drafts_with_autosave_chair_approves_family_copy_redacted(
    page, live_server
):
    """The minute-taker's draft is autosaved and survives the session ending; the
    chair approves; the parent's copy leaves out what she did not attend and the
    restricted details, the police receive the full record, both with one hash."""
    # given
    chair = UserFactory(
        username="kadeyemi", first_name="Kemi", last_name="Adeyemi", roles=[Role.IRO]
    )
    taker = UserFactory(
        username="lgrant",
        first_name="Leo",
        last_name="Grant",
        roles=[Role.MINUTE_TAKER],
    )
    meeting, mother, police = _held_conference(chair=chair, taker=taker)
    sign_in(page, live_server, taker.username, PASSWORD)

    # when: the minute-taker finds the conference from their own list
    _follow(page, "My minutes", within=page.get_by_role("navigation", name="Main"))
    _follow(page, "Initial child protection conference 1")
    _submit(page, "Start the minutes")
    minutes = Minutes.objects.get(meeting=meeting)
    private = _section(page, "Information shared without the family present")
    expect(private.get_by_label("Anna Reid (Parent)")).not_to_be_checked()
    expect(private.get_by_label("DC Sam Jones (Police)")).to_be_checked()
    private.get_by_label("Minutes of this section").fill(PRIVATE)
    views = _section(page, "Views of parents and family")
    views.get_by_label("Minutes of this section").fill(
        "Ms Reid said she will work with the plan."
    )
    views.locator("textarea[data-field=restricted_text]").fill(RESTRICTED)
    _section(page, "Decision and reasons").get_by_label("Minutes of this section").fill(
        DECISION
    )

    # then: it is saved within seconds, without pressing Save
    status = page.locator("#autosave-status")
    expect(status).to_contain_text("Saved at", timeout=15_000)
    _shot(page, "cp_minutes-1-autosaved")
    decision = minutes.sections.get(heading="Decision and reasons")
    assert decision.text == DECISION
    assert minutes.sections.get(heading__startswith="Views of").restricted_text == (
        RESTRICTED
    )

    # when: the session ends while more is typed
    page.context.clear_cookies()
    analysis = _section(page, "Analysis: strengths, needs and risks")
    analysis.get_by_label("Minutes of this section").fill(
        "Strength: the grandmother helps every day."
    )
    expect(status).to_contain_text("You are signed out", timeout=15_000)
    _shot(page, "cp_minutes-2-signed-out")
    editor = page.url

    # then: after signing in again nothing is lost
    sign_in(page, live_server, taker.username, PASSWORD)
    page.goto(editor)
    expect(page.locator("#restored-note")).to_contain_text(
        "Restored text you had not saved"
    )
    expect(
        _section(page, "Analysis: strengths, needs and risks").get_by_label(
            "Minutes of this section"
        )
    ).to_have_value("Strength: the grandmother helps every day.")
    expect(page.locator("#autosave-status")).to_contain_text("Saved at", timeout=15_000)
    assert minutes.sections.get(heading__startswith="Analysis").text == (
        "Strength: the grandmother helps every day."
    )
    _shot(page, "cp_minutes-3-restored")

    # when: submitted to the chair, who approves
    _follow(page, "Back to the meeting")
    _submit(page, "Submit to the chair")
    expect(page.get_by_text("Minutes submitted to the chair.")).to_be_visible()
    _switch_user(page, live_server, chair)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    _follow(page, "Approve")
    expect(page.get_by_text(RESTRICTED)).to_be_visible()
    page.get_by_label(
        "I have read these minutes and approve them as the record of the conference."
    ).check()
    _submit(page, "Approve these minutes")
    expect(page.get_by_text("Minutes approved.")).to_be_visible()
    _shot(page, "cp_minutes-4-approved")

    # then: the chair previews the mother's copy
    panel = page.locator("#minutes")
    _follow(page, "Read", within=panel)
    _follow(page, "Anna Reid (Parent)")
    expect(page.get_by_text(DECISION)).to_be_visible()
    expect(page.get_by_text(RESTRICTED)).to_have_count(0)
    expect(page.get_by_text(PRIVATE)).to_have_count(0)
    _shot(page, "cp_minutes-5-family-preview")

    # when: the minutes are sent to everyone invited
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    _follow(page, "Send the minutes")
    expect(
        page.get_by_label(
            "Anna Reid (Parent), anna.reid@example.org — Family copy (parts attended; restricted details removed)"
        )
    ).to_be_checked()
    _submit(page, "Send")
    _shot(page, "cp_minutes-6-sent")

    # then: one sending each, and the PDFs differ only as they should
    ledger = page.locator("table tbody")
    expect(ledger.locator("tr", has_text="Anna Reid")).to_contain_text("Sent")
    expect(ledger.locator("tr", has_text="DC Sam Jones")).to_contain_text(
        "Full record (agencies)"
    )
    minutes.refresh_from_db()
    sendings = {
        s.participant_id: s for s in ConferenceSending.objects.filter(minutes=minutes)
    }
    assert {s.status for s in sendings.values()} == {"sent"}
    family = _pdf_text(sendings[mother.pk].pdf.path)
    agency = _pdf_text(sendings[police.pk].pdf.path)
    assert "12 Elm Road" not in family and "Police intelligence" not in family
    assert "12 Elm Road" in agency and "Police intelligence" in agency
    assert "will work with the plan" in family
    assert minutes.content_hash in family.replace("\n", "")
    assert minutes.content_hash in agency.replace("\n", "")
    meeting.refresh_from_db()
    assert meeting.record_distributed_on == timezone.localdate()


def test_second_saver_is_shown_both_versions(page, live_server):
    """When the chair saved the draft meanwhile, the minute-taker's autosave is
    refused and both texts are shown; nothing is overwritten silently."""
    # given
    chair = UserFactory(roles=[Role.IRO])
    taker = UserFactory(roles=[Role.MINUTE_TAKER])
    meeting, _, _ = _held_conference(chair=chair, taker=taker)
    minutes = services.minutes_start(meeting=meeting, by=taker)
    decision = minutes.sections.get(heading="Decision and reasons")
    sign_in(page, live_server, taker.username, PASSWORD)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/minutes/{minutes.pk}/edit/")

    # when: the chair saves first, then the minute-taker types
    services.minutes_save(
        minutes=minutes,
        by=chair,
        expected_lock_version=0,
        sections={decision.pk: {"text": "The chair's wording of the decision."}},
    )
    _section(page, "Decision and reasons").get_by_label("Minutes of this section").fill(
        "The minute-taker's wording."
    )

    # then
    conflict = page.locator("#conflict-panel")
    expect(conflict).to_be_visible(timeout=15_000)
    expect(conflict).to_contain_text("The chair's wording of the decision.")
    expect(conflict).to_contain_text("The minute-taker's wording.")
    _shot(page, "cp_minutes-conflict-1-shown")
    decision.refresh_from_db()
    assert decision.text == "The chair's wording of the decision."

    # when: the minute-taker keeps their version, having seen both
    page.get_by_role("button", name="Save my version over theirs").click()
    expect(page.locator("#autosave-status")).to_contain_text("Saved at", timeout=15_000)
    decision.refresh_from_db()
    assert decision.text == "The minute-taker's wording."
