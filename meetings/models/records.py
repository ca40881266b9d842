"""The chair's report (the review record), its versions and its distribution ledger."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class ChairReport(models.Model):
    """One version of a meeting's record. Amending an approved version makes a new one."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for approval"
        APPROVED = "approved", "Approved"
        SUPERSEDED = "superseded", "Superseded by a later version"

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, related_name="reports"
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
    summary = models.TextField("Summary of the review", blank=True)
    child_views = models.TextField("The child's wishes and feelings", blank=True)
    family_views = models.TextField("Views of parents and carers", blank=True)
    discussion = models.TextField("Discussion and progress", blank=True)
    chair_view = models.TextField("The IRO's view of the care plan", blank=True)
    letter_to_child = models.TextField(
        "Letter to the child",
        blank=True,
        help_text="A short, child-friendly letter; generated from the decisions if left blank.",
    )
    # Optimistic locking: every save bumps it; a save from a stale form is refused.
    lock_version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Fixed at approval: the SHA-256 of the approved content, printed on the PDF.
    content_hash = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(upload_to="records/%Y/%m/", blank=True)
    letter_pdf = models.FileField(upload_to="records/%Y/%m/", blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["lock_version"])

    class Meta:
        ordering = ["meeting", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "version"], name="report_version_once"
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(status__in=["draft", "submitted"]),
                name="report_one_working_version",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "superseded"])
                | ~Q(content_hash=""),
                name="report_approved_has_hash",
            ),
        ]

    def __str__(self):
        return f"Record v{self.version} of {self.meeting}"


class Distribution(models.Model):
    """One sending of one document of one report version to one recipient."""

    class Document(models.TextChoices):
        RECORD = "record", "Review record"
        LETTER = "letter", "Letter to the child"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        POST = "post", "Post"
        BY_HAND = "by_hand", "By hand"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    report = models.ForeignKey(
        ChairReport, on_delete=models.PROTECT, related_name="distributions"
    )
    document = models.CharField(
        max_length=10, choices=Document.choices, default=Document.RECORD
    )
    participant = models.ForeignKey(
        "meetings.Participant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="distributions",
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
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report", "recipient_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "document", "recipient_key"], name="distribution_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_document_display()} v{self.report.version} to {self.recipient_name}"
