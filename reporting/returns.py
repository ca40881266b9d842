"""Statutory return extracts: SSDA903 CSV files and the CIN census child protection XML.

Formats follow DOMAIN.md Part B 5 (the DfE validators' structures): 903 CSVs with
exact column sets and dd/mm/yyyy dates; the CIN census XML with ISO dates. The
data comes from the apps' selectors; this module only shapes it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from xml.etree import ElementTree as ET

from django.utils import timezone

from cases.selectors import clock_get
from meetings import selectors as meetings_selectors

HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODE_COLUMNS = (
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
)
REVIEW_COLUMNS = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")

# SSDA903 SEX and CIN census Sex: M, F or U (the 903 validator's rule 101 code
# list; the older 1/2 codes are rejected).
SEX_903 = SEX_CIN = {"male": "M", "female": "F"}


@dataclass(frozen=True)
class CollectionYear:
    """The collection year ending 31 March `year`."""

    year: int

    @property
    def start(self) -> date:
        return date(self.year - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.year, 3, 31)


def _dmy(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def _csv(columns, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def ssda903_files(period: CollectionYear) -> dict[str, str]:
    """Return {"header.csv", "episodes.csv", "reviews.csv": text} for the year."""
    episodes = list(
        meetings_selectors.returns_care_episodes(start=period.start, end=period.end)
    )
    children = {}
    for episode in episodes:
        children.setdefault(episode.child.la_child_id, episode.child)
    header_rows = [
        [
            child.la_child_id,
            SEX_903.get(child.gender, "U"),
            _dmy(child.date_of_birth),
            child.ethnicity,
            child.upn or "UN1",
            "",
            "",
        ]
        for child in children.values()
    ]
    episode_rows = [
        [
            e.child.la_child_id,
            _dmy(e.started_on),
            e.reason_new_episode,
            e.legal_status,
            e.category_of_need,
            e.placement_type,
            "",
            # An episode still open at the end of the year has no end date yet.
            _dmy(e.ended_on if e.ended_on and e.ended_on <= period.end else None),
            e.reason_ended if e.ended_on and e.ended_on <= period.end else "",
            "",
            "",
            # No placement location for short breaks (V3/V4: rules 214, 398).
            "" if e.is_short_break else e.placement_postcode,
            "",
        ]
        for e in episodes
    ]
    review_rows = [
        [
            m.child.la_child_id,
            _dmy(m.child.date_of_birth),
            _dmy(m.held_on),
            m.participation_code,
        ]
        for m in meetings_selectors.returns_reviews(start=period.start, end=period.end)
    ]
    return {
        "header.csv": _csv(HEADER_COLUMNS, header_rows),
        "episodes.csv": _csv(EPISODE_COLUMNS, episode_rows),
        "reviews.csv": _csv(REVIEW_COLUMNS, review_rows),
    }


def _add(parent, tag: str, value=None):
    element = ET.SubElement(parent, tag)
    if value is not None:
        element.text = value.isoformat() if isinstance(value, date) else str(value)
    return element


def cin_census_xml(period: CollectionYear, *, la_code: str = "000") -> bytes:
    """Return the CIN census child protection modules (section 47 and plans) for
    the year as XML bytes."""
    clock = clock_get()
    message = ET.Element("Message")
    header = _add(message, "Header")
    details = _add(header, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", period.year)
    _add(details, "ReferenceDate", period.end)
    source = _add(header, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", la_code)
    _add(source, "SoftwareCode", "Reviewing service")
    _add(source, "Release", "1")
    _add(source, "SerialNo", "1")
    _add(source, "DateTime", timezone.localtime().replace(microsecond=0).isoformat())
    children = _add(message, "Children")
    for child in meetings_selectors.returns_cp_children(
        start=period.start, end=period.end
    ):
        element = _add(children, "Child")
        ids = _add(element, "ChildIdentifiers")
        _add(ids, "LAchildID", child.la_child_id)
        if child.upn:
            _add(ids, "UPN", child.upn)
        else:
            _add(ids, "UPNunknown", "UN1")
        _add(ids, "PersonBirthDate", child.date_of_birth)
        _add(ids, "Sex", SEX_CIN.get(child.gender, "U"))
        characteristics = _add(element, "ChildCharacteristics")
        _add(characteristics, "Ethnicity", child.ethnicity)
        cin = _add(element, "CINdetails")
        starts = [s.held_on for s in child.returns_s47] + [
            p.started_on for p in child.returns_plans
        ]
        _add(cin, "CINreferralDate", min(starts))
        _add(cin, "ReferralSource", "1A")
        _add(cin, "PrimaryNeedCode", "N1")
        # A child with a section 47 or a plan was not closed with no further action.
        _add(cin, "ReferralNFA", "false")
        for s47 in child.returns_s47:
            section = _add(cin, "Section47")
            _add(section, "S47ActualStartDate", s47.held_on)
            conference = s47.conference
            target = (
                conference.due_on
                if conference is not None
                else clock.due("cp_icpc", s47.held_on).due
            )
            _add(section, "InitialCPCtarget", target)
            # Only a conference held within the census year is reported (8715).
            if (
                conference is not None
                and conference.held_on
                and period.start <= conference.held_on <= period.end
            ):
                _add(section, "DateOfInitialCPC", conference.held_on)
            _add(section, "ICPCnotRequired", "false")
        for plan in child.returns_plans:
            previous = sum(
                1 for p in child.returns_all_plans if p.started_on < plan.started_on
            )
            module = _add(cin, "ChildProtectionPlans")
            _add(module, "CPPstartDate", plan.started_on)
            if plan.ended_on and plan.ended_on <= period.end:
                _add(module, "CPPendDate", plan.ended_on)
            _add(module, "InitialCategoryOfAbuse", plan.initial_category)
            _add(module, "LatestCategoryOfAbuse", plan.latest_category)
            _add(module, "NumberOfPreviousCPP", previous)
            reviews = _add(module, "Reviews")
            for review in child.returns_reviews:
                in_plan = review.held_on >= plan.started_on and (
                    plan.ended_on is None or review.held_on <= plan.ended_on
                )
                if in_plan:
                    _add(reviews, "CPPreviewDate", review.held_on)
    ET.indent(message)
    return ET.tostring(message, encoding="utf-8", xml_declaration=True)
