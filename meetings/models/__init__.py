from .core import (
    Action,
    ChecklistItem,
    ConsultationResponse,
    ExpectedReport,
    Meeting,
    MeetingEvent,
    Participant,
    Rebooking,
)
from .cp import (
    ConferenceChild,
    ConferenceSending,
    Exclusion,
    Minutes,
    MinutesSection,
    StrategyDiscussion,
)
from .oversight import Complaint, Dispute, DisputeStep, MonitoringNote
from .records import ChairReport, Distribution

__all__ = [
    "Action",
    "ChairReport",
    "ChecklistItem",
    "Complaint",
    "ConferenceChild",
    "ConferenceSending",
    "ConsultationResponse",
    "Dispute",
    "DisputeStep",
    "Distribution",
    "Exclusion",
    "ExpectedReport",
    "Meeting",
    "MeetingEvent",
    "Minutes",
    "MinutesSection",
    "MonitoringNote",
    "Participant",
    "Rebooking",
    "StrategyDiscussion",
]

from .alerts import AlertEntry, GoodPractice, PracticeAlert  # noqa: E402

__all__ += ["AlertEntry", "GoodPractice", "PracticeAlert"]
from .quality import (  # noqa: E402
    PanelReferral,
    QAMeeting,
    QualityCheck,
    QualityReportRow,
    TrainingTheme,
)

__all__ += [
    "PanelReferral",
    "QAMeeting",
    "QualityCheck",
    "QualityReportRow",
    "TrainingTheme",
]
