"""Regulation 44: children's homes, independent visits, reports and their sending.

Children's Homes (England) Regulations 2015, reg 44 (DOMAIN.md 1.4, 2.4, 3.4).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from cases import timescales


class Home(models.Model):
    """A children's home registered with Ofsted that needs monthly visits."""

    class RegistrationStatus(models.TextChoices):
        REGISTERED = "registered", "Registered"
        SUSPENDED = "suspended", "Registered, suspended"
        RESIGNED = "resigned", "Resigned (closed)"
        CANCELLED = "cancelled", "Cancelled by Ofsted (closed)"

    name = models.CharField(max_length=150)
    urn = models.CharField(
        "Ofsted URN",
        max_length=10,
        unique=True,
        error_messages={"unique": "Another home already has this Ofsted URN."},
        help_text="The home's Ofsted unique reference number, e.g. SC123456.",
    )
    provider_name = models.CharField("Registered provider", max_length=150)
    provider_email = models.EmailField("Registered provider's email", blank=True)
    registered_manager_name = models.CharField(
        "Registered manager", max_length=150, blank=True
    )
    registered_manager_email = models.EmailField(
        "Registered manager's email", blank=True
    )
    responsible_individual_name = models.CharField(
        "Responsible individual", max_length=150, blank=True
    )
    responsible_individual_email = models.EmailField(
        "Responsible individual's email", blank=True
    )
    ofsted_email = models.EmailField(
        "Ofsted (HMCI) email for reports",
        blank=True,
        help_text="Where reports about this home are sent to Ofsted.",
    )
    address = models.TextField()
    postcode = models.CharField(max_length=8)
    places = models.PositiveSmallIntegerField("Number of places")
    registration_status = models.CharField(
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
    )
    registered_on = models.DateField(
        "Registered on",
        null=True,
        blank=True,
        help_text="Monthly visits are required from the first whole month of registration.",
    )
    closed_on = models.DateField("Closed on", null=True, blank=True)
    is_local_authority_home = models.BooleanField(
        "Run by a local authority", default=False
    )
    local_authority_name = models.CharField(
        "Local authority running the home", max_length=150, blank=True
    )
    local_authority_email = models.EmailField(
        "That local authority's email", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "children's home"
        constraints = [
            models.CheckConstraint(
                condition=Q(places__gte=1), name="reg44_home_has_places"
            ),
            models.CheckConstraint(
                condition=Q(is_local_authority_home=False)
                | ~Q(local_authority_name=""),
                name="reg44_home_la_named",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(registered_on__isnull=True)
                | Q(closed_on__gte=F("registered_on")),
                name="reg44_home_closes_after_registration",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.urn})"

    def get_absolute_url(self):
        return reverse("reg44:home-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.registration_status in (
            self.RegistrationStatus.REGISTERED,
            self.RegistrationStatus.SUSPENDED,
        )


class PlacingAuthority(models.Model):
    """A local authority with a child placed in the home: it receives the reports."""

    home = models.ForeignKey(
        Home, on_delete=models.CASCADE, related_name="placing_authorities"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "placing authorities"

    def __str__(self):
        return self.name


class VisitorAssignment(models.Model):
    """An independent person (a user with the Reg 44 visitor role) assigned to a home."""

    home = models.ForeignKey(Home, on_delete=models.CASCADE, related_name="assignments")
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reg44_assignments",
    )
    started_on = models.DateField("From")
    ended_on = models.DateField("To", null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="reg44_assignment_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["visitor", "started_on", "ended_on"])]

    def __str__(self):
        return f"{self.visitor} at {self.home.name}"


class Visit(models.Model):
    """One independent person's visit to a home and the report about it.

    The visit's content is the report: while the report is a draft it can be
    edited; approving it fixes a numbered version (VisitReport) that is rendered
    and sent. Amending an approved report returns the visit to draft.
    """

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        DRAFT = "draft", "Visited: report in draft"
        APPROVED = "approved", "Report approved"

    class Opinion(models.TextChoices):
        YES = "yes", "Yes"
        PARTIALLY = "partially", "Partially"
        NO = "no", "No"

    class RecordKind(models.TextChoices):
        DAILY_LOG = "daily_log", "Daily log"
        PHYSICAL_INTERVENTION = (
            "physical_intervention",
            "Restraint and physical intervention",
        )
        SANCTIONS = "sanctions", "Sanctions"
        MISSING = "missing", "Missing from home episodes"
        COMPLAINTS = "complaints", "Complaints"
        INCIDENTS = "incidents", "Incidents and notifications"
        REG45 = "reg45", "Regulation 45 review report"
        STAFFING = "staffing", "Staffing rota and supervision"
        MEDICATION = "medication", "Medication records"
        CASE_RECORDS = "case_records", "Children's case records (with consent)"

    home = models.ForeignKey(Home, on_delete=models.PROTECT, related_name="visits")
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reg44_visits"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.BOOKED, db_index=True
    )
    visit_at = models.DateTimeField("Date and time of the visit")
    # The civil date of visit_at in Europe/London, kept by the services.
    visit_on = models.DateField(db_index=True)
    for_month = models.DateField(
        "Month this visit is for",
        help_text="The first day of the calendar month the visit counts for.",
    )
    # reg44_visit: the last day of for_month.
    due_on = models.DateField()
    is_unannounced = models.BooleanField("Unannounced", default=False)
    children_spoken_to = models.CharField(
        "Children spoken to (initials only)",
        max_length=200,
        blank=True,
        help_text="Initials only, separated by commas, e.g. AB, CD. Children are not "
        "linked to their records.",
    )
    children_consented = models.BooleanField(
        "Each child spoken to agreed to talk to the visitor", default=False
    )
    children_views = models.TextField("What children said", blank=True)
    staff_spoken_to = models.TextField(
        "Staff spoken to", blank=True, help_text="Roles (and names if appropriate)."
    )
    others_consulted = models.TextField(
        "Parents, relatives and professionals consulted", blank=True
    )
    records_examined = models.JSONField(default=list, blank=True)
    records_notes = models.TextField("Notes on the records examined", blank=True)
    premises_inspected = models.BooleanField("Premises inspected", default=False)
    premises_notes = models.TextField("Notes on the premises", blank=True)
    safeguarding_opinion = models.CharField(
        "Are children effectively safeguarded?",
        max_length=10,
        choices=Opinion.choices,
        blank=True,
    )
    safeguarding_evidence = models.TextField(
        "Evidence for the safeguarding opinion", blank=True
    )
    wellbeing_opinion = models.CharField(
        "Does the conduct of the home promote children's well-being?",
        max_length=10,
        choices=Opinion.choices,
        blank=True,
    )
    wellbeing_evidence = models.TextField(
        "Evidence for the well-being opinion", blank=True
    )
    findings = models.TextField("Other findings", blank=True)
    has_conflict_of_interest = models.BooleanField(
        "Conflict of interest declared", null=True, blank=True
    )
    conflict_details = models.TextField("Details of the conflict", blank=True)
    conflict_not_notified_reason = models.TextField(
        "Why it was not notified before the visit", blank=True
    )
    # reg44_report (local practice): stored, recalculated by the service that
    # changes the visit date.
    report_due_on = models.DateField(null=True, blank=True, db_index=True)
    report_sent_on = models.DateField(null=True, blank=True)
    report_version = models.PositiveSmallIntegerField(default=0)
    # Why the approved report was reopened; copied to the next version.
    amendment_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-visit_at", "-id"]
        indexes = [models.Index(fields=["home", "for_month"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(for_month__day=1), name="reg44_visit_month_starts"
            ),
            models.CheckConstraint(
                condition=Q(visit_on__gte=F("for_month")),
                name="reg44_visit_not_before_its_month",
            ),
            models.CheckConstraint(
                condition=Q(children_spoken_to="") | Q(children_consented=True),
                name="reg44_children_consented",
            ),
        ]
        permissions = [
            ("approve_visit_report", "Can approve and send Regulation 44 reports"),
            ("view_reg44_overview", "Can see the Regulation 44 overview"),
        ]

    def __str__(self):
        return f"Visit to {self.home.name} on {self.visit_on:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("reg44:visit-detail", kwargs={"pk": self.pk})

    @property
    def is_visited(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.APPROVED)

    @property
    def is_made_in_time(self) -> bool:
        return timescales.is_in_time(held_on=self.visit_on, due_on=self.due_on)

    @property
    def records_examined_labels(self) -> list[str]:
        labels = dict(self.RecordKind.choices)
        return [labels.get(code, code) for code in self.records_examined]


class Recommendation(models.Model):
    """A recommendation of a visit and the registered person's response (reg 44(5))."""

    class Response(models.TextChoices):
        AWAITING = "awaiting", "Awaiting response"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    class Outcome(models.TextChoices):
        MET = "met", "Met"
        PARTLY_MET = "partly_met", "Partly met"
        NOT_MET = "not_met", "Not met"

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField()
    text = models.TextField("Recommendation")
    consider_by = models.DateField(
        "To be considered by",
        help_text="The timescale within which the registered person must consider it "
        "(reg 44(5)).",
    )
    response_status = models.CharField(
        "Provider's response",
        max_length=10,
        choices=Response.choices,
        default=Response.AWAITING,
    )
    response_text = models.TextField("What the provider said", blank=True)
    response_received_on = models.DateField(
        "Response received on", null=True, blank=True
    )
    # The latest follow-up at a later visit; met closes the recommendation.
    latest_outcome = models.CharField(
        max_length=10, choices=Outcome.choices, blank=True
    )
    is_open = models.BooleanField(default=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["visit", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "number"], name="reg44_recommendation_number_once"
            ),
            models.CheckConstraint(
                condition=Q(response_status="awaiting")
                | Q(response_received_on__isnull=False),
                name="reg44_response_has_date",
            ),
        ]

    def __str__(self):
        return f"Recommendation {self.number} of {self.visit}"

    def is_overdue_on(self, today) -> bool:
        """Return whether the consideration date passed with no response recorded."""
        return (
            self.response_status == self.Response.AWAITING and self.consider_by < today
        )


class FollowUp(models.Model):
    """How far a recommendation of an earlier visit was met, judged at a later visit."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="follow_ups"
    )
    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="follow_ups"
    )
    outcome = models.CharField(max_length=10, choices=Recommendation.Outcome.choices)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation__visit__visit_at", "recommendation__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "visit"], name="reg44_follow_up_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.recommendation}"


class VisitReport(models.Model):
    """One approved version of a visit's report: its content fixed at approval."""

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        SUPERSEDED = "superseded", "Superseded by a later version"

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.CURRENT
    )
    # What the PDF prints, fixed at approval (reg44.selectors.visit_report_content).
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)
    amendment_reason = models.CharField(max_length=300, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField()
    pdf = models.FileField(upload_to="reg44/%Y/%m/", blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        ordering = ["visit", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "version"], name="reg44_report_version_once"
            ),
            models.UniqueConstraint(
                fields=["visit"],
                condition=Q(status="current"),
                name="reg44_report_one_current",
            ),
        ]

    def __str__(self):
        return f"Report v{self.version} of {self.visit}"


class ReportSending(models.Model):
    """One sending of one report version to one recipient named by reg 44(7)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    report = models.ForeignKey(
        VisitReport, on_delete=models.PROTECT, related_name="sendings"
    )
    recipient_roles = models.CharField(max_length=300)
    recipient_name = models.CharField(max_length=300)
    recipient_email = models.EmailField()
    # The address in lower case: one sending per address and version.
    recipient_key = models.CharField(max_length=254)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "recipient_key"], name="reg44_sending_once"
            ),
        ]

    def __str__(self):
        return f"Report v{self.report.version} to {self.recipient_name}"


class Reg44Event(models.Model):
    """A step taken on a home or a visit; written only by services."""

    home = models.ForeignKey(Home, on_delete=models.CASCADE, related_name="events")
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    code = models.CharField(max_length=40)
    detail = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.code} at {self.at:%Y-%m-%d %H:%M}"
