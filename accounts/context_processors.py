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
    }
