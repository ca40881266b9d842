"""Code lists for meetings (SSDA903 participation codes and local enumerations)."""

from django.db import models


class ParticipationCode(models.TextChoices):
    PN0 = "PN0", "PN0 Child aged under 4 at the time of the review"
    PN1 = "PN1", "PN1 Child attends and speaks for him or herself"
    PN2 = "PN2", "PN2 Child attends and an advocate speaks on his or her behalf"
    PN3 = "PN3", "PN3 Child attends and conveys views symbolically (non-verbally)"
    PN4 = "PN4", "PN4 Child attends but does not speak, convey views or ask an advocate"
    PN5 = "PN5", "PN5 Child does not attend but briefs an advocate to speak for them"
    PN6 = (
        "PN6",
        "PN6 Child does not attend but conveys feelings by a facilitative medium",
    )
    PN7 = "PN7", "PN7 Child does not attend nor are views conveyed"


class EarlyReviewReason(models.TextChoices):
    IRO_REQUEST = "iro_request", "The IRO requested it (reg 33(3)(a))"
    REG30_VISIT = (
        "reg30_visit",
        "Welfare not adequately safeguarded at a visit (reg 33(3)(b))",
    )
    S21_ACCOMMODATION = "s21", "Accommodated under s.21(2)(b)/(c) (reg 33(3)(c))"
    DETENTION = (
        "detention",
        "Detained in a secure training centre or YOI (reg 33(3)(d))",
    )
    S20_ENDING = (
        "s20_ending",
        "Proposal to stop accommodating under s.20 (reg 33(3)(e))",
    )
    CARE_PLAN_CHANGE = (
        "care_plan_change",
        "Significant change to the care plan (reg 32(2))",
    )


class CarePlanView(models.TextChoices):
    ENDORSED = "endorsed", "Endorsed"
    ENDORSED_IN_PART = "endorsed_in_part", "Endorsed in part"
    NOT_ENDORSED = "not_endorsed", "Not endorsed (consider dispute resolution)"


class ParticipantRole(models.TextChoices):
    CHILD = "child", "Child"
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    SCHOOL = "school", "School / designated teacher"
    HEALTH = "health", "Health"
    ADVOCATE = "advocate", "Advocate"
    INTERPRETER = "interpreter", "Interpreter"
    INDEPENDENT_VISITOR = "independent_visitor", "Independent visitor"
    POLICE = "police", "Police"
    OTHER_PROFESSIONAL = "other_professional", "Other professional"
    OTHER = "other", "Other"


class Attendance(models.TextChoices):
    INVITED = "invited", "Invited"
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    REPORT_ONLY = "report_only", "Sent a report (did not attend)"
    EXCLUDED_PART = "excluded_part", "Excluded from part"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


class HowChildTakesPart(models.TextChoices):
    ATTEND_AND_SPEAK = "attend_speak", "Attend and speak for themselves"
    ATTEND_WITH_ADVOCATE = (
        "attend_advocate",
        "Attend with an advocate speaking for them",
    )
    MEET_IRO_BEFORE = "meet_iro", "Meet the IRO before the review instead of attending"
    WRITTEN_VIEWS = "written", "Send their views in writing, by text or video"
    ADVOCATE_ONLY = "advocate_only", "Not attend; an advocate will speak for them"
    NOT_TAKING_PART = "not_taking_part", "Does not wish to take part"


class ConsulteeRole(models.TextChoices):
    CHILD = "child", "Child"
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    OTHER = "other", "Other"


class ChecklistTopic(models.TextChoices):
    CARE_PLAN = "care_plan", "Care plan and permanence"
    PLACEMENT = "placement", "Placement"
    HEALTH = "health", "Health assessment"
    PEP = "pep", "Personal Education Plan"
    CONTACT = "contact", "Contact with family"
    LEGAL_STATUS = "legal_status", "Legal status"
    PATHWAY_PLAN = "pathway_plan", "Pathway plan (16+)"


class ReportKind(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker's report"
    CARE_PLAN = "care_plan", "Care plan"
    PEP = "pep", "Personal Education Plan"
    HEALTH = "health", "Health assessment / plan"
    PLACEMENT_PLAN = "placement_plan", "Placement plan"
    PATHWAY_PLAN = "pathway_plan", "Pathway plan"
    CARER = "carer", "Carer's report"
    OTHER = "other", "Other report"


class DisputeStage(models.TextChoices):
    INFORMAL = "informal", "Informal resolution"
    STAGE_1 = "stage_1", "Formal stage 1: team manager"
    STAGE_2 = "stage_2", "Formal stage 2: service manager"
    STAGE_3 = "stage_3", "Formal stage 3: head of service"
    STAGE_4 = "stage_4", "Formal stage 4: director / assistant director"


class DisputeCategory(models.TextChoices):
    CARE_PLANNING = "care_planning", "Care planning"
    DRIFT = "drift", "Implementation drift or delay"
    PERMANENCE = "permanence", "Permanence"
    PLACEMENT = "placement", "Placement"
    CONTACT = "contact", "Contact"
    EDUCATION = "education", "Education / PEP"
    HEALTH = "health", "Health"
    ALLOCATION = "allocation", "Social worker allocation"
    PARTICIPATION = "participation", "Participation / advocacy"
    LEGAL_STATUS = "legal_status", "Legal status / s.20 drift"
    PATHWAY = "pathway", "Pathway planning"


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    PARTLY_RESOLVED = "partly_resolved", "Partly resolved"
    CAFCASS = "cafcass", "Referred to Cafcass"
    WITHDRAWN = "withdrawn", "Withdrawn"


class NoteKind(models.TextChoices):
    CONTACT_SW = "contact_sw", "Contact with the social worker"
    SAW_CHILD = "saw_child", "Saw or spoke to the child"
    CASE_CHECK = "case_check", "Case file check"
    MIDWAY_REVIEW = "midway", "Midway review of progress"
    OTHER = "other", "Other"


class ComplaintOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"
    WITHDRAWN = "withdrawn", "Withdrawn"
