"""Allegations against adults who work with children, from referral to outcome.

Stored due dates (decision, 1, 3 and 12 months) come from the statutory clock
(cases.selectors.clock_get) and are recalculated by the service that changes the
referral date; nothing here computes dates.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from cases.codes import Gender

from . import codes


class Allegation(models.Model):
    """One contact with the LADO about an adult: a consultation or a referral."""

    status = models.CharField(
        max_length=20,
        choices=codes.Status.choices,
        default=codes.Status.AWAITING_DECISION,
        db_index=True,
    )
    lado_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="lado_allegations",
        verbose_name="LADO",
    )
    # The referral.
    received_at = models.DateTimeField("Received by the LADO")
    received_on = models.DateField(db_index=True, editable=False)
    referral_source = models.CharField(
        "Referred by (source)", max_length=20, choices=codes.ReferralSource.choices
    )
    referrer_name = models.CharField("Referrer's name", max_length=150)
    referrer_organisation = models.CharField(
        "Referrer's organisation", max_length=150, blank=True
    )
    referrer_role = models.CharField("Referrer's role", max_length=150, blank=True)
    referrer_contact = models.CharField(
        "Referrer's phone or email", max_length=254, blank=True
    )
    setting_name = models.CharField(
        "Employer or setting", max_length=200, db_index=True
    )
    sector = models.CharField(max_length=20, choices=codes.Sector.choices)
    came_to_employer_attention_on = models.DateField(
        "Date it came to the employer's attention", null=True, blank=True
    )
    # Working days from the employer learning of it to the LADO receiving it
    # (LA-02: within one working day), counted on the working-day calendar.
    employer_referral_working_days = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False
    )
    # The adult the allegation is about.
    subject_first_name = models.CharField("Adult's first name", max_length=100)
    subject_last_name = models.CharField("Adult's last name", max_length=100)
    subject_date_of_birth = models.DateField(
        "Adult's date of birth", null=True, blank=True
    )
    subject_role = models.CharField("Adult's role", max_length=150)
    subject_employer = models.CharField(
        "Adult's employer",
        max_length=200,
        blank=True,
        help_text="If not the setting above, e.g. a supply agency.",
    )
    subject_registration = models.CharField(
        "Professional registration",
        max_length=150,
        blank=True,
        help_text="e.g. teacher reference number, NMC PIN, Social Work England number.",
    )
    category = models.CharField(
        "Category of allegation", max_length=20, choices=codes.Category.choices
    )
    details = models.TextField("What is alleged")
    # Initial consideration (lado_decision).
    decision_due_on = models.DateField(db_index=True, editable=False)
    decision = models.CharField(
        max_length=20, choices=codes.Decision.choices, blank=True
    )
    first_response_on = models.DateField(null=True, blank=True, editable=False)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_rationale = models.TextField("Reasons for the decision", blank=True)
    harm_harmed = models.BooleanField(default=False)
    harm_offence = models.BooleanField(default=False)
    harm_risk = models.BooleanField(default=False)
    harm_suitability = models.BooleanField(default=False)
    # Management.
    police_involved = models.BooleanField(default=False)
    police_reference = models.CharField(max_length=60, blank=True)
    police_outcome = models.CharField(
        max_length=20, choices=codes.PoliceOutcome.choices, blank=True
    )
    section47_involved = models.BooleanField(
        "Children's social care (section 47) involved", default=False
    )
    section47_reference = models.CharField(max_length=60, blank=True)
    employer_investigation = models.BooleanField(
        "Employer's internal investigation", default=False
    )
    employer_investigation_notes = models.TextField(blank=True)
    interim_measure = models.CharField(
        max_length=20,
        choices=codes.InterimMeasure.choices,
        default=codes.InterimMeasure.NONE,
    )
    interim_measure_on = models.DateField("Interim measure from", null=True, blank=True)
    interim_measure_notes = models.CharField(max_length=300, blank=True)
    subject_informed_on = models.DateField(
        "Adult told of the allegation on", null=True, blank=True
    )
    # Outcome.
    outcome = models.CharField(max_length=20, choices=codes.Outcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    employer_actions = models.JSONField(default=list, blank=True)
    dbs_referred = models.BooleanField("Referred to the DBS", default=False)
    dbs_referred_on = models.DateField(null=True, blank=True)
    regulator_referrals = models.JSONField(default=list, blank=True)
    outcome_notes = models.TextField(blank=True)
    # Resolution marks (lado_1_month, lado_3_months, lado_12_months).
    one_month_due_on = models.DateField(editable=False)
    three_months_due_on = models.DateField(editable=False)
    twelve_months_due_on = models.DateField(editable=False)
    closed_on = models.DateField(null=True, blank=True, db_index=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delay_reason = models.TextField("Why it took longer than a month", blank=True)
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
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["subject_last_name", "subject_first_name"]),
            models.Index(fields=["lado_officer", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="threshold_met")
                | Q(harm_harmed=True)
                | Q(harm_offence=True)
                | Q(harm_risk=True)
                | Q(harm_suitability=True),
                name="lado_threshold_met_names_a_criterion",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_on__isnull=False),
                name="lado_decision_has_date",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="closed", closed_on__isnull=False)
                    | (~Q(status="closed") & Q(closed_on__isnull=True))
                ),
                name="lado_closed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(closed_on__gte=F("received_on")),
                name="lado_closed_after_received",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["outcome_recorded", "closed"])
                | ~Q(decision="threshold_met")
                | ~Q(outcome=""),
                name="lado_managed_case_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(dbs_referred=True) | Q(dbs_referred_on__isnull=True),
                name="lado_dbs_date_needs_referral",
            ),
        ]
        permissions = [
            ("view_lado_figures", "Can see LADO figures and employer patterns"),
            ("manage_retention", "Can place and lift a legal hold on a LADO record"),
        ]

    def __str__(self):
        return f"{self.reference}: {self.subject_name} ({self.setting_name})"

    def get_absolute_url(self):
        return reverse("lado:allegation-detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"LADO-{self.pk:05d}" if self.pk else "LADO (new)"

    @property
    def subject_name(self) -> str:
        return f"{self.subject_first_name} {self.subject_last_name}"

    @property
    def contact_type(self) -> str:
        if self.decision == codes.Decision.CONSULTATION:
            return codes.ContactType.CONSULTATION
        if self.decision in (
            codes.Decision.THRESHOLD_MET,
            codes.Decision.THRESHOLD_NOT_MET,
        ):
            return codes.ContactType.REFERRAL
        return codes.ContactType.UNDECIDED

    @property
    def contact_type_label(self) -> str:
        return codes.ContactType(self.contact_type).label

    @property
    def harm_criteria(self) -> list[str]:
        return [
            value
            for value in codes.HarmCriterion.values
            if getattr(self, f"harm_{value}")
        ]

    @property
    def harm_criteria_labels(self) -> list[str]:
        return [codes.HarmCriterion(value).label for value in self.harm_criteria]

    @property
    def employer_action_labels(self) -> list[str]:
        return [codes.EmployerAction(v).label for v in self.employer_actions or ()]

    @property
    def regulator_labels(self) -> list[str]:
        return [codes.Regulator(v).label for v in self.regulator_referrals or ()]

    @property
    def is_open(self) -> bool:
        return self.status != codes.Status.CLOSED


class InvolvedChild(models.Model):
    """A child the allegation concerns: a known child, or initials, age and gender."""

    allegation = models.ForeignKey(
        Allegation, on_delete=models.CASCADE, related_name="children"
    )
    child = models.ForeignKey(
        "cases.Child",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    initials = models.CharField(max_length=5, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "involved children"
        constraints = [
            models.CheckConstraint(
                condition=Q(child__isnull=False) | ~Q(initials=""),
                name="lado_child_linked_or_initials",
            ),
            models.CheckConstraint(
                condition=Q(age__isnull=True) | Q(age__lte=25),
                name="lado_child_age_range",
            ),
            models.UniqueConstraint(
                fields=["allegation", "child"],
                condition=Q(child__isnull=False),
                name="lado_child_linked_once",
            ),
        ]

    def __str__(self):
        if self.child_id:
            return str(self.child)
        return self.initials


class SubjectMatch(models.Model):
    """An earlier allegation about an adult of the same name and date of birth."""

    allegation = models.ForeignKey(
        Allegation, on_delete=models.CASCADE, related_name="matches"
    )
    earlier = models.ForeignKey(
        Allegation, on_delete=models.CASCADE, related_name="later_matches"
    )
    status = models.CharField(
        max_length=20,
        choices=codes.MatchStatus.choices,
        default=codes.MatchStatus.SUGGESTED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-earlier__received_at", "id"]
        verbose_name_plural = "subject matches"
        constraints = [
            models.UniqueConstraint(
                fields=["allegation", "earlier"], name="lado_match_once"
            ),
            models.CheckConstraint(
                condition=~Q(allegation=F("earlier")), name="lado_match_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.allegation_id} may match {self.earlier_id}"


class AllegationMeeting(models.Model):
    """An allegation management (strategy), review or outcome meeting."""

    allegation = models.ForeignKey(
        Allegation, on_delete=models.CASCADE, related_name="meetings"
    )
    kind = models.CharField(
        max_length=20,
        choices=codes.MeetingKind.choices,
        default=codes.MeetingKind.STRATEGY,
    )
    held_on = models.DateField("Held on")
    venue = models.CharField("Where or how", max_length=150, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    discussion = models.TextField(
        "Minutes: information shared and discussion", blank=True
    )
    decisions = models.TextField("Decisions", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.held_on:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse(
            "lado:meeting-detail",
            kwargs={"pk": self.allegation_id, "lado_meeting_pk": self.pk},
        )


class Attendee(models.Model):
    meeting = models.ForeignKey(
        AllegationMeeting, on_delete=models.CASCADE, related_name="attendees"
    )
    name = models.CharField(max_length=150)
    role = models.CharField("Role or agency", max_length=150, blank=True)
    email = models.EmailField(blank=True)
    attended = models.BooleanField(default=True)
    receives_minutes = models.BooleanField(
        default=True, help_text="May be sent the minutes (restricted circulation)."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name


class AllegationAction(models.Model):
    """An action agreed at a meeting, with its owner; chased daily when overdue."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    meeting = models.ForeignKey(
        AllegationMeeting, on_delete=models.CASCADE, related_name="actions"
    )
    allegation = models.ForeignKey(
        Allegation, on_delete=models.CASCADE, related_name="actions"
    )
    text = models.TextField("Action")
    owner_name = models.CharField(max_length=150)
    owner_email = models.EmailField(
        blank=True, help_text="Needed for automatic chasing when overdue."
    )
    due_on = models.DateField(db_index=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    completed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="lado_action_done_has_date",
            ),
        ]

    def __str__(self):
        return self.text[:80]


class ActionChase(models.Model):
    """One chasing email about one overdue action on one day (never two a day)."""

    action = models.ForeignKey(
        AllegationAction, on_delete=models.CASCADE, related_name="chases"
    )
    day = models.DateField()
    sent_to = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "day"], name="lado_chase_once_a_day"
            )
        ]

    def __str__(self):
        return f"Chased {self.sent_to} on {self.day:%d/%m/%Y}"


class MinutesVersion(models.Model):
    """An issued version of a meeting's minutes, fixed as issued."""

    meeting = models.ForeignKey(
        AllegationMeeting, on_delete=models.PROTECT, related_name="minutes_versions"
    )
    version = models.PositiveSmallIntegerField()
    discussion = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    attendees = models.JSONField(default=list)
    actions = models.JSONField(default=list)
    content_hash = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "version"], name="lado_minutes_version_once"
            )
        ]

    def __str__(self):
        return f"Minutes v{self.version} of {self.meeting}"


class MinutesDistribution(models.Model):
    """One sending of one version of the minutes to one attendee."""

    minutes = models.ForeignKey(
        MinutesVersion, on_delete=models.PROTECT, related_name="distributions"
    )
    attendee = models.ForeignKey(
        Attendee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="distributions",
    )
    recipient_name = models.CharField(max_length=150)
    recipient_email = models.EmailField()
    # The address in lower case: one sending per recipient per version.
    recipient_key = models.CharField(max_length=254)
    status = models.CharField(
        max_length=10,
        choices=codes.DistributionStatus.choices,
        default=codes.DistributionStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["minutes", "recipient_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "recipient_key"], name="lado_minutes_sent_once"
            )
        ]

    def __str__(self):
        return f"Minutes v{self.minutes.version} to {self.recipient_name}"


class LegalHold(models.Model):
    """A hold that stops the record being disposed of, until lifted with a reason."""

    allegation = models.ForeignKey(
        Allegation, on_delete=models.CASCADE, related_name="legal_holds"
    )
    reason = models.CharField(max_length=500)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["allegation"],
                condition=Q(lifted_at__isnull=True),
                name="lado_one_active_hold",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""),
                name="lado_hold_lift_has_reason",
            ),
        ]

    def __str__(self):
        return f"Legal hold on {self.allegation_id}: {self.reason[:60]}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class AllegationEvent(models.Model):
    """Each step taken on an allegation: who did what, and when."""

    allegation = models.ForeignKey(
        Allegation, on_delete=models.CASCADE, related_name="events"
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
        return f"{self.code} {self.detail}"

    @property
    def label(self) -> str:
        return codes.EVENT_LABELS.get(self.code, self.code)
