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
from .oversight import Complaint, Dispute, DisputeStep, MonitoringNote
from .records import ChairReport, Distribution

__all__ = [
    "Action",
    "ChairReport",
    "ChecklistItem",
    "Complaint",
    "ConsultationResponse",
    "Dispute",
    "DisputeStep",
    "Distribution",
    "ExpectedReport",
    "Meeting",
    "MeetingEvent",
    "MonitoringNote",
    "Participant",
    "Rebooking",
]
