"""Each kind of meeting, declared once as data: its clock, checklist, people and record."""

from __future__ import annotations

from dataclasses import dataclass

from . import codes


@dataclass(frozen=True)
class MeetingType:
    kind: str
    label: str
    chair_title: str
    # Rules, by code in cases.timescales.RULES.
    decisions_rule: str
    record_rule: str
    reconvene_rule: str | None
    checklist: tuple[str, ...]
    participant_roles: tuple[str, ...]
    expected_reports: tuple[str, ...]
    report_template: str
    letter_template: str | None
    record_title: str


MEETING_TYPES: dict[str, MeetingType] = {
    "cic_review": MeetingType(
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
    ),
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
