from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from . import codes
from .timescales import RULES


class Child(models.Model):
    la_child_id = models.CharField(
        "LA child ID",
        max_length=10,
        unique=True,
        help_text="The authority's own identifier (SSDA903 CHILD); up to 10 characters.",
    )
    upn = models.CharField("Unique pupil number", max_length=13, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=10, choices=codes.Gender.choices)
    ethnicity = models.CharField(
        max_length=4, choices=codes.Ethnicity.choices, default=codes.Ethnicity.NOBT
    )
    first_language = models.CharField(max_length=60, default="English")
    interpreter_needed = models.BooleanField(default=False)
    interpreter_language = models.CharField(max_length=60, blank=True)
    advocacy_needed = models.BooleanField(default=False)
    advocacy_details = models.CharField(max_length=300, blank=True)
    has_disability = models.BooleanField(default=False)
    disability_details = models.CharField(max_length=300, blank=True)
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
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = "children"
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(interpreter_needed=False) | ~Q(interpreter_language=""),
                name="child_interpreter_language_given",
            ),
        ]
        permissions = [
            ("change_child_episodes", "Can record care and protection plan episodes"),
            ("change_key_people", "Can record a child's key people"),
            ("allocate_child", "Can allocate IROs and social workers"),
            ("view_child_audit", "Can see who viewed and changed a child's record"),
            ("view_timescales", "Can use the timescale calculator"),
            ("manage_calendar", "Can manage closure days and local timescales"),
            ("view_dashboards", "Can see the service's dashboards and returns"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.la_child_id})"

    def get_absolute_url(self):
        return reverse("cases:child-detail", kwargs={"pk": self.pk})

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.first_name


class CareEpisode(models.Model):
    """One SSDA903 episode; an episode with reason 'S' starts a period of care."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="care_episodes"
    )
    started_on = models.DateField("Start date (DECOM)")
    reason_new_episode = models.CharField(
        "Reason for new episode (RNE)",
        max_length=1,
        choices=codes.ReasonNewEpisode.choices,
        default=codes.ReasonNewEpisode.S,
    )
    legal_status = models.CharField(max_length=2, choices=codes.LegalStatus.choices)
    category_of_need = models.CharField(
        max_length=2,
        choices=codes.CategoryOfNeed.choices,
        default=codes.CategoryOfNeed.N1,
    )
    placement_type = models.CharField(max_length=3, choices=codes.PlacementType.choices)
    placement_postcode = models.CharField(max_length=8, blank=True)
    ended_on = models.DateField("End date (DEC)", null=True, blank=True)
    reason_ended = models.CharField(
        "Reason episode ceased (REC)",
        max_length=3,
        blank=True,
        choices=codes.ReasonEpisodeCeased.choices,
    )
    # The statutory clock of a period of care, stored on the episode that starts it
    # and recalculated by the service that changes its inputs.
    first_review_due_on = models.DateField(null=True, blank=True, db_index=True)
    pep_due_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="care_episode_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(
                    Q(ended_on__isnull=True, reason_ended="")
                    | (Q(ended_on__isnull=False) & ~Q(reason_ended=""))
                ),
                name="care_episode_end_has_reason",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ended_on__isnull=True),
                name="care_episode_one_open_per_child",
            ),
        ]

    def __str__(self):
        return f"Care episode from {self.started_on:%d/%m/%Y} ({self.legal_status})"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    @property
    def starts_period_of_care(self) -> bool:
        return self.reason_new_episode == codes.ReasonNewEpisode.S

    @property
    def is_short_break(self) -> bool:
        return self.legal_status in codes.SHORT_BREAK_LEGAL_STATUSES


class CPPlanEpisode(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="cp_plans")
    started_on = models.DateField("Plan start date")
    initial_category = models.CharField(
        "Initial category of abuse", max_length=3, choices=codes.CategoryOfAbuse.choices
    )
    latest_category = models.CharField(
        "Latest category of abuse", max_length=3, choices=codes.CategoryOfAbuse.choices
    )
    ended_on = models.DateField("Plan end date", null=True, blank=True)
    end_reason = models.CharField(
        max_length=30, blank=True, choices=codes.CPPlanEndReason.choices
    )
    first_review_due_on = models.DateField(null=True, blank=True, db_index=True)
    core_group_due_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = "child protection plan"
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="cp_plan_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(
                    Q(ended_on__isnull=True, end_reason="")
                    | (Q(ended_on__isnull=False) & ~Q(end_reason=""))
                ),
                name="cp_plan_end_has_reason",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ended_on__isnull=True),
                name="cp_plan_one_open_per_child",
            ),
        ]

    def __str__(self):
        return f"Child protection plan from {self.started_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class Allocation(models.Model):
    class Role(models.TextChoices):
        IRO = "iro", "Independent Reviewing Officer"
        SOCIAL_WORKER = "social_worker", "Social worker"

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="allocations"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    worker_name = models.CharField(
        max_length=150,
        blank=True,
        help_text="For a worker without an account here, such as a social worker.",
    )
    worker_email = models.EmailField(blank=True)
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allocations",
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["notified_at"])

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="allocation_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(worker__isnull=False) | ~Q(worker_name=""),
                name="allocation_names_a_worker",
            ),
            models.UniqueConstraint(
                fields=["child", "role"],
                condition=Q(ended_on__isnull=True),
                name="allocation_one_open_per_role",
            ),
        ]
        indexes = [models.Index(fields=["worker", "role", "ended_on"])]

    def __str__(self):
        return f"{self.get_role_display()}: {self.worker_display}"

    @property
    def worker_display(self) -> str:
        return str(self.worker) if self.worker_id else self.worker_name


class KeyPerson(models.Model):
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="key_people"
    )
    name = models.CharField(max_length=150)
    relationship = models.CharField(
        max_length=30, choices=codes.KeyPersonRelationship.choices
    )
    organisation = models.CharField(max_length=150, blank=True)
    has_parental_responsibility = models.BooleanField(default=False)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    is_address_restricted = models.BooleanField(
        default=False,
        help_text="The address must not be shared with family members.",
    )
    notes = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["relationship", "name"]
        verbose_name_plural = "key people"

    def __str__(self):
        return f"{self.name} ({self.get_relationship_display()})"


class LocalClosureDay(models.Model):
    """A day the authority is closed, counted like a bank holiday."""

    day = models.DateField(
        unique=True, error_messages={"unique": "That day is already a closure day."}
    )
    name = models.CharField(max_length=120)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.name}"


LOCAL_RULE_CHOICES = [
    (r.code, f"{r.code}: {r.title}") for r in RULES.values() if r.is_local
]


class TimescaleSetting(models.Model):
    """An administrator's value for a local-practice rule (basis L)."""

    code = models.CharField(max_length=40, unique=True, choices=LOCAL_RULE_CHOICES)
    amount = models.PositiveSmallIntegerField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(amount__lte=120),
                name="timescale_amount_range",
            )
        ]

    def __str__(self):
        return f"{self.code} = {self.amount}"


class TimescaleMark(models.Model):
    """The daily sweep's standing of one open statutory item (cases.sweep).

    One row per open item and rule; rows are written in bulk by the sweep and
    deleted once the item is no longer open.
    """

    class State(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    rule_code = models.CharField(max_length=40)
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="timescale_marks",
    )
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="timescale_marks",
    )
    due_on = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices)
    first_marked_on = models.DateField()
    state_changed_on = models.DateField()
    label = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    # When the sweep that last saw the item open began.
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "rule_code"],
                name="timescale_mark_one_per_item_and_rule",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "state", "due_on"]),
            models.Index(fields=["team", "state", "due_on"]),
            models.Index(fields=["state_changed_on", "state"]),
        ]

    def __str__(self):
        return f"{self.label} ({self.get_state_display()}, due {self.due_on:%d/%m/%Y})"
