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


def merged():
    from . import cases, meetings_oversight, meetings_records, meetings_scheduling

    policy = {}
    for module in (cases, meetings_scheduling, meetings_records, meetings_oversight):
        overlap = set(policy) & set(module.POLICY)
        assert not overlap, f"declared twice: {overlap}"
        policy.update(module.POLICY)
    return policy
