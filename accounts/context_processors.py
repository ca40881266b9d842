from django.conf import settings

from .roles import Role


def roles(request):
    """Expose the signed-in user's roles to templates as simple booleans."""
    user = getattr(request, "user", None)
    values = (
        user.role_values if user is not None and user.is_authenticated else frozenset()
    )
    return {
        "roles": {role.name.lower(): role.value in values for role in Role},
        "demo_mode": getattr(settings, "DEMO_MODE", False),
        "mfa_required": settings.MFA_REQUIRED,
    }


def navigation(request):
    """Links each app declares as `nav_items` on its AppConfig, for this user.

    Apps add their own areas here without the accounts app importing them.
    """
    from django.apps import apps
    from django.urls import NoReverseMatch, reverse

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    for config in apps.get_app_configs():
        for permission, url_name, label in getattr(config, "nav_items", ()):
            if not user.has_perm(permission):
                continue
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            items.append({"url": url, "label": label, "active": url_name == current})
    return {"nav_items": items}
