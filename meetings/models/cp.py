"""Child protection: strategy discussions, conference outcomes per child, exclusions,
the minutes of a conference and the sendings of its outline plan and minutes.

Conferences and core groups are Meetings (kinds declared in meetings.types); these
models add only what child protection needs.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from cases.codes import CategoryOfAbuse, CPPlanEndReason


class StrategyDiscussion(models.Model):
    """A strategy discussion or meeting, and whether section 47 enquiries start."""

    class Decision(models.TextChoices):
        S47_SINGLE = (
            "s47_single",
            "Section 47 enquiries: single agency (children's social care)",
        )
        S47_JOINT = "s47_joint", "Section 47 enquiries: joint with the police"
        CIN_ASSESSMENT = "cin_assessment", "No section 47: child in need assessment"
        FURTHER_STRATEGY = "further_strategy", "A further strategy meeting is needed"
        NFA = "nfa", "No further action"

    class Agency(models.TextChoices):
        SOCIAL_CARE = "social_care", "Children's social care"
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education (school or nursery)"
        REFERRER = "referrer", "The referrer"
        PROBATION = "probation", "Probation"
        HOUSING = "housing", "Housing"
        ADULT_SERVICES = "adult_services", "Adult services"

    # The child whose record it was recorded from; `children` holds every child of
    # the family it concerned, this one included.
    child = models.ForeignKey(
        "cases.Child", on_delete=models.CASCADE, related_name="strategy_discussions"
    )
    children = models.ManyToManyField(
        "cases.Child", related_name="strategy_discussions_about"
    )
    held_on = models.DateField("Date of the strategy discussion")
    chaired_by = models.CharField("Chaired by", max_length=150)
    agencies_present = models.JSONField(default=list)
    other_agencies = models.CharField(
        "Other agencies present", max_length=300, blank=True
    )
    decision = models.CharField(max_length=30, choices=Decision.choices)
    immediate_protection = models.BooleanField(
        "Immediate protective action taken (EPO or police protection)", default=False
    )
    reasons = models.TextField("Concerns and reasons for the decision")
    # The initial conference that the start of section 47 enquiries made owed.
    conference = models.OneToOneField(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="strategy_discussion",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"Strategy discussion on {self.held_on:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("meetings:strategy-detail", kwargs={"pk": self.pk})

    @property
    def starts_section_47(self) -> bool:
        return self.decision in (self.Decision.S47_SINGLE, self.Decision.S47_JOINT)

    def get_agencies_present_display(self) -> list[str]:
        labels = dict(self.Agency.choices)
        return [labels.get(code, code) for code in self.agencies_present]


class ConferenceChild(models.Model):
    """A child a child protection meeting is about, with the conference's outcome.

    Several children of one family share a conference (and its minutes); each has
    their own outcome and, with a plan, their own CP plan episode.
    """

    class Outcome(models.TextChoices):
        PLAN = "plan", "Child protection plan"
        NO_PLAN = "no_plan", "No child protection plan"
        CONTINUE = "continue", "The plan continues"
        END = "end", "The plan ends"

    class Alternative(models.TextChoices):
        CIN_PLAN = "cin_plan", "Child in need plan"
        STEP_DOWN = "step_down", "Step down to early help"
        NFA = "nfa", "No further action"

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="cp_children"
    )
    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, related_name="cp_meeting_places"
    )
    outcome = models.CharField(max_length=20, blank=True, choices=Outcome.choices)
    category = models.CharField(
        "Category of abuse", max_length=3, blank=True, choices=CategoryOfAbuse.choices
    )
    alternative = models.CharField(
        "Instead of (or after) a plan",
        max_length=20,
        blank=True,
        choices=Alternative.choices,
    )
    end_reason = models.CharField(
        max_length=30, blank=True, choices=CPPlanEndReason.choices
    )
    dissent = models.TextField(
        blank=True, help_text="Who disagreed with the decision, and why."
    )
    # Transfer-in: the authority whose plan the child moved in on.
    transferred_from = models.CharField(max_length=150, blank=True)
    plan = models.ForeignKey(
        "cases.CPPlanEpisode",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "child"], name="cp_child_once_per_meeting"
            ),
            models.CheckConstraint(
                condition=~Q(outcome__in=["plan", "continue"]) | ~Q(category=""),
                name="cp_child_plan_has_category",
            ),
        ]

    def __str__(self):
        return f"{self.child} at {self.meeting}"


class Exclusion(models.Model):
    """The chair's decision to exclude someone from all or part of a conference."""

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="exclusions"
    )
    participant = models.ForeignKey(
        "meetings.Participant", on_delete=models.CASCADE, related_name="exclusions"
    )
    whole_meeting = models.BooleanField(default=False)
    part = models.CharField(
        "Part of the meeting",
        max_length=200,
        blank=True,
        help_text="e.g. while the police shared intelligence",
    )
    reason = models.CharField(max_length=300)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="exclusion_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(whole_meeting=True) | ~Q(part=""),
                name="exclusion_part_named",
            ),
        ]

    def __str__(self):
        scope = "the whole meeting" if self.whole_meeting else self.part
        return f"{self.participant.name} excluded from {scope}"


class Minutes(models.Model):
    """One version of a conference's minutes. Amending an approved one makes another."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft (with the minute-taker)"
        SUBMITTED = "submitted", "Submitted to the chair"
        APPROVED = "approved", "Approved"
        SUPERSEDED = "superseded", "Superseded by a later version"

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, related_name="minutes"
    )
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    amends = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    amendment_reason = models.CharField(max_length=300, blank=True)
    returned_reason = models.CharField(max_length=300, blank=True)
    # Optimistic locking: every save of the text bumps it; a save made from an
    # older version is refused and both texts are shown.
    lock_version = models.PositiveIntegerField(default=0)
    last_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_saved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Fixed at approval: the SHA-256 of the full approved content, printed on every
    # rendering of this version (the agencies' and the family's).
    content_hash = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(upload_to="minutes/%Y/%m/", blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["lock_version", "last_saved_at"])

    class Meta:
        ordering = ["meeting", "-version"]
        verbose_name_plural = "minutes"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "version"], name="minutes_version_once"
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(status__in=["draft", "submitted"]),
                name="minutes_one_working_version",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "superseded"])
                | ~Q(content_hash=""),
                name="minutes_approved_has_hash",
            ),
        ]

    def __str__(self):
        return f"Minutes v{self.version} of {self.meeting}"

    def get_absolute_url(self):
        return reverse(
            "meetings:minutes-detail",
            kwargs={"pk": self.meeting_id, "minutes_pk": self.pk},
        )


class MinutesSection(models.Model):
    """One part of the minutes, with who was present for it and restricted details."""

    minutes = models.ForeignKey(
        Minutes, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=150)
    text = models.TextField(blank=True)
    restricted_text = models.TextField(
        "Restricted details",
        blank=True,
        help_text=(
            "Another family member's or a third party's details: left out of "
            "every copy sent to the family."
        ),
    )
    present = models.ManyToManyField(
        "meetings.Participant", blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[present])

    class Meta:
        ordering = ["minutes", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "position"], name="minutes_section_position_once"
            ),
        ]

    def __str__(self):
        return self.heading


class ConferenceSending(models.Model):
    """One sending of the outline plan, or of one version of the minutes, to one
    recipient, with the exact PDF sent and the content hash it carries."""

    class Document(models.TextChoices):
        OUTLINE_PLAN = "outline_plan", "Decisions and outline plan"
        MINUTES = "minutes", "Minutes"

    class Audience(models.TextChoices):
        FULL = "full", "Full record (agencies)"
        FAMILY = "family", "Family copy (parts attended; restricted details removed)"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        POST = "post", "Post"
        BY_HAND = "by_hand", "By hand"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, related_name="cp_sendings"
    )
    minutes = models.ForeignKey(
        Minutes,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sendings",
    )
    document = models.CharField(max_length=20, choices=Document.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    participant = models.ForeignKey(
        "meetings.Participant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cp_sendings",
    )
    recipient_name = models.CharField(max_length=150)
    recipient_email = models.EmailField(blank=True)
    # Email address, or the name for post and by hand: one sending per key.
    recipient_key = models.CharField(max_length=254)
    channel = models.CharField(
        max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    pdf = models.FileField(upload_to="conference-sendings/%Y/%m/", blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "document", "recipient_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "recipient_key"],
                condition=Q(document="outline_plan"),
                name="outline_plan_sent_once",
            ),
            models.UniqueConstraint(
                fields=["minutes", "recipient_key"],
                condition=Q(document="minutes"),
                name="minutes_sent_once_per_version",
            ),
            models.CheckConstraint(
                condition=~Q(document="minutes") | Q(minutes__isnull=False),
                name="minutes_sending_names_version",
            ),
        ]

    def __str__(self):
        return f"{self.get_document_display()} to {self.recipient_name}"
