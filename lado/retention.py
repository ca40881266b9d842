"""Allegation records in the retention schedule (cases.retention).

The rule itself (DOMAIN.md LA-08) lives with the other retention rules in
`cases.retention`; the names below keep the allegation page's reads unchanged.
Closed allegations only: an open case is never due. A malicious allegation is
due once the case is closed; every other outcome is kept until the adult's
normal pension age or 10 years from the allegation, whichever is longer.
"""

from __future__ import annotations

from datetime import date

from cases.retention import (
    RETENTION_RULES,
    AllegationRetention,
    DueRecord,
    RecordType,
    Schedule,
    allegation_retention_due,
    register,
    register_release,
    years_after,
)
from cases.retention import RetentionDue as DisposalDue

from . import codes

# The allegation page's names for the LA-08 rule.
RetentionDue = AllegationRetention
retention_review_due = allegation_retention_due
SOURCE = RETENTION_RULES["ret_lado_allegation"].source


def _due_records(today: date, schedule: Schedule) -> list[DueRecord]:
    from .models import Allegation

    rows = (
        Allegation.objects.filter(status=codes.Status.CLOSED)
        .values_list(
            "pk",
            "outcome",
            "closed_on",
            "came_to_employer_attention_on",
            "received_on",
            "subject_date_of_birth",
        )
        .order_by("closed_on", "pk")
    )
    due = []
    for pk, outcome, closed_on, attention_on, received_on, dob in rows.iterator():
        if outcome == codes.Outcome.MALICIOUS:
            code = "ret_lado_malicious"
            result = DisposalDue(
                code,
                years_after(closed_on, schedule.years(code)),
                "Found malicious: removed once the case is closed "
                f"({closed_on:%d/%m/%Y}).",
            )
        else:
            review = allegation_retention_due(
                allegation_on=attention_on or received_on,
                subject_date_of_birth=dob,
                pension_age_years=schedule.pension_age_years,
            )
            result = DisposalDue(
                "ret_lado_allegation", review.review_on, review.explanation
            )
        if result.due_on <= today:
            due.append(
                DueRecord("lado_allegation", pk, f"Allegation LADO-{pk:05d}", result)
            )
    return due


def _own_holds(ids) -> set[int]:
    from .models import LegalHold

    return set(
        LegalHold.objects.filter(
            allegation_id__in=list(ids), lifted_at__isnull=True
        ).values_list("allegation_id", flat=True)
    )


def _release_children(ids) -> None:
    """Keep a disposed child in the allegations that name them by initials only:
    the allegation is kept under its own rule, the child's record is not."""
    from .models import InvolvedChild

    links = InvolvedChild.objects.filter(child_id__in=list(ids)).select_related("child")
    for link in links:
        initials = link.initials or (
            f"{link.child.first_name[:1]}{link.child.last_name[:1]}".upper() or "?"
        )
        InvolvedChild.objects.filter(pk=link.pk).update(child=None, initials=initials)


register_release("child", _release_children)

register(
    RecordType(
        code="lado_allegation",
        label="LADO allegation (with its meetings, minutes and actions)",
        model="lado.Allegation",
        rule_codes=("ret_lado_allegation", "ret_lado_malicious"),
        due_records=_due_records,
        url_name="lado:allegation-detail",
        own_holds=_own_holds,
    )
)
