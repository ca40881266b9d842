"""The monthly indicator summary the nightly sweep computes and the dashboard reads."""

from django.conf import settings
from django.db import models


class IndicatorMonth(models.Model):
    """(In time, all) of one meetings indicator in one calendar month for one chair,
    as at the last nightly sweep (reporting/sweep.py). Derived data: rebuilt whole
    each night from the meetings, so it keeps no history of its own."""

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
