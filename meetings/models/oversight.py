"""Between reviews: IRO monitoring notes, dispute resolution and complaints."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .. import codes


class MonitoringNote(models.Model):
    """The IRO's footprint on the child's record between reviews."""

    child = models.ForeignKey(
        "cases.Child", on_delete=models.CASCADE, related_name="monitoring_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    noted_on = models.DateField()
    kind = models.CharField(max_length=20, choices=codes.NoteKind.choices)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-noted_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.noted_on:%d/%m/%Y}"


class Dispute(models.Model):
    """A concern the IRO takes through the dispute resolution process."""

    child = models.ForeignKey(
        "cases.Child", on_delete=models.CASCADE, related_name="disputes"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="raised_disputes",
    )
    raised_on = models.DateField()
    category = models.CharField(max_length=30, choices=codes.DisputeCategory.choices)
    summary = models.TextField(help_text="What is wrong and what the child needs.")
    # Where it came from, when it did: an action that drifted, or a meeting.
    source_action = models.ForeignKey(
        "meetings.Action",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disputes",
    )
    source_meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disputes",
    )
    stage = models.CharField(
        max_length=20,
        choices=codes.DisputeStage.choices,
        default=codes.DisputeStage.INFORMAL,
    )
    status = models.CharField(
        max_length=20,
        choices=codes.DisputeStatus.choices,
        default=codes.DisputeStatus.OPEN,
        db_index=True,
    )
    # drp_formal: 20 working days for the whole formal process, from the date it
    # first became formal.
    formal_started_on = models.DateField(null=True, blank=True)
    formal_due_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    cafcass_referred_on = models.DateField(null=True, blank=True)
    cafcass_reference = models.CharField(max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("raised_on")),
                name="dispute_closes_after_raised",
            ),
            models.CheckConstraint(
                condition=~Q(status="cafcass") | Q(cafcass_referred_on__isnull=False),
                name="dispute_cafcass_has_date",
            ),
        ]

    def __str__(self):
        return f"Dispute ({self.get_category_display()}) for {self.child.la_child_id}"

    def get_absolute_url(self):
        return reverse("meetings:dispute-detail", kwargs={"pk": self.pk})


class DisputeStep(models.Model):
    """One stage of a dispute: who was asked, by when, and what they said."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(max_length=20, choices=codes.DisputeStage.choices)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    escalated_to_name = models.CharField(max_length=150)
    requested_on = models.DateField()
    response_due_on = models.DateField()
    responded_on = models.DateField(null=True, blank=True)
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_on", "id"]

    def __str__(self):
        return self.get_stage_display()


class Complaint(models.Model):
    """A complaint arising from a review or conference, and its outcome."""

    child = models.ForeignKey(
        "cases.Child", on_delete=models.CASCADE, related_name="complaints"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    received_on = models.DateField()
    complainant_name = models.CharField(max_length=150)
    complainant_relationship = models.CharField(max_length=100)
    summary = models.TextField()
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(
        max_length=20, blank=True, choices=codes.ComplaintOutcome.choices
    )
    outcome_on = models.DateField(null=True, blank=True)
    outcome_summary = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome_on__isnull=False),
                name="complaint_outcome_has_date",
            ),
        ]

    def __str__(self):
        return f"Complaint from {self.complainant_name}"
