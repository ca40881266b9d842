from . import ADMIN, IRO, MANAGER, ROLES, Entry, everyone, only

CHILD_READ = only({IRO: 200, MANAGER: 200}, 404)
CHILD_READ_OUT = only({MANAGER: 200}, 404)
ALLOCATE = only({IRO: 403, MANAGER: 200}, 404)
POST_ONLY = only({IRO: 405, MANAGER: 405}, 404)
POST_ONLY_OUT = only({MANAGER: 405}, 404)

POLICY = {
    "home": Entry(everyone(200)),
    "accounts:login": Entry({role: 302 for role in ROLES}, anonymous=200),
    "accounts:logout": Entry(everyone(405), anonymous=405),
    "accounts:access-log": Entry(only({MANAGER: 200}, 403)),
    "cases:child-list": Entry(only({IRO: 200, MANAGER: 200}, 403)),
    "cases:child-create": Entry(only({IRO: 200, MANAGER: 200}, 403)),
    "cases:child-detail": Entry(CHILD_READ, CHILD_READ_OUT),
    "cases:child-update": Entry(CHILD_READ, CHILD_READ_OUT),
    "cases:child-audit": Entry(
        only({IRO: 403, MANAGER: 200}, 404), only({MANAGER: 200}, 404)
    ),
    "cases:episode-create": Entry(CHILD_READ, CHILD_READ_OUT),
    # Outside: the episode/plan id belongs to another child, so it answers 404.
    "cases:episode-update": Entry(CHILD_READ, everyone(404)),
    "cases:episode-end": Entry(CHILD_READ, everyone(404)),
    "cases:plan-create": Entry(CHILD_READ, CHILD_READ_OUT),
    "cases:plan-update": Entry(CHILD_READ, everyone(404)),
    "cases:plan-end": Entry(CHILD_READ, everyone(404)),
    "cases:allocation-create": Entry(ALLOCATE, only({MANAGER: 200}, 404)),
    "cases:person-create": Entry(CHILD_READ, CHILD_READ_OUT),
    "cases:person-update": Entry(CHILD_READ, CHILD_READ_OUT),
    "cases:person-delete": Entry(POST_ONLY, POST_ONLY_OUT),
    "cases:timescale-calculator": Entry(everyone(200)),
    "cases:timescale-settings": Entry(only({ADMIN: 200}, 403)),
    "cases:closure-delete": Entry(only({ADMIN: 405}, 403), pk="closure"),
}
