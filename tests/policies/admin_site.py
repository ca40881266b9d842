"""Access policy of the admin site, declared per registered model.

For each model the administrator role (staff, with the role's permissions and no
superuser rights) gets the statuses below for the changelist, the add page and
the change page of a sample object. Every other role is not staff, and it and
anonymous visitors are sent to the admin's sign-in page (302) for every admin
URL. An app's index page answers 200 when the administrator may see one of its
models, else 404. A model registered in the admin without an entry here fails
tests/test_access_matrix.py.

`sample(base)` makes one object for the change page; `base` holds a user.
"""

from datetime import timedelta

from django.utils import timezone

OK, DENIED = 200, 403
NONE = (DENIED, DENIED, DENIED)
FULL = (OK, OK, OK)
VIEW_CHANGE = (OK, DENIED, OK)  # may see and change, not add


def _axes(model):
    def make(base):
        return model.objects.create(
            user_agent="Browser",
            ip_address="10.0.0.1",
            username="someone",
            http_accept="text/html",
            path_info="/accounts/sign-in/",
            **(
                {"get_data": "", "post_data": "", "failures_since_start": 1}
                if model.__name__ == "AccessAttempt"
                else {}
            ),
        )

    return make


def _access_log(base):
    from accounts.models import AccessLog

    return AccessLog.objects.create(action=AccessLog.Action.VIEW, username="x")


def _team(base):
    from accounts.models import Team

    return Team.objects.create(name="Admin matrix team", kind=Team.Kind.IRO_SERVICE)


def _user(base):
    return base["user"]


def _group(base):
    from django.contrib.auth.models import Group

    return Group.objects.get(name="iro")


def _axes_model(name):
    def make(base):
        from django.apps import apps

        return _axes(apps.get_model("axes", name))(base)

    return make


def _allocation(base):
    from tests.factories import AllocationFactory

    return AllocationFactory()


def _child(base):
    from tests.factories import ChildFactory

    return ChildFactory()


def _key_person(base):
    from tests.factories import KeyPersonFactory

    return KeyPersonFactory()


def _closure(base):
    from cases.models import LocalClosureDay

    return LocalClosureDay.objects.create(day="2026-12-24", name="Christmas Eve")


def _timescale_setting(base):
    from cases.models import LOCAL_RULE_CHOICES, TimescaleSetting

    return TimescaleSetting.objects.create(code=LOCAL_RULE_CHOICES[0][0], amount=5)


def _clocked(base):
    from django_celery_beat.models import ClockedSchedule

    return ClockedSchedule.objects.create(
        clocked_time=timezone.now() + timedelta(days=1)
    )


def _crontab(base):
    from django_celery_beat.models import CrontabSchedule

    return CrontabSchedule.objects.create(minute="5")


def _interval(base):
    from django_celery_beat.models import IntervalSchedule

    return IntervalSchedule.objects.create(every=3, period=IntervalSchedule.DAYS)


def _periodic_task(base):
    from django_celery_beat.models import PeriodicTask

    return PeriodicTask.objects.create(
        name="Admin matrix task", task="cases.tasks.x", interval=_interval(base)
    )


def _solar(base):
    from django_celery_beat.models import SolarSchedule

    return SolarSchedule.objects.create(event="sunrise", latitude=51.5, longitude=0.1)


def _static_device(base):
    from django_otp.plugins.otp_static.models import StaticDevice

    return StaticDevice.objects.create(user=base["user"], name="Backup codes")


def _totp_device(base):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=base["user"], name="Authenticator app")


def _pending_task(base):
    from django.apps import apps

    return apps.get_model("cases", "PendingTask").objects.create(task_name="x")


def _heartbeat(base):
    from django.apps import apps

    return apps.get_model("cases", "WorkerHeartbeat").objects.create(
        name="worker", seen_at=timezone.now()
    )


# label: ((changelist, add, change) for the administrator, sample maker)
MODELS = {
    # Users and teams are the administrator's to manage; the access log is the
    # managers' (on its own page), never editable.
    "accounts.AccessLog": (NONE, _access_log),
    "accounts.Team": (FULL, _team),
    "accounts.User": (FULL, _user),
    "auth.Group": ((OK, DENIED, OK), _group),  # roles: seen, changed only in code
    # Sign-in failures and lockouts: not the administrator's (operations).
    "axes.AccessAttempt": (NONE, _axes_model("AccessAttempt")),
    "axes.AccessFailureLog": (NONE, _axes_model("AccessFailureLog")),
    "axes.AccessLog": (NONE, _axes_model("AccessLog")),
    # Administrators see no child records.
    "cases.Allocation": (NONE, _allocation),
    "cases.Child": (NONE, _child),
    "cases.KeyPerson": (NONE, _key_person),
    "cases.LocalClosureDay": (FULL, _closure),
    "cases.TimescaleSetting": (VIEW_CHANGE, _timescale_setting),
    # Schedules are code (CELERY_BEAT_SCHEDULE), not edited by hand.
    "django_celery_beat.ClockedSchedule": (NONE, _clocked),
    "django_celery_beat.CrontabSchedule": (NONE, _crontab),
    "django_celery_beat.IntervalSchedule": (NONE, _interval),
    "django_celery_beat.PeriodicTask": (NONE, _periodic_task),
    "django_celery_beat.SolarSchedule": (NONE, _solar),
    # Second-factor devices: reset through the user's "Reset multi-factor
    # sign-in" action, never read or edited directly.
    "otp_static.StaticDevice": (NONE, _static_device),
    "otp_totp.TOTPDevice": (NONE, _totp_device),
    "cases.PendingTask": (NONE, _pending_task),
    "cases.WorkerHeartbeat": (NONE, _heartbeat),
}

ADMIN_INDEX = OK
