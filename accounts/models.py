from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .roles import Role


class Team(models.Model):
    class Kind(models.TextChoices):
        IRO_SERVICE = "iro_service", "IRO service"
        LADO_SERVICE = "lado_service", "LADO service"
        REG44 = "reg44", "Regulation 44 visiting"
        SOCIAL_WORK = "social_work", "Social work team"
        BUSINESS_SUPPORT = "business_support", "Business support"

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    manager = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_teams",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    job_title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    # Every signed-in session remembers the epoch it began in; raising it (password
    # change, an administrator ending sessions or disabling the account) signs the
    # other sessions out at their next request.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["last_login", "password"])

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def role_values(self) -> frozenset[str]:
        """Return the user's role values, cached for the life of the instance."""
        if not hasattr(self, "_role_values"):
            self._role_values = frozenset(self.groups.values_list("name", flat=True))
        return self._role_values

    def has_role(self, *roles: str) -> bool:
        return self.is_active and any(role in self.role_values for role in roles)

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in sorted(self.role_values) if r in Role.values]


class AccessLog(models.Model):
    """Who opened, searched, exported or was refused which record, and when."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        DENIED = "denied", "Refused (out of scope)"
        SEARCH = "search", "Searched"
        EXPORT = "export", "Exported"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_OUT = "sign_out", "Signed out"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        MFA_ENROLLED = "mfa_enrolled", "Set up multi-factor sign-in"
        MFA_VERIFIED = "mfa_verified", "Passed multi-factor sign-in"
        MFA_FAILED = "mfa_failed", "Multi-factor code refused"
        MFA_BACKUP_USED = "mfa_backup_used", "Signed in with a backup code"
        MFA_CODES_RENEWED = "mfa_codes_renewed", "Replaced backup codes"
        MFA_RESET = "mfa_reset", "Reset multi-factor sign-in"
        PASSWORD_CHANGED = "password_changed", "Changed password"
        SESSIONS_ENDED = "sessions_ended", "Ended sessions"
        ACCOUNT_DISABLED = "account_disabled", "Disabled account"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self):
        return f"{self.username} {self.action} {self.object_repr} at {self.at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("accounts:access-log")


class Notification(models.Model):
    """An in-app notice that an item became due soon or overdue, for one user."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"
        BREAK_GLASS = "break_glass", "Emergency access"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications"
    )
    day = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=400)
    url = models.CharField(max_length=300, blank=True)
    # What the notice is about, stable across days (e.g. "timescale:12:345:cic_review_n").
    source_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "source_key", "day"],
                name="notification_once_per_user_source_day",
            ),
        ]
        indexes = [models.Index(fields=["user", "day"])]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.text}"


class DigestSent(models.Model):
    """The daily digest email of notifications, sent at most once per user and day."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    notification_count = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day"], name="digest_once_per_user_day"
            )
        ]

    def __str__(self):
        return f"Digest for {self.user} on {self.day:%d/%m/%Y}"
