"""The declared access policy: every URL name, and what each role gets.

Each area keeps its own table in this package; the matrix test merges them and
fails for any URL that no table declares.
"""

from accounts.roles import Role

ANON = "anonymous"
IRO, LADO, VISITOR = Role.IRO.value, Role.LADO.value, Role.REG44_VISITOR.value
MANAGER, MINUTES, ADMIN = (
    Role.MANAGER.value,
    Role.MINUTE_TAKER.value,
    Role.ADMINISTRATOR.value,
)
ROLES = [IRO, LADO, VISITOR, MANAGER, MINUTES, ADMIN]


def everyone(status):
    return {role: status for role in ROLES}


def only(allowed: dict, default):
    return {role: allowed.get(role, default) for role in ROLES}


class Entry:
    """Expected status per role for a record inside the IRO's scope and one outside.

    `pk` names which record a `pk` URL argument means ("child", "meeting", ...);
    `outside=None` means the URL has no record to be out of scope.
    `anonymous` is what a signed-out visitor gets (302 to sign-in by default).
    """

    def __init__(self, inside, outside=None, *, pk="child", anonymous=302):
        self.inside = inside
        self.outside = outside
        self.pk = pk
        self.anonymous = anonymous


AREAS = (
    "cases",
    "meetings_scheduling",
    "meetings_records",
    "meetings_oversight",
    "meetings_cp",
    "lado",
    "reg44",
    "reporting",
    "breakglass",
    "accounts",
    "meetings_quality_alerts",
    "retention",
    "meetings_quality",
)


def _modules():
    import importlib

    return [importlib.import_module(f"{__name__}.{area}") for area in AREAS]


def merged():
    policy = {}
    for module in _modules():
        overlap = set(policy) & set(module.POLICY)
        assert not overlap, f"declared twice: {overlap}"
        policy.update(module.POLICY)
    return policy


def extra_records(base):
    """Let each area add the records its URLs need: {"inside": {...}, "outside": {...}}.

    An area module may define `build_records(base)`, where `base` holds the ids and
    objects the matrix fixture made (see tests/test_access_matrix.py).
    """
    extra = {"inside": {}, "outside": {}}
    for module in _modules():
        builder = getattr(module, "build_records", None)
        if builder is not None:
            built = builder(base)
            extra["inside"].update(built.get("inside", {}))
            extra["outside"].update(built.get("outside", {}))
    return extra
