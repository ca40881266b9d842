"""Quality assurance: the chair's check after a meeting, QA meetings with team
managers, referrals to review panels and the training needs managers tag."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Agency(models.TextChoices):
    SOCIAL_CARE = "social_care", "Children's social care"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    POLICE = "police", "Police"
    CARER = "carer", "Carer or provider"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Other agency"


class ReportQuality(models.TextChoices):
    GOOD = "good", "Good"
    ADEQUATE = "adequate", "Adequate"
    POOR = "poor", "Poor"
    MISSING = "missing", "Missing"


class ParentParticipation(models.TextChoices):
    FULLY = "fully", "Fully"
    PARTLY = "partly", "Partly"
    NOT = "not", "Did not take part"


class PlanSmart(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class QualityCheck(models.Model):
    """The chair's structured check after a review or conference (one per meeting).

    It feeds the themes page and never blocks the record.
    """

    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="quality_check"
    )
    child_seen_before = models.BooleanField(
        "Child seen before the meeting",
        help_text="Did the chair see or speak to the child before the meeting?",
    )
    child_views_heard = models.BooleanField(
        "Child's views heard",
        help_text="Were the child's wishes and feelings heard before or at it?",
    )
    parents_participated = models.CharField(
        "Parents' participation", max_length=10, choices=ParentParticipation.choices
    )
    partners_attended = models.BooleanField(
        "Partner agencies attended",
        help_text="Did the agencies needed attend or send what was asked?",
    )
    is_quorate = models.BooleanField(
        "Quorate",
        help_text=(
            "For a child protection conference: the chair, children's social care "
            "and at least two other agencies."
        ),
    )
    plan_smart = models.CharField(
        "Plan is SMART", max_length=10, choices=PlanSmart.choices
    )
    comment = models.TextField(blank=True)
    # Copied from the meeting when the check is saved, so that the themes count
    # checks and report rows by date and team without joining the meetings.
    held_on = models.DateField(db_index=True)
    meeting_kind = models.CharField(max_length=30)
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The chair's team when the check was answered.",
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-completed_at", "-id"]

    def __str__(self):
        return f"Quality check of {self.meeting}"

    def get_absolute_url(self):
        return reverse("meetings:quality-check", kwargs={"pk": self.meeting_id})


class QualityReportRow(models.Model):
    """One agency's report for the meeting: on time, and how good."""

    quality_check = models.ForeignKey(
        QualityCheck, on_delete=models.CASCADE, related_name="report_rows"
    )
    agency = models.CharField(max_length=20, choices=Agency.choices)
    on_time = models.BooleanField()
    quality = models.CharField(max_length=10, choices=ReportQuality.choices)
    # The check's date and team again, for the same reason.
    held_on = models.DateField()
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quality_check", "agency"],
                name="quality_report_row_agency_once",
            ),
        ]
        indexes = [models.Index(fields=["held_on", "agency"])]

    def __str__(self):
        return f"{self.get_agency_display()}: {self.get_quality_display()}"


class QAMeeting(models.Model):
    """A quality assurance meeting with team managers."""

    held_on = models.DateField(db_index=True)
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="qa_meetings",
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="qa_meetings"
    )
    other_attendees = models.TextField(
        blank=True, help_text="People without an account here, one a line."
    )
    concerns = models.TextField("Concerns discussed")
    decisions = models.TextField(blank=True)
    escalations = models.TextField(blank=True)
    # A dispute the meeting escalated to, when there is one.
    escalated_dispute = models.ForeignKey(
        "meetings.Dispute",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="qa_meetings",
    )
    # The practice alert escalated, by number: alerts live in their own module
    # with their own migration, so the link is kept as the alert's id.
    escalated_alert_id = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["-held_on", "-id"]
        permissions = [
            ("record_qa", "Can record QA meetings and panel referrals"),
            ("tag_training_theme", "Can tag training needs on the themes page"),
        ]

    def __str__(self):
        team = f" with {self.team}" if self.team_id else ""
        return f"QA meeting{team} on {self.held_on:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("meetings:qa-meeting-detail", kwargs={"pk": self.pk})


class PanelReferral(models.Model):
    """A child's case referred to a review panel, and what came of it."""

    class Panel(models.TextChoices):
        CASE_REVIEW = "case_review", "Interagency case review panel"
        RAPID_REVIEW = "rapid_review", "Safeguarding partnership: rapid review"
        CSPR = "cspr", "Safeguarding partnership: child safeguarding practice review"

    child = models.ForeignKey(
        "cases.Child", on_delete=models.CASCADE, related_name="panel_referrals"
    )
    panel = models.CharField(max_length=20, choices=Panel.choices)
    referred_on = models.DateField(db_index=True)
    reason = models.TextField()
    qa_meeting = models.ForeignKey(
        QAMeeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.TextField(blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome_on__isnull=False),
                name="panel_referral_outcome_has_date",
            ),
            models.CheckConstraint(
                condition=Q(outcome_on__isnull=True)
                | Q(outcome_on__gte=F("referred_on")),
                name="panel_referral_outcome_after_referral",
            ),
        ]

    def __str__(self):
        return f"{self.get_panel_display()} referral for {self.child.la_child_id}"

    def get_absolute_url(self):
        return reverse("meetings:panel-referral-outcome", kwargs={"pk": self.pk})


class TrainingTheme(models.Model):
    """A training need a manager draws from the themes, tagged in free text."""

    tag = models.CharField(max_length=60, db_index=True)
    detail = models.TextField(blank=True)
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_themes",
    )
    noted_on = models.DateField(db_index=True)
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-noted_on", "-id"]

    def __str__(self):
        return self.tag
