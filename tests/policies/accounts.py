"""Access policy of each user's own sign-in and security pages.

(Sign-in, sign-out and the access log are declared in cases.py.) In the suite
multi-factor sign-in is not required and nobody has a device: the verify page
sends a user to set one up, and the backup-code renewal takes only POST.
"""

from . import ROLES, Entry, everyone

POLICY = {
    "accounts:security": Entry(everyone(200)),
    "accounts:password-change": Entry(everyone(200)),
    "accounts:mfa-enrol": Entry(everyone(200)),
    "accounts:mfa-verify": Entry({role: 302 for role in ROLES}),
    "accounts:mfa-recover": Entry(everyone(200)),
    "accounts:mfa-backup-codes-renew": Entry(everyone(405)),
}
