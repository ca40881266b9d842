"""The monthly indicator summary the nightly sweep computes and the dashboard reads."""

from django.conf import settings
from django.db import models


class IndicatorMonth(models.Model):
    """(In time, all) of one dashboard indicator in one calendar month for one
    person responsible, as at the last nightly sweep (reporting/sweep.py).
    `chair` is that person: the chair for meetings indicators, the LADO officer
    for LADO ones, the visitor for Regulation 44 ones. Derived data: rebuilt
    whole each night from the records, so it keeps no history of its own."""

    code = models.CharField(max_length=40)
    month = models.DateField(help_text="First day of the calendar month.")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    met = models.PositiveIntegerField()
    total = models.PositiveIntegerField()
    computed_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["code", "month"])]

    def __str__(self):
        return f"{self.code} {self.month:%Y-%m}: {self.met}/{self.total}"


class ReviewMonth(models.Model):
    """Children in Care reviews held in one calendar month under one rule with one
    participation code, as at the last nightly sweep: the counts the IRO annual
    report sums (meetings.selectors.review_counts_by_month). Derived data, like
    IndicatorMonth."""

    month = models.DateField(help_text="First day of the calendar month.")
    due_rule = models.CharField(max_length=40)
    participation_code = models.CharField(max_length=8, blank=True)
    held = models.PositiveIntegerField()
    in_time = models.PositiveIntegerField()
    seen = models.PositiveIntegerField()
    advocate = models.PositiveIntegerField()
    interpreter = models.PositiveIntegerField()
    computed_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["month"])]

    def __str__(self):
        return (
            f"{self.month:%Y-%m} {self.due_rule} {self.participation_code}: {self.held}"
        )


class ReturnCheck(models.Model):
    """The last check of one collection year's returns against the DfE rules the
    returns check page shows (rebuilt nightly and on request): when it ran and
    how many problems it found. Derived data, like IndicatorMonth."""

    year = models.PositiveSmallIntegerField(
        unique=True, help_text="The collection year ends on 31 March of this year."
    )
    checked_at = models.DateTimeField()
    total = models.PositiveIntegerField()

    def __str__(self):
        return f"Returns {self.year}: {self.total} problems at {self.checked_at}"


class ReturnCheckProblem(models.Model):
    """One problem found by a ReturnCheck, at its record (the first few hundred)."""

    check_run = models.ForeignKey(
        ReturnCheck, on_delete=models.CASCADE, related_name="problems"
    )
    position = models.PositiveIntegerField()
    la_child_id = models.CharField(max_length=10)
    on = models.DateField()
    what = models.CharField(max_length=60)
    problem = models.CharField(max_length=200)
    url = models.CharField(max_length=200)

    class Meta:
        ordering = ["check_run", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_run", "position"], name="return_problem_position"
            )
        ]

    def __str__(self):
        return f"{self.la_child_id} {self.on}: {self.problem}"
