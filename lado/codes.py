"""Code lists for LADO allegations (DOMAIN.md 2.3). Values are stable: they are
exported in the annual figures."""

from django.db import models


class Sector(models.TextChoices):
    EDUCATION = "education", "Education"
    EARLY_YEARS = "early_years", "Early years and childcare"
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    SOCIAL_CARE = "social_care", "Children's social care"
    FOSTER_CARE = "foster_care", "Foster care"
    RESIDENTIAL_CARE = "residential_care", "Residential care"
    FAITH = "faith", "Faith organisation"
    SPORT_LEISURE = "sport_leisure", "Sport and leisure"
    VOLUNTARY = "voluntary", "Voluntary and community"
    TRANSPORT = "transport", "Transport"
    OTHER = "other", "Other"


class ReferralSource(models.TextChoices):
    EMPLOYER = "employer", "Employer, DSL or headteacher"
    POLICE = "police", "Police"
    SOCIAL_CARE = "social_care", "Children's social care"
    PARENT = "parent", "Parent or carer"
    CHILD = "child", "Child or young person"
    OFSTED = "ofsted", "Ofsted"
    HEALTH = "health", "Health"
    OTHER_LADO = "other_lado", "Another authority's LADO"
    PUBLIC = "public", "Member of the public"
    ANONYMOUS = "anonymous", "Anonymous"
    SELF = "self", "Self-referral"
    OTHER = "other", "Other"


class Category(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    SEXUAL = "sexual", "Sexual"
    EMOTIONAL = "emotional", "Emotional"
    NEGLECT = "neglect", "Neglect"
    SUITABILITY = "suitability", "Suitability / transferable risk"


class HarmCriterion(models.TextChoices):
    """The four limbs of the harm test (KCSIE Part four; WT 2023 ch.4): any one."""

    HARMED = (
        "harmed",
        "Behaved in a way that has harmed a child, or may have harmed a child",
    )
    OFFENCE = (
        "offence",
        "Possibly committed a criminal offence against or related to a child",
    )
    RISK = (
        "risk",
        "Behaved towards a child or children in a way that indicates they may pose "
        "a risk of harm to children",
    )
    SUITABILITY = (
        "suitability",
        "Behaved or may have behaved in a way that indicates they may not be "
        "suitable to work with children (transferable risk)",
    )


class Decision(models.TextChoices):
    """The LADO's initial consideration (DOMAIN.md 2.3 contact type)."""

    THRESHOLD_MET = "threshold_met", "Referral: the harm test is met"
    THRESHOLD_NOT_MET = (
        "threshold_not_met",
        "Referral: the harm test is not met (employer to manage)",
    )
    CONSULTATION = "consultation", "Consultation or advice only"
    MORE_INFORMATION = "more_information", "More information is needed"


class ContactType(models.TextChoices):
    CONSULTATION = "consultation", "Consultation"
    REFERRAL = "referral", "Referral"
    UNDECIDED = "undecided", "Awaiting decision"


class Status(models.TextChoices):
    AWAITING_DECISION = "awaiting_decision", "Awaiting initial consideration"
    IN_MANAGEMENT = "in_management", "Being managed"
    OUTCOME_RECORDED = "outcome_recorded", "Outcome recorded"
    CLOSED = "closed", "Closed"


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", "Substantiated"
    FALSE = "false", "False"
    MALICIOUS = "malicious", "Malicious"
    UNSUBSTANTIATED = "unsubstantiated", "Unsubstantiated"
    UNFOUNDED = "unfounded", "Unfounded"


# KCSIE Part four "Allegation outcomes", shown to the LADO when choosing.
OUTCOME_DEFINITIONS = {
    Outcome.SUBSTANTIATED: "There is sufficient evidence to prove the allegation.",
    Outcome.FALSE: "There is sufficient evidence to disprove the allegation.",
    Outcome.MALICIOUS: (
        "There is sufficient evidence to disprove the allegation and there has been "
        "a deliberate act to deceive, or to cause harm to the person subject of the "
        "allegation."
    ),
    Outcome.UNSUBSTANTIATED: (
        "There is insufficient evidence to either prove or disprove the allegation. "
        "The term does not imply guilt or innocence."
    ),
    Outcome.UNFOUNDED: (
        "There is no evidence or proper basis which supports the allegation being made."
    ),
}


class EmployerAction(models.TextChoices):
    DISMISSAL = "dismissal", "Dismissal"
    RESIGNATION = "resignation", "Resignation"
    DISCIPLINARY = "disciplinary", "Disciplinary action (warning)"
    TRAINING = "training", "Management advice or training"
    NO_ACTION = "no_action", "No action"


class Regulator(models.TextChoices):
    OFSTED = "ofsted", "Ofsted"
    TRA = "tra", "Teaching Regulation Agency"
    SWE = "swe", "Social Work England"
    NMC = "nmc", "Nursing and Midwifery Council"
    GMC = "gmc", "General Medical Council"
    HCPC = "hcpc", "Health and Care Professions Council"


class InterimMeasure(models.TextChoices):
    NONE = "none", "None"
    SUSPENSION = "suspension", "Suspension"
    REDEPLOYMENT = "redeployment", "Redeployment or alternative duties"
    SUPERVISION = "supervision", "Supervised or restricted contact with children"
    LEAVE = "leave", "Agreed leave"
    OTHER = "other", "Other"


class PoliceOutcome(models.TextChoices):
    ONGOING = "ongoing", "Investigation ongoing"
    NFA = "nfa", "No further action"
    CAUTION = "caution", "Caution"
    CHARGE = "charge", "Charged"
    CONVICTION = "conviction", "Convicted"
    ACQUITTAL = "acquittal", "Acquitted"


class MeetingKind(models.TextChoices):
    STRATEGY = "strategy", "Allegation management (strategy) meeting"
    REVIEW = "review", "Review meeting"
    OUTCOME = "outcome", "Outcome meeting"


class MatchStatus(models.TextChoices):
    SUGGESTED = "suggested", "To confirm"
    CONFIRMED = "confirmed", "Confirmed: the same adult"
    REJECTED = "rejected", "Rejected: a different adult"


class DistributionStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


# How each step in an allegation's log reads on the page.
EVENT_LABELS = {
    "referral_logged": "Referral logged",
    "referral_updated": "Referral corrected",
    "child_added": "Child added",
    "child_removed": "Child removed",
    "repeat_subject_suggested": "Earlier allegations found",
    "repeat_subject_confirmed": "Repeat subject confirmed",
    "repeat_subject_rejected": "Repeat subject rejected",
    "decision_recorded": "Initial consideration",
    "management_updated": "Management record updated",
    "meeting_recorded": "Meeting recorded",
    "meeting_updated": "Meeting updated",
    "attendee_added": "Attendee added",
    "action_added": "Action added",
    "action_completed": "Action done",
    "action_chased": "Overdue action chased",
    "minutes_issued": "Minutes issued",
    "minutes_distribution_requested": "Minutes to be sent",
    "minutes_sent": "Minutes sent",
    "minutes_send_failed": "Minutes could not be sent",
    "outcome_recorded": "Outcome recorded",
    "closed": "Case closed",
    "legal_hold_placed": "Legal hold placed",
    "legal_hold_lifted": "Legal hold lifted",
}
