"""Meetings the service chairs, modelled once; each kind is declared in types.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .. import codes


class Meeting(models.Model):
    class Kind(models.TextChoices):
        CIC_REVIEW = "cic_review", "Children in Care review"
        # Child protection (DOMAIN.md 1.2, 3.2).
        ICPC = "icpc", "Initial child protection conference"
        TRANSFER_IN = "transfer_in", "Transfer-in child protection conference"
        RCPC = "rcpc", "Review child protection conference"
        CORE_GROUP = "core_group", "Core group meeting"
        # Other meetings the service chairs (the job descriptions in shared/seeds).
        FOSTER_CARER_REVIEW = "foster_carer_review", "Foster carer review"
        SHORT_BREAK_REVIEW = "short_break_review", "Short break care review"
        SECURE_REVIEW = "secure_review", "Secure accommodation review"
        ADOPTION_REVIEW = "adoption_review", "Review of a child placed for adoption"
        AIM_MEETING = "aim_meeting", "AIM meeting (harmful sexual behaviour)"
        CIN_MEETING = "cin_meeting", "Child in need meeting"
        DISRUPTION_MEETING = "disruption_meeting", "Disruption meeting"
        INFORMATION_SHARING = (
            "information_sharing",
            "Professionals' information-sharing meeting",
        )

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        ADJOURNED = "adjourned", "Adjourned (to reconvene)"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, related_name="meetings"
    )
    # The period of care (its starting episode) a review belongs to: a new
    # period of care restarts the chain of reviews.
    period_start = models.ForeignKey(
        "cases.CareEpisode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sequence = models.PositiveSmallIntegerField(
        help_text="1 for the first review of the period, 2 for the second, and so on."
    )
    # The statutory clock: which rule, from which start, gave which due date.
    due_rule = models.CharField(max_length=40)
    due_start_on = models.DateField()
    due_on = models.DateField(db_index=True)
    is_early = models.BooleanField(default=False)
    early_reason = models.CharField(
        max_length=30, blank=True, choices=codes.EarlyReviewReason.choices
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.SCHEDULED, db_index=True
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    is_online = models.BooleanField(default=False)
    online_details = models.CharField(max_length=300, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chaired_meetings",
    )
    minute_taker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="minuted_meetings",
    )
    held_on = models.DateField(null=True, blank=True, db_index=True)
    # An adjourned review (reg 36(2)) must reconvene within 20 working days. The
    # first sitting is the review date for timeliness; the reconvened date is kept.
    adjourned_on = models.DateField(null=True, blank=True)
    reconvene_due_on = models.DateField(null=True, blank=True)
    reconvened_on = models.DateField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=300, blank=True)
    # What the review recorded about the child.
    participation_code = models.CharField(
        max_length=3, blank=True, choices=codes.ParticipationCode.choices
    )
    child_seen_by_chair = models.BooleanField(
        null=True,
        blank=True,
        help_text="Did the IRO see or speak to the child before the review?",
    )
    advocate_offered = models.BooleanField(null=True, blank=True)
    interpreter_used = models.BooleanField(null=True, blank=True)
    care_plan_view = models.CharField(
        max_length=20, blank=True, choices=codes.CarePlanView.choices
    )
    # Record timescales, counted from the date held (local rules).
    decisions_due_on = models.DateField(null=True, blank=True)
    record_due_on = models.DateField(null=True, blank=True)
    decisions_circulated_on = models.DateField(null=True, blank=True)
    record_distributed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The meeting whose holding made this one owed (an initial conference owes
    # the first core group and review conference; a review, the next review).
    follows = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followed_by",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-due_on", "-id"]
        indexes = [
            models.Index(fields=["child", "kind", "sequence"]),
            models.Index(fields=["chair", "status", "due_on"]),
            # The dashboard's drill-down lists: one kind, held, by date held; with
            # what the annual report counts, so its one pass over a year's
            # reviews reads the index alone.
            models.Index(
                fields=["kind", "status", "held_on"],
                include=[
                    "id",
                    "due_rule",
                    "due_on",
                    "participation_code",
                    "child_seen_by_chair",
                    "advocate_offered",
                    "interpreter_used",
                ],
                name="meeting_kind_held_idx",
            ),
            # The records indicator: held meetings by the date their record is due.
            models.Index(fields=["status", "record_due_on"]),
            # The meetings list: open meetings, soonest due first.
            models.Index(
                fields=["due_on", "id"],
                condition=Q(status__in=["scheduled", "adjourned"]),
                name="meeting_open_by_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="held", held_on__isnull=False) | ~Q(status="held"),
                name="meeting_held_has_date",
            ),
            models.CheckConstraint(
                condition=Q(is_early=False) | ~Q(early_reason=""),
                name="meeting_early_has_reason",
            ),
            models.UniqueConstraint(
                fields=["child", "kind"],
                condition=Q(status__in=["scheduled", "adjourned"]),
                name="meeting_one_open_per_child_and_kind",
            ),
        ]
        permissions = [
            ("schedule_meeting", "Can book and rebook meetings"),
            ("chair_meeting", "Can record what happened at a meeting they chair"),
            ("approve_record", "Can approve a chair's report"),
            ("distribute_record", "Can distribute an approved record"),
            ("manage_disputes", "Can raise and progress disputes"),
            ("respond_disputes", "Can respond to disputes as a manager"),
            ("record_monitoring", "Can record IRO monitoring notes"),
            ("manage_complaints", "Can log complaints and their outcomes"),
            ("record_strategy", "Can record strategy discussions"),
            ("take_minutes", "Can draft minutes of meetings assigned to them"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.sequence} for {self.child.la_child_id}"

    def get_absolute_url(self):
        # Each kind names its page in types.py: the Children in Care review page,
        # or the shared page of conferences and other chaired meetings.
        return reverse(self.spec.detail_url, kwargs={"pk": self.pk})

    @property
    def spec(self):
        """The declared type of this meeting (meetings.types.MEETING_TYPES)."""
        from ..types import meeting_type

        return meeting_type(self.kind)

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SCHEDULED, self.Status.ADJOURNED)


class Rebooking(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="rebookings"
    )
    from_datetime = models.DateTimeField(null=True, blank=True)
    to_datetime = models.DateTimeField()
    reason = models.CharField(max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"Rebooked to {self.to_datetime:%d/%m/%Y %H:%M}"


class Participant(models.Model):
    """Someone invited to a meeting, and what became of the invitation."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="participants"
    )
    key_person = models.ForeignKey(
        "cases.KeyPerson",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=30, choices=codes.ParticipantRole.choices)
    organisation = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    invited_on = models.DateField(null=True, blank=True)
    attendance = models.CharField(
        max_length=20,
        choices=codes.Attendance.choices,
        default=codes.Attendance.INVITED,
    )
    exclusion_reason = models.CharField(max_length=300, blank=True)
    receives_record = models.BooleanField(
        default=True, help_text="Send this person the approved record."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(attendance="excluded_part") | ~Q(exclusion_reason=""),
                name="participant_exclusion_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class ExpectedReport(models.Model):
    """A report the meeting needs, and whether it has arrived."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="expected_reports"
    )
    kind = models.CharField(max_length=30, choices=codes.ReportKind.choices)
    author = models.CharField(max_length=150, blank=True)
    requested_on = models.DateField(null=True, blank=True)
    received_on = models.DateField(null=True, blank=True)
    shared_with_parents_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self):
        return self.get_kind_display()


class ConsultationResponse(models.Model):
    """Views gathered before a review: the child's in their own words, and others'."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="consultations"
    )
    from_role = models.CharField(max_length=20, choices=codes.ConsulteeRole.choices)
    name = models.CharField(max_length=150)
    views = models.TextField(help_text="In their own words.")
    how_child_takes_part = models.CharField(
        max_length=20, blank=True, choices=codes.HowChildTakesPart.choices
    )
    advocate_needed = models.BooleanField(default=False)
    interpreter_needed = models.BooleanField(default=False)
    interpreter_language = models.CharField(max_length=60, blank=True)
    received_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["from_role", "received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interpreter_needed=False) | ~Q(interpreter_language=""),
                name="consultation_interpreter_language_given",
            ),
        ]

    def __str__(self):
        return f"Views of {self.name}"


class ChecklistItem(models.Model):
    """One topic the review must consider, and what was said about it."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="checklist"
    )
    topic = models.CharField(max_length=30, choices=codes.ChecklistTopic.choices)
    considered = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "topic"], name="checklist_topic_once"
            )
        ]

    def __str__(self):
        return self.get_topic_display()


class Action(models.Model):
    """A decision or action from a meeting, with its owner and due date."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "No longer needed"

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="actions"
    )
    child = models.ForeignKey(
        "cases.Child", on_delete=models.CASCADE, related_name="actions"
    )
    text = models.TextField("Decision or action")
    owner_name = models.CharField(max_length=150)
    owner_role = models.CharField(
        max_length=30, blank=True, choices=codes.ParticipantRole.choices
    )
    owner_email = models.EmailField(blank=True)
    due_on = models.DateField(db_index=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN
    )
    completed_on = models.DateField(null=True, blank=True)
    completion_note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="action_done_has_date",
            ),
        ]
        indexes = [models.Index(fields=["child", "status"])]

    def __str__(self):
        return self.text[:80]


EVENT_LABELS = {
    "booked": "Booked",
    "rebooked": "Rebooked",
    "booking_cancelled": "Booking cancelled",
    "cancelled": "Cancelled",
    "due": "Review owed",
    "held": "Held",
    "adjourned": "Adjourned",
    "invited": "Invited",
    "consulted": "Views recorded",
    "dispute_raised": "Dispute raised",
    "decisions_circulated": "Decisions circulated",
    "record_started": "Record started",
    "record_saved": "Record saved",
    "record_submitted": "Record submitted for approval",
    "record_returned": "Record returned to draft",
    "record_approved": "Record approved",
    "record_superseded": "Record superseded",
    "record_amended": "Record amended (new version)",
    "record_render_requested": "PDFs requested",
    "record_rendered": "PDFs ready",
    "record_distribution_requested": "Distribution requested",
    "record_distributed": "Record distributed",
    "record_sent": "Sent",
    "record_send_failed": "Sending failed",
    "record_resend_requested": "Resend requested",
}


class MeetingEvent(models.Model):
    """Each step of a meeting and its record: who did what, and when."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    code = models.CharField(max_length=40)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.label}: {self.detail}" if self.detail else self.label

    @property
    def label(self) -> str:
        """The step in words, for people: 'record_approved' is 'Record approved'."""
        return EVENT_LABELS.get(self.code, self.code.replace("_", " ").capitalize())
