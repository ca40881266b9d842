"""Quality assurance by the chair: practice alerts to team managers, and good
practice recognised.

An alert is never edited once answered: every step (raised, response, chase,
comment, escalation) is an `AlertEntry` row with who and when.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class PracticeAlert(models.Model):
    """A chair's challenge to the responsible team manager: what is wrong, what
    is asked, and by when (practice_alert_response)."""

    class Category(models.TextChoices):
        PLANNING_DRIFT = "planning_drift", "Planning drift"
        VISITS_OVERDUE = "visits_overdue", "Visits overdue"
        ASSESSMENT_QUALITY = "assessment_quality", "Assessment quality"
        PLAN_NOT_PROGRESSED = "plan_not_progressed", "Plan not progressed"
        REPORT_LATE_OR_POOR = "report_late_or_poor", "Report late or poor"
        CHILD_NOT_SEEN = "child_not_seen", "Child not seen"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Awaiting response"
        RESPONDED = "responded", "Responded"
        ESCALATED = "escalated", "Escalated to dispute resolution"

    child = models.ForeignKey(
        "cases.Child", on_delete=models.CASCADE, related_name="practice_alerts"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practice_alerts",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="practice_alerts_raised",
    )
    raised_on = models.DateField()
    addressed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="practice_alerts_received",
    )
    # The team whose practice it is about, for the managers' themes.
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practice_alerts",
    )
    category = models.CharField(max_length=30, choices=Category.choices)
    concern = models.TextField(help_text="What is wrong, as the child experiences it.")
    asked = models.TextField(help_text="What the team manager is asked to do.")
    due_on = models.DateField(db_index=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    responded_on = models.DateField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    response = models.TextField(blank=True)
    action_agreed = models.TextField(blank=True)
    # The last chase; an open alert past due_on not chased since then is chased
    # once by the daily job.
    chased_on = models.DateField(null=True, blank=True)
    escalated_on = models.DateField(null=True, blank=True)
    dispute = models.OneToOneField(
        "meetings.Dispute",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practice_alert",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "-id"]
        permissions = [
            (
                "raise_practice_alerts",
                "Can raise practice alerts and record good practice",
            ),
            ("respond_practice_alerts", "Can respond to practice alerts as a manager"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("raised_on")),
                name="practice_alert_due_after_raised",
            ),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True)
                | Q(responded_on__gte=F("raised_on")),
                name="practice_alert_responds_after_raised",
            ),
            models.CheckConstraint(
                condition=~Q(status="escalated") | Q(escalated_on__isnull=False),
                name="practice_alert_escalation_has_date",
            ),
        ]
        indexes = [models.Index(fields=["raised_on", "category"])]

    def __str__(self):
        return f"Practice alert ({self.get_category_display()}) for {self.child.la_child_id}"

    def get_absolute_url(self):
        return reverse("meetings:alert-detail", kwargs={"pk": self.pk})

    @property
    def is_responded_late(self) -> bool:
        return self.responded_on is not None and self.responded_on > self.due_on


class AlertEntry(models.Model):
    """One step in an alert's life, append-only."""

    class Kind(models.TextChoices):
        RAISED = "raised", "Raised"
        RESPONSE = "response", "Response"
        CHASED = "chased", "Chased"
        COMMENT = "comment", "Comment"
        ESCALATED = "escalated", "Escalated"

    alert = models.ForeignKey(
        PracticeAlert, on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    on = models.DateField()
    text = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "alert entries"

    def __str__(self):
        return f"{self.get_kind_display()} on {self.on:%d/%m/%Y}"


class GoodPractice(models.Model):
    """Good practice a chair recognised, for a worker or a team."""

    child = models.ForeignKey(
        "cases.Child",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="good_practice",
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="good_practice",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="good_practice_received",
    )
    worker_name = models.CharField(max_length=150, blank=True)
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="good_practice",
    )
    what = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="good_practice_recorded",
    )
    recorded_on = models.DateField(db_index=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_on", "-id"]
        verbose_name_plural = "good practice"
        constraints = [
            models.CheckConstraint(
                condition=~Q(worker_name="") | Q(team__isnull=False),
                name="good_practice_names_worker_or_team",
            ),
        ]

    def __str__(self):
        return f"Good practice by {self.worker_display} on {self.recorded_on:%d/%m/%Y}"

    @property
    def worker_display(self) -> str:
        return self.worker_name or (str(self.team) if self.team_id else "")
