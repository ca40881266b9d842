"""Each kind of meeting, declared once as data: its clock, checklist, people and record."""

from __future__ import annotations

from dataclasses import dataclass

from . import codes


@dataclass(frozen=True)
class MeetingType:
    kind: str
    label: str
    chair_title: str
    # Rules, by code in cases.timescales.RULES (None: the kind has no such clock).
    decisions_rule: str | None
    record_rule: str | None
    reconvene_rule: str | None
    checklist: tuple[str, ...]
    participant_roles: tuple[str, ...]
    expected_reports: tuple[str, ...]
    report_template: str
    letter_template: str | None
    record_title: str
    # --- optional: child protection and the other chaired meetings -----------------
    # The page that shows a meeting of this kind (Meeting.get_absolute_url).
    detail_url: str = "meetings:meeting-detail"
    # "cic", "cp" (child protection) or "other" (other chaired meetings).
    group: str = "cic"
    # The clock of the first meeting of a chain and of each later one, chained
    # from the date the previous one was held. None: no timescale is set for it
    # (DOMAIN.md gives none); the meeting is held when the chair arranges it.
    first_rule: str | None = None
    repeat_rule: str | None = None
    # What starts the clock of the first meeting, asked for when it is arranged.
    start_label: str = ""
    # Arranged from the child's page (the other chaired meetings).
    can_arrange: bool = False
    # A conference records an outcome for each child it is about.
    is_conference: bool = False
    outcomes: tuple[str, ...] = ()
    # Reports shared with parents before the meeting, counted back from its date.
    reports_rule: str | None = None
    # The minute-taker drafts minutes in these sections; the chair approves them.
    uses_minutes: bool = False
    minutes_sections: tuple[tuple[str, bool], ...] = ()
    # Recorded as held by whoever arranges it (the lead social worker chairs a
    # core group, usually without an account here), not only by a chair.
    held_by_scheduler: bool = False


_CIC_REVIEW = MeetingType(
    kind="cic_review",
    label="Children in Care review",
    chair_title="Independent Reviewing Officer",
    decisions_rule="cic_decisions",
    record_rule="cic_record",
    reconvene_rule="cic_reconvene",
    checklist=(
        codes.ChecklistTopic.CARE_PLAN,
        codes.ChecklistTopic.PLACEMENT,
        codes.ChecklistTopic.HEALTH,
        codes.ChecklistTopic.PEP,
        codes.ChecklistTopic.CONTACT,
        codes.ChecklistTopic.LEGAL_STATUS,
        codes.ChecklistTopic.PATHWAY_PLAN,
    ),
    participant_roles=(
        codes.ParticipantRole.CHILD,
        codes.ParticipantRole.PARENT,
        codes.ParticipantRole.CARER,
        codes.ParticipantRole.SOCIAL_WORKER,
        codes.ParticipantRole.SCHOOL,
        codes.ParticipantRole.HEALTH,
        codes.ParticipantRole.ADVOCATE,
        codes.ParticipantRole.INTERPRETER,
        codes.ParticipantRole.INDEPENDENT_VISITOR,
        codes.ParticipantRole.OTHER_PROFESSIONAL,
    ),
    expected_reports=(
        codes.ReportKind.SOCIAL_WORKER,
        codes.ReportKind.CARE_PLAN,
        codes.ReportKind.PEP,
        codes.ReportKind.HEALTH,
    ),
    report_template="pdf/review_record.html",
    letter_template="pdf/letter_to_child.html",
    record_title="Children in Care review record",
)

# --- child protection (DOMAIN.md 1.2, 2.2, 3.2) ----------------------------------------

_CP_PEOPLE = (
    codes.ParticipantRole.CHILD,
    codes.ParticipantRole.PARENT,
    codes.ParticipantRole.CARER,
    codes.ParticipantRole.SOCIAL_WORKER,
    codes.ParticipantRole.TEAM_MANAGER,
    codes.ParticipantRole.SCHOOL,
    codes.ParticipantRole.HEALTH,
    codes.ParticipantRole.POLICE,
    codes.ParticipantRole.ADVOCATE,
    codes.ParticipantRole.INTERPRETER,
    codes.ParticipantRole.OTHER_PROFESSIONAL,
    codes.ParticipantRole.OTHER,
)
# The social worker's report and the professionals' reports (CP-09).
_CP_REPORTS = (
    codes.ReportKind.SOCIAL_WORKER,
    codes.ReportKind.HEALTH,
    codes.ReportKind.OTHER,
)
# (heading, whether the family is present by default): the minute-taker then
# marks who was present for each section.
_CONFERENCE_SECTIONS = (
    ("Introductions, purpose and confidentiality", True),
    ("Information from agencies", True),
    ("The child's wishes and feelings", True),
    ("Views of parents and family", True),
    ("Information shared without the family present", False),
    ("Analysis: strengths, needs and risks", True),
    ("Decision and reasons", True),
    ("Outline child protection plan and core group", True),
)
_CP = {
    "chair_title": "Child protection conference chair",
    "decisions_rule": "cp_outline_plan",
    "record_rule": "cp_minutes",
    "reconvene_rule": None,
    "checklist": (),
    "participant_roles": _CP_PEOPLE,
    "expected_reports": _CP_REPORTS,
    "report_template": "pdf/cp_minutes.html",
    "letter_template": None,
    "record_title": "Child protection conference minutes",
    "detail_url": "meetings:cp-meeting-detail",
    "group": "cp",
    "is_conference": True,
    "uses_minutes": True,
    "minutes_sections": _CONFERENCE_SECTIONS,
}
# An initial (or transfer-in) conference decides whether each child needs a plan;
# a review conference continues it (the category may change) or ends it.
INITIAL_OUTCOMES = ("plan", "no_plan")
REVIEW_OUTCOMES = ("continue", "end")

_ICPC = MeetingType(
    kind="icpc",
    label="Initial child protection conference",
    first_rule="cp_icpc",
    start_label="Date of the strategy discussion that started section 47 enquiries",
    outcomes=INITIAL_OUTCOMES,
    reports_rule="cp_reports_to_parents",
    **_CP,
)
_TRANSFER_IN = MeetingType(
    kind="transfer_in",
    label="Transfer-in child protection conference",
    first_rule="cp_transfer_in",
    start_label="Date this authority was notified of the move",
    outcomes=INITIAL_OUTCOMES,
    reports_rule="cp_reports_to_parents",
    **_CP,
)
_RCPC = MeetingType(
    kind="rcpc",
    label="Review child protection conference",
    first_rule="cp_rcpc_1",
    repeat_rule="cp_rcpc_n",
    start_label="Date the initial conference was held",
    outcomes=REVIEW_OUTCOMES,
    reports_rule="cp_reports_to_parents_rcpc",
    **_CP,
)
# Later core groups follow a local frequency: the local rule cp_core_group_n,
# which an administrator can change.
_CORE_GROUP = MeetingType(
    kind="core_group",
    label="Core group meeting",
    chair_title="Lead social worker",
    decisions_rule=None,
    record_rule=None,
    reconvene_rule=None,
    checklist=(),
    participant_roles=_CP_PEOPLE,
    expected_reports=(),
    report_template="pdf/cp_meeting_record.html",
    letter_template=None,
    record_title="Core group record",
    detail_url="meetings:cp-meeting-detail",
    group="cp",
    first_rule="cp_core_group_1",
    repeat_rule="cp_core_group_n",
    start_label="Date the initial conference was held",
    held_by_scheduler=True,
)

# --- other chaired meetings (shared/seeds job descriptions) ---------------------------


def _other(kind: str, label: str, **extra) -> MeetingType:
    """A meeting the IRO chairs with the shared screens and the written record."""
    values = {
        "kind": kind,
        "label": label,
        "chair_title": "Chair",
        "decisions_rule": None,
        "record_rule": None,
        "reconvene_rule": None,
        "checklist": (),
        "participant_roles": _CP_PEOPLE,
        "expected_reports": (),
        "report_template": "pdf/cp_meeting_record.html",
        "letter_template": None,
        "record_title": f"{label}: record",
        "detail_url": "meetings:cp-meeting-detail",
        "group": "other",
        "can_arrange": True,
        **extra,
    }
    return MeetingType(**values)


_OTHER = (
    _other(
        "short_break_review",
        "Short break care review",
        chair_title="Independent Reviewing Officer",
        first_rule="cic_short_break_1",
        repeat_rule="cic_short_break_n",
        start_label="Start of the first short-break placement",
    ),
    _other(
        "foster_carer_review",
        "Foster carer review",
        chair_title="Independent Reviewing Officer",
        participant_roles=(
            codes.ParticipantRole.CARER,
            codes.ParticipantRole.CHILD,
            codes.ParticipantRole.SOCIAL_WORKER,
            codes.ParticipantRole.TEAM_MANAGER,
            codes.ParticipantRole.OTHER_PROFESSIONAL,
        ),
        expected_reports=(codes.ReportKind.CARER, codes.ReportKind.SOCIAL_WORKER),
    ),
    _other(
        "secure_review",
        "Secure accommodation review",
        chair_title="Independent Reviewing Officer",
        expected_reports=(codes.ReportKind.SOCIAL_WORKER,),
    ),
    _other(
        "adoption_review",
        "Review of a child placed for adoption",
        chair_title="Independent Reviewing Officer",
        expected_reports=(codes.ReportKind.SOCIAL_WORKER, codes.ReportKind.HEALTH),
    ),
    _other("aim_meeting", "AIM meeting (harmful sexual behaviour)"),
    _other("cin_meeting", "Child in need meeting"),
    _other("disruption_meeting", "Disruption meeting"),
    _other("information_sharing", "Professionals' information-sharing meeting"),
)

MEETING_TYPES: dict[str, MeetingType] = {
    spec.kind: spec
    for spec in (_CIC_REVIEW, _ICPC, _TRANSFER_IN, _RCPC, _CORE_GROUP, *_OTHER)
}


def meeting_type(kind: str) -> MeetingType:
    """Return the declared type of a meeting kind."""
    return MEETING_TYPES[kind]


def checklist_topics(kind: str, *, child_age: int) -> tuple[str, ...]:
    """Return the topics a meeting must consider; the pathway plan only from 16."""
    topics = meeting_type(kind).checklist
    if child_age < 16:
        topics = tuple(t for t in topics if t != codes.ChecklistTopic.PATHWAY_PLAN)
    return topics


def meeting_types_in(group: str) -> list[MeetingType]:
    """Return the declared types of one group ("cic", "cp", "other"), in order."""
    return [spec for spec in MEETING_TYPES.values() if spec.group == group]
