from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
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


class BreakGlassGrant(models.Model):
    """Emergency access to a child outside the user's scope, for a limited time.

    The reason is given up front; the child's workers and the managers are told,
    and a manager reviews every grant afterwards.
    """

    class Outcome(models.TextChoices):
        APPROPRIATE = "appropriate", "Appropriate"
        NOT_APPROPRIATE = "not_appropriate", "Not appropriate"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="breakglass_grants",
    )
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="breakglass_grants"
    )
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    review_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = "emergency access grant"
        indexes = [
            models.Index(fields=["user", "child", "expires_at"]),
            models.Index(fields=["reviewed_at", "-granted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("granted_at")),
                name="breakglass_expires_after_grant",
            ),
            models.CheckConstraint(
                condition=(
                    Q(reviewed_at__isnull=True, outcome="")
                    | (Q(reviewed_at__isnull=False) & ~Q(outcome=""))
                ),
                name="breakglass_review_has_outcome",
            ),
        ]
        permissions = [
            ("request_breakglass", "Can ask for emergency access to a child"),
            ("review_breakglass", "Can review emergency access grants"),
        ]

    def __str__(self):
        return f"Emergency access by {self.user} to child #{self.child_id}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()

    @property
    def was_appropriate(self) -> bool:
        return self.outcome == self.Outcome.APPROPRIATE


# --- retention and disposal (cases.retention) --------------------------------------


class LegalHold(models.Model):
    """A hold that stops a record being disposed of, until lifted with a reason.

    The record is named by its registered type (cases.retention) and id, so any
    app's records can be held without this app importing them.
    """

    record_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
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
        indexes = [models.Index(fields=["record_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "object_id"],
                condition=Q(lifted_at__isnull=True),
                name="cases_one_active_hold_per_record",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""),
                name="cases_hold_lift_has_reason",
            ),
        ]
        permissions = [
            ("review_retention", "Can see the retention schedule and records due"),
            ("dispose_record", "Can place legal holds and dispose of records due"),
            ("manage_retention_schedule", "Can set local retention rules"),
        ]

    def __str__(self):
        return f"Legal hold on {self.record_type} {self.object_id}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class DisposalRecord(models.Model):
    """The audit entry a disposal leaves: what, when, by whom and under which rule.

    It holds no personal data: the record is named by its type and internal id
    only, never by a name or a date of birth.
    """

    record_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    rule_code = models.CharField(max_length=40)
    due_on = models.DateField()
    disposed_at = models.DateTimeField()
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    disposed_by_username = models.CharField(max_length=150)
    # No legal hold (the app's own or a cases.LegalHold) was active when disposed.
    hold_checked = models.BooleanField(default=True)
    rows_deleted = models.PositiveIntegerField()
    files_deleted = models.PositiveIntegerField()

    class Meta:
        ordering = ["-disposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "object_id"], name="cases_disposed_once"
            ),
        ]

    def __str__(self):
        return f"{self.record_type} {self.object_id} disposed {self.disposed_at:%d/%m/%Y}"


class RetentionSetting(models.Model):
    """An administrator's value, in years, for a local retention rule (basis L)."""

    code = models.CharField(max_length=40, unique=True)
    years = models.PositiveSmallIntegerField()
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
                condition=Q(years__gte=0) & Q(years__lte=120),
                name="retention_years_range",
            )
        ]

    def __str__(self):
        return f"{self.code} = {self.years} years"


# --- background work outbox (see cases/outbox.py) ------------------------------

class PendingTask(models.Model):
    """A background job that could not be handed to the broker, kept to send later.

    Every task in this project is safe to run twice, so sending a row again after
    an uncertain failure is harmless; losing it is not.
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    relayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(relayed_at__isnull=True),
                name="pendingtask_waiting_idx",
            )
        ]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)}"


class WorkerHeartbeat(models.Model):
    """When the background worker last ran the outbox relay (one row per name)."""

    name = models.CharField(max_length=50, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M}"
