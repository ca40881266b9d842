"""Roles are Django groups; each role's permissions are declared here, once."""

from django.db import models


class Role(models.TextChoices):
    IRO = "iro", "Independent Reviewing Officer"
    LADO = "lado", "LADO"
    REG44_VISITOR = "reg44_visitor", "Regulation 44 visitor"
    MANAGER = "manager", "Manager"
    MINUTE_TAKER = "minute_taker", "Minute-taker"
    ADMINISTRATOR = "administrator", "Administrator"


# Each app's codenames live in its own permissions module; this table says which
# role holds which. Record scope (which children) is decided by selectors.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.IRO: [
        "cases.view_child",
        "cases.add_child",
        "cases.change_child",
        "cases.change_child_episodes",
        "cases.change_key_people",
        "cases.view_timescales",
        "meetings.view_meeting",
        "meetings.schedule_meeting",
        "meetings.chair_meeting",
        "meetings.approve_record",
        "meetings.distribute_record",
        "meetings.manage_disputes",
        "meetings.record_monitoring",
        "meetings.manage_complaints",
        "meetings.record_strategy",
        "meetings.raise_practice_alerts",
        "meetings.record_qa",
        "cases.request_breakglass",
    ],
    Role.LADO: [
        "cases.view_timescales",
        "lado.view_allegation",
        "lado.add_allegation",
        "lado.change_allegation",
        "lado.view_lado_figures",
        "lado.manage_retention",
    ],
    Role.REG44_VISITOR: [
        "cases.view_timescales",
        "reg44.view_home",
        "reg44.view_visit",
        "reg44.add_visit",
        "reg44.change_visit",
        "reg44.approve_visit_report",
    ],
    Role.MANAGER: [
        "cases.view_child",
        "cases.add_child",
        "cases.change_child",
        "cases.change_child_episodes",
        "cases.change_key_people",
        "cases.allocate_child",
        "cases.view_child_audit",
        "cases.view_timescales",
        "cases.view_dashboards",
        "meetings.view_meeting",
        "meetings.schedule_meeting",
        "meetings.approve_record",
        "meetings.distribute_record",
        "meetings.respond_disputes",
        "meetings.manage_complaints",
        "meetings.record_strategy",
        "meetings.raise_practice_alerts",
        "meetings.respond_practice_alerts",
        "meetings.record_qa",
        "meetings.tag_training_theme",
        "lado.view_allegation",
        "lado.view_lado_figures",
        "reg44.view_home",
        "reg44.add_home",
        "reg44.change_home",
        "reg44.view_visit",
        "reg44.view_reg44_overview",
        "cases.review_breakglass",
        "cases.review_retention",
        "cases.dispose_record",
    ],
    Role.MINUTE_TAKER: [
        "cases.view_timescales",
        "meetings.view_meeting",
        "meetings.take_minutes",
    ],
    Role.ADMINISTRATOR: [
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_team",
        "accounts.add_team",
        "accounts.change_team",
        "auth.view_group",
        "cases.view_timescales",
        "cases.manage_calendar",
        "cases.view_localclosureday",
        "cases.add_localclosureday",
        "cases.change_localclosureday",
        "cases.delete_localclosureday",
        "cases.view_timescalesetting",
        "cases.change_timescalesetting",
        "cases.review_retention",
        "cases.manage_retention_schedule",
        "reg44.view_home",
        "reg44.add_home",
        "reg44.change_home",
    ],
}


def sync_role_groups(*, using: str = "default") -> None:
    """Create one group per role and give it exactly the declared permissions."""
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        wanted = []
        for dotted in ROLE_PERMISSIONS.get(role, []):
            app_label, codename = dotted.split(".")
            perm = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)


def sync_role_groups_handler(sender, using="default", **kwargs):
    sync_role_groups(using=using)
