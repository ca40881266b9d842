"""Access policy of emergency (break-glass) access."""

from datetime import timedelta

from django.utils import timezone

from . import IRO, MANAGER, Entry, only

REVIEW = only({MANAGER: 200}, 403)

POLICY = {
    # Inside: the child is already open, so the page sends one to the record.
    # Outside: an IRO is offered the reason form; other roles hold no child
    # records (DOMAIN.md A3) and get the logged 404.
    "cases:breakglass-request": Entry(
        only({IRO: 302, MANAGER: 302}, 404), only({IRO: 200, MANAGER: 302}, 404)
    ),
    "cases:breakglass-queue": Entry(REVIEW),
    "cases:breakglass-review": Entry(REVIEW, pk="grant"),
}


def build_records(base):
    from cases.models import BreakGlassGrant
    from tests.factories import UserFactory

    now = timezone.now()
    grant = BreakGlassGrant.objects.create(
        user=UserFactory(roles=[IRO]),
        child=base["outside_child"],
        reason="Police called out of hours about this child",
        granted_at=now - timedelta(hours=1),
        expires_at=now + timedelta(hours=3),
    )
    return {"inside": {"grant": grant.pk}, "outside": {"grant": grant.pk}}
